/* SPDX-License-Identifier: MIT */
/*
 * policy/cmdrules.h: command deny and allow rules, and the one check that
 * the run's preflight, the shell hooks and the argv supervisor share.
 *
 * A rule is a command prefix on whole words ("git push", "dd if=").  Each
 * simple command the splitter finds in a line is checked on its own: an
 * `allow` match lets it through, otherwise a `deny` match and then a
 * default-list match block it, otherwise SSH policy applies.  The first
 * block ends the check.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/cmdline.h"

struct fence_config;

/* Which list a verdict's rule came from. */
enum command_rule_source {
	COMMAND_RULE_NONE, /* nothing matched */
	COMMAND_RULE_ALLOW, /* command.allow */
	COMMAND_RULE_DENY, /* command.deny */
	COMMAND_RULE_DEFAULT, /* the built-in default deny list */
	COMMAND_RULE_SSH, /* ssh policy */
	COMMAND_RULE_UNCHECKABLE, /* nested too deep or too long to check */
	_COMMAND_RULE_SOURCE_MAX,
};

/* command_rule_source_to_string: "command.deny", "default", ... */
const char *command_rule_source_to_string(enum command_rule_source s);

struct command_verdict {
	bool blocked;
	enum command_rule_source source;
	char *subcommand; /* owned, NULL when not blocked: the sub-command that matched */
	char *rule; /* owned, NULL when not blocked: the rule (or ssh pattern) */
	/*
	 * owned, NULL when not blocked: one line without the "fence: " prefix,
	 * naming the sub-command and the rule.
	 */
	char *message;
};

/*
 * command_check: check every simple command of one shell line against
 * c's command and SSH policy.
 *
 * Returns 0 and fills *ret (blocked or not).  A line that cannot be
 * checked (nesting deeper than CMDLINE_MAX_DEPTH) is blocked.  The caller
 * frees *ret with command_verdict_done.
 */
int command_check(const struct fence_config *c, const char *line, struct command_verdict *ret);

/*
 * command_check_argv: check one exec's argument vector, with no
 * splitting: an allow match allows, a deny or default match blocks,
 * anything else is allowed.  Used by the argv supervisor.  Returns the
 * source of the deciding rule and stores the rule (borrowed from c or the
 * default list) in *ret_rule, NULL when nothing matched.
 */
enum command_rule_source command_check_argv(const struct fence_config *c, char *const *argv,
					    size_t argc, const char **ret_rule);

/* command_verdict_done: free the contents of a verdict. */
void command_verdict_done(struct command_verdict *v);

/*
 * cmdrules_match: whether rule (a command prefix such as "git push")
 * matches the command words, with word 0 compared by basename, `if=`
 * words tested for presence and global flags skipped before the first
 * subcommand word.
 */
bool cmdrules_match(const char *rule, const struct cmdline_command *cmd);

/* cmdrules_match_words: cmdrules_match on plain words (no glob patterns). */
bool cmdrules_match_words(const char *rule, char *const *words, size_t n);

/* cmdrules_defaults: the built-in default deny list; *ret_n gets its length. */
const char *const *cmdrules_defaults(size_t *ret_n);

/* cmdrules_use_defaults: whether c includes the default list (useDefaults unset or true). */
bool cmdrules_use_defaults(const struct fence_config *c);
