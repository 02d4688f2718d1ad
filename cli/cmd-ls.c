/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-ls.c: 'fence ls [--json]', and the info query that 'fence
 * attach' shares.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "session/session.h"
#include "util/util.h"

static const char usage[] =
	"Usage: fence ls [--json]\n"
	"\n"
	"List sessions: name, status, daemon pid, age, attached clients, blocked\n"
	"requests and working directory.  A session whose shell exited while no\n"
	"client was attached is listed as 'exited N' until 'fence attach NAME'\n"
	"reports it, a new session of that name starts, or a week has passed.\n"
	"Sockets of dead daemons are removed.\n"
	"\n"
	"  --json   one JSON array of objects, with \"state\": \"running\" or \"exited\"\n";

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

json_object *cli_session_info(const char *name)
{
	_cleanup_free_ char *reply = NULL;
	json_object *o;
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
	o = json_tokener_parse(reply);
	if (!o || !json_object_is_type(o, json_type_object)) {
		msg_warning("cannot query session '%s': malformed reply", name);
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(o, "state", json_object_new_string("running"));
	return o;
}

/* The JSON object 'fence ls' shows for an exit record. */
static json_object *exit_object(const char *name, const struct session_exit *e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "state", json_object_new_string("exited"));
	json_object_object_add(o, "status", json_object_new_int(e->status));
	json_object_object_add(o, "signal", json_object_new_int(e->signal));
	json_object_object_add(o, "started", json_object_new_int64(e->started));
	json_object_object_add(o, "ended", json_object_new_int64(e->ended));
	json_object_object_add(o, "cwd", json_object_new_string(e->cwd ? e->cwd : ""));
	return o;
}

/* Add the exit records of sessions that are not running to `all`. */
static void add_exited(json_object *all, const struct strv *running)
{
	struct strv names = {0};

	if (session_exit_list(&names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		struct session_exit e;

		if (strv_contains(running, names.v[i]) || session_exit_load(names.v[i], &e) < 0)
			continue;
		json_object_array_add(all, exit_object(names.v[i], &e));
		session_exit_done(&e);
	}
	strv_done(&names);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(get_str(*(json_object *const *)a, "name"),
		      get_str(*(json_object *const *)b, "name"));
}

/* A copy of s with control characters as '?', safe to print on a terminal. */
static char *printable(const char *s)
{
	char *out = xstrdup(s);

	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return out;
}

static void print_row(json_object *o, int name_width)
{
	bool exited = strcmp(get_str(o, "state"), "exited") == 0;
	_cleanup_free_ char *cwd = printable(get_str(o, "cwd"));
	char age[32], status[32], pid[24], clients[24], violations[24];

	session_format_age((long long)time(NULL) - get_int(o, "started"), age, sizeof(age));
	if (exited) {
		snprintf(status, sizeof(status), "exited %lld", get_int(o, "status"));
		strcpy(pid, "-");
		strcpy(clients, "-");
		strcpy(violations, "-");
	} else {
		snprintf(status, sizeof(status), "%s", get_int(o, "clients") ? "attached" : "detached");
		snprintf(pid, sizeof(pid), "%lld", get_int(o, "pid"));
		snprintf(clients, sizeof(clients), "%lld", get_int(o, "clients"));
		snprintf(violations, sizeof(violations), "%lld", get_int(o, "violations"));
	}
	printf("%-*s  %-10s %7s %5s %7s %10s  %s\n", name_width, get_str(o, "name"), status, pid,
	       age, clients, violations, cwd);
}

static void print_table(json_object *all)
{
	size_t n = json_object_array_length(all);
	int name_width = 4;

	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(get_str(json_object_array_get_idx(all, i), "name"));

		if (len > name_width)
			name_width = len;
	}
	printf("%-*s  %-10s %7s %5s %7s %10s  %s\n", name_width, "NAME", "STATUS", "PID", "AGE",
	       "CLIENTS", "VIOLATIONS", "DIRECTORY");
	for (size_t i = 0; i < n; i++)
		print_row(json_object_array_get_idx(all, i), name_width);
}

static int ls_exec(int argc, char **argv)
{
	struct strv names = {0}, running = {0};
	json_object *all;
	bool json = false;
	int r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		} else {
			msg_error(argv[i][0] == '-' ? "unknown option '%s'"
						    : "unexpected argument '%s': ls takes no session name",
				  argv[i]);
			msg_hint("usage: fence ls [--json]");
			return FENCE_EXIT_FAILURE;
		}
	}
	r = session_list(&names);
	if (r < 0) {
		msg_error("cannot list sessions: %s", strerror(-r));
		return FENCE_EXIT_FAILURE;
	}
	all = json_object_new_array();
	for (size_t i = 0; i < names.n; i++) {
		json_object *o = cli_session_info(names.v[i]);

		if (o) {
			json_object_array_add(all, o);
			strv_push(&running, names.v[i]);
		}
	}
	add_exited(all, &running);
	json_object_array_sort(all, by_name);
	if (json && json_object_array_length(all) == 0)
		printf("[]\n"); /* json-c would print "[", a newline and "]" */
	else if (json)
		printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY |
									JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (json_object_array_length(all) > 0)
		print_table(all);
	else
		fprintf(stderr, "fence: no sessions\n");
	json_object_put(all);
	strv_done(&names);
	strv_done(&running);
	return 0;
}

const struct fence_cmd cmd_ls = {
	.name = "ls",
	.summary = "list sessions",
	.exec = ls_exec,
};
