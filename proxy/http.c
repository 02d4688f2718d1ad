/* SPDX-License-Identifier: MIT */
/*
 * proxy/http.c: the filtering HTTP proxy.
 *
 * CONNECT opens a tunnel.  Absolute-URI requests are forwarded one at a
 * time: a pipelined request waits in the buffer until the response before
 * it has been relayed in full, so responses can never be reordered.  The
 * server connection is kept for the next request to the same host:port.
 */
#include <string.h>
#include <strings.h>

#include "proxy/internal.h"

#define HTTP_INPUT_MAX (HTTP_REQUEST_HEAD_MAX + 256 * 1024)
#define HTTP_RESPONSE_TIMEOUT_MS 30000
#define HTTP_LINGER_MS 2000

enum http_state {
	HS_HEAD, /* waiting for a request head */
	HS_DIALING, /* connecting to the server */
	HS_BODY, /* relaying the request body */
	HS_RESPONSE, /* request sent; relaying the response */
	HS_TUNNEL,
	HS_UPSTREAM_CONNECT, /* waiting for the upstream proxy's reply to CONNECT */
	HS_CLOSING, /* an error reply is being written */
};

/* The deadline that runs while a request head is awaited (HS_HEAD). */
enum head_wait {
	HW_NONE, /* none: a reply is still being written (the idle watchdog covers it) */
	HW_IDLE, /* a kept connection between requests: keepalive_timeout_ms */
	HW_HEADER, /* a head is due: header_timeout_ms from its first byte or the accept */
};

struct http_conn {
	struct conn *c;
	enum http_state state;
	enum head_wait head_wait;
	unsigned requests; /* heads handled on this connection */
	char *in; /* client bytes not yet handled */
	size_t in_len, in_cap;
	bool client_eof;

	/* The current request. */
	char method[24];
	struct domain_host host;
	int port;
	char *url;
	char *head; /* the rewritten head to send once connected */
	size_t head_len;
	bool head_request;
	bool via_upstream; /* no entry matched: upstreamProxy carries the request */
	bool client_close; /* the client asked to close after this response */
	struct http_body req_body;
	uint64_t started_ms;

	/* The current response. */
	char *rin; /* response head bytes until the head is complete */
	size_t rin_len, rin_cap;
	bool resp_head_done;
	bool resp_started; /* bytes already went to the client */
	int status;
	bool server_close;
	struct http_body resp_body;

	/* The open server connection, for keep-alive. */
	struct domain_host server_host;
	int server_port;
	bool server_is_upstream;
};

static void process(struct http_conn *h);

static void buf_append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
	if (*len + n > *cap) {
		*cap = (*len + n) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, data, n);
	*len += n;
}

static void buf_consume(char *buf, size_t *len, size_t n)
{
	memmove(buf, buf + n, *len - n);
	*len -= n;
}

static void emit(struct http_conn *h, enum proxy_event_kind kind, enum domain_verdict v,
		 const char *rule, const char *reason, int status)
{
	struct proxy_event ev = {
		.kind = kind,
		.source = PROXY_SOURCE_HTTP,
		.method = h->method,
		.host = h->host.name,
		.port = h->port,
		.url = h->url,
		.verdict = v,
		.rule = rule,
		.reason = reason,
		.status = status,
		.duration_ms = conn_now_ms(h->c) - h->started_ms,
	};

	proxy_emit(h->c->proxy, &ev);
}

static void linger_timeout(uv_timer_t *t)
{
	conn_close(t->data);
}

/*
 * After an error reply: send FIN, then read and drop what the client still
 * sends for a moment, because closing with unread data would send a reset
 * that can destroy the reply before the client reads it.
 */
static void linger(struct http_conn *h)
{
	struct conn *c = h->c;

	if (c->client.queued > 0)
		return; /* client_drained calls again */
	conn_drop_server(c);
	conn_shutdown(&c->client);
	if (h->client_eof) {
		conn_close(c);
		return;
	}
	h->in_len = 0;
	conn_read_start(&c->client);
	uv_timer_start(&c->timer, linger_timeout, HTTP_LINGER_MS, 0);
}

/* Send a short plain-text reply and close the connection afterwards. */
static void reply_error(struct http_conn *h, int status, const char *reason, const char *body)
{
	struct conn *c = h->c;
	char *msg = xasprintf("HTTP/1.1 %d %s\r\n"
			      "Content-Type: text/plain; charset=utf-8\r\n"
			      "Content-Length: %zu\r\n"
			      "Connection: close\r\n"
			      "\r\n%s",
			      status, reason, strlen(body), body);

	h->state = HS_CLOSING;
	uv_timer_stop(&c->timer);
	conn_read_stop(c->server);
	conn_write(&c->client, msg, strlen(msg));
	linger(h);
}

static void reply_invalid(struct http_conn *h, int status, const char *why)
{
	_cleanup_free_ char *body = xasprintf("fence: invalid proxy request: %s\n", why);

	emit(h, PROXY_EVENT_INVALID, DOMAIN_NOT_ALLOWED, NULL, why, status);
	reply_error(h, status, status == 408 ? "Request Timeout" : "Bad Request", body);
}

static void reply_blocked(struct http_conn *h, enum domain_verdict v, const char *rule)
{
	char reason[320];
	_cleanup_free_ char *body = NULL;

	proxy_reason(v, rule, reason, sizeof(reason));
	body = xasprintf("Blocked by fence: %s:%d (%s)\n", h->host.name, h->port, reason);
	emit(h, PROXY_EVENT_BLOCKED, v, rule, reason, 403);
	reply_error(h, 403, "Forbidden", body);
}

static void reply_failed(struct http_conn *h, int status, const char *what, int err)
{
	_cleanup_free_ char *reason = xasprintf("%s: %s", what, uv_strerror(err));
	_cleanup_free_ char *body =
		xasprintf("fence: %s:%d: %s\n", h->host.name, h->port, reason);

	emit(h, PROXY_EVENT_FAILED, DOMAIN_ALLOWED, NULL, reason, status);
	if (h->resp_started) {
		conn_close(h->c);
		return;
	}
	reply_error(h, status, status == 504 ? "Gateway Timeout" : "Bad Gateway", body);
}

/*
 * An allowed absolute https:// URI outside a tunnel: serving it would take
 * TLS to the server, which fence does not speak, so say what works instead.
 */
static void reply_https_uri(struct http_conn *h)
{
	static const char reason[] = "https:// URL sent without CONNECT; set https_proxy";
	_cleanup_free_ char *body = xasprintf(
		"fence: %s: this proxy does not fetch https:// URLs itself, because it does not "
		"speak TLS to servers.\n"
		"Send HTTPS through a CONNECT tunnel instead: set https_proxy (and HTTPS_PROXY) "
		"to this proxy's URL, the value of http_proxy; curl, git, pip, npm and most "
		"libraries then use CONNECT.\n",
		h->url);

	emit(h, PROXY_EVENT_FAILED, DOMAIN_ALLOWED, NULL, reason, 501);
	reply_error(h, 501, "Not Implemented", body);
}

/* Whether a hop-by-hop header must not reach the server. */
static bool drop_header(const struct http_header *hd)
{
	return http_header_is(hd, "Proxy-Connection") ||
	       http_header_is(hd, "Proxy-Authorization") || http_header_is(hd, "Host");
}

/* Build the head the server gets: origin-form target and our own Host. */
static void build_head(struct http_conn *h, const struct http_request *req,
		       const struct http_target *t)
{
	struct strv lines = { 0 };
	const char *path = t->path;
	size_t path_len = t->path_len;
	const char *hash = memchr(path, '#', path_len);
	char *out;
	size_t len = 0;

	if (hash)
		path_len = (size_t)(hash - path);
	/* An upstream proxy needs the absolute form; an origin server the path. */
	strv_pushf(&lines, "%.*s %s%.*s%s%.*s HTTP/1.%d\r\n", (int)req->method_len, req->method,
		   h->via_upstream ? (t->https ? "https://" : "http://") : "",
		   h->via_upstream ? (int)t->authority_len : 0,
		   t->authority, path_len == 0 || path[0] != '/' ? "/" : "", (int)path_len, path,
		   req->version_minor);
	strv_pushf(&lines, "Host: %.*s\r\n", (int)t->authority_len, t->authority);
	for (size_t i = 0; i < req->n_headers; i++) {
		const struct http_header *hd = &req->headers[i];

		if (drop_header(hd))
			continue;
		strv_pushf(&lines, "%.*s: %.*s\r\n", (int)hd->name_len, hd->name,
			   (int)hd->value_len, hd->value);
	}
	strv_push(&lines, "\r\n");
	for (size_t i = 0; i < lines.n; i++)
		len += strlen(lines.v[i]);
	out = xmalloc(len + 1);
	len = 0;
	for (size_t i = 0; i < lines.n; i++) {
		size_t l = strlen(lines.v[i]);

		memcpy(out + len, lines.v[i], l);
		len += l;
	}
	strv_done(&lines);
	free(h->head);
	h->head = out;
	h->head_len = len;
}

/* Whether the client wants the connection closed after this exchange. */
static bool wants_close(const struct http_request *req)
{
	const struct http_header *conn = http_find_header(req->headers, req->n_headers, "Connection");
	const struct http_header *pconn =
		http_find_header(req->headers, req->n_headers, "Proxy-Connection");

	if (conn && http_value_has_token(conn->value, conn->value_len, "close"))
		return true;
	if (req->version_minor == 0) {
		if (conn && http_value_has_token(conn->value, conn->value_len, "keep-alive"))
			return false;
		if (pconn && http_value_has_token(pconn->value, pconn->value_len, "keep-alive"))
			return false;
		return true;
	}
	return false;
}

static void response_timeout(uv_timer_t *t)
{
	struct conn *c = t->data;

	reply_failed(c->data, 504, "no response from the server", UV_ETIMEDOUT);
}

/* Send the request head and whatever body bytes are buffered. */
static void send_request(struct http_conn *h)
{
	struct conn *c = h->c;

	h->state = HS_BODY;
	h->resp_head_done = false;
	h->resp_started = false;
	h->rin_len = 0;
	conn_write(c->server, TAKE_PTR(h->head), h->head_len);
	conn_read_start(c->server);
	uv_timer_start(&c->timer, response_timeout, HTTP_RESPONSE_TIMEOUT_MS, 0);
	process(h);
}

static void tunnel_established(struct http_conn *h)
{
	static const char ok[] = "HTTP/1.1 200 Connection Established\r\n\r\n";
	struct conn *c = h->c;

	emit(h, PROXY_EVENT_ALLOWED, DOMAIN_ALLOWED, NULL, h->via_upstream ? "via upstreamProxy" : NULL,
	     200);
	h->state = HS_TUNNEL;
	conn_write_copy(&c->client, ok, sizeof(ok) - 1);
	if (h->in_len > 0) {
		conn_write(c->server, TAKE_PTR(h->in), h->in_len);
		h->in_len = h->in_cap = 0;
	}
	conn_tunnel(c);
}

/* Ask the upstream proxy for the tunnel.  Its reply arrives in on_server_data. */
static void upstream_connect(struct http_conn *h)
{
	struct conn *c = h->c;
	char *msg = xasprintf("CONNECT %s%s%s:%d HTTP/1.1\r\nHost: %s%s%s:%d\r\n\r\n",
			      h->host.kind == DOMAIN_IPV6 ? "[" : "", h->host.name,
			      h->host.kind == DOMAIN_IPV6 ? "]" : "", h->port,
			      h->host.kind == DOMAIN_IPV6 ? "[" : "", h->host.name,
			      h->host.kind == DOMAIN_IPV6 ? "]" : "", h->port);

	h->state = HS_UPSTREAM_CONNECT;
	h->rin_len = 0;
	conn_write(c->server, msg, strlen(msg));
	conn_read_start(c->server);
	uv_timer_start(&c->timer, response_timeout, HTTP_RESPONSE_TIMEOUT_MS, 0);
}

/* Handle the upstream proxy's reply to CONNECT: 200 opens the tunnel, anything else is a 403. */
static void upstream_reply(struct http_conn *h)
{
	struct conn *c = h->c;
	struct http_response resp;
	_cleanup_free_ char *reason = NULL, *body = NULL;
	int r = http_parse_response(h->rin, h->rin_len, &resp);

	if (r == 0)
		return;
	uv_timer_stop(&c->timer);
	if (r < 0) {
		reply_failed(h, 502, "invalid reply from upstreamProxy", UV_EPROTO);
		return;
	}
	if (resp.status != 200) {
		reason = xasprintf("upstreamProxy replied %d", resp.status);
		body = xasprintf("Blocked by fence: %s:%d (%s)\n", h->host.name, h->port, reason);
		emit(h, PROXY_EVENT_BLOCKED, DOMAIN_NOT_ALLOWED, NULL, reason, 403);
		reply_error(h, 403, "Forbidden", body);
		return;
	}
	tunnel_established(h);
	/* Bytes after the reply already belong to the tunnel. */
	if (h->rin_len > (size_t)r)
		conn_write_copy(&c->client, h->rin + r, h->rin_len - (size_t)r);
	h->rin_len = 0;
}

static void on_connected(struct conn *c, int status)
{
	struct http_conn *h = c->data;

	if (status == UV_EACCES && c->denied_rule) {
		reply_blocked(h, DOMAIN_DENIED, c->denied_rule);
		return;
	}
	if (status < 0) {
		reply_failed(h, status == UV_ETIMEDOUT ? 504 : 502, "cannot connect", status);
		return;
	}
	h->server_host = h->host;
	h->server_port = h->port;
	h->server_is_upstream = h->via_upstream;
	if (h->state == HS_TUNNEL && h->via_upstream)
		upstream_connect(h);
	else if (h->state == HS_TUNNEL)
		tunnel_established(h);
	else
		send_request(h);
}

static void process(struct http_conn *h);

/* violations: the user answered a held request; handle it again. */
static void http_resume(struct conn *c)
{
	struct http_conn *h = c->data;

	h->state = HS_HEAD;
	process(h);
}

/* Check the filter; returns true when the request may go on. */
static bool filter_allows(struct http_conn *h)
{
	const char *rule = NULL;
	enum domain_verdict v = proxy_check(h->c->proxy, PROXY_SOURCE_HTTP, &h->host, h->port, &rule);

	h->via_upstream = false;
	h->c->has_dest = false;
	if (v == DOMAIN_ALLOWED)
		goto allowed;
	if (v == DOMAIN_NOT_ALLOWED && h->c->proxy->has_upstream) {
		h->via_upstream = true;
		goto allowed;
	}
	/* violations: network.onBlocked "ask" holds the request in HS_DIALING. */
	if (v == DOMAIN_NOT_ALLOWED) {
		switch (proxy_ask_hold(h->c, PROXY_SOURCE_HTTP, &h->host, h->port, http_resume)) {
		case PROXY_ASK_ALLOW:
			goto allowed;
		case PROXY_ASK_HELD:
			h->state = HS_DIALING;
			return false;
		default:
			break;
		}
	}
	reply_blocked(h, v, rule);
	return false;
allowed:
	proxy_allowed(h->c, PROXY_SOURCE_HTTP, &h->host, h->port);
	return true;
}

/* Dial the server of the current request, or the upstream proxy. */
static void dial(struct http_conn *h)
{
	struct proxy *p = h->c->proxy;

	conn_drop_server(h->c);
	if (h->via_upstream)
		proxy_dial(p, h->c, &p->upstream, p->upstream_port);
	else
		proxy_dial(p, h->c, &h->host, h->port);
}

static void start_connect(struct http_conn *h, const struct http_request *req)
{
	struct conn *c = h->c;

	buf_consume(h->in, &h->in_len, req->head_len);
	h->state = HS_TUNNEL;
	conn_read_stop(&c->client);
	dial(h);
}

static void start_forward(struct http_conn *h, const struct http_request *req,
			  const struct http_target *t)
{
	struct conn *c = h->c;

	if (t->https && !h->via_upstream) {
		reply_https_uri(h);
		return;
	}
	if (http_request_body(req, &h->req_body) < 0) {
		reply_invalid(h, 400, "ambiguous message framing (Content-Length, Transfer-Encoding)");
		return;
	}
	h->head_request = strcmp(h->method, "HEAD") == 0;
	h->client_close = wants_close(req);
	build_head(h, req, t);
	buf_consume(h->in, &h->in_len, req->head_len);
	if (c->server && h->server_is_upstream == h->via_upstream &&
	    (h->via_upstream || (h->server_port == h->port && h->server_host.kind == h->host.kind &&
				 strcmp(h->server_host.name, h->host.name) == 0))) {
		send_request(h);
		return;
	}
	h->state = HS_DIALING;
	dial(h);
}

/*
 * The head deadline ran out.  A client that sent nothing is simply
 * closed; one that sent part of a head (slowloris) gets a 408.
 */
static void head_timeout(uv_timer_t *t)
{
	struct conn *c = t->data;
	struct http_conn *h = c->data;

	if (h->state != HS_HEAD)
		return;
	if (h->in_len == 0) {
		log_debug("closing a client connection that sent no request");
		conn_close(c);
		return;
	}
	strcpy(h->method, "-");
	memset(&h->host, 0, sizeof(h->host));
	h->port = 0;
	reply_invalid(h, 408, "the request head did not arrive in time");
}

/* In HS_HEAD: run the deadline that fits, keeping one that already runs. */
static void head_wait(struct http_conn *h)
{
	struct conn *c = h->c;
	enum head_wait want = HW_HEADER;
	uint64_t ms;

	if (c->client.queued > 0)
		want = HW_NONE; /* on_drained comes back */
	else if (h->in_len == 0 && h->requests > 0)
		want = HW_IDLE;
	if (want == h->head_wait)
		return;
	h->head_wait = want;
	ms = want == HW_IDLE ? c->proxy->keepalive_timeout_ms : c->proxy->header_timeout_ms;
	if (want == HW_NONE || ms == 0)
		uv_timer_stop(&c->timer);
	else
		uv_timer_start(&c->timer, head_timeout, ms, 0);
}

static void handle_request(struct http_conn *h, const struct http_request *req)
{
	struct http_target t;

	uv_timer_stop(&h->c->timer);
	h->head_wait = HW_NONE;
	h->requests++;
	h->started_ms = conn_now_ms(h->c);
	snprintf(h->method, sizeof(h->method), "%.*s", (int)req->method_len, req->method);
	free(h->url);
	h->url = NULL;
	memset(&h->host, 0, sizeof(h->host));
	h->port = 0;
	if (http_request_target(req, &t) < 0) {
		snprintf(h->host.name, sizeof(h->host.name), "%.*s",
			 (int)(req->target_len < 200 ? req->target_len : 200), req->target);
		reply_invalid(h, 400, "missing or malformed host, bad port, or a Host header "
				      "that disagrees with the target");
		return;
	}
	h->host = t.host;
	h->port = t.port;
	if (!t.connect)
		h->url = xasprintf("%s://%.*s%.*s", t.https ? "https" : "http",
				   (int)t.authority_len, t.authority, (int)t.path_len, t.path);
	if (!filter_allows(h))
		return;
	if (t.connect)
		start_connect(h, req);
	else
		start_forward(h, req, &t);
}

/* Relay buffered request body bytes to the server. */
static void relay_body(struct http_conn *h)
{
	ssize_t n = http_body_feed(&h->req_body, h->in, h->in_len);

	if (n < 0) {
		reply_invalid(h, 400, "broken chunked request body");
		return;
	}
	if (n > 0) {
		conn_write_copy(h->c->server, h->in, (size_t)n);
		buf_consume(h->in, &h->in_len, (size_t)n);
	}
	if (h->req_body.done)
		h->state = HS_RESPONSE;
}

/* Handle what the client sent, as far as the current state allows. */
static void process(struct http_conn *h)
{
	struct conn *c = h->c;

	for (;;) {
		if (h->state == HS_HEAD) {
			struct http_request req;
			int r;

			if (h->in_len == 0) {
				if (h->client_eof)
					conn_close(c);
				break;
			}
			r = http_parse_request(h->in, h->in_len, &req);
			if (r == 0)
				break;
			if (r < 0) {
				strcpy(h->method, "-");
				reply_invalid(h, 400, r == -E2BIG ? "request head too large"
								  : "malformed request head");
				return;
			}
			handle_request(h, &req);
			continue;
		}
		if (h->state == HS_BODY) {
			relay_body(h);
			if (h->state == HS_BODY)
				break;
			continue;
		}
		break;
	}
	if (h->state == HS_CLOSING || c->closing)
		return;
	if (h->state == HS_HEAD)
		head_wait(h);
	if (h->in_len > HTTP_INPUT_MAX || (c->server && c->server->queued > CONN_QUEUE_HIGH))
		conn_read_stop(&c->client);
	else if (h->state != HS_DIALING && h->state != HS_TUNNEL)
		conn_read_start(&c->client);
}

/* The response is complete: keep the connections for the next request or close. */
static void response_done(struct http_conn *h)
{
	struct conn *c = h->c;

	uv_timer_stop(&c->timer);
	emit(h, PROXY_EVENT_ALLOWED, DOMAIN_ALLOWED, NULL, h->via_upstream ? "via upstreamProxy" : NULL,
	     h->status);
	if (h->server_close || h->state != HS_RESPONSE)
		conn_drop_server(c);
	if (h->client_close || h->server_close || h->state != HS_RESPONSE) {
		/* Close after the reply is written (on_drained finds HS_CLOSING). */
		h->state = HS_CLOSING;
		if (c->client.queued == 0)
			conn_close(c);
		return;
	}
	h->state = HS_HEAD;
	process(h);
}

/* Forward response body bytes; the rest would belong to no request. */
static void relay_response_body(struct http_conn *h, char *buf, size_t len)
{
	struct conn *c = h->c;
	ssize_t n = http_body_feed(&h->resp_body, buf, len);

	if (n < 0) {
		free(buf);
		conn_close(c);
		return;
	}
	if ((size_t)n < len)
		h->server_close = true; /* bytes after the body: do not reuse */
	if (n > 0) {
		h->resp_started = true;
		conn_write(&c->client, buf, (size_t)n);
	} else {
		free(buf);
	}
	if (c->client.queued > CONN_QUEUE_HIGH)
		conn_read_stop(c->server);
	if (h->resp_body.done)
		response_done(h);
}

/* Parse the response head from h->rin; returns false while incomplete. */
static bool response_head(struct http_conn *h)
{
	struct conn *c = h->c;
	struct http_response resp;
	const struct http_header *conn_hd;
	char *rest;
	size_t rest_len;
	int r = http_parse_response(h->rin, h->rin_len, &resp);

	if (r == 0)
		return false;
	if (r < 0 || http_response_body(&resp, h->head_request, &h->resp_body) < 0) {
		reply_failed(h, 502, "invalid response from the server", UV_EPROTO);
		return false;
	}
	h->status = resp.status;
	conn_hd = http_find_header(resp.headers, resp.n_headers, "Connection");
	h->server_close = h->resp_body.kind == HTTP_BODY_UNTIL_CLOSE ||
			  (conn_hd && http_value_has_token(conn_hd->value, conn_hd->value_len, "close")) ||
			  (resp.version_minor == 0 &&
			   !(conn_hd && http_value_has_token(conn_hd->value, conn_hd->value_len,
							     "keep-alive")));
	h->resp_started = true;
	conn_write_copy(&c->client, h->rin, resp.head_len);
	rest_len = h->rin_len - resp.head_len;
	rest = xmalloc(rest_len ? rest_len : 1);
	memcpy(rest, h->rin + resp.head_len, rest_len);
	h->rin_len = 0;
	if (resp.status == 101) {
		/* Switching protocols: from now on both sides talk directly. */
		emit(h, PROXY_EVENT_ALLOWED, DOMAIN_ALLOWED, NULL, NULL, 101);
		h->state = HS_TUNNEL;
		conn_write(&c->client, rest, rest_len);
		if (h->in_len > 0) {
			conn_write(c->server, TAKE_PTR(h->in), h->in_len);
			h->in_len = h->in_cap = 0;
		}
		conn_tunnel(c);
		return false;
	}
	if (resp.status / 100 == 1) {
		/* An interim response: the real one follows. */
		buf_append(&h->rin, &h->rin_len, &h->rin_cap, rest, rest_len);
		free(rest);
		return true;
	}
	uv_timer_stop(&c->timer);
	h->resp_head_done = true;
	relay_response_body(h, rest, rest_len);
	return false;
}

static void on_server_data(struct conn *c, char *buf, size_t len)
{
	struct http_conn *h = c->data;

	if (h->state == HS_UPSTREAM_CONNECT) {
		buf_append(&h->rin, &h->rin_len, &h->rin_cap, buf, len);
		free(buf);
		upstream_reply(h);
		return;
	}
	if (h->state == HS_CLOSING || (h->state != HS_BODY && h->state != HS_RESPONSE)) {
		free(buf);
		return;
	}
	if (h->resp_head_done) {
		relay_response_body(h, buf, len);
		return;
	}
	buf_append(&h->rin, &h->rin_len, &h->rin_cap, buf, len);
	free(buf);
	while (!h->resp_head_done && h->state != HS_CLOSING && !c->closing && response_head(h))
		;
}

static void on_server_eof(struct conn *c)
{
	struct http_conn *h = c->data;

	if (h->state == HS_HEAD) {
		conn_drop_server(c); /* an idle keep-alive connection ended */
		return;
	}
	if (h->resp_head_done && h->resp_body.kind == HTTP_BODY_UNTIL_CLOSE) {
		h->server_close = true;
		h->resp_body.done = true;
		response_done(h);
		return;
	}
	if (h->state == HS_CLOSING)
		return;
	reply_failed(h, 502, "the server closed the connection", UV_EOF);
}

static void on_client_data(struct conn *c, char *buf, size_t len)
{
	struct http_conn *h = c->data;

	if (h->state == HS_CLOSING) {
		free(buf); /* lingering: drop */
		return;
	}
	buf_append(&h->in, &h->in_len, &h->in_cap, buf, len);
	free(buf);
	process(h);
}

static void on_client_eof(struct conn *c)
{
	struct http_conn *h = c->data;

	h->client_eof = true;
	if (h->state == HS_CLOSING && c->client.queued == 0)
		conn_close(c);
	else if (h->state == HS_HEAD)
		process(h);
	else if (h->state == HS_BODY)
		reply_invalid(h, 400, "the request body ended early");
	/* Otherwise the response still goes out; response_done closes. */
	else
		h->client_close = true;
}

static void on_drained(struct conn *c, struct end *e)
{
	struct http_conn *h = c->data;

	if (e != &c->client) {
		if (h->state == HS_BODY)
			process(h);
		return;
	}
	if (h->state == HS_CLOSING) {
		if (h->resp_started && !h->resp_body.done)
			return;
		if (h->resp_started)
			conn_close(c);
		else
			linger(h);
		return;
	}
	if (h->state == HS_HEAD)
		head_wait(h);
	conn_read_start(c->server);
}

static void on_destroy(struct conn *c)
{
	struct http_conn *h = c->data;

	if (!h)
		return;
	free(h->in);
	free(h->rin);
	free(h->url);
	free(h->head);
	free(h);
}

static const struct conn_ops http_ops = {
	.client_data = on_client_data,
	.server_data = on_server_data,
	.client_eof = on_client_eof,
	.server_eof = on_server_eof,
	.connected = on_connected,
	.drained = on_drained,
	.destroy = on_destroy,
};

void http_accept(struct proxy *p, uv_stream_t *listener, bool is_pipe)
{
	struct conn *c = conn_accept(p->loop, listener, is_pipe, &http_ops, &p->conns);
	struct http_conn *h;

	if (!c)
		return;
	h = xcalloc(1, sizeof(*h));
	h->c = c;
	c->data = h;
	c->proxy = p;
	p->refs++;
	conn_set_idle(c, p->tunnel_idle_ms);
	head_wait(h);
	conn_read_start(&c->client);
}
