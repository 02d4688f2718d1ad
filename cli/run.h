/* SPDX-License-Identifier: MIT */
/*
 * cli/run.h: the parsed flags of the one-shot run.
 */
#pragma once

#include <stdbool.h>

#include "util/util.h"

enum shell_choice {
	SHELL_DEFAULT, /* bash */
	SHELL_USER, /* a validated absolute $SHELL */
};

struct run_options {
	const char *settings_path; /* -s, borrowed from argv */
	const char *template_name; /* -t, borrowed */
	const char *command_string; /* -c, borrowed */
	const char *log_file; /* --log-file, borrowed */
	struct strv ports; /* -p, repeatable: PORT, ADDR:PORT, [V6]:PORT */
	enum shell_choice shell;
	bool shell_login;
	bool monitor; /* -m */
	bool debug; /* -d */
	char **argv; /* the command after the flags, borrowed, NULL-terminated */
	int argc;
};

/*
 * run_execute: run one sandboxed command as the options say.  Returns the
 * exit status fence should exit with (the command's status, 128+signal, or
 * one of FENCE_EXIT_*).  Prints its own diagnostics.
 */
int run_execute(struct run_options *o);

/* run_print_linux_features: the --linux-features table on stdout. */
int run_print_linux_features(void);
