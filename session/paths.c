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
		/* No daemon listens: it died without removing its socket.  One
		 * that holds the lock is only about to listen. */
		if (r == -ECONNREFUSED && !session_lock_held(dir, name))
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

/* The open file description lock on all of fd, F_WRLCK to set or to test. */
static int lock_op(int fd, int cmd, struct flock *fl)
{
	*fl = (struct flock){.l_type = F_WRLCK, .l_whence = SEEK_SET};
	return fcntl(fd, cmd, fl) < 0 ? -errno : 0;
}

int session_lock(const char *dir, const char *name)
{
	_cleanup_free_ char *path = xasprintf("%s/%s.lock", dir, name);

	/* A holder deletes the file before it lets go, so a lock taken on a
	 * file that is no longer at path protects nothing: open it again. */
	for (;;) {
		_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		struct stat a, b;
		struct flock fl;
		int r;

		if (fd < 0)
			return -errno;
		r = lock_op(fd, F_OFD_SETLK, &fl);
		if (r == -EAGAIN || r == -EACCES)
			return -EWOULDBLOCK;
		if (r < 0)
			return r;
		if (fstat(fd, &a) < 0)
			return -errno;
		if (!S_ISREG(a.st_mode))
			return -EINVAL;
		if (lstat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return TAKE_FD(fd);
	}
}

void session_unlock(const char *dir, const char *name, int lock_fd)
{
	_cleanup_free_ char *path = NULL;

	if (lock_fd < 0)
		return;
	path = xasprintf("%s/%s.lock", dir, name);
	unlink(path);
	close(lock_fd);
}

bool session_lock_held(const char *dir, const char *name)
{
	_cleanup_free_ char *path = xasprintf("%s/%s.lock", dir, name);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct flock fl;

	if (fd < 0)
		return false;
	/* F_OFD_GETLK only looks: it never takes the lock from a daemon that starts. */
	if (lock_op(fd, F_OFD_GETLK, &fl) < 0)
		return true;
	return fl.l_type != F_UNLCK;
}

/* Remove everything below directory fd dfd without following symlinks, then close it. */
static void remove_below(int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		int sub;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno != EISDIR || depth >= 4)
			continue;
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			remove_below(sub, depth + 1);
		unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* Remove DIR/NAME+suffix, whatever it is. */
static void remove_leftover(int dir_fd, const char *name, const char *suffix)
{
	_cleanup_free_ char *file = xasprintf("%s%s", name, suffix);
	int sub;

	if (unlinkat(dir_fd, file, 0) == 0 || errno != EISDIR)
		return;
	sub = openat(dir_fd, file, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub >= 0)
		remove_below(sub, 0);
	unlinkat(dir_fd, file, AT_REMOVEDIR);
}

void session_sweep(const char *dir, const char *keep)
{
	struct strv names = {0};
	_cleanup_close_ int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	if (dir_fd < 0)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 5 && strcmp(de->d_name + n - 5, ".lock") == 0)
			strv_push_take(&names, xstrndup(de->d_name, n - 5));
	}
	closedir(d);
	for (size_t i = 0; i < names.n; i++) {
		int fd;

		if (!session_name_valid(names.v[i]) || (keep && strcmp(names.v[i], keep) == 0))
			continue;
		/* Holding the lock, no daemon of this name can start meanwhile. */
		fd = session_lock(dir, names.v[i]);
		if (fd < 0)
			continue;
		log_debug("removing what the dead session '%s' left in '%s'", names.v[i], dir);
		remove_leftover(dir_fd, names.v[i], ".net");
		remove_leftover(dir_fd, names.v[i], ".shell");
		remove_leftover(dir_fd, names.v[i], ".sock");
		session_unlock(dir, names.v[i], fd);
	}
	strv_done(&names);
}
