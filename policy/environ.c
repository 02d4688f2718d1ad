/* SPDX-License-Identifier: MIT */
/*
 * policy/environ.c: environment filtering for the sandbox.
 *
 * Loader variables are dropped because LD_PRELOAD or LD_LIBRARY_PATH set
 * by a caller would run code inside every sandboxed process before any
 * policy check; no allow entry can bring them back.  TMUX, TMUX_PANE and
 * STY name host terminal multiplexer sockets: a process that reaches the
 * tmux server can run commands outside the sandbox, so even their names
 * are kept from the workload.
 */
#include "policy/environ.h"

#include <string.h>

/* Variables that never enter the sandbox, even when the allow list names them. */
static const char *const always_removed[] = {
	"TMUX",
	"TMUX_PANE",
	"STY",
	"XDG_RUNTIME_DIR",
};

/* Return the length of the name part of a "NAME=VALUE" entry. */
static size_t name_length(const char *entry)
{
	const char *eq = strchr(entry, '=');

	return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* Compare a pattern with a name that is not NUL-terminated. */
static bool pattern_match_n(const char *pattern, const char *name, size_t n)
{
	size_t plen = strlen(pattern);

	if (plen > 0 && pattern[plen - 1] == '*')
		return n >= plen - 1 && strncmp(pattern, name, plen - 1) == 0;
	return n == plen && strncmp(pattern, name, n) == 0;
}

bool environ_pattern_match(const char *pattern, const char *name)
{
	return pattern_match_n(pattern, name, strlen(name));
}

/* Test the first n bytes of name for LD_ or DYLD_. */
static bool loader_name_n(const char *name, size_t n)
{
	return (n >= 3 && strncmp(name, "LD_", 3) == 0) ||
	       (n >= 5 && strncmp(name, "DYLD_", 5) == 0);
}

bool environ_is_loader_name(const char *name)
{
	return loader_name_n(name, strlen(name));
}

/* Test whether a name matches any entry of a pattern list. */
static bool list_matches(const struct strv *list, const char *name, size_t n)
{
	for (size_t i = 0; list && i < list->n; i++)
		if (pattern_match_n(list->v[i], name, n))
			return true;
	return false;
}

/* Decide whether one entry is removed. */
static bool entry_removed(const char *entry, size_t n, const struct fence_environment *rules)
{
	if (loader_name_n(entry, n))
		return true;
	for (size_t i = 0; i < ELEMENTSOF(always_removed); i++)
		if (pattern_match_n(always_removed[i], entry, n))
			return true;
	if (!rules || !list_matches(&rules->deny, entry, n))
		return false;
	return !list_matches(&rules->allow, entry, n);
}

void environ_filter(char *const *env, const struct fence_environment *rules,
		    struct strv *ret_env, struct strv *ret_removed)
{
	for (size_t i = 0; env && env[i]; i++) {
		size_t n = name_length(env[i]);

		/* An entry without '=' is malformed; nothing reads it, so drop it. */
		if (!env[i][n] || n == 0) {
			continue;
		}
		if (entry_removed(env[i], n, rules)) {
			if (ret_removed)
				strv_push_take(ret_removed, xstrndup(env[i], n));
			continue;
		}
		strv_push(ret_env, env[i]);
	}
}

/* Find the index of NAME in env, or -1. */
static ssize_t find_entry(char *const *env, size_t count, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < count; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return (ssize_t)i;
	return -1;
}

void environ_set(struct strv *env, const char *name, const char *value)
{
	ssize_t i = find_entry(env->v, env->n, name);

	if (i < 0) {
		strv_pushf(env, "%s=%s", name, value);
		return;
	}
	free(env->v[i]);
	env->v[i] = xasprintf("%s=%s", name, value);
}

const char *environ_get(char *const *env, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

void environ_strip_loader(struct strv *env)
{
	size_t j = 0;

	for (size_t i = 0; i < env->n; i++) {
		if (loader_name_n(env->v[i], name_length(env->v[i])))
			free(env->v[i]);
		else
			env->v[j++] = env->v[i];
	}
	env->n = j;
	if (env->v)
		env->v[j] = NULL;
}
