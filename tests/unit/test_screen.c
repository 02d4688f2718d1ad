/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_screen.c: the screen model, its scrollback and mode
 * scanner, and the renderer, checked by replaying rendered frames into a
 * second screen and comparing every cell.
 */
#include <check.h>
#include <string.h>

#include "session/render.h"
#include "session/screen.h"
#include "util/util.h"

static const struct screen_limits limits = {.scrollback_lines = 100, .scrollback_bytes = 1 << 20};

static void feed(struct screen *s, const char *text)
{
	screen_feed(s, text, strlen(text));
}

/* The text of one row without trailing blanks. */
static char *row_text(struct screen *s, int row)
{
	const struct screen_cell *c = screen_row(s, row);
	char *out = xcalloc(1, (size_t)screen_cols(s) * 4 + 1);
	size_t n = 0;

	for (int i = 0; i < screen_cols(s); i++)
		if (c[i].width != 0)
			out[n++] = c[i].ch[0] < 0x80 ? (char)c[i].ch[0] : '#';
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
	return out;
}

static void assert_same_cells(struct screen *a, struct screen *b, int rows, int cols)
{
	for (int r = 0; r < rows; r++) {
		const struct screen_cell *ca = screen_row(a, r);
		struct screen_cell row[256];

		memcpy(row, ca, (size_t)cols * sizeof(*ca));
		const struct screen_cell *cb = screen_row(b, r);
		for (int c = 0; c < cols; c++) {
			ck_assert_msg(row[c].ch[0] == cb[c].ch[0], "row %d col %d: char %x vs %x", r,
				      c, row[c].ch[0], cb[c].ch[0]);
			ck_assert_msg(row[c].fg == cb[c].fg && row[c].bg == cb[c].bg,
				      "row %d col %d: colours %x/%x vs %x/%x", r, c, row[c].fg,
				      row[c].bg, cb[c].fg, cb[c].bg);
			ck_assert_msg(row[c].attrs == cb[c].attrs, "row %d col %d: attrs", r, c);
			ck_assert_msg(row[c].width == cb[c].width, "row %d col %d: width", r, c);
		}
	}
}

START_TEST(screen_keeps_text_and_cursor)
{
	struct screen *s = screen_new(5, 20, &limits);
	struct screen_status st;
	_cleanup_free_ char *r0 = NULL, *r1 = NULL;

	feed(s, "hello\r\nworld");
	r0 = row_text(s, 0);
	r1 = row_text(s, 1);
	ck_assert_str_eq(r0, "hello");
	ck_assert_str_eq(r1, "world");
	screen_status(s, &st);
	ck_assert_int_eq(st.cursor_row, 1);
	ck_assert_int_eq(st.cursor_col, 5);
	screen_free(s);
}
END_TEST

START_TEST(scrollback_is_capped_in_lines_and_bytes)
{
	struct screen_limits small = {.scrollback_lines = 10, .scrollback_bytes = 1 << 20};
	struct screen *s = screen_new(3, 20, &small);
	char line[32];
	_cleanup_free_ char *oldest = NULL;

	for (int i = 0; i < 50; i++) {
		snprintf(line, sizeof(line), "line %d\r\n", i);
		feed(s, line);
	}
	ck_assert_uint_eq(screen_scrollback_lines(s), 10);
	oldest = row_text(s, -10);
	ck_assert_str_eq(oldest, "line 38");
	screen_free(s);

	small.scrollback_bytes = 600;
	s = screen_new(3, 20, &small);
	for (int i = 0; i < 50; i++) {
		snprintf(line, sizeof(line), "line %d\r\n", i);
		feed(s, line);
	}
	ck_assert_uint_le(screen_scrollback_bytes(s), 600);
	ck_assert_uint_lt(screen_scrollback_lines(s), 10);
	screen_free(s);
}
END_TEST

START_TEST(scanner_follows_modes_split_at_every_byte)
{
	static const char seq[] = "\033[?1h\033=\033[?1000;1006h\033[?2004h\033]2;my title\007";

	for (size_t split = 1; split < sizeof(seq) - 1; split++) {
		struct screen *s = screen_new(5, 20, &limits);
		struct screen_status st;

		screen_feed(s, seq, split);
		screen_feed(s, seq + split, sizeof(seq) - 1 - split);
		screen_status(s, &st);
		ck_assert_uint_eq(st.modes, SCREEN_MODE_CURSOR_KEYS | SCREEN_MODE_KEYPAD |
						    SCREEN_MODE_MOUSE_CLICK | SCREEN_MODE_MOUSE_SGR |
						    SCREEN_MODE_PASTE);
		ck_assert_str_eq(st.title, "my title");
		feed(s, "\033[?2004l\033>\033[?1l");
		screen_status(s, &st);
		ck_assert_uint_eq(st.modes, SCREEN_MODE_MOUSE_CLICK | SCREEN_MODE_MOUSE_SGR);
		screen_free(s);
	}
}
END_TEST

START_TEST(capture_prints_scrollback_then_screen)
{
	struct screen *s = screen_new(2, 10, &limits);
	size_t len;
	_cleanup_free_ char *all = NULL, *visible = NULL;

	feed(s, "a\r\nb\r\nc\r\nd");
	visible = screen_capture(s, false, &len);
	ck_assert_str_eq(visible, "c\nd\n");
	all = screen_capture(s, true, &len);
	ck_assert_str_eq(all, "a\nb\nc\nd\n");
	screen_free(s);
}
END_TEST

/* Render s for a same-size client and replay the bytes into a new screen. */
static struct screen *replay(struct screen *s, struct render *r)
{
	struct screen *copy = screen_new(screen_rows(s), screen_cols(s), &limits);
	struct render_buf out = {0};

	render_frame(r, s, 0, NULL, &out);
	screen_feed(copy, out.data, out.len);
	render_buf_done(&out);
	return copy;
}

START_TEST(full_frame_reproduces_colours_and_wide_glyphs)
{
	struct screen *s = screen_new(6, 30, &limits);
	struct screen *copy;
	struct render r;
	struct screen_status a, b;

	feed(s, "\033[1;31mred\033[0m \033[38;5;200mpink\033[48;2;10;20;30m rgb \033[0m\r\n");
	feed(s, "\033[4;7munder\033[0m \xe4\xb8\xad\xe6\x96\x87 wide\r\n");
	feed(s, "\033[3;9mitalic strike\033[0m\r\n\033[5;8H");
	render_init(&r, 6, 30);
	copy = replay(s, &r);
	assert_same_cells(s, copy, 6, 30);
	screen_status(s, &a);
	screen_status(copy, &b);
	ck_assert_int_eq(a.cursor_row, b.cursor_row);
	ck_assert_int_eq(a.cursor_col, b.cursor_col);
	render_done(&r);
	screen_free(copy);
	screen_free(s);
}
END_TEST

START_TEST(diff_frames_keep_the_replica_in_sync)
{
	struct screen *s = screen_new(5, 20, &limits);
	struct screen *copy = screen_new(5, 20, &limits);
	struct render r;
	struct render_buf out = {0};

	render_init(&r, 5, 20);
	for (int i = 0; i < 40; i++) {
		char line[64];

		snprintf(line, sizeof(line), "\033[3%dmstep %d\033[0m %s\r\n", i % 8, i,
			 i % 3 ? "" : "\xe4\xb8\xad");
		feed(s, line);
		if (i == 20)
			feed(s, "\033[?1049h\033[H\033[2Jalt screen");
		if (i == 30)
			feed(s, "\033[?1049l");
		out.len = 0;
		render_frame(&r, s, 0, NULL, &out);
		screen_feed(copy, out.data, out.len);
		assert_same_cells(s, copy, 5, 20);
	}
	render_buf_done(&out);
	render_done(&r);
	screen_free(copy);
	screen_free(s);
}
END_TEST

START_TEST(frame_mirrors_input_modes_and_cleans_the_title)
{
	struct screen *s = screen_new(5, 20, &limits);
	struct render r;
	struct render_buf out = {0};
	_cleanup_free_ char *text = NULL;

	feed(s, "\033[?2004h\033[?1000h\033]2;ti\001t\177le\007");
	render_init(&r, 5, 20);
	render_frame(&r, s, 0, NULL, &out);
	text = xstrndup(out.data, out.len);
	ck_assert_ptr_nonnull(strstr(text, "\033[?2004h"));
	ck_assert_ptr_nonnull(strstr(text, "\033[?1000h"));
	ck_assert_ptr_nonnull(strstr(text, "\033]2;title\007"));
	out.len = 0;
	ck_assert(!render_frame(&r, s, 0, NULL, &out));
	render_buf_done(&out);
	render_done(&r);
	screen_free(s);
}
END_TEST

START_TEST(smaller_client_sees_the_screen_clipped)
{
	struct screen *s = screen_new(5, 20, &limits);
	struct screen *copy = screen_new(3, 10, &limits);
	struct render r;
	struct render_buf out = {0};
	_cleanup_free_ char *row = NULL;

	feed(s, "0123456789abcdef\r\nx\r\ny\r\nz");
	render_init(&r, 3, 10);
	render_frame(&r, s, 0, NULL, &out);
	screen_feed(copy, out.data, out.len);
	row = row_text(copy, 0);
	ck_assert_str_eq(row, "0123456789");
	render_buf_done(&out);
	render_done(&r);
	screen_free(copy);
	screen_free(s);
}
END_TEST

static Suite *screen_suite(void)
{
	Suite *s = suite_create("screen");
	TCase *model = tcase_create("model");
	TCase *render = tcase_create("render");

	tcase_set_timeout(model, 20);
	tcase_add_test(model, screen_keeps_text_and_cursor);
	tcase_add_test(model, scrollback_is_capped_in_lines_and_bytes);
	tcase_add_test(model, scanner_follows_modes_split_at_every_byte);
	tcase_add_test(model, capture_prints_scrollback_then_screen);
	suite_add_tcase(s, model);
	tcase_set_timeout(render, 20);
	tcase_add_test(render, full_frame_reproduces_colours_and_wide_glyphs);
	tcase_add_test(render, diff_frames_keep_the_replica_in_sync);
	tcase_add_test(render, frame_mirrors_input_modes_and_cleans_the_title);
	tcase_add_test(render, smaller_client_sees_the_screen_clipped);
	suite_add_tcase(s, render);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(screen_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
