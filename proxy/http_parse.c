/* SPDX-License-Identifier: MIT */
/*
 * proxy/http_parse.c: a strict HTTP/1.x message head parser and body
 * framing tracker, without sockets, so that unit tests and the fuzzer
 * drive exactly the code the proxy runs.
 *
 * Strict on purpose: the proxy and the origin server must agree on where
 * each message ends, so anything two parsers could read differently
 * (bare LF, folded headers, both Content-Length and Transfer-Encoding)
 * is rejected instead of guessed.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "proxy/proxy.h"

/* RFC 9110 token characters, for methods and header names. */
static bool tchar(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Find the end of the head ("\r\n\r\n"); returns its length or 0. */
static size_t head_length(const char *buf, size_t len)
{
	for (size_t i = 3; i < len; i++)
		if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r')
			return i + 1;
	return 0;
}

/* Parse "HTTP/1.x" at p; returns the minor version or -EBADMSG. */
static int parse_version(const char *p, size_t len)
{
	if (len != 8 || memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1'))
		return -EBADMSG;
	return p[7] - '0';
}

/* Parse the header lines between p and end (each ending in CRLF). */
static int parse_headers(const char *p, const char *end, struct http_header *headers,
			 size_t *ret_n)
{
	size_t n = 0;

	while (p < end) {
		const char *eol = memchr(p, '\r', (size_t)(end - p));
		const char *colon, *v, *ve;

		if (!eol || eol + 1 >= end || eol[1] != '\n')
			return -EBADMSG;
		if (eol == p)
			break; /* the empty line that ends the head */
		if (n == HTTP_MAX_HEADERS)
			return -E2BIG;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon || colon == p)
			return -EBADMSG;
		for (const char *c = p; c < colon; c++)
			if (!tchar((unsigned char)*c))
				return -EBADMSG; /* also rejects obs-fold and "Name :" */
		v = colon + 1;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		ve = eol;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		for (const char *c = v; c < ve; c++)
			if ((unsigned char)*c < 0x20 && *c != '\t')
				return -EBADMSG;
		headers[n++] = (struct http_header){ p, (size_t)(colon - p), v, (size_t)(ve - v) };
		p = eol + 2;
	}
	*ret_n = n;
	return 0;
}

int http_parse_request(const char *buf, size_t len, struct http_request *req)
{
	size_t head = head_length(buf, len < HTTP_REQUEST_HEAD_MAX ? len : HTTP_REQUEST_HEAD_MAX);
	const char *p = buf, *sp1, *sp2, *eol;
	int r;

	memset(req, 0, sizeof(*req));
	if (head == 0)
		return len >= HTTP_REQUEST_HEAD_MAX ? -E2BIG : 0;
	eol = memchr(p, '\r', head);
	if (eol[1] != '\n')
		return -EBADMSG;
	sp1 = memchr(p, ' ', (size_t)(eol - p));
	if (!sp1 || sp1 == p)
		return -EBADMSG;
	for (const char *c = p; c < sp1; c++)
		if (!tchar((unsigned char)*c))
			return -EBADMSG;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (!sp2 || sp2 == sp1 + 1)
		return -EBADMSG;
	for (const char *c = sp1 + 1; c < sp2; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
			return -EBADMSG;
	r = parse_version(sp2 + 1, (size_t)(eol - sp2 - 1));
	if (r < 0)
		return r;
	req->method = p;
	req->method_len = (size_t)(sp1 - p);
	req->target = sp1 + 1;
	req->target_len = (size_t)(sp2 - sp1 - 1);
	req->version_minor = r;
	r = parse_headers(eol + 2, buf + head, req->headers, &req->n_headers);
	if (r < 0)
		return r;
	req->head_len = head;
	return (int)head;
}

int http_parse_response(const char *buf, size_t len, struct http_response *resp)
{
	size_t head = head_length(buf, len < HTTP_RESPONSE_HEAD_MAX ? len : HTTP_RESPONSE_HEAD_MAX);
	const char *eol;
	int r;

	memset(resp, 0, sizeof(*resp));
	if (head == 0)
		return len >= HTTP_RESPONSE_HEAD_MAX ? -E2BIG : 0;
	eol = memchr(buf, '\r', head);
	if (eol[1] != '\n' || eol - buf < 12 || buf[8] != ' ')
		return -EBADMSG;
	r = parse_version(buf, 8);
	if (r < 0)
		return r;
	resp->version_minor = r;
	for (int i = 9; i < 12; i++) {
		if (!isdigit((unsigned char)buf[i]))
			return -EBADMSG;
		resp->status = resp->status * 10 + (buf[i] - '0');
	}
	if (eol - buf > 12 && buf[12] != ' ')
		return -EBADMSG;
	r = parse_headers(eol + 2, buf + head, resp->headers, &resp->n_headers);
	if (r < 0)
		return r;
	resp->head_len = head;
	return (int)head;
}

bool http_header_is(const struct http_header *h, const char *name)
{
	return h->name_len == strlen(name) && strncasecmp(h->name, name, h->name_len) == 0;
}

/* Whether a comma-separated header value lists token (case-insensitive). */
bool http_value_has_token(const char *v, size_t len, const char *token)
{
	size_t tl = strlen(token);
	size_t i = 0;

	while (i < len) {
		size_t s, e;

		while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < len && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tl && strncasecmp(v + s, token, tl) == 0)
			return true;
	}
	return false;
}

/* Parse a Content-Length value: digits only, at most 18 of them. */
static int parse_length(const char *v, size_t len, uint64_t *ret)
{
	uint64_t n = 0;

	if (len == 0 || len > 18)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)v[i]))
			return -EBADMSG;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	*ret = n;
	return 0;
}

/*
 * Framing from the headers: chunked, a length, or neither.  Both at once,
 * two different lengths or a coding other than plain "chunked" are
 * rejected, because a server could frame such a message differently.
 */
static int body_from_headers(const struct http_header *headers, size_t n, struct http_body *ret)
{
	bool has_length = false, chunked = false;
	uint64_t length = 0;

	for (size_t i = 0; i < n; i++) {
		const struct http_header *h = &headers[i];
		uint64_t l;

		if (http_header_is(h, "Transfer-Encoding")) {
			if (chunked || h->value_len != 7 || strncasecmp(h->value, "chunked", 7) != 0)
				return -EBADMSG;
			chunked = true;
		} else if (http_header_is(h, "Content-Length")) {
			if (parse_length(h->value, h->value_len, &l) < 0)
				return -EBADMSG;
			if (has_length && l != length)
				return -EBADMSG;
			has_length = true;
			length = l;
		}
	}
	if (chunked && has_length)
		return -EBADMSG;
	memset(ret, 0, sizeof(*ret));
	if (chunked)
		ret->kind = HTTP_BODY_CHUNKED;
	else if (has_length && length > 0)
		ret->kind = HTTP_BODY_LENGTH;
	else
		ret->kind = HTTP_BODY_NONE;
	ret->remaining = length;
	ret->done = ret->kind == HTTP_BODY_NONE;
	return 0;
}

int http_request_body(const struct http_request *req, struct http_body *ret)
{
	return body_from_headers(req->headers, req->n_headers, ret);
}

int http_response_body(const struct http_response *resp, bool head_request, struct http_body *ret)
{
	int r = body_from_headers(resp->headers, resp->n_headers, ret);

	if (r < 0)
		return r;
	if (head_request || resp->status / 100 == 1 || resp->status == 204 || resp->status == 304) {
		memset(ret, 0, sizeof(*ret));
		ret->kind = HTTP_BODY_NONE;
		ret->done = true;
		return 0;
	}
	if (ret->kind == HTTP_BODY_NONE && !http_find_header(resp->headers, resp->n_headers,
							       "Content-Length")) {
		ret->kind = HTTP_BODY_UNTIL_CLOSE;
		ret->done = false;
	}
	return 0;
}

const struct http_header *http_find_header(const struct http_header *headers, size_t n,
					   const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (http_header_is(&headers[i], name))
			return &headers[i];
	return NULL;
}

enum {
	CH_SIZE,
	CH_EXT,
	CH_SIZE_LF,
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	CH_TRAILER_START,
	CH_TRAILER_LINE,
	CH_TRAILER_LF,
	CH_FINAL_LF,
};

/* Step the chunked-coding state machine over one byte. */
static int chunked_byte(struct http_body *b, unsigned char c)
{
	switch (b->state) {
	case CH_SIZE:
		if (isxdigit(c)) {
			if (b->digits++ >= 15)
				return -EBADMSG;
			b->remaining = b->remaining * 16 +
				       (uint64_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
			return 0;
		}
		if (b->digits == 0)
			return -EBADMSG;
		if (c == ';' || c == ' ' || c == '\t') {
			b->state = CH_EXT;
			return 0;
		}
		if (c != '\r')
			return -EBADMSG;
		b->state = CH_SIZE_LF;
		return 0;
	case CH_EXT:
		if (c == '\r')
			b->state = CH_SIZE_LF;
		else if (c == '\n' || (c < 0x20 && c != '\t'))
			return -EBADMSG;
		return 0;
	case CH_SIZE_LF:
		if (c != '\n')
			return -EBADMSG;
		b->digits = 0;
		b->state = b->remaining ? CH_DATA : CH_TRAILER_START;
		return 0;
	case CH_DATA_CR:
		if (c != '\r')
			return -EBADMSG;
		b->state = CH_DATA_LF;
		return 0;
	case CH_DATA_LF:
		if (c != '\n')
			return -EBADMSG;
		b->state = CH_SIZE;
		return 0;
	case CH_TRAILER_START:
		b->state = c == '\r' ? CH_FINAL_LF : CH_TRAILER_LINE;
		return c == '\n' ? -EBADMSG : 0;
	case CH_TRAILER_LINE:
		if (c == '\r')
			b->state = CH_TRAILER_LF;
		else if (c == '\n')
			return -EBADMSG;
		return 0;
	case CH_TRAILER_LF:
		if (c != '\n')
			return -EBADMSG;
		b->state = CH_TRAILER_START;
		return 0;
	case CH_FINAL_LF:
		if (c != '\n')
			return -EBADMSG;
		b->done = true;
		return 0;
	}
	return -EBADMSG;
}

/* Consume chunked body bytes; data runs are skipped in one step. */
static ssize_t chunked_feed(struct http_body *b, const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len && !b->done) {
		if (b->state == CH_DATA) {
			size_t take = len - i;

			if (take > b->remaining)
				take = (size_t)b->remaining;
			b->remaining -= take;
			i += take;
			if (b->remaining == 0)
				b->state = CH_DATA_CR;
			continue;
		}
		if (chunked_byte(b, (unsigned char)buf[i]) < 0)
			return -EBADMSG;
		i++;
	}
	return (ssize_t)i;
}

ssize_t http_body_feed(struct http_body *b, const char *buf, size_t len)
{
	size_t take;

	if (b->done)
		return 0;
	switch (b->kind) {
	case HTTP_BODY_NONE:
		b->done = true;
		return 0;
	case HTTP_BODY_LENGTH:
		take = len < b->remaining ? len : (size_t)b->remaining;
		b->remaining -= take;
		b->done = b->remaining == 0;
		return (ssize_t)take;
	case HTTP_BODY_CHUNKED:
		return chunked_feed(b, buf, len);
	case HTTP_BODY_UNTIL_CLOSE:
		return (ssize_t)len;
	}
	return -EBADMSG;
}

/* Split "host[:port]" or "[v6][:port]" into a normalized host and port. */
int http_parse_authority(const char *s, size_t len, int default_port, struct domain_host *ret_host,
			 int *ret_port)
{
	const char *colon = NULL;
	size_t host_len = len;
	int port = default_port;

	if (len == 0)
		return -EBADMSG;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (!close)
			return -EBADMSG;
		host_len = (size_t)(close - s) + 1;
		if (host_len < len) {
			if (close[1] != ':')
				return -EBADMSG;
			colon = close + 1;
		}
	} else {
		colon = memchr(s, ':', len);
		if (colon)
			host_len = (size_t)(colon - s);
	}
	if (colon) {
		size_t plen = len - (size_t)(colon + 1 - s);

		port = 0;
		if (plen == 0 || plen > 5)
			return -EBADMSG;
		for (size_t i = 0; i < plen; i++) {
			if (!isdigit((unsigned char)colon[1 + i]))
				return -EBADMSG;
			port = port * 10 + (colon[1 + i] - '0');
		}
		if (port < 1 || port > 65535)
			return -EBADMSG;
	}
	if (domain_host_parse(s, host_len, ret_host) < 0)
		return -EBADMSG;
	*ret_port = port;
	return 0;
}

/* Parse the absolute-form target "http://[userinfo@]authority[/path]". */
static int parse_absolute(const char *t, size_t len, struct http_target *ret)
{
	const char *auth, *end, *at;
	size_t scheme_len;

	if (len > 7 && strncasecmp(t, "http://", 7) == 0) {
		scheme_len = 7;
		ret->default_port = 80;
	} else if (len > 8 && strncasecmp(t, "https://", 8) == 0) {
		scheme_len = 8;
		ret->default_port = 443;
		ret->https = true;
	} else {
		return -EBADMSG;
	}
	auth = t + scheme_len;
	end = auth;
	while (end < t + len && *end != '/' && *end != '?' && *end != '#')
		end++;
	/* The host follows the last '@': "http://allowed@blocked/" is blocked. */
	at = NULL;
	for (const char *c = auth; c < end; c++)
		if (*c == '@')
			at = c;
	if (at)
		auth = at + 1;
	if (http_parse_authority(auth, (size_t)(end - auth), ret->default_port, &ret->host,
				 &ret->port) < 0)
		return -EBADMSG;
	ret->authority = auth;
	ret->authority_len = (size_t)(end - auth);
	ret->path = end;
	ret->path_len = (size_t)(t + len - end);
	return 0;
}

int http_request_target(const struct http_request *req, struct http_target *ret)
{
	const struct http_header *host = NULL;
	int r;

	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < req->n_headers; i++) {
		if (!http_header_is(&req->headers[i], "Host"))
			continue;
		if (host)
			return -EBADMSG; /* two Host headers */
		host = &req->headers[i];
	}
	ret->connect = req->method_len == 7 && memcmp(req->method, "CONNECT", 7) == 0;
	if (!ret->connect)
		return parse_absolute(req->target, req->target_len, ret);

	ret->default_port = 443;
	r = http_parse_authority(req->target, req->target_len, 443, &ret->host, &ret->port);
	if (r < 0)
		return r;
	ret->authority = req->target;
	ret->authority_len = req->target_len;
	if (host) {
		struct domain_host h;
		int port;

		/* A Host naming another server than the CONNECT target is a
		 * confused or hostile client; a Host without a port is fine. */
		if (http_parse_authority(host->value, host->value_len, ret->port, &h, &port) < 0)
			return -EBADMSG;
		if (h.kind != ret->host.kind || strcmp(h.name, ret->host.name) != 0 ||
		    port != ret->port)
			return -EBADMSG;
	}
	return 0;
}
