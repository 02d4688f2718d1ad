/* SPDX-License-Identifier: MIT */
/*
 * policy/ssh.h: SSH policy: which hosts `ssh` may reach and which remote
 * commands it may run there.
 *
 * The policy is active when ssh.allowedHosts or ssh.deniedHosts is
 * non-empty.  It checks the ssh command line before it starts; nothing
 * here contacts a host.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/cmdline.h"

struct fence_config;

/* One ssh invocation, taken apart. */
struct ssh_invocation {
	char *host; /* owned: without user@, ssh://, :port or brackets */
	char *user; /* owned or NULL: from user@host, ssh://user@ or -l */
	char *port; /* owned or NULL: from -p or ssh://host:port */
	char *remote; /* owned or NULL: the remote command, words joined by spaces */
};

/*
 * ssh_parse: take apart the words of an ssh command (words[0] is ssh).
 * Returns 0 and fills *ret, or -EINVAL when there is no host operand
 * (`ssh -V`, `ssh` alone), in which case there is nothing to check.
 */
int ssh_parse(char *const *words, size_t n, struct ssh_invocation *ret);

/* ssh_invocation_done: free the contents of an invocation. */
void ssh_invocation_done(struct ssh_invocation *s);

/*
 * ssh_host_match: whether host matches pattern: case-insensitive, "*"
 * alone matches everything, "*" elsewhere matches any run of characters
 * (so "*.example.com" does not match "example.com").
 */
bool ssh_host_match(const char *pattern, const char *host);

/* ssh_policy_active: whether c has any ssh host rule. */
bool ssh_policy_active(const struct fence_config *c);

/*
 * ssh_check: check one ssh command against c's SSH policy.
 *
 * Returns true when allowed.  When blocked, *ret_rule gets an owned copy
 * of the pattern or rule that decided (or NULL when the cause is a miss
 * in an allow list) and *ret_message one owned line without the "fence: "
 * prefix.
 */
bool ssh_check(const struct fence_config *c, const struct cmdline_command *cmd, char **ret_rule,
	       char **ret_message);
