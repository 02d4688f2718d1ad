/* SPDX-License-Identifier: MIT */
/*
 * session/paths.c: where session sockets and logs live, and how a client
 * finds and connects to a session.
 *
 * The socket directory is the first line of defence: only its owner may
 * enter it, so other users cannot even reach a socket.  An existing
 * directory that is a symlink, belongs to someone else or is open to group
 * or others is refused rather than repaired, because someone else may
 * already have placed sockets in it (tmux checks its directory the same
 * way).
 */
#include "session/session.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

bool session_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > SESSION_NAME_MAX || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

char *session_default_name(const char *cwd)
{
	const char *base = strrchr(cwd, '/');
	uint32_t h = 2166136261u; /* FNV-1a over the whole path */
	char safe[41];
	size_t n = 0;

	base = base && base[1] ? base + 1 : "root";
	for (const char *p = cwd; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (const char *p = base; *p && n < sizeof(safe) - 1; p++)
		safe[n++] = strchr("._-", *p) || (*p >= '0' && *p <= '9') ||
					    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
				    ? *p
				    : '_';
	safe[n] = '\0';
	if (safe[0] == '.')
		safe[0] = '_';
	return xasprintf("%s-%06x", safe, h & 0xffffff);
}

/* Create dir mode 0700 if missing, then check that it is safe to use. */
static int ensure_private_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid() || (st.st_mode & 077))
		return -EPERM;
	return 0;
}

int session_dir(char **ret_dir)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	_cleanup_free_ char *dir = NULL;
	struct stat st;
	int r;

	if (runtime && runtime[0] == '/' && stat(runtime, &st) == 0 && S_ISDIR(st.st_mode))
		dir = xasprintf("%s/fence", runtime);
	else
		dir = xasprintf("/tmp/fence-%u", (unsigned)geteuid());
	r = ensure_private_dir(dir);
	if (r < 0) {
		*ret_dir = TAKE_PTR(dir);
		return r;
	}
	*ret_dir = TAKE_PTR(dir);
	return 0;
}

int session_socket_path(const char *dir, const char *name, char **ret_path)
{
	struct sockaddr_un sun;
	char *p = xasprintf("%s/%s.sock", dir, name);

	if (strlen(p) >= sizeof(sun.sun_path)) {
		free(p);
		return -ENAMETOOLONG;
	}
	*ret_path = p;
	return 0;
}

char *session_log_path(const char *name)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	_cleanup_free_ char *dir = NULL;

	if (state && state[0] == '/')
		dir = xasprintf("%s/fence/sessions", state);
	else
		dir = xasprintf("%s/.local/state/fence/sessions", home && home[0] == '/' ? home : "/tmp");
	/* Errors surface when the log is opened. */
	mkdir_parents(dir, 0700);
	return xasprintf("%s/%s.log", dir, name);
}

int session_connect(const char *name)
{
	_cleanup_free_ char *dir = NULL, *path = NULL;
	_cleanup_close_ int fd = -1;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int r;

	r = session_dir(&dir);
	if (r < 0)
		return r;
	r = session_socket_path(dir, name, &path);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		r = -errno;
		/* No daemon listens: it died without removing its socket. */
		if (r == -ECONNREFUSED)
			unlink(path);
		return r;
	}
	return TAKE_FD(fd);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether file in dir is older than max_age seconds; such a file is deleted. */
static bool expired(int dir_fd, const char *file, time_t max_age)
{
	struct stat st;

	if (max_age <= 0)
		return false;
	if (fstatat(dir_fd, file, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return true;
	if (time(NULL) - st.st_mtime <= max_age)
		return false;
	unlinkat(dir_fd, file, 0);
	return true;
}

int session_dir_names(const char *suffix, time_t max_age, struct strv *ret_names)
{
	_cleanup_free_ char *dir = NULL;
	size_t suffix_len = strlen(suffix);
	struct dirent *de;
	DIR *d;
	int r;

	r = session_dir(&dir);
	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		_cleanup_free_ char *name = NULL;

		if (n <= suffix_len || strcmp(de->d_name + n - suffix_len, suffix) != 0)
			continue;
		name = xstrndup(de->d_name, n - suffix_len);
		if (session_name_valid(name) && !expired(dirfd(d), de->d_name, max_age))
			strv_push_take(ret_names, TAKE_PTR(name));
	}
	closedir(d);
	if (ret_names->n > 1)
		qsort(ret_names->v, ret_names->n, sizeof(char *), cmp_str);
	return 0;
}

int session_list(struct strv *ret_names)
{
	return session_dir_names(".sock", 0, ret_names);
}
