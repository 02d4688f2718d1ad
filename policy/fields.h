/* SPDX-License-Identifier: MIT */
/*
 * policy/fields.h: the table of every configuration field, and the
 * operations driven by it: reading a parsed file into a struct
 * fence_config, merging, serializing, freeing and the JSON schema.
 *
 * One table serves the validator, the merge, `config show` and the
 * published schema, so they cannot disagree about a field.
 */
#pragma once

#include <stddef.h>

#include "policy/config.h"
#include "policy/jsonc.h"

enum field_kind {
	FIELD_OBJECT, /* a nested section such as "network" */
	FIELD_SCHEMA, /* "$schema": a string for editors, otherwise ignored */
	FIELD_EXTENDS, /* "extends": read by the loader, not stored */
	FIELD_STRINGS, /* string list: merged by appending, duplicates dropped */
	FIELD_INTS, /* integer list: merged like string lists */
	FIELD_BOOL, /* merged by OR */
	FIELD_TRISTATE, /* true, false or null: the child wins when set */
	FIELD_STRING, /* the child wins when non-empty */
	FIELD_ENUM, /* a string from `values`: the child wins when set */
	FIELD_INT, /* the child wins when non-zero */
};

struct config_field {
	const char *path; /* JSON path with dots: "network.allowedDomains" */
	enum field_kind kind;
	size_t offset; /* into struct fence_config; unused for the first three kinds */
	const char *const *values; /* FIELD_ENUM: names; the stored value is index + 1 */
	/*
	 * Check one string (the value, or one list entry); may normalize it in
	 * place.  Returns NULL when valid, else the reason (static text).
	 */
	const char *(*check)(char *s);
	long long min, max; /* FIELD_INT and FIELD_INTS: the accepted range */
	const char *(*check_int)(long long v); /* extra integer rule, or NULL */
	const char *description; /* one line for the schema and the docs */
};

/* fields_table: the fields in document order; *ret_n is set to their count. */
const struct config_field *fields_table(size_t *ret_n);

/* fields_find: the field at `path`, or NULL. */
const struct config_field *fields_find(const char *path);

/*
 * fields_parse: read one parsed file into *c (which must be zeroed).
 * `name` prefixes messages.  Unknown and repeated keys add warnings.  The
 * file's own `extends` value, if any, is returned in *ret_extends (owned).
 * Returns 0, or -EINVAL with one owned line in *ret_error.
 */
int fields_parse(const struct jsonc_value *root, const char *name, struct fence_config *c,
		 char **ret_extends, struct strv *warnings, char **ret_error);

/* fields_message: "NAME:LINE:COLUMN: message" at the position of `at` (owned). */
char *fields_message(const char *name, const struct jsonc_value *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* fields_merge: merge `child` on top of `base`, in place, with the rule of each field kind. */
void fields_merge(struct fence_config *base, const struct fence_config *child);

/* fields_done: free every field of *c and zero it. */
void fields_done(struct fence_config *c);

/* fields_copy: deep-copy src into a zeroed dst. */
void fields_copy(struct fence_config *dst, const struct fence_config *src);

/* fields_to_json: the set fields of *c as pretty JSON text (owned). */
char *fields_to_json(const struct fence_config *c);

/* fields_schema_json: the JSON schema of the format as pretty text (owned). */
char *fields_schema_json(void);

/*
 * fields_suggest: the name in `names` nearest to `word` with a
 * case-insensitive edit distance of at most 2 and less than half the
 * length of `word`, or NULL.
 */
const char *fields_suggest(const char *word, const char *const *names, size_t n);
