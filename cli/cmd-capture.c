/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-capture.c: 'fence capture NAME': print a session's screen as text.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "session/session.h"
#include "util/util.h"

static const char usage[] = "Usage: fence capture [-S] NAME\n"
			    "\n"
			    "Print the screen of a session as text, one line per row.\n"
			    "\n"
			    "  -S, --scrollback   print the scrollback first\n";

static int capture_exec(int argc, char **argv)
{
	_cleanup_free_ char *reply = NULL;
	const char *name = NULL;
	bool scrollback = false;
	int r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(argv[i], "-S") == 0 || strcmp(argv[i], "--scrollback") == 0) {
			scrollback = true;
		} else if (argv[i][0] == '-') {
			msg_error("unknown option '%s'", argv[i]);
			return FENCE_EXIT_FAILURE;
		} else if (name) {
			msg_error("capture takes one session name");
			return FENCE_EXIT_FAILURE;
		} else {
			name = argv[i];
		}
	}
	if (!name || !session_name_valid(name)) {
		msg_error(name ? "invalid session name '%s'" : "capture needs a session name%s",
			  name ? name : "");
		return FENCE_EXIT_FAILURE;
	}
	r = session_command(name,
			    scrollback ? "{\"cmd\":\"capture\",\"scrollback\":true}"
				       : "{\"cmd\":\"capture\"}",
			    stdout, &reply);
	if (r < 0)
		return cli_session_error(name, r, reply);
	return 0;
}

const struct fence_cmd cmd_capture = {
	.name = "capture",
	.summary = "print a session's screen as text",
	.exec = capture_exec,
};
