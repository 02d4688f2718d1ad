/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/sysfilter.c: the seccomp filter of the sandbox.
 *
 * The filter is a deny list on top of the namespaces and Landlock: it
 * removes the kernel interfaces that let a process leave or reshape its
 * sandbox (mounts, new user namespaces, module and kexec loading), reach
 * other processes' memory (ptrace, process_vm_*), or inject input into a
 * terminal (TIOCSTI, TIOCLINUX).  Every other call passes, so ordinary
 * programs run unchanged.  A call made through a foreign ABI (ia32 or x32
 * on x86_64) kills the process, because its numbers differ and a deny
 * list written for the native ABI would not cover it.
 */
#include "platform/linux/sysfilter.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "util/util.h"

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

static const char *const blocked[] = {
	/* Other processes' memory and state. */
	"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
	/* Kernel keyrings are shared across the user, not per sandbox. */
	"keyctl", "add_key", "request_key",
	/* Kernel attack surface that ordinary programs do not need. */
	"personality", "userfaultfd", "perf_event_open", "bpf", "syslog", "acct",
	"ioperm", "iopl", "lookup_dcookie", "quotactl", "nfsservctl", "vm86", "vm86old",
	/* Replacing or reconfiguring the kernel. */
	"kexec_load", "kexec_file_load", "reboot", "init_module", "finit_module",
	"delete_module", "swapon", "swapoff", "sethostname", "setdomainname",
	/* Reshaping the sandbox's mounts, old and new mount API alike. */
	"mount", "umount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree",
	"fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
	/* Joining other namespaces. */
	"setns",
	/*
	 * Opening files by handle skips path lookup, so it reaches files under
	 * a mask or outside every bind mount.  It needs CAP_DAC_READ_SEARCH,
	 * which fence also drops, but the filter keeps it closed on its own.
	 */
	"open_by_handle_at", "name_to_handle_at",
};

const char *const *sysfilter_blocked(size_t *ret_n)
{
	*ret_n = ELEMENTSOF(blocked);
	return blocked;
}

/*
 * Add one rule for a syscall name.  Names this libseccomp does not know,
 * and calls the native architecture lacks (libseccomp gives those negative
 * pseudo numbers, such as vm86 on x86_64), are skipped.
 */
static int add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned int n_args,
		    const struct scmp_arg_cmp *args)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr < 0)
		return 0;
	return seccomp_rule_add_array(ctx, action, nr, n_args, args);
}

/*
 * Address families other than AF_UNIX, AF_INET, AF_INET6 and AF_NETLINK
 * fail with EAFNOSUPPORT.  The network namespace does not cover every
 * family: AF_VSOCK shares the VM's port space with the host, so a sandbox
 * could reach the hypervisor's services without the proxies.  The range
 * rules compare the whole 64-bit argument, so high bits only make a call
 * fail, never pass.
 */
static int add_socket_family_rules(scmp_filter_ctx ctx)
{
	const uint32_t unsupported = SCMP_ACT_ERRNO(EAFNOSUPPORT);
	struct scmp_arg_cmp above = SCMP_A0(SCMP_CMP_GT, AF_NETLINK);
	int r;

	for (int family = 0; family < AF_NETLINK; family++) {
		struct scmp_arg_cmp eq = SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, (unsigned)family);

		if (family == AF_UNIX || family == AF_INET || family == AF_INET6)
			continue;
		r = add_rule(ctx, unsupported, "socket", 1, &eq);
		if (r < 0)
			return r;
	}
	return add_rule(ctx, unsupported, "socket", 1, &above);
}

/* Build the whole filter; the caller releases it. */
static int build(scmp_filter_ctx *ret)
{
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	scmp_filter_ctx ctx;
	int r;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r < 0)
		goto err_release;

	for (size_t i = 0; i < ELEMENTSOF(blocked); i++) {
		r = add_rule(ctx, eperm, blocked[i], 0, NULL);
		if (r < 0)
			goto err_release;
	}

	/*
	 * Terminal input injection.  The request argument is an int in the
	 * kernel, so only its low 32 bits are compared: a caller cannot slip
	 * past by setting high bits.
	 */
	static const unsigned long tty_requests[] = { TIOCSTI, TIOCLINUX };
	for (size_t i = 0; i < ELEMENTSOF(tty_requests); i++) {
		struct scmp_arg_cmp cmp = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, tty_requests[i]);

		r = add_rule(ctx, eperm, "ioctl", 1, &cmp);
		if (r < 0)
			goto err_release;
	}

	/*
	 * New user namespaces would give the command a fresh set of
	 * capabilities over its own namespaces, which is the usual first step
	 * of kernel exploits.  clone3 passes its flags in memory that seccomp
	 * cannot read, so it fails with ENOSYS and the C library falls back to
	 * clone, whose flags are checked here.
	 */
	struct scmp_arg_cmp newuser = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER);
	r = add_rule(ctx, eperm, "unshare", 1, &newuser);
	if (r < 0)
		goto err_release;
	r = add_rule(ctx, eperm, "clone", 1, &newuser);
	if (r < 0)
		goto err_release;
	r = add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);
	if (r < 0)
		goto err_release;

	r = add_socket_family_rules(ctx);
	if (r < 0)
		goto err_release;

	*ret = ctx;
	return 0;

err_release:
	seccomp_release(ctx);
	return r;
}

int sysfilter_load(void)
{
	scmp_filter_ctx ctx;
	int r;

	r = build(&ctx);
	if (r < 0)
		return r;
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}

int sysfilter_export_pfc(int fd)
{
	scmp_filter_ctx ctx;
	int r;

	r = build(&ctx);
	if (r < 0)
		return r;
	r = seccomp_export_pfc(ctx, fd);
	seccomp_release(ctx);
	return r;
}
