/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_protocol.c: frame decoding and control payload checks.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "session/protocol.h"
#include "util/util.h"

/* Build a frame with the header fields given, for malformed cases. */
static size_t raw_frame(uint8_t *out, uint32_t len, uint8_t type, uint8_t flags,
			const char *payload)
{
	proto_header_write(out, type, len);
	out[5] = flags;
	if (payload)
		memcpy(out + PROTO_HEADER_SIZE, payload, strlen(payload));
	return PROTO_HEADER_SIZE + (payload ? strlen(payload) : 0);
}

START_TEST(decoder_splits_frames_fed_byte_by_byte)
{
	struct proto_decoder d = {0};
	struct proto_frame f;
	size_t n1, n2;
	_cleanup_free_ uint8_t *a = proto_frame_build(PROTO_INPUT, "abc", 3, &n1);
	_cleanup_free_ uint8_t *b = proto_frame_build(PROTO_DETACH, NULL, 0, &n2);
	uint8_t all[64];
	int got = 0;

	memcpy(all, a, n1);
	memcpy(all + n1, b, n2);
	for (size_t i = 0; i < n1 + n2; i++) {
		ck_assert_int_eq(proto_decoder_feed(&d, all + i, 1), 0);
		while (proto_decoder_next(&d, &f) == 1) {
			if (got == 0) {
				ck_assert_int_eq(f.type, PROTO_INPUT);
				ck_assert_uint_eq(f.len, 3);
				ck_assert(memcmp(f.payload, "abc", 3) == 0);
			} else {
				ck_assert_int_eq(f.type, PROTO_DETACH);
				ck_assert_uint_eq(f.len, 0);
			}
			got++;
		}
	}
	ck_assert_int_eq(got, 2);
	proto_decoder_done(&d);
}
END_TEST

START_TEST(decoder_rejects_oversized_length)
{
	struct proto_decoder d = {0};
	struct proto_frame f;
	uint8_t buf[16];
	size_t n = raw_frame(buf, PROTO_MAX_PAYLOAD + 1, PROTO_INPUT, 0, NULL);

	proto_decoder_feed(&d, buf, n);
	ck_assert_int_eq(proto_decoder_next(&d, &f), -EMSGSIZE);
	proto_decoder_done(&d);
}
END_TEST

START_TEST(decoder_rejects_unknown_type_and_flags)
{
	struct proto_decoder d = {0}, e = {0};
	struct proto_frame f;
	uint8_t buf[16];
	size_t n;

	n = raw_frame(buf, 0, 0x7f, 0, NULL);
	proto_decoder_feed(&d, buf, n);
	ck_assert_int_eq(proto_decoder_next(&d, &f), -EPROTO);
	n = raw_frame(buf, 0, PROTO_DETACH, 1, NULL);
	proto_decoder_feed(&e, buf, n);
	ck_assert_int_eq(proto_decoder_next(&e, &f), -EPROTO);
	proto_decoder_done(&d);
	proto_decoder_done(&e);
}
END_TEST

START_TEST(decoder_waits_for_a_truncated_frame)
{
	struct proto_decoder d = {0};
	struct proto_frame f;
	uint8_t buf[32];
	size_t n = raw_frame(buf, 10, PROTO_INPUT, 0, "abc");

	proto_decoder_feed(&d, buf, n);
	ck_assert_int_eq(proto_decoder_next(&d, &f), 0);
	proto_decoder_done(&d);
}
END_TEST

START_TEST(decoder_caps_undecoded_bytes)
{
	struct proto_decoder d = {0};
	_cleanup_free_ uint8_t *junk = xcalloc(1, PROTO_MAX_PAYLOAD);

	ck_assert_int_eq(proto_decoder_feed(&d, junk, PROTO_MAX_PAYLOAD), 0);
	ck_assert_int_eq(proto_decoder_feed(&d, junk, PROTO_MAX_PAYLOAD), -EMSGSIZE);
	proto_decoder_done(&d);
}
END_TEST

/* A payload literal and its length. */
#define P(s) (const uint8_t *)(s), strlen(s)

#define PARSE_HELLO(s, h) proto_parse_hello((const uint8_t *)(s), strlen(s), (h))

START_TEST(hello_accepts_a_terminal)
{
	struct proto_hello h;

	ck_assert_int_eq(PARSE_HELLO("{\"proto\":1,\"role\":\"tty\",\"rows\":24,\"cols\":80,"
				     "\"term\":\"xterm-256color\",\"readonly\":true}",
				     &h),
			 0);
	ck_assert_int_eq(h.role, PROTO_ROLE_TTY);
	ck_assert_int_eq(h.rows, 24);
	ck_assert_int_eq(h.cols, 80);
	ck_assert_str_eq(h.term, "xterm-256color");
	ck_assert(h.readonly);
}
END_TEST

START_TEST(hello_rejects_bad_fields)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"proto\":1}",
		"{\"proto\":1,\"role\":\"root\"}",
		"{\"proto\":1,\"role\":\"tty\",\"rows\":0,\"cols\":80,\"term\":\"x\"}",
		"{\"proto\":1,\"role\":\"tty\",\"rows\":24,\"cols\":100000,\"term\":\"x\"}",
		"{\"proto\":1,\"role\":\"tty\",\"rows\":24,\"cols\":80,\"term\":\"x\\u001b]\"}",
		"{\"proto\":1,\"role\":\"tty\",\"rows\":24,\"cols\":80,\"term\":\"\"}",
		"{\"proto\":1,\"role\":\"tty\",\"rows\":\"24\",\"cols\":80,\"term\":\"x\"}",
		"{\"proto\":1,\"role\":\"ctl\",\"readonly\":1}",
		"{\"proto\":1,\"role\":\"ctl\"} trailing",
	};
	struct proto_hello h;

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_msg(PARSE_HELLO(bad[i], &h) == -EBADMSG, "accepted: %s", bad[i]);
}
END_TEST

START_TEST(hello_reports_another_version)
{
	struct proto_hello h;

	ck_assert_int_eq(PARSE_HELLO("{\"proto\":2,\"role\":\"ctl\"}", &h), -EPROTONOSUPPORT);
	ck_assert_int_eq(h.proto, 2);
}
END_TEST

START_TEST(command_and_exit_payloads_parse)
{
	struct proto_command c;
	int rows, cols, status;

	ck_assert_int_eq(proto_parse_command(P("{\"cmd\":\"capture\",\"scrollback\":true}"), &c),
			 0);
	ck_assert_int_eq(c.cmd, PROTO_CMD_CAPTURE);
	ck_assert(c.scrollback);
	ck_assert_int_eq(proto_parse_command(P("{\"cmd\":\"shutdown\"}"), &c),
			 -EBADMSG);
	ck_assert_int_eq(proto_parse_resize(P("{\"rows\":30,\"cols\":100}"),
					    &rows, &cols),
			 0);
	ck_assert_int_eq(rows, 30);
	ck_assert_int_eq(cols, 100);
	ck_assert_int_eq(proto_parse_exit(P("{\"code\":0,\"signal\":9}"), &status),
			 0);
	ck_assert_int_eq(status, 137);
	ck_assert_int_eq(proto_parse_exit(P("{\"code\":3,\"signal\":0}"), &status),
			 0);
	ck_assert_int_eq(status, 3);
}
END_TEST

static Suite *protocol_suite(void)
{
	Suite *s = suite_create("protocol");
	TCase *dec = tcase_create("decoder");
	TCase *payload = tcase_create("payloads");

	tcase_set_timeout(dec, 10);
	tcase_add_test(dec, decoder_splits_frames_fed_byte_by_byte);
	tcase_add_test(dec, decoder_rejects_oversized_length);
	tcase_add_test(dec, decoder_rejects_unknown_type_and_flags);
	tcase_add_test(dec, decoder_waits_for_a_truncated_frame);
	tcase_add_test(dec, decoder_caps_undecoded_bytes);
	suite_add_tcase(s, dec);
	tcase_set_timeout(payload, 10);
	tcase_add_test(payload, hello_accepts_a_terminal);
	tcase_add_test(payload, hello_rejects_bad_fields);
	tcase_add_test(payload, hello_reports_another_version);
	tcase_add_test(payload, command_and_exit_payloads_parse);
	suite_add_tcase(s, payload);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(protocol_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
