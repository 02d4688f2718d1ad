/* SPDX-License-Identifier: MIT */
/*
 * session/screen.h: the screen model of a session: a libvterm screen fed
 * with every byte the shell writes, a scrollback store capped in lines and
 * in bytes, and a scanner for the terminal modes that libvterm 0.1.4 does
 * not expose (cursor keys, keypad, mouse encodings, focus, bracketed paste)
 * and for OSC strings, which it loses when they are split across reads.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One character cell in fence's own compact form (libvterm's is 40 bytes). */
struct screen_cell {
	uint32_t ch[2]; /* base code point and one combining mark; 0 = none */
	uint32_t fg, bg; /* SCREEN_COLOR_* in the top byte, index or 0xRRGGBB below */
	uint16_t attrs; /* SCREEN_ATTR_* */
	uint8_t width; /* 1, 2 for a wide glyph, 0 for the cell a wide glyph covers */
};

#define SCREEN_COLOR_DEFAULT 0u
#define SCREEN_COLOR_INDEXED (1u << 24)
#define SCREEN_COLOR_RGB (2u << 24)
#define SCREEN_COLOR_KIND(c) ((c) & 0xff000000u)

#define SCREEN_ATTR_BOLD (1u << 0)
#define SCREEN_ATTR_UNDERLINE (1u << 1)
#define SCREEN_ATTR_UNDERLINE2 (1u << 2)
#define SCREEN_ATTR_ITALIC (1u << 3)
#define SCREEN_ATTR_BLINK (1u << 4)
#define SCREEN_ATTR_REVERSE (1u << 5)
#define SCREEN_ATTR_STRIKE (1u << 6)

/* Input modes of the inner program that the outer terminal must mirror. */
#define SCREEN_MODE_CURSOR_KEYS (1u << 0) /* DECCKM, ?1 */
#define SCREEN_MODE_KEYPAD (1u << 1) /* DECKPAM, ESC = */
#define SCREEN_MODE_MOUSE_CLICK (1u << 2) /* ?1000 */
#define SCREEN_MODE_MOUSE_DRAG (1u << 3) /* ?1002 */
#define SCREEN_MODE_MOUSE_ANY (1u << 4) /* ?1003 */
#define SCREEN_MODE_MOUSE_UTF8 (1u << 5) /* ?1005 */
#define SCREEN_MODE_MOUSE_SGR (1u << 6) /* ?1006 */
#define SCREEN_MODE_MOUSE_URXVT (1u << 7) /* ?1015 */
#define SCREEN_MODE_FOCUS (1u << 8) /* ?1004 */
#define SCREEN_MODE_PASTE (1u << 9) /* ?2004 */

/* What a renderer needs besides the cells. */
struct screen_status {
	int cursor_row, cursor_col;
	bool cursor_visible;
	bool cursor_blink;
	int cursor_shape; /* 1 block, 2 underline, 3 bar */
	bool altscreen;
	unsigned modes; /* SCREEN_MODE_* */
	const char *title; /* borrowed; "" when unset */
};

struct screen_limits {
	size_t scrollback_lines; /* 0 keeps no scrollback */
	size_t scrollback_bytes;
};

struct screen;

/* Callback for libvterm's replies to queries (DA, DSR), which go to the PTY. */
typedef void (*screen_reply_fn)(const char *bytes, size_t len, void *user);
/*
 * Callback for each complete OSC string, without ESC ] and the terminator.
 * A string split across reads arrives whole.  A string longer than
 * SCREEN_OSC_MAX is cut and flagged as truncated.
 */
typedef void (*screen_osc_fn)(const char *text, size_t len, bool truncated, void *user);
#define SCREEN_OSC_MAX 4096

/* screen_new: a blank screen of rows x cols.  Never fails (aborts on OOM). */
struct screen *screen_new(int rows, int cols, const struct screen_limits *lim);
/* screen_free: free everything; accepts NULL and returns NULL. */
struct screen *screen_free(struct screen *s);

void screen_set_reply(struct screen *s, screen_reply_fn fn, void *user);
void screen_set_osc(struct screen *s, screen_osc_fn fn, void *user);

/* screen_feed: process shell output; call with chunks of at most 64 KiB. */
void screen_feed(struct screen *s, const char *buf, size_t len);

/* screen_resize: change the emulated size; rows and cols must be >= 1. */
void screen_resize(struct screen *s, int rows, int cols);

int screen_rows(const struct screen *s);
int screen_cols(const struct screen *s);

/* screen_scrollback_lines: the number of lines in the scrollback now. */
size_t screen_scrollback_lines(const struct screen *s);
/* screen_scrollback_bytes: the memory the scrollback lines use. */
size_t screen_scrollback_bytes(const struct screen *s);

/*
 * screen_row: the cells of one row, cols wide.  Row 0 is the top of the
 * visible screen; row -1 is the newest scrollback line, down to
 * -screen_scrollback_lines().  The pointer is valid until the next call of
 * any screen_ function.
 */
const struct screen_cell *screen_row(struct screen *s, int row);

/*
 * screen_row_generation: a number that changes whenever visible row `row`
 * changes, so a renderer can skip rows it has already sent.
 */
uint64_t screen_row_generation(const struct screen *s, int row);

/* screen_status: cursor, modes and title; valid until the next screen_feed. */
void screen_status(const struct screen *s, struct screen_status *ret);

/*
 * screen_capture: the visible screen (and with `scrollback` the scrollback
 * before it) as UTF-8 text, one line per row, trailing blanks removed.
 * Returns an owned string and its length in *ret_len.
 */
char *screen_capture(struct screen *s, bool scrollback, size_t *ret_len);

/* screen_cell_blank: whether a cell is a space with default colours. */
bool screen_cell_blank(const struct screen_cell *c);
