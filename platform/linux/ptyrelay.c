/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/ptyrelay.c: byte relay between the user's terminal and
 * the sandbox's PTY.
 *
 * The user's terminal runs in raw mode, so Ctrl-C, Ctrl-Z and friends
 * travel as bytes to the PTY, whose line discipline turns them into
 * signals for the command's foreground process group inside.  The saved
 * mode lives in a static so that crash handlers can restore it.  libuv's
 * uv_tty_init reopens the terminal, so the O_NONBLOCK it sets never
 * reaches the shell that started fence.
 */
#include "platform/linux/ptyrelay.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/util.h"

/* Stop reading a side once this much output waits to be written. */
#define RELAY_HIGH_WATER (1u << 20)

static struct termios saved_mode;
static volatile sig_atomic_t saved_mode_valid;

/* One queued write and its copy of the bytes. */
struct relay_write {
	uv_write_t req;
	struct ptyrelay *relay;
	uv_stream_t *source; /* the side to resume once the queue drains */
	char data[];
};

int ptyrelay_open(struct ptyrelay *r)
{
	struct termios mode;
	struct winsize ws;
	bool have_mode, have_size;

	*r = (struct ptyrelay){ .master = -1, .slave = -1 };
	have_mode = tcgetattr(0, &mode) == 0;
	have_size = ioctl(1, TIOCGWINSZ, &ws) == 0 || ioctl(0, TIOCGWINSZ, &ws) == 0;
	if (openpty(&r->master, &r->slave, NULL, have_mode ? &mode : NULL,
		    have_size ? &ws : NULL) < 0)
		return -errno;
	if (fcntl(r->master, F_SETFD, FD_CLOEXEC) < 0 || fcntl(r->slave, F_SETFD, FD_CLOEXEC) < 0) {
		int e = -errno;

		close(TAKE_FD(r->master));
		close(TAKE_FD(r->slave));
		return e;
	}
	return 0;
}

void ptyrelay_restore_terminal(void)
{
	if (saved_mode_valid)
		tcsetattr(0, TCSADRAIN, &saved_mode);
}

/* Put the user's terminal in raw mode, saving the mode the first time. */
static void enter_raw(struct ptyrelay *r)
{
	struct termios raw;

	if (r->raw)
		return;
	if (!saved_mode_valid) {
		if (tcgetattr(0, &saved_mode) < 0)
			return;
		saved_mode_valid = 1;
	}
	raw = saved_mode;
	cfmakeraw(&raw);
	if (tcsetattr(0, TCSADRAIN, &raw) == 0)
		r->raw = true;
}

/* Give the user's terminal its saved mode back. */
static void leave_raw(struct ptyrelay *r)
{
	if (!r->raw)
		return;
	ptyrelay_restore_terminal();
	r->raw = false;
}

/* Provide a read buffer to libuv. */
static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	buf->base = xmalloc(suggested);
	buf->len = suggested;
}

static void master_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);
static void in_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

/* Resume the source of a write once its destination has drained. */
static void write_cb(uv_write_t *req, int status)
{
	struct relay_write *w = (struct relay_write *)req;
	struct ptyrelay *r = w->relay;

	if (uv_stream_get_write_queue_size(req->handle) < RELAY_HIGH_WATER / 2 &&
	    !uv_is_closing((uv_handle_t *)w->source)) {
		if (w->source == (uv_stream_t *)&r->master_pipe && !r->master_eof &&
		    !uv_is_active((uv_handle_t *)w->source))
			uv_read_start(w->source, alloc_cb, master_read_cb);
		if (w->source == (uv_stream_t *)&r->in && r->in_paused) {
			r->in_paused = false;
			if (r->reading_in)
				uv_read_start(w->source, alloc_cb, in_read_cb);
		}
	}
	free(w);
}

/* Queue bytes for dst, pausing src when dst falls behind. */
static void relay_bytes(struct ptyrelay *r, uv_stream_t *src, uv_stream_t *dst, const char *data,
			size_t len)
{
	struct relay_write *w = xmalloc(sizeof(*w) + len);
	uv_buf_t buf;

	w->relay = r;
	w->source = src;
	memcpy(w->data, data, len);
	buf = uv_buf_init(w->data, (unsigned int)len);
	if (uv_write(&w->req, dst, &buf, 1, write_cb) < 0) {
		free(w);
		return;
	}
	if (uv_stream_get_write_queue_size(dst) > RELAY_HIGH_WATER) {
		uv_read_stop(src);
		if (src == (uv_stream_t *)&r->in)
			r->in_paused = true;
	}
}

/* Copy the command's output to the user's terminal; EIO marks its end. */
static void master_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct ptyrelay *r = s->data;

	if (n > 0) {
		r->master_bytes += (unsigned long long)n;
		relay_bytes(r, s, (uv_stream_t *)&r->out, buf->base, (size_t)n);
	}
	free(buf->base);
	if (n < 0 && !r->master_eof) {
		/* EIO is how a PTY leader reports that no follower fd is open. */
		r->master_eof = true;
		uv_read_stop(s);
		if (r->on_master_eof)
			r->on_master_eof(r);
	}
}

/* Copy the user's keystrokes to the PTY. */
static void in_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct ptyrelay *r = s->data;

	if (n > 0 && !r->master_eof)
		relay_bytes(r, s, (uv_stream_t *)&r->master_pipe, buf->base, (size_t)n);
	free(buf->base);
	if (n < 0) {
		uv_read_stop(s);
		r->reading_in = false;
	}
}

int ptyrelay_start(struct ptyrelay *r, uv_loop_t *loop, void (*on_master_eof)(struct ptyrelay *))
{
	int e;

	r->on_master_eof = on_master_eof;
	e = uv_tty_init(loop, &r->in, 0, 1);
	if (e < 0)
		return e;
	r->pending_closes++;
	e = uv_tty_init(loop, &r->out, 1, 0);
	if (e < 0)
		return e;
	r->pending_closes++;
	e = uv_pipe_init(loop, &r->master_pipe, 0);
	if (e < 0)
		return e;
	r->pending_closes++;
	e = uv_pipe_open(&r->master_pipe, r->master);
	if (e < 0)
		return e;
	r->master = -1;
	r->in.data = r->out.data = r->master_pipe.data = r;

	enter_raw(r);
	e = uv_read_start((uv_stream_t *)&r->master_pipe, alloc_cb, master_read_cb);
	if (e < 0)
		return e;
	e = uv_read_start((uv_stream_t *)&r->in, alloc_cb, in_read_cb);
	if (e < 0)
		return e;
	r->reading_in = true;
	return 0;
}

void ptyrelay_resize(struct ptyrelay *r)
{
	struct winsize ws;
	uv_os_fd_t fd;

	if (ioctl(1, TIOCGWINSZ, &ws) < 0 && ioctl(0, TIOCGWINSZ, &ws) < 0)
		return;
	if (uv_fileno((uv_handle_t *)&r->master_pipe, &fd) == 0)
		ioctl(fd, TIOCSWINSZ, &ws);
}

void ptyrelay_suspend(struct ptyrelay *r)
{
	if (r->reading_in) {
		uv_read_stop((uv_stream_t *)&r->in);
		r->reading_in = false;
	}
	leave_raw(r);
}

void ptyrelay_resume(struct ptyrelay *r)
{
	/* In the background, touching the terminal would stop fence with SIGTTOU. */
	if (tcgetpgrp(0) != getpgrp())
		return;
	enter_raw(r);
	ptyrelay_resize(r);
	if (!r->reading_in && !r->in_paused && !uv_is_closing((uv_handle_t *)&r->in)) {
		if (uv_read_start((uv_stream_t *)&r->in, alloc_cb, in_read_cb) == 0)
			r->reading_in = true;
	}
}

bool ptyrelay_output_pending(struct ptyrelay *r, unsigned long long *last_bytes)
{
	bool progress = r->master_bytes != *last_bytes;

	*last_bytes = r->master_bytes;
	if (r->master_eof)
		return false;
	return progress || !uv_is_active((uv_handle_t *)&r->master_pipe);
}

void ptyrelay_close_slave(struct ptyrelay *r)
{
	if (r->slave >= 0)
		close(TAKE_FD(r->slave));
}

/* Count down the close callbacks and report the last one. */
static void close_cb(uv_handle_t *h)
{
	struct ptyrelay *r = h->data;

	if (--r->pending_closes == 0 && r->on_closed)
		r->on_closed(r);
}

/* Close the output side once everything queued for the terminal was written. */
static void out_drained_cb(uv_shutdown_t *req, int status)
{
	struct ptyrelay *r = req->data;

	/* A terminal is no socket, so shutdown(2) itself fails; the queue has drained. */
	leave_raw(r);
	uv_close((uv_handle_t *)&r->out, close_cb);
}

void ptyrelay_close(struct ptyrelay *r, void (*on_closed)(struct ptyrelay *))
{
	uv_handle_t *handles[] = { (uv_handle_t *)&r->in, (uv_handle_t *)&r->out,
				   (uv_handle_t *)&r->master_pipe };
	int initialised = r->pending_closes;

	ptyrelay_close_slave(r);
	if (r->master >= 0)
		close(TAKE_FD(r->master));
	r->on_closed = on_closed;
	if (initialised == 0) {
		leave_raw(r);
		if (on_closed)
			on_closed(r);
		return;
	}
	for (int i = 0; i < initialised; i++) {
		handles[i]->data = r;
		if (handles[i] == (uv_handle_t *)&r->out) {
			r->out_shutdown.data = r;
			if (uv_shutdown(&r->out_shutdown, (uv_stream_t *)&r->out, out_drained_cb) == 0)
				continue;
			leave_raw(r);
		}
		uv_close(handles[i], close_cb);
	}
}
