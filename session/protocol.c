/* SPDX-License-Identifier: MIT */
/*
 * session/protocol.c: frame decoding and validation of control payloads.
 *
 * Both ends of the control socket use this file, and the daemon treats
 * every byte it decodes as hostile: a frame that fails here closes that one
 * connection and never touches the session.
 */
#include "session/protocol.h"

#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"

const char *proto_type_to_string(int type)
{
	switch (type) {
	case PROTO_HELLO:
		return "hello";
	case PROTO_INPUT:
		return "input";
	case PROTO_RESIZE:
		return "resize";
	case PROTO_DETACH:
		return "detach";
	case PROTO_COMMAND:
		return "command";
	case PROTO_WELCOME:
		return "welcome";
	case PROTO_OUTPUT:
		return "output";
	case PROTO_EXIT:
		return "exit";
	case PROTO_ERROR:
		return "error";
	case PROTO_REPLY:
		return "reply";
	case PROTO_EVENT:
		return "event";
	case PROTO_DETACHED:
		return "detached";
	default:
		return NULL;
	}
}

int proto_decoder_feed(struct proto_decoder *d, const void *data, size_t n)
{
	size_t pending = d->len - d->off;

	if (pending + n > PROTO_HEADER_SIZE + PROTO_MAX_PAYLOAD + 65536)
		return -EMSGSIZE;

	/* Move the undecoded tail to the front before growing the buffer. */
	if (d->off > 0) {
		memmove(d->buf, d->buf + d->off, pending);
		d->len = pending;
		d->off = 0;
	}
	if (d->len + n > d->cap) {
		d->cap = d->len + n < 4096 ? 4096 : (d->len + n) * 2;
		d->buf = xrealloc(d->buf, d->cap);
	}
	memcpy(d->buf + d->len, data, n);
	d->len += n;
	return 0;
}

static uint32_t read_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int proto_decoder_next(struct proto_decoder *d, struct proto_frame *ret)
{
	const uint8_t *h = d->buf + d->off;
	size_t avail = d->len - d->off;
	uint32_t len;

	if (avail < PROTO_HEADER_SIZE)
		return 0;

	len = read_le32(h);
	if (len > PROTO_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (!proto_type_to_string(h[4]) || h[5] != 0 || h[6] != 0 || h[7] != 0)
		return -EPROTO;
	if (avail < PROTO_HEADER_SIZE + (size_t)len)
		return 0;

	ret->type = h[4];
	ret->flags = h[5];
	ret->payload = h + PROTO_HEADER_SIZE;
	ret->len = len;
	d->off += PROTO_HEADER_SIZE + len;
	return 1;
}

void proto_decoder_done(struct proto_decoder *d)
{
	free(d->buf);
	*d = (struct proto_decoder){0};
}

void proto_header_write(uint8_t hdr[PROTO_HEADER_SIZE], int type, uint32_t len)
{
	hdr[0] = len & 0xff;
	hdr[1] = (len >> 8) & 0xff;
	hdr[2] = (len >> 16) & 0xff;
	hdr[3] = (len >> 24) & 0xff;
	hdr[4] = (uint8_t)type;
	hdr[5] = hdr[6] = hdr[7] = 0;
}

uint8_t *proto_frame_build(int type, const void *payload, size_t len, size_t *ret_size)
{
	uint8_t *f = xmalloc(PROTO_HEADER_SIZE + len);

	proto_header_write(f, type, (uint32_t)len);
	if (len)
		memcpy(f + PROTO_HEADER_SIZE, payload, len);
	*ret_size = PROTO_HEADER_SIZE + len;
	return f;
}

/* Parse a payload that must be one JSON object; returns it (owned) or NULL. */
static json_object *parse_object(const uint8_t *p, size_t n)
{
	json_tokener *tok;
	json_object *o;

	if (n == 0 || n > 65536 || memchr(p, 0, n))
		return NULL;
	tok = json_tokener_new();
	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, (const char *)p, (int)n);
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  tok->char_offset != (int)n || !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* Read an integer member in [min, max]; returns 0 or -EBADMSG. */
static int get_int(json_object *o, const char *key, int min, int max, int *ret)
{
	json_object *v;
	int64_t x;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -EBADMSG;
	x = json_object_get_int64(v);
	if (x < min || x > max)
		return -EBADMSG;
	*ret = (int)x;
	return 0;
}

/* Read an optional boolean member; absent means false. */
static int get_bool(json_object *o, const char *key, bool *ret)
{
	json_object *v;

	*ret = false;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return -EBADMSG;
	*ret = json_object_get_boolean(v);
	return 0;
}

/* A TERM value is short and made of the characters terminfo names use. */
static bool term_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 64)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_") == n;
}

/* Fill the role, size and TERM of a HELLO once its version is known. */
static int hello_fields(json_object *o, struct proto_hello *ret)
{
	json_object *v;
	const char *role;

	if (!json_object_object_get_ex(o, "role", &v) || !json_object_is_type(v, json_type_string))
		return -EBADMSG;
	role = json_object_get_string(v);
	if (strcmp(role, "tty") == 0)
		ret->role = PROTO_ROLE_TTY;
	else if (strcmp(role, "ctl") == 0)
		ret->role = PROTO_ROLE_CTL;
	else
		return -EBADMSG;

	if (get_bool(o, "readonly", &ret->readonly) < 0)
		return -EBADMSG;
	if (ret->role == PROTO_ROLE_CTL)
		return 0;

	if (get_int(o, "rows", 1, PROTO_MAX_ROWS, &ret->rows) < 0 ||
	    get_int(o, "cols", 1, PROTO_MAX_COLS, &ret->cols) < 0)
		return -EBADMSG;
	if (!json_object_object_get_ex(o, "term", &v) || !json_object_is_type(v, json_type_string) ||
	    !term_valid(json_object_get_string(v)))
		return -EBADMSG;
	snprintf(ret->term, sizeof(ret->term), "%s", json_object_get_string(v));
	return 0;
}

int proto_parse_hello(const uint8_t *p, size_t n, struct proto_hello *ret)
{
	json_object *o = parse_object(p, n);
	int r;

	*ret = (struct proto_hello){0};
	if (!o)
		return -EBADMSG;
	r = get_int(o, "proto", 0, 65535, &ret->proto);
	if (r == 0 && ret->proto != PROTO_VERSION)
		r = -EPROTONOSUPPORT;
	if (r == 0)
		r = hello_fields(o, ret);
	json_object_put(o);
	return r;
}

int proto_parse_resize(const uint8_t *p, size_t n, int *ret_rows, int *ret_cols)
{
	json_object *o = parse_object(p, n);
	int rows, cols, r = -EBADMSG;

	if (!o)
		return -EBADMSG;
	if (get_int(o, "rows", 1, PROTO_MAX_ROWS, &rows) == 0 &&
	    get_int(o, "cols", 1, PROTO_MAX_COLS, &cols) == 0) {
		*ret_rows = rows;
		*ret_cols = cols;
		r = 0;
	}
	json_object_put(o);
	return r;
}

static const char *const cmd_names[] = {
	[PROTO_CMD_INFO] = "info",	 [PROTO_CMD_KILL] = "kill",	[PROTO_CMD_CAPTURE] = "capture",
	[PROTO_CMD_SCROLL] = "scroll", [PROTO_CMD_REDRAW] = "redraw",
	[PROTO_CMD_TIMELINE] = "timeline",
};

int proto_parse_command(const uint8_t *p, size_t n, struct proto_command *ret)
{
	json_object *o = parse_object(p, n), *v;
	int r = -EBADMSG;

	if (!o)
		return -EBADMSG;
	*ret = (struct proto_command){0};
	if (json_object_object_get_ex(o, "cmd", &v) && json_object_is_type(v, json_type_string)) {
		for (size_t i = 0; i < ELEMENTSOF(cmd_names); i++) {
			if (strcmp(json_object_get_string(v), cmd_names[i]) == 0) {
				ret->cmd = (enum proto_cmd)i;
				r = 0;
			}
		}
	}
	if (r == 0)
		r = get_bool(o, "scrollback", &ret->scrollback);
	json_object_put(o);
	return r;
}

int proto_parse_exit(const uint8_t *p, size_t n, int *ret_status)
{
	json_object *o = parse_object(p, n);
	int code, sig, r = -EBADMSG;

	if (!o)
		return -EBADMSG;
	if (get_int(o, "code", 0, 255, &code) == 0 && get_int(o, "signal", 0, 64, &sig) == 0) {
		*ret_status = sig ? 128 + sig : code;
		r = 0;
	}
	json_object_put(o);
	return r;
}

int proto_send(int fd, int type, const void *payload, size_t len)
{
	size_t size;
	_cleanup_free_ uint8_t *frame = proto_frame_build(type, payload, len, &size);

	return fd_write_all(fd, frame, size);
}
