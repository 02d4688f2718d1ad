/* SPDX-License-Identifier: MIT */
/*
 * session/prompt.c: prompt commands that change a session's network
 * policy, show it, and save it into a config file.
 *
 * `save` edits the config text instead of re-serializing the parsed
 * config, so the user's comments, order and formatting survive: a small
 * scanner that knows JSONC's strings and comments finds the network
 * object and its arrays, and the new entries are inserted at their
 * start.  The result is parsed again before it is written.
 */
#include "session/prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/policy.h"
#include "proxy/proxy.h"

/*
 * Record which file the session loaded, by device and inode (through a
 * symlink the user keeps there), so that `save` writes only that file.
 */
static void remember_config(struct prompt_policy *p, const char *path)
{
	struct stat st;

	p->config_path = xstrdup(path);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		p->config_id = (struct file_id){.dev = st.st_dev, .ino = st.st_ino, .known = true};
}

void prompt_policy_init(struct prompt_policy *p, const struct fence_config *c,
			const struct strv *chain)
{
	const char *leaf = chain && chain->n ? chain->v[chain->n - 1] : NULL;

	*p = (struct prompt_policy){0};
	strv_copy(&p->base_allowed, &c->network.allowed_domains);
	strv_copy(&p->base_denied, &c->network.denied_domains);
	p->ask = c->network.on_blocked == ON_BLOCKED_ASK;
	if (leaf && strncmp(leaf, "file:", 5) == 0)
		remember_config(p, leaf + 5);
	else if (leaf && strncmp(leaf, "template:", 9) == 0)
		p->template_name = xstrdup(leaf + 9);
}

void prompt_policy_done(struct prompt_policy *p)
{
	strv_done(&p->base_allowed);
	strv_done(&p->base_denied);
	strv_done(&p->allowed);
	strv_done(&p->denied);
	strv_done(&p->allowed_once);
	free(p->config_path);
	free(p->template_name);
	free(p->written_path);
	*p = (struct prompt_policy){0};
}

/* Remove every copy of s from sv. */
static void strv_remove(struct strv *sv, const char *s)
{
	size_t j = 0;

	for (size_t i = 0; i < sv->n; i++) {
		if (strcmp(sv->v[i], s) == 0)
			free(sv->v[i]);
		else
			sv->v[j++] = sv->v[i];
	}
	sv->n = j;
	if (sv->v)
		sv->v[j] = NULL;
}

static void push_unique(struct strv *sv, const char *s)
{
	if (!strv_contains(sv, s))
		strv_push(sv, s);
}

void prompt_policy_effective(const struct prompt_policy *p, struct strv *ret_allowed,
			     struct strv *ret_denied)
{
	*ret_allowed = (struct strv){0};
	*ret_denied = (struct strv){0};
	for (size_t i = 0; i < p->base_allowed.n; i++)
		push_unique(ret_allowed, p->base_allowed.v[i]);
	for (size_t i = 0; i < p->allowed.n; i++)
		push_unique(ret_allowed, p->allowed.v[i]);
	for (size_t i = 0; i < p->allowed_once.n; i++)
		push_unique(ret_allowed, p->allowed_once.v[i]);
	/* A session `allow` of a name the config denies lifts that deny, as
	 * deny would otherwise win; a session `deny` wins over everything. */
	for (size_t i = 0; i < p->base_denied.n; i++)
		if (!strv_contains(&p->allowed, p->base_denied.v[i]) &&
		    !strv_contains(&p->allowed_once, p->base_denied.v[i]))
			push_unique(ret_denied, p->base_denied.v[i]);
	for (size_t i = 0; i < p->denied.n; i++)
		push_unique(ret_denied, p->denied.v[i]);
}

/* Apply the effective lists to the running proxies; -EINVAL with a message. */
static int apply(struct prompt_policy *p, char **ret_error)
{
	struct strv allowed, denied;
	int r = 0;

	if (!p->proxy)
		return 0;
	prompt_policy_effective(p, &allowed, &denied);
	r = proxy_set_domains(p->proxy, &allowed, &denied, ret_error);
	strv_done(&allowed);
	strv_done(&denied);
	return r;
}

/* Append "a, b, c" (or "(none)") to a message. */
static void list_append(struct strv *out, const char *label, const struct strv *sv)
{
	_cleanup_free_ char *joined = xstrdup("");

	for (size_t i = 0; i < sv->n; i++) {
		char *next = xasprintf("%s%s%s", joined, i ? ", " : "", sv->v[i]);

		free(joined);
		joined = next;
	}
	strv_pushf(out, "%s: %s", label, sv->n ? joined : "(none)");
}

/* `policy`: the effective lists and where they came from. */
static char *show_policy(const struct prompt_policy *p)
{
	struct strv allowed, denied, lines = {0};
	_cleanup_free_ char *text = xstrdup("");

	prompt_policy_effective(p, &allowed, &denied);
	list_append(&lines, "allowed", &allowed);
	list_append(&lines, "denied", &denied);
	list_append(&lines, "changed this session (save writes them): allow", &p->allowed);
	list_append(&lines, "changed this session (save writes them): deny", &p->denied);
	list_append(&lines, "allowed once (not saved)", &p->allowed_once);
	strv_pushf(&lines, "onBlocked: %s; config: %s", p->ask ? "ask" : "deny",
		   p->config_path       ? p->config_path
		   : p->template_name ? p->template_name
				      : "built-in default");
	for (size_t i = 0; i < lines.n; i++) {
		char *next = xasprintf("%s%s%s", text, i ? "\n" : "", lines.v[i]);

		free(text);
		text = next;
	}
	strv_done(&allowed);
	strv_done(&denied);
	strv_done(&lines);
	return TAKE_PTR(text);
}

/* ---- saving ---- */

/* Skip whitespace and comments from i; returns the next index. */
static size_t skip_space(const char *s, size_t i)
{
	for (;;) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++;
		} else if (s[i] == '/' && s[i + 1] == '/') {
			while (s[i] && s[i] != '\n')
				i++;
		} else if (s[i] == '/' && s[i + 1] == '*') {
			const char *end = strstr(s + i + 2, "*/");

			i = end ? (size_t)(end - s) + 2 : strlen(s);
		} else {
			return i;
		}
	}
}

/* The index just past the string starting at s[i] == '"', or 0. */
static size_t skip_string(const char *s, size_t i)
{
	for (i++; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1])
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/* The index just past the value starting at i, or 0 when malformed. */
static size_t skip_value(const char *s, size_t i)
{
	char open = s[i], close;
	int depth = 0;

	if (open == '"')
		return skip_string(s, i);
	if (open != '{' && open != '[') {
		while (s[i] && !strchr(",}] \t\r\n/", s[i]))
			i++;
		return i;
	}
	close = open == '{' ? '}' : ']';
	for (;;) {
		i = skip_space(s, i);
		if (!s[i])
			return 0;
		if (s[i] == '"') {
			i = skip_string(s, i);
			if (!i)
				return 0;
			continue;
		}
		if (s[i] == open)
			depth++;
		else if (s[i] == close && --depth == 0)
			return i + 1;
		i++;
	}
}

/*
 * Find member `key` of the object at s[obj] == '{'.  Returns the index of
 * its value, or 0 when the object has no such member.
 */
static size_t find_member(const char *s, size_t obj, const char *key)
{
	size_t i = skip_space(s, obj + 1), klen = strlen(key);

	while (s[i] == '"') {
		size_t kend = skip_string(s, i), v;

		if (!kend)
			return 0;
		v = skip_space(s, kend);
		if (s[v] != ':')
			return 0;
		v = skip_space(s, v + 1);
		if (kend - i - 2 == klen && strncmp(s + i + 1, key, klen) == 0)
			return v;
		i = skip_value(s, v);
		if (!i)
			return 0;
		i = skip_space(s, i);
		if (s[i] != ',')
			return 0;
		i = skip_space(s, i + 1);
	}
	return 0;
}

/* The indentation of the line after index i (for multi-line containers). */
static char *next_indent(const char *s, size_t i)
{
	const char *nl = strchr(s + i, '\n');
	size_t n;

	if (!nl)
		return xstrdup(" ");
	n = strspn(nl + 1, " \t");
	return xasprintf("\n%.*s", (int)n, nl + 1);
}

/* Insert ins at index at of *text (reallocated). */
static void insert_at(char **text, size_t at, const char *ins)
{
	char *next = xasprintf("%.*s%s%s", (int)at, *text, ins, *text + at);

	free(*text);
	*text = next;
}

/* A JSON string literal for s (owned). */
static char *quote(const char *s)
{
	char *out = xmalloc(2 * strlen(s) + 3), *o = out;

	*o++ = '"';
	for (const char *c = s; *c; c++) {
		if (*c == '"' || *c == '\\')
			*o++ = '\\';
		*o++ = *c;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* "a", "b" for the entries of sv, each followed by sep. */
static char *entries(const struct strv *sv, const char *sep)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < sv->n; i++) {
		_cleanup_free_ char *q = quote(sv->v[i]);
		char *next = xasprintf("%s%s%s", out, q, sep);

		free(out);
		out = next;
	}
	return out;
}

/* Whether the container starting at s[open] spans more than one line. */
static bool multiline(const char *s, size_t open)
{
	size_t end = skip_value(s, open);

	return end && memchr(s + open, '\n', end - open);
}

/* Add sv's entries to the array member `key` of the object at obj. */
static bool add_to_array(char **text, size_t obj, const char *key, const struct strv *sv)
{
	const char *s = *text;
	size_t arr, first;
	_cleanup_free_ char *ins = NULL, *indent = NULL;

	if (sv->n == 0)
		return true;
	arr = find_member(s, obj, key);
	if (arr && s[arr] != '[')
		return false;
	if (arr) {
		bool empty;

		first = skip_space(s, arr + 1);
		empty = s[first] == ']';
		if (multiline(s, arr)) {
			indent = next_indent(s, arr);
			/* One entry per line, in the array's own indentation. */
			ins = xstrdup("");
			for (size_t i = 0; i < sv->n; i++) {
				_cleanup_free_ char *q = quote(sv->v[i]);
				char *next = xasprintf("%s%s%s%s", ins, indent, q,
						       (i + 1 < sv->n || !empty) ? "," : "");

				free(ins);
				ins = next;
			}
		} else {
			ins = entries(sv, ", ");
			if (empty)
				ins[strlen(ins) - 2] = '\0';
		}
		insert_at(text, arr + 1, ins);
		return true;
	}

	/* No such array yet: a new member at the start of the object. */
	{
		_cleanup_free_ char *list = entries(sv, ", ");
		bool empty_obj = s[skip_space(s, obj + 1)] == '}';

		list[strlen(list) - 2] = '\0';
		indent = multiline(s, obj) ? next_indent(s, obj) : xstrdup(" ");
		ins = xasprintf("%s\"%s\": [%s]%s", indent, key, list, empty_obj ? " " : ",");
		insert_at(text, obj + 1, ins);
	}
	return true;
}

char *prompt_save_text(const char *text, const struct strv *allowed, const struct strv *denied)
{
	_cleanup_free_ char *out = xstrdup(text);
	size_t root = skip_space(out, 0), net;

	if (out[root] != '{' || !skip_value(out, root))
		return NULL;
	net = find_member(out, root, "network");
	if (!net) {
		bool empty_obj = out[skip_space(out, root + 1)] == '}';
		_cleanup_free_ char *indent = multiline(out, root) ? next_indent(out, root)
								  : xstrdup(" ");
		_cleanup_free_ char *ins = xasprintf("%s\"network\": {}%s", indent,
						     empty_obj ? " " : ",");

		insert_at(&out, root + 1, ins);
		net = find_member(out, root, "network");
	}
	if (!net || out[net] != '{')
		return NULL;
	/* Denied first: inserting it moves the allowed array, which is found again. */
	if (!add_to_array(&out, net, "deniedDomains", denied))
		return NULL;
	if (!add_to_array(&out, net, "allowedDomains", allowed))
		return NULL;
	return TAKE_PTR(out);
}

/* Read the rest of fd as one string (owned), or NULL with errno set. */
static char *read_fd(int fd)
{
	char *text = NULL;
	size_t len = 0;

	for (;;) {
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(text);
			return NULL;
		}
		if (n == 0)
			break;
		text = xrealloc(text, len + (size_t)n + 1);
		memcpy(text + len, buf, (size_t)n);
		len += (size_t)n;
	}
	if (!text)
		return xstrdup("");
	text[len] = '\0';
	return text;
}

/*
 * Open the config file `base` in dir_fd for `save`, never through a
 * symlink and never blocking on a FIFO.  With a known identity the file
 * must still be the one the session loaded.  Returns the fd, -ENOENT when
 * there is no file and none was loaded, or a negative errno with the
 * reason in *ret_message.
 */
static int open_config(int dir_fd, const char *base, const char *path, const struct file_id *id,
		       struct stat *ret_st, char **ret_message)
{
	_cleanup_close_ int fd = openat(dir_fd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int r;

	if (fd < 0 && errno == ENOENT && !id->known)
		return -ENOENT;
	if (fd < 0) {
		r = -errno;
		*ret_message = r == -ELOOP ? xasprintf("cannot save into '%s':\nit is a symbolic link "
							"now, and save writes only the regular file "
							"the session loaded",
							path)
					   : xasprintf("cannot read '%s': %s", path, strerror(-r));
		return r;
	}
	if (fstat(fd, ret_st) < 0 || !S_ISREG(ret_st->st_mode)) {
		*ret_message = xasprintf("cannot save into '%s':\nit is not a regular file", path);
		return -EINVAL;
	}
	if (id->known && (ret_st->st_dev != id->dev || ret_st->st_ino != id->ino)) {
		*ret_message = xasprintf("cannot save into '%s':\nit is no longer the file this "
					 "session loaded (it was replaced since the session started); "
					 "add the entries by hand",
					 path);
		return -ESTALE;
	}
	return TAKE_FD(fd);
}

/*
 * Write text as `base` in dir_fd through a new temporary file and a
 * rename, so that nothing is written through a symlink planted there.
 * The new file gets `mode`; *ret_id gets its identity.
 */
static int write_config(int dir_fd, const char *base, const char *text, mode_t mode,
			struct file_id *ret_id)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text), off = 0;
	struct stat st;
	int r = 0;

	for (unsigned attempt = 0; fd < 0 && attempt < 16; attempt++) {
		free(tmp);
		tmp = xasprintf(".%s.fence-save.%d.%u", base, (int)getpid(), attempt);
		fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	while (r == 0 && off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno != EINTR)
			r = -errno;
		else if (n > 0)
			off += (size_t)n;
	}
	if (r == 0 && (fchmod(fd, mode & 07777) < 0 || fstat(fd, &st) < 0))
		r = -errno;
	if (r == 0 && renameat(dir_fd, tmp, dir_fd, base) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dir_fd, tmp, 0);
		return r;
	}
	*ret_id = (struct file_id){.dev = st.st_dev, .ino = st.st_ino, .known = true};
	return 0;
}

/* The user's config file: $XDG_CONFIG_HOME/fence/fence.json (owned). */
static char *user_config_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		return xasprintf("%s/fence/fence.json", xdg);
	return xasprintf("%s/.config/fence/fence.json", home && home[0] == '/' ? home : "/");
}

/*
 * Add the entries to the config file at path, or create it from
 * new_text when it does not exist and *id is unknown.  A known *id is the
 * file the session loaded: anything else at path is rejected.  The result
 * must load before it replaces the file; *id then names the new file.
 */
static int save_into(const char *path, const char *new_text, const struct strv *allowed,
		     const struct strv *denied, struct file_id *id, char **ret_message)
{
	_cleanup_free_ char *text = NULL, *updated = NULL, *error = NULL, *dir = NULL;
	_cleanup_close_ int dir_fd = -1, fd = -1;
	struct config_result check = {0};
	struct stat st = {.st_mode = 0600};
	char real[PATH_MAX], *slash;
	const char *base;
	int r;

	/*
	 * The loaded file is written where it really is, so that a symlink
	 * the user keeps stays one; the identity check below still rejects
	 * any other file a symlink leads to.
	 */
	dir = xstrdup(id->known && realpath(path, real) ? real : path);
	slash = strrchr(dir, '/');
	if (!slash || !slash[1]) {
		*ret_message = xasprintf("cannot save into '%s': not a file path", path);
		return -EINVAL;
	}
	*slash = '\0';
	base = slash + 1;
	if (!id->known && dir[0])
		mkdir_parents(dir, 0700);
	dir_fd = open(dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0) {
		r = -errno;
		*ret_message = xasprintf("cannot open the directory of '%s': %s", path, strerror(-r));
		return r;
	}
	fd = open_config(dir_fd, base, path, id, &st, ret_message);
	if (fd == -ENOENT) {
		text = xstrdup(new_text);
	} else if (fd < 0) {
		return fd;
	} else {
		text = read_fd(fd);
		if (!text) {
			r = -errno;
			*ret_message = xasprintf("cannot read '%s': %s", path, strerror(-r));
			return r;
		}
	}
	updated = prompt_save_text(text, allowed, denied);
	if (!updated) {
		*ret_message = xasprintf("cannot save into '%s': it is not a JSON object with a "
					 "network object",
					 path);
		return -EINVAL;
	}
	r = config_load_string(path, NULL, updated, &check, &error);
	config_result_done(&check);
	if (r < 0) {
		*ret_message = xasprintf("cannot save into '%s': the result does not load: %s", path,
					 error ? error : strerror(-r));
		return r;
	}
	r = write_config(dir_fd, base, updated, st.st_mode, id);
	if (r < 0)
		*ret_message = xasprintf("cannot write '%s': %s", path, strerror(-r));
	return r;
}

/*
 * `save`: the session came from a file: edit it in place.  From a template
 * or the built-in default: write the user's config file, extending the
 * template, unless it exists (the session then did not load it), in which
 * case a new file next to it is written and named in the message.
 */
static int save(struct prompt_policy *p, const char *session, char **ret_message)
{
	_cleanup_free_ char *path = NULL, *new_text = NULL;
	int r;

	if (p->allowed.n == 0 && p->denied.n == 0) {
		*ret_message = xstrdup("nothing to save: no allow or deny in this session");
		return 0;
	}
	if (p->config_path) {
		path = xstrdup(p->config_path);
	} else {
		path = user_config_path();
		if (access(path, F_OK) == 0) {
			char *dir_end = strrchr(path, '/');
			char *other = xasprintf("%.*s/session-%s.json", (int)(dir_end - path), path,
						session);

			free(path);
			path = other;
		}
	}
	new_text = p->template_name ? xasprintf("{\n\t\"extends\": \"%s\"\n}\n", p->template_name)
				    : xstrdup("{\n}\n");
	r = save_into(path, new_text, &p->allowed, &p->denied, &p->config_id, ret_message);
	if (r < 0)
		return r;
	*ret_message = xasprintf("saved %zu allow and %zu deny entries into '%s'", p->allowed.n,
				 p->denied.n, path);
	free(p->written_path);
	p->written_path = xstrdup(path);
	if (!p->config_path)
		p->config_path = xstrdup(path);
	/* What was saved is now part of the session's base policy. */
	for (size_t i = 0; i < p->allowed.n; i++)
		push_unique(&p->base_allowed, p->allowed.v[i]);
	for (size_t i = 0; i < p->denied.n; i++)
		push_unique(&p->base_denied, p->denied.v[i]);
	strv_done(&p->allowed);
	strv_done(&p->denied);
	return 0;
}

int prompt_save_always(struct prompt_policy *p, const char *host, char **ret_message)
{
	_cleanup_free_ char *path = user_config_path();
	struct strv allowed = {0}, denied = {0};
	struct file_id id = {0};
	char real[PATH_MAX], real_loaded[PATH_MAX];
	bool loaded;
	int r;

	/* The file the session loaded, maybe under another spelling. */
	loaded = p->config_path && realpath(path, real) && realpath(p->config_path, real_loaded) &&
		 strcmp(real, real_loaded) == 0;
	if (loaded) {
		free(path);
		path = xstrdup(p->config_path);
		id = p->config_id;
	}
	strv_push(&allowed, host);
	r = save_into(path, "{\n}\n", &allowed, &denied, &id, ret_message);
	if (r == 0 && loaded)
		p->config_id = id;
	strv_done(&allowed);
	if (r < 0)
		return r;
	*ret_message = xasprintf("%s: allowed always, saved into '%s'", host, path);
	free(p->written_path);
	p->written_path = xstrdup(path);
	return 0;
}

/* Split a line into a command word and one argument; returns the word count. */
static int split(const char *line, char *cmd, size_t cmd_size, char *arg, size_t arg_size)
{
	char extra[8];
	char fmt[32];

	snprintf(fmt, sizeof(fmt), "%%%zus %%%zus %%7s", cmd_size - 1, arg_size - 1);
	cmd[0] = arg[0] = '\0';
	return sscanf(line, fmt, cmd, arg, extra);
}

int prompt_run(struct prompt_policy *p, const char *line, struct violation *ret_record,
	       bool *ret_changed, char **ret_message)
{
	static char host[256]; /* the record's target, valid until the next call */
	_cleanup_free_ char *error = NULL;
	char cmd[32];
	int words = split(line, cmd, sizeof(cmd), host, sizeof(host)), r;
	struct strv *add = NULL;
	const char *what;

	*ret_changed = false;
	if (words <= 0) {
		*ret_message = xstrdup("");
		return 0;
	}
	if (strcmp(cmd, "policy") == 0 && words == 1) {
		*ret_message = show_policy(p);
		return 0;
	}
	if (strcmp(cmd, "save") == 0 && words == 1)
		return save(p, p->name ? p->name : "session", ret_message);

	if (strcmp(cmd, "allow") == 0)
		add = &p->allowed, what = "allowed for this session (save keeps it)";
	else if (strcmp(cmd, "allow-once") == 0)
		add = &p->allowed_once, what = "allowed until the session ends";
	else if (strcmp(cmd, "deny") == 0)
		add = &p->denied, what = "denied";
	else {
		*ret_message = xasprintf("unknown command '%s': use allow HOST, deny HOST, "
					 "allow-once HOST, policy, save, detach or kill",
					 cmd);
		return -EINVAL;
	}
	if (words != 2) {
		*ret_message = xasprintf("%s takes one host, e.g. '%s example.com'", cmd, cmd);
		return -EINVAL;
	}

	/* The opposite list loses the host, so that the last word wins. */
	if (add == &p->denied) {
		strv_remove(&p->allowed, host);
		strv_remove(&p->allowed_once, host);
	} else {
		strv_remove(&p->denied, host);
	}
	push_unique(add, host);
	r = apply(p, &error);
	if (r < 0) {
		strv_remove(add, host);
		apply(p, NULL);
		*ret_message = xasprintf("invalid host '%s': %s", host, error ? error : strerror(-r));
		return r;
	}
	*ret_record = (struct violation){
		.source = VIOLATION_SOURCE_PROMPT,
		.kind = VIOLATION_NET,
		.action = add == &p->denied ? VIOLATION_DENIED : VIOLATION_ALLOWED,
		.target = host,
		.detail = what,
	};
	*ret_changed = true;
	*ret_message = xasprintf("%s: %s", host, what);
	return 0;
}
