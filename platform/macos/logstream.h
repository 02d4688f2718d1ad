/* SPDX-License-Identifier: MIT */
/*
 * platform/macos/logstream.h: the macOS violation monitor.
 *
 * Seatbelt reports each denial to the unified log; `log stream` shows
 * them.  Every rule of a fence profile carries the run's log tag as its
 * message, so a predicate on the tag selects this run's denials.  The
 * parsing and formatting here are plain code tested on any platform; only
 * logstream_start() needs a Mac.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One denial, as a `log stream --style compact` line reports it. */
struct logstream_event {
	char time[9]; /* "HH:MM:SS" from the line, "" when it had none */
	char process[64];
	long pid;
	char operation[64]; /* "file-read-data", "network-outbound", ... */
	char details[1024]; /* path or address, "" when none */
};

/*
 * logstream_parse_line: parse one line of `log stream --style compact`
 * output (without its newline).
 *
 * Returns 1 and fills *ret for a denial worth showing: a file, network or
 * process-exec operation.  Returns 0 for everything else: the header
 * lines, the tag line that follows each report, duplicate-report
 * summaries, other operations (mach-lookup, sysctl, ioctl) and known noise
 * (terminal devices, the DNS and syslog sockets).
 */
int logstream_parse_line(const char *line, struct logstream_event *ret);

/*
 * logstream_format: the '[fence:logstream] HH:MM:SS ✗ OPERATION DETAILS
 * (PROCESS:PID)' line for an event, without a newline; `fallback_time`
 * ("HH:MM:SS") stands in when the event has no time.  Returns owned text.
 */
char *logstream_format(const struct logstream_event *ev, const char *fallback_time);

/* logstream_predicate: the `log stream --predicate` text that selects the
 * reports of one log tag.  Returns owned text. */
char *logstream_predicate(const char *log_tag);

/* Splits a byte stream into lines; a zeroed struct is empty. */
struct logstream_reader {
	char *buf;
	size_t len, cap;
};

/*
 * logstream_reader_feed: append bytes read from `log stream`, then call
 * `line_cb` for each complete line (without '\n').  A line longer than
 * 64 KiB is cut there rather than kept growing.
 */
void logstream_reader_feed(struct logstream_reader *r, const char *data, size_t n,
			   void (*line_cb)(const char *line, void *userdata), void *userdata);

/* logstream_reader_done: free the reader's buffer. */
void logstream_reader_done(struct logstream_reader *r);

/*
 * logstream_start: run `/usr/bin/log stream --style compact --predicate
 * PREDICATE` with its stdout on a close-on-exec pipe.
 *
 * Returns 0 and sets *ret_pid and *ret_fd, or a negative errno;
 * -EOPNOTSUPP off macOS.  The caller reads *ret_fd, and at the end kills
 * and reaps *ret_pid.
 */
int logstream_start(const char *log_tag, pid_t *ret_pid, int *ret_fd);
