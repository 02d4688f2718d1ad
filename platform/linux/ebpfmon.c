/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/ebpfmon.c: load platform/bpf/denials.bpf.c through its
 * skeleton and turn its ring buffer records into ebpfmon_record calls.
 */
#include "platform/linux/ebpfmon.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/types.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "platform/linux/ebpfmon-event.h"
#include "denials.skel.h"
#include "util/util.h"

/*
 * De-duplication across processes: the BPF side limits each process, but a
 * shell loop starts a new process for every failing command.  Records with
 * the same syscall, errno, command name and path may pass DEDUP_BURST
 * times per DEDUP_WINDOW_NS; the rest are counted as dropped.
 */
#define DEDUP_SLOTS 128
#define DEDUP_BURST 4
#define DEDUP_WINDOW_NS 1000000000ULL

struct dedup_slot {
	uint64_t hash; /* 0: free */
	uint64_t start; /* CLOCK_MONOTONIC ns of the window's first record */
	unsigned count;
};

struct ebpfmon {
	struct fence_denials *skel;
	struct ring_buffer *rb;
	uv_poll_t poll;
	ebpfmon_cb cb;
	void *userdata;
	struct dedup_slot dedup[DEDUP_SLOTS];
	unsigned long long dedup_dropped;
};

/* libbpf's own messages go to the debug log only. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	log_debug("libbpf: %s", buf);
	return 0;
}

/* FNV-1a over len bytes, continuing from h. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* Check that a record with this syscall, errno, comm and path still has room in its burst. */
static bool dedup_allows(struct ebpfmon *m, const struct ebpfmon_event *ev, const char *comm,
			 const char *path)
{
	struct timespec ts;
	uint64_t h = 0xcbf29ce484222325ULL, now;
	struct dedup_slot *s;

	h = fnv1a(h, &ev->nr, sizeof(ev->nr));
	h = fnv1a(h, &ev->err, sizeof(ev->err));
	h = fnv1a(h, comm, strlen(comm) + 1);
	h = fnv1a(h, path, strlen(path) + 1);
	h |= 1; /* never 0, the free mark */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	s = &m->dedup[h % DEDUP_SLOTS];
	if (s->hash != h || now - s->start > DEDUP_WINDOW_NS) {
		*s = (struct dedup_slot){.hash = h, .start = now, .count = 1};
		return true;
	}
	if (s->count >= DEDUP_BURST) {
		m->dedup_dropped++;
		return false;
	}
	s->count++;
	return true;
}

/*
 * Write path into out, made absolute from the process's working directory
 * or directory fd as /proc shows it now, when that is still the directory
 * the syscall started from (same inode and device).  Otherwise, as when a
 * short process is gone already or the shell changed directory since, the
 * path stays relative.
 */
static void absolute_path(const struct ebpfmon_event *ev, const char *path, char *out,
			  size_t size)
{
	char link[64], base[PATH_MAX];
	struct stat st;
	ssize_t n;

	snprintf(out, size, "%s", path);
	if (!path[0] || path[0] == '/' || !ev->dir_ino)
		return;
	if (ev->dirfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%u/task/%u/cwd", ev->pid, ev->tid);
	else
		snprintf(link, sizeof(link), "/proc/%u/fd/%d", ev->pid, ev->dirfd);
	n = readlink(link, base, sizeof(base) - 1);
	if (n <= 0 || base[0] != '/')
		return;
	base[n] = '\0';
	/* The kernel's dev_t is MAJOR << 20 | MINOR. */
	if (stat(link, &st) < 0 || st.st_ino != ev->dir_ino ||
	    major(st.st_dev) != ev->dir_dev >> 20 || minor(st.st_dev) != (ev->dir_dev & 0xfffff))
		return;
	snprintf(out, size, "%s%s%s", base, strcmp(base, "/") == 0 ? "" : "/", path);
}

/* One ring buffer record: name the syscall and hand it to the callback. */
static int on_event(void *ctx, void *data, size_t size)
{
	struct ebpfmon *m = ctx;
	const struct ebpfmon_event *ev = data;
	_cleanup_free_ char *name = NULL;
	char fallback[32];
	char comm[sizeof(ev->comm) + 1];
	char path[sizeof(ev->path) + 1];
	char full[PATH_MAX + sizeof(ev->path) + 1];
	struct ebpfmon_record rec;

	if (size < sizeof(*ev))
		return 0;
	memcpy(comm, ev->comm, sizeof(ev->comm));
	comm[sizeof(ev->comm)] = '\0';
	memcpy(path, ev->path, sizeof(ev->path));
	path[sizeof(ev->path)] = '\0';
	if (!dedup_allows(m, ev, comm, path))
		return 0;
	absolute_path(ev, path, full, sizeof(full));
	name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, (int)ev->nr);
	/*
	 * A shell calls setpgid on a pipeline's child from both sides, and the
	 * parent's call fails with EACCES once the child has run execve.  That
	 * is the shell's ordinary race, not something the sandbox denied.
	 */
	if (name && strcmp(name, "setpgid") == 0 && ev->err == EACCES)
		return 0;
	snprintf(fallback, sizeof(fallback), "syscall_%u", ev->nr);
	rec = (struct ebpfmon_record){
		.pid = (pid_t)ev->pid,
		.syscall = name ? name : fallback,
		.err = ev->err,
		.comm = comm,
		.path = full,
	};
	m->cb(&rec, m->userdata);
	return 0;
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	struct ebpfmon *m = h->data;

	ring_buffer__consume(m->rb);
}

int ebpfmon_start(uv_loop_t *loop, unsigned long pidns_ino, ebpfmon_cb cb, void *userdata,
		  struct ebpfmon **ret)
{
	struct ebpfmon *m = xcalloc(1, sizeof(*m));
	int r;

	libbpf_set_print(libbpf_print);
	m->cb = cb;
	m->userdata = userdata;
	m->skel = fence_denials__open();
	if (!m->skel) {
		r = -errno;
		goto fail;
	}
	m->skel->bss->target_pidns = pidns_ino;
	m->skel->bss->target_tgid = pidns_ino ? 0 : (__u32)getpid();
	r = fence_denials__load(m->skel);
	if (r < 0)
		goto fail;
	r = fence_denials__attach(m->skel);
	if (r < 0)
		goto fail;
	m->rb = ring_buffer__new(bpf_map__fd(m->skel->maps.events), on_event, m, NULL);
	if (!m->rb) {
		r = -errno;
		goto fail;
	}
	r = uv_poll_init(loop, &m->poll, ring_buffer__epoll_fd(m->rb));
	if (r < 0)
		goto fail;
	m->poll.data = m;
	uv_poll_start(&m->poll, UV_READABLE, on_readable);
	*ret = m;
	return 0;
fail:
	ring_buffer__free(m->rb);
	fence_denials__destroy(m->skel);
	free(m);
	return r < 0 ? r : -EINVAL;
}

/* The monitor is freed once libuv has let go of its poll handle. */
static void on_closed(uv_handle_t *h)
{
	free(h->data);
}

unsigned long ebpfmon_pidns(const struct ebpfmon *m)
{
	/* The BPF side sets it when bwrap forks into the sandbox. */
	return (unsigned long)*(volatile __u64 *)&m->skel->bss->target_pidns;
}

void ebpfmon_set_pidns(struct ebpfmon *m, unsigned long ino)
{
	*(volatile __u64 *)&m->skel->bss->target_pidns = ino;
}

unsigned long long ebpfmon_dropped(const struct ebpfmon *m)
{
	if (!m || !m->skel)
		return 0;
	/* The BPF side adds to it atomically; the mmapped value is read as is. */
	return *(volatile __u64 *)&m->skel->bss->dropped + m->dedup_dropped;
}

unsigned long long ebpfmon_stop(struct ebpfmon *m)
{
	unsigned long long dropped;

	if (!m)
		return 0;
	ring_buffer__consume(m->rb);
	dropped = ebpfmon_dropped(m);
	ring_buffer__free(m->rb);
	fence_denials__destroy(m->skel);
	m->rb = NULL;
	m->skel = NULL;
	uv_close((uv_handle_t *)&m->poll, on_closed);
	return dropped;
}

void ebpfmon_format(const struct ebpfmon_record *rec, FILE *out)
{
	time_t now = time(NULL);
	struct tm tm;
	char clock[16];
	const char *name = strerrorname_np(rec->err);
	char path[4 * 4096 + 1], comm[4 * 16 + 1];

	/* The path and the process name are chosen inside the sandbox. */
	text_escape_controls(rec->path, path, sizeof(path));
	text_escape_controls(rec->comm, comm, sizeof(comm));
	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	fprintf(out, "[fence:ebpf] %s \u2717 %s: %s %s%s%s (%s, pid=%d)\n", clock, rec->syscall,
		name ? name : "?", strerror(rec->err), path[0] ? " " : "", path, comm, rec->pid);
}

const char *ebpfmon_reason(int r)
{
	if (r == -EPERM || r == -EACCES)
		return "needs root or CAP_BPF";
	/* The programs attach to BTF tracepoints and are relocated against the kernel's BTF. */
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0)
		return "the kernel has no BTF (/sys/kernel/btf/vmlinux)";
	return strerror(-r);
}
