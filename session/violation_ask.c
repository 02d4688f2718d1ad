/* SPDX-License-Identifier: MIT */
/*
 * session/violation_ask.c: ask mode (network.onBlocked "ask" or --ask).
 *
 * The proxies hold a request for a host that no rule covers and the
 * session shows it in the side pane with a countdown.  Only an attached,
 * writable terminal client can answer, through a COMMAND frame on the
 * peer-checked control socket: nothing in the sandbox can approve.  A
 * timeout, or a session with no attached client, applies the default,
 * deny.  The sandbox decides when asks happen, so they are rate-limited:
 * past ASK_PENDING_MAX held hosts or ASK_RATE_MAX new asks a minute,
 * requests are refused at once.
 */
#include "session/violation_session.h"

#include <stdio.h>
#include <string.h>

#include "proxy/proxy.h"
#include "session/daemon.h"

#define ASK_TIMEOUT_DEFAULT_S 15
#define ASK_PENDING_MAX 8
#define ASK_RATE_MAX 30
#define ASK_RATE_WINDOW_MS 60000

/* One held host and every request waiting for it. */
struct ask_item {
	uint64_t id; /* what a client was shown, so an answer goes to that request */
	char *host; /* owned */
	int port;
	enum proxy_source source;
	struct proxy_ask **asks; /* owned array, each answered once */
	size_t n_asks;
	uint64_t deadline_ms; /* loop time */
};

struct violation_asks {
	struct ask_item items[ASK_PENDING_MAX];
	size_t n;
	uv_timer_t *timer; /* owned until its close callback */
	uint64_t window_start_ms;
	unsigned window_count;
	unsigned timeout_s;
	uint64_t last_id;
	char *line; /* owned: the pending text last built, valid until the next */
};

static void on_timer_closed(uv_handle_t *h)
{
	free(h);
}

/* The countdown in seconds, from FENCE_ASK_TIMEOUT (1 to 300) or the default. */
static unsigned ask_timeout(void)
{
	const char *s = getenv("FENCE_ASK_TIMEOUT");
	int v = s ? atoi(s) : 0;

	return v >= 1 && v <= 300 ? (unsigned)v : ASK_TIMEOUT_DEFAULT_S;
}

/* The record target of an item, as the proxy events give it. */
static void item_target(const struct ask_item *it, char *buf, size_t size)
{
	snprintf(buf, size, strchr(it->host, ':') ? "[%s]:%d" : "%s:%d", it->host, it->port);
}

/* Post the record of an ask's outcome. */
static void post(struct daemon *d, const struct ask_item *it, enum violation_action action,
		 const char *detail)
{
	char target[300];

	item_target(it, target, sizeof(target));
	violation_session_post(d, &(struct violation){
					  .source = it->source == PROXY_SOURCE_HTTP
							    ? VIOLATION_SOURCE_HTTP
							    : VIOLATION_SOURCE_SOCKS,
					  .kind = VIOLATION_NET,
					  .action = action,
					  .target = target,
					  .detail = detail,
				  });
}

/*
 * Answer every request of item i and remove it.  An allow is recorded
 * here; a deny is recorded by the proxy's refusal that follows, which
 * takes `detail`.
 */
static void resolve(struct daemon *d, size_t i, bool allow, const char *detail)
{
	struct violation_asks *a = d->vs.asks;
	struct ask_item it = a->items[i];

	memmove(&a->items[i], &a->items[i + 1], (a->n - i - 1) * sizeof(a->items[0]));
	a->n--;
	if (allow)
		post(d, &it, VIOLATION_ALLOWED, detail);
	for (size_t k = 0; k < it.n_asks; k++) {
		if (!allow) {
			item_target(&it, d->vs.ask_target, sizeof(d->vs.ask_target));
			d->vs.ask_detail = detail;
		}
		proxy_ask_answer(it.asks[k], allow);
	}
	d->vs.ask_detail = NULL;
	free(it.asks);
	free(it.host);
	if (a->n == 0 && a->timer)
		uv_timer_stop(a->timer);
	daemon_schedule_render(d);
}

static void on_tick(uv_timer_t *t)
{
	struct daemon *d = t->data;
	struct violation_asks *a = d->vs.asks;
	uint64_t now = uv_now(d->loop);
	char detail[64];

	snprintf(detail, sizeof(detail), "no answer in %u s, denied", a->timeout_s);
	for (size_t i = 0; i < a->n;) {
		if (a->items[i].deadline_ms <= now)
			resolve(d, i, false, detail);
		else
			i++;
	}
	daemon_schedule_render(d);
}

/* Refuse a request at once, with the reason as its record's detail. */
static void refuse(struct daemon *d, struct proxy_ask *ask, enum proxy_source source,
		   const char *host, int port, const char *why)
{
	struct ask_item it = {.host = (char *)host, .port = port, .source = source};

	/* The proxy refuses the request right after this returns. */
	item_target(&it, d->vs.ask_target, sizeof(d->vs.ask_target));
	d->vs.ask_detail = why;
	proxy_ask_answer(ask, false);
}

/* The proxies' ask callback. */
static void on_ask(struct proxy_ask *ask, enum proxy_source source, const char *host, int port,
		   void *userdata)
{
	struct daemon *d = userdata;
	struct violation_asks *a = d->vs.asks;
	uint64_t now = uv_now(d->loop);
	struct ask_item *it;

	for (size_t i = 0; i < a->n; i++) {
		it = &a->items[i];
		if (it->port == port && strcmp(it->host, host) == 0) {
			it->asks = xrealloc(it->asks, (it->n_asks + 1) * sizeof(*it->asks));
			it->asks[it->n_asks++] = ask;
			return;
		}
	}
	if (client_count_attached(d) == 0)
		return refuse(d, ask, source, host, port, "no client attached to ask, denied");
	if (now - a->window_start_ms > ASK_RATE_WINDOW_MS) {
		a->window_start_ms = now;
		a->window_count = 0;
	}
	if (a->n == ASK_PENDING_MAX || a->window_count >= ASK_RATE_MAX)
		return refuse(d, ask, source, host, port, "too many asks, denied");
	a->window_count++;

	it = &a->items[a->n++];
	*it = (struct ask_item){
		.id = ++a->last_id,
		.host = xstrdup(host),
		.port = port,
		.source = source,
		.asks = xmalloc(sizeof(*it->asks)),
		.n_asks = 1,
		.deadline_ms = now + a->timeout_s * 1000u,
	};
	it->asks[0] = ask;
	post(d, it, VIOLATION_ASKED, "no rule covers it; waiting for an answer");
	if (!a->timer) {
		a->timer = xmalloc(sizeof(*a->timer));
		uv_timer_init(d->loop, a->timer);
		a->timer->data = d;
	}
	if (!uv_is_active((uv_handle_t *)a->timer))
		uv_timer_start(a->timer, on_tick, 250, 250);
	daemon_schedule_render(d);
}

void violation_ask_start(struct daemon *d, struct proxy *proxy)
{
	if (!d->vs.asks) {
		d->vs.asks = xcalloc(1, sizeof(*d->vs.asks));
		d->vs.asks->timeout_s = ask_timeout();
	}
	proxy_set_ask(proxy, on_ask, d);
}

void violation_ask_stop(struct daemon *d)
{
	struct violation_asks *a = d->vs.asks;

	if (!a)
		return;
	while (a->n > 0)
		resolve(d, 0, false, "the session ended, denied");
	if (a->timer)
		uv_close((uv_handle_t *)a->timer, on_timer_closed);
	free(a->line);
	free(a);
	d->vs.asks = NULL;
}

/* The labels at the end of host that must stay whole: "b.c", or "b.co.uk"-like. */
static size_t registrable_length(const char *host)
{
	const char *last = strrchr(host, '.'), *second = NULL, *third = NULL;

	if (!last || last == host)
		return strlen(host);
	for (const char *p = host; p < last; p++)
		if (*p == '.')
			third = second, second = p;
	if (!second)
		return strlen(host);
	/* A short second-level label (co, com, org) is usually part of the suffix. */
	if (last - second - 1 <= 3)
		return third ? strlen(third + 1) : strlen(host);
	return strlen(second + 1);
}

/*
 * Fit host into room columns: whole, or its start, "..." and whole labels
 * from its end, since the end of a name says who owns it.  Returns an
 * owned string, or NULL when even the registrable part does not fit.
 */
char *violation_ask_elide_host(const char *host, int room)
{
	size_t len = strlen(host), suffix = registrable_length(host), prefix;

	if ((int)len <= room)
		return xstrdup(host);
	if ((int)suffix + 4 > room)
		return NULL;
	/* Half of what is left goes to more labels from the end, as many as fit. */
	prefix = ((size_t)room - 3 - suffix + 1) / 2;
	for (size_t i = len - suffix; i-- > prefix;)
		if (host[i] == '.' && len - (i + 1) + 3 + prefix <= (size_t)room)
			suffix = len - (i + 1);
	prefix = (size_t)room - 3 - suffix;
	return xasprintf("%.*s...%s", (int)prefix, host, host + len - suffix);
}

/*
 * Join chunks with spaces into lines of at most width columns, breaking
 * only between chunks.  A chunk wider than a line is split so that its
 * last line is full, which keeps the end of a host and its port together.
 */
static char *wrap_chunks(const struct strv *chunks, int width, bool one_line)
{
	_cleanup_free_ char *out = xstrdup("");
	size_t col = 0, w = (size_t)width;

	for (size_t i = 0; i < chunks->n; i++) {
		const char *c = chunks->v[i];
		size_t n = strlen(c), first;
		char *next;

		if (col > 0 && (one_line || col + 1 + n <= w)) {
			next = xasprintf("%s %s", out, c);
			col += 1 + n;
		} else if (one_line || n <= w) {
			next = xasprintf("%s%s%s", out, col > 0 ? "\n" : "", c);
			col = n;
		} else {
			first = n % w ? n % w : w;
			next = xasprintf("%s%s%.*s", out, col > 0 ? "\n" : "", (int)first, c);
			for (size_t off = first; off < n; off += w) {
				char *more = xasprintf("%s\n%.*s", next, (int)w, c + off);

				free(next);
				next = more;
			}
			col = w;
		}
		free(out);
		out = next;
	}
	return TAKE_PTR(out);
}

char *violation_ask_format(const char *host, int port, unsigned left, bool more, int width,
			   bool one_line)
{
	static const char *const full_legend[] = {"y once", "s session", "A always", "n deny", NULL};
	static const char *const short_legend[] = {"y/s/A/n", NULL};
	const char *const *legend = full_legend;
	bool v6 = strchr(host, ':') != NULL;
	_cleanup_free_ char *shown = NULL;
	char tail[64];
	struct strv chunks = {0};
	char *text;
	int room;

	/* The host gets what the port, countdown and key legend leave on its line. */
	snprintf(tail, sizeof(tail), "%s:%d", v6 ? "]" : "", port);
	room = width - 2 - (v6 ? 1 : 0) - (int)strlen(tail);
	if (one_line) {
		int legend_width = 0;

		room -= snprintf(NULL, 0, " %us", left) + (more ? 8 : 0);
		for (size_t i = 0; legend[i]; i++)
			legend_width += 1 + (int)strlen(legend[i]);
		/* On a narrow terminal the keys alone are named. */
		if (room - legend_width < 16)
			legend = short_legend;
		room -= legend == full_legend ? legend_width : 1 + (int)strlen(short_legend[0]);
	}
	shown = violation_ask_elide_host(host, room);
	if (!shown && one_line) {
		/* Only the end fits: keep it, as that is the part that matters. */
		size_t len = strlen(host), keep = room > 3 ? (size_t)room - 3 : 0;

		shown = keep < len ? xasprintf("...%s", host + len - keep) : xstrdup(host);
	}
	strv_pushf(&chunks, "? %s%s%s", v6 ? "[" : "", shown ? shown : host, tail);
	strv_pushf(&chunks, "%us", left);
	for (size_t i = 0; legend[i]; i++)
		strv_push(&chunks, legend[i]);
	if (more)
		strv_push(&chunks, "(+more)");
	text = wrap_chunks(&chunks, width, one_line);
	strv_done(&chunks);
	return text;
}

const char *violation_ask_line(struct daemon *d, int width, bool one_line)
{
	struct violation_asks *a = d->vs.asks;
	uint64_t now;
	unsigned left;

	if (!a || a->n == 0)
		return NULL;
	now = uv_now(d->loop);
	left = a->items[0].deadline_ms > now ? (unsigned)((a->items[0].deadline_ms - now + 999) / 1000)
					     : 0;
	free(a->line);
	a->line = violation_ask_format(a->items[0].host, a->items[0].port, left, a->n > 1, width,
				       one_line);
	return a->line;
}

uint64_t violation_ask_shown_id(struct daemon *d)
{
	struct violation_asks *a = d->vs.asks;

	return a && a->n > 0 ? a->items[0].id : 0;
}

int violation_ask_answer(struct daemon *d, const char *decision, uint64_t id, char **ret_message)
{
	struct violation_asks *a = d->vs.asks;
	_cleanup_free_ char *line = NULL, *message = NULL;
	struct violation record;
	char host[280];
	bool changed;
	size_t i = 0;
	int r;

	if (!a || a->n == 0) {
		*ret_message = xstrdup("nothing is waiting for an answer");
		return -ENOENT;
	}
	/*
	 * The key answers what this client saw, never what replaced it since.
	 * TODO: a key pressed just before the line changes still answers the
	 * next request when it arrives after the redraw, and a held request
	 * whose client went away stays until answered or timed out (the proxy
	 * does not tell); a short settle time after each change would close
	 * the first.
	 */
	while (i < a->n && a->items[i].id != id)
		i++;
	if (i == a->n) {
		*ret_message = xstrdup("the request shown has ended; nothing was answered");
		return -ESTALE;
	}
	snprintf(host, sizeof(host), "%s", a->items[i].host);
	if (strcmp(decision, "deny") == 0) {
		resolve(d, i, false, "denied by the user");
		*ret_message = xasprintf("%s: denied", host);
		return 0;
	}
	if (strcmp(decision, "once") == 0) {
		resolve(d, i, true, "allowed once by the user");
		*ret_message = xasprintf("%s: allowed once", host);
		return 0;
	}
	if (strcmp(decision, "session") != 0 && strcmp(decision, "always") != 0) {
		*ret_message = xasprintf("unknown decision '%s'", decision);
		return -EINVAL;
	}

	/* Session and always: the host joins the session's filter, so that
	 * the next requests need no ask; always also writes the user's file. */
	if (d->vs.policy_ready) {
		line = xasprintf("allow-once %s", host);
		r = prompt_run(&d->vs.policy, line, &record, &changed, &message);
		if (r < 0) {
			resolve(d, i, false, "denied: the host could not be allowed");
			*ret_message = TAKE_PTR(message);
			return r;
		}
	}
	if (strcmp(decision, "always") == 0 && d->vs.policy_ready) {
		free(message);
		message = NULL;
		r = prompt_save_always(&d->vs.policy, host, &message);
		configwatch_take_written(d);
		resolve(d, i, true, r < 0 ? "allowed for the session; saving failed" : "allowed always");
		*ret_message = TAKE_PTR(message);
		return r;
	}
	resolve(d, i, true, "allowed for the session by the user");
	*ret_message = xasprintf("%s: allowed for this session", host);
	return 0;
}
