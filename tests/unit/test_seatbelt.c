/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_seatbelt.c: the Seatbelt profile generator and the SBPL
 * structure check.
 *
 * Golden profiles live in tests/data/macos/ (NAME.sb) and are compared byte
 * for byte; `FENCE_UPDATE_GOLDEN=1 build/tests/test_seatbelt` rewrites them.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "platform/linux/execmask.h"
#include "platform/macos/sbpl.h"
#include "platform/macos/seatbelt.h"
#include "policy/policy.h"
#include "util/util.h"

#include "golden.h"

/* Fixed inputs, so that golden profiles match on every machine. */
static const char *const exec_denials[] = {"/usr/bin/sudo", "/sbin/mkfs", "/tmp/tools/evil", NULL};

static struct seatbelt_params fixed_params(void)
{
	return (struct seatbelt_params){
	    .home = "/Users/ana",
	    .cwd = "/Users/ana/project",
	    .tmpdir = "/tmp/fence",
	    .log_tag = "fence-0123456789abcdef",
	    .http_proxy_port = 50001,
	    .socks_proxy_port = 50002,
	};
}

static void assert_structure(const char *profile)
{
	_cleanup_free_ char *error = NULL;

	ck_assert_msg(sbpl_check(profile, &error) == 0, "structure: %s", error);
}

/* Whether `first` occurs in text and before `second`, which also occurs. */
static bool occurs_before(const char *text, const char *first, const char *second)
{
	const char *a = strstr(text, first), *b = strstr(text, second);

	return a && b && a < b;
}

static char *build(const struct fence_config *c, const struct seatbelt_params *p)
{
	char *profile = NULL;
	int r = seatbelt_profile_build(c, p, &profile);

	ck_assert_int_eq(r, 0);
	return profile;
}

/* Build as a run does: with the program words of c's runtime exec rules. */
static char *build_with_words(const struct fence_config *c, struct seatbelt_params *p)
{
	struct strv words = {0};
	char *profile;

	execmask_words(c, &words);
	p->exec_deny_words = (const char *const *)words.v;
	profile = build(c, p);
	p->exec_deny_words = NULL;
	strv_done(&words);
	return profile;
}

static void push_all(struct strv *sv, const char *const *items)
{
	for (size_t i = 0; items[i]; i++)
		strv_push(sv, items[i]);
}

/* Load tests/data/macos/NAME.json through the real loader. */
static void load_config(const char *name, struct fence_config *ret)
{
	_cleanup_free_ char *file = xasprintf("macos/%s.json", name);
	_cleanup_free_ char *text = golden_read_data(file);
	_cleanup_free_ char *error = NULL;
	struct config_result res;

	ck_assert_msg(config_load_string(file, NULL, text, &res, &error) == 0, "%s", error);
	ck_assert_msg(res.warnings.n == 0, "%s", res.warnings.n ? res.warnings.v[0] : "");
	*ret = res.config;
	res.config = (struct fence_config){0};
	config_result_done(&res);
}

/* Resolve a built-in template as `fence -t NAME` would. */
static void load_template(const char *name, struct fence_config *ret)
{
	struct config_request req = {.template_name = name, .cwd = "/Users/ana/project"};
	_cleanup_free_ char *error = NULL;
	struct config_result res;

	ck_assert_msg(config_resolve(&req, &res, &error) == 0, "%s: %s", name, error);
	*ret = res.config;
	res.config = (struct fence_config){0};
	config_result_done(&res);
}

START_TEST(glob_regex_table)
{
	static const struct {
		const char *glob, *regex;
	} cases[] = {
	    {"/a/b.txt", "^/a/b\\.txt$"},
	    {"/a/*.key", "^/a/[^/]*\\.key$"},
	    {"/a/**/x", "^/a/(.*/)?x$"},
	    {"/a/**", "^/a/.*$"},
	    {"/a/file?.txt", "^/a/file[^/]\\.txt$"},
	    {"/a/[abc]d", "^/a/[abc]d$"},
	    {"/a/[!0-9]", "^/a/[^0-9]$"},
	    {"/a/[unclosed", "^/a/\\[unclosed$"},
	    {"/a/(x)+{y}|z^$", "^/a/\\(x\\)\\+\\{y\\}\\|z\\^\\$$"},
	    {"/a/\"q\"*", "^/a/\\\"q\\\"[^/]*$"},
	    {"/a/back\\slash", "^/a/back\\\\slash$"},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *got = seatbelt_glob_to_regex(cases[i].glob);

		ck_assert_msg(strcmp(got, cases[i].regex) == 0, "%s: got %s, want %s",
			      cases[i].glob, got, cases[i].regex);
	}
}
END_TEST

START_TEST(golden_default_config)
{
	/* The built-in default: no lists, the default deny list in use. */
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET,
				 .command.use_defaults = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = build_with_words(&c, &p);

	assert_structure(profile);
	golden_assert("macos/default.sb", profile);
}
END_TEST

START_TEST(golden_every_field)
{
	struct fence_config c;
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	load_config("every-field", &c);
	p.exec_deny_paths = exec_denials;
	p.user_temp_dir = "/var/folders/zz/abc123";
	profile = build_with_words(&c, &p);
	assert_structure(profile);
	golden_assert("macos/every-field.sb", profile);
	config_done(&c);
}
END_TEST

START_TEST(golden_templates)
{
	size_t n;
	const struct template_info *t = config_templates(&n);

	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		struct fence_config c;
		struct seatbelt_params p = fixed_params();
		_cleanup_free_ char *golden = xasprintf("macos/template-%s.sb", t[i].name);
		_cleanup_free_ char *profile = NULL;

		load_template(t[i].name, &c);
		profile = build_with_words(&c, &p);
		assert_structure(profile);
		golden_assert(golden, profile);
		config_done(&c);
	}
}
END_TEST

START_TEST(relaxed_mode_allows_network)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	strv_push(&c.network.allowed_domains, "*");
	profile = build(&c, &p);
	ck_assert_ptr_nonnull(strstr(profile, "\n(allow network*)\n"));
	ck_assert_ptr_null(strstr(profile, "(remote ip \"localhost:50001\")"));
	assert_structure(profile);
	config_done(&c);
}
END_TEST

START_TEST(proxy_only_network_by_default)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = build(&c, &p);

	ck_assert_ptr_nonnull(
	    strstr(profile, "(allow network-outbound (remote ip \"localhost:50001\"))"));
	ck_assert_ptr_nonnull(
	    strstr(profile, "(allow network-outbound (remote ip \"localhost:50002\"))"));
	ck_assert_ptr_null(strstr(profile, "(allow network*)"));
	ck_assert_ptr_null(strstr(profile, "localhost:*"));
	ck_assert_ptr_null(strstr(profile, "(subpath \"/\")"));
}
END_TEST

START_TEST(local_binding_without_outbound)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_FALSE};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	c.network.allow_local_binding = true;
	profile = build(&c, &p);
	ck_assert_ptr_nonnull(strstr(profile, "(allow network-bind (local ip \"localhost:*\"))"));
	ck_assert_ptr_nonnull(
	    strstr(profile, "(allow network-inbound (local ip \"localhost:*\"))"));
	ck_assert_ptr_null(strstr(profile, "(remote ip \"localhost:*\")"));
}
END_TEST

START_TEST(exposed_ports_imply_local_binding)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	p.exposed_ports = true;
	profile = build(&c, &p);
	ck_assert_ptr_nonnull(strstr(profile, "(allow network-bind (local ip \"localhost:*\"))"));
	/* allowLocalOutbound follows allowLocalBinding when unset. */
	ck_assert_ptr_nonnull(
	    strstr(profile, "(allow network-outbound (remote ip \"localhost:*\"))"));
}
END_TEST

START_TEST(all_unix_sockets)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	c.network.allow_all_unix_sockets = true;
	profile = build(&c, &p);
	ck_assert_ptr_nonnull(strstr(profile, "(allow network* (subpath \"/\"))"));
	ck_assert_ptr_null(strstr(profile, "(allow network* (subpath \"/tmp/fence\"))"));
}
END_TEST

START_TEST(tmp_paths_get_both_spellings)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	strv_push(&c.filesystem.allow_write, "/tmp/build");
	strv_push(&c.filesystem.deny_write, "/private/tmp/build/keep");
	strv_push(&c.filesystem.deny_read, "/var/db/*.secret");
	profile = build(&c, &p);
	ck_assert_ptr_nonnull(strstr(profile, "(allow file-write* (subpath \"/tmp/build\"))"));
	ck_assert_ptr_nonnull(
	    strstr(profile, "(allow file-write* (subpath \"/private/tmp/build\"))"));
	ck_assert_ptr_nonnull(strstr(profile, "(deny file-write* (subpath \"/tmp/build/keep\")"));
	ck_assert_ptr_nonnull(
	    strstr(profile, "(deny file-write* (subpath \"/private/tmp/build/keep\")"));
	ck_assert_ptr_nonnull(
	    strstr(profile, "(deny file-read* (regex #\"^/var/db/[^/]*\\.secret$\")"));
	ck_assert_ptr_nonnull(
	    strstr(profile, "(deny file-read* (regex #\"^/private/var/db/[^/]*\\.secret$\")"));
	config_done(&c);
}
END_TEST

START_TEST(dangerous_paths_protect_ancestors)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = build(&c, &p);
	static const char *const wanted[] = {
	    "(deny file-write* (subpath \"/Users/ana/project/.git/hooks\")",
	    "(deny file-write* (regex #\"^/Users/ana/project/(.*/)?\\.bashrc$\")",
	    "(deny file-write* (subpath \"/Users/ana/.zshrc\")",
	    "(deny file-write* (subpath \"/Users/ana/project/.git/config\")",
	    "(deny file-write-unlink (literal \"/Users/ana/project/.git\")",
	    "(deny file-write-unlink (literal \"/Users/ana/project\")",
	    "(deny file-write-unlink (literal \"/Users/ana\")",
	    "(deny file-write-unlink (literal \"/Users\")",
	};

	for (size_t i = 0; i < ELEMENTSOF(wanted); i++)
		ck_assert_msg(strstr(profile, wanted[i]), "missing: %s", wanted[i]);
	/* The root itself is never listed. */
	ck_assert_ptr_null(strstr(profile, "(literal \"/\")) (with"));
}
END_TEST

START_TEST(allow_git_config_drops_its_rule)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	c.filesystem.allow_git_config = true;
	profile = build(&c, &p);
	ck_assert_ptr_null(strstr(profile, ".git/config"));
	ck_assert_ptr_nonnull(strstr(profile, ".git/hooks"));
}
END_TEST

START_TEST(denies_follow_allows)
{
	struct fence_config c;
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	load_config("every-field", &c);
	profile = build(&c, &p);
	/* Seatbelt lets the last matching rule decide. */
	ck_assert(
	    occurs_before(profile, "(allow file-write* (subpath \"/Users/ana/project\"))",
			  "(deny file-write* (regex #\"^/Users/ana/project/(.*/)?\\.env$\")"));
	ck_assert(occurs_before(profile, "(allow file-read-data (subpath \"/Users/ana\"))",
				"(deny file-read-data (regex #\"^/Users/ana/\\.aws/.*$\")"));
	config_done(&c);
}
END_TEST

START_TEST(strict_deny_read_drops_system_paths)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	c.filesystem.strict_deny_read = true;
	strv_push(&c.filesystem.allow_read, ".");
	profile = build(&c, &p);
	ck_assert_ptr_nonnull(strstr(profile, "(allow file-read-metadata)"));
	ck_assert_ptr_null(strstr(profile, "(allow file-read*)"));
	ck_assert_ptr_null(strstr(profile, "(subpath \"/usr\")"));
	ck_assert_ptr_nonnull(
	    strstr(profile, "(allow file-read-data (subpath \"/Users/ana/project\"))"));
	config_done(&c);
}
END_TEST

START_TEST(exec_denials_are_literal_paths)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	p.exec_deny_paths = exec_denials;
	profile = build(&c, &p);
	ck_assert_ptr_nonnull(strstr(profile, "(deny process-exec (literal \"/usr/bin/sudo\") "
					      "(with message \"fence-0123456789abcdef\"))"));
	ck_assert_ptr_nonnull(
	    strstr(profile, "(deny process-exec (literal \"/private/tmp/tools/evil\")"));
	ck_assert(occurs_before(profile, "(allow process-exec)", "(deny process-exec"));
}
END_TEST

START_TEST(exec_words_denied_in_bin_directories)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET,
				 .command.use_defaults = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;
	static const char *const dirs[] = {
	    "/bin",	       "/sbin",		  "/usr/bin",		"/usr/sbin",
	    "/usr/local/bin", "/usr/local/sbin",   "/opt/homebrew/bin", "/opt/homebrew/sbin",
	    "/opt/local/bin", "/opt/local/sbin",
	};

	strv_push(&c.command.deny, "terraform");
	strv_push(&c.command.deny, "tools/deploy");
	profile = build_with_words(&c, &p);
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *want = xasprintf(
		    "(deny process-exec (literal \"%s/terraform\") "
		    "(with message \"fence-0123456789abcdef\"))\n",
		    dirs[i]);

		ck_assert_msg(strstr(profile, want), "missing: %s", want);
	}
	/* A word with a slash is a path, relative to cwd. */
	ck_assert_ptr_nonnull(strstr(profile, "(deny process-exec (literal "
					      "\"/Users/ana/project/tools/deploy\") (with"));
	ck_assert_ptr_null(strstr(profile, "/bin/tools/deploy"));
	/* The default list is included: one rule per plain program word. */
	ck_assert_ptr_nonnull(strstr(profile, "(literal \"/sbin/shutdown\")"));
	ck_assert_ptr_nonnull(strstr(profile, "(literal \"/usr/sbin/nsenter\")"));
	ck_assert_ptr_null(strstr(profile, "/dd\""));
	ck_assert_ptr_null(strstr(profile, "/init\""));
	assert_structure(profile);
	config_done(&c);
}
END_TEST

START_TEST(exec_words_follow_allow_and_defaults)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	c.command.use_defaults = TRI_FALSE;
	strv_push(&c.command.deny, "git");
	strv_push(&c.command.deny, "sudo");
	strv_push(&c.command.allow, "git status");
	profile = build_with_words(&c, &p);
	/* git stays runnable for the allowed 'git status'. */
	ck_assert_ptr_null(strstr(profile, "/git\""));
	ck_assert_ptr_nonnull(strstr(profile, "(literal \"/usr/bin/sudo\")"));
	ck_assert_ptr_null(strstr(profile, "shutdown"));
	config_done(&c);
}
END_TEST

START_TEST(exec_denials_spare_the_shell)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	static const char *const paths[] = {"/bin/bash", "/usr/local/bin/bash", NULL};
	_cleanup_free_ char *profile = NULL;

	c.command.use_defaults = TRI_FALSE;
	strv_push(&c.command.deny, "bash");
	p.shell = "/bin/bash";
	p.exec_deny_paths = paths;
	profile = build_with_words(&c, &p);
	ck_assert_ptr_null(strstr(profile, "(literal \"/bin/bash\")"));
	ck_assert_ptr_nonnull(strstr(profile, "(deny process-exec (literal \"/sbin/bash\")"));
	ck_assert_ptr_nonnull(
	    strstr(profile, "(deny process-exec (literal \"/usr/local/bin/bash\") (with"));
	ck_assert_ptr_nonnull(strstr(profile, "(deny process-exec (literal \"/usr/bin/bash\") (with"));
	assert_structure(profile);
	config_done(&c);
}
END_TEST

START_TEST(pty_only_when_allowed)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *without = build(&c, &p);
	_cleanup_free_ char *with = NULL;

	c.allow_pty = true;
	with = build(&c, &p);
	ck_assert_ptr_null(strstr(without, "pseudo-tty"));
	ck_assert_ptr_null(strstr(without, "/dev/ptmx"));
	ck_assert_ptr_nonnull(strstr(with, "(allow pseudo-tty)"));
	ck_assert_ptr_nonnull(strstr(with, "(literal \"/dev/ptmx\")"));
}
END_TEST

START_TEST(mach_rules)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;

	push_all(&c.macos.mach_lookup,
		 (const char *const[]){"com.example.x", "com.example.*", NULL});
	push_all(&c.macos.mach_register, (const char *const[]){"*", NULL});
	profile = build(&c, &p);
	ck_assert_ptr_nonnull(
	    strstr(profile, "(allow mach-lookup (global-name \"com.example.x\"))"));
	ck_assert_ptr_nonnull(
	    strstr(profile, "(allow mach-lookup (global-name-regex #\"^com\\.example\\.\"))"));
	ck_assert_ptr_nonnull(strstr(profile, "\n(allow mach-register)\n"));
	assert_structure(profile);
	config_done(&c);
}
END_TEST

START_TEST(log_tag_on_every_deny)
{
	struct fence_config c;
	struct seatbelt_params p = fixed_params();
	_cleanup_free_ char *profile = NULL;
	char *line, *save = NULL;

	load_config("every-field", &c);
	p.exec_deny_paths = exec_denials;
	profile = build(&c, &p);
	for (line = strtok_r(profile, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "(deny ", 6) == 0)
			ck_assert_msg(strstr(line, "(with message \"fence-0123456789abcdef\")"),
				      "no tag: %s", line);
	config_done(&c);
}
END_TEST

START_TEST(bad_params_rejected)
{
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct seatbelt_params p;
	char *profile = NULL;

	p = fixed_params();
	p.home = "relative";
	ck_assert_int_eq(seatbelt_profile_build(&c, &p, &profile), -EINVAL);
	p = fixed_params();
	p.cwd = NULL;
	ck_assert_int_eq(seatbelt_profile_build(&c, &p, &profile), -EINVAL);
	p = fixed_params();
	p.log_tag = "has space";
	ck_assert_int_eq(seatbelt_profile_build(&c, &p, &profile), -EINVAL);
	p = fixed_params();
	p.log_tag = "quote\"";
	ck_assert_int_eq(seatbelt_profile_build(&c, &p, &profile), -EINVAL);
	p = fixed_params();
	p.http_proxy_port = 70000;
	ck_assert_int_eq(seatbelt_profile_build(&c, &p, &profile), -EINVAL);
	p = fixed_params();
	strv_push(&c.filesystem.deny_read, "/tmp/new\nline");
	ck_assert_int_eq(seatbelt_profile_build(&c, &p, &profile), -EINVAL);
	ck_assert_ptr_null(profile);
	config_done(&c);
}
END_TEST

START_TEST(log_tag_generate_shape)
{
	char a[SEATBELT_TAG_MAX], b[SEATBELT_TAG_MAX];

	seatbelt_log_tag_generate(a, sizeof(a));
	seatbelt_log_tag_generate(b, sizeof(b));
	ck_assert_uint_eq(strlen(a), strlen("fence-") + 16);
	ck_assert_uint_eq(strspn(a, SEATBELT_TAG_CHARS), strlen(a));
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(check_rejects_bad_profiles)
{
	static const struct {
		const char *text, *error;
	} cases[] = {
	    {"(version 1)\n(allow file-read*", "2:18: expected ')' to close 'allow'"},
	    {"(version 1)\n(allow file-read*))", "2:19: unbalanced ')'"},
	    {"(version 1)\n(allow file-reed*)", "2:8: unknown operation 'file-reed*'"},
	    {"(version 1)\n(allow file-read* (subpath /etc))",
	     "2:28: expected a quoted path after 'subpath'"},
	    {"(version 1)\n(allow file-read* (literal \"etc\"))",
	     "2:28: path is not absolute in 'literal'"},
	    {"(version 1)\n(deny file-read* (regex #\"/etc\"))",
	     "2:25: regex is not anchored with '^' in 'regex'"},
	    {"(version 1)\n(deny file-read* (regex \"^/etc\"))",
	     "2:25: expected a #\"...\" regex after 'regex'"},
	    {"(version 1)\n(allow network* (remote ip \"1.2.3.4:80\"))",
	     "2:28: only localhost addresses are used, not '1.2.3.4:80'"},
	    {"(version 1)\n(allow file-read* (path \"/x\"))", "2:20: unknown filter 'path'"},
	    {"(version 1)\n(import \"x.sb\")", "2:2: unknown form 'import'"},
	    {"(allow file-read*)", "1:1: missing (version 1)"},
	    {"(version 1)\n(allow file-read* (literal \"/x",
	     "2:28: expected a quoted path after 'literal'"},
	    {"(version 1)\n(allow signal (target others))", "2:23: unknown symbol 'others'"},
	    {"(version 1)\n(deny process-exec (with message \"t\"))",
	     "2:7: deny without a path filter blocks every program in 'process-exec'"},
	    {"(version 1)\n(deny process-exec (require-not (literal \"/bin/sh\")))",
	     "2:7: deny without a path filter blocks every program in 'process-exec'"},
	    {"(version 1)\n(deny process-exec (global-name \"x\"))",
	     "2:21: filter does not apply to the operation: 'global-name' on 'process-exec'"},
	    {"(version 1)\n(allow mach-lookup (subpath \"/x\"))",
	     "2:21: filter does not apply to the operation: 'subpath' on 'mach-lookup'"},
	    {"(version 1)\n(allow file-read* network* (remote ip \"localhost:1\"))",
	     "2:29: filter does not apply to the operation: 'remote' on 'file-read*'"},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *error = NULL;

		ck_assert_int_eq(sbpl_check(cases[i].text, &error), -EINVAL);
		ck_assert_msg(strcmp(error, cases[i].error) == 0, "case %zu: got '%s', want '%s'",
			      i, error, cases[i].error);
	}
}
END_TEST

static Suite *seatbelt_suite(void)
{
	Suite *s = suite_create("seatbelt");
	TCase *tc = tcase_create("profile");
	TCase *check = tcase_create("sbpl_check");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, glob_regex_table);
	tcase_add_test(tc, golden_default_config);
	tcase_add_test(tc, golden_every_field);
	tcase_add_test(tc, golden_templates);
	tcase_add_test(tc, relaxed_mode_allows_network);
	tcase_add_test(tc, proxy_only_network_by_default);
	tcase_add_test(tc, local_binding_without_outbound);
	tcase_add_test(tc, exposed_ports_imply_local_binding);
	tcase_add_test(tc, all_unix_sockets);
	tcase_add_test(tc, tmp_paths_get_both_spellings);
	tcase_add_test(tc, dangerous_paths_protect_ancestors);
	tcase_add_test(tc, allow_git_config_drops_its_rule);
	tcase_add_test(tc, denies_follow_allows);
	tcase_add_test(tc, strict_deny_read_drops_system_paths);
	tcase_add_test(tc, exec_denials_are_literal_paths);
	tcase_add_test(tc, exec_words_denied_in_bin_directories);
	tcase_add_test(tc, exec_words_follow_allow_and_defaults);
	tcase_add_test(tc, exec_denials_spare_the_shell);
	tcase_add_test(tc, pty_only_when_allowed);
	tcase_add_test(tc, mach_rules);
	tcase_add_test(tc, log_tag_on_every_deny);
	tcase_add_test(tc, bad_params_rejected);
	tcase_add_test(tc, log_tag_generate_shape);
	suite_add_tcase(s, tc);

	tcase_set_timeout(check, 10);
	tcase_add_test(check, check_rejects_bad_profiles);
	suite_add_tcase(s, check);
	return s;
}

int main(void)
{
	return golden_run_suite(seatbelt_suite());
}
