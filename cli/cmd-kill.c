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
			    "and attached clients exit.\n";

/* Report a failed session command the same way for kill and capture. */
int cli_session_error(const char *name, int r, const char *reply)
{
	if (r == -ENOENT) {
		msg_error("no session named '%s'", name);
		msg_hint("list sessions with 'fence ls'");
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
	if (argc != 2 || !session_name_valid(argv[1])) {
		msg_error(argc != 2 ? "kill takes one session name" : "invalid session name '%s'",
			  argv[argc - 1]);
		return FENCE_EXIT_FAILURE;
	}
	r = session_command(argv[1], "{\"cmd\":\"kill\"}", NULL, &reply);
	if (r < 0)
		return cli_session_error(argv[1], r, reply);
	return 0;
}

const struct fence_cmd cmd_kill = {
	.name = "kill",
	.summary = "end a session",
	.exec = kill_exec,
};
