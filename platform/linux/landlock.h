/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/landlock.h: Landlock, the second file system layer under
 * the bwrap mounts, applied by the init to the command before exec.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* The paths that get each kind of access; every list may be NULL. */
struct fsrules_request {
	const struct strv *read; /* read files, list directories, execute */
	const struct strv *exec; /* read files and execute, no listing */
	const struct strv *write; /* everything: read, write, create, remove */
	bool scope_abstract_unix; /* forbid connecting to abstract sockets outside (ABI 6) */
};

/*
 * fsrules_abi: the Landlock ABI version of the running kernel (1 or more),
 * or -ENOSYS (not built in) or -EOPNOTSUPP (disabled at boot).
 */
int fsrules_abi(void);

/*
 * fsrules_describe_abi: one line saying which rights fence uses are
 * missing at ABI version abi ("ABI 7, every right fence uses").
 */
void fsrules_describe_abi(int abi, char *buf, size_t size);

/*
 * fsrules_apply: restrict the calling thread (and its future children) to
 * req.  Sets PR_SET_NO_NEW_PRIVS.  Paths that do not exist are skipped.
 * Appends a line to ret_notes (may be NULL) for each protection the
 * kernel's ABI lacks and each path that was skipped.  Returns 0, or a
 * negative errno when Landlock is unusable or a rule failed; the caller
 * decides whether to continue without it.
 */
int fsrules_apply(const struct fsrules_request *req, struct strv *ret_notes);
