/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/execmask.h: the runtime exec policy in `path` mode.
 *
 * Single-word deny rules (and default rules) name programs.  Preflight
 * only sees the line the user typed, so a Makefile or a Python script
 * could still start them.  This module resolves each such rule to the
 * canonical files it names (through PATH, the usual bin directories and
 * symlinks), and the mount planner binds /dev/null over each, so that no
 * process in the sandbox can execute them.
 */
#pragma once

#include <stdbool.h>

#include "policy/policy.h"
#include "util/util.h"

struct execmask_request {
	const struct fence_config *config; /* borrowed */
	const char *path_env; /* borrowed, may be NULL: the sandbox's $PATH */
	const char *shell; /* borrowed, may be NULL: the sandbox's shell, never masked */
};

struct execmask_plan {
	struct strv paths; /* canonical files to mask, no duplicates */
	struct strv warnings; /* user-facing, without the 'fence: warning: ' prefix */
	struct strv debug; /* '-d' lines explaining each decision */
};

/*
 * execmask_build: resolve req's single-word deny rules to files to mask.
 *
 * A file that also serves a critical command (cat, ls, sed, ...) that is
 * not itself denied, as a multi-call binary does, is still masked with a
 * warning naming those commands, unless the rule's word is listed in
 * command.acceptSharedBinaryCannotRuntimeDeny, in which case it is left
 * alone.  A word that command.allow names as the first word of a rule
 * is not masked, so that the allowed form can still run.  Returns 0 and
 * fills *ret; reading the file system is best-effort and never fails.
 */
int execmask_build(const struct execmask_request *req, struct execmask_plan *ret);

/*
 * execmask_words: append to ret the program words (a name or a path) of
 * c's single-word deny rules and, when used, default rules, leaving out
 * the words that command.allow starts a rule with.  Pure: reads no file.
 * The macOS profile denies these names in the usual bin directories.
 */
void execmask_words(const struct fence_config *c, struct strv *ret);

/* execmask_done: free the contents of a plan. */
void execmask_done(struct execmask_plan *p);

/*
 * execmask_resolve: push onto ret the canonical regular files that running
 * `word` could execute: each hit in path_env (may be NULL) and the usual
 * bin directories, or word itself when it contains a '/'.
 */
void execmask_resolve(const char *word, const char *path_env, struct strv *ret);

/* execmask_critical: the critical commands a mask must not take away silently. */
const char *const *execmask_critical(size_t *ret_n);
