/* SPDX-License-Identifier: MIT */
/*
 * policy/domain.h: the network filter's pure matcher.
 *
 * Patterns come from allowedDomains and deniedDomains: "*", exact names,
 * "*.example.com" (subdomains only, never the apex), IPv4 and IPv6
 * literals, each with an optional ":PORT".  Request hosts are normalized
 * the same way (lower case, one trailing dot dropped, IP literals parsed
 * into addresses), so no spelling of a host escapes a pattern that names it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

enum domain_kind {
	DOMAIN_ANY, /* the bare "*" or "*:PORT" */
	DOMAIN_NAME, /* an exact host name */
	DOMAIN_WILDCARD, /* "*.example.com": proper subdomains only */
	DOMAIN_IPV4,
	DOMAIN_IPV6,
};

/* One parsed pattern. */
struct domain_pattern {
	enum domain_kind kind;
	char *name; /* owned; NAME: the name, WILDCARD: ".example.com", else NULL */
	unsigned char addr[16]; /* IPV4: first 4 bytes, IPV6: all 16 */
	int port; /* 0 = every port */
	char *text; /* owned, the pattern as written, for messages */
};

/* A list of patterns, in the order the configuration gave them. */
struct domain_list {
	struct domain_pattern *v; /* owned */
	size_t n;
};

/* A normalized request host. */
struct domain_host {
	enum domain_kind kind; /* DOMAIN_NAME, DOMAIN_IPV4 or DOMAIN_IPV6 */
	char name[256]; /* NAME: lower case, no trailing dot; IP: canonical text */
	unsigned char addr[16];
};

/* Why the filter decided as it did. */
enum domain_verdict {
	DOMAIN_ALLOWED, /* matched allowedDomains */
	DOMAIN_DENIED, /* matched deniedDomains */
	DOMAIN_NOT_ALLOWED, /* matched no allowedDomains entry */
};

/* The compiled allowedDomains and deniedDomains of one policy. */
struct domain_filter {
	struct domain_list allowed;
	struct domain_list denied;
};

/*
 * domain_pattern_parse: parse one allowedDomains or deniedDomains entry.
 * Returns 0 and fills *ret, or -EINVAL with one owned message in
 * *ret_error saying what is wrong with the entry (not naming the file).
 */
int domain_pattern_parse(const char *text, struct domain_pattern *ret, char **ret_error);

/* domain_pattern_done: free what a pattern owns. */
void domain_pattern_done(struct domain_pattern *p);

/*
 * domain_list_parse: parse every entry of patterns into *ret (appending).
 * Returns 0, or -EINVAL and an owned message naming the bad entry; *ret
 * then holds the entries before it.
 */
int domain_list_parse(struct domain_list *ret, const struct strv *patterns, char **ret_error);

/* domain_list_done: free the list and its patterns. */
void domain_list_done(struct domain_list *l);

/*
 * domain_host_parse: normalize a request host (a name, an IPv4 literal in
 * any form inet_aton() accepts, or an IPv6 literal with or without
 * brackets).  Returns 0 or -EINVAL for an empty, overlong or malformed
 * host, including names with characters outside letters, digits, '-',
 * '_' and '.'.
 */
int domain_host_parse(const char *host, size_t len, struct domain_host *ret);

/*
 * domain_list_match: the first pattern of l that matches host on port, or
 * NULL.  A name pattern never matches an IP host and the reverse.
 */
const struct domain_pattern *domain_list_match(const struct domain_list *l,
					       const struct domain_host *host, int port);

/*
 * domain_filter_init: compile the two lists.  Returns 0 or -EINVAL with
 * an owned message naming the list and the entry.
 */
int domain_filter_init(struct domain_filter *f, const struct strv *allowed,
		       const struct strv *denied, char **ret_error);

/* domain_filter_done: free both lists. */
void domain_filter_done(struct domain_filter *f);

/*
 * domain_filter_check: decide for host on port.  deniedDomains is checked
 * first and wins.  *ret_rule (may be NULL) gets the matching pattern's
 * text, or NULL for DOMAIN_NOT_ALLOWED.
 */
enum domain_verdict domain_filter_check(const struct domain_filter *f,
					const struct domain_host *host, int port,
					const char **ret_rule);

/* domain_verdict_to_string: "allowed", "denied", "not allowed". */
const char *domain_verdict_to_string(enum domain_verdict v);
