/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-violations.c: 'fence violations [NAME] [--follow] [--json] [--since TIME]'.
 *
 * Past records come from the session's JSON Lines log, so they can be
 * read after the session ended.  --follow then subscribes to the running
 * daemon for records newer than the last one printed, and exits when the
 * session ends (this is what the tmux split of `fence shell --pane tmux`
 * runs).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "session/protocol.h"
#include "session/session.h"
#include "session/violation.h"
#include "util/util.h"

static const char usage[] =
	"Usage: fence violations [NAME] [--follow] [--json] [--since TIME]\n"
	"\n"
	"Print what a session's sandbox blocked, oldest first, from the session's\n"
	"log under $XDG_STATE_HOME/fence/sessions/ (kept after the session ends).\n"
	"NAME defaults to the session of the current directory.\n"
	"\n"
	"  -f, --follow      keep printing new records until the session ends\n"
	"      --json        print JSON Lines, one record per line\n"
	"      --since TIME  only records since TIME: a duration ago (30s, 10m, 2h, 1d),\n"
	"                    @EPOCH seconds, HH:MM[:SS] today, or YYYY-MM-DD[THH:MM[:SS]]\n"
	"  -h, --help        show this help\n";

struct printer {
	bool json;
	bool color;
	uint64_t last_seq;
};

/* The SGR colour of a record's kind, as in the side pane. */
static const char *kind_color(const struct violation *v)
{
	if (v->action == VIOLATION_ALLOWED)
		return "32";
	switch (v->kind) {
	case VIOLATION_NET:
		return "33";
	case VIOLATION_FILE:
		return "35";
	case VIOLATION_EXEC:
		return "31";
	case VIOLATION_COMMAND:
		return "36";
	default:
		return "34";
	}
}

static void print_record(const struct violation *v, void *userdata)
{
	struct printer *p = userdata;

	if (v->seq > p->last_seq)
		p->last_seq = v->seq;
	if (p->json) {
		_cleanup_free_ char *json = violation_to_json(v);

		printf("%s\n", json);
	} else {
		char line[2048];

		violation_format(v, line, sizeof(line));
		if (p->color)
			printf("\033[%sm%s\033[0m\n", kind_color(v), line);
		else
			printf("%s\n", line);
	}
	fflush(stdout);
}

/* Parse the unit of a duration ("s", "m", "h", "d"); returns seconds per unit or 0. */
static long unit_seconds(const char *u)
{
	if (strcmp(u, "s") == 0 || *u == '\0')
		return 1;
	if (strcmp(u, "m") == 0)
		return 60;
	if (strcmp(u, "h") == 0)
		return 3600;
	if (strcmp(u, "d") == 0)
		return 86400;
	return 0;
}

/* Read --since TIME into milliseconds since the epoch.  Returns 0 or -EINVAL. */
static int parse_since(const char *s, int64_t *ret_ms)
{
	time_t now = time(NULL);
	struct tm tm;
	char *end;
	const char *rest;

	if (s[0] == '@') {
		long long epoch = strtoll(s + 1, &end, 10);

		if (end == s + 1 || *end)
			return -EINVAL;
		*ret_ms = (int64_t)epoch * 1000;
		return 0;
	}
	if (s[0] >= '0' && s[0] <= '9' && !strchr(s, ':') && !strchr(s, '-')) {
		long n = strtol(s, &end, 10);
		long unit = unit_seconds(end);

		if (unit == 0 || n < 0)
			return -EINVAL;
		*ret_ms = ((int64_t)now - (int64_t)n * unit) * 1000;
		return 0;
	}
	localtime_r(&now, &tm);
	tm.tm_sec = 0;
	if ((rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) && !*rest)
		goto done;
	tm.tm_sec = 0;
	if ((rest = strptime(s, "%Y-%m-%dT%H:%M", &tm)) && !*rest)
		goto done;
	if ((rest = strptime(s, "%Y-%m-%d", &tm)) && !*rest) {
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		goto done;
	}
	localtime_r(&now, &tm);
	if ((rest = strptime(s, "%H:%M:%S", &tm)) && !*rest)
		goto done;
	tm.tm_sec = 0;
	if ((rest = strptime(s, "%H:%M", &tm)) && !*rest)
		goto done;
	return -EINVAL;
done:
	tm.tm_isdst = -1;
	*ret_ms = (int64_t)mktime(&tm) * 1000;
	return 0;
}

/* Send one frame whose payload is the JSON text json, or none for NULL. */
static int send_frame(int fd, int type, const char *json)
{
	return proto_send(fd, type, json, json ? strlen(json) : 0);
}

/* Handle one frame of the subscription; returns 1 when the stream ends. */
static int follow_frame(const struct proto_frame *f, struct printer *p, int64_t since_ms)
{
	_cleanup_free_ char *text = NULL, *strings = NULL;
	struct violation v;

	switch (f->type) {
	case PROTO_EVENT:
		text = xstrndup((const char *)f->payload, f->len);
		if (violation_parse_json(text, &v, &strings) < 0)
			return 0;
		if (v.seq > p->last_seq && v.time_ms >= since_ms)
			print_record(&v, p);
		return 0;
	case PROTO_EXIT:
	case PROTO_DETACHED:
		return 1;
	case PROTO_ERROR:
		text = xstrndup((const char *)f->payload, f->len);
		msg_error("session: %s", text);
		return -EPROTO;
	default:
		return 0;
	}
}

/* Print records from the running session until it ends.  Returns an exit status. */
static int follow(const char *name, struct printer *p, int64_t since_ms)
{
	static const char hello[] = "{\"proto\":1,\"role\":\"ctl\"}";
	_cleanup_close_ int fd = session_connect(name);
	_cleanup_free_ char *cmd = NULL;
	struct proto_decoder dec = {0};
	struct proto_frame f;
	char buf[65536];
	int r;

	if (fd < 0) {
		if (fd == -ENOENT || fd == -ECONNREFUSED)
			return 0; /* the session is over: the log was everything */
		return cli_session_error(name, fd, NULL);
	}
	cmd = xasprintf("{\"cmd\":\"violations\",\"after\":%llu}", (unsigned long long)p->last_seq);
	r = send_frame(fd, PROTO_HELLO, hello);
	if (r == 0)
		r = send_frame(fd, PROTO_COMMAND, cmd);
	while (r == 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		r = proto_decoder_feed(&dec, buf, (size_t)n);
		while (r == 0 && (r = proto_decoder_next(&dec, &f)) == 1)
			r = follow_frame(&f, p, since_ms);
	}
	proto_decoder_done(&dec);
	if (r < 0 && r != -EPROTO) {
		msg_error("session '%s': malformed frame from the session", name);
		return FENCE_EXIT_FAILURE;
	}
	return r == -EPROTO ? FENCE_EXIT_FAILURE : 0;
}

static const struct option options[] = {
	{"follow", no_argument, NULL, 'f'},
	{"json", no_argument, NULL, 'j'},
	{"since", required_argument, NULL, 's'},
	{"help", no_argument, NULL, 'h'},
	{0},
};

static int violations_exec(int argc, char **argv)
{
	struct printer p = {.color = isatty(STDOUT_FILENO)};
	_cleanup_free_ char *name = NULL, *path = NULL;
	bool follow_on = false;
	int64_t since_ms = 0;
	long n;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:fh", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			follow_on = true;
			break;
		case 'j':
			p.json = true;
			break;
		case 's':
			if (parse_since(optarg, &since_ms) < 0) {
				msg_error("invalid --since '%s'", optarg);
				msg_hint("use a duration (10m), @EPOCH, HH:MM or YYYY-MM-DD[THH:MM]");
				return FENCE_EXIT_FAILURE;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_option_error("violations", c, argv);
		}
	}
	if (argc - optind > 1) {
		msg_error("violations takes at most one session name");
		return FENCE_EXIT_FAILURE;
	}
	if (optind < argc) {
		name = xstrdup(argv[optind]);
	} else {
		char cwd[4096];

		name = session_default_name(getcwd(cwd, sizeof(cwd)) ? cwd : "/");
	}
	if (!session_name_valid(name)) {
		msg_error("invalid session name '%s'", name);
		return FENCE_EXIT_FAILURE;
	}

	path = violation_log_path(name);
	n = violation_log_read(path, since_ms, print_record, &p);
	if (n == -EINVAL) {
		msg_error("cannot read '%s': it or its rotated '.1' is not a regular file", path);
		return FENCE_EXIT_FAILURE;
	}
	if (n < 0 && n != -ENOENT) {
		msg_error("cannot read '%s': %s", path, strerror((int)-n));
		return FENCE_EXIT_FAILURE;
	}
	if (follow_on)
		return follow(name, &p, since_ms);
	return 0;
}

const struct fence_cmd cmd_violations = {
	.name = "violations",
	.summary = "print what a session's sandbox blocked",
	.exec = violations_exec,
};
