/* SPDX-License-Identifier: MIT */
/*
 * session/client.c: the daemon's side of each connection: peer checks,
 * frame dispatch, per-client rendering and back-pressure.
 *
 * Every peer must be our own uid (SO_PEERCRED) in our own mount namespace.
 * The socket directory is already private and hidden inside the sandbox.
 * The namespace check is a second wall: a sandboxed process that somehow
 * reached the socket still cannot attach, type into a session or send
 * commands.
 */
#include "session/daemon.h"

#include <json-c/json.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* The queued output past which a client counts as stalled. */
#define CLIENT_QUEUE_MIN (64u * 1024)

struct write_req {
	uv_write_t req;
	uv_buf_t buf;
};

/* Whether pid's mount namespace is this process's one. */
static bool same_mount_ns(pid_t pid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/ns/mnt", (int)pid);
	struct stat mine, theirs;

	if (stat("/proc/self/ns/mnt", &mine) < 0 || stat(path, &theirs) < 0)
		return false;
	return mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
}

/*
 * Check the peer of a new connection.  The namespace is read from /proc
 * after connect(), so a peer that exits in between is rejected because its
 * /proc entry is gone.  A reused pid cannot help a sandboxed process,
 * because such a process never reaches the socket in the first place.
 */
static int check_peer(uv_pipe_t *p, char *why, size_t whylen)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)p, &fd) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		snprintf(why, whylen, "cannot read peer credentials: %s", strerror(errno));
		return -EPERM;
	}
	if (cred.uid != geteuid()) {
		snprintf(why, whylen, "peer pid %d has uid %u, not %u", (int)cred.pid,
			 (unsigned)cred.uid, (unsigned)geteuid());
		return -EPERM;
	}
	if (!same_mount_ns(cred.pid)) {
		snprintf(why, whylen, "peer pid %d is in another mount namespace", (int)cred.pid);
		return -EPERM;
	}
	return 0;
}

/* Note that a terminal client used the session now, for 'fence attach' without a name. */
static void mark_used(struct daemon *d)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	d->used_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_client_closed(uv_handle_t *h)
{
	struct client *c = h->data;
	struct daemon *d = c->d;

	for (struct client **pp = &d->clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	violation_session_client_done(c);
	proto_decoder_done(&c->dec);
	render_done(&c->render);
	free(c);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct client *c = req->data;

	free(req);
	uv_close((uv_handle_t *)&c->pipe, on_client_closed);
}

void client_close(struct client *c, const char *reason)
{
	uv_shutdown_t *req;

	if (c->closing)
		return;
	c->closing = true;
	log_debug("client %u: closing: %s", c->id, reason);
	uv_read_stop((uv_stream_t *)&c->pipe);
	/* Let queued frames (EXIT, ERROR) reach the peer before closing. */
	req = xmalloc(sizeof(*req));
	req->data = c;
	if (uv_shutdown(req, (uv_stream_t *)&c->pipe, on_shutdown) < 0) {
		free(req);
		uv_close((uv_handle_t *)&c->pipe, on_client_closed);
	}
	if (c->role == PROTO_ROLE_TTY && c->hello_done && !c->d->shutting_down) {
		mark_used(c->d);
		daemon_apply_size(c->d);
	}
}

static void on_write_done(uv_write_t *req, int status)
{
	struct write_req *w = (struct write_req *)req;
	struct client *c = req->data;

	free(w->buf.base);
	free(w);
	if (status < 0 || c->closing)
		return;
	/* A client that fell behind is repainted once its queue is empty. */
	if (c->behind && uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) == 0) {
		c->behind = false;
		render_invalidate(&c->render);
		client_render(c);
	}
}

/* Queue an already built frame; takes ownership of data. */
static void send_owned(struct client *c, uint8_t *data, size_t len)
{
	struct write_req *w = xmalloc(sizeof(*w));
	int r;

	w->buf = uv_buf_init((char *)data, (unsigned)len);
	w->req.data = c;
	r = uv_write(&w->req, (uv_stream_t *)&c->pipe, &w->buf, 1, on_write_done);
	if (r < 0) {
		free(data);
		free(w);
		client_close(c, uv_strerror(r));
	}
}

void client_send(struct client *c, int type, const void *payload, size_t len)
{
	size_t size;
	uint8_t *f;

	if (c->closing)
		return;
	f = proto_frame_build(type, payload, len, &size);
	send_owned(c, f, size);
}

/* Send an ERROR frame and close the connection after a protocol violation. */
static void client_fail(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void client_fail(struct client *c, const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char msg[256];
	va_list ap;
	const char *s;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "message", json_object_new_string(msg));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	client_send(c, PROTO_ERROR, s, strlen(s));
	json_object_put(o);
	client_close(c, msg);
}

/* The byte cap of one client's queue: eight screens of cells, as tmux uses. */
static size_t queue_limit(const struct client *c)
{
	size_t cells = 8u * (size_t)c->rows * (size_t)c->cols;

	return cells > CLIENT_QUEUE_MIN ? cells : CLIENT_QUEUE_MIN;
}

/* The scroll-mode position shown at the top right. */
static void scroll_overlay(const struct client *c, char *buf, size_t n)
{
	snprintf(buf, n, "[%d/%zu]", -c->scroll_top, screen_scrollback_lines(c->d->screen));
}

void client_render(struct client *c)
{
	struct render_buf out = {0};
	char overlay[48];
	uint8_t hdr[PROTO_HEADER_SIZE];
	bool full, drew;

	if (c->closing || !c->hello_done || c->role != PROTO_ROLE_TTY || c->behind)
		return;
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) > queue_limit(c)) {
		/* Drop output for a slow or stopped client instead of queueing it
		 * without bound; it gets a full frame once it catches up. */
		log_debug("client %u: output queue full, dropping frames", c->id);
		c->behind = true;
		return;
	}
	if (c->scroll_top < 0)
		scroll_overlay(c, overlay, sizeof(overlay));
	render_buf_append(&out, hdr, sizeof(hdr));
	full = !c->render.valid; /* violations: a full frame clears the side pane too */
	drew = render_frame(&c->render, c->d->screen, c->scroll_top,
			    c->scroll_top < 0 ? overlay : violation_session_overlay(c), &out);
	drew |= violation_session_render(c, full, &out);
	if (!drew) {
		render_buf_done(&out);
		return;
	}
	/* Frames larger than the protocol maximum would need splitting; a frame
	 * of 1000x1000 truecolour cells stays below it only with SGR deltas. */
	if (out.len - PROTO_HEADER_SIZE > PROTO_MAX_PAYLOAD) {
		render_buf_done(&out);
		render_invalidate(&c->render);
		log_debug("client %u: frame too large", c->id);
		return;
	}
	proto_header_write((uint8_t *)out.data, PROTO_OUTPUT, (uint32_t)(out.len - PROTO_HEADER_SIZE));
	send_owned(c, (uint8_t *)out.data, out.len);
}

/* Handle HELLO: register the client's terminal and paint it in full. */
static void handle_hello(struct client *c, const struct proto_frame *f)
{
	struct proto_hello h;
	char welcome[256];
	int r;

	if (c->hello_done)
		return client_fail(c, "unexpected second hello");
	r = proto_parse_hello(f->payload, f->len, &h);
	if (r == -EPROTONOSUPPORT)
		return client_fail(c, "protocol version %d is not supported, this daemon speaks %d",
				   h.proto, PROTO_VERSION);
	if (r < 0)
		return client_fail(c, "malformed hello");

	c->hello_done = true;
	c->role = h.role;
	c->readonly = h.readonly;
	snprintf(welcome, sizeof(welcome), "{\"proto\":%d,\"session\":\"%s\",\"pid\":%d}",
		 PROTO_VERSION, c->d->name, (int)getpid());
	client_send(c, PROTO_WELCOME, welcome, strlen(welcome));
	if (c->role != PROTO_ROLE_TTY)
		return;

	c->rows = h.rows;
	c->term_cols = h.cols;
	c->cols = violation_session_layout(c, h.rows, h.cols);
	c->active = ++c->d->activity;
	mark_used(c->d);
	render_init(&c->render, h.rows, c->cols);
	log_debug("client %u: attached, %dx%d, TERM=%s%s", c->id, h.cols, h.rows, h.term,
		  h.readonly ? ", read-only" : "");
	daemon_apply_size(c->d);
	client_render(c);
}

/* The scroll step of one key in scroll mode; *ret_len gets the bytes it used. */
static int scroll_step(const uint8_t *p, size_t n, int page, size_t *ret_len, bool *ret_quit)
{
	*ret_len = 1;
	*ret_quit = false;
	/* Arrows and page keys arrive as CSI A, CSI B, CSI 5 ~ and CSI 6 ~. */
	if (n >= 3 && p[0] == 0x1b && p[1] == '[') {
		*ret_len = p[2] == '5' || p[2] == '6' ? 4 : 3;
		switch (p[2]) {
		case 'A':
			return -1;
		case 'B':
			return 1;
		case '5':
			return -page;
		case '6':
			return page;
		default:
			return 0;
		}
	}
	switch (p[0]) {
	case 'k':
		return -1;
	case 'j':
		return 1;
	case 'b':
	case 0x02: /* Ctrl-B */
		return -page;
	case 'f':
	case ' ':
	case 0x06: /* Ctrl-F */
		return page;
	case 'g':
		return INT32_MIN / 2;
	case 'G':
	case 'q':
	case 0x1b:
		*ret_quit = true;
		return 0;
	default:
		return 0;
	}
}

/* Handle keys in scroll mode: move through the scrollback; q leaves. */
static void scroll_keys(struct client *c, const uint8_t *p, size_t n)
{
	int oldest = -(int)screen_scrollback_lines(c->d->screen);
	int page = c->rows > 1 ? c->rows - 1 : 1;

	for (size_t i = 0; i < n;) {
		size_t used;
		bool quit;
		int step = scroll_step(p + i, n - i, page, &used, &quit);

		if (quit) {
			c->scroll_top = 0;
			break;
		}
		c->scroll_top += step;
		if (c->scroll_top < oldest)
			c->scroll_top = oldest;
		if (c->scroll_top > 0)
			c->scroll_top = 0;
		i += used;
	}
	client_render(c);
}

static void handle_input(struct client *c, const struct proto_frame *f)
{
	if (c->role != PROTO_ROLE_TTY || c->readonly)
		return;
	if (c->scroll_top < 0)
		return scroll_keys(c, f->payload, f->len);
	if (c->active != c->d->activity) {
		c->active = ++c->d->activity;
		daemon_apply_size(c->d);
	}
	mark_used(c->d);
	daemon_input(c->d, (const char *)f->payload, f->len);
}

static void handle_resize(struct client *c, const struct proto_frame *f)
{
	int rows, cols;

	if (c->role != PROTO_ROLE_TTY)
		return client_fail(c, "resize from a control client");
	if (proto_parse_resize(f->payload, f->len, &rows, &cols) < 0)
		return client_fail(c, "malformed resize");
	log_debug("client %u: resized to %dx%d", c->id, cols, rows);
	c->rows = rows;
	c->term_cols = cols;
	c->cols = violation_session_layout(c, rows, cols);
	render_resize(&c->render, rows, c->cols);
	if (!c->readonly)
		c->active = ++c->d->activity;
	daemon_apply_size(c->d);
	client_render(c);
}

/* Reply to INFO with what `fence ls` shows. */
static void reply_info(struct client *c)
{
	struct daemon *d = c->d;
	json_object *o = json_object_new_object();
	const char *s;

	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "started", json_object_new_int64(d->started));
	json_object_object_add(o, "clients", json_object_new_int((int)client_count_attached(d)));
	json_object_object_add(o, "cwd", json_object_new_string(d->cwd));
	json_object_object_add(o, "violations", json_object_new_int((int)d->violations));
	json_object_object_add(o, "rows", json_object_new_int(d->rows));
	json_object_object_add(o, "cols", json_object_new_int(d->cols));
	json_object_object_add(o, "used_ms", json_object_new_int64(d->used_ms));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	client_send(c, PROTO_REPLY, s, strlen(s));
	json_object_put(o);
}

/* Send the screen text in OUTPUT frames no larger than the protocol allows. */
static void reply_capture(struct client *c, bool scrollback)
{
	size_t len, off = 0;
	_cleanup_free_ char *text = screen_capture(c->d->screen, scrollback, &len);

	while (off < len) {
		size_t n = len - off < PROTO_MAX_PAYLOAD ? len - off : PROTO_MAX_PAYLOAD;

		client_send(c, PROTO_OUTPUT, text + off, n);
		off += n;
	}
	client_send(c, PROTO_REPLY, "{\"ok\":true}", 11);
}

/* Shell hooks: send the command timeline and its violations as JSON Lines. */
static void reply_timeline(struct client *c)
{
	const struct timeline *t = &c->d->timeline;

	for (size_t i = 0; i < timeline_count(t); i++) {
		_cleanup_free_ char *json = timeline_command_json(timeline_get(t, i));
		_cleanup_free_ char *line = xasprintf("{\"command\":%s}\n", json);

		client_send(c, PROTO_OUTPUT, line, strlen(line));
	}
	for (size_t i = 0; i < timeline_violation_count(t); i++) {
		_cleanup_free_ char *json = timeline_violation_json(timeline_violation_get(t, i));
		_cleanup_free_ char *line = xasprintf("{\"violation\":%s}\n", json);

		client_send(c, PROTO_OUTPUT, line, strlen(line));
	}
	client_send(c, PROTO_REPLY, "{\"ok\":true}", 11);
}

static void handle_command(struct client *c, const struct proto_frame *f)
{
	struct proto_command cmd;

	if (violation_session_command(c, f->payload, f->len))
		return;
	if (proto_parse_command(f->payload, f->len, &cmd) < 0)
		return client_fail(c, "malformed command");
	log_debug("client %u: command %d", c->id, (int)cmd.cmd);
	switch (cmd.cmd) {
	case PROTO_CMD_INFO:
		return reply_info(c);
	case PROTO_CMD_CAPTURE:
		return reply_capture(c, cmd.scrollback);
	case PROTO_CMD_KILL:
		c->d->kill_requested = true;
		client_send(c, PROTO_REPLY, "{\"ok\":true}", 11);
		return daemon_kill(c->d);
	case PROTO_CMD_SCROLL:
		if (c->role == PROTO_ROLE_TTY && screen_scrollback_lines(c->d->screen) > 0) {
			c->scroll_top = -1;
			client_render(c);
		}
		return;
	case PROTO_CMD_REDRAW:
		render_invalidate(&c->render);
		return client_render(c);
	case PROTO_CMD_TIMELINE:
		return reply_timeline(c);
	}
}

/* Dispatch one decoded frame; anything out of order closes the client. */
static void handle_frame(struct client *c, const struct proto_frame *f)
{
	if (!c->hello_done && f->type != PROTO_HELLO)
		return client_fail(c, "expected hello, got %s", proto_type_to_string(f->type));
	switch (f->type) {
	case PROTO_HELLO:
		return handle_hello(c, f);
	case PROTO_INPUT:
		return handle_input(c, f);
	case PROTO_RESIZE:
		return handle_resize(c, f);
	case PROTO_DETACH:
		client_send(c, PROTO_DETACHED, "{\"reason\":\"detached\"}", 21);
		return client_close(c, "detached");
	case PROTO_COMMAND:
		return handle_command(c, f);
	default:
		return client_fail(c, "unexpected %s frame from a client",
				   proto_type_to_string(f->type));
	}
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static char slab[65536];

	*buf = uv_buf_init(slab, sizeof(slab));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct client *c = s->data;
	struct proto_frame f;
	int r;

	if (n == 0)
		return;
	if (n < 0) {
		client_close(c, n == UV_EOF ? "disconnected" : uv_strerror((int)n));
		return;
	}
	if (proto_decoder_feed(&c->dec, buf->base, (size_t)n) < 0)
		return client_fail(c, "too much undecoded data");
	while (!c->closing && (r = proto_decoder_next(&c->dec, &f)) != 0) {
		if (r == -EMSGSIZE)
			return client_fail(c, "frame larger than %u bytes", PROTO_MAX_PAYLOAD);
		if (r < 0)
			return client_fail(c, "malformed frame header");
		handle_frame(c, &f);
	}
}

void client_accept(struct daemon *d)
{
	struct client *c = xcalloc(1, sizeof(*c));
	char why[160];

	c->d = d;
	c->id = ++d->next_client_id;
	uv_pipe_init(d->loop, &c->pipe, 0);
	c->pipe.data = c;
	c->next = d->clients;
	d->clients = c;
	if (uv_accept((uv_stream_t *)&d->listener, (uv_stream_t *)&c->pipe) < 0) {
		client_close(c, "accept failed");
		return;
	}
	if (check_peer(&c->pipe, why, sizeof(why)) < 0) {
		log_debug("client %u: rejected: %s", c->id, why);
		client_fail(c, "permission denied");
		return;
	}
	uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
}
