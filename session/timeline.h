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

/* Called when a command ends, with the finished record. */
typedef void (*timeline_callback)(const struct timeline_command *cmd, void *userdata);

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
};

/*
 * timeline_init: set up an empty timeline that keeps at most `max` records
 * (0 means TIMELINE_DEFAULT_MAX) and calls `on_end` (may be NULL) when a
 * command ends.
 */
void timeline_init(struct timeline *t, size_t max, timeline_callback on_end, void *userdata);

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
