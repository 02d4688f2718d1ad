/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_execsuper.c: the argv-mode exec supervisor: its
 * decisions, its report line, and a real round trip through seccomp user
 * notification between a forked child and a libuv loop.
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include "platform/platform.h"

static struct fence_config config_denying(const char *rule)
{
	struct fence_config c = { .command.use_defaults = TRI_UNSET };

	strv_push(&c.command.deny, rule);
	return c;
}

START_TEST(decide_follows_the_rules)
{
	struct fence_config c = config_denying("git push");
	char *push[] = { "git", "push", "origin" };
	char *status[] = { "git", "status" };
	char *dd[] = { "dd", "if=/dev/zero" };
	struct execsuper_event ev = { .argv = push, .argc = 3 };

	execsuper_decide(&c, &ev);
	ck_assert(!ev.allowed);
	ck_assert_int_eq(ev.source, COMMAND_RULE_DENY);
	ck_assert_str_eq(ev.rule, "git push");

	ev = (struct execsuper_event){ .argv = status, .argc = 2 };
	execsuper_decide(&c, &ev);
	ck_assert(ev.allowed);
	ck_assert_ptr_null(ev.rule);

	ev = (struct execsuper_event){ .argv = dd, .argc = 2 };
	execsuper_decide(&c, &ev);
	ck_assert(!ev.allowed);
	ck_assert_int_eq(ev.source, COMMAND_RULE_DEFAULT);

	strv_push(&c.command.allow, "git push --dry-run");
	push[2] = "--dry-run";
	ev = (struct execsuper_event){ .argv = push, .argc = 3 };
	execsuper_decide(&c, &ev);
	ck_assert(ev.allowed);
	ck_assert_int_eq(ev.source, COMMAND_RULE_ALLOW);
	strv_done(&c.command.deny);
	strv_done(&c.command.allow);
}
END_TEST

START_TEST(decide_checks_every_name)
{
	struct fence_config c = config_denying("git push");
	char *push[] = { "x", "push", "origin" };
	char *symlinked[] = { "y", "git" }, *dashed[] = { "git", "git-push" };
	char *both[] = { "ls", "git" };
	struct execsuper_event ev = { .argv = push, .argc = 3, .names = symlinked, .n_names = 2 };

	/* A symlink 'y' to git: the resolved file's name matches. */
	execsuper_decide(&c, &ev);
	ck_assert(!ev.allowed);
	ck_assert_int_eq(ev.source, COMMAND_RULE_DENY);
	ck_assert_str_eq(ev.name, "git");

	/* /usr/bin/git with argv[0] "git-push": git dispatches on argv[0]. */
	push[1] = "origin";
	ev = (struct execsuper_event){ .argv = push, .argc = 2, .names = dashed, .n_names = 2 };
	execsuper_decide(&c, &ev);
	ck_assert(!ev.allowed);
	ck_assert_str_eq(ev.name, "git-push");
	ck_assert_str_eq(ev.rule, "git push");

	/* An allow rule of one name does not lift the deny another name meets. */
	push[1] = "push";
	strv_push(&c.command.allow, "ls");
	ev = (struct execsuper_event){ .argv = push, .argc = 3, .names = both, .n_names = 2 };
	execsuper_decide(&c, &ev);
	ck_assert(!ev.allowed);
	ck_assert_str_eq(ev.name, "git");

	/* An allow rule that every name meets still allows. */
	strv_push(&c.command.allow, "git push origin");
	ev = (struct execsuper_event){ .argv = push, .argc = 3, .names = symlinked + 1, .n_names = 1 };
	execsuper_decide(&c, &ev);
	ck_assert(ev.allowed);
	ck_assert_int_eq(ev.source, COMMAND_RULE_ALLOW);
	strv_done(&c.command.deny);
	strv_done(&c.command.allow);
}
END_TEST

START_TEST(format_names_pid_path_argv_and_rule)
{
	char *argv[] = { "git", "push", "a\"b\\c\n" };
	struct execsuper_event ev = {
		.pid = 42,
		.path = "/usr/bin/git",
		.argv = argv,
		.argc = 3,
		.source = COMMAND_RULE_DENY,
		.rule = "git push",
	};
	_cleanup_free_ char *line = execsuper_format(&ev);

	ck_assert_ptr_nonnull(strstr(line, "[fence:linux] "));
	ck_assert_ptr_nonnull(strstr(line, " exec rejected pid=42 exec=\"/usr/bin/git\" "
					   "argv=[\"git\",\"push\",\"a\\\"b\\\\c\\u000a\"] "
					   "matched=\"git push\" source=command.deny"));
	ck_assert_ptr_null(strchr(line, '\n'));
}
END_TEST

START_TEST(format_of_a_failure_has_a_reason)
{
	struct execsuper_event ev = { .pid = 7, .failure = "multithreaded" };
	_cleanup_free_ char *line = execsuper_format(&ev);

	ck_assert_ptr_nonnull(strstr(line, "pid=7 exec=\"\" argv=[] reason=multithreaded"));
	ck_assert_ptr_null(strstr(line, "matched="));
}
END_TEST

/* Keep each report's line, then its path, rule and argc as one more line. */
static void collect(const struct execsuper_event *ev, const char *line, void *userdata)
{
	strv_push(userdata, line);
	strv_pushf(userdata, "%s %s %zu", ev->path, ev->rule ? ev->rule : "-", ev->argc);
}

/* The tracee: install the filter, try a denied exec, then an allowed one. */
static _Noreturn void tracee(int sock)
{
	char *push[] = { "innocent", "push", NULL };
	char *ok[] = { "true", NULL };

	if (execsuper_install(sock) < 0)
		_exit(90);
	/* exec -a style: argv[0] says "innocent", the path says git. */
	execv("/nonexistent/bin/git", push);
	if (errno != EPERM)
		_exit(91);
	execv("/bin/true", ok);
	_exit(92);
}

START_TEST(round_trip_through_the_kernel)
{
	struct fence_config c = config_denying("git push");
	struct strv reports = { 0 };
	struct execsuper *s = NULL;
	uv_loop_t loop;
	int sv[2], ws;
	pid_t pid;

	if (!execsuper_supported()) {
		ck_assert_msg(!getenv("FENCE_TEST_MUST_WORK"), "no seccomp user notification");
		return;
	}
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		tracee(sv[1]);
	}
	close(sv[1]);

	ck_assert_int_eq(uv_loop_init(&loop), 0);
	ck_assert_int_eq(execsuper_start(&loop, sv[0], &c, collect, &reports, &s), 0);
	/* The loop ends when the tracee has exited and the listener hangs up. */
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFEXITED(ws));
	ck_assert_int_eq(WEXITSTATUS(ws), 0);
	ck_assert_uint_eq(reports.n, 2);
	ck_assert_ptr_nonnull(strstr(reports.v[0], "exec=\"/nonexistent/bin/git\" argv=[\"git\",\"push\"]"));
	ck_assert_str_eq(reports.v[1], "/nonexistent/bin/git git push 2");

	execsuper_stop(s);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	strv_done(&reports);
	strv_done(&c.command.deny);
}
END_TEST

/* The tracee: the same denied exec twice; the first may go through to ENOENT. */
static _Noreturn void tracee_twice(int sock)
{
	char *push[] = { "git", "push", NULL };

	if (execsuper_install(sock) < 0)
		_exit(90);
	execv("/nonexistent/bin/git", push);
	if (errno != ENOENT)
		_exit(91);
	execv("/nonexistent/bin/git", push);
	_exit(errno == EPERM ? 0 : 92);
}

START_TEST(first_exec_can_go_unchecked)
{
	struct fence_config c = config_denying("git push");
	struct strv reports = { 0 };
	struct execsuper *s = NULL;
	uv_loop_t loop;
	int sv[2], ws;
	pid_t pid;

	if (!execsuper_supported()) {
		ck_assert_msg(!getenv("FENCE_TEST_MUST_WORK"), "no seccomp user notification");
		return;
	}
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		tracee_twice(sv[1]);
	}
	close(sv[1]);

	ck_assert_int_eq(uv_loop_init(&loop), 0);
	ck_assert_int_eq(execsuper_start(&loop, sv[0], &c, collect, &reports, &s), 0);
	execsuper_allow_first(s);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFEXITED(ws));
	ck_assert_int_eq(WEXITSTATUS(ws), 0);
	/* Only the second exec was checked, and refused. */
	ck_assert_uint_eq(reports.n, 2);

	execsuper_stop(s);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	strv_done(&reports);
	strv_done(&c.command.deny);
}
END_TEST

START_TEST(stop_before_any_listener)
{
	struct fence_config c = config_denying("x");
	struct execsuper *s = NULL;
	uv_loop_t loop;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	if (execsuper_start(&loop, sv[0], &c, NULL, NULL, &s) < 0) {
		close(sv[1]);
		return; /* no seccomp user notification here */
	}
	execsuper_stop(s);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	close(sv[1]);
	strv_done(&c.command.deny);
}
END_TEST

static Suite *execsuper_suite(void)
{
	Suite *s = suite_create("execsuper");
	TCase *tc = tcase_create("decide");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, decide_follows_the_rules);
	tcase_add_test(tc, decide_checks_every_name);
	tcase_add_test(tc, format_names_pid_path_argv_and_rule);
	tcase_add_test(tc, format_of_a_failure_has_a_reason);
	suite_add_tcase(s, tc);

	tc = tcase_create("supervise");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, round_trip_through_the_kernel);
	tcase_add_test(tc, first_exec_can_go_unchecked);
	tcase_add_test(tc, stop_before_any_listener);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(execsuper_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
