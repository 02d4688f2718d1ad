// SPDX-License-Identifier: MIT
/*
 * platform/bpf/denials.bpf.c: report syscalls of one sandbox that fail
 * with EPERM, EACCES or EROFS, with the path for path syscalls.
 *
 * The sandbox is its pid namespace.  User space either sets target_pidns
 * or names itself (target_tgid) before it spawns bwrap: the first process
 * a child of target_tgid forks into a new pid namespace sets target_pidns,
 * so the filter covers the sandbox's first syscall.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "platform/linux/ebpfmon-event.h"

#define EPERM 1
#define EACCES 13
#define EROFS 30

/* Records a (process, syscall, errno) may send per window, and the window. */
#define BURST 4
#define WINDOW_NS 1000000000ULL

char LICENSE[] SEC("license") = "Dual MIT/GPL";

volatile __u32 target_tgid;
volatile __u64 target_pidns;
__u64 dropped;

#define AT_FDCWD -100

struct enter {
	__u64 nr;
	__u64 path; /* user pointer, 0 when the syscall takes no path */
	__s64 dirfd; /* what a relative path is relative to: a directory fd or AT_FDCWD */
};

struct rate_key {
	__u32 tgid;
	__u32 nr;
	__s32 err;
};

struct rate {
	__u64 start;
	__u32 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct enter);
} entered SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct rate_key);
	__type(value, struct rate);
} rates SEC(".maps");

/* The pid namespace new children of t are made in (its own for a sandbox's processes). */
static __u64 pidns_of(struct task_struct *t)
{
	return BPF_CORE_READ(t, nsproxy, pid_ns_for_children, ns.inum);
}

/* Check that the current task belongs to the watched sandbox. */
static bool in_sandbox(void)
{
	__u64 ns = target_pidns;

	return ns && pidns_of((struct task_struct *)bpf_get_current_task()) == ns;
}

/* Index of the path argument of syscall nr, or -1 (x86_64 numbers). */
static int path_arg(__u64 nr)
{
	switch (nr) {
	case 2: /* open */
	case 4: /* stat */
	case 6: /* lstat */
	case 21: /* access */
	case 59: /* execve */
	case 76: /* truncate */
	case 80: /* chdir */
	case 82: /* rename */
	case 83: /* mkdir */
	case 84: /* rmdir */
	case 85: /* creat */
	case 86: /* link */
	case 87: /* unlink */
	case 90: /* chmod */
	case 92: /* chown */
	case 94: /* lchown */
	case 133: /* mknod */
	case 161: /* chroot */
	case 188: /* setxattr */
	case 189: /* lsetxattr */
	case 197: /* removexattr */
	case 198: /* lremovexattr */
		return 0;
	case 88: /* symlink: the new name */
	case 257: /* openat */
	case 258: /* mkdirat */
	case 259: /* mknodat */
	case 260: /* fchownat */
	case 262: /* newfstatat */
	case 263: /* unlinkat */
	case 264: /* renameat */
	case 265: /* linkat */
	case 268: /* fchmodat */
	case 269: /* faccessat */
	case 280: /* utimensat */
	case 316: /* renameat2 */
	case 322: /* execveat */
	case 332: /* statx */
	case 437: /* openat2 */
	case 439: /* faccessat2 */
		return 1;
	case 266: /* symlinkat: the new name */
		return 2;
	}
	return -1;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u64 ns;

	if (target_pidns || !target_tgid || parent->real_parent->tgid != target_tgid)
		return 0;
	ns = pidns_of(child);
	if (ns && ns != pidns_of(parent))
		target_pidns = ns;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_enter, struct pt_regs *regs, long nr)
{
	struct enter e = { .nr = nr, .dirfd = AT_FDCWD };
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	int arg;

	if (!in_sandbox())
		return 0;
	arg = path_arg(nr);
	if (arg < 0)
		return 0;
	/* The *at syscalls take the directory fd of their path just before it.  symlink has none. */
	if (arg == 0) {
		e.path = PT_REGS_PARM1_CORE_SYSCALL(regs);
	} else if (arg == 1) {
		e.path = PT_REGS_PARM2_CORE_SYSCALL(regs);
		if (nr != 88)
			e.dirfd = (int)PT_REGS_PARM1_CORE_SYSCALL(regs);
	} else {
		e.path = PT_REGS_PARM3_CORE_SYSCALL(regs);
		e.dirfd = (int)PT_REGS_PARM2_CORE_SYSCALL(regs);
	}
	bpf_map_update_elem(&entered, &tid, &e, BPF_ANY);
	return 0;
}

/* bwrap's own set-up in the namespace (capability drops, probes of /proc) fails by design. */
static bool is_bwrap(const char *comm)
{
	return comm[0] == 'b' && comm[1] == 'w' && comm[2] == 'r' && comm[3] == 'a' &&
	       comm[4] == 'p' && comm[5] == 0;
}

/* Check that the (process, syscall, errno) burst still has room, and count a drop. */
static bool rate_allows(__u32 tgid, __u32 nr, __s32 err)
{
	struct rate_key k = { .tgid = tgid, .nr = nr, .err = err };
	__u64 now = bpf_ktime_get_ns();
	struct rate *r = bpf_map_lookup_elem(&rates, &k);
	struct rate fresh = { .start = now, .count = 1 };

	if (!r || now - r->start > WINDOW_NS) {
		bpf_map_update_elem(&rates, &k, &fresh, BPF_ANY);
		return true;
	}
	if (r->count >= BURST) {
		__sync_fetch_and_add(&dropped, 1);
		return false;
	}
	r->count++;
	return true;
}

/*
 * Note the inode and device of the directory a relative path starts from
 * (the working directory or dirfd), so that user space can check that the
 * directory it reads from /proc is the same one.
 */
static void note_dir(struct ebpfmon_event *ev, __s64 dirfd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct dentry *d;

	if (dirfd == AT_FDCWD) {
		d = BPF_CORE_READ(t, fs, pwd.dentry);
	} else {
		struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
		struct file **fds = BPF_CORE_READ(fdt, fd);
		struct file *f = NULL;

		if (dirfd < 0 || dirfd >= BPF_CORE_READ(fdt, max_fds))
			return;
		bpf_core_read(&f, sizeof(f), &fds[dirfd]);
		if (!f)
			return;
		d = BPF_CORE_READ(f, f_path.dentry);
	}
	if (!d)
		return;
	ev->dir_ino = BPF_CORE_READ(d, d_inode, i_ino);
	ev->dir_dev = BPF_CORE_READ(d, d_sb, s_dev);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_exit, struct pt_regs *regs, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct enter *e;
	struct ebpfmon_event *ev;
	__u64 nr, path = 0;
	__s64 dirfd = AT_FDCWD;
	char comm[16];

	if (!in_sandbox())
		return 0;
	e = bpf_map_lookup_elem(&entered, &tid);
	if (e) {
		nr = e->nr;
		path = e->path;
		dirfd = e->dirfd;
		bpf_map_delete_elem(&entered, &tid);
	} else {
		nr = BPF_CORE_READ(regs, orig_ax);
	}
	if (ret != -EPERM && ret != -EACCES && ret != -EROFS)
		return 0;
	bpf_get_current_comm(comm, sizeof(comm));
	if (is_bwrap(comm) || !rate_allows(id >> 32, nr, -ret))
		return 0;
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	ev->pid = id >> 32;
	ev->tid = tid;
	ev->nr = nr;
	ev->err = -ret;
	ev->dirfd = (__s32)dirfd;
	__builtin_memcpy(ev->comm, comm, sizeof(comm));
	ev->path[0] = 0;
	ev->dir_ino = 0;
	ev->dir_dev = 0;
	if (path)
		bpf_probe_read_user_str(ev->path, sizeof(ev->path), (const void *)path);
	if (ev->path[0] && ev->path[0] != '/')
		note_dir(ev, dirfd);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}
