/* SPDX-License-Identifier: MIT */
/*
 * session/timeline.c: command records from the shell-integration marks.
 *
 * The marks arrive in the order the hooks print them: 633;E (text), 133;C
 * (start), 133;D;N (end), 133;A (next prompt).  A start without an end
 * (the shell was killed, or a hook was bypassed) ends the previous record
 * with an unknown status, so a missing mark never glues two commands.
 *
 * A hook veto (OSC 33623;veto;LINE;REASON) is a claim printed from inside
 * the sandbox: it only becomes a violation record, under a rate limit, and
 * never feeds a decision.
 */
#include "session/timeline.h"

#include <json-c/json.h>
#include <string.h>

#include "util/util.h"

static void command_clear(struct timeline_command *c)
{
	free(c->text);
	free(c->cwd);
	*c = (struct timeline_command){ 0 };
}

/* End the running command, if any, with `status` at the current time. */
static void finish_current(struct timeline *t, int status)
{
	struct timeline_command *c = t->current;

	if (!c)
		return;
	t->current = NULL;
	c->end_ms = t->now_ms;
	c->status = status;
	log_debug("command %llu ended with status %d: %s", (unsigned long long)c->id, status,
		  c->text);
	if (t->on_end)
		t->on_end(c, t->userdata);
}

/* Take a free slot, dropping the oldest record when the ring is full. */
static struct timeline_command *slot_take(struct timeline *t)
{
	struct timeline_command *c;

	if (t->count == t->max) {
		command_clear(&t->ring[t->first]);
		t->first = (t->first + 1) % t->max;
		t->count--;
	}
	c = &t->ring[(t->first + t->count) % t->max];
	t->count++;
	return c;
}

static void start_command(struct timeline *t)
{
	struct timeline_command *c;

	finish_current(t, -1);
	c = slot_take(t);
	*c = (struct timeline_command){
		.id = t->next_id++,
		.text = t->pending_text ? TAKE_PTR(t->pending_text) : xstrdup(""),
		.cwd = t->cwd ? xstrdup(t->cwd) : NULL,
		.start_ms = t->now_ms,
		.status = -1,
	};
	t->current = c;
	log_debug("command %llu started in %s: %s", (unsigned long long)c->id,
		  c->cwd ? c->cwd : "(unknown)", c->text);
}

static void take_veto(struct timeline *t, const struct oscscan_event *ev);

static void on_mark(const struct oscscan_event *ev, void *userdata)
{
	struct timeline *t = userdata;

	switch (ev->type) {
	case OSCSCAN_COMMAND_LINE:
		free(t->pending_text);
		t->pending_text = xstrndup(ev->text, ev->text_len);
		break;
	case OSCSCAN_COMMAND_START:
		start_command(t);
		break;
	case OSCSCAN_COMMAND_END:
		finish_current(t, ev->status);
		break;
	case OSCSCAN_PROMPT_START:
		finish_current(t, -1);
		break;
	case OSCSCAN_PROMPT_END:
		break;
	case OSCSCAN_CWD:
		free(t->cwd);
		t->cwd = xstrndup(ev->text, ev->text_len);
		break;
	case OSCSCAN_VETO:
		take_veto(t, ev);
		break;
	}
}

static void violation_clear(struct timeline_violation *v)
{
	free(v->kind);
	free(v->target);
	free(v->detail);
	free(v->command);
	*v = (struct timeline_violation){ 0 };
}

void timeline_init(struct timeline *t, size_t max, timeline_callback on_end, void *userdata)
{
	if (max == 0)
		max = TIMELINE_DEFAULT_MAX;
	*t = (struct timeline){
		.ring = xcalloc(max, sizeof(struct timeline_command)),
		.violations = xcalloc(TIMELINE_MAX_VIOLATIONS, sizeof(struct timeline_violation)),
		.max = max,
		.next_id = 1,
		.on_end = on_end,
		.userdata = userdata,
		.veto_tokens = TIMELINE_VETO_BURST,
	};
	oscscan_init(&t->scan, on_mark, t);
}

void timeline_set_veto_callback(struct timeline *t, timeline_veto_callback fn, void *userdata)
{
	t->on_veto = fn;
	t->veto_userdata = userdata;
}

void timeline_done(struct timeline *t)
{
	for (size_t i = 0; i < t->count; i++)
		command_clear(&t->ring[(t->first + i) % t->max]);
	free(t->ring);
	for (size_t i = 0; i < t->violations_count; i++)
		violation_clear(&t->violations[(t->violations_first + i) % TIMELINE_MAX_VIOLATIONS]);
	free(t->violations);
	free(t->pending_text);
	free(t->cwd);
	oscscan_done(&t->scan);
	*t = (struct timeline){ 0 };
}

void timeline_feed(struct timeline *t, const void *data, size_t len, int64_t now_ms)
{
	t->now_ms = now_ms;
	oscscan_feed(&t->scan, data, len);
}

const struct timeline_command *timeline_current(const struct timeline *t)
{
	return t->current;
}

size_t timeline_count(const struct timeline *t)
{
	return t->count;
}

const struct timeline_command *timeline_get(const struct timeline *t, size_t i)
{
	if (i >= t->count)
		return NULL;
	return &t->ring[(t->first + i) % t->max];
}

const struct timeline_command *timeline_find(const struct timeline *t, uint64_t id)
{
	const struct timeline_command *oldest = timeline_get(t, 0);

	/* Ids are consecutive within the ring, so the slot follows from the id. */
	if (!oldest || id < oldest->id || id - oldest->id >= t->count)
		return NULL;
	return timeline_get(t, (size_t)(id - oldest->id));
}

char *timeline_command_json(const struct timeline_command *cmd)
{
	struct json_object *o = json_object_new_object();
	char *text;

	json_object_object_add(o, "id", json_object_new_int64((int64_t)cmd->id));
	json_object_object_add(o, "command", json_object_new_string(cmd->text));
	json_object_object_add(o, "cwd", cmd->cwd ? json_object_new_string(cmd->cwd) : NULL);
	json_object_object_add(o, "start", json_object_new_int64(cmd->start_ms));
	json_object_object_add(o, "end", cmd->end_ms ? json_object_new_int64(cmd->end_ms) : NULL);
	json_object_object_add(o, "status",
			       cmd->status >= 0 ? json_object_new_int(cmd->status) : NULL);
	text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

/* The command a violation at now_ms belongs to, or NULL. */
static const struct timeline_command *command_at(const struct timeline *t, int64_t now_ms)
{
	const struct timeline_command *last;

	if (t->current)
		return t->current;
	last = timeline_get(t, t->count ? t->count - 1 : 0);
	if (last && last->end_ms && now_ms - last->end_ms <= TIMELINE_LATE_MS)
		return last;
	return NULL;
}

/* Store a violation under cmd (may be NULL) with the command text `text`. */
static const struct timeline_violation *add_violation(struct timeline *t, int64_t now_ms,
						      const char *kind, const char *target,
						      const char *detail, uint64_t command_id,
						      const char *text)
{
	struct timeline_violation *v;

	if (t->violations_count == TIMELINE_MAX_VIOLATIONS) {
		violation_clear(&t->violations[t->violations_first]);
		t->violations_first = (t->violations_first + 1) % TIMELINE_MAX_VIOLATIONS;
		t->violations_count--;
	}
	v = &t->violations[(t->violations_first + t->violations_count) % TIMELINE_MAX_VIOLATIONS];
	t->violations_count++;
	*v = (struct timeline_violation){
		.time_ms = now_ms,
		.kind = xstrdup(kind),
		.target = xstrdup(target),
		.detail = detail ? xstrdup(detail) : NULL,
		.command_id = command_id,
		.command = text ? xstrdup(text) : NULL,
	};
	log_debug("violation %s %s under command %llu: %s", kind, target,
		  (unsigned long long)v->command_id, v->command ? v->command : "(none)");
	return v;
}

const struct timeline_violation *timeline_add_violation(struct timeline *t, int64_t now_ms,
							 const char *kind, const char *target,
							 const char *detail)
{
	const struct timeline_command *cmd = command_at(t, now_ms);

	return add_violation(t, now_ms, kind, target, detail, cmd ? cmd->id : 0,
			     cmd ? cmd->text : NULL);
}

/* Whether the rate limit lets one more veto through at now_ms; takes its token. */
static bool veto_allowed(struct timeline *t, int64_t now_ms)
{
	if (t->veto_tokens < TIMELINE_VETO_BURST) {
		int64_t due = (now_ms - t->veto_refilled_ms) / TIMELINE_VETO_INTERVAL_MS;

		if (due > 0) {
			t->veto_tokens = due >= TIMELINE_VETO_BURST - t->veto_tokens
						 ? TIMELINE_VETO_BURST
						 : t->veto_tokens + (unsigned)due;
			t->veto_refilled_ms = now_ms;
		}
	}
	if (t->veto_tokens == 0)
		return false;
	if (t->veto_tokens == TIMELINE_VETO_BURST)
		t->veto_refilled_ms = now_ms; /* the refill clock starts with the first token used */
	t->veto_tokens--;
	return true;
}

/* A copy of `len` bytes of s cut at `max`, at a UTF-8 character boundary; owned. */
static char *cut_text(const char *s, size_t len, size_t max)
{
	if (len > max) {
		len = max;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	return xstrndup(s, len);
}

/* A hook veto mark: record it, under the rate limit, and tell the callback. */
static void take_veto(struct timeline *t, const struct oscscan_event *ev)
{
	_cleanup_free_ char *line = NULL, *reason = NULL;
	const struct timeline_violation *v;
	uint64_t dropped;

	if (!veto_allowed(t, t->now_ms)) {
		t->vetoes_dropped++;
		t->vetoes_dropped_total++;
		return;
	}
	line = cut_text(ev->text, ev->text_len, TIMELINE_VETO_MAX_LINE);
	reason = cut_text(ev->detail ? ev->detail : "", ev->detail ? ev->detail_len : 0,
			  TIMELINE_VETO_MAX_REASON);
	/* The veto happened under the refused line itself, before it had a record. */
	v = add_violation(t, t->now_ms, "command", line, *reason ? reason : NULL, 0, line);
	dropped = t->vetoes_dropped;
	t->vetoes_dropped = 0;
	if (t->on_veto)
		t->on_veto(v, dropped, t->veto_userdata);
}

size_t timeline_violation_count(const struct timeline *t)
{
	return t->violations_count;
}

const struct timeline_violation *timeline_violation_get(const struct timeline *t, size_t i)
{
	if (i >= t->violations_count)
		return NULL;
	return &t->violations[(t->violations_first + i) % TIMELINE_MAX_VIOLATIONS];
}

char *timeline_violation_json(const struct timeline_violation *v)
{
	struct json_object *o = json_object_new_object();
	char *text;

	json_object_object_add(o, "time", json_object_new_int64(v->time_ms));
	json_object_object_add(o, "kind", json_object_new_string(v->kind));
	json_object_object_add(o, "target", json_object_new_string(v->target));
	json_object_object_add(o, "detail", v->detail ? json_object_new_string(v->detail) : NULL);
	json_object_object_add(o, "command_id",
			       v->command_id ? json_object_new_int64((int64_t)v->command_id) : NULL);
	json_object_object_add(o, "command", v->command ? json_object_new_string(v->command) : NULL);
	text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}
