/* SPDX-License-Identifier: MIT */
/*
 * platform/macos/sandboxexec.h: the command line, environment and spawn
 * of a command run under sandbox-exec.
 *
 * Everything here is plain POSIX and builds and is tested on any
 * platform; only /usr/bin/sandbox-exec itself needs a Mac.  The command
 * reaches the network only through fence's proxies, on localhost ports
 * the profile allows, so the environment points every proxy-aware program
 * at them.
 */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/util.h"

struct fence_config;

#define SANDBOXEXEC_PATH "/usr/bin/sandbox-exec"

/* The hosts that proxy-aware programs reach directly (NO_PROXY). */
#define SANDBOXEXEC_NO_PROXY                                                                       \
	"localhost,127.0.0.1,::1,*.local,.local,169.254.0.0/16,10.0.0.0/8,172.16.0.0/12,"          \
	"192.168.0.0/16"

/* fence's TMPDIR inside the sandbox, and where it falls back to. */
#define SANDBOXEXEC_TMPDIR "/tmp/fence"
#define SANDBOXEXEC_TMPDIR_FALLBACK "/tmp"

/*
 * Profiles longer than this go to a file (`-f`) instead of the command
 * line (`-p`), which also carries the environment within ARG_MAX.
 */
#define SANDBOXEXEC_INLINE_MAX (64 * 1024)

/* Inputs besides the configuration. */
struct sandboxexec_params {
	const char *tmpdir;   /* TMPDIR inside: SANDBOXEXEC_TMPDIR or the fallback */
	int http_proxy_port;  /* host port of fence's HTTP proxy */
	int socks_proxy_port; /* host port of fence's SOCKS5 proxy */
};

/*
 * sandboxexec_env: the environment of the sandboxed command, built from the
 * host's `env` (NULL-terminated "NAME=VALUE" entries).
 *
 * Loader variables (LD_*, DYLD_*) and what environment.deny removes are
 * left out, and their names go to ret_removed (may be NULL).  Then fence
 * sets FENCE_SANDBOX=1, TMPDIR, NO_PROXY and no_proxy, the HTTP proxy in
 * HTTP_PROXY, HTTPS_PROXY, http_proxy and https_proxy, the SOCKS5 proxy in
 * ALL_PROXY, all_proxy, FTP_PROXY and ftp_proxy, and a GIT_SSH_COMMAND that
 * tunnels ssh through the SOCKS5 proxy.
 */
void sandboxexec_env(char *const *env, const struct fence_config *c,
		     const struct sandboxexec_params *p, struct strv *ret_env,
		     struct strv *ret_removed);

/*
 * sandboxexec_argv: append `/usr/bin/sandbox-exec -p PROFILE COMMAND...`
 * to ret_argv, or `-f PROFILE_PATH` in place of `-p PROFILE` when
 * profile_path is not NULL.  `command` is NULL-terminated and not empty.
 * A command whose first word starts with '-' follows a `--`, so that
 * sandbox-exec does not read it as an option.
 */
void sandboxexec_argv(const char *profile, const char *profile_path, char *const *command,
		      struct strv *ret_argv);

/*
 * sandboxexec_tmpdir_usable: whether a directory with lstat() result `st`
 * can be the sandbox's TMPDIR for user `uid`: a real directory (not a
 * symlink) that is owned by uid, or owned by root and sticky, as /tmp is.
 */
bool sandboxexec_tmpdir_usable(const struct stat *st, uid_t uid);

/*
 * sandboxexec_tmpdir: create SANDBOXEXEC_TMPDIR (mode 01777, like /tmp)
 * when it is missing and return it when usable, else the fallback.
 * Returns a static string.
 */
const char *sandboxexec_tmpdir(void);

/*
 * sandboxexec_write_profile: write the profile to PROFILE.sb in a new
 * private (0700) directory under `parent`, for `-f`.  Returns 0 and sets
 * *ret_dir and *ret_path (both owned; remove with sandboxexec_remove_profile),
 * or a negative errno.
 */
int sandboxexec_write_profile(const char *parent, const char *profile, char **ret_dir,
			      char **ret_path);

/* sandboxexec_remove_profile: remove the file and directory of a written profile. */
void sandboxexec_remove_profile(const char *dir, const char *path);

/*
 * sandboxexec_spawn: start argv[0] (an absolute path) with argv and env.
 *
 * The child keeps fds 0, 1 and 2 only (on other systems than macOS and
 * glibc 2.34 or later, every other fd must be close-on-exec), starts with
 * an empty signal mask and default dispositions for the signals fence
 * catches or ignores, and stays in fence's process group, so that the
 * terminal's job control reaches it.  Returns 0 and sets *ret_pid, or a
 * negative errno.
 */
int sandboxexec_spawn(char *const *argv, char *const *env, pid_t *ret_pid);

/*
 * sandboxexec_exit_status: fence's exit status for a waitpid() status:
 * the exit code, or 128 plus the signal number.
 */
int sandboxexec_exit_status(int wait_status);
