/* SPDX-License-Identifier: MIT */
/*
 * proxy/proxy.c: starting and stopping the two proxies, and the filter
 * step they share.
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "proxy/internal.h"

void proxy_emit(struct proxy *p, struct proxy_event *ev)
{
	ev->time = time(NULL);
	if (p->on_event)
		p->on_event(ev, p->userdata);
}

const char *proxy_reason(enum domain_verdict v, const char *rule, char *buf, size_t size)
{
	switch (v) {
	case DOMAIN_DENIED:
		if (rule && strcmp(rule, PROXY_RULE_UNSPECIFIED) == 0)
			snprintf(buf, size, "the unspecified address reaches the local host");
		else
			snprintf(buf, size, "denied by deniedDomains rule \"%s\"", rule ? rule : "?");
		break;
	case DOMAIN_NOT_ALLOWED:
		snprintf(buf, size, "not in allowedDomains");
		break;
	case DOMAIN_ALLOWED:
		snprintf(buf, size, "allowed by \"%s\"", rule ? rule : "?");
		break;
	}
	return buf;
}

enum domain_verdict proxy_check(struct proxy *p, enum proxy_source source,
				const struct domain_host *host, int port, const char **ret_rule)
{
	enum domain_verdict v = domain_filter_check(&p->filter, host, port, ret_rule);
	char reason[320];
	struct proxy_event ev = {
		.kind = PROXY_EVENT_FILTER,
		.source = source,
		.host = host->name,
		.port = port,
		.verdict = v,
		.rule = *ret_rule,
		.reason = proxy_reason(v, *ret_rule, reason, sizeof(reason)),
	};

	proxy_emit(p, &ev);
	return v;
}

void proxy_allowed(struct conn *c, enum proxy_source source, const struct domain_host *host,
		   int port)
{
	c->dest = *host;
	c->dest_port = port;
	c->source = source;
	c->has_dest = true;
}

void proxy_dial(struct proxy *p, struct conn *c, const struct domain_host *host, int port)
{
	size_t len = strlen(host->name);

	for (size_t i = 0; host->kind == DOMAIN_NAME && i < p->resolve.n; i++) {
		const char *entry = p->resolve.v[i];
		struct domain_host ip;

		if (strncmp(entry, host->name, len) != 0 || entry[len] != '=')
			continue;
		if (domain_host_parse(entry + len + 1, strlen(entry + len + 1), &ip) == 0 &&
		    ip.kind != DOMAIN_NAME) {
			conn_dial_host(c, &ip, port);
			return;
		}
	}
	conn_dial_host(c, host, port);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct proxy_listener *l = server->data;

	if (status < 0 || l->proxy->closing)
		return;
	if (l->source == PROXY_SOURCE_HTTP)
		http_accept(l->proxy, server, l->is_pipe);
	else
		socks5_accept(l->proxy, server, l->is_pipe);
}

/* Listen on 127.0.0.1:port (0 = random); returns the bound port or a negative errno. */
static int listen_tcp(struct proxy *p, enum proxy_source source, int port)
{
	struct proxy_listener *l = &p->listeners[p->n_listeners];
	struct sockaddr_in sin;
	struct sockaddr_storage bound;
	int len = sizeof(bound);
	int r;

	uv_ip4_addr("127.0.0.1", port, &sin);
	r = uv_tcp_init(p->loop, &l->h.tcp);
	if (r < 0)
		return r;
	l->h.handle.data = l;
	l->proxy = p;
	l->source = source;
	p->n_listeners++;
	p->refs++;
	r = uv_tcp_bind(&l->h.tcp, (struct sockaddr *)&sin, 0);
	if (r == 0)
		r = uv_listen(&l->h.stream, 511, on_connection);
	if (r == 0)
		r = uv_tcp_getsockname(&l->h.tcp, (struct sockaddr *)&bound, &len);
	if (r < 0)
		return r;
	return ntohs(((struct sockaddr_in *)&bound)->sin_port);
}

/* Listen on the Unix socket path, owner-only. */
static int listen_unix(struct proxy *p, enum proxy_source source, const char *path)
{
	struct proxy_listener *l = &p->listeners[p->n_listeners];
	int r;

	r = uv_pipe_init(p->loop, &l->h.pipe, 0);
	if (r < 0)
		return r;
	l->h.handle.data = l;
	l->proxy = p;
	l->source = source;
	l->is_pipe = true;
	p->n_listeners++;
	p->refs++;
	unlink(path);
	r = uv_pipe_bind(&l->h.pipe, path);
	if (r < 0)
		return r;
	strv_push(&p->socket_paths, path);
	if (chmod(path, 0600) < 0)
		return -errno;
	return uv_listen(&l->h.stream, 511, on_connection);
}

/* Check that dir is a directory only its owner (us) can enter. */
static int check_private_dir(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
		return -EPERM;
	return 0;
}

static int start_listeners(struct proxy *p, const struct proxy_options *o, char **ret_error)
{
	int r;

	if (o->listen_tcp) {
		r = listen_tcp(p, PROXY_SOURCE_HTTP, o->network->http_proxy_port);
		if (r < 0) {
			*ret_error = xasprintf("cannot listen on 127.0.0.1:%d for the HTTP proxy: %s",
					       o->network->http_proxy_port, uv_strerror(r));
			return r;
		}
		p->http_port = r;
		r = listen_tcp(p, PROXY_SOURCE_SOCKS, o->network->socks_proxy_port);
		if (r < 0) {
			*ret_error = xasprintf("cannot listen on 127.0.0.1:%d for the SOCKS5 proxy: %s",
					       o->network->socks_proxy_port, uv_strerror(r));
			return r;
		}
		p->socks_port = r;
	}
	if (o->socket_dir) {
		_cleanup_free_ char *http = xasprintf("%s/http.sock", o->socket_dir);
		_cleanup_free_ char *socks = xasprintf("%s/socks.sock", o->socket_dir);

		r = check_private_dir(o->socket_dir);
		if (r < 0) {
			*ret_error = xasprintf("%s: not a private directory (mode 0700, owned by "
					       "the user): %s",
					       o->socket_dir, strerror(-r));
			return r;
		}
		r = listen_unix(p, PROXY_SOURCE_HTTP, http);
		if (r == 0)
			r = listen_unix(p, PROXY_SOURCE_SOCKS, socks);
		if (r < 0) {
			*ret_error = xasprintf("cannot listen on %s: %s", o->socket_dir,
					       uv_strerror(r));
			return r;
		}
	}
	return 0;
}

/* Parse upstreamProxy "http://host[:port]" for unlisted HTTP requests. */
static int setup_upstream(struct proxy *p, const struct fence_network *n, char **ret_error)
{
	const char *u = n->upstream_proxy;
	size_t len;

	if (!u || !*u || n->default_action == ACTION_DENY)
		return 0;
	if (strncmp(u, "http://", 7) != 0) {
		*ret_error = xasprintf("upstreamProxy '%s': only http://host[:port] is supported", u);
		return -EINVAL;
	}
	u += 7;
	len = strcspn(u, "/");
	if (http_parse_authority(u, len, 80, &p->upstream, &p->upstream_port) < 0) {
		*ret_error = xasprintf("upstreamProxy '%s': invalid host or port", n->upstream_proxy);
		return -EINVAL;
	}
	p->has_upstream = true;
	return 0;
}

/*
 * A timeout from the environment variable `name` in seconds (fractions
 * allowed, 0 for none), else def_ms.  Tests set short ones; users may
 * lengthen them for protocols that stay quiet for long.
 */
static uint64_t timeout_from_env(const char *name, uint64_t def_ms)
{
	const char *s = getenv(name);
	char *end;
	double v;

	if (!s || !*s)
		return def_ms;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < 0 || v > 1e7) {
		msg_warning("%s='%s' is not a number of seconds; using %llu", name, s,
			    (unsigned long long)(def_ms / 1000));
		return def_ms;
	}
	return (uint64_t)(v * 1000 + 0.5);
}

int proxy_start(uv_loop_t *loop, const struct proxy_options *o, struct proxy **ret,
		char **ret_error)
{
	struct proxy *p = xcalloc(1, sizeof(*p));
	int r;

	signal(SIGPIPE, SIG_IGN); /* a client that went away is an error return, not a signal */
	p->loop = loop;
	p->on_event = o->on_event;
	p->userdata = o->userdata;
	p->refs = 1; /* dropped by proxy_close */
	p->header_timeout_ms = timeout_from_env("FENCE_PROXY_HEADER_TIMEOUT", PROXY_HEADER_TIMEOUT_MS);
	p->keepalive_timeout_ms =
		timeout_from_env("FENCE_PROXY_IDLE_TIMEOUT", PROXY_KEEPALIVE_TIMEOUT_MS);
	p->tunnel_idle_ms =
		timeout_from_env("FENCE_PROXY_TUNNEL_IDLE_TIMEOUT", PROXY_TUNNEL_IDLE_MS);
	if (o->resolve)
		strv_copy(&p->resolve, o->resolve);
	r = domain_filter_init(&p->filter, &o->network->allowed_domains,
			       &o->network->denied_domains, ret_error);
	if (r == 0)
		r = setup_upstream(p, o->network, ret_error);
	if (r == 0)
		r = start_listeners(p, o, ret_error);
	if (r < 0) {
		proxy_close(p);
		return r;
	}
	*ret = p;
	return 0;
}

static void proxy_free(struct proxy *p)
{
	for (size_t i = 0; i < p->socket_paths.n; i++)
		unlink(p->socket_paths.v[i]);
	strv_done(&p->socket_paths);
	strv_done(&p->resolve);
	domain_filter_done(&p->filter);
	free(p);
}

void proxy_unref(struct proxy *p)
{
	if (--p->refs == 0)
		proxy_free(p);
}

static void listener_closed(uv_handle_t *h)
{
	struct proxy_listener *l = h->data;

	proxy_unref(l->proxy);
}

void proxy_close(struct proxy *p)
{
	struct conn *c, *next;

	if (!p || p->closing)
		return;
	p->closing = true;
	for (size_t i = 0; i < p->n_listeners; i++)
		uv_close(&p->listeners[i].h.handle, listener_closed);
	for (c = p->conns; c; c = next) {
		next = c->next;
		conn_close(c);
	}
	proxy_unref(p);
}

int proxy_http_port(const struct proxy *p)
{
	return p->http_port;
}

int proxy_socks_port(const struct proxy *p)
{
	return p->socks_port;
}

/*
 * Close every connection whose destination a deniedDomains entry now
 * names: a `deny HOST` must end the tunnels already open to HOST, not
 * only reject new ones.  Hosts that merely left allowedDomains keep
 * their connections, since an allow-once reply or upstreamProxy may
 * have let them through.  With -d each closed one shows as a filter line.
 */
static void close_denied(struct proxy *p)
{
	struct conn *c, *next;

	for (c = p->conns; c; c = next) {
		const char *rule = NULL;

		next = c->next;
		if (!c->has_dest || c->closing ||
		    domain_filter_check(&p->filter, &c->dest, c->dest_port, &rule) != DOMAIN_DENIED)
			continue;
		proxy_check(p, c->source, &c->dest, c->dest_port, &rule); /* the -d line */
		log_debug("closing a connection to %s:%d: now denied by %s", c->dest.name,
			  c->dest_port, rule ? rule : "?");
		conn_close(c);
	}
}

int proxy_set_domains(struct proxy *p, const struct strv *allowed, const struct strv *denied,
		      char **ret_error)
{
	struct domain_filter f;
	int r = domain_filter_init(&f, allowed, denied, ret_error);

	if (r < 0)
		return r;
	domain_filter_done(&p->filter);
	p->filter = f;
	close_denied(p);
	return 0;
}
