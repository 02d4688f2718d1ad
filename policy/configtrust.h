/* SPDX-License-Identifier: MIT */
/*
 * policy/configtrust.h: configuration files that a sandboxed command wrote.
 *
 * A project file (fence.jsonc or fence.json from the working directory up)
 * sets the policy of the next run, so a command that may write the project
 * directory could widen its own next sandbox by creating one.  Existing
 * configuration files are bound read-only inside the sandbox; a missing one
 * cannot be covered without leaving a file in the user's project.  So fence
 * takes a snapshot of every candidate path before the sandbox starts,
 * compares after (and, in sessions, while it runs), and records each file
 * that appeared or changed in a store under $XDG_STATE_HOME/fence.  The
 * loader then rejects a recorded file until the user reviews it and runs
 * `fence config trust FILE`, or edits it (an edit changes its identity).
 */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "util/util.h"

/* The identity of one watched path when it was last checked. */
struct configtrust_entry {
	bool exists;
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
};

/* The watched paths: candidates that were missing in a writable directory. */
struct configtrust_snapshot {
	struct strv paths;
	struct configtrust_entry *entries; /* one per path */
};

/*
 * configtrust_snapshot: start watching each path of paths that is missing
 * now and whose directory lies at or below one of writable (canonical
 * directories the sandbox may write).  An existing file needs no watch,
 * because it is bound read-only inside.  A file in a directory that the
 * sandbox cannot write can only come from the host.
 */
void configtrust_snapshot(const struct strv *paths, const struct strv *writable,
			  struct configtrust_snapshot *ret);

/*
 * configtrust_record_changes: record in the store each watched path that
 * became a regular file, or changed again after it did.  Appends those
 * paths to changed (may be NULL) and keeps their new identity.  Returns the
 * number of files recorded, or a negative errno when the store cannot be
 * written.
 */
int configtrust_record_changes(struct configtrust_snapshot *s, struct strv *changed);

/*
 * configtrust_accept: take path's current state as known without
 * recording it, because fence itself on the host just wrote it.
 */
void configtrust_accept(struct configtrust_snapshot *s, const char *path);

/* configtrust_snapshot_done: free the contents of a snapshot. */
void configtrust_snapshot_done(struct configtrust_snapshot *s);

/*
 * configtrust_is_recorded: whether the file canon (a canonical path), whose
 * stat is st, is in the store with the same identity.
 */
bool configtrust_is_recorded(const char *canon, const struct stat *st);

/*
 * configtrust_trust: remove path's records from the store.  Returns the
 * number of records removed, or a negative errno.
 */
int configtrust_trust(const char *path);

/*
 * configtrust_state_dir: create fence's state directory ($XDG_STATE_HOME/fence,
 * mode 0700) when it is missing and append its path to out.  It holds the
 * store, the session logs and the prompt history, none of which a sandbox
 * may change, so the mount planner binds it read-only.
 */
void configtrust_state_dir(struct strv *out);

/* configtrust_store_path: the store's path (owned). */
char *configtrust_store_path(void);
