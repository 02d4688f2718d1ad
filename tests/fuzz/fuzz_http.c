/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_http.c: the HTTP proxy's request and response parsers,
 * target extraction and body framing, on arbitrary bytes.
 *
 * The first byte picks how the rest is split between the head parser
 * and the body tracker, so chunked coding gets fed in odd pieces too.
 */
#include <stdint.h>
#include <string.h>

#include "proxy/proxy.h"

static void feed_body(struct http_body *b, const char *p, size_t len, size_t step)
{
	while (len > 0 && !b->done) {
		size_t n = len < step ? len : step;
		ssize_t r = http_body_feed(b, p, n);

		if (r < 0 || (size_t)r > n)
			return;
		if (r == 0 && b->kind != HTTP_BODY_NONE)
			return;
		p += r;
		len -= (size_t)r;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_request req;
	static struct http_response resp;
	struct http_target t;
	struct http_body b;
	size_t step;
	const char *p;
	int r;

	if (size < 1)
		return 0;
	step = (size_t)(data[0] % 17) + 1;
	p = (const char *)data + 1;
	size--;

	r = http_parse_request(p, size, &req);
	if (r > 0) {
		http_request_target(&req, &t);
		if (http_request_body(&req, &b) == 0)
			feed_body(&b, p + r, size - (size_t)r, step);
	}
	r = http_parse_response(p, size, &resp);
	if (r > 0 && http_response_body(&resp, data[0] & 1, &b) == 0)
		feed_body(&b, p + r, size - (size_t)r, step);

	memset(&b, 0, sizeof(b));
	b.kind = HTTP_BODY_CHUNKED;
	feed_body(&b, p, size, step);
	return 0;
}
