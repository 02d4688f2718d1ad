/* SPDX-License-Identifier: MIT */
/*
 * policy/jsonc.h: a JSON-with-comments parser that remembers where every
 * value and key starts.
 *
 * json-c's tokener neither accepts every form of comment and trailing comma
 * nor reports useful positions, and configuration errors must name the line
 * and column, so fence parses configuration text itself into this small tree.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum jsonc_type {
	JSONC_NULL,
	JSONC_BOOL,
	JSONC_NUMBER,
	JSONC_STRING,
	JSONC_ARRAY,
	JSONC_OBJECT,
};

/* One value; in an object, also the member's key and the key's position. */
struct jsonc_value {
	enum jsonc_type type;
	unsigned line, column; /* 1-based position of the value's first character */
	bool boolean;
	bool is_integer; /* a number written without fraction or exponent */
	long long integer; /* valid when is_integer */
	double number;
	char *string; /* owned, NUL-free UTF-8; JSONC_STRING only */
	struct jsonc_value *items; /* owned array of n; arrays and objects */
	size_t n;
	char *key; /* owned; set on object members */
	unsigned key_line, key_column;
};

/* A syntax error: its position and a message such as "expected ',' or '}'". */
struct jsonc_error {
	unsigned line, column;
	char message[128];
};

/*
 * jsonc_parse: parse `len` bytes of JSONC (JSON plus // and block comments
 * and trailing commas; a leading UTF-8 byte order mark is skipped).
 *
 * Returns 1 and sets *ret to an owned tree, 0 when the text contains only
 * blanks and comments (*ret is NULL), or -EINVAL and fills *ret_error.
 * Nesting deeper than 64 levels is an error, so hostile input cannot
 * exhaust the stack.  Repeated object keys are all kept, in order.
 */
int jsonc_parse(const char *text, size_t len, struct jsonc_value **ret, struct jsonc_error *ret_error);

/*
 * jsonc_parse_partial: jsonc_parse, except that on a syntax error *ret
 * holds what was read before it (owned, or NULL): every member and item
 * up to the error, the last one possibly cut short.  The loader reads the
 * keys in it to warn about unknown ones before reporting the error.
 */
int jsonc_parse_partial(const char *text, size_t len, struct jsonc_value **ret,
			struct jsonc_error *ret_error);

/* jsonc_free: free a tree returned by jsonc_parse; accepts NULL; returns NULL. */
struct jsonc_value *jsonc_free(struct jsonc_value *v);

/* jsonc_type_name: "a string", "an object", ... for messages. */
const char *jsonc_type_name(enum jsonc_type t);
