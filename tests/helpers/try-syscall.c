/* SPDX-License-Identifier: MIT */
/*
 * tests/helpers/try-syscall.c: call one system call with harmless invalid
 * arguments and print the errno name it failed with ("EPERM", "EBADF"),
 * or "OK".  Under fence's seccomp filter a blocked call prints EPERM (or
 * ENOSYS for clone3); an allowed one fails later in the kernel with the
 * errno its bad arguments deserve.
 *
 *   try-syscall NAME...
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

/* Return errno of one call: -1 for an unknown name, 0 for success. */
static int try(const char *name)
{
	long r;

	errno = 0;
	if (strcmp(name, "ptrace") == 0)
		r = syscall(SYS_ptrace, 2 /* PTRACE_PEEKDATA */, -1, NULL, NULL);
	else if (strcmp(name, "process_vm_readv") == 0)
		r = syscall(SYS_process_vm_readv, -1, NULL, 1, NULL, 1, 0);
	else if (strcmp(name, "process_vm_writev") == 0)
		r = syscall(SYS_process_vm_writev, -1, NULL, 1, NULL, 1, 0);
	else if (strcmp(name, "keyctl") == 0)
		r = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -100, 0);
	else if (strcmp(name, "add_key") == 0)
		r = syscall(SYS_add_key, NULL, NULL, NULL, 0, 0);
	else if (strcmp(name, "request_key") == 0)
		r = syscall(SYS_request_key, NULL, NULL, NULL, 0);
	else if (strcmp(name, "bpf") == 0)
		r = syscall(SYS_bpf, -1, NULL, 0);
	else if (strcmp(name, "perf_event_open") == 0)
		r = syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
	else if (strcmp(name, "userfaultfd") == 0)
		r = syscall(SYS_userfaultfd, -1);
	else if (strcmp(name, "kexec_load") == 0)
		r = syscall(SYS_kexec_load, 0, 0, NULL, -1UL);
	else if (strcmp(name, "kexec_file_load") == 0)
		r = syscall(SYS_kexec_file_load, -1, -1, 0, NULL, -1UL);
	else if (strcmp(name, "init_module") == 0)
		r = syscall(SYS_init_module, NULL, 0, NULL);
	else if (strcmp(name, "finit_module") == 0)
		r = syscall(SYS_finit_module, -1, NULL, 0);
	else if (strcmp(name, "delete_module") == 0)
		r = syscall(SYS_delete_module, NULL, 0);
	else if (strcmp(name, "mount") == 0)
		r = syscall(SYS_mount, NULL, NULL, NULL, 0, NULL);
	else if (strcmp(name, "umount2") == 0)
		r = syscall(SYS_umount2, NULL, 0);
	else if (strcmp(name, "pivot_root") == 0)
		r = syscall(SYS_pivot_root, NULL, NULL);
	else if (strcmp(name, "setns") == 0)
		r = syscall(SYS_setns, -1, 0);
	else if (strcmp(name, "open_by_handle_at") == 0)
		r = syscall(SYS_open_by_handle_at, -1, NULL, 0);
	else if (strcmp(name, "name_to_handle_at") == 0)
		r = syscall(SYS_name_to_handle_at, -1, NULL, NULL, NULL, 0);
	else if (strcmp(name, "unshare-user") == 0)
		r = syscall(SYS_unshare, CLONE_NEWUSER);
	else if (strcmp(name, "clone-user") == 0) {
		r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
		if (r == 0)
			_exit(0);
	} else if (strcmp(name, "clone3") == 0)
		r = syscall(SYS_clone3, NULL, 0);
	else if (strcmp(name, "tiocsti") == 0)
		r = syscall(SYS_ioctl, -1, (unsigned long)TIOCSTI, "x");
	else if (strcmp(name, "tiocsti-high-bits") == 0)
		r = syscall(SYS_ioctl, -1, (1UL << 32) | TIOCSTI, "x");
	else if (strcmp(name, "tioclinux") == 0)
		r = syscall(SYS_ioctl, -1, (unsigned long)TIOCLINUX, "x");
	else if (strcmp(name, "tcgets") == 0)
		r = syscall(SYS_ioctl, -1, (unsigned long)TCGETS, NULL);
	else if (strcmp(name, "read") == 0)
		r = syscall(SYS_read, -1, NULL, 0);
#if defined(__x86_64__)
	else if (strcmp(name, "ia32-getpid") == 0) {
		/* The 32-bit entry point: number 20 is getpid there. */
		long ret = 20;
		__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
		r = ret < 0 ? (errno = (int)-ret, -1) : 0;
	}
#endif
	else if (strcmp(name, "personality") == 0)
		r = syscall(SYS_personality, 0xffffffffUL);
	else if (strcmp(name, "swapon") == 0)
		r = syscall(SYS_swapon, NULL, 0);
	else if (strcmp(name, "syslog") == 0)
		r = syscall(SYS_syslog, -1, NULL, 0);
	else if (strcmp(name, "acct") == 0)
		r = syscall(SYS_acct, "/nonexistent/fence-acct");
	else
		return -1;
	return r < 0 ? errno : 0;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int e = try(argv[i]);

		if (e < 0) {
			fprintf(stderr, "try-syscall: unknown call '%s'\n", argv[i]);
			return 2;
		}
		printf("%s %s\n", argv[i], e == 0 ? "OK" : strerrorname_np(e));
	}
	return 0;
}
