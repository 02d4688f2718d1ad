/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_import.c: both importers and the JSON writer on arbitrary
 * settings text.  The first byte chooses the importer: odd for Claude Code
 * settings, even for the sandbox runtime's (the seeds start with '1' and '0').
 */
#include <stdint.h>
#include <string.h>

#include "policy/policy.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_result r;
	char *error = NULL;
	char *text;
	int ret;

	if (size < 1)
		return 0;
	text = xstrndup((const char *)data + 1, size - 1);
	if (data[0] & 1)
		ret = import_claude("fuzz.json", text, "/home/fuzz", &r, &error);
	else
		ret = import_srt("fuzz.json", text, &r, &error);
	if (ret == 0) {
		free(import_to_json(&r.config, "code"));
		import_result_done(&r);
	}
	free(error);
	free(text);
	return 0;
}
