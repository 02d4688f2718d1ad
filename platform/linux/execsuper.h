/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/execsuper.h: the runtime exec policy in `argv` mode.
 *
 * Inside the sandbox, the command's process installs a seccomp filter
 * that turns every execve and execveat into a user notification, and
 * sends the filter's listener fd to fence over a Unix socket
 * (execsuper_install).  On the host, fence answers each notification
 * from its libuv loop (execsuper_start): it reads the path and argv from
 * the tracee's memory, checks them against command.allow, command.deny
 * and the default list, and lets the exec continue or fails it with
 * EPERM.  Every rejection is reported as one `[fence:linux]` line.
 *
 * Rules match every name of the program: the basenames of the given path,
 * of the file it resolves to in the sandbox, of argv[0], and rule words
 * whose program is the same file (platform/linux/execname.h).
 *
 * Limits: at most EXECSUPER_MAX_ARGS arguments are read, each cut at
 * EXECSUPER_MAX_ARG bytes.  A multithreaded tracee, an execveat with
 * AT_EMPTY_PATH and memory that cannot be read are rejected (fail closed).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy/policy.h"

#define EXECSUPER_MAX_ARGS 256
#define EXECSUPER_MAX_ARG (32 * 1024)

typedef struct uv_loop_s uv_loop_t;
struct execsuper;

/* One decided exec, as reported. */
struct execsuper_event {
	pid_t pid; /* in fence's PID namespace */
	const char *path; /* the path given to execve */
	char *const *argv; /* argv[0] is the deciding name (see names) */
	size_t argc;
	/*
	 * The program's names (see platform/linux/execname.h): each takes
	 * argv[0]'s place in turn.  None: argv[0] as it is.
	 */
	char *const *names;
	size_t n_names;
	const char *name; /* the name that decided: a rejecting one, else the first */
	bool allowed;
	enum command_rule_source source; /* the deciding list, NONE when none matched */
	const char *rule; /* the matched rule, or NULL */
	const char *failure; /* why it was rejected without a rule, or NULL */
	char comm[16]; /* rejections: the tracee's process name, "" when unknown */
};

/*
 * Called for each rejected exec with the decided event and its
 * `[fence:linux]` line (no newline), both valid during the call only.
 * The tracee still waits for the answer meanwhile, so /proc/PID is its.
 */
typedef void (*execsuper_report_fn)(const struct execsuper_event *ev, const char *line,
				    void *userdata);

/*
 * execsuper_supported: whether the kernel and libseccomp offer seccomp
 * user notification with SECCOMP_USER_NOTIF_FLAG_CONTINUE.
 */
bool execsuper_supported(void);

/*
 * execsuper_install: in the sandbox, just before the command's exec:
 * load the notifying filter on execve and execveat and send its listener
 * fd over sock_fd (SCM_RIGHTS), then close sock_fd.  Needs
 * PR_SET_NO_NEW_PRIVS, which libseccomp sets.  Every later exec of this
 * process and its descendants waits for fence's answer.  Returns 0 or a
 * negative errno.
 */
int execsuper_install(int sock_fd);

/*
 * execsuper_start: on the host, wait on loop for the listener fd on
 * sock_fd (taking ownership of sock_fd), then answer notifications with
 * c's rules until the sandbox ends or execsuper_stop.  c must outlive the
 * supervisor.  Returns 0 and sets *ret, or a negative errno.
 */
int execsuper_start(uv_loop_t *loop, int sock_fd, const struct fence_config *c,
		    execsuper_report_fn report, void *userdata, struct execsuper **ret);

/*
 * execsuper_allow_first: let the next exec through without a check.  A
 * session calls it right after execsuper_start for its shell, which fence
 * chose itself (path mode exempts it from the masks too).  The filter is
 * installed just before that exec, so no other process can come first.
 */
void execsuper_allow_first(struct execsuper *s);

/*
 * execsuper_stop: close the supervisor's handles and fds; it is freed by
 * the close callbacks, so run the loop afterwards.  Pending execs of a
 * still-running sandbox then fail (the kernel answers ENOSYS).  NULL is a
 * no-op.
 */
void execsuper_stop(struct execsuper *s);

/*
 * execsuper_decide: decide one exec, once for each of ev->names in
 * argv[0]'s place: an allow match allows that name, a deny or default
 * match rejects it, anything else allows it.  The exec is allowed only
 * when every name is, so an allow rule cannot lift a deny that another
 * name of the same program meets.  Fills ev->allowed, ev->source,
 * ev->rule and ev->name.
 */
void execsuper_decide(const struct fence_config *c, struct execsuper_event *ev);

/* execsuper_format: the `[fence:linux]` line of a rejection; owned. */
char *execsuper_format(const struct execsuper_event *ev);
