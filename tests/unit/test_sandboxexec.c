/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_sandboxexec.c: the environment and command line of a
 * command run under sandbox-exec.
 */
#include <check.h>
#include <string.h>

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

START_TEST(argv_runs_shell_under_sandbox_exec)
{
	struct strv argv = {0};

	sandboxexec_argv("(version 1)", "/bin/zsh", false, "make test", &argv);
	ck_assert_uint_eq(argv.n, 6);
	ck_assert_str_eq(argv.v[0], "/usr/bin/sandbox-exec");
	ck_assert_str_eq(argv.v[1], "-p");
	ck_assert_str_eq(argv.v[2], "(version 1)");
	ck_assert_str_eq(argv.v[3], "/bin/zsh");
	ck_assert_str_eq(argv.v[4], "-c");
	ck_assert_str_eq(argv.v[5], "make test");
	strv_done(&argv);

	sandboxexec_argv("(version 1)", "/bin/bash", true, "ls", &argv);
	ck_assert_str_eq(argv.v[4], "-lc");
	strv_done(&argv);
}
END_TEST

static Suite *sandboxexec_suite(void)
{
	Suite *s = suite_create("sandboxexec");
	TCase *tc = tcase_create("launch");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, env_points_programs_at_proxies);
	tcase_add_test(tc, env_drops_loader_and_denied_names);
	tcase_add_test(tc, argv_runs_shell_under_sandbox_exec);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return golden_run_suite(sandboxexec_suite());
}
