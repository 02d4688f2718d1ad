/* SPDX-License-Identifier: MIT */
/*
 * session/violation.c: the violation bus, its ring and its JSON Lines log.
 *
 * The log is written with one write(2) per record on an O_APPEND file, so
 * a record is either wholly in the file or not at all, even when the
 * daemon is killed.  When the next record would push the file past the
 * size limit, the file is renamed to NAME.jsonl.1 (replacing the older
 * .1) and a new one is started: the newest records are always kept, and
 * `fence violations` reads .1 then the live file.
 */
#include "session/violation.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

static const char *const kind_names[VIOLATION_KIND_COUNT] = {
	[VIOLATION_NET] = "net",	 [VIOLATION_FILE] = "file",
	[VIOLATION_EXEC] = "exec",	 [VIOLATION_COMMAND] = "command",
	[VIOLATION_SYSCALL] = "syscall",
};

static const char *const source_names[VIOLATION_SOURCE_COUNT] = {
	[VIOLATION_SOURCE_HTTP] = "http",     [VIOLATION_SOURCE_SOCKS] = "socks",
	[VIOLATION_SOURCE_COMMAND] = "command", [VIOLATION_SOURCE_EXEC] = "exec",
	[VIOLATION_SOURCE_PROMPT] = "prompt", [VIOLATION_SOURCE_EBPF] = "ebpf",
	[VIOLATION_SOURCE_HOOK] = "hook",
};

static const char *const action_names[VIOLATION_ACTION_COUNT] = {
	[VIOLATION_DENIED] = "denied",
	[VIOLATION_ALLOWED] = "allowed",
	[VIOLATION_ASKED] = "asked",
};

const char *violation_kind_name(enum violation_kind k)
{
	return (unsigned)k < VIOLATION_KIND_COUNT ? kind_names[k] : "?";
}

const char *violation_source_name(enum violation_source s)
{
	return (unsigned)s < VIOLATION_SOURCE_COUNT ? source_names[s] : "?";
}

const char *violation_action_name(enum violation_action a)
{
	return (unsigned)a < VIOLATION_ACTION_COUNT ? action_names[a] : "?";
}

/* Find name in a table of n names; returns its index or -1. */
static int lookup(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

static void add_string(json_object *o, const char *key, const char *value)
{
	if (value)
		json_object_object_add(o, key, json_object_new_string(value));
}

char *violation_to_json(const struct violation *v)
{
	json_object *o = json_object_new_object();
	char *text;

	json_object_object_add(o, "seq", json_object_new_int64((int64_t)v->seq));
	json_object_object_add(o, "time", json_object_new_int64(v->time_ms));
	add_string(o, "source", violation_source_name(v->source));
	add_string(o, "kind", violation_kind_name(v->kind));
	add_string(o, "action", violation_action_name(v->action));
	add_string(o, "target", v->target);
	add_string(o, "detail", v->detail);
	if (v->pid > 0)
		json_object_object_add(o, "pid", json_object_new_int(v->pid));
	add_string(o, "comm", v->comm);
	add_string(o, "command", v->command);
	text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

/* Read an enum field by name; -1 when missing or unknown. */
static int get_enum(json_object *o, const char *key, const char *const *names, size_t n)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return -1;
	return lookup(names, n, json_object_get_string(v));
}

/*
 * Copy the optional string fields into one owned block so that the caller
 * frees a single pointer.  Offsets are recorded first because the block
 * moves while it grows.
 */
static void copy_strings(json_object *o, struct violation *ret, char **ret_strings)
{
	static const char *const keys[] = {"target", "detail", "comm", "command"};
	const char **fields[] = {&ret->target, &ret->detail, &ret->comm, &ret->command};
	long offsets[ELEMENTSOF(keys)];
	char *block = NULL;
	size_t len = 0;

	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		json_object *v;
		size_t n;

		offsets[i] = -1;
		if (!json_object_object_get_ex(o, keys[i], &v) ||
		    !json_object_is_type(v, json_type_string))
			continue;
		n = strlen(json_object_get_string(v)) + 1;
		block = xrealloc(block, len + n);
		memcpy(block + len, json_object_get_string(v), n);
		offsets[i] = (long)len;
		len += n;
	}
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		*fields[i] = offsets[i] < 0 ? NULL : block + offsets[i];
	*ret_strings = block;
}

int violation_parse_json(const char *line, struct violation *ret, char **ret_strings)
{
	json_object *o = json_tokener_parse(line), *v; /* owned */
	int source, kind, action;

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -EBADMSG;
	}
	source = get_enum(o, "source", source_names, VIOLATION_SOURCE_COUNT);
	kind = get_enum(o, "kind", kind_names, VIOLATION_KIND_COUNT);
	action = get_enum(o, "action", action_names, VIOLATION_ACTION_COUNT);
	if (source < 0 || kind < 0 || action < 0) {
		json_object_put(o);
		return -EBADMSG;
	}
	*ret = (struct violation){
		.source = (enum violation_source)source,
		.kind = (enum violation_kind)kind,
		.action = (enum violation_action)action,
	};
	if (json_object_object_get_ex(o, "seq", &v))
		ret->seq = (uint64_t)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "time", &v))
		ret->time_ms = json_object_get_int64(v);
	if (json_object_object_get_ex(o, "pid", &v))
		ret->pid = (pid_t)json_object_get_int(v);
	copy_strings(o, ret, ret_strings);
	json_object_put(o);
	return 0;
}

static const char *action_mark(enum violation_action a)
{
	switch (a) {
	case VIOLATION_ALLOWED:
		return "✓";
	case VIOLATION_ASKED:
		return "?";
	default:
		return "✗";
	}
}

size_t violation_format(const struct violation *v, char *buf, size_t size)
{
	time_t t = v->time_ms ? (time_t)(v->time_ms / 1000) : time(NULL);
	char clock[16], pid[48] = "";
	_cleanup_free_ char *raw = NULL;
	struct tm tm;
	int n;

	localtime_r(&t, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	if (v->pid > 0)
		snprintf(pid, sizeof(pid), " pid %d%s%s", (int)v->pid, v->comm ? " " : "",
			 v->comm ? v->comm : "");
	n = asprintf(&raw, "[fence:%s] %s %s %s %s%s%s%s%s%s%s%s",
		     violation_source_name(v->source), clock, action_mark(v->action),
		     violation_kind_name(v->kind), v->target ? v->target : "?",
		     v->detail ? " (" : "", v->detail ? v->detail : "", v->detail ? ")" : "", pid,
		     v->command ? " [" : "", v->command ? v->command : "", v->command ? "]" : "");
	if (n < 0 || size == 0) {
		raw = NULL;
		return 0;
	}
	return text_escape_controls(raw, buf, size);
}

/* ---- the bus ---- */

/* A stored record and the strings it owns. */
struct stored {
	struct violation v;
	char *strings; /* owned: target, detail, comm and command, back to back */
};

struct subscriber {
	unsigned id;
	violation_fn fn;
	void *userdata;
};

struct violation_bus {
	struct stored *ring; /* owned, ring_max slots */
	size_t ring_max, first, count;
	uint64_t seq; /* the last sequence number given out */
	uint64_t total;
	char *log_path; /* owned, NULL without a log */
	int log_fd;
	size_t log_size, log_max;
	bool log_failed;
	violation_command_fn command_at;
	void *userdata;
	struct subscriber *subs; /* owned */
	size_t n_subs;
	unsigned next_sub;
	unsigned delivering; /* > 0 while subscribers are being called */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The sequence number of the last record in the file at path, or 0. */
static uint64_t last_seq_in(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	char tail[4096 + 1];
	struct stat st;
	off_t off;
	ssize_t n;
	char *line;
	uint64_t seq = 0;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	off = st.st_size > 4096 ? st.st_size - 4096 : 0;
	n = pread(fd, tail, 4096, off);
	if (n <= 0)
		return 0;
	tail[n] = '\0';
	while (n > 0 && tail[n - 1] == '\n')
		tail[--n] = '\0';
	line = strrchr(tail, '\n');
	line = line ? line + 1 : tail;
	/* The seq is the first field violation_to_json writes. */
	if (sscanf(line, "{\"seq\":%" SCNu64, &seq) != 1)
		return 0;
	return seq;
}

/* Open (or reopen after a rotation) the log for appending. */
static int log_open_file(struct violation_bus *b)
{
	struct stat st;

	/*
	 * No symlink, no FIFO: a log that is anything but a regular file was
	 * planted, and appending through it would write where the user did
	 * not ask.
	 */
	b->log_fd = open(b->log_path,
			 O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (b->log_fd < 0)
		return -errno;
	if (fstat(b->log_fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(b->log_fd);
		b->log_fd = -1;
		return -EINVAL;
	}
	b->log_size = (size_t)st.st_size;
	return 0;
}

/* Move the full log aside to PATH.1 and start a new one. */
static void log_rotate(struct violation_bus *b)
{
	_cleanup_free_ char *old = xasprintf("%s.1", b->log_path);

	close(b->log_fd);
	b->log_fd = -1;
	if (rename(b->log_path, old) < 0)
		log_debug("cannot rotate '%s': %s", b->log_path, strerror(errno));
	if (log_open_file(b) < 0) {
		log_debug("cannot reopen '%s': %s", b->log_path, strerror(errno));
		b->log_failed = true;
	}
}

/* Append one record to the log, rotating first when it would not fit. */
static void log_append(struct violation_bus *b, const struct violation *v)
{
	_cleanup_free_ char *json = violation_to_json(v);
	_cleanup_free_ char *line = xasprintf("%s\n", json);
	size_t len = strlen(line);
	ssize_t n;

	if (b->log_fd < 0)
		return;
	if (b->log_size > 0 && b->log_size + len > b->log_max)
		log_rotate(b);
	if (b->log_fd < 0)
		return;
	do
		n = write(b->log_fd, line, len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		if (!b->log_failed)
			log_debug("cannot write '%s': %s", b->log_path,
				  n < 0 ? strerror(errno) : "short write");
		b->log_failed = true;
		return;
	}
	b->log_size += len;
}

struct violation_bus *violation_bus_new(const struct violation_bus_options *o, char **ret_error)
{
	struct violation_bus *b = xcalloc(1, sizeof(*b));
	int r;

	b->ring_max = o->ring_max ? o->ring_max : VIOLATION_RING_DEFAULT;
	b->ring = xcalloc(b->ring_max, sizeof(*b->ring));
	b->log_max = o->log_max ? o->log_max : VIOLATION_LOG_MAX_DEFAULT;
	b->log_fd = -1;
	b->command_at = o->command_at;
	b->userdata = o->userdata;
	if (!o->log_path)
		return b;

	b->log_path = xstrdup(o->log_path);
	{
		_cleanup_free_ char *dir = xstrdup(o->log_path);
		char *slash = strrchr(dir, '/');

		if (slash && slash != dir) {
			*slash = '\0';
			mkdir_parents(dir, 0700); /* errors show up at open() */
		}
	}
	r = log_open_file(b);
	if (r < 0) {
		if (ret_error)
			*ret_error = xasprintf("cannot open the violation log '%s': %s", b->log_path,
					       strerror(-r));
		b->log_failed = true;
		return b;
	}
	b->seq = last_seq_in(b->log_path);
	if (b->seq == 0) {
		_cleanup_free_ char *old = xasprintf("%s.1", b->log_path);

		b->seq = last_seq_in(old);
	}
	return b;
}

static void stored_clear(struct stored *s)
{
	free(s->strings);
	*s = (struct stored){0};
}

struct violation_bus *violation_bus_free(struct violation_bus *b)
{
	if (!b)
		return NULL;
	for (size_t i = 0; i < b->count; i++)
		stored_clear(&b->ring[(b->first + i) % b->ring_max]);
	free(b->ring);
	if (b->log_fd >= 0)
		close(b->log_fd);
	free(b->log_path);
	free(b->subs);
	free(b);
	return NULL;
}

/* Copy v's strings into one block owned by s. */
static void stored_fill(struct stored *s, const struct violation *v)
{
	const char *src[] = {v->target, v->detail, v->comm, v->command};
	const char **dst[] = {&s->v.target, &s->v.detail, &s->v.comm, &s->v.command};
	size_t len = 0, off = 0;

	s->v = *v;
	for (size_t i = 0; i < ELEMENTSOF(src); i++)
		len += src[i] ? strlen(src[i]) + 1 : 0;
	s->strings = len ? xmalloc(len) : NULL;
	for (size_t i = 0; i < ELEMENTSOF(src); i++) {
		size_t n;

		*dst[i] = NULL;
		if (!src[i])
			continue;
		n = strlen(src[i]) + 1;
		memcpy(s->strings + off, src[i], n);
		*dst[i] = s->strings + off;
		off += n;
	}
}

const struct violation *violation_bus_post(struct violation_bus *b, const struct violation *v)
{
	struct violation copy = *v;
	struct stored *s;

	copy.seq = ++b->seq;
	if (copy.time_ms == 0)
		copy.time_ms = now_ms();
	if (!copy.command && b->command_at)
		copy.command = b->command_at(copy.time_ms, b->userdata);

	if (b->count == b->ring_max) {
		stored_clear(&b->ring[b->first]);
		b->first = (b->first + 1) % b->ring_max;
		b->count--;
	}
	s = &b->ring[(b->first + b->count) % b->ring_max];
	b->count++;
	b->total++;
	stored_fill(s, &copy);
	log_append(b, &s->v);

	/* A subscriber may unsubscribe itself (a client that went away). */
	b->delivering++;
	for (size_t i = 0; i < b->n_subs; i++)
		if (b->subs[i].fn)
			b->subs[i].fn(&s->v, b->subs[i].userdata);
	b->delivering--;
	if (b->delivering == 0) {
		size_t j = 0;

		for (size_t i = 0; i < b->n_subs; i++)
			if (b->subs[i].fn)
				b->subs[j++] = b->subs[i];
		b->n_subs = j;
	}
	return &s->v;
}

unsigned violation_bus_subscribe(struct violation_bus *b, violation_fn fn, void *userdata)
{
	b->subs = xrealloc(b->subs, (b->n_subs + 1) * sizeof(*b->subs));
	b->subs[b->n_subs++] = (struct subscriber){++b->next_sub, fn, userdata};
	return b->next_sub;
}

void violation_bus_unsubscribe(struct violation_bus *b, unsigned id)
{
	for (size_t i = 0; i < b->n_subs; i++)
		if (b->subs[i].id == id)
			b->subs[i].fn = NULL; /* compacted after the current delivery */
	if (b->delivering == 0) {
		size_t j = 0;

		for (size_t i = 0; i < b->n_subs; i++)
			if (b->subs[i].fn)
				b->subs[j++] = b->subs[i];
		b->n_subs = j;
	}
}

size_t violation_bus_count(const struct violation_bus *b)
{
	return b->count;
}

const struct violation *violation_bus_get(const struct violation_bus *b, size_t i)
{
	if (i >= b->count)
		return NULL;
	return &b->ring[(b->first + i) % b->ring_max].v;
}

uint64_t violation_bus_total(const struct violation_bus *b)
{
	return b->total;
}

bool violation_bus_log_failed(const struct violation_bus *b)
{
	return b->log_failed;
}

/* ---- reading the log ---- */

char *violation_log_path(const char *name)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (state && state[0] == '/')
		return xasprintf("%s/fence/sessions/%s.jsonl", state, name);
	return xasprintf("%s/.local/state/fence/sessions/%s.jsonl",
			 home && home[0] == '/' ? home : "/tmp", name);
}

/*
 * Pass each parseable record of one file to fn; returns the count or
 * -errno, -EINVAL for anything but a regular file.  A FIFO or a symlink
 * planted as the log would block the reader or send it elsewhere.
 */
static long read_file(const char *path, int64_t since_ms, violation_fn fn, void *userdata)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	struct stat st;
	size_t cap = 0;
	long count = 0;

	if (fd < 0)
		return errno == ELOOP ? -EINVAL : -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	f = fdopen(fd, "r");
	if (!f)
		return -errno;
	fd = -1;
	while (getline(&line, &cap, f) > 0) {
		_cleanup_free_ char *strings = NULL;
		struct violation v;

		if (violation_parse_json(line, &v, &strings) < 0)
			continue;
		if (v.time_ms < since_ms)
			continue;
		fn(&v, userdata);
		count++;
	}
	return count;
}

long violation_log_read(const char *path, int64_t since_ms, violation_fn fn, void *userdata)
{
	_cleanup_free_ char *old = xasprintf("%s.1", path);
	long a = read_file(old, since_ms, fn, userdata);
	long b = read_file(path, since_ms, fn, userdata);

	if (b < 0 && b != -ENOENT)
		return b;
	if (a < 0 && a != -ENOENT)
		return a;
	if (a < 0 && b < 0)
		return b;
	return (a > 0 ? a : 0) + (b > 0 ? b : 0);
}
