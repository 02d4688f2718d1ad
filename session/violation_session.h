/* SPDX-License-Identifier: MIT */
/*
 * session/violation_session.h: the session daemon's side of violations:
 * its bus, the folded model behind every client's side pane, followers of
 * `fence violations --follow`, and the commands that the attach client's
 * prompt and pane keys send.
 *
 * Everything here runs on the daemon's loop and is reached only through
 * the control socket, whose peers are checked to be the same user in the
 * daemon's own mount namespace: nothing inside the sandbox can post a
 * policy change or answer an ask.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/pane.h"
#include "session/prompt.h"
#include "session/render.h"
#include "session/violation.h"

#include <uv.h>

struct daemon;
struct ebpfmon;
struct client;
struct proxy_event;
struct proxy;
struct fence_config;
struct violation_asks;

/* The daemon's violation state (embedded in struct daemon). */
struct violation_session {
	struct violation_bus *bus; /* owned */
	struct pane_model model;
	char *ebpf_status; /* owned: the pane's eBPF line: "ebpf on" or why it is off; NULL before the shell starts */
	struct ebpfmon *ebpf; /* the eBPF denial monitor of the shell's sandbox, or NULL */
	uv_timer_t ebpf_timer; /* refreshes the dropped count in ebpf_status */
	bool ebpf_timer_active;
	bool ebpf_pidns_checked; /* the monitor's pid namespace was compared with the shell's */
	unsigned long long ebpf_dropped; /* what ebpf_status shows */
	struct prompt_policy policy; /* the prompt's view of the network policy */
	bool policy_ready; /* violation_session_set_policy ran */
	struct violation_asks *asks; /* owned: held requests (violation_ask.c), NULL when off */
	/*
	 * The detail for the proxy's refusal of ask_target that an ask's deny
	 * causes next (a timeout, no client); used once, then cleared.
	 */
	const char *ask_detail;
	char ask_target[300];
};

/* A client's violation state (embedded in struct client). */
struct violation_client {
	unsigned subscription; /* > 0 while it follows the bus */
	struct pane pane;
	bool pane_ready; /* pane_init ran */
	uint64_t ask_id; /* the held request last drawn for this client, 0 for none */
};

/* violation_session_start: make the bus and its log for daemon d. */
void violation_session_start(struct daemon *d);
/*
 * violation_session_ebpf_start: start the eBPF denial monitor for the
 * sandbox of the bwrap that d spawns next (call it right before that
 * spawn, after anything else that may start sandboxes), or set the pane's
 * line to why it cannot run.
 */
void violation_session_ebpf_start(struct daemon *d);
/*
 * violation_session_shutdown: stop the eBPF monitor, deny every held
 * request and close the ask timer; called while the loop still runs
 * (daemon_shutdown).
 */
void violation_session_shutdown(struct daemon *d);

/* violation_session_stop: free the bus; NULL-safe on a daemon that never started it. */
void violation_session_stop(struct daemon *d);

/* violation_session_post: post a record to d's bus (the entry point of every source). */
const struct violation *violation_session_post(struct daemon *d, const struct violation *v);

/*
 * violation_session_proxy_event: turn a refused proxy request into a
 * record, under the shell command line `command` (may be NULL).
 */
void violation_session_proxy_event(struct daemon *d, const struct proxy_event *ev,
				   const char *command);

/*
 * violation_session_set_policy: give the prompt the session's config (its
 * network lists are copied; chain as in struct config_result) and its
 * running proxies (borrowed until violation_session_stop).
 */
void violation_session_set_policy(struct daemon *d, const struct fence_config *c,
				  const struct strv *chain, struct proxy *proxy);

/* violation_session_set_ebpf_status: the pane's eBPF line ("ebpf on", or why it is off). */
void violation_session_set_ebpf_status(struct daemon *d, const char *why);

/*
 * violation_session_layout: lay out a rows x cols terminal client: returns
 * the columns left for the main pane (all of them without the pane).
 */
int violation_session_layout(struct client *c, int rows, int cols);

/*
 * violation_session_render: append the client's pane update to out;
 * `full` repaints all of it (the main renderer cleared the screen).
 * Returns whether it appended anything.
 */
bool violation_session_render(struct client *c, bool full, struct render_buf *out);

/*
 * violation_session_command: handle the COMMAND frames of this module
 * ("violations", "pane"); returns false for any other command, which the
 * caller then handles.
 */
bool violation_session_command(struct client *c, const uint8_t *payload, size_t len);

/* violation_session_overlay: the text to show over the main pane when the side pane is hidden. */
const char *violation_session_overlay(struct client *c);

/* ---- ask mode (violation_ask.c) ---- */

/* violation_ask_start: hold requests no rule covers on proxy and ask the user. */
void violation_ask_start(struct daemon *d, struct proxy *proxy);
/* violation_ask_stop: deny what is held and free the ask state. */
void violation_ask_stop(struct daemon *d);
/*
 * violation_ask_line: the text for the oldest held host, or NULL: lines
 * of at most width columns separated by '\n' (see violation_ask_format).
 * Valid until the next call.
 */
const char *violation_ask_line(struct daemon *d, int width, bool one_line);

/*
 * violation_ask_format: "? HOST:PORT Ns y once s session A always n deny",
 * with " (+more)" when more hosts wait.  The host is elided in the middle
 * so that its end, the port, the countdown and the legend always show;
 * the text is wrapped into lines of width columns, or kept on one line
 * of at most width columns when one_line is set.  A host whose last
 * labels alone do not fit is wrapped whole (one_line: only its end is
 * kept).  Returns an owned string.
 */
char *violation_ask_format(const char *host, int port, unsigned left, bool more, int width,
			   bool one_line);

/*
 * violation_ask_elide_host: host fitted into room columns (see
 * violation_ask_format), owned, or NULL when its registrable part does
 * not fit.
 */
char *violation_ask_elide_host(const char *host, int room);
/*
 * violation_ask_answer: answer the held host with this id (what the
 * client was shown): "once", "session", "always" or "deny".  Returns 0,
 * -ESTALE when that request no longer waits, or another negative errno,
 * with a message for the user in *ret_message (owned).
 */
int violation_ask_answer(struct daemon *d, const char *decision, uint64_t id, char **ret_message);
/* violation_ask_shown_id: the id of the held request the ask line shows, or 0. */
uint64_t violation_ask_shown_id(struct daemon *d);

/* violation_session_client_done: drop a closing client's subscription and pane. */
void violation_session_client_done(struct client *c);
