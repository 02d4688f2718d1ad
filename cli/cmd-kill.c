/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-kill.c: 'fence kill NAME'.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "session/session.h"
#include "util/util.h"

static const char usage[] = "Usage: fence kill NAME\n"
			    "\n"
			    "End a session: its shell and everything in its sandbox are killed,\n"
			    "and attached clients exit with status 137.  A session that already\n"
			    "ended is reported with its exit status, as an error.\n";

/* Print a hint naming the running sessions, or saying that none runs. */
static void hint_running(void)
{
	struct strv names = {0};
	_cleanup_free_ char *list = NULL;

	if (session_list(&names) < 0 || names.n == 0) {
		msg_hint("no sessions are running; 'fence ls' lists them");
		strv_done(&names);
		return;
	}
	for (size_t i = 0; i < names.n && i < 8; i++) {
		char *next = xasprintf("%s%s'%s'", list ? list : "", list ? ", " : "", names.v[i]);

		free(list);
		list = next;
	}
	msg_hint("running: %s%s; 'fence ls' lists them", list, names.n > 8 ? ", ..." : "");
	strv_done(&names);
}

/* Report a failed session command the same way for kill and capture. */
int cli_session_error(const char *name, int r, const char *reply)
{
	if (r == -ENOENT) {
		msg_error("no session named '%s'", name);
		hint_running();
	} else if (r == -ECONNREFUSED) {
		msg_error("session '%s' is not running; removed its stale socket", name);
	} else {
		msg_error("session '%s': %s", name, reply ? reply : strerror(-r));
	}
	return FENCE_EXIT_FAILURE;
}

static int kill_exec(int argc, char **argv)
{
	_cleanup_free_ char *reply = NULL;
	int r;

	if (cli_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc != 2) {
		msg_error(argc < 2 ? "kill needs a session name" : "kill takes one session name");
		msg_hint("usage: fence kill NAME; 'fence ls' lists the sessions");
		return FENCE_EXIT_FAILURE;
	}
	if (!session_name_valid(argv[1])) {
		msg_error("invalid session name '%s'", argv[1]);
		msg_hint("names are 1 to 64 letters, digits, '.', '_' or '-'");
		return FENCE_EXIT_FAILURE;
	}
	r = session_command(argv[1], "{\"cmd\":\"kill\"}", NULL, &reply);
	/* Ended while detached: report the exit record, all that is left of it. */
	if (r == -ENOENT && cli_session_report_exit(argv[1], CLI_EXIT_KILL) >= 0)
		return FENCE_EXIT_FAILURE;
	if (r < 0)
		return cli_session_error(argv[1], r, reply);
	return 0;
}

const struct fence_cmd cmd_kill = {
	.name = "kill",
	.summary = "end a session",
	.exec = kill_exec,
};
