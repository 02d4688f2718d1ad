/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/sandbox.c: the bwrap launch on the host side.
 *
 * The launch is built in three parts: the environment (filtered once here
 * and again by the init before exec), the bwrap argv (namespace flags, the
 * planner's mounts, then fence's own files under /tmp/fence), and the
 * init's settings, which travel in a sealed memfd rather than on the
 * command line or in the environment, where the workload could read them.
 * The init itself is in sandbox-init.c.
 */
#include "platform/linux/sandbox.h"

#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "policy/policy.h"

extern char **environ;

/* Build the environment bwrap and the command start with. */
static void build_env(const struct sandbox_spec *spec, struct sandbox_launch *l)
{
	char *const *host = spec->env ? spec->env : environ;
	const char *tmpdir = environ_get(host, "TMPDIR");

	environ_filter(host, &spec->config->environment, &l->env, &l->removed_env);
	environ_set(&l->env, "FENCE_SANDBOX", "1");
	environ_set(&l->env, "XDG_RUNTIME_DIR", SANDBOX_RUNTIME_DIR);

	/*
	 * The sandbox's /tmp is a fresh tmpfs, so a host TMPDIR under /tmp
	 * names a directory that does not exist inside.
	 * TODO: a TMPDIR outside /tmp is kept without checking that the mount
	 * plan makes it writable; programs then fail to create temp files.
	 */
	if (!tmpdir || !*tmpdir || strncmp(tmpdir, "/tmp", 4) == 0 || tmpdir[0] != '/')
		environ_set(&l->env, "TMPDIR", "/tmp");

	for (size_t i = 0; spec->extra_env && i < spec->extra_env->n; i++) {
		const char *entry = spec->extra_env->v[i];
		const char *eq = strchr(entry, '=');
		_cleanup_free_ char *name = NULL;

		if (!eq)
			continue;
		name = xstrndup(entry, (size_t)(eq - entry));
		environ_set(&l->env, name, eq + 1);
	}
	environ_strip_loader(&l->env);
}

/* Append a JSON array of the strings of a list. */
static void json_add_strv(struct json_object *obj, const char *key, const struct strv *sv)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; sv && i < sv->n; i++)
		json_object_array_add(a, json_object_new_string(sv->v[i]));
	json_object_object_add(obj, key, a);
}

/* Serialize the init's settings as JSON text (owned). */
static char *build_init_spec(const struct sandbox_spec *spec, const struct mount_plan *plan)
{
	struct json_object *o = json_object_new_object();
	struct json_object *relays = json_object_new_array();
	char *text;

	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "tty", json_object_new_boolean(spec->tty));
	json_object_object_add(o, "debug", json_object_new_boolean(spec->debug));
	json_object_object_add(o, "seccomp", json_object_new_boolean(spec->features->seccomp));
	json_object_object_add(o, "landlock",
			       json_object_new_boolean(spec->features->landlock_abi > 0));
	/*
	 * Abstract sockets are cut off in every network mode unless the
	 * policy allows all Unix sockets: a shared network namespace (relaxed
	 * mode) would otherwise reach the host's X11 or containerd sockets.
	 */
	json_object_object_add(o, "scope_abstract_unix",
			       json_object_new_boolean(!spec->config->network.allow_all_unix_sockets));
	json_object_object_add(o, "exec_supervise", json_object_new_boolean(spec->exec_supervise));
	/* The planner's grants already include the base set (system, cwd, home, /tmp, /dev). */
	json_add_strv(o, "landlock_read", &plan->landlock_read);
	json_add_strv(o, "landlock_exec", &plan->landlock_exec);
	json_add_strv(o, "landlock_write", &plan->landlock_write);
	for (size_t i = 0; i < spec->n_relays; i++) {
		struct json_object *r = json_object_new_object();

		json_object_object_add(r, "listen", json_object_new_string(spec->relays[i].listen));
		json_object_object_add(r, "connect", json_object_new_string(spec->relays[i].connect));
		json_object_array_add(relays, r);
	}
	json_object_object_add(o, "relays", relays);

	text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

/* Write text into a sealed memfd positioned at offset 0. */
static int sealed_memfd(const char *name, const char *text, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text), off = 0;

	fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Append bwrap's namespace flags, the plan, fence's own mounts and the init. */
static void build_argv(const struct sandbox_spec *spec, const char *fence_exe,
		       struct sandbox_launch *l)
{
	struct strv *a = &l->argv;

	strv_push(a, spec->features->bwrap_path);
	strv_push(a, "--die-with-parent");
	/*
	 * Always a new session: without it, a process inside shares the
	 * user's terminal as controlling terminal and could push input into it
	 * with TIOCSTI on kernels that still allow it.
	 */
	strv_push(a, "--new-session");
	if (spec->unshare_net)
		strv_push(a, "--unshare-net");
	strv_push(a, "--unshare-pid");
	/*
	 * When root starts fence, bwrap keeps every capability inside the
	 * sandbox, and CAP_DAC_READ_SEARCH, CAP_SYS_ADMIN or CAP_MKNOD would
	 * each get past the mount masks.  Nothing inside needs a capability:
	 * Landlock and seccomp run under no_new_privs and the relays listen on
	 * unprivileged ports.
	 */
	if (geteuid() == 0) {
		strv_push(a, "--cap-drop");
		strv_push(a, "ALL");
	}
	/* fence's init is PID 1: it reaps orphans and reports stops itself. */
	strv_push(a, "--as-pid-1");
	strv_copy(a, &l->plan.args);

	strv_push(a, "--dir");
	strv_push(a, SANDBOX_BIN_DIR);
	strv_push(a, "--ro-bind");
	strv_push(a, fence_exe);
	strv_push(a, SANDBOX_FENCE_PATH);
	strv_push(a, "--chdir");
	strv_push(a, spec->cwd);

	strv_push(a, "--");
	strv_push(a, SANDBOX_FENCE_PATH);
	strv_push(a, "init");
	strv_push(a, "--spec-fd");
	strv_pushf(a, "%d", SANDBOX_SPEC_FD);
	strv_push(a, "--control-fd");
	strv_pushf(a, "%d", SANDBOX_CONTROL_FD);
	strv_push(a, "--");
	for (size_t i = 0; spec->argv[i]; i++)
		strv_push(a, spec->argv[i]);
}

int sandbox_prepare(const struct sandbox_spec *spec, struct sandbox_launch *ret, char **ret_error)
{
	struct mount_request req = {
		.config = spec->config,
		.features = spec->features,
		.cwd = spec->cwd,
		.home = spec->home,
		.runtime_dir = SANDBOX_RUNTIME_DIR,
		.unshare_net = spec->unshare_net,
		.binds = (struct extra_bind *)spec->binds,
		.n_binds = spec->n_binds,
		.exec_masks = spec->exec_masks,
		.config_files = spec->config_files,
	};
	struct sandbox_launch l = { .spec_fd = -1, .control_fd = -1, .control_child_fd = -1 };
	char fence_exe[PATH_MAX];
	_cleanup_free_ char *init_spec = NULL;
	int sv[2];
	ssize_t n;
	int r;

	*ret = l;
	if (!spec->features->bwrap_path[0]) {
		*ret_error = xstrdup("cannot find bubblewrap ('bwrap') in PATH");
		return -ENOENT;
	}
	n = readlink("/proc/self/exe", fence_exe, sizeof(fence_exe) - 1);
	if (n < 0) {
		r = -errno;
		*ret_error = xasprintf("cannot find fence's own binary: %s", strerror(-r));
		return r;
	}
	fence_exe[n] = '\0';

	r = mountplan_build(&req, &l.plan, ret_error);
	if (r < 0)
		goto err_done;

	build_env(spec, &l);
	build_argv(spec, fence_exe, &l);

	init_spec = build_init_spec(spec, &l.plan);
	r = sealed_memfd("fence-init-spec", init_spec, &l.spec_fd);
	if (r < 0) {
		*ret_error = xasprintf("cannot write the sandbox settings: %s", strerror(-r));
		goto err_done;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = -errno;
		*ret_error = xasprintf("cannot create the control socket: %s", strerror(-r));
		goto err_done;
	}
	l.control_fd = sv[0];
	l.control_child_fd = sv[1];
	*ret = l;
	return 0;

err_done:
	sandbox_launch_done(&l);
	return r;
}

void sandbox_close_child_fds(struct sandbox_launch *l)
{
	if (l->spec_fd >= 0)
		close(TAKE_FD(l->spec_fd));
	if (l->control_child_fd >= 0)
		close(TAKE_FD(l->control_child_fd));
}

void sandbox_launch_done(struct sandbox_launch *l)
{
	sandbox_close_child_fds(l);
	if (l->control_fd >= 0)
		close(TAKE_FD(l->control_fd));
	mountplan_remove_placeholders(&l->plan);
	mountplan_done(&l->plan);
	strv_done(&l->argv);
	strv_done(&l->env);
	strv_done(&l->removed_env);
}

/* The PID of fence's init: bwrap's only child, which --unshare-pid made PID 1. */
static pid_t find_init(pid_t bwrap_pid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/task/%d/children", (int)bwrap_pid,
					      (int)bwrap_pid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	int pid;

	if (!f || fscanf(f, "%d", &pid) != 1)
		return -1;
	return pid;
}

/* The inode of pid's PID namespace, or 0. */
static ino_t pidns_of(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

int sandbox_signal_all(pid_t bwrap_pid, int sig)
{
	pid_t init = find_init(bwrap_pid);
	ino_t ns = init > 0 ? pidns_of(init) : 0;
	pid_t *done = NULL;
	size_t n_done = 0;
	bool found_new = true;

	if (ns == 0)
		return -ESRCH;
	for (int pass = 0; pass < 8 && found_new; pass++) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		found_new = false;
		while (d && (e = readdir(d))) {
			pid_t pid = (pid_t)atoi(e->d_name);
			bool seen = false;

			if (pid <= 0 || pid == init || pidns_of(pid) != ns)
				continue;
			for (size_t i = 0; i < n_done && !seen; i++)
				seen = done[i] == pid;
			if (seen)
				continue;
			if (kill(pid, sig) < 0)
				continue;
			done = xrealloc(done, (n_done + 1) * sizeof(*done));
			done[n_done++] = pid;
			found_new = true;
		}
		if (d)
			closedir(d);
	}
	free(done);
	return (int)n_done;
}
