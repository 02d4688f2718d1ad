/* SPDX-License-Identifier: MIT */
/*
 * session/timeline.h: the command timeline of a session, built from the
 * shell hooks' OSC 133 / 633 / 7 marks in the PTY output.
 *
 * Each command line the shell ran becomes one record: its text, working
 * directory, start and end time and exit status.  The violation records
 * ask timeline_current() which command was running when a violation
 * happened.  The marks come from inside the sandbox, so the timeline is
 * attribution for the user, never a security decision.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "session/oscscan.h"

/* Records kept by default; older ones are dropped first. */
#define TIMELINE_DEFAULT_MAX 1000

/* One command line and what became of it. */
struct timeline_command {
	uint64_t id; /* 1 for the first command of the session, then increasing */
	char *text; /* owned; "" when the shell sent no command text */
	char *cwd; /* owned; NULL when the shell sent no OSC 7 yet */
	int64_t start_ms; /* milliseconds since the Unix epoch */
	int64_t end_ms; /* 0 while the command runs */
	int status; /* exit status; -1 while running or when unknown */
};

/* Violations kept; older ones are dropped first. */
#define TIMELINE_MAX_VIOLATIONS 500

/*
 * How long after a command ended a violation is still put on it, because
 * an event from another source can arrive after the shell's end mark.
 */
#define TIMELINE_LATE_MS 1000

/* Something the sandbox blocked, and the command line it happened under. */
struct timeline_violation {
	int64_t time_ms;
	char *kind; /* owned: "net", "file", "exec", "command", "syscall" */
	char *target; /* owned: "host:port", a path, a command */
	char *detail; /* owned, may be NULL: the rule or the reason */
	uint64_t command_id; /* 0 when no command was running */
	char *command; /* owned copy of the command's text, NULL with command_id 0 */
};

/* Called when a command ends, with the finished record. */
typedef void (*timeline_callback)(const struct timeline_command *cmd, void *userdata);

/*
 * Hook vetoes (OSC 33623;veto): the sandbox can print any number of them,
 * so at most TIMELINE_VETO_BURST are taken at once, then one more every
 * TIMELINE_VETO_INTERVAL_MS; the rest are counted and dropped.  The line
 * and the reason are cut at the sizes below.
 */
#define TIMELINE_VETO_BURST 10
#define TIMELINE_VETO_INTERVAL_MS 1000
#define TIMELINE_VETO_MAX_LINE 4096
#define TIMELINE_VETO_MAX_REASON 1024

/*
 * Called for each hook veto the rate limit lets through, with the stored
 * violation (kind "command", target and command the refused line, detail
 * the reason) and the number of vetoes dropped since the last one taken.
 */
typedef void (*timeline_veto_callback)(const struct timeline_violation *v, uint64_t dropped,
				       void *userdata);

struct timeline {
	struct oscscan scan;
	struct timeline_command *ring; /* owned, `max` slots */
	size_t max;
	size_t first; /* slot of the oldest record */
	size_t count;
	uint64_t next_id;
	struct timeline_command *current; /* running command, inside ring, or NULL */
	char *pending_text; /* 633;E text not yet claimed by a 133;C */
	char *cwd; /* last OSC 7 directory */
	int64_t now_ms; /* time of the chunk being scanned */
	timeline_callback on_end;
	void *userdata;
	struct timeline_violation *violations; /* owned ring of TIMELINE_MAX_VIOLATIONS */
	size_t violations_first;
	size_t violations_count;
	timeline_veto_callback on_veto;
	void *veto_userdata;
	unsigned veto_tokens; /* vetoes that may be taken now */
	int64_t veto_refilled_ms; /* when the last token was added */
	uint64_t vetoes_dropped; /* since the last veto taken */
	uint64_t vetoes_dropped_total;
};

/*
 * timeline_init: set up an empty timeline that keeps at most `max` records
 * (0 means TIMELINE_DEFAULT_MAX) and calls `on_end` (may be NULL) when a
 * command ends.
 */
void timeline_init(struct timeline *t, size_t max, timeline_callback on_end, void *userdata);

/*
 * timeline_set_veto_callback: call `fn` (may be NULL) for each hook veto
 * taken.  Vetoes are recorded as violations with or without a callback.
 */
void timeline_set_veto_callback(struct timeline *t, timeline_veto_callback fn, void *userdata);

/* timeline_done: free every record and the scanner. */
void timeline_done(struct timeline *t);

/*
 * timeline_feed: scan one chunk of PTY output read at `now_ms`.  Records
 * returned earlier stay valid until the next timeline_feed().
 */
void timeline_feed(struct timeline *t, const void *data, size_t len, int64_t now_ms);

/* timeline_current: the command running now, or NULL at the prompt. */
const struct timeline_command *timeline_current(const struct timeline *t);

/* timeline_count: how many records the timeline holds. */
size_t timeline_count(const struct timeline *t);

/* timeline_get: record `i`, 0 being the oldest kept; NULL when out of range. */
const struct timeline_command *timeline_get(const struct timeline *t, size_t i);

/* timeline_find: the record with this id, or NULL when dropped or unknown. */
const struct timeline_command *timeline_find(const struct timeline *t, uint64_t id);

/*
 * timeline_command_json: one record as a JSON object text (owned):
 * {"id":N,"command":"...","cwd":"...","start":MS,"end":MS,"status":N},
 * with "cwd", "end" and "status" null when unknown.
 */
char *timeline_command_json(const struct timeline_command *cmd);

/*
 * timeline_add_violation: record a violation at `now_ms` under the command
 * running then, or under the last one when it ended at most
 * TIMELINE_LATE_MS before.  Returns the stored record, valid until the
 * next call that adds a violation.
 */
const struct timeline_violation *timeline_add_violation(struct timeline *t, int64_t now_ms,
							 const char *kind, const char *target,
							 const char *detail);

/* timeline_violation_count: how many violations the timeline holds. */
size_t timeline_violation_count(const struct timeline *t);

/* timeline_violation_get: violation `i`, 0 being the oldest kept, or NULL. */
const struct timeline_violation *timeline_violation_get(const struct timeline *t, size_t i);

/*
 * timeline_violation_json: one violation as a JSON object text (owned):
 * {"time":MS,"kind":"net","target":"...","detail":"...","command_id":N,
 * "command":"..."}, with detail, command_id and command null when unknown.
 */
char *timeline_violation_json(const struct timeline_violation *v);
