/* SPDX-License-Identifier: MIT */
/*
 * util/util.c: allocation, string vectors, the debug log and the one
 * message format of fence.
 */
#include "util/util.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <stdlib.h>
#include <pwd.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		abort();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

void strv_push_take(struct strv *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(char *));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strv_push(struct strv *sv, const char *s)
{
	strv_push_take(sv, xstrdup(s));
}

void strv_pushf(struct strv *sv, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	strv_push_take(sv, s);
}

bool strv_contains(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void strv_done(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

void strv_push_upward(struct strv *sv, const char *dir, const char *const *names)
{
	_cleanup_free_ char *d = xstrdup(dir);

	for (;;) {
		char *slash = strrchr(d, '/');

		for (const char *const *n = names; n && *n; n++)
			strv_pushf(sv, "%s/%s", strcmp(d, "/") ? d : "", *n);
		if (!slash || strcmp(d, "/") == 0)
			break;
		if (slash == d)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

void strv_copy(struct strv *dst, const struct strv *src)
{
	for (size_t i = 0; i < src->n; i++)
		strv_push(dst, src->v[i]);
}

const char *home_directory(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && home[0] == '/')
		return home;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : "/";
}

int mkdir_parents(const char *path, unsigned mode)
{
	_cleanup_free_ char *p = xstrdup(path);

	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (p[0] && mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
			return -errno;
		if (!s)
			return 0;
		*s = '/';
	}
}

int fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			poll(&pfd, 1, -1);
			continue;
		}
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

size_t text_escape_controls(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p && o + 1 < size; p++) {
		bool c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;

		if (*p >= 0x20 && *p != 0x7f && !c1) {
			out[o++] = (char)*p;
			continue;
		}
		if (o + 5 >= size)
			break;
		if (c1)
			p++;
		o += (size_t)snprintf(out + o, size - o, "\\x%02x", *p);
	}
	out[o] = '\0';
	return o;
}

static FILE *log_file;
static char *log_path;
static unsigned long long log_size, log_limit;

void log_open(const char *path)
{
	struct stat st;

	int fd;

	if (log_file || !path || !*path)
		return;
	/* Only a regular file: a planted symlink or FIFO must not take the log. */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(log_file = fdopen(fd, "a"))) {
		close(fd);
		return;
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
	log_path = xstrdup(path);
	log_size = (unsigned long long)st.st_size;
}

void log_set_limit(unsigned long long max_bytes)
{
	log_limit = max_bytes;
}

/* Move the full log to PATH.1 and start an empty one. */
static void log_rotate(void)
{
	_cleanup_free_ char *old = xasprintf("%s.1", log_path);
	_cleanup_free_ char *path = TAKE_PTR(log_path);

	fclose(log_file);
	log_file = NULL;
	rename(path, old);
	log_open(path);
}

bool log_enabled(void)
{
	static bool checked;

	if (!checked) {
		checked = true;
		log_open(getenv("FENCE_LOG"));
	}
	return log_file != NULL;
}

void log_debug_at(const char *func, const char *fmt, ...)
{
	char text[2048], line[2048 + 128];
	struct timeval tv;
	size_t len, out = 0;
	va_list ap;
	int n;

	if (!log_enabled())
		return;
	gettimeofday(&tv, NULL);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof(line), "%lld.%06ld [%d] %s: ", (long long)tv.tv_sec,
		     (long)tv.tv_usec, (int)getpid(), func);
	out = n > 0 && (size_t)n < sizeof(line) ? (size_t)n : 0;
	/*
	 * A message may carry text from inside a sandbox (a host name, an
	 * init report): control characters are escaped, so that it cannot
	 * forge log lines or terminal sequences.
	 */
	len = strlen(text);
	for (size_t i = 0; i < len && out + 5 < sizeof(line); i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c == 0x7f)
			out += (size_t)snprintf(line + out, sizeof(line) - out, "\\x%02x", c);
		else
			line[out++] = (char)c;
	}
	line[out++] = '\n';
	fwrite(line, 1, out, log_file);
	log_size += out;
	if (log_limit && log_size > log_limit && log_path)
		log_rotate();
}

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "fence: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void msg_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void msg_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("hint: ", fmt, ap);
	va_end(ap);
}
