/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/ebpfmon-event.h: the record platform/bpf/denials.bpf.c
 * sends to user space through its ring buffer.  Shared by both sides, so
 * it uses only fixed-size kernel types.
 */
#pragma once

struct ebpfmon_event {
	__u32 pid; /* thread group id, as the host sees it */
	__u32 tid;
	__u32 nr; /* syscall number */
	__s32 err; /* positive errno */
	__s32 dirfd; /* a relative path is relative to this directory fd, or AT_FDCWD (-100) */
	__u32 dir_dev; /* for a relative path: its start directory's device (kernel encoding) */
	__u64 dir_ino; /* and inode; 0 when unknown */
	char comm[16];
	char path[256]; /* "" when the syscall takes no path */
};
