/* SPDX-License-Identifier: MIT */
/*
 * proxy/proxy.h: the whole interface of proxy/, fence's network side.
 *
 * - The filtering HTTP and SOCKS5 proxies (proxy_start): one libuv loop,
 *   listening on 127.0.0.1 and/or Unix sockets in a private directory.
 *   Every request passes the domain filter before any DNS lookup or
 *   connection; the caller gets one event per decision and per request.
 * - Relays (relay_start): plain byte pipes between a TCP or Unix listener
 *   and a TCP or Unix target, used for the bridge across the network
 *   namespace (both sides), -p reverse bridges and local-outbound ports.
 * - Log lines (proxy_log_event): the [fence:http], [fence:socks] and
 *   [fence:filter] lines of -m and -d.
 * - The pure parsers (http_parse_*, socks5_parse_*), exposed for the
 *   unit tests and fuzzers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <uv.h>

#include "policy/policy.h"

/* ---- events ---- */

enum proxy_source {
	PROXY_SOURCE_HTTP,
	PROXY_SOURCE_SOCKS,
};

enum proxy_event_kind {
	PROXY_EVENT_FILTER, /* a filter decision (-d: [fence:filter]) */
	PROXY_EVENT_BLOCKED, /* refused by the filter: 403 or SOCKS reply 0x02 */
	PROXY_EVENT_ALLOWED, /* forwarded: a tunnel opened or a response relayed */
	PROXY_EVENT_FAILED, /* allowed, then DNS, connect or the server failed */
	PROXY_EVENT_INVALID, /* malformed request: 400 or a SOCKS error reply */
};

/* One event; every pointer is valid only during the callback. */
struct proxy_event {
	enum proxy_event_kind kind;
	enum proxy_source source;
	const char *method; /* "CONNECT", "GET", ...; SOCKS: "CONNECT" */
	const char *host; /* normalized host, or the raw target when invalid */
	int port;
	const char *url; /* absolute URI of a forwarded request, else NULL */
	enum domain_verdict verdict; /* FILTER, BLOCKED, ALLOWED */
	const char *rule; /* the matching pattern, or NULL */
	const char *reason; /* human-readable cause, e.g. "not in allowedDomains" */
	int status; /* HTTP status or SOCKS reply code sent to the client */
	uint64_t duration_ms; /* from the request to the event */
	time_t time;
};

typedef void (*proxy_event_fn)(const struct proxy_event *ev, void *userdata);

/* ---- the proxies ---- */

struct proxy;

struct proxy_options {
	const struct fence_network *network; /* read during proxy_start only */
	bool listen_tcp; /* listen on 127.0.0.1 (ports from network, else random) */
	const char *socket_dir; /* when set, also listen on DIR/http.sock and DIR/socks.sock */
	proxy_event_fn on_event; /* may be NULL */
	void *userdata;
	/* "NAME=IP" answers used instead of DNS (curl's --resolve), for tests
	 * and benchmarks that must not query a real resolver; may be NULL. */
	const struct strv *resolve;
};

/*
 * proxy_start: compile the filter and start both proxies on loop.
 * Returns 0 and sets *ret, or a negative errno with one owned message in
 * *ret_error (an invalid domain pattern, a busy fixed port, a socket
 * directory that cannot be used).
 */
int proxy_start(uv_loop_t *loop, const struct proxy_options *o, struct proxy **ret,
		char **ret_error);

/*
 * proxy_close: stop listening, drop every connection and free p once the
 * loop has run the close callbacks.  Removes the socket files it made.
 */
void proxy_close(struct proxy *p);

/* proxy_http_port, proxy_socks_port: the TCP ports, 0 without listen_tcp. */
int proxy_http_port(const struct proxy *p);
int proxy_socks_port(const struct proxy *p);

/*
 * proxy_set_domains: replace the filter of a running proxy (the session's
 * "allow DOMAIN").  Open connections whose host a deniedDomains entry now
 * names are closed; the others stay.  Returns 0 or -EINVAL
 * with an owned message, leaving the old filter in place.
 */
int proxy_set_domains(struct proxy *p, const struct strv *allowed, const struct strv *denied,
		      char **ret_error);

/* ---- asking the user (network.onBlocked "ask") ---- */

/* One request held until proxy_ask_answer() releases it. */
struct proxy_ask;

/*
 * Called for a request that no rule covers when asking is on.  `host` and
 * `port` are valid during the call only.  The callee must answer every
 * ask exactly once with proxy_ask_answer(), at once or later on the loop.
 */
typedef void (*proxy_ask_fn)(struct proxy_ask *ask, enum proxy_source source, const char *host,
			     int port, void *userdata);

/* proxy_set_ask: hold requests no rule covers and call fn; NULL turns asking off. */
void proxy_set_ask(struct proxy *p, proxy_ask_fn fn, void *userdata);

/*
 * proxy_ask_answer: release a held request: `allow` lets this one request
 * through (the filter is not changed), else it is refused as blocked.
 * Frees ask.  A client that went away in the meantime is simply gone.
 */
void proxy_ask_answer(struct proxy_ask *ask, bool allow);

/* ---- relays ---- */

struct relay;

/*
 * relay_start: listen on listen_spec and pipe each accepted connection to
 * a new connection to target_spec.  A spec is "tcp:HOST:PORT" (HOST an IP
 * literal, IPv6 in brackets) or "unix:PATH".  A Unix listener replaces a
 * stale socket file and gets mode 0600.  Returns 0 or a negative errno
 * with an owned message.
 */
int relay_start(uv_loop_t *loop, const char *listen_spec, const char *target_spec,
		struct relay **ret, char **ret_error);

/* relay_close: stop listening, drop its connections, free it on the loop. */
void relay_close(struct relay *r);

/*
 * relay_run_specs: run relays given as "LISTEN=TARGET" strings on a new
 * loop until the process is killed.  Returns only on a start-up failure
 * (negative errno, message printed).
 */
int relay_run_specs(char *const *specs, size_t n);

/*
 * relay_spawn: fork a process that runs one relay per listen[i] ->
 * target[i] pair (a listen spec starting with '?' is optional) and return
 * once all of them listen.  The process exits when the caller does,
 * because it watches a pipe whose other end only the caller holds.  The
 * init of a sandbox calls this before starting the command.
 * Returns 0 and the pid, or a negative errno with an owned message.
 */
int relay_spawn(char *const *listen, char *const *target, size_t n, pid_t *ret_pid,
		char **ret_error);

/* ---- the bridge of one sandbox ---- */

struct bridge_options {
	const struct fence_config *config; /* read during bridge_start only */
	bool isolated; /* the sandbox gets its own network namespace */
	const struct strv *ports; /* -p values (PORT, ADDR:PORT, [V6]:PORT); may be NULL */
	proxy_event_fn on_event; /* may be NULL */
	void *userdata;
};

/*
 * The host side of one sandbox's network.  Isolated: the proxies listen
 * on Unix sockets only, and the init must run inside_listen[i] ->
 * inside_target[i] relays (relay_spawn), among them 127.0.0.1:3128 and
 * 127.0.0.1:1080.  Not isolated (relaxed or shared): the proxies listen
 * on 127.0.0.1 and nothing runs inside.
 */
struct bridge {
	struct proxy *proxy;
	struct relay **relays; /* host halves of local-outbound and -p bridges */
	size_t n_relays;
	char *dir; /* host directory, 0700, removed by bridge_close */
	struct strv bind_src, bind_dst; /* directories to bind into the sandbox, in pairs */
	struct strv inside_listen, inside_target; /* relays for the init, in pairs */
	struct strv env; /* "NAME=VALUE" proxy variables for inside */
	struct strv notices; /* '[fence]' notices for the user */
};

/*
 * bridge_start: make the socket directories, start the proxies and the
 * host-side relays on loop, and fill in what the sandbox needs.  bind_dst[0]
 * (the proxies) is meant read-only, bind_dst[1] (reverse sockets made
 * inside) writable.  Returns 0 or a negative errno with an owned message.
 */
int bridge_start(uv_loop_t *loop, const struct bridge_options *o, struct bridge **ret,
		 char **ret_error);

/* bridge_close: stop everything and remove the directories; NULL is fine. */
void bridge_close(struct bridge *b);

/* ---- log lines ---- */

struct proxy_log {
	FILE *out; /* stderr or the --log-file stream */
	bool monitor; /* -m: blocked and failed requests */
	bool debug; /* -d: everything, filter decisions included */
};

/* proxy_log_event: a proxy_event_fn printing -m/-d lines; userdata is a struct proxy_log. */
void proxy_log_event(const struct proxy_event *ev, void *userdata);

/* proxy_log_format: one log line without the newline into buf; returns its length. */
size_t proxy_log_format(const struct proxy_event *ev, char *buf, size_t size);

/* ---- HTTP parsing (pure) ---- */

#define HTTP_REQUEST_HEAD_MAX (16 * 1024)
#define HTTP_RESPONSE_HEAD_MAX (64 * 1024)
#define HTTP_MAX_HEADERS 100

struct http_header {
	const char *name;
	size_t name_len;
	const char *value; /* leading and trailing blanks removed */
	size_t value_len;
};

/* A parsed request head; the pointers point into the caller's buffer. */
struct http_request {
	const char *method;
	size_t method_len;
	const char *target;
	size_t target_len;
	int version_minor; /* HTTP/1.0 or HTTP/1.1 */
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t n_headers;
	size_t head_len; /* bytes up to and including the empty line */
};

struct http_response {
	int version_minor;
	int status;
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t n_headers;
	size_t head_len;
};

/*
 * http_parse_request: parse a request head at the start of buf.  Returns
 * the head length when complete, 0 when more bytes are needed, -EBADMSG
 * for a malformed head or -E2BIG when the head exceeds
 * HTTP_REQUEST_HEAD_MAX or HTTP_MAX_HEADERS.
 */
int http_parse_request(const char *buf, size_t len, struct http_request *req);

/* http_parse_response: the same for a response head (HTTP_RESPONSE_HEAD_MAX). */
int http_parse_response(const char *buf, size_t len, struct http_response *resp);

/* http_header_is: whether h is named name (case-insensitive). */
bool http_header_is(const struct http_header *h, const char *name);
/* http_find_header: the first header named name, or NULL. */
const struct http_header *http_find_header(const struct http_header *headers, size_t n,
					   const char *name);
/* http_value_has_token: whether a comma-separated value lists token. */
bool http_value_has_token(const char *v, size_t len, const char *token);

/* The server a request names. */
struct http_target {
	bool connect; /* CONNECT host:port */
	bool https; /* absolute URI with the https scheme */
	struct domain_host host;
	int port;
	int default_port; /* 80, or 443 for https and CONNECT */
	const char *authority; /* host[:port] without userinfo, into the request */
	size_t authority_len;
	const char *path; /* absolute form: from the first '/', '?' or '#' on; may be empty */
	size_t path_len;
};

/*
 * http_request_target: find the server a request names: the CONNECT
 * authority, or the host of an absolute http:// or https:// URI (after
 * any userinfo).  Returns 0 or -EBADMSG for a missing or malformed host,
 * a bad port, two Host headers, or a CONNECT whose Host header names
 * another server.
 */
int http_request_target(const struct http_request *req, struct http_target *ret);

/* http_parse_authority: "host[:port]" or "[v6][:port]"; -EBADMSG if malformed. */
int http_parse_authority(const char *s, size_t len, int default_port, struct domain_host *ret_host,
			 int *ret_port);

enum http_body_kind {
	HTTP_BODY_NONE,
	HTTP_BODY_LENGTH,
	HTTP_BODY_CHUNKED,
	HTTP_BODY_UNTIL_CLOSE, /* a response without length: ends when the server closes */
};

/* The framing state of a message body, updated as its bytes pass. */
struct http_body {
	enum http_body_kind kind;
	uint64_t remaining; /* LENGTH: bytes left; CHUNKED: bytes left in the chunk */
	int state; /* CHUNKED: the parser state */
	int digits; /* CHUNKED: hex digits read of the chunk size */
	bool done;
};

/*
 * http_request_body, http_response_body: the framing of a message's body.
 * Return 0 or -EBADMSG when the framing headers are ambiguous (both
 * Content-Length and Transfer-Encoding, conflicting lengths, a transfer
 * coding other than "chunked").  head_request: the response is the reply to HEAD.
 */
int http_request_body(const struct http_request *req, struct http_body *ret);
int http_response_body(const struct http_response *resp, bool head_request, struct http_body *ret);

/*
 * http_body_feed: account for the next len bytes.  Returns how many of
 * them belong to the body (the rest start the next message), or -EBADMSG
 * for broken chunked coding.  Sets b->done at the end of the body.
 */
ssize_t http_body_feed(struct http_body *b, const char *buf, size_t len);

/* ---- SOCKS5 parsing (pure) ---- */

#define SOCKS5_REPLY_SUCCEEDED 0x00
#define SOCKS5_REPLY_GENERAL_FAILURE 0x01
#define SOCKS5_REPLY_NOT_ALLOWED 0x02
#define SOCKS5_REPLY_NETWORK_UNREACHABLE 0x03
#define SOCKS5_REPLY_HOST_UNREACHABLE 0x04
#define SOCKS5_REPLY_CONNECTION_REFUSED 0x05
#define SOCKS5_REPLY_TTL_EXPIRED 0x06
#define SOCKS5_REPLY_COMMAND_NOT_SUPPORTED 0x07
#define SOCKS5_REPLY_ADDRESS_NOT_SUPPORTED 0x08

#define SOCKS5_CMD_CONNECT 0x01
#define SOCKS5_CMD_BIND 0x02
#define SOCKS5_CMD_UDP_ASSOCIATE 0x03

/*
 * socks5_parse_greeting: parse the method offer.  Returns the bytes it
 * takes, 0 when more are needed, or -EPROTO when it is not SOCKS5.
 * *ret_noauth: the client offers "no authentication".
 */
int socks5_parse_greeting(const uint8_t *buf, size_t len, bool *ret_noauth);

struct socks5_request {
	uint8_t cmd;
	uint8_t atyp; /* 1 IPv4, 3 domain name, 4 IPv6 */
	char name[256]; /* atyp 3: the name as sent (NUL-terminated) */
	size_t name_len;
	uint8_t addr[16]; /* atyp 1 or 4 */
	int port;
};

/*
 * socks5_parse_request: parse a request.  Returns the bytes it takes, 0
 * when more are needed, -EPROTO for a bad version or reserved byte, or
 * -EAFNOSUPPORT for an unknown address type (reply 0x08).
 */
int socks5_parse_request(const uint8_t *buf, size_t len, struct socks5_request *ret);

/* socks5_request_host: the request's host, normalized; -EINVAL if invalid. */
int socks5_request_host(const struct socks5_request *req, struct domain_host *ret);
