/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-config.c: 'fence config'.
 */
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "Usage: fence config init|show|validate [FLAGS]\n"
			    "\n"
			    "create, show or validate a configuration.\n";

static int config_exec(int argc, char **argv)
{
	return cli_not_built("config", usage, argc, argv);
}

const struct fence_cmd cmd_config = {
	.name = "config",
	.summary = "create, show or validate a configuration",
	.exec = config_exec,
};
