/* SPDX-License-Identifier: MIT */
/*
 * session/configwatch.h: configuration files that a session's shell
 * creates.  A session runs for hours, so the daemon checks the watched
 * paths (policy/configtrust.h) every CONFIGWATCH_INTERVAL_MS and when the
 * shell ends.  Each new file is recorded in the store, so that the next run
 * rejects it, and posted to the violation bus.
 */
#pragma once

#include <uv.h>

#include "policy/configtrust.h"

#define CONFIGWATCH_INTERVAL_MS 2000

struct daemon;

struct configwatch {
	struct configtrust_snapshot snapshot;
	uv_timer_t timer;
	bool active;
};

/* configwatch_start: watch the session's candidate configuration files. */
void configwatch_start(struct daemon *d);
/*
 * configwatch_take_written: after a prompt command, accept the file that
 * fence's own `save` or "allow always" wrote, if any.
 */
void configwatch_take_written(struct daemon *d);
/* configwatch_stop: check once more and close the timer. */
void configwatch_stop(struct daemon *d);
/* configwatch_done: free the snapshot, after the loop has ended. */
void configwatch_done(struct daemon *d);
