/* SPDX-License-Identifier: MIT */
/*
 * policy/config.c: finding the configuration, following `extends` and
 * merging the chain.
 *
 * The root is the first source that applies: a template, --settings, a
 * project file found from the working directory up, the user file, the
 * built-in default.  Each file in the chain is parsed and validated on its
 * own (fields.c), then the deepest base is merged with each descendant on
 * top, the root last.  Only files are read here; nothing is executed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/config.h"
#include "policy/configtrust.h"
#include "policy/fields.h"
#include "policy/jsonc.h"
#include "policy/values.h"

/* Configuration files are a few kilobytes; a larger one is a mistake. */
#define CONFIG_MAX_SIZE (1024 * 1024)
/* How many `extends` steps may follow the root. */
#define CONFIG_MAX_EXTENDS 10

/* One configuration text and the names it goes by. */
struct source {
	char *identity; /* "file:" + canonical path, or "template:NAME"; owned */
	char *alias; /* "@base" when reached through it, else NULL; owned */
	char *name; /* for messages: a path or "template:NAME"; owned */
	char *dir; /* directory for relative `extends`; owned, NULL for templates */
	char *text; /* owned */
	size_t len;
	bool is_default; /* the built-in default: no text at all */
};

struct loader {
	const char *cwd;
	struct strv stack; /* identities from the root down, for cycle detection */
	struct config_result *result;
	char **error;
};

static void source_done(struct source *s)
{
	free(s->identity);
	free(s->alias);
	free(s->name);
	free(s->dir);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

/* Read a whole regular file of at most CONFIG_MAX_SIZE bytes. */
static int read_file(const char *path, char **ret_text, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t n = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size > CONFIG_MAX_SIZE)
		return -EFBIG;
	buf = xmalloc((size_t)st.st_size + 1);
	for (;;) {
		ssize_t k = read(fd, buf + n, (size_t)st.st_size - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0 || (n += (size_t)k) == (size_t)st.st_size)
			break;
	}
	buf[n] = '\0';
	*ret_text = TAKE_PTR(buf);
	*ret_len = n;
	return 0;
}

/* strerror for read_file's results, with its own meanings spelled out. */
static const char *read_error(int r)
{
	if (r == -EFBIG)
		return "file is larger than 1 MiB";
	if (r == -EINVAL)
		return "not a regular file";
	if (r == -EKEYREJECTED)
		return "a sandboxed command wrote it; review it, then run 'fence config trust' with "
		       "its path";
	return strerror(-r);
}

/*
 * Fill a file source: `path` as the user wrote it, resolved against
 * `base_dir`.  A relative path is named by its canonical form in messages,
 * since "dir/../x/./y.json" would only confuse.
 */
static int source_file(struct source *s, const char *path, const char *base_dir)
{
	_cleanup_free_ char *full = NULL;
	char canon[PATH_MAX];
	struct stat st;
	char *slash;
	int r;

	full = path[0] == '/' || !base_dir ? xstrdup(path) : xasprintf("%s/%s", base_dir, path);
	r = read_file(full, &s->text, &s->len);
	if (r < 0)
		return r;
	if (!realpath(full, canon))
		return -errno;
	if (stat(canon, &st) == 0 && configtrust_is_recorded(canon, &st))
		return -EKEYREJECTED;
	s->identity = xasprintf("file:%s", canon);
	s->name = xstrdup(path[0] == '/' || !base_dir ? path : canon);
	slash = strrchr(canon, '/');
	s->dir = slash == canon ? xstrdup("/") : xstrndup(canon, (size_t)(slash - canon));
	return 0;
}

static void source_template(struct source *s, const struct template_info *t)
{
	s->identity = xasprintf("template:%s", t->name);
	s->name = xstrdup(s->identity);
	s->text = xstrdup(t->json);
	s->len = strlen(t->json);
}

/* Whether `path` is a regular file (following symlinks). */
static bool is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The user file candidates, in search order. */
static void user_candidates(struct strv *out)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && xdg[0] == '/') {
		strv_pushf(out, "%s/fence/fence.jsonc", xdg);
		strv_pushf(out, "%s/fence/fence.json", xdg);
	} else if (home && home[0] == '/') {
		strv_pushf(out, "%s/.config/fence/fence.jsonc", home);
		strv_pushf(out, "%s/.config/fence/fence.json", home);
	}
	if (home && home[0] == '/') {
#ifdef __APPLE__
		strv_pushf(out, "%s/Library/Application Support/fence/fence.jsonc", home);
		strv_pushf(out, "%s/Library/Application Support/fence/fence.json", home);
#endif
		strv_pushf(out, "%s/.fence.jsonc", home);
		strv_pushf(out, "%s/.fence.json", home);
	}
}

/* The project file candidates: from cwd up to '/', fence.jsonc then fence.json. */
static void project_candidates(const char *cwd, struct strv *out)
{
	static const char *const names[] = { "fence.jsonc", "fence.json", NULL };

	strv_push_upward(out, cwd, names);
}

void config_candidate_files(const struct config_result *r, const char *cwd, struct strv *out)
{
	for (size_t i = 0; r && i < r->chain.n; i++)
		if (strncmp(r->chain.v[i], "file:", 5) == 0 && !strv_contains(out, r->chain.v[i] + 5))
			strv_push(out, r->chain.v[i] + 5);
	project_candidates(cwd, out);
	user_candidates(out);
	configtrust_state_dir(out);
}

/* Whether a text contains nothing but blanks and comments. */
static bool text_is_empty(const struct source *s)
{
	struct jsonc_value *v = NULL;
	struct jsonc_error e;
	int r = jsonc_parse(s->text, s->len, &v, &e);

	jsonc_free(v);
	return r == 0;
}

/*
 * Find the first existing, non-empty file among `paths`.  Returns 1 and
 * fills *s, 0 when there is none, or a negative errno with *error set.
 */
static int first_file(const struct strv *paths, struct source *s, char **error)
{
	for (size_t i = 0; i < paths->n; i++) {
		int r;

		if (!is_regular(paths->v[i]))
			continue;
		r = source_file(s, paths->v[i], NULL);
		if (r < 0) {
			*error = xasprintf("cannot read config '%s': %s", paths->v[i], read_error(r));
			return r;
		}
		if (!text_is_empty(s))
			return 1;
		log_debug("%s is empty, so it counts as absent", paths->v[i]);
		source_done(s);
	}
	return 0;
}

/* The value and position of the last "extends" member of a parsed file. */
static const struct jsonc_value *find_extends(const struct jsonc_value *root)
{
	const struct jsonc_value *found = NULL;

	for (size_t i = 0; i < root->n; i++)
		if (strcmp(root->items[i].key, "extends") == 0)
			found = &root->items[i];
	return found;
}

/* Fail at the `extends` value of the file `name`; returns -EINVAL. */
#define extends_fail(ld, name, at, ...) ((*(ld)->error = fields_message((name), (at), __VA_ARGS__)), -EINVAL)

/* The template name nearest to a mistyped one, or NULL. */
static const char *suggest_template(const char *name)
{
	size_t n;
	const struct template_info *all = config_templates(&n);
	const char *names[64];

	if (n > ELEMENTSOF(names))
		n = ELEMENTSOF(names);
	for (size_t i = 0; i < n; i++)
		names[i] = all[i].name;
	return fields_suggest(name, names, n);
}

/* Resolve the `extends` value `target` of the file `from` into a source. */
static int resolve_extends(struct loader *ld, const struct source *from, const struct jsonc_value *at,
			   const char *target, struct source *s)
{
	_cleanup_free_ char *shown = values_quote(target);
	const struct template_info *t;
	int r;

	if (strcmp(target, "@base") == 0) {
		struct strv paths = { 0 };

		user_candidates(&paths);
		r = first_file(&paths, s, ld->error);
		strv_done(&paths);
		if (r < 0)
			return r;
		if (r == 0)
			s->is_default = true;
		s->alias = xstrdup("@base");
		return 0;
	}
	if (strchr(target, '/') || strchr(target, '\\') || target[0] == '.') {
		r = source_file(s, target, from->dir ? from->dir : ld->cwd);
		if (r < 0)
			return extends_fail(ld, from->name, at, "cannot read 'extends' target %s: %s", shown,
					    read_error(r));
		if (text_is_empty(s))
			return extends_fail(ld, from->name, at, "'extends' target %s is empty", shown);
		return 0;
	}
	t = config_template_find(target);
	if (!t) {
		const char *near = suggest_template(target);

		if (near)
			return extends_fail(ld, from->name, at, "unknown template %s in 'extends'; did you mean '%s'?",
					    shown, near);
		return extends_fail(ld, from->name, at,
				    "unknown template %s in 'extends'; file paths start with '.' or contain '/'", shown);
	}
	source_template(s, t);
	return 0;
}

/* Describe the chain from the root to `next` for a cycle message (owned). */
static char *cycle_text(const struct loader *ld, const char *next)
{
	_cleanup_free_ char *joined = values_join(&ld->stack, " -> ");

	return xasprintf("%s -> %s", joined, next);
}

/* Record a source's identities on the stack and the chain, refusing a cycle. */
static int enter_source(struct loader *ld, const struct source *s, const char *from_name,
			const struct jsonc_value *at)
{
	const char *ids[2] = { s->alias, s->is_default ? NULL : s->identity };

	for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
		_cleanup_free_ char *text = NULL;

		if (!ids[i])
			continue;
		if (strv_contains(&ld->stack, ids[i])) {
			text = cycle_text(ld, ids[i]);
			return extends_fail(ld, from_name, at, "'extends' cycle: %s", text);
		}
		strv_push(&ld->stack, ids[i]);
		strv_push(&ld->result->chain, ids[i]);
	}
	if (s->is_default)
		strv_push(&ld->result->chain, "default");
	return 0;
}

/*
 * A file has a syntax error: collect the warnings (unknown and repeated
 * keys) of the part read before it, which is often where the typo is.
 * Errors in that part are dropped: the syntax error is the one to report.
 */
static void warn_before_error(struct loader *ld, const struct source *s,
			      const struct jsonc_value *partial)
{
	struct fence_config scratch;
	_cleanup_free_ char *extends = NULL, *error = NULL;

	if (!partial || partial->type != JSONC_OBJECT)
		return;
	memset(&scratch, 0, sizeof(scratch));
	fields_done(&scratch);
	fields_parse(partial, s->name, &scratch, &extends, &ld->result->warnings, &error);
	fields_done(&scratch);
}

/*
 * Load `s` and everything it extends into *ret (zeroed by the caller).
 * `depth` counts the steps below the root.
 */
static int load_chain(struct loader *ld, const struct source *s, unsigned depth, struct fence_config *ret)
{
	struct jsonc_value *root = NULL;
	struct jsonc_error e;
	_cleanup_free_ char *extends = NULL;
	struct fence_config base;
	struct source target = { 0 };
	const struct jsonc_value *at;
	int r;

	if (s->is_default)
		return 0;
	r = jsonc_parse_partial(s->text, s->len, &root, &e);
	if (r < 0) {
		warn_before_error(ld, s, root);
		jsonc_free(root);
		*ld->error = xasprintf("%s:%u:%u: %s", s->name, e.line, e.column, e.message);
		return r;
	}
	if (r == 0)
		return 0; /* an empty root counts as the built-in default */
	r = fields_parse(root, s->name, ret, &extends, &ld->result->warnings, ld->error);
	if (r < 0 || !extends)
		goto out;

	at = find_extends(root);
	if (depth >= CONFIG_MAX_EXTENDS) {
		r = extends_fail(ld, s->name, at, "'extends' chain is longer than %d steps", CONFIG_MAX_EXTENDS);
		goto out;
	}
	r = resolve_extends(ld, s, at, extends, &target);
	if (r >= 0)
		r = enter_source(ld, &target, s->name, at);
	if (r < 0)
		goto out;

	memset(&base, 0, sizeof(base));
	fields_done(&base);
	r = load_chain(ld, &target, depth + 1, &base);
	if (r >= 0) {
		fields_merge(&base, ret);
		fields_done(ret);
		*ret = base;
	} else {
		fields_done(&base);
	}
out:
	if (r < 0)
		fields_done(ret);
	source_done(&target);
	jsonc_free(root);
	return r;
}

/* Load a root source into the result. */
static int load_root(struct loader *ld, struct source *s)
{
	int r;

	r = enter_source(ld, s, s->name, NULL);
	if (r < 0)
		return r;
	return load_chain(ld, s, 0, &ld->result->config);
}

/* Find the root source as the request and the file system say. */
static int find_root(const struct config_request *req, const char *cwd, struct source *s,
		     enum config_source_kind *ret_kind, char **error)
{
	struct strv paths = { 0 };
	int r;

	if (req->template_name) {
		const struct template_info *t = config_template_find(req->template_name);
		_cleanup_free_ char *shown = values_quote(req->template_name);

		if (!t && suggest_template(req->template_name)) {
			*error = xasprintf("unknown template %s; did you mean '%s'?", shown,
					   suggest_template(req->template_name));
			return -ENOENT;
		}
		if (!t) {
			*error = xasprintf("unknown template %s; 'fence templates' lists them", shown);
			return -ENOENT;
		}
		source_template(s, t);
		*ret_kind = CONFIG_SOURCE_TEMPLATE;
		return 0;
	}
	if (req->settings_path) {
		_cleanup_free_ char *shown = values_quote(req->settings_path);

		r = source_file(s, req->settings_path, cwd);
		if (r < 0) {
			*error = xasprintf("cannot read settings %s: %s", shown, read_error(r));
			return r;
		}
		free(s->name);
		s->name = xstrdup(req->settings_path);
		*ret_kind = CONFIG_SOURCE_SETTINGS;
		return 0;
	}

	project_candidates(cwd, &paths);
	r = first_file(&paths, s, error);
	strv_done(&paths);
	if (r != 0) {
		*ret_kind = CONFIG_SOURCE_PROJECT;
		return r < 0 ? r : 0;
	}

	user_candidates(&paths);
	r = first_file(&paths, s, error);
	strv_done(&paths);
	if (r != 0) {
		*ret_kind = CONFIG_SOURCE_USER;
		return r < 0 ? r : 0;
	}
	s->is_default = true;
	*ret_kind = CONFIG_SOURCE_DEFAULT;
	return 0;
}

/* Prepare an empty result. */
static void result_init(struct config_result *r)
{
	memset(r, 0, sizeof(*r));
	fields_done(&r->config);
}

/*
 * A load failed: drop the half-built config and chain, but keep the
 * warnings found before the error, so the caller can print them first
 * (an unknown key above a syntax error is often the same typo).
 */
static void result_fail(struct config_result *r)
{
	struct strv warnings = r->warnings;

	r->warnings = (struct strv){ 0 };
	config_result_done(r);
	r->warnings = warnings;
}

int config_resolve(const struct config_request *req, struct config_result *ret, char **ret_error)
{
	char cwd_buf[PATH_MAX];
	const char *cwd = req->cwd;
	struct loader ld = { .result = ret, .error = ret_error };
	struct source s = { 0 };
	int r;

	result_init(ret);
	if (!cwd) {
		if (!getcwd(cwd_buf, sizeof(cwd_buf))) {
			r = -errno;
			*ret_error = xasprintf("cannot get the working directory: %s", strerror(-r));
			return r;
		}
		cwd = cwd_buf;
	}
	ld.cwd = cwd;

	r = find_root(req, cwd, &s, &ret->source, ret_error);
	if (r >= 0)
		r = load_root(&ld, &s);
	source_done(&s);
	strv_done(&ld.stack);
	if (r < 0)
		result_fail(ret);
	return r;
}

int config_load_string(const char *name, const char *dir, const char *text, struct config_result *ret,
		       char **ret_error)
{
	struct loader ld = { .result = ret, .error = ret_error };
	struct source s = { 0 };
	char cwd_buf[PATH_MAX];
	int r;

	result_init(ret);
	ld.cwd = getcwd(cwd_buf, sizeof(cwd_buf)) ? cwd_buf : "/";
	s.identity = xasprintf("file:%s", name);
	s.name = xstrdup(name);
	s.dir = dir ? xstrdup(dir) : NULL;
	s.text = xstrdup(text);
	s.len = strlen(text);
	ret->source = CONFIG_SOURCE_SETTINGS;
	r = load_root(&ld, &s);
	source_done(&s);
	strv_done(&ld.stack);
	if (r < 0)
		result_fail(ret);
	return r;
}

void config_result_done(struct config_result *r)
{
	fields_done(&r->config);
	strv_done(&r->chain);
	strv_done(&r->warnings);
}

void config_done(struct fence_config *c)
{
	fields_done(c);
}

char *config_to_json(const struct fence_config *c)
{
	return fields_to_json(c);
}

bool config_use_default_commands(const struct fence_config *c)
{
	return c->command.use_defaults != TRI_FALSE;
}

bool config_allow_local_outbound(const struct fence_config *c)
{
	if (c->network.allow_local_outbound == TRI_UNSET)
		return c->network.allow_local_binding;
	return c->network.allow_local_outbound == TRI_TRUE;
}

bool config_relaxed_network(const struct fence_config *c)
{
	return strv_contains(&c->network.allowed_domains, "*");
}
