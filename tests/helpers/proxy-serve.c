/* SPDX-License-Identifier: MIT */
/*
 * tests/helpers/proxy-serve.c: run fence's proxies or relays alone, for
 * tests and benchmarks that point real clients at them.
 *
 *   proxy-serve [-m] [-d] [--allow PATTERN]... [--deny PATTERN]...
 *               [--socket-dir DIR] [--ports-file FILE] [--resolve NAME=IP]...
 *               [--upstream http://HOST:PORT]
 *   proxy-serve --relay LISTEN=TARGET...
 *
 * Writes "HTTP_PORT SOCKS_PORT" to --ports-file once listening (written
 * to a temporary name and renamed, so a reader never sees half a line),
 * prints -m/-d lines on stderr and runs until SIGTERM or SIGINT.
 */
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "proxy/proxy.h"

static uv_loop_t *loop;
static struct proxy *proxy;

static void on_signal(uv_signal_t *s, int signum)
{
	if (proxy)
		proxy_close(proxy);
	proxy = NULL;
	uv_stop(loop);
}

static int write_ports(const char *path, int http, int socks)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "we");

	if (!f)
		return -errno;
	fprintf(f, "%d %d\n", http, socks);
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "allow", required_argument, NULL, 'a' },
		{ "deny", required_argument, NULL, 'D' },
		{ "socket-dir", required_argument, NULL, 's' },
		{ "ports-file", required_argument, NULL, 'p' },
		{ "relay", required_argument, NULL, 'r' },
		{ "no-tcp", no_argument, NULL, 'n' },
		{ "resolve", required_argument, NULL, 'R' },
		{ "upstream", required_argument, NULL, 'U' },
		{ 0 },
	};
	struct fence_network net = { 0 };
	struct proxy_log log = { .out = stderr };
	struct strv relays = { 0 }, resolve = { 0 };
	const char *ports_file = NULL;
	struct proxy_options o = { .network = &net, .listen_tcp = true };
	uv_signal_t sigterm, sigint;
	char *err = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "md", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			log.monitor = true;
			break;
		case 'd':
			log.debug = true;
			break;
		case 'a':
			strv_push(&net.allowed_domains, optarg);
			break;
		case 'D':
			strv_push(&net.denied_domains, optarg);
			break;
		case 's':
			o.socket_dir = optarg;
			break;
		case 'p':
			ports_file = optarg;
			break;
		case 'r':
			strv_push(&relays, optarg);
			break;
		case 'n':
			o.listen_tcp = false;
			break;
		case 'R':
			strv_push(&resolve, optarg);
			break;
		case 'U':
			net.upstream_proxy = optarg;
			break;
		default:
			return 2;
		}
	}
	if (relays.n > 0)
		return relay_run_specs(relays.v, relays.n) < 0 ? 1 : 0;

	loop = uv_default_loop();
	o.on_event = proxy_log_event;
	o.resolve = &resolve;
	o.userdata = &log;
	if (proxy_start(loop, &o, &proxy, &err) < 0) {
		fprintf(stderr, "proxy-serve: %s\n", err);
		return 1;
	}
	uv_signal_init(loop, &sigterm);
	uv_signal_start(&sigterm, on_signal, SIGTERM);
	uv_signal_init(loop, &sigint);
	uv_signal_start(&sigint, on_signal, SIGINT);
	if (ports_file && write_ports(ports_file, proxy_http_port(proxy), proxy_socks_port(proxy)) < 0) {
		perror("proxy-serve: ports file");
		return 1;
	}
	uv_run(loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&sigterm, NULL);
	uv_close((uv_handle_t *)&sigint, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_loop_close(loop);
	strv_done(&net.allowed_domains);
	strv_done(&net.denied_domains);
	return 0;
}
