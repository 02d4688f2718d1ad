/* SPDX-License-Identifier: MIT */
/*
 * tests/helpers/sock-send.c: write raw bytes to a Unix stream socket and
 * print what comes back, for protocol tests that need malformed input.
 *
 *   sock-send SOCKET [TIMEOUT_MS] < bytes
 *
 * Writes stdin to the socket, then copies everything the peer sends to
 * stdout until the peer closes or TIMEOUT_MS (default 2000) pass without
 * data.  Exits 0 when the peer closed the connection, 3 on the timeout,
 * 1 when it cannot connect.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int timeout = argc > 2 ? atoi(argv[2]) : 2000;
	char buf[65536];
	ssize_t n;
	int fd;

	if (argc < 2 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: sock-send SOCKET [TIMEOUT_MS] < bytes\n");
		return 2;
	}
	/* A peer that rejects us may close before all input is written. */
	signal(SIGPIPE, SIG_IGN);
	strcpy(sun.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "sock-send: cannot connect to '%s': %s\n", argv[1], strerror(errno));
		return 1;
	}
	while ((n = read(0, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (poll(&p, 1, timeout) <= 0)
			return 3;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return 0;
		fwrite(buf, 1, (size_t)n, stdout);
		fflush(stdout);
	}
}
