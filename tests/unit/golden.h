/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/golden.h: test data files and golden comparisons for the Check
 * suites, header-only because each suite is one source file.
 *
 * Data lives under tests/data/ of $FENCE_SRC, or of the current directory
 * (tests/run starts the suites from the source tree).  After a deliberate
 * change, FENCE_UPDATE_GOLDEN=1 rewrites the golden files instead of
 * comparing; review the diff before committing it.
 */
#pragma once

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* The path of a file under tests/data/; owned. */
static inline char *golden_data_path(const char *name)
{
	const char *src = getenv("FENCE_SRC");

	return xasprintf("%s/tests/data/%s", src ? src : ".", name);
}

/* The whole content of a file, or NULL when it cannot be opened. */
static inline char *golden_read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *out;

	if (!f)
		return NULL;
	out = open_memstream(&buf, &len);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(out);
	fclose(f);
	return buf;
}

/* The content of tests/data/NAME; fails the test when it is missing. */
static inline char *golden_read_data(const char *name)
{
	_cleanup_free_ char *path = golden_data_path(name);
	char *text = golden_read_file(path);

	ck_assert_msg(text, "cannot read %s", path);
	return text;
}

/* Compare text with tests/data/NAME byte for byte, or rewrite the file
 * under FENCE_UPDATE_GOLDEN=1.  A mismatch leaves NAME.got beside it. */
static inline void golden_assert(const char *name, const char *text)
{
	_cleanup_free_ char *path = golden_data_path(name);
	_cleanup_free_ char *want = NULL;
	const char *update = getenv("FENCE_UPDATE_GOLDEN");

	if (update && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "we");

		ck_assert_msg(f, "cannot write %s", path);
		fputs(text, f);
		fclose(f);
		return;
	}
	want = golden_read_file(path);
	ck_assert_msg(want, "golden file %s is missing; run with FENCE_UPDATE_GOLDEN=1", path);
	if (strcmp(want, text) != 0) {
		_cleanup_free_ char *got_path = xasprintf("%s.got", path);
		FILE *f = fopen(got_path, "we");

		if (f) {
			fputs(text, f);
			fclose(f);
		}
		ck_abort_msg("output differs from %s; see diff -u %s %s", path, path, got_path);
	}
}

/* Run one suite and return the exit status of a test binary. */
static inline int golden_run_suite(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
