/* SPDX-License-Identifier: MIT */
/*
 * session/violation.h: the violation bus: one record per thing a sandbox
 * blocked (or a policy change), from every source, kept in a ring for the
 * side pane and `fence violations --follow`, appended to a JSON Lines log
 * that outlives the session, and handed to subscribers.
 *
 * Sources post with violation_bus_post().  The bus copies the record, so
 * a source may pass pointers to its own short-lived strings.  A source
 * such as the eBPF monitor needs only this header: it fills a struct
 * violation with VIOLATION_SOURCE_EBPF and a kind, and posts it from the
 * daemon's loop thread (the bus is not thread-safe).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Records the ring keeps by default; the log keeps everything. */
#define VIOLATION_RING_DEFAULT 500
/* Size at which the log is rotated to NAME.jsonl.1 (the previous .1 is dropped). */
#define VIOLATION_LOG_MAX_DEFAULT (8u << 20)

enum violation_kind {
	VIOLATION_NET,
	VIOLATION_FILE,
	VIOLATION_EXEC,
	VIOLATION_COMMAND,
	VIOLATION_SYSCALL,
	VIOLATION_KIND_COUNT,
};

/* Who saw it; the name is the tag of one-shot -m lines ([fence:http]). */
enum violation_source {
	VIOLATION_SOURCE_HTTP, /* the HTTP proxy */
	VIOLATION_SOURCE_SOCKS, /* the SOCKS5 proxy */
	VIOLATION_SOURCE_COMMAND, /* command policy: the preflight */
	VIOLATION_SOURCE_EXEC, /* the runtime exec policy */
	VIOLATION_SOURCE_PROMPT, /* a policy change made at the command prompt */
	VIOLATION_SOURCE_EBPF, /* the eBPF monitor */
	VIOLATION_SOURCE_HOOK, /* a shell hook's veto: a claim printed from inside the sandbox */
	VIOLATION_SOURCE_COUNT,
};

/* What happened to the request or operation. */
enum violation_action {
	VIOLATION_DENIED, /* refused (the usual case) */
	VIOLATION_ALLOWED, /* allowed: an approved ask, or a prompt "allow" */
	VIOLATION_ASKED, /* held while the user is asked */
	VIOLATION_ACTION_COUNT,
};

/*
 * One record.  Strings are borrowed when posting and owned by the bus once
 * stored; NULL means unknown.  Zero pid means unknown.
 */
struct violation {
	uint64_t seq; /* set by the bus: 1, 2, ... across the log's lifetime */
	int64_t time_ms; /* milliseconds since the Unix epoch; 0 = now, set by the bus */
	enum violation_source source;
	enum violation_kind kind;
	enum violation_action action;
	const char *target; /* "host:port", a path, a command line, a syscall name */
	const char *detail; /* the rule or the reason, e.g. "not in allowedDomains" */
	pid_t pid;
	const char *comm; /* the process name, when the source knows it */
	const char *command; /* the shell command line it happened under */
};

/* violation_kind_name, violation_source_name, violation_action_name: the JSON names. */
const char *violation_kind_name(enum violation_kind k);
const char *violation_source_name(enum violation_source s);
const char *violation_action_name(enum violation_action a);

/*
 * violation_to_json: one record as a JSON object text (owned), one line:
 * {"seq":N,"time":MS,"source":"http","kind":"net","action":"denied",
 *  "target":"...","detail":"...","pid":N,"comm":"...","command":"..."}
 * with unknown fields left out.
 */
char *violation_to_json(const struct violation *v);

/*
 * violation_parse_json: read one line written by violation_to_json into
 * *ret, whose strings then point into *ret_strings (owned, free it).
 * Returns 0 or -EBADMSG.
 */
int violation_parse_json(const char *line, struct violation *ret, char **ret_strings);

/*
 * violation_format: the one-line human form without newline, as -m and
 * `fence violations` print it (a zero time is printed as now):
 *   [fence:http] 14:03:07 ✗ net example.com:443 (not in allowedDomains) [curl x]
 * Returns the length written (truncated to size - 1).
 */
size_t violation_format(const struct violation *v, char *buf, size_t size);

struct violation_bus;

/* Called for each stored record; the record is valid during the call only. */
typedef void (*violation_fn)(const struct violation *v, void *userdata);

/*
 * The shell command line running at time_ms, or NULL; used to fill in
 * `command` when a source does not know it.  The result is copied.
 */
typedef const char *(*violation_command_fn)(int64_t time_ms, void *userdata);

struct violation_bus_options {
	size_t ring_max; /* 0: VIOLATION_RING_DEFAULT */
	const char *log_path; /* NULL: no log */
	size_t log_max; /* 0: VIOLATION_LOG_MAX_DEFAULT */
	violation_command_fn command_at; /* may be NULL */
	void *userdata;
};

/*
 * violation_bus_new: make a bus.  When a log path is given, the log is
 * opened for appending (its directory is created) and the sequence goes on
 * from its last record.  A log that cannot be opened is not fatal: the bus
 * works without it and *ret_error (owned) says why.  Returns the bus.
 */
struct violation_bus *violation_bus_new(const struct violation_bus_options *o, char **ret_error);

/* violation_bus_free: close the log and free everything; NULL is fine.  Returns NULL. */
struct violation_bus *violation_bus_free(struct violation_bus *b);

/*
 * violation_bus_post: store a copy of *v: set seq and, when zero, the time,
 * fill the command from command_at when NULL, append it to the ring and to
 * the log, and call every subscriber.  Returns the stored record, valid
 * until the ring drops it.
 */
const struct violation *violation_bus_post(struct violation_bus *b, const struct violation *v);

/*
 * violation_bus_subscribe: call fn for every record posted from now on.
 * Returns a subscription id (> 0) for violation_bus_unsubscribe.
 */
unsigned violation_bus_subscribe(struct violation_bus *b, violation_fn fn, void *userdata);
void violation_bus_unsubscribe(struct violation_bus *b, unsigned id);

/* violation_bus_count: records in the ring; violation_bus_get: record i, 0 the oldest. */
size_t violation_bus_count(const struct violation_bus *b);
const struct violation *violation_bus_get(const struct violation_bus *b, size_t i);

/* violation_bus_total: records posted since the bus was made. */
uint64_t violation_bus_total(const struct violation_bus *b);

/* violation_bus_log_failed: whether a log write failed since the bus was made. */
bool violation_bus_log_failed(const struct violation_bus *b);

/* violation_log_path: $XDG_STATE_HOME/fence/sessions/NAME.jsonl (owned); no directory is made. */
char *violation_log_path(const char *name);

/*
 * violation_log_read: call fn for every record in the log at path (its
 * rotated .1 first), oldest first, skipping lines that do not parse and
 * records older than since_ms.  Returns the number of records passed to
 * fn, or a negative errno: -ENOENT when neither file exists, -EINVAL when
 * one is not a regular file (it is opened without blocking or following a
 * symlink, so a FIFO or a symlink planted there is refused).
 */
long violation_log_read(const char *path, int64_t since_ms, violation_fn fn, void *userdata);
