/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_import.c: both importers and the JSON writer on arbitrary
 * settings text.  The first byte chooses the importer: odd for Claude Code
 * settings, even for the sandbox runtime's (the seeds start with '1' and '0').
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A successful import must give a configuration that fence loads, as
 * 'fence import' checks before writing it; anything else is a bug. */
static void check_result_loads(const struct fence_config *c)
{
	char *json = import_to_json(c, NULL);
	char *error = NULL;
	struct config_result res;

	if (config_load_string("converted", NULL, json, &res, &error) < 0) {
		fprintf(stderr, "converted configuration does not load: %s\n%s", error, json);
		abort();
	}
	config_result_done(&res);
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_result r;
	char *error = NULL;
	const char *text = (const char *)data + 1;
	int ret;

	if (size < 1)
		return 0;
	if (data[0] & 1)
		ret = import_claude("fuzz.json", text, size - 1, "/home/fuzz", &r, &error);
	else
		ret = import_srt("fuzz.json", text, size - 1, &r, &error);
	if (ret == 0) {
		check_result_loads(&r.config);
		free(import_to_json(&r.config, "code"));
		import_result_done(&r);
	}
	free(error);
	return 0;
}
