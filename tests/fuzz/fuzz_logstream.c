/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_logstream.c: the `log stream` line reader and parser.
 * Process names in the log come from sandboxed programs, so the parser
 * reads text an attacker chooses.
 */
#include <stdint.h>

#include "platform/macos/logstream.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_line(const char *line, void *userdata)
{
	struct logstream_event ev;

	(void)userdata;
	if (logstream_parse_line(line, &ev) == 1)
		free(logstream_format(&ev, "00:00:00"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logstream_reader reader = {0};

	logstream_reader_feed(&reader, (const char *)data, size, on_line, NULL);
	logstream_reader_feed(&reader, "\n", 1, on_line, NULL);
	logstream_reader_done(&reader);
	return 0;
}
