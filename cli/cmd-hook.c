/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-hook.c: 'fence hook'.
 */
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "Usage: fence hook check -- LINE\n"
			    "\n"
			    "internal: helper for the shell hooks inside a session.\n";

static int hook_exec(int argc, char **argv)
{
	return cli_not_built("hook", usage, argc, argv);
}

const struct fence_cmd cmd_hook = {
	.name = "hook",
	.summary = "internal: helper for the shell hooks inside a session",
	.exec = hook_exec,
	.hidden = true,
};
