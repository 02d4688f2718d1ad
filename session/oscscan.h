/* SPDX-License-Identifier: MIT */
/*
 * session/oscscan.h: a side-scanner for the shell-integration marks in PTY
 * output.
 *
 * The daemon passes every chunk it reads from the PTY master through
 * oscscan_feed() before the screen model sees it.  The scanner finds
 *
 *   OSC 133 ; A            prompt start
 *   OSC 133 ; B            prompt end, the user types the command line
 *   OSC 133 ; C            the command line starts running
 *   OSC 133 ; D [; N]      the command line finished with exit status N
 *   OSC 633 ; E ; TEXT     the command line's text (\\ and \xHH escapes)
 *   OSC 7 ; file://HOST/PATH   the working directory (percent-encoded)
 *   OSC 33623 ; veto ; LINE ; REASON
 *                          fence's own mark: the hook refused LINE for
 *                          REASON (both escaped as in 633;E)
 *
 * each terminated by BEL or ST (ESC \), and reports them through a
 * callback.  It keeps its own state between calls, so a sequence split
 * across any number of reads yields the same events as one read: libvterm
 * 0.1.4 (Debian 12) loses OSC strings split across vterm_input_write()
 * calls, so its fallback cannot be used for this.
 *
 * The scanner is pure: no I/O, no clock.  The bytes are only read, never
 * changed.  8-bit C1 controls (0x9d, 0x9c) are not recognised, because
 * in UTF-8 output those bytes are continuation bytes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Maximum payload bytes kept for one OSC string; longer ones are dropped. */
#define OSCSCAN_MAX_STRING (64 * 1024)

enum oscscan_type {
	OSCSCAN_PROMPT_START, /* 133;A */
	OSCSCAN_PROMPT_END, /* 133;B */
	OSCSCAN_COMMAND_START, /* 133;C */
	OSCSCAN_COMMAND_END, /* 133;D[;status] */
	OSCSCAN_COMMAND_LINE, /* 633;E;text */
	OSCSCAN_CWD, /* 7;file://host/path */
	OSCSCAN_VETO, /* 33623;veto;line;reason */
};

/* fence's private OSC number ("fence" on a phone keypad); terminals ignore it. */
#define OSCSCAN_FENCE_OSC "33623"

/* One decoded mark, valid only during the callback. */
struct oscscan_event {
	enum oscscan_type type;
	/* COMMAND_END: the exit status, or -1 when the mark carries none. */
	int status;
	/* COMMAND_LINE, CWD and VETO (the line): decoded text, NUL-terminated; else NULL. */
	const char *text;
	size_t text_len;
	/* VETO: the decoded reason, NUL-terminated, possibly empty; else NULL. */
	const char *detail;
	size_t detail_len;
};

typedef void (*oscscan_callback)(const struct oscscan_event *ev, void *userdata);

enum oscscan_state {
	OSCSCAN_GROUND,
	OSCSCAN_ESC, /* saw ESC outside a string */
	OSCSCAN_STRING, /* inside OSC, collecting the payload */
	OSCSCAN_STRING_ESC, /* saw ESC inside OSC: ST or the end of the string */
};

/* Scanner state; zero it with oscscan_init(), free it with oscscan_done(). */
struct oscscan {
	enum oscscan_state state;
	char *buf; /* owned payload buffer, grown up to OSCSCAN_MAX_STRING + 1 */
	size_t len;
	size_t cap;
	bool overflow; /* the current string passed the cap and will be dropped */
	oscscan_callback callback;
	void *userdata;
};

/* oscscan_init: set up a scanner that reports marks to `callback`. */
void oscscan_init(struct oscscan *s, oscscan_callback callback, void *userdata);

/*
 * oscscan_feed: scan `len` bytes of PTY output, calling the callback for
 * each complete mark, in order.  Incomplete sequences are kept for the
 * next call.
 */
void oscscan_feed(struct oscscan *s, const void *data, size_t len);

/* oscscan_done: free the scanner's buffer; a partial sequence is dropped. */
void oscscan_done(struct oscscan *s);

/*
 * oscscan_decode_line: decode the 633;E escapes (`\\` and `\xHH`) of
 * `len` bytes at `in` into `out`, which must hold len + 1 bytes.  Returns
 * the decoded length; `out` is NUL-terminated.  Other backslashes are kept.
 */
size_t oscscan_decode_line(const char *in, size_t len, char *out);

/*
 * oscscan_encode_field: `s` escaped for a field of a 633;E or veto mark:
 * `\` as `\\`, `;` and control characters as `\xHH`; owned.  The
 * result holds no byte that could end or break the OSC string.
 */
char *oscscan_encode_field(const char *s);

/*
 * oscscan_veto_mark: the whole veto mark for `line` and `reason` (may be
 * NULL), ending with BEL; owned.
 */
char *oscscan_veto_mark(const char *line, const char *reason);
