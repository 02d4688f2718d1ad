/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-templates.c: 'fence templates', the built-in templates with a
 * one-line description each.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "policy/policy.h"

static const char usage[] = "Usage: fence templates\n"
			    "\n"
			    "List the built-in templates, one per line: the name, then what it allows.\n"
			    "Use one with 'fence -t NAME', or extend it with \"extends\": \"NAME\".\n";

static int templates_exec(int argc, char **argv)
{
	const struct template_info *t;
	size_t n;

	if (cli_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 1) {
		msg_error("'fence templates' takes no arguments");
		return FENCE_EXIT_USAGE;
	}
	t = config_templates(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-18s %s\n", t[i].name, t[i].description);
	return 0;
}

const struct fence_cmd cmd_templates = {
	.name = "templates",
	.summary = "list the built-in templates",
	.exec = templates_exec,
};
