/* SPDX-License-Identifier: MIT */
/*
 * session/protocol.h: the framed protocol between a session daemon and its
 * clients (docs/protocol.md is the reference for people).
 *
 * Every frame is an 8-byte header, `u32 length (little-endian, payload
 * only) | u8 type | u8 flags | u16 reserved`, then the payload.  Data frames
 * (INPUT, OUTPUT) carry raw bytes; control frames carry one JSON object.
 * The decoder never trusts a length: anything over PROTO_MAX_PAYLOAD, an
 * unknown type or non-zero flags is an error for that connection only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION 1
#define PROTO_HEADER_SIZE 8
#define PROTO_MAX_PAYLOAD (1u << 20)

/* Terminal sizes outside this range are rejected as malformed. */
#define PROTO_MAX_ROWS 1000
#define PROTO_MAX_COLS 1000

enum proto_type {
	/* client to daemon */
	PROTO_HELLO = 1, /* JSON: proto, role, rows, cols, term, readonly */
	PROTO_INPUT = 2, /* raw bytes for the shell */
	PROTO_RESIZE = 3, /* JSON: rows, cols */
	PROTO_DETACH = 4, /* empty */
	PROTO_COMMAND = 5, /* JSON: cmd and its arguments */
	/* daemon to client */
	PROTO_WELCOME = 16, /* JSON: proto, session, pid */
	PROTO_OUTPUT = 17, /* terminal bytes to write as they are */
	PROTO_EXIT = 18, /* JSON: code, signal; the shell ended */
	PROTO_ERROR = 19, /* JSON: message; the daemon closes the connection */
	PROTO_REPLY = 20, /* JSON: the answer to a COMMAND */
	PROTO_EVENT = 21, /* JSON: reserved for violation and shell-mark events */
	PROTO_DETACHED = 22, /* JSON: reason; the client should exit with status 0 */
};

/* proto_type_to_string: the name of a frame type, or NULL if unknown. */
const char *proto_type_to_string(int type);

enum proto_role {
	PROTO_ROLE_TTY, /* an interactive terminal */
	PROTO_ROLE_CTL, /* ls, kill, capture: commands only, no screen */
};

struct proto_frame {
	uint8_t type;
	uint8_t flags;
	const uint8_t *payload; /* borrowed from the decoder until the next feed */
	uint32_t len;
};

/* A streaming frame decoder.  A zeroed struct is a valid empty decoder. */
struct proto_decoder {
	uint8_t *buf; /* owned */
	size_t len; /* bytes stored */
	size_t off; /* bytes already handed out as frames */
	size_t cap;
};

/*
 * proto_decoder_feed: append received bytes.  Returns 0, or -EMSGSIZE when
 * more than one maximum frame is waiting undecoded (the peer ignored the
 * framing).
 */
int proto_decoder_feed(struct proto_decoder *d, const void *data, size_t n);

/*
 * proto_decoder_next: take the next complete frame.  Returns 1 and fills
 * *ret, 0 when more bytes are needed, -EMSGSIZE for a length over the
 * maximum, or -EPROTO for an unknown type or non-zero flags or reserved
 * bits.  After an error the decoder stays in error.
 */
int proto_decoder_next(struct proto_decoder *d, struct proto_frame *ret);

/* proto_decoder_done: free the buffer; leaves an empty decoder. */
void proto_decoder_done(struct proto_decoder *d);

/* proto_header_write: fill an 8-byte header for a payload of len bytes. */
void proto_header_write(uint8_t hdr[PROTO_HEADER_SIZE], int type, uint32_t len);

/*
 * proto_frame_build: one whole frame (header and payload) in a new buffer.
 * Returns the buffer (owned by the caller) and its size in *ret_size.
 */
uint8_t *proto_frame_build(int type, const void *payload, size_t len, size_t *ret_size);

/* proto_send: write one whole frame to fd (see fd_write_all).  Returns 0 or a negative errno. */
int proto_send(int fd, int type, const void *payload, size_t len);

struct proto_hello {
	int proto;
	enum proto_role role;
	int rows, cols; /* 0 for PROTO_ROLE_CTL */
	char term[64];
	bool readonly;
};

/*
 * proto_parse_hello: validate a HELLO payload.  Returns 0, -EPROTONOSUPPORT
 * for another protocol version (ret->proto says which), or -EBADMSG for
 * anything malformed.
 */
int proto_parse_hello(const uint8_t *p, size_t n, struct proto_hello *ret);

/* proto_parse_resize: validate a RESIZE payload.  Returns 0 or -EBADMSG. */
int proto_parse_resize(const uint8_t *p, size_t n, int *ret_rows, int *ret_cols);

enum proto_cmd {
	PROTO_CMD_INFO, /* reply: name, pid, started, clients, cwd, violations */
	PROTO_CMD_KILL, /* end the session */
	PROTO_CMD_CAPTURE, /* OUTPUT frames with the text, then a REPLY */
	PROTO_CMD_SCROLL, /* enter scroll mode in this client's view */
	PROTO_CMD_REDRAW, /* send this client a full frame */
	/* Shell hooks: OUTPUT frames of JSON Lines, {"command":{...}} for each
	 * command line, then {"violation":{...}} for each violation; a REPLY. */
	PROTO_CMD_TIMELINE,
};

struct proto_command {
	enum proto_cmd cmd;
	bool scrollback; /* CAPTURE: include the scrollback */
};

/* proto_parse_command: validate a COMMAND payload.  Returns 0 or -EBADMSG. */
int proto_parse_command(const uint8_t *p, size_t n, struct proto_command *ret);

/*
 * proto_parse_exit: read an EXIT payload into the exit status a client
 * should exit with (code, or 128 + signal).  Returns 0 or -EBADMSG.
 */
int proto_parse_exit(const uint8_t *p, size_t n, int *ret_status);
