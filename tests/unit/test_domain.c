/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_domain.c: the network filter's pattern parser and matcher.
 */
#include <check.h>
#include <string.h>

#include "policy/policy.h"

/* Build a filter from two NULL-terminated lists. */
static void filter_from(struct domain_filter *f, const char *const *allow, const char *const *deny)
{
	struct strv a = { 0 }, d = { 0 };
	char *err = NULL;

	for (; allow && *allow; allow++)
		strv_push(&a, *allow);
	for (; deny && *deny; deny++)
		strv_push(&d, *deny);
	ck_assert_int_eq(domain_filter_init(f, &a, &d, &err), 0);
	strv_done(&a);
	strv_done(&d);
}

/* The verdict for host:port, or -1 when the host does not parse. */
static int check_host(const struct domain_filter *f, const char *host, int port)
{
	struct domain_host h;

	if (domain_host_parse(host, strlen(host), &h) < 0)
		return -1;
	return (int)domain_filter_check(f, &h, port, NULL);
}

static bool pattern_valid(const char *text)
{
	struct domain_pattern p;
	char *err = NULL;
	int r = domain_pattern_parse(text, &p, &err);

	if (r == 0)
		domain_pattern_done(&p);
	else
		ck_assert_ptr_nonnull(strstr(err, text));
	free(err);
	return r == 0;
}

START_TEST(pattern_accepts_documented_forms)
{
	static const char *const ok[] = {
		"example.com", "localhost", "*", "*.example.com", "127.0.0.1",
		"::1", "[::1]", "[::1]:8080", "*.example.com:443", "*:443",
		"example.com.", "EXAMPLE.COM", "a-b_c.example.org", "2130706433",
	};
	for (size_t i = 0; i < ELEMENTSOF(ok); i++)
		ck_assert_msg(pattern_valid(ok[i]), "%s should be valid", ok[i]);
}
END_TEST

START_TEST(pattern_rejects_malformed_forms)
{
	static const char *const bad[] = {
		"", "http://example.com", "example.com/path", "*.com", "ex*ample.com",
		"*example.com", ".example.com", "example", "example..com", "example.com:0",
		"example.com:65536", "example.com:http", "[::1", "[::1]x", "*.", "**.example.com",
		"exa mple.com", "example.com..", "[zz::1]", "*.*.example.com",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_msg(!pattern_valid(bad[i]), "%s should be invalid", bad[i]);
}
END_TEST

START_TEST(wildcard_matches_subdomains_not_apex)
{
	static const char *const allow[] = { "*.example.com", NULL };
	struct domain_filter f;

	filter_from(&f, allow, NULL);
	ck_assert_int_eq(check_host(&f, "api.example.com", 443), DOMAIN_ALLOWED);
	ck_assert_int_eq(check_host(&f, "a.b.example.com", 443), DOMAIN_ALLOWED);
	ck_assert_int_eq(check_host(&f, "example.com", 443), DOMAIN_NOT_ALLOWED);
	ck_assert_int_eq(check_host(&f, "badexample.com", 443), DOMAIN_NOT_ALLOWED);
	ck_assert_int_eq(check_host(&f, "example.com.evil.net", 443), DOMAIN_NOT_ALLOWED);
	domain_filter_done(&f);
}
END_TEST

START_TEST(names_match_case_insensitively_with_trailing_dot)
{
	static const char *const allow[] = { "Example.COM", NULL };
	struct domain_filter f;

	filter_from(&f, allow, NULL);
	ck_assert_int_eq(check_host(&f, "example.com", 80), DOMAIN_ALLOWED);
	ck_assert_int_eq(check_host(&f, "EXAMPLE.com.", 80), DOMAIN_ALLOWED);
	ck_assert_int_eq(check_host(&f, "example.com..", 80), -1);
	ck_assert_int_eq(check_host(&f, "www.example.com", 80), DOMAIN_NOT_ALLOWED);
	domain_filter_done(&f);
}
END_TEST

START_TEST(deny_wins_over_allow)
{
	static const char *const allow[] = { "*", NULL };
	static const char *const deny[] = { "*.sentry.io", "169.254.169.254", NULL };
	struct domain_filter f;
	struct domain_host h;
	const char *rule = NULL;

	filter_from(&f, allow, deny);
	ck_assert_int_eq(check_host(&f, "o1.ingest.sentry.io", 443), DOMAIN_DENIED);
	ck_assert_int_eq(check_host(&f, "sentry.io", 443), DOMAIN_ALLOWED);
	ck_assert_int_eq(check_host(&f, "anything.test", 80), DOMAIN_ALLOWED);
	ck_assert_int_eq(domain_host_parse("0xa9.254.43518", 14, &h), 0);
	ck_assert_int_eq(domain_filter_check(&f, &h, 80, &rule), DOMAIN_DENIED);
	ck_assert_str_eq(rule, "169.254.169.254");
	domain_filter_done(&f);
}
END_TEST

START_TEST(ipv4_spellings_compare_as_addresses)
{
	static const char *const deny[] = { "127.0.0.1", NULL };
	static const char *const allow[] = { "*", NULL };
	static const char *const spellings[] = {
		"127.0.0.1", "127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1",
		"::ffff:127.0.0.1", "[::ffff:7f00:1]", "127.0.0.1.",
	};
	struct domain_filter f;

	filter_from(&f, allow, deny);
	for (size_t i = 0; i < ELEMENTSOF(spellings); i++)
		ck_assert_msg(check_host(&f, spellings[i], 80) == DOMAIN_DENIED,
			      "%s escaped the deny rule", spellings[i]);
	ck_assert_int_eq(check_host(&f, "127.0.0.2", 80), DOMAIN_ALLOWED);
	domain_filter_done(&f);
}
END_TEST

START_TEST(ipv6_spellings_compare_as_addresses)
{
	static const char *const allow[] = { "[::1]", "2001:db8::1", NULL };
	struct domain_filter f;

	filter_from(&f, allow, NULL);
	ck_assert_int_eq(check_host(&f, "::1", 80), DOMAIN_ALLOWED);
	ck_assert_int_eq(check_host(&f, "[0:0:0:0:0:0:0:1]", 80), DOMAIN_ALLOWED);
	ck_assert_int_eq(check_host(&f, "[2001:DB8:0::1]", 80), DOMAIN_ALLOWED);
	ck_assert_int_eq(check_host(&f, "::2", 80), DOMAIN_NOT_ALLOWED);
	ck_assert_int_eq(check_host(&f, "127.0.0.1", 80), DOMAIN_NOT_ALLOWED);
	ck_assert_int_eq(check_host(&f, "[::1%lo]", 80), -1);
	domain_filter_done(&f);
}
END_TEST

START_TEST(ip_literals_match_only_ip_entries)
{
	static const char *const allow[] = { "localhost", "*.0.0.1", NULL };
	struct domain_filter f;
	char *err = NULL;
	struct domain_pattern p;

	/* "*.0.0.1" has two labels after '*.', so it parses as a wildcard... */
	ck_assert_int_eq(domain_pattern_parse("*.0.0.1", &p, &err), 0);
	domain_pattern_done(&p);
	filter_from(&f, allow, NULL);
	/* ...but a wildcard never matches an IP literal. */
	ck_assert_int_eq(check_host(&f, "127.0.0.1", 80), DOMAIN_NOT_ALLOWED);
	ck_assert_int_eq(check_host(&f, "localhost", 80), DOMAIN_ALLOWED);
	domain_filter_done(&f);
}
END_TEST

START_TEST(port_patterns_limit_the_port)
{
	static const char *const allow[] = { "*.example.com:443", "[::1]:8080", "*:8443", NULL };
	struct domain_filter f;

	filter_from(&f, allow, NULL);
	ck_assert_int_eq(check_host(&f, "a.example.com", 443), DOMAIN_ALLOWED);
	ck_assert_int_eq(check_host(&f, "a.example.com", 80), DOMAIN_NOT_ALLOWED);
	ck_assert_int_eq(check_host(&f, "::1", 8080), DOMAIN_ALLOWED);
	ck_assert_int_eq(check_host(&f, "::1", 8081), DOMAIN_NOT_ALLOWED);
	ck_assert_int_eq(check_host(&f, "other.test", 8443), DOMAIN_ALLOWED);
	domain_filter_done(&f);
}
END_TEST

START_TEST(host_parse_rejects_malformed_hosts)
{
	static const char *const bad[] = {
		"", ".", "a..b", "exa mple.com", "a/b", "a@b", "a:b", "[::1", "1.2.3.4 x",
		"x\r\nHost: y",
	};
	struct domain_host h;
	char big[300];

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_msg(domain_host_parse(bad[i], strlen(bad[i]), &h) < 0, "%s accepted", bad[i]);
	memset(big, 'a', sizeof(big));
	ck_assert_int_lt(domain_host_parse(big, sizeof(big), &h), 0);
}
END_TEST

START_TEST(filter_reports_invalid_entries_by_list)
{
	struct strv a = { 0 }, d = { 0 };
	struct domain_filter f;
	char *err = NULL;

	strv_push(&d, "*.com");
	ck_assert_int_eq(domain_filter_init(&f, &a, &d, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "deniedDomains"));
	ck_assert_ptr_nonnull(strstr(err, "*.com"));
	free(err);
	strv_done(&d);
}
END_TEST

static Suite *domain_suite(void)
{
	Suite *s = suite_create("domain");
	TCase *tc = tcase_create("domain_pattern_parse");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, pattern_accepts_documented_forms);
	tcase_add_test(tc, pattern_rejects_malformed_forms);
	suite_add_tcase(s, tc);

	tc = tcase_create("domain_filter_check");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, wildcard_matches_subdomains_not_apex);
	tcase_add_test(tc, names_match_case_insensitively_with_trailing_dot);
	tcase_add_test(tc, deny_wins_over_allow);
	tcase_add_test(tc, ipv4_spellings_compare_as_addresses);
	tcase_add_test(tc, ipv6_spellings_compare_as_addresses);
	tcase_add_test(tc, ip_literals_match_only_ip_entries);
	tcase_add_test(tc, port_patterns_limit_the_port);
	tcase_add_test(tc, filter_reports_invalid_entries_by_list);
	suite_add_tcase(s, tc);

	tc = tcase_create("domain_host_parse");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, host_parse_rejects_malformed_hosts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(domain_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
