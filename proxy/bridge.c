/* SPDX-License-Identifier: MIT */
/*
 * proxy/bridge.c: everything one sandbox needs on the host side of the
 * network: the proxies, the private socket directories, the host halves
 * of the local-outbound and -p reverse bridges, the relays the init
 * must run inside, and the proxy variables.
 *
 * Host layout (DIR made by mkdtemp, 0700):
 *   DIR/net/http.sock, socks.sock      the proxies   -> inside /tmp/fence/net (read-only)
 *   DIR/net/local-P.sock, local6-P.sock  allowLocalOutboundPorts, to host 127.0.0.1:P / [::1]:P
 *   DIR/rev/port-P.sock                made inside for -p, -> inside /tmp/fence/rev (writable)
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proxy/internal.h"

#define INSIDE_NET_DIR "/tmp/fence/net"
#define INSIDE_REV_DIR "/tmp/fence/rev"
#define INSIDE_HTTP_PORT 3128
#define INSIDE_SOCKS_PORT 1080

static void add_relay(struct bridge *b, struct relay *r)
{
	b->relays = xrealloc(b->relays, (b->n_relays + 1) * sizeof(*b->relays));
	b->relays[b->n_relays++] = r;
}

static void add_inside(struct bridge *b, const char *listen, const char *target)
{
	strv_push(&b->inside_listen, listen);
	strv_push(&b->inside_target, target);
}

/* Set NAME and its lower-case twin to value. */
static void set_env_pair(struct strv *env, const char *name, const char *value)
{
	_cleanup_free_ char *lower = xstrdup(name);

	for (char *c = lower; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	strv_pushf(env, "%s=%s", name, value);
	strv_pushf(env, "%s=%s", lower, value);
}

/* The proxy variables curl, git, npm, pip and yarn read. */
static void build_env(struct bridge *b, int http_port, int socks_port)
{
	_cleanup_free_ char *http = xasprintf("http://127.0.0.1:%d", http_port);
	_cleanup_free_ char *socks = xasprintf("socks5h://127.0.0.1:%d", socks_port);

	set_env_pair(&b->env, "HTTP_PROXY", http);
	set_env_pair(&b->env, "HTTPS_PROXY", http);
	set_env_pair(&b->env, "ALL_PROXY", socks);
	set_env_pair(&b->env, "NO_PROXY", "localhost,127.0.0.1,::1");
	strv_pushf(&b->env, "npm_config_proxy=%s", http);
	strv_pushf(&b->env, "npm_config_https_proxy=%s", http);
	strv_pushf(&b->env, "npm_config_noproxy=localhost,127.0.0.1,::1");
	strv_pushf(&b->env, "YARN_HTTP_PROXY=%s", http);
	strv_pushf(&b->env, "YARN_HTTPS_PROXY=%s", http);
	strv_pushf(&b->env, "PIP_PROXY=%s", http);
	strv_pushf(&b->env, "FENCE_HTTP_PROXY=%s", http);
	strv_pushf(&b->env, "FENCE_SOCKS_PROXY=%s", socks);
}

/* Bridge each allowLocalOutboundPorts port from inside to the host's loopback. */
static int start_local_outbound(uv_loop_t *loop, struct bridge *b, const struct fence_network *n,
				bool allowed, char **ret_error)
{
	if (!allowed || n->allow_local_outbound_ports.n == 0) {
		if (allowed)
			strv_push(&b->notices,
				  "allowLocalOutbound is set but allowLocalOutboundPorts is empty, so "
				  "connections to loopback inside the sandbox are refused");
		return 0;
	}
	for (size_t i = 0; i < n->allow_local_outbound_ports.n; i++) {
		int port = n->allow_local_outbound_ports.v[i];
		_cleanup_free_ char *sock4 = xasprintf("unix:%s/net/local-%d.sock", b->dir, port);
		_cleanup_free_ char *sock6 = xasprintf("unix:%s/net/local6-%d.sock", b->dir, port);
		_cleanup_free_ char *host4 = xasprintf("tcp:127.0.0.1:%d", port);
		_cleanup_free_ char *host6 = xasprintf("tcp:[::1]:%d", port);
		_cleanup_free_ char *in4 = xasprintf("tcp:127.0.0.1:%d", port);
		_cleanup_free_ char *in6 = xasprintf("?tcp:[::1]:%d", port);
		_cleanup_free_ char *t4 = xasprintf("unix:" INSIDE_NET_DIR "/local-%d.sock", port);
		_cleanup_free_ char *t6 = xasprintf("unix:" INSIDE_NET_DIR "/local6-%d.sock", port);
		struct relay *r;
		int e;

		e = relay_start(loop, sock4, host4, &r, ret_error);
		if (e < 0)
			return e;
		add_relay(b, r);
		e = relay_start(loop, sock6, host6, &r, ret_error);
		if (e < 0)
			return e;
		add_relay(b, r);
		add_inside(b, in4, t4);
		add_inside(b, in6, t6);
	}
	return 0;
}

/* Parse a -p value: PORT, ADDR:PORT or [V6]:PORT (ADDR an IP literal). */
static int parse_publish(const char *spec, char **ret_listen, int *ret_port)
{
	struct domain_host h;
	int port;
	char *end;
	long v = strtol(spec, &end, 10);

	if (*spec && *end == '\0') {
		if (v < 1 || v > 65535)
			return -EINVAL;
		*ret_port = (int)v;
		*ret_listen = xasprintf("tcp:127.0.0.1:%ld", v);
		return 0;
	}
	if (http_parse_authority(spec, strlen(spec), 0, &h, &port) < 0 || port == 0 ||
	    h.kind == DOMAIN_NAME)
		return -EINVAL;
	*ret_port = port;
	*ret_listen = h.kind == DOMAIN_IPV6 ? xasprintf("tcp:[%s]:%d", h.name, port)
					    : xasprintf("tcp:%s:%d", h.name, port);
	return 0;
}

/* -p: the host listens and relays into the sandbox's 127.0.0.1:PORT. */
static int start_reverse(uv_loop_t *loop, struct bridge *b, const struct strv *ports,
			 char **ret_error)
{
	for (size_t i = 0; ports && i < ports->n; i++) {
		_cleanup_free_ char *listen = NULL, *sock = NULL, *in_sock = NULL, *in_target = NULL;
		struct relay *r;
		int port, e;

		if (parse_publish(ports->v[i], &listen, &port) < 0) {
			*ret_error = xasprintf("invalid -p value '%s' (expected PORT, ADDR:PORT or "
					       "[IPV6]:PORT)",
					       ports->v[i]);
			return -EINVAL;
		}
		sock = xasprintf("unix:%s/rev/port-%zu-%d.sock", b->dir, i, port);
		in_sock = xasprintf("unix:" INSIDE_REV_DIR "/port-%zu-%d.sock", i, port);
		in_target = xasprintf("tcp:127.0.0.1:%d", port);
		e = relay_start(loop, listen, sock, &r, ret_error);
		if (e < 0)
			return e;
		add_relay(b, r);
		add_inside(b, in_sock, in_target);
	}
	return 0;
}

/*
 * Remove everything below the directory fd dfd, then close it.  Entries
 * are opened with O_NOFOLLOW relative to their parent, so a symlink that
 * the sandbox left in rev/ is removed itself and never followed.
 */
static void remove_entries(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		int sub;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno != EISDIR)
			continue;
		sub = openat(dirfd(d), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			remove_entries(sub);
		unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* Remove dir and everything in it: sockets, and what the sandbox left in rev/. */
static void remove_dir(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (dfd >= 0)
		remove_entries(dfd);
	rmdir(dir);
}

/*
 * Remove the socket directories of runs that were killed before they could
 * clean up: fence-net-PID-XXXXXX of this user whose PID no longer exists.
 */
static void sweep_stale_dirs(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		struct stat st;
		int pid;

		if (sscanf(de->d_name, "fence-net-%d-", &pid) != 1 || pid <= 0)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		path = xasprintf("%s/%s", base, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		log_debug("removing '%s' left by a run that ended without cleaning up", path);
		remove_dir(path);
	}
	if (d)
		closedir(d);
}

/*
 * Make DIR with net/ inside, and rev/ when -p publishes ports, all 0700.
 * rev/ is writable inside (the init creates the -p sockets there), so it
 * exists only when needed and bridge_close empties it completely.
 */
static int make_dirs(struct bridge *b, bool reverse, char **ret_error)
{
	const char *base = getenv("TMPDIR");
	_cleanup_free_ char *tmpl = NULL, *net = NULL, *rev = NULL;

	if (!base || base[0] != '/' || strlen(base) > 60)
		base = "/tmp";
	sweep_stale_dirs(base);
	tmpl = xasprintf("%s/fence-net-%d-XXXXXX", base, (int)getpid());
	if (!mkdtemp(tmpl)) {
		*ret_error = xasprintf("cannot create a socket directory in %s: %s", base,
				       strerror(errno));
		return -errno;
	}
	b->dir = TAKE_PTR(tmpl);
	net = xasprintf("%s/net", b->dir);
	rev = xasprintf("%s/rev", b->dir);
	if (mkdir(net, 0700) < 0) {
		*ret_error = xasprintf("cannot create %s: %s", net, strerror(errno));
		return -errno;
	}
	strv_push(&b->bind_src, net);
	strv_push(&b->bind_dst, INSIDE_NET_DIR);
	if (!reverse)
		return 0;
	if (mkdir(rev, 0700) < 0) {
		*ret_error = xasprintf("cannot create %s: %s", rev, strerror(errno));
		return -errno;
	}
	strv_push(&b->bind_src, rev);
	strv_push(&b->bind_dst, INSIDE_REV_DIR);
	return 0;
}

int bridge_start(uv_loop_t *loop, const struct bridge_options *o, struct bridge **ret,
		 char **ret_error)
{
	struct bridge *b = xcalloc(1, sizeof(*b));
	_cleanup_free_ char *net = NULL;
	struct proxy_options po = {
		.network = &o->config->network,
		.on_event = o->on_event,
		.userdata = o->userdata,
		.listen_tcp = !o->isolated,
	};
	int e;

	e = make_dirs(b, o->isolated && o->ports && o->ports->n > 0, ret_error);
	if (e < 0)
		goto fail;
	net = xasprintf("%s/net", b->dir);
	po.socket_dir = o->isolated ? net : NULL;
	e = proxy_start(loop, &po, &b->proxy, ret_error);
	if (e < 0)
		goto fail;
	if (o->isolated) {
		add_inside(b, "tcp:127.0.0.1:3128", "unix:" INSIDE_NET_DIR "/http.sock");
		add_inside(b, "tcp:127.0.0.1:1080", "unix:" INSIDE_NET_DIR "/socks.sock");
		build_env(b, INSIDE_HTTP_PORT, INSIDE_SOCKS_PORT);
		e = start_local_outbound(loop, b, &o->config->network,
					 config_allow_local_outbound(o->config), ret_error);
		if (e == 0)
			e = start_reverse(loop, b, o->ports, ret_error);
		if (e < 0)
			goto fail;
	} else {
		build_env(b, proxy_http_port(b->proxy), proxy_socks_port(b->proxy));
		if (o->ports && o->ports->n > 0)
			strv_push(&b->notices, "-p has no effect without a network namespace: a "
					       "server inside already listens on the host network");
	}
	*ret = b;
	return 0;
fail:
	bridge_close(b);
	return e;
}

void bridge_close(struct bridge *b)
{
	if (!b)
		return;
	proxy_close(b->proxy);
	for (size_t i = 0; i < b->n_relays; i++)
		relay_close(b->relays[i]);
	free(b->relays);
	if (b->dir)
		remove_dir(b->dir);
	free(b->dir);
	strv_done(&b->inside_listen);
	strv_done(&b->inside_target);
	strv_done(&b->bind_src);
	strv_done(&b->bind_dst);
	strv_done(&b->env);
	strv_done(&b->notices);
	free(b);
}
