/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-attach.c: 'fence attach [NAME]', and attaching by name for
 * 'fence shell'.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "pty/pty.h"
#include "session/session.h"
#include "util/util.h"

static const char usage[] =
	"Usage: fence attach [--readonly] [--prefix KEY] [NAME]\n"
	"\n"
	"Attach this terminal to a running session.  Without NAME, attach to the\n"
	"most recently used one (attached, typed into or detached last).  If\n"
	"session NAME ended while no client was attached, print its exit status\n"
	"and exit with it.\n"
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

int cli_session_report_exit(const char *name, enum cli_exit_report reporter)
{
	_cleanup_free_ char *summary = NULL;
	struct session_exit e;
	char age[32], sig[32] = "";
	int status;

	if (session_exit_load(name, &e) < 0) {
		/* A record that cannot be read reports nothing, now or later. */
		session_exit_remove(name);
		return -1;
	}
	status = e.status;
	session_format_age((long long)(time(NULL) - e.ended), age, sizeof(age));
	if (e.signal)
		snprintf(sig, sizeof(sig), " (signal %d)", e.signal);
	summary = xasprintf("session '%s' ended with status %d%s %s ago", name, status, sig, age);
	switch (reporter) {
	case CLI_EXIT_ATTACH:
		/* The line an attached client would have printed, then when. */
		fprintf(status ? stderr : stdout, "[session '%s' ended with status %d]\n", name,
			status);
		msg_hint("it ended %s ago while no client was attached; 'fence shell --name %s' "
			 "starts a new one", age, name);
		break;
	case CLI_EXIT_RESTART:
		msg_warning("%s while detached; starting a new one", summary);
		break;
	case CLI_EXIT_KILL:
		msg_error("%s; there is nothing left to kill", summary);
		break;
	case CLI_EXIT_LIST:
		fprintf(stderr, "fence: %s\n", summary);
		break;
	}
	session_exit_remove(name);
	session_exit_done(&e);
	return status;
}

int cli_attach_session(const char *name, bool readonly, unsigned char prefix)
{
	struct attach_options o = {.name = name, .readonly = readonly, .prefix = prefix};
	int fd = session_connect(name), status;

	if (fd == -ECONNREFUSED) {
		msg_error("session '%s' is not running; removed its stale socket", name);
		return FENCE_EXIT_FAILURE;
	}
	if (fd == -ENOENT) {
		/* Ended while detached: report it as the client would have. */
		status = cli_session_report_exit(name, CLI_EXIT_ATTACH);
		if (status >= 0)
			return status;
		msg_error("no session named '%s'", name);
		msg_hint("list sessions with 'fence ls', or start this one with "
			 "'fence shell --name %s'", name);
		return FENCE_EXIT_FAILURE;
	}
	if (fd < 0) {
		msg_error("cannot connect to session '%s': %s", name, strerror(-fd));
		return FENCE_EXIT_FAILURE;
	}
	return attach_run(fd, &o);
}

/* When a running session was last used (ms), as its daemon reports. */
static int64_t used_ms(json_object *info)
{
	json_object *v;

	if (json_object_object_get_ex(info, "used_ms", &v))
		return json_object_get_int64(v);
	if (json_object_object_get_ex(info, "started", &v))
		return json_object_get_int64(v) * 1000;
	return 0;
}

/* Report the exit records of sessions that ended while detached. */
static void report_all_exits(void)
{
	struct strv names = {0};

	if (session_exit_list(&names) == 0)
		for (size_t i = 0; i < names.n; i++)
			cli_session_report_exit(names.v[i], CLI_EXIT_LIST);
	strv_done(&names);
}

/*
 * Pick the session to attach to without a name: the most recently used
 * running one, as tmux does, naming it on the first line.  Returns NULL
 * after an error when none runs.
 */
static char *pick_session(void)
{
	struct strv names = {0};
	char *best = NULL;
	int64_t best_used = -1;
	size_t running = 0;
	int r = session_list(&names);

	if (r < 0) {
		msg_error("cannot list sessions: %s", strerror(-r));
		return NULL;
	}
	for (size_t i = 0; i < names.n; i++) {
		json_object *info = cli_session_info(names.v[i]);
		int64_t used;

		if (!info)
			continue;
		running++;
		used = used_ms(info);
		json_object_put(info);
		if (used > best_used) {
			best_used = used;
			free(best);
			best = xstrdup(names.v[i]);
		}
	}
	strv_done(&names);
	if (!best) {
		msg_error("no sessions are running");
		report_all_exits();
		msg_hint("start one with 'fence shell'");
		return NULL;
	}
	if (running > 1)
		fprintf(stderr, "fence: attaching to session '%s', the most recently used of %zu\n",
			best, running);
	else
		fprintf(stderr, "fence: attaching to session '%s'\n", best);
	return best;
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
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:rp:h", opts, NULL)) != -1) {
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
			return cli_option_error("attach", c, argv);
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
		picked = pick_session();
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
