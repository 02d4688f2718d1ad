/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-run.c: flags of the one-shot run and the top-level --help.
 *
 * getopt_long runs with a leading '+', so option parsing stops at the first
 * positional argument: in `fence -t code -- grep -r x .` and in
 * `fence -t code grep -r x .` the -r belongs to grep.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/run.h"
#include "policy/policy.h"
#include "util/util.h"

enum {
	OPT_SHELL = 0x100,
	OPT_SHELL_LOGIN,
	OPT_LINUX_FEATURES,
	OPT_LIST_TEMPLATES,
	OPT_LOG_FILE,
	OPT_VERSION,
};

static const struct option run_long_options[] = {
	{ "settings", required_argument, NULL, 's' },
	{ "template", required_argument, NULL, 't' },
	{ "monitor", no_argument, NULL, 'm' },
	{ "debug", no_argument, NULL, 'd' },
	{ "port", required_argument, NULL, 'p' },
	{ "command", required_argument, NULL, 'c' },
	{ "shell", required_argument, NULL, OPT_SHELL },
	{ "shell-login", no_argument, NULL, OPT_SHELL_LOGIN },
	{ "linux-features", no_argument, NULL, OPT_LINUX_FEATURES },
	{ "list-templates", no_argument, NULL, OPT_LIST_TEMPLATES },
	{ "log-file", required_argument, NULL, OPT_LOG_FILE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 },
};

void run_usage(FILE *f)
{
	const struct fence_cmd *const *cmds = cli_commands();

	fputs("Usage: fence [FLAGS] [--] COMMAND [ARGS...]\n"
	      "       fence [FLAGS] -c 'COMMAND STRING'\n"
	      "       fence SUBCOMMAND [ARGS...]\n"
	      "\n"
	      "Run a command inside a policy-driven sandbox (bubblewrap, Landlock, seccomp,\n"
	      "and filtering HTTP and SOCKS5 proxies), or keep a sandboxed shell session.\n"
	      "\n"
	      "fence's flags end at the first argument that is not a flag, so the command\n"
	      "keeps its own flags: 'fence -t code grep -r x .'.  A first argument that\n"
	      "names a subcommand runs the subcommand; 'fence -- ls -la' always runs the\n"
	      "program ls.\n"
	      "\n"
	      "Flags of a sandboxed run:\n"
	      "  -s, --settings FILE     use FILE as the configuration (JSONC)\n"
	      "  -t, --template NAME     use the built-in template NAME (beats --settings)\n"
	      "  -c, --command STRING    run STRING with the shell (-c) instead of COMMAND\n"
	      "  -m, --monitor           print each blocked request or operation on stderr\n"
	      "  -d, --debug             print every policy decision and the sandbox set-up\n"
	      "  -p, --port PORT         expose a server listening on PORT inside the sandbox\n"
	      "                          on the host; also ADDR:PORT or [IPv6]:PORT;\n"
	      "                          repeatable\n"
	      "      --shell default|user\n"
	      "                          the shell for -c: 'default' is bash, 'user' is $SHELL\n"
	      "                          (must be an absolute path); default: default\n"
	      "      --shell-login       run the -c shell as a login shell (-lc)\n"
	      "      --log-file FILE     write -m and -d lines to FILE instead of stderr\n"
	      "      --linux-features    print which kernel features fence can use, and exit\n"
	      "      --list-templates    print the built-in templates, and exit\n"
	      "  -h, --help              print this help, and exit\n"
	      "      --version           print the version, and exit\n"
	      "\n"
	      "Configuration: --template, else --settings, else fence.jsonc or fence.json\n"
	      "in the working directory or a parent, else ~/.config/fence/fence.json\n"
	      "($XDG_CONFIG_HOME), else the built-in default (no network, writes only to\n"
	      "a private /tmp).\n"
	      "\n"
	      "Subcommands ('fence SUBCOMMAND --help' for their flags):\n",
	      f);
	for (size_t i = 0; cmds[i]; i++)
		if (!cmds[i]->hidden)
			fprintf(f, "  %-12s %s\n", cmds[i]->name, cmds[i]->summary);
	fputs("\n"
	      "Exit status: the command's own status; 128+N when it died of signal N;\n"
	      "125 when fence itself failed; 126 when policy refused the command or it\n"
	      "cannot be executed; 127 when it was not found.\n",
	      f);
}

static int print_templates(void)
{
	size_t n;
	const struct template_info *t = config_templates(&n);

	for (size_t i = 0; i < n; i++)
		printf("%-18s %s\n", t[i].name, t[i].description);
	return 0;
}

/* Parse the flags into *o; returns -1 to continue, else an exit status. */
static int run_parse(int argc, char **argv, struct run_options *o)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:s:t:mdp:c:h", run_long_options, NULL)) != -1) {
		switch (c) {
		case 's':
			o->settings_path = optarg;
			break;
		case 't':
			o->template_name = optarg;
			break;
		case 'm':
			o->monitor = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'p':
			strv_push(&o->ports, optarg);
			break;
		case 'c':
			o->command_string = optarg;
			break;
		case OPT_SHELL:
			if (strcmp(optarg, "default") == 0) {
				o->shell = SHELL_DEFAULT;
			} else if (strcmp(optarg, "user") == 0) {
				o->shell = SHELL_USER;
			} else {
				msg_error("invalid --shell '%s': expected 'default' or 'user'", optarg);
				return FENCE_EXIT_FAILURE;
			}
			break;
		case OPT_SHELL_LOGIN:
			o->shell_login = true;
			break;
		case OPT_LOG_FILE:
			o->log_file = optarg;
			break;
		case OPT_LINUX_FEATURES:
			return run_print_linux_features();
		case OPT_LIST_TEMPLATES:
			return print_templates();
		case 'h':
			run_usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("fence %s\n", FENCE_VERSION);
			return 0;
		case ':':
			msg_error("option '%s' requires a value", argv[optind - 1]);
			msg_hint("see 'fence --help'");
			return FENCE_EXIT_FAILURE;
		default:
			msg_error("unknown option '%s'", argv[optind - 1]);
			msg_hint("see 'fence --help'; to run a command, put it after '--'");
			return FENCE_EXIT_FAILURE;
		}
	}

	o->argv = argv + optind;
	o->argc = argc - optind;
	if (o->command_string && o->argc > 0) {
		msg_error("-c and a command after the flags cannot be combined");
		return FENCE_EXIT_FAILURE;
	}
	if (!o->command_string && o->argc == 0) {
		msg_error("no command given");
		msg_hint("run 'fence -- COMMAND', 'fence -c STRING' or 'fence shell'; see 'fence --help'");
		return FENCE_EXIT_USAGE;
	}
	return -1;
}

int run_main(int argc, char **argv)
{
	struct run_options o = { 0 };
	int r;

	r = run_parse(argc, argv, &o);
	if (r < 0)
		r = run_execute(&o);
	strv_done(&o.ports);
	return r;
}
