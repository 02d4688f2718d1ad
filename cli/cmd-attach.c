/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-attach.c: 'fence attach [NAME]', and attaching by name for
 * 'fence shell'.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "pty/pty.h"
#include "session/session.h"
#include "util/util.h"

static const char usage[] =
	"Usage: fence attach [--readonly] [--prefix KEY] [NAME]\n"
	"\n"
	"Attach this terminal to a running session.  Without NAME, attach to the\n"
	"only session, or list them when there are several.\n"
	"\n"
	"  -r, --readonly    watch without typing or resizing the session\n"
	"  -p, --prefix KEY  the prefix key, such as C-] (default) or C-a;\n"
	"                    prefix d detaches, prefix [ scrolls back,\n"
	"                    prefix twice sends it to the shell\n";

int cli_prefix_default(unsigned char *ret)
{
	const char *env = getenv("FENCE_PREFIX");

	*ret = PTY_DEFAULT_PREFIX;
	if (!env || !*env)
		return 0;
	if (keys_parse_prefix(env, ret) < 0) {
		msg_error("invalid prefix key '%s' in FENCE_PREFIX", env);
		msg_hint("use a control key such as C-] or C-a");
		return -EINVAL;
	}
	return 0;
}

int cli_attach_session(const char *name, bool readonly, unsigned char prefix)
{
	struct attach_options o = {.name = name, .readonly = readonly, .prefix = prefix};
	int fd = session_connect(name);

	if (fd == -ECONNREFUSED) {
		msg_error("session '%s' is not running; removed its stale socket", name);
		return FENCE_EXIT_FAILURE;
	}
	if (fd == -ENOENT) {
		msg_error("no session named '%s'", name);
		msg_hint("list sessions with 'fence ls'");
		return FENCE_EXIT_FAILURE;
	}
	if (fd < 0) {
		msg_error("cannot connect to session '%s': %s", name, strerror(-fd));
		return FENCE_EXIT_FAILURE;
	}
	return attach_run(fd, &o);
}

/* Pick the only session, or print the list and return NULL. */
static char *pick_only_session(void)
{
	struct strv names = {0};
	char *name = NULL;
	int r = session_list(&names);

	if (r < 0) {
		msg_error("cannot list sessions: %s", strerror(-r));
	} else if (names.n == 0) {
		msg_error("no sessions are running");
		msg_hint("start one with 'fence shell'");
	} else if (names.n == 1) {
		name = xstrdup(names.v[0]);
	} else {
		msg_error("%zu sessions are running; name one:", names.n);
		for (size_t i = 0; i < names.n; i++)
			fprintf(stderr, "  %s\n", names.v[i]);
	}
	strv_done(&names);
	return name;
}

static int attach_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{"readonly", no_argument, NULL, 'r'},
		{"prefix", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	_cleanup_free_ char *picked = NULL;
	unsigned char prefix;
	bool readonly = false;
	int c;

	if (cli_prefix_default(&prefix) < 0)
		return FENCE_EXIT_FAILURE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+rp:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			readonly = true;
			break;
		case 'p':
			if (keys_parse_prefix(optarg, &prefix) < 0) {
				msg_error("invalid prefix key '%s'", optarg);
				msg_hint("use a control key such as C-] or C-a");
				return FENCE_EXIT_FAILURE;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return FENCE_EXIT_FAILURE;
		}
	}
	if (argc - optind > 1) {
		msg_error("attach takes one session name");
		return FENCE_EXIT_FAILURE;
	}
	if (optind < argc && !session_name_valid(argv[optind])) {
		msg_error("invalid session name '%s'", argv[optind]);
		return FENCE_EXIT_FAILURE;
	}
	if (optind == argc) {
		picked = pick_only_session();
		if (!picked)
			return FENCE_EXIT_FAILURE;
	}
	return cli_attach_session(picked ? picked : argv[optind], readonly, prefix);
}

const struct fence_cmd cmd_attach = {
	.name = "attach",
	.summary = "attach to a running session",
	.exec = attach_exec,
};
