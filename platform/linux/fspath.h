/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/fspath.h: policy path handling for the mount planner:
 * `~` and relative paths, lexical normalisation, glob expansion and the
 * bounded directory walks that globs, dangerous paths and sockets share.
 *
 * Internal to platform/linux; other folders use mountplan.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* Limits of one bounded walk; a walk stops when either is reached. */
struct fspath_budget {
	unsigned max_depth; /* levels below the start directory */
	size_t max_entries; /* directory entries read, shared by every walk using it */
	size_t entries; /* read so far */
	bool truncated; /* a limit was reached */
	bool too_deep; /* the limit reached was max_depth */
};

/*
 * fspath_absolute: expand a leading `~` or `~/` to home and make a relative
 * path absolute against cwd, then normalise it lexically: repeated and
 * trailing slashes and `.` components go, `..` stays for realpath.
 * Returns an owned string.
 */
char *fspath_absolute(const char *path, const char *cwd, const char *home);

/* fspath_has_glob: whether path contains a glob metacharacter (`*`, `?`, `[`). */
bool fspath_has_glob(const char *path);

/*
 * fspath_glob: append to ret every existing path that the absolute pattern
 * matches.  `*`, `?` and `[...]` match within one component (dot files
 * included); a `**` component matches zero or more directories.  The walk
 * follows no symlinks below a `**` and stops at the budget's limits.
 * Matches are lexical paths, not yet symlink-resolved.
 */
void fspath_glob(const char *pattern, struct fspath_budget *budget, struct strv *ret);

/* fspath_under: whether path is root or lies below it (both absolute, normalised). */
bool fspath_under(const char *path, const char *root);

/* fspath_depth: the number of components of an absolute path ("/" has 0). */
size_t fspath_depth(const char *path);

/* fspath_compare_shallow: qsort order on strings: fewer components first, then bytes. */
int fspath_compare_shallow(const void *a, const void *b);

/* fspath_join: dir + "/" + name, without doubling the slash of "/". Owned. */
char *fspath_join(const char *dir, const char *name);

/*
 * fspath_symlink_escape: check the components of the lexical path one by
 * one.  When a component is a symlink whose directory lies inside one of
 * the writable roots (absolute, symlink-free) and the fully resolved path
 * `real` lies outside that root, return an owned copy of that symlink's
 * path.  Otherwise NULL.  Something inside the sandbox may have planted
 * such a symlink in a previous run, so following it would hand out a path
 * the policy never named.
 */
char *fspath_symlink_escape(const char *lexical, const char *real, const struct strv *writable_roots);
