/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/mountplan.h: the mount planner, a pure function from
 * policy plus detected features to the bwrap argument vector.
 *
 * "Pure" here means: it reads the file system (to expand globs, resolve
 * symlinks, walk for dangerous paths and sockets) but starts no process.
 * It changes only three things: the placeholder directories it lists in
 * plan->placeholders, their registry, and fence's private directory
 * (mount_request.fence_dir) with the empty file that masks denied files.
 */
#pragma once

#include <stdbool.h>

#include "platform/linux/features.h"
#include "policy/policy.h"
#include "util/util.h"

/* One extra mount the caller needs (bridge sockets, the init binary). */
struct extra_bind {
	char *src; /* owned, host path */
	char *dst; /* owned, path inside the sandbox */
	bool writable;
};

struct mount_request {
	const struct fence_config *config; /* borrowed */
	const struct linux_features *features; /* borrowed */
	const char *cwd; /* absolute, borrowed */
	const char *home; /* absolute, borrowed */
	const char *runtime_dir; /* the sandbox's fresh XDG_RUNTIME_DIR inside, borrowed */
	bool unshare_net; /* isolated network mode */
	struct extra_bind *binds; /* borrowed array, added after the policy mounts */
	size_t n_binds;
	const struct strv *exec_masks; /* borrowed, may be NULL: files masked with /dev/null */
	/*
	 * Borrowed, may be NULL: fence configuration files (the loaded chain
	 * and every place a project or user file would be found).  Each one
	 * that exists is bound read-only, so that a command cannot widen the
	 * policy of the next run by editing it.
	 */
	const struct strv *config_files;
	/*
	 * The fields below may stay zero; each then takes the default named.
	 * Tests set them so that a plan depends only on the tree they build.
	 */
	const char *host_runtime_dir; /* the host's XDG_RUNTIME_DIR; NULL = $XDG_RUNTIME_DIR */
	char *const *envp; /* SSH_AUTH_SOCK, DOCKER_HOST, DBUS_*, TMUX*; NULL = environ */
	/*
	 * fence's private host directory (mode 0700) holding the empty file
	 * that masks denied files and the placeholder registry; NULL =
	 * $XDG_RUNTIME_DIR/fence, else /tmp/fence-UID.
	 */
	const char *fence_dir;
	/* System directories scanned for sockets; NULL = {"/run", "/var/run"}. */
	const char *const *socket_scan_roots;
	size_t n_socket_scan_roots;
};

struct mount_plan {
	struct strv args; /* bwrap arguments: no "bwrap", no "--", no command */
	struct strv placeholders; /* host directories created; remove at exit when still empty */
	struct strv warnings; /* user-facing, without the 'fence: warning: ' prefix */
	struct strv debug; /* '-d' lines describing decisions */
	/* Landlock grants the init applies inside the sandbox (absolute paths). */
	struct strv landlock_read;
	struct strv landlock_exec; /* READ_FILE + EXECUTE */
	struct strv landlock_write; /* every file right: read, write, execute, create, remove */
	/* Unix sockets the config allows plus the extra binds' destinations. */
	struct strv landlock_unix;
	/*
	 * Dangerous files missing from writable directories (cwd, home, the
	 * writable roots): the sandbox can create them, so the caller
	 * watches for them (dangerous-watch.h) and reports each one.
	 */
	struct strv watch_files;
	char *placeholder_registry; /* owned; NULL when no placeholder was created */
	unsigned placeholder_owner; /* distinguishes this plan's registry entries from other plans' */
};

/*
 * mountplan_build: plan the mounts for req.  Returns 0 and fills *ret, or
 * a negative errno with one owned message in *ret_error (a policy path
 * that cannot be used, and why).
 */
int mountplan_build(const struct mount_request *req, struct mount_plan *ret, char **ret_error);

/* mountplan_done: free the contents of a plan. */
void mountplan_done(struct mount_plan *p);

/*
 * mountplan_remove_placeholders: remove the placeholder directories of this
 * plan that are still empty, still the same inode and used by no other live
 * run or session.  Call once after the sandbox exited.
 */
void mountplan_remove_placeholders(const struct mount_plan *p);
