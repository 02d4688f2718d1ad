/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/sockscan.c: the bounded socket scan.
 */
#include "platform/linux/sockscan.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool skipped(const char *path, const struct strv *skip)
{
	if (strcmp(path, "/proc") == 0 || strcmp(path, "/sys") == 0)
		return true;
	for (size_t i = 0; skip && i < skip->n; i++)
		if (fspath_under(path, skip->v[i]))
			return true;
	return false;
}

/*
 * Add the socket a symlink points to, wherever it lies: a symlink left in
 * a visible directory reaches a socket that the scan would never visit.
 */
static void add_symlinked_socket(const char *link, struct strv *found)
{
	char real[PATH_MAX];
	struct stat st;

	if (stat(link, &st) == 0 && S_ISSOCK(st.st_mode) && realpath(link, real))
		strv_push(found, real);
}

/* Scan one directory; depth counts from the scan's root. */
static void scan_dir(const char *dir, unsigned depth, const struct strv *skip,
		     struct fspath_budget *budget, struct strv *found)
{
	struct strv subdirs = { 0 };
	struct dirent *e;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (++budget->entries > budget->max_entries) {
			budget->truncated = true;
			break;
		}
		if (e->d_type != DT_UNKNOWN && e->d_type != DT_SOCK && e->d_type != DT_DIR &&
		    e->d_type != DT_LNK)
			continue;
		path = fspath_join(dir, e->d_name);
		if (e->d_type == DT_DIR) {
			if (!skipped(path, skip))
				strv_push(&subdirs, path);
			continue;
		}
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode))
			add_symlinked_socket(path, found);
		else if (S_ISSOCK(st.st_mode))
			strv_push(found, path);
		else if (S_ISDIR(st.st_mode) && !skipped(path, skip))
			strv_push(&subdirs, path);
	}
	closedir(d);

	for (size_t i = 0; i < subdirs.n; i++) {
		if (depth + 1 > budget->max_depth) {
			budget->truncated = budget->too_deep = true;
			break;
		}
		scan_dir(subdirs.v[i], depth + 1, skip, budget, found);
	}
	strv_done(&subdirs);
}

void sockscan_walk(const char *root, const struct strv *skip, struct fspath_budget *budget,
		   struct strv *found)
{
	struct stat st;

	if (skipped(root, skip) || lstat(root, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode)) {
		strv_push(found, root);
		return;
	}
	if (S_ISDIR(st.st_mode))
		scan_dir(root, 0, skip, budget, found);
}

const char *sockscan_getenv(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* Append the path of every "unix:path=" address of a D-Bus address list. */
static void add_dbus_paths(const char *value, struct strv *found)
{
	const char *p = value;

	while (p && (p = strstr(p, "unix:"))) {
		const char *path = strstr(p, "path=");
		const char *end;

		if (!path || (strchr(p, ';') && path > strchr(p, ';'))) {
			p = strchr(p, ';');
			continue;
		}
		path += 5;
		end = path + strcspn(path, ",;");
		if (path[0] == '/')
			strv_push_take(found, xstrndup(path, (size_t)(end - path)));
		p = end;
	}
}

void sockscan_env_paths(char *const *envp, struct strv *found)
{
	const char *v;

	v = sockscan_getenv(envp, "SSH_AUTH_SOCK");
	if (v && v[0] == '/')
		strv_push(found, v);
	v = sockscan_getenv(envp, "DOCKER_HOST");
	if (v && strncmp(v, "unix://", 7) == 0 && v[7] == '/')
		strv_push(found, v + 7);
	v = sockscan_getenv(envp, "DBUS_SESSION_BUS_ADDRESS");
	if (v)
		add_dbus_paths(v, found);
	v = sockscan_getenv(envp, "DBUS_SYSTEM_BUS_ADDRESS");
	if (v)
		add_dbus_paths(v, found);
	v = sockscan_getenv(envp, "TMUX");
	if (v && v[0] == '/')
		strv_push_take(found, xstrndup(v, strcspn(v, ",")));
}
