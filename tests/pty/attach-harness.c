/* SPDX-License-Identifier: MIT */
/*
 * tests/pty/attach-harness.c: byte-level checks of the attach client on a
 * real PTY, for what tmux cannot show: the exact sequences around an
 * attach and that the terminal's termios come back on every way out.
 *
 *   attach-harness SCENARIO FENCE NAME
 *
 * Scenarios (the session NAME must not exist yet; the harness starts it):
 *   detach    attach, see the first frame, detach with the prefix key
 *   exit      the shell exits 7; the client exits 7
 *   segv      the client gets SIGSEGV
 *   daemon    the daemon is killed with SIGKILL
 *
 * Each checks that the client put the terminal in raw mode, that the first
 * frame switched to the alternate screen and drew the screen, and that
 * afterwards the termios are those from before and the alternate screen
 * was left.  Exits 0 on success, 1 with a message otherwise.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int master = -1;
static char out[1 << 20];
static size_t out_len;

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("attach-harness: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Read output until it contains needle, for at most 20 s. */
static bool wait_for(const char *needle)
{
	time_t deadline = time(NULL) + 20;

	while (!memmem(out, out_len, needle, strlen(needle))) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		ssize_t n;

		if (time(NULL) > deadline)
			return false;
		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(master, out + out_len, sizeof(out) - out_len - 1);
		if (n <= 0)
			return false;
		out_len += (size_t)n;
	}
	return true;
}

/* Drain output until the client closes the PTY or 20 s pass. */
static void drain(void)
{
	time_t deadline = time(NULL) + 20;

	while (time(NULL) <= deadline) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(master, out + out_len, sizeof(out) - out_len - 1);
		if (n <= 0)
			return;
		out_len += (size_t)n;
	}
}

static void type(const char *s)
{
	if (write(master, s, strlen(s)) != (ssize_t)strlen(s))
		fail("cannot write to the pty: %s", strerror(errno));
}

/* The daemon's pid from 'fence ls --json'. */
static pid_t daemon_pid(const char *fence, const char *name)
{
	char cmd[1024], buf[4096];
	FILE *f;
	size_t n;
	char *p;

	snprintf(cmd, sizeof(cmd), "'%s' ls --json", fence);
	f = popen(cmd, "r");
	if (!f)
		fail("cannot run fence ls");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	pclose(f);
	buf[n] = '\0';
	p = strstr(buf, name);
	p = p ? strstr(p, "\"pid\":") : NULL;
	if (!p)
		fail("no pid for session '%s' in: %s", name, buf);
	return (pid_t)atoi(p + 6);
}

int main(int argc, char **argv)
{
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	struct termios before, during, after;
	const char *scenario, *fence, *name;
	int status, want_status = 0;
	pid_t pid;

	if (argc != 4)
		fail("usage: attach-harness SCENARIO FENCE NAME");
	scenario = argv[1];
	fence = argv[2];
	name = argv[3];
	setenv("TERM", "xterm-256color", 1);
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0)
		fail("forkpty: %s", strerror(errno));
	if (pid == 0) {
		execl(fence, fence, "shell", "--name", name, (char *)NULL);
		_exit(127);
	}
	/* The line discipline as the client found it, read before it starts. */
	tcgetattr(master, &before);
	before.c_lflag |= ICANON | ECHO | ISIG;

	if (!wait_for("\033[?1049h"))
		fail("no alternate screen on attach");
	type("echo harness-$((40+2))\r");
	if (!wait_for("harness-42"))
		fail("the shell did not answer");
	tcgetattr(master, &during);
	if (during.c_lflag & (ICANON | ECHO))
		fail("the terminal is not in raw mode while attached");

	if (strcmp(scenario, "detach") == 0) {
		type("\035d");
	} else if (strcmp(scenario, "exit") == 0) {
		type("exit 7\r");
		want_status = 7;
	} else if (strcmp(scenario, "segv") == 0) {
		kill(pid, SIGSEGV);
		want_status = -SIGSEGV;
	} else if (strcmp(scenario, "daemon") == 0) {
		kill(daemon_pid(fence, name), SIGKILL);
		want_status = 125;
	} else {
		fail("unknown scenario '%s'", scenario);
	}
	drain();
	if (waitpid(pid, &status, 0) < 0)
		fail("waitpid: %s", strerror(errno));
	if (want_status >= 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != want_status))
		fail("client status 0x%x, expected exit %d", status, want_status);
	if (want_status < 0 && (!WIFSIGNALED(status) || WTERMSIG(status) != -want_status))
		fail("client status 0x%x, expected signal %d", status, -want_status);

	tcgetattr(master, &after);
	if ((after.c_lflag & (ICANON | ECHO | ISIG)) != (ICANON | ECHO | ISIG))
		fail("termios not restored: lflag 0x%x", (unsigned)after.c_lflag);
	if (!memmem(out, out_len, "\033[?1049l", 8))
		fail("the client did not leave the alternate screen");
	if (!memmem(out, out_len, "\033[?2004l", 8) || !memmem(out, out_len, "\033[?25h", 6))
		fail("the client did not reset the terminal modes");
	return 0;
}
