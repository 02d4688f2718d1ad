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

/* session_list: the names of the sockets in the session directory, sorted. */
int session_list(struct strv *ret_names);

/*
 * session_start: fork a daemon for a new session and return once its
 * socket accepts connections.  Returns 0, or a negative errno and an owned
 * message in *ret_error.
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
