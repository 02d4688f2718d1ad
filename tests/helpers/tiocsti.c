/* SPDX-License-Identifier: MIT */
/*
 * tests/helpers/tiocsti.c: try to push a command line into the terminal on
 * fd 0 with TIOCSTI (and TIOCLINUX's paste), the way an escaped process
 * would type into the user's shell.  Prints one line per request:
 * "TIOCSTI EPERM" or "TIOCSTI OK".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

int main(void)
{
	const char *text = "echo INJECTED-BY-TIOCSTI\n";
	char paste = 3; /* TIOCL_PASTESEL */
	int ok = 1;

	for (const char *p = text; *p; p++) {
		if (ioctl(0, TIOCSTI, p) < 0) {
			printf("TIOCSTI %s\n", strerrorname_np(errno));
			ok = 0;
			break;
		}
	}
	if (ok)
		printf("TIOCSTI OK\n");
	if (ioctl(0, TIOCLINUX, &paste) < 0)
		printf("TIOCLINUX %s\n", strerrorname_np(errno));
	else
		printf("TIOCLINUX OK\n");
	return 0;
}
