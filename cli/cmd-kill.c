/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-kill.c: 'fence kill'.
 */
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "Usage: fence kill NAME\n"
			    "\n"
			    "end a session.\n";

static int kill_exec(int argc, char **argv)
{
	return cli_not_built("kill", usage, argc, argv);
}

const struct fence_cmd cmd_kill = {
	.name = "kill",
	.summary = "end a session",
	.exec = kill_exec,
};
