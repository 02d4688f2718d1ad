/* SPDX-License-Identifier: MIT */
/*
 * policy/jsonc.c: a recursive-descent JSONC parser with line and column
 * tracking.
 *
 * Columns count characters, not bytes (UTF-8 continuation bytes do not
 * advance the column), so they match what an editor shows.  The parser
 * stops at the first error; configuration files are small, so recovery
 * would only produce follow-on noise.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/jsonc.h"
#include "util/util.h"

#define JSONC_MAX_DEPTH 64

struct parser {
	const char *s;
	size_t len;
	size_t pos;
	unsigned line, column;
	unsigned depth;
	struct jsonc_error *error;
};

/* Record an error at the current position; returns -EINVAL. */
__attribute__((format(printf, 2, 3))) static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	p->error->line = p->line;
	p->error->column = p->column;
	va_start(ap, fmt);
	vsnprintf(p->error->message, sizeof(p->error->message), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int peek(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

/* Consume one byte, keeping line and column current. */
static void advance(struct parser *p)
{
	unsigned char c = (unsigned char)p->s[p->pos++];

	if (c == '\n') {
		p->line++;
		p->column = 1;
	} else if ((c & 0xC0) != 0x80) {
		p->column++;
	}
}

/* Skip blanks, // line comments and block comments. */
static int skip_blanks(struct parser *p)
{
	for (;;) {
		int c = peek(p);

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			advance(p);
		} else if (c == '/' && p->pos + 1 < p->len && p->s[p->pos + 1] == '/') {
			while (peek(p) != -1 && peek(p) != '\n')
				advance(p);
		} else if (c == '/' && p->pos + 1 < p->len && p->s[p->pos + 1] == '*') {
			unsigned line = p->line, column = p->column;

			advance(p);
			advance(p);
			for (;;) {
				if (peek(p) == -1) {
					p->line = line;
					p->column = column;
					return fail(p, "unterminated comment");
				}
				if (peek(p) == '*' && p->pos + 1 < p->len && p->s[p->pos + 1] == '/') {
					advance(p);
					advance(p);
					break;
				}
				advance(p);
			}
		} else if (c == '/') {
			return fail(p, "expected '//' or '/*' after '/'");
		} else {
			return 0;
		}
	}
}

/* Describe the character at the cursor for an "unexpected" message. */
static const char *describe_here(const struct parser *p, char buf[16])
{
	int c = peek(p);

	if (c == -1)
		return "end of file";
	if (c >= 0x21 && c < 0x7f)
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02x", (unsigned)c);
	return buf;
}

/* Append one byte to a growing string buffer, keeping room for the NUL. */
static void append_byte(char **buf, size_t *n, size_t *cap, char c)
{
	if (*n + 2 > *cap) {
		*cap = (*n + 2) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	(*buf)[(*n)++] = c;
}

/* Append a code point as UTF-8. */
static void append_utf8(char **buf, size_t *n, size_t *cap, uint32_t cp)
{
	unsigned char tmp[4];
	size_t k;

	if (cp < 0x80) {
		tmp[0] = cp;
		k = 1;
	} else if (cp < 0x800) {
		tmp[0] = 0xC0 | (cp >> 6);
		tmp[1] = 0x80 | (cp & 0x3F);
		k = 2;
	} else if (cp < 0x10000) {
		tmp[0] = 0xE0 | (cp >> 12);
		tmp[1] = 0x80 | ((cp >> 6) & 0x3F);
		tmp[2] = 0x80 | (cp & 0x3F);
		k = 3;
	} else {
		tmp[0] = 0xF0 | (cp >> 18);
		tmp[1] = 0x80 | ((cp >> 12) & 0x3F);
		tmp[2] = 0x80 | ((cp >> 6) & 0x3F);
		tmp[3] = 0x80 | (cp & 0x3F);
		k = 4;
	}
	for (size_t i = 0; i < k; i++)
		append_byte(buf, n, cap, (char)tmp[i]);
}

/*
 * The length of the UTF-8 sequence at s (1 to 4), or 0 when it is invalid:
 * a stray continuation byte, a truncated sequence, an overlong form, a
 * UTF-16 surrogate or a code point above U+10FFFF.
 */
static size_t utf8_length(const unsigned char *s, size_t avail)
{
	size_t k;
	uint32_t cp, min;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		k = 2, cp = s[0] & 0x1F, min = 0x80;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		k = 3, cp = s[0] & 0x0F, min = 0x800;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		k = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (avail < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k;
}

/* Read the four hex digits of a \u escape. */
static int read_hex4(struct parser *p, uint32_t *ret)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		int c = peek(p);

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return fail(p, "expected four hex digits after '\\u'");
		advance(p);
	}
	*ret = v;
	return 0;
}

/* Decode a \u escape, joining a UTF-16 surrogate pair. */
static int read_unicode_escape(struct parser *p, uint32_t *ret)
{
	uint32_t hi, lo;
	int r;

	r = read_hex4(p, &hi);
	if (r < 0)
		return r;
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return fail(p, "unpaired UTF-16 surrogate in '\\u' escape");
	if (hi < 0xD800 || hi > 0xDBFF) {
		*ret = hi;
		return 0;
	}
	if (peek(p) != '\\' || p->pos + 1 >= p->len || p->s[p->pos + 1] != 'u')
		return fail(p, "unpaired UTF-16 surrogate in '\\u' escape");
	advance(p);
	advance(p);
	r = read_hex4(p, &lo);
	if (r < 0)
		return r;
	if (lo < 0xDC00 || lo > 0xDFFF)
		return fail(p, "unpaired UTF-16 surrogate in '\\u' escape");
	*ret = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
	return 0;
}

/* Parse a string literal at the cursor into an owned C string. */
static int parse_string(struct parser *p, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t n = 0, cap = 16;
	unsigned line = p->line, column = p->column;

	buf = xmalloc(cap);
	advance(p); /* the opening quote */
	for (;;) {
		int c = peek(p);
		uint32_t cp = 0;

		if (c == -1 || c == '\n') {
			p->line = line;
			p->column = column;
			return fail(p, "unterminated string");
		}
		if (c == '"') {
			advance(p);
			break;
		}
		if (c < 0x20)
			return fail(p, "control character 0x%02x in string; write it as an escape", (unsigned)c);
		if (c >= 0x80) {
			size_t k = utf8_length((const unsigned char *)p->s + p->pos, p->len - p->pos);

			if (k == 0)
				return fail(p, "invalid UTF-8 in string");
			while (k-- > 0) {
				append_byte(&buf, &n, &cap, p->s[p->pos]);
				advance(p);
			}
			continue;
		}
		if (c != '\\') {
			append_byte(&buf, &n, &cap, (char)c);
			advance(p);
			continue;
		}
		advance(p);
		c = peek(p);
		switch (c) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u': {
			int r;

			advance(p);
			r = read_unicode_escape(p, &cp);
			if (r < 0)
				return r;
			if (cp == 0)
				return fail(p, "'\\u0000' is not allowed in strings");
			append_utf8(&buf, &n, &cap, cp);
			continue;
		}
		default:
			return fail(p, "invalid escape in string; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
		}
		advance(p);
		append_utf8(&buf, &n, &cap, cp);
	}
	buf[n] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Parse a number with JSON's grammar (no leading '+', no leading zeros). */
static int parse_number(struct parser *p, struct jsonc_value *v)
{
	size_t start = p->pos;
	bool integer = true;
	char buf[64];

	if (peek(p) == '-')
		advance(p);
	if (peek(p) == '0') {
		advance(p);
		if (is_digit(peek(p)))
			return fail(p, "leading zeros are not allowed in numbers");
	} else if (is_digit(peek(p))) {
		while (is_digit(peek(p)))
			advance(p);
	} else {
		return fail(p, "expected a digit");
	}
	if (peek(p) == '.') {
		integer = false;
		advance(p);
		if (!is_digit(peek(p)))
			return fail(p, "expected a digit after '.'");
		while (is_digit(peek(p)))
			advance(p);
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		integer = false;
		advance(p);
		if (peek(p) == '+' || peek(p) == '-')
			advance(p);
		if (!is_digit(peek(p)))
			return fail(p, "expected a digit in the exponent");
		while (is_digit(peek(p)))
			advance(p);
	}
	if (p->pos - start >= sizeof(buf))
		integer = false;
	snprintf(buf, sizeof(buf), "%.*s", (int)(p->pos - start), p->s + start);
	v->type = JSONC_NUMBER;
	v->number = strtod(buf, NULL);
	if (integer) {
		errno = 0;
		v->integer = strtoll(buf, NULL, 10);
		v->is_integer = errno == 0;
	}
	return 0;
}

/* Match a literal word such as "true" at the cursor. */
static bool match_word(struct parser *p, const char *word)
{
	size_t k = strlen(word);

	if (p->len - p->pos < k || memcmp(p->s + p->pos, word, k) != 0)
		return false;
	if (p->pos + k < p->len) {
		char c = p->s[p->pos + k];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_')
			return false;
	}
	for (size_t i = 0; i < k; i++)
		advance(p);
	return true;
}

static int parse_value(struct parser *p, struct jsonc_value *v);

/*
 * Consume the ',' after a member or element, or stop before `closer`.  A
 * missing comma is reported where it belongs, right after the value, not
 * at the next token, which may be lines further down.
 */
static int expect_separator(struct parser *p, char closer)
{
	unsigned line = p->line, column = p->column;
	int r;

	r = skip_blanks(p);
	if (r < 0)
		return r;
	if (peek(p) == ',') {
		advance(p);
		return 0;
	}
	if (peek(p) == closer)
		return 0;
	p->line = line;
	p->column = column;
	return fail(p, "expected ',' or '%c'", closer);
}

/* Append a zeroed child to an array or object and return it. */
static struct jsonc_value *push_item(struct jsonc_value *v, size_t *cap)
{
	if (v->n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		v->items = xrealloc(v->items, *cap * sizeof(*v->items));
	}
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	return &v->items[v->n++];
}

/* Parse an array at the cursor; trailing commas are accepted. */
static int parse_array(struct parser *p, struct jsonc_value *v)
{
	size_t cap = 0;
	int r;

	v->type = JSONC_ARRAY;
	advance(p);
	for (;;) {
		r = skip_blanks(p);
		if (r < 0)
			return r;
		if (peek(p) == ']') {
			advance(p);
			return 0;
		}
		r = parse_value(p, push_item(v, &cap));
		if (r < 0)
			return r;
		r = expect_separator(p, ']');
		if (r < 0)
			return r;
	}
}

/* Parse an object at the cursor; trailing commas are accepted. */
static int parse_object(struct parser *p, struct jsonc_value *v)
{
	size_t cap = 0;
	char buf[16];
	int r;

	v->type = JSONC_OBJECT;
	advance(p);
	for (;;) {
		struct jsonc_value *m;
		char *key = NULL;
		unsigned line, column;

		r = skip_blanks(p);
		if (r < 0)
			return r;
		if (peek(p) == '}') {
			advance(p);
			return 0;
		}
		if (peek(p) != '"')
			return fail(p, "expected a quoted key or '}', found %s", describe_here(p, buf));
		line = p->line;
		column = p->column;
		r = parse_string(p, &key);
		if (r < 0)
			return r;
		m = push_item(v, &cap);
		m->key = key;
		m->key_line = line;
		m->key_column = column;
		r = skip_blanks(p);
		if (r < 0)
			return r;
		if (peek(p) != ':')
			return fail(p, "expected ':' after the key, found %s", describe_here(p, buf));
		advance(p);
		r = parse_value(p, m);
		if (r < 0)
			return r;
		r = expect_separator(p, '}');
		if (r < 0)
			return r;
	}
}

/* Parse any value at the cursor (after blanks) into *v. */
static int parse_value(struct parser *p, struct jsonc_value *v)
{
	char buf[16];
	int c, r;

	r = skip_blanks(p);
	if (r < 0)
		return r;
	v->line = p->line;
	v->column = p->column;
	c = peek(p);
	switch (c) {
	case '{':
	case '[':
		if (++p->depth > JSONC_MAX_DEPTH)
			return fail(p, "nesting deeper than %d levels", JSONC_MAX_DEPTH);
		r = c == '{' ? parse_object(p, v) : parse_array(p, v);
		p->depth--;
		return r;
	case '"':
		r = parse_string(p, &v->string);
		/* A string cut short stays null, so a partial tree has no NULL string. */
		if (r == 0)
			v->type = JSONC_STRING;
		return r;
	case '-':
		return parse_number(p, v);
	default:
		if (is_digit(c))
			return parse_number(p, v);
		if (match_word(p, "true")) {
			v->type = JSONC_BOOL;
			v->boolean = true;
			return 0;
		}
		if (match_word(p, "false")) {
			v->type = JSONC_BOOL;
			return 0;
		}
		if (match_word(p, "null")) {
			v->type = JSONC_NULL;
			return 0;
		}
		return fail(p, "expected a value, found %s", describe_here(p, buf));
	}
}

int jsonc_parse(const char *text, size_t len, struct jsonc_value **ret, struct jsonc_error *ret_error)
{
	int r = jsonc_parse_partial(text, len, ret, ret_error);

	if (r < 0)
		*ret = jsonc_free(*ret);
	return r;
}

int jsonc_parse_partial(const char *text, size_t len, struct jsonc_value **ret,
			struct jsonc_error *ret_error)
{
	struct parser p = { .s = text, .len = len, .line = 1, .column = 1, .error = ret_error };
	struct jsonc_value *v;
	char buf[16];
	int r;

	*ret = NULL;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		p.pos = 3;
	r = skip_blanks(&p);
	if (r < 0)
		return r;
	if (p.pos == len)
		return 0;

	v = xcalloc(1, sizeof(*v));
	r = parse_value(&p, v);
	if (r >= 0)
		r = skip_blanks(&p);
	if (r >= 0 && p.pos < len)
		r = fail(&p, "unexpected %s after the top-level value", describe_here(&p, buf));
	*ret = v;
	return r < 0 ? r : 1;
}

/* Free the contents of one value, not the value itself. */
static void value_done(struct jsonc_value *v)
{
	for (size_t i = 0; i < v->n; i++)
		value_done(&v->items[i]);
	free(v->items);
	free(v->string);
	free(v->key);
}

struct jsonc_value *jsonc_free(struct jsonc_value *v)
{
	if (v) {
		value_done(v);
		free(v);
	}
	return NULL;
}

const char *jsonc_type_name(enum jsonc_type t)
{
	switch (t) {
	case JSONC_NULL: return "null";
	case JSONC_BOOL: return "a boolean";
	case JSONC_NUMBER: return "a number";
	case JSONC_STRING: return "a string";
	case JSONC_ARRAY: return "a list";
	case JSONC_OBJECT: return "an object";
	}
	return "a value";
}
