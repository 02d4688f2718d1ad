/* SPDX-License-Identifier: MIT */
/*
 * policy/values.c: the rules for single configuration values.
 *
 * The rules follow the Go tool's validation so that files valid there are
 * valid here, with fence's additions: domain patterns may carry a port and
 * IPv6 literals, and a trailing dot is dropped.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "policy/domain.h"
#include "policy/values.h"

const char *values_check_nonempty(char *s)
{
	return s[0] ? NULL : "must not be empty";
}

static bool is_ipv6(const char *s, size_t len)
{
	char buf[INET6_ADDRSTRLEN + 1];
	struct in6_addr a;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

/* Whether s is a decimal port from 1 to 65535. */
static bool is_port(const char *s)
{
	unsigned long v = 0;

	if (!s[0] || strlen(s) > 5)
		return false;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	return v >= 1 && v <= 65535;
}

/* Check the dotted host part of a domain pattern (no port, no IPv6). */
static const char *check_host_labels(const char *h, size_t len)
{
	bool wildcard = len >= 2 && h[0] == '*' && h[1] == '.';
	size_t labels = 0, label_len = 0;

	if ((len == 1 && h[0] == '*') || (len == 9 && strncasecmp(h, "localhost", 9) == 0))
		return NULL;
	if (wildcard) {
		h += 2;
		len -= 2;
	}
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? h[i] : '.';

		if (c == '.') {
			if (label_len == 0)
				return "a domain pattern has no empty labels (no leading, repeated or lone dots)";
			labels++;
			label_len = 0;
		} else if (c == '*') {
			return "'*' is allowed only as the whole pattern or as a leading '*.'";
		} else if (!isalnum((unsigned char)c) && c != '-' && c != '_') {
			return "a domain name has only letters, digits, '-', '_' and dots";
		} else {
			label_len++;
		}
	}
	if (labels < 2)
		return wildcard ? "'*.' must be followed by two or more labels, as in '*.example.com'"
				: "a domain needs two or more labels, unless it is 'localhost' or '*'";
	return NULL;
}

/*
 * Parse an accepted pattern with the network filter's own parser too, so a
 * configuration that loads can never fail later when the proxy compiles
 * it.  The reason is kept in a per-thread buffer, as the checks return
 * static text.
 */
static const char *check_with_filter(const char *s)
{
	static __thread char reason[160];
	struct domain_pattern p;
	char *error = NULL;

	if (domain_pattern_parse(s, &p, &error) == 0) {
		domain_pattern_done(&p);
		return NULL;
	}
	snprintf(reason, sizeof(reason), "%s", error ? error : "rejected by the network filter");
	free(error);
	return reason;
}

const char *values_check_domain(char *s)
{
	const char *colon, *reason;
	size_t host_len;

	if (!s[0])
		return "must not be empty";
	if (strstr(s, "://"))
		return "a domain pattern has no scheme, only the host name";
	if (strchr(s, '/'))
		return "a domain pattern has no path, only the host name";

	/* A bracketed IPv6 address, with an optional port. */
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || !is_ipv6(s + 1, (size_t)(end - s - 1)))
			return "'[...]' must hold an IPv6 address";
		if (end[1] == '\0')
			return NULL;
		if (end[1] != ':' || !is_port(end + 2))
			return "the port after ']:' must be a number from 1 to 65535";
		return NULL;
	}

	/* Two or more colons: a bare IPv6 address, which cannot carry a port. */
	colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':'))
		return is_ipv6(s, strlen(s)) ? NULL : "not a valid IPv6 address (write '[ADDR]:PORT' for a port)";

	host_len = colon ? (size_t)(colon - s) : strlen(s);
	if (colon && !is_port(colon + 1))
		return "the port after ':' must be a number from 1 to 65535";

	/* A trailing dot names the same host; drop it so matching sees one spelling. */
	if (host_len > 1 && s[host_len - 1] == '.' && s[host_len - 2] != '.') {
		memmove(s + host_len - 1, s + host_len, strlen(s + host_len) + 1);
		host_len--;
	}
	reason = check_host_labels(s, host_len);
	return reason ? reason : check_with_filter(s);
}

const char *values_check_ssh_host(char *s)
{
	const char *colon;

	if (!s[0])
		return "must not be empty";
	if (strstr(s, "://"))
		return "an ssh host pattern has no scheme";
	if (strchr(s, '/'))
		return "an ssh host pattern has no '/'";
	if (strchr(s, '@'))
		return "an ssh host pattern has no user; write the host only";
	colon = strchr(s, ':');
	if (colon && !strchr(colon + 1, ':'))
		return "':' is allowed only in IPv6 addresses; ssh ports are not part of the pattern";
	return NULL;
}

const char *values_check_device(char *s)
{
	if (strncmp(s, "/dev/", 5) != 0 || s[5] == '\0')
		return "must be a path under /dev/, such as '/dev/kvm'";
	return NULL;
}

const char *values_check_basename(char *s)
{
	if (!s[0])
		return "must not be empty";
	if (strchr(s, '/'))
		return "must be a command name without '/'";
	return NULL;
}

const char *values_check_mach(char *s)
{
	const char *star = strchr(s, '*');

	if (!s[0])
		return "must not be empty";
	if (star && star[1] != '\0')
		return "'*' is allowed only at the end ('prefix*' or '*')";
	return NULL;
}

const char *values_check_env_pattern(char *s)
{
	const char *star = strchr(s, '*');

	if (!s[0])
		return "must not be empty";
	if (strchr(s, '='))
		return "a variable name has no '='";
	if (star && star[1] != '\0')
		return "'*' is allowed only once, at the end ('AWS_*' or '*')";
	return NULL;
}

static const char *const registry_tools[] = { "npm", "yarn", "pip", "cargo", "go", "brew", NULL };

const char *const *values_registry_tools(void)
{
	return registry_tools;
}

const char *values_check_registry(char *s)
{
	for (size_t i = 0; registry_tools[i]; i++)
		if (strcmp(s, registry_tools[i]) == 0)
			return NULL;
	return "must be one of 'npm', 'yarn', 'pip', 'cargo', 'go', 'brew'";
}

const char *values_check_upstream(char *s)
{
	static const char form[] = "must be 'http://host[:port]', without credentials, path or query";
	const char *host, *port = NULL, *end;

	if (strncasecmp(s, "http://", 7) != 0)
		return form;
	host = s + 7;
	end = host + strlen(host);
	if (end > host && end[-1] == '/')
		end--;
	if (end == host || memchr(host, '/', (size_t)(end - host)) || strpbrk(host, "@?#"))
		return form;
	if (host[0] == '[') {
		const char *close = memchr(host, ']', (size_t)(end - host));

		if (!close || !is_ipv6(host + 1, (size_t)(close - host - 1)))
			return form;
		if (close + 1 < end) {
			if (close[1] != ':')
				return form;
			port = close + 2;
		}
	} else {
		const char *colon = memchr(host, ':', (size_t)(end - host));

		if (colon == host)
			return form;
		if (colon)
			port = colon + 1;
	}
	if (port) {
		char buf[8];
		size_t k = (size_t)(end - port);

		if (k == 0 || k >= sizeof(buf))
			return form;
		memcpy(buf, port, k);
		buf[k] = '\0';
		if (!is_port(buf))
			return form;
	}
	return NULL;
}

const char *values_check_local_port(long long port)
{
	if (port == 3128 || port == 1080)
		return "3128 and 1080 are the sandbox's own proxy ports";
	return NULL;
}

char *values_quote(const char *s)
{
	size_t n = 0, cap = 128;
	char *out = xmalloc(cap);

	out[n++] = '\'';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (n > 80) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		if (*p < 0x20 || *p == 0x7f || *p == '\'' || *p == '\\')
			n += (size_t)snprintf(out + n, cap - n, "\\x%02x", *p);
		else
			out[n++] = (char)*p;
	}
	out[n++] = '\'';
	out[n] = '\0';
	return out;
}

char *values_join(const struct strv *sv, const char *sep)
{
	size_t len = 0, k = strlen(sep);
	char *out, *p;

	if (sv->n == 0)
		return NULL;
	for (size_t i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + k;
	out = p = xmalloc(len + 1);
	for (size_t i = 0; i < sv->n; i++) {
		if (i) {
			memcpy(p, sep, k);
			p += k;
		}
		p = stpcpy(p, sv->v[i]);
	}
	*p = '\0';
	return out;
}

static size_t hash_string(const char *s)
{
	size_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Place s in the first free slot of its probe sequence; the table has room. */
static void set_insert(const char **slots, size_t cap, const char *s)
{
	size_t i = hash_string(s) & (cap - 1);

	while (slots[i])
		i = (i + 1) & (cap - 1);
	slots[i] = s;
}

bool values_set_add(struct values_set *set, const char *s)
{
	size_t i;

	if (set->cap) {
		for (i = hash_string(s) & (set->cap - 1); set->slots[i]; i = (i + 1) & (set->cap - 1))
			if (strcmp(set->slots[i], s) == 0)
				return false;
	}
	/* Keep the load factor at most one half, so probe runs stay short. */
	if (2 * (set->n + 1) > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		const char **slots = xcalloc(cap, sizeof(*slots));

		for (i = 0; i < set->cap; i++)
			if (set->slots[i])
				set_insert(slots, cap, set->slots[i]);
		free(set->slots);
		set->slots = slots;
		set->cap = cap;
	}
	set_insert(set->slots, set->cap, s);
	set->n++;
	return true;
}

void values_set_done(struct values_set *set)
{
	free(set->slots);
	memset(set, 0, sizeof(*set));
}

void values_strv_append_unique(struct strv *dst, const struct strv *src)
{
	struct values_set seen = { 0 };
	size_t old_n = dst->n;

	for (size_t i = 0; i < old_n; i++)
		values_set_add(&seen, dst->v[i]);
	for (size_t i = 0; i < src->n; i++) {
		/* Check against the source's own string: strv_push may move dst's array. */
		if (values_set_add(&seen, src->v[i]))
			strv_push(dst, src->v[i]);
	}
	values_set_done(&seen);
}

void values_intv_append_unique(struct intv *dst, const struct intv *src)
{
	/* Entries are ports, but any int is handled: out-of-range values use a linear check. */
	_cleanup_free_ unsigned char *seen = xcalloc(65536 / 8, 1);

	for (size_t i = 0; i < dst->n; i++)
		if (dst->v[i] >= 0 && dst->v[i] < 65536)
			seen[dst->v[i] / 8] |= (unsigned char)(1u << (dst->v[i] % 8));
	for (size_t i = 0; i < src->n; i++) {
		int v = src->v[i];

		if (v >= 0 && v < 65536) {
			if (seen[v / 8] & (1u << (v % 8)))
				continue;
			seen[v / 8] |= (unsigned char)(1u << (v % 8));
		} else {
			bool found = false;

			for (size_t k = 0; k < dst->n && !found; k++)
				found = dst->v[k] == v;
			if (found)
				continue;
		}
		dst->v = xrealloc(dst->v, (dst->n + 1) * sizeof(*dst->v));
		dst->v[dst->n++] = v;
	}
}
