/* SPDX-License-Identifier: MIT */
/*
 * pty/attach.c: the thin client: raw mode, relay, resize, detach.
 *
 * The client draws nothing itself: the daemon sends ready-made terminal
 * bytes for this terminal's size.  The client owns the terminal state.  It
 * enters the alternate screen on attach.  On every way out (detach, the
 * shell's exit, an error, a lost daemon, fatal signals) it restores the
 * saved termios and resets every mode the session may have switched on.
 */
#include "pty/pty.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "pty/prompt.h"
#include "session/protocol.h"
#include "util/util.h"

/* violations: the COMMAND that prefix v sends. */
static const char pane_toggle[] = "{\"cmd\":\"pane\",\"mode\":\"toggle\"}";

/* Terminal state shared with the signal handlers. */
static struct termios saved_termios;
static volatile sig_atomic_t raw_active;
static int signal_pipe[2] = {-1, -1};

/* Leave every mode a session can set, then the alternate screen. */
static const char restore_seq[] = "\033[?2026l\033[0m\033[?1l\033>\033[?1000l\033[?1002l"
				  "\033[?1003l\033[?1005l\033[?1006l\033[?1015l\033[?1004l"
				  "\033[?2004l\033[0 q\033[?25h\033[?1049l";

/* Put the terminal back; async-signal-safe. */
static void term_restore(void)
{
	ssize_t n;

	if (!raw_active)
		return;
	raw_active = 0;
	n = write(STDOUT_FILENO, restore_seq, sizeof(restore_seq) - 1);
	(void)n;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
}

static int term_raw(void)
{
	struct termios t;
	static const char enter[] = "\033[?1049h\033[H\033[2J";

	if (tcgetattr(STDIN_FILENO, &saved_termios) < 0)
		return -errno;
	t = saved_termios;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		return -errno;
	raw_active = 1;
	if (write(STDOUT_FILENO, enter, sizeof(enter) - 1) < 0)
		return -errno;
	return 0;
}

/* Restore the terminal, then die of the same signal. */
static void on_fatal_signal(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Wake the poll loop; the loop reads the signal number from the pipe. */
static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;
	ssize_t n = write(signal_pipe[1], &b, 1);

	(void)n;
	errno = saved;
}

static void install_signals(void)
{
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGQUIT};
	static const int relayed[] = {SIGWINCH, SIGHUP, SIGTERM, SIGINT, SIGCONT};
	struct sigaction sa = {0};

	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_fatal_signal;
	for (size_t i = 0; i < ELEMENTSOF(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < ELEMENTSOF(relayed); i++)
		sigaction(relayed[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void term_size(int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
		*rows = ws.ws_row > PROTO_MAX_ROWS ? PROTO_MAX_ROWS : ws.ws_row;
		*cols = ws.ws_col > PROTO_MAX_COLS ? PROTO_MAX_COLS : ws.ws_col;
	}
}

static int send_resize(int fd)
{
	char msg[64];
	int rows, cols;

	term_size(&rows, &cols);
	snprintf(msg, sizeof(msg), "{\"rows\":%d,\"cols\":%d}", rows, cols);
	return proto_send(fd, PROTO_RESIZE, msg, strlen(msg));
}

static int send_hello(int fd, bool readonly)
{
	const char *term = getenv("TERM");
	char msg[256];
	int rows, cols;

	term_size(&rows, &cols);
	if (!term || !*term || strlen(term) >= 64 || strpbrk(term, "\"\\"))
		term = "xterm";
	snprintf(msg, sizeof(msg),
		 "{\"proto\":%d,\"role\":\"tty\",\"rows\":%d,\"cols\":%d,\"term\":\"%s\",\"readonly\":%s}",
		 PROTO_VERSION, rows, cols, term, readonly ? "true" : "false");
	return proto_send(fd, PROTO_HELLO, msg, strlen(msg));
}

/* The outcome of the attach loop. */
struct attach_end {
	bool done;
	int status;
	char *message; /* owned: printed after the terminal is restored */
};

/* Handle one frame from the daemon. */
static void handle_frame(const struct proto_frame *f, const struct attach_options *o,
			 struct attach_end *end)
{
	switch (f->type) {
	case PROTO_WELCOME:
	case PROTO_EVENT:
		break;
	case PROTO_REPLY:
		prompt_ui_reply(f->payload, f->len); /* violations: the prompt's answer */
		break;
	case PROTO_OUTPUT:
		if (prompt_ui_owns_screen())
			break; /* violations: the prompt is on screen; a redraw follows */
		if (fd_write_all(STDOUT_FILENO, f->payload, f->len) < 0) {
			end->done = true;
			end->status = 0;
		}
		break;
	case PROTO_EXIT:
		end->done = true;
		if (proto_parse_exit(f->payload, f->len, &end->status) < 0)
			end->status = FENCE_EXIT_FAILURE;
		end->message = xasprintf("[session '%s' ended with status %d]", o->name,
					 end->status);
		break;
	case PROTO_DETACHED:
		end->done = true;
		end->status = 0;
		end->message = xasprintf("[detached from session '%s']", o->name);
		break;
	case PROTO_ERROR:
		end->done = true;
		end->status = FENCE_EXIT_FAILURE;
		end->message = xasprintf("fence: session '%s': %.*s", o->name, (int)f->len,
					 (const char *)f->payload);
		break;
	default:
		break;
	}
}

/* violations: answer the session's oldest held request. */
static int send_ask_answer(int fd, enum keys_action action)
{
	static const char *const decisions[] = {"once", "session", "always", "deny"};
	_cleanup_free_ char *cmd = xasprintf("{\"cmd\":\"ask\",\"decision\":\"%s\"}",
					     decisions[action - KEYS_ASK_ONCE]);

	return proto_send(fd, PROTO_COMMAND, cmd, strlen(cmd));
}

/* Handle n bytes of keyboard input; returns < 0 when the connection failed. */
static int handle_input(int fd, struct keys *k, const struct attach_options *o,
			struct attach_end *end, const unsigned char *in, size_t n)
{
	unsigned char out[4096];
	size_t off = 0;

	if (prompt_ui_owns_screen() && !o->readonly) { /* violations: keys go to the prompt */
		int r = prompt_ui_input(fd, in, n, &off, &end->done);

		if (r < 0 || end->done)
			return r;
	}
	while (off < n) {
		enum keys_action action;
		size_t out_len;
		int r = 0;

		off += keys_feed(k, in + off, n - off, out, &out_len, &action);
		if (out_len && !o->readonly)
			r = proto_send(fd, PROTO_INPUT, out, out_len);
		if (r == 0 && action == KEYS_DETACH)
			r = proto_send(fd, PROTO_DETACH, NULL, 0);
		else if (r == 0 && action == KEYS_SCROLL)
			r = proto_send(fd, PROTO_COMMAND, "{\"cmd\":\"scroll\"}", 16);
		else if (r == 0 && action == KEYS_REDRAW)
			r = proto_send(fd, PROTO_COMMAND, "{\"cmd\":\"redraw\"}", 16);
		else if (r == 0 && action == KEYS_PANE) /* violations */
			r = proto_send(fd, PROTO_COMMAND, pane_toggle, sizeof(pane_toggle) - 1);
		else if (r == 0 && action >= KEYS_ASK_ONCE && action <= KEYS_ASK_DENY)
			r = send_ask_answer(fd, action); /* violations */
		else if (r == 0 && action == KEYS_PROMPT && !o->readonly) { /* violations */
			size_t used;

			prompt_ui_start(o->name);
			return prompt_ui_input(fd, in + off, n - off, &used, &end->done);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* Relay keyboard input; returns < 0 when the connection failed. */
static int relay_input(int fd, struct keys *k, const struct attach_options *o,
		       struct attach_end *end)
{
	unsigned char in[4096];
	ssize_t n = read(STDIN_FILENO, in, sizeof(in));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		/* The terminal is gone: detach, as on SIGHUP. */
		end->done = true;
		return proto_send(fd, PROTO_DETACH, NULL, 0);
	}
	return handle_input(fd, k, o, end, in, (size_t)n);
}

/* Read frames from the daemon; returns < 0 when the connection ended. */
static int relay_output(int fd, struct proto_decoder *dec, struct keys *k,
			const struct attach_options *o, struct attach_end *end)
{
	static char buf[65536];
	struct proto_frame f;
	ssize_t n = read(fd, buf, sizeof(buf));
	int r;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -ECONNRESET;
	r = proto_decoder_feed(dec, buf, (size_t)n);
	while (r == 0 && !end->done && (r = proto_decoder_next(dec, &f)) == 1) {
		handle_frame(&f, o, end);
		r = 0;
		if (f.type == PROTO_REPLY && !end->done) {
			/* violations: keys typed while the answer was awaited */
			unsigned char held[4096];
			size_t n_held = prompt_ui_take_held(held, sizeof(held));

			if (n_held)
				r = handle_input(fd, k, o, end, held, n_held) < 0 ? -1 : 0;
		}
	}
	return r < 0 ? -EPROTO : 0;
}

/* Handle a signal the loop was woken for. */
static int handle_signal(int fd, int sig, struct attach_end *end)
{
	switch (sig) {
	case SIGWINCH:
		return send_resize(fd);
	case SIGCONT:
		/* Back from a stop: raw mode again and a full repaint. */
		if (raw_active)
			term_raw();
		send_resize(fd);
		return proto_send(fd, PROTO_COMMAND, "{\"cmd\":\"redraw\"}", 16);
	case SIGHUP:
		/* The terminal closed: only this client detaches. */
		end->done = true;
		end->status = 0;
		raw_active = 0;
		return proto_send(fd, PROTO_DETACH, NULL, 0);
	default:
		end->done = true;
		end->status = 128 + sig;
		return 0;
	}
}

/* The poll loop: terminal, socket and signals until something ends it. */
static void attach_loop(int fd, const struct attach_options *o, struct attach_end *end)
{
	struct proto_decoder dec = {0};
	struct keys k = {.prefix = o->prefix};

	while (!end->done) {
		struct pollfd p[3] = {
			{.fd = STDIN_FILENO, .events = POLLIN},
			{.fd = fd, .events = POLLIN},
			{.fd = signal_pipe[0], .events = POLLIN},
		};
		int r = 0;

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[2].revents & POLLIN) {
			unsigned char sig;

			if (read(signal_pipe[0], &sig, 1) == 1)
				r = handle_signal(fd, sig, end);
		}
		if (r == 0 && !end->done && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
			r = relay_output(fd, &dec, &k, o, end);
		if (r == 0 && !end->done && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			r = relay_input(fd, &k, o, end);
		if (r < 0 && !end->done) {
			end->done = true;
			end->status = FENCE_EXIT_FAILURE;
			end->message = xasprintf("fence: lost the connection to session '%s'", o->name);
		}
	}
	proto_decoder_done(&dec);
}

int attach_run(int fd, const struct attach_options *o)
{
	struct attach_end end = {0};
	int r;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		msg_error("cannot attach to session '%s': standard input and output must be a terminal",
			  o->name);
		close(fd);
		return FENCE_EXIT_FAILURE;
	}
	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		msg_error("cannot create a pipe: %s", strerror(errno));
		close(fd);
		return FENCE_EXIT_FAILURE;
	}
	install_signals();
	r = send_hello(fd, o->readonly);
	if (r == 0 && (o->pane || o->pane_width)) { /* violations: the side pane's settings */
		_cleanup_free_ char *pane = xasprintf("{\"cmd\":\"pane\",\"mode\":\"%s\",\"width\":%d}",
						      o->pane ? o->pane : "auto", o->pane_width);

		r = proto_send(fd, PROTO_COMMAND, pane, strlen(pane));
	}
	if (r == 0)
		r = term_raw();
	if (r < 0) {
		term_restore();
		msg_error("cannot attach to session '%s': %s", o->name, strerror(-r));
		close(fd);
		return FENCE_EXIT_FAILURE;
	}
	attach_loop(fd, o, &end);
	term_restore();
	close(fd);
	if (end.message) {
		fprintf(end.status ? stderr : stdout, "%s\n", end.message);
		free(end.message);
	}
	return end.status;
}
