/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/dangerous-watch.c: one inotify instance, polled on the
 * run's loop, with a watch on the directory of each missing dangerous
 * file.
 *
 * Each IN_CREATE or IN_MOVED_TO event that names a watched path records
 * it, so a file created and removed again is reported too.  At the end the
 * queue is read to its end and the paths are checked once more with
 * lstat(), so that an overflowed queue loses nothing that is still there.
 */
#include "platform/linux/dangerous-watch.h"

#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/linux/fspath.h"

struct dangerwatch {
	uv_poll_t poll;
	int fd;
	struct strv files; /* the paths to watch for */
	struct strv created; /* those that appeared */
	struct strv dirs; /* dirs.v[i] is the directory of watch descriptor wds[i] */
	int *wds;
};

static void record(struct dangerwatch *w, const char *path)
{
	if (strv_contains(&w->files, path) && !strv_contains(&w->created, path))
		strv_push(&w->created, path);
}

/* Read the queued events until none is left. */
static void drain(struct dangerwatch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			p += sizeof(*e) + e->len;
			if (e->len == 0)
				continue;
			for (size_t i = 0; i < w->dirs.n; i++) {
				if (w->wds[i] == e->wd) {
					_cleanup_free_ char *path = fspath_join(w->dirs.v[i], e->name);

					record(w, path);
				}
			}
		}
	}
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	drain(h->data);
}

static void free_watch(struct dangerwatch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	strv_done(&w->files);
	strv_done(&w->created);
	strv_done(&w->dirs);
	free(w->wds);
	free(w);
}

static void on_close(uv_handle_t *h)
{
	free_watch(h->data);
}

int dangerwatch_start(uv_loop_t *loop, const struct strv *files, struct dangerwatch **ret)
{
	struct dangerwatch *w;
	int r;

	*ret = NULL;
	if (files->n == 0)
		return 0;
	w = xcalloc(1, sizeof(*w));
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		r = -errno;
		free_watch(w);
		return r;
	}
	strv_copy(&w->files, files);
	w->wds = xcalloc(files->n, sizeof(*w->wds));
	for (size_t i = 0; i < files->n; i++) {
		_cleanup_free_ char *dir = xstrdup(files->v[i]);
		char *slash = strrchr(dir, '/');
		int wd;

		if (!slash)
			continue;
		*(slash == dir ? slash + 1 : slash) = '\0';
		if (strv_contains(&w->dirs, dir))
			continue;
		wd = inotify_add_watch(w->fd, dir, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
		if (wd < 0) {
			log_debug("cannot watch '%s' for dangerous files: %s", dir, strerror(errno));
			continue;
		}
		w->wds[w->dirs.n] = wd;
		strv_push(&w->dirs, dir);
	}
	r = uv_poll_init(loop, &w->poll, w->fd);
	if (r < 0) {
		free_watch(w);
		return r;
	}
	w->poll.data = w;
	uv_poll_start(&w->poll, UV_READABLE, on_readable);
	*ret = w;
	return 0;
}

void dangerwatch_stop(struct dangerwatch *w, struct strv *ret_created)
{
	struct stat st;

	if (!w)
		return;
	drain(w);
	for (size_t i = 0; i < w->files.n; i++)
		if (lstat(w->files.v[i], &st) == 0)
			record(w, w->files.v[i]);
	for (size_t i = 0; i < w->created.n; i++)
		strv_push(ret_created, w->created.v[i]);
	uv_close((uv_handle_t *)&w->poll, on_close);
}
