/* SPDX-License-Identifier: MIT */
/*
 * platform/macos/logstream.c: parsing `log stream` lines into violation
 * reports, and starting `log stream` on macOS.
 *
 * A Seatbelt report in compact style reads
 *   2026-01-05 10:23:45.123 E  kernel[0:1a2b] (Sandbox) Sandbox: curl(4242) deny(1)
 * network-outbound 93.184.216.34:443 and the message that the profile attached (the log tag)
 * follows on a line of its own.  Process names may contain spaces and parentheses, so the pid is
 * the last parenthesised number before " deny(".
 */
#include "platform/macos/logstream.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

#define LINE_MAX_BYTES (64 * 1024)

extern char **environ;

/* Operation prefixes that are shown; the rest (mach-lookup, sysctl-read,
 * file-ioctl, ...) are side effects of normal start-up. */
static const char *const shown_operations[] = {"file-read", "file-write", "network",
					       "process-exec"};

/* Details that every terminal program or DNS lookup produces. */
static const char *const noise_prefixes[] = {
    "/dev/tty",	       "/dev/dtracehelper",    "/private/var/run/syslog",
    "/var/run/syslog", "/private/var/db/mds/",
};
static const char *const noise_substrings[] = {"mDNSResponder"};

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_shown_operation(const char *op)
{
	for (size_t i = 0; i < ELEMENTSOF(shown_operations); i++)
		if (starts_with(op, shown_operations[i]))
			return true;
	return false;
}

static bool is_noise(const char *details)
{
	for (size_t i = 0; i < ELEMENTSOF(noise_prefixes); i++)
		if (starts_with(details, noise_prefixes[i]))
			return true;
	for (size_t i = 0; i < ELEMENTSOF(noise_substrings); i++)
		if (strstr(details, noise_substrings[i]))
			return true;
	return false;
}

/* Copy at most size-1 bytes of [s, s+n), cutting at a character boundary
 * of UTF-8 text. */
static void copy_field(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "YYYY-MM-DD HH:MM:SS" at the start of a compact line: copy the time. */
static void parse_time(const char *line, char time[9])
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";

	time[0] = '\0';
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)line[i]) : line[i] != shape[i])
			return;
	}
	copy_field(time, 9, line + 11, 8);
}

/* Split "NAME(PID)" that ends at `end` (exclusive). */
static bool parse_process(const char *start, const char *end, struct logstream_event *ev)
{
	const char *open;
	char *num_end;

	if (end <= start || end[-1] != ')')
		return false;
	open = end - 1;
	while (open > start && open[-1] != '(')
		open--;
	if (open <= start + 1 || !isdigit((unsigned char)*open))
		return false;
	ev->pid = strtol(open, &num_end, 10);
	if (num_end != end - 1)
		return false;
	copy_field(ev->process, sizeof(ev->process), start, (size_t)(open - 1 - start));
	return true;
}

int logstream_parse_line(const char *line, struct logstream_event *ret)
{
	struct logstream_event ev = {0};
	const char *body, *deny, *op, *details;
	size_t op_len, details_len;

	body = strstr(line, "Sandbox: ");
	if (!body)
		return 0;
	body += strlen("Sandbox: ");
	/* "Sandbox: 3 duplicate reports for curl deny(1) ..." repeats a
	 * report already shown. */
	if (strstr(body, "duplicate report"))
		return 0;
	deny = strstr(body, " deny(");
	if (!deny || !parse_process(body, deny, &ev))
		return 0;

	op = strchr(deny + 1, ')');
	if (!op || op[1] != ' ')
		return 0;
	op += 2;
	op_len = strcspn(op, " ");
	if (op_len == 0)
		return 0;
	copy_field(ev.operation, sizeof(ev.operation), op, op_len);

	details = op + op_len;
	while (*details == ' ')
		details++;
	details_len = strlen(details);
	while (details_len > 0 && isspace((unsigned char)details[details_len - 1]))
		details_len--;
	copy_field(ev.details, sizeof(ev.details), details, details_len);

	if (!is_shown_operation(ev.operation) || is_noise(ev.details))
		return 0;
	parse_time(line, ev.time);
	*ret = ev;
	return 1;
}

char *logstream_format(const struct logstream_event *ev, const char *fallback_time)
{
	const char *time = ev->time[0] ? ev->time : fallback_time;

	if (ev->details[0])
		return xasprintf("[fence:logstream] %s \u2717 %s %s (%s:%ld)", time, ev->operation,
				 ev->details, ev->process, ev->pid);
	return xasprintf("[fence:logstream] %s \u2717 %s (%s:%ld)", time, ev->operation,
			 ev->process, ev->pid);
}

char *logstream_predicate(const char *log_tag)
{
	return xasprintf("eventMessage ENDSWITH \"%s\"", log_tag);
}

void logstream_reader_feed(struct logstream_reader *r, const char *data, size_t n,
			   void (*line_cb)(const char *line, void *userdata), void *userdata)
{
	for (size_t i = 0; i < n; i++) {
		if (data[i] != '\n' && r->len < LINE_MAX_BYTES) {
			if (r->len + 2 > r->cap) {
				r->cap = r->cap ? r->cap * 2 : 256;
				r->buf = xrealloc(r->buf, r->cap);
			}
			r->buf[r->len++] = data[i];
			continue;
		}
		if (data[i] != '\n')
			continue; /* past the limit: drop until the newline */
		if (!r->buf)
			r->buf = xmalloc(r->cap = 256);
		r->buf[r->len] = '\0';
		line_cb(r->buf, userdata);
		r->len = 0;
	}
}

void logstream_reader_done(struct logstream_reader *r)
{
	free(r->buf);
	*r = (struct logstream_reader){0};
}

int logstream_start(const char *log_tag, pid_t *ret_pid, int *ret_fd)
{
#ifndef __APPLE__
	/* The rest still compiles everywhere, so a Linux build checks it. */
	return -EOPNOTSUPP;
#endif
	_cleanup_free_ char *predicate = logstream_predicate(log_tag);
	char *argv[] = {"log", "stream", "--style", "compact", "--predicate", predicate, NULL};
	posix_spawn_file_actions_t actions;
	int fds[2], r;
	pid_t pid;

	if (pipe(fds) < 0)
		return -errno;
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) < 0 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		return r;
	}
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	r = posix_spawn(&pid, "/usr/bin/log", &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(fds[1]);
	if (r != 0) {
		close(fds[0]);
		return -r;
	}
	*ret_pid = pid;
	*ret_fd = fds[0];
	return 0;
}
