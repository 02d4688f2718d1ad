/* SPDX-License-Identifier: MIT */
/*
 * policy/fields.c: the field table and the operations it drives.
 *
 * Every field of the format appears once in `fields[]` with its JSON path,
 * kind, place in struct fence_config, value check and description.  The
 * reader, the merge, `config show` and the schema walk this table, so a new
 * field is one line here plus its struct member.
 */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "policy/fields.h"
#include "policy/values.h"

#define C(member) offsetof(struct fence_config, member)

static const char *const default_actions[] = { "deny", "proxy", NULL };
static const char *const on_blocked_actions[] = { "deny", "ask", NULL };
static const char *const devices_modes[] = { "auto", "minimal", "host", NULL };
static const char *const exec_policies[] = { "path", "argv", NULL };

/* The table.  A FIELD_OBJECT row comes before the rows inside it. */
static const struct config_field fields[] = {
	{ "$schema", FIELD_SCHEMA, .description = "URL of this schema, for editors; otherwise ignored." },
	{ "extends", FIELD_EXTENDS,
	  .description = "Base configuration: a template name, '@base' (the user file, else the built-in "
			 "default) or a file path relative to this file." },
	{ "allowPty", FIELD_BOOL, C(allow_pty),
	  .description = "Give the command a pseudo-terminal relayed through fence (Linux) or allow PTYs (macOS)." },
	{ "forceNewSession", FIELD_TRISTATE, C(force_new_session),
	  .description = "Accepted for compatibility; fence always starts the command in a new session." },

	{ "network", FIELD_OBJECT, .description = "Network access through fence's HTTP and SOCKS5 proxies." },
	{ "network.allowedDomains", FIELD_STRINGS, C(network.allowed_domains), .check = values_check_domain,
	  .description = "Hosts the command may reach: 'example.com', '*.example.com', an IP, an optional "
			 ":PORT; a bare '*' allows every host." },
	{ "network.deniedDomains", FIELD_STRINGS, C(network.denied_domains), .check = values_check_domain,
	  .description = "Hosts that are always blocked; checked before allowedDomains." },
	{ "network.allowUnixSockets", FIELD_STRINGS, C(network.allow_unix_sockets), .check = values_check_nonempty,
	  .description = "Unix socket paths, or directories of them, that stay reachable." },
	{ "network.allowAllUnixSockets", FIELD_BOOL, C(network.allow_all_unix_sockets),
	  .description = "Leave every Unix socket reachable." },
	{ "network.allowLocalBinding", FIELD_BOOL, C(network.allow_local_binding),
	  .description = "macOS: allow binding and accepting on localhost." },
	{ "network.allowLocalOutbound", FIELD_TRISTATE, C(network.allow_local_outbound),
	  .description = "Allow connections to the host's loopback (Linux: the listed ports only); "
			 "defaults to allowLocalBinding." },
	{ "network.allowLocalOutboundPorts", FIELD_INTS, C(network.allow_local_outbound_ports), .min = 1,
	  .max = 65535, .check_int = values_check_local_port,
	  .description = "Linux: host loopback ports bridged into the sandbox (not 3128 or 1080)." },
	{ "network.httpProxyPort", FIELD_INT, C(network.http_proxy_port), .min = 0, .max = 65535,
	  .description = "Fixed host port of the HTTP proxy; 0 picks a free one." },
	{ "network.socksProxyPort", FIELD_INT, C(network.socks_proxy_port), .min = 0, .max = 65535,
	  .description = "Fixed host port of the SOCKS5 proxy; 0 picks a free one." },
	{ "network.upstreamProxy", FIELD_STRING, C(network.upstream_proxy), .check = values_check_upstream,
	  .description = "An HTTP proxy, 'http://host[:port]', for requests that no rule allows or denies." },
	{ "network.defaultAction", FIELD_ENUM, C(network.default_action), default_actions,
	  .description = "What happens to hosts no rule matches: 'deny' (default) or 'proxy' (send them to "
			 "upstreamProxy)." },
	{ "network.onBlocked", FIELD_ENUM, C(network.on_blocked), on_blocked_actions,
	  .description = "What a session does with a request for a host that no rule covers: 'deny' "
			 "(default) or 'ask' (hold it and ask in the session's pane; one-shot runs deny)." },
	{ "network.allowPackageRegistries", FIELD_STRINGS, C(network.allow_package_registries),
	  .check = values_check_registry,
	  .description = "Tools whose configured package registries are allowed, asked at run time: npm, "
			 "yarn, pip, cargo, go, brew." },

	{ "filesystem", FIELD_OBJECT, .description = "What the command may read and write." },
	{ "filesystem.allowWrite", FIELD_STRINGS, C(filesystem.allow_write), .check = values_check_nonempty,
	  .description = "Writable paths or globs; everything else is read-only." },
	{ "filesystem.denyWrite", FIELD_STRINGS, C(filesystem.deny_write), .check = values_check_nonempty,
	  .description = "Paths made read-only again; beats allowWrite." },
	{ "filesystem.denyRead", FIELD_STRINGS, C(filesystem.deny_read), .check = values_check_nonempty,
	  .description = "Hidden paths; beats every allow list." },
	{ "filesystem.allowRead", FIELD_STRINGS, C(filesystem.allow_read), .check = values_check_nonempty,
	  .description = "Readable paths under defaultDenyRead." },
	{ "filesystem.allowExecute", FIELD_STRINGS, C(filesystem.allow_execute), .check = values_check_nonempty,
	  .description = "Files readable and executable under defaultDenyRead, without directory listing." },
	{ "filesystem.defaultDenyRead", FIELD_BOOL, C(filesystem.default_deny_read),
	  .description = "Read only the system's default readable set and the allow lists." },
	{ "filesystem.strictDenyRead", FIELD_BOOL, C(filesystem.strict_deny_read),
	  .description = "defaultDenyRead without the default readable set." },
	{ "filesystem.wslInterop", FIELD_TRISTATE, C(filesystem.wsl_interop),
	  .description = "Make /init executable for WSL interop; null detects WSL." },
	{ "filesystem.allowGitConfig", FIELD_BOOL, C(filesystem.allow_git_config),
	  .description = "Let .git/config be written; .git/hooks stays protected." },

	{ "devices", FIELD_OBJECT, .description = "Device nodes under /dev." },
	{ "devices.mode", FIELD_ENUM, C(devices.mode), devices_modes,
	  .description = "'auto' (default), 'minimal' (a few safe nodes) or 'host' (the host's /dev)." },
	{ "devices.allow", FIELD_STRINGS, C(devices.allow), .check = values_check_device,
	  .description = "Extra device nodes under /dev/ for minimal mode." },

	{ "command", FIELD_OBJECT, .description = "Commands rejected before and while they run." },
	{ "command.deny", FIELD_STRINGS, C(command.deny), .check = values_check_nonempty,
	  .description = "Command prefixes to reject, such as 'git push'." },
	{ "command.allow", FIELD_STRINGS, C(command.allow), .check = values_check_nonempty,
	  .description = "Command prefixes allowed despite a deny rule." },
	{ "command.useDefaults", FIELD_TRISTATE, C(command.use_defaults),
	  .description = "Also reject fence's default list (shutdown, mkfs, ...); null means true." },
	{ "command.runtimeExecPolicy", FIELD_ENUM, C(command.runtime_exec_policy), exec_policies,
	  .description = "'path' (default) masks denied programs; 'argv' checks every exec's arguments." },
	{ "command.acceptSharedBinaryCannotRuntimeDeny", FIELD_STRINGS,
	  C(command.accept_shared_binary_cannot_runtime_deny), .check = values_check_basename,
	  .description = "Command names whose binary is shared with a critical command and is not masked." },

	{ "ssh", FIELD_OBJECT, .description = "Rules for ssh commands." },
	{ "ssh.allowedHosts", FIELD_STRINGS, C(ssh.allowed_hosts), .check = values_check_ssh_host,
	  .description = "Host globs ssh may connect to." },
	{ "ssh.deniedHosts", FIELD_STRINGS, C(ssh.denied_hosts), .check = values_check_ssh_host,
	  .description = "Host globs ssh may never connect to." },
	{ "ssh.allowedCommands", FIELD_STRINGS, C(ssh.allowed_commands), .check = values_check_nonempty,
	  .description = "Remote command prefixes that are allowed." },
	{ "ssh.deniedCommands", FIELD_STRINGS, C(ssh.denied_commands), .check = values_check_nonempty,
	  .description = "Remote command prefixes that are rejected." },
	{ "ssh.allowAllCommands", FIELD_BOOL, C(ssh.allow_all_commands),
	  .description = "Allow every remote command not denied." },
	{ "ssh.inheritDeny", FIELD_BOOL, C(ssh.inherit_deny),
	  .description = "Apply command.deny and the default list to remote commands too." },

	{ "macos", FIELD_OBJECT, .description = "macOS-only settings." },
	{ "macos.mach", FIELD_OBJECT, .description = "Mach services." },
	{ "macos.mach.lookup", FIELD_STRINGS, C(macos.mach_lookup), .check = values_check_mach,
	  .description = "Mach services the command may look up: a name, 'prefix*' or '*'." },
	{ "macos.mach.register", FIELD_STRINGS, C(macos.mach_register), .check = values_check_mach,
	  .description = "Mach services the command may register." },

	{ "environment", FIELD_OBJECT, .description = "Environment variables removed before the command starts." },
	{ "environment.deny", FIELD_STRINGS, C(environment.deny), .check = values_check_env_pattern,
	  .description = "Variables to remove: names or a prefix ending in '*' ('AWS_*')." },
	{ "environment.allow", FIELD_STRINGS, C(environment.allow), .check = values_check_env_pattern,
	  .description = "Exceptions to environment.deny; never re-admits LD_* or DYLD_*." },
};

const struct config_field *fields_table(size_t *ret_n)
{
	*ret_n = ELEMENTSOF(fields);
	return fields;
}

const struct config_field *fields_find(const char *path)
{
	for (size_t i = 0; i < ELEMENTSOF(fields); i++)
		if (strcmp(fields[i].path, path) == 0)
			return &fields[i];
	return NULL;
}

/* The last component of a field's path: "allowWrite" for "filesystem.allowWrite". */
static const char *field_key(const struct config_field *f)
{
	const char *dot = strrchr(f->path, '.');

	return dot ? dot + 1 : f->path;
}

/* Whether `f` sits directly inside the object at `parent` ("" for the top level). */
static bool field_in(const struct config_field *f, const char *parent)
{
	size_t k = strlen(parent);

	if (k == 0)
		return strchr(f->path, '.') == NULL;
	return strncmp(f->path, parent, k) == 0 && f->path[k] == '.' && !strchr(f->path + k + 1, '.');
}

#define AT(c, f, type) ((type *)((char *)(c) + (f)->offset))
#define AT_CONST(c, f, type) ((const type *)((const char *)(c) + (f)->offset))

/* --- Reading a parsed file ------------------------------------------------ */

struct reader {
	const char *name;
	struct fence_config *config;
	char *extends; /* owned */
	struct strv *warnings;
	char **error;
};

char *fields_message(const char *name, const struct jsonc_value *at, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	return xasprintf("%s:%u:%u: %s", name, at->line, at->column, msg);
}

/* Set the reader's error at a value's position; returns -EINVAL. */
#define reader_fail(rd, at, ...) ((*(rd)->error = fields_message((rd)->name, (at), __VA_ARGS__)), -EINVAL)

/* What a field of this kind must be, for "must be ..." messages. */
static char *field_expectation(const struct config_field *f)
{
	switch (f->kind) {
	case FIELD_OBJECT: return xstrdup("an object");
	case FIELD_SCHEMA:
	case FIELD_EXTENDS:
	case FIELD_STRING: return xstrdup("a string");
	case FIELD_STRINGS: return xstrdup("a list of strings");
	case FIELD_INTS: return xasprintf("a list of integers from %lld to %lld", f->min, f->max);
	case FIELD_BOOL: return xstrdup("true or false");
	case FIELD_TRISTATE: return xstrdup("true, false or null");
	case FIELD_INT: return xasprintf("an integer from %lld to %lld", f->min, f->max);
	case FIELD_ENUM: {
		struct strv sv = { 0 };
		_cleanup_free_ char *s = NULL;

		for (size_t i = 0; f->values[i]; i++)
			strv_pushf(&sv, "'%s'", f->values[i]);
		s = values_join(&sv, ", ");
		strv_done(&sv);
		return xasprintf("one of %s", s ? s : "");
	}
	}
	return xstrdup("a value");
}

/* Report a value of the wrong JSON type for `f`. */
static int wrong_type(struct reader *rd, const struct config_field *f, const struct jsonc_value *v)
{
	_cleanup_free_ char *want = field_expectation(f);

	return reader_fail(rd, v, "'%s' must be %s, not %s", f->path, want, jsonc_type_name(v->type));
}

/* Read an integer within the field's range, or report why it is not one. */
static int read_int(struct reader *rd, const struct config_field *f, const struct jsonc_value *v, long long *ret)
{
	_cleanup_free_ char *want = NULL;
	const char *reason;

	if (v->type == JSONC_NUMBER && v->is_integer && v->integer >= f->min && v->integer <= f->max) {
		reason = f->check_int ? f->check_int(v->integer) : NULL;
		if (reason)
			return reader_fail(rd, v, "invalid '%s' value %lld: %s", f->path, v->integer, reason);
		*ret = v->integer;
		return 0;
	}
	want = xasprintf("an integer from %lld to %lld", f->min, f->max);
	if (v->type == JSONC_NUMBER)
		return reader_fail(rd, v, "'%s' must be %s, not %.17g", f->path, want, v->number);
	return reader_fail(rd, v, "'%s' must be %s, not %s", f->path, want, jsonc_type_name(v->type));
}

/* Check one string with the field's rule, normalizing it in place. */
static int check_string(struct reader *rd, const struct config_field *f, const struct jsonc_value *v, char *s)
{
	_cleanup_free_ char *shown = NULL;
	const char *reason;

	if (!f->check)
		return 0;
	shown = values_quote(s);
	reason = f->check(s);
	if (reason)
		return reader_fail(rd, v, "invalid '%s' entry %s: %s", f->path, shown, reason);
	return 0;
}

/* Read a list of strings, checking each entry; duplicates are dropped. */
static int read_strings(struct reader *rd, const struct config_field *f, const struct jsonc_value *v)
{
	struct strv entries = { 0 };
	int r = 0;

	if (v->type != JSONC_ARRAY)
		return wrong_type(rd, f, v);
	for (size_t i = 0; i < v->n && r >= 0; i++) {
		const struct jsonc_value *e = &v->items[i];
		char *s;

		if (e->type != JSONC_STRING) {
			r = reader_fail(rd, e, "'%s' entries must be strings, not %s", f->path,
					jsonc_type_name(e->type));
			break;
		}
		s = xstrdup(e->string);
		strv_push_take(&entries, s);
		r = check_string(rd, f, e, s);
	}
	if (r >= 0)
		values_strv_append_unique(AT(rd->config, f, struct strv), &entries);
	strv_done(&entries);
	return r;
}

/* Read a list of integers, checking each entry; duplicates are dropped. */
static int read_ints(struct reader *rd, const struct config_field *f, const struct jsonc_value *v)
{
	_cleanup_free_ int *values = NULL;
	struct intv entries;
	int r;

	if (v->type != JSONC_ARRAY)
		return wrong_type(rd, f, v);
	values = xcalloc(v->n ? v->n : 1, sizeof(*values));
	for (size_t i = 0; i < v->n; i++) {
		long long x;

		r = read_int(rd, f, &v->items[i], &x);
		if (r < 0)
			return r;
		values[i] = (int)x;
	}
	entries = (struct intv){ .v = values, .n = v->n };
	values_intv_append_unique(AT(rd->config, f, struct intv), &entries);
	return 0;
}

static int read_enum(struct reader *rd, const struct config_field *f, const struct jsonc_value *v)
{
	_cleanup_free_ char *shown = NULL, *want = NULL;

	if (v->type != JSONC_STRING)
		return wrong_type(rd, f, v);
	if (v->string[0] == '\0') {
		*AT(rd->config, f, int) = 0;
		return 0;
	}
	for (size_t i = 0; f->values[i]; i++) {
		if (strcmp(v->string, f->values[i]) == 0) {
			*AT(rd->config, f, int) = (int)i + 1;
			return 0;
		}
	}
	shown = values_quote(v->string);
	want = field_expectation(f);
	return reader_fail(rd, v, "'%s' must be %s, not %s", f->path, want, shown);
}

/* Read one member's value into the config according to its field. */
static int read_field(struct reader *rd, const struct config_field *f, const struct jsonc_value *v)
{
	long long x;
	int r;

	switch (f->kind) {
	case FIELD_OBJECT:
		return 0; /* handled by the caller */
	case FIELD_SCHEMA:
		return v->type == JSONC_STRING ? 0 : wrong_type(rd, f, v);
	case FIELD_EXTENDS:
		if (v->type != JSONC_STRING)
			return wrong_type(rd, f, v);
		free(rd->extends);
		rd->extends = v->string[0] ? xstrdup(v->string) : NULL;
		return 0;
	case FIELD_STRINGS:
		return read_strings(rd, f, v);
	case FIELD_INTS:
		return read_ints(rd, f, v);
	case FIELD_BOOL:
		if (v->type != JSONC_BOOL)
			return wrong_type(rd, f, v);
		*AT(rd->config, f, bool) = v->boolean;
		return 0;
	case FIELD_TRISTATE:
		if (v->type != JSONC_BOOL)
			return wrong_type(rd, f, v);
		*AT(rd->config, f, enum tristate) = v->boolean ? TRI_TRUE : TRI_FALSE;
		return 0;
	case FIELD_STRING: {
		char **dst = AT(rd->config, f, char *);

		if (v->type != JSONC_STRING)
			return wrong_type(rd, f, v);
		free(*dst);
		*dst = NULL;
		if (v->string[0] == '\0')
			return 0;
		*dst = xstrdup(v->string);
		return check_string(rd, f, v, *dst);
	}
	case FIELD_ENUM:
		return read_enum(rd, f, v);
	case FIELD_INT:
		r = read_int(rd, f, v, &x);
		if (r < 0)
			return r;
		*AT(rd->config, f, int) = (int)x;
		return 0;
	}
	return 0;
}

/* The keys allowed directly inside the object at `parent`. */
static size_t known_keys(const char *parent, const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < ELEMENTSOF(fields) && n < max; i++)
		if (field_in(&fields[i], parent))
			names[n++] = field_key(&fields[i]);
	return n;
}

/* Warn about a key the format does not have, naming the nearest known one. */
static void warn_unknown(struct reader *rd, const char *parent, const struct jsonc_value *m, const char *path)
{
	const char *names[ELEMENTSOF(fields)];
	size_t n = known_keys(parent, names, ELEMENTSOF(names));
	const char *near = fields_suggest(m->key, names, n);
	_cleanup_free_ char *shown = values_quote(path);

	if (near)
		strv_pushf(rd->warnings, "%s:%u:%u: unknown key %s, ignoring it; did you mean '%s'?", rd->name,
			   m->key_line, m->key_column, shown, near);
	else
		strv_pushf(rd->warnings, "%s:%u:%u: unknown key %s, ignoring it", rd->name, m->key_line,
			   m->key_column, shown);
}

/* Flag each member of `obj` that a later member with the same key overrides (owned array). */
static bool *find_overridden(const struct jsonc_value *obj)
{
	bool *overridden = xcalloc(obj->n ? obj->n : 1, sizeof(*overridden));
	struct values_set seen = { 0 };

	for (size_t i = obj->n; i-- > 0;)
		overridden[i] = !values_set_add(&seen, obj->items[i].key);
	values_set_done(&seen);
	return overridden;
}

/* Read the members of the object at `parent` ("" for the top level). */
static int read_object(struct reader *rd, const char *parent, const struct jsonc_value *obj)
{
	_cleanup_free_ bool *overridden = find_overridden(obj);
	int r;

	for (size_t i = 0; i < obj->n; i++) {
		const struct jsonc_value *m = &obj->items[i];
		_cleanup_free_ char *path = parent[0] ? xasprintf("%s.%s", parent, m->key) : xstrdup(m->key);
		const struct config_field *f = fields_find(path);

		if (overridden[i]) {
			_cleanup_free_ char *shown = values_quote(path);

			strv_pushf(rd->warnings, "%s:%u:%u: repeated key %s, the last one wins", rd->name,
				   m->key_line, m->key_column, shown);
			continue;
		}
		if (!f) {
			warn_unknown(rd, parent, m, path);
			continue;
		}
		if (m->type == JSONC_NULL)
			continue; /* null means "not set" for every field */
		if (f->kind == FIELD_OBJECT) {
			if (m->type != JSONC_OBJECT)
				return wrong_type(rd, f, m);
			r = read_object(rd, path, m);
		} else {
			r = read_field(rd, f, m);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* Apply the rules that relate several fields of one file. */
static int check_file_rules(struct reader *rd, const struct jsonc_value *root)
{
	const struct fence_config *c = rd->config;

	if (c->network.default_action == ACTION_PROXY && !c->network.upstream_proxy)
		return reader_fail(rd, root, "'network.defaultAction' is 'proxy' but this file sets no "
					     "'network.upstreamProxy'");
	return 0;
}

int fields_parse(const struct jsonc_value *root, const char *name, struct fence_config *c,
		 char **ret_extends, struct strv *warnings, char **ret_error)
{
	struct reader rd = { .name = name, .config = c, .warnings = warnings, .error = ret_error };
	int r;

	c->network.allow_local_outbound = TRI_UNSET;
	c->filesystem.wsl_interop = TRI_UNSET;
	c->command.use_defaults = TRI_UNSET;
	c->force_new_session = TRI_UNSET;

	if (root->type != JSONC_OBJECT) {
		*ret_error = xasprintf("%s:%u:%u: the configuration must be an object, not %s", name, root->line,
				       root->column, jsonc_type_name(root->type));
		return -EINVAL;
	}
	r = read_object(&rd, "", root);
	if (r >= 0)
		r = check_file_rules(&rd, root);
	if (r < 0) {
		free(rd.extends);
		fields_done(c);
		return r;
	}
	if (c->filesystem.strict_deny_read)
		c->filesystem.default_deny_read = true;
	*ret_extends = rd.extends;
	return 0;
}

/* --- Merging, copying, freeing --------------------------------------------- */

void fields_merge(struct fence_config *base, const struct fence_config *child)
{
	for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
		const struct config_field *f = &fields[i];

		switch (f->kind) {
		case FIELD_OBJECT:
		case FIELD_SCHEMA:
		case FIELD_EXTENDS:
			break;
		case FIELD_STRINGS:
			values_strv_append_unique(AT(base, f, struct strv), AT_CONST(child, f, struct strv));
			break;
		case FIELD_INTS:
			values_intv_append_unique(AT(base, f, struct intv), AT_CONST(child, f, struct intv));
			break;
		case FIELD_BOOL:
			*AT(base, f, bool) = *AT(base, f, bool) || *AT_CONST(child, f, bool);
			break;
		case FIELD_TRISTATE:
			if (*AT_CONST(child, f, enum tristate) != TRI_UNSET)
				*AT(base, f, enum tristate) = *AT_CONST(child, f, enum tristate);
			break;
		case FIELD_STRING: {
			const char *s = *AT_CONST(child, f, char *);

			if (s && s[0]) {
				free(*AT(base, f, char *));
				*AT(base, f, char *) = xstrdup(s);
			}
			break;
		}
		case FIELD_ENUM:
		case FIELD_INT:
			if (*AT_CONST(child, f, int) != 0)
				*AT(base, f, int) = *AT_CONST(child, f, int);
			break;
		}
	}
	if (base->filesystem.strict_deny_read)
		base->filesystem.default_deny_read = true;
}

void fields_done(struct fence_config *c)
{
	for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
		const struct config_field *f = &fields[i];

		if (f->kind == FIELD_STRINGS)
			strv_done(AT(c, f, struct strv));
		else if (f->kind == FIELD_INTS)
			free(AT(c, f, struct intv)->v);
		else if (f->kind == FIELD_STRING)
			free(*AT(c, f, char *));
	}
	memset(c, 0, sizeof(*c));
	c->network.allow_local_outbound = TRI_UNSET;
	c->filesystem.wsl_interop = TRI_UNSET;
	c->command.use_defaults = TRI_UNSET;
	c->force_new_session = TRI_UNSET;
}

void fields_copy(struct fence_config *dst, const struct fence_config *src)
{
	*dst = *src;
	for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
		const struct config_field *f = &fields[i];

		if (f->kind == FIELD_STRINGS) {
			*AT(dst, f, struct strv) = (struct strv){ 0 };
			strv_copy(AT(dst, f, struct strv), AT_CONST(src, f, struct strv));
		} else if (f->kind == FIELD_INTS) {
			*AT(dst, f, struct intv) = (struct intv){ 0 };
			values_intv_append_unique(AT(dst, f, struct intv), AT_CONST(src, f, struct intv));
		} else if (f->kind == FIELD_STRING && *AT_CONST(src, f, char *)) {
			*AT(dst, f, char *) = xstrdup(*AT_CONST(src, f, char *));
		}
	}
}

/* --- Serializing ------------------------------------------------------------ */

/* Build the JSON object for `parent`, or NULL when nothing in it is set. */
static struct json_object *object_to_json(const struct fence_config *c, const char *parent)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
		const struct config_field *f = &fields[i];
		struct json_object *v = NULL;

		if (!field_in(f, parent))
			continue;
		switch (f->kind) {
		case FIELD_SCHEMA:
		case FIELD_EXTENDS:
			break;
		case FIELD_OBJECT:
			v = object_to_json(c, f->path);
			break;
		case FIELD_STRINGS: {
			const struct strv *sv = AT_CONST(c, f, struct strv);

			if (sv->n == 0)
				break;
			v = json_object_new_array();
			for (size_t k = 0; k < sv->n; k++)
				json_object_array_add(v, json_object_new_string(sv->v[k]));
			break;
		}
		case FIELD_INTS: {
			const struct intv *iv = AT_CONST(c, f, struct intv);

			if (iv->n == 0)
				break;
			v = json_object_new_array();
			for (size_t k = 0; k < iv->n; k++)
				json_object_array_add(v, json_object_new_int(iv->v[k]));
			break;
		}
		case FIELD_BOOL:
			if (*AT_CONST(c, f, bool))
				v = json_object_new_boolean(1);
			break;
		case FIELD_TRISTATE:
			if (*AT_CONST(c, f, enum tristate) != TRI_UNSET)
				v = json_object_new_boolean(*AT_CONST(c, f, enum tristate) == TRI_TRUE);
			break;
		case FIELD_STRING:
			if (*AT_CONST(c, f, char *))
				v = json_object_new_string(*AT_CONST(c, f, char *));
			break;
		case FIELD_ENUM:
			if (*AT_CONST(c, f, int) > 0)
				v = json_object_new_string(f->values[*AT_CONST(c, f, int) - 1]);
			break;
		case FIELD_INT:
			if (*AT_CONST(c, f, int) != 0)
				v = json_object_new_int(*AT_CONST(c, f, int));
			break;
		}
		if (v)
			json_object_object_add(o, field_key(f), v);
	}
	if (json_object_object_length(o) == 0 && parent[0]) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Print a json-c tree as pretty text with a final newline (owned). */
static char *json_text(struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
								 JSON_C_TO_STRING_NOSLASHESCAPE);
	char *text = xasprintf("%s\n", s);

	json_object_put(o);
	return text;
}

char *fields_to_json(const struct fence_config *c)
{
	return json_text(object_to_json(c, ""));
}

/* The schema of one field. */
static struct json_object *field_schema(const struct config_field *f);

/* The schema of the object at `parent`: its properties, no others. */
static struct json_object *object_schema(const char *parent, const char *description)
{
	struct json_object *o = json_object_new_object();
	struct json_object *props = json_object_new_object();
	struct json_object *types = json_object_new_array();

	json_object_array_add(types, json_object_new_string("object"));
	if (parent[0])
		json_object_array_add(types, json_object_new_string("null"));
	json_object_object_add(o, "description", json_object_new_string(description));
	json_object_object_add(o, "type", types);
	for (size_t i = 0; i < ELEMENTSOF(fields); i++)
		if (field_in(&fields[i], parent))
			json_object_object_add(props, field_key(&fields[i]), field_schema(&fields[i]));
	json_object_object_add(o, "properties", props);
	json_object_object_add(o, "additionalProperties", json_object_new_boolean(0));
	return o;
}

/* A {"type": [T, "null"]} object with the field's description. */
static struct json_object *typed(const struct config_field *f, const char *type)
{
	struct json_object *o = json_object_new_object();
	struct json_object *types = json_object_new_array();

	json_object_array_add(types, json_object_new_string(type));
	json_object_array_add(types, json_object_new_string("null"));
	json_object_object_add(o, "description", json_object_new_string(f->description));
	json_object_object_add(o, "type", types);
	return o;
}

static struct json_object *field_schema(const struct config_field *f)
{
	struct json_object *o, *items;

	switch (f->kind) {
	case FIELD_OBJECT:
		return object_schema(f->path, f->description);
	case FIELD_STRINGS:
		o = typed(f, "array");
		items = json_object_new_object();
		json_object_object_add(items, "type", json_object_new_string("string"));
		json_object_object_add(items, "minLength", json_object_new_int(1));
		json_object_object_add(o, "items", items);
		return o;
	case FIELD_INTS:
		o = typed(f, "array");
		items = json_object_new_object();
		json_object_object_add(items, "type", json_object_new_string("integer"));
		json_object_object_add(items, "minimum", json_object_new_int64(f->min));
		json_object_object_add(items, "maximum", json_object_new_int64(f->max));
		json_object_object_add(o, "items", items);
		return o;
	case FIELD_BOOL:
	case FIELD_TRISTATE:
		return typed(f, "boolean");
	case FIELD_SCHEMA:
	case FIELD_EXTENDS:
	case FIELD_STRING:
		return typed(f, "string");
	case FIELD_INT:
		o = typed(f, "integer");
		json_object_object_add(o, "minimum", json_object_new_int64(f->min));
		json_object_object_add(o, "maximum", json_object_new_int64(f->max));
		return o;
	case FIELD_ENUM:
		o = json_object_new_object();
		items = json_object_new_array();
		json_object_object_add(o, "description", json_object_new_string(f->description));
		for (size_t i = 0; f->values[i]; i++)
			json_object_array_add(items, json_object_new_string(f->values[i]));
		json_object_array_add(items, json_object_new_string(""));
		json_object_array_add(items, NULL);
		json_object_object_add(o, "enum", items);
		return o;
	}
	return json_object_new_object();
}

char *fields_schema_json(void)
{
	struct json_object *root = object_schema("", "fence configuration (fence.json or fence.jsonc, JSON with "
						     "comments and trailing commas).");
	struct json_object *o = json_object_new_object();
	struct json_object_iterator it, end;

	/* Put the schema keywords first, then the generated object's. */
	json_object_object_add(o, "$schema", json_object_new_string("http://json-schema.org/draft-07/schema#"));
	json_object_object_add(o, "title", json_object_new_string("fence configuration"));
	it = json_object_iter_begin(root);
	end = json_object_iter_end(root);
	while (!json_object_iter_equal(&it, &end)) {
		json_object_object_add(o, json_object_iter_peek_name(&it),
				       json_object_get(json_object_iter_peek_value(&it)));
		json_object_iter_next(&it);
	}
	json_object_put(root);
	return json_text(o);
}

/* --- Suggestions -------------------------------------------------------------- */

/* Case-insensitive Levenshtein distance of two short strings, capped at 99. */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[65];

	if (la > 64 || lb > 64)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			unsigned best = diag + cost;

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *fields_suggest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	unsigned best_d = 3;

	for (size_t i = 0; i < n; i++) {
		unsigned d = edit_distance(word, names[i]);

		/* Two edits turn any short word into another ("nope" into "code"): ask for half the word intact. */
		if (d < best_d && 2 * d < strlen(word)) {
			best = names[i];
			best_d = d;
		}
	}
	return best;
}
