/* SPDX-License-Identifier: MIT */
/*
 * session/start.c: starting a session daemon and talking to one.
 *
 * `fence shell` forks twice so the daemon is reparented away from the
 * client, starts a new session (no controlling terminal, so closing the
 * user's terminal does not reach it) and waits on a pipe until the daemon
 * reports that its socket listens, or why it could not start.
 */
#include "session/session.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>

#include "session/daemon.h"
#include "session/protocol.h"

/* Point fds 0, 1 and 2 at /dev/null so the daemon holds no terminal. */
static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* Size at which a session's debug log moves to NAME.log.1. */
#define SESSION_LOG_MAX (8ull << 20)

/* The daemon process: runs after the second fork and never returns. */
static void __attribute__((noreturn)) daemon_child(const struct session_options *o, int ready_fd)
{
	_cleanup_free_ char *log_path = session_log_path(o->name);

	detach_stdio();
	log_open(log_path);
	log_set_limit(SESSION_LOG_MAX);
	/* Crash reports (sanitizers, aborts) of the daemon land in its log too. */
	{
		int fd = open(log_path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

		if (fd >= 0) {
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
	}
	_exit(daemon_run(o, ready_fd));
}

/* Read the daemon's one status line. */
static int read_ready(int fd, char **ret_error)
{
	char line[512];
	size_t n = 0;

	for (;;) {
		ssize_t r = read(fd, line + n, sizeof(line) - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == sizeof(line) - 1 || memchr(line, '\n', n))
			break;
	}
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, "ok") == 0)
		return 0;
	if (strcmp(line, SESSION_START_BUSY) == 0) {
		*ret_error = xstrdup("another daemon of this name is starting");
		return -EBUSY;
	}
	*ret_error = xstrdup(n ? line : "the session daemon exited during start-up");
	return -EIO;
}

int session_start(const struct session_options *o, char **ret_error)
{
	int p[2], status;
	pid_t pid;
	int r;

	if (pipe2(p, O_CLOEXEC) < 0) {
		*ret_error = xasprintf("cannot create a pipe: %s", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		*ret_error = xasprintf("cannot fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -EAGAIN;
	}
	if (pid == 0) {
		close(p[0]);
		setsid();
		pid = fork();
		if (pid != 0)
			_exit(pid < 0 ? 1 : 0);
		daemon_child(o, p[1]);
	}
	close(p[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r = read_ready(p[0], ret_error);
	close(p[0]);
	return r;
}

int session_wait_running(const char *name, int timeout_ms)
{
	_cleanup_free_ char *dir = NULL;
	int r = session_dir(&dir);

	if (r < 0)
		return r;
	for (int waited = 0; waited < timeout_ms; waited += 20) {
		int fd = session_connect(name);

		if (fd >= 0) {
			close(fd);
			return 0;
		}
		/* The lock goes only after the socket: no lock and no socket
		 * means that daemon failed and left. */
		if (!session_lock_held(dir, name) && session_connect(name) < 0)
			return -ESRCH;
		poll(NULL, 0, 20);
	}
	return -ETIMEDOUT;
}

/* Handle one frame of a control exchange; returns 1 when it is the last. */
static int ctl_frame(const struct proto_frame *f, FILE *out, char **ret_reply)
{
	switch (f->type) {
	case PROTO_WELCOME:
		return 0;
	case PROTO_OUTPUT:
		if (out)
			fwrite(f->payload, 1, f->len, out);
		return 0;
	case PROTO_REPLY:
		*ret_reply = xstrndup((const char *)f->payload, f->len);
		return 1;
	case PROTO_ERROR:
		*ret_reply = xstrndup((const char *)f->payload, f->len);
		return -EPROTO;
	default:
		*ret_reply = xasprintf("unexpected %s frame", proto_type_to_string(f->type));
		return -EPROTO;
	}
}

int session_command(const char *name, const char *cmd_json, FILE *out, char **ret_reply)
{
	static const char hello[] = "{\"proto\":1,\"role\":\"ctl\"}";
	_cleanup_close_ int fd = session_connect(name);
	struct proto_decoder dec = {0};
	struct proto_frame f;
	char buf[65536];
	int r;

	*ret_reply = NULL;
	if (fd < 0)
		return fd;
	r = proto_send(fd, PROTO_HELLO, hello, strlen(hello));
	if (r == 0)
		r = proto_send(fd, PROTO_COMMAND, cmd_json, strlen(cmd_json));
	while (r == 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*ret_reply = xstrdup("the session closed the connection");
			r = -EPROTO;
			break;
		}
		r = proto_decoder_feed(&dec, buf, (size_t)n);
		while (r == 0 && (r = proto_decoder_next(&dec, &f)) == 1)
			r = ctl_frame(&f, out, ret_reply);
		if (r == 1) {
			r = 0;
			break;
		}
		if (r < 0 && !*ret_reply)
			*ret_reply = xstrdup("malformed frame from the session");
	}
	proto_decoder_done(&dec);
	return r;
}
