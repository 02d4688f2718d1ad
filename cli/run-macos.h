/* SPDX-License-Identifier: MIT */
/*
 * cli/run-macos.h: the one-shot run on macOS, under sandbox-exec.
 */
#pragma once

#include "cli/run.h"

struct fence_config;
struct seatbelt_params;

/* What the profile of a run depends on besides the configuration; all borrowed. */
struct run_macos_host {
	const char *home; /* absolute */
	const char *cwd; /* absolute */
	const char *tmpdir; /* TMPDIR inside (sandboxexec_tmpdir) */
	const char *user_temp_dir; /* the per-user temporary directory of macOS, or NULL */
	const char *log_tag; /* this run's tag (seatbelt_log_tag_generate) */
	int http_proxy_port; /* the running proxies' ports on 127.0.0.1 */
	int socks_proxy_port;
};

/*
 * run_macos_profile_params: the Seatbelt parameters of a run with options
 * `o` and `command`: the host's values, the -c shell spared from exec
 * denials, and local binding when -p names ports.  Pure; the pointers
 * in *ret are borrowed from the arguments.
 */
void run_macos_profile_params(const struct run_options *o, char *const *command,
			      const struct run_macos_host *host, struct seatbelt_params *ret);

/*
 * run_macos_execute: run `command` (NULL-terminated, already checked by
 * the preflight) under sandbox-exec with c's Seatbelt profile, fence's
 * proxies and, with -m or -d, the `log stream` monitor.  `cwd` is the
 * working directory.  Returns the exit status fence should exit with (the
 * command's status, 128+signal, or FENCE_EXIT_FAILURE after printing why).
 * Builds everywhere; only a Mac has the sandbox-exec it spawns.
 */
int run_macos_execute(const struct run_options *o, const struct fence_config *c,
		      char *const *command, const char *cwd);
