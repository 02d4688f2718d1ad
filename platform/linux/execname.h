/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/execname.h: the names an exec'd program goes by, for the
 * argv-mode supervisor.
 *
 * A rule's first word names a program, but the path given to execve is
 * the caller's choice: a symlink under another name, /proc/self/fd/N, or
 * /usr/bin/git run with argv[0] "git-push" (git dispatches on argv[0]).
 * So the supervisor matches rules against every name of the program.
 * These are the basenames of the given path, of the file it resolves to
 * inside the tracee's root and of argv[0], and the first word of each
 * deny or default rule whose program is that very file (same device and
 * inode, as a hard link is).  A copy of a binary under another name is
 * another file, and no name gives it away.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "policy/policy.h"
#include "util/util.h"

/* The files that deny and default rules name, by device and inode. */
struct execname_alias {
	dev_t dev;
	ino_t ino;
	char *word; /* owned: the rule's first word */
};

struct execname_aliases {
	struct execname_alias *v; /* owned */
	size_t n;
};

/*
 * execname_aliases_build: resolve the first word of each deny rule of c
 * and of the default list (when c uses it) through path_env (may be NULL)
 * and the usual bin directories.  A word whose file has another basename
 * (reboot -> systemctl, a multi-call binary) is left out: that file is
 * another program to every other name.
 */
void execname_aliases_build(const struct fence_config *c, const char *path_env,
			    struct execname_aliases *ret);

/* execname_aliases_done: free the table. */
void execname_aliases_done(struct execname_aliases *a);

/*
 * execname_resolve: open (O_PATH) the file that process pid runs when it
 * execs path: inside its root (/proc/PID/root), a relative path against
 * dir_fd of pid (AT_FDCWD: its working directory), every symlink
 * followed, /proc/self as pid's own entry.  Returns the fd or a negative
 * errno.
 */
int execname_resolve(pid_t pid, int dir_fd, const char *path);

/*
 * execname_collect: push the distinct names of the program that pid
 * execs as path with argv0 (may be NULL) onto ret, in this order: the
 * basename of path, of the resolved file, of argv0, then the alias words
 * of the resolved file.  When path does not resolve, only the first and
 * third are pushed: the exec itself fails the same way.
 */
void execname_collect(pid_t pid, int dir_fd, const char *path, const char *argv0,
		      const struct execname_aliases *a, struct strv *ret);
