/* SPDX-License-Identifier: MIT */
/*
 * proxy/socks5.c: the filtering SOCKS5 proxy (RFC 1928): no
 * authentication, CONNECT only, IPv4, IPv6 and domain-name targets.
 */
#include <arpa/inet.h>
#include <string.h>

#include "proxy/internal.h"

#define SOCKS5_INPUT_MAX 1024

int socks5_parse_greeting(const uint8_t *buf, size_t len, bool *ret_noauth)
{
	size_t n;

	*ret_noauth = false;
	if (len < 2)
		return len >= 1 && buf[0] != 5 ? -EPROTO : 0;
	if (buf[0] != 5)
		return -EPROTO;
	n = buf[1];
	if (len < 2 + n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (buf[2 + i] == 0x00)
			*ret_noauth = true;
	return (int)(2 + n);
}

int socks5_parse_request(const uint8_t *buf, size_t len, struct socks5_request *ret)
{
	size_t need;

	memset(ret, 0, sizeof(*ret));
	if (len >= 1 && buf[0] != 5)
		return -EPROTO;
	if (len >= 3 && buf[2] != 0)
		return -EPROTO;
	if (len < 5)
		return 0;
	ret->cmd = buf[1];
	ret->atyp = buf[3];
	switch (ret->atyp) {
	case 1:
		need = 4 + 4 + 2;
		break;
	case 3:
		need = 4 + 1 + (size_t)buf[4] + 2;
		break;
	case 4:
		need = 4 + 16 + 2;
		break;
	default:
		return -EAFNOSUPPORT;
	}
	if (len < need)
		return 0;
	if (ret->atyp == 1) {
		memcpy(ret->addr, buf + 4, 4);
	} else if (ret->atyp == 4) {
		memcpy(ret->addr, buf + 4, 16);
	} else {
		ret->name_len = buf[4];
		memcpy(ret->name, buf + 5, ret->name_len);
		ret->name[ret->name_len] = '\0';
	}
	ret->port = buf[need - 2] << 8 | buf[need - 1];
	return (int)need;
}

int socks5_request_host(const struct socks5_request *req, struct domain_host *ret)
{
	char text[INET6_ADDRSTRLEN];

	switch (req->atyp) {
	case 1:
		inet_ntop(AF_INET, req->addr, text, sizeof(text));
		return domain_host_parse(text, strlen(text), ret);
	case 4:
		inet_ntop(AF_INET6, req->addr, text, sizeof(text));
		return domain_host_parse(text, strlen(text), ret);
	case 3:
		/* A NUL inside the name would cut it short for the resolver. */
		if (memchr(req->name, '\0', req->name_len))
			return -EINVAL;
		return domain_host_parse(req->name, req->name_len, ret);
	}
	return -EINVAL;
}

enum socks_state {
	SS_GREETING,
	SS_REQUEST,
	SS_DIALING,
	SS_TUNNEL,
	SS_CLOSING,
};

struct socks_conn {
	struct conn *c;
	enum socks_state state;
	uint8_t in[SOCKS5_INPUT_MAX];
	size_t in_len;
	struct domain_host host;
	int port;
};

static void emit(struct socks_conn *s, enum proxy_event_kind kind, enum domain_verdict v,
		 const char *rule, const char *reason, int code)
{
	struct proxy_event ev = {
		.kind = kind,
		.source = PROXY_SOURCE_SOCKS,
		.method = "CONNECT",
		.host = s->host.name,
		.port = s->port,
		.verdict = v,
		.rule = rule,
		.reason = reason,
		.status = code,
		.duration_ms = conn_now_ms(s->c) - s->c->started_ms,
	};

	proxy_emit(s->c->proxy, &ev);
}

/* Send a reply; on failure the connection closes once it is written. */
static void reply(struct socks_conn *s, uint8_t code, const struct sockaddr *bound)
{
	uint8_t msg[22] = { 5, code, 0, 1 };
	size_t len = 10;

	if (bound && bound->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)bound;

		memcpy(msg + 4, &sin->sin_addr, 4);
		memcpy(msg + 8, &sin->sin_port, 2);
	} else if (bound && bound->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)bound;

		msg[3] = 4;
		memcpy(msg + 4, &sin6->sin6_addr, 16);
		memcpy(msg + 20, &sin6->sin6_port, 2);
		len = 22;
	}
	conn_write_copy(&s->c->client, msg, len);
	if (code != SOCKS5_REPLY_SUCCEEDED) {
		s->state = SS_CLOSING;
		conn_read_stop(&s->c->client);
		if (s->c->client.queued == 0)
			conn_close(s->c);
	}
}

static uint8_t reply_for_error(int err)
{
	switch (err) {
	case UV_ECONNREFUSED:
		return SOCKS5_REPLY_CONNECTION_REFUSED;
	case UV_ENETUNREACH:
		return SOCKS5_REPLY_NETWORK_UNREACHABLE;
	case UV_EHOSTUNREACH:
	case UV_ETIMEDOUT:
	case UV_EAI_NONAME:
	case UV_EAI_AGAIN:
	case UV_EAI_FAIL:
	case UV_EAI_NODATA:
		return SOCKS5_REPLY_HOST_UNREACHABLE;
	default:
		return SOCKS5_REPLY_GENERAL_FAILURE;
	}
}

static void on_connected(struct conn *c, int status)
{
	struct socks_conn *s = c->data;
	struct sockaddr_storage bound;
	int len = sizeof(bound);

	if (status == UV_EACCES && c->denied_rule) {
		char reason[320];

		emit(s, PROXY_EVENT_BLOCKED, DOMAIN_DENIED, c->denied_rule,
		     proxy_reason(DOMAIN_DENIED, c->denied_rule, reason, sizeof(reason)),
		     SOCKS5_REPLY_NOT_ALLOWED);
		reply(s, SOCKS5_REPLY_NOT_ALLOWED, NULL);
		return;
	}
	if (status < 0) {
		_cleanup_free_ char *reason = xasprintf("cannot connect: %s", uv_strerror(status));
		uint8_t code = reply_for_error(status);

		emit(s, PROXY_EVENT_FAILED, DOMAIN_ALLOWED, NULL, reason, code);
		reply(s, code, NULL);
		return;
	}
	memset(&bound, 0, sizeof(bound));
	uv_tcp_getsockname(&c->server->h.tcp, (struct sockaddr *)&bound, &len);
	emit(s, PROXY_EVENT_ALLOWED, DOMAIN_ALLOWED, NULL, NULL, SOCKS5_REPLY_SUCCEEDED);
	s->state = SS_TUNNEL;
	reply(s, SOCKS5_REPLY_SUCCEEDED, (struct sockaddr *)&bound);
	if (s->in_len > 0)
		conn_write_copy(c->server, s->in, s->in_len);
	s->in_len = 0;
	conn_tunnel(c);
}

static void invalid(struct socks_conn *s, const char *why, uint8_t code)
{
	emit(s, PROXY_EVENT_INVALID, DOMAIN_NOT_ALLOWED, NULL, why, code);
	reply(s, code, NULL);
}

static void socks_resume(struct conn *c);

static void handle_request(struct socks_conn *s, const struct socks5_request *req)
{
	const char *rule = NULL;
	enum domain_verdict v;
	char reason[320];

	uv_timer_stop(&s->c->timer); /* the handshake is complete */
	s->port = req->port;
	if (req->atyp == 3)
		snprintf(s->host.name, sizeof(s->host.name), "%.*s", (int)req->name_len, req->name);
	if (req->cmd != SOCKS5_CMD_CONNECT) {
		invalid(s, req->cmd == SOCKS5_CMD_BIND ? "BIND is not supported"
			   : req->cmd == SOCKS5_CMD_UDP_ASSOCIATE ? "UDP ASSOCIATE is not supported"
								  : "unknown command",
			SOCKS5_REPLY_COMMAND_NOT_SUPPORTED);
		return;
	}
	if (socks5_request_host(req, &s->host) < 0 || req->port == 0) {
		invalid(s, "malformed host or port", SOCKS5_REPLY_GENERAL_FAILURE);
		return;
	}
	v = proxy_check(s->c->proxy, PROXY_SOURCE_SOCKS, &s->host, s->port, &rule);
	if (v == DOMAIN_NOT_ALLOWED) { /* violations: network.onBlocked "ask" */
		enum proxy_ask_result a = proxy_ask_hold(s->c, PROXY_SOURCE_SOCKS, &s->host, s->port,
							 socks_resume);

		if (a == PROXY_ASK_HELD) {
			s->state = SS_DIALING;
			return;
		}
		if (a == PROXY_ASK_ALLOW)
			v = DOMAIN_ALLOWED;
	}
	if (v != DOMAIN_ALLOWED) {
		emit(s, PROXY_EVENT_BLOCKED, v, rule, proxy_reason(v, rule, reason, sizeof(reason)),
		     SOCKS5_REPLY_NOT_ALLOWED);
		reply(s, SOCKS5_REPLY_NOT_ALLOWED, NULL);
		return;
	}
	s->state = SS_DIALING;
	proxy_allowed(s->c, PROXY_SOURCE_SOCKS, &s->host, s->port);
	conn_read_stop(&s->c->client);
	proxy_dial(s->c->proxy, s->c, &s->host, s->port);
}

/* violations: the user answered a held request: dial, or refuse it. */
static void socks_resume(struct conn *c)
{
	struct socks_conn *s = c->data;
	bool allow = c->ask_answer == PROXY_ASK_ALLOW;
	char reason[320];

	c->ask_answer = 0;
	if (!allow) {
		emit(s, PROXY_EVENT_BLOCKED, DOMAIN_NOT_ALLOWED, NULL,
		     proxy_reason(DOMAIN_NOT_ALLOWED, NULL, reason, sizeof(reason)),
		     SOCKS5_REPLY_NOT_ALLOWED);
		reply(s, SOCKS5_REPLY_NOT_ALLOWED, NULL);
		return;
	}
	proxy_allowed(s->c, PROXY_SOURCE_SOCKS, &s->host, s->port);
	conn_read_stop(&s->c->client);
	proxy_dial(s->c->proxy, s->c, &s->host, s->port);
}

static void consume(struct socks_conn *s, int n)
{
	memmove(s->in, s->in + n, s->in_len - (size_t)n);
	s->in_len -= (size_t)n;
}

static void process(struct socks_conn *s)
{
	static const uint8_t noauth[2] = { 5, 0x00 }, nomethod[2] = { 5, 0xff };
	struct socks5_request req;
	bool ok;
	int n;

	if (s->state == SS_GREETING) {
		n = socks5_parse_greeting(s->in, s->in_len, &ok);
		if (n <= 0) {
			if (n < 0)
				conn_close(s->c);
			return;
		}
		consume(s, n);
		conn_write_copy(&s->c->client, ok ? noauth : nomethod, 2);
		if (!ok) {
			s->state = SS_CLOSING;
			return;
		}
		s->state = SS_REQUEST;
	}
	if (s->state != SS_REQUEST)
		return;
	n = socks5_parse_request(s->in, s->in_len, &req);
	if (n == 0)
		return;
	if (n < 0) {
		invalid(s, "malformed request", n == -EAFNOSUPPORT ? SOCKS5_REPLY_ADDRESS_NOT_SUPPORTED
								     : SOCKS5_REPLY_GENERAL_FAILURE);
		return;
	}
	consume(s, n);
	handle_request(s, &req);
}

static void on_client_data(struct conn *c, char *buf, size_t len)
{
	struct socks_conn *s = c->data;

	if (s->state == SS_CLOSING || s->in_len + len > sizeof(s->in)) {
		free(buf);
		if (s->state != SS_CLOSING)
			conn_close(c);
		return;
	}
	memcpy(s->in + s->in_len, buf, len);
	s->in_len += len;
	free(buf);
	process(s);
}

static void on_drained(struct conn *c, struct end *e)
{
	struct socks_conn *s = c->data;

	if (e == &c->client && s->state == SS_CLOSING)
		conn_close(c);
}

static void on_destroy(struct conn *c)
{
	free(c->data);
}

static const struct conn_ops socks_ops = {
	.client_data = on_client_data,
	.connected = on_connected,
	.drained = on_drained,
	.destroy = on_destroy,
};

/* The greeting and request did not arrive within the header timeout. */
static void handshake_timeout(uv_timer_t *t)
{
	struct conn *c = t->data;
	struct socks_conn *s = c->data;

	if (s->state != SS_GREETING && s->state != SS_REQUEST)
		return;
	log_debug("closing a SOCKS client that did not finish its handshake");
	conn_close(c);
}

void socks5_accept(struct proxy *p, uv_stream_t *listener, bool is_pipe)
{
	struct conn *c = conn_accept(p->loop, listener, is_pipe, &socks_ops, &p->conns);
	struct socks_conn *s;

	if (!c)
		return;
	s = xcalloc(1, sizeof(*s));
	s->c = c;
	c->data = s;
	c->proxy = p;
	p->refs++;
	conn_set_idle(c, p->tunnel_idle_ms);
	if (p->header_timeout_ms > 0)
		uv_timer_start(&c->timer, handshake_timeout, p->header_timeout_ms, 0);
	conn_read_start(&c->client);
}
