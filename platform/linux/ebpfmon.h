/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/ebpfmon.h: the eBPF denial monitor.  It reports syscalls
 * of one sandbox (one pid namespace) that fail with EPERM, EACCES or EROFS,
 * with the path for path syscalls, on a libuv loop.  Needs root or CAP_BPF.
 */
#pragma once

#include <stdio.h>
#include <sys/types.h>
#include <uv.h>

struct ebpfmon;

struct ebpfmon_record {
	pid_t pid; /* in the host's pid namespace */
	const char *syscall; /* name, or "syscall_N" */
	int err; /* positive errno */
	const char *comm;
	const char *path; /* "" when the syscall takes no path; relative when the process was gone */
};

typedef void (*ebpfmon_cb)(const struct ebpfmon_record *rec, void *userdata);

/*
 * ebpfmon_start: load the BPF programs and poll their ring buffer on loop,
 * calling cb once per record.  The sandbox is the pid namespace pidns_ino
 * (its inode number), or when that is 0 the first new pid namespace that a
 * child of this process (bwrap) forks into: start the monitor before
 * spawning bwrap.  Returns 0 and *ret, or a negative errno (-EPERM
 * without root or CAP_BPF).
 */
int ebpfmon_start(uv_loop_t *loop, unsigned long pidns_ino, ebpfmon_cb cb, void *userdata,
		  struct ebpfmon **ret);

/* ebpfmon_pidns: the inode of the pid namespace watched, 0 until the sandbox's first fork. */
unsigned long ebpfmon_pidns(const struct ebpfmon *m);

/* ebpfmon_set_pidns: watch the pid namespace with inode ino from now on. */
void ebpfmon_set_pidns(struct ebpfmon *m, unsigned long ino);

/*
 * ebpfmon_dropped: records dropped so far: by the per-process rate limit,
 * a full ring buffer, or the de-duplication of the same denial from many
 * processes.  NULL is fine.
 */
unsigned long long ebpfmon_dropped(const struct ebpfmon *m);

/*
 * ebpfmon_stop: read what is left in the ring buffer, detach the programs
 * and close the poll handle (freed in its close callback).  Returns
 * ebpfmon_dropped() as it was at the end.  NULL is fine.
 */
unsigned long long ebpfmon_stop(struct ebpfmon *m);

/*
 * ebpfmon_format: the '[fence:ebpf] HH:MM:SS ✗ SYSCALL: ERRNO text PATH
 * (comm, pid=N)' line for rec, with its newline, into out.
 */
void ebpfmon_format(const struct ebpfmon_record *rec, FILE *out);

/* ebpfmon_reason: why the monitor cannot start, for the negative errno r. */
const char *ebpfmon_reason(int r);
