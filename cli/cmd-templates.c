/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-templates.c: 'fence templates'.
 */
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "Usage: fence templates \n"
			    "\n"
			    "list the built-in templates.\n";

static int templates_exec(int argc, char **argv)
{
	return cli_not_built("templates", usage, argc, argv);
}

const struct fence_cmd cmd_templates = {
	.name = "templates",
	.summary = "list the built-in templates",
	.exec = templates_exec,
};
