/* SPDX-License-Identifier: MIT */
/*
 * policy/config.h: the configuration model and its loader.
 *
 * struct fence_config mirrors the JSON format field for field (the Go
 * tool's names, so users' files load unchanged).  The loader resolves
 * `extends`, merges base then child, validates, and returns one config with
 * no `extends` left.  Everything else in fence reads policy from here.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* A JSON boolean that may also be null or absent ("not set"). */
enum tristate {
	TRI_UNSET = -1,
	TRI_FALSE = 0,
	TRI_TRUE = 1,
};

enum default_action {
	ACTION_UNSET = 0, /* empty string or absent */
	ACTION_DENY,
	ACTION_PROXY,
};

/* network.onBlocked: what the proxies do with a host that no rule covers. */
enum on_blocked {
	ON_BLOCKED_UNSET = 0, /* empty string or absent: deny */
	ON_BLOCKED_DENY,
	ON_BLOCKED_ASK, /* hold the request and ask in the session's pane */
};

enum devices_mode {
	DEVICES_UNSET = 0,
	DEVICES_AUTO,
	DEVICES_MINIMAL,
	DEVICES_HOST,
};

enum exec_policy {
	EXEC_POLICY_UNSET = 0,
	EXEC_POLICY_PATH,
	EXEC_POLICY_ARGV,
};

struct intv {
	int *v; /* owned */
	size_t n;
};

struct fence_network {
	struct strv allowed_domains; /* allowedDomains */
	struct strv denied_domains; /* deniedDomains */
	struct strv allow_unix_sockets; /* allowUnixSockets */
	bool allow_all_unix_sockets; /* allowAllUnixSockets */
	bool allow_local_binding; /* allowLocalBinding */
	enum tristate allow_local_outbound; /* allowLocalOutbound */
	struct intv allow_local_outbound_ports; /* allowLocalOutboundPorts */
	int http_proxy_port; /* httpProxyPort, 0 = random */
	int socks_proxy_port; /* socksProxyPort, 0 = random */
	char *upstream_proxy; /* upstreamProxy, owned, NULL = unset */
	enum default_action default_action; /* defaultAction */
	enum on_blocked on_blocked; /* onBlocked */
	struct strv allow_package_registries; /* allowPackageRegistries */
};

struct fence_filesystem {
	struct strv allow_write;
	struct strv deny_write;
	struct strv deny_read;
	struct strv allow_read;
	struct strv allow_execute;
	bool default_deny_read;
	bool strict_deny_read;
	enum tristate wsl_interop;
	bool allow_git_config;
};

struct fence_devices {
	enum devices_mode mode;
	struct strv allow;
};

struct fence_command {
	struct strv deny;
	struct strv allow;
	enum tristate use_defaults; /* unset means true */
	enum exec_policy runtime_exec_policy;
	struct strv accept_shared_binary_cannot_runtime_deny;
};

struct fence_ssh {
	struct strv allowed_hosts;
	struct strv denied_hosts;
	struct strv allowed_commands;
	struct strv denied_commands;
	bool allow_all_commands;
	bool inherit_deny;
};

struct fence_macos {
	struct strv mach_lookup; /* macos.mach.lookup */
	struct strv mach_register; /* macos.mach.register */
};

struct fence_environment {
	struct strv deny;
	struct strv allow;
};

struct fence_config {
	struct fence_network network;
	struct fence_filesystem filesystem;
	struct fence_devices devices;
	struct fence_command command;
	struct fence_ssh ssh;
	struct fence_macos macos;
	struct fence_environment environment;
	bool allow_pty; /* allowPty */
	enum tristate force_new_session; /* forceNewSession */
};

/* Where the root of a resolved configuration came from. */
enum config_source_kind {
	CONFIG_SOURCE_TEMPLATE,
	CONFIG_SOURCE_SETTINGS, /* -s/--settings */
	CONFIG_SOURCE_PROJECT, /* fence.jsonc/fence.json found from cwd up */
	CONFIG_SOURCE_USER, /* $XDG_CONFIG_HOME/fence/... */
	CONFIG_SOURCE_DEFAULT, /* the built-in default */
};

/* What the caller asked for; both NULL means "discover". */
struct config_request {
	const char *template_name; /* -t/--template, borrowed */
	const char *settings_path; /* -s/--settings, borrowed */
	const char *cwd; /* borrowed; NULL = getcwd() */
};

/* A resolved configuration and the chain that produced it. */
struct config_result {
	struct fence_config config;
	enum config_source_kind source;
	struct strv chain; /* human-readable: "template:code", "file:/abs/path", root first */
	struct strv warnings; /* 'FILE:LINE:COL: message' lines, not yet printed */
};

/*
 * config_resolve: find, load, extend, merge and validate a configuration.
 *
 * Returns 0 and fills *ret, or a negative errno and sets *ret_error to one
 * owned message line (without the 'fence: ' prefix), such as
 * "/home/ana/.config/fence/fence.json:4:18: expected ',' or '}'".
 * Warnings (unknown keys, repeated keys) go to ret->warnings; the caller
 * prints them.  On error ret->warnings still holds the warnings found
 * before it, to print before the error, and the caller frees them with
 * config_result_done.
 */
int config_resolve(const struct config_request *req, struct config_result *ret, char **ret_error);

/*
 * config_load_string: parse one JSONC text as a config file named `name`
 * (used in messages), resolving `extends` relative to `dir` (may be NULL).
 * Same contract as config_resolve.
 */
int config_load_string(const char *name, const char *dir, const char *text,
		       struct config_result *ret, char **ret_error);

/*
 * config_candidate_files: append to out every file r was loaded from, then
 * every path where a project file (from cwd up) or a user file would be
 * found, existing or not, and fence's state directory (see
 * configtrust_state_dir).  The sandbox must not be able to write any of
 * them, because the next run would take its policy from them.  r may be NULL.
 */
void config_candidate_files(const struct config_result *r, const char *cwd, struct strv *out);

/* config_result_done: free everything a config_result holds. */
void config_result_done(struct config_result *r);

/* config_done: free the contents of a config; leaves a zeroed struct. */
void config_done(struct fence_config *c);

/* config_to_json: serialize a config as pretty JSON text (owned). */
char *config_to_json(const struct fence_config *c);

/* Effective values with the defaults applied. */
bool config_use_default_commands(const struct fence_config *c);
bool config_allow_local_outbound(const struct fence_config *c);
/* config_relaxed_network: allowedDomains contains the bare "*". */
bool config_relaxed_network(const struct fence_config *c);

/* Built-in templates. */
struct template_info {
	const char *name;
	const char *description;
	const char *json; /* JSONC text */
};
const struct template_info *config_templates(size_t *ret_n);
const struct template_info *config_template_find(const char *name);
