/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/sandbox-init.c: 'fence init', the sandbox's first process.
 *
 * bwrap starts the init as PID 1 of the sandbox's PID namespace (with
 * --as-pid-1).  The init reads its settings from the spec fd, takes the
 * terminal when there is one and forks the command.  From then on it only
 * waits.  It reaps every orphan, forwards the signals fence sends over the
 * control socket, and reports stops and the exit status back.  When it returns,
 * the kernel kills whatever is left in the namespace, so no background
 * process of the command outlives the run.
 *
 * The command's child applies Landlock, then seccomp, then strips the
 * loader variables again and executes.  The init itself stays outside
 * Landlock and seccomp; the command cannot ptrace it (seccomp) and, being
 * in a nested Landlock domain, could not even if ptrace were allowed.
 */
#include "platform/linux/sandbox.h"

#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <uv.h>

#include "platform/linux/execsuper.h"
#include "platform/linux/landlock.h"
#include "platform/linux/sysfilter.h"
#include "proxy/proxy.h"

extern char **environ;

/* The init's settings, parsed from the spec fd. */
struct init_spec {
	bool tty;
	bool debug;
	bool seccomp;
	bool landlock;
	bool scope_abstract_unix;
	bool exec_supervise; /* argv exec policy, see execsuper.h */
	struct strv landlock_read;
	struct strv landlock_exec;
	struct strv landlock_write;
	struct relay_spec *relays; /* owned array */
	size_t n_relays;
};

/*
 * The running init.  Both poll handles live on the stack of
 * sandbox_init_main, which closes them and runs the loop once more
 * before returning.
 */
struct init_state {
	uv_loop_t loop;
	uv_poll_t sigchld_poll;
	uv_poll_t control_poll;
	int sigchld_fd;
	int control_fd;
	pid_t command;
	int status; /* the init's exit status once the command ended, else -1 */
};

/* Print a debug line of the init when the run has -d. */
static void init_debug(const struct init_spec *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void init_debug(const struct init_spec *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->debug)
		return;
	fputs("[fence:linux] ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Copy a JSON array of strings into a list. */
static void json_get_strv(struct json_object *o, const char *key, struct strv *ret)
{
	struct json_object *a; /* borrowed */

	if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i); /* borrowed */

		if (json_object_is_type(e, json_type_string))
			strv_push(ret, json_object_get_string(e));
	}
}

/* Read a boolean member; absent means false. */
static bool json_get_bool(struct json_object *o, const char *key)
{
	struct json_object *v; /* borrowed */

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

/* Copy a string member of a relay entry; absent means NULL. */
static char *json_dup_string(struct json_object *o, const char *key)
{
	struct json_object *v; /* borrowed */

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

/* Read all of fd from offset 0 into an owned string. */
static int read_all(int fd, char **ret)
{
	size_t len = 0, cap = 4096;
	_cleanup_free_ char *buf = xmalloc(cap);

	for (;;) {
		ssize_t n;

		if (len + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		n = pread(fd, buf + len, cap - 1 - len, (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

/* Parse the settings the host side wrote. */
static int spec_parse(int fd, struct init_spec *ret)
{
	_cleanup_free_ char *text = NULL;
	struct json_object *o; /* owned */
	struct json_object *relays; /* borrowed */
	int r;

	r = read_all(fd, &text);
	if (r < 0)
		return r;
	o = json_tokener_parse(text);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -EINVAL;
	}
	ret->tty = json_get_bool(o, "tty");
	ret->debug = json_get_bool(o, "debug");
	ret->seccomp = json_get_bool(o, "seccomp");
	ret->landlock = json_get_bool(o, "landlock");
	ret->scope_abstract_unix = json_get_bool(o, "scope_abstract_unix");
	ret->exec_supervise = json_get_bool(o, "exec_supervise");
	json_get_strv(o, "landlock_read", &ret->landlock_read);
	json_get_strv(o, "landlock_exec", &ret->landlock_exec);
	json_get_strv(o, "landlock_write", &ret->landlock_write);
	if (json_object_object_get_ex(o, "relays", &relays) &&
	    json_object_is_type(relays, json_type_array)) {
		size_t n = json_object_array_length(relays);

		ret->relays = xcalloc(n, sizeof(*ret->relays));
		for (size_t i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(relays, i); /* borrowed */

			ret->relays[i].listen = json_dup_string(e, "listen");
			ret->relays[i].connect = json_dup_string(e, "connect");
			ret->n_relays++;
		}
	}
	json_object_put(o);
	return 0;
}

/* Free the settings. */
static void spec_done(struct init_spec *s)
{
	strv_done(&s->landlock_read);
	strv_done(&s->landlock_exec);
	strv_done(&s->landlock_write);
	for (size_t i = 0; i < s->n_relays; i++) {
		free(s->relays[i].listen);
		free(s->relays[i].connect);
	}
	free(s->relays);
}

/* Send one control message to fence; a vanished fence is not an error here. */
static void control_send(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void control_send(int fd, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int n;

	if (fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0)
		log_debug("cannot send '%s': %s", buf, strerror(errno));
}

/* Remove LD_* and DYLD_* from this process's environment. */
static void strip_loader_environment(void)
{
	for (size_t i = 0; environ && environ[i];) {
		size_t n = strcspn(environ[i], "=");
		_cleanup_free_ char *name = xstrndup(environ[i], n);

		if (environ_is_loader_name(name))
			unsetenv(name);
		else
			i++;
	}
}

/*
 * Report a failure of the command's child down the error pipe and exit.
 * The message is "STATUS text"; the init prints it and exits with STATUS.
 */
static _Noreturn void child_fail(int errpipe, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static _Noreturn void child_fail(int errpipe, int status, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%d ", status);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (write(errpipe, buf, strlen(buf)) < 0)
		_exit(status);
	_exit(status);
}

/*
 * Mark every descriptor above stderr close-on-exec, so that the command
 * gets only its standard streams: neither fence's own sockets nor a
 * descriptor the caller of fence left open (a directory fd would let it
 * open files by paths the mounts do not cover).
 */
static void close_inherited_fds(void)
{
	DIR *d;

	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	/* Kernels before 5.11: walk the descriptor table instead. */
	d = opendir("/proc/self/fd");
	if (!d)
		return;
	for (struct dirent *e = readdir(d); e; e = readdir(d)) {
		int fd = atoi(e->d_name);

		if (fd > 2 && fd != dirfd(d))
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	closedir(d);
}

/* The command's side of the fork: job control, Landlock, seccomp, exec. */
static _Noreturn void child_exec(const struct init_spec *s, int errpipe, char **argv)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int r;

	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* Own process group, in the terminal's foreground when there is one. */
	setpgid(0, 0);
	if (s->tty) {
		signal(SIGTTOU, SIG_IGN);
		tcsetpgrp(0, getpid());
		signal(SIGTTOU, SIG_DFL);
	}

	if (s->landlock) {
		struct fsrules_request req = {
			.read = &s->landlock_read,
			.exec = &s->landlock_exec,
			.write = &s->landlock_write,
			.scope_abstract_unix = s->scope_abstract_unix,
		};
		struct strv notes = { 0 };

		r = fsrules_apply(&req, &notes);
		for (size_t i = 0; i < notes.n; i++)
			init_debug(s, "%s", notes.v[i]);
		strv_done(&notes);
		if (r < 0)
			child_fail(errpipe, FENCE_EXIT_FAILURE, "cannot apply the Landlock rules: %s",
				   strerror(-r));
		init_debug(s, "Landlock applied");
	} else {
		init_debug(s, "Landlock unavailable, the mounts alone restrict the file system");
	}

	if (s->seccomp) {
		r = sysfilter_load();
		if (r < 0)
			child_fail(errpipe, FENCE_EXIT_FAILURE, "cannot load the seccomp filter: %s",
				   strerror(-r));
		init_debug(s, "seccomp filter loaded");
	} else {
		init_debug(s, "seccomp unavailable, no system call is filtered");
	}

	/* argv exec policy: from here on fence on the host decides each exec. */
	if (s->exec_supervise) {
		r = execsuper_install(SANDBOX_EXEC_FD);
		if (r < 0)
			child_fail(errpipe, FENCE_EXIT_FAILURE,
				   "cannot install the exec supervisor filter: %s", strerror(-r));
		init_debug(s, "exec supervisor filter loaded");
	}

	strip_loader_environment();
	close_inherited_fds();
	execvp(argv[0], argv);
	r = errno;
	child_fail(errpipe, r == ENOENT ? FENCE_EXIT_NOT_FOUND : FENCE_EXIT_CANNOT_EXEC,
		   "cannot execute '%s': %s", argv[0], strerror(r));
}

/* Reap every exited child; report the command's stops and its end. */
static void on_sigchld(uv_poll_t *h, int status, int events)
{
	struct init_state *st = h->data;
	struct signalfd_siginfo si;
	int ws;
	pid_t pid;

	while (read(st->sigchld_fd, &si, sizeof(si)) > 0)
		;
	while ((pid = waitpid(-1, &ws, WNOHANG | WUNTRACED | WCONTINUED)) > 0) {
		if (pid != st->command)
			continue;
		if (WIFSTOPPED(ws)) {
			control_send(st->control_fd, "stopped %d", WSTOPSIG(ws));
		} else if (WIFEXITED(ws)) {
			st->status = WEXITSTATUS(ws);
			control_send(st->control_fd, "exit %d", st->status);
		} else if (WIFSIGNALED(ws)) {
			st->status = 128 + WTERMSIG(ws);
			control_send(st->control_fd, "killed %d", WTERMSIG(ws));
		}
	}
	if (st->status >= 0)
		uv_stop(&st->loop);
}

/* Act on one message from fence: forward a signal or resume the command. */
static void on_control(uv_poll_t *h, int status, int events)
{
	struct init_state *st = h->data;
	char buf[64];
	ssize_t n;
	int sig;

	n = recv(st->control_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* fence is gone; bwrap's --die-with-parent ends the sandbox. */
		uv_poll_stop(h);
		return;
	}
	buf[n] = '\0';
	if (sscanf(buf, "signal %d", &sig) == 1 && sig > 0 && sig < NSIG) {
		if (kill(-st->command, sig) < 0)
			kill(st->command, sig);
	} else if (strcmp(buf, "cont") == 0) {
		if (kill(-st->command, SIGCONT) < 0)
			kill(st->command, SIGCONT);
	} else {
		log_debug("unknown control message '%s'", buf);
	}
}

/* Fork the command and wait for its exec; returns 0 or the failure status. */
static int start_command(struct init_state *st, const struct init_spec *s, char **argv)
{
	char buf[1024];
	int errpipe[2];
	ssize_t n;
	int status;

	if (pipe2(errpipe, O_CLOEXEC) < 0) {
		msg_error("cannot create a pipe: %s", strerror(errno));
		return FENCE_EXIT_FAILURE;
	}
	st->command = fork();
	if (st->command < 0) {
		msg_error("cannot fork the command: %s", strerror(errno));
		return FENCE_EXIT_FAILURE;
	}
	if (st->command == 0) {
		close(errpipe[0]);
		child_exec(s, errpipe[1], argv);
	}
	close(errpipe[1]);
	if (s->exec_supervise)
		close(SANDBOX_EXEC_FD); /* only the command's process needs it */

	/* EOF means the exec succeeded; anything else is the child's error. */
	do
		n = read(errpipe[0], buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(errpipe[0]);
	if (n <= 0) {
		control_send(st->control_fd, "started");
		return 0;
	}
	buf[n] = '\0';
	status = atoi(buf);
	msg_error("%s", strchr(buf, ' ') ? strchr(buf, ' ') + 1 : buf);
	waitpid(st->command, NULL, 0);
	control_send(st->control_fd, "exit %d", status);
	return status;
}

/* Close both poll handles and let the loop finish their close callbacks. */
static void init_state_close(struct init_state *st)
{
	if (!uv_is_closing((uv_handle_t *)&st->sigchld_poll))
		uv_close((uv_handle_t *)&st->sigchld_poll, NULL);
	if (!uv_is_closing((uv_handle_t *)&st->control_poll))
		uv_close((uv_handle_t *)&st->control_poll, NULL);
	uv_run(&st->loop, UV_RUN_DEFAULT);
	uv_loop_close(&st->loop);
}

int sandbox_init_main(int spec_fd, int control_fd, char **argv)
{
	struct init_spec s = { 0 };
	struct init_state st = { .sigchld_fd = -1, .control_fd = control_fd, .status = -1 };
	sigset_t chld;
	int r;

	if (!argv || !argv[0]) {
		msg_error("init: no command given");
		return FENCE_EXIT_FAILURE;
	}
	r = spec_parse(spec_fd, &s);
	close(spec_fd);
	if (r < 0) {
		msg_error("init: cannot read the sandbox settings: %s", strerror(-r));
		return FENCE_EXIT_FAILURE;
	}

	/*
	 * The control socket reaches fence on the host, which obeys "stopped"
	 * by suspending itself: the command must never inherit it.
	 */
	if (fcntl(control_fd, F_SETFD, FD_CLOEXEC) < 0)
		init_debug(&s, "cannot mark the control socket close-on-exec: %s", strerror(errno));

	/*
	 * bwrap --new-session already made the init a session leader, and
	 * setsid() would fail there with an EPERM that the eBPF monitor
	 * reports.  Either way the PTY becomes the controlling terminal,
	 * because job control inside needs one.
	 */
	if (s.tty) {
		if (getsid(0) != getpid() && setsid() < 0)
			init_debug(&s, "setsid: %s", strerror(errno));
		if (ioctl(0, TIOCSCTTY, 0) < 0)
			init_debug(&s, "cannot take the terminal: %s", strerror(errno));
	}

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	st.sigchld_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (st.sigchld_fd < 0 || uv_loop_init(&st.loop) < 0) {
		msg_error("init: cannot set up the event loop: %s", strerror(errno));
		spec_done(&s);
		return FENCE_EXIT_FAILURE;
	}

	/*
	 * Network (proxy/): the in-sandbox relays (127.0.0.1:3128 and :1080 to
	 * the proxies' sockets, local-outbound and -p bridges) run in a
	 * process of their own, listening before the command starts.  It dies
	 * with this init, and so with the PID namespace.
	 */
	if (s.n_relays > 0) {
		char **listen = xcalloc(s.n_relays + 1, sizeof(*listen));
		char **target = xcalloc(s.n_relays + 1, sizeof(*target));
		_cleanup_free_ char *relay_error = NULL;
		pid_t relay_pid;

		for (size_t i = 0; i < s.n_relays; i++) {
			listen[i] = s.relays[i].listen;
			target[i] = s.relays[i].connect;
		}
		r = relay_spawn(listen, target, s.n_relays, &relay_pid, &relay_error);
		free(listen);
		free(target);
		if (r < 0) {
			msg_error("init: cannot start the network relays: %s", relay_error);
			close(st.sigchld_fd);
			uv_loop_close(&st.loop);
			spec_done(&s);
			return FENCE_EXIT_FAILURE;
		}
		init_debug(&s, "%zu network relays running (pid %d)", s.n_relays, (int)relay_pid);
	}

	r = start_command(&st, &s, argv);
	if (r != 0) {
		uv_loop_close(&st.loop);
		close(st.sigchld_fd);
		spec_done(&s);
		return r;
	}

	uv_poll_init(&st.loop, &st.sigchld_poll, st.sigchld_fd);
	st.sigchld_poll.data = &st;
	uv_poll_start(&st.sigchld_poll, UV_READABLE, on_sigchld);
	uv_poll_init(&st.loop, &st.control_poll, control_fd);
	st.control_poll.data = &st;
	uv_poll_start(&st.control_poll, UV_READABLE, on_control);

	/* A SIGCHLD that arrived before the poll started is still queued. */
	on_sigchld(&st.sigchld_poll, 0, UV_READABLE);
	if (st.status < 0)
		uv_run(&st.loop, UV_RUN_DEFAULT);

	init_state_close(&st);
	close(st.sigchld_fd);
	spec_done(&s);
	return st.status;
}
