/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_config.c: loading, validation messages, merge rules,
 * `extends` chains and cycles, source precedence and the templates.
 */
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/fields.h"
#include "policy/policy.h"

static char tmp[PATH_MAX];

/* Make a fresh directory tree with an empty HOME for each test. */
static void setup_tmp(void)
{
	char home[PATH_MAX + 16];

	snprintf(tmp, sizeof(tmp), "/tmp/fence-test-config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(home, sizeof(home), "%s/home", tmp);
	ck_assert_int_eq(mkdir(home, 0700), 0);
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

/* Remove the test's tree, if it made one. */
static void teardown_tmp(void)
{
	if (tmp[0])
		nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	tmp[0] = '\0';
}

/* Write `text` to tmp/rel, creating directories on the way. */
static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	for (char *p = path + strlen(tmp) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* tmp/rel as an absolute path, in one of eight rotating static buffers. */
static const char *at(const char *rel)
{
	static char paths[8][PATH_MAX * 2];
	static unsigned next;
	char *path = paths[next++ % 8];

	snprintf(path, sizeof(paths[0]), "%s/%s", tmp, rel);
	return path;
}

/* Load text that must be valid. */
static void load_ok(const char *text, struct config_result *res)
{
	_cleanup_free_ char *error = NULL;
	int r = config_load_string("test.json", NULL, text, res, &error);

	ck_assert_msg(r == 0, "load failed: %s", error ? error : "(no message)");
}

/* Load text that must fail with exactly `expected`. */
static void load_fails(const char *text, const char *expected)
{
	_cleanup_free_ char *error = NULL;
	struct config_result res;
	int r = config_load_string("test.json", NULL, text, &res, &error);

	ck_assert_msg(r < 0, "load of <%s> succeeded", text);
	ck_assert_ptr_nonnull(error);
	ck_assert_str_eq(error, expected);
	config_result_done(&res); /* the warnings found before the error */
}

/* Resolve with a request; must succeed. */
static void resolve_ok(const struct config_request *req, struct config_result *res)
{
	_cleanup_free_ char *error = NULL;
	int r = config_resolve(req, res, &error);

	ck_assert_msg(r == 0, "resolve failed: %s", error ? error : "(no message)");
}

/* --- Templates -------------------------------------------------------------- */

START_TEST(every_template_loads_without_warnings)
{
	size_t n;
	const struct template_info *t = config_templates(&n);
	struct config_request req = { .template_name = t[_i].name, .cwd = "/" };
	struct config_result res;

	ck_assert_uint_eq(n, 12);
	resolve_ok(&req, &res);
	ck_assert_msg(res.warnings.n == 0, "%s: %s", t[_i].name, res.warnings.v[0]);
	ck_assert_int_eq(res.source, CONFIG_SOURCE_TEMPLATE);
	_cleanup_free_ char *id = xasprintf("template:%s", t[_i].name);

	ck_assert_str_eq(res.chain.v[0], id);
	ck_assert_ptr_nonnull(t[_i].description);
	ck_assert(strlen(t[_i].description) <= 60);
	config_result_done(&res);
}
END_TEST

START_TEST(templates_named_in_the_format_exist)
{
	static const char *const names[] = { "code", "code-relaxed", "code-strict", "disable-telemetry",
					     "git-readonly", "hermes", "local-dev-server", "default-deny",
					     "workspace-write", "agent-api-only", "npm-install", "pip-install" };

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		ck_assert_msg(config_template_find(names[i]), "missing template %s", names[i]);
	ck_assert_ptr_eq(config_template_find("code.json"), config_template_find("code"));
	ck_assert_ptr_null(config_template_find("nope"));
}
END_TEST

START_TEST(code_relaxed_extends_code)
{
	struct config_request req = { .template_name = "code-relaxed", .cwd = "/" };
	struct config_result res;

	resolve_ok(&req, &res);
	ck_assert_uint_eq(res.chain.n, 2);
	ck_assert_str_eq(res.chain.v[0], "template:code-relaxed");
	ck_assert_str_eq(res.chain.v[1], "template:code");
	ck_assert(config_relaxed_network(&res.config));
	ck_assert(strv_contains(&res.config.network.allowed_domains, "github.com"));
	ck_assert(strv_contains(&res.config.network.denied_domains, "*.sentry.io"));
	ck_assert(strv_contains(&res.config.command.deny, "git push"));
	ck_assert(res.config.allow_pty);
	config_result_done(&res);
}
END_TEST

START_TEST(code_template_contents)
{
	struct config_request req = { .template_name = "code", .cwd = "/" };
	struct config_result res;
	const struct fence_config *c;

	resolve_ok(&req, &res);
	c = &res.config;
	ck_assert_uint_eq(c->network.allowed_domains.n, 30);
	ck_assert_str_eq(c->network.allowed_domains.v[0], "api.openai.com");
	ck_assert_str_eq(c->network.allowed_domains.v[29], "models.dev");
	ck_assert_uint_eq(c->network.allow_package_registries.n, 6);
	ck_assert_uint_eq(c->network.denied_domains.n, 5);
	ck_assert_uint_eq(c->filesystem.allow_write.n, 26);
	ck_assert_uint_eq(c->filesystem.deny_write.n, 6);
	ck_assert_uint_eq(c->filesystem.deny_read.n, 13);
	ck_assert_uint_eq(c->command.deny.n, 35);
	ck_assert(config_use_default_commands(c));
	ck_assert(config_allow_local_outbound(c));
	ck_assert(!config_relaxed_network(c));
	config_result_done(&res);
}
END_TEST

START_TEST(agent_api_only_keeps_twelve_domains)
{
	struct config_request req = { .template_name = "agent-api-only", .cwd = "/" };
	struct config_result res;

	resolve_ok(&req, &res);
	ck_assert_uint_eq(res.config.network.allowed_domains.n, 12);
	ck_assert_str_eq(res.config.network.allowed_domains.v[11], "*.amazonaws.com");
	ck_assert_uint_eq(res.config.network.allow_package_registries.n, 0);
	ck_assert(!res.config.network.allow_local_binding);
	ck_assert(!config_allow_local_outbound(&res.config));
	config_result_done(&res);
}
END_TEST

START_TEST(code_strict_denies_reads_and_variables)
{
	struct config_request req = { .template_name = "code-strict", .cwd = "/" };
	struct config_result res;

	resolve_ok(&req, &res);
	ck_assert(res.config.filesystem.default_deny_read);
	ck_assert(strv_contains(&res.config.filesystem.allow_read, "~/.claude.json"));
	ck_assert(strv_contains(&res.config.environment.deny, "AWS_*"));
	ck_assert_uint_eq(res.config.environment.deny.n, 24);
	config_result_done(&res);
}
END_TEST

START_TEST(no_template_names_a_registry_host)
{
	size_t n;
	const struct template_info *t = config_templates(&n);

	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(!strstr(t[i].json, "registry.npmjs.org"), "%s", t[i].name);
		ck_assert_msg(!strstr(t[i].json, "pypi.org"), "%s", t[i].name);
		ck_assert_msg(!strstr(t[i].json, "crates.io"), "%s", t[i].name);
		ck_assert_msg(!strstr(t[i].json, "proxy.golang.org"), "%s", t[i].name);
	}
}
END_TEST

START_TEST(unknown_template_is_an_error)
{
	_cleanup_free_ char *error = NULL;
	struct config_request req = { .template_name = "nope", .cwd = "/" };
	struct config_result res;

	ck_assert_int_lt(config_resolve(&req, &res, &error), 0);
	ck_assert_str_eq(error, "unknown template 'nope'; 'fence templates' lists them");
	free(error);
	error = NULL;
	req.template_name = "code-stirct";
	ck_assert_int_lt(config_resolve(&req, &res, &error), 0);
	ck_assert_str_eq(error, "unknown template 'code-stirct'; did you mean 'code-strict'?");
}
END_TEST

/* --- Field reading and validation --------------------------------------------- */

START_TEST(every_field_loads)
{
	struct config_result res;
	const struct fence_config *c;

	load_ok("{\n"
		"  \"$schema\": \"x\",\n"
		"  \"allowPty\": true, \"forceNewSession\": false,\n"
		"  \"network\": {\"allowedDomains\": [\"a.example.com\", \"*.b.org:443\", \"[::1]:8080\", \"10.0.0.1\"],\n"
		"    \"deniedDomains\": [\"localhost\"], \"allowUnixSockets\": [\"/run/x.sock\"],\n"
		"    \"allowAllUnixSockets\": true, \"allowLocalBinding\": true, \"allowLocalOutbound\": false,\n"
		"    \"allowLocalOutboundPorts\": [5432, 6379, 5432], \"httpProxyPort\": 18080, \"socksProxyPort\": 0,\n"
		"    \"upstreamProxy\": \"http://proxy.corp:3128\", \"defaultAction\": \"proxy\",\n"
		"    \"allowPackageRegistries\": [\"npm\", \"pip\"]},\n"
		"  \"filesystem\": {\"allowWrite\": [\".\"], \"denyWrite\": [\"x\"], \"denyRead\": [\"~/.ssh\"],\n"
		"    \"allowRead\": [\"/opt\"], \"allowExecute\": [\"/bin/ls\"], \"defaultDenyRead\": false,\n"
		"    \"strictDenyRead\": true, \"wslInterop\": null, \"allowGitConfig\": true},\n"
		"  \"devices\": {\"mode\": \"minimal\", \"allow\": [\"/dev/kvm\"]},\n"
		"  \"command\": {\"deny\": [\"git push\"], \"allow\": [\"git push --dry-run\"], \"useDefaults\": false,\n"
		"    \"runtimeExecPolicy\": \"argv\", \"acceptSharedBinaryCannotRuntimeDeny\": [\"busybox\"]},\n"
		"  \"ssh\": {\"allowedHosts\": [\"*.example.com\", \"fe80::1\"], \"deniedHosts\": [\"prod-*\"],\n"
		"    \"allowedCommands\": [\"ls\"], \"deniedCommands\": [\"rm\"], \"allowAllCommands\": true,\n"
		"    \"inheritDeny\": true},\n"
		"  \"macos\": {\"mach\": {\"lookup\": [\"com.apple.*\"], \"register\": [\"*\"]}},\n"
		"  \"environment\": {\"deny\": [\"AWS_*\", \"TOKEN\"], \"allow\": [\"AWS_REGION\"]},\n"
		"}\n",
		&res);
	c = &res.config;
	ck_assert_uint_eq(res.warnings.n, 0);
	ck_assert(c->allow_pty);
	ck_assert_int_eq(c->force_new_session, TRI_FALSE);
	ck_assert_uint_eq(c->network.allowed_domains.n, 4);
	ck_assert(c->network.allow_all_unix_sockets);
	ck_assert_int_eq(c->network.allow_local_outbound, TRI_FALSE);
	ck_assert(!config_allow_local_outbound(c));
	ck_assert_uint_eq(c->network.allow_local_outbound_ports.n, 2);
	ck_assert_int_eq(c->network.allow_local_outbound_ports.v[1], 6379);
	ck_assert_int_eq(c->network.http_proxy_port, 18080);
	ck_assert_str_eq(c->network.upstream_proxy, "http://proxy.corp:3128");
	ck_assert_int_eq(c->network.default_action, ACTION_PROXY);
	ck_assert_uint_eq(c->network.allow_package_registries.n, 2);
	ck_assert(c->filesystem.strict_deny_read);
	ck_assert(c->filesystem.default_deny_read); /* set by strictDenyRead */
	ck_assert_int_eq(c->filesystem.wsl_interop, TRI_UNSET);
	ck_assert(c->filesystem.allow_git_config);
	ck_assert_int_eq(c->devices.mode, DEVICES_MINIMAL);
	ck_assert_str_eq(c->devices.allow.v[0], "/dev/kvm");
	ck_assert_int_eq(c->command.use_defaults, TRI_FALSE);
	ck_assert(!config_use_default_commands(c));
	ck_assert_int_eq(c->command.runtime_exec_policy, EXEC_POLICY_ARGV);
	ck_assert_str_eq(c->command.accept_shared_binary_cannot_runtime_deny.v[0], "busybox");
	ck_assert_uint_eq(c->ssh.allowed_hosts.n, 2);
	ck_assert(c->ssh.allow_all_commands && c->ssh.inherit_deny);
	ck_assert_str_eq(c->macos.mach_lookup.v[0], "com.apple.*");
	ck_assert_str_eq(c->macos.mach_register.v[0], "*");
	ck_assert_str_eq(c->environment.allow.v[0], "AWS_REGION");
	config_result_done(&res);
}
END_TEST

START_TEST(null_means_not_set)
{
	struct config_result res;

	load_ok("{\"network\": null, \"filesystem\": {\"allowWrite\": null}, \"allowPty\": null,"
		" \"command\": {\"useDefaults\": null}, \"devices\": {\"mode\": \"\"}}",
		&res);
	ck_assert_uint_eq(res.config.filesystem.allow_write.n, 0);
	ck_assert_int_eq(res.config.command.use_defaults, TRI_UNSET);
	ck_assert_int_eq(res.config.devices.mode, DEVICES_UNSET);
	ck_assert(config_use_default_commands(&res.config));
	config_result_done(&res);
}
END_TEST

START_TEST(domains_are_normalized)
{
	struct config_result res;

	load_ok("{\"network\": {\"allowedDomains\": [\"example.com.\", \"example.org.:443\", \"*\", \"*:443\"]}}",
		&res);
	ck_assert_str_eq(res.config.network.allowed_domains.v[0], "example.com");
	ck_assert_str_eq(res.config.network.allowed_domains.v[1], "example.org:443");
	ck_assert(config_relaxed_network(&res.config));
	config_result_done(&res);
}
END_TEST

/* Each invalid file with its exact one-line error. */
static const struct {
	const char *text;
	const char *error;
} invalid[] = {
	{ "[]", "test.json:1:1: the configuration must be an object, not a list" },
	{ "{\"allowPty\": \"yes\"}", "test.json:1:14: 'allowPty' must be true or false, not a string" },
	{ "{\"forceNewSession\": 1}", "test.json:1:21: 'forceNewSession' must be true, false or null, not a number" },
	{ "{\"network\": []}", "test.json:1:13: 'network' must be an object, not a list" },
	{ "{\"network\": {\"allowedDomains\": \"a.com\"}}",
	  "test.json:1:32: 'network.allowedDomains' must be a list of strings, not a string" },
	{ "{\"network\": {\"allowedDomains\": [\"a.com\", 3]}}",
	  "test.json:1:42: 'network.allowedDomains' entries must be strings, not a number" },
	{ "{\"network\": {\"allowedDomains\": [\"example\"]}}",
	  "test.json:1:33: invalid 'network.allowedDomains' entry 'example': a domain needs two or more labels, "
	  "unless it is 'localhost' or '*'" },
	{ "{\"network\": {\"deniedDomains\": [\"https://a.com\"]}}",
	  "test.json:1:32: invalid 'network.deniedDomains' entry 'https://a.com': a domain pattern has no scheme, "
	  "only the host name" },
	{ "{\"network\": {\"allowedDomains\": [\"*.com\"]}}",
	  "test.json:1:33: invalid 'network.allowedDomains' entry '*.com': '*.' must be followed by two or more "
	  "labels, as in '*.example.com'" },
	{ "{\"network\": {\"allowedDomains\": [\"a.*.com\"]}}",
	  "test.json:1:33: invalid 'network.allowedDomains' entry 'a.*.com': '*' is allowed only as the whole "
	  "pattern or as a leading '*.'" },
	{ "{\"network\": {\"allowedDomains\": [\".example.com\"]}}",
	  "test.json:1:33: invalid 'network.allowedDomains' entry '.example.com': a domain pattern has no empty "
	  "labels (no leading, repeated or lone dots)" },
	{ "{\"network\": {\"allowedDomains\": [\"a.com:0\"]}}",
	  "test.json:1:33: invalid 'network.allowedDomains' entry 'a.com:0': the port after ':' must be a number "
	  "from 1 to 65535" },
	{ "{\"network\": {\"allowedDomains\": [\"a.com/x\"]}}",
	  "test.json:1:33: invalid 'network.allowedDomains' entry 'a.com/x': a domain pattern has no path, only "
	  "the host name" },
	{ "{\"network\": {\"allowedDomains\": [\"\"]}}",
	  "test.json:1:33: invalid 'network.allowedDomains' entry '': must not be empty" },
	{ "{\"network\": {\"allowLocalOutboundPorts\": [3128]}}",
	  "test.json:1:42: invalid 'network.allowLocalOutboundPorts' value 3128: 3128 and 1080 are the sandbox's "
	  "own proxy ports" },
	{ "{\"network\": {\"allowLocalOutboundPorts\": [70000]}}",
	  "test.json:1:42: 'network.allowLocalOutboundPorts' must be an integer from 1 to 65535, not 70000" },
	{ "{\"network\": {\"allowLocalOutboundPorts\": [\"80\"]}}",
	  "test.json:1:42: 'network.allowLocalOutboundPorts' must be an integer from 1 to 65535, not a string" },
	{ "{\"network\": {\"httpProxyPort\": 1.5}}",
	  "test.json:1:31: 'network.httpProxyPort' must be an integer from 0 to 65535, not 1.5" },
	{ "{\"network\": {\"socksProxyPort\": -1}}",
	  "test.json:1:32: 'network.socksProxyPort' must be an integer from 0 to 65535, not -1" },
	{ "{\"network\": {\"upstreamProxy\": \"socks5://x:1\"}}",
	  "test.json:1:31: invalid 'network.upstreamProxy' entry 'socks5://x:1': must be 'http://host[:port]', "
	  "without credentials, path or query" },
	{ "{\"network\": {\"upstreamProxy\": \"http://u:p@x:1\"}}",
	  "test.json:1:31: invalid 'network.upstreamProxy' entry 'http://u:p@x:1': must be 'http://host[:port]', "
	  "without credentials, path or query" },
	{ "{\"network\": {\"defaultAction\": \"allow\"}}",
	  "test.json:1:31: 'network.defaultAction' must be one of 'deny', 'proxy', not 'allow'" },
	{ "{\"network\": {\"defaultAction\": \"proxy\"}}",
	  "test.json:1:1: 'network.defaultAction' is 'proxy' but this file sets no 'network.upstreamProxy'" },
	{ "{\"network\": {\"allowPackageRegistries\": [\"maven\"]}}",
	  "test.json:1:41: invalid 'network.allowPackageRegistries' entry 'maven': must be one of 'npm', 'yarn', "
	  "'pip', 'cargo', 'go', 'brew'" },
	{ "{\"filesystem\": {\"allowWrite\": [\"\"]}}",
	  "test.json:1:32: invalid 'filesystem.allowWrite' entry '': must not be empty" },
	{ "{\"filesystem\": {\"wslInterop\": \"auto\"}}",
	  "test.json:1:31: 'filesystem.wslInterop' must be true, false or null, not a string" },
	{ "{\"devices\": {\"mode\": \"all\"}}",
	  "test.json:1:22: 'devices.mode' must be one of 'auto', 'minimal', 'host', not 'all'" },
	{ "{\"devices\": {\"allow\": [\"/dev\"]}}",
	  "test.json:1:24: invalid 'devices.allow' entry '/dev': must be a path under /dev/, such as '/dev/kvm'" },
	{ "{\"command\": {\"runtimeExecPolicy\": \"seccomp\"}}",
	  "test.json:1:35: 'command.runtimeExecPolicy' must be one of 'path', 'argv', not 'seccomp'" },
	{ "{\"command\": {\"deny\": [\"\"]}}", "test.json:1:23: invalid 'command.deny' entry '': must not be empty" },
	{ "{\"command\": {\"acceptSharedBinaryCannotRuntimeDeny\": [\"/bin/x\"]}}",
	  "test.json:1:54: invalid 'command.acceptSharedBinaryCannotRuntimeDeny' entry '/bin/x': must be a "
	  "command name without '/'" },
	{ "{\"ssh\": {\"allowedHosts\": [\"git@github.com\"]}}",
	  "test.json:1:27: invalid 'ssh.allowedHosts' entry 'git@github.com': an ssh host pattern has no user; "
	  "write the host only" },
	{ "{\"ssh\": {\"deniedHosts\": [\"host:22\"]}}",
	  "test.json:1:26: invalid 'ssh.deniedHosts' entry 'host:22': ':' is allowed only in IPv6 addresses; ssh "
	  "ports are not part of the pattern" },
	{ "{\"macos\": {\"mach\": {\"lookup\": [\"com.*.x\"]}}}",
	  "test.json:1:32: invalid 'macos.mach.lookup' entry 'com.*.x': '*' is allowed only at the end "
	  "('prefix*' or '*')" },
	{ "{\"environment\": {\"deny\": [\"A=B\"]}}",
	  "test.json:1:27: invalid 'environment.deny' entry 'A=B': a variable name has no '='" },
	{ "{\"environment\": {\"allow\": [\"*_*\"]}}",
	  "test.json:1:28: invalid 'environment.allow' entry '*_*': '*' is allowed only once, at the end "
	  "('AWS_*' or '*')" },
	{ "{\"extends\": 3}", "test.json:1:13: 'extends' must be a string, not a number" },
	{ "{\"network\": {\"allowedDomains\": [\"a\\nb.com\"]}}",
	  "test.json:1:33: invalid 'network.allowedDomains' entry 'a\\x0ab.com': a domain name has only letters, "
	  "digits, '-', '_' and dots" },
	{ "{\"a\": 1,,}", "test.json:1:9: expected a quoted key or '}', found ','" },
};

START_TEST(invalid_values_give_one_line_errors)
{
	load_fails(invalid[_i].text, invalid[_i].error);
}
END_TEST

START_TEST(unknown_keys_warn_with_suggestion)
{
	struct config_result res;

	load_ok("{\n"
		"  \"filesystem\": {\"alowWrite\": [\".\"], \"AllowRead\": []},\n"
		"  \"netwrok\": {},\n"
		"  \"somethingElse\": 1,\n"
		"  \"macos\": {\"mach\": {\"lokup\": []}}\n"
		"}\n",
		&res);
	ck_assert_uint_eq(res.warnings.n, 5);
	ck_assert_str_eq(res.warnings.v[0],
			 "test.json:2:18: unknown key 'filesystem.alowWrite', ignoring it; did you mean 'allowWrite'?");
	ck_assert_str_eq(res.warnings.v[1],
			 "test.json:2:38: unknown key 'filesystem.AllowRead', ignoring it; did you mean 'allowRead'?");
	ck_assert_str_eq(res.warnings.v[2], "test.json:3:3: unknown key 'netwrok', ignoring it; did you mean 'network'?");
	ck_assert_str_eq(res.warnings.v[3], "test.json:4:3: unknown key 'somethingElse', ignoring it");
	ck_assert_str_eq(res.warnings.v[4],
			 "test.json:5:22: unknown key 'macos.mach.lokup', ignoring it; did you mean 'lookup'?");
	ck_assert_uint_eq(res.config.filesystem.allow_write.n, 0);
	config_result_done(&res);
}
END_TEST

START_TEST(repeated_key_warns_and_last_wins)
{
	struct config_result res;

	load_ok("{\"allowPty\": true,\n \"allowPty\": false}", &res);
	ck_assert_uint_eq(res.warnings.n, 1);
	ck_assert_str_eq(res.warnings.v[0], "test.json:1:2: repeated key 'allowPty', the last one wins");
	ck_assert(!res.config.allow_pty);
	config_result_done(&res);
}
END_TEST

START_TEST(warnings_before_a_syntax_error_are_kept)
{
	_cleanup_free_ char *error = NULL;
	struct config_result res;
	int r = config_load_string("test.json", NULL,
				   "{\n  \"filesystem\": {\"alowWrite\": [\".\"]},\n"
				   "  \"allowPty\": true,\n  \"allowPty\": true\n"
				   "  \"network\": {}\n}",
				   &res, &error);

	ck_assert_int_lt(r, 0);
	ck_assert_str_eq(error, "test.json:4:19: expected ',' or '}'");
	ck_assert_uint_eq(res.warnings.n, 2);
	ck_assert_str_eq(res.warnings.v[0],
			 "test.json:2:18: unknown key 'filesystem.alowWrite', ignoring it; did you mean 'allowWrite'?");
	ck_assert_str_eq(res.warnings.v[1], "test.json:3:3: repeated key 'allowPty', the last one wins");
	ck_assert_uint_eq(res.config.filesystem.allow_write.n, 0);
	ck_assert_uint_eq(res.chain.n, 0);
	config_result_done(&res);
}
END_TEST

START_TEST(warnings_before_a_cut_string_are_kept)
{
	_cleanup_free_ char *error = NULL;
	struct config_result res;
	int r = config_load_string("test.json", NULL,
				   "{\"netwrok\": {}, \"network\": {\"upstreamProxy\": \"http://x",
				   &res, &error);

	ck_assert_int_lt(r, 0);
	ck_assert_str_eq(error, "test.json:1:46: unterminated string");
	ck_assert_uint_eq(res.warnings.n, 1);
	ck_assert_ptr_nonnull(strstr(res.warnings.v[0], "unknown key 'netwrok'"));
	config_result_done(&res);
}
END_TEST

START_TEST(warnings_of_a_child_are_kept_when_its_base_fails)
{
	_cleanup_free_ char *error = NULL;
	struct config_result res;
	struct config_request req = { .settings_path = at("child.json"), .cwd = tmp };

	put("base.json", "{\"network\": [}");
	put("child.json", "{\"extends\": \"./base.json\", \"netwrok\": {}}");
	ck_assert_int_lt(config_resolve(&req, &res, &error), 0);
	ck_assert_ptr_nonnull(strstr(error, "base.json:1:14: expected a value"));
	ck_assert_uint_eq(res.warnings.n, 1);
	ck_assert_ptr_nonnull(strstr(res.warnings.v[0], "unknown key 'netwrok'"));
	config_result_done(&res);
}
END_TEST

START_TEST(syntax_error_names_file_line_column)
{
	load_fails("{\n  \"network\": {\n    \"allowedDomains\": [\"a.com\"]\n    \"deniedDomains\": []\n  }\n}",
		   "test.json:3:32: expected ',' or '}'");
}
END_TEST

START_TEST(large_lists_and_objects_load)
{
	enum { N = 50000 };
	size_t cap = (size_t)N * 64 + 256, len = 0;
	_cleanup_free_ char *text = xmalloc(cap);
	struct config_result res;

	/* 2N domain entries with every one repeated, then N members that all repeat one key. */
	len += (size_t)snprintf(text + len, cap - len, "{\"network\": {\"deniedDomains\": [");
	for (int i = 0; i < 2 * N; i++)
		len += (size_t)snprintf(text + len, cap - len, "\"h%d.example.com\",", i % N);
	len += (size_t)snprintf(text + len, cap - len, "]}");
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, ", \"allowPty\": %s", i % 2 ? "true" : "false");
	snprintf(text + len, cap - len, "}");

	load_ok(text, &res);
	ck_assert_uint_eq(res.config.network.denied_domains.n, N);
	ck_assert_uint_eq(res.warnings.n, N - 1);
	ck_assert(res.config.allow_pty);
	config_result_done(&res);
}
END_TEST

/* --- Merge rules ------------------------------------------------------------- */

START_TEST(merge_follows_the_rules_per_kind)
{
	struct config_result res;
	_cleanup_free_ char *error = NULL;
	const struct fence_config *c;

	setup_tmp();
	put("base.json", "{\"allowPty\": true, \"forceNewSession\": true,\n"
			 " \"network\": {\"allowedDomains\": [\"a.com\", \"b.com\"], \"allowLocalOutbound\": true,\n"
			 "   \"allowLocalOutboundPorts\": [80], \"httpProxyPort\": 1000, \"socksProxyPort\": 2000,\n"
			 "   \"upstreamProxy\": \"http://up:1\", \"defaultAction\": \"proxy\"},\n"
			 " \"filesystem\": {\"strictDenyRead\": true},\n"
			 " \"devices\": {\"mode\": \"host\"},\n"
			 " \"command\": {\"useDefaults\": false, \"runtimeExecPolicy\": \"argv\"}}");
	ck_assert_int_eq(config_load_string("child.json", tmp,
					    "{\"extends\": \"./base.json\", \"allowPty\": false,\n"
					    " \"forceNewSession\": false,\n"
					    " \"network\": {\"allowedDomains\": [\"b.com\", \"c.com\"],\n"
					    "   \"allowLocalOutboundPorts\": [80, 443], \"httpProxyPort\": 0,\n"
					    "   \"socksProxyPort\": 3000, \"upstreamProxy\": \"\"},\n"
					    " \"devices\": {\"mode\": \"minimal\"},\n"
					    " \"command\": {\"useDefaults\": null}}",
					    &res, &error),
			 0);
	c = &res.config;
	/* Lists: base then child, duplicates dropped. */
	ck_assert_uint_eq(c->network.allowed_domains.n, 3);
	ck_assert_str_eq(c->network.allowed_domains.v[0], "a.com");
	ck_assert_str_eq(c->network.allowed_domains.v[2], "c.com");
	ck_assert_uint_eq(c->network.allow_local_outbound_ports.n, 2);
	/* Booleans: OR, so the child cannot switch allowPty off. */
	ck_assert(c->allow_pty);
	/* strictDenyRead on either side sets defaultDenyRead. */
	ck_assert(c->filesystem.default_deny_read);
	/* Nullable booleans: the child wins when set. */
	ck_assert_int_eq(c->force_new_session, TRI_FALSE);
	ck_assert_int_eq(c->network.allow_local_outbound, TRI_TRUE);
	ck_assert_int_eq(c->command.use_defaults, TRI_FALSE);
	/* Strings and enums: the child wins when non-empty. */
	ck_assert_str_eq(c->network.upstream_proxy, "http://up:1");
	ck_assert_int_eq(c->network.default_action, ACTION_PROXY);
	ck_assert_int_eq(c->devices.mode, DEVICES_MINIMAL);
	ck_assert_int_eq(c->command.runtime_exec_policy, EXEC_POLICY_ARGV);
	/* Integers: the child wins when non-zero. */
	ck_assert_int_eq(c->network.http_proxy_port, 1000);
	ck_assert_int_eq(c->network.socks_proxy_port, 3000);
	ck_assert_uint_eq(res.chain.n, 2);
	config_result_done(&res);
}
END_TEST

START_TEST(proxy_action_needs_upstream_in_the_same_file)
{
	_cleanup_free_ char *error = NULL;
	struct config_result res;

	setup_tmp();
	put("base.json", "{\"network\": {\"upstreamProxy\": \"http://up:1\"}}");
	ck_assert_int_lt(config_load_string("child.json", tmp,
					    "{\"extends\": \"./base.json\",\n \"network\": {\"defaultAction\": \"proxy\"}}",
					    &res, &error),
			 0);
	ck_assert_str_eq(error, "child.json:1:1: 'network.defaultAction' is 'proxy' but this file sets no "
				"'network.upstreamProxy'");
}
END_TEST

/* --- extends ------------------------------------------------------------------- */

START_TEST(extends_chain_resolves_relative_to_each_file)
{
	struct config_request req = { 0 };
	struct config_result res;

	setup_tmp();
	put("a/root.json", "{\"extends\": \"../b/mid.jsonc\", \"network\": {\"allowedDomains\": [\"root.com\"]}}");
	put("b/mid.jsonc", "// mid\n{\"extends\": \"./c/leaf.json\", \"network\": {\"allowedDomains\": [\"mid.com\"]},}");
	put("b/c/leaf.json", "{\"extends\": \"workspace-write\", \"network\": {\"allowedDomains\": [\"leaf.com\"]}}");
	req.settings_path = at("a/root.json");
	req.cwd = tmp;
	resolve_ok(&req, &res);
	ck_assert_uint_eq(res.chain.n, 4);
	ck_assert(strncmp(res.chain.v[0], "file:", 5) == 0 && strstr(res.chain.v[0], "/a/root.json"));
	ck_assert(strstr(res.chain.v[1], "/b/mid.jsonc"));
	ck_assert(strstr(res.chain.v[2], "/b/c/leaf.json"));
	ck_assert_str_eq(res.chain.v[3], "template:workspace-write");
	ck_assert_uint_eq(res.config.network.allowed_domains.n, 3);
	ck_assert_str_eq(res.config.network.allowed_domains.v[0], "leaf.com");
	ck_assert_str_eq(res.config.network.allowed_domains.v[2], "root.com");
	ck_assert(strv_contains(&res.config.filesystem.allow_write, "/tmp"));
	config_result_done(&res);
}
END_TEST

START_TEST(extends_cycle_prints_the_chain)
{
	_cleanup_free_ char *error = NULL, *expected = NULL;
	struct config_request req = { 0 };
	struct config_result res;
	char canon[PATH_MAX];

	setup_tmp();
	put("x.json", "{\"extends\": \"./y.json\"}");
	put("y.json", "{\n  \"extends\": \"./x.json\"}");
	req.settings_path = at("x.json");
	req.cwd = tmp;
	ck_assert_int_lt(config_resolve(&req, &res, &error), 0);
	ck_assert_ptr_nonnull(realpath(tmp, canon));
	expected = xasprintf("%s/y.json:2:14: 'extends' cycle: file:%s/x.json -> file:%s/y.json -> file:%s/x.json",
			     canon, canon, canon, canon);
	ck_assert_str_eq(error, expected);
}
END_TEST

START_TEST(extends_self_is_a_cycle)
{
	_cleanup_free_ char *error = NULL;
	struct config_request req = { 0 };
	struct config_result res;

	setup_tmp();
	put("self.json", "{\"extends\": \"self.json\"}");
	req.settings_path = at("self.json");
	req.cwd = tmp;
	/* "self.json" has no '/' and no leading '.', so it names a template. */
	ck_assert_int_lt(config_resolve(&req, &res, &error), 0);
	ck_assert(strstr(error, ":1:13: unknown template 'self.json' in 'extends'"));
	free(error);
	error = NULL;
	put("self.json", "{\"extends\": \"./self.json\"}");
	ck_assert_int_lt(config_resolve(&req, &res, &error), 0);
	ck_assert(strstr(error, "'extends' cycle: file:"));
}
END_TEST

START_TEST(extends_longer_than_ten_steps_fails)
{
	_cleanup_free_ char *error = NULL;
	struct config_request req = { 0 };
	struct config_result res;
	char name[32], text[64];

	setup_tmp();
	for (int i = 0; i < 11; i++) {
		snprintf(name, sizeof(name), "f%d.json", i);
		snprintf(text, sizeof(text), "{\"extends\": \"./f%d.json\"}", i + 1);
		put(name, text);
	}
	put("f11.json", "{}");
	req.settings_path = at("f0.json");
	req.cwd = tmp;
	ck_assert_int_lt(config_resolve(&req, &res, &error), 0);
	ck_assert(strstr(error, "f10.json:1:13: 'extends' chain is longer than 10 steps"));

	/* Ten steps are fine. */
	put("f10.json", "{}");
	resolve_ok(&req, &res);
	ck_assert_uint_eq(res.chain.n, 11);
	config_result_done(&res);
}
END_TEST

START_TEST(extends_missing_or_empty_target_fails)
{
	_cleanup_free_ char *error = NULL;
	struct config_result res;

	setup_tmp();
	ck_assert_int_lt(config_load_string("c.json", tmp, "{\"extends\": \"./missing.json\"}", &res, &error), 0);
	ck_assert_str_eq(error, "c.json:1:13: cannot read 'extends' target './missing.json': No such file or directory");
	free(error);
	error = NULL;
	put("empty.json", "  // nothing\n");
	ck_assert_int_lt(config_load_string("c.json", tmp, "{\"extends\": \"./empty.json\"}", &res, &error), 0);
	ck_assert_str_eq(error, "c.json:1:13: 'extends' target './empty.json' is empty");
	free(error);
	error = NULL;
	put("bad.json", "{\n\"allowPty\": 1}");
	ck_assert_int_lt(config_load_string("c.json", tmp, "{\"extends\": \"./bad.json\"}", &res, &error), 0);
	ck_assert(strstr(error, "/bad.json:2:13: 'allowPty' must be true or false, not a number"));
	free(error);
	error = NULL;
	ck_assert_int_lt(config_load_string("c.json", tmp, "{\"extends\": \"cod\"}", &res, &error), 0);
	ck_assert_str_eq(error, "c.json:1:13: unknown template 'cod' in 'extends'; did you mean 'code'?");
}
END_TEST

START_TEST(extends_base_is_the_user_file_not_the_project)
{
	struct config_request req = { 0 };
	struct config_result res;

	setup_tmp();
	put("home/.config/fence/fence.json", "{\"network\": {\"allowedDomains\": [\"user.com\"]}}");
	put("proj/fence.json", "{\"extends\": \"@base\", \"network\": {\"allowedDomains\": [\"proj.com\"]}}");
	req.cwd = at("proj");
	resolve_ok(&req, &res);
	ck_assert_int_eq(res.source, CONFIG_SOURCE_PROJECT);
	ck_assert_uint_eq(res.chain.n, 3);
	ck_assert_str_eq(res.chain.v[1], "@base");
	ck_assert(strstr(res.chain.v[2], "/home/.config/fence/fence.json"));
	ck_assert_str_eq(res.config.network.allowed_domains.v[0], "user.com");
	ck_assert_str_eq(res.config.network.allowed_domains.v[1], "proj.com");
	config_result_done(&res);

	/* Without a user file, @base is the built-in default. */
	unlink(at("home/.config/fence/fence.json"));
	resolve_ok(&req, &res);
	ck_assert_str_eq(res.chain.v[res.chain.n - 1], "default");
	ck_assert_uint_eq(res.config.network.allowed_domains.n, 1);
	config_result_done(&res);
}
END_TEST

START_TEST(user_file_extending_base_is_a_cycle)
{
	_cleanup_free_ char *error = NULL;
	struct config_request req = { 0 };
	struct config_result res;

	setup_tmp();
	put("home/.config/fence/fence.json", "{\"extends\": \"@base\"}");
	req.cwd = tmp;
	ck_assert_int_lt(config_resolve(&req, &res, &error), 0);
	ck_assert(strstr(error, "'extends' cycle: file:"));
	ck_assert(strstr(error, " -> @base -> file:"));
}
END_TEST

/* --- Sources and precedence ------------------------------------------------------ */

START_TEST(precedence_template_settings_project_user_default)
{
	struct config_request req = { 0 };
	struct config_result res;

	setup_tmp();
	put("home/.config/fence/fence.json", "{\"network\": {\"allowedDomains\": [\"user.com\"]}}");
	put("proj/fence.json", "{\"network\": {\"allowedDomains\": [\"proj.com\"]}}");
	put("proj/sub/dir/.keep", "");
	put("settings.json", "{\"network\": {\"allowedDomains\": [\"settings.com\"]}}");

	req.cwd = at("proj/sub/dir");
	req.template_name = "workspace-write";
	req.settings_path = at("settings.json");
	resolve_ok(&req, &res);
	ck_assert_int_eq(res.source, CONFIG_SOURCE_TEMPLATE);
	config_result_done(&res);

	req.template_name = NULL;
	resolve_ok(&req, &res);
	ck_assert_int_eq(res.source, CONFIG_SOURCE_SETTINGS);
	ck_assert_str_eq(res.config.network.allowed_domains.v[0], "settings.com");
	config_result_done(&res);

	req.settings_path = NULL;
	resolve_ok(&req, &res);
	ck_assert_int_eq(res.source, CONFIG_SOURCE_PROJECT);
	ck_assert_str_eq(res.config.network.allowed_domains.v[0], "proj.com");
	config_result_done(&res);

	/* fence.jsonc comes before fence.json in the same directory. */
	put("proj/fence.jsonc", "{\"network\": {\"allowedDomains\": [\"jsonc.com\"]}}");
	resolve_ok(&req, &res);
	ck_assert_str_eq(res.config.network.allowed_domains.v[0], "jsonc.com");
	config_result_done(&res);

	/* A nearer directory wins. */
	put("proj/sub/fence.json", "{\"network\": {\"allowedDomains\": [\"sub.com\"]}}");
	resolve_ok(&req, &res);
	ck_assert_str_eq(res.config.network.allowed_domains.v[0], "sub.com");
	config_result_done(&res);

	/* An empty project file counts as absent. */
	put("proj/sub/fence.json", "\n// nothing yet\n");
	resolve_ok(&req, &res);
	ck_assert_str_eq(res.config.network.allowed_domains.v[0], "jsonc.com");
	config_result_done(&res);

	req.cwd = at("home");
	resolve_ok(&req, &res);
	ck_assert_int_eq(res.source, CONFIG_SOURCE_USER);
	ck_assert_str_eq(res.config.network.allowed_domains.v[0], "user.com");
	config_result_done(&res);

	/* XDG_CONFIG_HOME replaces ~/.config. */
	put("xdg/fence/fence.jsonc", "{\"network\": {\"allowedDomains\": [\"xdg.com\"]}}");
	setenv("XDG_CONFIG_HOME", at("xdg"), 1);
	resolve_ok(&req, &res);
	ck_assert_str_eq(res.config.network.allowed_domains.v[0], "xdg.com");
	config_result_done(&res);

	unlink(at("xdg/fence/fence.jsonc"));
	unlink(at("home/.config/fence/fence.json"));
	put("home/.fence.json", "{\"network\": {\"allowedDomains\": [\"dot.com\"]}}");
	resolve_ok(&req, &res);
	ck_assert_str_eq(res.config.network.allowed_domains.v[0], "dot.com");
	config_result_done(&res);

	unlink(at("home/.fence.json"));
	resolve_ok(&req, &res);
	ck_assert_int_eq(res.source, CONFIG_SOURCE_DEFAULT);
	ck_assert_uint_eq(res.chain.n, 1);
	ck_assert_str_eq(res.chain.v[0], "default");
	ck_assert_uint_eq(res.config.network.allowed_domains.n, 0);
	ck_assert(config_use_default_commands(&res.config));
	config_result_done(&res);
}
END_TEST

START_TEST(settings_must_exist_and_be_a_file)
{
	_cleanup_free_ char *error = NULL;
	struct config_request req = { 0 };
	struct config_result res;

	setup_tmp();
	req.cwd = tmp;
	req.settings_path = "nope.json";
	ck_assert_int_eq(config_resolve(&req, &res, &error), -ENOENT);
	ck_assert_str_eq(error, "cannot read settings 'nope.json': No such file or directory");
	free(error);
	error = NULL;
	req.settings_path = "home";
	ck_assert_int_eq(config_resolve(&req, &res, &error), -EISDIR);
	ck_assert_str_eq(error, "cannot read settings 'home': Is a directory");
}
END_TEST

START_TEST(settings_relative_to_cwd_names_itself_in_errors)
{
	_cleanup_free_ char *error = NULL;
	struct config_request req = { 0 };
	struct config_result res;

	setup_tmp();
	put("rel.json", "{\"allowPty\": 3}");
	req.cwd = tmp;
	req.settings_path = "rel.json";
	ck_assert_int_lt(config_resolve(&req, &res, &error), 0);
	ck_assert_str_eq(error, "rel.json:1:14: 'allowPty' must be true or false, not a number");
}
END_TEST

/* --- Serializing and the schema ---------------------------------------------------- */

START_TEST(to_json_round_trips)
{
	size_t n;
	const struct template_info *t = config_templates(&n);

	for (size_t i = 0; i < n; i++) {
		struct config_request req = { .template_name = t[i].name, .cwd = "/" };
		struct config_result a, b;
		_cleanup_free_ char *first = NULL, *second = NULL;

		resolve_ok(&req, &a);
		first = config_to_json(&a.config);
		load_ok(first, &b);
		second = config_to_json(&b.config);
		ck_assert_str_eq(first, second);
		ck_assert_uint_eq(b.warnings.n, 0);
		config_result_done(&a);
		config_result_done(&b);
	}
}
END_TEST

START_TEST(default_serializes_as_empty_object)
{
	struct config_result res;
	_cleanup_free_ char *json = NULL;

	load_ok("{}", &res);
	json = config_to_json(&res.config);
	ck_assert_str_eq(json, "{\n}\n");
	config_result_done(&res);
}
END_TEST

START_TEST(schema_lists_every_field)
{
	_cleanup_free_ char *schema = fields_schema_json();
	size_t n;
	const struct config_field *f = fields_table(&n);

	for (size_t i = 0; i < n; i++) {
		const char *dot = strrchr(f[i].path, '.');
		_cleanup_free_ char *key = xasprintf("\"%s\":", dot ? dot + 1 : f[i].path);

		ck_assert_msg(strstr(schema, key), "schema lacks %s", f[i].path);
		ck_assert_ptr_nonnull(f[i].description);
	}
	ck_assert(strstr(schema, "\"additionalProperties\": false"));
}
END_TEST

START_TEST(committed_schema_matches_the_table)
{
	_cleanup_free_ char *schema = fields_schema_json();
	_cleanup_free_ char *path = xasprintf("%s/docs/schema/fence.schema.json",
					       getenv("FENCE_SRC") ? getenv("FENCE_SRC") : ".");
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char buf[1 << 16];
	size_t k;

	ck_assert_msg(f, "cannot open %s", path);
	k = fread(buf, 1, sizeof(buf) - 1, f);
	buf[k] = '\0';
	ck_assert_msg(strcmp(buf, schema) == 0,
		      "docs/schema/fence.schema.json is stale: regenerate it with 'fence config schema'");
}
END_TEST

START_TEST(reference_documents_every_field)
{
	_cleanup_free_ char *path = xasprintf("%s/docs/configuration.md", getenv("FENCE_SRC") ? getenv("FENCE_SRC") : ".");
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	static char doc[1 << 17];
	size_t n;
	const struct config_field *fields = fields_table(&n);
	size_t k;

	ck_assert_msg(f, "cannot open %s", path);
	k = fread(doc, 1, sizeof(doc) - 1, f);
	doc[k] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *dot = strchr(fields[i].path, '.');
		/* Fields are documented by their name within their section: `allowWrite`, `mach.lookup`. */
		_cleanup_free_ char *name = xasprintf("`%s`", dot ? dot + 1 : fields[i].path);

		ck_assert_msg(strstr(doc, name), "docs/configuration.md does not document %s", fields[i].path);
	}
}
END_TEST

START_TEST(suggest_uses_case_insensitive_distance_two)
{
	static const char *const names[] = { "allowWrite", "denyWrite", "allowRead" };

	ck_assert_str_eq(fields_suggest("alowWrite", names, 3), "allowWrite");
	ck_assert_str_eq(fields_suggest("ALLOWWRITE", names, 3), "allowWrite");
	ck_assert_str_eq(fields_suggest("denyWrit", names, 3), "denyWrite");
	ck_assert_ptr_null(fields_suggest("writeAllow", names, 3));
	ck_assert_ptr_null(fields_suggest("", names, 3));
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;
	size_t n;

	config_templates(&n);
	tc = tcase_create("templates");
	tcase_add_loop_test(tc, every_template_loads_without_warnings, 0, (int)n);
	tcase_add_test(tc, templates_named_in_the_format_exist);
	tcase_add_test(tc, code_relaxed_extends_code);
	tcase_add_test(tc, code_template_contents);
	tcase_add_test(tc, agent_api_only_keeps_twelve_domains);
	tcase_add_test(tc, code_strict_denies_reads_and_variables);
	tcase_add_test(tc, no_template_names_a_registry_host);
	tcase_add_test(tc, unknown_template_is_an_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("fields");
	tcase_add_test(tc, every_field_loads);
	tcase_add_test(tc, null_means_not_set);
	tcase_add_test(tc, domains_are_normalized);
	tcase_add_loop_test(tc, invalid_values_give_one_line_errors, 0, ELEMENTSOF(invalid));
	tcase_add_test(tc, unknown_keys_warn_with_suggestion);
	tcase_add_test(tc, repeated_key_warns_and_last_wins);
	tcase_add_test(tc, syntax_error_names_file_line_column);
	tcase_add_test(tc, warnings_before_a_syntax_error_are_kept);
	tcase_add_test(tc, warnings_before_a_cut_string_are_kept);
	tcase_add_test(tc, warnings_of_a_child_are_kept_when_its_base_fails);
	tcase_add_test(tc, suggest_uses_case_insensitive_distance_two);
	tcase_add_test(tc, large_lists_and_objects_load);
	suite_add_tcase(s, tc);

	tc = tcase_create("merge");
	tcase_add_checked_fixture(tc, NULL, teardown_tmp);
	tcase_add_test(tc, merge_follows_the_rules_per_kind);
	tcase_add_test(tc, proxy_action_needs_upstream_in_the_same_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("extends");
	tcase_add_checked_fixture(tc, NULL, teardown_tmp);
	tcase_add_test(tc, extends_chain_resolves_relative_to_each_file);
	tcase_add_test(tc, extends_cycle_prints_the_chain);
	tcase_add_test(tc, extends_self_is_a_cycle);
	tcase_add_test(tc, extends_longer_than_ten_steps_fails);
	tcase_add_test(tc, extends_missing_or_empty_target_fails);
	tcase_add_test(tc, extends_base_is_the_user_file_not_the_project);
	tcase_add_test(tc, user_file_extending_base_is_a_cycle);
	suite_add_tcase(s, tc);

	tc = tcase_create("sources");
	tcase_add_checked_fixture(tc, NULL, teardown_tmp);
	tcase_add_test(tc, precedence_template_settings_project_user_default);
	tcase_add_test(tc, settings_must_exist_and_be_a_file);
	tcase_add_test(tc, settings_relative_to_cwd_names_itself_in_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("output");
	tcase_add_test(tc, to_json_round_trips);
	tcase_add_test(tc, default_serializes_as_empty_object);
	tcase_add_test(tc, schema_lists_every_field);
	tcase_add_test(tc, committed_schema_matches_the_table);
	tcase_add_test(tc, reference_documents_every_field);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
