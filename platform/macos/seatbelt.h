/* SPDX-License-Identifier: MIT */
/*
 * platform/macos/seatbelt.h: the macOS Seatbelt (SBPL) profile generator.
 *
 * The generator turns the policy model into the text that
 * `sandbox-exec -p PROFILE` takes.  It is plain C that builds and is tested
 * on every platform: it reads no environment and, unless asked to resolve
 * symlinks, touches no file, so the same inputs always give the same bytes.
 * Only running sandbox-exec needs a Mac.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct fence_config;

/* Characters a log tag may contain; it is embedded in the profile and in a
 * `log stream` predicate without quoting. */
#define SEATBELT_TAG_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
#define SEATBELT_TAG_MAX 64

/* Everything the profile depends on besides the configuration. */
struct seatbelt_params {
	const char *home; /* absolute home directory, for '~' */
	const char *cwd;  /* absolute working directory, for relative paths */
	/* fence's TMPDIR inside the sandbox, writable and allowed for Unix
	 * sockets; NULL means "/tmp/fence". */
	const char *tmpdir;
	/* The per-user temporary directory of macOS (the parent of
	 * confstr(_CS_DARWIN_USER_TEMP_DIR)), made writable; NULL to leave out. */
	const char *user_temp_dir;
	/* Per-run tag: every denial carries it as its message, so a
	 * `log stream` monitor can select this run's violations. */
	const char *log_tag;
	int http_proxy_port;  /* host port of fence's HTTP proxy, 0 = none */
	int socks_proxy_port; /* host port of fence's SOCKS5 proxy, 0 = none */
	/* Program words of the runtime exec rules (execmask_words), each
	 * denied as `process-exec` in the usual bin directories of macOS, or
	 * as the path itself when it contains '/'.  NULL-terminated, NULL for
	 * none. */
	const char *const *exec_deny_words;
	/* Canonical paths of executables that runtime exec rules deny
	 * (`process-exec`), as a host resolved them through PATH and
	 * symlinks; NULL-terminated, NULL for none. */
	const char *const *exec_deny_paths;
	/* The sandbox's shell, which no exec denial covers; NULL for none. */
	const char *shell;
	/* `-p` reverse ports were asked for, which implies local binding. */
	bool exposed_ports;
	/* Resolve symlinks of existing non-glob paths and emit both spellings.
	 * Off in tests, so that golden profiles do not depend on the machine. */
	bool resolve_symlinks;
};

/*
 * seatbelt_profile_build: generate the Seatbelt profile for config `c`.
 *
 * Returns 0 and sets *ret_profile to owned text, or -EINVAL when a
 * parameter is missing or malformed (relative home or cwd, a log tag with
 * characters outside SEATBELT_TAG_CHARS, a port outside 0-65535, a path
 * with a control character).
 */
int seatbelt_profile_build(const struct fence_config *c, const struct seatbelt_params *p,
			   char **ret_profile);

/*
 * seatbelt_glob_to_regex: the anchored regular expression (without SBPL
 * quoting) that matches what the path glob matches: '*' and '?' stay within
 * one path component, '**' crosses components, '**' followed by '/' also
 * matches no directory at all, '[...]' is a character class ('[!...]'
 * negated).  Returns owned text.
 */
char *seatbelt_glob_to_regex(const char *glob);

/* seatbelt_has_glob: whether a path contains glob characters. */
bool seatbelt_has_glob(const char *path);

/*
 * seatbelt_log_tag_generate: write a fresh random tag ("fence-" and 16 hex
 * digits) into buf, which holds at least SEATBELT_TAG_MAX bytes.
 */
void seatbelt_log_tag_generate(char *buf, size_t size);
