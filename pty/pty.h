/* SPDX-License-Identifier: MIT */
/*
 * pty/pty.h: the interface of pty/: the attach client that relays a
 * terminal to a session, and its prefix-key state machine.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define PTY_DEFAULT_PREFIX 0x1d /* Ctrl-] */

struct attach_options {
	const char *name; /* the session, for messages */
	bool readonly;
	unsigned char prefix; /* the byte of the prefix key */
	const char *pane; /* violation pane: "auto", "on" or "off"; NULL: the daemon's default */
	int pane_width; /* violation pane columns; 0: the daemon's default */
};

/*
 * attach_run: attach the terminal on fds 0 and 1 to the session connected
 * on fd (which it closes).  Puts the terminal in raw mode and restores it
 * on every way out.  Returns the status to exit with: the shell's status
 * when the session ended, 0 after a detach, FENCE_EXIT_FAILURE on errors
 * (already reported).
 */
int attach_run(int fd, const struct attach_options *o);

/*
 * keys_parse_prefix: read a prefix key spec: "C-]", "C-a", "^A" or one
 * control character.  Returns 0 and the byte, or -EINVAL.
 */
int keys_parse_prefix(const char *spec, unsigned char *ret);

enum keys_action {
	KEYS_NONE,
	KEYS_DETACH, /* prefix d */
	KEYS_SCROLL, /* prefix [ */
	KEYS_REDRAW, /* prefix r */
	KEYS_PANE, /* prefix v: show or hide the violation pane */
	KEYS_PROMPT, /* prefix ':': the command prompt */
	KEYS_ASK_ONCE, /* prefix y: allow the held request once */
	KEYS_ASK_SESSION, /* prefix s: allow its host for the session */
	KEYS_ASK_ALWAYS, /* prefix A: allow its host always (the user's config file) */
	KEYS_ASK_DENY, /* prefix n: deny it */
};

/* The state of the input between reads. */
struct keys {
	unsigned char prefix;
	bool after_prefix; /* the prefix was the last key */
	bool in_paste; /* between ESC[200~ and ESC[201~ */
	size_t match; /* bytes of a paste marker matched so far */
};

/*
 * keys_feed: split terminal input into bytes for the shell and an action.
 * Copies bytes to send into out (at least n bytes long) and stores their
 * count in *ret_out_len.  Stops after the first action and returns how many
 * input bytes it consumed; *ret_action stores the action (KEYS_NONE when
 * all n bytes were consumed without one).  The prefix is not looked for
 * inside a bracketed paste.
 */
size_t keys_feed(struct keys *k, const unsigned char *in, size_t n, unsigned char *out,
		 size_t *ret_out_len, enum keys_action *ret_action);
