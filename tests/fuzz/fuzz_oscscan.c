/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_oscscan.c: the OSC side-scanner on arbitrary PTY output.
 *
 * Besides memory errors, the target checks the scanner's contract: the
 * input cut into reads at two offsets taken from its first bytes yields
 * the same events as one read.  It also runs the timeline on the input,
 * whose hook vetoes must respect the rate limit however many marks come.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/oscscan.h"
#include "session/timeline.h"

/* A running hash of the events, so logs of any size compare cheaply. */
struct digest {
	uint64_t hash;
	size_t count;
};

static void mix(struct digest *d, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		d->hash = (d->hash ^ p[i]) * 0x100000001b3ULL;
}

static void on_event(const struct oscscan_event *ev, void *userdata)
{
	struct digest *d = userdata;

	mix(d, &ev->type, sizeof(ev->type));
	mix(d, &ev->status, sizeof(ev->status));
	if (ev->text) {
		if (strlen(ev->text) > ev->text_len)
			abort();
		mix(d, ev->text, ev->text_len);
	}
	if (ev->detail) {
		if (strlen(ev->detail) > ev->detail_len)
			abort();
		mix(d, ev->detail, ev->detail_len);
	}
	d->count++;
}

static struct digest scan(const uint8_t *data, size_t len, size_t a, size_t b)
{
	struct digest d = { 0xcbf29ce484222325ULL, 0 };
	struct oscscan s;

	oscscan_init(&s, on_event, &d);
	oscscan_feed(&s, data, a);
	oscscan_feed(&s, data + a, b - a);
	oscscan_feed(&s, data + b, len - b);
	oscscan_done(&s);
	return d;
}

/* Count the vetoes the timeline lets through; check what it stored. */
static void on_veto(const struct timeline_violation *v, uint64_t dropped, void *userdata)
{
	if (strlen(v->target) == 0 || strlen(v->target) > TIMELINE_VETO_MAX_LINE ||
	    strcmp(v->kind, "command") != 0)
		abort();
	(*(size_t *)userdata)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct digest whole, cut;
	struct timeline t;
	size_t a = 0, b = 0, vetoes = 0;

	if (len >= 2) {
		a = data[0] % (len + 1);
		b = a + data[1] % (len - a + 1);
	}
	whole = scan(data, len, 0, 0);
	cut = scan(data, len, a, b);
	if (whole.hash != cut.hash || whole.count != cut.count)
		abort();

	timeline_init(&t, 4, NULL, NULL);
	timeline_set_veto_callback(&t, on_veto, &vetoes);
	timeline_feed(&t, data, a, 1);
	timeline_feed(&t, data + a, len - a, 2);
	for (size_t i = 0; i < timeline_count(&t); i++)
		free(timeline_command_json(timeline_get(&t, i)));
	for (size_t i = 0; i < timeline_violation_count(&t); i++)
		free(timeline_violation_json(timeline_violation_get(&t, i)));
	/* Both feeds fall within one interval: only the burst may pass. */
	if (vetoes > TIMELINE_VETO_BURST)
		abort();
	timeline_done(&t);
	return 0;
}
