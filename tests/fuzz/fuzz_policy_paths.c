/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_policy_paths.c: the mount planner's string handling on
 * arbitrary input: policy path normalisation and the socket paths taken
 * from environment variables (DOCKER_HOST, D-Bus addresses, TMUX).
 *
 * The first line is a policy path, every further line one NAME=VALUE
 * environment entry.  Besides memory errors, the target checks that a
 * normalised path is absolute and canonical in form, and that every
 * socket path taken from the environment is absolute.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "platform/linux/fspath.h"
#include "platform/linux/sockscan.h"

/* Abort unless path is absolute, without empty or "." components or a trailing slash. */
static void check_normalised(const char *path)
{
	size_t n = strlen(path);

	if (path[0] != '/' || strstr(path, "//") || strstr(path, "/./"))
		abort();
	if (n > 1 && (path[n - 1] == '/' || strcmp(path + n - 2, "/.") == 0))
		abort();
	if (fspath_depth(path) > n)
		abort();
	if (!fspath_under(path, "/") || !fspath_under(path, path))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = strndup((const char *)data, size);
	struct strv env = { 0 }, found = { 0 };
	char *save = NULL, *line, *abs;

	if (!text)
		return 0;
	line = strtok_r(text, "\n", &save);
	if (line) {
		abs = fspath_absolute(line, "/work/project", "/home/user");
		check_normalised(abs);
		free(abs);
	}
	while ((line = strtok_r(NULL, "\n", &save)))
		strv_push(&env, line);

	sockscan_env_paths(env.v, &found);
	for (size_t i = 0; i < found.n; i++)
		if (found.v[i][0] != '/')
			abort();
	strv_done(&found);
	strv_done(&env);
	free(text);
	return 0;
}
