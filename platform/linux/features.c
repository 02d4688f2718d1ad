/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/features.c: probe what this kernel lets fence use.
 *
 * Each feature is tried rather than inferred from the kernel version:
 * distributions disable user namespaces, Landlock and unprivileged BPF
 * independently of the version number.
 */
#include "platform/linux/features.h"
#include "platform/linux/landlock.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "util/util.h"

extern char **environ;

/* Find an executable named name in $PATH; returns false when there is none. */
static bool find_in_path(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;

	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(buf, size, "%s/%s", dir, name);
		if (access(buf, X_OK) == 0)
			return true;
	}
	buf[0] = '\0';
	return false;
}

/*
 * Run argv with stdin from /dev/null and stdout and stderr into a buffer.
 * Returns the exit status (128+signal), or -1 when it could not run.
 */
static int run_capture(char *const *argv, char *out, size_t size)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2];
	pid_t pid;
	size_t len = 0;
	int status, r;

	out[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (r != 0) {
		close(pipefd[0]);
		return -1;
	}
	for (;;) {
		ssize_t n = read(pipefd[0], out + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == size - 1)
			break;
	}
	out[len] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Copy the first line of text into reason, or fallback when text is empty. */
static void first_line(char *reason, size_t size, const char *text, const char *fallback)
{
	size_t n = strcspn(text, "\n");

	if (n == 0) {
		snprintf(reason, size, "%s", fallback);
		return;
	}
	snprintf(reason, size, "%.*s", (int)n, text);
}

/*
 * Probe the bwrap binary and its network namespace; with all set, also
 * its version and a user namespace on its own.
 */
static void probe_bwrap(struct linux_features *f, bool all)
{
	char out[512];
	struct stat st;

	if (!find_in_path("bwrap", f->bwrap_path, sizeof(f->bwrap_path))) {
		snprintf(f->userns_reason, sizeof(f->userns_reason), "bwrap not found in PATH");
		snprintf(f->netns_reason, sizeof(f->netns_reason), "bwrap not found in PATH");
		return;
	}
	f->bwrap_setuid = stat(f->bwrap_path, &st) == 0 && (st.st_mode & S_ISUID);

	char *version[] = { f->bwrap_path, "--version", NULL };
	if (all && run_capture(version, out, sizeof(out)) == 0) {
		const char *v = strrchr(strtok(out, "\n") ? out : "", ' ');

		snprintf(f->bwrap_version, sizeof(f->bwrap_version), "%.63s", v ? v + 1 : out);
	}
	char *netns[] = { f->bwrap_path, "--unshare-net", "--ro-bind", "/", "/", "--", "true", NULL };
	f->netns = run_capture(netns, out, sizeof(out)) == 0;
	if (!f->netns)
		first_line(f->netns_reason, sizeof(f->netns_reason), out,
			   "bwrap --unshare-net failed");

	/*
	 * A run needs only this probe: when it works, bwrap can also create
	 * the PID namespace and mounts a run uses.
	 */
	if (f->netns && !all) {
		f->userns = true;
		return;
	}
	char *userns[] = { f->bwrap_path, "--unshare-pid", "--ro-bind", "/", "/", "--", "true", NULL };
	f->userns = run_capture(userns, out, sizeof(out)) == 0;
	if (!f->userns)
		first_line(f->userns_reason, sizeof(f->userns_reason), out,
			   "bwrap cannot create a namespace");
}

/* Probe seccomp filters and user notification through SECCOMP_GET_ACTION_AVAIL. */
static void probe_seccomp(struct linux_features *f)
{
	__u32 action = SECCOMP_RET_ERRNO;

	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0) {
		f->seccomp = true;
	} else {
		snprintf(f->seccomp_reason, sizeof(f->seccomp_reason), "seccomp: %s",
			 errno == ENOSYS || errno == EINVAL ? "not supported by this kernel" :
							      strerror(errno));
		return;
	}
	action = SECCOMP_RET_USER_NOTIF;
	f->seccomp_notify = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

/* Test one effective capability of this process. */
static bool has_capability(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

/* Probe BPF: root or CAP_BPF, a two-instruction program loads, and the kernel has BTF. */
static void probe_bpf(struct linux_features *f)
{
	struct bpf_insn prog[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd;

	if (!has_capability(CAP_BPF) && !has_capability(CAP_SYS_ADMIN)) {
		snprintf(f->bpf_reason, sizeof(f->bpf_reason), "needs root or CAP_BPF");
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_SKB;
	attr.insns = (__u64)(unsigned long)prog;
	attr.insn_cnt = 2;
	attr.license = (__u64)(unsigned long)"GPL";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0) {
		snprintf(f->bpf_reason, sizeof(f->bpf_reason), "cannot load a BPF program: %s",
			 strerror(errno));
		return;
	}
	close(fd);
	/* The denial monitor attaches to BTF tracepoints, relocated against the kernel's BTF. */
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0) {
		snprintf(f->bpf_reason, sizeof(f->bpf_reason),
			 "the kernel has no BTF (/sys/kernel/btf/vmlinux)");
		return;
	}
	f->bpf = true;
}

/* Detect a container from its marker files and the init's cgroup. */
static bool detect_container(void)
{
	static const char *const names[] = { "docker", "containerd", "kubepods", "libpod",
					     "podman", "lxc" };
	char buf[4096];
	int fd;
	ssize_t n;

	if (access("/.dockerenv", F_OK) == 0 || access("/run/.containerenv", F_OK) == 0)
		return true;
	fd = open("/proc/1/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (strstr(buf, names[i]))
			return true;
	return false;
}

/* Fill *ret; the slower probes (bwrap version, user namespace alone, BPF) only when full is set. */
static int detect(struct linux_features *ret, bool full)
{
	struct utsname u;
	int r;

	*ret = (struct linux_features){ 0 };
	if (uname(&u) == 0)
		snprintf(ret->kernel, sizeof(ret->kernel), "%s", u.release);
	ret->running_as_root = geteuid() == 0;
	ret->in_container = detect_container();
	probe_bwrap(ret, full);

	r = fsrules_abi();
	if (r > 0)
		ret->landlock_abi = r;
	else
		snprintf(ret->landlock_reason, sizeof(ret->landlock_reason), "%s",
			 r == -EOPNOTSUPP ? "Landlock is disabled at boot (lsm= parameter)" :
			 r == -ENOSYS	  ? "kernel built without Landlock" :
					    strerror(-r));

	probe_seccomp(ret);
	if (full)
		probe_bpf(ret);
	else
		snprintf(ret->bpf_reason, sizeof(ret->bpf_reason), "not probed");
	return 0;
}

int features_detect(struct linux_features *ret)
{
	return detect(ret, true);
}

int features_detect_quick(struct linux_features *ret)
{
	return detect(ret, false);
}

/* Print one row of the table. */
static void row(FILE *out, const char *name, bool ok, const char *detail)
{
	fprintf(out, "%-22s %-12s %s\n", name, ok ? "ok" : "unavailable", detail);
}

void features_print(const struct linux_features *f, FILE *out)
{
	char detail[512];

	fprintf(out, "%-22s %-12s %s\n", "FEATURE", "STATUS", "DETAIL");
	row(out, "kernel", true, f->kernel);
	if (f->bwrap_path[0])
		snprintf(detail, sizeof(detail), "%s %s%s", f->bwrap_path, f->bwrap_version,
			 f->bwrap_setuid ? " (setuid)" : "");
	else
		snprintf(detail, sizeof(detail), "not found in PATH");
	row(out, "bubblewrap", f->bwrap_path[0], detail);
	row(out, "user namespaces", f->userns, f->userns_reason);
	row(out, "network namespaces", f->netns, f->netns_reason);
	if (f->landlock_abi > 0)
		fsrules_describe_abi(f->landlock_abi, detail, sizeof(detail));
	else
		snprintf(detail, sizeof(detail), "%s", f->landlock_reason);
	row(out, "landlock", f->landlock_abi > 0, detail);
	row(out, "seccomp filter", f->seccomp, f->seccomp_reason);
	row(out, "seccomp user notify", f->seccomp_notify,
	    f->seccomp_notify ? "" :
	    f->seccomp	      ? "SECCOMP_RET_USER_NOTIF not supported by this kernel" :
				f->seccomp_reason);
	row(out, "ebpf", f->bpf, f->bpf_reason);
	fprintf(out, "%-22s %-12s %s\n", "container", f->in_container ? "yes" : "no",
		f->running_as_root ? "running as root" : "running as an unprivileged user");
}
