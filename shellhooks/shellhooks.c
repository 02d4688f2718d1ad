/* SPDX-License-Identifier: MIT */
/*
 * shellhooks/shellhooks.c: shell choice, hook files and the shell's
 * command line.
 */
#include "shellhooks/shellhooks.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "shellhooks/embedded.h"

static const char *const kind_names[] = {
	[SHELLHOOKS_BASH] = "bash",
	[SHELLHOOKS_ZSH] = "zsh",
	[SHELLHOOKS_FISH] = "fish",
};

/* Embedded source path and the name it gets in the runtime directory. */
static const struct {
	const char *source;
	const char *name;
} hook_files[] = {
	{ "shellhooks/fence.bash", "fence.bash" },
	{ "shellhooks/fence.zsh", "fence.zsh" },
	{ "shellhooks/zsh/.zshenv", "zsh/.zshenv" },
	{ "shellhooks/fence.fish", "fence.fish" },
};

const char *shellhooks_kind_name(enum shellhooks_kind kind)
{
	return kind_names[kind];
}

static int kind_from_name(const char *name, enum shellhooks_kind *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(kind_names); i++) {
		if (strcmp(kind_names[i], name) == 0) {
			*ret = (enum shellhooks_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Find an executable `name` in the colon-separated `path`; owned or NULL. */
static char *find_in_path(const char *name, const char *path)
{
	const char *p = path;

	while (*p) {
		const char *colon = strchrnul(p, ':');
		_cleanup_free_ char *candidate = NULL;

		if (colon > p && *p == '/') {
			candidate = xasprintf("%.*s/%s", (int)(colon - p), p, name);
			if (access(candidate, X_OK) == 0)
				return TAKE_PTR(candidate);
		}
		p = *colon ? colon + 1 : colon;
	}
	return NULL;
}

int shellhooks_resolve(const char *requested, const char *user_shell, const char *path,
		       struct shellhooks_shell *ret)
{
	enum shellhooks_kind kind = SHELLHOOKS_BASH;
	char *found;

	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	if (requested) {
		if (kind_from_name(requested, &kind) < 0)
			return -EINVAL;
	} else if (user_shell && user_shell[0] == '/') {
		const char *base = strrchr(user_shell, '/') + 1;

		/* $SHELL names the user's own build of the shell: use that file. */
		if (kind_from_name(base, &kind) == 0 && access(user_shell, X_OK) == 0) {
			*ret = (struct shellhooks_shell){ .kind = kind, .path = xstrdup(user_shell) };
			return 0;
		}
		kind = SHELLHOOKS_BASH;
	}
	found = find_in_path(kind_names[kind], path);
	if (!found)
		return -ENOENT;
	*ret = (struct shellhooks_shell){ .kind = kind, .path = found };
	return 0;
}

void shellhooks_shell_done(struct shellhooks_shell *sh)
{
	free(sh->path);
	sh->path = NULL;
}

/* Write `size` bytes to dir/name, mode 0444, replacing any old file. */
static int write_file(const char *dir, const char *name, const char *data, size_t size)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	_cleanup_close_ int fd = -1;

	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd < 0)
		return -errno;
	while (size > 0) {
		ssize_t n = write(fd, data, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		size -= (size_t)n;
	}
	if (close(TAKE_FD(fd)) < 0)
		return -errno;
	return 0;
}

int shellhooks_write(const char *dir, const char *policy_json)
{
	_cleanup_free_ char *zdir = xasprintf("%s/zsh", dir);
	int r;

	if (mkdir(zdir, 0700) < 0 && errno != EEXIST)
		return -errno;
	for (size_t i = 0; i < ELEMENTSOF(hook_files); i++) {
		const struct embedded_file *f = embedded_find(hook_files[i].source);

		if (!f)
			return -ENOENT;
		r = write_file(dir, hook_files[i].name, f->data, f->size);
		if (r < 0)
			return r;
	}
	if (policy_json) {
		r = write_file(dir, "policy.json", policy_json, strlen(policy_json));
		if (r < 0)
			return r;
	}
	return 0;
}

/* Quote `s` as one fish word: single quotes, with \ and ' escaped. */
static char *fish_quote(const char *s)
{
	char *out = xmalloc(2 * strlen(s) + 3);
	char *o = out;

	*o++ = '\'';
	for (; *s; s++) {
		if (*s == '\\' || *s == '\'')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

/* The directory of fish's own files inside the sandbox, in its private /tmp. */
#define SHELLHOOKS_FISH_HOME "/tmp/fence/run/fish"

/* The value of environment variable name when it is an absolute path, else "". */
static const char *env_or_empty(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] == '/' ? v : "";
}

void shellhooks_command(const struct shellhooks_shell *sh, const char *dir,
			const struct shellhooks_options *o, struct strv *argv, struct strv *env)
{
	const char *marker = o->marker ? o->marker : SHELLHOOKS_DEFAULT_MARKER;

	strv_push(argv, sh->path);
	if (o->session)
		strv_pushf(env, "FENCE_SESSION=%s", o->session);
	if (o->no_hooks) {
		strv_push(argv, "-i");
		return;
	}

	strv_pushf(env, "FENCE_HOOK_DIR=%s", dir);
	strv_pushf(env, "FENCE_PROMPT_MARKER=%s", marker);
	if (o->fence_path) {
		strv_pushf(env, "FENCE_HOOK_BIN=%s", o->fence_path);
		strv_pushf(env, "FENCE_HOOK_POLICY=%s/policy.json", dir);
	}
	switch (sh->kind) {
	case SHELLHOOKS_BASH:
		strv_push(argv, "--rcfile");
		strv_pushf(argv, "%s/fence.bash", dir);
		strv_push(argv, "-i");
		break;
	case SHELLHOOKS_ZSH:
		/* fence's .zshenv puts the user's ZDOTDIR back before anything else. */
		strv_pushf(env, "ZDOTDIR=%s/zsh", dir);
		if (o->zdotdir)
			strv_pushf(env, "FENCE_ORIG_ZDOTDIR=%s", o->zdotdir);
		strv_push(argv, "-i");
		break;
	case SHELLHOOKS_FISH: {
		_cleanup_free_ char *file = xasprintf("%s/fence.fish", dir);
		_cleanup_free_ char *quoted = fish_quote(file);

		/*
		 * fish prints errors when it cannot create its config and data
		 * directories, and home is read-only under most policies.  So
		 * its universal variables and history go to the sandbox's
		 * private /tmp.  fence.fish then loads the user's config from
		 * its real place and restores both variables for commands.
		 */
		strv_pushf(env, "FENCE_FISH_CONFIG_HOME=%s", env_or_empty("XDG_CONFIG_HOME"));
		strv_pushf(env, "FENCE_FISH_DATA_HOME=%s", env_or_empty("XDG_DATA_HOME"));
		strv_pushf(env, "XDG_CONFIG_HOME=%s/config", SHELLHOOKS_FISH_HOME);
		strv_pushf(env, "XDG_DATA_HOME=%s/data", SHELLHOOKS_FISH_HOME);
		strv_push(argv, "--init-command");
		strv_pushf(argv, "source %s", quoted);
		strv_push(argv, "-i");
		break;
	}
	}
}

int shellhooks_prepare(const char *requested, const char *host_dir, const char *sandbox_dir,
		       const struct shellhooks_options *o, const char *policy_json,
		       struct strv *argv, struct strv *env, char **ret_error)
{
	struct shellhooks_shell sh = { 0 };
	int r;

	r = shellhooks_resolve(requested, getenv("SHELL"), getenv("PATH"), &sh);
	if (r == -EINVAL) {
		*ret_error = xasprintf("invalid shell '%s': expected bash, zsh or fish", requested);
		return r;
	} else if (r < 0) {
		*ret_error = xasprintf("shell '%s' not found in PATH", requested ? requested : "bash");
		return r;
	}
	if (!o->no_hooks) {
		if (mkdir(host_dir, 0700) < 0 && errno != EEXIST) {
			r = -errno;
		} else {
			r = shellhooks_write(host_dir, policy_json);
		}
		if (r < 0) {
			*ret_error = xasprintf("cannot write the shell hooks into '%s': %s", host_dir,
					       strerror(-r));
			shellhooks_shell_done(&sh);
			return r;
		}
	}
	shellhooks_command(&sh, sandbox_dir, o, argv, env);
	log_debug("shell %s with%s hooks in %s", sh.path, o->no_hooks ? "out" : "", host_dir);
	shellhooks_shell_done(&sh);
	return 0;
}

void shellhooks_remove(const char *host_dir)
{
	_cleanup_free_ char *policy = xasprintf("%s/policy.json", host_dir);
	_cleanup_free_ char *zdir = xasprintf("%s/zsh", host_dir);

	for (size_t i = 0; i < ELEMENTSOF(hook_files); i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", host_dir, hook_files[i].name);

		unlink(path);
	}
	unlink(policy);
	rmdir(zdir);
	rmdir(host_dir);
}
