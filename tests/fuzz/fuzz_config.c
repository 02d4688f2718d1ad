/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_config.c: libFuzzer target for configuration loading:
 * the JSONC parser on raw bytes, then the whole loader (fields, extends,
 * merge), then a round trip through config_to_json, which must load back
 * to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/jsonc.h"
#include "policy/policy.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keep "@base" and relative `extends` away from the files of whoever runs the fuzzer. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	setenv("HOME", "/nonexistent-fence-fuzz", 1);
	setenv("XDG_CONFIG_HOME", "/nonexistent-fence-fuzz", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonc_value *tree = NULL;
	struct jsonc_error e;
	struct config_result res;
	char *text, *error = NULL;

	if (jsonc_parse((const char *)data, size, &tree, &e) == 1 && !tree)
		abort();
	jsonc_free(tree);

	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	if (config_load_string("fuzz.json", "/nonexistent-fence-fuzz", text, &res, &error) == 0) {
		struct config_result again;
		char *first = config_to_json(&res.config);
		char *second = NULL, *error2 = NULL;

		for (size_t i = 0; i < res.warnings.n; i++)
			if (strchr(res.warnings.v[i], '\n'))
				abort(); /* every warning is one line */
		if (config_load_string("round.json", NULL, first, &again, &error2) != 0)
			abort();
		second = config_to_json(&again.config);
		if (strcmp(first, second) != 0)
			abort();
		free(first);
		free(second);
		config_result_done(&again);
		config_result_done(&res);
	} else {
		if (!error || strchr(error, '\n'))
			abort(); /* every failure has exactly one message line */
		config_result_done(&res);
	}
	free(error);
	free(text);
	return 0;
}
