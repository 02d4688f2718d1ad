/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_execmask.c: resolving deny rules to the binaries that
 * `path` mode masks, in a private directory tree.
 */
#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/platform.h"

static char root[PATH_MAX];
static char bin[PATH_MAX];

/* Create an executable file under bin. */
static void make_program(const char *name)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", bin, name);
	FILE *f = fopen(path, "we");

	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0755), 0);
}

static void setup(void)
{
	strcpy(root, "/tmp/fence-execmask.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(bin, sizeof(bin), "%s/bin", root);
	ck_assert_int_eq(mkdir(bin, 0755), 0);
	make_program("mytool");
}

static void teardown(void)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", root);

	ck_assert_int_eq(system(cmd), 0);
}

static void plan(struct fence_config *c, const char *shell, struct execmask_plan *ret)
{
	struct execmask_request req = { .config = c, .path_env = bin, .shell = shell };

	ck_assert_int_eq(execmask_build(&req, ret), 0);
}

static struct fence_config config_without_defaults(void)
{
	return (struct fence_config){ .command.use_defaults = TRI_FALSE };
}

START_TEST(single_word_rule_masks_program)
{
	struct fence_config c = config_without_defaults();
	_cleanup_free_ char *expected = xasprintf("%s/mytool", bin);
	struct execmask_plan p;

	strv_push(&c.command.deny, "mytool");
	plan(&c, NULL, &p);
	ck_assert_uint_eq(p.paths.n, 1);
	ck_assert_str_eq(p.paths.v[0], expected);
	ck_assert_uint_eq(p.warnings.n, 0);
	execmask_done(&p);
	strv_done(&c.command.deny);
}
END_TEST

START_TEST(symlink_resolves_to_target)
{
	struct fence_config c = config_without_defaults();
	_cleanup_free_ char *link = xasprintf("%s/alias", bin);
	_cleanup_free_ char *expected = xasprintf("%s/mytool", bin);
	struct execmask_plan p;

	ck_assert_int_eq(symlink("mytool", link), 0);
	strv_push(&c.command.deny, "alias");
	plan(&c, NULL, &p);
	ck_assert_uint_eq(p.paths.n, 1);
	ck_assert_str_eq(p.paths.v[0], expected);
	execmask_done(&p);
	strv_done(&c.command.deny);
}
END_TEST

START_TEST(rules_that_are_not_names_are_skipped)
{
	struct fence_config c = config_without_defaults();
	struct execmask_plan p;

	strv_push(&c.command.deny, "mytool --force");
	strv_push(&c.command.deny, "my*");
	strv_push(&c.command.deny, "mytool=");
	strv_push(&c.command.deny, "$(mytool)");
	strv_push(&c.command.deny, "not-installed-anywhere");
	plan(&c, NULL, &p);
	ck_assert_uint_eq(p.paths.n, 0);
	execmask_done(&p);
	strv_done(&c.command.deny);
}
END_TEST

START_TEST(absolute_rule_masks_that_file)
{
	struct fence_config c = config_without_defaults();
	_cleanup_free_ char *path = xasprintf("%s/mytool", bin);
	struct execmask_plan p;

	strv_push(&c.command.deny, path);
	plan(&c, NULL, &p);
	ck_assert_uint_eq(p.paths.n, 1);
	ck_assert_str_eq(p.paths.v[0], path);
	execmask_done(&p);
	strv_done(&c.command.deny);
}
END_TEST

START_TEST(shell_and_allowed_programs_are_exempt)
{
	struct fence_config c = config_without_defaults();
	_cleanup_free_ char *shell = xasprintf("%s/mytool", bin);
	struct execmask_plan p;

	strv_push(&c.command.deny, "mytool");
	plan(&c, shell, &p);
	ck_assert_uint_eq(p.paths.n, 0);
	execmask_done(&p);

	strv_push(&c.command.allow, "mytool --version");
	plan(&c, NULL, &p);
	ck_assert_uint_eq(p.paths.n, 0);
	execmask_done(&p);
	strv_done(&c.command.deny);
	strv_done(&c.command.allow);
}
END_TEST

START_TEST(shared_binary_warns_and_still_masks)
{
	struct fence_config c = config_without_defaults();
	_cleanup_free_ char *box = xasprintf("%s/fakebox", bin);
	_cleanup_free_ char *cat = xasprintf("%s/cat", bin);
	_cleanup_free_ char *ls = xasprintf("%s/ls", bin);
	struct execmask_plan p;

	make_program("fakebox");
	ck_assert_int_eq(link(box, cat), 0);
	ck_assert_int_eq(symlink("fakebox", ls), 0);
	strv_push(&c.command.deny, "fakebox");
	plan(&c, NULL, &p);
	ck_assert_uint_eq(p.paths.n, 1);
	ck_assert_uint_eq(p.warnings.n, 1);
	ck_assert_ptr_nonnull(strstr(p.warnings.v[0], "also blocks cat, ls,"));
	ck_assert_ptr_nonnull(strstr(p.warnings.v[0], "acceptSharedBinaryCannotRuntimeDeny"));
	execmask_done(&p);

	/* A critical command that is denied anyway costs nothing extra. */
	strv_push(&c.command.deny, "cat");
	strv_push(&c.command.deny, "ls");
	plan(&c, NULL, &p);
	ck_assert_uint_eq(p.warnings.n, 0);
	execmask_done(&p);
	strv_done(&c.command.deny);

	strv_push(&c.command.deny, "fakebox");
	strv_push(&c.command.accept_shared_binary_cannot_runtime_deny, "fakebox");
	plan(&c, NULL, &p);
	ck_assert_uint_eq(p.paths.n, 0);
	ck_assert_uint_eq(p.warnings.n, 0);
	execmask_done(&p);
	strv_done(&c.command.deny);
	strv_done(&c.command.accept_shared_binary_cannot_runtime_deny);
}
END_TEST

START_TEST(defaults_follow_use_defaults)
{
	struct fence_config c = { .command.use_defaults = TRI_UNSET };
	char unshare[PATH_MAX];
	struct execmask_plan p;

	if (!realpath("/usr/bin/unshare", unshare))
		return; /* util-linux without unshare: nothing to resolve */
	plan(&c, NULL, &p);
	ck_assert(strv_contains(&p.paths, unshare));
	execmask_done(&p);

	c.command.use_defaults = TRI_FALSE;
	plan(&c, NULL, &p);
	ck_assert(!strv_contains(&p.paths, unshare));
	execmask_done(&p);
}
END_TEST

START_TEST(critical_list_is_complete)
{
	size_t n;
	const char *const *list = execmask_critical(&n);

	ck_assert_uint_eq(n, 37);
	ck_assert_str_eq(list[0], "cat");
	ck_assert_str_eq(list[n - 1], "xargs");
}
END_TEST

static Suite *execmask_suite(void)
{
	Suite *s = suite_create("execmask");
	TCase *tc = tcase_create("build");

	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, single_word_rule_masks_program);
	tcase_add_test(tc, symlink_resolves_to_target);
	tcase_add_test(tc, rules_that_are_not_names_are_skipped);
	tcase_add_test(tc, absolute_rule_masks_that_file);
	tcase_add_test(tc, shell_and_allowed_programs_are_exempt);
	tcase_add_test(tc, shared_binary_warns_and_still_masks);
	tcase_add_test(tc, defaults_follow_use_defaults);
	tcase_add_test(tc, critical_list_is_complete);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(execmask_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
