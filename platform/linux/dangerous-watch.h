/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/dangerous-watch.h: watching for dangerous files that the
 * sandbox creates.  A missing `.bashrc` or `.mcp.json` cannot be covered
 * by a mount without leaving a file in the user's directory, so its
 * creation is not blocked (docs/security-model.md); fence watches the
 * directories with inotify and reports each one that appeared.
 */
#pragma once

#include <uv.h>

#include "util/util.h"

struct dangerwatch;

/*
 * dangerwatch_start: watch for the paths in files (absolute, missing
 * now; struct mount_plan's watch_files) to appear, with one inotify watch
 * per directory on loop.  Returns 0 and *ret (NULL when files is empty),
 * or a negative errno.
 */
int dangerwatch_start(uv_loop_t *loop, const struct strv *files, struct dangerwatch **ret);

/*
 * dangerwatch_stop: look once more, then close the watches (freed in
 * their close callbacks) and move the paths that appeared into
 * ret_created.  NULL is fine.
 */
void dangerwatch_stop(struct dangerwatch *w, struct strv *ret_created);
