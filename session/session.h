/* SPDX-License-Identifier: MIT */
/*
 * session/session.h: the interface of session/ for the command line:
 * where sessions live, starting a session daemon, and the control
 * commands that ls, kill and capture send.
 *
 * A session is one daemon process that owns the sandboxed shell, its PTY
 * and its screen model; it listens on $XDG_RUNTIME_DIR/fence/NAME.sock
 * (fallback /tmp/fence-UID/NAME.sock).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "util/util.h"

#define SESSION_NAME_MAX 64
#define SESSION_DEFAULT_SCROLLBACK_LINES 10000
#define SESSION_DEFAULT_SCROLLBACK_BYTES (32u << 20)

/* Which attached client decides the size of the session's PTY. */
enum session_size_policy {
	SESSION_SIZE_LATEST, /* the client that attached, typed or resized last */
	SESSION_SIZE_SMALLEST, /* the smallest rows and columns of all clients */
};

struct session_options {
	const char *name; /* borrowed, valid per session_name_valid() */
	const char *settings_path; /* -s/--settings, borrowed, NULL = discover */
	const char *template_name; /* -t/--template, borrowed */
	size_t scrollback_lines;
	size_t scrollback_bytes;
	enum session_size_policy size_policy;
	int rows, cols; /* the first client's terminal size */
	/* Shell hooks (shellhooks/): the shell and whether it gets the hooks. */
	const char *shell; /* --shell bash|zsh|fish, borrowed; NULL = from $SHELL */
	bool no_hooks; /* --no-hooks: the plain shell */
	bool ask; /* violations: --ask, as network.onBlocked "ask" */
};

/* session_name_valid: whether name matches [A-Za-z0-9._-]{1,64} and is not "." or "..". */
bool session_name_valid(const char *name);

/*
 * session_default_name: the name `fence shell` uses in directory cwd: its
 * base name made safe, a dash and a short hash of the whole path, so that
 * the same project always gets the same session.  Returns an owned string.
 */
char *session_default_name(const char *cwd);

/*
 * session_dir: the directory of the control sockets, created mode 0700 if
 * missing.  Returns 0 and an owned path, -ENOTDIR/-EPERM when the existing
 * one is not a directory owned by us without group or other access (it is
 * then not used), or another negative errno.
 */
int session_dir(char **ret_dir);

/* session_socket_path: the socket path of session name.  Returns 0 or -ENAMETOOLONG. */
int session_socket_path(const char *dir, const char *name, char **ret_path);

/* session_log_path: $XDG_STATE_HOME/fence/sessions/NAME.log, its directory created. */
char *session_log_path(const char *name);

/*
 * session_connect: connect to session name's socket.  Returns a connected
 * CLOEXEC socket, -ENOENT when there is no such session, or -ECONNREFUSED
 * when a dead daemon left its socket behind (the socket is then removed).
 */
int session_connect(const char *name);

/*
 * session_lock: take the lock that one live daemon of session name holds
 * for its whole life, DIR/NAME.lock (an open file description lock, so
 * it goes with the daemon however it dies).  Returns the CLOEXEC fd, or
 * -EWOULDBLOCK when another daemon of that name holds it.
 */
int session_lock(const char *dir, const char *name);
/* session_unlock: delete NAME.lock while still holding it, then close lock_fd. */
void session_unlock(const char *dir, const char *name, int lock_fd);
/* session_lock_held: whether a live daemon of session name holds its lock. */
bool session_lock_held(const char *dir, const char *name);
/*
 * session_sweep: remove what dead daemons left in dir (NAME.net,
 * NAME.shell, NAME.sock): only for names whose lock file is there and can
 * be taken, so their daemon is provably gone.  Skips the name keep.
 */
void session_sweep(const char *dir, const char *keep);

/* session_list: the names of the sockets in the session directory, sorted. */
int session_list(struct strv *ret_names);

/*
 * session_dir_names: the sorted names of the files in the session
 * directory that end in suffix, without it.  When max_age is positive,
 * files older than max_age seconds are deleted instead of listed.
 */
int session_dir_names(const char *suffix, time_t max_age, struct strv *ret_names);

/*
 * How a session ended, recorded by its daemon as NAME.exit beside the
 * socket when its shell exited while no terminal client was attached.
 */
struct session_exit {
	int status; /* what an attached client exits with: the code, or 128 + signal */
	int signal; /* the signal that ended the shell, 0 if it exited */
	time_t started, ended;
	char *cwd; /* owned; may be NULL */
};

/* An exit record older than this (seconds) is removed by session_exit_list(). */
#define SESSION_EXIT_TTL (7 * 24 * 3600)

/* session_exit_save: write session name's exit record (0600, replaced whole). */
int session_exit_save(const char *name, const struct session_exit *e);
/*
 * session_exit_load: read session name's exit record.  Returns 0, -ENOENT
 * when there is none, or -EBADMSG when the file is not a valid record.
 */
int session_exit_load(const char *name, struct session_exit *ret);
/* session_exit_remove: delete session name's exit record, if any. */
void session_exit_remove(const char *name);
/* session_exit_done: free what a loaded record owns. */
void session_exit_done(struct session_exit *e);
/*
 * session_exit_list: the names that have an exit record, sorted.  Records
 * older than SESSION_EXIT_TTL are deleted instead of listed.
 */
int session_exit_list(struct strv *ret_names);
/* session_format_age: "45s", "12m", "3h" or "2d" for a duration in seconds. */
void session_format_age(long long seconds, char *buf, size_t n);

/* What a daemon reports when another daemon of its name is already starting or running. */
#define SESSION_START_BUSY "busy"

/*
 * session_wait_running: after session_start() returned -EBUSY, wait up to
 * timeout_ms for the other daemon of name to listen.  Returns 0 when it
 * does, -ESRCH when it ended without listening, or -ETIMEDOUT.
 */
int session_wait_running(const char *name, int timeout_ms);

/*
 * session_start: fork a daemon for a new session and return once its
 * socket accepts connections.  Returns 0, -EBUSY when another daemon of
 * that name holds its lock, or a negative errno and an owned message in
 * *ret_error.
 */
int session_start(const struct session_options *o, char **ret_error);

/*
 * session_command: run one control command ("info", "kill", "capture")
 * over a fresh connection: write what the daemon sends as OUTPUT to `out`
 * (may be NULL) and return its REPLY as an owned JSON text in *ret_reply.
 * Returns 0, -ENOENT or -ECONNREFUSED as session_connect does, or -EPROTO
 * with a message in *ret_reply.
 */
int session_command(const char *name, const char *cmd_json, FILE *out, char **ret_reply);
