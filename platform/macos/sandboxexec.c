/* SPDX-License-Identifier: MIT */
/*
 * platform/macos/sandboxexec.c: the command line, environment and spawn
 * of a command run under sandbox-exec.
 */
#include "platform/macos/sandboxexec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/policy.h"

void sandboxexec_env(char *const *env, const struct fence_config *c,
		     const struct sandboxexec_params *p, struct strv *ret_env,
		     struct strv *ret_removed)
{
	static const char *const http_names[] = {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy",
						 "https_proxy"};
	static const char *const socks_names[] = {"ALL_PROXY", "all_proxy", "FTP_PROXY",
						  "ftp_proxy"};
	_cleanup_free_ char *http = xasprintf("http://localhost:%d", p->http_proxy_port);
	_cleanup_free_ char *socks = xasprintf("socks5h://localhost:%d", p->socks_proxy_port);
	/* ssh ignores the proxy variables; nc -X 5 speaks SOCKS5 for it. */
	_cleanup_free_ char *git_ssh =
	    xasprintf("ssh -o ProxyCommand='nc -X 5 -x localhost:%d %%h %%p'", p->socks_proxy_port);

	environ_filter(env, &c->environment, ret_env, ret_removed);
	environ_set(ret_env, "FENCE_SANDBOX", "1");
	environ_set(ret_env, "TMPDIR", p->tmpdir);
	environ_set(ret_env, "NO_PROXY", SANDBOXEXEC_NO_PROXY);
	environ_set(ret_env, "no_proxy", SANDBOXEXEC_NO_PROXY);
	for (size_t i = 0; i < ELEMENTSOF(http_names); i++)
		environ_set(ret_env, http_names[i], http);
	for (size_t i = 0; i < ELEMENTSOF(socks_names); i++)
		environ_set(ret_env, socks_names[i], socks);
	environ_set(ret_env, "GIT_SSH_COMMAND", git_ssh);
}

void sandboxexec_argv(const char *profile, const char *profile_path, char *const *command,
		      struct strv *ret_argv)
{
	strv_push(ret_argv, SANDBOXEXEC_PATH);
	if (profile_path) {
		strv_push(ret_argv, "-f");
		strv_push(ret_argv, profile_path);
	} else {
		strv_push(ret_argv, "-p");
		strv_push(ret_argv, profile);
	}
	/* NOTE: that sandbox-exec ends its options at "--", as getopt does, is
	 * unverified, so "--" is added only where a command would otherwise
	 * read as an option. */
	if (command[0] && command[0][0] == '-')
		strv_push(ret_argv, "--");
	for (size_t i = 0; command[i]; i++)
		strv_push(ret_argv, command[i]);
}

bool sandboxexec_tmpdir_usable(const struct stat *st, uid_t uid)
{
	if (!S_ISDIR(st->st_mode))
		return false;
	if (st->st_uid == uid)
		return true;
	/* Shared between users like /tmp, where the sticky bit keeps users
	 * from removing or renaming each other's files. */
	return st->st_uid == 0 && (st->st_mode & S_ISVTX) && (st->st_mode & 0777) == 0777;
}

const char *sandboxexec_tmpdir(void)
{
	struct stat st;

	/* mkdir applies the umask, so the mode is set again on a new one. */
	if (mkdir(SANDBOXEXEC_TMPDIR, 01777) == 0)
		(void)chmod(SANDBOXEXEC_TMPDIR, 01777);
	if (lstat(SANDBOXEXEC_TMPDIR, &st) == 0 && sandboxexec_tmpdir_usable(&st, getuid()))
		return SANDBOXEXEC_TMPDIR;
	return SANDBOXEXEC_TMPDIR_FALLBACK;
}

int sandboxexec_write_profile(const char *parent, const char *profile, char **ret_dir,
			      char **ret_path)
{
	_cleanup_free_ char *dir = xasprintf("%s/fence-profile-XXXXXX", parent);
	_cleanup_free_ char *path = NULL;
	size_t len = strlen(profile);
	int fd, r = 0;

	if (!mkdtemp(dir))
		return -errno;
	path = xasprintf("%s/profile.sb", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		r = -errno;
		rmdir(dir);
		return r;
	}
	errno = 0;
	if (write(fd, profile, len) != (ssize_t)len)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		sandboxexec_remove_profile(dir, path);
		return r;
	}
	*ret_dir = TAKE_PTR(dir);
	*ret_path = TAKE_PTR(path);
	return 0;
}

void sandboxexec_remove_profile(const char *dir, const char *path)
{
	if (path)
		unlink(path);
	if (dir)
		rmdir(dir);
}

/* Give the child default dispositions and an empty mask: an ignored
 * signal stays ignored across exec, and fence ignores or catches these. */
static int spawn_signals(posix_spawnattr_t *attr)
{
	static const int defaults[] = {SIGPIPE, SIGINT,	 SIGQUIT, SIGTERM, SIGHUP,
				       SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGWINCH};
	sigset_t set;
	int r;

	sigemptyset(&set);
	r = posix_spawnattr_setsigmask(attr, &set);
	for (size_t i = 0; i < ELEMENTSOF(defaults); i++)
		sigaddset(&set, defaults[i]);
	if (r == 0)
		r = posix_spawnattr_setsigdefault(attr, &set);
	if (r == 0)
		r = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
#ifdef POSIX_SPAWN_CLOEXEC_DEFAULT
							   | POSIX_SPAWN_CLOEXEC_DEFAULT
#endif
		);
	return r;
}

/* Keep only fds 0, 1 and 2 in the child, where the system can say so. */
static int spawn_fds(posix_spawn_file_actions_t *actions)
{
	int r = 0;

#if defined(POSIX_SPAWN_CLOEXEC_DEFAULT)
	/* macOS: with POSIX_SPAWN_CLOEXEC_DEFAULT, only these are inherited. */
	for (int fd = 0; fd <= 2 && r == 0; fd++)
		r = posix_spawn_file_actions_addinherit_np(actions, fd);
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	r = posix_spawn_file_actions_addclosefrom_np(actions, 3);
#endif
	return r;
}

int sandboxexec_spawn(char *const *argv, char *const *env, pid_t *ret_pid)
{
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t actions;
	pid_t pid;
	int r;

	r = posix_spawnattr_init(&attr);
	if (r != 0)
		return -r;
	r = posix_spawn_file_actions_init(&actions);
	if (r != 0) {
		posix_spawnattr_destroy(&attr);
		return -r;
	}
	r = spawn_signals(&attr);
	if (r == 0)
		r = spawn_fds(&actions);
	if (r == 0)
		r = posix_spawn(&pid, argv[0], &actions, &attr, argv, env);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attr);
	if (r != 0)
		return -r;
	*ret_pid = pid;
	return 0;
}

int sandboxexec_exit_status(int wait_status)
{
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return WEXITSTATUS(wait_status);
}
