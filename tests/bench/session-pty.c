/* SPDX-License-Identifier: MIT */
/*
 * tests/bench/session-pty.c: drive a terminal program on a fresh PTY and
 * time it, for the session benchmarks.
 *
 *   session-pty [-r ROWS] [-c COLS] [-t SECONDS] first-frame TEXT -- CMD...
 *       ms from starting CMD until TEXT, a string already on the screen of
 *       the session it attaches to, appears in its output
 *   session-pty [-r ROWS] [-c COLS] [-t SECONDS] latency N -- CMD...
 *       types one key N times once the shell answers, waiting each time for
 *       its echo; prints the median and 90th percentile in microseconds.
 *       Keep N below the free width of the line: a session sends only the
 *       cells that changed, so an x redrawn over an x would never be seen
 *   session-pty [-r ROWS] [-c COLS] [-t SECONDS] run LINE -- CMD...
 *       types LINE once the shell answers and prints the ms until it
 *       finished (a marker echoed after it)
 *
 * Output is drained all the time, as a terminal would.  Every wait has a
 * deadline, 120 s unless -t sets another; the program prints which wait
 * timed out and exits 1 when one passes.
 */

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int master = -1;
static double timeout_us = 120e6; /* -t: the deadline of each wait */
static char window[256]; /* the tail of the output, for matches across reads */
static size_t window_len;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Read output until `needle` appears; returns 0, or -1 at the deadline. */
static int wait_for(const char *needle)
{
	static char buf[1 << 16];
	double deadline = now_us() + timeout_us;
	size_t nlen = strlen(needle);

	for (;;) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		ssize_t n;

		if (now_us() > deadline) {
			fprintf(stderr, "session-pty: timed out after %.0f s waiting for '%s'\n",
				timeout_us / 1e6, needle);
			return -1;
		}
		if (poll(&p, 1, 1000) <= 0)
			continue;
		n = read(master, buf + window_len, sizeof(buf) - window_len);
		if (n <= 0)
			return -1;
		memcpy(buf, window, window_len);
		n += (ssize_t)window_len;
		if (memmem(buf, (size_t)n, needle, nlen)) {
			window_len = 0;
			return 0;
		}
		window_len = (size_t)n < sizeof(window) ? (size_t)n : sizeof(window);
		memcpy(window, buf + n - window_len, window_len);
	}
}

static void type(const char *s)
{
	size_t len = strlen(s);

	if (write(master, s, len) != (ssize_t)len)
		exit(1);
}

/*
 * Markers are printed in reverse video.  A renderer that sends only the
 * cells that changed (fence, tmux) skips a cell that already shows the
 * same character, which would split a plain marker in the byte stream.
 * No earlier cell has the marker's attributes, so it arrives in one piece.
 * The typed line itself shows $((...)), not the marker.
 */
#define MARK_FORMAT "printf '\\033[7m%%s\\033[m\\n' BENCH-%s-$((%u+0))"

/* Wait until the shell reads commands. */
static void wait_shell(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), MARK_FORMAT "\r", "READY", 42u);
	type(cmd);
	if (wait_for("BENCH-READY-42") < 0)
		exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run_latency(int n)
{
	double *t = calloc((size_t)n, sizeof(double));

	wait_shell();
	for (int i = 0; i < n; i++) {
		double start = now_us();

		type("x");
		if (wait_for("x") < 0) {
			fprintf(stderr, "session-pty: no echo for key %d of %d\n", i + 1, n);
			return 1;
		}
		t[i] = now_us() - start;
	}
	type("\025");
	qsort(t, (size_t)n, sizeof(double), cmp_double);
	printf("median_us %.0f p90_us %.0f\n", t[n / 2], t[n * 9 / 10]);
	return 0;
}

static int run_line(const char *line)
{
	/* A marker of this run only: an older one may still be on the screen
	 * that the attach repaints, and would end the wait at once. */
	unsigned nonce = 100000 + (unsigned)getpid() % 100000;
	char cmd[4096], done[64];
	double start;

	wait_shell();
	snprintf(cmd, sizeof(cmd), "%s; " MARK_FORMAT "\r", line, "DONE", nonce);
	snprintf(done, sizeof(done), "BENCH-DONE-%u", nonce);
	start = now_us();
	type(cmd);
	if (wait_for(done) < 0)
		return 1;
	printf("ms %.1f\n", (now_us() - start) / 1e3);
	return 0;
}

int main(int argc, char **argv)
{
	struct winsize ws = {.ws_row = 50, .ws_col = 200};
	const char *mode;
	double start;
	pid_t pid;
	int opt, arg_end, r;

	while ((opt = getopt(argc, argv, "+r:c:t:")) != -1) {
		if (opt == 'r')
			ws.ws_row = (unsigned short)atoi(optarg);
		else if (opt == 'c')
			ws.ws_col = (unsigned short)atoi(optarg);
		else if (opt == 't' && atoi(optarg) > 0)
			timeout_us = atoi(optarg) * 1e6;
		else
			return 2;
	}
	for (arg_end = optind; arg_end < argc && strcmp(argv[arg_end], "--") != 0; arg_end++)
		;
	if (arg_end - optind < 1 || arg_end + 1 >= argc) {
		fprintf(stderr, "usage: session-pty [-r ROWS] [-c COLS] [-t SECONDS] MODE [ARG] -- CMD...\n");
		return 2;
	}
	mode = argv[optind];
	setenv("TERM", "xterm-256color", 1);
	start = now_us();
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0)
		return 1;
	if (pid == 0) {
		execvp(argv[arg_end + 1], argv + arg_end + 1);
		_exit(127);
	}

	if (strcmp(mode, "first-frame") == 0 && arg_end - optind == 2) {
		r = wait_for(argv[optind + 1]);
		if (r == 0)
			printf("ms %.2f\n", (now_us() - start) / 1e3);
	} else if (strcmp(mode, "latency") == 0 && arg_end - optind == 2) {
		r = run_latency(atoi(argv[optind + 1]));
	} else if (strcmp(mode, "run") == 0 && arg_end - optind == 2) {
		r = run_line(argv[optind + 1]);
	} else {
		fprintf(stderr, "session-pty: unknown mode '%s'\n", mode);
		r = 2;
	}
	kill(pid, SIGHUP);
	close(master);
	waitpid(pid, NULL, 0);
	return r < 0 ? 1 : r;
}
