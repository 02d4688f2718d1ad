/* SPDX-License-Identifier: MIT */
/*
 * cli/run.c: the one-shot run, 'fence -- CMD' and 'fence -c STRING'.
 *
 * One libuv loop drives everything on the host side: bwrap (spawned in
 * its own session, so that the terminal's signals reach fence only and
 * fence decides what the sandbox gets), the signal handlers, the control
 * socket to the init inside, and the PTY relay.  The proxies join the
 * same loop before the spawn.
 */
#include "cli/run.h"

#include <limits.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <uv.h>

#include "platform/linux/dangerous-watch.h"
#include "platform/linux/ebpfmon.h"
#include "platform/linux/ptyrelay.h"
#include "platform/platform.h"
#include "policy/policy.h"
#include "cli/registries.h"
#include "cli/run-macos.h"
#include "policy/configtrust.h"
#include "proxy/proxy.h"
#include "session/violation.h"

/*
 * The run.  Every handle below is closed by run_close_handles(); the
 * struct lives on run_execute's stack, which runs the loop until the last
 * close callback has run.
 */
struct run {
	uv_loop_t *loop;
	uv_process_t process;
	uv_signal_t signals[6];
	size_t n_signals;
	uv_poll_t control_poll;
	uv_timer_t drain_timer;
	unsigned long long drained_bytes; /* PTY output seen at the last drain tick */
	int control_fd; /* borrowed from the launch */
	bool use_pty;
	struct ptyrelay pty;
	bool spawned;
	bool bwrap_exited;
	int64_t bwrap_status;
	int bwrap_signal;
	int result; /* the command's status from the init, or -1 */
	int first_signal; /* the forwarded SIGINT/SIGTERM/SIGHUP, or 0 */
	int kill_signal; /* the second one, which killed the sandbox, or 0 */
	bool closing;
	struct bridge *bridge; /* proxies and bridges (proxy/), closed with the handles */
	/* argv exec policy: the socket pair the listener fd crosses, -1 when unused. */
	int exec_fds[2];
	struct execsuper *execsuper; /* stopped with the handles */
	struct proxy_log proxy_log; /* where -m/-d proxy lines go */
	struct ebpfmon *ebpfmon; /* eBPF denial monitor (platform/linux/ebpfmon.c), or NULL */
	struct dangerwatch *dangerwatch; /* dangerous files the sandbox may create, or NULL */
	struct strv dangerous_created; /* those it created, reported after the run */
};

/* Find an executable in $PATH and return its absolute path (owned), or NULL. */
static char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;

	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *candidate = xasprintf("%s/%s", dir, name);

		if (access(candidate, X_OK) == 0)
			return candidate;
		free(candidate);
	}
	return NULL;
}

/* Pick the shell for -c: bash, or a validated absolute $SHELL. */
static int choose_shell(const struct run_options *o, char **ret)
{
	const char *user_shell = getenv("SHELL");
	struct stat st;

	if (o->shell == SHELL_DEFAULT) {
		*ret = find_program("bash");
		if (!*ret) {
			msg_error("cannot find 'bash' in PATH for -c");
			msg_hint("install bash, or use --shell user");
			return -ENOENT;
		}
		return 0;
	}
	if (!user_shell || user_shell[0] != '/') {
		msg_error("invalid $SHELL '%s': --shell user needs an absolute path",
			  user_shell ? user_shell : "");
		return -EINVAL;
	}
	if (stat(user_shell, &st) < 0 || !S_ISREG(st.st_mode) || access(user_shell, X_OK) < 0) {
		msg_error("invalid $SHELL '%s': not an executable file", user_shell);
		return -EINVAL;
	}
	*ret = xstrdup(user_shell);
	return 0;
}

/* Build the command's argv: the words after '--', or SHELL -c STRING. */
static int build_command(const struct run_options *o, struct strv *ret)
{
	_cleanup_free_ char *shell = NULL;
	int r;

	if (!o->command_string) {
		for (int i = 0; i < o->argc; i++)
			strv_push(ret, o->argv[i]);
		return 0;
	}
	r = choose_shell(o, &shell);
	if (r < 0)
		return r;
	strv_push(ret, shell);
	strv_push(ret, o->shell_login ? "-lc" : "-c");
	strv_push(ret, o->command_string);
	return 0;
}

/* Print a -d line. */
static void debug_line(const struct run_options *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void debug_line(const struct run_options *o, const char *fmt, ...)
{
	va_list ap;

	if (!o->debug)
		return;
	fputs("[fence:linux] ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Send one control message to the init. */
static void control_send(struct run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void control_send(struct run *run, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (send(run->control_fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("cannot send '%s': %s", buf, strerror(errno));
}

static void run_close_handles(struct run *run);

/* Finish once bwrap has exited and the PTY has no more output. */
static void maybe_finish(struct run *run)
{
	if (!run->bwrap_exited || run->closing)
		return;
	if (run->use_pty && !run->pty.master_eof)
		return;
	run_close_handles(run);
}

/* Stop fence itself after the command stopped, and resume both on 'fg'. */
static void suspend_self(struct run *run)
{
	uv_signal_t *tstp = NULL;

	for (size_t i = 0; i < run->n_signals; i++)
		if (run->signals[i].signum == SIGTSTP)
			tstp = &run->signals[i];
	if (run->use_pty)
		ptyrelay_suspend(&run->pty);

	/*
	 * With the handler gone, SIGTSTP stops fence, and the user's shell
	 * reports the job as stopped.  kill() returns after SIGCONT, or at
	 * once in an orphaned process group, where a stop is discarded; in
	 * both cases the command must run on.
	 */
	/*
	 * Only the command's process group stopped.  Another process of the
	 * sandbox could keep reading the terminal that the user's shell now
	 * gets back, so the whole sandbox stops with fence.
	 */
	if (run->spawned)
		sandbox_signal_all(run->process.pid, SIGSTOP);
	if (tstp)
		uv_signal_stop(tstp);
	kill(getpid(), SIGTSTP);
	if (tstp)
		uv_signal_start(tstp, tstp->signal_cb, SIGTSTP);

	if (run->use_pty)
		ptyrelay_resume(&run->pty);
	if (run->spawned)
		sandbox_signal_all(run->process.pid, SIGCONT);
	control_send(run, "cont");
}

/* Handle one message from the init. */
static void handle_control_message(struct run *run, const char *msg)
{
	int n;

	if (sscanf(msg, "exit %d", &n) == 1)
		run->result = n;
	else if (sscanf(msg, "killed %d", &n) == 1)
		run->result = 128 + n;
	else if (sscanf(msg, "stopped %d", &n) == 1)
		suspend_self(run);
	else if (strcmp(msg, "started") != 0)
		log_debug("unknown control message '%s'", msg);
}

/* Read every queued control message without blocking. */
static void drain_control(struct run *run)
{
	char buf[128];
	ssize_t n;

	for (;;) {
		n = recv(run->control_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n <= 0)
			break;
		buf[n] = '\0';
		handle_control_message(run, buf);
	}
	if (n == 0 && uv_is_active((uv_handle_t *)&run->control_poll))
		uv_poll_stop(&run->control_poll);
}

/* The control socket became readable. */
static void on_control(uv_poll_t *h, int status, int events)
{
	drain_control(h->data);
}

/*
 * Wait for the PTY's last output after bwrap ended.  The kernel reports
 * EIO once every follower fd is closed, which normally ends the wait; this
 * tick only gives up when no byte arrived for a whole period and the
 * terminal is not holding the relay back.
 */
static void on_drain_tick(uv_timer_t *t)
{
	struct run *run = t->data;

	if (ptyrelay_output_pending(&run->pty, &run->drained_bytes))
		return;
	uv_timer_stop(t);
	run->pty.master_eof = true;
	maybe_finish(run);
}

/* bwrap ended: the sandbox is gone. */
static void on_bwrap_exit(uv_process_t *p, int64_t status, int term_signal)
{
	struct run *run = p->data;

	run->bwrap_exited = true;
	run->bwrap_status = status;
	run->bwrap_signal = term_signal;
	drain_control(run);
	if (run->use_pty && !run->pty.master_eof) {
		run->drained_bytes = run->pty.master_bytes;
		uv_timer_start(&run->drain_timer, on_drain_tick, 500, 500);
	}
	maybe_finish(run);
}

/* The PTY has no follower left: all output has been read. */
static void on_master_eof(struct ptyrelay *r)
{
	maybe_finish(r->data);
}

/*
 * SIGINT, SIGTERM, SIGHUP: the first is forwarded to the command, the
 * second kills the sandbox.  SIGTSTP is forwarded; the command's stop
 * then stops fence.  SIGCONT re-enters raw mode after an outside stop.
 */
static void on_signal(uv_signal_t *h, int signum)
{
	struct run *run = h->data;

	switch (signum) {
	case SIGWINCH:
		if (run->use_pty)
			ptyrelay_resize(&run->pty);
		return;
	case SIGCONT:
		if (run->use_pty)
			ptyrelay_resume(&run->pty);
		return;
	case SIGTSTP:
		control_send(run, "signal %d", signum);
		return;
	default:
		break;
	}
	if (!run->first_signal) {
		run->first_signal = signum;
		control_send(run, "signal %d", signum);
		return;
	}
	if (!run->kill_signal && !run->bwrap_exited) {
		run->kill_signal = signum;
		uv_process_kill(&run->process, SIGKILL);
	}
}

/* eBPF monitor (platform/linux/ebpfmon.c): one -m line per denied syscall. */
static void report_denial(const struct ebpfmon_record *rec, void *userdata)
{
	struct run *run = userdata;

	ebpfmon_format(rec, run->proxy_log.out);
}

/* eBPF monitor: start it for -m and -d, or say once why it is off. */
static void run_start_ebpfmon(struct run *run, const struct run_options *o)
{
	int r;

	if (!o->monitor && !o->debug)
		return;
	r = ebpfmon_start(run->loop, 0, report_denial, run, &run->ebpfmon);
	if (r < 0)
		fprintf(run->proxy_log.out, "[fence:ebpf] monitor unavailable: %s\n",
			ebpfmon_reason(r));
}

/* eBPF monitor: stop it and count what the rate limit dropped. */
static void run_stop_ebpfmon(struct run *run)
{
	unsigned long long dropped;

	if (!run->ebpfmon)
		return;
	dropped = ebpfmon_stop(TAKE_PTR(run->ebpfmon));
	if (dropped > 0)
		fprintf(run->proxy_log.out, "[fence:ebpf] %llu repeated denials not shown\n", dropped);
}

/* Nothing to free: every handle is a member of struct run. */
static void close_cb(uv_handle_t *h)
{
}

/* Close every handle of the run; uv_run returns after the last callback. */
static void run_close_handles(struct run *run)
{
	run->closing = true;
	for (size_t i = 0; i < run->n_signals; i++)
		uv_close((uv_handle_t *)&run->signals[i], close_cb);
	uv_close((uv_handle_t *)&run->control_poll, close_cb);
	uv_close((uv_handle_t *)&run->drain_timer, close_cb);
	if (run->spawned)
		uv_close((uv_handle_t *)&run->process, close_cb);
	if (run->use_pty)
		ptyrelay_close(&run->pty, NULL);
	bridge_close(run->bridge); /* network: the proxies must close for the loop to end */
	run->bridge = NULL;
	execsuper_stop(run->execsuper);
	run->execsuper = NULL;
	run_stop_ebpfmon(run);
	dangerwatch_stop(TAKE_PTR(run->dangerwatch), &run->dangerous_created);
}

/* Restore the user's terminal before a crash ends fence. */
static void on_crash(int sig)
{
	ptyrelay_restore_terminal();
	raise(sig);
}

/* Install the crash handlers that restore the terminal mode. */
static void install_crash_handlers(void)
{
	static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa = { .sa_handler = on_crash, .sa_flags = SA_RESETHAND | SA_NODEFER };

	for (size_t i = 0; i < ELEMENTSOF(crash_signals); i++)
		sigaction(crash_signals[i], &sa, NULL);
}

/* Spawn bwrap with the launch's argv, environment and fds. */
static int spawn_bwrap(struct run *run, struct sandbox_launch *l)
{
	uv_stdio_container_t stdio[6];
	uv_process_options_t opts = { 0 };
	int tty = run->use_pty ? run->pty.slave : -1;

	for (int i = 0; i < 3; i++) {
		stdio[i].flags = UV_INHERIT_FD;
		stdio[i].data.fd = tty >= 0 ? tty : i;
	}
	stdio[SANDBOX_SPEC_FD].flags = UV_INHERIT_FD;
	stdio[SANDBOX_SPEC_FD].data.fd = l->spec_fd;
	stdio[SANDBOX_CONTROL_FD].flags = UV_INHERIT_FD;
	stdio[SANDBOX_CONTROL_FD].data.fd = l->control_child_fd;
	stdio[SANDBOX_EXEC_FD].flags = UV_INHERIT_FD;
	stdio[SANDBOX_EXEC_FD].data.fd = run->exec_fds[1];

	opts.file = l->argv.v[0];
	opts.args = l->argv.v;
	opts.env = l->env.v;
	opts.stdio = stdio;
	opts.stdio_count = run->exec_fds[1] >= 0 ? 6 : 5;
	opts.exit_cb = on_bwrap_exit;
	/* Its own session: terminal signals reach fence, which forwards them. */
	opts.flags = UV_PROCESS_DETACHED;
	run->process.data = run;
	return uv_spawn(run->loop, &run->process, &opts);
}

/* Start the signal handlers of the run. */
static void start_signals(struct run *run)
{
	static const int signums[] = { SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT, SIGWINCH };

	for (size_t i = 0; i < ELEMENTSOF(signums); i++) {
		uv_signal_t *s = &run->signals[run->n_signals];

		uv_signal_init(run->loop, s);
		s->data = run;
		uv_signal_start(s, on_signal, signums[i]);
		run->n_signals++;
	}
}

/* Print the planner's warnings and, with -d, what the launch looks like. */
static void report_launch(const struct run_options *o, const struct sandbox_launch *l)
{
	_cleanup_free_ char *line = NULL;
	size_t len = 0;

	for (size_t i = 0; i < l->plan.warnings.n; i++)
		msg_warning("%s", l->plan.warnings.v[i]);
	if (!o->debug)
		return;
	for (size_t i = 0; i < l->plan.debug.n; i++)
		debug_line(o, "%s", l->plan.debug.v[i]);
	for (size_t i = 0; i < l->removed_env.n; i++)
		debug_line(o, "environment: removed %s", l->removed_env.v[i]);
	for (size_t i = 0; i < l->argv.n; i++) {
		line = xrealloc(line, len + strlen(l->argv.v[i]) + 4);
		len += (size_t)sprintf(line + len, "%s'%s'", i ? " " : "", l->argv.v[i]);
	}
	debug_line(o, "%s", line ? line : "");
}

/* Turn the run's outcome into fence's exit status. */
static int run_status(const struct run *run)
{
	if (run->kill_signal)
		return 128 + run->kill_signal;
	if (run->result >= 0)
		return run->result;
	if (run->bwrap_signal)
		msg_error("cannot start the sandbox: bwrap died of signal %d", run->bwrap_signal);
	else
		msg_error("cannot start the sandbox: bwrap exited with status %lld",
			  (long long)run->bwrap_status);
	return FENCE_EXIT_FAILURE;
}

/*
 * Print one violation record as a -m line: to --log-file when given
 * (opened for this line only, as the run's log is not open yet), else
 * to stderr.
 */
static void run_monitor_line(const struct run_options *o, const struct violation *v)
{
	_cleanup_fclose_ FILE *f = o->log_file ? fopen(o->log_file, "ae") : NULL;
	char line[2048];

	violation_format(v, line, sizeof(line));
	fprintf(f ? f : stderr, "%s\n", line);
}

/*
 * Check the command line against command and SSH policy before anything
 * starts: the -c text as it is, or the argv re-quoted as one line.
 * Returns 0, or FENCE_EXIT_CANNOT_EXEC after printing the rule.
 */
static int run_preflight(const struct fence_config *c, const struct run_options *o)
{
	_cleanup_free_ char *quoted = NULL;
	const char *line = o->command_string;
	struct command_verdict v;
	int status = 0;

	if (!line)
		line = quoted = cmdline_quote_argv(o->argv);
	command_check(c, line, &v);
	if (v.blocked) {
		/* violations: the -m record of a preflight refusal */
		if (o->monitor || o->debug)
			run_monitor_line(o, &(struct violation){
						    .source = VIOLATION_SOURCE_COMMAND,
						    .kind = VIOLATION_COMMAND,
						    .target = v.subcommand ? v.subcommand : line,
						    .detail = v.rule,
						    .command = v.subcommand && strcmp(v.subcommand, line) != 0
								       ? line
								       : NULL,
					    });
		msg_error("%s", v.message);
		status = FENCE_EXIT_CANNOT_EXEC;
	}
	command_verdict_done(&v);
	return status;
}

/*
 * Plan the runtime exec masks of `path` mode: the binaries single-word
 * deny rules name, masked so that scripts cannot start them either.  The
 * shell that runs a -c string is exempt.
 */
static void run_plan_exec_masks(const struct fence_config *c, const struct run_options *o,
				const struct strv *command, struct execmask_plan *ret)
{
	struct execmask_request req = {
		.config = c,
		.path_env = getenv("PATH"),
		.shell = o->command_string && command->n > 0 ? command->v[0] : NULL,
	};

	*ret = (struct execmask_plan){ 0 };
	if (c->command.runtime_exec_policy == EXEC_POLICY_ARGV)
		return;
	execmask_build(&req, ret);
	for (size_t i = 0; i < ret->warnings.n; i++)
		msg_warning("%s", ret->warnings.v[i]);
	for (size_t i = 0; i < ret->debug.n; i++)
		debug_line(o, "%s", ret->debug.v[i]);
}

/* Say once per run which protection layer this kernel cannot provide. */
static void warn_missing_layers(const struct linux_features *f)
{
	if (f->landlock_abi <= 0)
		msg_warning("Landlock is unavailable (%s), continuing with the mounts alone",
			    f->landlock_reason);
	if (!f->seccomp)
		msg_warning("seccomp is unavailable (%s), continuing without the system call filter",
			    f->seccomp_reason);
}

/*
 * argv exec policy: check that the kernel can notify execs and create the
 * socket pair whose child end becomes the sandbox's SANDBOX_EXEC_FD.
 * Returns 0, or a negative errno after printing why.
 */
static int run_open_exec_socket(struct run *run)
{
	if (!execsuper_supported()) {
		msg_error("cannot use runtimeExecPolicy 'argv': this kernel or libseccomp has no "
			  "seccomp user notification");
		msg_hint("use runtimeExecPolicy 'path' instead");
		return -EOPNOTSUPP;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, run->exec_fds) < 0) {
		int r = -errno;

		msg_error("cannot create the exec supervisor socket: %s", strerror(-r));
		return r;
	}
	return 0;
}

/* Print one rejected exec of the argv supervisor. */
static void report_exec(const struct execsuper_event *ev, const char *line, void *userdata)
{
	fprintf(stderr, "%s\n", line);
}

/*
 * argv exec policy: start answering the sandbox's exec notifications on
 * the run's loop.  Returns 0 (also when the policy is off) or a libuv
 * error after printing it.
 */
static int run_start_exec_supervisor(struct run *run, const struct fence_config *c)
{
	int r;

	if (run->exec_fds[0] < 0)
		return 0;
	r = execsuper_start(run->loop, TAKE_FD(run->exec_fds[0]), c, report_exec, run,
			    &run->execsuper);
	if (r < 0)
		msg_error("cannot start the exec supervisor: %s", strerror(-r));
	return r;
}

/*
 * Record the configuration files the command created, so that the next run
 * rejects them until the user has reviewed them, and say so.
 */
static void report_config_writes(struct configtrust_snapshot *watch)
{
	_cleanup_(strv_done) struct strv created = { 0 };
	int r = configtrust_record_changes(watch, &created);

	if (r < 0)
		msg_warning("cannot record the configuration files the command wrote: %s",
			    strerror(-r));
	for (size_t i = 0; i < created.n; i++) {
		msg_warning("the sandboxed command wrote the configuration file '%s'", created.v[i]);
		msg_hint("fence will not load it until you review it and run 'fence config trust %s'",
			 created.v[i]);
	}
}

/* Resolve the configuration; prints its warnings.  Returns 0 or an exit status. */
static int resolve_config(const struct run_options *o, const char *cwd, struct config_result *ret)
{
	struct config_request req = {
		.template_name = o->template_name,
		.settings_path = o->settings_path,
		.cwd = cwd,
	};
	_cleanup_free_ char *error = NULL;
	int r = config_resolve(&req, ret, &error);

	/* On error too: the warnings found before it often explain it. */
	for (size_t i = 0; i < ret->warnings.n; i++)
		msg_warning("%s", ret->warnings.v[i]);
	if (r < 0) {
		config_result_done(ret);
		msg_error("%s", error ? error : "cannot load the configuration");
		return FENCE_EXIT_FAILURE;
	}
	return 0;
}

/*
 * Network (proxy/): choose the mode, start the proxies and bridges on
 * run->loop and print the notices.  Isolated unless allowedDomains is
 * the bare "*" (relaxed) or bwrap cannot make a network namespace here
 * (shared, with a warning).  Returns 0 or -1 after printing the error.
 */
static int run_start_network(struct run *run, const struct run_options *o,
			     const struct fence_config *config,
			     const struct linux_features *features, bool *ret_isolated)
{
	bool relaxed = config_relaxed_network(config);
	_cleanup_free_ char *error = NULL;
	struct bridge_options bo = {
		.config = config,
		.isolated = !relaxed && features->netns,
		.ports = &o->ports,
		.on_event = proxy_log_event,
		.userdata = &run->proxy_log,
	};
	FILE *out = stderr;

	if (o->log_file) {
		out = fopen(o->log_file, "ae");
		if (!out) {
			msg_error("cannot open the log file %s: %s", o->log_file, strerror(errno));
			return -1;
		}
		setvbuf(out, NULL, _IOLBF, 0);
	}
	run->proxy_log = (struct proxy_log){ .out = out, .monitor = o->monitor, .debug = o->debug };
	if (!relaxed && !features->netns) {
		msg_warning("network namespaces are unavailable here (%s), so the sandbox shares "
			    "the host network: programs that ignore the proxy variables connect "
			    "directly",
			    features->netns_reason[0] ? features->netns_reason : "unknown reason");
		msg_hint("'fence --linux-features' shows what this system supports");
	}
	if (bridge_start(run->loop, &bo, &run->bridge, &error) < 0) {
		msg_error("cannot start the network proxies: %s", error);
		uv_run(run->loop, UV_RUN_DEFAULT);
		return -1;
	}
	if (o->debug || o->monitor) {
		for (size_t i = 0; i < run->bridge->notices.n; i++)
			fprintf(out, "[fence] %s\n", run->bridge->notices.v[i]);
	}
	if (o->debug)
		fprintf(out, "[fence] network: %s mode\n",
			bo.isolated ? "isolated" : relaxed ? "relaxed" : "shared");
	*ret_isolated = bo.isolated;
	return 0;
}

int run_execute(struct run_options *o)
{
	struct run run = { .result = -1, .control_fd = -1, .exec_fds = { -1, -1 } };
	struct config_result cfg;
	struct linux_features features;
	struct sandbox_launch launch = { .spec_fd = -1, .control_fd = -1, .control_child_fd = -1 };
	struct strv command = { 0 };
	struct execmask_plan exec_masks = { 0 };
	_cleanup_(strv_done) struct strv config_files = { 0 };
	struct configtrust_snapshot config_watch = { 0 };
	struct termios saved_termios;
	bool saved_tty = false;
	struct extra_bind net_binds[2]; /* network (proxy/) */
	struct relay_spec *net_relays = NULL;
	bool isolated = true;
	char cwd[PATH_MAX];
	_cleanup_free_ char *error = NULL;
	int status = FENCE_EXIT_FAILURE;
	int r;

	if (o->log_file)
		log_open(o->log_file);
	if (!getcwd(cwd, sizeof(cwd))) {
		msg_error("cannot get the working directory: %s", strerror(errno));
		return FENCE_EXIT_FAILURE;
	}
	r = resolve_config(o, cwd, &cfg);
	if (r != 0)
		return r;
	if (build_command(o, &command) < 0)
		goto out_config;

	/* Command policy (policy/cmdrules.c): a block starts nothing. */
	status = run_preflight(&cfg.config, o);
	if (status != 0)
		goto out_config;
	status = FENCE_EXIT_FAILURE;
#ifdef __APPLE__
	/* macOS: Seatbelt through sandbox-exec (cli/run-macos.c) in place of bwrap. */
	status = run_macos_execute(o, &cfg.config, command.v, cwd);
	goto out_config;
#endif
	run_plan_exec_masks(&cfg.config, o, &command, &exec_masks);
	if (cfg.config.command.runtime_exec_policy == EXEC_POLICY_ARGV &&
	    run_open_exec_socket(&run) < 0)
		goto out_config;

	features_detect_quick(&features);
	warn_missing_layers(&features);
	run.use_pty = cfg.config.allow_pty && isatty(0) && isatty(1);
	if (run.use_pty) {
		r = ptyrelay_open(&run.pty);
		if (r < 0) {
			msg_error("cannot allocate a terminal: %s", strerror(-r));
			goto out_config;
		}
		run.pty.data = &run;
	}

	run.loop = uv_default_loop();
	/* Network (proxy/): registry hosts join allowedDomains, then the proxies join run.loop. */
	if (cfg.config.network.allow_package_registries.n > 0) {
		struct strv warnings = { 0 };

		registries_resolve(&cfg.config, &warnings);
		for (size_t i = 0; i < warnings.n; i++)
			msg_warning("%s", warnings.v[i]);
		strv_done(&warnings);
	}
	if (run_start_network(&run, o, &cfg.config, &features, &isolated) < 0)
		goto out_pty;
	for (size_t i = 0; i < run.bridge->bind_src.n && i < ELEMENTSOF(net_binds); i++)
		net_binds[i] = (struct extra_bind){ run.bridge->bind_src.v[i],
						    run.bridge->bind_dst.v[i], i > 0 };
	net_relays = xcalloc(run.bridge->inside_listen.n + 1, sizeof(*net_relays));
	for (size_t i = 0; i < run.bridge->inside_listen.n; i++)
		net_relays[i] = (struct relay_spec){ run.bridge->inside_listen.v[i],
						     run.bridge->inside_target.v[i] };

	struct sandbox_spec spec = {
		.config = &cfg.config,
		.features = &features,
		.cwd = cwd,
		.home = home_directory(),
		.argv = command.v,
		.tty = run.use_pty,
		.unshare_net = isolated,
		.binds = isolated ? net_binds : NULL,
		.n_binds = isolated ? run.bridge->bind_src.n : 0,
		.relays = net_relays,
		.n_relays = run.bridge->inside_listen.n,
		.extra_env = &run.bridge->env,
		.exec_masks = &exec_masks.paths,
		.config_files = &config_files,
		.exec_supervise = run.exec_fds[1] >= 0,
		.debug = o->debug,
	};
	config_candidate_files(&cfg, cwd, &config_files);
	registries_settings_files(cwd, &config_files);
	r = sandbox_prepare(&spec, &launch, &error);
	if (r < 0) {
		msg_error("%s", error);
		bridge_close(TAKE_PTR(run.bridge));
		uv_run(run.loop, UV_RUN_DEFAULT);
		goto out_pty;
	}
	report_launch(o, &launch);
	run.control_fd = launch.control_fd;
	configtrust_snapshot(&config_files, &launch.plan.landlock_write, &config_watch);

	uv_timer_init(run.loop, &run.drain_timer);
	run.drain_timer.data = &run;
	uv_poll_init(run.loop, &run.control_poll, run.control_fd);
	run.control_poll.data = &run;
	uv_poll_start(&run.control_poll, UV_READABLE, on_control);
	start_signals(&run);
	if (run.use_pty)
		install_crash_handlers();

	saved_tty = !run.use_pty && tcgetattr(STDIN_FILENO, &saved_termios) == 0;
	run_start_ebpfmon(&run, o);
	dangerwatch_start(run.loop, &launch.plan.watch_files, &run.dangerwatch);
	r = run_start_exec_supervisor(&run, &cfg.config);
	if (r == 0)
		r = spawn_bwrap(&run, &launch);
	sandbox_close_child_fds(&launch);
	if (run.exec_fds[1] >= 0)
		close(TAKE_FD(run.exec_fds[1]));
	if (r < 0) {
		msg_error("cannot start '%s': %s", launch.argv.v[0], uv_strerror(r));
		run_close_handles(&run);
		uv_run(run.loop, UV_RUN_DEFAULT);
		goto out_launch;
	}
	run.spawned = true;
	if (run.use_pty) {
		ptyrelay_close_slave(&run.pty);
		r = ptyrelay_start(&run.pty, run.loop, on_master_eof);
		if (r < 0)
			log_debug("cannot relay the terminal: %s", uv_strerror(r));
	}

	uv_run(run.loop, UV_RUN_DEFAULT);
	status = run_status(&run);
	/*
	 * Without a PTY the command shares the user's terminal: put back the
	 * settings it may have changed (echo off, another interrupt key).
	 */
	if (saved_tty)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_termios);
	report_config_writes(&config_watch);
	for (size_t i = 0; i < run.dangerous_created.n; i++)
		msg_warning("the sandbox created '%s', a file that programs outside the sandbox "
			    "read and may run; check it",
			    run.dangerous_created.v[i]);

out_launch:
	configtrust_snapshot_done(&config_watch);
	sandbox_launch_done(&launch);
out_pty:
	if (run.use_pty && !run.spawned)
		ptyrelay_close(&run.pty, NULL);
	if (run.proxy_log.out && run.proxy_log.out != stderr)
		fclose(run.proxy_log.out);
	if (run.loop)
		uv_loop_close(run.loop);
out_config:
	for (int i = 0; i < 2; i++)
		if (run.exec_fds[i] >= 0)
			close(run.exec_fds[i]);
	free(net_relays);
	strv_done(&run.dangerous_created);
	execmask_done(&exec_masks);
	strv_done(&command);
	config_result_done(&cfg);
	return status;
}

int run_print_linux_features(void)
{
	struct linux_features f;

	features_detect(&f);
	features_print(&f, stdout);
	return 0;
}
