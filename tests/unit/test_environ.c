/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_environ.c: environment filtering for the sandbox.
 */
#include <check.h>
#include <string.h>

#include "policy/policy.h"

/* Filter env with deny and allow lists given as NULL-terminated arrays. */
static void filter(char *const *env, const char *const *deny, const char *const *allow,
		   struct strv *ret_env, struct strv *ret_removed)
{
	struct fence_environment rules = { 0 };

	for (size_t i = 0; deny && deny[i]; i++)
		strv_push(&rules.deny, deny[i]);
	for (size_t i = 0; allow && allow[i]; i++)
		strv_push(&rules.allow, allow[i]);
	environ_filter(env, &rules, ret_env, ret_removed);
	strv_done(&rules.deny);
	strv_done(&rules.allow);
}

START_TEST(loader_names_are_case_sensitive_prefixes)
{
	ck_assert(environ_is_loader_name("LD_PRELOAD"));
	ck_assert(environ_is_loader_name("LD_"));
	ck_assert(environ_is_loader_name("DYLD_INSERT_LIBRARIES"));
	ck_assert(!environ_is_loader_name("MY_LD_PRELOAD"));
	ck_assert(!environ_is_loader_name("ld_preload"));
	ck_assert(!environ_is_loader_name("LD"));
	ck_assert(!environ_is_loader_name("OLDPWD"));
}
END_TEST

START_TEST(pattern_exact_prefix_and_star)
{
	ck_assert(environ_pattern_match("AWS_SECRET", "AWS_SECRET"));
	ck_assert(!environ_pattern_match("AWS_SECRET", "AWS_SECRET_KEY"));
	ck_assert(environ_pattern_match("AWS_*", "AWS_SECRET_KEY"));
	ck_assert(environ_pattern_match("AWS_*", "AWS_"));
	ck_assert(!environ_pattern_match("AWS_*", "AWS"));
	ck_assert(!environ_pattern_match("aws_*", "AWS_X"));
	ck_assert(environ_pattern_match("*", "ANYTHING"));
}
END_TEST

START_TEST(filter_removes_loader_and_multiplexer_variables)
{
	char *env[] = { "PATH=/usr/bin", "LD_PRELOAD=/x.so", "DYLD_X=1", "TMUX=/tmp/tmux-0/default,1,0",
			"TMUX_PANE=%1", "STY=1.pts", "XDG_RUNTIME_DIR=/run/user/0", "MY_LD_PRELOAD=k",
			"TMUXX=kept", NULL };
	struct strv out = { 0 }, removed = { 0 };

	environ_filter(env, NULL, &out, &removed);
	ck_assert_uint_eq(out.n, 3);
	ck_assert_str_eq(out.v[0], "PATH=/usr/bin");
	ck_assert_str_eq(out.v[1], "MY_LD_PRELOAD=k");
	ck_assert_str_eq(out.v[2], "TMUXX=kept");
	ck_assert(strv_contains(&removed, "LD_PRELOAD"));
	ck_assert(strv_contains(&removed, "TMUX"));
	ck_assert(strv_contains(&removed, "XDG_RUNTIME_DIR"));
	/* Removed names carry no values. */
	for (size_t i = 0; i < removed.n; i++)
		ck_assert_ptr_null(strchr(removed.v[i], '='));
	strv_done(&out);
	strv_done(&removed);
}
END_TEST

START_TEST(filter_deny_with_allow_exception)
{
	char *env[] = { "AWS_SECRET=s", "AWS_REGION=eu", "HOME=/h", NULL };
	const char *deny[] = { "AWS_*", NULL };
	const char *allow[] = { "AWS_REGION", NULL };
	struct strv out = { 0 }, removed = { 0 };

	filter(env, deny, allow, &out, &removed);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_str_eq(out.v[0], "AWS_REGION=eu");
	ck_assert_str_eq(out.v[1], "HOME=/h");
	ck_assert_uint_eq(removed.n, 1);
	ck_assert_str_eq(removed.v[0], "AWS_SECRET");
	strv_done(&out);
	strv_done(&removed);
}
END_TEST

START_TEST(filter_allow_never_readmits_loader_variables)
{
	char *env[] = { "LD_PRELOAD=/x.so", "TMUX=/s", "A=1", NULL };
	const char *deny[] = { "*", NULL };
	const char *allow[] = { "LD_*", "TMUX", "A", NULL };
	struct strv out = { 0 };

	filter(env, deny, allow, &out, NULL);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_str_eq(out.v[0], "A=1");
	strv_done(&out);
}
END_TEST

START_TEST(filter_drops_entries_without_equals)
{
	char *env[] = { "BROKEN", "=nameless", "OK=1", NULL };
	struct strv out = { 0 };

	environ_filter(env, NULL, &out, NULL);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_str_eq(out.v[0], "OK=1");
	strv_done(&out);
}
END_TEST

START_TEST(set_replaces_and_appends)
{
	struct strv env = { 0 };

	strv_push(&env, "A=1");
	strv_push(&env, "AB=2");
	environ_set(&env, "A", "3");
	environ_set(&env, "C", "4");
	ck_assert_uint_eq(env.n, 3);
	ck_assert_str_eq(env.v[0], "A=3");
	ck_assert_str_eq(env.v[1], "AB=2");
	ck_assert_str_eq(env.v[2], "C=4");
	ck_assert_str_eq(environ_get(env.v, "AB"), "2");
	ck_assert_ptr_null(environ_get(env.v, "B"));
	strv_done(&env);
}
END_TEST

START_TEST(strip_loader_keeps_order)
{
	struct strv env = { 0 };

	strv_push(&env, "A=1");
	strv_push(&env, "LD_PRELOAD=x");
	strv_push(&env, "B=2");
	strv_push(&env, "DYLD_Y=3");
	environ_strip_loader(&env);
	ck_assert_uint_eq(env.n, 2);
	ck_assert_str_eq(env.v[0], "A=1");
	ck_assert_str_eq(env.v[1], "B=2");
	ck_assert_ptr_null(env.v[2]);
	strv_done(&env);
}
END_TEST

static Suite *environ_suite(void)
{
	Suite *s = suite_create("environ");
	TCase *tc = tcase_create("filter");

	tcase_add_test(tc, loader_names_are_case_sensitive_prefixes);
	tcase_add_test(tc, pattern_exact_prefix_and_star);
	tcase_add_test(tc, filter_removes_loader_and_multiplexer_variables);
	tcase_add_test(tc, filter_deny_with_allow_exception);
	tcase_add_test(tc, filter_allow_never_readmits_loader_variables);
	tcase_add_test(tc, filter_drops_entries_without_equals);
	tcase_add_test(tc, set_replaces_and_appends);
	tcase_add_test(tc, strip_loader_keeps_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(environ_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
