/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-init.c: 'fence init', the hidden entry point that bwrap starts
 * as the sandbox's first process.  Users never run it themselves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "platform/platform.h"
#include "util/util.h"

static const char usage[] = "Usage: fence init --spec-fd FD --control-fd FD -- COMMAND [ARGS...]\n"
			    "\n"
			    "internal: the sandbox's first process.\n";

/* Parse a non-negative fd number; returns -1 when invalid. */
static int parse_fd(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 1024 * 1024)
		return -1;
	return (int)v;
}

static int init_exec(int argc, char **argv)
{
	int spec_fd = -1, control_fd = -1;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		}
		if (i + 1 < argc && strcmp(argv[i], "--spec-fd") == 0) {
			spec_fd = parse_fd(argv[++i]);
		} else if (i + 1 < argc && strcmp(argv[i], "--control-fd") == 0) {
			control_fd = parse_fd(argv[++i]);
		} else {
			msg_error("init: unknown argument '%s'", argv[i]);
			return FENCE_EXIT_FAILURE;
		}
	}
	if (spec_fd < 0 || control_fd < 0 || i >= argc) {
		fputs(usage, stderr);
		return FENCE_EXIT_FAILURE;
	}
	return sandbox_init_main(spec_fd, control_fd, argv + i);
}

const struct fence_cmd cmd_init = {
	.name = "init",
	.summary = "internal: the sandbox's first process",
	.exec = init_exec,
	.hidden = true,
};
