/* SPDX-License-Identifier: MIT */
/*
 * session/configwatch.c: record configuration files that a session's
 * shell creates, and post each one to the violation bus.
 */
#include "session/configwatch.h"

#include <string.h>

#include "cli/registries.h"
#include "session/daemon.h"

/* Record what appeared since the last check, one violation per file. */
static void configwatch_check(struct daemon *d)
{
	_cleanup_(strv_done) struct strv created = { 0 };
	int r = configtrust_record_changes(&d->config_watch.snapshot, &created);

	if (r < 0)
		log_debug("cannot record configuration files the shell wrote: %s", strerror(-r));
	for (size_t i = 0; i < created.n; i++) {
		struct violation v = {
			.source = VIOLATION_SOURCE_COMMAND,
			.kind = VIOLATION_FILE,
			.action = VIOLATION_DENIED,
			.target = created.v[i],
			.detail = "configuration file written in the sandbox; fence will not load it "
				  "until 'fence config trust' names it",
		};

		log_debug("the shell wrote the configuration file '%s'", created.v[i]);
		violation_session_post(d, &v);
	}
}

static void on_configwatch_timer(uv_timer_t *t)
{
	configwatch_check(t->data);
}

void configwatch_start(struct daemon *d)
{
	struct configwatch *w = &d->config_watch;
	_cleanup_(strv_done) struct strv files = { 0 };

	config_candidate_files(&d->launch.cfg, d->cwd, &files);
	registries_settings_files(d->cwd, &files);
	configtrust_snapshot(&files, &d->launch.sandbox.plan.landlock_write, &w->snapshot);
	if (w->snapshot.paths.n == 0)
		return;
	uv_timer_init(d->loop, &w->timer);
	w->timer.data = d;
	uv_timer_start(&w->timer, on_configwatch_timer, CONFIGWATCH_INTERVAL_MS,
		       CONFIGWATCH_INTERVAL_MS);
	w->active = true;
}

void configwatch_take_written(struct daemon *d)
{
	_cleanup_free_ char *path = TAKE_PTR(d->vs.policy.written_path);

	if (path)
		configtrust_accept(&d->config_watch.snapshot, path);
}

static void on_timer_closed(uv_handle_t *h)
{
}

void configwatch_stop(struct daemon *d)
{
	struct configwatch *w = &d->config_watch;

	if (!w->active)
		return;
	configwatch_check(d);
	uv_close((uv_handle_t *)&w->timer, on_timer_closed);
	w->active = false;
}

void configwatch_done(struct daemon *d)
{
	configtrust_snapshot_done(&d->config_watch.snapshot);
}
