/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_askline.c: the ask mode's pending text for a host name
 * the sandbox chose.
 *
 * The first byte picks the width (16 to 271 columns), the rest is the
 * host.  Besides memory errors, the target checks the layout's contract:
 * every line fits the width (one line for the overlay), and the port,
 * the countdown and the key legend are always there.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/violation_session.h"

/* Abort unless every '\n'-separated line of text is at most width bytes. */
static void check_lines(const char *text, int width, bool one_line)
{
	for (const char *p = text; p;) {
		size_t n = strcspn(p, "\n");

		if ((int)n > width)
			abort();
		if (one_line && p[n])
			abort();
		p = p[n] ? p + n + 1 : NULL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *host, *pane, *overlay;
	int width;

	if (size < 2)
		return 0;
	width = 16 + data[0];
	host = strndup((const char *)data + 1, size - 1);
	if (!host || !host[0] || strchr(host, '\n')) {
		free(host);
		return 0;
	}
	pane = violation_ask_format(host, 65535, 300, true, width, false);
	overlay = violation_ask_format(host, 65535, 300, true, width + 60, true);
	check_lines(pane, width, false);
	check_lines(overlay, width + 60, true);
	if (!strstr(pane, ":65535") || !strstr(pane, "y once") || !strstr(pane, "n deny") ||
	    !strstr(overlay, ":65535 300s"))
		abort();
	free(pane);
	free(overlay);
	free(host);
	return 0;
}
