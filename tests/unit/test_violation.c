/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_violation.c: the violation bus, its JSON form and its log.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session/violation.h"
#include "util/util.h"

/* A fresh temporary directory for one test's log (owned). */
static char *temp_dir(void)
{
	char *dir = xstrdup("/tmp/fence-test-violation-XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static void remove_tree(const char *dir)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);

	ck_assert_int_eq(system(cmd), 0);
}

static const struct violation blocked = {
	.source = VIOLATION_SOURCE_HTTP,
	.kind = VIOLATION_NET,
	.action = VIOLATION_DENIED,
	.target = "example.com:443",
	.detail = "not in allowedDomains",
	.pid = 42,
	.comm = "curl",
	.command = "curl https://example.com",
	.time_ms = 1700000000123,
};

START_TEST(json_round_trip_keeps_every_field)
{
	_cleanup_free_ char *json = NULL, *strings = NULL;
	struct violation v = blocked, back;

	v.seq = 7;
	json = violation_to_json(&v);
	ck_assert_str_eq(json, "{\"seq\":7,\"time\":1700000000123,\"source\":\"http\",\"kind\":\"net\","
			       "\"action\":\"denied\",\"target\":\"example.com:443\","
			       "\"detail\":\"not in allowedDomains\",\"pid\":42,\"comm\":\"curl\","
			       "\"command\":\"curl https://example.com\"}");
	ck_assert_int_eq(violation_parse_json(json, &back, &strings), 0);
	ck_assert_uint_eq(back.seq, 7);
	ck_assert_int_eq(back.time_ms, 1700000000123);
	ck_assert_int_eq(back.source, VIOLATION_SOURCE_HTTP);
	ck_assert_int_eq(back.kind, VIOLATION_NET);
	ck_assert_str_eq(back.target, "example.com:443");
	ck_assert_str_eq(back.detail, "not in allowedDomains");
	ck_assert_int_eq(back.pid, 42);
	ck_assert_str_eq(back.comm, "curl");
	ck_assert_str_eq(back.command, "curl https://example.com");
}
END_TEST

START_TEST(json_parse_rejects_bad_lines)
{
	struct violation v;
	char *strings = NULL;

	ck_assert_int_eq(violation_parse_json("not json", &v, &strings), -EBADMSG);
	ck_assert_int_eq(violation_parse_json("[1]", &v, &strings), -EBADMSG);
	ck_assert_int_eq(violation_parse_json("{\"source\":\"nope\",\"kind\":\"net\","
					      "\"action\":\"denied\"}",
					      &v, &strings),
			 -EBADMSG);
	ck_assert_int_eq(violation_parse_json("{\"source\":\"ebpf\",\"kind\":\"file\","
					      "\"action\":\"denied\"}",
					      &v, &strings),
			 0);
	ck_assert_ptr_null(v.target);
	free(strings);
}
END_TEST

START_TEST(format_names_source_and_command)
{
	char line[256];

	violation_format(&blocked, line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "[fence:http] "));
	ck_assert_ptr_nonnull(strstr(line, " ✗ net example.com:443 (not in allowedDomains)"));
	ck_assert_ptr_nonnull(strstr(line, " pid 42 curl [curl https://example.com]"));
	ck_assert_uint_lt(violation_format(&blocked, line, 10), 10);
}
END_TEST

START_TEST(format_escapes_control_characters)
{
	struct violation v = blocked;
	char line[256];

	v.command = "ls \x1b]0;TITLE\x07\x1b[2J \xc2\x9b" "31m caf\xc3\xa9";
	violation_format(&v, line, sizeof(line));
	ck_assert_ptr_null(strchr(line, '\x1b'));
	ck_assert_ptr_null(strchr(line, '\x07'));
	ck_assert_ptr_null(strstr(line, "\xc2\x9b"));
	ck_assert_ptr_nonnull(strstr(line, "[ls \\x1b]0;TITLE\\x07\\x1b[2J \\x9b31m caf\xc3\xa9]"));
}
END_TEST

static const char *command_now(int64_t time_ms, void *userdata)
{
	return userdata;
}

static void count_calls(const struct violation *v, void *userdata)
{
	(*(int *)userdata)++;
}

START_TEST(bus_ring_drops_oldest_and_fills_command)
{
	struct violation_bus_options o = {.ring_max = 3, .command_at = command_now,
					  .userdata = "make test"};
	struct violation_bus *b = violation_bus_new(&o, NULL);
	struct violation v = blocked;
	int calls = 0;
	unsigned sub;

	v.command = NULL;
	sub = violation_bus_subscribe(b, count_calls, &calls);
	for (int i = 0; i < 5; i++)
		violation_bus_post(b, &v);
	ck_assert_uint_eq(violation_bus_count(b), 3);
	ck_assert_uint_eq(violation_bus_total(b), 5);
	ck_assert_uint_eq(violation_bus_get(b, 0)->seq, 3);
	ck_assert_uint_eq(violation_bus_get(b, 2)->seq, 5);
	ck_assert_str_eq(violation_bus_get(b, 2)->command, "make test");
	ck_assert_ptr_null(violation_bus_get(b, 3));
	ck_assert_int_eq(calls, 5);
	violation_bus_unsubscribe(b, sub);
	violation_bus_post(b, &v);
	ck_assert_int_eq(calls, 5);
	violation_bus_free(b);
}
END_TEST

struct collected {
	int n;
	uint64_t first_seq, last_seq;
};

static void collect(const struct violation *v, void *userdata)
{
	struct collected *c = userdata;

	if (c->n++ == 0)
		c->first_seq = v->seq;
	c->last_seq = v->seq;
}

START_TEST(log_rotates_and_keeps_newest)
{
	_cleanup_free_ char *dir = temp_dir();
	_cleanup_free_ char *path = xasprintf("%s/sub/s.jsonl", dir);
	struct violation_bus_options o = {.log_path = path, .log_max = 2048};
	struct violation_bus *b;
	struct collected c = {0};
	char *error = NULL;
	struct stat st;

	b = violation_bus_new(&o, &error);
	ck_assert_ptr_null(error);
	for (int i = 0; i < 100; i++)
		violation_bus_post(b, &blocked);
	ck_assert(!violation_bus_log_failed(b));
	violation_bus_free(b);

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_le(st.st_size, 2048);
	ck_assert_int_gt(violation_log_read(path, 0, collect, &c), 0);
	ck_assert_uint_eq(c.last_seq, 100);
	ck_assert_uint_eq(c.last_seq - c.first_seq + 1, (uint64_t)c.n);

	/* A new bus on the same log goes on with the sequence. */
	b = violation_bus_new(&o, NULL);
	ck_assert_uint_eq(violation_bus_post(b, &blocked)->seq, 101);
	violation_bus_free(b);
	remove_tree(dir);
}
END_TEST

START_TEST(log_read_filters_by_time)
{
	_cleanup_free_ char *dir = temp_dir();
	_cleanup_free_ char *path = xasprintf("%s/s.jsonl", dir);
	struct violation_bus_options o = {.log_path = path};
	struct violation_bus *b = violation_bus_new(&o, NULL);
	struct violation v = blocked;
	struct collected c = {0};

	v.time_ms = 1000;
	violation_bus_post(b, &v);
	v.time_ms = 5000;
	violation_bus_post(b, &v);
	violation_bus_free(b);
	ck_assert_int_eq(violation_log_read(path, 2000, collect, &c), 1);
	ck_assert_uint_eq(c.first_seq, 2);
	ck_assert_int_lt(violation_log_read("/nonexistent/x.jsonl", 0, collect, &c), 0);
	remove_tree(dir);
}
END_TEST

static Suite *violation_suite(void)
{
	Suite *s = suite_create("violation");
	TCase *tc = tcase_create("bus");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, json_round_trip_keeps_every_field);
	tcase_add_test(tc, json_parse_rejects_bad_lines);
	tcase_add_test(tc, format_names_source_and_command);
	tcase_add_test(tc, format_escapes_control_characters);
	tcase_add_test(tc, bus_ring_drops_oldest_and_fills_command);
	tcase_add_test(tc, log_rotates_and_keeps_newest);
	tcase_add_test(tc, log_read_filters_by_time);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(violation_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
