/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-violations.c: 'fence violations'.
 */
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "Usage: fence violations [NAME] [--follow] [--json]\n"
			    "\n"
			    "print what a session's sandbox blocked.\n";

static int violations_exec(int argc, char **argv)
{
	return cli_not_built("violations", usage, argc, argv);
}

const struct fence_cmd cmd_violations = {
	.name = "violations",
	.summary = "print what a session's sandbox blocked",
	.exec = violations_exec,
};
