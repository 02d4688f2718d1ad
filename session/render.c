/* SPDX-License-Identifier: MIT */
/*
 * session/render.c: the diff renderer from the screen model to a client.
 *
 * Frames move the cursor with CUP and clear nothing but the whole screen
 * on a full repaint, set attributes only when they change, and are wrapped
 * in synchronized-output brackets (?2026), which terminals without it
 * ignore.  Titles from the shell are stripped of control characters before
 * they reach the client's terminal.
 *
 * Text that does not come from the screen model (the side pane, overlays,
 * titles) is untrusted UTF-8.  It is decoded here and measured with the C
 * library's wcwidth() under C.UTF-8, the table that tmux and most terminals
 * on the same system use, so that a line takes the columns it was given.
 */
#include "session/render.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "util/util.h"

void render_buf_append(struct render_buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = b->len + len < 4096 ? 4096 : (b->len + len) * 2;
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

void render_buf_printf(struct render_buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		render_buf_append(b, tmp, (size_t)n);
		return;
	}
	/* Longer output, such as a side pane line of wide characters. */
	{
		_cleanup_free_ char *long_text = xmalloc((size_t)n + 1);

		va_start(ap, fmt);
		vsnprintf(long_text, (size_t)n + 1, fmt, ap);
		va_end(ap);
		render_buf_append(b, long_text, (size_t)n);
	}
}

void render_buf_done(struct render_buf *b)
{
	free(b->data);
	*b = (struct render_buf){0};
}

size_t render_utf8_decode(const char *s, size_t len, uint32_t *ret_cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need;
	uint32_t cp;

	*ret_cp = 0xfffd;
	if (u[0] < 0x80) {
		*ret_cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		need = 1;
		cp = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		need = 2;
		cp = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		need = 3;
		cp = u[0] & 0x07;
	} else {
		return 1;
	}
	/* These second-byte limits exclude overlong forms, surrogates and
	 * code points past U+10FFFF. */
	if (u[0] == 0xe0)
		lo = 0xa0;
	else if (u[0] == 0xed)
		hi = 0x9f;
	else if (u[0] == 0xf0)
		lo = 0x90;
	else if (u[0] == 0xf4)
		hi = 0x8f;
	for (size_t i = 1; i <= need; i++) {
		if (i >= len || u[i] < lo || u[i] > hi)
			return i;
		cp = cp << 6 | (u[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*ret_cp = cp;
	return need + 1;
}

/* The C.UTF-8 locale for wcwidth(), whatever locale the process runs in. */
static locale_t utf8_locale(void)
{
	static locale_t loc;
	static bool tried;

	if (!tried) {
		tried = true;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		if (!loc)
			log_debug("no C.UTF-8 locale: non-ASCII text is shown as '?'");
	}
	return loc;
}

/* Whether cp reorders text or breaks lines on terminals that implement bidi. */
static bool is_layout_control(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

int render_char_width(uint32_t cp)
{
	locale_t loc, old;
	int w;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return -1;
	if (cp < 0x7f)
		return 1;
	if (is_layout_control(cp))
		return -1;
	loc = utf8_locale();
	if (!loc)
		return -1;
	old = uselocale(loc);
	w = wcwidth((wchar_t)cp);
	uselocale(old);
	return w > 2 ? -1 : w;
}

/* The code point drawn in place of one that must not be drawn. */
static uint32_t replacement_char(void)
{
	return render_char_width(0xfffd) == 1 ? 0xfffd : '?';
}

static void put_codepoint(struct render_buf *out, uint32_t cp)
{
	char u[4];
	size_t n;

	/* Never pass a control character through as cell content. */
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		cp = '?';
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	render_buf_append(out, u, n);
}

/* Combining marks kept on one character, as a bound on the bytes per column. */
#define TEXT_MARKS_MAX 2

void render_text_fit(struct render_buf *out, const char *text, int width)
{
	size_t len = text ? strlen(text) : 0;
	int col = 0, marks = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int w;

		i += render_utf8_decode(text + i, len - i, &cp);
		w = render_char_width(cp);
		if (w == 0) {
			/* A mark at the start would combine with the cell left of
			 * this text, which belongs to someone else. */
			if (col > 0 && marks < TEXT_MARKS_MAX) {
				put_codepoint(out, cp);
				marks++;
			}
			continue;
		}
		if (w < 0) {
			cp = replacement_char();
			w = 1;
		}
		if (col + w > width)
			break;
		put_codepoint(out, cp);
		col += w;
		marks = 0;
	}
	for (; col < width; col++)
		render_buf_append(out, " ", 1);
}

static const struct screen_cell blank = {.ch = {' ', 0}, .width = 1};

void render_init(struct render *r, int rows, int cols)
{
	*r = (struct render){0};
	render_resize(r, rows, cols);
}

void render_done(struct render *r)
{
	free(r->front);
	free(r->front_gen);
	free(r->title);
	*r = (struct render){0};
}

void render_resize(struct render *r, int rows, int cols)
{
	free(r->front);
	free(r->front_gen);
	r->rows = rows;
	r->cols = cols;
	r->front = xcalloc((size_t)rows * (size_t)cols, sizeof(struct screen_cell));
	r->front_gen = xcalloc((size_t)rows, sizeof(uint64_t));
	render_invalidate(r);
}

void render_invalidate(struct render *r)
{
	r->valid = false;
}

static bool cell_equal(const struct screen_cell *a, const struct screen_cell *b)
{
	return a->ch[0] == b->ch[0] && a->ch[1] == b->ch[1] && a->fg == b->fg && a->bg == b->bg &&
	       a->attrs == b->attrs && a->width == b->width;
}

/* Append the SGR parameters of one colour (foreground when base is 30). */
static void put_color(struct render_buf *out, uint32_t c, int base)
{
	uint32_t v = c & 0xffffff;

	switch (SCREEN_COLOR_KIND(c)) {
	case SCREEN_COLOR_INDEXED:
		if (v < 8)
			render_buf_printf(out, ";%u", base + v);
		else if (v < 16)
			render_buf_printf(out, ";%u", base + 60 + v - 8);
		else
			render_buf_printf(out, ";%d;5;%u", base + 8, v);
		break;
	case SCREEN_COLOR_RGB:
		render_buf_printf(out, ";%d;2;%u;%u;%u", base + 8, v >> 16, (v >> 8) & 0xff, v & 0xff);
		break;
	default:
		break;
	}
}

/* Set the client's pen to the attributes and colours of cell c. */
static void set_pen(struct render *r, const struct screen_cell *c, struct render_buf *out)
{
	if (r->pen.width != 0 && r->pen.attrs == c->attrs && r->pen.fg == c->fg && r->pen.bg == c->bg)
		return;
	render_buf_append(out, "\033[0", 3);
	if (c->attrs & SCREEN_ATTR_BOLD)
		render_buf_append(out, ";1", 2);
	if (c->attrs & SCREEN_ATTR_ITALIC)
		render_buf_append(out, ";3", 2);
	if (c->attrs & SCREEN_ATTR_UNDERLINE)
		render_buf_append(out, ";4", 2);
	if (c->attrs & SCREEN_ATTR_UNDERLINE2)
		render_buf_append(out, ";21", 3);
	if (c->attrs & SCREEN_ATTR_BLINK)
		render_buf_append(out, ";5", 2);
	if (c->attrs & SCREEN_ATTR_REVERSE)
		render_buf_append(out, ";7", 2);
	if (c->attrs & SCREEN_ATTR_STRIKE)
		render_buf_append(out, ";9", 2);
	put_color(out, c->fg, 30);
	put_color(out, c->bg, 40);
	render_buf_append(out, "m", 1);
	r->pen = *c;
	r->pen.width = 1;
}

/* Write cell c at (y, x) of the client and record it in the front buffer. */
static void put_cell(struct render *r, int y, int x, const struct screen_cell *c,
		     struct render_buf *out)
{
	struct screen_cell *front = r->front + (size_t)y * (size_t)r->cols;

	if (r->cur_row != y || r->cur_col != x)
		render_buf_printf(out, "\033[%d;%dH", y + 1, x + 1);
	set_pen(r, c, out);
	put_codepoint(out, c->ch[0] ? c->ch[0] : ' ');
	if (c->ch[1])
		put_codepoint(out, c->ch[1]);

	/* Overwriting the left half of a wide glyph blanks its right half. */
	if (front[x].width == 2 && c->width == 1 && x + 1 < r->cols)
		front[x + 1] = (struct screen_cell){.width = 0xff};
	front[x] = *c;
	if (c->width == 2)
		front[x + 1] = (struct screen_cell){.width = 0};

	r->cur_row = y;
	r->cur_col = x + c->width;
	/* At the last column the terminal holds a pending wrap: position unknown. */
	if (r->cur_col >= r->cols)
		r->cur_row = r->cur_col = -1;
}

/* Bring one client row up to date with the cells it should show. */
static void render_row(struct render *r, int y, const struct screen_cell *cells, int ncols,
		       struct render_buf *out)
{
	struct screen_cell *front = r->front + (size_t)y * (size_t)r->cols;

	for (int x = 0; x < r->cols; x++) {
		const struct screen_cell *want = x < ncols && cells ? &cells[x] : &blank;

		if (want->width == 0) {
			/* The right half of a wide glyph drawn at x - 1. */
			if (x > 0 && front[x - 1].width == 2 && front[x].width == 0)
				continue;
			want = &blank;
		}
		/* A wide glyph that would straddle the right edge becomes a space. */
		if (want->width == 2 && x + 1 >= r->cols)
			want = &blank;
		if (r->valid && cell_equal(&front[x], want))
			continue;
		put_cell(r, y, x, want, out);
		if (want->width == 2)
			x++;
	}
}

/* Draw the overlay text in reverse video at the right end of row 0. */
static void render_overlay(struct render *r, const char *overlay, struct render_buf *out)
{
	size_t len = strlen(overlay), n = 0;
	_cleanup_free_ struct screen_cell *cells = xcalloc(len + 1, sizeof(*cells));
	int width = 0, x;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int w;

		i += render_utf8_decode(overlay + i, len - i, &cp);
		w = render_char_width(cp);
		if (w == 0) {
			if (n > 0 && !cells[n - 1].ch[1])
				cells[n - 1].ch[1] = cp;
			continue;
		}
		if (w < 0) {
			cp = replacement_char();
			w = 1;
		}
		cells[n++] = (struct screen_cell){
			.ch = {cp, 0}, .width = (uint8_t)w, .attrs = SCREEN_ATTR_REVERSE};
		width += w;
	}
	x = r->cols - width;
	if (x < 0)
		x = 0;
	/* Cut at the right edge without splitting a wide character. */
	for (size_t i = 0; i < n && x + cells[i].width <= r->cols; i++) {
		put_cell(r, 0, x, &cells[i], out);
		x += cells[i].width;
	}
	/* The overlay is not screen content: repaint that row next frame. */
	r->front_gen[0] = 0;
}

static const struct {
	unsigned bit;
	const char *on, *off;
} mode_seqs[] = {
	{SCREEN_MODE_CURSOR_KEYS, "\033[?1h", "\033[?1l"},
	{SCREEN_MODE_KEYPAD, "\033=", "\033>"},
	{SCREEN_MODE_MOUSE_CLICK, "\033[?1000h", "\033[?1000l"},
	{SCREEN_MODE_MOUSE_DRAG, "\033[?1002h", "\033[?1002l"},
	{SCREEN_MODE_MOUSE_ANY, "\033[?1003h", "\033[?1003l"},
	{SCREEN_MODE_MOUSE_UTF8, "\033[?1005h", "\033[?1005l"},
	{SCREEN_MODE_MOUSE_SGR, "\033[?1006h", "\033[?1006l"},
	{SCREEN_MODE_MOUSE_URXVT, "\033[?1015h", "\033[?1015l"},
	{SCREEN_MODE_FOCUS, "\033[?1004h", "\033[?1004l"},
	{SCREEN_MODE_PASTE, "\033[?2004h", "\033[?2004l"},
};

/* Mirror the inner program's input modes on the client's terminal. */
static void render_modes(struct render *r, unsigned modes, bool full, struct render_buf *out)
{
	for (size_t i = 0; i < ELEMENTSOF(mode_seqs); i++) {
		bool want = modes & mode_seqs[i].bit;

		if (!full && want == !!(r->modes & mode_seqs[i].bit))
			continue;
		render_buf_printf(out, "%s", want ? mode_seqs[i].on : mode_seqs[i].off);
	}
	r->modes = modes;
}

/* Send the window title, without control characters, when it changed. */
static void render_title(struct render *r, const char *title, struct render_buf *out)
{
	if (r->title && strcmp(r->title, title) == 0)
		return;
	free(r->title);
	r->title = xstrdup(title);
	render_buf_append(out, "\033]2;", 4);
	/* Decoded, because an encoded C1 control such as U+009C (ST) would end
	 * the title early on terminals that act on C1 controls in UTF-8. */
	for (size_t i = 0, len = strlen(title); i < len;) {
		uint32_t cp;

		i += render_utf8_decode(title + i, len - i, &cp);
		if (render_char_width(cp) >= 0)
			put_codepoint(out, cp);
	}
	render_buf_append(out, "\007", 1);
}

/* Place and shape the cursor last, as the shell left it. */
static void render_cursor(struct render *r, const struct screen_status *st, int top, bool full,
			  struct render_buf *out)
{
	int y = st->cursor_row - top;
	bool visible = st->cursor_visible && top == 0 && y < r->rows && st->cursor_col < r->cols;

	if (visible)
		render_buf_printf(out, "\033[%d;%dH", y + 1, st->cursor_col + 1);
	r->cur_row = visible ? y : -1;
	r->cur_col = visible ? st->cursor_col : -1;
	r->cursor_row_sent = visible ? y : -1;
	r->cursor_col_sent = visible ? st->cursor_col : -1;
	if (full || st->cursor_shape != r->cursor_shape || st->cursor_blink != r->cursor_blink) {
		int shape = st->cursor_shape == 2 ? 3 : st->cursor_shape == 3 ? 5 : 1;

		render_buf_printf(out, "\033[%d q", shape + (st->cursor_blink ? 0 : 1));
		r->cursor_shape = st->cursor_shape;
		r->cursor_blink = st->cursor_blink;
	}
	if (full || visible != r->cursor_visible)
		render_buf_printf(out, "\033[?25%c", visible ? 'h' : 'l');
	r->cursor_visible = visible;
}

/* Whether the cursor the client shows differs from the one it should show. */
static bool cursor_moved(const struct render *r, const struct screen_status *st, int top)
{
	int y = st->cursor_row - top;
	bool visible = st->cursor_visible && top == 0 && y < r->rows && st->cursor_col < r->cols;

	if (visible != r->cursor_visible || st->cursor_shape != r->cursor_shape ||
	    st->cursor_blink != r->cursor_blink)
		return true;
	return visible && (y != r->cursor_row_sent || st->cursor_col != r->cursor_col_sent);
}

bool render_frame(struct render *r, struct screen *s, int top, const char *overlay,
		  struct render_buf *out)
{
	struct screen_status st;
	size_t start = out->len;
	bool full = !r->valid;
	int srows = screen_rows(s), scols = screen_cols(s);

	render_buf_append(out, "\033[?2026h", 8);
	if (full) {
		render_buf_append(out, "\033[0m\033[r\033[H\033[2J", 14);
		for (size_t i = 0; i < (size_t)r->rows * (size_t)r->cols; i++)
			r->front[i] = blank;
		memset(r->front_gen, 0, (size_t)r->rows * sizeof(uint64_t));
		r->pen = (struct screen_cell){.width = 1};
		r->cur_row = r->cur_col = 0;
		r->valid = true;
	}
	for (int y = 0; y < r->rows; y++) {
		int row = top + y;
		uint64_t gen = row >= 0 && row < srows ? screen_row_generation(s, row) : 0;

		if (top == 0 && gen != 0 && r->front_gen[y] == gen)
			continue;
		render_row(r, y, row < srows ? screen_row(s, row) : NULL, scols, out);
		r->front_gen[y] = top == 0 ? gen : 0;
	}
	if (overlay)
		render_overlay(r, overlay, out);
	r->top_shown = top;

	screen_status(s, &st);
	render_modes(r, st.modes, full, out);
	render_title(r, st.title, out);
	if (out->len - start > 8 || cursor_moved(r, &st, top))
		render_cursor(r, &st, top, full, out);
	if (out->len - start == 8) {
		out->len = start;
		return false;
	}
	render_buf_append(out, "\033[?2026l", 8);
	return true;
}
