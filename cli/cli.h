/* SPDX-License-Identifier: MIT */
/*
 * cli/cli.h: the subcommand table (STYLE S18).  Each cli/cmd-NAME.c exports
 * one `const struct fence_cmd`; cli/main.c only dispatches.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct fence_cmd {
	const char *name;
	const char *summary; /* one line for 'fence --help' */
	/* Run the subcommand; argv[0] is its name.  Returns the exit status. */
	int (*exec)(int argc, char **argv);
	bool hidden; /* internal entry points, not listed in --help */
};

extern const struct fence_cmd cmd_shell;
extern const struct fence_cmd cmd_attach;
extern const struct fence_cmd cmd_ls;
extern const struct fence_cmd cmd_kill;
extern const struct fence_cmd cmd_capture;
extern const struct fence_cmd cmd_violations;
extern const struct fence_cmd cmd_config;
extern const struct fence_cmd cmd_import;
extern const struct fence_cmd cmd_completion;
extern const struct fence_cmd cmd_templates;
extern const struct fence_cmd cmd_init; /* hidden: the in-sandbox init */
extern const struct fence_cmd cmd_hook; /* hidden: in-sandbox shell hook helper */

/* cli_commands: the table of subcommands, NULL-terminated. */
const struct fence_cmd *const *cli_commands(void);

/* cli_find_command: the subcommand called `name`, or NULL. */
const struct fence_cmd *cli_find_command(const char *name);

/* run_main: the one-shot run, `fence [flags] -- CMD` and `fence -c 'CMD'`. */
int run_main(int argc, char **argv);

/* run_usage: print the top-level help to `f`. */
void run_usage(FILE *f);

/*
 * cli_not_built: the exit path of a subcommand that does not exist yet:
 * prints its --help when asked, else one line saying so, and returns 2.
 */
int cli_not_built(const char *name, const char *usage, int argc, char **argv);

/*
 * cli_attach_session: attach this terminal to session `name`, reporting a
 * missing or dead session.  Returns the exit status.
 */
int cli_attach_session(const char *name, bool readonly, unsigned char prefix);

/* Session defaults from $XDG_CONFIG_HOME/fence/session.json and FENCE_PREFIX. */
struct cli_session_settings {
	unsigned char prefix;
	size_t scrollback_lines;
	int size_policy; /* enum session_size_policy */
};

/*
 * cli_session_settings: read the session settings file, then FENCE_PREFIX
 * over it.  Returns 0, or -EINVAL after printing what is wrong.
 */
int cli_session_settings(struct cli_session_settings *ret);

struct json_object;

/*
 * cli_session_info: the info reply of running session `name` (what 'fence
 * ls' shows) with "state": "running" added.  Returns an owned object, or
 * NULL after a warning when the socket is stale or the query failed, or
 * silently when there is no such session.
 */
struct json_object *cli_session_info(const char *name);

/* Who reports an exit record, which decides how it is worded. */
enum cli_exit_report {
	CLI_EXIT_ATTACH, /* 'fence attach NAME': as an attached client reports an exit */
	CLI_EXIT_RESTART, /* 'fence shell': a note before a new session of the name starts */
	CLI_EXIT_KILL, /* 'fence kill NAME': an error, there is nothing left to kill */
	CLI_EXIT_LIST, /* 'fence attach' with nothing running: one line per record */
};

/*
 * cli_session_report_exit: when session `name` has an exit record, print
 * how the session ended, delete the record and return the shell's status.
 * Returns -1 when there is no record.
 */
int cli_session_report_exit(const char *name, enum cli_exit_report reporter);

/* cli_session_error: report a failed session command; returns 125. */
int cli_session_error(const char *name, int r, const char *reply);

/*
 * cli_option_error: report the option that getopt_long just rejected for
 * 'fence CMD' with c ('?' unknown, ':' missing value; opterr = 0 and an
 * optstring starting with "+:"), and hint at CMD's help.  Returns
 * FENCE_EXIT_USAGE.
 */
int cli_option_error(const char *cmd, int c, char **argv);

/* cli_wants_help: whether argv has -h or --help before any "--". */
bool cli_wants_help(int argc, char **argv);
