/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/execname.c: resolve an exec's path inside the tracee's
 * root and collect the names of the program it runs.
 *
 * The path is walked one component at a time from an O_PATH fd of
 * /proc/PID/root (or of its working directory).  fence follows each
 * symlink itself, because the kernel would restart an absolute target at
 * fence's root instead of the tracee's.  Only procfs links (/proc/N/fd/M,
 * exe, cwd) are left to the kernel, since they name an open file rather
 * than a path.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "platform/linux/execmask.h"
#include "platform/linux/execname.h"
#include "policy/cmdrules.h"

/* Symlinks followed in one resolution before giving up, as the kernel's limit. */
#define EXECNAME_MAX_LINKS 40

static void add_alias(struct execname_aliases *a, const char *word, const char *file)
{
	struct stat st;

	if (stat(file, &st) < 0)
		return;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].dev == st.st_dev && a->v[i].ino == st.st_ino &&
		    strcmp(a->v[i].word, word) == 0)
			return;
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	a->v[a->n++] = (struct execname_alias){st.st_dev, st.st_ino, xstrdup(word)};
}

/* Add the files of one rule's first word. */
static void add_rule(struct execname_aliases *a, const char *rule, const char *path_env)
{
	char **words = NULL;
	struct strv files = {0};
	const char *word;

	if (cmdline_words(rule, &words) == 0 || strchr(words[0], '/') || !words[0][0]) {
		cmdline_words_free(words);
		return;
	}
	word = words[0];
	execmask_resolve(word, path_env, &files);
	for (size_t i = 0; i < files.n; i++)
		if (strcmp(cmdline_basename(files.v[i]), word) == 0)
			add_alias(a, word, files.v[i]);
	strv_done(&files);
	cmdline_words_free(words);
}

void execname_aliases_build(const struct fence_config *c, const char *path_env,
			    struct execname_aliases *ret)
{
	size_t n_defaults;
	const char *const *defaults = cmdrules_defaults(&n_defaults);

	*ret = (struct execname_aliases){0};
	for (size_t i = 0; i < c->command.deny.n; i++)
		add_rule(ret, c->command.deny.v[i], path_env);
	if (cmdrules_use_defaults(c))
		for (size_t i = 0; i < n_defaults; i++)
			add_rule(ret, defaults[i], path_env);
}

void execname_aliases_done(struct execname_aliases *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].word);
	free(a->v);
	*a = (struct execname_aliases){0};
}

/* pid's own number in the innermost PID namespace, the one its /proc shows. */
static long inner_pid(pid_t pid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/status", (int)pid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[512];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *last;

		if (strncmp(line, "NSpid:", 6) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		last = strrchr(line, '\t');
		return last ? strtol(last + 1, NULL, 10) : -1;
	}
	return -1;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static bool on_procfs(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

/* Replace *fd with next, closing the old one; returns next, keeping errno. */
static int step(int *fd, int next)
{
	int saved = errno;

	if (*fd >= 0)
		close(*fd);
	*fd = next;
	errno = saved;
	return next;
}

/* The starting directory of a walk: pid's root, its cwd or its fd dir_fd. */
static int start_dir(pid_t pid, int dir_fd, const char *path, int root_fd)
{
	_cleanup_free_ char *proc = NULL;

	if (path[0] == '/')
		return fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
	proc = dir_fd == AT_FDCWD ? xasprintf("/proc/%d/cwd", (int)pid)
				  : xasprintf("/proc/%d/fd/%d", (int)pid, dir_fd);
	return open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/*
 * Put the rest of the walk after a symlink: its target, then what was
 * left of the path.  Returns the new rest (owned) or NULL.
 */
static char *splice_link(int link_fd, const char *rest)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(link_fd, "", target, sizeof(target) - 1);

	if (n <= 0)
		return NULL;
	target[n] = '\0';
	return xasprintf("%s/%s", target, rest);
}

int execname_resolve(pid_t pid, int dir_fd, const char *path)
{
	_cleanup_free_ char *root_path = xasprintf("/proc/%d/root", (int)pid);
	_cleanup_close_ int root_fd = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *rest = xstrdup(path);
	int cur = -1, links = 0;

	if (root_fd < 0)
		return -errno;
	if (!path[0])
		return -ENOENT;
	if (step(&cur, start_dir(pid, dir_fd, path, root_fd)) < 0)
		return -errno;

	for (;;) {
		char *comp = rest + strspn(rest, "/"), *next;
		struct stat st;
		int fd;

		if (!*comp)
			return cur;
		next = comp + strcspn(comp, "/");
		if (*next)
			*next++ = '\0';
		if (strcmp(comp, ".") == 0) {
			memmove(rest, next, strlen(next) + 1);
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			/* `..` of the tracee's root is its root, as for the kernel. */
			if (!same_file(cur, root_fd) &&
			    step(&cur, openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
				return -errno;
			memmove(rest, next, strlen(next) + 1);
			continue;
		}

		fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			int r = -errno;

			if (fd >= 0)
				close(fd);
			close(cur);
			return r;
		}
		if (!S_ISLNK(st.st_mode)) {
			step(&cur, fd);
			memmove(rest, next, strlen(next) + 1);
			continue;
		}
		if (++links > EXECNAME_MAX_LINKS) {
			close(fd);
			close(cur);
			return -ELOOP;
		}

		if (on_procfs(cur)) {
			long self = strcmp(comp, "self") == 0 || strcmp(comp, "thread-self") == 0
					    ? inner_pid(pid)
					    : 0;
			char *spliced;

			close(fd);
			if (self == 0) {
				/* fd/N, exe, cwd: the kernel jumps to the open file. */
				if (step(&cur, openat(cur, comp, O_PATH | O_CLOEXEC)) < 0)
					return -errno;
				memmove(rest, next, strlen(next) + 1);
				continue;
			}
			if (self < 0) {
				close(cur);
				return -ENOENT;
			}
			/* self names the reader: here the tracee, not fence. */
			spliced = strcmp(comp, "self") == 0
					  ? xasprintf("%ld/%s", self, next)
					  : xasprintf("%ld/task/%ld/%s", self, self, next);
			free(rest);
			rest = spliced;
			continue;
		}

		{
			char *spliced = splice_link(fd, next);
			bool absolute = spliced && spliced[0] == '/';

			close(fd);
			if (!spliced) {
				close(cur);
				return -ENOENT;
			}
			free(rest);
			rest = spliced;
			if (absolute && step(&cur, fcntl(root_fd, F_DUPFD_CLOEXEC, 0)) < 0)
				return -errno;
		}
	}
}

/* Push name's basename onto ret unless empty or already there. */
static void push_name(struct strv *ret, const char *name)
{
	const char *base = cmdline_basename(name);

	if (base[0] && !strv_contains(ret, base))
		strv_push(ret, base);
}

/* The basename of an open file, as /proc/self/fd names it (owned), or NULL. */
static char *file_name(int fd)
{
	_cleanup_free_ char *link = xasprintf("/proc/self/fd/%d", fd);
	char target[PATH_MAX];
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	size_t len;

	if (n <= 0)
		return NULL;
	target[n] = '\0';
	/* An unlinked file still runs; its name is what it was. */
	len = strlen(target);
	if (len > 10 && strcmp(target + len - 10, " (deleted)") == 0)
		target[len - 10] = '\0';
	return xstrdup(cmdline_basename(target));
}

void execname_collect(pid_t pid, int dir_fd, const char *path, const char *argv0,
		      const struct execname_aliases *a, struct strv *ret)
{
	_cleanup_close_ int fd = execname_resolve(pid, dir_fd, path);
	_cleanup_free_ char *name = fd >= 0 ? file_name(fd) : NULL;
	struct stat st;

	/*
	 * NOTE: a path that does not resolve here (missing, a loop, no access)
	 * keeps only the names the caller chose.  The kernel's own lookup then
	 * fails the same way, unless the file system changes in between.
	 */
	push_name(ret, path);
	if (name)
		push_name(ret, name);
	if (argv0)
		push_name(ret, argv0);
	if (fd < 0 || fstat(fd, &st) < 0)
		return;
	for (size_t i = 0; a && i < a->n; i++)
		if (a->v[i].dev == st.st_dev && a->v[i].ino == st.st_ino)
			push_name(ret, a->v[i].word);
}
