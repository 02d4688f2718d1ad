/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/ptyrelay.h: the one-shot run's PTY: fence copies bytes
 * between the user's terminal and the PTY whose follower is the sandboxed
 * command's terminal, and keeps the window size in step.
 */
#pragma once

#include <stdbool.h>
#include <termios.h>
#include <uv.h>

/*
 * The relay.  ptyrelay_close() closes the three libuv handles and calls
 * the done callback after the last close callback; the struct must live
 * until then.
 */
struct ptyrelay {
	int master; /* owned until ptyrelay_start hands it to master_pipe */
	int slave; /* owned; close after the sandbox has been spawned */
	uv_tty_t in; /* the user's terminal, read side */
	uv_tty_t out; /* the user's terminal, write side */
	uv_pipe_t master_pipe;
	bool raw; /* the user's terminal is in raw mode now */
	bool reading_in; /* false while suspended (job stop) or after EOF */
	bool in_paused; /* the PTY fell behind: stdin waits for it to drain */
	uv_shutdown_t out_shutdown;
	bool master_eof; /* the follower side is closed: no more output */
	unsigned long long master_bytes; /* read from the PTY so far, to see progress */
	int pending_closes;
	void (*on_master_eof)(struct ptyrelay *r);
	void (*on_closed)(struct ptyrelay *r);
	void *data; /* the owner's, borrowed */
};

/*
 * ptyrelay_open: allocate a PTY whose follower starts with the terminal
 * modes and window size of fd 0.  Returns 0 or a negative errno.
 */
int ptyrelay_open(struct ptyrelay *r);

/*
 * ptyrelay_start: put the user's terminal in raw mode and start copying.
 * on_master_eof is called once the command's side has closed and all its
 * output was written.  Returns 0 or a negative errno (a libuv code).
 */
int ptyrelay_start(struct ptyrelay *r, uv_loop_t *loop, void (*on_master_eof)(struct ptyrelay *));

/* ptyrelay_resize: copy the user's window size to the PTY (SIGWINCH). */
void ptyrelay_resize(struct ptyrelay *r);

/* ptyrelay_suspend: restore the user's terminal mode and stop reading it (job stop). */
void ptyrelay_suspend(struct ptyrelay *r);

/* ptyrelay_resume: back to raw mode and reading, if fence is in the foreground. */
void ptyrelay_resume(struct ptyrelay *r);

/*
 * ptyrelay_output_pending: whether output may still be on its way: the
 * PTY's reading is paused because the terminal is behind, or bytes
 * arrived since *last_bytes (which is updated).
 */
bool ptyrelay_output_pending(struct ptyrelay *r, unsigned long long *last_bytes);

/* ptyrelay_close_slave: drop fence's copy of the follower fd. */
void ptyrelay_close_slave(struct ptyrelay *r);

/* ptyrelay_close: restore the terminal and close the handles; on_closed runs last. */
void ptyrelay_close(struct ptyrelay *r, void (*on_closed)(struct ptyrelay *));

/*
 * ptyrelay_restore_terminal: restore the user's terminal mode saved by
 * ptyrelay_start.  Async-signal-safe, for crash handlers.
 */
void ptyrelay_restore_terminal(void);
