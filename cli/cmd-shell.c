/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-shell.c: 'fence shell': attach to the session of this directory,
 * or start it first.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cli/cli.h"
#include "cli/tmuxpane.h"
#include "pty/pty.h"
#include "session/session.h"
#include "util/util.h"

static const char usage[] =
	"Usage: fence shell [--name NAME] [OPTIONS]\n"
	"\n"
	"Attach to a persistent sandboxed shell, starting it first if needed.\n"
	"The default name comes from the working directory, so running it again\n"
	"in the same project reattaches.\n"
	"\n"
	"  -n, --name NAME          the session name ([A-Za-z0-9._-], at most 64)\n"
	"  -s, --settings FILE      policy file for a new session\n"
	"  -t, --template NAME      built-in policy template for a new session\n"
	"  -p, --prefix KEY         the prefix key, such as C-] (default) or C-a\n"
	"      --scrollback LINES   scrollback lines kept (default 10000)\n"
	"      --window-size POLICY latest (default) or smallest: which attached\n"
	"                           client sets the session's size\n"
	"      --shell SHELL        bash, zsh or fish for a new session (default:\n"
	"                           $SHELL when it is one of them, else bash)\n"
	"      --no-hooks           start the plain shell: no prompt marker, no\n"
	"                           command check, no command timeline\n"
	"      --pane MODE          violation side pane: auto (default: shown on\n"
	"                           terminals of 140 columns or more), on, off, or\n"
	"                           tmux (a tmux split running 'fence violations')\n"
	"      --pane-width COLUMNS width of the side pane (default 40)\n"
	"      --ask                for a new session: hold requests for hosts no rule\n"
	"                           covers and ask in the side pane (network.onBlocked)\n"
	"\n"
	"Detach with the prefix key then d; fence attach reattaches.  Defaults for\n"
	"--prefix, --scrollback and --window-size can be set in\n"
	"~/.config/fence/session.json: {\"prefix\": \"C-a\", \"scrollbackLines\": 5000,\n"
	"\"windowSize\": \"smallest\"}; FENCE_PREFIX overrides the prefix.\n";

struct shell_args {
	struct session_options session;
	const char *name;
	unsigned char prefix;
	const char *pane; /* violations: --pane */
	int pane_width; /* violations: --pane-width */
};

/* Parse one option; returns 0, 1 for --help, or -EINVAL after a message. */
static int parse_option(int c, struct shell_args *a)
{
	char *end;

	switch (c) {
	case 'n':
		a->name = optarg;
		return 0;
	case 's':
		a->session.settings_path = optarg;
		return 0;
	case 't':
		a->session.template_name = optarg;
		return 0;
	case 'p':
		if (keys_parse_prefix(optarg, &a->prefix) == 0)
			return 0;
		msg_error("invalid prefix key '%s'", optarg);
		msg_hint("use a control key such as C-] or C-a");
		return -EINVAL;
	case 'L':
		errno = 0;
		a->session.scrollback_lines = strtoul(optarg, &end, 10);
		if (errno == 0 && *end == '\0' && optarg[0] != '-' &&
		    a->session.scrollback_lines <= 10000000)
			return 0;
		msg_error("invalid scrollback line count '%s'", optarg);
		return -EINVAL;
	case 'W':
		if (strcmp(optarg, "latest") == 0)
			a->session.size_policy = SESSION_SIZE_LATEST;
		else if (strcmp(optarg, "smallest") == 0)
			a->session.size_policy = SESSION_SIZE_SMALLEST;
		else {
			msg_error("invalid window size policy '%s': expected latest or smallest", optarg);
			return -EINVAL;
		}
		return 0;
	case 'S':
		if (strcmp(optarg, "bash") == 0 || strcmp(optarg, "zsh") == 0 ||
		    strcmp(optarg, "fish") == 0) {
			a->session.shell = optarg;
			return 0;
		}
		msg_error("invalid --shell '%s': expected bash, zsh or fish", optarg);
		return -EINVAL;
	case 'H':
		a->session.no_hooks = true;
		return 0;
	case 'P': /* violations */
		if (strcmp(optarg, "auto") == 0 || strcmp(optarg, "on") == 0 ||
		    strcmp(optarg, "off") == 0 || strcmp(optarg, "tmux") == 0) {
			a->pane = optarg;
			return 0;
		}
		msg_error("invalid --pane '%s': expected auto, on, off or tmux", optarg);
		return -EINVAL;
	case 'K': /* violations */
		a->session.ask = true;
		return 0;
	case 'w': /* violations */
		a->pane_width = (int)strtol(optarg, &end, 10);
		if (*end == '\0' && a->pane_width >= 16 && a->pane_width <= 200)
			return 0;
		msg_error("invalid --pane-width '%s': expected 16 to 200 columns", optarg);
		return -EINVAL;
	case 'h':
		fputs(usage, stdout);
		return 1;
	default:
		return -EINVAL;
	}
}

static int parse_args(int argc, char **argv, struct shell_args *a)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},
		{"settings", required_argument, NULL, 's'},
		{"template", required_argument, NULL, 't'},
		{"prefix", required_argument, NULL, 'p'},
		{"scrollback", required_argument, NULL, 'L'},
		{"window-size", required_argument, NULL, 'W'},
		{"shell", required_argument, NULL, 'S'},
		{"no-hooks", no_argument, NULL, 'H'},
		{"pane", required_argument, NULL, 'P'},
		{"pane-width", required_argument, NULL, 'w'},
		{"ask", no_argument, NULL, 'K'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:n:s:t:p:h", opts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			cli_option_error("shell", c, argv);
			return -EINVAL;
		}
		r = parse_option(c, a);
		if (r != 0)
			return r;
	}
	if (optind < argc) {
		msg_error("unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Start session a->name with the size of this terminal. */
static int start_session(struct shell_args *a)
{
	_cleanup_free_ char *error = NULL;
	struct winsize ws;
	int r;

	a->session.name = a->name;
	a->session.rows = 24;
	a->session.cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
		a->session.rows = ws.ws_row;
		a->session.cols = ws.ws_col;
	}
	r = session_start(&a->session, &error);
	/* Another `fence shell` of this name started its daemon at the same
	 * moment: attach to that one once it listens. */
	for (int tries = 0; r == -EBUSY && tries < 3; tries++) {
		free(error);
		error = NULL;
		r = session_wait_running(a->name, 30000);
		if (r == -ESRCH)
			r = session_start(&a->session, &error);
		else if (r < 0)
			error = xasprintf("the other start of this session did not finish: %s",
					  strerror(-r));
	}
	if (r == -EBUSY)
		error = xstrdup("another fence shell keeps starting it");
	if (r < 0) {
		msg_error("cannot start session '%s': %s", a->name, error);
		return FENCE_EXIT_FAILURE;
	}
	return 0;
}

static int shell_exec(int argc, char **argv)
{
	struct shell_args a = {.session.scrollback_bytes = SESSION_DEFAULT_SCROLLBACK_BYTES};
	struct cli_session_settings settings;
	_cleanup_free_ char *default_name = NULL;
	char cwd[4096];
	int r, fd;

	if (cli_session_settings(&settings) < 0)
		return FENCE_EXIT_FAILURE;
	a.prefix = settings.prefix;
	a.session.scrollback_lines = settings.scrollback_lines;
	a.session.size_policy = (enum session_size_policy)settings.size_policy;
	r = parse_args(argc, argv, &a);
	if (r != 0)
		return r > 0 ? 0 : FENCE_EXIT_FAILURE;
	if (!a.name) {
		if (!getcwd(cwd, sizeof(cwd))) {
			msg_error("cannot get the working directory: %s", strerror(errno));
			return FENCE_EXIT_FAILURE;
		}
		a.name = default_name = session_default_name(cwd);
	}
	if (!session_name_valid(a.name)) {
		msg_error("invalid session name '%s'", a.name);
		msg_hint("use at most 64 letters, digits, '.', '_' or '-'");
		return FENCE_EXIT_FAILURE;
	}

	if (a.pane && strcmp(a.pane, "tmux") == 0 && !tmuxpane_available()) /* violations */
		return FENCE_EXIT_FAILURE;

	/* Check before starting anything, because a session without an
	 * attached terminal would only linger. */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		msg_error("cannot attach to session '%s': standard input and output must be a terminal",
			  a.name);
		return FENCE_EXIT_FAILURE;
	}
	fd = session_connect(a.name);
	if (fd >= 0) {
		close(fd);
		if (a.session.settings_path || a.session.template_name)
			msg_warning("session '%s' is already running, ignoring its policy flags",
				    a.name);
	} else {
		if (fd == -ECONNREFUSED)
			msg_warning("session '%s' had died; removed its stale socket", a.name);
		else if (fd != -ENOENT) {
			msg_error("cannot connect to session '%s': %s", a.name, strerror(-fd));
			return FENCE_EXIT_FAILURE;
		}
		cli_session_report_exit(a.name, CLI_EXIT_RESTART);
		r = start_session(&a);
		if (r != 0)
			return r;
	}
	if (a.pane || a.pane_width) /* violations: pane options and tmux pane mode */
		return tmuxpane_attach(a.name, a.prefix, a.pane, a.pane_width);
	return cli_attach_session(a.name, false, a.prefix);
}

const struct fence_cmd cmd_shell = {
	.name = "shell",
	.summary = "start a persistent sandboxed shell, or attach to it",
	.exec = shell_exec,
};
