/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_config_jsonc.c: the JSONC parser: accepted forms, values,
 * and the position and text of every syntax error.
 */
#include <check.h>
#include <string.h>

#include "policy/jsonc.h"
#include "util/util.h"

/* Parse text that must be valid; the caller frees the tree. */
static struct jsonc_value *parse_ok(const char *text)
{
	struct jsonc_value *v = NULL;
	struct jsonc_error e;
	int r = jsonc_parse(text, strlen(text), &v, &e);

	ck_assert_msg(r == 1, "parse of <%s> failed: %u:%u: %s", text, e.line, e.column, e.message);
	return v;
}

START_TEST(comments_and_trailing_commas)
{
	struct jsonc_value *v = parse_ok("// leading comment\n"
					 "{ /* block\n comment */ \"a\": [1, 2, ], // after\n"
					 "  \"b\": {\"c\": true,}, }\n"
					 "/* trailing */\n");

	ck_assert_int_eq(v->type, JSONC_OBJECT);
	ck_assert_uint_eq(v->n, 2);
	ck_assert_str_eq(v->items[0].key, "a");
	ck_assert_uint_eq(v->items[0].n, 2);
	ck_assert_int_eq(v->items[0].items[1].integer, 2);
	ck_assert_str_eq(v->items[1].key, "b");
	ck_assert(v->items[1].items[0].boolean);
	jsonc_free(v);
}
END_TEST

START_TEST(positions_of_keys_and_values)
{
	struct jsonc_value *v = parse_ok("{\n  \"key\": \"value\",\n\t\"n\":  42\n}");

	ck_assert_uint_eq(v->line, 1);
	ck_assert_uint_eq(v->column, 1);
	ck_assert_uint_eq(v->items[0].key_line, 2);
	ck_assert_uint_eq(v->items[0].key_column, 3);
	ck_assert_uint_eq(v->items[0].line, 2);
	ck_assert_uint_eq(v->items[0].column, 10);
	ck_assert_uint_eq(v->items[1].line, 3);
	ck_assert_uint_eq(v->items[1].column, 8);
	jsonc_free(v);
}
END_TEST

START_TEST(columns_count_characters_not_bytes)
{
	struct jsonc_value *v = parse_ok("{\"é\": \"ü\", \"x\": 1}");

	/* 'é' and 'ü' are two bytes each but one column. */
	ck_assert_uint_eq(v->items[1].key_column, 12);
	jsonc_free(v);
}
END_TEST

START_TEST(string_escapes_decode)
{
	struct jsonc_value *v = parse_ok("[\"a\\\"b\\\\c\\/d\\n\\t\", \"\\u00e9\\ud83d\\ude00\"]");

	ck_assert_str_eq(v->items[0].string, "a\"b\\c/d\n\t");
	ck_assert_str_eq(v->items[1].string, "\xc3\xa9\xf0\x9f\x98\x80");
	jsonc_free(v);
}
END_TEST

START_TEST(numbers_integer_and_not)
{
	struct jsonc_value *v = parse_ok("[0, -7, 1.5, 2e3, 99999999999999999999]");

	ck_assert(v->items[0].is_integer);
	ck_assert_int_eq(v->items[1].integer, -7);
	ck_assert(!v->items[2].is_integer);
	ck_assert(!v->items[3].is_integer);
	ck_assert(!v->items[4].is_integer);
	jsonc_free(v);
}
END_TEST

START_TEST(empty_text_is_absent)
{
	static const char *const texts[] = { "", "  \n\t", "// only a comment\n", "/* x */", "\xEF\xBB\xBF" };

	for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
		struct jsonc_value *v = (void *)1;
		struct jsonc_error e;

		ck_assert_int_eq(jsonc_parse(texts[i], strlen(texts[i]), &v, &e), 0);
		ck_assert_ptr_null(v);
	}
}
END_TEST

START_TEST(repeated_keys_are_kept_in_order)
{
	struct jsonc_value *v = parse_ok("{\"a\": 1, \"a\": 2}");

	ck_assert_uint_eq(v->n, 2);
	ck_assert_int_eq(v->items[1].integer, 2);
	jsonc_free(v);
}
END_TEST

/* Each bad text with the error's line, column and message. */
static const struct {
	const char *text;
	unsigned line, column;
	const char *message;
} bad[] = {
	{ "{\"a\": 1\n \"b\": 2}", 1, 8, "expected ',' or '}'" },
	{ "[1 2]", 1, 3, "expected ',' or ']'" },
	{ "{\"a\" 1}", 1, 6, "expected ':' after the key, found '1'" },
	{ "{a: 1}", 1, 2, "expected a quoted key or '}', found 'a'" },
	{ "{\"a\": }", 1, 7, "expected a value, found '}'" },
	{ "[,]", 1, 2, "expected a value, found ','" },
	{ "{\"a\": 1", 1, 8, "expected ',' or '}'" },
	{ "\"abc", 1, 1, "unterminated string" },
	{ "\"a\nb\"", 1, 1, "unterminated string" },
	{ "/* x", 1, 1, "unterminated comment" },
	{ "{} x", 1, 4, "unexpected 'x' after the top-level value" },
	{ "[\"\\q\"]", 1, 4,
	  "invalid escape in string; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u" },
	{ "[\"\\u12\"]", 1, 7, "expected four hex digits after '\\u'" },
	{ "[\"\\ud800\"]", 1, 9, "unpaired UTF-16 surrogate in '\\u' escape" },
	{ "[\"\\u0000\"]", 1, 9, "'\\u0000' is not allowed in strings" },
	{ "[\"a\tb\"]", 1, 4, "control character 0x09 in string; write it as an escape" },
	{ "[01]", 1, 3, "leading zeros are not allowed in numbers" },
	{ "[1.]", 1, 4, "expected a digit after '.'" },
	{ "[1e]", 1, 4, "expected a digit in the exponent" },
	{ "[-]", 1, 3, "expected a digit" },
	{ "[tru]", 1, 2, "expected a value, found 't'" },
	{ "[nullx]", 1, 2, "expected a value, found 'n'" },
	{ "{\"a\": 1 / 2}", 1, 9, "expected '//' or '/*' after '/'" },
	{ "\n\n  [1,\n   2\n   3]", 4, 5, "expected ',' or ']'" },
	{ "[\"a\xff\"]", 1, 4, "invalid UTF-8 in string" },
	{ "[\"\xc3\"]", 1, 3, "invalid UTF-8 in string" },
	{ "[\"\xc0\xaf\"]", 1, 3, "invalid UTF-8 in string" },
	{ "[\"\xed\xa0\x80\"]", 1, 3, "invalid UTF-8 in string" },
	{ "[\"\xf4\x90\x80\x80\"]", 1, 3, "invalid UTF-8 in string" },
};

START_TEST(syntax_errors_name_line_and_column)
{
	struct jsonc_value *v = NULL;
	struct jsonc_error e;
	int r = jsonc_parse(bad[_i].text, strlen(bad[_i].text), &v, &e);

	ck_assert_int_eq(r, -EINVAL);
	ck_assert_ptr_null(v);
	ck_assert_str_eq(e.message, bad[_i].message);
	ck_assert_uint_eq(e.line, bad[_i].line);
	ck_assert_uint_eq(e.column, bad[_i].column);
}
END_TEST

START_TEST(deep_nesting_is_rejected)
{
	char text[300];
	struct jsonc_value *v = NULL;
	struct jsonc_error e;

	memset(text, '[', 200);
	text[200] = '\0';
	ck_assert_int_eq(jsonc_parse(text, 200, &v, &e), -EINVAL);
	ck_assert_str_eq(e.message, "nesting deeper than 64 levels");
	ck_assert_uint_eq(e.column, 65);
}
END_TEST

START_TEST(nul_byte_in_text_is_an_error)
{
	static const char text[] = "{\"a\": \"x\0y\"}";
	struct jsonc_value *v = NULL;
	struct jsonc_error e;

	ck_assert_int_eq(jsonc_parse(text, sizeof(text) - 1, &v, &e), -EINVAL);
	ck_assert_str_eq(e.message, "control character 0x00 in string; write it as an escape");
}
END_TEST

static Suite *jsonc_suite(void)
{
	Suite *s = suite_create("jsonc");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, comments_and_trailing_commas);
	tcase_add_test(tc, positions_of_keys_and_values);
	tcase_add_test(tc, columns_count_characters_not_bytes);
	tcase_add_test(tc, string_escapes_decode);
	tcase_add_test(tc, numbers_integer_and_not);
	tcase_add_test(tc, empty_text_is_absent);
	tcase_add_test(tc, repeated_keys_are_kept_in_order);
	tcase_add_loop_test(tc, syntax_errors_name_line_and_column, 0, ELEMENTSOF(bad));
	tcase_add_test(tc, deep_nesting_is_rejected);
	tcase_add_test(tc, nul_byte_in_text_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jsonc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
