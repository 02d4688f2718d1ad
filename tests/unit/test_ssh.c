/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_ssh.c: the ssh argument parser, host globs and SSH policy.
 * Nothing here connects anywhere: the policy is checked on the command line.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "policy/policy.h"

struct parse_case {
	const char *line;
	const char *host;
	const char *user;
	const char *port;
	const char *remote;
};

/* clang-format off */
static const struct parse_case parse_cases[] = {
	{ "ssh host", "host", NULL, NULL, NULL },
	{ "ssh ana@host", "host", "ana", NULL, NULL },
	{ "ssh -p 2222 host ls -la", "host", NULL, "2222", "ls -la" },
	{ "ssh -p2222 -l root host", "host", "root", "2222", NULL },
	{ "ssh -l root -i key -o StrictHostKeyChecking=no host uptime", "host", "root", NULL, "uptime" },
	{ "ssh -tt -4 -v host", "host", NULL, NULL, NULL },
	{ "ssh -vp 22 host", "host", NULL, "22", NULL },
	{ "ssh -J jump@bastion -W x:22 host", "host", NULL, NULL, NULL },
	{ "ssh -F cfg -E log -b 1.2.3.4 -c aes -D 8080 -e none -I pk -L 1:h:2 -m hmac -O check -Q cipher -R 3:h:4 -S sock -w 0 host cmd", "host", NULL, NULL, "cmd" },
	{ "ssh ssh://ana@host:2200", "host", "ana", "2200", NULL },
	{ "ssh ssh://[::1]:22", "::1", NULL, "22", NULL },
	{ "ssh ssh://host", "host", NULL, NULL, NULL },
	{ "ssh -- host ls", "host", NULL, NULL, "ls" },
	{ "ssh host 'ls; rm -rf /'", "host", NULL, NULL, "ls; rm -rf /" },
	{ "ssh host echo a b", "host", NULL, NULL, "echo a b" },
	{ "ssh a@b@host", "host", "a@b", NULL, NULL },
	{ "/usr/bin/ssh -6 host", "host", NULL, NULL, NULL },
};
/* clang-format on */

static void parse_line(const char *line, struct ssh_invocation *s, int *r)
{
	char **w = NULL;
	size_t n = cmdline_words(line, &w);

	*r = ssh_parse(w, n, s);
	cmdline_words_free(w);
}

static void ck_assert_str_eq_or_null(const char *got, const char *expected)
{
	if (!expected)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got, expected);
}

START_TEST(parse_table)
{
	const struct parse_case *pc = &parse_cases[_i];
	struct ssh_invocation s;
	int r;

	parse_line(pc->line, &s, &r);
	ck_assert_msg(r == 0, "%s: %d", pc->line, r);
	ck_assert_str_eq(s.host, pc->host);
	ck_assert_str_eq_or_null(s.user, pc->user);
	ck_assert_str_eq_or_null(s.port, pc->port);
	ck_assert_str_eq_or_null(s.remote, pc->remote);
	ssh_invocation_done(&s);
}
END_TEST

START_TEST(parse_without_host_is_einval)
{
	struct ssh_invocation s;
	int r;

	parse_line("ssh -V", &s, &r);
	ck_assert_int_eq(r, -EINVAL);
	parse_line("ssh -p 22", &s, &r);
	ck_assert_int_eq(r, -EINVAL);
	parse_line("ssh", &s, &r);
	ck_assert_int_eq(r, -EINVAL);
}
END_TEST

START_TEST(host_globs)
{
	ck_assert(ssh_host_match("*", "anything.example"));
	ck_assert(ssh_host_match("Host.Example.com", "host.example.COM"));
	ck_assert(!ssh_host_match("host.example.com", "host.example.co"));
	ck_assert(ssh_host_match("*.example.com", "a.example.com"));
	ck_assert(ssh_host_match("*.example.com", "a.b.example.com"));
	ck_assert(!ssh_host_match("*.example.com", "example.com"));
	ck_assert(ssh_host_match("prod-*-*.example.com", "prod-eu-1.example.com"));
	ck_assert(!ssh_host_match("prod-*-*.example.com", "prod-eu.example.com"));
	ck_assert(ssh_host_match("10.0.*", "10.0.3.4"));
	ck_assert(!ssh_host_match("10.0.*", "10.1.0.1"));
	ck_assert(ssh_host_match("*prod*", "myprodhost"));
}
END_TEST

struct policy_case {
	const char *name;
	const char *allowed_hosts;
	const char *denied_hosts;
	const char *allowed_commands;
	const char *denied_commands;
	bool allow_all;
	bool inherit_deny;
	const char *command_deny;
	const char *line;
	bool blocked;
	const char *message; /* substring of the message, or NULL */
};

/* clang-format off */
static const struct policy_case policy_cases[] = {
	{ "inactive without host lists", "", "", "", "", false, false, "", "ssh evil.example rm -rf /", false, NULL },
	{ "allowed host without command", "*.example.com", "", "", "", false, false, "", "ssh a.example.com", false, NULL },
	{ "host not in allowedHosts", "*.example.com", "", "", "", false, false, "", "ssh other.org", true, "ssh to 'other.org' blocked: not in ssh.allowedHosts" },
	{ "apex not matched by wildcard", "*.example.com", "", "", "", false, false, "", "ssh example.com", true, "not in ssh.allowedHosts" },
	{ "denied host wins", "*", "db*.example.com", "", "", true, false, "", "ssh db1.example.com ls", true, "ssh.deniedHosts pattern 'db*.example.com'" },
	{ "denied host with user", "", "secret.example", "", "", false, false, "", "ssh root@secret.example", true, "'secret.example'" },
	{ "denied host in url", "", "secret.example", "", "", false, false, "", "ssh ssh://root@SECRET.example:22", true, "deniedHosts" },
	{ "denied host behind -p and -l", "", "secret.example", "", "", false, false, "", "ssh -p 22 -l root secret.example", true, "deniedHosts" },
	{ "denied list only allows others", "", "secret.example", "", "", false, false, "", "ssh public.example", false, NULL },
	{ "remote command not allowed", "*", "", "uptime", "", false, false, "", "ssh h ls", true, "remote command 'ls' on 'h' blocked: not in ssh.allowedCommands" },
	{ "remote command allowed", "*", "", "uptime|ls", "", false, false, "", "ssh h ls -la", false, NULL },
	{ "every part must be allowed", "*", "", "ls", "", false, false, "", "ssh h 'ls; rm -rf /'", true, "remote command 'rm -rf /'" },
	{ "allowed prefix on words", "*", "", "git status", "", false, false, "", "ssh h git statusx", true, NULL },
	{ "denied command", "*", "", "", "rm", true, false, "", "ssh h 'cd /; rm -rf x'", true, "ssh.deniedCommands rule 'rm'" },
	{ "allow all commands", "*", "", "", "", true, false, "", "ssh h make deploy", false, NULL },
	{ "denied command beats allowed", "*", "", "rm", "rm -rf", false, false, "", "ssh h rm -rf /", true, "deniedCommands" },
	{ "inherit deny", "*", "", "", "", true, true, "git push", "ssh h git push", true, "command.deny rule 'git push' (ssh.inheritDeny)" },
	{ "inherit defaults", "*", "", "", "", true, true, "", "ssh h sudo reboot", true, "default deny rule 'reboot'" },
	{ "no inherit, remote deny ignored", "*", "", "", "", true, false, "git push", "ssh h git push", false, NULL },
	{ "remote -c string is checked", "*", "", "", "rm", true, false, "", "ssh h \"sh -c 'rm -rf /'\"", true, "deniedCommands" },
	{ "ssh behind a wrapper", "ok.example", "", "", "", false, false, "", "timeout 5 ssh bad.example", true, "'bad.example'" },
	{ "ssh inside sh -c", "ok.example", "", "", "", false, false, "", "sh -c 'ssh bad.example'", true, "'bad.example'" },
	{ "ssh by path", "ok.example", "", "", "", false, false, "", "/usr/bin/ssh bad.example", true, NULL },
	{ "local deny beats ssh", "*", "", "", "", true, false, "ssh", "ssh h", true, "command.deny rule 'ssh'" },
	{ "ssh -V connects nowhere", "ok.example", "", "", "", false, false, "", "ssh -V", false, NULL },
};
/* clang-format on */

static void fill(struct strv *sv, const char *list)
{
	_cleanup_free_ char *copy = xstrdup(list);
	char *save = NULL;

	for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save))
		strv_push(sv, t);
}

START_TEST(policy_table)
{
	const struct policy_case *pc = &policy_cases[_i];
	struct fence_config c = { .command.use_defaults = TRI_UNSET };
	struct command_verdict v;

	fill(&c.ssh.allowed_hosts, pc->allowed_hosts);
	fill(&c.ssh.denied_hosts, pc->denied_hosts);
	fill(&c.ssh.allowed_commands, pc->allowed_commands);
	fill(&c.ssh.denied_commands, pc->denied_commands);
	fill(&c.command.deny, pc->command_deny);
	c.ssh.allow_all_commands = pc->allow_all;
	c.ssh.inherit_deny = pc->inherit_deny;

	ck_assert_int_eq(command_check(&c, pc->line, &v), 0);
	ck_assert_msg(v.blocked == pc->blocked, "%s: '%s': %s", pc->name, pc->line,
		      v.message ? v.message : "allowed");
	if (pc->message)
		ck_assert_msg(v.message && strstr(v.message, pc->message), "%s: message '%s'",
			      pc->name, v.message ? v.message : "-");
	command_verdict_done(&v);
	strv_done(&c.ssh.allowed_hosts);
	strv_done(&c.ssh.denied_hosts);
	strv_done(&c.ssh.allowed_commands);
	strv_done(&c.ssh.denied_commands);
	strv_done(&c.command.deny);
}
END_TEST

static Suite *ssh_suite(void)
{
	Suite *s = suite_create("ssh");
	TCase *tc = tcase_create("parse");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, parse_table, 0, ELEMENTSOF(parse_cases));
	tcase_add_test(tc, parse_without_host_is_einval);
	tcase_add_test(tc, host_globs);
	suite_add_tcase(s, tc);

	tc = tcase_create("policy");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, policy_table, 0, ELEMENTSOF(policy_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ssh_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
