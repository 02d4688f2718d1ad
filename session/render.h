/* SPDX-License-Identifier: MIT */
/*
 * session/render.h: turn the screen model into terminal bytes for one
 * client.
 *
 * Each client has a front buffer, the cells its terminal shows now.  A
 * frame is the difference between that and the screen model, so the same
 * code paints a whole screen on attach (front buffer invalid) and only the
 * changed cells afterwards.  A client whose terminal differs in size from
 * the session sees the screen clipped or padded with blanks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/screen.h"

/* A growable byte buffer; a zeroed struct is empty. */
struct render_buf {
	char *data; /* owned */
	size_t len, cap;
};

void render_buf_append(struct render_buf *b, const void *data, size_t len);
void render_buf_printf(struct render_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void render_buf_done(struct render_buf *b);

/*
 * render_utf8_decode: decode the UTF-8 sequence at s (len > 0 bytes) into
 * *ret_cp.  Returns the number of bytes used.  An invalid, overlong or
 * truncated sequence uses its longest valid prefix (at least one byte) and
 * decodes as U+FFFD.
 */
size_t render_utf8_decode(const char *s, size_t len, uint32_t *ret_cp);

/*
 * render_char_width: the columns a terminal gives code point cp, as
 * wcwidth() under C.UTF-8 counts them: 1 or 2, or 0 for a combining or
 * other zero-width character.  Returns -1 for what must not reach a
 * terminal as text.  That is C0 and C1 controls, DEL, bidirectional
 * controls and unassigned code points, and every non-ASCII code point when
 * the C library has no C.UTF-8 locale.
 */
int render_char_width(uint32_t cp);

/*
 * render_text_fit: append untrusted text as exactly `width` columns of
 * printable UTF-8, padded with spaces.  What cannot be shown (see
 * render_char_width) becomes U+FFFD, or '?' without a UTF-8 locale.  A
 * character that would cross the last column is left out rather than split,
 * and a combining mark with no character before it is dropped.
 */
void render_text_fit(struct render_buf *out, const char *text, int width);

struct render {
	int rows, cols; /* the client terminal's size */
	struct screen_cell *front; /* owned, rows x cols */
	uint64_t *front_gen; /* owned: screen row generation each row shows */
	bool valid; /* false: the next frame repaints everything */
	int top_shown; /* the view offset of the last frame */
	int cur_row, cur_col; /* where the client's cursor is after writing; -1 unknown */
	int cursor_row_sent, cursor_col_sent; /* where the last frame left it */
	struct screen_cell pen; /* attributes and colours set now; width 0 = unknown */
	unsigned modes;
	bool cursor_visible;
	int cursor_shape;
	bool cursor_blink;
	char *title; /* owned; NULL until sent */
};

/* render_init: a renderer for a rows x cols client; the first frame is full. */
void render_init(struct render *r, int rows, int cols);
/* render_done: free the front buffer and title. */
void render_done(struct render *r);
/* render_resize: the client's terminal changed size; repaint in full next. */
void render_resize(struct render *r, int rows, int cols);
/* render_invalidate: forget what the client shows; repaint in full next. */
void render_invalidate(struct render *r);

/*
 * render_frame: append to `out` the bytes that make the client show screen
 * `s`, viewed from row `top` (0 is the live screen; a negative row scrolls
 * into the scrollback, and the cursor is then hidden).  `overlay`, when
 * not NULL, is drawn in reverse video at the right of the top row.
 * Returns whether it appended anything.
 */
bool render_frame(struct render *r, struct screen *s, int top, const char *overlay,
		  struct render_buf *out);
