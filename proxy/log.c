/* SPDX-License-Identifier: MIT */
/*
 * proxy/log.c: the [fence:http], [fence:socks] and [fence:filter] lines
 * that -m and -d print.
 *
 *   [fence:http] 14:03:07 ✗ blocked CONNECT example.com:443 (not in allowedDomains)
 *   [fence:http] 14:03:08 ✓ GET     200 127.0.0.1:8080 http://127.0.0.1:8080/x (3ms)
 *   [fence:socks] 14:03:09 ✗ CONNECT example.com:443 BLOCKED (not in allowedDomains)
 *   [fence:filter] deny example.com:443 (not in allowedDomains)
 */
#include <string.h>
#include <time.h>

#include "proxy/internal.h"

#define LOG_URL_MAX 60

/* "host:port", with IPv6 literals in brackets. */
static void format_target(const struct proxy_event *ev, char *buf, size_t size)
{
	if (strchr(ev->host, ':'))
		snprintf(buf, size, "[%s]:%d", ev->host, ev->port);
	else
		snprintf(buf, size, "%s:%d", ev->host, ev->port);
}

static const char *mark(const struct proxy_event *ev)
{
	switch (ev->kind) {
	case PROXY_EVENT_ALLOWED:
		return "✓";
	case PROXY_EVENT_BLOCKED:
		return "✗";
	default:
		return "!";
	}
}

static size_t format_filter(const struct proxy_event *ev, const char *target, char *buf,
			    size_t size)
{
	int n;

	if (ev->verdict == DOMAIN_ALLOWED)
		n = snprintf(buf, size, "[fence:filter] allow %s (rule \"%s\")", target,
			     ev->rule ? ev->rule : "?");
	else
		n = snprintf(buf, size, "[fence:filter] deny %s (%s)", target, ev->reason);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

size_t proxy_log_format(const struct proxy_event *ev, char *buf, size_t size)
{
	const char *tag = ev->source == PROXY_SOURCE_HTTP ? "http" : "socks";
	char target[300], url[LOG_URL_MAX + 4] = "", clock[16];
	struct tm tm;
	int n;

	format_target(ev, target, sizeof(target));
	if (ev->kind == PROXY_EVENT_FILTER)
		return format_filter(ev, target, buf, size);
	localtime_r(&ev->time, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	if (ev->url) {
		size_t l = strlen(ev->url);

		if (l > LOG_URL_MAX)
			snprintf(url, sizeof(url), " %.*s…", LOG_URL_MAX - 1, ev->url);
		else
			snprintf(url, sizeof(url), " %s", ev->url);
	}
	if (ev->kind == PROXY_EVENT_BLOCKED && ev->source == PROXY_SOURCE_HTTP)
		n = snprintf(buf, size, "[fence:http] %s ✗ blocked %s %s (%s)", clock, ev->method,
			     target, ev->reason);
	else if (ev->source == PROXY_SOURCE_SOCKS)
		n = snprintf(buf, size, "[fence:socks] %s %s CONNECT %s %s%s%s%s", clock, mark(ev),
			     target,
			     ev->kind == PROXY_EVENT_ALLOWED   ? "ALLOWED"
			     : ev->kind == PROXY_EVENT_BLOCKED ? "BLOCKED"
							       : "FAILED",
			     ev->reason ? " (" : "", ev->reason ? ev->reason : "",
			     ev->reason ? ")" : "");
	else
		n = snprintf(buf, size, "[fence:%s] %s %s %-7s %d %s%s (%s%s%llums)", tag, clock,
			     mark(ev), ev->method, ev->status, target, url,
			     ev->reason ? ev->reason : "", ev->reason ? ", " : "",
			     (unsigned long long)ev->duration_ms);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void proxy_log_event(const struct proxy_event *ev, void *userdata)
{
	const struct proxy_log *log = userdata;
	char line[1024];
	bool show;

	switch (ev->kind) {
	case PROXY_EVENT_FILTER:
	case PROXY_EVENT_ALLOWED:
		show = log->debug;
		break;
	default:
		show = log->debug || log->monitor;
		break;
	}
	if (!show)
		return;
	proxy_log_format(ev, line, sizeof(line));
	fprintf(log->out ? log->out : stderr, "%s\n", line);
	fflush(log->out ? log->out : stderr);
}
