/* SPDX-License-Identifier: MIT */
/*
 * session/daemon.c: one session daemon: a libuv loop that owns the PTY,
 * the sandboxed shell, the screen model and the control socket.
 *
 * The PTY reader never waits for clients: every read goes into the screen
 * model, and clients are repainted from the model, at once when the loop
 * is idle and at most every RENDER_INTERVAL_MS under load.  The end of the
 * shell is seen by reaping bwrap and then draining the PTY until EIO (or a
 * short grace period), so its last output still reaches the clients.
 */
#include "session/daemon.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>


#define RENDER_INTERVAL_MS 8
#define DRAIN_GRACE_MS 250
#define PTY_READ_MAX 65536
#define ECHO_READ_MAX 256
#define PTY_PENDING_MAX (1u << 20)

/* Open the PTY master and slave with the session's first size. */
static int pty_open(int rows, int cols, int *ret_master, int *ret_slave)
{
	_cleanup_close_ int master = -1, slave = -1;
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	struct termios t;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -errno;
	if (grantpt(master) < 0 || unlockpt(master) < 0)
		return -errno;
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return -errno;
	if (ioctl(master, TIOCSWINSZ, &ws) < 0)
		return -errno;
	/* Line discipline as a terminal emulator sets it, with UTF-8 erase. */
	if (tcgetattr(slave, &t) == 0) {
		t.c_iflag |= IUTF8;
		tcsetattr(slave, TCSANOW, &t);
	}
	if (fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK) < 0)
		return -errno;
	*ret_master = TAKE_FD(master);
	*ret_slave = TAKE_FD(slave);
	return 0;
}

/* Write what is pending to the master without blocking. */
static void pty_flush_pending(struct daemon *d)
{
	while (d->pty_pending_len > 0) {
		ssize_t n = write(d->master_fd, d->pty_pending, d->pty_pending_len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				d->pty_pending_len = 0;
			break;
		}
		memmove(d->pty_pending, d->pty_pending + n, d->pty_pending_len - (size_t)n);
		d->pty_pending_len -= (size_t)n;
	}
}

static void on_pty_event(uv_poll_t *h, int status, int events);

/* Watch the master for output, and for room to write when input waits. */
static void pty_update_poll(struct daemon *d)
{
	int events = UV_READABLE;

	if (d->master_fd < 0 || d->pty_eof)
		return;
	if (d->pty_pending_len > 0)
		events |= UV_WRITABLE;
	uv_poll_start(&d->pty_poll, events, on_pty_event);
}

void daemon_input(struct daemon *d, const char *buf, size_t len)
{
	if (d->master_fd < 0 || d->pty_eof)
		return;
	if (d->pty_pending_len + len > PTY_PENDING_MAX) {
		/* The shell stopped reading its terminal: drop input rather than
		 * grow without bound, as a full tty input queue would. */
		log_debug("dropping %zu bytes of input, the shell is not reading", len);
		return;
	}
	d->pty_pending = xrealloc(d->pty_pending, d->pty_pending_len + len);
	memcpy(d->pty_pending + d->pty_pending_len, buf, len);
	d->pty_pending_len += len;
	pty_flush_pending(d);
	pty_update_poll(d);
}

static void on_screen_reply(const char *bytes, size_t len, void *user)
{
	daemon_input(user, bytes, len);
}

static void daemon_maybe_finish(struct daemon *d);
static void render_all(struct daemon *d);

/* Milliseconds since the Unix epoch, for the command timeline. */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Pass one chunk of shell output to the timeline and the screen model. */
static void pty_consume(struct daemon *d, const char *buf, size_t n)
{
	/* Shell hooks: the marks before the screen model, which drops split OSC. */
	timeline_feed(&d->timeline, buf, n, now_ms());
	screen_feed(d->screen, buf, n);
	/* A short read is usually an echo: paint it now, because the render
	 * interval would otherwise add up to its length to the echo of every
	 * keystroke typed while output still flows. */
	if (n <= ECHO_READ_MAX)
		render_all(d);
	daemon_schedule_render(d);
}

/*
 * Shell hooks: read what the shell has written already, so that the start
 * mark of a command is seen before an event the command caused.  EOF and
 * errors are left to the poll callback.
 */
static void pty_catch_up(struct daemon *d)
{
	static char buf[PTY_READ_MAX];

	for (int i = 0; i < 4 && d->master_fd >= 0 && !d->pty_eof; i++) {
		ssize_t n = read(d->master_fd, buf, sizeof(buf));

		if (n <= 0)
			return;
		pty_consume(d, buf, (size_t)n);
	}
}

/* Read one chunk of shell output into the screen model. */
static void pty_read(struct daemon *d)
{
	static char buf[PTY_READ_MAX];
	ssize_t n = read(d->master_fd, buf, sizeof(buf));

	if (n > 0) {
		pty_consume(d, buf, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* EIO: every slave fd is closed, so the shell and its children are gone. */
	log_debug("pty closed: %s", n < 0 ? strerror(errno) : "end of file");
	d->pty_eof = true;
	uv_poll_stop(&d->pty_poll);
	daemon_maybe_finish(d);
}

static void on_pty_event(uv_poll_t *h, int status, int events)
{
	struct daemon *d = h->data;

	if (status < 0) {
		log_debug("pty poll error: %s", uv_strerror(status));
		d->pty_eof = true;
		uv_poll_stop(&d->pty_poll);
		daemon_maybe_finish(d);
		return;
	}
	if (events & UV_WRITABLE) {
		pty_flush_pending(d);
		pty_update_poll(d);
	}
	if (events & UV_READABLE)
		pty_read(d);
}

/* Paint every attached client; called on the render timer or when idle. */
static void render_all(struct daemon *d)
{
	d->render_dirty = false;
	for (struct client *c = d->clients; c; c = c->next)
		client_render(c);
}

static void on_render_timer(uv_timer_t *t)
{
	struct daemon *d = t->data;

	if (!d->render_dirty) {
		uv_timer_stop(t);
		return;
	}
	render_all(d);
}

void daemon_schedule_render(struct daemon *d)
{
	d->render_dirty = true;
	if (uv_is_active((uv_handle_t *)&d->render_timer))
		return;
	/* Idle: paint now so a keystroke's echo is not delayed, then coalesce. */
	render_all(d);
	uv_timer_start(&d->render_timer, on_render_timer, RENDER_INTERVAL_MS, RENDER_INTERVAL_MS);
}

void daemon_apply_size(struct daemon *d)
{
	struct winsize ws = {0};
	int rows = 0, cols = 0;
	uint64_t best = 0;

	for (struct client *c = d->clients; c; c = c->next) {
		if (!c->hello_done || c->role != PROTO_ROLE_TTY || c->readonly || c->closing)
			continue;
		if (d->opts.size_policy == SESSION_SIZE_SMALLEST) {
			rows = rows == 0 || c->rows < rows ? c->rows : rows;
			cols = cols == 0 || c->cols < cols ? c->cols : cols;
		} else if (c->active >= best) {
			best = c->active;
			rows = c->rows;
			cols = c->cols;
		}
	}
	if (rows == 0 || (rows == d->rows && cols == d->cols))
		return;

	log_debug("session size %dx%d -> %dx%d", d->cols, d->rows, cols, rows);
	d->rows = rows;
	d->cols = cols;
	screen_resize(d->screen, rows, cols);
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	/* The kernel sends SIGWINCH to the shell's foreground job. */
	if (d->master_fd >= 0 && ioctl(d->master_fd, TIOCSWINSZ, &ws) < 0)
		log_debug("cannot resize the pty: %s", strerror(errno));
	daemon_schedule_render(d);
}

/* Send EXIT to every client, which closes once it is written; returns the terminals told. */
static unsigned send_exit(struct daemon *d)
{
	_cleanup_free_ char *msg = xasprintf("{\"code\":%d,\"signal\":%d}", d->exit_code,
					     d->exit_signal);
	unsigned told = 0;

	for (struct client *c = d->clients; c; c = c->next) {
		if (c->closing)
			continue;
		if (c->role == PROTO_ROLE_TTY && c->hello_done) {
			client_render(c);
			told++;
		}
		client_send(c, PROTO_EXIT, msg, strlen(msg));
		client_close(c, "the shell exited");
	}
	return told;
}

/* Keep how the shell ended for a user who was not attached to see it. */
static void save_exit_record(struct daemon *d)
{
	struct session_exit e = {
		.status = d->exit_signal ? 128 + d->exit_signal : d->exit_code,
		.signal = d->exit_signal,
		.started = d->started,
		.ended = time(NULL),
		.cwd = d->cwd,
	};
	int r = session_exit_save(d->name, &e);

	if (r < 0)
		log_debug("cannot save the exit record of session '%s': %s", d->name, strerror(-r));
}

static void on_handle_closed(uv_handle_t *h)
{
}

/* Close every handle of the daemon; the loop then ends by itself. */
static void daemon_shutdown(struct daemon *d)
{
	if (d->shutting_down)
		return;
	d->shutting_down = true;
	log_debug("session '%s' stopping: shell exit code %d signal %d", d->name, d->exit_code,
		  d->exit_signal);
	/* The record is in place before the socket goes, so a client that
	 * finds no socket finds the record.  A client that was told, or that
	 * asked for the kill, needs none. */
	if (send_exit(d) == 0 && !d->kill_requested)
		save_exit_record(d);
	unlink(d->socket_path);
	uv_close((uv_handle_t *)&d->listener, on_handle_closed);
	if (d->master_fd >= 0) {
		uv_close((uv_handle_t *)&d->pty_poll, on_handle_closed);
		close(d->master_fd);
		d->master_fd = -1;
	}
	violation_session_shutdown(d); /* violations: deny held requests, close the ask timer */
	configwatch_stop(d);
	uv_close((uv_handle_t *)&d->render_timer, on_handle_closed);
	uv_close((uv_handle_t *)&d->drain_timer, on_handle_closed);
	uv_close((uv_handle_t *)&d->sig_term, on_handle_closed);
	uv_close((uv_handle_t *)&d->sig_int, on_handle_closed);
	uv_close((uv_handle_t *)&d->sig_hup, on_handle_closed);
	if (d->control_active)
		uv_close((uv_handle_t *)&d->control_poll, on_handle_closed);
	launch_stop(&d->launch); /* the proxies and the exec supervisor */
	/* on_shell_exit closes the process handle once bwrap is reaped. */
	if (d->shell_running)
		uv_process_kill(&d->shell, SIGKILL);
}

/* Shut down once the shell is reaped and its output drained. */
static void daemon_maybe_finish(struct daemon *d)
{
	if (d->shell_exited && d->pty_eof)
		daemon_shutdown(d);
}

static void on_drain_timeout(uv_timer_t *t)
{
	struct daemon *d = t->data;

	log_debug("pty not closed %d ms after the shell ended, closing it", DRAIN_GRACE_MS);
	d->pty_eof = true;
	uv_poll_stop(&d->pty_poll);
	daemon_maybe_finish(d);
}

static void on_shell_exit(uv_process_t *p, int64_t status, int term_signal)
{
	struct daemon *d = p->data;

	log_debug("shell exited: status %lld signal %d", (long long)status, term_signal);
	d->shell_running = false;
	d->shell_exited = true;
	d->exit_code = (int)status;
	d->exit_signal = term_signal;
	uv_close((uv_handle_t *)p, on_handle_closed);
	if (d->shutting_down)
		return;
	/* Read what is still buffered in the PTY before telling clients. */
	if (!d->pty_eof) {
		pty_read(d);
		uv_timer_start(&d->drain_timer, on_drain_timeout, DRAIN_GRACE_MS, 0);
	}
	daemon_maybe_finish(d);
}

void daemon_kill(struct daemon *d)
{
	log_debug("session '%s' killed", d->name);
	if (d->shell_running) {
		/* bwrap's children die with it (--die-with-parent in the sandbox). */
		uv_process_kill(&d->shell, SIGKILL);
		return;
	}
	d->shell_exited = d->pty_eof = true;
	daemon_shutdown(d);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct daemon *d = h->data;

	if (signum == SIGHUP) {
		log_debug("ignoring SIGHUP");
		return;
	}
	log_debug("received signal %d", signum);
	daemon_kill(d);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct daemon *d = server->data;

	if (status < 0) {
		log_debug("listen error: %s", uv_strerror(status));
		return;
	}
	client_accept(d);
}

/* Bind the control socket, mode 0600 in a 0700 directory. */
static int listen_socket(struct daemon *d)
{
	_cleanup_free_ char *tmp = xasprintf("%s.%d.new", d->socket_path, (int)getpid());
	mode_t old = umask(0077);
	int r;

	/*
	 * Bind and listen under a temporary name, then rename: a client that
	 * found the socket between bind and listen would get ECONNREFUSED and
	 * take the live session for a dead one ('fence ls' removes those).
	 */
	uv_pipe_init(d->loop, &d->listener, 0);
	d->listener.data = d;
	unlink(tmp);
	r = uv_pipe_bind(&d->listener, tmp);
	umask(old);
	if (r < 0)
		return r;
	if (chmod(tmp, 0600) < 0) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	r = uv_listen((uv_stream_t *)&d->listener, 16, on_connection);
	if (r == 0 && rename(tmp, d->socket_path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

/* Log what fence's init reports from inside the sandbox. */
static void on_control(uv_poll_t *h, int status, int events)
{
	struct daemon *d = h->data;
	char buf[128];
	ssize_t n = recv(d->launch.sandbox.control_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n > 0) {
		buf[n] = '\0';
		log_debug("init: %s", buf);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	uv_poll_stop(h);
}

/* Log every request of the session's proxies and count the refused ones. */
static void on_proxy_event(const struct proxy_event *ev, void *userdata)
{
	struct daemon *d = userdata;
	char line[512];

	if (ev->kind == PROXY_EVENT_FILTER)
		return;
	proxy_log_format(ev, line, sizeof(line));
	log_debug("%s", line);
	if (ev->kind == PROXY_EVENT_BLOCKED) {
		_cleanup_free_ char *target = xasprintf("%s:%d", ev->host, ev->port);
		const char *command;

		d->violations++;
		command = daemon_attribute(d, "net", target, ev->rule ? ev->rule : ev->reason);
		violation_session_proxy_event(d, ev, command); /* violations: the record */
	}
}

const char *daemon_attribute(struct daemon *d, const char *kind, const char *target,
			     const char *detail)
{
	/* Shell hooks: read the command's start mark before the lookup. */
	pty_catch_up(d);
	return timeline_add_violation(&d->timeline, now_ms(), kind, target, detail)->command;
}

/* argv exec policy: a refused exec becomes one record, under the command line running then. */
static void on_exec_refused(const struct execsuper_event *ev, const char *line, void *userdata)
{
	struct daemon *d = userdata;
	_cleanup_free_ char *detail = launch_exec_detail(ev);
	const char *target = ev->path ? ev->path : "?";
	const char *command;

	log_debug("%s", line);
	d->violations++;
	command = daemon_attribute(d, "exec", target, detail);
	violation_session_post(d, &(struct violation){
					  .source = VIOLATION_SOURCE_EXEC,
					  .kind = VIOLATION_EXEC,
					  .action = VIOLATION_DENIED,
					  .target = target,
					  .detail = detail,
					  .pid = ev->pid,
					  .comm = ev->comm[0] ? ev->comm : NULL,
					  .command = command,
				  });
}

/*
 * Shell hooks: a veto mark that the timeline let through its rate limit.
 * The mark is printed inside the sandbox, so it is recorded as the hook's
 * claim (source "hook") and nothing else.
 */
static void on_hook_veto(const struct timeline_violation *tv, uint64_t dropped, void *userdata)
{
	struct daemon *d = userdata;

	if (dropped)
		log_debug("%llu hook vetoes were dropped by the rate limit", (unsigned long long)dropped);
	d->violations++;
	violation_session_post(d, &(struct violation){
					  .time_ms = tv->time_ms,
					  .source = VIOLATION_SOURCE_HOOK,
					  .kind = VIOLATION_COMMAND,
					  .action = VIOLATION_DENIED,
					  .target = tv->target,
					  .detail = tv->detail,
					  .command = tv->command,
				  });
}

/* Start the sandboxed shell on the PTY slave. */
static int spawn_shell(struct daemon *d, int slave, char **ret_error)
{
	struct sandbox_launch *l = &d->launch.sandbox;
	uv_stdio_container_t stdio[6];
	uv_process_options_t po = {0};
	_cleanup_free_ char *dir = NULL;
	int r;

	r = session_dir(&dir);
	if (r == 0)
		r = launch_prepare(d->loop, &d->opts, d->cwd, dir, on_proxy_event, d, &d->launch,
				   ret_error);
	if (r < 0)
		return r;
	/* violations: the prompt's policy and ask mode use the running proxies */
	violation_session_set_policy(d, &d->launch.cfg.config, &d->launch.cfg.chain, d->launch.proxy);
	for (int i = 0; i < 3; i++) {
		stdio[i].flags = UV_INHERIT_FD;
		stdio[i].data.fd = slave;
	}
	stdio[SANDBOX_SPEC_FD].flags = UV_INHERIT_FD;
	stdio[SANDBOX_SPEC_FD].data.fd = l->spec_fd;
	stdio[SANDBOX_CONTROL_FD].flags = UV_INHERIT_FD;
	stdio[SANDBOX_CONTROL_FD].data.fd = l->control_child_fd;
	stdio[SANDBOX_EXEC_FD].flags = UV_INHERIT_FD; /* argv exec policy */
	stdio[SANDBOX_EXEC_FD].data.fd = d->launch.exec_child_fd;
	po.file = l->argv.v[0];
	po.args = l->argv.v;
	po.env = l->env.v;
	po.cwd = d->cwd;
	po.stdio = stdio;
	po.stdio_count = d->launch.exec_supervise ? 6 : 5;
	/* A new session without a controlling terminal: fence's init takes
	 * the PTY as its controlling terminal inside the sandbox. */
	po.flags = UV_PROCESS_DETACHED;
	po.exit_cb = on_shell_exit;
	d->shell.data = d;
	r = launch_start_exec(&d->launch, d->loop, on_exec_refused, d, ret_error);
	if (r < 0) {
		launch_close_child_fds(&d->launch);
		return r;
	}
	/* violations: the eBPF monitor watches the pid namespace of the bwrap spawned next */
	violation_session_ebpf_start(d);
	r = uv_spawn(d->loop, &d->shell, &po);
	launch_close_child_fds(&d->launch);
	if (r < 0) {
		*ret_error = xasprintf("cannot start '%s': %s", l->argv.v[0], uv_strerror(r));
		return r;
	}
	d->shell_running = true;
	configwatch_start(d);
	uv_poll_init(d->loop, &d->control_poll, l->control_fd);
	d->control_poll.data = d;
	uv_poll_start(&d->control_poll, UV_READABLE, on_control);
	d->control_active = true;
	log_debug("shell started: bwrap pid %d", d->shell.pid);
	return 0;
}

/* Set up the loop's handles, the PTY, the socket and the shell. */
static int daemon_setup(struct daemon *d, char **ret_error)
{
	struct screen_limits lim = {d->opts.scrollback_lines, d->opts.scrollback_bytes};
	_cleanup_close_ int slave = -1;
	int r;

	violation_session_start(d);
	d->screen = screen_new(d->rows, d->cols, &lim);
	timeline_init(&d->timeline, 0, NULL, NULL);
	timeline_set_veto_callback(&d->timeline, on_hook_veto, d);
	screen_set_reply(d->screen, on_screen_reply, d);
	uv_timer_init(d->loop, &d->render_timer);
	uv_timer_init(d->loop, &d->drain_timer);
	d->render_timer.data = d->drain_timer.data = d;
	uv_signal_init(d->loop, &d->sig_term);
	uv_signal_init(d->loop, &d->sig_int);
	uv_signal_init(d->loop, &d->sig_hup);
	d->sig_term.data = d->sig_int.data = d->sig_hup.data = d;
	uv_signal_start(&d->sig_term, on_signal, SIGTERM);
	uv_signal_start(&d->sig_int, on_signal, SIGINT);
	uv_signal_start(&d->sig_hup, on_signal, SIGHUP);

	/* A new session of this name makes the last one's record stale. */
	session_exit_remove(d->name);
	r = listen_socket(d);
	if (r < 0) {
		*ret_error = xasprintf("cannot listen on '%s': %s", d->socket_path, strerror(-r));
		return r;
	}
	r = pty_open(d->rows, d->cols, &d->master_fd, &slave);
	if (r < 0) {
		*ret_error = xasprintf("cannot open a pseudo-terminal: %s", strerror(-r));
		return r;
	}
	uv_poll_init(d->loop, &d->pty_poll, d->master_fd);
	d->pty_poll.data = d;
	pty_update_poll(d);

	return spawn_shell(d, slave, ret_error);
}

/* Tell the waiting `fence shell` that the session is ready, or why not. */
static void report_ready(int fd, const char *error)
{
	_cleanup_free_ char *line = xasprintf("%s\n", error ? error : "ok");
	ssize_t n;

	do
		n = write(fd, line, strlen(line));
	while (n < 0 && errno == EINTR);
	close(fd);
}

int daemon_run(const struct session_options *o, int ready_fd)
{
	struct daemon d = {0};
	_cleanup_free_ char *error = NULL, *dir = NULL;
	int lock_fd = -1;
	char cwd[4096];
	int r;

	d.loop = uv_default_loop();
	d.name = xstrdup(o->name);
	d.opts = *o;
	d.opts.name = d.name;
	d.rows = o->rows;
	d.cols = o->cols;
	d.started = time(NULL);
	d.used_ms = (int64_t)d.started * 1000;
	d.master_fd = -1;
	d.cwd = xstrdup(getcwd(cwd, sizeof(cwd)) ? cwd : "/");
	d.socket_path = NULL;
	r = session_dir(&dir);
	if (r == 0)
		r = session_socket_path(dir, d.name, &d.socket_path);
	if (r < 0)
		error = xasprintf("cannot use the session directory '%s': %s", dir ? dir : "",
				  strerror(-r));
	/* One daemon per name: a second one started at the same moment
	 * leaves before it touches anything, and its client attaches to the
	 * first. */
	if (!error) {
		lock_fd = session_lock(dir, d.name);
		if (lock_fd == -EWOULDBLOCK) {
			log_debug("session '%s' is already starting in another daemon", d.name);
			report_ready(ready_fd, SESSION_START_BUSY);
			free(d.socket_path);
			free(d.cwd);
			free(d.name);
			return FENCE_EXIT_FAILURE;
		}
		if (lock_fd < 0)
			error = xasprintf("cannot lock session '%s' in '%s': %s", d.name, dir,
					  strerror(-lock_fd));
	}
	if (!error)
		session_sweep(dir, NULL);
	if (!error) {
		signal(SIGPIPE, SIG_IGN);
		log_debug("session '%s' starting in '%s', %dx%d", d.name, d.cwd, d.cols, d.rows);
		r = daemon_setup(&d, &error);
	}
	if (error) {
		log_debug("session '%s' failed to start: %s", d.name, error);
		report_ready(ready_fd, error);
		if (d.socket_path)
			unlink(d.socket_path);
		launch_stop(&d.launch);
		launch_done(&d.launch);
		session_unlock(dir, d.name, lock_fd);
		return FENCE_EXIT_FAILURE;
	}
	report_ready(ready_fd, NULL);

	uv_run(d.loop, UV_RUN_DEFAULT);
	log_debug("session '%s' stopped", d.name);
	uv_loop_close(d.loop);
	launch_done(&d.launch);
	screen_free(d.screen);
	timeline_done(&d.timeline);
	free(d.pty_pending);
	violation_session_stop(&d);
	configwatch_done(&d);
	/* Last, when the socket and the shared directories are gone. */
	session_unlock(dir, d.name, lock_fd);
	free(d.socket_path);
	free(d.cwd);
	free(d.name);
	return 0;
}

unsigned client_count_attached(const struct daemon *d)
{
	unsigned n = 0;

	for (const struct client *c = d->clients; c; c = c->next)
		if (c->role == PROTO_ROLE_TTY && c->hello_done && !c->closing)
			n++;
	return n;
}
