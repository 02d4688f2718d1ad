/* SPDX-License-Identifier: MIT */
/*
 * session/launch.h: what a session starts once: its resolved policy, its
 * HTTP and SOCKS5 proxies, and the bwrap launch of its shell.
 */
#pragma once

#include <stdbool.h>
#include <uv.h>

#include "platform/linux/sandbox.h"
#include "policy/config.h"
#include "proxy/proxy.h"
#include "session/session.h"

struct shell_launch {
	struct config_result cfg;
	struct linux_features features;
	struct proxy *proxy; /* closed by launch_close_proxy() */
	char *proxy_dir; /* owned: host directory of the proxies' sockets */
	struct extra_bind bind; /* the proxy directory inside the sandbox */
	struct extra_bind hooks_bind; /* shell hooks: their directory, read-only */
	struct relay_spec relays[2];
	struct strv extra_env;
	struct strv argv; /* the shell command inside the sandbox */
	struct sandbox_launch sandbox;
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

/* launch_close_proxy: stop the proxies; the loop then closes their handles. */
void launch_close_proxy(struct shell_launch *l);

/*
 * launch_done: free everything else and remove the proxy directory, after
 * the loop has run; safe on a zeroed or half-built launch.
 */
void launch_done(struct shell_launch *l);
