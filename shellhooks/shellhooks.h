/* SPDX-License-Identifier: MIT */
/*
 * shellhooks/shellhooks.h: starting bash, zsh or fish with fence's hooks.
 *
 * The session daemon calls shellhooks_prepare(), which does in order:
 *   1. shellhooks_resolve() to pick the shell (--shell, else $SHELL when
 *      it is bash, zsh or fish, else bash);
 *   2. shellhooks_write() to put the hook files and the session's policy
 *      into the session's private runtime directory, which the sandbox
 *      binds read-only;
 *   3. shellhooks_command() for the shell's argument vector and the
 *      environment variables the hooks read, with paths as the sandbox
 *      sees that directory.
 * The hooks are a convenience (prompt marker, marks for the timeline, an
 * early refusal of denied command lines); the sandbox enforces policy.
 */
#pragma once

#include <stdbool.h>

#include "util/util.h"

enum shellhooks_kind {
	SHELLHOOKS_BASH,
	SHELLHOOKS_ZSH,
	SHELLHOOKS_FISH,
};

/* The shell a session runs. */
struct shellhooks_shell {
	enum shellhooks_kind kind;
	char *path; /* owned, absolute */
};

/* The prompt marker when the options name none. */
#define SHELLHOOKS_DEFAULT_MARKER "[fence] "

struct shellhooks_options {
	const char *session; /* FENCE_SESSION, the session's name */
	/* Prompt marker; NULL for SHELLHOOKS_DEFAULT_MARKER, "" for none. */
	const char *marker;
	/*
	 * The fence binary as the sandbox sees it, for 'fence hook check';
	 * NULL turns the command check off (marks and marker stay).
	 */
	const char *fence_path;
	/* The user's ZDOTDIR, or NULL when it is unset (zsh only). */
	const char *zdotdir;
	bool no_hooks; /* start the plain shell: no hook files, no check */
};

/* shellhooks_kind_name: "bash", "zsh" or "fish". */
const char *shellhooks_kind_name(enum shellhooks_kind kind);

/*
 * shellhooks_resolve: choose the shell.  `requested` is the --shell value
 * ("bash", "zsh", "fish", or NULL), `user_shell` is $SHELL (may be NULL)
 * and `path` the PATH to search (NULL for the default).
 *
 * Returns 0 and fills *ret (free with shellhooks_shell_done), -EINVAL for
 * a requested name that is not one of the three, or -ENOENT when the
 * shell is not installed.
 */
int shellhooks_resolve(const char *requested, const char *user_shell, const char *path,
		       struct shellhooks_shell *ret);

/* shellhooks_shell_done: free what shellhooks_resolve() stored. */
void shellhooks_shell_done(struct shellhooks_shell *sh);

/*
 * shellhooks_write: write the hook files (fence.bash, fence.zsh,
 * zsh/.zshenv, fence.fish) and, when `policy_json` is not NULL, the
 * session's policy as policy.json into the existing directory `dir`.
 * Files are mode 0444.  Returns 0 or a negative errno.
 */
int shellhooks_write(const char *dir, const char *policy_json);

/*
 * shellhooks_command: the argument vector and extra environment
 * ("NAME=value" strings) that start `sh` with its hooks, the hook files
 * being at `dir` as the sandbox sees it.  Appends to *argv and *env.
 */
void shellhooks_command(const struct shellhooks_shell *sh, const char *dir,
			const struct shellhooks_options *o, struct strv *argv, struct strv *env);

/*
 * shellhooks_prepare: everything a session needs to start its shell:
 * choose the shell (`requested` is --shell or NULL; $SHELL and $PATH come
 * from the environment), create `host_dir` (mode 0700) and write the hook
 * files and `policy_json` into it, and append the shell's argv and extra
 * environment for the directory bound at `sandbox_dir` to *argv and *env.
 * Returns 0, or a negative errno and one owned message in *ret_error.
 */
int shellhooks_prepare(const char *requested, const char *host_dir, const char *sandbox_dir,
		       const struct shellhooks_options *o, const char *policy_json,
		       struct strv *argv, struct strv *env, char **ret_error);

/* shellhooks_remove: delete what shellhooks_prepare() wrote into host_dir. */
void shellhooks_remove(const char *host_dir);
