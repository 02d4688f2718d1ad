/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/dangerous.c: the dangerous-path lists and the bounded walk.
 *
 * Only existing paths are collected, by canonical path.  A dangerous name
 * that is a symlink is collected by its target, because bwrap mounts over
 * what a path resolves to, and by its own path in a list of its own: the
 * planner keeps the symlink itself in place by other means.
 */
#include "platform/linux/dangerous.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const dangerous_files[] = {
	".gitconfig", ".gitmodules", ".bashrc", ".bash_profile", ".zshrc",
	".zprofile",  ".profile",    ".ripgreprc", ".mcp.json",
};

static const char *const dangerous_dirs[] = { ".vscode", ".idea" };

bool dangerous_is_file_name(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(dangerous_files); i++)
		if (strcmp(name, dangerous_files[i]) == 0)
			return true;
	return false;
}

static bool is_dangerous_dir_name(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(dangerous_dirs); i++)
		if (strcmp(name, dangerous_dirs[i]) == 0)
			return true;
	return false;
}

/* Add the canonical form of path when it exists, and path itself when it is a symlink. */
static void add_existing(struct dangerous_set *set, const char *path)
{
	char real[PATH_MAX];
	struct stat st;

	if (!realpath(path, real))
		return;
	if (!strv_contains(&set->existing, real))
		strv_push(&set->existing, real);
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && !strv_contains(&set->links, path))
		strv_push(&set->links, path);
}

void dangerous_add_path(struct dangerous_set *set, const char *path)
{
	add_existing(set, path);
}

static void add_missing_dir(struct dangerous_set *set, const char *path)
{
	if (!strv_contains(&set->missing_dirs, path))
		strv_push(&set->missing_dirs, path);
}

void dangerous_add_config_dirs(struct dangerous_set *set, const char *config_home)
{
	static const char *const names[] = { "git", "fence" };
	/*
	 * What the user's session runs later, as .bashrc is for bash: fish's
	 * startup files, systemd user units, desktop autostart entries and
	 * the session environment.  fish keeps its universal variables in
	 * fish/ itself, so only its code is protected, not the directory.
	 */
	static const char *const startup[] = {
		"fish/config.fish", "fish/conf.d", "fish/functions", "systemd/user",
		"autostart",	    "environment.d",
	};
	struct stat st;

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		_cleanup_free_ char *p = fspath_join(config_home, names[i]);

		if (lstat(p, &st) == 0)
			add_existing(set, p);
		else
			add_missing_dir(set, p);
	}
	/* TODO: a missing startup path can still be created; only existing ones are covered. */
	for (size_t i = 0; i < ELEMENTSOF(startup); i++) {
		_cleanup_free_ char *p = fspath_join(config_home, startup[i]);

		add_existing(set, p);
	}
}

/* Resolve a path from a git config value: "~/" is HOME, relative is below base. */
static char *git_config_path(const char *value, const char *base)
{
	const char *home = getenv("HOME");

	if (strncmp(value, "~/", 2) == 0 && home && home[0] == '/')
		return fspath_join(home, value + 2);
	if (value[0] == '/')
		return xstrdup(value);
	return fspath_join(base, value);
}

/*
 * Add what a git config file points at that runs code later: the
 * core.hooksPath directory (husky's .husky/, for one) and every file that
 * include.path or includeIf.*.path pulls in, which can set hooksPath or
 * core.fsmonitor in turn.  worktree is where a relative hooksPath starts;
 * depth bounds include chains.
 */
static void add_git_config_targets(struct dangerous_set *set, const char *config,
				   const char *worktree, unsigned depth)
{
	_cleanup_fclose_ FILE *f = depth < 8 ? fopen(config, "re") : NULL;
	_cleanup_free_ char *dir = xstrdup(config), *line = NULL;
	char section[64] = "";
	size_t cap = 0;

	if (!f)
		return;
	*strrchr(dir, '/') = '\0';
	while (getline(&line, &cap, f) > 0) {
		char *p = line + strspn(line, " \t"), *key, *value, *end;
		_cleanup_free_ char *path = NULL;

		if (*p == '[') {
			size_t n = strcspn(p + 1, " \t]\"");

			snprintf(section, sizeof(section), "%.*s", (int)(n < 63 ? n : 63), p + 1);
			continue;
		}
		key = p;
		value = strchr(p, '=');
		if (!value)
			continue;
		end = value;
		while (end > key && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		*end = '\0';
		value++;
		value += strspn(value, " \t");
		value[strcspn(value, "\r\n")] = '\0';
		if (value[0] == '"' && strlen(value) > 1 && value[strlen(value) - 1] == '"') {
			value[strlen(value) - 1] = '\0';
			value++;
		}
		if (!value[0])
			continue;
		if (strcasecmp(section, "core") == 0 && strcasecmp(key, "hooksPath") == 0) {
			path = git_config_path(value, worktree);
			/* "." would make the whole work tree read-only; git's own check covers it. */
			if (strcmp(path, worktree) != 0)
				add_existing(set, path);
		} else if ((strcasecmp(section, "include") == 0 ||
			    strcasecmp(section, "includeIf") == 0) &&
			   strcasecmp(key, "path") == 0) {
			path = git_config_path(value, dir);
			add_existing(set, path);
			add_git_config_targets(set, path, worktree, depth + 1);
		}
	}
}

void dangerous_add_git_dir(struct dangerous_set *set, const char *gitdir, bool allow_git_config)
{
	_cleanup_free_ char *hooks = fspath_join(gitdir, "hooks");
	_cleanup_free_ char *config = fspath_join(gitdir, "config");
	_cleanup_free_ char *worktree = xstrdup(gitdir);
	char *slash = strrchr(worktree, '/');
	struct stat st;

	if (lstat(hooks, &st) == 0)
		add_existing(set, hooks);
	else
		add_missing_dir(set, hooks);
	if (!allow_git_config) {
		_cleanup_free_ char *worktree_config = fspath_join(gitdir, "config.worktree");

		add_existing(set, config);
		add_existing(set, worktree_config);
	}
	/* A relative hooksPath starts at the work tree, the parent of a .git directory. */
	if (slash && slash != worktree && strcmp(slash, "/.git") == 0)
		*slash = '\0';
	add_git_config_targets(set, config, worktree, 0);
}

/* Read the first line of a small file into buf; false when unreadable. */
static bool read_first_line(const char *path, char *buf, size_t size)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");

	if (!f || !fgets(buf, (int)size, f))
		return false;
	buf[strcspn(buf, "\r\n")] = '\0';
	return true;
}

/*
 * Add the repository a `.git` file points to ("gitdir: PATH", as worktrees
 * and submodules write it), and its common directory when it has one.
 */
static void add_git_file(struct dangerous_set *set, const char *dir, const char *dotgit,
			 bool allow_git_config)
{
	char line[PATH_MAX + 16], real[PATH_MAX], common[PATH_MAX];
	_cleanup_free_ char *gitdir = NULL, *common_file = NULL, *common_dir = NULL;
	const char *target;

	if (!read_first_line(dotgit, line, sizeof(line)) || strncmp(line, "gitdir:", 7) != 0)
		return;
	target = line + 7 + strspn(line + 7, " ");
	gitdir = target[0] == '/' ? xstrdup(target) : fspath_join(dir, target);
	if (!realpath(gitdir, real))
		return;
	dangerous_add_git_dir(set, real, allow_git_config);

	common_file = fspath_join(real, "commondir");
	if (!read_first_line(common_file, common, sizeof(common)))
		return;
	common_dir = common[0] == '/' ? xstrdup(common) : fspath_join(real, common);
	if (realpath(common_dir, line))
		dangerous_add_git_dir(set, line, allow_git_config);
}

/* Whether gitdir's `gitdir` back-link (absolute, or relative to gitdir) names the file dotgit. */
static bool back_link_names(const char *gitdir, const char *dotgit)
{
	_cleanup_free_ char *back = fspath_join(gitdir, "gitdir"), *target = NULL;
	char line[PATH_MAX + 16], a[PATH_MAX], b[PATH_MAX];

	if (!read_first_line(back, line, sizeof(line)) || !line[0])
		return false;
	target = line[0] == '/' ? xstrdup(line) : fspath_join(gitdir, line);
	return realpath(target, a) && realpath(dotgit, b) && strcmp(a, b) == 0;
}

/*
 * Resolve the linked worktree a `.git` file names.  Sandboxed code that
 * could write the file chooses its target, so the target counts only in
 * git's own layout: COMMON/worktrees/NAME, with a `gitdir` back-link
 * naming this very `.git` file.  Planting that back-link needs write
 * access to the target already.
 */
static bool linked_worktree(const char *worktree, const char *dotgit, char **ret_gitdir,
			    char **ret_commondir)
{
	char line[PATH_MAX + 16], real[PATH_MAX], common[PATH_MAX];
	_cleanup_free_ char *gitdir = NULL, *up = NULL;
	const char *target;
	char *slash;

	if (!read_first_line(dotgit, line, sizeof(line)) || strncmp(line, "gitdir:", 7) != 0)
		return false;
	target = line + 7 + strspn(line + 7, " ");
	gitdir = target[0] == '/' ? xstrdup(target) : fspath_join(worktree, target);
	if (!realpath(gitdir, real))
		return false;
	if (!back_link_names(real, dotgit))
		return false;
	up = xstrdup(real);
	slash = strrchr(up, '/');
	*slash = '\0';
	slash = strrchr(up, '/');
	if (!slash || strcmp(slash + 1, "worktrees") != 0)
		return false;
	*slash = '\0';
	if (!realpath(up[0] ? up : "/", common))
		return false;
	*ret_gitdir = xstrdup(real);
	*ret_commondir = xstrdup(common);
	return true;
}

bool dangerous_find_repository(const char *dir, char **ret_worktree, char **ret_gitdir,
			       char **ret_commondir)
{
	_cleanup_free_ char *cur = xstrdup(dir);
	char real[PATH_MAX];
	struct stat st;

	for (;;) {
		_cleanup_free_ char *dotgit = fspath_join(cur, ".git");
		char *slash;

		if (lstat(dotgit, &st) == 0 && S_ISDIR(st.st_mode) && realpath(dotgit, real)) {
			*ret_worktree = xstrdup(cur);
			*ret_gitdir = xstrdup(real);
			*ret_commondir = xstrdup(real);
			return true;
		}
		if (lstat(dotgit, &st) == 0 && S_ISREG(st.st_mode)) {
			if (!linked_worktree(cur, dotgit, ret_gitdir, ret_commondir))
				return false;
			*ret_worktree = xstrdup(cur);
			return true;
		}
		slash = strrchr(cur, '/');
		if (!slash || !slash[1])
			return false;
		if (slash == cur)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

/*
 * Classify one entry of a walked directory; returns whether to descend
 * into it.  The entry type from readdir() saves a stat for every ordinary
 * file, which is most of a large tree.
 */
/* Whether dir is a bare git repository: HEAD, objects/ and refs/ at its top. */
static bool is_bare_repo(const char *dir)
{
	static const char *const names[] = { "HEAD", "objects", "refs" };
	struct stat st;

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		_cleanup_free_ char *p = fspath_join(dir, names[i]);

		if (lstat(p, &st) < 0 || (i == 0) != S_ISREG(st.st_mode))
			return false;
	}
	return true;
}

static bool visit_entry(struct dangerous_set *set, const char *dir, const struct dirent *e,
			bool allow_git_config)
{
	_cleanup_free_ char *path = NULL;
	bool special = dangerous_is_file_name(e->d_name) || is_dangerous_dir_name(e->d_name) ||
		       strcmp(e->d_name, ".git") == 0;
	struct stat st;

	if (!special && e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
		return false;
	if (strcmp(e->d_name, "node_modules") == 0)
		return false;
	path = fspath_join(dir, e->d_name);
	if (!special) {
		if (e->d_type != DT_DIR && (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode)))
			return false;
		/* A bare repository (remote.git) runs its hooks on every push to it. */
		if (is_bare_repo(path)) {
			dangerous_add_git_dir(set, path, allow_git_config);
			return false;
		}
		return true;
	}

	if (lstat(path, &st) < 0)
		return false;
	if (strcmp(e->d_name, ".git") != 0) {
		add_existing(set, path);
		return false;
	}
	if (S_ISDIR(st.st_mode))
		dangerous_add_git_dir(set, path, allow_git_config);
	else if (S_ISREG(st.st_mode))
		add_git_file(set, dir, path, allow_git_config);
	return false;
}

void dangerous_add_dir(struct dangerous_set *set, const char *dir, bool allow_git_config,
		       bool record_missing_editor_dirs)
{
	_cleanup_free_ char *dotgit = fspath_join(dir, ".git");
	struct stat st;

	for (size_t i = 0; i < ELEMENTSOF(dangerous_files); i++) {
		_cleanup_free_ char *p = fspath_join(dir, dangerous_files[i]);

		add_existing(set, p);
	}
	for (size_t i = 0; i < ELEMENTSOF(dangerous_dirs); i++) {
		_cleanup_free_ char *p = fspath_join(dir, dangerous_dirs[i]);

		if (lstat(p, &st) == 0)
			add_existing(set, p);
		else if (record_missing_editor_dirs)
			add_missing_dir(set, p);
	}
	if (is_bare_repo(dir))
		dangerous_add_git_dir(set, dir, allow_git_config);
	if (lstat(dotgit, &st) == 0 && S_ISDIR(st.st_mode))
		dangerous_add_git_dir(set, dotgit, allow_git_config);
	else if (lstat(dotgit, &st) == 0 && S_ISREG(st.st_mode))
		add_git_file(set, dir, dotgit, allow_git_config);
}

void dangerous_add_ancestors(struct dangerous_set *set, const char *path)
{
	_cleanup_free_ char *prefix = xstrdup(path);

	for (char *slash = strrchr(prefix, '/'); slash; slash = strrchr(prefix, '/')) {
		const char *name = slash + 1;

		if (dangerous_is_file_name(name) || is_dangerous_dir_name(name))
			add_existing(set, prefix);
		*slash = '\0';
	}
}

static bool is_pseudo_fs(const char *path)
{
	return strcmp(path, "/proc") == 0 || strcmp(path, "/sys") == 0 || strcmp(path, "/dev") == 0;
}

/* Walk one directory level; depth counts from the walk's root. */
static void walk_dir(struct dangerous_set *set, const char *dir, unsigned depth,
		     bool allow_git_config, struct fspath_budget *budget)
{
	DIR *d;
	struct dirent *e;
	struct strv subdirs = { 0 };

	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (++budget->entries > budget->max_entries) {
			budget->truncated = true;
			break;
		}
		if (visit_entry(set, dir, e, allow_git_config))
			strv_pushf(&subdirs, "%s", e->d_name);
	}
	closedir(d);

	/* Descend after closing, so that a deep walk keeps one directory open at a time. */
	for (size_t i = 0; i < subdirs.n; i++) {
		_cleanup_free_ char *sub = fspath_join(dir, subdirs.v[i]);

		if (is_pseudo_fs(sub))
			continue;
		if (depth + 1 > budget->max_depth) {
			budget->truncated = budget->too_deep = true;
			continue;
		}
		walk_dir(set, sub, depth + 1, allow_git_config, budget);
	}
	strv_done(&subdirs);
}

void dangerous_walk(struct dangerous_set *set, const char *root, bool allow_git_config,
		    struct fspath_budget *budget)
{
	struct stat st;

	if (lstat(root, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	walk_dir(set, root, 0, allow_git_config, budget);
}

void dangerous_add_missing_files(const char *dir, struct strv *ret)
{
	struct stat st;

	for (size_t i = 0; i < ELEMENTSOF(dangerous_files); i++) {
		_cleanup_free_ char *p = fspath_join(dir, dangerous_files[i]);

		if (lstat(p, &st) < 0 && errno == ENOENT && !strv_contains(ret, p))
			strv_push(ret, p);
	}
}

void dangerous_set_done(struct dangerous_set *set)
{
	strv_done(&set->existing);
	strv_done(&set->missing_dirs);
	strv_done(&set->links);
}
