/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_sandboxexec.c: the environment, command line and spawn
 * of a command run under sandbox-exec.  The spawn tests start /bin/sh in
 * its place, since only a Mac has sandbox-exec.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/macos/sandboxexec.h"
#include "policy/policy.h"
#include "util/util.h"

#include "golden.h"

static const struct sandboxexec_params params = {
    .tmpdir = "/tmp/fence",
    .http_proxy_port = 50001,
    .socks_proxy_port = 50002,
};

START_TEST(env_points_programs_at_proxies)
{
	char *host[] = {"PATH=/usr/bin:/bin", "HTTP_PROXY=http://corp:3128",
			"TMPDIR=/var/folders/x/T", NULL};
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct strv env = {0};

	sandboxexec_env(host, &c, &params, &env, NULL);
	ck_assert_str_eq(environ_get(env.v, "PATH"), "/usr/bin:/bin");
	ck_assert_str_eq(environ_get(env.v, "FENCE_SANDBOX"), "1");
	ck_assert_str_eq(environ_get(env.v, "TMPDIR"), "/tmp/fence");
	ck_assert_str_eq(environ_get(env.v, "HTTP_PROXY"), "http://localhost:50001");
	ck_assert_str_eq(environ_get(env.v, "HTTPS_PROXY"), "http://localhost:50001");
	ck_assert_str_eq(environ_get(env.v, "http_proxy"), "http://localhost:50001");
	ck_assert_str_eq(environ_get(env.v, "https_proxy"), "http://localhost:50001");
	ck_assert_str_eq(environ_get(env.v, "ALL_PROXY"), "socks5h://localhost:50002");
	ck_assert_str_eq(environ_get(env.v, "all_proxy"), "socks5h://localhost:50002");
	ck_assert_str_eq(environ_get(env.v, "FTP_PROXY"), "socks5h://localhost:50002");
	ck_assert_str_eq(environ_get(env.v, "ftp_proxy"), "socks5h://localhost:50002");
	ck_assert_str_eq(environ_get(env.v, "NO_PROXY"),
			 "localhost,127.0.0.1,::1,*.local,.local,169.254.0.0/16,10.0.0.0/8,"
			 "172.16.0.0/12,192.168.0.0/16");
	ck_assert_str_eq(environ_get(env.v, "no_proxy"), environ_get(env.v, "NO_PROXY"));
	ck_assert_str_eq(environ_get(env.v, "GIT_SSH_COMMAND"),
			 "ssh -o ProxyCommand='nc -X 5 -x localhost:50002 %h %p'");
	/* One entry per name: the host's HTTP_PROXY was replaced, not kept. */
	for (size_t i = 0; i < env.n; i++)
		ck_assert_msg(strncmp(env.v[i], "HTTP_PROXY=", 11) != 0 ||
				  strcmp(env.v[i], "HTTP_PROXY=http://localhost:50001") == 0,
			      "%s", env.v[i]);
	strv_done(&env);
}
END_TEST

START_TEST(env_drops_loader_and_denied_names)
{
	char *host[] = {"DYLD_INSERT_LIBRARIES=/tmp/x.dylib",
			"LD_PRELOAD=/tmp/x.so",
			"AWS_SECRET_ACCESS_KEY=s",
			"AWS_REGION=eu-west-1",
			"HOME=/Users/ana",
			NULL};
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET};
	struct strv env = {0}, removed = {0};

	strv_push(&c.environment.deny, "AWS_*");
	strv_push(&c.environment.allow, "AWS_REGION");
	sandboxexec_env(host, &c, &params, &env, &removed);
	ck_assert_ptr_null(environ_get(env.v, "DYLD_INSERT_LIBRARIES"));
	ck_assert_ptr_null(environ_get(env.v, "LD_PRELOAD"));
	ck_assert_ptr_null(environ_get(env.v, "AWS_SECRET_ACCESS_KEY"));
	ck_assert_str_eq(environ_get(env.v, "AWS_REGION"), "eu-west-1");
	ck_assert_str_eq(environ_get(env.v, "HOME"), "/Users/ana");
	ck_assert(strv_contains(&removed, "DYLD_INSERT_LIBRARIES"));
	ck_assert(strv_contains(&removed, "AWS_SECRET_ACCESS_KEY"));
	strv_done(&env);
	strv_done(&removed);
	config_done(&c);
}
END_TEST

START_TEST(argv_inline_profile)
{
	char *command[] = {"/bin/zsh", "-c", "make test", NULL};
	struct strv argv = {0};

	sandboxexec_argv("(version 1)", NULL, command, &argv);
	ck_assert_uint_eq(argv.n, 6);
	ck_assert_str_eq(argv.v[0], "/usr/bin/sandbox-exec");
	ck_assert_str_eq(argv.v[1], "-p");
	ck_assert_str_eq(argv.v[2], "(version 1)");
	ck_assert_str_eq(argv.v[3], "/bin/zsh");
	ck_assert_str_eq(argv.v[4], "-c");
	ck_assert_str_eq(argv.v[5], "make test");
	ck_assert_ptr_null(argv.v[6]);
	strv_done(&argv);
}
END_TEST

START_TEST(argv_profile_file)
{
	char *command[] = {"ls", "-l", NULL};
	struct strv argv = {0};

	sandboxexec_argv("(version 1)", "/tmp/p/profile.sb", command, &argv);
	ck_assert_uint_eq(argv.n, 5);
	ck_assert_str_eq(argv.v[1], "-f");
	ck_assert_str_eq(argv.v[2], "/tmp/p/profile.sb");
	ck_assert_str_eq(argv.v[3], "ls");
	ck_assert_str_eq(argv.v[4], "-l");
	strv_done(&argv);
}
END_TEST

START_TEST(argv_dash_command_after_separator)
{
	char *command[] = {"-weird", "x", NULL};
	struct strv argv = {0};

	sandboxexec_argv("(version 1)", NULL, command, &argv);
	ck_assert_uint_eq(argv.n, 6);
	ck_assert_str_eq(argv.v[3], "--");
	ck_assert_str_eq(argv.v[4], "-weird");
	strv_done(&argv);
}
END_TEST

START_TEST(tmpdir_usable_cases)
{
	static const struct {
		mode_t mode;
		uid_t owner;
		bool usable;
	} cases[] = {
	    {S_IFDIR | 0700, 501, true},
	    {S_IFDIR | 01777, 0, true},
	    {S_IFDIR | 0777, 0, false},	 /* not sticky: others could swap files */
	    {S_IFDIR | 01777, 502, false}, /* another user's */
	    {S_IFLNK | 0777, 501, false},
	    {S_IFREG | 0600, 501, false},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct stat st = {.st_mode = cases[i].mode, .st_uid = cases[i].owner};

		ck_assert_msg(sandboxexec_tmpdir_usable(&st, 501) == cases[i].usable, "case %zu", i);
	}
}
END_TEST

START_TEST(write_profile_private_file)
{
	char parent[] = "/tmp/fence-test-XXXXXX";
	_cleanup_free_ char *dir = NULL, *path = NULL, *text = NULL;
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(parent));
	ck_assert_int_eq(sandboxexec_write_profile(parent, "(version 1)\n", &dir, &path), 0);
	ck_assert(strncmp(path, dir, strlen(dir)) == 0);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	text = golden_read_file(path);
	ck_assert_str_eq(text, "(version 1)\n");

	sandboxexec_remove_profile(dir, path);
	ck_assert_int_eq(stat(dir, &st), -1);
	ck_assert_int_eq(rmdir(parent), 0);
}
END_TEST

/* Spawn /bin/sh -c SCRIPT through sandboxexec_spawn and wait for it. */
static int spawn_sh(const char *script, char *const *env)
{
	char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
	pid_t pid;
	int status;

	ck_assert_int_eq(sandboxexec_spawn(argv, env, &pid), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

START_TEST(spawn_passes_env_and_status)
{
	char *env[] = {"FOO=bar", "PATH=/usr/bin:/bin", NULL};
	int status = spawn_sh("test \"$FOO\" = bar || exit 1; test -z \"$HOME\" || exit 2; exit 7",
			      env);

	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 7);
	ck_assert_int_eq(sandboxexec_exit_status(status), 7);
}
END_TEST

/* A blocked or ignored signal in fence must not stay so in the command. */
START_TEST(spawn_resets_signal_state)
{
	char *env[] = {"PATH=/usr/bin:/bin", NULL};
	sigset_t set;
	int status;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	status = spawn_sh("kill -TERM $$; exit 9", env);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %d", status);
	ck_assert_int_eq(sandboxexec_exit_status(status), 128 + SIGTERM);

	ck_assert_int_eq(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
	signal(SIGTERM, SIG_IGN);
	status = spawn_sh("kill -TERM $$; exit 9", env);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %d", status);
}
END_TEST

START_TEST(spawn_keeps_only_std_fds)
{
	char *env[] = {"PATH=/usr/bin:/bin", NULL};
	int fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
	int status;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 9), 9);
	status = spawn_sh("if (: <&9) 2>/dev/null; then exit 1; fi; exit 0", env);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	close(9);
	close(fd);
}
END_TEST

START_TEST(spawn_missing_program)
{
	char *argv[] = {"/nonexistent/sandbox-exec", "x", NULL};
	char *env[] = {NULL};
	pid_t pid = 0;
	int r = sandboxexec_spawn(argv, env, &pid);

	/* glibc reports the failed exec; other systems may report it as
	 * exit status 127 of the child. */
	if (r == 0) {
		int status;

		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_int_eq(WEXITSTATUS(status), 127);
	} else {
		ck_assert_int_eq(r, -ENOENT);
	}
}
END_TEST

static Suite *sandboxexec_suite(void)
{
	Suite *s = suite_create("sandboxexec");
	TCase *tc = tcase_create("launch");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, env_points_programs_at_proxies);
	tcase_add_test(tc, env_drops_loader_and_denied_names);
	tcase_add_test(tc, argv_inline_profile);
	tcase_add_test(tc, argv_profile_file);
	tcase_add_test(tc, argv_dash_command_after_separator);
	tcase_add_test(tc, tmpdir_usable_cases);
	tcase_add_test(tc, write_profile_private_file);
	tcase_add_test(tc, spawn_passes_env_and_status);
	tcase_add_test(tc, spawn_resets_signal_state);
	tcase_add_test(tc, spawn_keeps_only_std_fds);
	tcase_add_test(tc, spawn_missing_program);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return golden_run_suite(sandboxexec_suite());
}
