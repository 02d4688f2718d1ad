/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_logstream.c: parsing `log stream --style compact` lines
 * into [fence:logstream] reports.
 *
 * tests/data/macos/logstream.log holds report lines in the compact shape
 * macOS prints (header lines, the tag line after each report, duplicate
 * summaries, noise); logstream.expected holds the reports fence shows.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "platform/macos/logstream.h"
#include "util/util.h"

#include "golden.h"

/* Collects formatted reports, one per line. */
static void collect(const char *line, void *userdata)
{
	FILE *out = userdata;
	struct logstream_event ev;

	if (logstream_parse_line(line, &ev) == 1) {
		_cleanup_free_ char *text = logstream_format(&ev, "12:00:00");

		fprintf(out, "%s\n", text);
	}
}

/* Feed text in pieces of `step` bytes and return the reports. */
static char *reports_of(const char *text, size_t step)
{
	struct logstream_reader reader = {0};
	char *buf = NULL;
	size_t len = 0, total = strlen(text);
	FILE *out = open_memstream(&buf, &len);

	for (size_t i = 0; i < total; i += step)
		logstream_reader_feed(&reader, text + i, total - i < step ? total - i : step,
				      collect, out);
	logstream_reader_done(&reader);
	fclose(out);
	return buf;
}

START_TEST(recorded_lines_give_expected_reports)
{
	_cleanup_free_ char *log = golden_read_data("macos/logstream.log");
	_cleanup_free_ char *expected = golden_read_data("macos/logstream.expected");
	_cleanup_free_ char *whole = reports_of(log, strlen(log));

	ck_assert_str_eq(whole, expected);
	/* The split of the byte stream into reads must not matter. */
	for (size_t step = 1; step < 64; step += 7) {
		_cleanup_free_ char *pieces = reports_of(log, step);

		ck_assert_str_eq(pieces, expected);
	}
}
END_TEST

START_TEST(parse_fields)
{
	struct logstream_event ev;
	const char *line =
	    "2026-01-05 09:01:02.345 E  kernel[0:1] (Sandbox) Sandbox: curl(77) deny(1) "
	    "network-outbound 10.0.0.1:80  ";

	ck_assert_int_eq(logstream_parse_line(line, &ev), 1);
	ck_assert_str_eq(ev.time, "09:01:02");
	ck_assert_str_eq(ev.process, "curl");
	ck_assert_int_eq(ev.pid, 77);
	ck_assert_str_eq(ev.operation, "network-outbound");
	ck_assert_str_eq(ev.details, "10.0.0.1:80");
}
END_TEST

START_TEST(parse_ignores_non_reports)
{
	static const char *const lines[] = {
	    "",
	    "fence-0123456789abcdef",
	    "Timestamp               Ty Process[PID:TID]",
	    "Sandbox:",
	    "Sandbox: curl(77)",
	    "Sandbox: curl(77) deny(1)",
	    "Sandbox: curl(77) deny(1) ",
	    "Sandbox: (77) deny(1) file-read-data /x",
	    "Sandbox: curl(x7) deny(1) file-read-data /x",
	    "Sandbox: curl77) deny(1) file-read-data /x",
	    "Sandbox: curl(77) deny(1) mach-lookup com.apple.x",
	    "Sandbox: curl(77) deny(1) file-ioctl /dev/ttys001",
	};
	struct logstream_event ev;

	for (size_t i = 0; i < ELEMENTSOF(lines); i++)
		ck_assert_msg(logstream_parse_line(lines[i], &ev) == 0, "parsed: '%s'", lines[i]);
}
END_TEST

START_TEST(long_fields_are_cut)
{
	struct logstream_event ev;
	_cleanup_free_ char *path = xmalloc(4000);
	_cleanup_free_ char *line = NULL;

	memset(path, 'a', 3999);
	path[0] = '/';
	path[3999] = '\0';
	line = xasprintf("Sandbox: cat(1) deny(1) file-read-data %s", path);
	ck_assert_int_eq(logstream_parse_line(line, &ev), 1);
	ck_assert_uint_eq(strlen(ev.details), sizeof(ev.details) - 1);
}
END_TEST

START_TEST(reader_cuts_overlong_lines)
{
	size_t n = 200 * 1024;
	_cleanup_free_ char *text = xmalloc(n + 64);
	_cleanup_free_ char *reports = NULL;

	memset(text, 'x', n);
	strcpy(text + n, "\nSandbox: cat(1) deny(1) file-read-data /y\n");
	reports = reports_of(text, 4096);
	ck_assert_str_eq(reports, "[fence:logstream] 12:00:00 \u2717 file-read-data /y (cat:1)\n");
}
END_TEST

START_TEST(predicate_names_the_tag)
{
	_cleanup_free_ char *p = logstream_predicate("fence-0123456789abcdef");

	ck_assert_str_eq(p, "eventMessage ENDSWITH \"fence-0123456789abcdef\"");
}
END_TEST

START_TEST(start_is_macos_only)
{
#ifndef __APPLE__
	pid_t pid = 0;
	int fd = -1;

	ck_assert_int_eq(logstream_start("fence-x", &pid, &fd), -EOPNOTSUPP);
	ck_assert_int_eq(fd, -1);
#endif
}
END_TEST

static Suite *logstream_suite(void)
{
	Suite *s = suite_create("logstream");
	TCase *tc = tcase_create("parse");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, recorded_lines_give_expected_reports);
	tcase_add_test(tc, parse_fields);
	tcase_add_test(tc, parse_ignores_non_reports);
	tcase_add_test(tc, long_fields_are_cut);
	tcase_add_test(tc, reader_cuts_overlong_lines);
	tcase_add_test(tc, predicate_names_the_tag);
	tcase_add_test(tc, start_is_macos_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return golden_run_suite(logstream_suite());
}
