/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_render.c: untrusted UTF-8 text in the renderer and the
 * side pane: decoding, column widths, cutting at a width, and the pane's
 * lines and overlays built from it.
 */
#include <check.h>
#include <string.h>

#include "session/pane.h"
#include "session/render.h"
#include "session/screen.h"
#include "util/util.h"

/* The rendered bytes as an owned string: a render_buf has no terminator. */
static char *text_of(const struct render_buf *b)
{
	return xstrndup(b->data ? b->data : "", b->len);
}

/* The columns that text without escape sequences takes on a terminal. */
static int columns_of(const char *s)
{
	size_t len = strlen(s);
	int cols = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int w;

		i += render_utf8_decode(s + i, len - i, &cp);
		w = render_char_width(cp);
		ck_assert_int_ge(w, 0);
		cols += w;
	}
	return cols;
}

/* render_text_fit into a fresh buffer; returns an owned string. */
static char *fit(const char *text, int width)
{
	struct render_buf b = {0};
	char *s;

	render_text_fit(&b, text, width);
	s = text_of(&b);
	render_buf_done(&b);
	return s;
}

static const struct {
	const char *bytes;
	size_t used;
	uint32_t cp;
} decode_cases[] = {
	{"a", 1, 'a'},
	{"\xc3\xa9", 2, 0xe9},
	{"\xe6\x97\xa5", 3, 0x65e5},
	{"\xf0\x9f\x98\x80", 4, 0x1f600},
	{"\xff", 1, 0xfffd}, /* never a lead byte */
	{"\x80", 1, 0xfffd}, /* a lone continuation byte */
	{"\xc0\xaf", 1, 0xfffd}, /* overlong '/' */
	{"\xe0\x80\xaf", 1, 0xfffd}, /* overlong, three bytes */
	{"\xed\xa0\x80", 1, 0xfffd}, /* a surrogate */
	{"\xf4\x90\x80\x80", 1, 0xfffd}, /* past U+10FFFF */
	{"\xe6\x97", 2, 0xfffd}, /* truncated: the valid prefix is used */
	{"\xe6\x97x", 2, 0xfffd},
	{"\xf0\x9f\x98", 3, 0xfffd},
};

START_TEST(decode_accepts_valid_and_replaces_invalid)
{
	for (size_t i = 0; i < ELEMENTSOF(decode_cases); i++) {
		uint32_t cp = 0;
		size_t used = render_utf8_decode(decode_cases[i].bytes, strlen(decode_cases[i].bytes),
						 &cp);

		ck_assert_msg(used == decode_cases[i].used, "case %zu: used %zu", i, used);
		ck_assert_msg(cp == decode_cases[i].cp, "case %zu: U+%04X", i, (unsigned)cp);
	}
}
END_TEST

START_TEST(width_follows_the_character_class)
{
	ck_assert_int_eq(render_char_width('a'), 1);
	ck_assert_int_eq(render_char_width(0xe9), 1); /* é */
	ck_assert_int_eq(render_char_width(0x65e5), 2); /* 日 */
	ck_assert_int_eq(render_char_width(0xff21), 2); /* fullwidth A */
	ck_assert_int_eq(render_char_width(0x301), 0); /* combining acute */
	ck_assert_int_eq(render_char_width(0x1b), -1);
	ck_assert_int_eq(render_char_width(0x7f), -1);
	ck_assert_int_eq(render_char_width(0x9b), -1); /* C1 CSI */
	ck_assert_int_eq(render_char_width(0x202e), -1); /* right-to-left override */
	ck_assert_int_eq(render_char_width(0xfffd), 1);
}
END_TEST

START_TEST(fit_keeps_utf8_and_pads_to_the_width)
{
	_cleanup_free_ char *all = fit("caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac.txt", 16);
	_cleanup_free_ char *exact = fit("caf\xc3\xa9-\xe6\x97\xa5", 7);

	ck_assert_str_eq(all, "caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac.txt   ");
	ck_assert_int_eq(columns_of(all), 16);
	ck_assert_str_eq(exact, "caf\xc3\xa9-\xe6\x97\xa5");
}
END_TEST

START_TEST(fit_never_splits_a_wide_character)
{
	/* 日 would take columns 6 and 7 of a 6-column run: a space instead. */
	_cleanup_free_ char *cut = fit("caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac", 6);
	_cleanup_free_ char *one = fit("\xe6\x97\xa5", 1);

	ck_assert_str_eq(cut, "caf\xc3\xa9- ");
	ck_assert_int_eq(columns_of(cut), 6);
	ck_assert_str_eq(one, " ");
}
END_TEST

START_TEST(fit_replaces_controls_and_invalid_bytes)
{
	_cleanup_free_ char *ctl = fit("a\033[31mb\x07", 10);
	_cleanup_free_ char *bad = fit("x\xff\xc2\x9b\xe6\x97y", 6);
	_cleanup_free_ char *bidi = fit("a\xe2\x80\xae" "b", 3);

	ck_assert_str_eq(ctl, "a\xef\xbf\xbd[31mb\xef\xbf\xbd  ");
	/* 0xff, an encoded C1 CSI and a truncated sequence: one U+FFFD each. */
	ck_assert_str_eq(bad, "x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdy ");
	ck_assert_str_eq(bidi, "a\xef\xbf\xbd" "b");
	ck_assert_ptr_null(strchr(ctl, '\033'));
}
END_TEST

START_TEST(fit_keeps_marks_only_after_a_character)
{
	/* e + U+0301 is é in two code points, taking one column. */
	_cleanup_free_ char *joined = fit("e\xcc\x81x", 3);
	_cleanup_free_ char *leading = fit("\xcc\x81x", 2);

	ck_assert_str_eq(joined, "e\xcc\x81x ");
	ck_assert_str_eq(leading, "x ");
}
END_TEST

static struct violation record(const char *target, const char *command)
{
	return (struct violation){
		.source = VIOLATION_SOURCE_HTTP,
		.kind = VIOLATION_NET,
		.target = target,
		.command = command,
		.time_ms = 1700000000000,
	};
}

START_TEST(pane_lines_show_utf8_in_exact_columns)
{
	struct pane_model m = {0};
	struct violation v = record("127.0.0.1:80", "touch caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac.txt");
	char **lines;

	pane_model_add(&m, &v);
	lines = pane_build_lines(&m, NULL, NULL, 3, 60, false);
	ck_assert_ptr_nonnull(strstr(lines[2], "x net 127.0.0.1:80 - touch caf\xc3\xa9-"
					       "\xe6\x97\xa5\xe6\x9c\xac.txt"));
	for (int y = 0; y < 3; y++)
		ck_assert_int_eq(columns_of(lines[y]), 60);
	pane_lines_free(lines, 3);
	pane_model_done(&m);
}
END_TEST

START_TEST(pane_lines_keep_the_count_after_a_cut)
{
	struct pane_model m = {0};
	struct violation v = record("\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5"
				    "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5.test:443",
				    NULL);
	char **lines;
	size_t len;

	for (int i = 0; i < 3; i++)
		pane_model_add(&m, &v);
	/* "HH:MM:SS x net " takes 15 columns, " x3" the last 3 of 25: seven
	 * columns are left, so three wide characters and a space. */
	lines = pane_build_lines(&m, NULL, NULL, 2, 25, false);
	len = strlen(lines[1]);
	ck_assert_int_eq(columns_of(lines[1]), 25);
	ck_assert_str_eq(lines[1] + len - 13, "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5  x3");
	pane_lines_free(lines, 2);
	pane_model_done(&m);
}
END_TEST

START_TEST(pane_render_turns_autowrap_off_around_its_lines)
{
	struct pane_model m = {0};
	struct render_buf out = {0};
	struct violation v = record("\xe6\x97\xa5.test:443", NULL);
	_cleanup_free_ char *text = NULL;
	struct pane p;

	pane_model_add(&m, &v);
	pane_init(&p, PANE_ON, 40);
	pane_layout(&p, 4, 100);
	ck_assert(pane_render(&p, &m, NULL, &out));
	text = text_of(&out);
	ck_assert(strncmp(text, "\0337\033[?7l", 7) == 0);
	ck_assert_str_eq(text + strlen(text) - 7, "\033[?7h\0338");
	ck_assert_ptr_nonnull(strstr(text, "\xe6\x97\xa5.test:443"));
	render_buf_done(&out);
	pane_done(&p);
	pane_model_done(&m);
}
END_TEST

/* One frame of a blank 3x10 screen with `overlay`; returns an owned string. */
static char *overlay_frame(const char *overlay)
{
	struct screen_limits lim = {0, 0};
	struct screen *s = screen_new(3, 10, &lim);
	struct render_buf out = {0};
	struct render r;
	char *text;

	render_init(&r, 3, 10);
	render_frame(&r, s, 0, overlay, &out);
	text = text_of(&out);
	render_buf_done(&out);
	render_done(&r);
	screen_free(s);
	return text;
}

START_TEST(overlay_measures_columns_not_bytes)
{
	/* 日本x takes 5 columns: it starts at column 6 of 10. */
	_cleanup_free_ char *frame = overlay_frame("\xe6\x97\xa5\xe6\x9c\xacx");
	_cleanup_free_ char *wide = overlay_frame("\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5"
						  "\xe6\x97\xa5\xe6\x97\xa5");
	_cleanup_free_ char *bad = overlay_frame("a\xff\033b");

	ck_assert_ptr_nonnull(strstr(frame, "\033[1;6H"));
	ck_assert_ptr_nonnull(strstr(frame, "\xe6\x97\xa5\xe6\x9c\xacx"));
	/* Twelve columns on a ten-column row: five characters, none split. */
	ck_assert_ptr_nonnull(strstr(wide, "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5"
					   "\xe6\x97\xa5"));
	ck_assert_ptr_null(strstr(wide, "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5"
					"\xe6\x97\xa5\xe6\x97\xa5"));
	ck_assert_ptr_nonnull(strstr(bad, "a\xef\xbf\xbd\xef\xbf\xbd" "b"));
}
END_TEST

static Suite *render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *text = tcase_create("text");
	TCase *pane = tcase_create("pane");

	tcase_set_timeout(text, 20);
	tcase_add_test(text, decode_accepts_valid_and_replaces_invalid);
	tcase_add_test(text, width_follows_the_character_class);
	tcase_add_test(text, fit_keeps_utf8_and_pads_to_the_width);
	tcase_add_test(text, fit_never_splits_a_wide_character);
	tcase_add_test(text, fit_replaces_controls_and_invalid_bytes);
	tcase_add_test(text, fit_keeps_marks_only_after_a_character);
	suite_add_tcase(s, text);
	tcase_set_timeout(pane, 20);
	tcase_add_test(pane, pane_lines_show_utf8_in_exact_columns);
	tcase_add_test(pane, pane_lines_keep_the_count_after_a_cut);
	tcase_add_test(pane, pane_render_turns_autowrap_off_around_its_lines);
	tcase_add_test(pane, overlay_measures_columns_not_bytes);
	suite_add_tcase(s, pane);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(render_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
