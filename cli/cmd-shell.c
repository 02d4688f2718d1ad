/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-shell.c: 'fence shell'.
 */
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "Usage: fence shell [--name NAME] [FLAGS]\n"
			    "\n"
			    "start a persistent sandboxed shell, or attach to it.\n";

static int shell_exec(int argc, char **argv)
{
	return cli_not_built("shell", usage, argc, argv);
}

const struct fence_cmd cmd_shell = {
	.name = "shell",
	.summary = "start a persistent sandboxed shell, or attach to it",
	.exec = shell_exec,
};
