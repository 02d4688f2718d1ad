/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/execmask.c: resolve deny rules to the binaries to mask.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "platform/linux/execmask.h"

/* Directories searched after $PATH, where deny rules' programs usually live. */
static const char *const extra_dirs[] = {
	"/usr/bin", "/bin", "/usr/local/bin", "/opt/homebrew/bin", "/opt/local/bin",
};

/*
 * Commands that shells, build scripts and fence's own hooks need: masking
 * a binary that also serves one of them breaks the sandbox in ways that
 * are hard to trace back to a deny rule, so it earns a warning.
 */
static const char *const critical_commands[] = {
	"cat",	  "head",     "tail",	 "echo",  "sort",     "wc",    "cut",	"tr",
	"uniq",	  "[",	      "basename", "cp",	   "date",     "dirname", "env",	"false",
	"id",	  "ls",	      "mkdir",	 "mktemp", "mv",       "printf", "pwd",	"readlink",
	"realpath", "rmdir",   "tee",	 "test",  "touch",    "true",  "uname",	"whoami",
	"grep",	  "sed",      "awk",	 "find",  "xargs",
};

const char *const *execmask_critical(size_t *ret_n)
{
	*ret_n = ELEMENTSOF(critical_commands);
	return critical_commands;
}

/* Characters that make a rule something other than a plain program name. */
static bool plain_program_rule(const char *rule, char **ret_word)
{
	char **words = NULL;
	size_t n;

	if (strpbrk(rule, "*?[]|&;()<>$=`"))
		return false;
	n = cmdline_words(rule, &words);
	if (n != 1 || words[0][0] == '\0') {
		cmdline_words_free(words);
		return false;
	}
	*ret_word = xstrdup(words[0]);
	cmdline_words_free(words);
	return true;
}

/* Add the canonical path of file to ret when it is an existing regular file. */
static void add_canonical(const char *file, struct strv *ret)
{
	char canonical[PATH_MAX];
	struct stat st;

	if (!realpath(file, canonical))
		return;
	if (stat(canonical, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	if (!strv_contains(ret, canonical))
		strv_push(ret, canonical);
}

/*
 * Every file that running `word` could execute: each hit in $PATH and
 * the extra directories (not only the first, since any of them can be
 * run by its full path), or the word itself when it is a path.
 */
static void resolve_program(const char *word, const char *path_env, struct strv *ret)
{
	_cleanup_free_ char *copy = xstrdup(path_env ? path_env : "");
	char *save = NULL;

	if (strchr(word, '/')) {
		add_canonical(word, ret);
		return;
	}
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *file = NULL;

		if (dir[0] != '/')
			continue; /* a relative PATH entry depends on the cwd of each exec */
		file = xasprintf("%s/%s", dir, word);
		add_canonical(file, ret);
	}
	for (size_t i = 0; i < ELEMENTSOF(extra_dirs); i++) {
		_cleanup_free_ char *file = xasprintf("%s/%s", extra_dirs[i], word);

		add_canonical(file, ret);
	}
}

void execmask_resolve(const char *word, const char *path_env, struct strv *ret)
{
	resolve_program(word, path_env, ret);
}

/* One file that runs a critical command, by inode. */
struct critical_file {
	const char *name; /* borrowed from critical_commands */
	dev_t dev;
	ino_t ino;
};

struct critical_files {
	struct critical_file *v; /* owned */
	size_t n;
};

/*
 * Resolve every critical command that the rules do not deny to the
 * inodes it may run, once per build.
 */
static void resolve_critical(const char *path_env, const struct strv *denied,
			     struct critical_files *ret)
{
	*ret = (struct critical_files){ 0 };
	for (size_t i = 0; i < ELEMENTSOF(critical_commands); i++) {
		struct strv hits = { 0 };

		if (strv_contains(denied, critical_commands[i]))
			continue;
		resolve_program(critical_commands[i], path_env, &hits);
		for (size_t k = 0; k < hits.n; k++) {
			struct stat st;

			if (stat(hits.v[k], &st) < 0)
				continue;
			ret->v = xrealloc(ret->v, (ret->n + 1) * sizeof(*ret->v));
			ret->v[ret->n++] = (struct critical_file){ critical_commands[i], st.st_dev,
								   st.st_ino };
		}
		strv_done(&hits);
	}
}

/*
 * The critical commands that `target` also serves (hard links, symlinks
 * or the same multi-call binary).
 */
static void shared_critical(const char *target, const struct critical_files *critical,
			    struct strv *ret)
{
	struct stat st;

	if (stat(target, &st) < 0)
		return;
	for (size_t i = 0; i < critical->n; i++)
		if (critical->v[i].dev == st.st_dev && critical->v[i].ino == st.st_ino &&
		    !strv_contains(ret, critical->v[i].name))
			strv_push(ret, critical->v[i].name);
}

/* Join a vector with ", " for a message; owned. */
static char *join(const struct strv *sv)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < sv->n; i++) {
		char *next = xasprintf("%s%s%s", out, i ? ", " : "", sv->v[i]);

		free(out);
		out = next;
	}
	return out;
}

/* Whether some allow rule starts with `word`, so the program must stay runnable. */
static bool allowed_somewhere(const struct fence_config *c, const char *word)
{
	for (size_t i = 0; i < c->command.allow.n; i++) {
		char **words = NULL;
		bool hit;

		cmdline_words(c->command.allow.v[i], &words);
		hit = words[0] && strcmp(cmdline_basename(words[0]), cmdline_basename(word)) == 0;
		cmdline_words_free(words);
		if (hit)
			return true;
	}
	return false;
}

/* Collect the plain program words of the deny list and, when used, the defaults. */
static void collect_words(const struct fence_config *c, struct strv *ret)
{
	size_t n_defaults;
	const char *const *defaults = cmdrules_defaults(&n_defaults);
	char *word;

	for (size_t i = 0; i < c->command.deny.n; i++)
		if (plain_program_rule(c->command.deny.v[i], &word)) {
			if (!strv_contains(ret, word))
				strv_push(ret, word);
			free(word);
		}
	if (!cmdrules_use_defaults(c))
		return;
	for (size_t i = 0; i < n_defaults; i++)
		if (plain_program_rule(defaults[i], &word)) {
			if (!strv_contains(ret, word))
				strv_push(ret, word);
			free(word);
		}
}

void execmask_words(const struct fence_config *c, struct strv *ret)
{
	struct strv words = { 0 };

	collect_words(c, &words);
	for (size_t i = 0; i < words.n; i++)
		if (!allowed_somewhere(c, words.v[i]) && !strv_contains(ret, words.v[i]))
			strv_push(ret, words.v[i]);
	strv_done(&words);
}

/* Decide the mask of one resolved target of `word`. */
static void plan_target(const struct execmask_request *req, const char *word, const char *target,
			const struct critical_files *critical, struct execmask_plan *ret)
{
	struct strv shared = { 0 };

	shared_critical(target, critical, &shared);
	if (shared.n > 0) {
		_cleanup_free_ char *names = join(&shared);

		if (strv_contains(&req->config->command.accept_shared_binary_cannot_runtime_deny,
				  word)) {
			strv_pushf(&ret->debug,
				   "not masking '%s' for rule '%s': it also runs %s, and the rule is in "
				   "acceptSharedBinaryCannotRuntimeDeny",
				   target, word, names);
			strv_done(&shared);
			return;
		}
		strv_pushf(&ret->warnings,
			   "masking '%s' for rule '%s' also blocks %s, which run the same binary; "
			   "add '%s' to command.acceptSharedBinaryCannotRuntimeDeny to leave it "
			   "runnable",
			   target, word, names, word);
	}
	strv_done(&shared);
	if (!strv_contains(&ret->paths, target)) {
		strv_push(&ret->paths, target);
		strv_pushf(&ret->debug, "masking '%s' for rule '%s'", target, word);
	}
}

int execmask_build(const struct execmask_request *req, struct execmask_plan *ret)
{
	struct critical_files critical = { 0 };
	struct strv words = { 0 };
	char shell[PATH_MAX] = "";

	*ret = (struct execmask_plan){ 0 };
	if (req->shell && !realpath(req->shell, shell))
		shell[0] = '\0';
	collect_words(req->config, &words);
	if (words.n > 0)
		resolve_critical(req->path_env, &words, &critical);

	for (size_t i = 0; i < words.n; i++) {
		struct strv targets = { 0 };

		if (allowed_somewhere(req->config, words.v[i])) {
			strv_pushf(&ret->debug, "not masking '%s': command.allow has a rule for it",
				   words.v[i]);
			continue;
		}
		resolve_program(words.v[i], req->path_env, &targets);
		if (targets.n == 0)
			strv_pushf(&ret->debug, "rule '%s' names no installed program", words.v[i]);
		for (size_t k = 0; k < targets.n; k++) {
			if (shell[0] && strcmp(targets.v[k], shell) == 0) {
				strv_pushf(&ret->debug, "not masking '%s' for rule '%s': it is the shell",
					   targets.v[k], words.v[i]);
				continue;
			}
			plan_target(req, words.v[i], targets.v[k], &critical, ret);
		}
		strv_done(&targets);
	}
	free(critical.v);
	strv_done(&words);
	return 0;
}

void execmask_done(struct execmask_plan *p)
{
	strv_done(&p->paths);
	strv_done(&p->warnings);
	strv_done(&p->debug);
}
