/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/mountplan.c: the mount planner.
 *
 * The plan is the middle of the bwrap command line, in this order:
 *
 *   base       --ro-bind / / (or, under defaultDenyRead, the readable set
 *              and the allow lists on an empty root)
 *   devices    --dev /dev plus a short list, or the host's /dev
 *   proc, tmp  --proc /proc, --tmpfs /tmp, then the policy paths below
 *              /tmp bound back, because the private /tmp would hide them
 *   resolv     a symlinked /etc/resolv.conf whose target would be hidden
 *   writable   --bind P P for allowWrite and the default write paths
 *   late       masks and read-only binds: denyRead, dangerous paths,
 *              pins (--bind D D) of the directories above read-only paths,
 *              denyWrite, runtime exec masks, placeholders, sockets (one
 *              mask each, or their directory rebuilt without them when
 *              they are many)
 *   extra      allowed sockets bound back, the fresh XDG_RUNTIME_DIR, the
 *              caller's binds, then --remount-ro of each masked directory
 *
 * bwrap applies the operations in order and each one covers what earlier
 * ones put at the same place, so a later entry always wins: denyRead beats
 * allowWrite, and dangerous paths stay read-only under any allowWrite.
 * bwrap binds recursively and makes every submount of a read-only bind
 * read-only too, so mount points on other devices need no binds of their
 * own.
 */
#include "platform/linux/mountplan.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "platform/linux/dangerous.h"
#include "platform/linux/fspath.h"
#include "platform/linux/placeholder.h"
#include "platform/linux/sockscan.h"

extern char **environ;

/* clang-format off */
/* Readable under defaultDenyRead unless strictDenyRead (the macOS entries never exist here). */
static const char *const readable_defaults[] = {
	"/bin", "/sbin", "/usr", "/lib", "/lib64", "/etc", "/proc", "/sys", "/dev",
	"/System", "/Library", "/Applications", "/private/etc", "/private/var/db",
	"/private/var/run", "/opt", "/run", "/tmp", "/private/tmp", "/usr/local",
	"/opt/homebrew", "/nix", "/snap", "~/.nvm", "~/.fnm", "~/.volta", "~/.n",
	"~/.pyenv", "~/.local/pipx", "~/.rbenv", "~/.rvm", "~/.cargo/bin", "~/.rustup",
	"~/go/bin", "~/.go", "~/.local/bin", "~/bin", "~/.bun/bin", "~/.deno/bin",
};

/* Writable when they exist; the /dev and /tmp entries of the list are covered by --dev and --tmpfs. */
static const char *const home_write_defaults[] = { "~/.npm/_logs", "~/.fence/debug" };

static const char *const minimal_devices[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

static const char *const landlock_read_defaults[] = {
	"/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/proc", "/sys", "/run",
	"/var/lib", "/var/cache", "/opt",
};
/* clang-format on */

#define WALK_MAX_DEPTH 32
#define WALK_MAX_ENTRIES 100000
#define SOCKET_SCAN_MAX_DEPTH 8
#define SOCKET_SCAN_MAX_ENTRIES 100000
/*
 * bwrap refuses more than 9000 arguments, also through --args, and every
 * masked socket takes three.  A directory holding more sockets than
 * SOCKET_DIR_MAX is rebuilt instead (LATE_REBUILD), and so are the fullest
 * directories while the single masks would exceed SOCKET_MASKS_MAX.
 */
#define SOCKET_DIR_MAX 64
#define SOCKET_MASKS_MAX 500
/* Entries bound back into rebuilt directories; beyond it a directory is hidden whole. */
#define REBUILD_MAX_ENTRIES 1500

/* Late mounts, strongest last so that comparing kinds compares strength. */
enum late_kind {
	LATE_PIN = 0, /* --bind P P: a writable mount point that cannot be renamed */
	LATE_READ_ONLY = 1, /* --ro-bind P P */
	LATE_REBUILD = 2, /* --tmpfs P, its entries but the hidden sockets bound back, --remount-ro P */
	LATE_MASK_FILE = 3, /* --ro-bind EMPTY P */
	LATE_MASK_DIR = 4, /* --tmpfs P --remount-ro P */
};

enum late_origin {
	ORIGIN_DENY_READ,
	ORIGIN_DANGEROUS,
	ORIGIN_DENY_WRITE,
	ORIGIN_EXEC_MASK,
	ORIGIN_PLACEHOLDER,
	ORIGIN_SOCKET,
	ORIGIN_PIN,
};

struct late_mount {
	char *path; /* owned */
	const char *source; /* borrowed: the file a LATE_MASK_FILE binds */
	struct strv keep; /* LATE_REBUILD: the names bound back, sorted */
	enum late_kind kind;
	enum late_origin origin;
};

struct planner {
	const struct mount_request *req;
	const struct fence_filesystem *fs;
	struct mount_plan *plan;
	char *const *envp;
	bool deny_read; /* defaultDenyRead or strictDenyRead */
	bool strict;
	bool root_writable; /* "/" in allowWrite */
	bool host_dev;
	char *fence_dir; /* owned */
	char *empty_file; /* owned; created on first use */
	char *host_runtime_dir; /* owned, canonical, NULL when absent */
	struct strv write_roots; /* canonical, writable in the sandbox */
	struct strv read_roots; /* sandbox paths visible under defaultDenyRead */
	struct strv tmp_binds; /* paths below /tmp bound back after --tmpfs /tmp */
	struct strv allow_read, allow_exec; /* canonical */
	struct strv allow_lexical; /* the allow lists' entries before symlink resolution */
	struct strv unix_allowed; /* canonical allowUnixSockets */
	struct late_mount *late;
	size_t n_late;
	struct strv remount_read_only; /* masked directories, made read-only at the end */
	size_t rebuild_entries; /* entries bound back into rebuilt directories so far */
	/* The repository cwd lies in (dangerous_find_repository), or NULL. */
	char *repo_worktree, *repo_gitdir, *repo_commondir;
	struct fspath_budget glob_budget;
	char *error; /* owned; the message mountplan_build returns */
};

/* Append bwrap arguments, stopping at the first NULL. */
static void args(struct planner *pl, const char *a, const char *b, const char *c)
{
	strv_push(&pl->plan->args, a);
	if (b)
		strv_push(&pl->plan->args, b);
	if (c)
		strv_push(&pl->plan->args, c);
}

static bool under_any(const char *path, const struct strv *roots)
{
	for (size_t i = 0; i < roots->n; i++)
		if (fspath_under(path, roots->v[i]))
			return true;
	return false;
}

/* Whether some root is path itself or lies below it. */
static bool any_below(const char *path, const struct strv *roots)
{
	for (size_t i = 0; i < roots->n; i++)
		if (fspath_under(roots->v[i], path))
			return true;
	return false;
}

/*
 * Whether path is writable before the late mounts.  With "/" in
 * allowWrite, the host paths bound back into the private /tmp (cwd, home,
 * the allow lists) are writable too: they lie under "/" on the host.
 */
static bool is_writable(const struct planner *pl, const char *path)
{
	if (pl->root_writable && !fspath_under(path, "/proc") &&
	    (!fspath_under(path, "/tmp") || under_any(path, &pl->tmp_binds)))
		return true;
	return under_any(path, &pl->write_roots);
}

/* Whether path is visible inside the sandbox before the late mounts. */
static bool is_visible(const struct planner *pl, const char *path)
{
	if (fspath_under(path, "/proc"))
		return false;
	if (fspath_under(path, "/dev"))
		return pl->host_dev;
	if (under_any(path, &pl->write_roots))
		return true;
	if (fspath_under(path, "/tmp"))
		return under_any(path, &pl->tmp_binds);
	if (pl->deny_read)
		return under_any(path, &pl->read_roots) || pl->root_writable;
	return true;
}

static void push_unique(struct strv *sv, const char *s)
{
	if (!strv_contains(sv, s))
		strv_push(sv, s);
}

/* Drop trailing double-star components: a glob of everything below a directory is the directory. */
static void strip_double_star(char *path)
{
	size_t n = strlen(path);

	while (n >= 3 && strcmp(path + n - 3, "/**") == 0) {
		n -= 3;
		path[n] = '\0';
	}
	if (n == 0)
		strcpy(path, "/");
}

/*
 * Expand one policy list into canonical existing paths (and, when lexical
 * is not NULL, the matching path before symlink resolution).  Missing
 * paths are skipped: a path that does not exist cannot be bound, and the
 * sandbox can create it only where its parent is writable anyway.
 */
static int resolve_list(struct planner *pl, const struct strv *list, const char *field,
			struct strv *real, struct strv *lexical)
{
	for (size_t i = 0; i < list->n; i++) {
		_cleanup_free_ char *abs = NULL;
		struct strv matches = { 0 };

		if (!list->v[i][0]) {
			pl->error = xasprintf("%s: empty path", field);
			return -EINVAL;
		}
		abs = fspath_absolute(list->v[i], pl->req->cwd, pl->req->home);
		strip_double_star(abs);
		if (fspath_has_glob(abs))
			fspath_glob(abs, &pl->glob_budget, &matches);
		else
			strv_push(&matches, abs);

		for (size_t m = 0; m < matches.n; m++) {
			char buf[PATH_MAX];

			if (!realpath(matches.v[m], buf)) {
				strv_pushf(&pl->plan->debug, "%s '%s': '%s' does not exist, skipped",
					   field, list->v[i], matches.v[m]);
				continue;
			}
			if (strv_contains(real, buf))
				continue;
			strv_push(real, buf);
			if (lexical)
				strv_push(lexical, matches.v[m]);
		}
		if (matches.n == 0)
			strv_pushf(&pl->plan->debug, "%s '%s': no match, skipped", field, list->v[i]);
		strv_done(&matches);
	}
	return 0;
}

static bool socket_allowed(const struct planner *pl, const char *path);
static bool add_rebuild(struct planner *pl, const char *dir, enum late_origin origin);
static bool late_read_only(const struct planner *pl, const char *path);

static void add_late(struct planner *pl, const char *path, enum late_kind kind,
		     enum late_origin origin, const char *source)
{
	pl->late = xrealloc(pl->late, (pl->n_late + 1) * sizeof(*pl->late));
	pl->late[pl->n_late++] = (struct late_mount){
		.path = xstrdup(path),
		.source = source,
		.kind = kind,
		.origin = origin,
	};
}

/* Make fence's private host directory: ours, a directory, mode 0700. */
static int prepare_fence_dir(struct planner *pl)
{
	const char *rt = sockscan_getenv(pl->envp, "XDG_RUNTIME_DIR");
	struct stat st;

	if (pl->req->fence_dir)
		pl->fence_dir = xstrdup(pl->req->fence_dir);
	else if (rt && rt[0] == '/' && stat(rt, &st) == 0 && S_ISDIR(st.st_mode))
		pl->fence_dir = fspath_join(rt, "fence");
	else
		pl->fence_dir = xasprintf("/tmp/fence-%u", (unsigned)geteuid());

	if (mkdir(pl->fence_dir, 0700) < 0 && errno != EEXIST) {
		int r = -errno;

		pl->error = xasprintf("cannot create '%s': %s", pl->fence_dir, strerror(errno));
		return r;
	}
	/* Someone else may have made it first in a shared /tmp: trust only our own directory. */
	if (lstat(pl->fence_dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 077))
		chmod(pl->fence_dir, 0700);
	if (lstat(pl->fence_dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		pl->error = xasprintf("'%s' is not a private directory owned by this user",
				      pl->fence_dir);
		return -EPERM;
	}
	return 0;
}

/* The read-only empty file that masks a denied file, created on first use. */
static const char *empty_file(struct planner *pl)
{
	struct stat st;
	int fd;

	if (pl->empty_file)
		return pl->empty_file;
	pl->empty_file = fspath_join(pl->fence_dir, "empty");
	if (lstat(pl->empty_file, &st) == 0 &&
	    (!S_ISREG(st.st_mode) || st.st_size != 0 || st.st_uid != geteuid()))
		unlink(pl->empty_file);
	fd = open(pl->empty_file, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd >= 0)
		close(fd);
	return pl->empty_file;
}

/* Step 3 under defaultDenyRead: one readable default. */
static void base_readable_default(struct planner *pl, const char *entry)
{
	_cleanup_free_ char *path = fspath_absolute(entry, pl->req->cwd, pl->req->home);
	char real[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (lstat(path, &st) < 0 || under_any(path, &pl->read_roots))
		return;
	/* Keep merged-/usr symlinks such as /bin -> usr/bin as symlinks. */
	if (S_ISLNK(st.st_mode) && fspath_depth(path) == 1) {
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			args(pl, "--symlink", target, path);
			push_unique(&pl->read_roots, path);
		}
		return;
	}
	if (!realpath(path, real))
		return;
	if (fspath_under(path, "/tmp")) {
		push_unique(&pl->tmp_binds, path);
		return;
	}
	args(pl, "--ro-bind", real, path);
	push_unique(&pl->read_roots, path);
}

/* Step 3 under defaultDenyRead: an allowRead or allowExecute path. */
static void base_allowed(struct planner *pl, const char *path)
{
	if (under_any(path, &pl->read_roots) || fspath_under(path, "/proc") ||
	    fspath_under(path, "/dev"))
		return;
	if (fspath_under(path, "/tmp")) {
		push_unique(&pl->tmp_binds, path);
		return;
	}
	args(pl, "--ro-bind", path, path);
	push_unique(&pl->read_roots, path);
}

/*
 * Step 3 under defaultDenyRead: recreate an allow-list entry that is itself
 * a symlink, such as /lib64 -> usr/lib64, so that paths through it (the
 * dynamic loader's, for one) keep working on the otherwise empty root.
 */
static void base_allowed_symlink(struct planner *pl, const char *lexical)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (under_any(lexical, &pl->read_roots) || fspath_under(lexical, "/tmp") ||
	    lstat(lexical, &st) < 0 || !S_ISLNK(st.st_mode))
		return;
	n = readlink(lexical, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	args(pl, "--symlink", target, lexical);
	push_unique(&pl->read_roots, lexical);
}

static bool wsl_interop(const struct planner *pl)
{
	if (pl->fs->wsl_interop != TRI_UNSET)
		return pl->fs->wsl_interop == TRI_TRUE;
	return access("/proc/sys/fs/binfmt_misc/WSLInterop", F_OK) == 0 ||
	       access("/proc/sys/fs/binfmt_misc/WSLInterop-late", F_OK) == 0;
}

/* Step 3: the base view of the file system. */
static void plan_base(struct planner *pl)
{
	if (!pl->deny_read) {
		args(pl, pl->root_writable ? "--bind" : "--ro-bind", "/", "/");
		/* The private /tmp would hide a working directory or home below it. */
		if (fspath_under(pl->req->cwd, "/tmp"))
			push_unique(&pl->tmp_binds, pl->req->cwd);
		if (fspath_under(pl->req->home, "/tmp"))
			push_unique(&pl->tmp_binds, pl->req->home);
		for (size_t i = 0; i < pl->allow_read.n; i++)
			if (fspath_under(pl->allow_read.v[i], "/tmp"))
				push_unique(&pl->tmp_binds, pl->allow_read.v[i]);
		for (size_t i = 0; i < pl->allow_exec.n; i++)
			if (fspath_under(pl->allow_exec.v[i], "/tmp"))
				push_unique(&pl->tmp_binds, pl->allow_exec.v[i]);
		return;
	}

	if (pl->root_writable) {
		args(pl, "--bind", "/", "/");
		if (fspath_under(pl->req->cwd, "/tmp"))
			push_unique(&pl->tmp_binds, pl->req->cwd);
	}
	for (size_t i = 0; !pl->strict && i < ELEMENTSOF(readable_defaults); i++) {
		const char *d = readable_defaults[i];

		if (strcmp(d, "/dev") == 0 || strcmp(d, "/proc") == 0 || strcmp(d, "/tmp") == 0 ||
		    strcmp(d, "/private/tmp") == 0)
			continue;
		base_readable_default(pl, d);
	}
	for (size_t i = 0; i < pl->allow_read.n; i++)
		base_allowed(pl, pl->allow_read.v[i]);
	for (size_t i = 0; i < pl->allow_exec.n; i++)
		base_allowed(pl, pl->allow_exec.v[i]);
	for (size_t i = 0; i < pl->allow_lexical.n; i++)
		base_allowed_symlink(pl, pl->allow_lexical.v[i]);
	if (wsl_interop(pl) && access("/init", F_OK) == 0)
		base_allowed(pl, "/init");
}

/* Decide minimal or host devices for devices.mode auto. */
static bool auto_host_devices(const struct linux_features *f)
{
	if (f && f->in_container)
		return false;
	return f && !f->running_as_root && f->bwrap_setuid;
}

/* Step 4: devices. */
static int plan_devices(struct planner *pl)
{
	const struct fence_devices *dev = &pl->req->config->devices;

	if (dev->mode == DEVICES_HOST)
		pl->host_dev = true;
	else if (dev->mode == DEVICES_AUTO || dev->mode == DEVICES_UNSET)
		pl->host_dev = auto_host_devices(pl->req->features);
	if (pl->host_dev) {
		args(pl, "--dev-bind", "/dev", "/dev");
		return 0;
	}

	args(pl, "--dev", "/dev", NULL);
	for (size_t i = 0; i < ELEMENTSOF(minimal_devices); i++)
		if (access(minimal_devices[i], F_OK) == 0)
			args(pl, "--dev-bind", minimal_devices[i], minimal_devices[i]);
	for (size_t i = 0; i < dev->allow.n; i++) {
		const char *p = dev->allow.v[i];

		if (strncmp(p, "/dev/", 5) != 0 || !p[5] || strstr(p, "/../")) {
			pl->error = xasprintf("devices.allow: '%s' is not a path below /dev/", p);
			return -EINVAL;
		}
		if (access(p, F_OK) == 0)
			args(pl, "--dev-bind", p, p);
		else
			strv_pushf(&pl->plan->debug, "devices.allow '%s': not found, skipped", p);
	}
	return 0;
}

/* Step 4: /proc, the private /tmp, and what below /tmp the policy exposes. */
static void plan_proc_tmp(struct planner *pl)
{
	args(pl, "--proc", "/proc", NULL);
	/*
	 * Sysctls check only the caller's uid, so root's sandbox (uid 0, no
	 * capabilities) could write /proc/sys/kernel/core_pattern and run a
	 * program as root on the host at the next crash.  bwrap 0.8 leaves
	 * /proc/sys writable when its access() probe finds the directory
	 * read-only.  Landlock also rejects the write, but it may be missing.
	 */
	args(pl, "--ro-bind", "/proc/sys", "/proc/sys");
	args(pl, "--ro-bind-try", "/proc/sysrq-trigger", "/proc/sysrq-trigger");
	args(pl, "--tmpfs", "/tmp", NULL);
	qsort(pl->tmp_binds.v, pl->tmp_binds.n, sizeof(char *), fspath_compare_shallow);
	for (size_t i = 0; i < pl->tmp_binds.n; i++) {
		const char *p = pl->tmp_binds.v[i];
		char real[PATH_MAX];

		if (under_any(p, &pl->write_roots) || !realpath(p, real))
			continue;
		args(pl, is_writable(pl, p) ? "--bind" : "--ro-bind", real, p);
	}
	/* bwrap must be able to chdir into cwd even when its contents stay hidden. */
	if (pl->deny_read && !is_visible(pl, pl->req->cwd))
		args(pl, "--dir", pl->req->cwd, NULL);
}

/*
 * Step 5: a symlinked /etc/resolv.conf (systemd-resolved, NetworkManager)
 * whose target the sandbox would not see.  DNS itself goes through the
 * proxies, but programs still read the file.
 */
static void plan_resolv(struct planner *pl, char **ret_target)
{
	char real[PATH_MAX];
	struct stat st;

	*ret_target = NULL;
	if (lstat("/etc/resolv.conf", &st) < 0 || !S_ISLNK(st.st_mode) ||
	    !realpath("/etc/resolv.conf", real))
		return;
	*ret_target = xstrdup(real);
	if (pl->strict || is_visible(pl, real))
		return;
	args(pl, "--ro-bind", real, real);
	if (pl->deny_read)
		push_unique(&pl->read_roots, real);
}

/* Step 7: writable paths, shallowest first. */
static void plan_writable(struct planner *pl)
{
	qsort(pl->write_roots.v, pl->write_roots.n, sizeof(char *), fspath_compare_shallow);
	for (size_t i = 0; i < pl->write_roots.n; i++) {
		const char *p = pl->write_roots.v[i];

		if (strcmp(p, "/") == 0)
			continue;
		args(pl, "--bind", p, p);
	}
}

/* Collect the writable roots: allowWrite minus unsafe symlinks, plus the home defaults. */
static int collect_write_roots(struct planner *pl)
{
	struct strv real = { 0 }, lexical = { 0 };
	int r;

	r = resolve_list(pl, &pl->fs->allow_write, "filesystem.allowWrite", &real, &lexical);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < ELEMENTSOF(home_write_defaults); i++) {
		_cleanup_free_ char *p = fspath_absolute(home_write_defaults[i], pl->req->cwd,
							 pl->req->home);
		char buf[PATH_MAX];

		if (realpath(p, buf) && !strv_contains(&real, buf)) {
			strv_push(&real, buf);
			strv_push(&lexical, p);
		}
	}

	for (size_t i = 0; i < real.n; i++) {
		struct strv others = { 0 };
		_cleanup_free_ char *link = NULL;

		/* /tmp is private inside, so nothing in the host's /tmp is writable. */
		for (size_t j = 0; j < real.n; j++)
			if (j != i && strcmp(real.v[j], "/tmp") != 0)
				strv_push(&others, real.v[j]);
		link = fspath_symlink_escape(lexical.v[i], real.v[i], &others);
		strv_done(&others);
		if (link) {
			strv_pushf(&pl->plan->warnings,
				   "allowWrite: symlink '%s' inside a writable directory points "
				   "outside it, so '%s' stays read-only",
				   link, real.v[i]);
			continue;
		}
		if (strcmp(real.v[i], "/") == 0)
			pl->root_writable = true;
		else if (strcmp(real.v[i], "/tmp") == 0)
			strv_push(&pl->plan->debug, "allowWrite '/tmp': /tmp is always private, ignored");
		else
			push_unique(&pl->write_roots, real.v[i]);
	}
out:
	strv_done(&real);
	strv_done(&lexical);
	return r;
}

/*
 * Resolve an allow list other than allowWrite.  With check_symlinks, an
 * entry reached through a symlink that sits in a writable directory and
 * points outside it is dropped: the sandbox could have planted that
 * symlink to turn, say, an allowed socket name into the Docker socket.
 */
static int resolve_checked_list(struct planner *pl, const struct strv *list, const char *field,
				bool check_symlinks, struct strv *ret_real, struct strv *ret_lexical)
{
	struct strv real = { 0 }, lexical = { 0 };
	int r;

	r = resolve_list(pl, list, field, &real, &lexical);
	for (size_t i = 0; r == 0 && i < real.n; i++) {
		_cleanup_free_ char *link = NULL;

		if (check_symlinks)
			link = fspath_symlink_escape(lexical.v[i], real.v[i], &pl->write_roots);
		if (link) {
			strv_pushf(&pl->plan->warnings,
				   "%s: symlink '%s' inside a writable directory points outside it, "
				   "so '%s' is not allowed",
				   field, link, real.v[i]);
			continue;
		}
		push_unique(ret_real, real.v[i]);
		if (ret_lexical)
			push_unique(ret_lexical, lexical.v[i]);
	}
	strv_done(&real);
	strv_done(&lexical);
	return r;
}

/* Whether path contains a ".git" component; sets *ret_len to the length up to it. */
static bool inside_git_dir(const char *path, size_t *ret_len)
{
	const char *p = strstr(path, "/.git");

	while (p) {
		if (p[5] == '\0' || p[5] == '/') {
			*ret_len = (size_t)(p + 5 - path);
			return true;
		}
		p = strstr(p + 1, "/.git");
	}
	return false;
}

/* Add a writable root's own contribution: a dangerous file, or the repository it sits in. */
static void dangerous_root(struct planner *pl, struct dangerous_set *set, const char *root,
			   struct fspath_budget *budget)
{
	bool allow_git_config = pl->fs->allow_git_config;
	size_t n;
	struct stat st;

	if (inside_git_dir(root, &n)) {
		_cleanup_free_ char *gitdir = xstrndup(root, n);

		/* Nothing below a gitdir but its hooks and config runs code: no walk. */
		dangerous_add_git_dir(set, gitdir, allow_git_config);
		dangerous_add_ancestors(set, root);
		return;
	}
	dangerous_add_ancestors(set, root);
	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	dangerous_add_dir(set, root, allow_git_config, false);
	dangerous_walk(set, root, allow_git_config, budget);
}

/* Whether a denyRead mask covers path; denyRead beats allowUnixSockets. */
static bool denied_read(const struct planner *pl, const char *path)
{
	for (size_t i = 0; i < pl->n_late; i++)
		if (pl->late[i].origin == ORIGIN_DENY_READ && fspath_under(path, pl->late[i].path))
			return true;
	return false;
}

static char *registry_path(const struct planner *pl)
{
	return fspath_join(pl->fence_dir, "placeholders");
}

/*
 * Create a placeholder for a missing dangerous directory whose parent is
 * writable inside, so that a read-only bind can cover it.
 */
static void add_placeholder(struct planner *pl, const char *path)
{
	_cleanup_free_ char *parent = xstrdup(path);
	int r;

	*strrchr(parent, '/') = '\0';
	/* A newline would break the registry's line format. */
	if (!parent[0] || strchr(path, '\n') || !is_writable(pl, parent) ||
	    !is_visible(pl, parent) || denied_read(pl, parent))
		return;
	if (!pl->plan->placeholder_registry)
		pl->plan->placeholder_registry = registry_path(pl);
	r = placeholder_create(pl->plan->placeholder_registry, path,
			       pl->plan->placeholder_owner);
	if (r < 0) {
		strv_pushf(&pl->plan->debug, "placeholder '%s' not created: %s", path, strerror(-r));
		return;
	}
	push_unique(&pl->plan->placeholders, path);
	add_late(pl, path, LATE_READ_ONLY, ORIGIN_PLACEHOLDER, NULL);
}

/*
 * Join an existing dangerous directory when it is another live run's
 * placeholder.  Without this, that run would remove the directory at its
 * exit, and removing a directory on the host detaches the read-only mount
 * over it in this sandbox too.
 */
static void join_placeholder(struct planner *pl, const char *path)
{
	_cleanup_free_ char *registry = registry_path(pl);
	struct stat st;

	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || access(registry, F_OK) < 0)
		return;
	if (placeholder_create(registry, path, pl->plan->placeholder_owner) < 0)
		return;
	if (!pl->plan->placeholder_registry)
		pl->plan->placeholder_registry = TAKE_PTR(registry);
	push_unique(&pl->plan->placeholders, path);
}

/*
 * Make a missing directory exist while the sandbox runs, so that the
 * protected directories inside it can get read-only placeholders:
 * otherwise the sandbox could create ~/.config/git under a writable home
 * when ~/.config is missing.  The directories created stay writable;
 * each is a placeholder, removed at exit when still empty.  Returns
 * whether dir exists now.
 */
static bool make_missing_dirs(struct planner *pl, const char *want)
{
	_cleanup_free_ char *norm = fspath_absolute(want, pl->req->cwd, pl->req->home);
	_cleanup_free_ char *dir = xstrdup(norm);
	const char *suffix, *base;
	char real[PATH_MAX], *slash;
	size_t n;

	/* Find the deepest existing ancestor; it must be writable inside, or nothing is needed. */
	while (access(dir, F_OK) < 0 && (slash = strrchr(dir, '/')) && slash != dir)
		*slash = '\0';
	suffix = norm + strlen(dir);
	if (!suffix[0])
		return true;
	if (strstr(suffix, "/..") || strchr(suffix, '\n') || !realpath(dir, real) ||
	    !is_writable(pl, real) || !is_visible(pl, real) || denied_read(pl, real))
		return false;
	if (!pl->plan->placeholder_registry)
		pl->plan->placeholder_registry = registry_path(pl);
	base = strcmp(real, "/") == 0 ? "" : real;
	/* Create each missing level, shallowest first. */
	n = strlen(suffix);
	for (size_t i = 1; i <= n; i++) {
		_cleanup_free_ char *path = NULL;
		int r;

		if (suffix[i] != '/' && suffix[i] != '\0')
			continue;
		path = xasprintf("%s%.*s", base, (int)i, suffix);
		r = placeholder_create(pl->plan->placeholder_registry, path,
				       pl->plan->placeholder_owner);
		if (r < 0) {
			strv_pushf(&pl->plan->debug, "placeholder '%s' not created: %s", path,
				   strerror(-r));
			return false;
		}
		push_unique(&pl->plan->placeholders, path);
	}
	return true;
}

/*
 * Keep $XDG_CACHE_HOME/fence (~/.cache/fence) read-only, present or not:
 * the registry answers cached there become allowedDomains of later runs
 * (cli/registries.c), so a sandbox must not write them.
 */
static void add_registry_cache(struct planner *pl, struct dangerous_set *set)
{
	const char *xdg = sockscan_getenv(pl->envp, "XDG_CACHE_HOME");
	_cleanup_free_ char *home_cache = fspath_join(pl->req->home, ".cache");
	_cleanup_free_ char *dir = NULL;
	char real[PATH_MAX];
	struct stat st;

	/* A missing cache home the sandbox cannot create needs nothing. */
	if (!make_missing_dirs(pl, xdg && xdg[0] == '/' ? xdg : home_cache) ||
	    !realpath(xdg && xdg[0] == '/' ? xdg : home_cache, real))
		return;
	dir = fspath_join(real, "fence");
	if (lstat(dir, &st) < 0)
		strv_push(&set->missing_dirs, dir);
	else if (realpath(dir, real) && !strv_contains(&set->existing, real))
		strv_push(&set->existing, real);
}

/* Whether path has the name of a placeholder, the only paths join_placeholder needs to look up. */
static bool placeholder_name(const char *path)
{
	static const char *const names[] = { ".vscode", ".idea", "hooks", "git", "fence" };
	const char *base = strrchr(path, '/') + 1;

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (strcmp(base, names[i]) == 0)
			return true;
	return false;
}


/*
 * Keep each dangerous symlink in place.  A read-only bind lands on the
 * symlink's target, so the symlink itself could be removed and replaced
 * by a file of the sandbox's choosing wherever its directory is writable.
 * A mount cannot sit on a symlink, so that directory is rebuilt instead
 * (LATE_REBUILD): its top level becomes read-only, with the symlink
 * recreated in it and every other entry bound back as it was.
 */
static void keep_links(struct planner *pl, const struct strv *links)
{
	struct strv done = { 0 };

	for (size_t i = 0; i < links->n; i++) {
		_cleanup_free_ char *parent = xstrdup(links->v[i]);
		char real[PATH_MAX];

		*strrchr(parent, '/') = '\0';
		if (!realpath(parent[0] ? parent : "/", real) || strv_contains(&done, real))
			continue;
		strv_push(&done, real);
		if (late_read_only(pl, real) || !is_visible(pl, real) || denied_read(pl, real))
			continue;
		if (!add_rebuild(pl, real, ORIGIN_DANGEROUS))
			strv_pushf(&pl->plan->warnings,
				   "'%s' holds too many entries to keep the symlink '%s' in place; "
				   "the sandbox can replace it",
				   real, links->v[i]);
	}
	strv_done(&done);
}

/* The dangerous files missing at the top of cwd, home and each writable root, and in cwd's gitdir. */
static void collect_watch_files(struct planner *pl)
{
	struct strv dirs = { 0 };

	push_unique(&dirs, pl->req->cwd);
	push_unique(&dirs, pl->req->home);
	for (size_t i = 0; i < pl->write_roots.n; i++)
		push_unique(&dirs, pl->write_roots.v[i]);
	for (size_t i = 0; i < dirs.n; i++) {
		struct stat st;

		if (stat(dirs.v[i], &st) == 0 && S_ISDIR(st.st_mode) &&
		    !late_read_only(pl, dirs.v[i]) && is_visible(pl, dirs.v[i]) &&
		    !denied_read(pl, dirs.v[i]))
			dangerous_add_missing_files(dirs.v[i], &pl->plan->watch_files);
	}
	strv_done(&dirs);
	/*
	 * TODO: a missing config.worktree can be created where a gitdir is
	 * writable, and git reads it when the (read-only) config sets
	 * extensions.worktreeConfig; it is only reported meanwhile.
	 */
	for (size_t i = 0; pl->repo_gitdir && !pl->fs->allow_git_config && i < 2; i++) {
		const char *gitdir = i == 0 ? pl->repo_gitdir : pl->repo_commondir;
		_cleanup_free_ char *p = fspath_join(gitdir, "config.worktree");

		if (is_writable(pl, gitdir) && !late_read_only(pl, gitdir) && access(p, F_OK) < 0)
			push_unique(&pl->plan->watch_files, p);
	}
}

/* Collect the dangerous paths below the working directory, home and every writable root. */
static void collect_dangerous(struct planner *pl)
{
	struct fspath_budget cwd_budget = {
		.max_depth = WALK_MAX_DEPTH,
		.max_entries = WALK_MAX_ENTRIES,
	};
	struct fspath_budget budget = {
		.max_depth = WALK_MAX_DEPTH,
		.max_entries = WALK_MAX_ENTRIES,
	};
	struct dangerous_set set = { 0 };
	bool allow_git_config = pl->fs->allow_git_config;
	_cleanup_free_ char *registry = registry_path(pl);
	const char *xdg = sockscan_getenv(pl->envp, "XDG_CONFIG_HOME");
	_cleanup_free_ char *config_home = xdg && xdg[0] == '/' ? xstrdup(xdg)
							       : fspath_join(pl->req->home, ".config");
	char real_config_home[PATH_MAX];

	/* A crashed run's placeholders go first, so that they are not taken for the user's. */
	if (access(registry, F_OK) == 0)
		placeholder_prune_stale(registry);

	/*
	 * Editors read `.vscode` and `.idea` at the project and in home, so
	 * missing ones get placeholders there only.  A placeholder in every
	 * writable directory would litter caches and tool directories.
	 */
	dangerous_add_dir(&set, pl->req->cwd, allow_git_config, true);
	dangerous_add_dir(&set, pl->req->home, allow_git_config, true);
	/* Canonical, so that a placeholder's parent compares with the writable roots. */
	if (make_missing_dirs(pl, config_home) && realpath(config_home, real_config_home)) {
		join_placeholder(pl, real_config_home);
		dangerous_add_config_dirs(&set, real_config_home);
	}
	add_registry_cache(pl, &set);
	for (size_t i = 0; pl->req->config_files && i < pl->req->config_files->n; i++)
		dangerous_add_path(&set, pl->req->config_files->v[i]);
	if (pl->repo_gitdir) {
		dangerous_add_git_dir(&set, pl->repo_gitdir, allow_git_config);
		dangerous_add_git_dir(&set, pl->repo_commondir, allow_git_config);
	}
	if (is_writable(pl, pl->req->cwd))
		dangerous_walk(&set, pl->req->cwd, allow_git_config, &cwd_budget);
	if (cwd_budget.truncated && cwd_budget.too_deep)
		strv_pushf(&pl->plan->warnings,
			   "the dangerous-path walk of '%s' stopped at %u levels; dangerous files "
			   "deeper down are not protected",
			   pl->req->cwd, WALK_MAX_DEPTH);
	else if (cwd_budget.truncated)
		strv_pushf(&pl->plan->warnings,
			   "the dangerous-path walk of '%s' stopped after %u entries; dangerous "
			   "files in the rest of the tree are not protected",
			   pl->req->cwd, WALK_MAX_ENTRIES);
	for (size_t i = 0; i < pl->write_roots.n; i++)
		if (strcmp(pl->write_roots.v[i], pl->req->cwd) != 0)
			dangerous_root(pl, &set, pl->write_roots.v[i], &budget);
	if (pl->root_writable)
		dangerous_root(pl, &set, "/", &budget);
	if (budget.truncated)
		strv_pushf(&pl->plan->debug, "the dangerous-path walk of allowWrite stopped early");

	for (size_t i = 0; i < set.existing.n; i++) {
		const char *p = set.existing.v[i];

		if (!is_writable(pl, p) && !any_below(p, &pl->write_roots))
			continue;
		add_late(pl, p, LATE_READ_ONLY, ORIGIN_DANGEROUS, NULL);
		if (placeholder_name(p))
			join_placeholder(pl, p);
	}
	for (size_t i = 0; i < set.missing_dirs.n; i++)
		add_placeholder(pl, set.missing_dirs.v[i]);
	keep_links(pl, &set.links);
	dangerous_set_done(&set);
	collect_watch_files(pl);
}

/* Add a mask for a canonical path: an empty read-only directory or file. */
static void add_mask(struct planner *pl, const char *path, enum late_origin origin)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode))
		add_late(pl, path, LATE_MASK_DIR, origin, NULL);
	else
		add_late(pl, path, LATE_MASK_FILE, origin, empty_file(pl));
}

static int collect_deny_lists(struct planner *pl)
{
	struct strv deny_read = { 0 }, deny_write = { 0 };
	int r;

	r = resolve_list(pl, &pl->fs->deny_read, "filesystem.denyRead", &deny_read, NULL);
	if (r == 0)
		r = resolve_list(pl, &pl->fs->deny_write, "filesystem.denyWrite", &deny_write, NULL);
	if (r == 0) {
		for (size_t i = 0; i < deny_read.n; i++)
			add_mask(pl, deny_read.v[i], ORIGIN_DENY_READ);
		collect_dangerous(pl);
		for (size_t i = 0; i < deny_write.n; i++)
			add_late(pl, deny_write.v[i], LATE_READ_ONLY, ORIGIN_DENY_WRITE, NULL);
		for (size_t i = 0; pl->req->exec_masks && i < pl->req->exec_masks->n; i++)
			add_late(pl, pl->req->exec_masks->v[i], LATE_MASK_FILE, ORIGIN_EXEC_MASK,
				 "/dev/null");
	}
	strv_done(&deny_read);
	strv_done(&deny_write);
	return r;
}

/* Whether a socket path is one the sandbox may reach. */
static bool socket_allowed(const struct planner *pl, const char *path)
{
	for (size_t i = 0; i < pl->req->n_binds; i++)
		if (strcmp(pl->req->binds[i].src, path) == 0)
			return true;
	return under_any(path, &pl->unix_allowed);
}

/* Mask a directory of host sockets unless an allowed socket lies inside or above it. */
static void mask_socket_dir(struct planner *pl, const char *dir, struct strv *masked)
{
	char real[PATH_MAX];

	if (!dir || !realpath(dir, real))
		return;
	if (under_any(real, &pl->unix_allowed) || pl->req->config->network.allow_all_unix_sockets)
		return;
	add_late(pl, real, LATE_MASK_DIR, ORIGIN_SOCKET, NULL);
	push_unique(masked, real);
}

/* Mask fence's own directories; these stay hidden even with allowAllUnixSockets. */
static void mask_fence_dirs(struct planner *pl, struct strv *masked)
{
	char real[PATH_MAX];

	if (pl->host_runtime_dir) {
		_cleanup_free_ char *own = fspath_join(pl->host_runtime_dir, "fence");

		if (realpath(own, real)) {
			add_late(pl, real, LATE_MASK_DIR, ORIGIN_SOCKET, NULL);
			push_unique(masked, real);
		}
	}
	if (realpath(pl->fence_dir, real)) {
		add_late(pl, real, LATE_MASK_DIR, ORIGIN_SOCKET, NULL);
		push_unique(masked, real);
	}
}

/* The directories of the socket scan: system dirs, home, cwd and every policy path. */
static void socket_scan_roots(struct planner *pl, struct strv *roots)
{
	static const char *const system_roots[] = { "/run", "/var/run" };
	const char *const *sys = pl->req->socket_scan_roots ? pl->req->socket_scan_roots
							    : system_roots;
	size_t n_sys = pl->req->socket_scan_roots ? pl->req->n_socket_scan_roots
						  : ELEMENTSOF(system_roots);
	char real[PATH_MAX];

	for (size_t i = 0; i < n_sys; i++)
		if (realpath(sys[i], real))
			push_unique(roots, real);
	push_unique(roots, pl->req->home);
	push_unique(roots, pl->req->cwd);
	for (size_t i = 0; i < pl->allow_read.n; i++)
		push_unique(roots, pl->allow_read.v[i]);
	for (size_t i = 0; i < pl->allow_exec.n; i++)
		push_unique(roots, pl->allow_exec.v[i]);
	for (size_t i = 0; i < pl->write_roots.n; i++)
		push_unique(roots, pl->write_roots.v[i]);
	if (pl->host_dev)
		push_unique(roots, "/dev");
}

/* qsort order on paths: by parent directory first, so that a directory's entries are adjacent. */
static int compare_by_parent(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = (size_t)(strrchr(x, '/') - x), ny = (size_t)(strrchr(y, '/') - y);
	int c = strncmp(x, y, nx < ny ? nx : ny);

	if (c != 0)
		return c;
	if (nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp(x, y);
}

static bool same_parent(const char *a, const char *b)
{
	size_t na = (size_t)(strrchr(a, '/') - a), nb = (size_t)(strrchr(b, '/') - b);

	return na == nb && strncmp(a, b, na) == 0;
}

/* One directory's run of sockets to hide in a sorted list. */
struct socket_group {
	size_t start, n;
};

static int compare_group_size(const void *a, const void *b)
{
	const struct socket_group *x = a, *y = b;

	if (x->n == y->n)
		return 0;
	return x->n > y->n ? -1 : 1;
}

/* Whether dir may be rebuilt: a tmpfs over the root or a kernel file system would take too much with it. */
static bool rebuildable(const char *dir)
{
	return strcmp(dir, "/") != 0 && !fspath_under(dir, "/proc") && !fspath_under(dir, "/dev") &&
	       !fspath_under(dir, "/sys");
}

/*
 * Plan a rebuild of dir: every visible entry but the sockets the sandbox
 * may not reach is bound back onto an empty tmpfs.  Returns false, and
 * plans nothing, when the entries would exceed the budget.
 */
static bool add_rebuild(struct planner *pl, const char *dir, enum late_origin origin)
{
	bool all_sockets = pl->req->config->network.allow_all_unix_sockets;
	struct strv keep = { 0 };
	struct dirent *e;
	DIR *d;

	if (!rebuildable(dir))
		return false;
	d = opendir(dir);
	if (!d)
		return false;
	while ((e = readdir(d))) {
		_cleanup_free_ char *p = NULL;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		p = fspath_join(dir, e->d_name);
		if (!is_visible(pl, p) || lstat(p, &st) < 0)
			continue;
		if (S_ISSOCK(st.st_mode) && !all_sockets && !socket_allowed(pl, p))
			continue;
		if (pl->rebuild_entries + keep.n >= REBUILD_MAX_ENTRIES) {
			closedir(d);
			strv_done(&keep);
			return false;
		}
		strv_push(&keep, e->d_name);
	}
	closedir(d);
	qsort(keep.v, keep.n, sizeof(char *), fspath_compare_shallow);
	pl->rebuild_entries += keep.n;
	add_late(pl, dir, LATE_REBUILD, origin, NULL);
	pl->late[pl->n_late - 1].keep = keep;
	return true;
}

/*
 * Hide the sockets in hide, one mask each, or by rebuilding their
 * directory where they are too many (see SOCKET_DIR_MAX).  A directory
 * too large to rebuild is hidden whole, with a warning.
 */
static void plan_socket_masks(struct planner *pl, struct strv *hide)
{
	struct socket_group *groups = NULL;
	size_t n_groups = 0, n = 0, total;

	/* Sort and drop duplicates: overlapping scan roots find a socket twice. */
	qsort(hide->v, hide->n, sizeof(char *), compare_by_parent);
	for (size_t i = 0; i < hide->n; i++) {
		if (n > 0 && strcmp(hide->v[i], hide->v[n - 1]) == 0) {
			free(hide->v[i]);
			continue;
		}
		hide->v[n++] = hide->v[i];
	}
	hide->n = n;

	for (size_t i = 0; i < hide->n; i++) {
		if (n_groups > 0 && same_parent(hide->v[groups[n_groups - 1].start], hide->v[i])) {
			groups[n_groups - 1].n++;
			continue;
		}
		groups = xrealloc(groups, (n_groups + 1) * sizeof(*groups));
		groups[n_groups++] = (struct socket_group){ .start = i, .n = 1 };
	}
	total = hide->n;
	qsort(groups, n_groups, sizeof(*groups), compare_group_size);

	for (size_t g = 0; g < n_groups; g++) {
		const char *first = hide->v[groups[g].start];
		size_t len = (size_t)(strrchr(first, '/') - first);
		_cleanup_free_ char *dir = len ? xstrndup(first, len) : xstrdup("/");

		if ((groups[g].n <= SOCKET_DIR_MAX && total <= SOCKET_MASKS_MAX) || !rebuildable(dir)) {
			for (size_t i = groups[g].start; i < groups[g].start + groups[g].n; i++)
				add_late(pl, hide->v[i], LATE_MASK_FILE, ORIGIN_SOCKET, "/dev/null");
			continue;
		}
		total -= groups[g].n;
		strv_pushf(&pl->plan->debug, "'%s' holds %zu sockets to hide: rebuilt without them",
			   dir, groups[g].n);
		if (add_rebuild(pl, dir, ORIGIN_SOCKET))
			continue;
		strv_pushf(&pl->plan->warnings,
			   "'%s' holds %zu host sockets and too many other entries to hide the "
			   "sockets one by one, so the whole directory is hidden",
			   dir, groups[g].n);
		add_late(pl, dir, LATE_MASK_DIR, ORIGIN_SOCKET, NULL);
	}
	free(groups);
}

/*
 * Hide every host Unix socket the config does not allow.  A read-only bind
 * does not stop connect(), and a reachable tmux server, systemd user
 * manager or session bus runs any command on the host, so masking is the
 * only protection for sockets inside visible directories.
 */
static void collect_sockets(struct planner *pl)
{
	struct strv masked = { 0 }, roots = { 0 }, found = { 0 }, hide = { 0 };
	const char *tmux_tmpdir = sockscan_getenv(pl->envp, "TMUX_TMPDIR");
	char real[PATH_MAX];

	mask_fence_dirs(pl, &masked);
	if (pl->req->config->network.allow_all_unix_sockets)
		goto out;

	mask_socket_dir(pl, pl->host_runtime_dir, &masked);
	if (tmux_tmpdir && tmux_tmpdir[0] == '/') {
		_cleanup_free_ char *dir = xasprintf("%s/tmux-%u", tmux_tmpdir, (unsigned)getuid());

		mask_socket_dir(pl, dir, &masked);
	}

	/* Each root has its own budget, so that a large home cannot starve cwd or /run. */
	socket_scan_roots(pl, &roots);
	for (size_t i = 0; i < roots.n; i++) {
		struct fspath_budget budget = {
			.max_depth = SOCKET_SCAN_MAX_DEPTH,
			.max_entries = SOCKET_SCAN_MAX_ENTRIES,
		};

		sockscan_walk(roots.v[i], &masked, &budget, &found);
		if (budget.truncated)
			strv_pushf(&pl->plan->debug,
				   "the socket scan of '%s' stopped at %u levels or %u entries; "
				   "sockets beyond stay reachable",
				   roots.v[i], SOCKET_SCAN_MAX_DEPTH, SOCKET_SCAN_MAX_ENTRIES);
	}
	sockscan_env_paths(pl->envp, &found);

	for (size_t i = 0; i < found.n; i++) {
		struct stat st;

		if (!realpath(found.v[i], real) || stat(real, &st) < 0 || !S_ISSOCK(st.st_mode))
			continue;
		if (socket_allowed(pl, real) || under_any(real, &masked) || !is_visible(pl, real))
			continue;
		strv_push(&hide, real);
	}
	plan_socket_masks(pl, &hide);
out:
	strv_done(&masked);
	strv_done(&roots);
	strv_done(&found);
	strv_done(&hide);
}

/*
 * Make each writable directory between a writable root and a read-only
 * path a mount point of its own.  Linux renames a directory that merely
 * contains mount points, and the read-only binds inside move along with
 * it: `mv .git .git-old && mkdir .git` would leave a fresh, writable
 * `.git/hooks`.  A mount point cannot be renamed or removed (EBUSY).
 * plan_late drops a pin under a read-only path, so a pin never makes
 * anything writable that was not.
 */
static void collect_pins(struct planner *pl)
{
	struct strv pinned = { 0 };
	size_t n = pl->n_late;

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = NULL;

		if (pl->late[i].kind != LATE_READ_ONLY)
			continue;
		dir = xstrdup(pl->late[i].path);
		for (char *slash = strrchr(dir, '/'); slash && slash != dir;
		     slash = strrchr(dir, '/')) {
			*slash = '\0';
			/* A writable root is a bind mount already. */
			if (!is_writable(pl, dir) || strv_contains(&pl->write_roots, dir) ||
			    strv_contains(&pinned, dir))
				break;
			strv_push(&pinned, dir);
			add_late(pl, dir, LATE_PIN, ORIGIN_PIN, NULL);
		}
	}
	strv_done(&pinned);
}

/* qsort order: shallowest first, then by path, and the strongest kind first for a path. */
static int compare_late(const void *a, const void *b)
{
	const struct late_mount *x = a, *y = b;
	int c = fspath_compare_shallow(&x->path, &y->path);

	if (c != 0)
		return c;
	return (int)y->kind - (int)x->kind;
}

/* Whether entry e adds nothing to the entries kept before it. */
static bool late_redundant(const struct planner *pl, const struct late_mount *e,
			   const struct late_mount *kept, size_t n_kept)
{
	for (size_t i = 0; i < n_kept; i++) {
		const struct late_mount *k = &kept[i];

		if (!fspath_under(e->path, k->path))
			continue;
		if (e->kind == LATE_PIN && k->kind != LATE_PIN && k->kind != LATE_REBUILD)
			return true;
		if (k->kind == LATE_MASK_DIR || strcmp(k->path, e->path) == 0)
			return true;
		if (k->kind == LATE_READ_ONLY && e->kind == LATE_READ_ONLY)
			return true;
	}
	/* Read-only under the read-only base, or a mask of something the sandbox cannot see. */
	if (e->kind == LATE_PIN)
		return !is_writable(pl, e->path);
	if (e->kind == LATE_READ_ONLY)
		return !is_writable(pl, e->path) && !any_below(e->path, &pl->write_roots);
	return !is_visible(pl, e->path);
}

/* Whether a read-only late mount at or above path makes it read-only. */
static bool late_read_only(const struct planner *pl, const char *path)
{
	if (!is_writable(pl, path))
		return true;
	for (size_t i = 0; i < pl->n_late; i++)
		if (pl->late[i].kind == LATE_READ_ONLY && fspath_under(path, pl->late[i].path))
			return true;
	return false;
}

/*
 * Emit a LATE_REBUILD: an empty tmpfs over the directory, its kept
 * entries bound back (writable where the policy allows writes), and the
 * writable roots further down, which the binds from the host would
 * otherwise cover.  The tmpfs is made read-only at the end, so nothing
 * new can appear at its top level.
 */
static void emit_rebuild(struct planner *pl, const struct late_mount *e)
{
	args(pl, "--tmpfs", e->path, NULL);
	for (size_t i = 0; i < e->keep.n; i++) {
		_cleanup_free_ char *p = fspath_join(e->path, e->keep.v[i]);
		char target[PATH_MAX];
		struct stat st;
		ssize_t n;

		if (lstat(p, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			n = readlink(p, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			args(pl, "--symlink", target, p);
			continue;
		}
		args(pl, late_read_only(pl, p) ? "--ro-bind" : "--bind", p, p);
	}
	for (size_t i = 0; i < pl->write_roots.n; i++) {
		const char *w = pl->write_roots.v[i];

		if (fspath_depth(w) > fspath_depth(e->path) + 1 && fspath_under(w, e->path) &&
		    !late_read_only(pl, w))
			args(pl, "--bind", w, w);
	}
	strv_push(&pl->remount_read_only, e->path);
	if (late_read_only(pl, e->path))
		return;
	if (e->origin == ORIGIN_SOCKET)
		strv_pushf(&pl->plan->warnings,
			   "'%s' holds too many host sockets to hide them one by one: its entries "
			   "stay writable, but nothing new can be created directly in it",
			   e->path);
	else
		strv_pushf(&pl->plan->warnings,
			   "'%s' holds a protected symlink: to keep it in place, nothing new can "
			   "be created directly in it; its entries stay writable",
			   e->path);
}

/* Step 9: sort and deduplicate the late mounts, then emit them. */
static void plan_late(struct planner *pl)
{
	struct late_mount *kept = xcalloc(pl->n_late, sizeof(*kept));
	size_t n_kept = 0;

	qsort(pl->late, pl->n_late, sizeof(*pl->late), compare_late);
	for (size_t i = 0; i < pl->n_late; i++) {
		const struct late_mount *e = &pl->late[i];

		if (late_redundant(pl, e, kept, n_kept))
			continue;
		kept[n_kept++] = *e;
		switch (e->kind) {
		case LATE_MASK_DIR:
			args(pl, "--tmpfs", e->path, NULL);
			strv_push(&pl->remount_read_only, e->path);
			break;
		case LATE_MASK_FILE:
			args(pl, "--ro-bind", e->source, e->path);
			break;
		case LATE_REBUILD:
			emit_rebuild(pl, e);
			break;
		case LATE_READ_ONLY:
			args(pl, "--ro-bind", e->path, e->path);
			break;
		case LATE_PIN:
			args(pl, "--bind", e->path, e->path);
			break;
		}
	}
	free(kept);
}

/* Whether a kept socket-directory mask or the private /tmp hides path. */
static bool hidden_by_socket_mask(const struct planner *pl, const char *path)
{
	for (size_t i = 0; i < pl->n_late; i++)
		if (pl->late[i].origin == ORIGIN_SOCKET && pl->late[i].kind == LATE_MASK_DIR &&
		    fspath_under(path, pl->late[i].path))
			return true;
	return fspath_under(path, "/tmp") && !is_visible(pl, path);
}


/* Step 10: allowed sockets inside masked directories, the fresh runtime dir, extra binds. */
static void plan_extra(struct planner *pl)
{
	const struct mount_request *req = pl->req;

	for (size_t i = 0; i < pl->unix_allowed.n; i++) {
		const char *p = pl->unix_allowed.v[i];

		if ((hidden_by_socket_mask(pl, p) || !is_visible(pl, p)) && !denied_read(pl, p))
			args(pl, "--bind", p, p);
	}
	if (req->runtime_dir && req->runtime_dir[0] == '/') {
		args(pl, "--perms", "0700", NULL);
		args(pl, "--dir", req->runtime_dir, NULL);
	}
	for (size_t i = 0; i < req->n_binds; i++)
		args(pl, req->binds[i].writable ? "--bind" : "--ro-bind", req->binds[i].src,
		     req->binds[i].dst);

	/* Last, so that the binds above could still create their mount points in the masks. */
	for (size_t i = 0; i < pl->remount_read_only.n; i++)
		args(pl, "--remount-ro", pl->remount_read_only.v[i], NULL);
}

static void push_existing(struct strv *sv, const char *path)
{
	if (access(path, F_OK) == 0)
		push_unique(sv, path);
}

/* The Landlock grants the init applies; the mounts carry the deny lists. */
static void plan_landlock(struct planner *pl, const char *resolv_target)
{
	struct mount_plan *p = pl->plan;

	for (size_t i = 0; i < ELEMENTSOF(landlock_read_defaults); i++)
		push_existing(&p->landlock_read, landlock_read_defaults[i]);
	for (size_t i = 0; i < pl->read_roots.n; i++)
		push_existing(&p->landlock_read, pl->read_roots.v[i]);
	if (resolv_target) {
		_cleanup_free_ char *dir = xstrdup(resolv_target);

		*strrchr(dir, '/') = '\0';
		push_existing(&p->landlock_read, dir[0] ? dir : "/");
	}
	push_existing(&p->landlock_read, pl->req->cwd);
	push_existing(&p->landlock_read, pl->req->home);
	/* git status in a subdirectory reads the whole worktree; "/" as a worktree would be everything. */
	if (pl->repo_gitdir) {
		if (strcmp(pl->repo_worktree, "/") != 0)
			push_existing(&p->landlock_read, pl->repo_worktree);
		push_existing(&p->landlock_read, pl->repo_gitdir);
		push_existing(&p->landlock_read, pl->repo_commondir);
	}
	if (wsl_interop(pl))
		push_existing(&p->landlock_exec, "/init");
	for (size_t i = 0; i < pl->allow_read.n; i++)
		push_unique(&p->landlock_read, pl->allow_read.v[i]);
	for (size_t i = 0; i < pl->allow_exec.n; i++)
		push_unique(&p->landlock_exec, pl->allow_exec.v[i]);

	push_unique(&p->landlock_write, "/tmp");
	push_unique(&p->landlock_write, "/dev");
	if (pl->root_writable)
		push_unique(&p->landlock_write, "/");
	for (size_t i = 0; i < pl->write_roots.n; i++)
		push_unique(&p->landlock_write, pl->write_roots.v[i]);
	if (pl->req->runtime_dir)
		push_unique(&p->landlock_write, pl->req->runtime_dir);

	for (size_t i = 0; i < pl->unix_allowed.n; i++)
		push_unique(&p->landlock_unix, pl->unix_allowed.v[i]);
	for (size_t i = 0; i < pl->req->n_binds; i++)
		push_unique(&p->landlock_unix, pl->req->binds[i].dst);
}

/*
 * Find the repository cwd lies in.  git reads its gitdir and worktree,
 * which for a linked worktree (git worktree add) or a subdirectory of a
 * repository lie outside cwd; in a writable linked worktree it also writes the
 * index, objects and refs there, so both directories become writable.
 * Their hooks and config stay read-only like any repository's.
 */
static void collect_repository(struct planner *pl)
{
	if (!dangerous_find_repository(pl->req->cwd, &pl->repo_worktree, &pl->repo_gitdir,
				       &pl->repo_commondir))
		return;
	if (strcmp(pl->repo_gitdir, pl->repo_commondir) == 0 || !is_writable(pl, pl->repo_worktree))
		return;
	if (!is_writable(pl, pl->repo_commondir))
		push_unique(&pl->write_roots, pl->repo_commondir);
	if (!is_writable(pl, pl->repo_gitdir))
		push_unique(&pl->write_roots, pl->repo_gitdir);
	strv_pushf(&pl->plan->debug, "worktree '%s': its repository '%s' is writable",
		   pl->repo_worktree, pl->repo_commondir);
}

/* Resolve everything the steps read: allow lists, sockets, the host runtime dir. */
static int resolve_inputs(struct planner *pl)
{
	const struct fence_config *c = pl->req->config;
	const char *rt = pl->req->host_runtime_dir;
	char real[PATH_MAX];
	int r;

	pl->deny_read = pl->fs->default_deny_read || pl->fs->strict_deny_read;
	pl->strict = pl->fs->strict_deny_read;
	pl->envp = pl->req->envp ? pl->req->envp : environ;
	if (!rt)
		rt = sockscan_getenv(pl->envp, "XDG_RUNTIME_DIR");
	if (rt && rt[0] == '/' && realpath(rt, real))
		pl->host_runtime_dir = xstrdup(real);

	r = prepare_fence_dir(pl);
	if (r < 0)
		return r;
	r = collect_write_roots(pl);
	if (r < 0)
		return r;
	collect_repository(pl);
	/* In normal mode everything is readable, so only defaultDenyRead needs the check. */
	r = resolve_checked_list(pl, &pl->fs->allow_read, "filesystem.allowRead", pl->deny_read,
				 &pl->allow_read, &pl->allow_lexical);
	if (r < 0)
		return r;
	r = resolve_checked_list(pl, &pl->fs->allow_execute, "filesystem.allowExecute",
				 pl->deny_read, &pl->allow_exec, &pl->allow_lexical);
	if (r < 0)
		return r;
	return resolve_checked_list(pl, &c->network.allow_unix_sockets, "network.allowUnixSockets",
				    true, &pl->unix_allowed, NULL);
}

static void planner_done(struct planner *pl)
{
	free(pl->fence_dir);
	free(pl->empty_file);
	free(pl->host_runtime_dir);
	free(pl->repo_worktree);
	free(pl->repo_gitdir);
	free(pl->repo_commondir);
	strv_done(&pl->write_roots);
	strv_done(&pl->read_roots);
	strv_done(&pl->tmp_binds);
	strv_done(&pl->allow_read);
	strv_done(&pl->allow_exec);
	strv_done(&pl->allow_lexical);
	strv_done(&pl->unix_allowed);
	strv_done(&pl->remount_read_only);
	for (size_t i = 0; i < pl->n_late; i++) {
		free(pl->late[i].path);
		strv_done(&pl->late[i].keep);
	}
	free(pl->late);
	free(pl->error);
}

/* Run the steps in bwrap order; a failure leaves its message in pl->error. */
static int plan_steps(struct planner *pl)
{
	_cleanup_free_ char *resolv_target = NULL;
	int r;

	r = resolve_inputs(pl);
	if (r < 0)
		return r;

	plan_base(pl);
	r = plan_devices(pl);
	if (r < 0)
		return r;
	plan_proc_tmp(pl);
	plan_resolv(pl, &resolv_target);
	plan_writable(pl);

	r = collect_deny_lists(pl);
	if (r < 0)
		return r;
	collect_sockets(pl);
	collect_pins(pl);
	plan_late(pl);
	plan_extra(pl);
	plan_landlock(pl, resolv_target);
	return 0;
}

int mountplan_build(const struct mount_request *req, struct mount_plan *ret, char **ret_error)
{
	static unsigned next_owner;
	struct planner pl = {
		.req = req,
		.fs = &req->config->filesystem,
		.plan = ret,
		.glob_budget = { .max_depth = WALK_MAX_DEPTH, .max_entries = WALK_MAX_ENTRIES },
	};
	int r;

	*ret = (struct mount_plan){
		.placeholder_owner = __atomic_add_fetch(&next_owner, 1, __ATOMIC_RELAXED),
	};
	r = plan_steps(&pl);
	if (r < 0) {
		if (ret_error)
			*ret_error = TAKE_PTR(pl.error);
		mountplan_remove_placeholders(ret);
		mountplan_done(ret);
	}
	planner_done(&pl);
	return r;
}

void mountplan_done(struct mount_plan *p)
{
	strv_done(&p->args);
	strv_done(&p->placeholders);
	strv_done(&p->warnings);
	strv_done(&p->debug);
	strv_done(&p->landlock_read);
	strv_done(&p->landlock_exec);
	strv_done(&p->landlock_write);
	strv_done(&p->landlock_unix);
	strv_done(&p->watch_files);
	free(p->placeholder_registry);
	p->placeholder_registry = NULL;
}

void mountplan_remove_placeholders(const struct mount_plan *p)
{
	if (p->placeholder_registry)
		placeholder_release_all(p->placeholder_registry, p->placeholder_owner);
}
