/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_proxy.c: the proxy library as the session daemon uses
 * it: proxy_start on a loop, events through the callback, and
 * proxy_set_domains changing the filter of a running proxy.
 *
 * The loop runs in the test's thread; a client thread talks to the proxy
 * with blocking sockets and wakes the loop through a uv_async_t when done.
 */
#include <arpa/inet.h>
#include <check.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "proxy/proxy.h"

struct fixture {
	uv_loop_t loop;
	uv_async_t done;
	struct proxy *proxy;
	int http_port;
	int target_port; /* a listening socket nobody accepts on: CONNECT still succeeds */
	int target_fd;
	int allowed_set; /* set by the loop thread once proxy_set_domains ran */
	int done_calls;
	char replies[2][256];
	struct proxy_event_copy {
		enum proxy_event_kind kind;
		char host[64];
		char reason[128];
		int status;
	} events[16];
	int n_events;
};

static void on_event(const struct proxy_event *ev, void *userdata)
{
	struct fixture *f = userdata;
	struct proxy_event_copy *e;

	if (f->n_events == (int)ELEMENTSOF(f->events))
		return;
	e = &f->events[f->n_events++];
	e->kind = ev->kind;
	e->status = ev->status;
	snprintf(e->host, sizeof(e->host), "%s", ev->host);
	snprintf(e->reason, sizeof(e->reason), "%s", ev->reason ? ev->reason : "");
}

/* Send one CONNECT, read the proxy's status line into buf and return the open socket. */
static int open_tunnel(int port, const char *target, char *buf, size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char req[256];
	ssize_t n;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	snprintf(req, sizeof(req), "CONNECT %s HTTP/1.1\r\n\r\n", target);
	ck_assert_int_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	return fd;
}

/* Send one CONNECT and read the proxy's status line into buf. */
static void connect_through(int port, const char *target, char *buf, size_t size)
{
	close(open_tunnel(port, target, buf, size));
}

static void client_thread(void *arg)
{
	struct fixture *f = arg;
	char target[64];

	connect_through(f->http_port, "127.0.0.1:1", f->replies[0], sizeof(f->replies[0]));
	snprintf(target, sizeof(target), "127.0.0.1:%d", f->target_port);
	uv_async_send(&f->done); /* on_done then allows 127.0.0.1 */
	while (!__atomic_load_n(&f->allowed_set, __ATOMIC_SEQ_CST))
		usleep(1000);
	connect_through(f->http_port, target, f->replies[1], sizeof(f->replies[1]));
	uv_async_send(&f->done);
}

static void on_done(uv_async_t *a)
{
	struct fixture *f = a->data;
	struct strv allowed = { 0 }, denied = { 0 };
	char *err = NULL;

	if (f->done_calls++ == 0) {
		strv_push(&allowed, "127.0.0.1");
		ck_assert_int_eq(proxy_set_domains(f->proxy, &allowed, &denied, &err), 0);
		strv_done(&allowed);
		__atomic_store_n(&f->allowed_set, 1, __ATOMIC_SEQ_CST);
		return;
	}
	proxy_close(f->proxy);
	uv_close((uv_handle_t *)a, NULL);
}

/* Open a listening socket on addr; its backlog completes the proxy's connect. */
static int listen_at(const char *addr, int *ret_port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, addr, &sin.sin_addr);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	*ret_port = ntohs(sin.sin_port);
	return fd;
}

static int listen_any(int *ret_port)
{
	return listen_at("127.0.0.1", ret_port);
}

/* Two tunnels, to 127.0.0.1 and 127.0.0.2; after "deny 127.0.0.2" only the first may stay. */
struct deny_fixture {
	uv_loop_t loop;
	uv_async_t wake;
	struct proxy *proxy;
	int http_port, port_a, port_b;
	int denied_set, wakes;
	char replies[2][256];
	ssize_t read_b; /* what read() on the denied tunnel returned */
	int poll_a; /* poll() on the kept tunnel: 0 while it stays open and quiet */
};

static void deny_client(void *arg)
{
	struct deny_fixture *f = arg;
	char target[64], byte;
	int a, b;

	snprintf(target, sizeof(target), "127.0.0.1:%d", f->port_a);
	a = open_tunnel(f->http_port, target, f->replies[0], sizeof(f->replies[0]));
	snprintf(target, sizeof(target), "127.0.0.2:%d", f->port_b);
	b = open_tunnel(f->http_port, target, f->replies[1], sizeof(f->replies[1]));
	uv_async_send(&f->wake); /* the loop now denies 127.0.0.2 */
	while (!__atomic_load_n(&f->denied_set, __ATOMIC_SEQ_CST))
		usleep(1000);
	/* Blocks until the proxy closes the tunnel; the test timeout catches a hang. */
	f->read_b = read(b, &byte, 1);
	f->poll_a = poll(&(struct pollfd){ .fd = a, .events = POLLIN }, 1, 300);
	close(a);
	close(b);
	uv_async_send(&f->wake);
}

static void on_deny_wake(uv_async_t *a)
{
	struct deny_fixture *f = a->data;
	struct strv allowed = { 0 }, denied = { 0 };
	char *err = NULL;

	if (f->wakes++ == 0) {
		strv_push(&allowed, "127.0.0.1");
		strv_push(&allowed, "127.0.0.2");
		strv_push(&denied, "127.0.0.2");
		ck_assert_int_eq(proxy_set_domains(f->proxy, &allowed, &denied, &err), 0);
		strv_done(&allowed);
		strv_done(&denied);
		__atomic_store_n(&f->denied_set, 1, __ATOMIC_SEQ_CST);
		return;
	}
	proxy_close(f->proxy);
	uv_close((uv_handle_t *)a, NULL);
}

START_TEST(deny_closes_open_tunnels_to_the_host)
{
	struct deny_fixture *f = xcalloc(1, sizeof(*f));
	struct fence_network net = { 0 };
	struct proxy_options o = { .network = &net, .listen_tcp = true };
	int fd_a = listen_at("127.0.0.1", &f->port_a), fd_b = listen_at("127.0.0.2", &f->port_b);
	uv_thread_t thread;
	char *err = NULL;

	strv_push(&net.allowed_domains, "127.0.0.1");
	strv_push(&net.allowed_domains, "127.0.0.2");
	ck_assert_int_eq(uv_loop_init(&f->loop), 0);
	ck_assert_int_eq(proxy_start(&f->loop, &o, &f->proxy, &err), 0);
	f->http_port = proxy_http_port(f->proxy);
	uv_async_init(&f->loop, &f->wake, on_deny_wake);
	f->wake.data = f;
	uv_thread_create(&thread, deny_client, f);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	uv_thread_join(&thread);
	ck_assert_int_eq(uv_loop_close(&f->loop), 0);

	ck_assert_ptr_nonnull(strstr(f->replies[0], "HTTP/1.1 200 Connection Established"));
	ck_assert_ptr_nonnull(strstr(f->replies[1], "HTTP/1.1 200 Connection Established"));
	ck_assert_int_le(f->read_b, 0);
	ck_assert_int_eq(f->poll_a, 0);
	strv_done(&net.allowed_domains);
	close(fd_a);
	close(fd_b);
	free(f);
}
END_TEST

START_TEST(set_domains_changes_a_running_filter)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct fence_network net = { 0 };
	struct proxy_options o = { .network = &net, .listen_tcp = true, .on_event = on_event };
	uv_thread_t thread;
	char *err = NULL;

	o.userdata = f;
	f->target_fd = listen_any(&f->target_port);
	ck_assert_int_eq(uv_loop_init(&f->loop), 0);
	ck_assert_int_eq(proxy_start(&f->loop, &o, &f->proxy, &err), 0);
	f->http_port = proxy_http_port(f->proxy);
	ck_assert_int_gt(f->http_port, 0);
	uv_async_init(&f->loop, &f->done, on_done);
	f->done.data = f;
	uv_thread_create(&thread, client_thread, f);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	uv_thread_join(&thread);
	ck_assert_int_eq(uv_loop_close(&f->loop), 0);

	ck_assert_ptr_nonnull(strstr(f->replies[0], "HTTP/1.1 403 Forbidden"));
	ck_assert_ptr_nonnull(strstr(f->replies[0], "127.0.0.1:1 (not in allowedDomains)"));
	ck_assert_ptr_nonnull(strstr(f->replies[1], "HTTP/1.1 200 Connection Established"));
	ck_assert_int_ge(f->n_events, 4);
	ck_assert_int_eq(f->events[0].kind, PROXY_EVENT_FILTER);
	ck_assert_int_eq(f->events[1].kind, PROXY_EVENT_BLOCKED);
	ck_assert_int_eq(f->events[1].status, 403);
	ck_assert_str_eq(f->events[1].host, "127.0.0.1");
	ck_assert_str_eq(f->events[1].reason, "not in allowedDomains");
	ck_assert_int_eq(f->events[2].kind, PROXY_EVENT_FILTER);
	ck_assert_int_eq(f->events[3].kind, PROXY_EVENT_ALLOWED);
	ck_assert_int_eq(f->events[3].status, 200);
	close(f->target_fd);
	free(f);
}
END_TEST

START_TEST(invalid_pattern_fails_start_with_message)
{
	struct fence_network net = { 0 };
	struct proxy_options o = { .network = &net, .listen_tcp = true };
	struct proxy *p = NULL;
	uv_loop_t loop;
	char *err = NULL;

	strv_push(&net.denied_domains, "*.com");
	uv_loop_init(&loop);
	ck_assert_int_eq(proxy_start(&loop, &o, &p, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "deniedDomains: invalid domain pattern '*.com'"));
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	free(err);
	strv_done(&net.denied_domains);
}
END_TEST

static Suite *proxy_suite(void)
{
	Suite *s = suite_create("proxy");
	TCase *tc = tcase_create("proxy_start");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, set_domains_changes_a_running_filter);
	tcase_add_test(tc, invalid_pattern_fails_start_with_message);
	tcase_add_test(tc, deny_closes_open_tunnels_to_the_host);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(proxy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
