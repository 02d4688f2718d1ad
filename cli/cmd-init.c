/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-init.c: 'fence init'.
 */
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "Usage: fence init \n"
			    "\n"
			    "internal: the sandbox's first process.\n";

static int init_exec(int argc, char **argv)
{
	return cli_not_built("init", usage, argc, argv);
}

const struct fence_cmd cmd_init = {
	.name = "init",
	.summary = "internal: the sandbox's first process",
	.exec = init_exec,
	.hidden = true,
};
