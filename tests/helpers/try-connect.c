/* SPDX-License-Identifier: MIT */
/*
 * tests/helpers/try-connect.c: connect() to a Unix socket path and print
 * the outcome, so tests can tell a reachable socket from a masked one.
 *
 *   try-connect PATH
 *
 * Prints "connected" and exits 0, or prints the errno name (ENOENT,
 * ECONNREFUSED, EACCES, ...) and exits 1.  Exit status 2 is a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* The symbolic name of the errno values a connect() to a path can give. */
static const char *errno_name(int e)
{
	/* clang-format off */
	switch (e) {
	case ENOENT:       return "ENOENT";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EACCES:       return "EACCES";
	case EPERM:        return "EPERM";
	case ENOTDIR:      return "ENOTDIR";
	case ENOTSOCK:     return "ENOTSOCK";
	case EPROTOTYPE:   return "EPROTOTYPE";
	case ELOOP:        return "ELOOP";
	case EROFS:        return "EROFS";
	case EAGAIN:       return "EAGAIN";
	default:           return NULL;
	}
	/* clang-format on */
}

/* Connect a socket of the given type to sa; returns 0 or the errno. */
static int try_connect(int type, const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	int e = 0;

	if (fd < 0)
		return errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0)
		e = errno;
	close(fd);
	return e;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *name;
	int e;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: try-connect PATH (shorter than %zu bytes)\n",
			sizeof(sa.sun_path));
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	/* A datagram socket such as /dev/log rejects a stream connect with EPROTOTYPE. */
	e = try_connect(SOCK_STREAM, &sa);
	if (e == EPROTOTYPE)
		e = try_connect(SOCK_DGRAM, &sa);
	if (e == 0) {
		puts("connected");
		return 0;
	}
	name = errno_name(e);
	if (name)
		puts(name);
	else
		printf("errno %d (%s)\n", e, strerror(e));
	return 1;
}
