/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-ls.c: 'fence ls [--json]'.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "session/session.h"
#include "util/util.h"

static const char usage[] = "Usage: fence ls [--json]\n"
			    "\n"
			    "List sessions: name, daemon pid, age, attached clients, working\n"
			    "directory and violation count.  Sockets of dead daemons are removed.\n"
			    "\n"
			    "  --json   one JSON array of objects\n";

/* Format an age in seconds as 45s, 12m, 3h or 2d. */
static void format_age(long long s, char *buf, size_t n)
{
	if (s < 60)
		snprintf(buf, n, "%llds", s);
	else if (s < 3600)
		snprintf(buf, n, "%lldm", s / 60);
	else if (s < 86400)
		snprintf(buf, n, "%lldh", s / 3600);
	else
		snprintf(buf, n, "%lldd", s / 86400);
}

static long long get_int(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

/* Ask one session for its info; returns an owned object or NULL. */
static json_object *query(const char *name)
{
	_cleanup_free_ char *reply = NULL;
	int r = session_command(name, "{\"cmd\":\"info\"}", NULL, &reply);

	if (r == -ECONNREFUSED) {
		msg_warning("session '%s' is not running; removed its stale socket", name);
		return NULL;
	}
	if (r < 0) {
		if (r != -ENOENT)
			msg_warning("cannot query session '%s': %s", name,
				    reply ? reply : strerror(-r));
		return NULL;
	}
	return json_tokener_parse(reply);
}

static void print_row(json_object *o)
{
	char age[32];

	format_age((long long)time(NULL) - get_int(o, "started"), age, sizeof(age));
	printf("%-24s %8lld %6s %7lld %10lld  %s\n", get_str(o, "name"), get_int(o, "pid"), age,
	       get_int(o, "clients"), get_int(o, "violations"), get_str(o, "cwd"));
}

static int ls_exec(int argc, char **argv)
{
	struct strv names = {0};
	json_object *all = json_object_new_array();
	bool json = false;
	int r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			json_object_put(all);
			return 0;
		} else {
			msg_error("unknown option '%s'", argv[i]);
			json_object_put(all);
			return FENCE_EXIT_FAILURE;
		}
	}
	r = session_list(&names);
	if (r < 0) {
		msg_error("cannot list sessions: %s", strerror(-r));
		json_object_put(all);
		return FENCE_EXIT_FAILURE;
	}
	for (size_t i = 0; i < names.n; i++) {
		json_object *o = query(names.v[i]);

		if (o)
			json_object_array_add(all, o);
	}
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY |
									JSON_C_TO_STRING_NOSLASHESCAPE));
	} else if (json_object_array_length(all) > 0) {
		printf("%-24s %8s %6s %7s %10s  %s\n", "NAME", "PID", "AGE", "CLIENTS",
		       "VIOLATIONS", "DIRECTORY");
		for (size_t i = 0; i < json_object_array_length(all); i++)
			print_row(json_object_array_get_idx(all, i));
	}
	json_object_put(all);
	strv_done(&names);
	return 0;
}

const struct fence_cmd cmd_ls = {
	.name = "ls",
	.summary = "list sessions",
	.exec = ls_exec,
};
