/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_socks.c: the SOCKS5 greeting and request parsers and
 * the host normalization behind them, on arbitrary bytes.
 */
#include <stdint.h>

#include "proxy/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct socks5_request req;
	struct domain_host h;
	bool noauth;
	int n = socks5_parse_greeting(data, size, &noauth);

	if (n > 0 && socks5_parse_request(data + n, size - (size_t)n, &req) > 0)
		socks5_request_host(&req, &h);
	if (socks5_parse_request(data, size, &req) > 0)
		socks5_request_host(&req, &h);
	domain_host_parse((const char *)data, size, &h);
	return 0;
}
