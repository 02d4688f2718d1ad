/* SPDX-License-Identifier: MIT */
/*
 * policy/cmdrules.c: matching command rules and checking a whole line.
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "policy/cmdrules.h"
#include "policy/config.h"
#include "policy/ssh.h"
#include "util/util.h"

/* The built-in default deny list: commands that act on the host as a whole. */
static const char *const default_rules[] = {
	"shutdown",
	"reboot",
	"halt",
	"poweroff",
	"init 0",
	"init 6",
	"systemctl poweroff",
	"systemctl reboot",
	"systemctl halt",
	"insmod",
	"rmmod",
	"modprobe",
	"kexec",
	"mkfs",
	"mkfs.ext2",
	"mkfs.ext3",
	"mkfs.ext4",
	"mkfs.xfs",
	"mkfs.btrfs",
	"mkfs.vfat",
	"mkfs.ntfs",
	"fdisk",
	"parted",
	"dd if=",
	"docker run -v /:/",
	"docker run --privileged",
	"chroot",
	"unshare",
	"nsenter",
};

static const char *const source_names[_COMMAND_RULE_SOURCE_MAX] = {
	[COMMAND_RULE_NONE] = "none",
	[COMMAND_RULE_ALLOW] = "command.allow",
	[COMMAND_RULE_DENY] = "command.deny",
	[COMMAND_RULE_DEFAULT] = "default",
	[COMMAND_RULE_SSH] = "ssh",
	[COMMAND_RULE_UNCHECKABLE] = "uncheckable",
};

const char *command_rule_source_to_string(enum command_rule_source s)
{
	if ((unsigned)s >= _COMMAND_RULE_SOURCE_MAX)
		return NULL;
	return source_names[s];
}

const char *const *cmdrules_defaults(size_t *ret_n)
{
	*ret_n = ELEMENTSOF(default_rules);
	return default_rules;
}

bool cmdrules_use_defaults(const struct fence_config *c)
{
	return c->command.use_defaults != TRI_FALSE;
}

/* A command word for the matcher: its text and, when it globs, its pattern. */
struct mword {
	const char *text;
	const char *pattern;
};

/*
 * Compare a command word with a rule word.  A word with unquoted glob
 * characters (/usr/bin/gi?) runs whatever the glob expands to, so it
 * matches every rule word the pattern matches.
 */
static bool mword_equal(const struct mword *w, const char *rule_word, bool basename)
{
	const char *text = basename ? cmdline_basename(w->text) : w->text;

	if (w->pattern) {
		const char *pat = basename ? cmdline_basename(w->pattern) : w->pattern;

		return fnmatch(pat, rule_word, 0) == 0;
	}
	return strcmp(text, rule_word) == 0;
}

static bool is_presence_word(const char *r)
{
	size_t n = strlen(r);

	return n > 1 && r[n - 1] == '=';
}

/* A rule word that names a subcommand: not an option and not a presence test. */
static bool is_subcommand_word(const char *r)
{
	return r[0] != '-' && !is_presence_word(r);
}

/*
 * Skip the global flags before a subcommand, as in `git -C /tmp push` or
 * `docker --context prod run`.  A two-character short flag or a long flag
 * without '=' may take the next word as its value, unless that word is the
 * subcommand sought.
 */
static size_t skip_global_flags(const struct mword *cmd, size_t n, size_t i, const char *sought)
{
	while (i < n && cmd[i].text[0] == '-' && !mword_equal(&cmd[i], sought, false)) {
		const char *flag = cmd[i].text;
		bool short_flag = strlen(flag) == 2 && flag[1] != '-';
		bool long_flag = flag[1] == '-' && flag[2] && !strchr(flag, '=');

		i++;
		if (strcmp(flag, "--") == 0)
			break;
		if ((short_flag || long_flag) && i < n && cmd[i].text[0] != '-' &&
		    !mword_equal(&cmd[i], sought, false))
			i++;
	}
	return i;
}

/* Whether some word from index i on starts with the presence word r ("if="). */
static bool has_presence(const struct mword *cmd, size_t n, size_t i, const char *r)
{
	for (; i < n; i++)
		if (strncmp(cmd[i].text, r, strlen(r)) == 0)
			return true;
	return false;
}

/* Match rule words against command words. */
static bool match_mwords(char *const *rule, size_t m, const struct mword *cmd, size_t n)
{
	bool seen_subcommand = false;
	size_t i = 1;

	if (m == 0 || m > n)
		return false;
	if (!mword_equal(&cmd[0], cmdline_basename(rule[0]), true))
		return false;

	for (size_t j = 1; j < m; j++) {
		const char *r = rule[j];

		if (is_presence_word(r)) {
			if (!has_presence(cmd, n, i, r))
				return false;
			continue;
		}
		if (!seen_subcommand && is_subcommand_word(r)) {
			seen_subcommand = true;
			i = skip_global_flags(cmd, n, i, r);
		}
		if (i >= n || !mword_equal(&cmd[i], r, false))
			return false;
		i++;
	}
	return true;
}

/* Match one rule's text against command words. */
static bool match_rule(const char *rule, const struct mword *cmd, size_t n)
{
	char **words = NULL;
	size_t m = cmdline_words(rule, &words);
	bool hit = match_mwords(words, m, cmd, n);

	cmdline_words_free(words);
	return hit;
}

static struct mword *mwords_from_command(const struct cmdline_command *cmd)
{
	struct mword *w = xcalloc(cmd->n ? cmd->n : 1, sizeof(*w));

	for (size_t i = 0; i < cmd->n; i++)
		w[i] = (struct mword){ cmd->words[i].text, cmd->words[i].pattern };
	return w;
}

bool cmdrules_match(const char *rule, const struct cmdline_command *cmd)
{
	_cleanup_free_ struct mword *w = mwords_from_command(cmd);

	return match_rule(rule, w, cmd->n);
}

bool cmdrules_match_words(const char *rule, char *const *words, size_t n)
{
	_cleanup_free_ struct mword *w = xcalloc(n ? n : 1, sizeof(*w));

	for (size_t i = 0; i < n; i++)
		w[i].text = words[i];
	return match_rule(rule, w, n);
}

/* The first rule of list that matches, or NULL. */
static const char *first_match(const char *const *rules, size_t n_rules, const struct mword *cmd,
			       size_t n)
{
	for (size_t i = 0; i < n_rules; i++)
		if (match_rule(rules[i], cmd, n))
			return rules[i];
	return NULL;
}

/*
 * Decide one command with the allow, deny and default lists.  Returns the
 * deciding source (NONE when no list matched) and the rule in *ret_rule.
 */
static enum command_rule_source decide(const struct fence_config *c, const struct mword *cmd,
				       size_t n, const char **ret_rule)
{
	size_t n_defaults;
	const char *const *defaults = cmdrules_defaults(&n_defaults);
	const char *rule;

	*ret_rule = NULL;
	if (n == 0)
		return COMMAND_RULE_NONE;
	rule = first_match((const char *const *)c->command.allow.v, c->command.allow.n, cmd, n);
	if (rule) {
		*ret_rule = rule;
		return COMMAND_RULE_ALLOW;
	}
	rule = first_match((const char *const *)c->command.deny.v, c->command.deny.n, cmd, n);
	if (rule) {
		*ret_rule = rule;
		return COMMAND_RULE_DENY;
	}
	if (cmdrules_use_defaults(c)) {
		rule = first_match(defaults, n_defaults, cmd, n);
		if (rule) {
			*ret_rule = rule;
			return COMMAND_RULE_DEFAULT;
		}
	}
	return COMMAND_RULE_NONE;
}

/*
 * decide, and when no list matched a program named git-SUBCOMMAND, decide
 * again as 'git SUBCOMMAND'.  git runs its subcommands as programs of that
 * name (in git --exec-path), and a process or a command line may start one
 * directly: /usr/lib/git-core/git-push is 'git push' to every rule.
 */
static enum command_rule_source decide_git_programs(const struct fence_config *c,
						    const struct mword *cmd, size_t n,
						    const char **ret_rule)
{
	enum command_rule_source source = decide(c, cmd, n, ret_rule);
	_cleanup_free_ struct mword *w = NULL;
	const char *name;

	if (source != COMMAND_RULE_NONE || n == 0)
		return source;
	name = cmdline_basename(cmd[0].text);
	if (strncmp(name, "git-", 4) != 0 || name[4] == '\0')
		return source;
	w = xcalloc(n + 1, sizeof(*w));
	w[0].text = "git";
	w[1].text = name + 4;
	memcpy(w + 2, cmd + 1, (n - 1) * sizeof(*w));
	return decide(c, w, n + 1, ret_rule);
}

enum command_rule_source command_check_argv(const struct fence_config *c, char *const *argv,
					    size_t argc, const char **ret_rule)
{
	_cleanup_free_ struct mword *w = xcalloc(argc + 1, sizeof(*w));

	for (size_t i = 0; i < argc; i++)
		w[i].text = argv[i];
	return decide_git_programs(c, w, argc, ret_rule);
}

/*
 * Make a message one printable line: a sub-command may hold newlines or
 * escape sequences (from $'...'), which must not reach a terminal raw.
 */
static char *one_line(char *message)
{
	size_t n = strlen(message);
	char *out = xmalloc(n * 4 + 1), *o = out;

	for (const unsigned char *c = (const unsigned char *)message; *c; c++) {
		if (*c == '\n')
			o += sprintf(o, "\\n");
		else if (*c < 0x20 || *c == 0x7f)
			o += sprintf(o, "\\x%02x", *c);
		else
			*o++ = (char)*c;
	}
	*o = '\0';
	free(message);
	return out;
}

/* Fill a blocked verdict. */
static void verdict_block(struct command_verdict *v, enum command_rule_source source,
			  char *subcommand, const char *rule, char *message)
{
	v->blocked = true;
	v->source = source;
	v->subcommand = subcommand;
	v->rule = rule ? xstrdup(rule) : NULL;
	v->message = one_line(message);
}

/* Check one simple command; returns true when it blocks the line. */
static bool check_one(const struct fence_config *c, const struct cmdline_command *cmd,
		      struct command_verdict *ret)
{
	_cleanup_free_ struct mword *w = mwords_from_command(cmd);
	enum command_rule_source source;
	const char *rule;
	char *text;

	source = decide_git_programs(c, w, cmd->n, &rule);
	if (source == COMMAND_RULE_ALLOW || cmd->n == 0)
		return false;
	if (source == COMMAND_RULE_DENY || source == COMMAND_RULE_DEFAULT) {
		text = cmdline_command_to_string(cmd);
		verdict_block(ret, source, text, rule,
			      xasprintf("command '%s' blocked by %s rule '%s'", text,
					source == COMMAND_RULE_DENY ? "command.deny" : "default deny",
					rule));
		return true;
	}
	if (ssh_policy_active(c) && strcmp(cmdline_basename(cmd->words[0].text), "ssh") == 0) {
		char *ssh_rule = NULL, *message = NULL;

		if (!ssh_check(c, cmd, &ssh_rule, &message)) {
			verdict_block(ret, COMMAND_RULE_SSH, cmdline_command_to_string(cmd), ssh_rule,
				      message);
			free(ssh_rule);
			return true;
		}
	}
	return false;
}

int command_check(const struct fence_config *c, const char *line, struct command_verdict *ret)
{
	struct cmdline_split split = { 0 };
	int r;

	*ret = (struct command_verdict){ .source = COMMAND_RULE_NONE };
	r = cmdline_split(line, &split);
	if (r < 0) {
		/*
		 * A line the splitter gave up on may hide anything, so it is
		 * blocked rather than let through unchecked.
		 */
		verdict_block(ret, COMMAND_RULE_UNCHECKABLE, xstrdup(line), NULL,
			      xasprintf("command '%.80s%s' cannot be checked: %s", line,
					strlen(line) > 80 ? "..." : "",
					r == -ELOOP ? "nested more than 16 levels deep"
						    : "more than 4096 commands"));
		cmdline_split_done(&split);
		return 0;
	}
	for (size_t i = 0; i < split.n; i++)
		if (check_one(c, &split.commands[i], ret))
			break;
	cmdline_split_done(&split);
	return 0;
}

void command_verdict_done(struct command_verdict *v)
{
	free(v->subcommand);
	free(v->rule);
	free(v->message);
	*v = (struct command_verdict){ 0 };
}
