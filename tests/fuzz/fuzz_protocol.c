/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_protocol.c: the session protocol decoder and payload
 * parsers on arbitrary bytes, as the daemon runs them on what a client
 * sends: fed in pieces, every decoded frame parsed by every parser.
 */
#include <stddef.h>
#include <stdint.h>

#include "session/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_decoder d = {0};
	struct proto_frame f;
	size_t off = 0;

	/* The first byte picks the piece size, so splits get explored too. */
	size_t piece = size ? (size_t)data[0] % 64 + 1 : 1;

	while (off < size) {
		size_t n = size - off < piece ? size - off : piece;
		int r = proto_decoder_feed(&d, data + off, n);

		off += n;
		if (r < 0)
			break;
		while ((r = proto_decoder_next(&d, &f)) == 1) {
			struct proto_hello h;
			struct proto_command c;
			int rows, cols, status;

			proto_parse_hello(f.payload, f.len, &h);
			proto_parse_resize(f.payload, f.len, &rows, &cols);
			proto_parse_command(f.payload, f.len, &c);
			proto_parse_exit(f.payload, f.len, &status);
		}
		if (r < 0)
			break;
	}
	proto_decoder_done(&d);
	return 0;
}
