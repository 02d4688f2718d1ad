/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-attach.c: 'fence attach [NAME]', and attaching by name for
 * 'fence shell'.
 */
#include <getopt.h>
#include <json-c/json.h>
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

/* $XDG_CONFIG_HOME/fence/session.json, or under ~/.config. */
static char *settings_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		return xasprintf("%s/fence/session.json", xdg);
	return xasprintf("%s/.config/fence/session.json", home && home[0] == '/' ? home : "/");
}

/* Read the session settings file; a missing file leaves the defaults. */
static int read_settings(struct cli_session_settings *ret)
{
	_cleanup_free_ char *path = settings_path();
	json_object *o, *v;
	int r = 0;

	if (access(path, F_OK) < 0)
		return 0;
	o = json_object_from_file(path);
	if (!o || !json_object_is_type(o, json_type_object)) {
		msg_error("cannot read '%s': %s", path, json_util_get_last_err());
		json_object_put(o);
		return -EINVAL;
	}
	if (json_object_object_get_ex(o, "prefix", &v) &&
	    keys_parse_prefix(json_object_get_string(v), &ret->prefix) < 0) {
		msg_error("%s: invalid prefix key '%s'", path, json_object_get_string(v));
		r = -EINVAL;
	}
	if (json_object_object_get_ex(o, "scrollbackLines", &v)) {
		int64_t n = json_object_get_int64(v);

		if (!json_object_is_type(v, json_type_int) || n < 0 || n > 10000000) {
			msg_error("%s: scrollbackLines must be a number from 0 to 10000000", path);
			r = -EINVAL;
		}
		ret->scrollback_lines = (size_t)n;
	}
	if (json_object_object_get_ex(o, "windowSize", &v)) {
		const char *w = json_object_get_string(v);

		if (strcmp(w, "latest") == 0)
			ret->size_policy = SESSION_SIZE_LATEST;
		else if (strcmp(w, "smallest") == 0)
			ret->size_policy = SESSION_SIZE_SMALLEST;
		else {
			msg_error("%s: windowSize must be \"latest\" or \"smallest\"", path);
			r = -EINVAL;
		}
	}
	json_object_put(o);
	return r;
}

int cli_session_settings(struct cli_session_settings *ret)
{
	const char *env = getenv("FENCE_PREFIX");

	*ret = (struct cli_session_settings){
		.prefix = PTY_DEFAULT_PREFIX,
		.scrollback_lines = SESSION_DEFAULT_SCROLLBACK_LINES,
		.size_policy = SESSION_SIZE_LATEST,
	};
	if (read_settings(ret) < 0)
		return -EINVAL;
	if (!env || !*env)
		return 0;
	if (keys_parse_prefix(env, &ret->prefix) < 0) {
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
	struct cli_session_settings settings;
	unsigned char prefix;
	bool readonly = false;
	int c;

	if (cli_session_settings(&settings) < 0)
		return FENCE_EXIT_FAILURE;
	prefix = settings.prefix;
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
