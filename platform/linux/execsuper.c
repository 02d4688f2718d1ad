/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/execsuper.c: the seccomp user-notification supervisor of
 * `argv` mode.
 *
 * Security note: letting a notified execve continue is racy by nature.
 * The kernel re-reads the path and argv from the tracee's memory after
 * fence has read them, so a second thread of the tracee could rewrite
 * them in between.  That is why a tracee with more than one thread is
 * rejected outright.  A process sharing its memory without being a thread
 * (vfork, CLONE_VM) cannot be detected from /proc, and stays a gap that
 * the mounts and Landlock underneath must cover.  The same holds for the
 * file system.  fence resolves the path (symlinks and all) before the
 * kernel resolves it again, so another process of the sandbox can swap a
 * symlink in between and run a file whose names were not checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "platform/linux/execname.h"
#include "platform/linux/execsuper.h"

struct execsuper {
	uv_loop_t *loop;
	uv_poll_t sock_poll; /* waits for the listener fd */
	uv_poll_t notify_poll; /* waits for notifications */
	bool sock_poll_open;
	bool notify_poll_open;
	int sock_fd; /* owned, -1 once closed */
	int notify_fd; /* owned, -1 until received */
	const struct fence_config *config; /* borrowed */
	struct execname_aliases aliases; /* the files the deny rules name */
	execsuper_report_fn report;
	void *userdata;
	struct seccomp_notif *req; /* owned, sized by the kernel */
	struct seccomp_notif_resp *resp; /* owned, sized by the kernel */
	size_t req_size;
	size_t resp_size;
	char *last_report; /* owned: pid and argv of the last rejection reported */
	bool first_unchecked; /* execsuper_allow_first: the next exec goes through */
	unsigned pending_closes; /* handles still closing; the last one frees */
	bool stopping;
};

bool execsuper_supported(void)
{
	struct seccomp_notif_sizes sizes;

	/* libseccomp API level 5 brought SCMP_ACT_NOTIFY and the notify fd. */
	if (seccomp_api_get() < 5)
		return false;
	return syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == 0;
}

/* Send fd over the Unix socket sock_fd as SCM_RIGHTS. */
static int send_fd(int sock_fd, int fd)
{
	char byte = 'x';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = { 0 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	if (sendmsg(sock_fd, &msg, MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

int execsuper_install(int sock_fd)
{
	scmp_filter_ctx ctx;
	int r, fd;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execve), 0);
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execveat), 0);
	if (r == 0)
		r = seccomp_load(ctx);
	if (r < 0)
		goto out;
	fd = seccomp_notify_fd(ctx);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	r = send_fd(sock_fd, fd);
	close(fd);
out:
	seccomp_release(ctx);
	close(sock_fd);
	return r;
}

/* Receive one fd sent with SCM_RIGHTS; returns it (CLOEXEC) or a negative errno. */
static int receive_fd(int sock_fd)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;
	int fd;

	n = recvmsg(sock_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ECONNRESET;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EBADMSG;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/* The number of threads of pid, from /proc/PID/status, or -1. */
static int thread_count(pid_t pid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/status", (int)pid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[256];
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	return n;
}

/*
 * Read a NUL-terminated string of at most max bytes at addr, page by page
 * so that a string ending just before an unmapped page still reads.  A
 * longer string is cut.  Returns an owned string or NULL when unreadable.
 */
static char *read_string(int mem_fd, uint64_t addr, size_t max)
{
	long page = sysconf(_SC_PAGESIZE);
	char *buf = xmalloc(max + 1);
	size_t got = 0;

	if (addr == 0) {
		free(buf);
		return NULL;
	}
	while (got < max) {
		uint64_t at = addr + got;
		size_t chunk = (size_t)page - (size_t)(at % (uint64_t)page);
		ssize_t n;

		if (chunk > max - got)
			chunk = max - got;
		n = pread(mem_fd, buf + got, chunk, (off_t)at);
		if (n <= 0) {
			free(buf);
			return NULL;
		}
		if (memchr(buf + got, '\0', (size_t)n))
			return buf;
		got += (size_t)n;
	}
	buf[max] = '\0';
	return buf;
}

/*
 * Read the argv array at addr: at most EXECSUPER_MAX_ARGS pointers up to
 * the NULL one.  Returns 0 or -EFAULT.
 */
static int read_argv(int mem_fd, uint64_t addr, struct strv *ret)
{
	if (addr == 0)
		return 0; /* Linux runs a NULL argv as an empty one */
	for (size_t i = 0; i < EXECSUPER_MAX_ARGS; i++) {
		uint64_t ptr;
		char *arg;

		if (pread(mem_fd, &ptr, sizeof(ptr), (off_t)(addr + i * sizeof(ptr))) !=
		    (ssize_t)sizeof(ptr))
			return -EFAULT;
		if (ptr == 0)
			return 0;
		arg = read_string(mem_fd, ptr, EXECSUPER_MAX_ARG);
		if (!arg)
			return -EFAULT;
		strv_push_take(ret, arg);
	}
	/*
	 * NOTE: arguments past EXECSUPER_MAX_ARGS are not read.  Rules are
	 * prefixes, so only a presence word (`dd if=`) placed later is missed.
	 */
	return 0;
}

static bool notification_valid(int notify_fd, uint64_t id)
{
	return ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/*
 * Read the path and argv of the tracee's exec.  Returns NULL and fills
 * *ret_path and *ret_argv, or the reason to reject the exec unread.
 */
static const char *read_exec(int notify_fd, const struct seccomp_notif *req, char **ret_path,
			     int *ret_dir_fd, struct strv *ret_argv)
{
	_cleanup_free_ char *mem_path = NULL;
	_cleanup_close_ int mem_fd = -1;
	uint64_t path_addr = req->data.args[0], argv_addr = req->data.args[1];

	*ret_dir_fd = AT_FDCWD;
	if (req->data.nr == __NR_execveat) {
		/* With AT_EMPTY_PATH the file is an fd, and no name identifies it. */
		if (req->data.args[4] & AT_EMPTY_PATH)
			return "AT_EMPTY_PATH";
		*ret_dir_fd = (int)req->data.args[0];
		path_addr = req->data.args[1];
		argv_addr = req->data.args[2];
	}
	if (thread_count(req->pid) != 1)
		return "multithreaded";

	mem_path = xasprintf("/proc/%d/mem", (int)req->pid);
	mem_fd = open(mem_path, O_RDONLY | O_CLOEXEC);
	/* The pid may have been reused: only a still-valid id proves the fd's process. */
	if (!notification_valid(notify_fd, req->id))
		return "gone";
	if (mem_fd < 0)
		return "unreadable memory";

	*ret_path = read_string(mem_fd, path_addr, PATH_MAX);
	if (!*ret_path || read_argv(mem_fd, argv_addr, ret_argv) < 0)
		return "unreadable memory";
	if (!notification_valid(notify_fd, req->id))
		return "gone";
	return NULL;
}

void execsuper_decide(const struct fence_config *c, struct execsuper_event *ev)
{
	_cleanup_free_ char **argv = xcalloc(ev->argc + 2, sizeof(*argv));
	size_t n_tries = ev->n_names ? ev->n_names : 1;

	memcpy(argv, ev->argv, ev->argc * sizeof(*argv));
	ev->allowed = true;
	ev->source = COMMAND_RULE_NONE;
	ev->rule = NULL;
	if (ev->n_names)
		ev->name = ev->names[0];
	else if (ev->argc)
		ev->name = ev->argv[0];
	else
		return; /* no name and no arguments: nothing to match */
	for (size_t i = 0; i < n_tries; i++) {
		const char *rule;
		enum command_rule_source source;

		if (ev->n_names)
			argv[0] = ev->names[i];
		source = command_check_argv(c, argv, ev->argc ? ev->argc : 1, &rule);
		if (source == COMMAND_RULE_DENY || source == COMMAND_RULE_DEFAULT) {
			ev->allowed = false;
			ev->source = source;
			ev->rule = rule;
			ev->name = argv[0];
			return;
		}
		if (source == COMMAND_RULE_ALLOW && ev->source == COMMAND_RULE_NONE) {
			ev->source = source;
			ev->rule = rule;
		}
	}
}

/* Append s to out as a JSON string. */
static void json_quote(char **out, const char *s)
{
	size_t n = strlen(*out);
	char *buf = xmalloc(n + strlen(s) * 6 + 3), *o = buf + n;

	memcpy(buf, *out, n);
	*o++ = '"';
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			o += sprintf(o, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			o += sprintf(o, "\\u%04x", *c);
		else
			*o++ = (char)*c;
	}
	*o++ = '"';
	*o = '\0';
	free(*out);
	*out = buf;
}

/* Append the formatted text to *out. */
static void append(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char **out, const char *fmt, ...)
{
	va_list ap;
	char *part, *joined;

	va_start(ap, fmt);
	if (vasprintf(&part, fmt, ap) < 0)
		abort();
	va_end(ap);
	joined = xasprintf("%s%s", *out, part);
	free(part);
	free(*out);
	*out = joined;
}

char *execsuper_format(const struct execsuper_event *ev)
{
	char stamp[16] = "";
	time_t now = time(NULL);
	struct tm tm;
	char *line = xstrdup("");

	if (localtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	append(&line, "[fence:linux] %s \u2717 exec rejected pid=%d exec=", stamp, (int)ev->pid);
	json_quote(&line, ev->path ? ev->path : "");
	append(&line, " argv=[");
	for (size_t i = 0; i < ev->argc; i++) {
		if (i > 0)
			append(&line, ",");
		json_quote(&line, ev->argv[i]);
	}
	append(&line, "]");
	if (ev->rule) {
		append(&line, " matched=");
		json_quote(&line, ev->rule);
		append(&line, " source=%s", command_rule_source_to_string(ev->source));
	}
	if (ev->failure)
		append(&line, " reason=%s", ev->failure);
	return line;
}

/* Read the process name of pid into buf (TASK_COMM_LEN bytes); "" when gone. */
static void read_comm(pid_t pid, char *buf, size_t size)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/comm", (int)pid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (f && fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
}

/*
 * Report a rejection, but only once per process and argv: a shell that
 * gets EPERM tries the same command in every $PATH directory.
 */
static void report_once(struct execsuper *s, struct execsuper_event *ev)
{
	_cleanup_free_ char *line = execsuper_format(ev);
	char *key = xasprintf("%d", (int)ev->pid);

	for (size_t i = 0; i < ev->argc; i++) {
		char *next = xasprintf("%s\x1f%s", key, ev->argv[i]);

		free(key);
		key = next;
	}
	if (s->last_report && strcmp(s->last_report, key) == 0) {
		free(key);
		return;
	}
	free(s->last_report);
	s->last_report = key;
	/* The tracee waits for the answer, so the pid is still its own. */
	read_comm(ev->pid, ev->comm, sizeof(ev->comm));
	s->report(ev, line, s->userdata);
}

/* Decide one received notification and fill the response. */
static void answer(struct execsuper *s)
{
	struct execsuper_event ev = { .pid = (pid_t)s->req->pid };
	_cleanup_free_ char *path = NULL;
	struct strv argv = { 0 }, names = { 0 };
	int dir_fd;

	memset(s->resp, 0, s->resp_size);
	s->resp->id = s->req->id;
	if (s->first_unchecked) {
		s->first_unchecked = false;
		s->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		log_debug("pid %d: the first exec goes through unchecked", (int)ev.pid);
		return;
	}
	ev.failure = read_exec(s->notify_fd, s->req, &path, &dir_fd, &argv);
	if (!ev.failure) {
		/*
		 * argv[0] is the caller's choice (exec -a) and so is the path's
		 * name (a symlink, /proc/self/fd/N): every name of the program
		 * is checked.
		 */
		execname_collect(ev.pid, dir_fd, path, argv.n ? argv.v[0] : NULL, &s->aliases,
				 &names);
		if (!notification_valid(s->notify_fd, s->req->id))
			ev.failure = "gone";
	}
	if (!ev.failure) {
		if (names.n == 0)
			strv_push(&names, path);
		if (argv.n == 0)
			strv_push(&argv, names.v[0]);
		ev.path = path;
		ev.argv = argv.v;
		ev.argc = argv.n;
		ev.names = names.v;
		ev.n_names = names.n;
		execsuper_decide(s->config, &ev);
		/* The report shows the name that decided in argv[0]'s place. */
		free(argv.v[0]);
		argv.v[0] = xstrdup(ev.name);
	}

	if (!ev.failure && ev.allowed) {
		s->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else {
		s->resp->error = -EPERM;
		if (s->report && !(ev.failure && strcmp(ev.failure, "gone") == 0))
			report_once(s, &ev);
	}
	log_debug("pid %d exec '%s': %s", (int)ev.pid, path ? path : "?",
		  s->resp->error ? "rejected" : "allowed");
	strv_done(&argv);
	strv_done(&names);
}

/* Free the supervisor once no handle of it is open or closing. */
static void supervisor_free(struct execsuper *s)
{
	if (s->notify_fd >= 0)
		close(s->notify_fd);
	if (s->sock_fd >= 0)
		close(s->sock_fd);
	free(s->req);
	free(s->resp);
	free(s->last_report);
	execname_aliases_done(&s->aliases);
	free(s);
}

static void close_cb(uv_handle_t *h)
{
	struct execsuper *s = h->data;

	if (--s->pending_closes == 0 && s->stopping)
		supervisor_free(s);
}

/* Close one of the supervisor's poll handles once. */
static void close_poll(struct execsuper *s, uv_poll_t *p, bool *open)
{
	if (!*open)
		return;
	*open = false;
	s->pending_closes++;
	uv_close((uv_handle_t *)p, close_cb);
}

/* Respond to every pending notification; stop when the sandbox has gone. */
static void on_notify(uv_poll_t *h, int status, int events)
{
	struct execsuper *s = h->data;
	struct pollfd pfd = { .fd = s->notify_fd, .events = POLLIN };

	/*
	 * RECV blocks when nothing is pending, and a hang-up (no process left
	 * under the filter) also wakes the poll: look before receiving.
	 */
	while (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN)) {
		memset(s->req, 0, s->req_size);
		if (ioctl(s->notify_fd, SECCOMP_IOCTL_NOTIF_RECV, s->req) < 0)
			continue; /* the tracee died meanwhile */
		answer(s);
		if (ioctl(s->notify_fd, SECCOMP_IOCTL_NOTIF_SEND, s->resp) < 0)
			log_debug("cannot send the notification response: %s", strerror(errno));
	}
	if (status < 0 || (events & UV_DISCONNECT) || (pfd.revents & (POLLHUP | POLLERR)))
		close_poll(s, &s->notify_poll, &s->notify_poll_open);
}

/* Take the listener fd from the sandbox and start polling it. */
static void on_sock(uv_poll_t *h, int status, int events)
{
	struct execsuper *s = h->data;
	int fd = receive_fd(s->sock_fd);

	if (fd == -EAGAIN)
		return;
	close_poll(s, &s->sock_poll, &s->sock_poll_open);
	if (fd < 0) {
		/* The command never got as far as its exec: nothing to supervise. */
		log_debug("no exec listener from the sandbox: %s", strerror(-fd));
		return;
	}
	s->notify_fd = fd;
	uv_poll_init(s->loop, &s->notify_poll, fd);
	s->notify_poll.data = s;
	s->notify_poll_open = true;
	uv_poll_start(&s->notify_poll, UV_READABLE | UV_DISCONNECT, on_notify);
}

int execsuper_start(uv_loop_t *loop, int sock_fd, const struct fence_config *c,
		    execsuper_report_fn report, void *userdata, struct execsuper **ret)
{
	struct seccomp_notif_sizes sizes;
	struct execsuper *s;
	int r;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) {
		r = -errno;
		close(sock_fd);
		return r;
	}
	s = xcalloc(1, sizeof(*s));
	s->loop = loop;
	s->sock_fd = sock_fd;
	s->notify_fd = -1;
	s->config = c;
	execname_aliases_build(c, getenv("PATH"), &s->aliases);
	s->report = report;
	s->userdata = userdata;
	/* The kernel's structs may be larger than this build's headers know. */
	s->req_size = sizes.seccomp_notif > sizeof(*s->req) ? sizes.seccomp_notif : sizeof(*s->req);
	s->resp_size = sizes.seccomp_notif_resp > sizeof(*s->resp) ? sizes.seccomp_notif_resp
								   : sizeof(*s->resp);
	s->req = xcalloc(1, s->req_size);
	s->resp = xcalloc(1, s->resp_size);

	r = uv_poll_init(loop, &s->sock_poll, sock_fd);
	if (r < 0) {
		close(sock_fd);
		execname_aliases_done(&s->aliases);
		free(s->req);
		free(s->resp);
		free(s);
		return r;
	}
	s->sock_poll.data = s;
	s->sock_poll_open = true;
	uv_poll_start(&s->sock_poll, UV_READABLE | UV_DISCONNECT, on_sock);
	*ret = s;
	return 0;
}

void execsuper_allow_first(struct execsuper *s)
{
	s->first_unchecked = true;
}

void execsuper_stop(struct execsuper *s)
{
	if (!s || s->stopping)
		return;
	s->stopping = true;
	close_poll(s, &s->sock_poll, &s->sock_poll_open);
	close_poll(s, &s->notify_poll, &s->notify_poll_open);
	if (s->pending_closes == 0)
		supervisor_free(s);
}
