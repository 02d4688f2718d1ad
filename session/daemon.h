/* SPDX-License-Identifier: MIT */
/*
 * session/daemon.h: the session daemon's internal interface, shared by
 * its files (daemon.c: loop, PTY and shell; client.c: connections).
 *
 * Handle lifetimes (libuv): daemon_shutdown() closes the daemon's handles,
 * and the loop runs until every close callback has fired.  A client frees
 * itself in the close callback of its pipe.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <uv.h>

#include "session/configwatch.h"
#include "session/launch.h"
#include "session/protocol.h"
#include "session/render.h"
#include "session/screen.h"
#include "session/session.h"
#include "session/timeline.h"
#include "session/violation_session.h"

struct daemon;

struct client {
	struct daemon *d; /* borrowed */
	uv_pipe_t pipe; /* closed by client_close(); the close callback frees the client */
	struct proto_decoder dec;
	unsigned id;
	bool hello_done;
	bool closing;
	enum proto_role role;
	bool readonly;
	int rows, cols; /* cols: the main pane's width, without the violation pane */
	int term_cols; /* violations: the client terminal's width */
	struct violation_client vc; /* violations: side pane and follower state */
	uint64_t active; /* when it last attached, typed or resized (a counter) */
	struct render render;
	bool behind; /* output dropped; repaint in full once the queue drains */
	int scroll_top; /* 0 live; < 0 scroll mode, rows into the scrollback */
	struct client *next;
};

struct daemon {
	uv_loop_t *loop; /* borrowed: the default loop */
	char *name; /* owned */
	char *socket_path; /* owned */
	char *cwd; /* owned */
	struct session_options opts; /* name and paths borrowed from the fields above */
	time_t started;
	uint64_t activity; /* counter for client.active */

	uv_pipe_t listener;
	uv_poll_t pty_poll; /* the PTY master */
	int master_fd;
	char *pty_pending; /* owned: input the master did not take yet */
	size_t pty_pending_len;
	struct shell_launch launch; /* policy, proxies and the bwrap command */
	uv_poll_t control_poll; /* messages from fence's init in the sandbox */
	bool control_active;
	uv_process_t shell; /* bwrap */
	bool shell_running;
	uv_timer_t render_timer;
	bool render_dirty;
	uv_timer_t drain_timer; /* grace period to drain the PTY after the shell ended */
	uv_signal_t sig_term, sig_int, sig_hup;

	struct violation_session vs; /* violations: bus, pane model, log */
	struct configwatch config_watch; /* configuration files the shell creates */
	struct screen *screen;
	struct timeline timeline; /* shell hooks: commands and their violations */
	int rows, cols; /* the PTY size */
	struct client *clients;
	unsigned next_client_id;

	bool shell_exited, pty_eof, shutting_down;
	bool kill_requested; /* a control client sent kill: no exit record */
	int64_t used_ms; /* when a terminal client last attached, typed or detached */
	int exit_code, exit_signal;
	/* Denials for `fence ls`: proxy, eBPF, exec supervisor and hook veto records. */
	unsigned violations;
};

/*
 * daemon_run: run a session in this process until its shell ends or it
 * is killed.  `ready_fd` gets "ok\n" once the socket listens, or one error
 * line, and is closed.  Returns the process exit status.
 */
int daemon_run(const struct session_options *o, int ready_fd);

/* daemon_input: queue bytes for the shell (the PTY master). */
void daemon_input(struct daemon *d, const char *buf, size_t len);
/* daemon_schedule_render: repaint every client soon (now if idle). */
void daemon_schedule_render(struct daemon *d);
/* daemon_apply_size: resize the PTY and screen to what the size policy picks. */
void daemon_apply_size(struct daemon *d);
/*
 * daemon_attribute: put a violation on the shell command line running now
 * (the timeline), reading pending PTY output first.  Returns that command
 * line, valid until the next call, or NULL.
 */
const char *daemon_attribute(struct daemon *d, const char *kind, const char *target,
			     const char *detail);
/* daemon_kill: end the shell; the session then shuts down. */
void daemon_kill(struct daemon *d);

/* client_accept: take a new connection from the listener and check its peer. */
void client_accept(struct daemon *d);
/* client_render: send one client the frame that brings it up to date. */
void client_render(struct client *c);
/* client_send: queue one frame to a client. */
void client_send(struct client *c, int type, const void *payload, size_t len);
/* client_close: log why, and close the connection once queued frames are out. */
void client_close(struct client *c, const char *reason);
/* client_count_attached: the number of terminal clients. */
unsigned client_count_attached(const struct daemon *d);
