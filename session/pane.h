/* SPDX-License-Identifier: MIT */
/*
 * session/pane.h: the violation side pane that the daemon draws beside a
 * client's main pane.
 *
 * The pane is a column of one-line items at the right of the client's
 * terminal: a header, then the newest records at the bottom, coloured by
 * kind, with repeated records (same source, kind, action, target and
 * command) folded into one line with a count.  Each frame repaints only
 * the lines that changed, positions every write with CUP and never uses
 * an erase that would reach into the main pane, and saves and restores
 * the cursor (DECSC/DECRC) around its output so that the main pane's
 * cursor and pen stay where the main renderer left them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/render.h"
#include "session/violation.h"

/* Columns of the pane, separator excluded, unless configured. */
#define PANE_DEFAULT_WIDTH 40
/* Narrowest and widest configurable pane. */
#define PANE_MIN_WIDTH 16
#define PANE_MAX_WIDTH 200
/* Below this many terminal columns the pane hides itself unless forced on. */
#define PANE_AUTO_MIN_COLS 140
/* The main pane keeps at least this many columns when the pane is forced on. */
#define PANE_MAIN_MIN_COLS 20

enum pane_mode {
	PANE_AUTO, /* shown when the terminal is wide enough */
	PANE_ON, /* shown whenever the main pane keeps PANE_MAIN_MIN_COLS */
	PANE_OFF,
};

/* Folded items kept for the panes of one session. */
#define PANE_MODEL_MAX 200

/* One folded item: the newest record of a group and how many it stands for. */
struct pane_item {
	struct violation v; /* strings point into `strings` */
	char *strings; /* owned */
	unsigned long count;
};

/*
 * The folded records of a session, shared by every client's pane: newest
 * last.  A record that matches an existing item (same source, kind,
 * action, target and command) moves that item to the end and bumps its
 * count, so a burst of one blocked request stays one line.
 */
struct pane_model {
	struct pane_item *items; /* owned, PANE_MODEL_MAX slots, oldest first */
	size_t n;
	uint64_t generation; /* bumped on every change */
};

/* pane_model_add: fold one record into the model. */
void pane_model_add(struct pane_model *m, const struct violation *v);
/* pane_model_done: free the items. */
void pane_model_done(struct pane_model *m);

/* One client's view of the pane: its settings and what its terminal shows. */
struct pane {
	enum pane_mode mode;
	int width; /* configured columns */
	bool shown; /* the current layout has the pane */
	int x0; /* first column of the separator, 0-based */
	int rows;
	char **front; /* owned, rows lines as last drawn (escape sequences included) */
	bool valid; /* false: repaint every line next */
	const char *status; /* borrowed: a line under the header, e.g. why eBPF is off */
};

/* pane_init: a pane in mode `mode` that is `width` columns wide (0: default). */
void pane_init(struct pane *p, enum pane_mode mode, int width);
/* pane_done: free what the pane holds. */
void pane_done(struct pane *p);

/*
 * pane_layout: decide the layout for a terminal of rows x cols.  Returns
 * the columns left for the main pane (cols when the pane is hidden) and
 * invalidates the pane when the layout changed.
 */
int pane_layout(struct pane *p, int rows, int cols);

/* pane_invalidate: repaint everything in the next pane_render. */
void pane_invalidate(struct pane *p);

/*
 * pane_render: append to out the bytes that bring the client's pane up to
 * date with the items of m.  `pending`, when not NULL, is drawn as
 * highlighted lines above the records (an ask waiting for a key), one row
 * per '\n'-separated line.  Does
 * nothing when the pane is hidden.  Returns whether it appended anything.
 */
bool pane_render(struct pane *p, const struct pane_model *m, const char *pending,
		 struct render_buf *out);

/*
 * pane_build_lines: the pane's lines for `rows` rows of `width` columns,
 * newest record at the bottom, without colours; for tests and the text
 * capture.  Returns an owned array of rows owned strings.
 */
char **pane_build_lines(const struct pane_model *m, const char *status, const char *pending,
			int rows, int width, bool color);
/* pane_lines_free: free what pane_build_lines returned. */
void pane_lines_free(char **lines, int rows);
