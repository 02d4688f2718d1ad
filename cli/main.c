/* SPDX-License-Identifier: MIT */
/*
 * cli/main.c: the entry point.  A first argument that names a subcommand
 * runs it; anything else is the one-shot run, whose flags stop at the first
 * positional argument so that the command keeps its own flags.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/util.h"

int main(int argc, char **argv)
{
	const struct fence_cmd *cmd;

	if (argc > 1 && argv[1][0] != '-') {
		cmd = cli_find_command(argv[1]);
		if (cmd)
			return cmd->exec(argc - 1, argv + 1);
	}
	return run_main(argc, argv);
}
