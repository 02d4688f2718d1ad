/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/dangerous.h: finding the dangerous paths that must stay
 * read-only whatever the policy lists: shell startup files, editor and agent
 * configuration, and git's hooks and config, which run code on the host
 * the next time the user works in the project.
 *
 * Internal to platform/linux.
 */
#pragma once

#include <stdbool.h>

#include "platform/linux/fspath.h"
#include "util/util.h"

/* The paths one or more walks found. */
struct dangerous_set {
	struct strv existing; /* canonical paths to protect */
	struct strv missing_dirs; /* absent dangerous directories, placeholder candidates */
	struct strv links; /* dangerous names that are symlinks, as found (not resolved) */
};

/* dangerous_is_file_name: whether name is one of the dangerous file names. */
bool dangerous_is_file_name(const char *name);

/*
 * dangerous_add_dir: add what directory dir contains at its top level:
 * every dangerous name, the hooks and config of dir/.git, a missing
 * `.git/hooks` and, with record_missing_editor_dirs, a missing `.vscode`
 * and `.idea`.  No walk below.
 */
void dangerous_add_dir(struct dangerous_set *set, const char *dir, bool allow_git_config,
		       bool record_missing_editor_dirs);

/*
 * dangerous_walk: add what a walk below root finds: every dangerous name at
 * any depth and the hooks and config of every nested repository (also a
 * `.git` file's `gitdir:` target).  It skips `node_modules`, follows no
 * symlinks, does not enter `.git`, `/proc`, `/sys` or `/dev`, and stops at
 * the budget's limits.
 */
void dangerous_walk(struct dangerous_set *set, const char *root, bool allow_git_config,
		    struct fspath_budget *budget);

/*
 * dangerous_add_config_dirs: add config_home/git (git's own config, whose
 * core.fsmonitor runs a command at the next git status) and
 * config_home/fence (the user's policy), or record them missing, and the
 * existing startup files below config_home that the user's session runs
 * later (fish, systemd user units, autostart, environment.d).
 */
void dangerous_add_config_dirs(struct dangerous_set *set, const char *config_home);

/*
 * dangerous_add_git_dir: add gitdir/hooks (or record it missing) and,
 * unless allow_git_config, gitdir/config and gitdir/config.worktree.
 */
void dangerous_add_git_dir(struct dangerous_set *set, const char *gitdir, bool allow_git_config);

/*
 * dangerous_add_ancestors: add path and each directory above it whose name
 * is dangerous, so that allowing `~/.vscode/extensions` or `~/.bashrc` by
 * name leaves them read-only.
 */
void dangerous_add_ancestors(struct dangerous_set *set, const char *path);

/* dangerous_add_path: add path, by its canonical form, when it exists. */
void dangerous_add_path(struct dangerous_set *set, const char *path);

/*
 * dangerous_find_repository: the repository dir lies in, found the way git
 * finds it: the nearest `.git` at or above dir.  Sets *ret_worktree (the
 * directory holding `.git`), *ret_gitdir and *ret_commondir (canonical,
 * owned; the same for a plain repository).  A `.git` file counts only as a
 * linked worktree in git's own layout, whose back-link names it (see
 * dangerous.c).  Returns false when there is none.
 */
bool dangerous_find_repository(const char *dir, char **ret_worktree, char **ret_gitdir,
			       char **ret_commondir);

/*
 * dangerous_add_missing_files: append to ret each dangerous file name that
 * does not exist in dir, as dir/NAME.  A file cannot be covered without
 * leaving one in the user's directory, so these are watched instead.
 */
void dangerous_add_missing_files(const char *dir, struct strv *ret);

/* dangerous_set_done: free the contents of a set. */
void dangerous_set_done(struct dangerous_set *set);
