/* SPDX-License-Identifier: MIT */
/*
 * policy/ssh.c: SSH host and remote-command policy.
 *
 * The ssh argument parser follows OpenSSH's getopt string closely enough
 * to find the host operand: options that take a value consume it (from
 * the same word or the next), so `ssh -p 22 -l root host cmd` finds
 * `host`, not `22` or `root`.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "policy/cmdrules.h"
#include "policy/config.h"
#include "policy/ssh.h"
#include "util/util.h"

/* The ssh options that take a value, as in OpenSSH 9's getopt string. */
static const char ssh_value_options[] = "pliOFJWbcDEeILmoQRSwBP";

/* Take a host operand apart: ssh://user@host:port, user@host, [v6]. */
static void parse_destination(const char *arg, struct ssh_invocation *ret)
{
	_cleanup_free_ char *copy = NULL;
	char *host, *at, *end;
	bool url = strncmp(arg, "ssh://", 6) == 0;

	copy = xstrdup(url ? arg + 6 : arg);
	host = copy;
	if (url) {
		char *slash = strchr(host, '/');

		if (slash)
			*slash = '\0';
	}
	at = strrchr(host, '@');
	if (at) {
		*at = '\0';
		free(ret->user);
		ret->user = xstrdup(host);
		host = at + 1;
	}
	if (host[0] == '[') {
		end = strchr(host, ']');
		if (end) {
			*end = '\0';
			if (url && end[1] == ':') {
				free(ret->port);
				ret->port = xstrdup(end + 2);
			}
		}
		host++;
	} else if (url) {
		char *colon = strchr(host, ':');

		/* One colon is a port; more are an IPv6 address without brackets. */
		if (colon && !strchr(colon + 1, ':')) {
			*colon = '\0';
			free(ret->port);
			ret->port = xstrdup(colon + 1);
		}
	}
	ret->host = xstrdup(host);
}

/* Parse one option cluster at words[*i]; values may sit in the next word. */
static void parse_option(char *const *words, size_t n, size_t *i, struct ssh_invocation *ret)
{
	const char *arg = words[*i];

	for (size_t k = 1; arg[k]; k++) {
		const char *value;

		if (!strchr(ssh_value_options, arg[k]))
			continue;
		if (arg[k + 1])
			value = arg + k + 1;
		else if (*i + 1 < n)
			value = words[++*i];
		else
			return;
		if (arg[k] == 'p') {
			free(ret->port);
			ret->port = xstrdup(value);
		} else if (arg[k] == 'l') {
			free(ret->user);
			ret->user = xstrdup(value);
		}
		return;
	}
}

int ssh_parse(char *const *words, size_t n, struct ssh_invocation *ret)
{
	struct ssh_invocation s = { 0 };
	size_t i = 1;

	for (; i < n; i++) {
		const char *arg = words[i];

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || !arg[1])
			break;
		parse_option(words, n, &i, &s);
	}
	if (i >= n) {
		ssh_invocation_done(&s);
		return -EINVAL;
	}
	parse_destination(words[i], &s);

	/* ssh joins the remaining words with spaces for the remote shell. */
	for (size_t k = i + 1; k < n; k++) {
		char *joined = s.remote ? xasprintf("%s %s", s.remote, words[k]) : xstrdup(words[k]);

		free(s.remote);
		s.remote = joined;
	}
	*ret = s;
	return 0;
}

void ssh_invocation_done(struct ssh_invocation *s)
{
	free(s->host);
	free(s->user);
	free(s->port);
	free(s->remote);
	*s = (struct ssh_invocation){ 0 };
}

/* Match pattern (with '*' wildcards) against s, ignoring case. */
static bool glob_icase(const char *pattern, const char *s)
{
	while (*pattern) {
		if (*pattern == '*') {
			while (*pattern == '*')
				pattern++;
			if (!*pattern)
				return true;
			for (; *s; s++)
				if (glob_icase(pattern, s))
					return true;
			return false;
		}
		if (tolower((unsigned char)*pattern) != tolower((unsigned char)*s))
			return false;
		pattern++;
		s++;
	}
	return *s == '\0';
}

bool ssh_host_match(const char *pattern, const char *host)
{
	if (strcmp(pattern, "*") == 0)
		return true;
	if (!strchr(pattern, '*'))
		return strcasecmp(pattern, host) == 0;
	return glob_icase(pattern, host);
}

bool ssh_policy_active(const struct fence_config *c)
{
	return c->ssh.allowed_hosts.n > 0 || c->ssh.denied_hosts.n > 0;
}

/* The first pattern of list matching host, or NULL. */
static const char *host_in(const struct strv *list, const char *host)
{
	for (size_t i = 0; i < list->n; i++)
		if (ssh_host_match(list->v[i], host))
			return list->v[i];
	return NULL;
}

/* The first rule of list matching cmd, or NULL. */
static const char *rule_in(const char *const *list, size_t n, const struct cmdline_command *cmd)
{
	for (size_t i = 0; i < n; i++)
		if (cmdrules_match(list[i], cmd))
			return list[i];
	return NULL;
}

/*
 * Check one part of the remote command.  Every part must pass on its
 * own, wrapped commands included: allowing `sudo systemctl status`
 * remotely also needs `systemctl status` in allowedCommands, so that an
 * allowed wrapper cannot carry an unlisted command.
 */
static bool check_remote_part(const struct fence_config *c, const struct ssh_invocation *s,
			      const struct cmdline_command *cmd, char **ret_rule,
			      char **ret_message)
{
	_cleanup_free_ char *text = cmdline_command_to_string(cmd);
	const char *rule;

	if (cmd->n == 0)
		return true;
	if (c->ssh.inherit_deny) {
		size_t n_defaults;
		const char *const *defaults = cmdrules_defaults(&n_defaults);

		rule = rule_in((const char *const *)c->command.deny.v, c->command.deny.n, cmd);
		if (!rule && cmdrules_use_defaults(c))
			rule = rule_in(defaults, n_defaults, cmd);
		if (rule) {
			*ret_rule = xstrdup(rule);
			*ret_message = xasprintf("remote command '%s' on '%s' blocked by %s rule '%s' "
						 "(ssh.inheritDeny)",
						 text, s->host,
						 strv_contains(&c->command.deny, rule) ? "command.deny"
										       : "default deny",
						 rule);
			return false;
		}
	}
	rule = rule_in((const char *const *)c->ssh.denied_commands.v, c->ssh.denied_commands.n, cmd);
	if (rule) {
		*ret_rule = xstrdup(rule);
		*ret_message = xasprintf("remote command '%s' on '%s' blocked by ssh.deniedCommands "
					 "rule '%s'",
					 text, s->host, rule);
		return false;
	}
	if (c->ssh.allow_all_commands)
		return true;
	if (rule_in((const char *const *)c->ssh.allowed_commands.v, c->ssh.allowed_commands.n, cmd))
		return true;
	*ret_message = xasprintf("remote command '%s' on '%s' blocked: not in ssh.allowedCommands",
				 text, s->host);
	return false;
}

/* Check the remote command line part by part. */
static bool check_remote(const struct fence_config *c, const struct ssh_invocation *s,
			 char **ret_rule, char **ret_message)
{
	struct cmdline_split split = { 0 };
	bool ok = true;
	int r;

	r = cmdline_split(s->remote, &split);
	if (r < 0) {
		*ret_message = xasprintf("remote command on '%s' cannot be checked: too deeply nested or too long",
					 s->host);
		cmdline_split_done(&split);
		return false;
	}
	for (size_t i = 0; i < split.n && ok; i++)
		ok = check_remote_part(c, s, &split.commands[i], ret_rule, ret_message);
	cmdline_split_done(&split);
	return ok;
}

bool ssh_check(const struct fence_config *c, const struct cmdline_command *cmd, char **ret_rule,
	       char **ret_message)
{
	_cleanup_free_ char **words = xcalloc(cmd->n + 1, sizeof(char *));
	struct ssh_invocation s = { 0 };
	const char *pattern;
	bool ok;

	*ret_rule = NULL;
	*ret_message = NULL;
	for (size_t i = 0; i < cmd->n; i++)
		words[i] = cmd->words[i].text;
	if (ssh_parse(words, cmd->n, &s) < 0)
		return true; /* no host: ssh -V and the like connect nowhere */

	pattern = host_in(&c->ssh.denied_hosts, s.host);
	if (pattern) {
		*ret_rule = xstrdup(pattern);
		*ret_message = xasprintf("ssh to '%s' blocked by ssh.deniedHosts pattern '%s'",
					 s.host, pattern);
		ssh_invocation_done(&s);
		return false;
	}
	if (c->ssh.allowed_hosts.n > 0 && !host_in(&c->ssh.allowed_hosts, s.host)) {
		*ret_message = xasprintf("ssh to '%s' blocked: not in ssh.allowedHosts", s.host);
		ssh_invocation_done(&s);
		return false;
	}
	ok = !s.remote || check_remote(c, &s, ret_rule, ret_message);
	ssh_invocation_done(&s);
	return ok;
}
