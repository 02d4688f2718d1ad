/* SPDX-License-Identifier: MIT */
/*
 * policy/environ.h: which inherited environment variables reach the
 * sandbox.  Pure string work: the caller passes the environment in and
 * sets fence's own variables afterwards.
 */
#pragma once

#include <stdbool.h>

#include "policy/config.h"
#include "util/util.h"

/*
 * environ_is_loader_name: whether NAME (without "=value") is a dynamic
 * loader variable, LD_* or DYLD_*.  Case-sensitive: MY_LD_PRELOAD is not.
 */
bool environ_is_loader_name(const char *name);

/*
 * environ_pattern_match: whether NAME matches one environment.deny or
 * environment.allow entry: an exact name, or a prefix ending in one '*'
 * ("AWS_*"); "*" matches every name.
 */
bool environ_pattern_match(const char *pattern, const char *name);

/*
 * environ_filter: copy the "NAME=VALUE" entries of env (NULL-terminated)
 * that may enter the sandbox into ret_env, and the names of the others
 * into ret_removed (may be NULL).  Removed are: loader variables, the
 * variables that point at host multiplexer sockets (TMUX, TMUX_PANE, STY),
 * the host XDG_RUNTIME_DIR, and names matching rules->deny unless they
 * match rules->allow.  rules may be NULL.
 */
void environ_filter(char *const *env, const struct fence_environment *rules,
		    struct strv *ret_env, struct strv *ret_removed);

/* environ_set: set NAME to VALUE in env, replacing an existing entry. */
void environ_set(struct strv *env, const char *name, const char *value);

/* environ_get: the value of NAME in env, or NULL; borrowed. */
const char *environ_get(char *const *env, const char *name);

/* environ_strip_loader: remove LD_* and DYLD_* from env in place. */
void environ_strip_loader(struct strv *env);
