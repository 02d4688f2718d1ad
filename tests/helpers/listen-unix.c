/* SPDX-License-Identifier: MIT */
/*
 * tests/helpers/listen-unix.c: a Unix stream socket server for the socket
 * masking tests.
 *
 *   listen-unix PATH
 *
 * Listens on PATH, and accepts and closes connections until it is killed.
 * The socket is bound under a temporary name and renamed to PATH once it
 * listens, so a test may poll for the file instead of sleeping.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (argc != 2 || strlen(argv[1]) + 5 >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: listen-unix PATH (shorter than %zu bytes)\n",
			sizeof(sa.sun_path));
		return 2;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.tmp", argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0 ||
	    rename(sa.sun_path, argv[1]) < 0) {
		fprintf(stderr, "listen-unix: cannot listen on '%s': %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (c >= 0)
			close(c);
	}
}
