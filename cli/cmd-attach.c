/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-attach.c: 'fence attach'.
 */
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "Usage: fence attach [NAME]\n"
			    "\n"
			    "attach to a running session.\n";

static int attach_exec(int argc, char **argv)
{
	return cli_not_built("attach", usage, argc, argv);
}

const struct fence_cmd cmd_attach = {
	.name = "attach",
	.summary = "attach to a running session",
	.exec = attach_exec,
};
