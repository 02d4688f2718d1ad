/* SPDX-License-Identifier: MIT */
/*
 * platform/macos/sandboxexec.h: the command line and environment of a
 * command run under sandbox-exec.
 *
 * Plain string work, tested on any platform; a macOS launcher spawns the
 * result.  The command reaches the network only through fence's proxies,
 * on localhost ports the profile allows, so the environment points every
 * proxy-aware program at them.
 */
#pragma once

#include <stdbool.h>

#include "util/util.h"

struct fence_config;

/* The hosts that proxy-aware programs reach directly (NO_PROXY). */
#define SANDBOXEXEC_NO_PROXY                                                                       \
	"localhost,127.0.0.1,::1,*.local,.local,169.254.0.0/16,10.0.0.0/8,172.16.0.0/12,"          \
	"192.168.0.0/16"

/* Inputs besides the configuration. */
struct sandboxexec_params {
	const char *tmpdir;   /* TMPDIR inside: "/tmp/fence", or "/tmp" when that is unusable */
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
 * sandboxexec_argv: `/usr/bin/sandbox-exec -p PROFILE SHELL -c COMMAND`
 * (`-lc` with `login`), appended to ret_argv.
 */
void sandboxexec_argv(const char *profile, const char *shell, bool login, const char *command,
		      struct strv *ret_argv);
