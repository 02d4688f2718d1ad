/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/sandbox.h: launching a command inside bubblewrap, and the
 * in-sandbox init that bwrap starts first.
 *
 * The one-shot run and the session daemon both build a launch with
 * sandbox_prepare() and spawn it themselves (uv_spawn), so that each keeps
 * its own loop, stdio and exit handling.  The launch is:
 *
 *   bwrap --die-with-parent --new-session [--unshare-net] --unshare-pid
 *         --as-pid-1 <mount plan> <fence's own binds>
 *         -- /tmp/fence/bin/fence init --spec-fd 3 --control-fd 4 -- CMD...
 *
 * The caller passes two extra fds to bwrap, which hands them on to the
 * init unchanged:
 *   fd 3  launch->spec_fd, a sealed memfd holding the init's settings as
 *         JSON (Landlock paths, seccomp, tty flag, relays).
 *   fd 4  launch->control_child_fd, one end of a SOCK_SEQPACKET pair.  The
 *         caller keeps launch->control_fd, the other end (see the message
 *         list below).
 *
 * Control messages, one per packet, ASCII:
 *   fence -> init   "signal N"   send signal N to the command's process group
 *                   "cont"       send SIGCONT to it (the user typed 'fg')
 *   init -> fence   "started"    the command was forked
 *                   "stopped N"  the command stopped with signal N
 *                   "exit N"     the command exited with status N
 *                   "killed N"   the command died of signal N
 * When bwrap ends without an "exit" or "killed", the sandbox never started
 * the command: fence's own failure (exit status 125).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "platform/linux/features.h"
#include "platform/linux/mountplan.h"
#include "policy/policy.h"
#include "util/util.h"

/* Where fence puts its own files inside the sandbox (under the private /tmp). */
#define SANDBOX_BIN_DIR "/tmp/fence/bin"
#define SANDBOX_FENCE_PATH SANDBOX_BIN_DIR "/fence"
#define SANDBOX_RUNTIME_DIR "/tmp/fence/run"
#define SANDBOX_SPEC_FD 3
#define SANDBOX_CONTROL_FD 4
/* argv exec policy: the Unix socket the exec listener fd is sent over. */
#define SANDBOX_EXEC_FD 5

/* One in-sandbox relay: a TCP listener that forwards to a Unix socket. */
struct relay_spec {
	char *listen; /* owned, "127.0.0.1:3128" inside the sandbox */
	char *connect; /* owned, Unix socket path inside the sandbox */
};

struct sandbox_spec {
	const struct fence_config *config; /* borrowed */
	const struct linux_features *features; /* borrowed */
	const char *cwd; /* absolute, borrowed */
	const char *home; /* absolute, borrowed */
	char *const *argv; /* borrowed, NULL-terminated: the command itself */
	/*
	 * fd 0 of bwrap will be a terminal (a PTY follower) that the init
	 * takes as its controlling terminal, so that job control works.
	 */
	bool tty;
	bool unshare_net; /* isolated network mode */
	const struct extra_bind *binds; /* borrowed array: bridge sockets and the like */
	size_t n_binds;
	const struct relay_spec *relays; /* borrowed array, started by the init */
	size_t n_relays;
	const struct strv *exec_masks; /* borrowed, may be NULL: runtime exec masks */
	const struct strv *config_files; /* borrowed, may be NULL: see mount_request */
	/*
	 * argv exec policy: the command's process installs the exec
	 * notification filter (platform/linux/execsuper.h) and sends its
	 * listener over SANDBOX_EXEC_FD, which the caller passes to bwrap.
	 */
	bool exec_supervise;
	/* Host environment "NAME=VALUE"; NULL means the process's environ. */
	char *const *env;
	const struct strv *extra_env; /* borrowed, may be NULL: set after filtering */
	bool debug; /* the init reports what it applied on stderr */
};

struct sandbox_launch {
	struct strv argv; /* bwrap's argv; argv.v[0] is bwrap's absolute path */
	struct strv env; /* bwrap's environment: filtered, with fence's variables */
	int spec_fd; /* owned; pass as fd 3 */
	int control_fd; /* owned; the caller's end of the control socket */
	int control_child_fd; /* owned; pass as fd 4, close after the spawn */
	struct mount_plan plan; /* the planner's output: warnings, debug lines */
	struct strv removed_env; /* names filtered out, for -d (never values) */
};

/*
 * sandbox_prepare: plan the mounts, filter the environment and build the
 * bwrap argv and the init's settings for spec.  Returns 0 and fills *ret,
 * or a negative errno and one owned message line in *ret_error.  The
 * caller prints ret->plan.warnings, spawns, then calls sandbox_launch_done.
 */
int sandbox_prepare(const struct sandbox_spec *spec, struct sandbox_launch *ret, char **ret_error);

/* sandbox_close_child_fds: close the fds that only the spawned bwrap needs. */
void sandbox_close_child_fds(struct sandbox_launch *l);

/*
 * sandbox_signal_all: send sig to every process of the sandbox that
 * bwrap_pid started (its PID namespace), except fence's init.  Scans
 * /proc until a pass finds no process it has not signalled yet, so that
 * children forked meanwhile are caught too.  Returns how many processes
 * were signalled, or a negative errno when the sandbox is not found.
 */
int sandbox_signal_all(pid_t bwrap_pid, int sig);

/*
 * sandbox_launch_done: close every fd, remove the planner's placeholder
 * directories and free the launch.  Safe on a zeroed or half-built launch.
 */
void sandbox_launch_done(struct sandbox_launch *l);

/*
 * sandbox_init_main: the body of 'fence init' inside the sandbox.  Reads
 * the settings from spec_fd, forks the command with Landlock and seccomp
 * applied, reaps orphans and reports over control_fd.  Returns the exit
 * status of the init (the command's status, or 125/126/127).
 */
int sandbox_init_main(int spec_fd, int control_fd, char **argv);
