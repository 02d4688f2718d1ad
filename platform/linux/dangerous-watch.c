/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/dangerous-watch.c: inotify watches (uv_fs_event) on the
 * directories of missing dangerous files.
 *
 * An event only tells that something changed in a directory; the watched
 * paths are checked with lstat() then, and once more at the end, so a
 * missed or merged event loses nothing that is still there.
 */
#include "platform/linux/dangerous-watch.h"

#include <string.h>
#include <sys/stat.h>

struct watched_dir {
	uv_fs_event_t handle;
	struct dangerwatch *owner;
	char *dir; /* owned */
};

struct dangerwatch {
	struct strv files; /* the paths to watch for */
	struct strv created; /* those that appeared */
	struct watched_dir *dirs;
	size_t n_dirs;
	size_t open_handles;
};

/* Record each watched file that exists now. */
static void check_files(struct dangerwatch *w)
{
	struct stat st;

	for (size_t i = 0; i < w->files.n; i++)
		if (lstat(w->files.v[i], &st) == 0 && !strv_contains(&w->created, w->files.v[i]))
			strv_push(&w->created, w->files.v[i]);
}

static void on_event(uv_fs_event_t *h, const char *name, int events, int status)
{
	struct watched_dir *d = h->data;

	(void)name;
	(void)events;
	if (status == 0)
		check_files(d->owner);
}

static void free_watch(struct dangerwatch *w)
{
	for (size_t i = 0; i < w->n_dirs; i++)
		free(w->dirs[i].dir);
	free(w->dirs);
	strv_done(&w->files);
	strv_done(&w->created);
	free(w);
}

static void on_close(uv_handle_t *h)
{
	struct watched_dir *d = h->data;
	struct dangerwatch *w = d->owner;

	if (--w->open_handles == 0)
		free_watch(w);
}

int dangerwatch_start(uv_loop_t *loop, const struct strv *files, struct dangerwatch **ret)
{
	struct dangerwatch *w;
	struct strv dirs = { 0 };

	*ret = NULL;
	if (files->n == 0)
		return 0;
	for (size_t i = 0; i < files->n; i++) {
		_cleanup_free_ char *dir = xstrdup(files->v[i]);
		char *slash = strrchr(dir, '/');

		if (!slash)
			continue;
		*(slash == dir ? slash + 1 : slash) = '\0';
		if (!strv_contains(&dirs, dir))
			strv_push(&dirs, dir);
	}

	w = xcalloc(1, sizeof(*w));
	strv_copy(&w->files, files);
	w->dirs = xcalloc(dirs.n, sizeof(*w->dirs));
	for (size_t i = 0; i < dirs.n; i++) {
		struct watched_dir *d = &w->dirs[w->n_dirs];
		int r;

		uv_fs_event_init(loop, &d->handle);
		d->handle.data = d;
		d->owner = w;
		d->dir = xstrdup(dirs.v[i]);
		w->n_dirs++;
		w->open_handles++;
		r = uv_fs_event_start(&d->handle, on_event, d->dir, 0);
		if (r < 0)
			log_debug("cannot watch '%s' for dangerous files: %s", d->dir, uv_strerror(r));
	}
	strv_done(&dirs);
	*ret = w;
	return 0;
}

void dangerwatch_stop(struct dangerwatch *w, struct strv *ret_created)
{
	if (!w)
		return;
	check_files(w);
	for (size_t i = 0; i < w->created.n; i++)
		strv_push(ret_created, w->created.v[i]);
	if (w->n_dirs == 0)
		free_watch(w);
	for (size_t i = 0; i < w->n_dirs; i++)
		uv_close((uv_handle_t *)&w->dirs[i].handle, on_close);
}
