/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_http_parse.c: the HTTP proxy's request and response
 * parser, target extraction and body framing.
 */
#include <check.h>
#include <string.h>

#include "proxy/proxy.h"

static int parse(const char *text, struct http_request *req)
{
	return http_parse_request(text, strlen(text), req);
}

/* Parse a complete head and extract its target; returns the target result. */
static int target_of(const char *text, struct http_target *t)
{
	struct http_request req;

	ck_assert_int_gt(parse(text, &req), 0);
	return http_request_target(&req, t);
}

START_TEST(request_head_parses_fields)
{
	static const char text[] = "GET http://a.test/x HTTP/1.1\r\nHost: a.test\r\nX-A:  b c \r\n\r\nBODY";
	struct http_request req;

	ck_assert_int_eq(parse(text, &req), (int)strlen(text) - 4);
	ck_assert_int_eq((int)req.method_len, 3);
	ck_assert_int_eq(req.version_minor, 1);
	ck_assert_uint_eq(req.n_headers, 2);
	ck_assert_int_eq((int)req.headers[1].value_len, 3);
	ck_assert(strncmp(req.headers[1].value, "b c", 3) == 0);
}
END_TEST

START_TEST(request_head_needs_more_bytes)
{
	struct http_request req;

	ck_assert_int_eq(parse("GET http://a.test/ HTTP/1.1\r\nHost: a", &req), 0);
	ck_assert_int_eq(parse("", &req), 0);
}
END_TEST

START_TEST(request_head_rejects_malformed_input)
{
	static const char *const bad[] = {
		"GET http://a.test/ HTTP/1.1\n\n\r\n\r\n",
		"GET http://a.test/ HTTP/2.0\r\n\r\n",
		"GET  http://a.test/ HTTP/1.1\r\n\r\n",
		"GET http://a.test/ HTTP/1.1\r\nNo colon\r\n\r\n",
		"GET http://a.test/ HTTP/1.1\r\nName : v\r\n\r\n",
		"GET http://a.test/ HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
		"GET http://a.test/ HTTP/1.1\r\nA: b\nB: c\r\n\r\n",
		"G(T http://a.test/ HTTP/1.1\r\n\r\n",
		"GET http://a.test/ HTTP/1.1\rX\r\n\r\n",
	};
	struct http_request req;

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_msg(parse(bad[i], &req) < 0, "accepted: %s", bad[i]);
}
END_TEST

START_TEST(request_head_over_limit_is_too_big)
{
	size_t n = HTTP_REQUEST_HEAD_MAX + 10;
	char *big = xmalloc(n + 1);
	struct http_request req;

	memcpy(big, "GET http://a.test/ HTTP/1.1\r\nX: ", 32);
	memset(big + 32, 'a', n - 32);
	big[n] = '\0';
	ck_assert_int_eq(http_parse_request(big, n, &req), -E2BIG);
	free(big);
}
END_TEST

START_TEST(target_connect_and_host_agreement)
{
	struct http_target t;

	ck_assert_int_eq(target_of("CONNECT Example.COM:8443 HTTP/1.1\r\nHost: example.com:8443\r\n\r\n", &t), 0);
	ck_assert(t.connect);
	ck_assert_str_eq(t.host.name, "example.com");
	ck_assert_int_eq(t.port, 8443);
	ck_assert_int_eq(target_of("CONNECT a.test HTTP/1.1\r\n\r\n", &t), 0);
	ck_assert_int_eq(t.port, 443);
	ck_assert_int_eq(target_of("CONNECT a.test:443 HTTP/1.1\r\nHost: a.test\r\n\r\n", &t), 0);
	ck_assert_int_lt(target_of("CONNECT a.test:443 HTTP/1.1\r\nHost: b.test:443\r\n\r\n", &t), 0);
	ck_assert_int_lt(target_of("CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:444\r\n\r\n", &t), 0);
	ck_assert_int_lt(target_of("CONNECT a.test:443 HTTP/1.1\r\nHost: a.test\r\nHost: a.test\r\n\r\n", &t), 0);
	ck_assert_int_lt(target_of("CONNECT a.test:0 HTTP/1.1\r\n\r\n", &t), 0);
	ck_assert_int_lt(target_of("CONNECT a.test:70000 HTTP/1.1\r\n\r\n", &t), 0);
	ck_assert_int_lt(target_of("CONNECT :443 HTTP/1.1\r\n\r\n", &t), 0);
	ck_assert_int_eq(target_of("CONNECT [::1]:22 HTTP/1.1\r\n\r\n", &t), 0);
	ck_assert_int_eq(t.host.kind, DOMAIN_IPV6);
	ck_assert_int_eq(t.port, 22);
}
END_TEST

START_TEST(target_absolute_uri_and_userinfo)
{
	struct http_target t;

	ck_assert_int_eq(target_of("GET http://u:p@allowed.test@real.test:81/p?q HTTP/1.1\r\n\r\n", &t), 0);
	ck_assert_str_eq(t.host.name, "real.test");
	ck_assert_int_eq(t.port, 81);
	ck_assert_int_eq((int)t.path_len, 4);
	ck_assert_int_eq(target_of("GET HTTP://a.test HTTP/1.1\r\n\r\n", &t), 0);
	ck_assert_int_eq(t.port, 80);
	ck_assert_int_eq((int)t.path_len, 0);
	ck_assert_int_eq(target_of("GET https://a.test/ HTTP/1.1\r\n\r\n", &t), 0);
	ck_assert(t.https);
	ck_assert_int_eq(t.port, 443);
	ck_assert_int_eq(target_of("GET http://a.test#@b.test/ HTTP/1.1\r\n\r\n", &t), 0);
	ck_assert_str_eq(t.host.name, "a.test");
	ck_assert_int_lt(target_of("GET /relative HTTP/1.1\r\nHost: a.test\r\n\r\n", &t), 0);
	ck_assert_int_lt(target_of("GET http:///x HTTP/1.1\r\n\r\n", &t), 0);
	ck_assert_int_lt(target_of("GET ftp://a.test/ HTTP/1.1\r\n\r\n", &t), 0);
	ck_assert_int_lt(target_of("GET http://a.test:/ HTTP/1.1\r\n\r\n", &t), 0);
}
END_TEST

/* Feed text to a body in pieces of step bytes; returns bytes consumed. */
static ssize_t feed_in_steps(struct http_body *b, const char *text, size_t step)
{
	size_t len = strlen(text), off = 0;

	while (off < len && !b->done) {
		size_t n = len - off < step ? len - off : step;
		ssize_t r = http_body_feed(b, text + off, n);

		if (r < 0)
			return r;
		off += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	return (ssize_t)off;
}

START_TEST(chunked_body_ends_exactly_in_any_split)
{
	static const char body[] = "4;ext=1\r\nwiki\r\n5\r\npedia\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n";
	char text[sizeof(body) + 16];

	snprintf(text, sizeof(text), "%sGET next", body);
	for (size_t step = 1; step < sizeof(text); step++) {
		struct http_body b = { .kind = HTTP_BODY_CHUNKED };

		ck_assert_int_eq(feed_in_steps(&b, text, step), (ssize_t)strlen(body));
		ck_assert(b.done);
	}
}
END_TEST

START_TEST(chunked_body_rejects_bad_coding)
{
	static const char *const bad[] = {
		"x\r\n", "4\r\nwikiXX", "4\n", "\r\n", "ffffffffffffffffff\r\n",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct http_body b = { .kind = HTTP_BODY_CHUNKED };

		ck_assert_msg(http_body_feed(&b, bad[i], strlen(bad[i])) < 0, "accepted: %s", bad[i]);
	}
}
END_TEST

START_TEST(framing_rejects_ambiguous_headers)
{
	static const char *const bad[] = {
		"POST http://a.test/ HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
		"POST http://a.test/ HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
		"POST http://a.test/ HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
		"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
	};
	struct http_request req;
	struct http_body b;

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		ck_assert_int_gt(parse(bad[i], &req), 0);
		ck_assert_msg(http_request_body(&req, &b) < 0, "accepted: %s", bad[i]);
	}
	ck_assert_int_gt(parse("POST http://a.test/ HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", &req), 0);
	ck_assert_int_eq(http_request_body(&req, &b), 0);
	ck_assert_int_eq(b.kind, HTTP_BODY_LENGTH);
	ck_assert_int_eq(http_body_feed(&b, "abcdef", 6), 3);
	ck_assert(b.done);
}
END_TEST

START_TEST(response_framing_follows_status_and_method)
{
	static const char no_length[] = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n";
	static const char not_modified[] = "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n";
	struct http_response resp;
	struct http_body b;

	ck_assert_int_gt(http_parse_response(no_length, strlen(no_length), &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_int_eq(http_response_body(&resp, false, &b), 0);
	ck_assert_int_eq(b.kind, HTTP_BODY_UNTIL_CLOSE);
	ck_assert_int_eq(http_response_body(&resp, true, &b), 0);
	ck_assert_int_eq(b.kind, HTTP_BODY_NONE);
	ck_assert_int_gt(http_parse_response(not_modified, strlen(not_modified), &resp), 0);
	ck_assert_int_eq(http_response_body(&resp, false, &b), 0);
	ck_assert(b.done);
	ck_assert_int_lt(http_parse_response("HTTP/1.1 2x0 OK\r\n\r\n", 19, &resp), 0);
	ck_assert_int_gt(http_parse_response("HTTP/1.0 204\r\n\r\n", 16, &resp), 0);
}
END_TEST

START_TEST(token_lists_match_whole_tokens)
{
	ck_assert(http_value_has_token("keep-alive, Close", 17, "close"));
	ck_assert(!http_value_has_token("closed", 6, "close"));
	ck_assert(!http_value_has_token("", 0, "close"));
}
END_TEST

static Suite *http_parse_suite(void)
{
	Suite *s = suite_create("http_parse");
	TCase *tc = tcase_create("http_parse_request");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, request_head_parses_fields);
	tcase_add_test(tc, request_head_needs_more_bytes);
	tcase_add_test(tc, request_head_rejects_malformed_input);
	tcase_add_test(tc, request_head_over_limit_is_too_big);
	suite_add_tcase(s, tc);

	tc = tcase_create("http_request_target");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, target_connect_and_host_agreement);
	tcase_add_test(tc, target_absolute_uri_and_userinfo);
	suite_add_tcase(s, tc);

	tc = tcase_create("http_body_feed");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, chunked_body_ends_exactly_in_any_split);
	tcase_add_test(tc, chunked_body_rejects_bad_coding);
	tcase_add_test(tc, framing_rejects_ambiguous_headers);
	tcase_add_test(tc, response_framing_follows_status_and_method);
	tcase_add_test(tc, token_lists_match_whole_tokens);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(http_parse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
