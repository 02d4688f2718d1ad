/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_oscscan.c: the OSC side-scanner and the command
 * timeline built on it.
 *
 * The central property: however the PTY output is cut into reads, the
 * scanner reports the same marks.  The split tests cut a stream at every
 * offset and at every pair of offsets and compare the event log with the
 * log of one whole read.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "session/oscscan.h"
#include "session/timeline.h"
#include "util/util.h"

/* An event log: one line per mark, e.g. "D 3", "E git push" or "V LINE | REASON". */
struct log {
	char text[8192];
	size_t len;
};

static void log_event(const struct oscscan_event *ev, void *userdata)
{
	struct log *l = userdata;
	static const char names[] = "ABCDE7";
	int n;

	if (ev->type == OSCSCAN_COMMAND_END)
		n = snprintf(l->text + l->len, sizeof(l->text) - l->len, "D %d\n", ev->status);
	else if (ev->type == OSCSCAN_VETO)
		n = snprintf(l->text + l->len, sizeof(l->text) - l->len, "V %s | %s\n", ev->text,
			     ev->detail);
	else if (ev->text)
		n = snprintf(l->text + l->len, sizeof(l->text) - l->len, "%c %s\n",
			     names[ev->type], ev->text);
	else
		n = snprintf(l->text + l->len, sizeof(l->text) - l->len, "%c\n", names[ev->type]);
	ck_assert_int_gt(n, 0);
	l->len += (size_t)n;
	ck_assert_uint_lt(l->len, sizeof(l->text));
}

/* Scan `len` bytes cut at the offsets in `cuts` (ascending); returns the log. */
static struct log scan_cut(const char *data, size_t len, const size_t *cuts, size_t ncuts)
{
	struct log l = { 0 };
	struct oscscan s;
	size_t from = 0;

	oscscan_init(&s, log_event, &l);
	for (size_t i = 0; i < ncuts; i++) {
		oscscan_feed(&s, data + from, cuts[i] - from);
		from = cuts[i];
	}
	oscscan_feed(&s, data + from, len - from);
	oscscan_done(&s);
	return l;
}

static struct log scan_whole(const char *data)
{
	return scan_cut(data, strlen(data), NULL, 0);
}

/* One prompt-to-prompt cycle as the hooks print it, with both terminators. */
static const char cycle[] =
	"text before\x1b]7;file://host/home/ana/my%20dir\x07"
	"\x1b]133;A\x07[fence] $ \x1b]133;B\x1b\\"
	"git push\r\n"
	"\x1b]633;E;git push \\x3b echo a\\\\b\x07"
	"\x1b]33623;veto;git push;blocked by \\x3b rule\x07"
	"\x1b]133;C\x1b\\"
	"output \xc3\xa9\r\n"
	"\x1b]133;D;3\x07"
	"\x1b]0;window title\x07"
	"\x1b[1;31mred\x1b[0m"
	"\x1b]133;D\x1b\\";

static const char cycle_log[] = "7 /home/ana/my dir\n"
				"A\n"
				"B\n"
				"E git push ; echo a\\b\n"
				"V git push | blocked by ; rule\n"
				"C\n"
				"D 3\n"
				"D -1\n";

START_TEST(whole_read_decodes_every_mark)
{
	struct log l = scan_whole(cycle);

	ck_assert_str_eq(l.text, cycle_log);
}
END_TEST

START_TEST(every_split_offset_gives_same_events)
{
	size_t len = strlen(cycle);

	for (size_t cut = 0; cut <= len; cut++) {
		struct log l = scan_cut(cycle, len, &cut, 1);

		ck_assert_msg(strcmp(l.text, cycle_log) == 0, "cut at %zu gave:\n%s", cut, l.text);
	}
}
END_TEST

START_TEST(every_pair_of_offsets_gives_same_events)
{
	size_t len = strlen(cycle);

	for (size_t a = 0; a <= len; a++) {
		for (size_t b = a; b <= len; b++) {
			size_t cuts[2] = { a, b };
			struct log l = scan_cut(cycle, len, cuts, 2);

			ck_assert_msg(strcmp(l.text, cycle_log) == 0, "cuts at %zu and %zu gave:\n%s",
				      a, b, l.text);
		}
	}
}
END_TEST

START_TEST(byte_by_byte_gives_same_events)
{
	size_t len = strlen(cycle);
	size_t cuts[sizeof(cycle)];

	for (size_t i = 0; i < len; i++)
		cuts[i] = i;
	ck_assert_str_eq(scan_cut(cycle, len, cuts, len).text, cycle_log);
}
END_TEST

START_TEST(status_variants)
{
	ck_assert_str_eq(scan_whole("\x1b]133;D;0\x07").text, "D 0\n");
	ck_assert_str_eq(scan_whole("\x1b]133;D;255\x07").text, "D 255\n");
	ck_assert_str_eq(scan_whole("\x1b]133;D;2;aid=7\x07").text, "D 2\n");
	ck_assert_str_eq(scan_whole("\x1b]133;D;\x07").text, "D -1\n");
	ck_assert_str_eq(scan_whole("\x1b]133;D;x\x07").text, "D -1\n");
	ck_assert_str_eq(scan_whole("\x1b]133;D;12x\x07").text, "D -1\n");
	ck_assert_str_eq(scan_whole("\x1b]133;D;99999999999999\x07").text, "D -1\n");
	ck_assert_str_eq(scan_whole("\x1b]633;D;4\x07").text, "D 4\n");
}
END_TEST

START_TEST(unknown_marks_are_ignored)
{
	ck_assert_str_eq(scan_whole("\x1b]133;Z\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]133;AB\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]133\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]1337;A\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]52;c;aGVsbG8=\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]77;file://h/x\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]\x07\x1b]\x1b\\").text, "");
	ck_assert_str_eq(scan_whole("\x1b]133;A;k=i\x07").text, "A\n");
}
END_TEST

START_TEST(cwd_needs_file_scheme_and_path)
{
	ck_assert_str_eq(scan_whole("\x1b]7;file:///tmp\x07").text, "7 /tmp\n");
	ck_assert_str_eq(scan_whole("\x1b]7;file://h/a%2fb%zz%4\x07").text, "7 /a/b%zz%4\n");
	ck_assert_str_eq(scan_whole("\x1b]7;kitty-shell-cwd://h/tmp\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]7;file://host-only\x07").text, "");
	/* An encoded NUL cannot be part of a directory name. */
	ck_assert_str_eq(scan_whole("\x1b]7;file://h/a%00b\x07").text, "");
}
END_TEST

START_TEST(command_line_escapes_decode)
{
	ck_assert_str_eq(scan_whole("\x1b]633;E;a\\x0ab\\x09c\x07").text, "E a\nb\tc\n");
	ck_assert_str_eq(scan_whole("\x1b]633;E;a\\x3Bb;nonce123\x07").text, "E a;b\n");
	ck_assert_str_eq(scan_whole("\x1b]633;E;\\q \\x4 \\\x07").text, "E \\q \\x4 \\\n");
	ck_assert_str_eq(scan_whole("\x1b]633;E;\x07").text, "E \n");
}
END_TEST

START_TEST(veto_marks_decode)
{
	ck_assert_str_eq(scan_whole("\x1b]33623;veto;rm -rf /;default rule 'rm -rf /'\x07").text,
			 "V rm -rf / | default rule 'rm -rf /'\n");
	/* Fields after the reason are for later versions. */
	ck_assert_str_eq(scan_whole("\x1b]33623;veto;a\\x3bb;why;extra\x1b\\").text, "V a;b | why\n");
	ck_assert_str_eq(scan_whole("\x1b]33623;veto;a\x07").text, "V a | \n");
	/* No line, another verb, another number: nothing. */
	ck_assert_str_eq(scan_whole("\x1b]33623;veto;;why\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]33623;veto;\\x00ls;why\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]33623;veto;ls\\x00rm;why\\x00not\x07").text, "V ls | why\n");
	ck_assert_str_eq(scan_whole("\x1b]33623;veto\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]33623;allow;git push\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]33624;veto;x;y\x07").text, "");
	ck_assert_str_eq(scan_whole("\x1b]3362;veto;x;y\x07").text, "");
}
END_TEST

START_TEST(encoded_fields_round_trip)
{
	static const char *const samples[] = { "", "plain", "a;b", "back\\slash\\x41",
					       "esc\x1b]0;t\x07 bel", "tab\tnl\n del\x7f",
					       "\xc3\xa9t\xc3\xa9" };

	for (size_t i = 0; i < ELEMENTSOF(samples); i++) {
		_cleanup_free_ char *enc = oscscan_encode_field(samples[i]);
		_cleanup_free_ char *dec = xmalloc(strlen(enc) + 1);

		ck_assert_msg(!strpbrk(enc, ";\x07\x1b\x18\x1a"), "'%s' kept a special byte", enc);
		oscscan_decode_line(enc, strlen(enc), dec);
		ck_assert_str_eq(dec, samples[i]);
	}
}
END_TEST

START_TEST(veto_mark_scans_back)
{
	_cleanup_free_ char *mark = oscscan_veto_mark("echo 'a;b' \x1b[31m", "rule 'x'");
	struct log l = scan_whole(mark);

	ck_assert_str_eq(l.text, "V echo 'a;b' \x1b[31m | rule 'x'\n");
	free(mark);
	mark = oscscan_veto_mark("ls", NULL);
	ck_assert_str_eq(mark, "\x1b]33623;veto;ls;\x07");
}
END_TEST

START_TEST(cancel_and_stray_escape_drop_the_string)
{
	/* CAN and SUB abort; the next sequence is still found. */
	ck_assert_str_eq(scan_whole("\x1b]133;A\x18\x1b]133;B\x07").text, "B\n");
	ck_assert_str_eq(scan_whole("\x1b]133;A\x1a\x1b]133;C\x07").text, "C\n");
	/* ESC that is not ST ends the string unreported and starts a new one. */
	ck_assert_str_eq(scan_whole("\x1b]133;A\x1b]133;D;1\x07").text, "D 1\n");
	ck_assert_str_eq(scan_whole("\x1b]133;A\x1b[0m\x1b]133;B\x07").text, "B\n");
	/* Doubled ESC before ']' still starts an OSC. */
	ck_assert_str_eq(scan_whole("\x1b\x1b]133;C\x07").text, "C\n");
	/* A CSI or a plain ']' in text is not an OSC. */
	ck_assert_str_eq(scan_whole("a]133;A\x07\x1b[]133;A\x07").text, "");
}
END_TEST

static void record_length(const struct oscscan_event *ev, void *userdata)
{
	*(size_t *)userdata = ev->text_len;
}

START_TEST(string_over_the_cap_is_dropped)
{
	size_t n = OSCSCAN_MAX_STRING + 16;
	_cleanup_free_ char *big = xmalloc(n + 64);
	struct oscscan s;
	size_t got = 0;

	strcpy(big, "\x1b]633;E;");
	memset(big + 8, 'x', n);
	strcpy(big + 8 + n, "\x07\x1b]133;C\x07");
	ck_assert_str_eq(scan_whole(big).text, "C\n");

	/* A payload of exactly the cap ("633;E;" plus text) is still reported. */
	strcpy(big, "\x1b]633;E;");
	memset(big + 8, 'y', OSCSCAN_MAX_STRING - 6);
	strcpy(big + 8 + OSCSCAN_MAX_STRING - 6, "\x07");
	oscscan_init(&s, record_length, &got);
	oscscan_feed(&s, big, strlen(big));
	oscscan_done(&s);
	ck_assert_uint_eq(got, OSCSCAN_MAX_STRING - 6);
}
END_TEST

START_TEST(large_foreign_osc_is_not_buffered)
{
	size_t n = 1 << 20;
	_cleanup_free_ char *big = xmalloc(n + 64);
	struct oscscan s;
	struct log l = { 0 };

	strcpy(big, "\x1b]52;c;");
	memset(big + 7, 'A', n);
	strcpy(big + 7 + n, "\x07\x1b]133;B\x07");
	oscscan_init(&s, log_event, &l);
	oscscan_feed(&s, big, strlen(big));
	ck_assert_uint_le(s.cap, 256);
	oscscan_done(&s);
	ck_assert_str_eq(l.text, "B\n");
}
END_TEST

/* Timeline tests: records built from the marks. */

static void count_end(const struct timeline_command *cmd, void *userdata)
{
	(*(int *)userdata)++;
}

START_TEST(timeline_records_one_command)
{
	struct timeline t;
	const struct timeline_command *c;
	int ended = 0;
	static const char part1[] = "\x1b]7;file://h/work\x07\x1b]133;A\x07$ \x1b]133;B\x07"
				    "\x1b]633;E;curl http://blocked.test\x07\x1b]13";
	static const char part2[] = "3;C\x07output\x1b]133;D;56\x07";

	timeline_init(&t, 0, count_end, &ended);
	timeline_feed(&t, part1, strlen(part1), 1000);
	ck_assert_ptr_null(timeline_current(&t));
	timeline_feed(&t, part2, 3, 2000);
	ck_assert_ptr_null(timeline_current(&t));
	timeline_feed(&t, part2 + 3, 1, 3000);
	c = timeline_current(&t);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->text, "curl http://blocked.test");
	ck_assert_str_eq(c->cwd, "/work");
	ck_assert_int_eq(c->start_ms, 3000);
	ck_assert_int_eq(c->status, -1);
	timeline_feed(&t, part2 + 4, strlen(part2) - 4, 4000);
	ck_assert_ptr_null(timeline_current(&t));
	ck_assert_int_eq(ended, 1);
	ck_assert_uint_eq(timeline_count(&t), 1);
	c = timeline_get(&t, 0);
	ck_assert_uint_eq(c->id, 1);
	ck_assert_int_eq(c->end_ms, 4000);
	ck_assert_int_eq(c->status, 56);
	ck_assert_ptr_eq(timeline_find(&t, 1), c);
	ck_assert_ptr_null(timeline_find(&t, 2));
	timeline_done(&t);
}
END_TEST

START_TEST(timeline_start_without_end_closes_previous)
{
	struct timeline t;
	static const char marks[] = "\x1b]633;E;sleep 9\x07\x1b]133;C\x07"
				    "\x1b]133;C\x07\x1b]133;D;0\x07";

	timeline_init(&t, 0, NULL, NULL);
	timeline_feed(&t, marks, strlen(marks), 5);
	ck_assert_uint_eq(timeline_count(&t), 2);
	ck_assert_str_eq(timeline_get(&t, 0)->text, "sleep 9");
	ck_assert_int_eq(timeline_get(&t, 0)->status, -1);
	ck_assert_int_eq(timeline_get(&t, 0)->end_ms, 5);
	ck_assert_str_eq(timeline_get(&t, 1)->text, "");
	ck_assert_ptr_null(timeline_get(&t, 1)->cwd);
	ck_assert_int_eq(timeline_get(&t, 1)->status, 0);
	timeline_done(&t);
}
END_TEST

START_TEST(timeline_ring_drops_oldest)
{
	struct timeline t;

	timeline_init(&t, 3, NULL, NULL);
	for (int i = 0; i < 5; i++) {
		char marks[128];

		snprintf(marks, sizeof(marks), "\x1b]633;E;cmd %d\x07\x1b]133;C\x07\x1b]133;D;%d\x07",
			 i, i);
		timeline_feed(&t, marks, strlen(marks), i);
	}
	ck_assert_uint_eq(timeline_count(&t), 3);
	ck_assert_str_eq(timeline_get(&t, 0)->text, "cmd 2");
	ck_assert_str_eq(timeline_get(&t, 2)->text, "cmd 4");
	ck_assert_ptr_null(timeline_get(&t, 3));
	ck_assert_ptr_null(timeline_find(&t, 2));
	ck_assert_str_eq(timeline_find(&t, 4)->text, "cmd 3");
	timeline_done(&t);
}
END_TEST

START_TEST(timeline_json_has_nulls_for_unknowns)
{
	struct timeline_command c = {
		.id = 7, .text = "echo \"hi\"", .cwd = NULL, .start_ms = 10, .status = -1,
	};
	_cleanup_free_ char *j = timeline_command_json(&c);

	ck_assert_str_eq(j, "{\"id\":7,\"command\":\"echo \\\"hi\\\"\",\"cwd\":null,"
			    "\"start\":10,\"end\":null,\"status\":null}");
}
END_TEST

START_TEST(timeline_violations_carry_command)
{
	struct timeline t;
	const struct timeline_violation *v;
	static const char start[] = "\x1b]633;E;curl http://x.test\x07\x1b]133;C\x07";
	static const char end[] = "\x1b]133;D;56\x07";
	_cleanup_free_ char *j = NULL;

	timeline_init(&t, 0, NULL, NULL);
	v = timeline_add_violation(&t, 5, "net", "early.test:80", NULL);
	ck_assert_uint_eq(v->command_id, 0);
	ck_assert_ptr_null(v->command);

	timeline_feed(&t, start, strlen(start), 100);
	v = timeline_add_violation(&t, 150, "net", "x.test:80", "not in allowedDomains");
	ck_assert_uint_eq(v->command_id, 1);
	ck_assert_str_eq(v->command, "curl http://x.test");
	timeline_feed(&t, end, strlen(end), 200);

	/* An event that arrives just after the end mark still belongs to it. */
	v = timeline_add_violation(&t, 200 + TIMELINE_LATE_MS, "net", "late.test:80", NULL);
	ck_assert_uint_eq(v->command_id, 1);
	v = timeline_add_violation(&t, 201 + TIMELINE_LATE_MS, "net", "later.test:80", NULL);
	ck_assert_uint_eq(v->command_id, 0);

	ck_assert_uint_eq(timeline_violation_count(&t), 4);
	j = timeline_violation_json(timeline_violation_get(&t, 1));
	ck_assert_str_eq(j, "{\"time\":150,\"kind\":\"net\",\"target\":\"x.test:80\","
			    "\"detail\":\"not in allowedDomains\",\"command_id\":1,"
			    "\"command\":\"curl http://x.test\"}");
	ck_assert_ptr_null(timeline_violation_get(&t, 4));
	timeline_done(&t);
}
END_TEST

START_TEST(timeline_violation_ring_drops_oldest)
{
	struct timeline t;

	timeline_init(&t, 0, NULL, NULL);
	for (int i = 0; i < TIMELINE_MAX_VIOLATIONS + 3; i++) {
		char target[32];

		snprintf(target, sizeof(target), "h%d", i);
		timeline_add_violation(&t, i, "net", target, NULL);
	}
	ck_assert_uint_eq(timeline_violation_count(&t), TIMELINE_MAX_VIOLATIONS);
	ck_assert_str_eq(timeline_violation_get(&t, 0)->target, "h3");
	timeline_done(&t);
}
END_TEST

/* Veto callback: count the calls and keep the last dropped count. */
struct vetoes {
	int calls;
	uint64_t dropped;
	char last[64];
};

static void on_veto(const struct timeline_violation *v, uint64_t dropped, void *userdata)
{
	struct vetoes *vs = userdata;

	vs->calls++;
	vs->dropped = dropped;
	snprintf(vs->last, sizeof(vs->last), "%s|%s|%s|%s", v->kind, v->target,
		 v->detail ? v->detail : "-", v->command ? v->command : "-");
}

START_TEST(timeline_veto_is_a_violation_under_its_line)
{
	struct timeline t;
	struct vetoes vs = { 0 };
	static const char prev[] = "\x1b]633;E;ls\x07\x1b]133;C\x07\x1b]133;D;0\x07";
	static const char veto[] = "\x1b]33623;veto;git push;command.deny 'git push'\x07";
	const struct timeline_violation *v;

	timeline_init(&t, 0, NULL, NULL);
	timeline_set_veto_callback(&t, on_veto, &vs);
	timeline_feed(&t, prev, strlen(prev), 100);
	/* Within TIMELINE_LATE_MS of 'ls', yet the veto belongs to its own line. */
	timeline_feed(&t, veto, strlen(veto), 150);
	ck_assert_int_eq(vs.calls, 1);
	ck_assert_str_eq(vs.last, "command|git push|command.deny 'git push'|git push");
	v = timeline_violation_get(&t, 0);
	ck_assert_uint_eq(v->command_id, 0);
	ck_assert_int_eq(v->time_ms, 150);
	timeline_done(&t);
}
END_TEST

START_TEST(timeline_vetoes_are_rate_limited)
{
	struct timeline t;
	struct vetoes vs = { 0 };
	static const char veto[] = "\x1b]33623;veto;x;y\x07";

	timeline_init(&t, 0, NULL, NULL);
	timeline_set_veto_callback(&t, on_veto, &vs);
	for (int i = 0; i < 1000; i++)
		timeline_feed(&t, veto, strlen(veto), 5000);
	ck_assert_int_eq(vs.calls, TIMELINE_VETO_BURST);
	ck_assert_uint_eq(timeline_violation_count(&t), TIMELINE_VETO_BURST);

	/* One more per interval, and the callback learns how many were dropped. */
	timeline_feed(&t, veto, strlen(veto), 5000 + TIMELINE_VETO_INTERVAL_MS - 1);
	ck_assert_int_eq(vs.calls, TIMELINE_VETO_BURST);
	timeline_feed(&t, veto, strlen(veto), 5000 + TIMELINE_VETO_INTERVAL_MS);
	ck_assert_int_eq(vs.calls, TIMELINE_VETO_BURST + 1);
	ck_assert_uint_eq(vs.dropped, 1000 - TIMELINE_VETO_BURST + 1);
	timeline_feed(&t, veto, strlen(veto), 5000 + TIMELINE_VETO_INTERVAL_MS);
	ck_assert_int_eq(vs.calls, TIMELINE_VETO_BURST + 1);

	/* After a long quiet spell the whole burst is back, and no more. */
	for (int i = 0; i < 100; i++)
		timeline_feed(&t, veto, strlen(veto), 1000000);
	ck_assert_int_eq(vs.calls, 2 * TIMELINE_VETO_BURST + 1);
	timeline_done(&t);
}
END_TEST

START_TEST(timeline_veto_text_is_cut)
{
	struct timeline t;
	size_t n = TIMELINE_VETO_MAX_LINE + 100;
	_cleanup_free_ char *mark = xmalloc(n + 64);
	const struct timeline_violation *v;
	char *p = mark;

	p += sprintf(p, "\x1b]33623;veto;");
	/* Two-byte characters, so that the cut has to step back one byte. */
	for (size_t i = 0; i + 1 < n; i += 2)
		p += sprintf(p, "\xc3\xa9");
	p += sprintf(p, ";r\x07");
	timeline_init(&t, 0, NULL, NULL);
	timeline_feed(&t, mark, strlen(mark), 1);
	v = timeline_violation_get(&t, 0);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_le(strlen(v->target), TIMELINE_VETO_MAX_LINE);
	ck_assert_uint_eq(strlen(v->target) % 2, 0);
	ck_assert_str_eq(v->detail, "r");
	timeline_done(&t);
}
END_TEST

static Suite *oscscan_suite(void)
{
	Suite *s = suite_create("oscscan");
	TCase *tc = tcase_create("scanner");
	TCase *tl = tcase_create("timeline");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, whole_read_decodes_every_mark);
	tcase_add_test(tc, every_split_offset_gives_same_events);
	tcase_add_test(tc, every_pair_of_offsets_gives_same_events);
	tcase_add_test(tc, byte_by_byte_gives_same_events);
	tcase_add_test(tc, status_variants);
	tcase_add_test(tc, unknown_marks_are_ignored);
	tcase_add_test(tc, cwd_needs_file_scheme_and_path);
	tcase_add_test(tc, command_line_escapes_decode);
	tcase_add_test(tc, cancel_and_stray_escape_drop_the_string);
	tcase_add_test(tc, string_over_the_cap_is_dropped);
	tcase_add_test(tc, large_foreign_osc_is_not_buffered);
	tcase_add_test(tc, veto_marks_decode);
	tcase_add_test(tc, encoded_fields_round_trip);
	tcase_add_test(tc, veto_mark_scans_back);
	suite_add_tcase(s, tc);

	tcase_add_test(tl, timeline_records_one_command);
	tcase_add_test(tl, timeline_start_without_end_closes_previous);
	tcase_add_test(tl, timeline_ring_drops_oldest);
	tcase_add_test(tl, timeline_json_has_nulls_for_unknowns);
	tcase_add_test(tl, timeline_violations_carry_command);
	tcase_add_test(tl, timeline_violation_ring_drops_oldest);
	tcase_add_test(tl, timeline_veto_is_a_violation_under_its_line);
	tcase_add_test(tl, timeline_vetoes_are_rate_limited);
	tcase_add_test(tl, timeline_veto_text_is_cut);
	suite_add_tcase(s, tl);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(oscscan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
