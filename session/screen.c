/* SPDX-License-Identifier: MIT */
/*
 * session/screen.c: the libvterm model of a session's screen.
 *
 * Every byte the shell writes is fed here, attached clients or not, so that
 * a client attaching later gets the current screen instead of a replay.
 * libvterm keeps the visible cells; this file keeps the scrollback (libvterm
 * only hands lines over as they scroll off), a generation number per row
 * for the renderers, and a side scanner for what libvterm 0.1.4 does not
 * report: the input modes a client terminal must mirror and OSC strings
 * split across reads.
 */
#include "session/screen.h"

#include <string.h>

#include <vterm.h>

#include "util/util.h"

/* A scrollback line: only the cells up to the last non-blank one. */
struct sb_line {
	uint16_t ncells;
	struct screen_cell cells[];
};

enum scan_state {
	SCAN_GROUND,
	SCAN_ESC,
	SCAN_CSI,
	SCAN_OSC,
	SCAN_OSC_ESC, /* ESC seen inside an OSC: a following '\' ends it */
	SCAN_STRING, /* DCS, SOS, PM, APC: skipped up to ST */
	SCAN_STRING_ESC,
};

struct scanner {
	enum scan_state state;
	bool private_csi; /* CSI ? ... */
	bool intermediate; /* CSI with an intermediate byte: not a mode change */
	unsigned params[16];
	int nparams;
	char osc[SCREEN_OSC_MAX];
	size_t osc_len;
	bool osc_truncated;
};

struct screen {
	VTerm *vt;
	VTermScreen *vs;
	VTermState *state;
	int rows, cols;

	/* Generation numbers: row_gen[r] changes whenever row r changes. */
	uint64_t gen;
	uint64_t *row_gen;
	uint64_t *cache_gen;
	struct screen_cell *cache; /* rows x cols, converted on demand */
	struct screen_cell *tmp_row; /* cols wide, for scrollback rows */

	/* Scrollback: a ring of lines, newest at (sb_head + sb_n - 1). */
	struct sb_line **sb;
	size_t sb_cap, sb_head, sb_n, sb_bytes, sb_max_bytes;

	bool cursor_visible, cursor_blink, altscreen;
	int cursor_shape;
	unsigned modes;
	char *title; /* owned */

	struct scanner scan;
	screen_reply_fn reply;
	void *reply_user;
	screen_osc_fn osc;
	void *osc_user;
};

bool screen_cell_blank(const struct screen_cell *c)
{
	return (c->ch[0] == ' ' || c->ch[0] == 0) && c->ch[1] == 0 && c->fg == 0 && c->bg == 0 &&
	       c->attrs == 0 && c->width == 1;
}

static const struct screen_cell blank_cell = {.ch = {' ', 0}, .width = 1};

/* Pack a libvterm colour into fence's 32-bit form. */
static uint32_t color_pack(const VTermColor *c, bool fg)
{
	if (fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c))
		return SCREEN_COLOR_DEFAULT;
	if (VTERM_COLOR_IS_INDEXED(c))
		return SCREEN_COLOR_INDEXED | c->indexed.idx;
	return SCREEN_COLOR_RGB | (uint32_t)c->rgb.red << 16 | (uint32_t)c->rgb.green << 8 |
	       c->rgb.blue;
}

/* Unpack a colour for libvterm, used when lines come back from scrollback. */
static void color_unpack(const struct screen *s, uint32_t c, bool fg, VTermColor *ret)
{
	VTermColor dfg, dbg;

	switch (SCREEN_COLOR_KIND(c)) {
	case SCREEN_COLOR_INDEXED:
		vterm_color_indexed(ret, c & 0xff);
		break;
	case SCREEN_COLOR_RGB:
		vterm_color_rgb(ret, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
		break;
	default:
		vterm_state_get_default_colors(s->state, &dfg, &dbg);
		*ret = fg ? dfg : dbg;
		break;
	}
}

/* Convert one libvterm cell. */
static void cell_from_vterm(const VTermScreenCell *v, struct screen_cell *c)
{
	*c = blank_cell;
	if (v->chars[0] == (uint32_t)-1) {
		c->width = 0;
		c->ch[0] = 0;
	} else {
		c->ch[0] = v->chars[0] ? v->chars[0] : ' ';
		c->ch[1] = v->chars[0] ? v->chars[1] : 0;
		c->width = v->width == 2 ? 2 : 1;
	}
	c->fg = color_pack(&v->fg, true);
	c->bg = color_pack(&v->bg, false);
	c->attrs = (v->attrs.bold ? SCREEN_ATTR_BOLD : 0) |
		   (v->attrs.underline == 1 ? SCREEN_ATTR_UNDERLINE : 0) |
		   (v->attrs.underline >= 2 ? SCREEN_ATTR_UNDERLINE2 : 0) |
		   (v->attrs.italic ? SCREEN_ATTR_ITALIC : 0) |
		   (v->attrs.blink ? SCREEN_ATTR_BLINK : 0) |
		   (v->attrs.reverse ? SCREEN_ATTR_REVERSE : 0) |
		   (v->attrs.strike ? SCREEN_ATTR_STRIKE : 0);
}

/* Convert a compact cell back for libvterm. */
static void cell_to_vterm(const struct screen *s, const struct screen_cell *c, VTermScreenCell *v)
{
	memset(v, 0, sizeof(*v));
	if (c->width == 0) {
		v->chars[0] = (uint32_t)-1;
	} else {
		v->chars[0] = c->ch[0];
		v->chars[1] = c->ch[1];
	}
	v->width = c->width ? c->width : 1;
	v->attrs.bold = !!(c->attrs & SCREEN_ATTR_BOLD);
	v->attrs.underline = c->attrs & SCREEN_ATTR_UNDERLINE2 ? 2 : !!(c->attrs & SCREEN_ATTR_UNDERLINE);
	v->attrs.italic = !!(c->attrs & SCREEN_ATTR_ITALIC);
	v->attrs.blink = !!(c->attrs & SCREEN_ATTR_BLINK);
	v->attrs.reverse = !!(c->attrs & SCREEN_ATTR_REVERSE);
	v->attrs.strike = !!(c->attrs & SCREEN_ATTR_STRIKE);
	color_unpack(s, c->fg, true, &v->fg);
	color_unpack(s, c->bg, false, &v->bg);
}

/* Mark visible rows [start, end) as changed. */
static void touch_rows(struct screen *s, int start, int end)
{
	if (start < 0)
		start = 0;
	if (end > s->rows)
		end = s->rows;
	s->gen++;
	for (int r = start; r < end; r++)
		s->row_gen[r] = s->gen;
}

static int on_damage(VTermRect rect, void *user)
{
	touch_rows(user, rect.start_row, rect.end_row);
	return 1;
}

static int on_moverect(VTermRect dest, VTermRect src, void *user)
{
	touch_rows(user, dest.start_row, dest.end_row);
	return 1;
}

static int on_movecursor(VTermPos pos, VTermPos oldpos, int visible, void *user)
{
	return 1;
}

static int on_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct screen *s = user;

	switch (prop) {
	case VTERM_PROP_CURSORVISIBLE:
		s->cursor_visible = val->boolean;
		break;
	case VTERM_PROP_CURSORBLINK:
		s->cursor_blink = val->boolean;
		break;
	case VTERM_PROP_CURSORSHAPE:
		s->cursor_shape = val->number;
		break;
	case VTERM_PROP_ALTSCREEN:
		s->altscreen = val->boolean;
		touch_rows(s, 0, s->rows);
		break;
	default:
		/* The title comes from the side scanner, which survives split OSCs. */
		break;
	}
	return 1;
}

static int on_bell(void *user)
{
	return 1;
}

static void sb_drop_oldest(struct screen *s)
{
	struct sb_line *l = s->sb[s->sb_head];

	s->sb_bytes -= sizeof(*l) + l->ncells * sizeof(struct screen_cell);
	free(l);
	s->sb[s->sb_head] = NULL;
	s->sb_head = (s->sb_head + 1) % s->sb_cap;
	s->sb_n--;
}

/* Keep a line libvterm scrolled off the top, evicting the oldest past a cap. */
static int on_sb_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	struct screen *s = user;
	struct sb_line *l;
	struct screen_cell c;
	int n = cols;

	if (s->sb_cap == 0)
		return 1;
	while (n > 0) {
		cell_from_vterm(&cells[n - 1], &c);
		if (!screen_cell_blank(&c))
			break;
		n--;
	}
	l = xmalloc(sizeof(*l) + (size_t)n * sizeof(struct screen_cell));
	l->ncells = (uint16_t)n;
	for (int i = 0; i < n; i++)
		cell_from_vterm(&cells[i], &l->cells[i]);

	if (s->sb_n == s->sb_cap)
		sb_drop_oldest(s);
	s->sb[(s->sb_head + s->sb_n) % s->sb_cap] = l;
	s->sb_n++;
	s->sb_bytes += sizeof(*l) + (size_t)n * sizeof(struct screen_cell);
	while (s->sb_bytes > s->sb_max_bytes && s->sb_n > 1)
		sb_drop_oldest(s);
	return 1;
}

/* Give the newest scrollback line back to libvterm when the screen grows. */
static int on_sb_popline(int cols, VTermScreenCell *cells, void *user)
{
	struct screen *s = user;
	size_t idx;
	struct sb_line *l;

	if (s->sb_n == 0)
		return 0;
	idx = (s->sb_head + s->sb_n - 1) % s->sb_cap;
	l = s->sb[idx];
	for (int i = 0; i < cols; i++)
		cell_to_vterm(s, i < l->ncells ? &l->cells[i] : &blank_cell, &cells[i]);
	s->sb_bytes -= sizeof(*l) + l->ncells * sizeof(struct screen_cell);
	free(l);
	s->sb[idx] = NULL;
	s->sb_n--;
	return 1;
}

static const VTermScreenCallbacks screen_callbacks = {
	.damage = on_damage,
	.moverect = on_moverect,
	.movecursor = on_movecursor,
	.settermprop = on_settermprop,
	.bell = on_bell,
	.sb_pushline = on_sb_pushline,
	.sb_popline = on_sb_popline,
};

static void on_vterm_output(const char *bytes, size_t len, void *user)
{
	struct screen *s = user;

	if (s->reply)
		s->reply(bytes, len, s->reply_user);
}

/* (Re)allocate the per-row arrays after a size change. */
static void alloc_rows(struct screen *s)
{
	free(s->row_gen);
	free(s->cache_gen);
	free(s->cache);
	free(s->tmp_row);
	s->row_gen = xcalloc((size_t)s->rows, sizeof(uint64_t));
	s->cache_gen = xcalloc((size_t)s->rows, sizeof(uint64_t));
	s->cache = xcalloc((size_t)s->rows * (size_t)s->cols, sizeof(struct screen_cell));
	s->tmp_row = xcalloc((size_t)s->cols, sizeof(struct screen_cell));
	touch_rows(s, 0, s->rows);
}

struct screen *screen_new(int rows, int cols, const struct screen_limits *lim)
{
	struct screen *s = xcalloc(1, sizeof(*s));

	s->rows = rows;
	s->cols = cols;
	s->cursor_visible = true;
	s->cursor_blink = true;
	s->cursor_shape = 1;
	s->title = xstrdup("");
	s->sb_cap = lim->scrollback_lines;
	s->sb_max_bytes = lim->scrollback_bytes;
	s->sb = xcalloc(s->sb_cap ? s->sb_cap : 1, sizeof(*s->sb));
	alloc_rows(s);

	/* libvterm writes query replies through this callback, so set it first. */
	s->vt = vterm_new(rows, cols);
	if (!s->vt)
		abort();
	vterm_output_set_callback(s->vt, on_vterm_output, s);
	vterm_set_utf8(s->vt, 1);
	s->state = vterm_obtain_state(s->vt);
	s->vs = vterm_obtain_screen(s->vt);
	vterm_screen_enable_altscreen(s->vs, 1);
	vterm_screen_set_callbacks(s->vs, &screen_callbacks, s);
	vterm_screen_set_damage_merge(s->vs, VTERM_DAMAGE_SCROLL);
	vterm_screen_reset(s->vs, 1);
	return s;
}

struct screen *screen_free(struct screen *s)
{
	if (!s)
		return NULL;
	vterm_free(s->vt);
	while (s->sb_n > 0)
		sb_drop_oldest(s);
	free(s->sb);
	free(s->row_gen);
	free(s->cache_gen);
	free(s->cache);
	free(s->tmp_row);
	free(s->title);
	free(s);
	return NULL;
}

void screen_set_reply(struct screen *s, screen_reply_fn fn, void *user)
{
	s->reply = fn;
	s->reply_user = user;
}

void screen_set_osc(struct screen *s, screen_osc_fn fn, void *user)
{
	s->osc = fn;
	s->osc_user = user;
}

/* Apply one DECSET/DECRST parameter to the mirrored mode set. */
static void scan_set_mode(struct screen *s, unsigned param, bool on)
{
	unsigned bit;

	switch (param) {
	case 1:
		bit = SCREEN_MODE_CURSOR_KEYS;
		break;
	case 1000:
		bit = SCREEN_MODE_MOUSE_CLICK;
		break;
	case 1002:
		bit = SCREEN_MODE_MOUSE_DRAG;
		break;
	case 1003:
		bit = SCREEN_MODE_MOUSE_ANY;
		break;
	case 1004:
		bit = SCREEN_MODE_FOCUS;
		break;
	case 1005:
		bit = SCREEN_MODE_MOUSE_UTF8;
		break;
	case 1006:
		bit = SCREEN_MODE_MOUSE_SGR;
		break;
	case 1015:
		bit = SCREEN_MODE_MOUSE_URXVT;
		break;
	case 2004:
		bit = SCREEN_MODE_PASTE;
		break;
	default:
		return;
	}
	if (on)
		s->modes |= bit;
	else
		s->modes &= ~bit;
}

/* Handle a complete OSC string: titles here, everything to the OSC hook. */
static void scan_osc_done(struct screen *s)
{
	struct scanner *sc = &s->scan;
	const char *t = sc->osc;

	if (sc->osc_len >= 2 && (t[0] == '0' || t[0] == '2') && t[1] == ';' && !sc->osc_truncated) {
		free(s->title);
		s->title = xstrndup(t + 2, sc->osc_len - 2);
	}
	if (s->osc)
		s->osc(t, sc->osc_len, sc->osc_truncated, s->osc_user);
}

static void scan_osc_byte(struct scanner *sc, unsigned char b)
{
	if (sc->osc_len < sizeof(sc->osc))
		sc->osc[sc->osc_len++] = (char)b;
	else
		sc->osc_truncated = true;
}

/* Handle the final byte of a CSI sequence. */
static void scan_csi_final(struct screen *s, unsigned char b)
{
	struct scanner *sc = &s->scan;

	if (sc->intermediate) {
		/* DECSTR (CSI ! p) resets cursor keys and keypad to normal. */
		if (b == 'p')
			s->modes &= ~(SCREEN_MODE_CURSOR_KEYS | SCREEN_MODE_KEYPAD);
		return;
	}
	if (!sc->private_csi || (b != 'h' && b != 'l'))
		return;
	for (int i = 0; i < sc->nparams; i++)
		scan_set_mode(s, sc->params[i], b == 'h');
}

/* Advance the CSI state by one byte. */
static void scan_csi_byte(struct screen *s, unsigned char b)
{
	struct scanner *sc = &s->scan;

	if (b >= '0' && b <= '9') {
		if (sc->nparams == 0)
			sc->nparams = 1;
		if (sc->params[sc->nparams - 1] < 100000)
			sc->params[sc->nparams - 1] = sc->params[sc->nparams - 1] * 10 + (b - '0');
	} else if (b == ';') {
		if (sc->nparams == 0)
			sc->nparams = 1;
		if (sc->nparams < (int)ELEMENTSOF(sc->params))
			sc->params[sc->nparams++] = 0;
	} else if (b == '?' || b == '>' || b == '<' || b == '=') {
		sc->private_csi = b == '?';
		sc->intermediate = sc->intermediate || b != '?';
	} else if (b >= 0x20 && b <= 0x2f) {
		sc->intermediate = true;
	} else if (b >= 0x40 && b <= 0x7e) {
		scan_csi_final(s, b);
		sc->state = SCAN_GROUND;
	} else if (b == 0x1b) {
		sc->state = SCAN_ESC;
	} else if (b == 0x18 || b == 0x1a) {
		sc->state = SCAN_GROUND;
	}
}

/* Advance the state after ESC by one byte. */
static void scan_esc_byte(struct screen *s, unsigned char b)
{
	struct scanner *sc = &s->scan;

	sc->state = SCAN_GROUND;
	switch (b) {
	case '[':
		sc->state = SCAN_CSI;
		sc->private_csi = sc->intermediate = false;
		sc->nparams = 0;
		memset(sc->params, 0, sizeof(sc->params));
		break;
	case ']':
		sc->state = SCAN_OSC;
		sc->osc_len = 0;
		sc->osc_truncated = false;
		break;
	case 'P':
	case 'X':
	case '^':
	case '_':
		sc->state = SCAN_STRING;
		break;
	case '=':
		s->modes |= SCREEN_MODE_KEYPAD;
		break;
	case '>':
		s->modes &= ~SCREEN_MODE_KEYPAD;
		break;
	case 'c':
		s->modes = 0;
		break;
	case 0x1b:
		sc->state = SCAN_ESC;
		break;
	}
}

/* Run the side scanner over shell output, carrying state across calls. */
static void scan_bytes(struct screen *s, const unsigned char *p, size_t n)
{
	struct scanner *sc = &s->scan;

	for (size_t i = 0; i < n; i++) {
		unsigned char b = p[i];

		switch (sc->state) {
		case SCAN_GROUND:
			if (b == 0x1b)
				sc->state = SCAN_ESC;
			break;
		case SCAN_ESC:
			scan_esc_byte(s, b);
			break;
		case SCAN_CSI:
			scan_csi_byte(s, b);
			break;
		case SCAN_OSC:
			if (b == 0x07) {
				scan_osc_done(s);
				sc->state = SCAN_GROUND;
			} else if (b == 0x1b) {
				sc->state = SCAN_OSC_ESC;
			} else if (b == 0x18 || b == 0x1a) {
				sc->state = SCAN_GROUND;
			} else {
				scan_osc_byte(sc, b);
			}
			break;
		case SCAN_OSC_ESC:
			if (b == '\\')
				scan_osc_done(s);
			sc->state = b == '\\' ? SCAN_GROUND : SCAN_ESC;
			if (b != '\\')
				scan_esc_byte(s, b);
			break;
		case SCAN_STRING:
			if (b == 0x1b)
				sc->state = SCAN_STRING_ESC;
			else if (b == 0x18 || b == 0x1a)
				sc->state = SCAN_GROUND;
			break;
		case SCAN_STRING_ESC:
			sc->state = b == '\\' ? SCAN_GROUND : SCAN_STRING;
			break;
		}
	}
}

void screen_feed(struct screen *s, const char *buf, size_t len)
{
	scan_bytes(s, (const unsigned char *)buf, len);
	vterm_input_write(s->vt, buf, len);
	vterm_screen_flush_damage(s->vs);
}

void screen_resize(struct screen *s, int rows, int cols)
{
	if (rows == s->rows && cols == s->cols)
		return;
	/* vterm_set_size may pop scrollback lines, so keep the old arrays valid
	 * for the callbacks and reallocate afterwards. */
	vterm_set_size(s->vt, rows, cols);
	vterm_screen_flush_damage(s->vs);
	s->rows = rows;
	s->cols = cols;
	alloc_rows(s);
}

int screen_rows(const struct screen *s)
{
	return s->rows;
}

int screen_cols(const struct screen *s)
{
	return s->cols;
}

size_t screen_scrollback_lines(const struct screen *s)
{
	return s->sb_n;
}

size_t screen_scrollback_bytes(const struct screen *s)
{
	return s->sb_bytes;
}

const struct screen_cell *screen_row(struct screen *s, int row)
{
	struct screen_cell *out;
	VTermScreenCell vc;

	if (row < 0) {
		size_t back = (size_t)-row;
		const struct sb_line *l = NULL;

		if (back <= s->sb_n)
			l = s->sb[(s->sb_head + s->sb_n - back) % s->sb_cap];
		for (int c = 0; c < s->cols; c++)
			s->tmp_row[c] = l && c < l->ncells ? l->cells[c] : blank_cell;
		return s->tmp_row;
	}

	if (row >= s->rows)
		row = s->rows - 1;
	out = s->cache + (size_t)row * (size_t)s->cols;
	if (s->cache_gen[row] != s->row_gen[row] || s->row_gen[row] == 0) {
		for (int c = 0; c < s->cols; c++) {
			vterm_screen_get_cell(s->vs, (VTermPos){.row = row, .col = c}, &vc);
			cell_from_vterm(&vc, &out[c]);
		}
		s->cache_gen[row] = s->row_gen[row];
	}
	return out;
}

uint64_t screen_row_generation(const struct screen *s, int row)
{
	return row >= 0 && row < s->rows ? s->row_gen[row] : 0;
}

void screen_status(const struct screen *s, struct screen_status *ret)
{
	VTermPos pos;

	vterm_state_get_cursorpos(s->state, &pos);
	*ret = (struct screen_status){
		.cursor_row = pos.row,
		.cursor_col = pos.col,
		.cursor_visible = s->cursor_visible,
		.cursor_blink = s->cursor_blink,
		.cursor_shape = s->cursor_shape,
		.altscreen = s->altscreen,
		.modes = s->modes,
		.title = s->title,
	};
}

/* Append one code point as UTF-8. */
static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Append one row as text to a growing buffer, without trailing blanks. */
static void capture_row(const struct screen_cell *cells, int cols, char **buf, size_t *len,
			size_t *cap)
{
	size_t start = *len, end;

	if (*cap - *len < (size_t)cols * 8 + 2) {
		*cap = (*cap + (size_t)cols * 8 + 2) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	for (int c = 0; c < cols; c++) {
		if (cells[c].width == 0)
			continue;
		*len += put_utf8(*buf + *len, cells[c].ch[0] ? cells[c].ch[0] : ' ');
		if (cells[c].ch[1])
			*len += put_utf8(*buf + *len, cells[c].ch[1]);
	}
	end = *len;
	while (end > start && (*buf)[end - 1] == ' ')
		end--;
	*len = end;
	(*buf)[(*len)++] = '\n';
}

char *screen_capture(struct screen *s, bool scrollback, size_t *ret_len)
{
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap);
	int first = scrollback ? -(int)s->sb_n : 0;

	for (int r = first; r < s->rows; r++)
		capture_row(screen_row(s, r), s->cols, &buf, &len, &cap);
	*ret_len = len;
	buf[len] = '\0';
	return buf;
}
