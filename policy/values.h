/* SPDX-License-Identifier: MIT */
/*
 * policy/values.h: checks of single configuration values (domain patterns,
 * SSH host globs, variable patterns, ...) and small string helpers.
 *
 * Each values_check_* function returns NULL when the value is valid, else
 * a static reason ending the message "invalid 'FIELD' entry 'X': REASON".
 * Some normalize the value in place (a domain's trailing dot is dropped).
 */
#pragma once

#include "policy/config.h"

const char *values_check_nonempty(char *s);
/* Domain patterns: 'example.com', '*.example.com', IPs, '*', 'localhost', optional ':PORT'. */
const char *values_check_domain(char *s);
/* An ssh host glob: no '://', '/' or '@'; ':' only in IPv6 addresses. */
const char *values_check_ssh_host(char *s);
/* A device path under /dev/. */
const char *values_check_device(char *s);
/* A command name without '/'. */
const char *values_check_basename(char *s);
/* A Mach service name, 'prefix*' or '*'. */
const char *values_check_mach(char *s);
/* A variable name or a prefix ending in one '*'. */
const char *values_check_env_pattern(char *s);
/* One of the tools whose registries fence can discover. */
const char *values_check_registry(char *s);
/* values_registry_tools: the tool names allowPackageRegistries accepts, NULL-terminated. */
const char *const *values_registry_tools(void);
/* 'http://host[:port]'. */
const char *values_check_upstream(char *s);
/* A loopback port that is not one of the sandbox's own proxy ports. */
const char *values_check_local_port(long long port);

/* values_quote: s in single quotes for a message, control bytes escaped, long values cut (owned). */
char *values_quote(const char *s);

/* values_join: the elements joined by `sep` (owned), or NULL for an empty vector. */
char *values_join(const struct strv *sv, const char *sep);

/*
 * A set of borrowed strings (open addressing, FNV-1a), so that merging
 * and de-duplicating lists of many thousand entries stays linear.  A
 * zeroed struct is an empty set.
 */
struct values_set {
	const char **slots; /* owned array of borrowed strings */
	size_t cap, n;
};

/* values_set_add: insert s; returns false when it was already present. */
bool values_set_add(struct values_set *set, const char *s);
/* values_set_done: free the table, not the strings. */
void values_set_done(struct values_set *set);

/* values_strv_append_unique: append each entry of src not yet in dst, in order. */
void values_strv_append_unique(struct strv *dst, const struct strv *src);

/* values_intv_append_unique: append each entry of src not yet in dst, in order. */
void values_intv_append_unique(struct intv *dst, const struct intv *src);
