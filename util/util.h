/* SPDX-License-Identifier: MIT */
/*
 * util/util.h: small helpers every folder shares: cleanup attributes,
 * ownership hand-off, exit statuses, string vectors and the debug log.
 *
 * Nothing here knows about policy, sandboxes or sessions, so any module may
 * include it without breaking the layering of DESIGN.md.
 */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Exit statuses fence itself uses; the command's own status passes through. */
#define FENCE_EXIT_FAILURE 125 /* fence's own error: flags, config, start-up */
#define FENCE_EXIT_CANNOT_EXEC 126 /* refused by policy or not executable */
#define FENCE_EXIT_NOT_FOUND 127 /* command not found */
#define FENCE_EXIT_USAGE 125 /* bad usage: a flag or argument fence cannot take */

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hand ownership out of a cleanup variable: the variable is reset. */
#define TAKE_PTR(p)                                                            \
	({                                                                     \
		__typeof__(p) _took = (p);                                     \
		(p) = NULL;                                                    \
		_took;                                                         \
	})
#define TAKE_FD(fd)                                                            \
	({                                                                     \
		int _took = (fd);                                              \
		(fd) = -1;                                                     \
		_took;                                                         \
	})

/* Allocation that cannot fail: fence treats out-of-memory as fatal. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A growable, NULL-terminated vector of owned strings.  A zeroed struct is
 * a valid empty vector.
 */
struct strv {
	char **v; /* owned; v[n] == NULL when v != NULL */
	size_t n;
	size_t cap;
};

/* strv_push: append a copy of s. */
void strv_push(struct strv *sv, const char *s);
/* strv_push_take: append s itself; the vector owns it afterwards. */
void strv_push_take(struct strv *sv, char *s);
/* strv_pushf: append a formatted string. */
void strv_pushf(struct strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* strv_contains: whether s is an element (exact comparison). */
bool strv_contains(const struct strv *sv, const char *s);
/* strv_done: free the elements and the array; leaves an empty vector. */
void strv_done(struct strv *sv);

/*
 * strv_push_upward: for dir and each of its parents up to '/', nearest
 * first, append "DIR/NAME" for every name of the NULL-terminated names
 * (so the order is the search order of a file looked up upward).
 */
void strv_push_upward(struct strv *sv, const char *dir, const char *const *names);
/* strv_copy: deep-copy src into an empty dst. */
void strv_copy(struct strv *dst, const struct strv *src);

/*
 * The debug log (STYLE S17): off unless log_open() was called with a path or
 * FENCE_LOG names a file.  Lines read '<sec.usec> <func>: message'.
 */
/* home_directory: the user's home, $HOME when absolute, else the password entry's. */
const char *home_directory(void);

/*
 * mkdir_parents: create the directory path and its missing parents with
 * mode, as `mkdir -p`.  Returns 0 (also when it exists) or a negative errno.
 */
int mkdir_parents(const char *path, unsigned mode);

/*
 * fd_write_all: write all len bytes of buf to fd, retrying after EINTR and
 * waiting with poll() when a non-blocking fd is full.  Returns 0 or a
 * negative errno.
 */
int fd_write_all(int fd, const void *buf, size_t len);

/*
 * text_escape_controls: copy in to out (size bytes with the NUL) with
 * control characters written as \xHH: C0, DEL and the UTF-8 form of C1
 * (U+0080 to U+009F).  For text from inside a sandbox (paths, process
 * names, command lines) that goes to a terminal.  Returns the length
 * written.
 */
size_t text_escape_controls(const char *in, char *out, size_t size);

void log_open(const char *path);
/*
 * log_set_limit: rotate the debug log to PATH.1 (replacing the previous
 * one) once it passes max_bytes, so that a flood of logged events, such as
 * requests a session's proxy blocks, cannot fill the disk.  0 = no limit.
 */
void log_set_limit(unsigned long long max_bytes);
bool log_enabled(void);
void log_debug_at(const char *func, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_debug_at(__func__, __VA_ARGS__)

/*
 * User-facing messages, used only at the edges (main, the session
 * supervisor, the client): 'fence: ...', 'fence: warning: ...',
 * 'fence: hint: ...' on stderr.
 */
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
