/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_violation_prompt.c: the side pane's folding and lines,
 * and the prompt's policy commands and config saving.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "policy/policy.h"
#include "session/pane.h"
#include "session/prompt.h"
#include "session/violation_session.h"
#include "util/util.h"

static struct violation record(const char *target, enum violation_kind kind)
{
	return (struct violation){
		.source = VIOLATION_SOURCE_HTTP,
		.kind = kind,
		.target = target,
		.time_ms = 1700000000000,
	};
}

START_TEST(model_folds_repeats_and_moves_them_last)
{
	struct pane_model m = {0};
	struct violation a = record("a.test:443", VIOLATION_NET);
	struct violation b = record("b.test:443", VIOLATION_NET);

	for (int i = 0; i < 10000; i++)
		pane_model_add(&m, &a);
	pane_model_add(&m, &b);
	pane_model_add(&m, &a);
	ck_assert_uint_eq(m.n, 2);
	ck_assert_str_eq(m.items[0].v.target, "b.test:443");
	ck_assert_str_eq(m.items[1].v.target, "a.test:443");
	ck_assert_uint_eq(m.items[1].count, 10001);
	pane_model_done(&m);
}
END_TEST

START_TEST(model_drops_oldest_group)
{
	struct pane_model m = {0};

	for (int i = 0; i < PANE_MODEL_MAX + 5; i++) {
		char target[32];
		struct violation v;

		snprintf(target, sizeof(target), "h%d.test:80", i);
		v = record(target, VIOLATION_NET);
		pane_model_add(&m, &v);
	}
	ck_assert_uint_eq(m.n, PANE_MODEL_MAX);
	ck_assert_str_eq(m.items[0].v.target, "h5.test:80");
	pane_model_done(&m);
}
END_TEST

START_TEST(lines_put_newest_at_bottom_with_count)
{
	struct pane_model m = {0};
	struct violation a = record("a.test:443", VIOLATION_NET);
	struct violation b = record("/etc/\033[2Jshadow", VIOLATION_FILE);
	char **lines;

	pane_model_add(&m, &a);
	pane_model_add(&m, &a);
	pane_model_add(&m, &b);
	lines = pane_build_lines(&m, "ebpf off: needs root", NULL, 6, 30, false);
	ck_assert_str_eq(lines[0], " violations (2)               ");
	ck_assert_str_eq(lines[1], "ebpf off: needs root          ");
	ck_assert_str_eq(lines[2], "                              ");
	ck_assert_int_eq((int)strlen(lines[4]), 30);
	ck_assert_ptr_nonnull(strstr(lines[4], "x net a.test:443"));
	ck_assert_ptr_nonnull(strstr(lines[4], " x2"));
	/* An escape byte in a target is shown as U+FFFD, never sent. */
	ck_assert_ptr_nonnull(strstr(lines[5], "x file /etc/\xef\xbf\xbd[2Jshado"));
	pane_lines_free(lines, 6);
	pane_model_done(&m);
}
END_TEST

START_TEST(layout_hides_the_pane_on_narrow_terminals)
{
	struct pane p;

	pane_init(&p, PANE_AUTO, 0);
	ck_assert_int_eq(pane_layout(&p, 24, 80), 80);
	ck_assert(!p.shown);
	ck_assert_int_eq(pane_layout(&p, 24, 160), 160 - PANE_DEFAULT_WIDTH - 1);
	ck_assert(p.shown);
	p.mode = PANE_ON;
	ck_assert_int_eq(pane_layout(&p, 24, 80), 80 - PANE_DEFAULT_WIDTH - 1);
	ck_assert_int_eq(pane_layout(&p, 24, 50), 50);
	p.mode = PANE_OFF;
	ck_assert_int_eq(pane_layout(&p, 24, 200), 200);
	pane_done(&p);
}
END_TEST

/* The rendered bytes as a string (owned): a render_buf has no terminator. */
static char *text_of(const struct render_buf *b)
{
	return xstrndup(b->data ? b->data : "", b->len);
}

START_TEST(render_repaints_only_changed_lines)
{
	struct pane_model m = {0};
	struct render_buf out = {0};
	struct violation a = record("a.test:443", VIOLATION_NET);
	_cleanup_free_ char *first = NULL, *second = NULL;
	struct pane p;

	pane_init(&p, PANE_ON, 20);
	pane_layout(&p, 5, 100);
	ck_assert(pane_render(&p, &m, NULL, &out));
	first = text_of(&out);
	ck_assert_ptr_nonnull(strstr(first, "\033[1;80H"));
	out.len = 0;
	ck_assert(!pane_render(&p, &m, NULL, &out));
	pane_model_add(&m, &a);
	ck_assert(pane_render(&p, &m, NULL, &out));
	second = text_of(&out);
	/* The header and the bottom row change; the rows between do not. */
	ck_assert_ptr_nonnull(strstr(second, "\033[5;80H"));
	ck_assert_ptr_null(strstr(second, "\033[3;80H"));
	ck_assert(strncmp(second, "\0337", 2) == 0);
	render_buf_done(&out);
	pane_done(&p);
	pane_model_done(&m);
}
END_TEST

static const struct strv *list(struct strv *sv, const char *a, const char *b)
{
	*sv = (struct strv){0};
	if (a)
		strv_push(sv, a);
	if (b)
		strv_push(sv, b);
	return sv;
}

START_TEST(save_text_keeps_comments_and_adds_entries)
{
	struct strv allowed, denied;
	_cleanup_free_ char *out = NULL, *flat = NULL, *none = NULL, *bad = NULL;
	const char *text = "// my config\n"
			   "{\n"
			   "  \"network\": {\n"
			   "    // work hosts\n"
			   "    \"allowedDomains\": [\n"
			   "      \"github.com\" /* code */\n"
			   "    ]\n"
			   "  }\n"
			   "}\n";

	out = prompt_save_text(text, list(&allowed, "127.0.0.1", NULL), list(&denied, NULL, NULL));
	ck_assert_str_eq(out, "// my config\n"
			      "{\n"
			      "  \"network\": {\n"
			      "    // work hosts\n"
			      "    \"allowedDomains\": [\n"
			      "      \"127.0.0.1\",\n"
			      "      \"github.com\" /* code */\n"
			      "    ]\n"
			      "  }\n"
			      "}\n");
	strv_done(&allowed);

	flat = prompt_save_text("{\"extends\": \"code\"}", list(&allowed, "a.test", "b.test"),
				list(&denied, "c.test", NULL));
	ck_assert_str_eq(flat, "{ \"network\": { \"allowedDomains\": [\"a.test\", \"b.test\"], "
			       "\"deniedDomains\": [\"c.test\"] },\"extends\": \"code\"}");
	strv_done(&allowed);
	strv_done(&denied);

	none = prompt_save_text("{\"network\": {\"allowedDomains\": []}}",
				list(&allowed, "x\"y", NULL), list(&denied, NULL, NULL));
	ck_assert_str_eq(none, "{\"network\": {\"allowedDomains\": [\"x\\\"y\"]}}");
	strv_done(&allowed);

	bad = prompt_save_text("[1, 2]", list(&allowed, "a", NULL), list(&denied, NULL, NULL));
	ck_assert_ptr_null(bad);
	strv_done(&allowed);
}
END_TEST

START_TEST(run_changes_lists_and_reports)
{
	struct fence_config c = {0};
	struct prompt_policy p;
	struct strv chain = {0}, allowed, denied;
	struct violation rec;
	bool changed;
	char *msg = NULL;

	strv_push(&c.network.allowed_domains, "github.com");
	strv_push(&c.network.denied_domains, "evil.test");
	strv_push(&chain, "template:code");
	prompt_policy_init(&p, &c, &chain);
	ck_assert_str_eq(p.template_name, "code");

	ck_assert_int_eq(prompt_run(&p, "allow 127.0.0.1", &rec, &changed, &msg), 0);
	ck_assert(changed);
	ck_assert_int_eq(rec.source, VIOLATION_SOURCE_PROMPT);
	ck_assert_int_eq(rec.action, VIOLATION_ALLOWED);
	ck_assert_str_eq(rec.target, "127.0.0.1");
	free(msg);

	ck_assert_int_eq(prompt_run(&p, "allow-once evil.test", &rec, &changed, &msg), 0);
	free(msg);
	prompt_policy_effective(&p, &allowed, &denied);
	ck_assert(strv_contains(&allowed, "127.0.0.1"));
	ck_assert(strv_contains(&allowed, "evil.test"));
	ck_assert(!strv_contains(&denied, "evil.test"));
	strv_done(&allowed);
	strv_done(&denied);

	ck_assert_int_eq(prompt_run(&p, "deny 127.0.0.1", &rec, &changed, &msg), 0);
	ck_assert_int_eq(rec.action, VIOLATION_DENIED);
	free(msg);
	ck_assert_uint_eq(p.allowed.n, 0);
	ck_assert_uint_eq(p.denied.n, 1);

	ck_assert_int_eq(prompt_run(&p, "policy", &rec, &changed, &msg), 0);
	ck_assert(!changed);
	ck_assert_ptr_nonnull(strstr(msg, "denied: 127.0.0.1\nchanged"));
	free(msg);

	ck_assert_int_eq(prompt_run(&p, "frobnicate x", &rec, &changed, &msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "unknown command 'frobnicate'"));
	free(msg);
	ck_assert_int_eq(prompt_run(&p, "allow", &rec, &changed, &msg), -EINVAL);
	free(msg);
	ck_assert_int_eq(prompt_run(&p, "allow a b", &rec, &changed, &msg), -EINVAL);
	free(msg);

	prompt_policy_done(&p);
	strv_done(&chain);
	config_done(&c);
}
END_TEST

START_TEST(ask_line_keeps_the_end_of_a_long_host)
{
	const char *host = "api.openai.com.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.evil.test";
	_cleanup_free_ char *pane = violation_ask_format(host, 80, 14, false, 40, false);
	_cleanup_free_ char *overlay = violation_ask_format(host, 80, 14, true, 70, true);
	_cleanup_free_ char *narrow = violation_ask_format(host, 80, 14, true, 46, true);
	_cleanup_free_ char *short_host = violation_ask_format("example.com", 443, 3, false, 40, false);
	_cleanup_free_ char *label = NULL, *v6 = NULL, *elided = NULL;
	char *long_label = xmalloc(64);

	ck_assert_str_eq(pane, "? api.openai.co...a.a.a.a.a.evil.test:80\n"
			       "14s y once s session A always n deny");
	ck_assert_int_le((int)strlen(overlay), 70);
	ck_assert_ptr_nonnull(strstr(overlay, "? api...."));
	ck_assert_ptr_nonnull(strstr(overlay, ".a.evil.test:80 14s y once s session A always n deny (+more)"));
	ck_assert_str_eq(narrow, "? api.o...a.a.evil.test:80 14s y/s/A/n (+more)");
	ck_assert_str_eq(short_host, "? example.com:443 3s y once s session\nA always n deny");

	/* The registrable part is never cut: a short second-level label keeps three. */
	elided = violation_ask_elide_host("www.login.example.co.uk", 17);
	ck_assert_str_eq(elided, "w...example.co.uk");
	ck_assert_ptr_null(violation_ask_elide_host("www.averyveryverylongname.com", 12));

	/* A last label too long for a line is wrapped whole, never cut. */
	memset(long_label, 'x', 63);
	long_label[63] = '\0';
	label = violation_ask_format(long_label, 80, 5, false, 40, false);
	ck_assert_str_eq(label, "? xxxxxxxxxxxxxxxxxxxxxxxxxx\n"
				"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx:80\n"
				"5s y once s session A always n deny");
	v6 = violation_ask_format("fd00:ec2::254", 80, 5, false, 40, false);
	ck_assert_str_eq(v6, "? [fd00:ec2::254]:80 5s y once s session\nA always n deny");
	free(long_label);
}
END_TEST

static Suite *prompt_suite(void)
{
	Suite *s = suite_create("violation_prompt");
	TCase *pane = tcase_create("pane");
	TCase *prompt = tcase_create("prompt");

	tcase_set_timeout(pane, 20);
	tcase_add_test(pane, model_folds_repeats_and_moves_them_last);
	tcase_add_test(pane, model_drops_oldest_group);
	tcase_add_test(pane, lines_put_newest_at_bottom_with_count);
	tcase_add_test(pane, layout_hides_the_pane_on_narrow_terminals);
	tcase_add_test(pane, render_repaints_only_changed_lines);
	tcase_add_test(pane, ask_line_keeps_the_end_of_a_long_host);
	suite_add_tcase(s, pane);
	tcase_add_test(prompt, save_text_keeps_comments_and_adds_entries);
	tcase_add_test(prompt, run_changes_lists_and_reports);
	suite_add_tcase(s, prompt);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(prompt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
