/* SPDX-License-Identifier: MIT */
/*
 * cli/tmuxpane.c: attaching with side-pane options, and tmux pane mode.
 *
 * Inside tmux, `fence shell --pane tmux` shows the violations in a real
 * tmux split that runs `fence violations --follow NAME`, and attaches this
 * client without the daemon's own pane, so the shell gets the whole fence
 * pane.  The split is closed when the client ends (detach or exit).  The
 * tmux commands run here, outside the sandbox; inside, TMUX is unset and
 * tmux's socket directory is masked.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/tmuxpane.h"
#include "pty/pty.h"
#include "session/session.h"
#include "util/util.h"

extern char **environ;

/*
 * Run argv (tmux) and return its first output line (owned), or NULL when
 * it could not run or failed.
 */
static char *run_capture(char *const *argv)
{
	posix_spawn_file_actions_t fa;
	char buf[256];
	size_t len = 0;
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], buf + len, sizeof(buf) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (len += (size_t)n) == sizeof(buf) - 1)
			break;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !buf[0])
		return NULL;
	return xstrdup(buf);
}

/* The path of this fence binary, for the command the split runs (owned). */
static char *self_path(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n <= 0)
		return xstrdup("fence");
	path[n] = '\0';
	return xstrdup(path);
}

/* Quote s for the shell tmux runs the split's command with (owned). */
static char *shell_quote(const char *s)
{
	char *out = xmalloc(4 * strlen(s) + 3), *o = out;

	*o++ = '\'';
	for (; *s; s++) {
		if (*s == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *s;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

/*
 * Open the split beside $TMUX_PANE.  The environment that decides where
 * sessions and logs live is passed explicitly, because tmux starts the
 * command with its server's environment, not this client's.
 */
static char *open_split(const char *name, int width)
{
	static const char *const pass[] = {"HOME", "XDG_RUNTIME_DIR", "XDG_STATE_HOME", "TMPDIR"};
	_cleanup_free_ char *self = self_path(), *qself = shell_quote(self);
	_cleanup_free_ char *command = NULL, *size = xasprintf("%d", width);
	struct strv argv = {0};
	char *id;

	command = xasprintf("exec %s violations --follow %s", qself, name);
	strv_push(&argv, "tmux");
	strv_push(&argv, "split-window");
	strv_push(&argv, "-h");
	strv_push(&argv, "-d");
	strv_push(&argv, "-l");
	strv_push(&argv, size);
	strv_push(&argv, "-t");
	strv_push(&argv, getenv("TMUX_PANE"));
	strv_push(&argv, "-P");
	strv_push(&argv, "-F");
	strv_push(&argv, "#{pane_id}");
	for (size_t i = 0; i < ELEMENTSOF(pass); i++) {
		const char *v = getenv(pass[i]);

		if (!v)
			continue;
		strv_push(&argv, "-e");
		strv_pushf(&argv, "%s=%s", pass[i], v);
	}
	strv_push(&argv, command);
	id = run_capture(argv.v);
	strv_done(&argv);
	return id;
}

/* Close the split, if it is still there. */
static void close_split(const char *id)
{
	char *argv[] = {"tmux", "kill-pane", "-t", (char *)id, NULL};
	_cleanup_free_ char *out = run_capture(argv);
}

bool tmuxpane_available(void)
{
	if (getenv("TMUX") && getenv("TMUX_PANE"))
		return true;
	msg_error("--pane tmux needs a shell inside tmux ($TMUX and $TMUX_PANE are unset)");
	return false;
}

int tmuxpane_attach(const char *name, unsigned char prefix, const char *pane, int width)
{
	struct attach_options o = {.name = name, .prefix = prefix, .pane = pane,
				   .pane_width = width};
	_cleanup_free_ char *split = NULL;
	int fd, status;

	if (pane && strcmp(pane, "tmux") == 0) {
		if (!tmuxpane_available())
			return FENCE_EXIT_FAILURE;
		o.pane = "off";
	}
	fd = session_connect(name);
	if (fd < 0)
		return cli_session_error(name, fd, NULL);
	if (pane && strcmp(pane, "tmux") == 0) {
		split = open_split(name, width > 0 ? width : 40);
		if (!split)
			msg_warning("cannot open a tmux split for the violations, continuing without it");
	}
	status = attach_run(fd, &o);
	if (split)
		close_split(split);
	return status;
}
