/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_macos_run.c: the profile parameters of a run on macOS
 * and the profile they give, built on any platform.
 */
#include <check.h>
#include <string.h>

#include "cli/macos-profile.h"
#include "cli/run-macos.h"
#include "platform/macos/seatbelt.h"
#include "policy/policy.h"
#include "util/util.h"

#include "golden.h"

static const struct run_macos_host host = {
    .home = "/Users/ana",
    .cwd = "/Users/ana/project",
    .tmpdir = "/tmp/fence",
    .user_temp_dir = "/var/folders/zz/abc123",
    .log_tag = "fence-0123456789abcdef",
    .http_proxy_port = 50001,
    .socks_proxy_port = 50002,
};

START_TEST(params_copy_host_values)
{
	char *command[] = {"make", "test", NULL};
	struct run_options o = {.argv = command, .argc = 2};
	struct seatbelt_params p;

	run_macos_profile_params(&o, command, &host, &p);
	ck_assert_str_eq(p.home, "/Users/ana");
	ck_assert_str_eq(p.cwd, "/Users/ana/project");
	ck_assert_str_eq(p.tmpdir, "/tmp/fence");
	ck_assert_str_eq(p.user_temp_dir, "/var/folders/zz/abc123");
	ck_assert_str_eq(p.log_tag, "fence-0123456789abcdef");
	ck_assert_int_eq(p.http_proxy_port, 50001);
	ck_assert_int_eq(p.socks_proxy_port, 50002);
	/* Without -c, no shell is spared: the command itself may be denied. */
	ck_assert_ptr_null(p.shell);
	ck_assert(!p.exposed_ports);
	ck_assert(!p.resolve_symlinks);
}
END_TEST

START_TEST(params_spare_the_c_shell)
{
	char *command[] = {"/bin/bash", "-c", "make", NULL};
	struct run_options o = {.command_string = "make"};
	struct seatbelt_params p;

	run_macos_profile_params(&o, command, &host, &p);
	ck_assert_str_eq(p.shell, "/bin/bash");
}
END_TEST

START_TEST(params_ports_imply_binding)
{
	char *command[] = {"npm", "start", NULL};
	struct run_options o = {0};
	struct seatbelt_params p;

	strv_push(&o.ports, "3000");
	run_macos_profile_params(&o, command, &host, &p);
	ck_assert(p.exposed_ports);
	strv_done(&o.ports);
}
END_TEST

/* The profile of a run: its proxies, its tag, and the shell kept runnable. */
START_TEST(run_profile_contents)
{
	char *command[] = {"/bin/bash", "-c", "bash -c true", NULL};
	struct run_options o = {.command_string = "bash -c true"};
	struct fence_config c = {.network.allow_local_outbound = TRI_UNSET,
				 .command.use_defaults = TRI_UNSET};
	struct seatbelt_params p;
	_cleanup_free_ char *profile = NULL;

	strv_push(&c.command.deny, "bash");
	strv_push(&o.ports, "8080");
	run_macos_profile_params(&o, command, &host, &p);
	ck_assert_int_eq(macos_profile_build(&c, &p, &profile), 0);

	ck_assert_ptr_nonnull(strstr(profile, "(allow network-outbound (remote ip \"localhost:50001\"))"));
	ck_assert_ptr_nonnull(strstr(profile, "(allow network-outbound (remote ip \"localhost:50002\"))"));
	ck_assert_ptr_nonnull(strstr(profile, "(allow network-bind (local ip \"localhost:*\"))"));
	ck_assert_ptr_nonnull(strstr(profile, "(deny default (with message \"fence-0123456789abcdef\"))"));
	ck_assert_ptr_nonnull(strstr(profile, "(allow network* (subpath \"/tmp/fence\"))"));
	ck_assert_ptr_nonnull(strstr(profile, "(allow file-write* (subpath \"/var/folders/zz/abc123\"))"));
	/* bash is denied everywhere but where the -c shell lives. */
	ck_assert_ptr_null(strstr(profile, "(literal \"/bin/bash\")"));
	ck_assert_ptr_nonnull(strstr(profile, "(literal \"/usr/local/bin/bash\")"));
	ck_assert_ptr_nonnull(strstr(profile, "(literal \"/sbin/shutdown\")"));
	strv_done(&o.ports);
	config_done(&c);
}
END_TEST

static Suite *macos_run_suite(void)
{
	Suite *s = suite_create("macos_run");
	TCase *tc = tcase_create("params");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, params_copy_host_values);
	tcase_add_test(tc, params_spare_the_c_shell);
	tcase_add_test(tc, params_ports_imply_binding);
	tcase_add_test(tc, run_profile_contents);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return golden_run_suite(macos_run_suite());
}
