/* SPDX-License-Identifier: MIT */
/*
 * policy/import.h: conversion of other tools' settings into fence
 * configuration.
 *
 * Two sources are understood: Claude Code's settings.json (its
 * `permissions` rules and its `sandbox` section) and the settings file of
 * Anthropic's sandbox runtime (srt).  What has no fence equivalent is
 * skipped with one warning per rule or key, so nothing is dropped silently.
 * Pure code: the caller reads the file and writes the result.
 */
#pragma once

#include "policy/config.h"

/* A converted configuration and what could not be carried over. */
struct import_result {
	struct fence_config config; /* only the fields the import sets */
	struct strv warnings;	    /* 'FILE:LINE:COL: KEY: message' lines, not yet printed */
};

/*
 * import_claude: convert Claude Code settings.
 *
 * `text` is `len` bytes of JSON (comments and trailing commas allowed);
 * a NUL byte in it is a syntax error.  `name` names the file in messages.
 * `root` is the directory that Claude
 * resolves "/path" rules against: the project directory for a project's
 * .claude/settings.json, the home directory for ~/.claude/settings.json.
 * Bash(X) becomes command.allow (allow) or command.deny (deny, ask), with a
 * trailing ":*" or " *" dropped.  Read(P) becomes filesystem.denyRead (deny,
 * ask), and a Read allow rule needs nothing.  Write(P) and Edit(P) become
 * allowWrite or denyWrite.  Each ask rule warns that it became a deny.
 *
 * Returns 0 and fills *ret (which the caller frees with
 * import_result_done), or -EINVAL with *ret_error set to an owned
 * 'FILE:LINE:COL: message' (a syntax error) or 'FILE:LINE:COL: KEY:
 * message' (a value of the wrong type), the position being the value's.
 */
int import_claude(const char *name, const char *text, size_t len, const char *root,
		  struct import_result *ret, char **ret_error);

/*
 * import_srt: convert sandbox-runtime settings: network.allowedDomains,
 * deniedDomains, allowUnixSockets, allowAllUnixSockets, allowLocalBinding
 * and filesystem.denyRead, allowRead, allowWrite, denyWrite.  Same
 * contract as import_claude.
 */
int import_srt(const char *name, const char *text, size_t len, struct import_result *ret,
	       char **ret_error);

/*
 * import_to_json: the converted configuration as pretty JSON, with
 * `extends` first when `extends` is not NULL and only the fields that are
 * set.  Returns owned text ending in a newline.
 */
char *import_to_json(const struct fence_config *c, const char *extends);

/* import_result_done: free what a result holds. */
void import_result_done(struct import_result *r);
