/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_sysfilter.c: the seccomp filter as libseccomp's
 * pseudo-C text, without loading it.  On x86_64 with libseccomp 2.5 the
 * text must equal tests/data/sysfilter-x86_64.pfc; regenerate that file
 * when the filter changes on purpose.
 */
#include <check.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "platform/linux/sysfilter.h"
#include "util/util.h"

/* Return the filter's pfc text (owned). */
static char *export_pfc(void)
{
	int fd = memfd_create("pfc", MFD_CLOEXEC);
	char *text;
	off_t len;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sysfilter_export_pfc(fd), 0);
	len = lseek(fd, 0, SEEK_END);
	ck_assert_int_gt(len, 0);
	text = xmalloc((size_t)len + 1);
	ck_assert_int_eq(pread(fd, text, (size_t)len, 0), len);
	text[len] = '\0';
	close(fd);
	return text;
}

/* Read a whole file (owned), or NULL. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = xmalloc((size_t)len + 1);
	ck_assert_uint_eq(fread(text, 1, (size_t)len, f), (size_t)len);
	text[len] = '\0';
	fclose(f);
	return text;
}

START_TEST(pfc_names_every_blocked_native_call)
{
	_cleanup_free_ char *pfc = export_pfc();
	size_t n;
	const char *const *names = sysfilter_blocked(&n);

	ck_assert_uint_gt(n, 20);
	for (size_t i = 0; i < n; i++) {
		char needle[96];

		if (seccomp_syscall_resolve_name(names[i]) < 0) {
			/* Not on this architecture: no rule. */
			snprintf(needle, sizeof(needle), "\"%s\"", names[i]);
			ck_assert_msg(!strstr(pfc, needle), "rule for foreign call %s", names[i]);
			continue;
		}
		snprintf(needle, sizeof(needle), "filter for syscall \"%s\"", names[i]);
		ck_assert_msg(strstr(pfc, needle), "no rule for %s", names[i]);
	}
}
END_TEST

START_TEST(pfc_blocks_tty_injection_on_low_32_bits)
{
	_cleanup_free_ char *pfc = export_pfc();
	char needle[64];

	ck_assert_ptr_nonnull(strstr(pfc, "filter for syscall \"ioctl\""));
	snprintf(needle, sizeof(needle), "$a1.lo32 & 0xffffffff == %u", 0x5412u /* TIOCSTI */);
	ck_assert_msg(strstr(pfc, needle), "no TIOCSTI compare");
	snprintf(needle, sizeof(needle), "$a1.lo32 & 0xffffffff == %u", 0x541Cu /* TIOCLINUX */);
	ck_assert_msg(strstr(pfc, needle), "no TIOCLINUX compare");
	/* The high half of the request is masked out, not compared. */
	ck_assert_ptr_nonnull(strstr(pfc, "$a1.hi32 & 0x00000000 == 0"));
}
END_TEST

START_TEST(pfc_kills_foreign_architectures_and_allows_the_rest)
{
	_cleanup_free_ char *pfc = export_pfc();

	ck_assert_ptr_nonnull(strstr(pfc, "# invalid architecture action\naction KILL_PROCESS;"));
	ck_assert_ptr_nonnull(strstr(pfc, "# default action\n  action ALLOW;"));
	ck_assert_ptr_nonnull(strstr(pfc, "filter for syscall \"clone3\""));
	ck_assert_ptr_nonnull(strstr(pfc, "action ERRNO(38);")); /* ENOSYS for clone3 */
}
END_TEST

START_TEST(pfc_matches_golden_file)
{
	const struct scmp_version *v = seccomp_version();
	_cleanup_free_ char *pfc = NULL;
	_cleanup_free_ char *golden = NULL;
	const char *src = getenv("FENCE_SRC");
	_cleanup_free_ char *path = NULL;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64 || v->major != 2 || v->minor != 5)
		return; /* The text differs between architectures and libseccomp versions. */
	path = xasprintf("%s/tests/data/sysfilter-x86_64.pfc", src ? src : ".");
	golden = read_file(path);
	ck_assert_msg(golden, "cannot read %s", path);
	pfc = export_pfc();
	ck_assert_str_eq(pfc, golden);
}
END_TEST

static Suite *sysfilter_suite(void)
{
	Suite *s = suite_create("sysfilter");
	TCase *tc = tcase_create("pfc");

	tcase_add_test(tc, pfc_names_every_blocked_native_call);
	tcase_add_test(tc, pfc_blocks_tty_injection_on_low_32_bits);
	tcase_add_test(tc, pfc_kills_foreign_architectures_and_allows_the_rest);
	tcase_add_test(tc, pfc_matches_golden_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sysfilter_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
