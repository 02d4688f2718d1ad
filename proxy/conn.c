/* SPDX-License-Identifier: MIT */
/*
 * proxy/conn.c: a client stream, the server stream it leads to, and the
 * byte pumping between them, with back-pressure and half-close.
 *
 * Handle lifetimes follow libuv's rule: memory is freed only in the last
 * close callback, counted by c->refs.
 */
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/un.h>

#include "proxy/internal.h"

struct write_req {
	uv_write_t req;
	char *data;
	size_t len;
	struct end *to;
};

static void conn_unref(struct conn *c);
static void dial_next(struct conn *c);

uint64_t conn_now_ms(const struct conn *c)
{
	return uv_now(c->client.h.handle.loop);
}

/* Unlink c from its owner's list and free it; the last reference is gone. */
static void conn_free(struct conn *c)
{
	struct conn **list = c->list;

	if (c->prev)
		c->prev->next = c->next;
	else if (list && *list == c)
		*list = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->ops && c->ops->destroy)
		c->ops->destroy(c);
	if (c->ai)
		uv_freeaddrinfo(c->ai);
	if (c->proxy)
		proxy_unref(c->proxy);
	if (c->relay)
		relay_unref(c->relay);
	free(c);
}

static void conn_unref(struct conn *c)
{
	if (--c->refs == 0)
		conn_free(c);
}

static void end_closed(uv_handle_t *h)
{
	struct end *e = h->data;
	struct conn *c = e->conn;

	if (e != &c->client)
		free(e);
	conn_unref(c);
}

static void timer_closed(uv_handle_t *h)
{
	conn_unref(h->data);
}

static void end_close(struct end *e)
{
	if (!e || !e->open)
		return;
	e->open = false;
	uv_close(&e->h.handle, end_closed);
}

void conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	proxy_ask_detach(c); /* violations: a held request's ask outlives it */
	end_close(&c->client);
	end_close(c->server);
	if (c->gai)
		uv_cancel((uv_req_t *)c->gai);
	uv_close((uv_handle_t *)&c->timer, timer_closed);
	uv_close((uv_handle_t *)&c->idle_timer, timer_closed);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	buf->base = xmalloc(CONN_READ_SIZE);
	buf->len = CONN_READ_SIZE;
}

static struct end *peer_of(struct end *e)
{
	struct conn *c = e->conn;

	return e == &c->client ? c->server : &c->client;
}

/* Close once both directions have ended: EOF seen and passed on. */
static void tunnel_maybe_done(struct conn *c)
{
	if (c->client.eof && c->server && c->server->eof && c->client.shut_done &&
	    c->server->shut_done)
		conn_close(c);
}

static void shutdown_cb(uv_shutdown_t *req, int status)
{
	struct end *e = req->data;
	struct conn *c = e->conn;

	free(req);
	e->shut_done = true;
	if (status < 0 && status != UV_ECANCELED)
		conn_close(c);
	else if (!c->closing)
		tunnel_maybe_done(c);
	conn_unref(c);
}

void conn_shutdown(struct end *e)
{
	uv_shutdown_t *req;

	if (!e || !e->open || e->shut)
		return;
	e->shut = true;
	req = xmalloc(sizeof(*req));
	req->data = e;
	if (uv_shutdown(req, &e->h.stream, shutdown_cb) < 0) {
		free(req);
		e->shut_done = true;
		return;
	}
	e->conn->refs++;
}

/* In tunnel mode, pass bytes to the peer, pausing when it falls behind. */
static void tunnel_data(struct end *from, char *buf, size_t len)
{
	struct end *to = peer_of(from);

	if (!to || !to->open) {
		free(buf);
		conn_close(from->conn);
		return;
	}
	conn_write(to, buf, len);
	if (to->queued > CONN_QUEUE_HIGH)
		conn_read_stop(from);
}

static void read_eof(struct end *e)
{
	struct conn *c = e->conn;

	e->eof = true;
	conn_read_stop(e);
	if (c->tunnel) {
		conn_shutdown(peer_of(e));
		tunnel_maybe_done(c);
		return;
	}
	if (e == &c->client && c->ops->client_eof)
		c->ops->client_eof(c);
	else if (e != &c->client && c->ops->server_eof)
		c->ops->server_eof(c);
	else
		conn_close(c);
}

static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct end *e = s->data;
	struct conn *c = e->conn;

	if (nread <= 0 || c->closing) {
		free(buf->base);
		if (c->closing)
			return;
		if (nread == UV_EOF)
			read_eof(e);
		else if (nread < 0)
			conn_close(c);
		return;
	}
	c->last_io_ms = conn_now_ms(c);
	if (c->tunnel)
		tunnel_data(e, buf->base, (size_t)nread);
	else if (e == &c->client && c->ops->client_data)
		c->ops->client_data(c, buf->base, (size_t)nread);
	else if (e != &c->client && c->ops->server_data)
		c->ops->server_data(c, buf->base, (size_t)nread);
	else
		free(buf->base);
}

void conn_read_start(struct end *e)
{
	if (!e || !e->open || e->reading || e->eof)
		return;
	if (uv_read_start(&e->h.stream, alloc_cb, read_cb) == 0)
		e->reading = true;
}

void conn_read_stop(struct end *e)
{
	if (!e || !e->open || !e->reading)
		return;
	uv_read_stop(&e->h.stream);
	e->reading = false;
}

static void write_cb(uv_write_t *req, int status)
{
	struct write_req *w = (struct write_req *)req;
	struct end *to = w->to;
	struct conn *c = to->conn;

	to->queued -= w->len;
	free(w->data);
	free(w);
	c->last_io_ms = conn_now_ms(c);
	if (status < 0 || c->closing) {
		conn_close(c);
		conn_unref(c);
		return;
	}
	if (c->tunnel) {
		if (to->queued <= CONN_QUEUE_HIGH / 2)
			conn_read_start(peer_of(to));
	} else if (to->queued == 0 && c->ops->drained) {
		c->ops->drained(c, to);
	}
	conn_unref(c);
}

void conn_write(struct end *e, char *data, size_t len)
{
	struct write_req *w;
	uv_buf_t b = uv_buf_init(data, (unsigned int)len);

	if (!e || !e->open || len == 0) {
		free(data);
		return;
	}
	w = xmalloc(sizeof(*w));
	w->data = data;
	w->len = len;
	w->to = e;
	if (uv_write(&w->req, &e->h.stream, &b, 1, write_cb) < 0) {
		free(data);
		free(w);
		conn_close(e->conn);
		return;
	}
	e->queued += len;
	e->conn->refs++;
}

void conn_write_copy(struct end *e, const void *data, size_t len)
{
	char *copy = xmalloc(len ? len : 1);

	memcpy(copy, data, len);
	conn_write(e, copy, len);
}

void conn_tunnel(struct conn *c)
{
	c->tunnel = true;
	uv_timer_stop(&c->timer);
	conn_read_start(&c->client);
	conn_read_start(c->server);
}

/* Close c if no byte moved for idle_ms, else check again when that time could be up. */
static void idle_check(uv_timer_t *t)
{
	struct conn *c = t->data;
	uint64_t quiet = conn_now_ms(c) - c->last_io_ms;

	if (quiet < c->idle_ms) {
		uv_timer_start(&c->idle_timer, idle_check, c->idle_ms - quiet, 0);
		return;
	}
	log_debug("closing a connection that moved no byte for %llu ms",
		  (unsigned long long)quiet);
	conn_close(c);
}

void conn_set_idle(struct conn *c, uint64_t ms)
{
	c->idle_ms = ms;
	c->last_io_ms = conn_now_ms(c);
	if (ms > 0)
		uv_timer_start(&c->idle_timer, idle_check, ms, 0);
	else
		uv_timer_stop(&c->idle_timer);
}

struct conn *conn_accept(uv_loop_t *loop, uv_stream_t *server, bool is_pipe,
			 const struct conn_ops *ops, struct conn **list)
{
	struct conn *c = xcalloc(1, sizeof(*c));
	int r;

	c->ops = ops;
	c->client.conn = c;
	c->client.h.handle.data = &c->client;
	if (is_pipe)
		r = uv_pipe_init(loop, &c->client.h.pipe, 0);
	else
		r = uv_tcp_init(loop, &c->client.h.tcp);
	if (r < 0) {
		free(c);
		return NULL;
	}
	c->client.h.handle.data = &c->client;
	c->client.open = true;
	c->refs = 3; /* the client handle and the two timers */
	uv_timer_init(loop, &c->timer);
	c->timer.data = c;
	uv_timer_init(loop, &c->idle_timer);
	c->idle_timer.data = c;
	c->list = list;
	c->next = *list;
	if (*list)
		(*list)->prev = c;
	*list = c;
	c->started_ms = uv_now(loop);
	if (uv_accept(server, &c->client.h.stream) < 0) {
		conn_close(c);
		return NULL;
	}
	if (!is_pipe)
		uv_tcp_nodelay(&c->client.h.tcp, 1);
	return c;
}

static void dial_timeout(uv_timer_t *t)
{
	struct conn *c = t->data;

	c->dial_dead = true;
	if (c->gai)
		uv_cancel((uv_req_t *)c->gai);
	end_close(c->server);
	c->server = NULL;
	if (c->ops->connected)
		c->ops->connected(c, UV_ETIMEDOUT);
}

static void connect_cb(uv_connect_t *req, int status)
{
	struct conn *c = req->data;

	if (c->closing || status == UV_ECANCELED) {
		conn_unref(c);
		return;
	}
	if (status < 0 && c->ai_next) {
		conn_unref(c);
		dial_next(c);
		return;
	}
	uv_timer_stop(&c->timer);
	if (status == 0) {
		if (!c->target_path[0])
			uv_tcp_nodelay(&c->server->h.tcp, 1);
	} else {
		end_close(c->server);
		c->server = NULL;
	}
	if (c->ops->connected)
		c->ops->connected(c, status);
	conn_unref(c);
}

/*
 * Connect e to the Unix socket c->target_path without following a symlink
 * in its last component: the -p sockets live in a directory the sandbox
 * can write, and a symlink there must not lead the host's relay to another
 * socket of the user (an agent, a bus).  The socket is opened with O_PATH
 * and reached through /proc/self/fd, which connect() resolves at once.
 */
static int pipe_connect_nofollow(struct conn *c, struct end *e)
{
	_cleanup_close_ int fd = open(c->target_path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	char path[64];
	struct stat st;

	if (fd < 0)
		return errno == ELOOP ? UV_ECONNREFUSED : uv_translate_sys_error(errno);
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return UV_ECONNREFUSED;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	uv_pipe_connect(&c->connect_req, &e->h.pipe, path, connect_cb);
	return 0;
}

/* Start connecting a fresh server end to c->target or c->target_path. */
static int dial_start(struct conn *c)
{
	uv_loop_t *loop = c->client.h.handle.loop;
	struct end *e;
	int r;

	end_close(c->server);
	e = xcalloc(1, sizeof(*e));
	e->conn = c;
	if (c->target_path[0])
		r = uv_pipe_init(loop, &e->h.pipe, 0);
	else
		r = uv_tcp_init(loop, &e->h.tcp);
	if (r < 0) {
		free(e);
		c->server = NULL;
		return r;
	}
	e->h.handle.data = e;
	e->open = true;
	c->server = e;
	c->refs++;
	c->connect_req.data = c;
	if (c->target_path[0]) {
		r = pipe_connect_nofollow(c, e);
	} else {
		r = uv_tcp_connect(&c->connect_req, &e->h.tcp, (struct sockaddr *)&c->target,
				   connect_cb);
	}
	if (r < 0)
		return r;
	c->refs++;
	return 0;
}

/*
 * Whether h is 0.0.0.0/8, :: or ::ffff:0.0.0.0/104.  The kernel delivers a
 * connection to such an address to the local host, so it would reach the
 * host's loopback servers past a deny entry for 127.0.0.1 or ::1.  No real
 * server has such an address.
 */
static bool is_unspecified(const struct domain_host *h)
{
	static const unsigned char v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const unsigned char zero[16];

	if (h->kind == DOMAIN_IPV4)
		return h->addr[0] == 0;
	if (h->kind != DOMAIN_IPV6)
		return false;
	return memcmp(h->addr, zero, 16) == 0 ||
	       (memcmp(h->addr, v4mapped, 12) == 0 && h->addr[12] == 0);
}

/*
 * Find the deniedDomains IP entry that the resolved address sa matches,
 * or NULL.  The filter decided on the name only.  An allowed name must not
 * lead to a denied address, as a wildcard whose DNS the sandbox controls
 * or a name such as localhost could.
 */
static const char *denied_address_rule(const struct conn *c, const struct sockaddr *sa)
{
	struct domain_host host = { 0 };
	const struct domain_pattern *p;
	int port;

	if (!c->proxy || c->proxy->filter.denied.n == 0)
		return NULL;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		host.kind = DOMAIN_IPV4;
		memcpy(host.addr, &sin->sin_addr, 4);
		port = ntohs(sin->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		host.kind = DOMAIN_IPV6;
		memcpy(host.addr, &sin6->sin6_addr, 16);
		port = ntohs(sin6->sin6_port);
	} else {
		return NULL;
	}
	if (is_unspecified(&host))
		return PROXY_RULE_UNSPECIFIED;
	p = domain_list_match(&c->proxy->filter.denied, &host, port);
	return p ? p->text : NULL;
}

/* Try the next DNS candidate, or report failure. */
static void dial_next(struct conn *c)
{
	int r = UV_EHOSTUNREACH;

	while (c->ai_next) {
		struct addrinfo *ai = c->ai_next;
		const char *rule;

		c->ai_next = ai->ai_next;
		if (ai->ai_addrlen > sizeof(c->target))
			continue;
		rule = denied_address_rule(c, ai->ai_addr);
		if (rule) {
			c->denied_rule = rule;
			r = UV_EACCES;
			continue;
		}
		memcpy(&c->target, ai->ai_addr, ai->ai_addrlen);
		r = dial_start(c);
		if (r == 0)
			return;
	}
	uv_timer_stop(&c->timer);
	end_close(c->server);
	c->server = NULL;
	if (c->ops->connected)
		c->ops->connected(c, r);
}

static void gai_cb(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct conn *c = req->data;

	free(req);
	c->gai = NULL;
	if (c->closing || status == UV_ECANCELED || c->dial_dead) {
		if (res)
			uv_freeaddrinfo(res);
		conn_unref(c);
		return;
	}
	if (status < 0) {
		uv_timer_stop(&c->timer);
		if (c->ops->connected)
			c->ops->connected(c, status);
		conn_unref(c);
		return;
	}
	if (c->ai)
		uv_freeaddrinfo(c->ai);
	c->ai = res;
	c->ai_next = res;
	dial_next(c);
	conn_unref(c);
}

void conn_dial_host(struct conn *c, const struct domain_host *h, int port)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	char service[8];
	int r;

	memset(&c->target, 0, sizeof(c->target));
	c->target_path[0] = '\0';
	c->dial_dead = false;
	c->denied_rule = NULL;
	uv_timer_start(&c->timer, dial_timeout, CONN_DIAL_TIMEOUT_MS, 0);
	if (c->proxy && is_unspecified(h)) {
		uv_timer_stop(&c->timer);
		c->denied_rule = PROXY_RULE_UNSPECIFIED;
		if (c->ops->connected)
			c->ops->connected(c, UV_EACCES);
		return;
	}
	if (h->kind == DOMAIN_IPV4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&c->target;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		memcpy(&sin->sin_addr, h->addr, 4);
		conn_dial_addr(c, (struct sockaddr *)sin, NULL);
		return;
	}
	if (h->kind == DOMAIN_IPV6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&c->target;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, h->addr, 16);
		conn_dial_addr(c, (struct sockaddr *)sin6, NULL);
		return;
	}
	/* Only now, after the filter allowed the name, is it resolved. */
	snprintf(service, sizeof(service), "%d", port);
	c->gai = xmalloc(sizeof(*c->gai));
	c->gai->data = c;
	r = uv_getaddrinfo(c->client.h.handle.loop, c->gai, gai_cb, h->name, service, &hints);
	if (r < 0) {
		free(c->gai);
		c->gai = NULL;
		uv_timer_stop(&c->timer);
		if (c->ops->connected)
			c->ops->connected(c, r);
		return;
	}
	c->refs++;
}

void conn_dial_addr(struct conn *c, const struct sockaddr *sa, const char *path)
{
	int r;

	if (!uv_is_active((uv_handle_t *)&c->timer))
		uv_timer_start(&c->timer, dial_timeout, CONN_DIAL_TIMEOUT_MS, 0);
	if (path) {
		snprintf(c->target_path, sizeof(c->target_path), "%s", path);
	} else {
		c->target_path[0] = '\0';
		if ((void *)sa != (void *)&c->target)
			memcpy(&c->target, sa,
			       sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
							 : sizeof(struct sockaddr_in));
	}
	c->ai_next = NULL;
	r = dial_start(c);
	if (r < 0) {
		uv_timer_stop(&c->timer);
		end_close(c->server);
		c->server = NULL;
		if (c->ops->connected)
			c->ops->connected(c, r);
	}
}

void conn_drop_server(struct conn *c)
{
	end_close(c->server);
	c->server = NULL;
}
