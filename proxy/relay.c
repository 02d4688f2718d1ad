/* SPDX-License-Identifier: MIT */
/*
 * proxy/relay.c: plain byte relays between a listener and a target, each
 * TCP or Unix.  They carry the bridge across the network namespace: the
 * in-sandbox 127.0.0.1:3128 and :1080 listeners, -p reverse bridges and
 * the allowLocalOutboundPorts bridges.  No policy is applied here; the
 * proxies behind the bridge apply it.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "proxy/internal.h"

struct relay_endpoint {
	bool is_unix;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct sockaddr_storage addr;
};

struct relay {
	uv_loop_t *loop;
	union {
		uv_handle_t handle;
		uv_stream_t stream;
		uv_tcp_t tcp;
		uv_pipe_t pipe;
	} listener;
	struct relay_endpoint listen_at;
	struct relay_endpoint target;
	struct conn *conns;
	int refs;
	bool closing;
};

/* Parse "tcp:IP:PORT", "tcp:[IPV6]:PORT" or "unix:PATH"; a bare "/PATH" is Unix, a bare "IP:PORT" TCP. */
static int endpoint_parse(const char *spec, struct relay_endpoint *ret)
{
	struct domain_host h;
	int port;

	memset(ret, 0, sizeof(*ret));
	if (strncmp(spec, "unix:", 5) == 0)
		spec += 5;
	if (spec[0] == '/') {
		if (strlen(spec) >= sizeof(ret->path))
			return -EINVAL;
		ret->is_unix = true;
		strcpy(ret->path, spec);
		return 0;
	}
	if (strncmp(spec, "tcp:", 4) == 0)
		spec += 4;
	if (http_parse_authority(spec, strlen(spec), 0, &h, &port) < 0 || port == 0)
		return -EINVAL;
	if (h.kind == DOMAIN_IPV4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ret->addr;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		memcpy(&sin->sin_addr, h.addr, 4);
	} else if (h.kind == DOMAIN_IPV6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ret->addr;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, h.addr, 16);
	} else {
		return -EINVAL; /* names would need DNS; relays take addresses */
	}
	return 0;
}

static void relay_free(struct relay *r)
{
	if (r->listen_at.is_unix)
		unlink(r->listen_at.path);
	free(r);
}

void relay_unref(struct relay *r)
{
	if (--r->refs == 0)
		relay_free(r);
}

static void on_connected(struct conn *c, int status)
{
	if (status < 0) {
		log_debug("relay target unreachable: %s", uv_strerror(status));
		conn_close(c);
		return;
	}
	conn_tunnel(c);
}

static const struct conn_ops relay_ops = {
	.connected = on_connected,
};

static void on_connection(uv_stream_t *server, int status)
{
	struct relay *r = server->data;
	struct conn *c;

	if (status < 0 || r->closing)
		return;
	c = conn_accept(r->loop, server, r->listen_at.is_unix, &relay_ops, &r->conns);
	if (!c)
		return;
	c->relay = r;
	r->refs++;
	conn_dial_addr(c, (struct sockaddr *)&r->target.addr,
		       r->target.is_unix ? r->target.path : NULL);
}

static int relay_listen(struct relay *r)
{
	int e;

	if (r->listen_at.is_unix) {
		e = uv_pipe_init(r->loop, &r->listener.pipe, 0);
		if (e < 0)
			return e;
		r->refs++;
		unlink(r->listen_at.path);
		e = uv_pipe_bind(&r->listener.pipe, r->listen_at.path);
		if (e == 0 && chmod(r->listen_at.path, 0600) < 0)
			e = -errno;
	} else {
		e = uv_tcp_init(r->loop, &r->listener.tcp);
		if (e < 0)
			return e;
		r->refs++;
		e = uv_tcp_bind(&r->listener.tcp, (struct sockaddr *)&r->listen_at.addr,
				r->listen_at.addr.ss_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0);
	}
	if (e == 0)
		e = uv_listen(&r->listener.stream, 511, on_connection);
	return e;
}

int relay_start(uv_loop_t *loop, const char *listen_spec, const char *target_spec,
		struct relay **ret, char **ret_error)
{
	struct relay *r = xcalloc(1, sizeof(*r));
	int e;

	signal(SIGPIPE, SIG_IGN); /* a peer that went away is an error return, not a signal */
	r->loop = loop;
	r->refs = 1;
	if (endpoint_parse(listen_spec, &r->listen_at) < 0 ||
	    endpoint_parse(target_spec, &r->target) < 0) {
		*ret_error = xasprintf("invalid relay '%s' to '%s' (expected tcp:IP:PORT or "
				       "unix:/PATH)",
				       listen_spec, target_spec);
		free(r);
		return -EINVAL;
	}
	r->listener.handle.data = r;
	e = relay_listen(r);
	if (e < 0) {
		*ret_error = xasprintf("cannot listen on %s: %s", listen_spec, uv_strerror(e));
		r->listen_at.is_unix = false; /* the path may be someone else's */
		relay_close(r);
		return e;
	}
	*ret = r;
	return 0;
}

static void listener_closed(uv_handle_t *h)
{
	relay_unref(h->data);
}

void relay_close(struct relay *r)
{
	struct conn *c, *next;

	if (!r || r->closing)
		return;
	r->closing = true;
	if (r->listener.handle.loop)
		uv_close(&r->listener.handle, listener_closed);
	for (c = r->conns; c; c = next) {
		next = c->next;
		conn_close(c);
	}
	relay_unref(r);
}

/*
 * Start one relay per LISTEN/TARGET pair on loop.  A listen spec starting
 * with '?' is optional: when it cannot listen (no IPv6 loopback, say) it
 * is skipped with a debug-log line.  Returns 0 or a negative errno with an
 * owned message.
 */
static int start_pairs(uv_loop_t *loop, char *const *listen, char *const *target, size_t n,
		       char **ret_error)
{
	for (size_t i = 0; i < n; i++) {
		bool optional = listen[i][0] == '?';
		_cleanup_free_ char *err = NULL;
		struct relay *r;
		int e = relay_start(loop, listen[i] + optional, target[i], &r, &err);

		if (e < 0 && optional) {
			log_debug("optional relay skipped: %s", err);
			continue;
		}
		if (e < 0) {
			*ret_error = TAKE_PTR(err);
			return e;
		}
	}
	return 0;
}

int relay_run_specs(char *const *specs, size_t n)
{
	struct strv listen = { 0 }, target = { 0 };
	_cleanup_free_ char *err = NULL;
	uv_loop_t loop;
	int e = 0;

	for (size_t i = 0; i < n && e == 0; i++) {
		const char *eq = strchr(specs[i], '=');

		if (!eq) {
			err = xasprintf("invalid relay '%s' (expected LISTEN=TARGET)", specs[i]);
			e = -EINVAL;
			break;
		}
		strv_push_take(&listen, xstrndup(specs[i], (size_t)(eq - specs[i])));
		strv_push(&target, eq + 1);
	}
	uv_loop_init(&loop);
	if (e == 0)
		e = start_pairs(&loop, listen.v, target.v, n, &err);
	strv_done(&listen);
	strv_done(&target);
	if (e < 0) {
		msg_error("%s", err);
		return e;
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	return 0;
}

/* The caller is gone (the lifeline pipe reached EOF): so is the sandbox. */
static void on_lifeline(uv_poll_t *h, int status, int events)
{
	_exit(0);
}

/*
 * The relay process: listen, report readiness on fd ready, then serve
 * until the lifeline pipe from the caller ends, so no relay outlives it.
 */
static _Noreturn void relay_child(int lifeline, int ready, char *const *listen,
				  char *const *target, size_t n)
{
	_cleanup_free_ char *err = NULL;
	uv_poll_t life;
	uv_loop_t loop;
	int null_fd;

	/*
	 * A session of its own and no terminal fds: signals meant for the
	 * command's terminal or process group never reach the relays, and
	 * they keep no terminal open.  Errors go to the debug log.
	 */
	setsid();
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd >= 0) {
		dup2(null_fd, 0);
		dup2(null_fd, 1);
		dup2(null_fd, 2);
	}
	if (uv_loop_init(&loop) < 0 || uv_poll_init(&loop, &life, lifeline) < 0 ||
	    uv_poll_start(&life, UV_READABLE | UV_DISCONNECT, on_lifeline) < 0)
		_exit(1);
	if (start_pairs(&loop, listen, target, n, &err) < 0) {
		if (write(ready, err, strlen(err)) < 0)
			_exit(1);
		_exit(1);
	}
	if (write(ready, "ok", 2) != 2)
		_exit(1);
	close(ready);
	uv_run(&loop, UV_RUN_DEFAULT);
	_exit(0);
}

int relay_spawn(char *const *listen, char *const *target, size_t n, pid_t *ret_pid,
		char **ret_error)
{
	char buf[512];
	pid_t pid;
	ssize_t len = 0, r;
	int fds[2], life[2];

	if (pipe2(life, O_CLOEXEC) < 0) {
		*ret_error = xasprintf("cannot create a pipe for the relays: %s", strerror(errno));
		return -errno;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		close(life[0]);
		close(life[1]);
		*ret_error = xasprintf("cannot create a pipe for the relays: %s", strerror(errno));
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		int e = -errno;

		close(fds[0]);
		close(fds[1]);
		close(life[0]);
		close(life[1]);
		*ret_error = xasprintf("cannot fork the relay process: %s", strerror(-e));
		return e;
	}
	if (pid == 0) {
		close(fds[0]);
		close(life[1]);
		relay_child(life[0], fds[1], listen, target, n);
	}
	close(fds[1]);
	close(life[0]);
	/* life[1] stays open, close-on-exec, for as long as this process lives. */
	while ((r = read(fds[0], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0 ||
	       (r < 0 && errno == EINTR))
		if (r > 0)
			len += r;
	close(fds[0]);
	buf[len] = '\0';
	if (strcmp(buf, "ok") != 0) {
		close(life[1]);
		waitpid(pid, NULL, 0);
		*ret_error = xstrdup(len > 0 ? buf : "the relay process failed to start");
		return -EIO;
	}
	*ret_pid = pid;
	return 0;
}
