/* SPDX-License-Identifier: MIT */
/*
 * cli/run-macos.c: the one-shot run on macOS, 'fence -- CMD' under
 * sandbox-exec.
 *
 * Seatbelt needs no helper inside the sandbox: fence starts its proxies on
 * 127.0.0.1, builds the profile that lets the command reach only them,
 * and spawns `sandbox-exec -p PROFILE COMMAND` with the proxy environment.
 * The command stays in fence's process group on fence's terminal, so job
 * control and Ctrl-C reach it directly; there is no PTY relay.  One libuv
 * loop runs the proxies, the signal handlers, the child's exit (SIGCHLD)
 * and, with -m, the `log stream` reader that prints Seatbelt's denials.
 *
 * NOTE: this file builds and its parts are unit-tested on Linux, but it
 * has never run on a Mac: sandbox-exec, `log stream` and the profile's
 * rules are untested there.
 */
#include "cli/run-macos.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "cli/macos-profile.h"
#include "platform/macos/logstream.h"
#include "platform/macos/sandboxexec.h"
#include "platform/macos/seatbelt.h"
#include "policy/policy.h"
#include "proxy/proxy.h"

extern char **environ;

/* How long `log stream` may still deliver denials after the command ended. */
#define MONITOR_DRAIN_MS 300

/*
 * One run.  Every handle is a member and is closed by run_close(); the
 * struct lives on run_macos_execute's stack, which runs the loop until
 * the last close callback.
 */
struct macos_run {
	uv_loop_t *loop;
	uv_signal_t signals[4]; /* SIGCHLD, SIGINT, SIGTERM, SIGHUP */
	size_t n_signals;
	uv_timer_t drain_timer;
	uv_poll_t monitor_poll;
	bool monitor_polling;
	struct proxy *proxy; /* closed by run_close */
	struct proxy_log log;
	bool debug;
	struct logstream_reader reader;
	pid_t child; /* sandbox-exec, which becomes the command; 0 once reaped */
	int child_status; /* its waitpid status */
	bool child_ended;
	pid_t monitor_pid; /* `log stream`, 0 when not running */
	int monitor_fd;
	bool terminal_job; /* the child is in the terminal's foreground group */
	int first_signal;
	int kill_signal; /* the second signal, which killed the command, or 0 */
	bool closing;
};

/* Print a -d line. */
static void debug_line(const struct macos_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void debug_line(const struct macos_run *run, const char *fmt, ...)
{
	va_list ap;

	if (!run->debug)
		return;
	fputs("[fence:macos] ", run->log.out);
	va_start(ap, fmt);
	vfprintf(run->log.out, fmt, ap);
	va_end(ap);
	fputc('\n', run->log.out);
}

/* Nothing to free: every handle is a member of struct macos_run. */
static void close_cb(uv_handle_t *h)
{
}

/* Stop `log stream` and reap it: it keeps no state worth a clean exit. */
static void monitor_stop(struct macos_run *run)
{
	if (run->monitor_polling) {
		uv_poll_stop(&run->monitor_poll);
		run->monitor_polling = false;
	}
	if (run->monitor_pid > 0) {
		kill(run->monitor_pid, SIGKILL);
		waitpid(run->monitor_pid, NULL, 0);
		run->monitor_pid = 0;
	}
}

/* Close every handle; uv_run returns after the last close callback. */
static void run_close(struct macos_run *run)
{
	if (run->closing)
		return;
	run->closing = true;
	monitor_stop(run);
	if (run->monitor_fd >= 0)
		uv_close((uv_handle_t *)&run->monitor_poll, close_cb);
	for (size_t i = 0; i < run->n_signals; i++)
		uv_close((uv_handle_t *)&run->signals[i], close_cb);
	uv_close((uv_handle_t *)&run->drain_timer, close_cb);
	proxy_close(TAKE_PTR(run->proxy));
}

/* The drain period after the command ended is over. */
static void on_drain_timer(uv_timer_t *t)
{
	run_close(t->data);
}

/* The command ended: give `log stream` a moment for its last reports. */
static void child_ended(struct macos_run *run)
{
	run->child_ended = true;
	if (run->monitor_polling)
		uv_timer_start(&run->drain_timer, on_drain_timer, MONITOR_DRAIN_MS, 0);
	else
		run_close(run);
}

/* SIGCHLD: reap the command and `log stream`, leaving other children alone. */
static void on_sigchld(struct macos_run *run)
{
	int status;

	if (run->child > 0 && waitpid(run->child, &status, WNOHANG) == run->child) {
		run->child = 0;
		run->child_status = status;
		child_ended(run);
	}
	if (run->monitor_pid > 0 && waitpid(run->monitor_pid, &status, WNOHANG) == run->monitor_pid)
		run->monitor_pid = 0;
}

/*
 * SIGINT, SIGTERM, SIGHUP: the first is forwarded to the command, the
 * second kills it.  A SIGINT while the command runs in the terminal's
 * foreground group came from the terminal, which sent it to the command
 * too.  So it is not forwarded, and it never leads to a kill, because
 * programs such as editors take Ctrl-C as input.
 */
static void on_signal(uv_signal_t *h, int signum)
{
	struct macos_run *run = h->data;

	if (signum == SIGCHLD) {
		on_sigchld(run);
		return;
	}
	if (run->child <= 0 || (signum == SIGINT && run->terminal_job))
		return;
	if (!run->first_signal) {
		run->first_signal = signum;
		kill(run->child, signum);
		return;
	}
	if (!run->kill_signal) {
		run->kill_signal = signum;
		kill(run->child, SIGKILL);
	}
}

/* Print one -m line for a denial that `log stream` reported. */
static void on_monitor_line(const char *line, void *userdata)
{
	struct macos_run *run = userdata;
	struct logstream_event ev;
	_cleanup_free_ char *text = NULL;
	char now[16];
	time_t t = time(NULL);
	struct tm tm;

	if (logstream_parse_line(line, &ev) != 1)
		return;
	strftime(now, sizeof(now), "%H:%M:%S", localtime_r(&t, &tm));
	text = logstream_format(&ev, now);
	fprintf(run->log.out, "%s\n", text);
}

/* `log stream` wrote something, or ended. */
static void on_monitor_readable(uv_poll_t *h, int status, int events)
{
	struct macos_run *run = h->data;
	char buf[4096];
	ssize_t n = read(run->monitor_fd, buf, sizeof(buf));

	if (n > 0) {
		logstream_reader_feed(&run->reader, buf, (size_t)n, on_monitor_line, run);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	uv_poll_stop(h);
	run->monitor_polling = false;
	if (run->child_ended)
		run_close(run);
}

/* -m and -d: start `log stream` for this run's tag, or print once why not. */
static void monitor_start(struct macos_run *run, const char *log_tag)
{
	int r = logstream_start(log_tag, &run->monitor_pid, &run->monitor_fd);

	if (r < 0) {
		run->monitor_fd = -1;
		fprintf(run->log.out, "[fence:logstream] monitor unavailable: cannot start 'log "
				      "stream': %s\n",
			strerror(-r));
		return;
	}
	uv_poll_init(run->loop, &run->monitor_poll, run->monitor_fd);
	run->monitor_poll.data = run;
	uv_poll_start(&run->monitor_poll, UV_READABLE, on_monitor_readable);
	run->monitor_polling = true;
}

/* Start the handlers: SIGCHLD first, so that no exit is missed. */
static void start_signals(struct macos_run *run)
{
	static const int signums[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP};

	for (size_t i = 0; i < ELEMENTSOF(signums); i++) {
		uv_signal_t *s = &run->signals[run->n_signals++];

		uv_signal_init(run->loop, s);
		s->data = run;
		uv_signal_start(s, on_signal, signums[i]);
	}
}

/* The per-user temporary directory of macOS, made writable in the profile. */
static char *user_temp_dir(void)
{
#ifdef _CS_DARWIN_USER_TEMP_DIR
	char buf[PATH_MAX];
	size_t n = confstr(_CS_DARWIN_USER_TEMP_DIR, buf, sizeof(buf));

	if (n > 1 && n <= sizeof(buf) && buf[0] == '/') {
		size_t len = strlen(buf);
		char *slash;

		/* ".../T/": its parent also contains the user's caches (C). */
		while (len > 1 && buf[len - 1] == '/')
			buf[--len] = '\0';
		slash = strrchr(buf, '/');
		if (slash && slash != buf) {
			*slash = '\0';
			return xstrdup(buf);
		}
	}
#endif
	return NULL;
}

/* Open the -m/-d log stream: --log-file when given, else stderr. */
static int open_log(struct macos_run *run, const struct run_options *o)
{
	run->log = (struct proxy_log){.out = stderr, .monitor = o->monitor, .debug = o->debug};
	run->debug = o->debug;
	if (!o->log_file)
		return 0;
	run->log.out = fopen(o->log_file, "ae");
	if (!run->log.out) {
		run->log.out = stderr;
		msg_error("cannot open the log file %s: %s", o->log_file, strerror(errno));
		return -1;
	}
	setvbuf(run->log.out, NULL, _IOLBF, 0);
	return 0;
}

/* Start the proxies on 127.0.0.1; prints the error.  Returns 0 or -1. */
static int start_proxies(struct macos_run *run, const struct fence_config *c)
{
	_cleanup_free_ char *error = NULL;
	struct proxy_options po = {
	    .network = &c->network,
	    .listen_tcp = true,
	    .on_event = proxy_log_event,
	    .userdata = &run->log,
	};

	if (proxy_start(run->loop, &po, &run->proxy, &error) < 0) {
		msg_error("cannot start the network proxies: %s", error ? error : "unknown error");
		return -1;
	}
	debug_line(run, "proxies: http 127.0.0.1:%d, socks 127.0.0.1:%d",
		   proxy_http_port(run->proxy), proxy_socks_port(run->proxy));
	return 0;
}

/* Everything the spawn needs, built before anything runs. */
struct launch {
	char log_tag[SEATBELT_TAG_MAX];
	char *profile; /* owned */
	char *profile_dir, *profile_path; /* owned, set when the profile went to a file */
	struct strv argv, env, removed;
};

static void launch_done(struct launch *l)
{
	sandboxexec_remove_profile(l->profile_dir, l->profile_path);
	free(l->profile_dir);
	free(l->profile_path);
	free(l->profile);
	strv_done(&l->argv);
	strv_done(&l->env);
	strv_done(&l->removed);
}

void run_macos_profile_params(const struct run_options *o, char *const *command,
			      const struct run_macos_host *host, struct seatbelt_params *ret)
{
	*ret = (struct seatbelt_params){
	    .home = host->home,
	    .cwd = host->cwd,
	    .tmpdir = host->tmpdir,
	    .user_temp_dir = host->user_temp_dir,
	    .log_tag = host->log_tag,
	    .http_proxy_port = host->http_proxy_port,
	    .socks_proxy_port = host->socks_proxy_port,
	    /* The shell that runs a -c string is never denied. */
	    .shell = o->command_string ? command[0] : NULL,
	    /* -p: a server inside listens on the host's localhost directly. */
	    .exposed_ports = o->ports.n > 0,
	};
}

/*
 * Build the profile, argv and environment of the run.  Prints what goes
 * wrong.  Returns 0 or FENCE_EXIT_FAILURE.
 */
static int prepare_launch(struct macos_run *run, const struct run_options *o,
			  const struct fence_config *c, char *const *command, const char *cwd,
			  struct launch *l)
{
	_cleanup_free_ char *temp_dir = user_temp_dir();
	const char *host_tmp = getenv("TMPDIR");
	struct run_macos_host host = {
	    .home = home_directory(),
	    .cwd = cwd,
	    .tmpdir = sandboxexec_tmpdir(),
	    .user_temp_dir = temp_dir,
	    .log_tag = l->log_tag,
	    .http_proxy_port = proxy_http_port(run->proxy),
	    .socks_proxy_port = proxy_socks_port(run->proxy),
	};
	struct sandboxexec_params sp = {
	    .tmpdir = host.tmpdir,
	    .http_proxy_port = host.http_proxy_port,
	    .socks_proxy_port = host.socks_proxy_port,
	};
	struct seatbelt_params p;
	int r;

	seatbelt_log_tag_generate(l->log_tag, sizeof(l->log_tag));
	run_macos_profile_params(o, command, &host, &p);
	r = macos_profile_build(c, &p, &l->profile);
	if (r != 0)
		return r;
	if (strlen(l->profile) > SANDBOXEXEC_INLINE_MAX) {
		r = sandboxexec_write_profile(host_tmp && host_tmp[0] == '/' ? host_tmp : "/tmp",
					      l->profile, &l->profile_dir, &l->profile_path);
		if (r < 0) {
			msg_error("cannot write the macOS profile: %s", strerror(-r));
			return FENCE_EXIT_FAILURE;
		}
	}
	sandboxexec_argv(l->profile, l->profile_path, command, &l->argv);
	sandboxexec_env(environ, c, &sp, &l->env, &l->removed);

	debug_line(run, "log tag %s, TMPDIR %s, profile of %zu bytes%s%s", l->log_tag, sp.tmpdir,
		   strlen(l->profile), l->profile_path ? " in " : "",
		   l->profile_path ? l->profile_path : "");
	for (size_t i = 0; i < l->removed.n; i++)
		debug_line(run, "environment: removed %s", l->removed.v[i]);
	return 0;
}

/* The command's exit status as fence's own. */
static int run_status(const struct macos_run *run)
{
	if (run->kill_signal)
		return 128 + run->kill_signal;
	return sandboxexec_exit_status(run->child_status);
}

int run_macos_execute(const struct run_options *o, const struct fence_config *c,
		      char *const *command, const char *cwd)
{
	struct macos_run run = {.monitor_fd = -1};
	struct launch launch = {0};
	int status = FENCE_EXIT_FAILURE;
	int r;

	if (open_log(&run, o) < 0)
		return FENCE_EXIT_FAILURE;
	/* TODO: allowPackageRegistries queries each tool inside a bubblewrap
	 * sandbox, which macOS lacks.  Until a Seatbelt variant exists, no
	 * registry host is added there. */
	if (c->network.allow_package_registries.n > 0)
		msg_warning("allowPackageRegistries is not resolved on macOS yet, so no registry "
			    "host is allowed; list the hosts in network.allowedDomains");

	run.loop = uv_default_loop();
	uv_timer_init(run.loop, &run.drain_timer);
	run.drain_timer.data = &run;
	start_signals(&run);
	if (start_proxies(&run, c) < 0)
		goto out_close;
	status = prepare_launch(&run, o, c, command, cwd, &launch);
	if (status != 0)
		goto out_close;
	status = FENCE_EXIT_FAILURE;

	if (o->monitor || o->debug)
		monitor_start(&run, launch.log_tag);
	run.terminal_job = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
	r = sandboxexec_spawn(launch.argv.v, launch.env.v, &run.child);
	if (r < 0) {
		msg_error("cannot start '%s': %s", launch.argv.v[0], strerror(-r));
		goto out_close;
	}
	uv_run(run.loop, UV_RUN_DEFAULT);
	status = run_status(&run);
	goto out;

out_close:
	run_close(&run);
	uv_run(run.loop, UV_RUN_DEFAULT);
out:
	uv_loop_close(run.loop);
	logstream_reader_done(&run.reader);
	if (run.monitor_fd >= 0)
		close(run.monitor_fd);
	launch_done(&launch);
	if (run.log.out != stderr)
		fclose(run.log.out);
	return status;
}
