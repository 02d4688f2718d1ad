/* SPDX-License-Identifier: MIT */
/*
 * session/launch.h: the one place where a session builds the command that
 * starts its sandboxed shell, so that the placeholder below can be swapped
 * for platform/linux's launch planner without touching the daemon.
 */
#pragma once

#include "util/util.h"

struct shell_launch {
	struct strv argv; /* argv[0] is the program to run */
	struct strv env;
};

/*
 * launch_prepare: the bwrap command line and environment for the
 * shell of session `name` working in `cwd`.  The child runs with the PTY
 * slave as fds 0, 1 and 2 and no controlling terminal; the command inside
 * the sandbox makes the slave its controlling terminal.  Returns 0 or a
 * negative errno.
 */
int launch_prepare(const char *name, const char *cwd, struct shell_launch *ret);

/* launch_done: free what launch_prepare filled. */
void launch_done(struct shell_launch *l);
