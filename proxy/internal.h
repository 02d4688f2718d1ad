/* SPDX-License-Identifier: MIT */
/*
 * proxy/internal.h: what the files of proxy/ share and no other folder uses:
 * a connection between a client and a server stream (conn.c), on which
 * the HTTP proxy, the SOCKS5 proxy and the relays build.
 */
#pragma once

#include <netdb.h>

#include "proxy/proxy.h"

/* Stop reading a source while more than this is queued to its peer. */
#define CONN_QUEUE_HIGH (1024 * 1024)
#define CONN_READ_SIZE (64 * 1024)
#define CONN_DIAL_TIMEOUT_MS 10000
/*
 * Defaults of the client timeouts (docs/network.md): a slow or silent
 * client must not hold a connection and its file descriptors for good.
 */
#define PROXY_HEADER_TIMEOUT_MS 30000 /* a whole request head or SOCKS handshake */
#define PROXY_KEEPALIVE_TIMEOUT_MS 120000 /* between requests on a kept connection */
#define PROXY_TUNNEL_IDLE_MS 3600000 /* a tunnel or request that moves no byte */

struct conn;

/* One side of a connection: a TCP or Unix stream. */
struct end {
	union {
		uv_handle_t handle;
		uv_stream_t stream;
		uv_tcp_t tcp;
		uv_pipe_t pipe;
	} h;
	struct conn *conn;
	bool open; /* initialized and not yet closing */
	bool reading;
	bool eof; /* the peer sent EOF */
	bool shut; /* uv_shutdown requested */
	bool shut_done;
	size_t queued; /* bytes written and not yet completed */
};

/* The callbacks of one protocol on a connection; each may be NULL. */
struct conn_ops {
	/* Bytes from the client outside tunnel mode; buf is owned by the callee. */
	void (*client_data)(struct conn *c, char *buf, size_t len);
	/* Bytes from the server outside tunnel mode; buf is owned by the callee. */
	void (*server_data)(struct conn *c, char *buf, size_t len);
	/* EOF from one side outside tunnel mode. */
	void (*client_eof)(struct conn *c);
	void (*server_eof)(struct conn *c);
	/* conn_dial finished: 0 or a negative libuv error. */
	void (*connected)(struct conn *c, int status);
	/* Everything queued to e has been written (outside tunnel mode). */
	void (*drained)(struct conn *c, struct end *e);
	/* The connection is being freed: free c->data. */
	void (*destroy)(struct conn *c);
};

/* The rule named when a connection would go to 0.0.0.0/8 or ::. */
#define PROXY_RULE_UNSPECIFIED "unspecified address"

struct conn {
	struct proxy *proxy; /* NULL for relays */
	struct relay *relay; /* NULL for proxies */
	const struct conn_ops *ops;
	void *data; /* protocol state */
	struct end client;
	struct end *server; /* NULL until conn_dial */
	uv_timer_t timer;
	uv_timer_t idle_timer; /* the watchdog of conn_set_idle */
	uint64_t idle_ms; /* close after this long without a byte moving; 0: never */
	uint64_t last_io_ms; /* when a byte was last read or written */
	uv_getaddrinfo_t *gai; /* in flight, or NULL */
	uv_connect_t connect_req;
	struct addrinfo *ai; /* dial candidates from DNS, owned */
	struct addrinfo *ai_next;
	struct sockaddr_storage target; /* the address being dialed */
	char target_path[108]; /* Unix target of a relay */
	uint64_t started_ms;
	bool tunnel;
	bool closing;
	bool dial_dead; /* the dial timed out; late DNS answers are dropped */
	/* Where the filter let c go, so that a later deny can close it (proxy_set_domains). */
	struct domain_host dest;
	int dest_port;
	bool has_dest;
	enum proxy_source source;
	/* The deniedDomains IP entry that every resolved address matched, or NULL. */
	const char *denied_rule;
	struct proxy_ask *ask; /* the held request's ask, or NULL (ask.c) */
	int ask_answer; /* PROXY_ASK_ALLOW or PROXY_ASK_DENY once answered, else 0 */
	int refs; /* open handles and requests in flight */
	struct conn **list; /* the owner's list head */
	struct conn *prev, *next; /* in the owner's list */
};

/* The running proxies. */
struct proxy_listener {
	union {
		uv_handle_t handle;
		uv_stream_t stream;
		uv_tcp_t tcp;
		uv_pipe_t pipe;
	} h;
	struct proxy *proxy;
	enum proxy_source source;
	bool is_pipe;
};

struct proxy {
	uv_loop_t *loop;
	struct domain_filter filter;
	proxy_event_fn on_event;
	void *userdata;
	struct proxy_listener listeners[4];
	size_t n_listeners;
	int http_port, socks_port;
	/* Timeouts in ms, 0 for none (proxy.c reads the FENCE_PROXY_*_TIMEOUT variables). */
	uint64_t header_timeout_ms; /* a request head or SOCKS handshake, from its start */
	uint64_t keepalive_timeout_ms; /* an idle client connection between requests */
	uint64_t tunnel_idle_ms; /* any connection, tunnels too, that moves no byte */
	struct strv socket_paths;
	struct strv resolve; /* "name=ip" overrides */
	bool has_upstream; /* upstreamProxy takes the HTTP requests no entry matches */
	struct domain_host upstream;
	int upstream_port;
	struct conn *conns;
	int refs;
	bool closing;
	proxy_ask_fn ask_fn; /* NULL: requests no rule covers are refused */
	void *ask_userdata;
};

/* What proxy_ask_hold decided. */
enum proxy_ask_result {
	PROXY_ASK_NONE, /* asking is off: refuse as usual */
	PROXY_ASK_HELD, /* held: stop reading; resume(c) runs after the answer */
	PROXY_ASK_ALLOW, /* answered allow: go on */
	PROXY_ASK_DENY, /* answered deny: refuse */
};

/*
 * proxy_ask_hold: for a request no rule covers, hold it and ask, or take
 * the answer that has come in for it.  `resume` re-runs the request.
 */
enum proxy_ask_result proxy_ask_hold(struct conn *c, enum proxy_source source,
				     const struct domain_host *host, int port,
				     void (*resume)(struct conn *c));

/* proxy_ask_detach: the connection is closing: its ask is answered into the void. */
void proxy_ask_detach(struct conn *c);

/*
 * conn_new: a connection for an accepted client.  The caller has
 * initialized and accepted c->client (conn_accept does both).
 */
struct conn *conn_accept(uv_loop_t *loop, uv_stream_t *server, bool is_pipe,
			 const struct conn_ops *ops, struct conn **list);

/* conn_close: close every handle; frees c once the loop has closed them. */
void conn_close(struct conn *c);

/* conn_dial_host: resolve (names only) and connect c->server; calls ops->connected. */
void conn_dial_host(struct conn *c, const struct domain_host *h, int port);

/* conn_dial_addr: connect c->server to a TCP address or, when path is set, a Unix socket. */
void conn_dial_addr(struct conn *c, const struct sockaddr *sa, const char *path);

/* conn_write: queue len bytes of the owned malloc() buffer data to e. */
void conn_write(struct end *e, char *data, size_t len);

/* conn_write_copy: queue a copy of data to e. */
void conn_write_copy(struct end *e, const void *data, size_t len);

/* conn_read_start, conn_read_stop: start or pause reading from e. */
void conn_read_start(struct end *e);
void conn_read_stop(struct end *e);

/* conn_tunnel: from now on, pipe bytes both ways until both sides end. */
void conn_tunnel(struct conn *c);

/*
 * conn_set_idle: close c once no byte has moved in either direction for
 * ms milliseconds (0: never).  Cheap: a read or write only notes the time.
 */
void conn_set_idle(struct conn *c, uint64_t ms);

/* conn_shutdown: send EOF to e after what is queued. */
void conn_shutdown(struct end *e);

/* conn_now_ms: the loop's clock, for durations. */
uint64_t conn_now_ms(const struct conn *c);

/* proxy_dial: connect c's server to host:port, honoring the resolve overrides. */
void proxy_dial(struct proxy *p, struct conn *c, const struct domain_host *host, int port);

/* proxy_emit: fill in the time and pass ev to the proxy's callback. */
void proxy_emit(struct proxy *p, struct proxy_event *ev);

/* proxy_check: run the filter for host:port and emit the FILTER event. */
enum domain_verdict proxy_check(struct proxy *p, enum proxy_source source,
				const struct domain_host *host, int port, const char **ret_rule);

/* proxy_reason: the human-readable cause of a verdict, into buf. */
const char *proxy_reason(enum domain_verdict v, const char *rule, char *buf, size_t size);

/* Owners count their connections, so that closing waits for all of them. */
void proxy_unref(struct proxy *p);
void relay_unref(struct relay *r);

/* proxy_allowed: note that the filter (or an answer) let c go to host:port. */
void proxy_allowed(struct conn *c, enum proxy_source source, const struct domain_host *host,
		   int port);

/* conn_drop_server: close the server end (keep-alive to another host). */
void conn_drop_server(struct conn *c);

/* The two protocols' accept handlers. */
void http_accept(struct proxy *p, uv_stream_t *listener, bool is_pipe);
void socks5_accept(struct proxy *p, uv_stream_t *listener, bool is_pipe);
