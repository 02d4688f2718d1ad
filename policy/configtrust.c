/* SPDX-License-Identifier: MIT */
/*
 * policy/configtrust.c: the store of configuration files that a sandboxed
 * command wrote.
 *
 * The store is a text file with one record per line:
 *   DEV INO CTIME_SEC CTIME_NSEC PATH
 * with '%' and newlines in PATH written as %25 and %0a.  A record matches a
 * file only while the file keeps its device, inode and change time, so any
 * later edit on the host (which updates the change time) ends the match.
 */
#include "policy/configtrust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char *configtrust_store_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (state && state[0] == '/')
		return xasprintf("%s/fence/untrusted-configs", state);
	return xasprintf("%s/.local/state/fence/untrusted-configs",
			 home && home[0] == '/' ? home : "/tmp");
}

void configtrust_state_dir(struct strv *out)
{
	_cleanup_free_ char *store = configtrust_store_path();
	char *slash = strrchr(store, '/');

	int r;

	*slash = '\0';
	r = mkdir_parents(store, 0700);
	if (r < 0)
		log_debug("cannot create '%s': %s", store, strerror(-r));
	strv_push(out, store);
}

/* Write path with '%' and newlines escaped. */
static void put_path(FILE *f, const char *path)
{
	for (const char *p = path; *p; p++) {
		if (*p == '%')
			fputs("%25", f);
		else if (*p == '\n')
			fputs("%0a", f);
		else
			fputc(*p, f);
	}
}

/* Undo put_path in place. */
static void unescape_path(char *s)
{
	char *out = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '%' && p[1] == '2' && p[2] == '5') {
			*out++ = '%';
			p += 2;
		} else if (p[0] == '%' && p[1] == '0' && p[2] == 'a') {
			*out++ = '\n';
			p += 2;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
}

/* One parsed line of the store. */
struct record {
	unsigned long long dev, ino;
	long long sec, nsec;
	char *path; /* points into the line */
};

/* Parse one line (its newline removed); false for a malformed line. */
static bool parse_record(char *line, struct record *r)
{
	int used = 0;

	if (sscanf(line, "%llu %llu %lld %lld %n", &r->dev, &r->ino, &r->sec, &r->nsec, &used) != 4 ||
	    used == 0 || line[used] == '\0')
		return false;
	r->path = line + used;
	unescape_path(r->path);
	return true;
}

/* Whether the stat st is the identity r recorded. */
static bool record_matches(const struct record *r, const struct stat *st)
{
	return r->dev == (unsigned long long)st->st_dev && r->ino == (unsigned long long)st->st_ino &&
	       r->sec == (long long)st->st_ctim.tv_sec && r->nsec == (long long)st->st_ctim.tv_nsec;
}

/* Whether path lies at or below one of roots. */
static bool is_below_any(const char *path, const struct strv *roots)
{
	for (size_t i = 0; roots && i < roots->n; i++) {
		size_t n = strlen(roots->v[i]);

		if (strcmp(roots->v[i], "/") == 0)
			return true;
		if (strncmp(path, roots->v[i], n) == 0 && (path[n] == '/' || path[n] == '\0'))
			return true;
	}
	return false;
}

void configtrust_snapshot(const struct strv *paths, const struct strv *writable,
			  struct configtrust_snapshot *ret)
{
	*ret = (struct configtrust_snapshot){ 0 };
	ret->entries = xcalloc(paths->n + 1, sizeof(*ret->entries));
	for (size_t i = 0; i < paths->n; i++) {
		_cleanup_free_ char *dir = xstrdup(paths->v[i]);
		char canon[PATH_MAX];
		struct stat st;
		char *slash = strrchr(dir, '/');

		/* An existing file is bound read-only, so only a missing one can appear. */
		if (lstat(paths->v[i], &st) == 0 || !slash)
			continue;
		/* A missing directory can be created where its nearest parent is writable. */
		do {
			*slash = '\0';
		} while (!realpath(dir[0] ? dir : "/", canon) && (slash = strrchr(dir, '/')));
		if (!slash || !is_below_any(canon, writable))
			continue;
		strv_push(&ret->paths, paths->v[i]);
	}
}

/* Whether st differs from what the snapshot entry e saw last. */
static bool entry_changed(const struct configtrust_entry *e, const struct stat *st)
{
	return !e->exists || e->dev != st->st_dev || e->ino != st->st_ino ||
	       e->ctime.tv_sec != st->st_ctim.tv_sec || e->ctime.tv_nsec != st->st_ctim.tv_nsec;
}

/* Append one record for the file canon with stat st to the store. */
static int append_record(const char *canon, const struct stat *st)
{
	_cleanup_free_ char *store = configtrust_store_path();
	_cleanup_free_ char *dir = xstrdup(store);
	_cleanup_fclose_ FILE *f = NULL;
	int fd, r;

	*strrchr(dir, '/') = '\0';
	r = mkdir_parents(dir, 0700);
	if (r < 0)
		return r;
	fd = open(store, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "a");
	if (!f) {
		r = -errno;
		close(fd);
		return r;
	}
	fprintf(f, "%llu %llu %lld %lld ", (unsigned long long)st->st_dev,
		(unsigned long long)st->st_ino, (long long)st->st_ctim.tv_sec,
		(long long)st->st_ctim.tv_nsec);
	put_path(f, canon);
	fputc('\n', f);
	if (fflush(f) != 0)
		return -errno;
	return 0;
}

int configtrust_record_changes(struct configtrust_snapshot *s, struct strv *changed)
{
	int recorded = 0, failure = 0;

	for (size_t i = 0; i < s->paths.n; i++) {
		struct configtrust_entry *e = &s->entries[i];
		char canon[PATH_MAX];
		struct stat st;
		int r;

		if (stat(s->paths.v[i], &st) < 0) {
			e->exists = false;
			continue;
		}
		if (!entry_changed(e, &st))
			continue;
		*e = (struct configtrust_entry){
			.exists = true,
			.dev = st.st_dev,
			.ino = st.st_ino,
			.ctime = st.st_ctim,
		};
		if (!S_ISREG(st.st_mode) || !realpath(s->paths.v[i], canon))
			continue;
		r = append_record(canon, &st);
		if (r < 0) {
			failure = r;
			continue;
		}
		if (changed)
			strv_push(changed, s->paths.v[i]);
		recorded++;
	}
	return failure < 0 && recorded == 0 ? failure : recorded;
}

void configtrust_accept(struct configtrust_snapshot *s, const char *path)
{
	struct stat st;

	for (size_t i = 0; i < s->paths.n; i++) {
		if (strcmp(s->paths.v[i], path) != 0)
			continue;
		if (stat(path, &st) < 0) {
			s->entries[i].exists = false;
			continue;
		}
		s->entries[i] = (struct configtrust_entry){
			.exists = true,
			.dev = st.st_dev,
			.ino = st.st_ino,
			.ctime = st.st_ctim,
		};
	}
}

void configtrust_snapshot_done(struct configtrust_snapshot *s)
{
	strv_done(&s->paths);
	free(s->entries);
	*s = (struct configtrust_snapshot){ 0 };
}

bool configtrust_is_recorded(const char *canon, const struct stat *st)
{
	_cleanup_free_ char *store = configtrust_store_path();
	_cleanup_fclose_ FILE *f = fopen(store, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return false;
	while ((n = getline(&line, &cap, f)) > 0) {
		struct record r;

		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (parse_record(line, &r) && strcmp(r.path, canon) == 0 && record_matches(&r, st))
			return true;
	}
	return false;
}

int configtrust_trust(const char *path)
{
	_cleanup_free_ char *store = configtrust_store_path();
	_cleanup_free_ char *tmp = xasprintf("%s.new", store);
	_cleanup_fclose_ FILE *in = fopen(store, "re");
	_cleanup_fclose_ FILE *out = NULL;
	_cleanup_free_ char *line = NULL;
	char canon[PATH_MAX];
	size_t cap = 0;
	ssize_t n;
	int removed = 0, fd;

	if (!realpath(path, canon))
		return -errno;
	if (!in)
		return errno == ENOENT ? 0 : -errno;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		return -ENOMEM;
	}
	while ((n = getline(&line, &cap, in)) > 0) {
		_cleanup_free_ char *copy = xstrdup(line);
		struct record r;

		if (copy[n - 1] == '\n')
			copy[n - 1] = '\0';
		if (parse_record(copy, &r) && strcmp(r.path, canon) == 0) {
			removed++;
			continue;
		}
		fputs(line, out);
	}
	if (fflush(out) != 0 || rename(tmp, store) < 0) {
		int r = -errno;

		unlink(tmp);
		return r;
	}
	return removed;
}
