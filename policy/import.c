/* SPDX-License-Identifier: MIT */
/*
 * policy/import.c: Claude Code and sandbox-runtime settings to fence
 * configuration.
 */
#include "policy/import.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "policy/jsonc.h"
#include "policy/values.h"
#include "util/util.h"

/* State of the conversion of one file. */
struct importer {
	const char *name; /* file name for messages */
	const char *root; /* Claude: where "/path" rules start */
	struct import_result *r;
	char *error; /* first error, owned */
};

enum rule_list {
	RULE_ALLOW,
	RULE_DENY,
	RULE_ASK,
};

/* Record a warning about the value at `at`: 'FILE:LINE:COL: KEY: message'. */
static void warn(struct importer *im, const struct jsonc_value *at, const char *key,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void warn(struct importer *im, const struct jsonc_value *at, const char *key,
		 const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	strv_pushf(&im->r->warnings, "%s:%u:%u: %s: %s", im->name, at->line, at->column, key, msg);
	free(msg);
}

/* Record the first error, at the value it is about. */
static void fail(struct importer *im, const struct jsonc_value *at, const char *key,
		 const char *msg)
{
	if (!im->error)
		im->error = xasprintf("%s:%u:%u: %s: %s", im->name, at->line, at->column, key, msg);
}

/* Append unless the list has it already. */
static void push_unique(struct strv *sv, const char *s)
{
	if (!strv_contains(sv, s))
		strv_push(sv, s);
}

/* Parse JSON text (comments and trailing commas allowed, as in fence's own
 * configuration); a syntax error becomes 'FILE:LINE:COL: message'. */
static struct jsonc_value *parse_json(struct importer *im, const char *text, size_t len)
{
	struct jsonc_value *root = NULL;
	struct jsonc_error e;
	int r = jsonc_parse(text, len, &root, &e);

	if (r < 0)
		im->error = xasprintf("%s:%u:%u: %s", im->name, e.line, e.column, e.message);
	else if (r == 0)
		im->error = xasprintf("%s:1:1: expected a JSON object, but the file is empty",
				      im->name);
	else if (root->type != JSONC_OBJECT)
		im->error = xasprintf("%s:%u:%u: expected a JSON object at the top level, found %s",
				      im->name, root->line, root->column,
				      jsonc_type_name(root->type));
	if (im->error)
		root = jsonc_free(root);
	return root;
}

/*
 * The member `key` of `obj`, or NULL.  A repeated key warns, and the last
 * one is used, as fence's configuration loader does.
 */
static const struct jsonc_value *member(struct importer *im, const struct jsonc_value *obj,
					const char *path, const char *key)
{
	const struct jsonc_value *found = NULL;

	for (size_t i = 0; i < obj->n; i++) {
		const struct jsonc_value *v = &obj->items[i];

		if (strcmp(v->key, key) != 0)
			continue;
		if (found) {
			struct jsonc_value at = {.line = v->key_line, .column = v->key_column};

			warn(im, &at, path, "repeated key, the last one wins");
		}
		found = v;
	}
	return found && found->type != JSONC_NULL ? found : NULL;
}

/* Call `each` for every string of the array under `key`, or fail when it is
 * not an array of strings.  A missing key is an empty list. */
static void for_each_string(struct importer *im, const struct jsonc_value *parent,
			    const char *prefix, const char *key,
			    void (*each)(struct importer *, const struct jsonc_value *,
					 const char *, void *),
			    void *userdata)
{
	_cleanup_free_ char *path = xasprintf("%s%s", prefix, key);
	const struct jsonc_value *arr = member(im, parent, path, key);

	if (!arr)
		return;
	if (arr->type != JSONC_ARRAY) {
		fail(im, arr, path, "expected an array of strings");
		return;
	}
	for (size_t i = 0; i < arr->n; i++) {
		if (arr->items[i].type != JSONC_STRING) {
			fail(im, &arr->items[i], path, "expected an array of strings");
			return;
		}
		each(im, &arr->items[i], path, userdata);
	}
}

/* Read an optional boolean; fail on another type. */
static bool get_bool(struct importer *im, const struct jsonc_value *parent, const char *prefix,
		     const char *key)
{
	_cleanup_free_ char *path = xasprintf("%s%s", prefix, key);
	const struct jsonc_value *v = member(im, parent, path, key);

	if (!v)
		return false;
	if (v->type != JSONC_BOOL) {
		fail(im, v, path, "expected true or false");
		return false;
	}
	return v->boolean;
}

/* An optional object; fail on another type. */
static const struct jsonc_value *get_object(struct importer *im, const struct jsonc_value *parent,
					    const char *prefix, const char *key)
{
	_cleanup_free_ char *path = xasprintf("%s%s", prefix, key);
	const struct jsonc_value *v = member(im, parent, path, key);

	if (!v)
		return NULL;
	if (v->type != JSONC_OBJECT) {
		fail(im, v, path, "expected an object");
		return NULL;
	}
	return v;
}

/* Warn about every key of `obj` that is not in the space-separated `known`;
 * `prefix` is the key path of `obj` ("" at the top level). */
static void warn_unknown_keys(struct importer *im, const struct jsonc_value *obj,
			      const char *prefix, const char *known)
{
	for (size_t i = 0; i < obj->n; i++) {
		const struct jsonc_value *v = &obj->items[i];
		_cleanup_free_ char *padded = xasprintf(" %s ", v->key);
		_cleanup_free_ char *path = xasprintf("%s%s%s", prefix, prefix[0] ? "." : "", v->key);
		struct jsonc_value at = {.line = v->key_line, .column = v->key_column};

		if (!strstr(known, padded))
			warn(im, &at, path, "no fence equivalent; skipped");
	}
}

/* Append a non-empty string to the list passed as userdata. */
static void add_entry(struct importer *im, const struct jsonc_value *item, const char *path,
		      void *list)
{
	const char *s = item->string;

	if (!s[0]) {
		warn(im, item, path, "an empty entry is not valid in fence; skipped");
		return;
	}
	push_unique(list, s);
}

/* Append a domain pattern that fence accepts; skip others with a warning,
 * so that the result loads. */
static void add_domain(struct importer *im, const struct jsonc_value *item, const char *path,
		       void *list)
{
	const char *s = item->string;
	_cleanup_free_ char *copy = xstrdup(s);
	const char *reason = values_check_domain(copy);

	if (reason) {
		warn(im, item, path, "\"%s\" is not a valid fence domain pattern (%s); skipped", s,
		     reason);
		return;
	}
	push_unique(list, copy);
}

/* srt's allowRead re-allows paths inside denyRead; fence's denyRead beats
 * every allow, so such an entry cannot be carried over as it was meant. */
static void add_allow_read(struct importer *im, const struct jsonc_value *item, const char *path,
			   void *unused)
{
	const struct strv *deny = &im->r->config.filesystem.deny_read;
	const char *s = item->string;

	add_entry(im, item, path, &im->r->config.filesystem.allow_read);
	for (size_t i = 0; i < deny->n; i++) {
		size_t n = strlen(deny->v[i]);

		while (n > 1 && deny->v[i][n - 1] == '/')
			n--;
		if (strncmp(s, deny->v[i], n) == 0 && (s[n] == '\0' || s[n] == '/')) {
			warn(im, item, path,
			     "\"%s\" lies inside denyRead \"%s\", and in fence denyRead wins over "
			     "allowRead; use defaultDenyRead with allowRead instead",
			     s, deny->v[i]);
			return;
		}
	}
}

static void convert_network(struct importer *im, const struct jsonc_value *net, const char *prefix)
{
	struct fence_network *n = &im->r->config.network;
	_cleanup_free_ char *p_net = xasprintf("%snetwork", prefix);
	_cleanup_free_ char *p_keys = xasprintf("%snetwork.", prefix);

	for_each_string(im, net, p_keys, "allowedDomains", add_domain, &n->allowed_domains);
	for_each_string(im, net, p_keys, "deniedDomains", add_domain, &n->denied_domains);
	for_each_string(im, net, p_keys, "allowUnixSockets", add_entry, &n->allow_unix_sockets);
	n->allow_all_unix_sockets = get_bool(im, net, p_keys, "allowAllUnixSockets");
	n->allow_local_binding = get_bool(im, net, p_keys, "allowLocalBinding");

	/* srt's proxy ports name an outside proxy to use instead of its own,
	 * while fence's fields of the same name fix the ports of fence's own
	 * proxies: same name, different meaning. */
	for (size_t i = 0; i < 2; i++) {
		const char *key = i == 0 ? "httpProxyPort" : "socksProxyPort";
		_cleanup_free_ char *path = xasprintf("%s%s", p_keys, key);
		const struct jsonc_value *v = member(im, net, path, key);

		if (v)
			warn(im, v, path,
			     "an outside proxy cannot replace fence's own proxies; skipped (fence "
			     "can chain HTTP requests with network.upstreamProxy)");
	}
	warn_unknown_keys(im, net, p_net,
			  " allowedDomains deniedDomains allowUnixSockets allowAllUnixSockets "
			  "allowLocalBinding httpProxyPort socksProxyPort ");
}

static void convert_filesystem(struct importer *im, const struct jsonc_value *fsobj,
			       const char *prefix)
{
	struct fence_filesystem *fs = &im->r->config.filesystem;
	_cleanup_free_ char *p_fs = xasprintf("%sfilesystem", prefix);
	_cleanup_free_ char *p_keys = xasprintf("%sfilesystem.", prefix);

	for_each_string(im, fsobj, p_keys, "denyRead", add_entry, &fs->deny_read);
	for_each_string(im, fsobj, p_keys, "allowRead", add_allow_read, NULL);
	for_each_string(im, fsobj, p_keys, "allowWrite", add_entry, &fs->allow_write);
	for_each_string(im, fsobj, p_keys, "denyWrite", add_entry, &fs->deny_write);
	warn_unknown_keys(im, fsobj, p_fs, " denyRead allowRead allowWrite denyWrite ");
}

/* The srt settings shape, also used by the `sandbox` section of Claude
 * Code settings (there under the prefix "sandbox."). */
static void convert_sandbox(struct importer *im, const struct jsonc_value *root, const char *prefix,
			    const char *known_extra)
{
	_cleanup_free_ char *known = xasprintf(" network filesystem %s", known_extra);
	const struct jsonc_value *net = get_object(im, root, prefix, "network");
	const struct jsonc_value *fsobj = get_object(im, root, prefix, "filesystem");

	if (net)
		convert_network(im, net, prefix);
	if (fsobj)
		convert_filesystem(im, fsobj, prefix);
	/* "sandbox." names the object "sandbox". */
	_cleanup_free_ char *self = xstrndup(prefix, prefix[0] ? strlen(prefix) - 1 : 0);
	warn_unknown_keys(im, root, self, known);
}

/* Split "Tool(spec)"; *ret_spec is NULL for a bare tool name.  Returns
 * false for a malformed rule. */
static bool split_rule(const char *rule, char **ret_tool, char **ret_spec)
{
	const char *open = strchr(rule, '(');
	size_t len = strlen(rule);

	*ret_spec = NULL;
	if (!open) {
		*ret_tool = xstrdup(rule);
		return rule[0] != '\0';
	}
	if (len < 2 || rule[len - 1] != ')' || open == rule)
		return false;
	*ret_tool = xstrndup(rule, (size_t)(open - rule));
	*ret_spec = xstrndup(open + 1, (size_t)(rule + len - 1 - open - 1));
	return true;
}

/* The command prefix of a Bash rule, or NULL when it cannot be expressed
 * (then *ret_reason is the reason). */
static char *bash_prefix(const char *spec, const char **ret_reason)
{
	size_t len;
	char *cmd = xstrdup(spec);

	len = strlen(cmd);
	while (len > 0 && cmd[len - 1] == ' ')
		cmd[--len] = '\0';
	/* "npm run test:*" (older syntax) and "npm run test *" both mean
	 * "npm run test" followed by anything, which is how fence matches. */
	if (len >= 2 && strcmp(cmd + len - 2, ":*") == 0)
		cmd[len -= 2] = '\0';
	else if (len >= 2 && strcmp(cmd + len - 2, " *") == 0)
		cmd[len -= 2] = '\0';
	while (len > 0 && cmd[len - 1] == ' ')
		cmd[--len] = '\0';

	if (len == 0 || strcmp(cmd, "*") == 0) {
		*ret_reason = "it names every command, which fence cannot express";
	} else if (strchr(cmd, '*')) {
		*ret_reason = "fence rules match a command prefix and cannot express a wildcard "
			      "inside the command";
	} else {
		return cmd;
	}
	free(cmd);
	return NULL;
}

/* A Claude path rule in fence's path syntax. */
static char *claude_path(const struct importer *im, const char *spec)
{
	if (strncmp(spec, "//", 2) == 0)
		return xstrdup(spec + 1);
	if (spec[0] == '/') {
		size_t n = strlen(im->root);

		while (n > 1 && im->root[n - 1] == '/')
			n--;
		return xasprintf("%.*s%s", (int)n, im->root, spec);
	}
	return xstrdup(spec);
}

static void convert_bash_rule(struct importer *im, const struct jsonc_value *at, const char *key,
			      const char *rule, const char *spec, enum rule_list list)
{
	struct fence_command *cmd = &im->r->config.command;
	const char *reason = NULL;
	_cleanup_free_ char *prefix = bash_prefix(spec, &reason);

	if (!prefix) {
		warn(im, at, key, "\"%s\": %s; skipped", rule, reason);
		return;
	}
	push_unique(list == RULE_ALLOW ? &cmd->allow : &cmd->deny, prefix);
}

static void convert_path_rule(struct importer *im, const struct jsonc_value *at, const char *key,
			      const char *rule, const char *tool, const char *spec,
			      enum rule_list list)
{
	struct fence_filesystem *fs = &im->r->config.filesystem;
	_cleanup_free_ char *path = NULL;

	if (!spec[0]) {
		warn(im, at, key, "\"%s\" has an empty path; skipped", rule);
		return;
	}
	path = claude_path(im, spec);
	if (strcmp(tool, "Read") == 0) {
		/* Reading is allowed by default, so a Read allow rule needs
		 * nothing. */
		if (list != RULE_ALLOW)
			push_unique(&fs->deny_read, path);
		return;
	}
	push_unique(list == RULE_ALLOW ? &fs->allow_write : &fs->deny_write, path);
}

/* Convert one permission rule of the allow, deny or ask list. */
static void convert_rule(struct importer *im, const struct jsonc_value *item, const char *key,
			 void *listp)
{
	const char *rule = item->string;
	enum rule_list list = *(enum rule_list *)listp;
	_cleanup_free_ char *tool = NULL;
	_cleanup_free_ char *spec = NULL;

	if (!split_rule(rule, &tool, &spec)) {
		warn(im, item, key, "\"%s\" is not a Tool or Tool(specifier) rule; skipped", rule);
		return;
	}
	if (!spec) {
		warn(im, item, key, "\"%s\" names a whole tool, which fence cannot express; skipped",
		     rule);
		return;
	}
	if (strcmp(tool, "Bash") == 0) {
		convert_bash_rule(im, item, key, rule, spec, list);
	} else if (strcmp(tool, "Read") == 0 || strcmp(tool, "Write") == 0 ||
		   strcmp(tool, "Edit") == 0) {
		convert_path_rule(im, item, key, rule, tool, spec, list);
	} else {
		warn(im, item, key, "\"%s\": fence has no rule for the %s tool; skipped", rule, tool);
		return;
	}
	if (list == RULE_ASK)
		warn(im, item, key, "\"%s\" became a deny rule, because fence cannot ask", rule);
}

static void convert_permissions(struct importer *im, const struct jsonc_value *perms)
{
	static const struct {
		const char *key;
		enum rule_list list;
	} lists[] = {
	    {"allow", RULE_ALLOW},
	    {"deny", RULE_DENY},
	    {"ask", RULE_ASK},
	};

	for (size_t i = 0; i < ELEMENTSOF(lists); i++) {
		enum rule_list list = lists[i].list;

		for_each_string(im, perms, "permissions.", lists[i].key, convert_rule, &list);
	}
	warn_unknown_keys(im, perms, "permissions", " allow deny ask ");
}

/* Parse, check the root is an object, run `convert`, and hand out the
 * result or the first error. */
static int import_run(struct importer *im, const char *text, size_t len,
		      void (*convert)(struct importer *, const struct jsonc_value *),
		      char **ret_error)
{
	struct jsonc_value *root;

	*im->r = (struct import_result){0};
	im->r->config.network.allow_local_outbound = TRI_UNSET;
	root = parse_json(im, text, len);
	if (root)
		convert(im, root);
	jsonc_free(root);
	if (im->error) {
		import_result_done(im->r);
		*ret_error = im->error;
		return -EINVAL;
	}
	return 0;
}

static void convert_claude(struct importer *im, const struct jsonc_value *root)
{
	const struct jsonc_value *perms = get_object(im, root, "", "permissions");
	const struct jsonc_value *sandbox = get_object(im, root, "", "sandbox");

	if (perms)
		convert_permissions(im, perms);
	/* `enabled` only switches Claude Code's own use of the sandbox. */
	if (sandbox)
		convert_sandbox(im, sandbox, "sandbox.", "enabled ");
	if (!perms && !sandbox && !im->error)
		warn(im, root, "permissions",
		     "the file has no permissions or sandbox section; nothing to import");
}

static void convert_srt(struct importer *im, const struct jsonc_value *root)
{
	convert_sandbox(im, root, "", "");
}

int import_claude(const char *name, const char *text, size_t len, const char *root,
		  struct import_result *ret, char **ret_error)
{
	struct importer im = {.name = name, .root = root ? root : "/", .r = ret};

	return import_run(&im, text, len, convert_claude, ret_error);
}

int import_srt(const char *name, const char *text, size_t len, struct import_result *ret,
	       char **ret_error)
{
	struct importer im = {.name = name, .root = "/", .r = ret};

	return import_run(&im, text, len, convert_srt, ret_error);
}

static void add_list(json_object *obj, const char *key, const struct strv *sv)
{
	json_object *arr;

	if (sv->n == 0)
		return;
	arr = json_object_new_array();
	for (size_t i = 0; i < sv->n; i++)
		json_object_array_add(arr, json_object_new_string(sv->v[i]));
	json_object_object_add(obj, key, arr);
}

static void add_true(json_object *obj, const char *key, bool value)
{
	if (value)
		json_object_object_add(obj, key, json_object_new_boolean(1));
}

/* Add `child` under `key` unless it stayed empty. */
static void add_section(json_object *obj, const char *key, json_object *child)
{
	if (json_object_object_length(child) == 0)
		json_object_put(child);
	else
		json_object_object_add(obj, key, child);
}

char *import_to_json(const struct fence_config *c, const char *extends)
{
	json_object *root = json_object_new_object();
	json_object *net = json_object_new_object();
	json_object *fs = json_object_new_object();
	json_object *cmd = json_object_new_object();
	char *text;

	if (extends)
		json_object_object_add(root, "extends", json_object_new_string(extends));

	add_list(net, "allowedDomains", &c->network.allowed_domains);
	add_list(net, "deniedDomains", &c->network.denied_domains);
	add_list(net, "allowUnixSockets", &c->network.allow_unix_sockets);
	add_true(net, "allowAllUnixSockets", c->network.allow_all_unix_sockets);
	add_true(net, "allowLocalBinding", c->network.allow_local_binding);
	add_section(root, "network", net);

	add_list(fs, "allowWrite", &c->filesystem.allow_write);
	add_list(fs, "denyWrite", &c->filesystem.deny_write);
	add_list(fs, "denyRead", &c->filesystem.deny_read);
	add_list(fs, "allowRead", &c->filesystem.allow_read);
	add_section(root, "filesystem", fs);

	add_list(cmd, "allow", &c->command.allow);
	add_list(cmd, "deny", &c->command.deny);
	add_section(root, "command", cmd);

	text = xasprintf("%s\n", json_object_to_json_string_ext(
				     root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return text;
}

void import_result_done(struct import_result *r)
{
	struct fence_config *c = &r->config;
	struct strv *lists[] = {
	    &c->network.allowed_domains, &c->network.denied_domains, &c->network.allow_unix_sockets,
	    &c->filesystem.allow_write,	 &c->filesystem.deny_write,  &c->filesystem.deny_read,
	    &c->filesystem.allow_read,	 &c->command.allow,	     &c->command.deny,
	};

	for (size_t i = 0; i < ELEMENTSOF(lists); i++)
		strv_done(lists[i]);
	strv_done(&r->warnings);
}
