/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_mountplan.c: golden bwrap argument vectors of the mount
 * planner.
 *
 * Each test builds a small tree under /var/tmp (outside /tmp, which the
 * sandbox replaces, so the vectors show only what the test is about), runs
 * the planner with a hand-built config and compares the whole argument
 * vector.  In expected vectors "@" stands for the tree's root.
 */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "platform/linux/mountplan.h"

/* clang-format off */
#define DEV_ARGS_MINIMAL \
	"--dev", "/dev", \
	"--dev-bind", "/dev/null", "/dev/null", \
	"--dev-bind", "/dev/zero", "/dev/zero", \
	"--dev-bind", "/dev/full", "/dev/full", \
	"--dev-bind", "/dev/random", "/dev/random", \
	"--dev-bind", "/dev/urandom", "/dev/urandom", \
	"--dev-bind", "/dev/tty", "/dev/tty"
#define PROC_RO_ARGS                                                                  \
	"--ro-bind", "/proc/sys", "/proc/sys", "--ro-bind-try", "/proc/sysrq-trigger",       \
		"/proc/sysrq-trigger"
#define BASE_NORMAL "--ro-bind", "/", "/", DEV_ARGS_MINIMAL, "--proc", "/proc", PROC_RO_ARGS, "--tmpfs", "/tmp"
/* clang-format on */

struct fixture {
	char root[PATH_MAX]; /* the tree, canonical */
	char fence_dir[PATH_MAX]; /* below /tmp, so never visible inside */
	char *cwd, *home;
	struct fence_config cfg;
	struct linux_features features;
	struct strv env;
	struct mount_request req;
	struct mount_plan plan;
	char *error;
};

static struct fixture F;

static const char *const no_scan_roots[] = { NULL };

/* Make path (relative to the tree) and its parents; a trailing '/' makes a directory. */
static void make(const char *rel)
{
	char path[PATH_MAX * 2];
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", F.root, rel);
	n = strlen(path);
	for (char *p = path + strlen(F.root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	if (path[n - 1] != '/') {
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		ck_assert_int_ge(fd, 0);
		close(fd);
	}
}

static char *at(const char *rel)
{
	return xasprintf("%s/%s", F.root, rel);
}

/* Create a listening Unix socket at rel; the socket file stays after close. */
static void make_socket(const char *rel)
{
	_cleanup_free_ char *path = at(rel);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
	strcpy(sa.sun_path, path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
}

static void setup(void)
{
	char tmpl[] = "/var/tmp/mountplan-XXXXXX";
	char ftmpl[] = "/tmp/mountplan-fence-XXXXXX";

	memset(&F, 0, sizeof(F));
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_ptr_nonnull(realpath(tmpl, F.root));
	ck_assert_ptr_nonnull(mkdtemp(ftmpl));
	chmod(ftmpl, 0700);
	strcpy(F.fence_dir, ftmpl);
	make("proj/");
	make("home/");
	F.cwd = at("proj");
	F.home = at("home");
	F.cfg.devices.mode = DEVICES_MINIMAL;
	F.cfg.filesystem.wsl_interop = TRI_FALSE;
	F.features.in_container = true;
	F.req = (struct mount_request){
		.config = &F.cfg,
		.features = &F.features,
		.cwd = F.cwd,
		.home = F.home,
		.fence_dir = F.fence_dir,
		.socket_scan_roots = no_scan_roots,
		.n_socket_scan_roots = 0,
	};
}

static void teardown(void)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s' '%s'", F.root, F.fence_dir);
	struct strv *lists[] = {
		&F.cfg.filesystem.allow_write, &F.cfg.filesystem.deny_write,
		&F.cfg.filesystem.deny_read,   &F.cfg.filesystem.allow_read,
		&F.cfg.filesystem.allow_execute, &F.cfg.devices.allow,
		&F.cfg.network.allow_unix_sockets,
	};

	for (size_t i = 0; i < ELEMENTSOF(lists); i++)
		strv_done(lists[i]);

	mountplan_remove_placeholders(&F.plan);
	mountplan_done(&F.plan);
	free(F.error);
	free(F.cwd);
	free(F.home);
	strv_done(&F.env);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", F.root);
}

/* Set the environment the planner reads, as NAME=VALUE strings ("@" is the root). */
static void set_env(const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *)) {
		const char *at_sign = strchr(s, '@');

		if (at_sign)
			strv_pushf(&F.env, "%.*s%s%s", (int)(at_sign - s), s, F.root, at_sign + 1);
		else
			strv_push(&F.env, s);
	}
	va_end(ap);
	F.req.envp = F.env.v;
}

static void plan_ok(void)
{
	int r = mountplan_build(&F.req, &F.plan, &F.error);

	ck_assert_msg(r == 0, "mountplan_build failed: %d %s", r, F.error ? F.error : "");
}

static char *expand_at(const char *s)
{
	return s[0] == '@' ? xasprintf("%s%s", F.root, s + 1) : xstrdup(s);
}

static void print_args(const char *title, char *const *v, size_t n)
{
	fprintf(stderr, "%s:\n", title);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", v[i]);
}

/* Compare the plan's arguments with the NULL-terminated expected list. */
static void expect_args(const char *const *expected)
{
	struct strv want = { 0 };
	bool same;

	for (size_t i = 0; expected[i]; i++)
		strv_push_take(&want, expand_at(expected[i]));
	same = want.n == F.plan.args.n;
	for (size_t i = 0; same && i < want.n; i++)
		same = strcmp(want.v[i], F.plan.args.v[i]) == 0;
	if (!same) {
		print_args("expected", want.v, want.n);
		print_args("got", F.plan.args.v, F.plan.args.n);
	}
	strv_done(&want);
	ck_assert_msg(same, "argument vector differs (see stderr)");
}

#define EXPECT_ARGS(...) expect_args((const char *const[]){ __VA_ARGS__, NULL })

static bool has(const struct strv *sv, const char *s)
{
	_cleanup_free_ char *e = expand_at(s);

	return strv_contains(sv, e);
}

START_TEST(default_config_is_read_only_root_with_private_tmp)
{
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL);
	ck_assert_uint_eq(F.plan.placeholders.n, 0);
}
END_TEST

START_TEST(allow_write_dot_binds_cwd_and_protects_dangerous_files)
{
	make("proj/.bashrc");
	make("proj/.mcp.json");
	make("proj/.git/hooks/");
	make("proj/.git/config");
	make("proj/src/.zshrc");
	make("proj/node_modules/pkg/.bashrc");
	make("proj/.vscode/settings.json");
	strv_push(&F.cfg.filesystem.allow_write, ".");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/proj", "@/proj",
		    "--ro-bind", "@/proj/.bashrc", "@/proj/.bashrc",
		    "--bind", "@/proj/.git", "@/proj/.git",
		    "--ro-bind", "@/proj/.idea", "@/proj/.idea",
		    "--ro-bind", "@/proj/.mcp.json", "@/proj/.mcp.json",
		    "--ro-bind", "@/proj/.vscode", "@/proj/.vscode",
		    "--bind", "@/proj/src", "@/proj/src",
		    "--ro-bind", "@/proj/.git/config", "@/proj/.git/config",
		    "--ro-bind", "@/proj/.git/hooks", "@/proj/.git/hooks",
		    "--ro-bind", "@/proj/src/.zshrc", "@/proj/src/.zshrc");
	ck_assert_uint_eq(F.plan.placeholders.n, 1);
	ck_assert(has(&F.plan.placeholders, "@/proj/.idea"));
}
END_TEST

START_TEST(allow_write_home_protects_shell_startup_files)
{
	_cleanup_free_ char *config = NULL, *cache = NULL;

	make("home/.bashrc");
	make("home/.profile");
	make("home/.gitconfig");
	make("home/.idea/");
	make("home/.vscode/");
	make("home/notes.txt");
	strv_push(&F.cfg.filesystem.allow_write, "~");
	plan_ok();
	/* The missing ~/.config and ~/.cache are made to hold the placeholders of fence and git. */
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/home", "@/home",
		    "--ro-bind", "@/home/.bashrc", "@/home/.bashrc",
		    "--bind", "@/home/.cache", "@/home/.cache",
		    "--bind", "@/home/.config", "@/home/.config",
		    "--ro-bind", "@/home/.gitconfig", "@/home/.gitconfig",
		    "--ro-bind", "@/home/.idea", "@/home/.idea",
		    "--ro-bind", "@/home/.profile", "@/home/.profile",
		    "--ro-bind", "@/home/.vscode", "@/home/.vscode",
		    "--ro-bind", "@/home/.cache/fence", "@/home/.cache/fence",
		    "--ro-bind", "@/home/.config/fence", "@/home/.config/fence",
		    "--ro-bind", "@/home/.config/git", "@/home/.config/git");
	mountplan_remove_placeholders(&F.plan);
	config = at("home/.config");
	cache = at("home/.cache");
	ck_assert_int_lt(access(config, F_OK), 0);
	ck_assert_int_lt(access(cache, F_OK), 0);
}
END_TEST

START_TEST(allow_git_config_leaves_config_writable_but_not_hooks)
{
	make("proj/.git/hooks/");
	make("proj/.git/config");
	make("proj/.idea/");
	make("proj/.vscode/");
	strv_push(&F.cfg.filesystem.allow_write, ".");
	F.cfg.filesystem.allow_git_config = true;
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/proj", "@/proj",
		    "--bind", "@/proj/.git", "@/proj/.git",
		    "--ro-bind", "@/proj/.idea", "@/proj/.idea",
		    "--ro-bind", "@/proj/.vscode", "@/proj/.vscode",
		    "--ro-bind", "@/proj/.git/hooks", "@/proj/.git/hooks");
}
END_TEST

START_TEST(nested_repository_and_gitdir_file_are_protected)
{
	make("proj/.idea/");
	make("proj/.vscode/");
	make("proj/vendor/lib/.git/hooks/");
	make("proj/vendor/lib/.git/config");
	make("other/.git/worktrees/wt/");
	make("proj/wt/.git");
	{
		_cleanup_free_ char *dotgit = at("proj/wt/.git");
		_cleanup_free_ char *common = at("other/.git/worktrees/wt/commondir");
		FILE *f = fopen(dotgit, "we");

		fprintf(f, "gitdir: %s/other/.git/worktrees/wt\n", F.root);
		fclose(f);
		f = fopen(common, "we");
		fprintf(f, "../..\n");
		fclose(f);
	}
	make("other/.git/hooks/");
	make("other/.git/config");
	strv_push(&F.cfg.filesystem.allow_write, ".");
	strv_push(&F.cfg.filesystem.allow_write, "../other");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/other", "@/other", "--bind", "@/proj", "@/proj",
		    "--bind", "@/other/.git", "@/other/.git",
		    "--ro-bind", "@/proj/.idea", "@/proj/.idea",
		    "--ro-bind", "@/proj/.vscode", "@/proj/.vscode",
		    "--bind", "@/proj/vendor", "@/proj/vendor",
		    "--ro-bind", "@/other/.git/config", "@/other/.git/config",
		    "--ro-bind", "@/other/.git/hooks", "@/other/.git/hooks",
		    "--bind", "@/other/.git/worktrees", "@/other/.git/worktrees",
		    "--bind", "@/proj/vendor/lib", "@/proj/vendor/lib",
		    "--bind", "@/other/.git/worktrees/wt", "@/other/.git/worktrees/wt",
		    "--bind", "@/proj/vendor/lib/.git", "@/proj/vendor/lib/.git",
		    "--ro-bind", "@/other/.git/worktrees/wt/hooks", "@/other/.git/worktrees/wt/hooks",
		    "--ro-bind", "@/proj/vendor/lib/.git/config", "@/proj/vendor/lib/.git/config",
		    "--ro-bind", "@/proj/vendor/lib/.git/hooks", "@/proj/vendor/lib/.git/hooks");
	ck_assert(has(&F.plan.placeholders, "@/other/.git/worktrees/wt/hooks"));
}
END_TEST

START_TEST(directories_above_protected_paths_are_pinned_unless_read_only)
{
	make("proj/.idea/");
	make("proj/.vscode/");
	make("proj/a/b/.bashrc");
	make("proj/ro/c/.bashrc");
	strv_push(&F.cfg.filesystem.allow_write, ".");
	strv_push(&F.cfg.filesystem.deny_write, "ro");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/proj", "@/proj",
		    "--ro-bind", "@/proj/.idea", "@/proj/.idea",
		    "--ro-bind", "@/proj/.vscode", "@/proj/.vscode",
		    "--bind", "@/proj/a", "@/proj/a",
		    "--ro-bind", "@/proj/ro", "@/proj/ro",
		    "--bind", "@/proj/a/b", "@/proj/a/b",
		    "--ro-bind", "@/proj/a/b/.bashrc", "@/proj/a/b/.bashrc");
}
END_TEST

START_TEST(git_and_fence_config_dirs_stay_read_only)
{
	make("home/.config/git/config");
	strv_push(&F.cfg.filesystem.allow_write, "~/.config/**");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/home/.config", "@/home/.config",
		    "--ro-bind", "@/home/.config/fence", "@/home/.config/fence",
		    "--ro-bind", "@/home/.config/git", "@/home/.config/git");
	ck_assert(has(&F.plan.placeholders, "@/home/.config/fence"));
	mountplan_remove_placeholders(&F.plan);
	mountplan_done(&F.plan);

	make("xdg/");
	set_env("XDG_CONFIG_HOME=@/xdg", NULL);
	strv_push(&F.cfg.filesystem.allow_write, "../xdg");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/xdg", "@/xdg",
		    "--bind", "@/home/.config", "@/home/.config",
		    "--ro-bind", "@/xdg/fence", "@/xdg/fence",
		    "--ro-bind", "@/xdg/git", "@/xdg/git");
}
END_TEST

START_TEST(deny_read_masks_directory_with_tmpfs_and_file_with_empty_file)
{
	_cleanup_free_ char *empty = xasprintf("%s/empty", F.fence_dir);
	struct stat st;

	make("home/.ssh/id_ed25519");
	make("home/.netrc");
	strv_push(&F.cfg.filesystem.deny_read, "~/.ssh");
	strv_push(&F.cfg.filesystem.deny_read, "~/.netrc");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--ro-bind", empty, "@/home/.netrc",
		    "--tmpfs", "@/home/.ssh", "--remount-ro", "@/home/.ssh");
	ck_assert_int_eq(stat(empty, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(st.st_mode & 0777, 0444);
}
END_TEST

START_TEST(deny_write_turns_writable_path_read_only)
{
	make("proj/.idea/");
	make("proj/.vscode/");
	make("proj/secrets/a");
	strv_push(&F.cfg.filesystem.allow_write, ".");
	strv_push(&F.cfg.filesystem.deny_write, "secrets");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/proj", "@/proj",
		    "--ro-bind", "@/proj/.idea", "@/proj/.idea",
		    "--ro-bind", "@/proj/.vscode", "@/proj/.vscode",
		    "--ro-bind", "@/proj/secrets", "@/proj/secrets");
}
END_TEST

START_TEST(deny_write_outside_writable_paths_adds_nothing)
{
	make("home/docs/");
	strv_push(&F.cfg.filesystem.deny_write, "~/docs");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL);
}
END_TEST

START_TEST(deny_read_beats_allow_write_and_drops_entries_below)
{
	make("proj/.idea/");
	make("proj/.vscode/");
	make("proj/private/.bashrc");
	make("proj/private/key.pem");
	strv_push(&F.cfg.filesystem.allow_write, ".");
	strv_push(&F.cfg.filesystem.deny_read, "private");
	strv_push(&F.cfg.filesystem.deny_write, "**/*.pem");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/proj", "@/proj",
		    "--ro-bind", "@/proj/.idea", "@/proj/.idea",
		    "--ro-bind", "@/proj/.vscode", "@/proj/.vscode",
		    "--tmpfs", "@/proj/private", "--remount-ro", "@/proj/private");
}
END_TEST

START_TEST(globs_expand_star_question_class_and_double_star)
{
	make("proj/.idea/");
	make("proj/.vscode/");
	make("proj/a.key");
	make("proj/deep/er/b.key");
	make("proj/.env");
	make("proj/sub/.env.local");
	make("proj/x1.log");
	make("proj/x2.log");
	make("proj/x10.log");
	make("proj/y.txt");
	strv_push(&F.cfg.filesystem.allow_write, ".");
	strv_push(&F.cfg.filesystem.deny_write, "**/*.key");
	strv_push(&F.cfg.filesystem.deny_write, "**/.env");
	strv_push(&F.cfg.filesystem.deny_write, "**/.env.*");
	strv_push(&F.cfg.filesystem.deny_write, "x?.log");
	strv_push(&F.cfg.filesystem.deny_write, "[y].txt");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/proj", "@/proj",
		    "--ro-bind", "@/proj/.env", "@/proj/.env",
		    "--ro-bind", "@/proj/.idea", "@/proj/.idea",
		    "--ro-bind", "@/proj/.vscode", "@/proj/.vscode",
		    "--ro-bind", "@/proj/a.key", "@/proj/a.key",
		    "--bind", "@/proj/deep", "@/proj/deep",
		    "--bind", "@/proj/sub", "@/proj/sub",
		    "--ro-bind", "@/proj/x1.log", "@/proj/x1.log",
		    "--ro-bind", "@/proj/x2.log", "@/proj/x2.log",
		    "--ro-bind", "@/proj/y.txt", "@/proj/y.txt",
		    "--bind", "@/proj/deep/er", "@/proj/deep/er",
		    "--ro-bind", "@/proj/sub/.env.local", "@/proj/sub/.env.local",
		    "--ro-bind", "@/proj/deep/er/b.key", "@/proj/deep/er/b.key");
}
END_TEST

START_TEST(trailing_double_star_means_the_directory)
{
	make("home/.cache/pip/x");
	make("home/.claude/");
	make("home/.claude.json");
	strv_push(&F.cfg.filesystem.allow_write, "~/.cache/**");
	strv_push(&F.cfg.filesystem.allow_write, "~/.claude*");
	strv_push(&F.cfg.filesystem.allow_write, "~/.missing/**");
	plan_ok();
	/* fence's registry cache stays read-only under a writable ~/.cache. */
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/home/.cache", "@/home/.cache",
		    "--bind", "@/home/.claude", "@/home/.claude",
		    "--bind", "@/home/.claude.json", "@/home/.claude.json",
		    "--ro-bind", "@/home/.cache/fence", "@/home/.cache/fence");
}
END_TEST

START_TEST(tilde_and_relative_paths_resolve_against_home_and_cwd)
{
	make("home/work/");
	make("other/");
	make("proj/sub/");
	strv_push(&F.cfg.filesystem.allow_write, "~/work");
	strv_push(&F.cfg.filesystem.allow_write, "../other");
	strv_push(&F.cfg.filesystem.allow_write, "./sub/");
	strv_push(&F.cfg.filesystem.allow_write, "does-not-exist");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/other", "@/other",
		    "--bind", "@/home/work", "@/home/work",
		    "--bind", "@/proj/sub", "@/proj/sub");
	ck_assert_uint_eq(F.plan.placeholders.n, 0);
}
END_TEST

START_TEST(symlink_in_writable_dir_pointing_outside_is_not_made_writable)
{
	_cleanup_free_ char *link = at("proj/link");
	_cleanup_free_ char *target = at("home/.ssh");

	make("proj/.idea/");
	make("proj/.vscode/");
	make("home/.ssh/");
	ck_assert_int_eq(symlink(target, link), 0);
	strv_push(&F.cfg.filesystem.allow_write, ".");
	strv_push(&F.cfg.filesystem.allow_write, "./link");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/proj", "@/proj",
		    "--ro-bind", "@/proj/.idea", "@/proj/.idea",
		    "--ro-bind", "@/proj/.vscode", "@/proj/.vscode");
	ck_assert_uint_eq(F.plan.warnings.n, 1);
	ck_assert_ptr_nonnull(strstr(F.plan.warnings.v[0], "stays read-only"));
}
END_TEST

START_TEST(symlink_in_read_only_dir_is_followed_once)
{
	_cleanup_free_ char *link = at("proj/out");
	_cleanup_free_ char *target = at("build");

	make("build/");
	ck_assert_int_eq(symlink(target, link), 0);
	strv_push(&F.cfg.filesystem.allow_write, "out");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/build", "@/build");
	ck_assert_uint_eq(F.plan.warnings.n, 0);
}
END_TEST

START_TEST(allowed_dangerous_path_by_name_stays_read_only)
{
	make("home/.vscode/extensions/");
	make("home/.bashrc");
	strv_push(&F.cfg.filesystem.allow_write, "~/.vscode/extensions");
	strv_push(&F.cfg.filesystem.allow_write, "~/.bashrc");
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/home/.bashrc", "@/home/.bashrc",
		    "--bind", "@/home/.vscode/extensions", "@/home/.vscode/extensions",
		    "--ro-bind", "@/home/.bashrc", "@/home/.bashrc",
		    "--ro-bind", "@/home/.vscode", "@/home/.vscode");
}
END_TEST

START_TEST(planted_symlink_does_not_allow_another_socket)
{
	_cleanup_free_ char *link = at("proj/app.sock");
	_cleanup_free_ char *target = at("var/docker.sock");

	make("proj/.idea/");
	make("proj/.vscode/");
	make("var/");
	make_socket("var/docker.sock");
	ck_assert_int_eq(symlink(target, link), 0);
	strv_push(&F.cfg.filesystem.allow_write, ".");
	strv_push(&F.cfg.network.allow_unix_sockets, "app.sock");
	set_env("DOCKER_HOST=unix://@/var/docker.sock", NULL);
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/proj", "@/proj",
		    "--ro-bind", "@/proj/.idea", "@/proj/.idea",
		    "--ro-bind", "@/proj/.vscode", "@/proj/.vscode",
		    "--ro-bind", "/dev/null", "@/var/docker.sock");
	ck_assert_uint_eq(F.plan.warnings.n, 1);
	ck_assert_ptr_nonnull(strstr(F.plan.warnings.v[0], "network.allowUnixSockets"));
	ck_assert_uint_eq(F.plan.landlock_unix.n, 0);
}
END_TEST

START_TEST(planted_symlink_does_not_allow_reading_under_default_deny_read)
{
	_cleanup_free_ char *link = at("proj/docs");
	_cleanup_free_ char *target = at("home/.ssh");

	make("home/.ssh/");
	ck_assert_int_eq(symlink(target, link), 0);
	strv_push(&F.cfg.filesystem.allow_write, ".");
	strv_push(&F.cfg.filesystem.allow_read, "docs");
	F.cfg.filesystem.default_deny_read = true;
	plan_ok();
	ck_assert(!has(&F.plan.args, "@/home/.ssh"));
	ck_assert(!has(&F.plan.landlock_read, "@/home/.ssh"));
	ck_assert_uint_eq(F.plan.warnings.n, 1);
}
END_TEST

START_TEST(default_deny_read_binds_readable_set_and_allow_lists)
{
	make("proj/src/");
	make("tools/bin/");
	strv_push(&F.cfg.filesystem.allow_read, ".");
	strv_push(&F.cfg.filesystem.allow_execute, "../tools/bin");
	F.cfg.filesystem.default_deny_read = true;
	plan_ok();
	ck_assert(!strv_contains(&F.plan.args, "/") || strcmp(F.plan.args.v[1], "/") != 0);
	ck_assert(strv_contains(&F.plan.args, "/usr"));
	ck_assert(strv_contains(&F.plan.args, "/etc"));
	ck_assert(has(&F.plan.args, "@/proj"));
	ck_assert(has(&F.plan.args, "@/tools/bin"));
	ck_assert(has(&F.plan.landlock_exec, "@/tools/bin"));
	ck_assert(has(&F.plan.landlock_read, "@/proj"));
}
END_TEST

START_TEST(strict_deny_read_binds_only_the_allow_lists)
{
	strv_push(&F.cfg.filesystem.allow_read, ".");
	F.cfg.filesystem.strict_deny_read = true;
	plan_ok();
	EXPECT_ARGS("--ro-bind", "@/proj", "@/proj", DEV_ARGS_MINIMAL, "--proc", "/proc",
		    PROC_RO_ARGS, "--tmpfs", "/tmp");
}
END_TEST

START_TEST(devices_minimal_adds_allowed_nodes)
{
	strv_push(&F.cfg.devices.allow, "/dev/ptmx");
	strv_push(&F.cfg.devices.allow, "/dev/no-such-device");
	plan_ok();
	EXPECT_ARGS("--ro-bind", "/", "/", DEV_ARGS_MINIMAL, "--dev-bind", "/dev/ptmx", "/dev/ptmx",
		    "--proc", "/proc", PROC_RO_ARGS, "--tmpfs", "/tmp");
}
END_TEST

START_TEST(devices_host_binds_host_dev)
{
	F.cfg.devices.mode = DEVICES_HOST;
	strv_push(&F.cfg.devices.allow, "/dev/ptmx");
	plan_ok();
	EXPECT_ARGS("--ro-bind", "/", "/", "--dev-bind", "/dev", "/dev", "--proc", "/proc",
		    PROC_RO_ARGS, "--tmpfs", "/tmp");
}
END_TEST

START_TEST(devices_auto_is_minimal_in_container_and_host_for_setuid_bwrap)
{
	F.cfg.devices.mode = DEVICES_AUTO;
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL);
	mountplan_done(&F.plan);

	F.features.in_container = false;
	F.features.running_as_root = false;
	F.features.bwrap_setuid = true;
	plan_ok();
	EXPECT_ARGS("--ro-bind", "/", "/", "--dev-bind", "/dev", "/dev", "--proc", "/proc",
		    PROC_RO_ARGS, "--tmpfs", "/tmp");
	mountplan_done(&F.plan);

	F.features.running_as_root = true;
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL);
}
END_TEST

START_TEST(devices_allow_outside_dev_is_an_error)
{
	strv_push(&F.cfg.devices.allow, "/etc/passwd");
	ck_assert_int_eq(mountplan_build(&F.req, &F.plan, &F.error), -EINVAL);
	ck_assert_str_eq(F.error, "devices.allow: '/etc/passwd' is not a path below /dev/");
}
END_TEST

START_TEST(empty_policy_path_is_an_error)
{
	strv_push(&F.cfg.filesystem.deny_read, "");
	ck_assert_int_eq(mountplan_build(&F.req, &F.plan, &F.error), -EINVAL);
	ck_assert_str_eq(F.error, "filesystem.denyRead: empty path");
}
END_TEST

START_TEST(sockets_are_masked_and_runtime_dir_is_replaced)
{
	make("rt/");
	make_socket("rt/bus");
	make("rt/fence/");
	make_socket("home/agent.sock");
	make_socket("proj/app.sock");
	set_env("XDG_RUNTIME_DIR=@/rt", NULL);
	F.req.runtime_dir = "/tmp/fence/run";
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--tmpfs", "@/rt",
		    "--ro-bind", "/dev/null", "@/home/agent.sock",
		    "--ro-bind", "/dev/null", "@/proj/app.sock",
		    "--perms", "0700", "--dir", "/tmp/fence/run",
		    "--remount-ro", "@/rt");
}
END_TEST

START_TEST(a_directory_of_many_sockets_is_rebuilt_without_them)
{
	_cleanup_free_ char *link = at("proj/link");

	make("proj/file");
	make("proj/sub/");
	make_socket("proj/allowed.sock");
	for (int i = 0; i < 70; i++) {
		_cleanup_free_ char *rel = xasprintf("proj/s%02d.sock", i);

		make_socket(rel);
	}
	ck_assert_int_eq(symlink("file", link), 0);
	strv_push(&F.cfg.network.allow_unix_sockets, "allowed.sock");
	plan_ok();
	/* One tmpfs instead of 70 masks: bwrap takes at most 9000 arguments. */
	EXPECT_ARGS(BASE_NORMAL, "--tmpfs", "@/proj",
		    "--ro-bind", "@/proj/allowed.sock", "@/proj/allowed.sock",
		    "--ro-bind", "@/proj/file", "@/proj/file",
		    "--symlink", "file", "@/proj/link",
		    "--ro-bind", "@/proj/sub", "@/proj/sub",
		    "--remount-ro", "@/proj");
	ck_assert_uint_eq(F.plan.warnings.n, 0);
}
END_TEST

START_TEST(a_writable_directory_of_many_sockets_keeps_its_entries_writable)
{
	make("proj/file");
	make("proj/.vscode/");
	make("proj/.idea/");
	make("proj/out/deep/");
	for (int i = 0; i < 70; i++) {
		_cleanup_free_ char *rel = xasprintf("proj/s%02d.sock", i);

		make_socket(rel);
	}
	strv_push(&F.cfg.filesystem.allow_write, ".");
	strv_push(&F.cfg.filesystem.allow_write, "out/deep");
	F.cfg.filesystem.allow_git_config = true;
	plan_ok();
	/* out/deep is bound again after out, which the rebuild binds from the host. */
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/proj", "@/proj",
		    "--bind", "@/proj/out/deep", "@/proj/out/deep",
		    "--tmpfs", "@/proj",
		    "--ro-bind", "@/proj/.idea", "@/proj/.idea",
		    "--ro-bind", "@/proj/.vscode", "@/proj/.vscode",
		    "--bind", "@/proj/file", "@/proj/file",
		    "--bind", "@/proj/out", "@/proj/out",
		    "--bind", "@/proj/out/deep", "@/proj/out/deep",
		    "--ro-bind", "@/proj/.idea", "@/proj/.idea",
		    "--ro-bind", "@/proj/.vscode", "@/proj/.vscode",
		    "--remount-ro", "@/proj");
	ck_assert_uint_eq(F.plan.warnings.n, 1);
}
END_TEST

START_TEST(a_symlinked_dangerous_file_keeps_its_directory_top_read_only)
{
	_cleanup_free_ char *link = at("home/.bashrc");

	make("home/dotfiles/bashrc");
	make("home/notes");
	make("home/.config/");
	make("home/.idea/");
	make("home/.vscode/");
	ck_assert_int_eq(symlink("dotfiles/bashrc", link), 0);
	strv_push(&F.cfg.filesystem.allow_write, "~");
	plan_ok();
	/* A mount cannot sit on the symlink: home is rebuilt around it. */
	EXPECT_ARGS(BASE_NORMAL, "--bind", "@/home", "@/home",
		    "--tmpfs", "@/home",
		    "--symlink", "dotfiles/bashrc", "@/home/.bashrc",
		    "--bind", "@/home/.cache", "@/home/.cache",
		    "--bind", "@/home/.config", "@/home/.config",
		    "--ro-bind", "@/home/.idea", "@/home/.idea",
		    "--ro-bind", "@/home/.vscode", "@/home/.vscode",
		    "--bind", "@/home/dotfiles", "@/home/dotfiles",
		    "--bind", "@/home/notes", "@/home/notes",
		    "--bind", "@/home/.cache", "@/home/.cache",
		    "--bind", "@/home/.config", "@/home/.config",
		    "--ro-bind", "@/home/.idea", "@/home/.idea",
		    "--ro-bind", "@/home/.vscode", "@/home/.vscode",
		    "--bind", "@/home/dotfiles", "@/home/dotfiles",
		    "--ro-bind", "@/home/.cache/fence", "@/home/.cache/fence",
		    "--ro-bind", "@/home/.config/fence", "@/home/.config/fence",
		    "--ro-bind", "@/home/.config/git", "@/home/.config/git",
		    "--ro-bind", "@/home/dotfiles/bashrc", "@/home/dotfiles/bashrc",
		    "--remount-ro", "@/home");
}
END_TEST

START_TEST(allowed_sockets_stay_reachable)
{
	make("rt/");
	make_socket("rt/bus");
	make_socket("rt/other");
	make_socket("home/agent.sock");
	set_env("XDG_RUNTIME_DIR=@/rt", NULL);
	strv_push(&F.cfg.network.allow_unix_sockets, "~/agent.sock");
	{
		_cleanup_free_ char *bus = at("rt/bus");

		strv_push(&F.cfg.network.allow_unix_sockets, bus);
	}
	plan_ok();
	/* The home socket is simply not masked; the one in the hidden runtime dir is bound back. */
	EXPECT_ARGS(BASE_NORMAL, "--tmpfs", "@/rt", "--bind", "@/rt/bus", "@/rt/bus",
		    "--remount-ro", "@/rt");
	ck_assert(has(&F.plan.landlock_unix, "@/rt/bus"));
}
END_TEST

START_TEST(allowed_socket_is_bound_under_default_deny_read)
{
	make_socket("home/agent.sock");
	strv_push(&F.cfg.network.allow_unix_sockets, "~/agent.sock");
	F.cfg.filesystem.strict_deny_read = true;
	plan_ok();
	EXPECT_ARGS(DEV_ARGS_MINIMAL, "--proc", "/proc", PROC_RO_ARGS, "--tmpfs", "/tmp", "--dir", "@/proj",
		    "--bind", "@/home/agent.sock", "@/home/agent.sock");
}
END_TEST

START_TEST(allow_all_unix_sockets_keeps_only_fence_dirs_masked)
{
	make("rt/fence/");
	make_socket("rt/bus");
	make_socket("home/agent.sock");
	set_env("XDG_RUNTIME_DIR=@/rt", NULL);
	F.cfg.network.allow_all_unix_sockets = true;
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--tmpfs", "@/rt/fence", "--remount-ro", "@/rt/fence");
}
END_TEST

START_TEST(tmux_tmpdir_and_env_named_sockets_are_masked)
{
	_cleanup_free_ char *tmux_dir = xasprintf("tmux/tmux-%u/", (unsigned)getuid());
	_cleanup_free_ char *tmux_sock = xasprintf("tmux/tmux-%u/default", (unsigned)getuid());
	_cleanup_free_ char *tmux_env = xasprintf("TMUX=@/tmux/tmux-%u/default,123,0",
						  (unsigned)getuid());
	_cleanup_free_ char *tmux_masked = xasprintf("@/tmux/tmux-%u", (unsigned)getuid());

	make(tmux_dir);
	make_socket(tmux_sock);
	make("var/");
	make_socket("var/docker.sock");
	make_socket("var/agent");
	make_socket("var/bus");
	set_env("TMUX_TMPDIR=@/tmux", tmux_env, "DOCKER_HOST=unix://@/var/docker.sock",
		"SSH_AUTH_SOCK=@/var/agent",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=@/var/bus,guid=1;unix:abstract=/x", NULL);
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--tmpfs", tmux_masked,
		    "--ro-bind", "/dev/null", "@/var/agent",
		    "--ro-bind", "/dev/null", "@/var/bus",
		    "--ro-bind", "/dev/null", "@/var/docker.sock",
		    "--remount-ro", tmux_masked);
}
END_TEST

START_TEST(exec_masks_and_extra_binds_come_last)
{
	struct strv masks = { 0 };
	struct extra_bind binds[] = {
		{ .src = "/var/tmp/x.sock", .dst = "/tmp/fence/http.sock", .writable = true },
		{ .src = "/usr/bin/env", .dst = "/tmp/fence/bin/shell", .writable = false },
	};

	strv_push(&masks, "/usr/bin/sudo");
	F.req.exec_masks = &masks;
	F.req.binds = binds;
	F.req.n_binds = 2;
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--ro-bind", "/dev/null", "/usr/bin/sudo",
		    "--bind", "/var/tmp/x.sock", "/tmp/fence/http.sock",
		    "--ro-bind", "/usr/bin/env", "/tmp/fence/bin/shell");
	ck_assert(strv_contains(&F.plan.landlock_unix, "/tmp/fence/http.sock"));
	strv_done(&masks);
}
END_TEST

START_TEST(cwd_below_tmp_is_bound_back_after_private_tmp)
{
	char tmpl[] = "/tmp/mountplan-cwd-XXXXXX";
	_cleanup_free_ char *cmd = NULL;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	F.req.cwd = tmpl;
	plan_ok();
	EXPECT_ARGS(BASE_NORMAL, "--ro-bind", tmpl, tmpl);
	cmd = xasprintf("rm -rf '%s'", tmpl);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(landlock_lists_cover_policy_paths)
{
	make("proj/out/");
	make("tools/");
	make("data/");
	strv_push(&F.cfg.filesystem.allow_write, "out");
	strv_push(&F.cfg.filesystem.allow_execute, "../tools");
	strv_push(&F.cfg.filesystem.allow_read, "../data");
	plan_ok();
	ck_assert(has(&F.plan.landlock_read, "@/proj"));
	ck_assert(has(&F.plan.landlock_read, "@/home"));
	ck_assert(has(&F.plan.landlock_read, "@/data"));
	ck_assert(strv_contains(&F.plan.landlock_read, "/usr"));
	ck_assert(has(&F.plan.landlock_exec, "@/tools"));
	ck_assert(has(&F.plan.landlock_write, "@/proj/out"));
	ck_assert(strv_contains(&F.plan.landlock_write, "/tmp"));
	ck_assert(!has(&F.plan.landlock_write, "@/proj"));
}
END_TEST

START_TEST(placeholders_are_removed_when_empty_and_unused)
{
	_cleanup_free_ char *idea = at("proj/.idea");
	_cleanup_free_ char *vscode = at("proj/.vscode");
	_cleanup_free_ char *keep = at("proj/.vscode/new-file");
	struct stat st;

	strv_push(&F.cfg.filesystem.allow_write, ".");
	plan_ok();
	ck_assert_uint_eq(F.plan.placeholders.n, 2);
	ck_assert_int_eq(stat(idea, &st), 0);
	close(open(keep, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	mountplan_remove_placeholders(&F.plan);
	ck_assert_int_ne(stat(idea, &st), 0);
	/* A placeholder something was put into is the user's now: it stays. */
	ck_assert_int_eq(stat(vscode, &st), 0);
}
END_TEST

START_TEST(placeholders_are_shared_and_crashed_runs_are_cleaned)
{
	_cleanup_free_ char *idea = at("proj/.idea");
	struct mount_plan child_plan;
	struct stat st;
	pid_t pid;
	int status;

	strv_push(&F.cfg.filesystem.allow_write, ".");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* A run that crashes: it builds a plan and never removes its placeholders. */
		_exit(mountplan_build(&F.req, &child_plan, NULL) == 0 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(stat(idea, &st), 0);

	/* This run joins the dead run's placeholder, then the last user removes it. */
	plan_ok();
	ck_assert(has(&F.plan.placeholders, "@/proj/.idea"));
	ck_assert_int_eq(stat(idea, &st), 0);
	mountplan_remove_placeholders(&F.plan);
	ck_assert_int_ne(stat(idea, &st), 0);
}
END_TEST

START_TEST(placeholders_are_shared_by_plans_of_one_process)
{
	_cleanup_free_ char *idea = at("proj/.idea");
	struct mount_plan second;
	struct stat st;

	strv_push(&F.cfg.filesystem.allow_write, ".");
	plan_ok();
	ck_assert_int_eq(mountplan_build(&F.req, &second, NULL), 0);
	ck_assert(has(&second.placeholders, "@/proj/.idea"));
	ck_assert_uint_ne(second.placeholder_owner, F.plan.placeholder_owner);

	/* The first plan's sandbox ends while the second one still runs. */
	mountplan_remove_placeholders(&F.plan);
	ck_assert_int_eq(stat(idea, &st), 0);
	mountplan_remove_placeholders(&second);
	ck_assert_int_ne(stat(idea, &st), 0);
	mountplan_done(&second);
}
END_TEST

static Suite *mountplan_suite(void)
{
	Suite *s = suite_create("mountplan");
	TCase *tc = tcase_create("mountplan_build");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, default_config_is_read_only_root_with_private_tmp);
	tcase_add_test(tc, allow_write_dot_binds_cwd_and_protects_dangerous_files);
	tcase_add_test(tc, allow_write_home_protects_shell_startup_files);
	tcase_add_test(tc, a_directory_of_many_sockets_is_rebuilt_without_them);
	tcase_add_test(tc, a_symlinked_dangerous_file_keeps_its_directory_top_read_only);
	tcase_add_test(tc, a_writable_directory_of_many_sockets_keeps_its_entries_writable);
	tcase_add_test(tc, allow_git_config_leaves_config_writable_but_not_hooks);
	tcase_add_test(tc, nested_repository_and_gitdir_file_are_protected);
	tcase_add_test(tc, directories_above_protected_paths_are_pinned_unless_read_only);
	tcase_add_test(tc, git_and_fence_config_dirs_stay_read_only);
	tcase_add_test(tc, deny_read_masks_directory_with_tmpfs_and_file_with_empty_file);
	tcase_add_test(tc, deny_write_turns_writable_path_read_only);
	tcase_add_test(tc, deny_write_outside_writable_paths_adds_nothing);
	tcase_add_test(tc, deny_read_beats_allow_write_and_drops_entries_below);
	tcase_add_test(tc, globs_expand_star_question_class_and_double_star);
	tcase_add_test(tc, trailing_double_star_means_the_directory);
	tcase_add_test(tc, tilde_and_relative_paths_resolve_against_home_and_cwd);
	tcase_add_test(tc, symlink_in_writable_dir_pointing_outside_is_not_made_writable);
	tcase_add_test(tc, symlink_in_read_only_dir_is_followed_once);
	tcase_add_test(tc, allowed_dangerous_path_by_name_stays_read_only);
	tcase_add_test(tc, planted_symlink_does_not_allow_another_socket);
	tcase_add_test(tc, planted_symlink_does_not_allow_reading_under_default_deny_read);
	tcase_add_test(tc, default_deny_read_binds_readable_set_and_allow_lists);
	tcase_add_test(tc, strict_deny_read_binds_only_the_allow_lists);
	tcase_add_test(tc, devices_minimal_adds_allowed_nodes);
	tcase_add_test(tc, devices_host_binds_host_dev);
	tcase_add_test(tc, devices_auto_is_minimal_in_container_and_host_for_setuid_bwrap);
	tcase_add_test(tc, devices_allow_outside_dev_is_an_error);
	tcase_add_test(tc, empty_policy_path_is_an_error);
	tcase_add_test(tc, sockets_are_masked_and_runtime_dir_is_replaced);
	tcase_add_test(tc, allowed_sockets_stay_reachable);
	tcase_add_test(tc, allowed_socket_is_bound_under_default_deny_read);
	tcase_add_test(tc, allow_all_unix_sockets_keeps_only_fence_dirs_masked);
	tcase_add_test(tc, tmux_tmpdir_and_env_named_sockets_are_masked);
	tcase_add_test(tc, exec_masks_and_extra_binds_come_last);
	tcase_add_test(tc, cwd_below_tmp_is_bound_back_after_private_tmp);
	tcase_add_test(tc, landlock_lists_cover_policy_paths);
	tcase_add_test(tc, placeholders_are_removed_when_empty_and_unused);
	tcase_add_test(tc, placeholders_are_shared_and_crashed_runs_are_cleaned);
	tcase_add_test(tc, placeholders_are_shared_by_plans_of_one_process);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mountplan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
