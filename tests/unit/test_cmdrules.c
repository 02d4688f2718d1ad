/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_cmdrules.c: command rules and the line check.
 *
 * Each table case gives the config's deny and allow lists ('|' between
 * rules), whether the default list applies, a line, and the verdict:
 * which list blocked it and by which rule, or COMMAND_RULE_NONE.  The
 * second half of the table tries to slip `git push` past a deny rule.
 */
#include <check.h>
#include <string.h>

#include "policy/policy.h"

struct rule_case {
	const char *name;
	const char *deny;
	const char *allow;
	bool no_defaults;
	const char *line;
	enum command_rule_source source;
	const char *rule;
};

#define NONE COMMAND_RULE_NONE
#define DENY COMMAND_RULE_DENY
#define DEF COMMAND_RULE_DEFAULT
#define DEEP COMMAND_RULE_UNCHECKABLE
#define GP "git push"

/* clang-format off */
static const struct rule_case cases[] = {
	/* The default list. */
	{ "default shutdown", "", "", false, "shutdown -h now", DEF, "shutdown" },
	{ "default reboot by path", "", "", false, "/sbin/reboot", DEF, "reboot" },
	{ "default halt", "", "", false, "halt", DEF, "halt" },
	{ "default poweroff", "", "", false, "poweroff --force", DEF, "poweroff" },
	{ "default init 0", "", "", false, "init 0", DEF, "init 0" },
	{ "default init 6", "", "", false, "init 6", DEF, "init 6" },
	{ "init 3 is not listed", "", "", false, "init 3", NONE, NULL },
	{ "default systemctl reboot", "", "", false, "systemctl reboot", DEF, "systemctl reboot" },
	{ "systemctl global flag skipped", "", "", false, "systemctl --no-block poweroff", DEF, "systemctl poweroff" },
	{ "systemctl status allowed", "", "", false, "systemctl status nginx", NONE, NULL },
	{ "default insmod", "", "", false, "insmod x.ko", DEF, "insmod" },
	{ "default rmmod", "", "", false, "rmmod x", DEF, "rmmod" },
	{ "default modprobe", "", "", false, "modprobe -r x", DEF, "modprobe" },
	{ "default kexec", "", "", false, "kexec -l k", DEF, "kexec" },
	{ "default mkfs.ext4", "", "", false, "mkfs.ext4 /dev/sdb1", DEF, "mkfs.ext4" },
	{ "default mkfs", "", "", false, "mkfs -t xfs /dev/sdb1", DEF, "mkfs" },
	{ "default fdisk", "", "", false, "fdisk -l", DEF, "fdisk" },
	{ "default parted", "", "", false, "parted /dev/sda", DEF, "parted" },
	{ "dd if= present", "", "", false, "dd if=/dev/zero of=/dev/sda", DEF, "dd if=" },
	{ "dd if= later", "", "", false, "dd of=/x if=/dev/zero", DEF, "dd if=" },
	{ "dd iflag is not if=", "", "", false, "dd iflag=direct of=/x", NONE, NULL },
	{ "dd alone is shorter than the rule", "", "", false, "dd", NONE, NULL },
	{ "docker root mount", "", "", false, "docker run -v /:/ alpine", DEF, "docker run -v /:/" },
	{ "docker privileged", "", "", false, "docker run --privileged x", DEF, "docker run --privileged" },
	{ "docker global flag with value", "", "", false, "docker --context prod run --privileged x", DEF, "docker run --privileged" },
	{ "docker flag after name is positional", "", "", false, "docker run --name x --privileged", NONE, NULL },
	{ "default chroot", "", "", false, "chroot / sh", DEF, "chroot" },
	{ "default unshare", "", "", false, "unshare -r sh", DEF, "unshare" },
	{ "default nsenter", "", "", false, "nsenter -t 1 -m", DEF, "nsenter" },
	{ "defaults off", "", "", true, "shutdown -h now", NONE, NULL },
	{ "defaults off keeps deny", "shutdown", "", true, "shutdown -h now", DENY, "shutdown" },
	{ "default behind sudo", "", "", false, "sudo dd if=/dev/zero of=/dev/sda", DEF, "dd if=" },
	{ "default in a pipeline", "", "", false, "echo y | sudo parted /dev/sda", DEF, "parted" },

	/* Deny, allow and matching. */
	{ "deny exact", GP, "", false, "git push", DENY, GP },
	{ "deny prefix", GP, "", false, "git push --force origin main", DENY, GP },
	{ "deny needs whole words", GP, "", false, "git pushall", NONE, NULL },
	{ "deny word 0 only", GP, "", false, "echo git push", NONE, NULL },
	{ "deny other subcommand", GP, "", false, "git status", NONE, NULL },
	{ "global short flag with value", GP, "", false, "git -C /tmp push", DENY, GP },
	{ "global long flag", GP, "", false, "git --no-pager push", DENY, GP },
	{ "global -c with value", GP, "", false, "git -c user.name=x push", DENY, GP },
	{ "global long flag with =", GP, "", false, "git --git-dir=/x push", DENY, GP },
	{ "case sensitive", GP, "", false, "GIT push", NONE, NULL },
	{ "rule by path matches name", "/usr/bin/git", "", false, "git status", DENY, "/usr/bin/git" },
	{ "positional flags", "rm -rf", "", false, "rm -rf /", DENY, "rm -rf" },
	{ "split flags are other words", "rm -rf", "", false, "rm -r -f /", NONE, NULL },
	{ "allow beats deny", "git", "git status", false, "git status -s", COMMAND_RULE_NONE, NULL },
	{ "allow is per command", "git", "git status", false, "git status && git push", DENY, "git" },
	{ "allow beats default", "", "shutdown", false, "shutdown -h now", NONE, NULL },
	{ "first deny rule wins", "git|git push", "", false, "git push", DENY, "git" },
	{ "quoted rule", "'my tool' run", "", false, "'my tool' run x", DENY, "'my tool' run" },
	{ "command -v runs nothing", "git", "", false, "command -v git", NONE, NULL },
	{ "sudo -l runs nothing", "git", "", false, "sudo -l git push", NONE, NULL },
	{ "deny in a substitution", GP, "", false, "echo $(git push)", DENY, GP },
	{ "allowed line", GP, "", false, "ls -la && make test", NONE, NULL },
	{ "empty line", GP, "", false, "", NONE, NULL },

	/* Bypass attempts on deny "git push". */
	{ "bypass backslash", GP, "", false, "g\\it push", DENY, GP },
	{ "bypass single quotes", GP, "", false, "'git' 'push'", DENY, GP },
	{ "bypass double quotes", GP, "", false, "\"git\" \"push\"", DENY, GP },
	{ "bypass empty quotes", GP, "", false, "gi''t pu\"\"sh", DENY, GP },
	{ "bypass ansi-c", GP, "", false, "$'git' push", DENY, GP },
	{ "bypass ansi-c hex", GP, "", false, "$'\\x67it' $'\\x70ush'", DENY, GP },
	{ "bypass ansi-c octal", GP, "", false, "$'\\147it' push", DENY, GP },
	{ "bypass ansi-c unicode", GP, "", false, "$'\\u0067it' push", DENY, GP },
	{ "bypass locale quotes", GP, "", false, "$\"git\" push", DENY, GP },
	{ "bypass IFS", GP, "", false, "git${IFS}push", DENY, GP },
	{ "bypass bare IFS", GP, "", false, "git$IFS\"push\"", DENY, GP },
	{ "bypass escaped newline", GP, "", false, "gi\\\nt pu\\\nsh", DENY, GP },
	{ "bypass variable", GP, "", false, "X=git; $X push", DENY, GP },
	{ "bypass variable with space", GP, "", false, "X='git push'; $X", DENY, GP },
	{ "bypass two variables", GP, "", false, "a=gi b=t; $a$b push", DENY, GP },
	{ "bypass default value", GP, "", false, "${NOPE:-git} push", DENY, GP },
	{ "bypass brace expansion", GP, "", false, "{git,push}", DENY, GP },
	{ "bypass absolute path", GP, "", false, "/usr/bin/git push", DENY, GP },
	{ "bypass relative path", GP, "", false, "./git push", DENY, GP },
	{ "bypass parent path", GP, "", false, "../../usr/bin/git push", DENY, GP },
	{ "bypass glob", GP, "", false, "/usr/bin/gi? push", DENY, GP },
	{ "bypass bracket glob", GP, "", false, "/usr/*/g[i]t pu[s]h", DENY, GP },
	{ "bypass assignment prefix", GP, "", false, "GIT_TRACE=1 git push", DENY, GP },
	{ "bypass redirection first", GP, "", false, ">/dev/null 2>&1 git push", DENY, GP },
	{ "bypass redirection between", GP, "", false, "git 2>/dev/null push", DENY, GP },
	{ "bypass env", GP, "", false, "env git push", DENY, GP },
	{ "bypass env options", GP, "", false, "env -i -u X A=1 git push", DENY, GP },
	{ "bypass env -S", GP, "", false, "env -S 'git push'", DENY, GP },
	{ "bypass env by path", GP, "", false, "/usr/bin/env git push", DENY, GP },
	{ "bypass command", GP, "", false, "command git push", DENY, GP },
	{ "bypass builtin command", GP, "", false, "builtin command git push", DENY, GP },
	{ "bypass exec", GP, "", false, "exec git push", DENY, GP },
	{ "bypass exec -a", GP, "", false, "exec -a innocent git push", DENY, GP },
	{ "bypass nice", GP, "", false, "nice -n 19 git push", DENY, GP },
	{ "bypass nohup", GP, "", false, "nohup git push &", DENY, GP },
	{ "bypass timeout", GP, "", false, "timeout -s KILL 5 git push", DENY, GP },
	{ "bypass time", GP, "", false, "time git push", DENY, GP },
	{ "bypass xargs", GP, "", false, "echo origin | xargs -n1 git push", DENY, GP },
	{ "bypass sudo", GP, "", false, "sudo -u root git push", DENY, GP },
	{ "bypass doas", GP, "", false, "doas git push", DENY, GP },
	{ "bypass stdbuf", GP, "", false, "stdbuf -o0 git push", DENY, GP },
	{ "bypass setsid", GP, "", false, "setsid git push", DENY, GP },
	{ "bypass stacked wrappers", GP, "", false, "sudo env nice timeout 9 nohup git push", DENY, GP },
	{ "bypass sh -c", GP, "", false, "sh -c 'git push'", DENY, GP },
	{ "bypass bash -c", GP, "", false, "bash -c \"git push\"", DENY, GP },
	{ "bypass zsh -c", GP, "", false, "zsh -c 'git push'", DENY, GP },
	{ "bypass combined -ec", GP, "", false, "/bin/dash -ec 'git push'", DENY, GP },
	{ "bypass nested -c", GP, "", false, "sh -c \"bash -c 'git push'\"", DENY, GP },
	{ "bypass -c behind sudo", GP, "", false, "sudo -E sh -c 'git push'", DENY, GP },
	{ "bypass fish -c", GP, "", false, "fish -c 'git push'", DENY, GP },
	{ "bypass here-document to sh", GP, "", false, "sh <<EOF\ngit push\nEOF", DENY, GP },
	{ "bypass here-string to bash", GP, "", false, "bash <<< 'git push'", DENY, GP },
	{ "bypass eval", GP, "", false, "eval git push", DENY, GP },
	{ "bypass eval quoted", GP, "", false, "eval 'git push'", DENY, GP },
	{ "bypass busybox", GP, "", false, "busybox sh -c 'git push'", DENY, GP },
	{ "bypass substitution", GP, "", false, "echo \"$(git push)\"", DENY, GP },
	{ "bypass backquotes", GP, "", false, "echo `git push`", DENY, GP },
	{ "bypass process substitution", GP, "", false, "cat <(git push)", DENY, GP },
	{ "bypass arithmetic", GP, "", false, "echo $(( $(git push) ))", DENY, GP },
	{ "bypass here-document substitution", GP, "", false, "cat <<E\n$(git push)\nE", DENY, GP },
	{ "bypass subshell", GP, "", false, "(git push)", DENY, GP },
	{ "bypass group", GP, "", false, "{ git push; }", DENY, GP },
	{ "bypass function", GP, "", false, "f() { git push; }; f", DENY, GP },
	{ "bypass if", GP, "", false, "if true; then git push; fi", DENY, GP },
	{ "bypass case", GP, "", false, "case a in a) git push;; esac", DENY, GP },
	{ "bypass for body", GP, "", false, "for x in 1; do git push; done", DENY, GP },
	{ "bypass negation", GP, "", false, "! git push", DENY, GP },
	{ "bypass no blanks", GP, "", false, "true&&git push", DENY, GP },
	{ "bypass newline", GP, "", false, "true\ngit push", DENY, GP },
	{ "bypass background", GP, "", false, "git push & wait", DENY, GP },
	{ "bypass comment before", GP, "", false, "# hi\ngit push", DENY, GP },
	{ "bypass tabs", GP, "", false, "git\t\tpush", DENY, GP },
	{ "bypass global flags", GP, "", false, "git -c a=b -C . --no-pager push", DENY, GP },
	{ "bypass backquoted -c", GP, "", false, "`sh -c 'git push'`", DENY, GP },
	{ "bypass export", GP, "", false, "export G=git; $G push", DENY, GP },
	{ "bypass declare", GP, "", false, "declare G=git; \"$G\" push", DENY, GP },
};
/* clang-format on */

/* Split "a|b" into a string vector. */
static void fill(struct strv *sv, const char *list)
{
	_cleanup_free_ char *copy = xstrdup(list);
	char *save = NULL;

	for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save))
		strv_push(sv, t);
}

static void config_for(struct fence_config *c, const struct rule_case *rc)
{
	*c = (struct fence_config){ 0 };
	c->command.use_defaults = rc->no_defaults ? TRI_FALSE : TRI_UNSET;
	fill(&c->command.deny, rc->deny);
	fill(&c->command.allow, rc->allow);
}

static void config_free(struct fence_config *c)
{
	strv_done(&c->command.deny);
	strv_done(&c->command.allow);
	strv_done(&c->ssh.allowed_hosts);
	strv_done(&c->ssh.denied_hosts);
}

START_TEST(rules_table)
{
	const struct rule_case *rc = &cases[_i];
	struct command_verdict v;
	struct fence_config c;

	config_for(&c, rc);
	ck_assert_int_eq(command_check(&c, rc->line, &v), 0);
	ck_assert_msg(v.source == rc->source, "%s: '%s': expected %s, got %s (%s)", rc->name,
		      rc->line, command_rule_source_to_string(rc->source),
		      command_rule_source_to_string(v.source), v.message ? v.message : "-");
	ck_assert_msg(v.blocked == (rc->source != COMMAND_RULE_NONE), "%s: blocked flag", rc->name);
	if (rc->rule)
		ck_assert_str_eq(v.rule, rc->rule);
	command_verdict_done(&v);
	config_free(&c);
}
END_TEST

START_TEST(message_names_subcommand_and_rule)
{
	struct fence_config c = { .command.use_defaults = TRI_UNSET };
	struct command_verdict v;

	strv_push(&c.command.deny, "git push");
	command_check(&c, "ls && git push --force 'my branch'", &v);
	ck_assert(v.blocked);
	ck_assert_str_eq(v.subcommand, "git push --force 'my branch'");
	ck_assert_str_eq(v.message,
			 "command 'git push --force 'my branch'' blocked by command.deny rule 'git push'");
	command_verdict_done(&v);

	command_check(&c, "sudo reboot", &v);
	ck_assert_str_eq(v.message, "command 'reboot' blocked by default deny rule 'reboot'");
	command_verdict_done(&v);
	config_free(&c);
}
END_TEST

START_TEST(message_is_one_line)
{
	struct fence_config c = { .command.use_defaults = TRI_UNSET };
	struct command_verdict v;

	strv_push(&c.command.deny, "git");
	command_check(&c, "git $'a\\nb\\033[2J'", &v);
	ck_assert(v.blocked);
	ck_assert_ptr_null(strchr(v.message, '\n'));
	ck_assert_ptr_null(strchr(v.message, '\033'));
	ck_assert_ptr_nonnull(strstr(v.message, "a\\nb\\x1b[2J"));
	command_verdict_done(&v);
	config_free(&c);
}
END_TEST

START_TEST(too_deep_line_is_blocked)
{
	struct fence_config c = { .command.use_defaults = TRI_UNSET };
	struct command_verdict v;
	char *line = xstrdup("true"), *next;

	for (int i = 0; i < CMDLINE_MAX_DEPTH + 2; i++) {
		next = xasprintf("nice %s", line);
		free(line);
		line = next;
	}
	command_check(&c, line, &v);
	ck_assert(v.blocked);
	ck_assert_int_eq(v.source, COMMAND_RULE_UNCHECKABLE);
	ck_assert_ptr_nonnull(strstr(v.message, "cannot be checked"));
	command_verdict_done(&v);
	free(line);
}
END_TEST

START_TEST(argv_check_without_splitting)
{
	struct fence_config c = { .command.use_defaults = TRI_UNSET };
	char *push[] = { "git", "push", "origin" };
	char *status[] = { "git", "status" };
	char *shell[] = { "sh", "-c", "git push" };
	char *dd[] = { "dd", "of=/x", "if=/dev/zero" };
	const char *rule;

	strv_push(&c.command.deny, "git push");
	strv_push(&c.command.allow, "git push --dry-run");
	ck_assert_int_eq(command_check_argv(&c, push, 3, &rule), COMMAND_RULE_DENY);
	ck_assert_str_eq(rule, "git push");
	ck_assert_int_eq(command_check_argv(&c, status, 2, &rule), COMMAND_RULE_NONE);
	ck_assert_ptr_null(rule);
	/* The supervisor sees sh first, then git when sh execs it. */
	ck_assert_int_eq(command_check_argv(&c, shell, 3, &rule), COMMAND_RULE_NONE);
	ck_assert_int_eq(command_check_argv(&c, dd, 3, &rule), COMMAND_RULE_DEFAULT);
	ck_assert_str_eq(rule, "dd if=");
	config_free(&c);
}
END_TEST

/* A process used to get past 'git push' by executing git-core's git-push. */
START_TEST(argv_check_dashed_git_program)
{
	struct fence_config c = { .command.use_defaults = TRI_UNSET };
	char *dashed[] = { "git-push", "origin", "HEAD" };
	char *dry[] = { "git-push", "--dry-run" };
	char *status[] = { "git-status" };
	char *bare[] = { "git-" };
	const char *rule;

	strv_push(&c.command.deny, "git push");
	strv_push(&c.command.allow, "git push --dry-run");
	ck_assert_int_eq(command_check_argv(&c, dashed, 3, &rule), COMMAND_RULE_DENY);
	ck_assert_str_eq(rule, "git push");
	ck_assert_int_eq(command_check_argv(&c, dry, 2, &rule), COMMAND_RULE_ALLOW);
	ck_assert_int_eq(command_check_argv(&c, status, 1, &rule), COMMAND_RULE_NONE);
	ck_assert_int_eq(command_check_argv(&c, bare, 1, &rule), COMMAND_RULE_NONE);
	config_free(&c);
}
END_TEST

START_TEST(defaults_list_is_complete)
{
	size_t n;
	const char *const *d = cmdrules_defaults(&n);

	ck_assert_uint_eq(n, 29);
	ck_assert_str_eq(d[0], "shutdown");
	ck_assert_str_eq(d[n - 1], "nsenter");
}
END_TEST

START_TEST(source_names)
{
	ck_assert_str_eq(command_rule_source_to_string(COMMAND_RULE_DENY), "command.deny");
	ck_assert_str_eq(command_rule_source_to_string(COMMAND_RULE_DEFAULT), "default");
	ck_assert_ptr_null(command_rule_source_to_string(_COMMAND_RULE_SOURCE_MAX));
}
END_TEST

static Suite *cmdrules_suite(void)
{
	Suite *s = suite_create("cmdrules");
	TCase *tc = tcase_create("check");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, rules_table, 0, ELEMENTSOF(cases));
	tcase_add_test(tc, message_names_subcommand_and_rule);
	tcase_add_test(tc, message_is_one_line);
	tcase_add_test(tc, too_deep_line_is_blocked);
	tcase_add_test(tc, argv_check_without_splitting);
	tcase_add_test(tc, argv_check_dashed_git_program);
	tcase_add_test(tc, defaults_list_is_complete);
	tcase_add_test(tc, source_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cmdrules_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
