/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/fspath.c: policy path expansion and globbing.
 *
 * Globs are expanded once, when the plan is built, against the file system
 * as it is then: a file created later under a matching name is not covered.
 */
#include "platform/linux/fspath.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

char *fspath_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (n > 0 && dir[n - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

/* Append one component to an absolute path held in out (at least "/"). */
static void append_component(char *out, size_t *len, const char *comp, size_t n)
{
	if (*len > 1)
		out[(*len)++] = '/';
	memcpy(out + *len, comp, n);
	*len += n;
	out[*len] = '\0';
}

char *fspath_absolute(const char *path, const char *cwd, const char *home)
{
	_cleanup_free_ char *joined = NULL;
	const char *p;
	char *out;
	size_t len = 1;

	if (path[0] == '~' && (path[1] == '\0' || path[1] == '/'))
		joined = xasprintf("%s/%s", home, path + 1);
	else if (path[0] != '/')
		joined = xasprintf("%s/%s", cwd, path);
	else
		joined = xstrdup(path);

	out = xmalloc(strlen(joined) + 2);
	strcpy(out, "/");
	for (p = joined; *p;) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (!(n == 1 && p[0] == '.'))
			append_component(out, &len, p, n);
		p += n;
	}
	return out;
}

bool fspath_has_glob(const char *path)
{
	return strpbrk(path, "*?[") != NULL;
}

bool fspath_under(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return path[0] == '/';
	return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

size_t fspath_depth(const char *path)
{
	size_t depth = 0;

	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1] != '\0')
			depth++;
	return depth;
}

int fspath_compare_shallow(const void *a, const void *b)
{
	const char *x = *(const char *const *)a;
	const char *y = *(const char *const *)b;
	size_t dx = fspath_depth(x), dy = fspath_depth(y);

	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x, y);
}

/* The pattern split into components, for the recursive matcher. */
struct glob_state {
	struct strv comps;
	struct fspath_budget *budget;
	struct strv *ret;
};

static void glob_from(struct glob_state *g, const char *dir, size_t i, unsigned depth);

/* Match the `**` at component i: zero directories here, or any directory below. */
static void glob_double_star(struct glob_state *g, const char *dir, size_t i, unsigned depth)
{
	DIR *d;
	struct dirent *e;

	glob_from(g, dir, i + 1, depth);
	if (depth >= g->budget->max_depth) {
		g->budget->truncated = g->budget->too_deep = true;
		return;
	}
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		_cleanup_free_ char *sub = NULL;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (++g->budget->entries > g->budget->max_entries) {
			g->budget->truncated = true;
			break;
		}
		sub = fspath_join(dir, e->d_name);
		/* lstat, so that a symlink to a directory is not walked into. */
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			glob_double_star(g, sub, i, depth + 1);
	}
	closedir(d);
}

/* Match the wildcard component i against the entries of dir. */
static void glob_wildcard(struct glob_state *g, const char *dir, size_t i, unsigned depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (++g->budget->entries > g->budget->max_entries) {
			g->budget->truncated = true;
			break;
		}
		if (fnmatch(g->comps.v[i], e->d_name, 0) != 0)
			continue;
		sub = fspath_join(dir, e->d_name);
		glob_from(g, sub, i + 1, depth);
	}
	closedir(d);
}

/* Match components i.. of the pattern below the existing path dir. */
static void glob_from(struct glob_state *g, const char *dir, size_t i, unsigned depth)
{
	struct stat st;

	if (i == g->comps.n) {
		if (lstat(dir, &st) == 0 && !strv_contains(g->ret, dir))
			strv_push(g->ret, dir);
		return;
	}
	if (strcmp(g->comps.v[i], "**") == 0) {
		glob_double_star(g, dir, i, depth);
	} else if (fspath_has_glob(g->comps.v[i])) {
		glob_wildcard(g, dir, i, depth);
	} else {
		_cleanup_free_ char *sub = fspath_join(dir, g->comps.v[i]);

		if (i + 1 == g->comps.n || (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)))
			glob_from(g, sub, i + 1, depth);
	}
}

void fspath_glob(const char *pattern, struct fspath_budget *budget, struct strv *ret)
{
	struct glob_state g = { .budget = budget, .ret = ret };
	_cleanup_free_ char *copy = xstrdup(pattern);
	char *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
		strv_push(&g.comps, c);
	glob_from(&g, "/", 0, 0);
	strv_done(&g.comps);
}

/* The deepest writable root that contains path, or NULL. */
static const char *containing_root(const char *path, const struct strv *roots)
{
	const char *best = NULL;

	for (size_t i = 0; i < roots->n; i++)
		if (fspath_under(path, roots->v[i]) &&
		    (!best || strlen(roots->v[i]) > strlen(best)))
			best = roots->v[i];
	return best;
}

char *fspath_symlink_escape(const char *lexical, const char *real, const struct strv *writable_roots)
{
	_cleanup_free_ char *copy = xstrdup(lexical);
	_cleanup_free_ char *cur = xstrdup("/");
	char *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		_cleanup_free_ char *next = fspath_join(cur, c);
		char resolved[PATH_MAX];
		struct stat st;

		if (lstat(next, &st) < 0)
			return NULL;
		if (S_ISLNK(st.st_mode)) {
			const char *root = containing_root(cur, writable_roots);

			if (root && !fspath_under(real, root))
				return TAKE_PTR(next);
		}
		if (S_ISLNK(st.st_mode) || strcmp(c, "..") == 0) {
			if (!realpath(next, resolved))
				return NULL;
			free(cur);
			cur = xstrdup(resolved);
		} else {
			free(cur);
			cur = TAKE_PTR(next);
		}
	}
	return NULL;
}
