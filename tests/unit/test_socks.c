/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_socks.c: the SOCKS5 greeting and request parser.
 */
#include <check.h>
#include <string.h>

#include "proxy/proxy.h"

START_TEST(greeting_needs_noauth_offer)
{
	static const uint8_t noauth[] = { 5, 2, 2, 0 }, userpass[] = { 5, 1, 2 };
	bool ok;

	ck_assert_int_eq(socks5_parse_greeting(noauth, sizeof(noauth), &ok), 4);
	ck_assert(ok);
	ck_assert_int_eq(socks5_parse_greeting(userpass, sizeof(userpass), &ok), 3);
	ck_assert(!ok);
	ck_assert_int_eq(socks5_parse_greeting(noauth, 3, &ok), 0);
	ck_assert_int_eq(socks5_parse_greeting((const uint8_t *)"\x04\x01", 2, &ok), -EPROTO);
	ck_assert_int_eq(socks5_parse_greeting((const uint8_t *)"GET ", 4, &ok), -EPROTO);
}
END_TEST

START_TEST(request_parses_each_address_type)
{
	static const uint8_t v4[] = { 5, 1, 0, 1, 127, 0, 0, 1, 0x1f, 0x90 };
	static const uint8_t v6[] = { 5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 22 };
	static const uint8_t name[] = { 5, 1, 0, 3, 6, 'A', '.', 'T', 'e', 's', 't', 1, 187 };
	struct socks5_request req;
	struct domain_host h;

	ck_assert_int_eq(socks5_parse_request(v4, sizeof(v4), &req), (int)sizeof(v4));
	ck_assert_int_eq(req.port, 8080);
	ck_assert_int_eq(socks5_request_host(&req, &h), 0);
	ck_assert_str_eq(h.name, "127.0.0.1");
	ck_assert_int_eq(socks5_parse_request(v6, sizeof(v6), &req), (int)sizeof(v6));
	ck_assert_int_eq(socks5_request_host(&req, &h), 0);
	ck_assert_int_eq(h.kind, DOMAIN_IPV6);
	ck_assert_str_eq(h.name, "::1");
	ck_assert_int_eq(socks5_parse_request(name, sizeof(name), &req), (int)sizeof(name));
	ck_assert_int_eq(socks5_request_host(&req, &h), 0);
	ck_assert_str_eq(h.name, "a.test");
	ck_assert_int_eq(req.port, 443);
	for (size_t n = 0; n < sizeof(name); n++)
		ck_assert_int_eq(socks5_parse_request(name, n, &req), 0);
}
END_TEST

START_TEST(request_rejects_bad_version_and_types)
{
	static const uint8_t bad_version[] = { 4, 1, 0, 1, 1, 2, 3, 4, 0, 80 };
	static const uint8_t bad_reserved[] = { 5, 1, 1, 1, 1, 2, 3, 4, 0, 80 };
	static const uint8_t bad_atyp[] = { 5, 1, 0, 9, 1, 2, 3, 4, 0, 80 };
	static const uint8_t nul_name[] = { 5, 1, 0, 3, 3, 'a', 0, 'b', 0, 80 };
	static const uint8_t mapped[] = { 5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1, 0, 80 };
	struct socks5_request req;
	struct domain_host h;

	ck_assert_int_eq(socks5_parse_request(bad_version, sizeof(bad_version), &req), -EPROTO);
	ck_assert_int_eq(socks5_parse_request(bad_reserved, sizeof(bad_reserved), &req), -EPROTO);
	ck_assert_int_eq(socks5_parse_request(bad_atyp, sizeof(bad_atyp), &req), -EAFNOSUPPORT);
	ck_assert_int_gt(socks5_parse_request(nul_name, sizeof(nul_name), &req), 0);
	ck_assert_int_lt(socks5_request_host(&req, &h), 0);
	/* An IPv4-mapped IPv6 address is judged as the IPv4 address. */
	ck_assert_int_gt(socks5_parse_request(mapped, sizeof(mapped), &req), 0);
	ck_assert_int_eq(socks5_request_host(&req, &h), 0);
	ck_assert_int_eq(h.kind, DOMAIN_IPV4);
	ck_assert_str_eq(h.name, "127.0.0.1");
}
END_TEST

static Suite *socks_suite(void)
{
	Suite *s = suite_create("socks");
	TCase *tc = tcase_create("socks5_parse");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, greeting_needs_noauth_offer);
	tcase_add_test(tc, request_parses_each_address_type);
	tcase_add_test(tc, request_rejects_bad_version_and_types);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(socks_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
