/* SPDX-License-Identifier: MIT */
/*
 * policy/domain.c: parsing and matching of network filter patterns.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "policy/domain.h"

#define HOST_NAME_MAX_LEN 253

/* Whether c may appear in a host name (underscores occur in real DNS names). */
static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/*
 * Check that s[0..len) is a dotted name without empty labels and copy it
 * in lower case into out (size > len).  Returns the number of labels, or
 * -EINVAL.
 */
static int name_normalize(const char *s, size_t len, char *out)
{
	int labels = 1;
	size_t label_len = 0;

	if (len == 0 || len > HOST_NAME_MAX_LEN)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!name_char(s[i]))
			return -EINVAL;
		if (s[i] == '.') {
			if (label_len == 0)
				return -EINVAL;
			labels++;
			label_len = 0;
		} else if (++label_len > 63) {
			return -EINVAL;
		}
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[len] = '\0';
	if (label_len == 0)
		return -EINVAL;
	return labels;
}

/* Parse an IPv6 literal (no brackets); a v4-mapped one becomes IPv4. */
static int parse_ipv6(const char *s, size_t len, struct domain_host *ret)
{
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char a[16];
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1)
		return -EINVAL;
	memset(ret->addr, 0, sizeof(ret->addr));
	if (memcmp(a, mapped, sizeof(mapped)) == 0) {
		ret->kind = DOMAIN_IPV4;
		memcpy(ret->addr, a + 12, 4);
		inet_ntop(AF_INET, ret->addr, ret->name, sizeof(ret->name));
	} else {
		ret->kind = DOMAIN_IPV6;
		memcpy(ret->addr, a, 16);
		inet_ntop(AF_INET6, ret->addr, ret->name, sizeof(ret->name));
	}
	return 0;
}

/*
 * Parse s as an IPv4 address in any form inet_aton() takes (127.1,
 * 0x7f.0.0.1, 2130706433), because resolvers treat those as addresses
 * too.  The caller has checked that s holds only name characters, so
 * glibc's tolerance of trailing blanks cannot apply.
 */
static bool parse_ipv4(const char *s, struct domain_host *ret)
{
	struct in_addr in;

	if (inet_aton(s, &in) == 0)
		return false;
	ret->kind = DOMAIN_IPV4;
	memset(ret->addr, 0, sizeof(ret->addr));
	memcpy(ret->addr, &in, 4);
	inet_ntop(AF_INET, ret->addr, ret->name, sizeof(ret->name));
	return true;
}

int domain_host_parse(const char *host, size_t len, struct domain_host *ret)
{
	char lower[HOST_NAME_MAX_LEN + 2];
	int r;

	memset(ret, 0, sizeof(*ret));
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
		return parse_ipv6(host + 1, len - 2, ret);
	if (memchr(host, ':', len))
		return parse_ipv6(host, len, ret);
	if (len > 1 && host[len - 1] == '.')
		len--;
	r = name_normalize(host, len, lower);
	if (r < 0)
		return r;
	if (parse_ipv4(lower, ret))
		return 0;
	ret->kind = DOMAIN_NAME;
	memcpy(ret->name, lower, len + 1);
	return 0;
}

/* Parse ":PORT" digits into 1..65535; returns the port or -EINVAL. */
static int parse_port(const char *s, size_t len)
{
	int port = 0;

	if (len == 0 || len > 5)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		port = port * 10 + (s[i] - '0');
	}
	if (port < 1 || port > 65535)
		return -EINVAL;
	return port;
}

/* Split "host[:port]" or "[v6][:port]"; a bare IPv6 literal has no port. */
static int split_pattern_port(const char *text, size_t *ret_host_len, int *ret_port)
{
	size_t len = strlen(text);
	const char *colon;

	*ret_port = 0;
	*ret_host_len = len;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close)
			return -EINVAL;
		*ret_host_len = (size_t)(close - text) + 1;
		if (close[1] == '\0')
			return 0;
		if (close[1] != ':')
			return -EINVAL;
		*ret_port = parse_port(close + 2, strlen(close + 2));
		return *ret_port < 0 ? -EINVAL : 0;
	}
	colon = strchr(text, ':');
	if (!colon || strchr(colon + 1, ':'))
		return 0;
	*ret_host_len = (size_t)(colon - text);
	*ret_port = parse_port(colon + 1, strlen(colon + 1));
	return *ret_port < 0 ? -EINVAL : 0;
}

/* Fill p from the host part of a pattern; returns 0 or a message. */
static const char *pattern_host(struct domain_pattern *p, const char *host, size_t len)
{
	struct domain_host h;
	char lower[HOST_NAME_MAX_LEN + 2];
	int labels;

	if (len == 1 && host[0] == '*') {
		p->kind = DOMAIN_ANY;
		return NULL;
	}
	if (len > 2 && host[0] == '*' && host[1] == '.') {
		if (host[len - 1] == '.')
			len--;
		labels = name_normalize(host + 2, len - 2, lower);
		if (labels < 0 || memchr(host + 2, '*', len - 2))
			return "a wildcard must be '*.' followed by a domain name";
		if (labels < 2)
			return "a wildcard needs at least two labels after '*.' (like *.example.com)";
		p->kind = DOMAIN_WILDCARD;
		p->name = xasprintf(".%s", lower);
		return NULL;
	}
	if (memchr(host, '*', len))
		return "'*' is allowed only alone or as a leading '*.'";
	if (domain_host_parse(host, len, &h) < 0)
		return "not a valid host name or IP address";
	p->kind = h.kind;
	memcpy(p->addr, h.addr, sizeof(p->addr));
	if (h.kind != DOMAIN_NAME)
		return NULL;
	if (!strchr(h.name, '.') && strcmp(h.name, "localhost") != 0)
		return "a single-label name is not allowed (write the full domain name)";
	p->name = xstrdup(h.name);
	return NULL;
}

int domain_pattern_parse(const char *text, struct domain_pattern *ret, char **ret_error)
{
	const char *why;
	size_t host_len;
	int port;

	memset(ret, 0, sizeof(*ret));
	if (!*text)
		why = "an empty entry is not allowed";
	else if (strstr(text, "://") || strchr(text, '/'))
		why = "must be a host name, not a URL or path";
	else if (split_pattern_port(text, &host_len, &port) < 0)
		why = "the port must be a number from 1 to 65535";
	else
		why = pattern_host(ret, text, host_len);
	if (why) {
		domain_pattern_done(ret);
		*ret_error = xasprintf("invalid domain pattern '%s': %s", text, why);
		return -EINVAL;
	}
	ret->port = port;
	ret->text = xstrdup(text);
	return 0;
}

void domain_pattern_done(struct domain_pattern *p)
{
	free(p->name);
	free(p->text);
	p->name = p->text = NULL;
}

int domain_list_parse(struct domain_list *ret, const struct strv *patterns, char **ret_error)
{
	for (size_t i = 0; i < patterns->n; i++) {
		struct domain_pattern p;
		int r = domain_pattern_parse(patterns->v[i], &p, ret_error);

		if (r < 0)
			return r;
		ret->v = xrealloc(ret->v, (ret->n + 1) * sizeof(*ret->v));
		ret->v[ret->n++] = p;
	}
	return 0;
}

void domain_list_done(struct domain_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		domain_pattern_done(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Whether one pattern matches a normalized host on a port. */
static bool pattern_matches(const struct domain_pattern *p, const struct domain_host *h, int port)
{
	size_t hl, sl;

	if (p->port && p->port != port)
		return false;
	switch (p->kind) {
	case DOMAIN_ANY:
		return true;
	case DOMAIN_NAME:
		return h->kind == DOMAIN_NAME && strcmp(h->name, p->name) == 0;
	case DOMAIN_WILDCARD:
		if (h->kind != DOMAIN_NAME)
			return false;
		hl = strlen(h->name);
		sl = strlen(p->name);
		return hl > sl && strcmp(h->name + hl - sl, p->name) == 0;
	case DOMAIN_IPV4:
		return h->kind == DOMAIN_IPV4 && memcmp(h->addr, p->addr, 4) == 0;
	case DOMAIN_IPV6:
		return h->kind == DOMAIN_IPV6 && memcmp(h->addr, p->addr, 16) == 0;
	}
	return false;
}

const struct domain_pattern *domain_list_match(const struct domain_list *l,
					       const struct domain_host *host, int port)
{
	for (size_t i = 0; i < l->n; i++)
		if (pattern_matches(&l->v[i], host, port))
			return &l->v[i];
	return NULL;
}

int domain_filter_init(struct domain_filter *f, const struct strv *allowed,
		       const struct strv *denied, char **ret_error)
{
	_cleanup_free_ char *why = NULL;

	memset(f, 0, sizeof(*f));
	if (domain_list_parse(&f->allowed, allowed, &why) < 0) {
		*ret_error = xasprintf("allowedDomains: %s", why);
		domain_filter_done(f);
		return -EINVAL;
	}
	if (domain_list_parse(&f->denied, denied, &why) < 0) {
		*ret_error = xasprintf("deniedDomains: %s", why);
		domain_filter_done(f);
		return -EINVAL;
	}
	return 0;
}

void domain_filter_done(struct domain_filter *f)
{
	domain_list_done(&f->allowed);
	domain_list_done(&f->denied);
}

enum domain_verdict domain_filter_check(const struct domain_filter *f,
					const struct domain_host *host, int port,
					const char **ret_rule)
{
	const struct domain_pattern *p;
	enum domain_verdict v;

	if ((p = domain_list_match(&f->denied, host, port)))
		v = DOMAIN_DENIED;
	else if ((p = domain_list_match(&f->allowed, host, port)))
		v = DOMAIN_ALLOWED;
	else
		v = DOMAIN_NOT_ALLOWED;
	if (ret_rule)
		*ret_rule = p ? p->text : NULL;
	return v;
}

const char *domain_verdict_to_string(enum domain_verdict v)
{
	switch (v) {
	case DOMAIN_ALLOWED:
		return "allowed";
	case DOMAIN_DENIED:
		return "denied";
	case DOMAIN_NOT_ALLOWED:
		return "not allowed";
	}
	return "unknown";
}
