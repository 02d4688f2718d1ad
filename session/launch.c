/* SPDX-License-Identifier: MIT */
/*
 * session/launch.c: the command line of a session's sandboxed shell.
 *
 * TODO: this is a fixed bwrap profile (read-only root, writable working
 * directory, private /tmp, no network) until the runtime's launch planner
 * and the session's proxies are wired in; policy flags are not applied yet.
 *
 * Whatever the profile, three things are masked inside the sandbox with an
 * empty tmpfs: the session socket directory, the user's runtime directory
 * and tmux's socket directory.  A Unix socket stays connectable through a
 * read-only bind, and a reachable fence or tmux socket would let a process
 * inside type into a session or run commands outside the sandbox.
 */
#include "session/launch.h"

#include <string.h>
#include <sys/stat.h>

#include "session/session.h"

extern char **environ;

static bool is_dir(const char *path)
{
	struct stat st;

	return path && path[0] == '/' && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Hide a host directory behind an empty tmpfs, if it exists. */
static void mask_dir(struct strv *argv, const char *path)
{
	if (!is_dir(path))
		return;
	strv_push(argv, "--tmpfs");
	strv_push(argv, path);
}

/* The user's login shell when it is an absolute executable path, else bash. */
static const char *pick_shell(void)
{
	const char *sh = getenv("SHELL");

	if (sh && sh[0] == '/' && access(sh, X_OK) == 0)
		return sh;
	return "/bin/bash";
}

/* Copy the environment without what would point inside at host sockets. */
static void build_env(const char *name, struct strv *env)
{
	static const char *const drop[] = {"TMUX=", "TMUX_PANE=", "STY=", "TERM=", "COLORTERM=",
					   "FENCE_SESSION="};

	for (char **e = environ; *e; e++) {
		bool skip = false;

		for (size_t i = 0; i < ELEMENTSOF(drop); i++)
			if (strncmp(*e, drop[i], strlen(drop[i])) == 0)
				skip = true;
		if (!skip)
			strv_push(env, *e);
	}
	strv_push(env, "TERM=xterm-256color");
	strv_push(env, "COLORTERM=truecolor");
	strv_pushf(env, "FENCE_SESSION=%s", name);
}

int launch_prepare(const char *name, const char *cwd, struct shell_launch *ret)
{
	struct strv *a = &ret->argv;
	_cleanup_free_ char *sockdir = NULL, *tmux = NULL;
	const char *tmux_tmpdir = getenv("TMUX_TMPDIR");

	*ret = (struct shell_launch){0};
	session_dir(&sockdir);
	tmux = xasprintf("/tmp/tmux-%u", (unsigned)geteuid());

	strv_push(a, "bwrap");
	strv_push(a, "--die-with-parent");
	strv_push(a, "--new-session");
	strv_push(a, "--unshare-net");
	strv_push(a, "--unshare-pid");
	strv_push(a, "--ro-bind");
	strv_push(a, "/");
	strv_push(a, "/");
	strv_push(a, "--dev");
	strv_push(a, "/dev");
	strv_push(a, "--proc");
	strv_push(a, "/proc");
	strv_push(a, "--tmpfs");
	strv_push(a, "/tmp");
	if (strcmp(cwd, "/") != 0) {
		strv_push(a, "--bind");
		strv_push(a, cwd);
		strv_push(a, cwd);
	}
	/* After the working directory, in case it contains one of them. */
	mask_dir(a, sockdir);
	mask_dir(a, getenv("XDG_RUNTIME_DIR"));
	mask_dir(a, tmux);
	mask_dir(a, tmux_tmpdir);
	strv_push(a, "--chdir");
	strv_push(a, cwd);
	strv_push(a, "--");
	/* setsid -c: a new session that takes fd 0 as its controlling
	 * terminal, so job control works; -w keeps bwrap's child alive. */
	strv_push(a, "setsid");
	strv_push(a, "-w");
	strv_push(a, "-c");
	strv_push(a, pick_shell());
	build_env(name, &ret->env);
	return 0;
}

void launch_done(struct shell_launch *l)
{
	strv_done(&l->argv);
	strv_done(&l->env);
}
