/* SPDX-License-Identifier: MIT */
/*
 * session/pane.c: the folded model of a session's violations and the side
 * pane drawn from it.
 */
#include "session/pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/util.h"

/* ---- the folded model ---- */

static bool same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool same_group(const struct violation *a, const struct violation *b)
{
	return a->source == b->source && a->kind == b->kind && a->action == b->action &&
	       same_str(a->target, b->target) && same_str(a->command, b->command);
}

/* Copy v's strings into one owned block, as the item keeps them. */
static void item_set(struct pane_item *it, const struct violation *v)
{
	const char *src[] = {v->target, v->detail, v->comm, v->command};
	const char **dst[] = {&it->v.target, &it->v.detail, &it->v.comm, &it->v.command};
	size_t len = 1, off = 0;

	free(it->strings);
	it->v = *v;
	for (size_t i = 0; i < ELEMENTSOF(src); i++)
		len += src[i] ? strlen(src[i]) + 1 : 0;
	it->strings = xmalloc(len);
	for (size_t i = 0; i < ELEMENTSOF(src); i++) {
		size_t n;

		*dst[i] = NULL;
		if (!src[i])
			continue;
		n = strlen(src[i]) + 1;
		memcpy(it->strings + off, src[i], n);
		*dst[i] = it->strings + off;
		off += n;
	}
}

void pane_model_add(struct pane_model *m, const struct violation *v)
{
	struct pane_item it = {0};
	size_t i;

	if (!m->items)
		m->items = xcalloc(PANE_MODEL_MAX, sizeof(*m->items));
	m->generation++;
	for (i = m->n; i-- > 0;)
		if (same_group(&m->items[i].v, v))
			break;
	if (i != (size_t)-1) {
		/* Move the group to the end: it is the newest again. */
		it = m->items[i];
		memmove(&m->items[i], &m->items[i + 1], (m->n - i - 1) * sizeof(*m->items));
		m->n--;
	} else if (m->n == PANE_MODEL_MAX) {
		free(m->items[0].strings);
		memmove(&m->items[0], &m->items[1], (m->n - 1) * sizeof(*m->items));
		m->n--;
	}
	it.count++;
	item_set(&it, v);
	m->items[m->n++] = it;
}

void pane_model_done(struct pane_model *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->items[i].strings);
	free(m->items);
	*m = (struct pane_model){0};
}

/* ---- lines ---- */

/* The SGR colour of an item: green allowed, yellow asked, else by kind. */
static const char *item_color(const struct violation *v)
{
	if (v->action == VIOLATION_ALLOWED)
		return "32";
	if (v->action == VIOLATION_ASKED)
		return "1;33";
	switch (v->kind) {
	case VIOLATION_NET:
		return "33";
	case VIOLATION_FILE:
		return "35";
	case VIOLATION_EXEC:
		return "31";
	case VIOLATION_COMMAND:
		return "36";
	default:
		return "34";
	}
}

/*
 * One pane line: text in exactly `width` columns, then `tail` (printable
 * ASCII, kept whole when it fits), in SGR `sgr` when not NULL.  Text from
 * records goes through render_text_fit(), so that a host, path or command
 * line can neither spill into the main pane nor carry an escape sequence.
 */
static char *pane_line(const char *sgr, const char *text, const char *tail, int width)
{
	struct render_buf b = {0};
	int tail_len = tail ? (int)strlen(tail) : 0;

	if (tail_len > width)
		tail_len = 0;
	if (sgr)
		render_buf_printf(&b, "\033[%sm", sgr);
	render_text_fit(&b, text, width - tail_len);
	if (tail_len)
		render_buf_append(&b, tail, (size_t)tail_len);
	if (sgr)
		render_buf_append(&b, "\033[0m", 4);
	render_buf_append(&b, "", 1);
	return b.data;
}

/* One item's line: "HH:MM:SS x net target - command", with " xN" kept at the end. */
static char *item_line(const struct pane_item *it, int width, bool color)
{
	time_t t = (time_t)(it->v.time_ms / 1000);
	const char *mark = it->v.action == VIOLATION_ALLOWED ? "+"
			   : it->v.action == VIOLATION_ASKED ? "?"
							      : "x";
	_cleanup_free_ char *text = NULL;
	char clock[16], count[24] = "";
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	if (it->count > 1)
		snprintf(count, sizeof(count), " x%lu", it->count);
	text = xasprintf("%s %s %s %s%s%s", clock, mark, violation_kind_name(it->v.kind),
			 it->v.target ? it->v.target : "?", it->v.command ? " - " : "",
			 it->v.command ? it->v.command : "");
	return pane_line(color ? item_color(&it->v) : NULL, text, count, width);
}

char **pane_build_lines(const struct pane_model *m, const char *status, const char *pending,
			int rows, int width, bool color)
{
	char **lines = xcalloc((size_t)rows, sizeof(char *));
	char header[64];
	int row = 0, first_item;

	snprintf(header, sizeof(header), " violations (%zu)", m->n);
	lines[row++] = pane_line(color ? "7" : NULL, header, NULL, width);
	if (status && row < rows)
		lines[row++] = pane_line(color ? "2" : NULL, status, NULL, width);
	/* The pending text may span rows, one per line of it. */
	for (const char *p = pending; p && row < rows;) {
		size_t n = strcspn(p, "\n");
		_cleanup_free_ char *one = xstrndup(p, n);

		lines[row++] = pane_line(color ? "1;7;33" : NULL, one, NULL, width);
		p = p[n] ? p + n + 1 : NULL;
	}

	/* The newest item on the bottom row, older ones above it. */
	first_item = row;
	for (int y = rows - 1, i = (int)m->n - 1; y >= first_item; y--, i--)
		lines[y] = i < 0 ? pane_line(NULL, "", NULL, width)
				 : item_line(&m->items[i], width, color);
	return lines;
}

void pane_lines_free(char **lines, int rows)
{
	if (!lines)
		return;
	for (int i = 0; i < rows; i++)
		free(lines[i]);
	free(lines);
}

/* ---- one client's pane ---- */

void pane_init(struct pane *p, enum pane_mode mode, int width)
{
	*p = (struct pane){.mode = mode, .width = width > 0 ? width : PANE_DEFAULT_WIDTH};
	if (p->width < PANE_MIN_WIDTH)
		p->width = PANE_MIN_WIDTH;
	if (p->width > PANE_MAX_WIDTH)
		p->width = PANE_MAX_WIDTH;
}

static void front_free(struct pane *p)
{
	pane_lines_free(p->front, p->rows);
	p->front = NULL;
}

void pane_done(struct pane *p)
{
	front_free(p);
}

void pane_invalidate(struct pane *p)
{
	p->valid = false;
}

int pane_layout(struct pane *p, int rows, int cols)
{
	bool shown;
	int main_cols = cols - p->width - 1;

	switch (p->mode) {
	case PANE_AUTO:
		shown = cols >= PANE_AUTO_MIN_COLS && main_cols >= PANE_MAIN_MIN_COLS;
		break;
	case PANE_ON:
		shown = main_cols >= PANE_MAIN_MIN_COLS;
		break;
	default:
		shown = false;
		break;
	}
	if (!shown)
		main_cols = cols;
	if (shown != p->shown || rows != p->rows || main_cols != p->x0) {
		front_free(p);
		p->shown = shown;
		p->x0 = main_cols;
		p->rows = rows;
		p->front = xcalloc((size_t)rows, sizeof(char *));
		p->valid = false;
	}
	return main_cols;
}

bool pane_render(struct pane *p, const struct pane_model *m, const char *pending,
		 struct render_buf *out)
{
	char **lines;
	size_t start = out->len;
	bool any = false;

	if (!p->shown || p->rows <= 0)
		return false;
	lines = pane_build_lines(m, p->status, pending, p->rows, p->width, true);
	/* DECSC keeps the main pane's cursor position and pen.  Autowrap is
	 * off while the pane draws: should the terminal's width table count a
	 * character wider than wcwidth() did, the line is cut at the right
	 * edge instead of wrapping into the main pane's next row. */
	render_buf_append(out, "\0337\033[?7l", 7);
	for (int y = 0; y < p->rows; y++) {
		if (p->valid && p->front[y] && strcmp(p->front[y], lines[y]) == 0)
			continue;
		render_buf_printf(out, "\033[0m\033[%d;%dH\033[2m\342\224\202\033[0m%s", y + 1,
				  p->x0 + 1, lines[y]);
		free(p->front[y]);
		p->front[y] = TAKE_PTR(lines[y]);
		any = true;
	}
	render_buf_append(out, "\033[?7h\0338", 7);
	p->valid = true;
	pane_lines_free(lines, p->rows);
	if (!any)
		out->len = start;
	return any;
}
