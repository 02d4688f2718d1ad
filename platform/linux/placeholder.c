/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/placeholder.c: the placeholder registry.
 *
 * One line per use: "PID OWNER DEV INO PATH".  OWNER tells apart the plans
 * of one process (a session may plan a sandbox while another one runs).
 * The device and inode tell our directory apart from one the user created
 * at the same path after ours was removed, so that fence never removes a
 * directory it did not create.
 */
#include "platform/linux/placeholder.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

struct entry {
	pid_t pid;
	unsigned owner;
	unsigned long long dev, ino;
	char *path;
};

struct registry {
	int fd;
	struct entry *v;
	size_t n;
};

static bool pid_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

/* Open and lock the registry, then read its entries. */
static int registry_open(const char *path, struct registry *r)
{
	_cleanup_fclose_ FILE *f = NULL;
	char line[4200];
	int fd;

	*r = (struct registry){ .fd = -1 };
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX) < 0) {
		int r_errno = -errno;

		close(fd);
		return r_errno;
	}
	r->fd = fd;
	f = fdopen(fcntl(fd, F_DUPFD_CLOEXEC, 0), "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		struct entry e = { 0 };
		int off = 0;
		long pid;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%ld %u %llu %llu %n", &pid, &e.owner, &e.dev, &e.ino, &off) < 4 ||
		    off == 0)
			continue;
		e.pid = (pid_t)pid;
		e.path = xstrdup(line + off);
		r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
		r->v[r->n++] = e;
	}
	return 0;
}

/* Write the entries back, unlock and free. */
static void registry_close(struct registry *r)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *m;

	if (r->fd < 0)
		return;
	m = open_memstream(&text, &len);
	if (m) {
		for (size_t i = 0; i < r->n; i++)
			fprintf(m, "%ld %u %llu %llu %s\n", (long)r->v[i].pid, r->v[i].owner,
				r->v[i].dev, r->v[i].ino, r->v[i].path);
		fclose(m);
		if (ftruncate(r->fd, 0) == 0 && len > 0 && pwrite(r->fd, text, len, 0) < 0)
			log_debug("cannot write the placeholder registry: %s", strerror(errno));
	}
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].path);
	free(r->v);
	close(r->fd);
	*r = (struct registry){ .fd = -1 };
}

/* Drop entry i, keeping the order of the others. */
static void registry_drop(struct registry *r, size_t i)
{
	free(r->v[i].path);
	memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof(*r->v));
	r->n--;
}

static int compare_longer_first(const void *a, const void *b)
{
	size_t x = strlen(((const struct entry *)a)->path), y = strlen(((const struct entry *)b)->path);

	if (x == y)
		return 0;
	return x > y ? -1 : 1;
}

/*
 * Order the entries deepest first: a placeholder may hold placeholders
 * (a missing ~/.config holds git and fence), and rmdir() removes only an
 * empty directory.
 */
static void registry_sort(struct registry *r)
{
	qsort(r->v, r->n, sizeof(*r->v), compare_longer_first);
}

/* Whether any entry other than skip uses path with a live process. */
static bool used_elsewhere(const struct registry *r, size_t skip, const char *path)
{
	for (size_t i = 0; i < r->n; i++)
		if (i != skip && strcmp(r->v[i].path, path) == 0 && pid_alive(r->v[i].pid))
			return true;
	return false;
}

/* Remove the placeholder of entry i if it is ours, empty and unused. */
static void remove_if_unused(const struct registry *r, size_t i)
{
	const struct entry *e = &r->v[i];
	struct stat st;

	if (used_elsewhere(r, i, e->path))
		return;
	if (lstat(e->path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_dev != e->dev ||
	    st.st_ino != e->ino)
		return;
	if (rmdir(e->path) < 0)
		log_debug("placeholder '%s' kept: %s", e->path, strerror(errno));
}

/* Clear the entries of processes that ended without releasing them. */
static void prune_dead(struct registry *r)
{
	registry_sort(r);
	for (size_t i = 0; i < r->n;) {
		if (pid_alive(r->v[i].pid)) {
			i++;
			continue;
		}
		remove_if_unused(r, i);
		registry_drop(r, i);
	}
}

static bool is_own(const struct entry *e, unsigned owner)
{
	return e->pid == getpid() && e->owner == owner;
}

/* Add an entry for this plan, unless it has one for path already. */
static void add_own(struct registry *r, const char *path, const struct stat *st, unsigned owner)
{
	for (size_t i = 0; i < r->n; i++)
		if (is_own(&r->v[i], owner) && strcmp(r->v[i].path, path) == 0)
			return;
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n++] = (struct entry){
		.pid = getpid(),
		.owner = owner,
		.dev = st->st_dev,
		.ino = st->st_ino,
		.path = xstrdup(path),
	};
}

/* Whether a live entry records path as the directory st describes. */
static bool is_registered(const struct registry *r, const char *path, const struct stat *st)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].path, path) == 0 && r->v[i].dev == st->st_dev &&
		    r->v[i].ino == st->st_ino)
			return true;
	return false;
}

int placeholder_create(const char *registry, const char *path, unsigned owner)
{
	struct registry r;
	struct stat st;
	int ret = 0;

	ret = registry_open(registry, &r);
	if (ret < 0)
		return ret;
	prune_dead(&r);

	if (lstat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || !is_registered(&r, path, &st))
			ret = -EEXIST;
	} else if (mkdir(path, 0755) < 0 || lstat(path, &st) < 0) {
		ret = -errno;
	}
	if (ret == 0)
		add_own(&r, path, &st, owner);
	registry_close(&r);
	return ret;
}

void placeholder_release_all(const char *registry, unsigned owner)
{
	struct registry r;

	if (registry_open(registry, &r) < 0)
		return;
	registry_sort(&r);
	for (size_t i = 0; i < r.n;) {
		if (!is_own(&r.v[i], owner)) {
			i++;
			continue;
		}
		remove_if_unused(&r, i);
		registry_drop(&r, i);
	}
	prune_dead(&r);
	registry_close(&r);
}

void placeholder_prune_stale(const char *registry)
{
	struct registry r;

	if (registry_open(registry, &r) < 0)
		return;
	prune_dead(&r);
	registry_close(&r);
}
