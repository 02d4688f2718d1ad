/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-completion.c: 'fence completion'.
 */
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "Usage: fence completion bash|zsh|fish\n"
			    "\n"
			    "print the shell completion script.\n";

static int completion_exec(int argc, char **argv)
{
	return cli_not_built("completion", usage, argc, argv);
}

const struct fence_cmd cmd_completion = {
	.name = "completion",
	.summary = "print the shell completion script",
	.exec = completion_exec,
};
