/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_cmdline.c: the command-line splitter.
 *
 * Each case is one line and every simple command it must split into, in
 * order: words joined by a space, commands by " ; ", and a word holding a
 * space shown in braces.  Half the table is bypass attempts: ways to
 * spell `git push` that a naive splitter would miss.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "policy/policy.h"

struct split_case {
	const char *name;
	const char *line;
	const char *expected;
};

/* clang-format off */
static const struct split_case cases[] = {
	{ "plain command",
	  "git status",
	  "git status" },
	{ "and list",
	  "a && b",
	  "a ; b" },
	{ "or list",
	  "a || b",
	  "a ; b" },
	{ "semicolon",
	  "a; b",
	  "a ; b" },
	{ "pipe",
	  "a | b",
	  "a ; b" },
	{ "background",
	  "a & b",
	  "a ; b" },
	{ "pipe stderr",
	  "a |& b",
	  "a ; b" },
	{ "newline",
	  "a\nb",
	  "a ; b" },
	{ "double semicolon outside case",
	  "a;;b",
	  "a ; b" },
	{ "subshell",
	  "(a; b)",
	  "a ; b" },
	{ "brace group",
	  "{ a; b; }",
	  "a ; b" },
	{ "command substitution",
	  "echo $(a b)",
	  "a b ; echo {$(a b)}" },
	{ "backquotes",
	  "echo `a b`",
	  "a b ; echo {`a b`}" },
	{ "substitution in double quotes",
	  "echo \"$(a b)\"",
	  "a b ; echo {$(a b)}" },
	{ "backquotes in double quotes",
	  "echo \"`a b`\"",
	  "a b ; echo {`a b`}" },
	{ "process substitution",
	  "diff <(a) >(b)",
	  "a ; b ; diff <(a) >(b)" },
	{ "substitution in arithmetic",
	  "echo $((1 + $(a)))",
	  "a ; echo {$((1 + $(a)))}" },
	{ "single quotes keep separators",
	  "echo 'a; b'",
	  "echo {a; b}" },
	{ "double quotes keep separators",
	  "echo \"a && b\"",
	  "echo {a && b}" },
	{ "escaped semicolon",
	  "echo a\\;b",
	  "echo a;b" },
	{ "comment",
	  "echo a # b; c",
	  "echo a" },
	{ "hash inside a word",
	  "echo a#b",
	  "echo a#b" },
	{ "leading assignments",
	  "FOO=1 BAR=2 git push",
	  "git push" },
	{ "assignment only",
	  "FOO=1",
	  "" },
	{ "redirections removed",
	  "echo >out 2>&1 <in x",
	  "echo x" },
	{ "dup redirection",
	  "git >&2 push",
	  "git push" },
	{ "2>&1 is no separator",
	  "a 2>&1 | b",
	  "a ; b" },
	{ "&> is no separator",
	  "a &> f; b",
	  "a ; b" },
	{ "append both",
	  "a &>> f",
	  "a" },
	{ "here-string",
	  "a <<< 'x y'",
	  "a" },
	{ "here-document body substitution",
	  "cat <<EOF\nhello $(a)\nEOF\nb",
	  "a ; cat ; b" },
	{ "quoted here-document",
	  "cat <<'EOF'\n$(a)\nEOF\nb",
	  "cat ; b" },
	{ "tab-stripped here-document",
	  "cat <<-EOF\n\t$(a)\n\tEOF\nb",
	  "a ; cat ; b" },
	{ "if",
	  "if a; then b; elif c; then d; else e; fi",
	  "a ; b ; c ; d ; e" },
	{ "while",
	  "while a; do b; done",
	  "a ; b" },
	{ "until",
	  "until a; do b; done",
	  "a ; b" },
	{ "for list not commands",
	  "for i in x y; do b $i; done",
	  "b $i" },
	{ "arithmetic for",
	  "for ((i=0; i<3; i++)); do a; done",
	  "a" },
	{ "case labels",
	  "case $x in a) b;; c|d) e;; *) f;; esac",
	  "b ; e ; f" },
	{ "case with open paren",
	  "case x in (a) b;; esac; c",
	  "b ; c" },
	{ "function definition",
	  "f() { a; }",
	  "a" },
	{ "function keyword",
	  "function f { a; }",
	  "a" },
	{ "negation",
	  "! a",
	  "a" },
	{ "conditional expression",
	  "[[ -f x && -d y ]] || a",
	  "a" },
	{ "arithmetic command",
	  "(( x > 1 )) && a",
	  "a" },
	{ "array assignment",
	  "x=(a b c); d",
	  "d" },
	{ "time",
	  "time a b",
	  "time a b ; a b" },
	{ "brace expansion argument",
	  "echo {a,b}",
	  "echo a b" },
	{ "brace expansion with affixes",
	  "echo a{b,c}d",
	  "echo abd acd" },
	{ "quoted braces stay",
	  "echo '{a,b}'",
	  "echo {a,b}" },
	{ "sequence left alone",
	  "echo {a..c}",
	  "echo {a..c}" },
	{ "coproc",
	  "coproc a",
	  "a" },
	{ "escaped newline",
	  "a \\\n b",
	  "a b" },
	{ "escaped double quote",
	  "echo \"a\\\"b\"",
	  "echo a\"b" },
	{ "backslash kept in double quotes",
	  "echo \"a\\nb\"",
	  "echo a\\nb" },
	{ "ansi-c tab",
	  "echo $'a\\tb'",
	  "echo a\tb" },
	{ "locale string",
	  "echo $\"a b\"",
	  "echo {a b}" },
	{ "empty words",
	  "echo '' \"\"",
	  "echo {} {}" },
	{ "tilde literal",
	  "echo ~/x",
	  "echo ~/x" },
	{ "unknown expansions stay literal",
	  "echo $HOME $1 $@",
	  "echo $HOME $1 $@" },
	{ "blank lines",
	  "a\n\n\nb",
	  "a ; b" },
	{ "surrounding blanks",
	  "  a  ",
	  "a" },
	{ "empty line",
	  "",
	  "" },
	{ "only a comment",
	  "# only a comment",
	  "" },
	{ "unterminated quote",
	  "echo 'unterminated",
	  "echo unterminated" },
	{ "unterminated substitution",
	  "echo $(a",
	  "a ; echo $(a" },
	{ "backslash inside the name",
	  "g\\it push",
	  "git push" },
	{ "single-quoted name",
	  "'git' push",
	  "git push" },
	{ "double-quoted name",
	  "\"git\" push",
	  "git push" },
	{ "empty quotes inside the name",
	  "gi''t push",
	  "git push" },
	{ "partial double quotes",
	  "g\"i\"t push",
	  "git push" },
	{ "ansi-c name",
	  "$'git' push",
	  "git push" },
	{ "ansi-c hex escapes",
	  "$'\\x67\\x69\\x74' push",
	  "git push" },
	{ "ansi-c octal escapes",
	  "$'\\147\\151\\164' push",
	  "git push" },
	{ "ansi-c unicode escape",
	  "$'\\u0067it' push",
	  "git push" },
	{ "locale-quoted name",
	  "$\"git\" push",
	  "git push" },
	{ "IFS braces",
	  "git${IFS}push",
	  "git push" },
	{ "IFS bare",
	  "git$IFS'push'",
	  "git push" },
	{ "escaped newline inside the name",
	  "gi\\\nt push",
	  "git push" },
	{ "escaped newline between words",
	  "git \\\npush",
	  "git push" },
	{ "variable set earlier",
	  "X=git; $X push",
	  "git push" },
	{ "braced variable set earlier",
	  "X=git; ${X} push",
	  "git push" },
	{ "variable with field splitting",
	  "X='git push'; $X",
	  "git push" },
	{ "exported variable",
	  "export X=git; $X push",
	  "export X=git ; git push" },
	{ "two variables",
	  "X=gi; Y=t; $X$Y push",
	  "git push" },
	{ "appended variable",
	  "X=gi; X+=t; $X push",
	  "git push" },
	{ "default value",
	  "${UNSET:-git} push",
	  "git push" },
	{ "default value without colon",
	  "${UNSET-git} push",
	  "git push" },
	{ "assign default",
	  "${UNSET:=git} push",
	  "git push" },
	{ "brace expansion into a command",
	  "{git,push}",
	  "git push" },
	{ "brace expansion with empty alternative",
	  "{g,}it push",
	  "git it push" },
	{ "absolute path",
	  "/usr/bin/git push",
	  "/usr/bin/git push" },
	{ "relative path",
	  "./git push",
	  "./git push" },
	{ "relative path upwards",
	  "../../usr/bin/git push",
	  "../../usr/bin/git push" },
	{ "glob in the name",
	  "/usr/bin/gi? push",
	  "/usr/bin/gi? push" },
	{ "bracket glob in the name",
	  "/usr/bin/g[i]t push",
	  "/usr/bin/g[i]t push" },
	{ "env",
	  "env git push",
	  "env git push ; git push" },
	{ "env with options and assignments",
	  "env -i FOO=1 git push",
	  "env -i FOO=1 git push ; git push" },
	{ "env -u takes a value",
	  "env -u HOME git push",
	  "env -u HOME git push ; git push" },
	{ "env double dash",
	  "env -- git push",
	  "env -- git push ; git push" },
	{ "env -S string",
	  "env -S 'git push'",
	  "env -S {git push} ; git push" },
	{ "env --split-string",
	  "env --split-string='git push'",
	  "env {--split-string=git push} ; git push" },
	{ "command",
	  "command git push",
	  "command git push ; git push" },
	{ "command -p",
	  "command -p git push",
	  "command -p git push ; git push" },
	{ "command -v runs nothing",
	  "command -v git",
	  "command -v git" },
	{ "builtin",
	  "builtin command git push",
	  "builtin command git push ; command git push ; git push" },
	{ "exec",
	  "exec git push",
	  "exec git push ; git push" },
	{ "exec -a takes a value",
	  "exec -a foo git push",
	  "exec -a foo git push ; git push" },
	{ "nice -n",
	  "nice -n 5 git push",
	  "nice -n 5 git push ; git push" },
	{ "nice with a number",
	  "nice -5 git push",
	  "nice -5 git push ; git push" },
	{ "nohup",
	  "nohup git push",
	  "nohup git push ; git push" },
	{ "timeout",
	  "timeout 5 git push",
	  "timeout 5 git push ; git push" },
	{ "timeout with options",
	  "timeout -s KILL -k 1 5 git push",
	  "timeout -s KILL -k 1 5 git push ; git push" },
	{ "timeout long option",
	  "timeout --signal=KILL 5 git push",
	  "timeout --signal=KILL 5 git push ; git push" },
	{ "time -p",
	  "time -p git push",
	  "time -p git push ; git push" },
	{ "xargs",
	  "xargs git push",
	  "xargs git push ; git push" },
	{ "xargs with values",
	  "xargs -I{} -n 1 git push {}",
	  "xargs -I{} -n 1 git push {} ; git push {}" },
	{ "xargs flag cluster",
	  "xargs -0r git push",
	  "xargs -0r git push ; git push" },
	{ "sudo",
	  "sudo git push",
	  "sudo git push ; git push" },
	{ "sudo with options",
	  "sudo -u root -E git push",
	  "sudo -u root -E git push ; git push" },
	{ "sudo long option",
	  "sudo --user=root git push",
	  "sudo --user=root git push ; git push" },
	{ "sudo assignment",
	  "sudo FOO=1 git push",
	  "sudo FOO=1 git push ; git push" },
	{ "sudo -l runs nothing",
	  "sudo -l git push",
	  "sudo -l git push" },
	{ "doas",
	  "doas -u root git push",
	  "doas -u root git push ; git push" },
	{ "stdbuf",
	  "stdbuf -oL git push",
	  "stdbuf -oL git push ; git push" },
	{ "setsid",
	  "setsid -f git push",
	  "setsid -f git push ; git push" },
	{ "wrapper by path",
	  "/usr/bin/env git push",
	  "/usr/bin/env git push ; git push" },
	{ "stacked wrappers",
	  "sudo env timeout 5 nice git push",
	  "sudo env timeout 5 nice git push ; env timeout 5 nice git push ; timeout 5 nice git push ; nice git push ; git push" },
	{ "sh -c",
	  "sh -c 'git push'",
	  "sh -c {git push} ; git push" },
	{ "bash -c",
	  "bash -c \"git push\"",
	  "bash -c {git push} ; git push" },
	{ "zsh -c",
	  "zsh -c 'git push'",
	  "zsh -c {git push} ; git push" },
	{ "combined -ec",
	  "dash -ec 'git push'",
	  "dash -ec {git push} ; git push" },
	{ "bash -o before -c",
	  "bash -o pipefail -c 'git push'",
	  "bash -o pipefail -c {git push} ; git push" },
	{ "bash long option",
	  "bash --norc -c 'git push'",
	  "bash --norc -c {git push} ; git push" },
	{ "sh -c with extra arguments",
	  "/bin/sh -c 'git push' name arg",
	  "/bin/sh -c {git push} name arg ; git push" },
	{ "nested -c",
	  "sh -c \"sh -c 'git push'\"",
	  "sh -c {sh -c 'git push'} ; sh -c {git push} ; git push" },
	{ "-c behind a wrapper",
	  "sudo sh -c 'git push'",
	  "sudo sh -c {git push} ; sh -c {git push} ; git push" },
	{ "fish -c",
	  "fish -c 'git push'",
	  "fish -c {git push} ; git push" },
	{ "fish --command",
	  "fish --command='git push'",
	  "fish {--command=git push} ; git push" },
	{ "here-document into a shell",
	  "sh <<EOF\ngit push\nEOF",
	  "sh ; git push" },
	{ "here-string into a shell",
	  "bash <<< 'git push'",
	  "bash ; git push" },
	{ "eval",
	  "eval git push",
	  "eval git push ; git push" },
	{ "eval quoted",
	  "eval 'git' \"push\"",
	  "eval git push ; git push" },
	{ "busybox",
	  "busybox sh -c 'git push'",
	  "busybox sh -c {git push} ; sh -c {git push} ; git push" },
	{ "-c inside a substitution",
	  "echo $(sh -c 'git push')",
	  "sh -c {git push} ; echo {$(sh -c 'git push')} ; git push" },
	{ "nested backquotes",
	  "echo `echo \\`git push\\``",
	  "git push ; echo {`git push`} ; echo {`echo \\`git push\\``}" },
	{ "substitution in an assignment",
	  "a=$(git push)",
	  "git push" },
	{ "substitution in a redirection",
	  "echo x > $(git push)",
	  "git push ; echo x" },
	{ "command in a condition",
	  "if git push; then :; fi",
	  "git push ; :" },
	{ "command in a loop",
	  "while read l; do git push; done < f",
	  "read l ; git push" },
	{ "command in a subshell",
	  "true && (git push)",
	  "true ; git push" },
	{ "command in a group",
	  "{ git push; }",
	  "git push" },
	{ "command in a case body",
	  "case x in x) git push;; esac",
	  "git push" },
	{ "command in a function body",
	  "f() { git push; }; f",
	  "git push ; f" },
	{ "no blank around the separator",
	  "echo ok;git push",
	  "echo ok ; git push" },
	{ "no blank around &&",
	  "echo ok&&git push",
	  "echo ok ; git push" },
	{ "no blank around the pipe",
	  "echo ok|git push",
	  "echo ok ; git push" },
	{ "newline separated",
	  "echo ok\ngit push",
	  "echo ok ; git push" },
	{ "carriage return is a word character",
	  "echo ok\r\ngit push",
	  "echo ok\r ; git push" },
	{ "tab between words",
	  "git\tpush",
	  "git push" },
	{ "quoted assignment value",
	  "FOO=\"a b\" git push",
	  "git push" },
	{ "quoted assignment is a command",
	  "\"FOO=1\" git push",
	  "FOO=1 git push" },
};
/* clang-format on */

/* Render a split the way the table writes it. */
static char *dump(const struct cmdline_split *s)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < s->n; i++) {
		for (size_t k = 0; k < s->commands[i].n; k++) {
			const char *t = s->commands[i].words[k].text;
			const char *sep = k ? " " : (i ? " ; " : "");
			char *next;

			if (strchr(t, ' ') || !*t)
				next = xasprintf("%s%s{%s}", out, sep, t);
			else
				next = xasprintf("%s%s%s", out, sep, t);
			free(out);
			out = next;
		}
	}
	return out;
}

START_TEST(split_table)
{
	const struct split_case *c = &cases[_i];
	struct cmdline_split s;
	char *got;
	int r;

	r = cmdline_split(c->line, &s);
	ck_assert_msg(r == 0, "%s: cmdline_split returned %d", c->name, r);
	got = dump(&s);
	ck_assert_msg(strcmp(got, c->expected) == 0, "%s: line '%s'\n  expected '%s'\n  got      '%s'",
		      c->name, c->line, c->expected, got);
	free(got);
	cmdline_split_done(&s);
}
END_TEST

/* Build a line of `count` nested `sh -c` levels around `inner`. */
static char *nest_sh_c(int count, const char *inner)
{
	char *line = xstrdup(inner);

	for (int i = 0; i < count; i++) {
		struct strv argv = { 0 };
		char *next;

		strv_push(&argv, "sh");
		strv_push(&argv, "-c");
		strv_push(&argv, line);
		next = cmdline_quote_argv(argv.v);
		strv_done(&argv);
		free(line);
		line = next;
	}
	return line;
}

START_TEST(split_nested_sh_c_within_limit_reaches_inner_command)
{
	_cleanup_free_ char *line = nest_sh_c(CMDLINE_MAX_DEPTH, "git push");
	struct cmdline_split s;
	bool found = false;

	ck_assert_int_eq(cmdline_split(line, &s), 0);
	for (size_t i = 0; i < s.n; i++)
		if (s.commands[i].n == 2 && strcmp(s.commands[i].words[0].text, "git") == 0)
			found = true;
	ck_assert(found);
	cmdline_split_done(&s);
}
END_TEST

START_TEST(split_nested_sh_c_beyond_limit_is_rejected)
{
	_cleanup_free_ char *line = nest_sh_c(CMDLINE_MAX_DEPTH + 1, "git push");
	struct cmdline_split s;

	ck_assert_int_eq(cmdline_split(line, &s), -ELOOP);
	cmdline_split_done(&s);
}
END_TEST

START_TEST(split_deep_substitutions_are_rejected)
{
	_cleanup_free_ char *line = NULL;
	struct cmdline_split s;
	char *open = xstrdup(""), *next;

	for (int i = 0; i < 40; i++) {
		next = xasprintf("%s$(", open);
		free(open);
		open = next;
	}
	line = xasprintf("echo %sgit push", open);
	free(open);
	ck_assert_int_eq(cmdline_split(line, &s), -ELOOP);
	cmdline_split_done(&s);
}
END_TEST

START_TEST(split_deep_wrappers_are_rejected)
{
	_cleanup_free_ char *line = NULL;
	struct cmdline_split s;
	char *acc = xstrdup("git push"), *next;

	for (int i = 0; i < CMDLINE_MAX_DEPTH + 1; i++) {
		next = xasprintf("sudo %s", acc);
		free(acc);
		acc = next;
	}
	line = acc;
	ck_assert_int_eq(cmdline_split(line, &s), -ELOOP);
	cmdline_split_done(&s);
}
END_TEST

START_TEST(split_too_many_commands_is_rejected)
{
	size_t n = (CMDLINE_MAX_COMMANDS + 10) * 2;
	_cleanup_free_ char *line = xmalloc(n + 1);
	struct cmdline_split s;

	for (size_t i = 0; i < n; i += 2) {
		line[i] = 'a';
		line[i + 1] = ';';
	}
	line[n] = '\0';
	ck_assert_int_eq(cmdline_split(line, &s), -E2BIG);
	cmdline_split_done(&s);
}
END_TEST

START_TEST(split_brace_expansion_is_bounded)
{
	_cleanup_free_ char *line = xstrdup("echo {a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}"
					    "{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}");
	struct cmdline_split s;

	ck_assert_int_eq(cmdline_split(line, &s), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_le(s.commands[0].n, 1 + 2 * 256);
	cmdline_split_done(&s);
}
END_TEST

START_TEST(split_glob_word_has_pattern)
{
	struct cmdline_split s;

	ck_assert_int_eq(cmdline_split("/usr/bin/g[i]t 'pu*' pu\\?h", &s), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.commands[0].words[0].pattern, "/usr/bin/g[i]t");
	ck_assert_ptr_null(s.commands[0].words[1].pattern);
	ck_assert_ptr_null(s.commands[0].words[2].pattern);
	cmdline_split_done(&s);
}
END_TEST

START_TEST(words_of_a_rule)
{
	char **w = NULL;

	ck_assert_uint_eq(cmdline_words("docker run -v /:/", &w), 4);
	ck_assert_str_eq(w[0], "docker");
	ck_assert_str_eq(w[3], "/:/");
	ck_assert_ptr_null(w[4]);
	cmdline_words_free(w);
	ck_assert_uint_eq(cmdline_words("'a b' c; d", &w), 2);
	ck_assert_str_eq(w[0], "a b");
	cmdline_words_free(w);
	ck_assert_uint_eq(cmdline_words("", &w), 0);
	ck_assert_ptr_null(w[0]);
	cmdline_words_free(w);
}
END_TEST

START_TEST(quote_argv_round_trips)
{
	char *argv[] = { "git", "commit", "-m", "it's a \"test\"; rm -rf /", "$(x)", "", NULL };
	_cleanup_free_ char *line = cmdline_quote_argv(argv);
	struct cmdline_split s;

	ck_assert_int_eq(cmdline_split(line, &s), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.commands[0].n, 6);
	for (size_t i = 0; i < 6; i++)
		ck_assert_str_eq(s.commands[0].words[i].text, argv[i]);
	cmdline_split_done(&s);
}
END_TEST

START_TEST(basename_of_paths)
{
	ck_assert_str_eq(cmdline_basename("/usr/bin/git"), "git");
	ck_assert_str_eq(cmdline_basename("git"), "git");
	ck_assert_str_eq(cmdline_basename("./x/"), "");
}
END_TEST

static Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("split");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, split_table, 0, ELEMENTSOF(cases));
	tcase_add_test(tc, split_nested_sh_c_within_limit_reaches_inner_command);
	tcase_add_test(tc, split_nested_sh_c_beyond_limit_is_rejected);
	tcase_add_test(tc, split_deep_substitutions_are_rejected);
	tcase_add_test(tc, split_deep_wrappers_are_rejected);
	tcase_add_test(tc, split_too_many_commands_is_rejected);
	tcase_add_test(tc, split_brace_expansion_is_bounded);
	tcase_add_test(tc, split_glob_word_has_pattern);
	suite_add_tcase(s, tc);

	tc = tcase_create("helpers");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, words_of_a_rule);
	tcase_add_test(tc, quote_argv_round_trips);
	tcase_add_test(tc, basename_of_paths);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cmdline_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
