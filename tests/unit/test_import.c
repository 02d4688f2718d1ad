/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_import.c: Claude Code and sandbox-runtime settings to
 * fence configuration.
 *
 * Each sample tests/data/import/NAME.json has the expected configuration
 * in NAME.expected.json and the expected warnings in NAME.warnings;
 * `FENCE_UPDATE_GOLDEN=1 build/tests/test_import` rewrites both.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "policy/policy.h"
#include "util/util.h"

#include "golden.h"

enum source {
	SOURCE_CLAUDE,
	SOURCE_SRT,
};

static int run_import(enum source source, const char *text, struct import_result *r, char **error)
{
	if (source == SOURCE_CLAUDE)
		return import_claude("settings.json", text, strlen(text), "/home/ana/project", r,
				     error);
	return import_srt("settings.json", text, strlen(text), r, error);
}

/* The converted configuration must load in fence without a warning. */
static void assert_loads(const char *name, const char *json)
{
	_cleanup_free_ char *error = NULL;
	struct config_result res;

	ck_assert_msg(config_load_string(name, NULL, json, &res, &error) == 0, "%s", error);
	ck_assert_msg(res.warnings.n == 0, "%s", res.warnings.n ? res.warnings.v[0] : "");
	config_result_done(&res);
}

/* Convert tests/data/import/NAME.json and compare with its golden files. */
static void check_sample(enum source source, const char *name, const char *extends)
{
	_cleanup_free_ char *input_name = xasprintf("import/%s.json", name);
	_cleanup_free_ char *config_name = xasprintf("import/%s.expected.json", name);
	_cleanup_free_ char *warnings_name = xasprintf("import/%s.warnings", name);
	_cleanup_free_ char *text = golden_read_data(input_name);
	_cleanup_free_ char *json = NULL;
	_cleanup_free_ char *warnings = NULL;
	char *error = NULL;
	struct import_result r;
	size_t len = 0;
	FILE *out;

	ck_assert_msg(run_import(source, text, &r, &error) == 0, "import failed: %s", error);
	json = import_to_json(&r.config, extends);
	golden_assert(config_name, json);
	assert_loads(config_name, json);

	out = open_memstream(&warnings, &len);
	for (size_t i = 0; i < r.warnings.n; i++)
		fprintf(out, "%s\n", r.warnings.v[i]);
	fclose(out);
	golden_assert(warnings_name, warnings);
	import_result_done(&r);
}

START_TEST(claude_sample_converts)
{
	check_sample(SOURCE_CLAUDE, "claude-settings", "code");
}
END_TEST

START_TEST(srt_sample_converts)
{
	check_sample(SOURCE_SRT, "srt-settings", NULL);
}
END_TEST

START_TEST(srt_all_sockets_sample_converts)
{
	check_sample(SOURCE_SRT, "srt-all-sockets", NULL);
}
END_TEST

START_TEST(claude_ask_becomes_deny)
{
	struct import_result r;
	char *error = NULL;
	const char *text = "{\"permissions\": {\"ask\": [\"Bash(git push:*)\", \"Read(.env)\"]}}";

	ck_assert_int_eq(run_import(SOURCE_CLAUDE, text, &r, &error), 0);
	ck_assert_uint_eq(r.config.command.deny.n, 1);
	ck_assert_str_eq(r.config.command.deny.v[0], "git push");
	ck_assert_uint_eq(r.config.filesystem.deny_read.n, 1);
	ck_assert_str_eq(r.config.filesystem.deny_read.v[0], ".env");
	ck_assert_uint_eq(r.warnings.n, 2);
	ck_assert_ptr_nonnull(strstr(r.warnings.v[0], "became a deny rule"));
	import_result_done(&r);
}
END_TEST

START_TEST(claude_path_forms)
{
	struct import_result r;
	char *error = NULL;
	const char *text = "{\"permissions\": {\"allow\": [\"Edit(//abs/x)\", \"Edit(~/h)\", "
			   "\"Edit(/rel/y)\", \"Edit(./cwd)\", \"Write(plain/**)\"]}}";

	ck_assert_int_eq(run_import(SOURCE_CLAUDE, text, &r, &error), 0);
	ck_assert_uint_eq(r.config.filesystem.allow_write.n, 5);
	ck_assert_str_eq(r.config.filesystem.allow_write.v[0], "/abs/x");
	ck_assert_str_eq(r.config.filesystem.allow_write.v[1], "~/h");
	ck_assert_str_eq(r.config.filesystem.allow_write.v[2], "/home/ana/project/rel/y");
	ck_assert_str_eq(r.config.filesystem.allow_write.v[3], "./cwd");
	ck_assert_str_eq(r.config.filesystem.allow_write.v[4], "plain/**");
	ck_assert_uint_eq(r.warnings.n, 0);
	import_result_done(&r);
}
END_TEST

START_TEST(bad_input_reports_position)
{
	static const struct {
		enum source source;
		const char *text, *error;
	} cases[] = {
	    {SOURCE_CLAUDE, "{\n  \"permissions\": {\n    \"allow\": [\"Bash(ls)\",, ]\n  }\n}",
	     "settings.json:3:26: expected a value, found ','"},
	    {SOURCE_CLAUDE, "{\"permissions\": {}",
	     "settings.json:1:19: expected ',' or '}'"},
	    {SOURCE_SRT, "{} {}", "settings.json:1:4: unexpected '{' after the top-level value"},
	    {SOURCE_SRT, "", "settings.json:1:1: expected a JSON object, but the file is empty"},
	    {SOURCE_SRT, "  // only a comment\n",
	     "settings.json:1:1: expected a JSON object, but the file is empty"},
	    {SOURCE_SRT, "\n [1, 2]",
	     "settings.json:2:2: expected a JSON object at the top level, found a list"},
	    {SOURCE_CLAUDE, "{\"permissions\": {\"allow\": \"Bash(ls)\"}}",
	     "settings.json:1:27: permissions.allow: expected an array of strings"},
	    {SOURCE_CLAUDE, "{\"permissions\": {\"deny\": [\"Bash(ls)\", 3]}}",
	     "settings.json:1:39: permissions.deny: expected an array of strings"},
	    {SOURCE_CLAUDE, "{\"permissions\": []}",
	     "settings.json:1:17: permissions: expected an object"},
	    {SOURCE_CLAUDE, "{\"sandbox\": {\"network\": {\"allowLocalBinding\": \"yes\"}}}",
	     "settings.json:1:47: sandbox.network.allowLocalBinding: expected true or false"},
	    {SOURCE_SRT, "{\"filesystem\": {\"denyRead\": {\"a\": 1}}}",
	     "settings.json:1:29: filesystem.denyRead: expected an array of strings"},
	    {SOURCE_SRT, "{\"network\": 5}", "settings.json:1:13: network: expected an object"},
	    {SOURCE_SRT, "{\"network\": {\"allowedDomains\": [\"a.com\\u0000\"]}}",
	     "settings.json:1:45: '\\u0000' is not allowed in strings"},
	    {SOURCE_SRT, "{\"filesystem\": {\"denyRead\": [\"\xff\"]}}",
	     "settings.json:1:31: invalid UTF-8 in string"},
	    {SOURCE_SRT, "{\"network\": {\"allowedDomains\": [\"a.com\n\"]}}",
	     "settings.json:1:33: unterminated string"},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct import_result r;
		_cleanup_free_ char *error = NULL;

		ck_assert_int_eq(run_import(cases[i].source, cases[i].text, &r, &error), -EINVAL);
		ck_assert_msg(strcmp(error, cases[i].error) == 0, "case %zu: got '%s', want '%s'",
			      i, error, cases[i].error);
	}
}
END_TEST

/* A NUL byte is reported where it is, not taken as the end of the text. */
START_TEST(nul_byte_reports_position)
{
	static const char text[] = "{\"network\": {\n  \"allowedDomains\": [\"a.com\"]\0}}";
	struct import_result r;
	_cleanup_free_ char *error = NULL;

	ck_assert_int_eq(import_srt("settings.json", text, sizeof(text) - 1, &r, &error), -EINVAL);
	ck_assert_str_eq(error, "settings.json:2:30: expected ',' or '}'");
}
END_TEST

START_TEST(deep_nesting_is_an_error)
{
	size_t depth = 100000;
	_cleanup_free_ char *text = xmalloc(2 * depth + 16);
	struct import_result r;
	_cleanup_free_ char *error = NULL;
	size_t n = 0;

	n += (size_t)sprintf(text, "{\"x\": ");
	for (size_t i = 0; i < depth; i++)
		text[n++] = '[';
	for (size_t i = 0; i < depth; i++)
		text[n++] = ']';
	text[n++] = '}';
	text[n] = '\0';
	ck_assert_int_eq(run_import(SOURCE_SRT, text, &r, &error), -EINVAL);
	ck_assert_msg(strstr(error, "nesting deeper than"), "%s", error);
}
END_TEST

START_TEST(repeated_key_warns_last_wins)
{
	struct import_result r;
	_cleanup_free_ char *error = NULL;
	const char *text = "{\"network\": {\"allowLocalBinding\": true,\n"
			   "  \"allowLocalBinding\": false}}";

	ck_assert_int_eq(run_import(SOURCE_SRT, text, &r, &error), 0);
	ck_assert(!r.config.network.allow_local_binding);
	ck_assert_uint_eq(r.warnings.n, 1);
	ck_assert_str_eq(r.warnings.v[0], "settings.json:2:3: network.allowLocalBinding: repeated "
					  "key, the last one wins");
	import_result_done(&r);
}
END_TEST

START_TEST(empty_result_is_empty_object)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	_cleanup_free_ char *plain = import_to_json(&c, NULL);
	_cleanup_free_ char *extended = import_to_json(&c, "code");

	ck_assert_str_eq(plain, "{\n}\n");
	ck_assert_str_eq(extended, "{\n  \"extends\": \"code\"\n}\n");
}
END_TEST

static Suite *import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("convert");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, claude_sample_converts);
	tcase_add_test(tc, srt_sample_converts);
	tcase_add_test(tc, srt_all_sockets_sample_converts);
	tcase_add_test(tc, claude_ask_becomes_deny);
	tcase_add_test(tc, claude_path_forms);
	tcase_add_test(tc, bad_input_reports_position);
	tcase_add_test(tc, nul_byte_reports_position);
	tcase_add_test(tc, deep_nesting_is_an_error);
	tcase_add_test(tc, repeated_key_warns_last_wins);
	tcase_add_test(tc, empty_result_is_empty_object);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return golden_run_suite(import_suite());
}
