/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/landlock.c: Landlock rules for the sandboxed command.
 *
 * The mounts already decide what is visible and writable; Landlock repeats
 * the decision in the kernel's access checks, so that a mount the planner
 * got wrong, or one that a future bwrap option adds, still cannot be
 * written through.  The system headers of the build machine may be older
 * than the running kernel, so the structure and the newer rights are
 * defined here with the kernel's numbering.
 */
#include "platform/linux/landlock.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define FS_EXECUTE (1ULL << 0)
#define FS_WRITE_FILE (1ULL << 1)
#define FS_READ_FILE (1ULL << 2)
#define FS_READ_DIR (1ULL << 3)
#define FS_REFER (1ULL << 13) /* ABI 2 */
#define FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#define FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define FS_ABI1_ALL ((1ULL << 13) - 1)
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */

/* Rights a rule on a regular file may carry; directory rights there are EINVAL. */
#define FS_FILE_RIGHTS (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV)

/* struct landlock_ruleset_attr as of ABI 6; older kernels get a prefix. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4; fence handles no network right */
	uint64_t scoped; /* ABI 6 */
};

int fsrules_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : (int)abi;
}

/* Return the handled rights at ABI abi, and note what an older ABI lacks. */
static uint64_t handled_rights(int abi, struct strv *notes)
{
	uint64_t rights = FS_ABI1_ALL | FS_REFER | FS_TRUNCATE | FS_IOCTL_DEV;

	/* Each case drops what the kernel at that ABI does not know. */
	switch (abi) {
	case 1:
		/* Without REFER, renames and links across directories are always refused. */
		rights &= ~FS_REFER;
		if (notes)
			strv_push(notes, "Landlock ABI 1 has no REFER right: files cannot be moved between directories");
		/* fallthrough */
	case 2:
		rights &= ~FS_TRUNCATE;
		if (notes)
			strv_push(notes, "Landlock ABI < 3 has no TRUNCATE right: truncation of read-only files is left to the mounts");
		/* fallthrough */
	case 3:
	case 4:
		rights &= ~FS_IOCTL_DEV;
		if (notes)
			strv_push(notes, "Landlock ABI < 5 has no IOCTL_DEV right: device ioctls are left to seccomp");
		/* fallthrough */
	case 5:
		if (notes)
			strv_push(notes, "Landlock ABI < 6 has no scopes: abstract Unix sockets are left to the network namespace");
		break;
	default:
		break;
	}
	return rights;
}

void fsrules_describe_abi(int abi, char *buf, size_t size)
{
	struct strv notes = { 0 };
	size_t len;

	handled_rights(abi, &notes);
	len = (size_t)snprintf(buf, size, "ABI %d", abi);
	if (notes.n == 0 && len < size)
		snprintf(buf + len, size - len, ", every right fence uses");
	for (size_t i = 0; i < notes.n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "; %s", notes.v[i]);
	strv_done(&notes);
}

/* Add one path rule; a missing path is skipped with a note. */
static int add_path(int ruleset, const char *path, uint64_t rights, struct strv *notes)
{
	struct landlock_path_beneath_attr attr = { 0 };
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		if (notes)
			strv_pushf(notes, "Landlock: skipped '%s': %s", path, strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		rights &= FS_FILE_RIGHTS;
	attr.allowed_access = rights;
	attr.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0)
		return -errno;
	return 0;
}

/* Add every path of one list. */
static int add_list(int ruleset, const struct strv *list, uint64_t rights, struct strv *notes)
{
	for (size_t i = 0; list && i < list->n; i++) {
		int r = add_path(ruleset, list->v[i], rights, notes);

		if (r < 0)
			return r;
	}
	return 0;
}

int fsrules_apply(const struct fsrules_request *req, struct strv *ret_notes)
{
	struct ruleset_attr attr = { 0 };
	_cleanup_close_ int ruleset = -1;
	uint64_t read_rights, exec_rights;
	size_t attr_size;
	int abi, r;

	abi = fsrules_abi();
	if (abi < 0)
		return abi;

	attr.handled_access_fs = handled_rights(abi, ret_notes);
	attr_size = sizeof(uint64_t);
	if (abi >= 6 && req->scope_abstract_unix) {
		attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET;
		attr_size = sizeof(attr);
	}
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (ruleset < 0)
		return -errno;

	read_rights = (FS_READ_FILE | FS_READ_DIR | FS_EXECUTE) & attr.handled_access_fs;
	exec_rights = (FS_READ_FILE | FS_EXECUTE) & attr.handled_access_fs;
	r = add_list(ruleset, req->read, read_rights, ret_notes);
	if (r < 0)
		return r;
	r = add_list(ruleset, req->exec, exec_rights, ret_notes);
	if (r < 0)
		return r;
	r = add_list(ruleset, req->write, attr.handled_access_fs, ret_notes);
	if (r < 0)
		return r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		return -errno;
	return 0;
}
