/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_util.c: string vectors and cleanup helpers.
 */
#include <check.h>
#include <string.h>

#include "util/util.h"

START_TEST(strv_push_keeps_order_and_terminator)
{
	struct strv sv = { 0 };

	for (int i = 0; i < 100; i++)
		strv_pushf(&sv, "item-%d", i);
	ck_assert_uint_eq(sv.n, 100);
	ck_assert_str_eq(sv.v[0], "item-0");
	ck_assert_str_eq(sv.v[99], "item-99");
	ck_assert_ptr_null(sv.v[100]);
	ck_assert(strv_contains(&sv, "item-42"));
	ck_assert(!strv_contains(&sv, "item-100"));
	strv_done(&sv);
	ck_assert_uint_eq(sv.n, 0);
}
END_TEST

START_TEST(take_ptr_resets_the_variable)
{
	_cleanup_free_ char *p = xstrdup("x");
	char *q = TAKE_PTR(p);

	ck_assert_ptr_null(p);
	ck_assert_str_eq(q, "x");
	free(q);
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("strv");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, strv_push_keeps_order_and_terminator);
	tcase_add_test(tc, take_ptr_resets_the_variable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
