/* SPDX-License-Identifier: MIT */
/*
 * cli/commands.c: the subcommand table and the helpers shared by the
 * subcommands' own files.
 */
#include <stdio.h>
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "util/util.h"

static const struct fence_cmd *const commands[] = {
	&cmd_shell,  &cmd_attach, &cmd_ls,	  &cmd_kill, &cmd_capture,	  &cmd_violations, &cmd_config,
	&cmd_import, &cmd_completion, &cmd_templates, &cmd_init,	   &cmd_hook,	   NULL,
};

const struct fence_cmd *const *cli_commands(void)
{
	return commands;
}

const struct fence_cmd *cli_find_command(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

int cli_option_error(const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		msg_error("option '%s' of 'fence %s' requires a value", arg, cmd);
	else if (optopt && arg[0] == '-' && arg[1] != '-')
		msg_error("unknown option '-%c' for 'fence %s'", optopt, cmd);
	else
		msg_error("unknown option '%s' for 'fence %s'", arg, cmd);
	msg_hint("see 'fence %s --help'", cmd);
	return FENCE_EXIT_USAGE;
}

int cli_not_built(const char *name, const char *usage, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	msg_error("'%s' is not built yet in this version of fence", name);
	return FENCE_EXIT_USAGE;
}
