/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_shellhooks.c: shell choice, the shells' command lines
 * and the hook files written for a session.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "shellhooks/embedded.h"
#include "shellhooks/shellhooks.h"
#include "util/util.h"

/* A PATH with fake bash, zsh and fish executables in a fresh directory. */
static char bin_dir[] = "/tmp/fence-test-shellhooks.XXXXXX";

static void make_bin_dir(void)
{
	static const char *const names[] = { "bash", "zsh", "fish" };

	ck_assert_ptr_nonnull(mkdtemp(bin_dir));
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", bin_dir, names[i]);
		FILE *f = fopen(p, "w");

		ck_assert_ptr_nonnull(f);
		fclose(f);
		ck_assert_int_eq(chmod(p, 0755), 0);
	}
}

static void remove_bin_dir(void)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", bin_dir);

	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(resolve_prefers_request_then_user_shell)
{
	struct shellhooks_shell sh;
	_cleanup_free_ char *path = xasprintf("/nonexistent:%s", bin_dir);
	_cleanup_free_ char *zsh = xasprintf("%s/zsh", bin_dir);

	ck_assert_int_eq(shellhooks_resolve("fish", zsh, path, &sh), 0);
	ck_assert_int_eq(sh.kind, SHELLHOOKS_FISH);
	ck_assert_str_eq(strrchr(sh.path, '/'), "/fish");
	shellhooks_shell_done(&sh);

	ck_assert_int_eq(shellhooks_resolve(NULL, zsh, path, &sh), 0);
	ck_assert_int_eq(sh.kind, SHELLHOOKS_ZSH);
	ck_assert_str_eq(sh.path, zsh);
	shellhooks_shell_done(&sh);

	/* Any other $SHELL gives bash. */
	ck_assert_int_eq(shellhooks_resolve(NULL, "/bin/dash", path, &sh), 0);
	ck_assert_int_eq(sh.kind, SHELLHOOKS_BASH);
	shellhooks_shell_done(&sh);
	ck_assert_int_eq(shellhooks_resolve(NULL, "zsh", path, &sh), 0);
	ck_assert_int_eq(sh.kind, SHELLHOOKS_BASH);
	shellhooks_shell_done(&sh);

	ck_assert_int_eq(shellhooks_resolve("ksh", NULL, path, &sh), -EINVAL);
	ck_assert_int_eq(shellhooks_resolve("zsh", NULL, "/nonexistent", &sh), -ENOENT);
}
END_TEST

/* The argv and environment of one shell as one line each, for comparing. */
static void command_lines(enum shellhooks_kind kind, const struct shellhooks_options *o,
			  char *argv_line, char *env_line, size_t size)
{
	struct shellhooks_shell sh = { .kind = kind, .path = "/bin/sh-x" };
	struct strv argv = { 0 }, env = { 0 };

	shellhooks_command(&sh, "/run/h d", o, &argv, &env);
	argv_line[0] = env_line[0] = '\0';
	for (size_t i = 0; i < argv.n; i++)
		snprintf(argv_line + strlen(argv_line), size - strlen(argv_line), "%s%s",
			 i ? "|" : "", argv.v[i]);
	for (size_t i = 0; i < env.n; i++)
		snprintf(env_line + strlen(env_line), size - strlen(env_line), "%s%s",
			 i ? "|" : "", env.v[i]);
	strv_done(&argv);
	strv_done(&env);
}

START_TEST(command_lines_per_shell)
{
	struct shellhooks_options o = { .session = "s1", .fence_path = "/f/fence" };
	char a[1024], e[1024];

	command_lines(SHELLHOOKS_BASH, &o, a, e, sizeof(a));
	ck_assert_str_eq(a, "/bin/sh-x|--rcfile|/run/h d/fence.bash|-i");
	ck_assert_str_eq(e, "FENCE_SESSION=s1|FENCE_HOOK_DIR=/run/h d|FENCE_PROMPT_MARKER=[fence] |"
			    "FENCE_HOOK_BIN=/f/fence|FENCE_HOOK_POLICY=/run/h d/policy.json");

	o.zdotdir = "/home/a/.config/zsh";
	o.marker = "";
	command_lines(SHELLHOOKS_ZSH, &o, a, e, sizeof(a));
	ck_assert_str_eq(a, "/bin/sh-x|-i");
	ck_assert_str_eq(e, "FENCE_SESSION=s1|FENCE_HOOK_DIR=/run/h d|FENCE_PROMPT_MARKER=|"
			    "FENCE_HOOK_BIN=/f/fence|FENCE_HOOK_POLICY=/run/h d/policy.json|"
			    "ZDOTDIR=/run/h d/zsh|FENCE_ORIG_ZDOTDIR=/home/a/.config/zsh");

	o.fence_path = NULL;
	setenv("XDG_CONFIG_HOME", "/home/a/.config", 1);
	unsetenv("XDG_DATA_HOME");
	command_lines(SHELLHOOKS_FISH, &o, a, e, sizeof(a));
	ck_assert_str_eq(a, "/bin/sh-x|--init-command|source '/run/h d/fence.fish'|-i");
	/* fish's own files go to the private /tmp; fence.fish restores these. */
	ck_assert_str_eq(e, "FENCE_SESSION=s1|FENCE_HOOK_DIR=/run/h d|FENCE_PROMPT_MARKER=|"
			    "FENCE_FISH_CONFIG_HOME=/home/a/.config|FENCE_FISH_DATA_HOME=|"
			    "XDG_CONFIG_HOME=/tmp/fence/run/fish/config|"
			    "XDG_DATA_HOME=/tmp/fence/run/fish/data");

	o.no_hooks = true;
	command_lines(SHELLHOOKS_ZSH, &o, a, e, sizeof(a));
	ck_assert_str_eq(a, "/bin/sh-x|-i");
	ck_assert_str_eq(e, "FENCE_SESSION=s1");
}
END_TEST

START_TEST(write_puts_every_hook_file)
{
	char dir[] = "/tmp/fence-test-hookdir.XXXXXX";
	static const char *const files[] = { "fence.bash", "fence.zsh", "zsh/.zshenv", "fence.fish",
					     "policy.json" };
	_cleanup_free_ char *cmd = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* Twice: a session restart replaces the read-only files. */
	for (int round = 0; round < 2; round++)
		ck_assert_int_eq(shellhooks_write(dir, "{}"), 0);
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, files[i]);
		struct stat st;

		ck_assert_msg(stat(p, &st) == 0, "%s missing", p);
		ck_assert_int_eq(st.st_mode & 07777, 0444);
		ck_assert_int_gt(st.st_size, 1);
	}
	ck_assert_ptr_nonnull(embedded_find("shellhooks/fence.bash"));
	ck_assert_ptr_null(embedded_find("shellhooks/none"));
	cmd = xasprintf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(prepare_and_remove)
{
	char dir[] = "/tmp/fence-test-prepare.XXXXXX";
	_cleanup_free_ char *host = NULL, *error = NULL;
	struct shellhooks_options o = { .session = "s2" };
	struct strv argv = { 0 }, env = { 0 };
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	host = xasprintf("%s/s2.shell", dir);
	ck_assert_int_eq(shellhooks_prepare("bash", host, "/tmp/fence/shell", &o, "{}", &argv, &env,
					    &error), 0);
	ck_assert_int_eq(stat(host, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0700);
	ck_assert_str_eq(argv.v[2], "/tmp/fence/shell/fence.bash");
	shellhooks_remove(host);
	ck_assert_int_eq(stat(host, &st), -1);

	ck_assert_int_eq(shellhooks_prepare("csh", host, "/x", &o, NULL, &argv, &env, &error),
			 -EINVAL);
	ck_assert_str_eq(error, "invalid shell 'csh': expected bash, zsh or fish");
	strv_done(&argv);
	strv_done(&env);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static Suite *shellhooks_suite(void)
{
	Suite *s = suite_create("shellhooks");
	TCase *tc = tcase_create("shellhooks");

	tcase_add_unchecked_fixture(tc, make_bin_dir, remove_bin_dir);
	tcase_add_test(tc, resolve_prefers_request_then_user_shell);
	tcase_add_test(tc, command_lines_per_shell);
	tcase_add_test(tc, write_puts_every_hook_file);
	tcase_add_test(tc, prepare_and_remove);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(shellhooks_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
