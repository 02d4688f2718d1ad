/* SPDX-License-Identifier: MIT */
/*
 * session/launch.h: what a session starts once: its resolved policy, its
 * HTTP and SOCKS5 proxies, the exec supervisor of the argv exec policy,
 * and the bwrap launch of its shell.
 */
#pragma once

#include <stdbool.h>
#include <uv.h>

#include "platform/linux/execsuper.h"
#include "platform/linux/sandbox.h"
#include "policy/config.h"
#include "proxy/proxy.h"
#include "session/session.h"

struct shell_launch {
	struct config_result cfg;
	struct linux_features features;
	struct proxy *proxy; /* closed by launch_stop() */
	char *proxy_dir; /* owned: host directory of the proxies' sockets */
	struct extra_bind bind; /* the proxy directory inside the sandbox */
	struct extra_bind hooks_bind; /* shell hooks: their directory, read-only */
	struct relay_spec relays[2];
	struct strv extra_env;
	struct strv argv; /* the shell command inside the sandbox */
	struct sandbox_launch sandbox;
	/*
	 * argv exec policy: the socket pair the sandbox sends its exec
	 * listener over; both fds are valid only while exec_supervise is set.
	 */
	bool exec_supervise;
	int exec_fd; /* owned until launch_start_exec() hands it to the supervisor */
	int exec_child_fd; /* owned: pass as SANDBOX_EXEC_FD, closed by launch_close_child_fds() */
	struct execsuper *execsuper; /* stopped by launch_stop() */
};

/*
 * launch_prepare: resolve the policy for opts in cwd, start the proxies on
 * loop and build the bwrap launch of the shell for socket directory
 * sockdir.  `on_event` gets every proxy event.  Returns 0, or a negative
 * errno and one owned message in *ret_error.
 */
int launch_prepare(uv_loop_t *loop, const struct session_options *opts, const char *cwd,
		   const char *sockdir, proxy_event_fn on_event, void *userdata,
		   struct shell_launch *ret, char **ret_error);

/*
 * launch_start_exec: argv exec policy: answer the sandbox's exec
 * notifications on loop from now on, calling `report` for each refused
 * exec.  The first exec, the shell's own, goes through unchecked.  Call
 * before spawning bwrap; a no-op (0) in path mode.  Returns 0,
 * or a negative errno and one owned message in *ret_error.
 */
int launch_start_exec(struct shell_launch *l, uv_loop_t *loop, execsuper_report_fn report,
		      void *userdata, char **ret_error);

/* launch_close_child_fds: after spawning bwrap, close the fds only it needs. */
void launch_close_child_fds(struct shell_launch *l);

/*
 * launch_exec_detail: the detail of a refused exec's violation record:
 * "argv: git push origin; rule: command.deny 'git push'", or the reason
 * when no rule decided ("reason: multithreaded"); owned.
 */
char *launch_exec_detail(const struct execsuper_event *ev);

/* launch_stop: stop the proxies and the exec supervisor; the loop then closes their handles. */
void launch_stop(struct shell_launch *l);

/*
 * launch_done: free everything else and remove the proxy directory, after
 * the loop has run; safe on a zeroed or half-built launch.
 */
void launch_done(struct shell_launch *l);
