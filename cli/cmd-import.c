/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-import.c: 'fence import'.
 */
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "Usage: fence import --claude|--srt [FLAGS]\n"
			    "\n"
			    "convert another tool's settings to a fence configuration.\n";

static int import_exec(int argc, char **argv)
{
	return cli_not_built("import", usage, argc, argv);
}

const struct fence_cmd cmd_import = {
	.name = "import",
	.summary = "convert another tool's settings to a fence configuration",
	.exec = import_exec,
};
