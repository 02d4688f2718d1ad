/* SPDX-License-Identifier: MIT */
/*
 * session/violation_session.c: the session daemon's violation bus, the
 * side pane of its clients and the followers of its records.
 */
#include "session/violation_session.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/linux/ebpfmon.h"
#include "platform/linux/features.h"
#include "proxy/proxy.h"
#include "session/daemon.h"

/*
 * A follower whose unsent EVENT frames pass this many bytes is cut off
 * instead of growing the daemon's memory; the log still has every record.
 */
#define FOLLOWER_QUEUE_MAX (8u << 20)

/* Fold a new record into the pane model and repaint the panes. */
static void on_record(const struct violation *v, void *userdata)
{
	struct daemon *d = userdata;

	pane_model_add(&d->vs.model, v);
	for (struct client *c = d->clients; c; c = c->next) {
		if (c->vc.pane_ready && c->vc.pane.shown) {
			daemon_schedule_render(d);
			break;
		}
	}
}

void violation_session_start(struct daemon *d)
{
	_cleanup_free_ char *path = violation_log_path(d->name);
	_cleanup_free_ char *error = NULL;
	struct violation_bus_options o = {.log_path = path};

	d->vs.bus = violation_bus_new(&o, &error);
	if (error)
		log_debug("%s, records are kept in memory only", error);
	violation_bus_subscribe(d->vs.bus, on_record, d);
}

/* ---- the eBPF denial monitor ---- */

/* How often the pane's eBPF line picks up a new dropped count. */
#define EBPF_STATUS_MS 1000

/* Set the pane's eBPF line from the monitor's dropped count. */
static void ebpf_update_status(struct daemon *d, bool force)
{
	unsigned long long dropped = ebpfmon_dropped(d->vs.ebpf);
	char line[64];

	if (!force && dropped == d->vs.ebpf_dropped)
		return;
	d->vs.ebpf_dropped = dropped;
	if (dropped)
		snprintf(line, sizeof(line), "ebpf on, %llu repeats dropped", dropped);
	else
		snprintf(line, sizeof(line), "ebpf on");
	violation_session_set_ebpf_status(d, line);
}

/*
 * Return the pid namespace inode of bwrap's child (the sandbox's init), or
 * 0 while bwrap has not forked it yet.
 */
static unsigned long shell_pidns(pid_t bwrap)
{
	_cleanup_free_ char *children = xasprintf("/proc/%d/task/%d/children", bwrap, bwrap);
	_cleanup_free_ char *ns = NULL;
	_cleanup_close_ int fd = -1;
	char buf[64];
	struct stat st;
	ssize_t n;
	int init;

	fd = open(children, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	init = atoi(buf);
	if (init <= 0)
		return 0;
	ns = xasprintf("/proc/%d/ns/pid", init);
	return stat(ns, &st) == 0 ? (unsigned long)st.st_ino : 0;
}

/*
 * Check once that the monitor watches the shell's sandbox.  The monitor
 * takes the first pid namespace that a child of the daemon forks into, so
 * if anything but the shell's bwrap forked first, switch to the right one.
 */
static void ebpf_check_pidns(struct daemon *d)
{
	unsigned long want, have;

	if (d->vs.ebpf_pidns_checked || !d->shell_running)
		return;
	want = shell_pidns(d->shell.pid);
	if (!want)
		return;
	d->vs.ebpf_pidns_checked = true;
	have = ebpfmon_pidns(d->vs.ebpf);
	if (have == want)
		return;
	log_debug("eBPF monitor watched pid namespace %lu, not the shell's %lu: switching", have,
		  want);
	ebpfmon_set_pidns(d->vs.ebpf, want);
}

static void on_ebpf_timer(uv_timer_t *t)
{
	ebpf_check_pidns(t->data);
	ebpf_update_status(t->data, false);
}

/* The record's kind: exec for the exec syscalls, file for a path, syscall otherwise. */
static enum violation_kind ebpf_kind(const struct ebpfmon_record *rec)
{
	if (strcmp(rec->syscall, "execve") == 0 || strcmp(rec->syscall, "execveat") == 0)
		return VIOLATION_EXEC;
	return rec->path[0] ? VIOLATION_FILE : VIOLATION_SYSCALL;
}

/* One denied syscall of the shell's sandbox: a record under the command line running now. */
static void on_denial(const struct ebpfmon_record *rec, void *userdata)
{
	struct daemon *d = userdata;
	enum violation_kind kind = ebpf_kind(rec);
	const char *errname = strerrorname_np(rec->err);
	const char *target = rec->path[0] ? rec->path : rec->syscall;
	const char *command;
	char detail[96];

	/* argv exec policy: the supervisor's EPERM is its own record, with argv and rule. */
	if (kind == VIOLATION_EXEC && rec->err == EPERM && d->launch.exec_supervise)
		return;
	snprintf(detail, sizeof(detail), "%s: %s", rec->syscall, errname ? errname : "?");
	d->violations++;
	command = daemon_attribute(d, violation_kind_name(kind), target, detail);
	violation_session_post(d, &(struct violation){
					  .source = VIOLATION_SOURCE_EBPF,
					  .kind = kind,
					  .action = VIOLATION_DENIED,
					  .target = target,
					  .detail = detail,
					  .pid = rec->pid,
					  .comm = rec->comm,
					  .command = command,
				  });
}

void violation_session_ebpf_start(struct daemon *d)
{
	const struct linux_features *f = &d->launch.features;
	_cleanup_free_ char *line = NULL;
	int r;

	if (!f->bpf) {
		line = xasprintf("ebpf off: %s", f->bpf_reason);
		log_debug("eBPF monitor off: %s", f->bpf_reason);
		violation_session_set_ebpf_status(d, line);
		return;
	}
	/* pidns 0: the first new pid namespace a child of this process makes. */
	r = ebpfmon_start(d->loop, 0, on_denial, d, &d->vs.ebpf);
	if (r < 0) {
		line = xasprintf("ebpf off: %s", ebpfmon_reason(r));
		log_debug("eBPF monitor off: %s", strerror(-r));
		violation_session_set_ebpf_status(d, line);
		return;
	}
	uv_timer_init(d->loop, &d->vs.ebpf_timer);
	d->vs.ebpf_timer.data = d;
	uv_timer_start(&d->vs.ebpf_timer, on_ebpf_timer, EBPF_STATUS_MS, EBPF_STATUS_MS);
	d->vs.ebpf_timer_active = true;
	ebpf_update_status(d, true);
	log_debug("eBPF monitor started");
}

static void on_ebpf_timer_closed(uv_handle_t *h)
{
}

/* Stop the monitor: its last records still reach the bus, its dropped count the debug log. */
static void ebpf_stop(struct daemon *d)
{
	unsigned long long dropped;

	if (d->vs.ebpf_timer_active)
		uv_close((uv_handle_t *)&d->vs.ebpf_timer, on_ebpf_timer_closed);
	d->vs.ebpf_timer_active = false;
	if (!d->vs.ebpf)
		return;
	dropped = ebpfmon_stop(TAKE_PTR(d->vs.ebpf));
	log_debug("eBPF monitor stopped, %llu repeated denials dropped", dropped);
}

void violation_session_set_policy(struct daemon *d, const struct fence_config *c,
				  const struct strv *chain, struct proxy *proxy)
{
	if (d->vs.policy_ready)
		prompt_policy_done(&d->vs.policy);
	prompt_policy_init(&d->vs.policy, c, chain);
	d->vs.policy.proxy = proxy;
	d->vs.policy.name = d->name;
	d->vs.policy.ask = d->vs.policy.ask || d->opts.ask;
	d->vs.policy_ready = true;
	if (d->vs.policy.ask && proxy)
		violation_ask_start(d, proxy);
}

void violation_session_shutdown(struct daemon *d)
{
	ebpf_stop(d);
	violation_ask_stop(d);
}

/* The ask line for client c, noting which request it shows there. */
static const char *client_ask_line(struct client *c, int width, bool one_line)
{
	c->vc.ask_id = violation_ask_shown_id(c->d);
	return violation_ask_line(c->d, width, one_line);
}

const char *violation_session_overlay(struct client *c)
{
	if (c->vc.pane_ready && c->vc.pane.shown)
		return NULL;
	return client_ask_line(c, c->render.cols, true);
}

void violation_session_stop(struct daemon *d)
{
	violation_ask_stop(d);
	if (d->vs.policy_ready)
		prompt_policy_done(&d->vs.policy);
	d->vs.policy_ready = false;
	d->vs.bus = violation_bus_free(d->vs.bus);
	pane_model_done(&d->vs.model);
	free(d->vs.ebpf_status);
	d->vs.ebpf_status = NULL;
}

const struct violation *violation_session_post(struct daemon *d, const struct violation *v)
{
	if (!d->vs.bus)
		return NULL;
	return violation_bus_post(d->vs.bus, v);
}

void violation_session_set_ebpf_status(struct daemon *d, const char *why)
{
	free(d->vs.ebpf_status);
	d->vs.ebpf_status = why ? xstrdup(why) : NULL;
	for (struct client *c = d->clients; c; c = c->next)
		if (c->vc.pane_ready)
			c->vc.pane.status = d->vs.ebpf_status;
	daemon_schedule_render(d);
}

void violation_session_proxy_event(struct daemon *d, const struct proxy_event *ev,
				   const char *command)
{
	char target[300];

	if (ev->kind != PROXY_EVENT_BLOCKED)
		return;
	const char *detail = ev->reason;

	if (strchr(ev->host, ':'))
		snprintf(target, sizeof(target), "[%s]:%d", ev->host, ev->port);
	else
		snprintf(target, sizeof(target), "%s:%d", ev->host, ev->port);
	if (d->vs.ask_detail && strcmp(d->vs.ask_target, target) == 0)
		detail = d->vs.ask_detail;
	d->vs.ask_detail = NULL;
	violation_session_post(d, &(struct violation){
					  .time_ms = (int64_t)ev->time * 1000,
					  .source = ev->source == PROXY_SOURCE_HTTP
							    ? VIOLATION_SOURCE_HTTP
							    : VIOLATION_SOURCE_SOCKS,
					  .kind = VIOLATION_NET,
					  .action = VIOLATION_DENIED,
					  .target = target,
					  .detail = detail,
					  .command = command,
				  });
}

/* The pane width from FENCE_PANE_WIDTH in the daemon's environment, or 0. */
static int env_pane_width(void)
{
	const char *s = getenv("FENCE_PANE_WIDTH");

	return s ? atoi(s) : 0;
}

/* Set up a client's pane the first time it is laid out. */
static void pane_ready(struct client *c)
{
	if (c->vc.pane_ready)
		return;
	pane_init(&c->vc.pane, PANE_AUTO, env_pane_width());
	c->vc.pane.status = c->d->vs.ebpf_status;
	c->vc.pane_ready = true;
}

int violation_session_layout(struct client *c, int rows, int cols)
{
	pane_ready(c);
	return pane_layout(&c->vc.pane, rows, cols);
}

bool violation_session_render(struct client *c, bool full, struct render_buf *out)
{
	if (!c->vc.pane_ready)
		return false;
	if (full)
		pane_invalidate(&c->vc.pane);
	return pane_render(&c->vc.pane, &c->d->vs.model,
			   client_ask_line(c, c->vc.pane.width, false), out);
}

/* Send one record to a follower as an EVENT frame. */
static void follower_send(struct client *c, const struct violation *v)
{
	_cleanup_free_ char *json = violation_to_json(v);

	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) > FOLLOWER_QUEUE_MAX) {
		client_close(c, "violation follower too slow");
		return;
	}
	client_send(c, PROTO_EVENT, json, strlen(json));
}

static void on_follower_record(const struct violation *v, void *userdata)
{
	follower_send(userdata, v);
}

/* "violations": send the ring's records after `after`, then follow the bus. */
static void start_following(struct client *c, uint64_t after)
{
	struct violation_bus *b = c->d->vs.bus;

	if (!b) {
		client_send(c, PROTO_REPLY, "{\"ok\":false}", 12);
		return;
	}
	for (size_t i = 0; i < violation_bus_count(b); i++) {
		const struct violation *v = violation_bus_get(b, i);

		if (v->seq > after)
			follower_send(c, v);
	}
	client_send(c, PROTO_REPLY, "{\"ok\":true}", 11);
	if (!c->vc.subscription && !c->closing)
		c->vc.subscription = violation_bus_subscribe(b, on_follower_record, c);
}

/* "pane": change the client's pane mode and width, then repaint it in full. */
static void set_pane(struct client *c, json_object *o)
{
	json_object *v;
	struct pane *p = &c->vc.pane;
	int width;

	pane_ready(c);
	if (json_object_object_get_ex(o, "width", &v) && json_object_is_type(v, json_type_int)) {
		width = json_object_get_int(v);
		if (width >= PANE_MIN_WIDTH && width <= PANE_MAX_WIDTH)
			p->width = width;
	}
	if (json_object_object_get_ex(o, "mode", &v) && json_object_is_type(v, json_type_string)) {
		const char *m = json_object_get_string(v);

		if (strcmp(m, "toggle") == 0)
			p->mode = p->shown ? PANE_OFF : PANE_ON;
		else if (strcmp(m, "on") == 0)
			p->mode = PANE_ON;
		else if (strcmp(m, "off") == 0)
			p->mode = PANE_OFF;
		else if (strcmp(m, "auto") == 0)
			p->mode = PANE_AUTO;
	}
	if (c->role != PROTO_ROLE_TTY || c->rows == 0)
		return;
	/* The main pane changes width: resize its renderer and the PTY. */
	c->cols = pane_layout(p, c->rows, c->term_cols);
	render_resize(&c->render, c->rows, c->cols);
	daemon_apply_size(c->d);
	client_render(c);
}

/* Reply to a prompt command with {"ok":BOOL,"message":TEXT}. */
static void reply_message(struct client *c, bool ok, const char *message)
{
	json_object *o = json_object_new_object();
	const char *s;

	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(o, "message", json_object_new_string(message));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	client_send(c, PROTO_REPLY, s, strlen(s));
	json_object_put(o);
}

/*
 * "prompt": run one line of the command prompt.  Read-only clients may
 * look (policy) but not change anything.
 */
static void run_prompt(struct client *c, json_object *o)
{
	struct daemon *d = c->d;
	_cleanup_free_ char *message = NULL;
	struct violation record;
	json_object *v;
	bool changed;
	const char *line;
	int r;

	if (!json_object_object_get_ex(o, "line", &v) || !json_object_is_type(v, json_type_string))
		return reply_message(c, false, "malformed prompt command");
	line = json_object_get_string(v);
	if (!d->vs.policy_ready)
		return reply_message(c, false, "this session has no network policy to change");
	if (c->readonly && strncmp(line + strspn(line, " "), "policy", 6) != 0)
		return reply_message(c, false, "a read-only client cannot change the policy");
	r = prompt_run(&d->vs.policy, line, &record, &changed, &message);
	configwatch_take_written(d);
	log_debug("client %u: prompt '%s': %s", c->id, line, message);
	if (changed)
		violation_session_post(d, &record);
	reply_message(c, r == 0, message);
}

/*
 * "ask": answer the held request last drawn for this client.  Only a
 * writable terminal client may: a control client (fence ls, kill,
 * capture) has no one watching.
 */
static void answer_ask(struct client *c, json_object *o)
{
	_cleanup_free_ char *message = NULL;
	json_object *v;
	int r;

	if (c->role != PROTO_ROLE_TTY || c->readonly)
		return reply_message(c, false, "only an attached, writable client can answer");
	if (!json_object_object_get_ex(o, "decision", &v) || !json_object_is_type(v, json_type_string))
		return reply_message(c, false, "malformed ask answer");
	r = violation_ask_answer(c->d, json_object_get_string(v), c->vc.ask_id, &message);
	log_debug("client %u: ask answer '%s': %s", c->id, json_object_get_string(v), message);
	reply_message(c, r == 0, message);
}

bool violation_session_command(struct client *c, const uint8_t *payload, size_t len)
{
	_cleanup_free_ char *text = xstrndup((const char *)payload, len);
	json_object *o = json_tokener_parse(text), *v; /* owned */
	const char *cmd;
	bool handled = true;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "cmd", &v) || !json_object_is_type(v, json_type_string)) {
		json_object_put(o);
		return false;
	}
	cmd = json_object_get_string(v);
	if (strcmp(cmd, "violations") == 0) {
		int64_t after = 0;

		if (json_object_object_get_ex(o, "after", &v) && json_object_is_type(v, json_type_int))
			after = json_object_get_int64(v);
		start_following(c, after > 0 ? (uint64_t)after : 0);
	} else if (strcmp(cmd, "pane") == 0) {
		set_pane(c, o);
	} else if (strcmp(cmd, "prompt") == 0) {
		run_prompt(c, o);
	} else if (strcmp(cmd, "ask") == 0) {
		answer_ask(c, o);
	} else {
		handled = false;
	}
	json_object_put(o);
	return handled;
}

void violation_session_client_done(struct client *c)
{
	if (c->vc.subscription && c->d->vs.bus)
		violation_bus_unsubscribe(c->d->vs.bus, c->vc.subscription);
	c->vc.subscription = 0;
	if (c->vc.pane_ready)
		pane_done(&c->vc.pane);
	c->vc.pane_ready = false;
}
