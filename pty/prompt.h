/* SPDX-License-Identifier: MIT */
/*
 * pty/prompt.h: the command prompt of the attach client (prefix then ':').
 *
 * The prompt runs in the client, on the user's own terminal, with GNU
 * readline: history under $XDG_STATE_HOME/fence/prompt_history and tab
 * completion of the commands and of hosts the session blocked recently
 * (read from its violation log).  The finished line goes to the daemon as
 * a "prompt" COMMAND over the peer-checked control socket, which is the
 * only way to reach the commands: the sandbox cannot connect to that
 * socket, and its output never reaches the prompt's input.
 *
 * Only one prompt exists per process (readline keeps global state).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum prompt_state {
	PROMPT_EDITING,
	PROMPT_DONE, /* a line was entered */
	PROMPT_CANCELLED, /* Ctrl-C, Ctrl-G or Ctrl-D on an empty line */
};

/*
 * prompt_open: start editing on the bottom row of a rows x cols terminal
 * for session `name`.  The terminal must be in raw mode; the prompt keeps
 * it so.
 */
void prompt_open(const char *name, int rows, int cols);

/*
 * prompt_feed: pass terminal input to the prompt.  Returns the state once
 * the bytes are consumed; on PROMPT_DONE *ret_line is the line (owned) and
 * the prompt is closed.  Bytes after the end of the line are dropped; a
 * cancelled prompt leaves them unread.
 */
enum prompt_state prompt_feed(const unsigned char *in, size_t n, char **ret_line);

/* prompt_active: whether a prompt is open. */
bool prompt_active(void);

/*
 * prompt_show_message: draw a message (lines separated by '\n') at the
 * bottom of a rows x cols terminal in reverse video, until the next repaint.
 */
void prompt_show_message(const char *msg, int rows, int cols);

/*
 * The prompt inside the attach loop.  While the prompt or its answer is
 * on screen, the session's frames are not written (the client asks for a
 * full frame afterwards), and keys go to the prompt.
 */

/* prompt_ui_start: open the prompt (prefix then ':'). */
void prompt_ui_start(const char *name);

/* prompt_ui_owns_screen: whether session output must not be written now. */
bool prompt_ui_owns_screen(void);

/*
 * prompt_ui_input: handle keys while prompt_ui_owns_screen(); sends
 * frames to the daemon on fd.  *ret_used is how many bytes it took: none
 * when they dismiss an answer, so that they then count as ordinary keys
 * (the prefix, or input for the shell).  Returns 0, or a negative errno when the connection failed.
 * *ret_detach is set when the user typed "detach".
 */
int prompt_ui_input(int fd, const unsigned char *in, size_t n, size_t *ret_used,
		    bool *ret_detach);

/* prompt_ui_reply: show the daemon's answer to a prompt command (a REPLY payload). */
void prompt_ui_reply(const void *payload, size_t len);

/*
 * prompt_ui_take_held: move the keys typed while the shown reply was
 * awaited into buf (at most size bytes) and return their count, 0 when
 * there are none or no reply is shown.  The caller handles them as new
 * input, so they dismiss the reply and then count as usual.
 */
size_t prompt_ui_take_held(unsigned char *buf, size_t size);

/*
 * prompt_history_path: $XDG_STATE_HOME/fence/prompt_history (owned), its
 * directory created.
 */
char *prompt_history_path(void);
