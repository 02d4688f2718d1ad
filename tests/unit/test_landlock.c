/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_landlock.c: Landlock rules applied for real, each in a
 * forked child so that the test process itself stays unrestricted.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "platform/linux/landlock.h"
#include "util/util.h"

static char root[64];

/* Make a fresh directory tree: root/ro/file and root/rw/. */
static void make_tree(void)
{
	char path[128];
	FILE *f;

	snprintf(root, sizeof(root), "/tmp/fence-landlock-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/ro", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/rw", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/ro/file", root);
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fputs("data\n", f);
	fclose(f);
}

/* Remove what make_tree and the children created. */
static void remove_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/*
 * Apply read on root/ro and write on root/rw in a child, then run one
 * access there.  Returns the child's exit status: 0 when the access
 * worked, else the errno it failed with; 77 when Landlock is missing.
 */
static int try_in_child(int (*access_fn)(void))
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct strv read = { 0 }, write = { 0 };
		struct fsrules_request req = { .read = &read, .write = &write };

		strv_pushf(&read, "%s/ro", root);
		strv_pushf(&write, "%s/rw", root);
		if (fsrules_apply(&req, NULL) < 0)
			_exit(77);
		_exit(access_fn());
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Open root/ro/file for reading. */
static int read_granted_file(void)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/ro/file", root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? errno : 0;
}

/* Open root/ro/file for writing. */
static int write_read_only_file(void)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/ro/file", root);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	return fd < 0 ? errno : 0;
}

/* Create a file in root/rw. */
static int create_in_writable_dir(void)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/rw/new", root);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	return fd < 0 ? errno : 0;
}

/* List root itself, which no rule grants. */
static int list_ungranted_dir(void)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? errno : 0;
}

/* Move a file from root/rw into root/ro, across the grants. */
static int move_into_read_only_dir(void)
{
	char from[128], to[128];
	int fd;

	snprintf(from, sizeof(from), "%s/rw/moved", root);
	snprintf(to, sizeof(to), "%s/ro/moved", root);
	fd = open(from, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return 100;
	close(fd);
	return rename(from, to) < 0 ? errno : 0;
}

/*
 * Leave the test when the kernel has no Landlock.  Check has no skip
 * status, so such a test passes; landlock.bats reports the missing feature.
 */
#define REQUIRE_LANDLOCK()                                                     \
	do {                                                                   \
		if (fsrules_abi() <= 0)                                        \
			return;                                                \
	} while (0)

START_TEST(granted_read_works)
{
	REQUIRE_LANDLOCK();
	make_tree();
	ck_assert_int_eq(try_in_child(read_granted_file), 0);
	remove_tree();
}
END_TEST

START_TEST(write_to_read_only_grant_is_denied)
{
	REQUIRE_LANDLOCK();
	make_tree();
	ck_assert_int_eq(try_in_child(write_read_only_file), EACCES);
	remove_tree();
}
END_TEST

START_TEST(create_in_write_grant_works)
{
	REQUIRE_LANDLOCK();
	make_tree();
	ck_assert_int_eq(try_in_child(create_in_writable_dir), 0);
	remove_tree();
}
END_TEST

START_TEST(ungranted_directory_is_denied)
{
	REQUIRE_LANDLOCK();
	make_tree();
	ck_assert_int_eq(try_in_child(list_ungranted_dir), EACCES);
	remove_tree();
}
END_TEST

START_TEST(move_into_read_only_grant_is_denied)
{
	int r;

	REQUIRE_LANDLOCK();
	make_tree();
	r = try_in_child(move_into_read_only_dir);
	/* EXDEV without the REFER right (ABI 1), EACCES with it. */
	ck_assert_msg(r == EACCES || r == EXDEV, "rename returned %d", r);
	remove_tree();
}
END_TEST

START_TEST(describe_names_missing_rights)
{
	char buf[512];

	fsrules_describe_abi(1, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "ABI 1"));
	ck_assert_ptr_nonnull(strstr(buf, "REFER"));
	ck_assert_ptr_nonnull(strstr(buf, "TRUNCATE"));
	ck_assert_ptr_nonnull(strstr(buf, "IOCTL_DEV"));
	fsrules_describe_abi(5, buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "IOCTL_DEV"));
	ck_assert_ptr_nonnull(strstr(buf, "scopes"));
	fsrules_describe_abi(7, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ABI 7, every right fence uses");
}
END_TEST

static Suite *landlock_suite(void)
{
	Suite *s = suite_create("landlock");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, granted_read_works);
	tcase_add_test(tc, write_to_read_only_grant_is_denied);
	tcase_add_test(tc, create_in_write_grant_works);
	tcase_add_test(tc, ungranted_directory_is_denied);
	tcase_add_test(tc, move_into_read_only_grant_is_denied);
	tcase_add_test(tc, describe_names_missing_rights);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(landlock_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
