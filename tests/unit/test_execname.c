/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_execname.c: resolving an exec's path the way the tracee
 * sees it, and the names collected for the argv-mode rules, on this
 * process (its root is / and its /proc/self is its own).
 */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/linux/execname.h"

static char root[PATH_MAX];

static void setup(void)
{
	_cleanup_free_ char *real = NULL, *bin = NULL;
	FILE *f;

	strcpy(root, "/tmp/fence-execname.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	bin = xasprintf("%s/bin", root);
	ck_assert_int_eq(mkdir(bin, 0755), 0);
	real = xasprintf("%s/bin/realtool", root);
	f = fopen(real, "we");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(real, 0755), 0);
}

static void teardown(void)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", root);

	ck_assert_int_eq(system(cmd), 0);
}

/* The names collected for an exec of path by this process. */
static void names_of(const char *path, const char *argv0, const struct execname_aliases *a,
		     struct strv *ret)
{
	*ret = (struct strv){ 0 };
	execname_collect(getpid(), AT_FDCWD, path, argv0, a, ret);
}

static void assert_names(const struct strv *names, const char *const *expected, size_t n)
{
	ck_assert_uint_eq(names->n, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(names->v[i], expected[i]);
}

START_TEST(symlinks_resolve_to_the_real_file)
{
	_cleanup_free_ char *abs_link = xasprintf("%s/y", root);
	_cleanup_free_ char *rel_link = xasprintf("%s/bin/z", root);
	_cleanup_free_ char *chain = xasprintf("%s/w", root);
	_cleanup_free_ char *target = xasprintf("%s/bin/realtool", root);
	const char *expected_abs[] = { "y", "realtool", "git-push" };
	const char *expected_chain[] = { "w", "realtool" };
	struct strv names;

	ck_assert_int_eq(symlink(target, abs_link), 0);
	ck_assert_int_eq(symlink("../bin/./realtool", rel_link), 0);
	ck_assert_int_eq(symlink("bin/z", chain), 0);

	names_of(abs_link, "git-push", NULL, &names);
	assert_names(&names, expected_abs, 3);
	strv_done(&names);

	names_of(chain, "/usr/bin/w", NULL, &names);
	assert_names(&names, expected_chain, 2);
	strv_done(&names);
}
END_TEST

START_TEST(proc_self_fd_names_the_open_file)
{
	_cleanup_free_ char *target = xasprintf("%s/bin/realtool", root);
	_cleanup_free_ char *via_self = NULL, *via_dev = NULL;
	const char *expected[] = { NULL, "realtool" };
	int fd = open(target, O_PATH | O_CLOEXEC);
	struct strv names;

	ck_assert_int_ge(fd, 0);
	via_self = xasprintf("/proc/self/fd/%d", fd);
	via_dev = xasprintf("/dev/fd/%d", fd);
	expected[0] = strrchr(via_self, '/') + 1;

	names_of(via_self, NULL, NULL, &names);
	assert_names(&names, expected, 2);
	strv_done(&names);

	names_of(via_dev, NULL, NULL, &names);
	assert_names(&names, expected, 2);
	strv_done(&names);
	close(fd);
}
END_TEST

START_TEST(hard_link_gets_the_rule_word)
{
	_cleanup_free_ char *target = xasprintf("%s/bin/realtool", root);
	_cleanup_free_ char *hard = xasprintf("%s/x", root);
	_cleanup_free_ char *bin = xasprintf("%s/bin", root);
	struct fence_config c = { .command.use_defaults = TRI_FALSE };
	struct execname_aliases a;
	const char *expected[] = { "x", "realtool" };
	struct strv names;

	ck_assert_int_eq(link(target, hard), 0);
	strv_push(&c.command.deny, "realtool push");
	execname_aliases_build(&c, bin, &a);
	ck_assert_uint_ge(a.n, 1);

	names_of(hard, "x", &a, &names);
	assert_names(&names, expected, 2);
	strv_done(&names);
	execname_aliases_done(&a);
	strv_done(&c.command.deny);
}
END_TEST

START_TEST(missing_and_looping_paths_keep_the_given_names)
{
	_cleanup_free_ char *loop = xasprintf("%s/loop", root);
	_cleanup_free_ char *missing = xasprintf("%s/bin/nothing", root);
	const char *expected[] = { "loop", "git" };
	struct strv names;

	ck_assert_int_eq(symlink("loop", loop), 0);
	ck_assert_int_eq(execname_resolve(getpid(), AT_FDCWD, loop), -ELOOP);
	ck_assert_int_eq(execname_resolve(getpid(), AT_FDCWD, missing), -ENOENT);
	ck_assert_int_eq(execname_resolve(getpid(), AT_FDCWD, ""), -ENOENT);

	names_of(loop, "git", NULL, &names);
	assert_names(&names, expected, 2);
	strv_done(&names);
}
END_TEST

START_TEST(dotdot_stops_at_the_root)
{
	int fd = execname_resolve(getpid(), AT_FDCWD, "/../../usr/../bin/../bin/sh");
	struct stat a, b;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &a), 0);
	ck_assert_int_eq(stat("/bin/sh", &b), 0);
	ck_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	close(fd);
}
END_TEST

static Suite *execname_suite(void)
{
	Suite *s = suite_create("execname");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, symlinks_resolve_to_the_real_file);
	tcase_add_test(tc, proc_self_fd_names_the_open_file);
	tcase_add_test(tc, hard_link_gets_the_rule_word);
	tcase_add_test(tc, missing_and_looping_paths_keep_the_given_names);
	tcase_add_test(tc, dotdot_stops_at_the_root);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(execname_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
