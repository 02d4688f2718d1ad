/* SPDX-License-Identifier: MIT */
/*
 * session/oscscan.c: the incremental OSC 133 / 633 / 7 scanner.
 *
 * Four states: ground, ESC seen, inside an OSC string, ESC seen inside the
 * string.  A string ends with BEL or ST and is dropped on CAN, SUB or an
 * ESC that does not start ST (that ESC then begins a new sequence, as in
 * a VT parser).  Only strings whose number is 7, 133, 633 or fence's own
 * are buffered.  The rest are skipped without copying, so a large OSC 52
 * costs nothing.
 */
#include "session/oscscan.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"

#define BEL 0x07
#define ESC 0x1b
#define CAN 0x18
#define SUB 0x1a

static const char *const wanted_prefixes[] = { "7;", "133;", "633;", OSCSCAN_FENCE_OSC ";" };
/* The longest of wanted_prefixes: past it, a string is known to be wanted. */
#define PREFIX_MAX (sizeof(OSCSCAN_FENCE_OSC ";") - 1)

void oscscan_init(struct oscscan *s, oscscan_callback callback, void *userdata)
{
	*s = (struct oscscan){ .state = OSCSCAN_GROUND, .callback = callback, .userdata = userdata };
}

void oscscan_done(struct oscscan *s)
{
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
	s->state = OSCSCAN_GROUND;
}

/* Whether the first `len` payload bytes can still start a wanted string. */
static bool prefix_wanted(const char *buf, size_t len)
{
	for (size_t i = 0; i < ELEMENTSOF(wanted_prefixes); i++) {
		size_t plen = strlen(wanted_prefixes[i]);
		size_t n = len < plen ? len : plen;

		if (memcmp(buf, wanted_prefixes[i], n) == 0)
			return true;
	}
	return false;
}

static void string_begin(struct oscscan *s)
{
	s->state = OSCSCAN_STRING;
	s->len = 0;
	s->overflow = false;
}

/* Append one payload byte, or mark the string as dropped. */
static void string_append(struct oscscan *s, char c)
{
	if (s->overflow)
		return;
	if (s->len >= OSCSCAN_MAX_STRING) {
		s->overflow = true;
		return;
	}
	if (s->len + 1 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;

		if (cap > OSCSCAN_MAX_STRING + 1)
			cap = OSCSCAN_MAX_STRING + 1;
		s->buf = xrealloc(s->buf, cap);
		s->cap = cap;
	}
	s->buf[s->len++] = c;
	/* Stop collecting as soon as the number is one nobody asked for. */
	if (s->len <= PREFIX_MAX && !prefix_wanted(s->buf, s->len))
		s->overflow = true;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t oscscan_decode_line(const char *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (in[i] == '\\' && i + 1 < len && in[i + 1] == '\\') {
			out[o++] = '\\';
			i++;
		} else if (in[i] == '\\' && i + 3 < len && in[i + 1] == 'x' &&
			   hex_value(in[i + 2]) >= 0 && hex_value(in[i + 3]) >= 0) {
			out[o++] = (char)(hex_value(in[i + 2]) * 16 + hex_value(in[i + 3]));
			i += 3;
		} else {
			out[o++] = in[i];
		}
	}
	out[o] = '\0';
	return o;
}

char *oscscan_encode_field(const char *s)
{
	char *out = xmalloc(strlen(s) * 4 + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else if (*p == ';' || *p < 0x20 || *p == 0x7f) {
			o += sprintf(o, "\\x%02x", *p);
		} else {
			*o++ = (char)*p;
		}
	}
	*o = '\0';
	return out;
}

char *oscscan_veto_mark(const char *line, const char *reason)
{
	_cleanup_free_ char *l = oscscan_encode_field(line);
	_cleanup_free_ char *r = oscscan_encode_field(reason ? reason : "");

	return xasprintf("\x1b]" OSCSCAN_FENCE_OSC ";veto;%s;%s\a", l, r);
}

/* Percent-decode `len` bytes into `out` (len + 1 bytes); returns the length. */
static size_t percent_decode(const char *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (in[i] == '%' && i + 2 < len && hex_value(in[i + 1]) >= 0 &&
		    hex_value(in[i + 2]) >= 0) {
			out[o++] = (char)(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
			i += 2;
		} else {
			out[o++] = in[i];
		}
	}
	out[o] = '\0';
	return o;
}

/* Parse the optional ";N" after 133;D: N in 0..INT_MAX/10, else -1. */
static int parse_status(const char *p, const char *end)
{
	int status = 0;

	if (p >= end || *p != ';')
		return -1;
	p++;
	if (p >= end || *p < '0' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (status > 100000000)
			return -1;
		status = status * 10 + (*p - '0');
	}
	if (p < end && *p != ';')
		return -1;
	return status;
}

static void emit(struct oscscan *s, enum oscscan_type type, int status, const char *text,
		 size_t text_len)
{
	struct oscscan_event ev = {
		.type = type,
		.status = status,
		.text = text,
		.text_len = text_len,
	};

	if (s->callback)
		s->callback(&ev, s->userdata);
}

/* Decode the escaped field at *p up to the next ';' or the end (owned), and move *p past it. */
static char *take_field(const char **p, const char *end, size_t *ret_len)
{
	const char *semi = memchr(*p, ';', (size_t)(end - *p));
	const char *stop = semi ? semi : end;
	char *text = xmalloc((size_t)(stop - *p) + 1);

	*ret_len = oscscan_decode_line(*p, (size_t)(stop - *p), text);
	*p = semi ? semi + 1 : end;
	return text;
}

/*
 * 33623;veto;LINE;REASON[;...]: a hook refused LINE.  Later fields are
 * left for later versions; a mark without a line is ignored.  Both texts
 * end at an encoded NUL.
 */
static void dispatch_fence(struct oscscan *s, const char *p, const char *end)
{
	static const char veto[] = "veto;";
	_cleanup_free_ char *line = NULL, *reason = NULL;
	size_t line_len, reason_len;
	struct oscscan_event ev = { .type = OSCSCAN_VETO, .status = -1 };

	if ((size_t)(end - p) < strlen(veto) || memcmp(p, veto, strlen(veto)) != 0)
		return;
	p += strlen(veto);
	line = take_field(&p, end, &line_len);
	reason = take_field(&p, end, &reason_len);
	/* Text is text: an encoded NUL ends it. */
	line_len = strlen(line);
	reason_len = strlen(reason);
	if (line_len == 0)
		return;
	ev.text = line;
	ev.text_len = line_len;
	ev.detail = reason;
	ev.detail_len = reason_len;
	if (s->callback)
		s->callback(&ev, s->userdata);
}

/* 133;A..D, or the same letters after 633; (VS Code's form). */
static void dispatch_mark(struct oscscan *s, const char *p, const char *end)
{
	enum oscscan_type type;

	if (p >= end || (p + 1 < end && p[1] != ';'))
		return;
	switch (*p) {
	case 'A':
		type = OSCSCAN_PROMPT_START;
		break;
	case 'B':
		type = OSCSCAN_PROMPT_END;
		break;
	case 'C':
		type = OSCSCAN_COMMAND_START;
		break;
	case 'D':
		emit(s, OSCSCAN_COMMAND_END, parse_status(p + 1, end), NULL, 0);
		return;
	default:
		return;
	}
	emit(s, type, -1, NULL, 0);
}

/* 633;E;TEXT[;NONCE]: the escaped command line. */
static void dispatch_line(struct oscscan *s, const char *p, const char *end)
{
	const char *semi;
	_cleanup_free_ char *text = NULL;
	size_t n;

	semi = memchr(p, ';', (size_t)(end - p));
	if (semi)
		end = semi;
	text = xmalloc((size_t)(end - p) + 1);
	n = oscscan_decode_line(p, (size_t)(end - p), text);
	emit(s, OSCSCAN_COMMAND_LINE, -1, text, n);
}

/* 7;file://HOST/PATH: the working directory; other schemes are ignored. */
static void dispatch_cwd(struct oscscan *s, const char *p, const char *end)
{
	static const char scheme[] = "file://";
	const char *path;
	_cleanup_free_ char *text = NULL;
	size_t n;

	if ((size_t)(end - p) < strlen(scheme) || memcmp(p, scheme, strlen(scheme)) != 0)
		return;
	p += strlen(scheme);
	path = memchr(p, '/', (size_t)(end - p));
	if (!path)
		return;
	text = xmalloc((size_t)(end - path) + 1);
	n = percent_decode(path, (size_t)(end - path), text);
	/* A path with a NUL in it cannot be a real directory. */
	if (strlen(text) != n)
		return;
	emit(s, OSCSCAN_CWD, -1, text, n);
}

static void string_end(struct oscscan *s)
{
	const char *p = s->buf, *end = s->buf + s->len;

	s->state = OSCSCAN_GROUND;
	if (s->overflow || s->len == 0)
		return;
	if (s->len >= 4 && memcmp(p, "133;", 4) == 0) {
		dispatch_mark(s, p + 4, end);
	} else if (s->len >= 4 && memcmp(p, "633;", 4) == 0) {
		if (s->len >= 6 && memcmp(p + 4, "E;", 2) == 0)
			dispatch_line(s, p + 6, end);
		else
			dispatch_mark(s, p + 4, end);
	} else if (s->len >= 2 && memcmp(p, "7;", 2) == 0) {
		dispatch_cwd(s, p + 2, end);
	} else if (s->len >= PREFIX_MAX && memcmp(p, OSCSCAN_FENCE_OSC ";", PREFIX_MAX) == 0) {
		dispatch_fence(s, p + PREFIX_MAX, end);
	}
}

/* One byte after an ESC outside a string. */
static void after_escape(struct oscscan *s, unsigned char c)
{
	if (c == ']')
		string_begin(s);
	else if (c == ESC)
		s->state = OSCSCAN_ESC;
	else
		s->state = OSCSCAN_GROUND;
}

void oscscan_feed(struct oscscan *s, const void *data, size_t len)
{
	const unsigned char *p = data, *end = p + len;

	while (p < end) {
		unsigned char c;

		if (s->state == OSCSCAN_GROUND) {
			const unsigned char *esc = memchr(p, ESC, (size_t)(end - p));

			if (!esc)
				return;
			p = esc + 1;
			s->state = OSCSCAN_ESC;
			continue;
		}
		c = *p++;
		switch (s->state) {
		case OSCSCAN_ESC:
			after_escape(s, c);
			break;
		case OSCSCAN_STRING:
			if (c == BEL)
				string_end(s);
			else if (c == ESC)
				s->state = OSCSCAN_STRING_ESC;
			else if (c == CAN || c == SUB)
				s->state = OSCSCAN_GROUND;
			else
				string_append(s, (char)c);
			break;
		case OSCSCAN_STRING_ESC:
			if (c == '\\')
				string_end(s);
			else
				after_escape(s, c); /* the string is dropped */
			break;
		case OSCSCAN_GROUND:
			break;
		}
	}
}
