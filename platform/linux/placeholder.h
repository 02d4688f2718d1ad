/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/placeholder.h: empty host directories that stand in for
 * missing dangerous directories (`.vscode`, `.idea`, `.git/hooks`) while a
 * sandbox runs, so that a read-only bind can cover them.
 *
 * A registry file, locked with flock(), records which live process uses
 * which placeholder.  Concurrent runs share one placeholder, the last one
 * to leave removes it, and a run that crashed leaves entries the next run
 * clears.  Internal to platform/linux.
 */
#pragma once

#include "util/util.h"

/*
 * placeholder_create: create the empty directory path (its parent must
 * exist) or join an existing placeholder of another live plan, and record
 * it for this process and owner, a number that distinguishes this
 * process's plans, in the registry file.  Stale entries of dead
 * processes are cleared first.  Returns 0, or a negative errno (-EEXIST
 * when path exists and is no placeholder, such as the user's own).
 */
int placeholder_create(const char *registry, const char *path, unsigned owner);

/*
 * placeholder_release_all: drop the entries of this process and owner from
 * the registry and remove each of its placeholders that no other plan uses,
 * when it is still empty and still the directory that was created.
 */
void placeholder_release_all(const char *registry, unsigned owner);

/*
 * placeholder_prune_stale: clear the entries of processes that ended
 * without releasing them, removing their placeholders that are still empty.
 */
void placeholder_prune_stale(const char *registry);
