/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-ls.c: 'fence ls'.
 */
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "Usage: fence ls [--json]\n"
			    "\n"
			    "list sessions.\n";

static int ls_exec(int argc, char **argv)
{
	return cli_not_built("ls", usage, argc, argv);
}

const struct fence_cmd cmd_ls = {
	.name = "ls",
	.summary = "list sessions",
	.exec = ls_exec,
};
