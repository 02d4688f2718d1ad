/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-hook.c: 'fence hook', the helper the shell hooks call inside a
 * session, and two tools for testing the hooks without a session.
 *
 *   fence hook check [--policy FILE] [--mark] -- LINE
 *       Check one command line against the session's command policy, read
 *       from FILE or $FENCE_HOOK_POLICY (the read-only policy.json in the
 *       session's runtime directory).  Exit 0: allowed.  Exit 1: refused,
 *       with one 'fence: ...' line naming the rule on stderr, and with
 *       --mark the veto mark (OSC 33623;veto;LINE;REASON) on the terminal,
 *       from which the session daemon records the refusal.  Exit 125:
 *       the check itself failed; the hooks then let the line run, because
 *       the sandbox enforces the same rules underneath.
 *   fence hook words [--policy FILE]
 *       Print the command names the policy's rules start with, one a line.
 *       The hooks skip the check, and its fork, for a line that contains
 *       none of them and no quoting that could hide one.
 *   fence hook exec [--shell S] [--no-hooks] [--marker M] [--check]
 *                   [--policy FILE] DIR
 *       Write the hook files (and the policy) into DIR and exec the shell
 *       with its hooks, outside any sandbox.
 *   fence hook scan
 *       Read PTY output on stdin and print the command timeline its marks
 *       describe, one JSON object a line.
 *   fence hook timeline [NAME]
 *       Print a live session's command timeline and the violations
 *       attributed to its commands, one JSON object a line.
 */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "policy/policy.h"
#include "session/oscscan.h"
#include "session/session.h"
#include "session/timeline.h"
#include "shellhooks/shellhooks.h"
#include "util/util.h"

static const char usage[] =
	"Usage: fence hook check [--policy FILE] [--mark] -- LINE\n"
	"       fence hook words [--policy FILE]\n"
	"       fence hook exec [--shell bash|zsh|fish] [--no-hooks] [--marker TEXT]\n"
	"                       [--check] [--policy FILE] DIR\n"
	"       fence hook scan < PTY-OUTPUT\n"
	"       fence hook timeline [NAME]\n"
	"\n"
	"internal: helper for the shell hooks inside a session.\n"
	"\n"
	"check   exit 0 when the session's command policy allows LINE, 1 when it\n"
	"        refuses it (with the reason on stderr), 125 when it cannot tell;\n"
	"        the policy comes from --policy or $FENCE_HOOK_POLICY; --mark also\n"
	"        prints a refusal as a mark the session records\n"
	"words   print the command names the policy's rules start with\n"
	"exec    write the hook files into DIR and start the shell with them, with\n"
	"        no sandbox (for testing the hooks); --check turns on the command\n"
	"        check with the policy of --policy, else the built-in default\n"
	"scan    print the command timeline that the shell marks in PTY-OUTPUT\n"
	"        describe, as JSON Lines\n"
	"timeline  print the commands of session NAME (default: this directory's)\n"
	"        and the violations under each, as JSON Lines\n";

/* Read a whole file into an owned string; NULL with errno set on failure. */
static char *read_file(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			text = xrealloc(text, cap);
		}
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(text);
		errno = EIO;
		return NULL;
	}
	text[len] = '\0';
	return text;
}

/* Load the session's policy from `path`; prints the error and returns < 0. */
static int load_policy(const char *path, struct config_result *ret)
{
	_cleanup_free_ char *text = NULL, *error = NULL;
	int r;

	text = read_file(path);
	if (!text) {
		msg_error("cannot read the session policy %s: %s", path, strerror(errno));
		return -errno;
	}
	r = config_load_string(path, NULL, text, ret, &error);
	if (r < 0) {
		config_result_done(ret);
		msg_error("%s", error);
		return r;
	}
	return 0;
}

/*
 * Parse [--policy FILE] (and [--mark] when ret_mark is given) up to "--"
 * or the end, and load that policy, else $FENCE_HOOK_POLICY's.  Sets
 * *ret_end to the index after the options.  Prints the error and returns
 * < 0 on failure.
 */
static int load_hook_policy(int argc, char **argv, int *ret_end, bool *ret_mark,
			    struct config_result *ret)
{
	const char *policy = getenv("FENCE_HOOK_POLICY");
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
			policy = argv[++i];
		} else if (ret_mark && strcmp(argv[i], "--mark") == 0) {
			*ret_mark = true;
		} else {
			msg_error("unknown argument '%s'", argv[i]);
			return -EINVAL;
		}
	}
	*ret_end = i;
	if (!policy || !*policy) {
		msg_error("no session policy: set FENCE_HOOK_POLICY or pass --policy");
		return -EINVAL;
	}
	return load_policy(policy, ret);
}

/*
 * Print the veto mark of a refused line to the terminal, where the session
 * daemon reads it; to stderr when there is no terminal to open.
 */
static void print_veto_mark(const char *line, const char *reason)
{
	_cleanup_free_ char *mark = oscscan_veto_mark(line, reason);
	_cleanup_close_ int tty = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	int fd = tty >= 0 ? tty : STDERR_FILENO;
	size_t done = 0;

	while (done < strlen(mark)) {
		ssize_t n = write(fd, mark + done, strlen(mark) - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		done += (size_t)n;
	}
}

static int hook_check(int argc, char **argv)
{
	struct config_result cfg = { 0 };
	struct command_verdict verdict = { 0 };
	bool mark = false;
	int i, r;

	/*
	 * A Ctrl-Z typed while the check runs must not leave it stopped with
	 * the shell waiting for it; Ctrl-C still ends it (status 130), and the
	 * hooks then drop the line.
	 */
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	if (load_hook_policy(argc, argv, &i, &mark, &cfg) < 0)
		return FENCE_EXIT_FAILURE;
	if (i + 2 != argc) {
		config_result_done(&cfg);
		msg_error("expected one command line after '--'");
		return FENCE_EXIT_FAILURE;
	}

	r = command_check(&cfg.config, argv[i + 1], &verdict);
	config_result_done(&cfg);
	if (r < 0) {
		msg_error("cannot check the command line: %s", strerror(-r));
		return FENCE_EXIT_FAILURE;
	}
	if (verdict.blocked) {
		if (mark)
			print_veto_mark(argv[i + 1], verdict.message);
		msg_error("%s (not run)", verdict.message);
		command_verdict_done(&verdict);
		return 1;
	}
	command_verdict_done(&verdict);
	return 0;
}

/* Print the command name `rule` starts with, once: "git" for "git push". */
static void print_rule_word(const char *rule, struct strv *seen)
{
	size_t n = strcspn(rule, " \t");
	_cleanup_free_ char *word = xstrndup(rule, n);
	const char *base = strrchr(word, '/') ? strrchr(word, '/') + 1 : word;

	if (!*base || strv_contains(seen, base))
		return;
	puts(base);
	strv_push(seen, base);
}

static int hook_words(int argc, char **argv)
{
	struct config_result cfg = { 0 };
	const struct fence_config *c = &cfg.config;
	struct strv seen = { 0 };
	int end;

	if (load_hook_policy(argc, argv, &end, NULL, &cfg) < 0)
		return FENCE_EXIT_FAILURE;
	if (end != argc) {
		config_result_done(&cfg);
		msg_error("unexpected argument '%s'", argv[end]);
		return FENCE_EXIT_FAILURE;
	}
	for (size_t i = 0; i < c->command.deny.n; i++)
		print_rule_word(c->command.deny.v[i], &seen);
	if (cmdrules_use_defaults(c)) {
		size_t n;
		const char *const *defaults = cmdrules_defaults(&n);

		for (size_t i = 0; i < n; i++)
			print_rule_word(defaults[i], &seen);
	}
	/* SSH policy checks every ssh command line. */
	if (c->ssh.allowed_hosts.n || c->ssh.denied_hosts.n)
		print_rule_word("ssh", &seen);
	strv_done(&seen);
	config_result_done(&cfg);
	return 0;
}

/* The policy for 'hook exec --check': --policy FILE, else the default. */
static char *exec_policy_json(const char *path)
{
	struct config_result cfg = { 0 };
	_cleanup_free_ char *error = NULL;
	char *json;

	if (path) {
		if (load_policy(path, &cfg) < 0)
			return NULL;
	} else if (config_resolve(&(struct config_request){ 0 }, &cfg, &error) < 0) {
		config_result_done(&cfg);
		msg_error("%s", error);
		return NULL;
	}
	json = config_to_json(&cfg.config);
	config_result_done(&cfg);
	return json;
}

static int hook_exec(int argc, char **argv)
{
	static const struct option options[] = {
		{ "shell", required_argument, NULL, 's' },
		{ "no-hooks", no_argument, NULL, 'n' },
		{ "marker", required_argument, NULL, 'm' },
		{ "check", no_argument, NULL, 'c' },
		{ "policy", required_argument, NULL, 'p' },
		{ 0 },
	};
	struct shellhooks_options o = { .session = getenv("FENCE_SESSION") };
	struct shellhooks_shell sh = { 0 };
	struct strv args = { 0 }, env = { 0 };
	const char *shell = NULL, *policy = NULL;
	_cleanup_free_ char *json = NULL, *self = NULL;
	bool check = false;
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", options, NULL)) != -1) {
		switch (c) {
		case 's':
			shell = optarg;
			break;
		case 'n':
			o.no_hooks = true;
			break;
		case 'm':
			o.marker = optarg;
			break;
		case 'c':
			check = true;
			break;
		case 'p':
			policy = optarg;
			break;
		default:
			msg_error("unknown or incomplete option '%s'", argv[optind - 1]);
			return FENCE_EXIT_FAILURE;
		}
	}
	if (optind + 1 != argc) {
		msg_error("expected the directory for the hook files");
		return FENCE_EXIT_FAILURE;
	}

	r = shellhooks_resolve(shell, getenv("SHELL"), getenv("PATH"), &sh);
	if (r == -EINVAL) {
		msg_error("invalid --shell '%s': expected bash, zsh or fish", shell);
		return FENCE_EXIT_FAILURE;
	} else if (r < 0) {
		msg_error("shell '%s' not found in PATH", shell ? shell : "bash");
		return FENCE_EXIT_FAILURE;
	}
	if (check) {
		json = exec_policy_json(policy);
		self = realpath("/proc/self/exe", NULL);
		if (!json || !self)
			return FENCE_EXIT_FAILURE;
		o.fence_path = self;
	}
	r = shellhooks_write(argv[optind], json);
	if (r < 0) {
		msg_error("cannot write the hook files into %s: %s", argv[optind], strerror(-r));
		return FENCE_EXIT_FAILURE;
	}
	o.zdotdir = getenv("ZDOTDIR");
	shellhooks_command(&sh, argv[optind], &o, &args, &env);
	for (size_t i = 0; i < env.n; i++)
		putenv(env.v[i]);
	execv(args.v[0], args.v);
	msg_error("cannot run %s: %s", args.v[0], strerror(errno));
	return FENCE_EXIT_CANNOT_EXEC;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int hook_scan(void)
{
	struct timeline t;
	char buf[4096];
	size_t n;

	timeline_init(&t, 0, NULL, NULL);
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		timeline_feed(&t, buf, n, now_ms());
	for (size_t i = 0; i < timeline_count(&t); i++) {
		_cleanup_free_ char *json = timeline_command_json(timeline_get(&t, i));

		puts(json);
	}
	timeline_done(&t);
	return 0;
}

static int hook_timeline(const char *name)
{
	_cleanup_free_ char *reply = NULL, *cwd = NULL, *default_name = NULL;
	int r;

	if (!name) {
		cwd = getcwd(NULL, 0);
		if (!cwd) {
			msg_error("cannot get the working directory: %s", strerror(errno));
			return FENCE_EXIT_FAILURE;
		}
		name = default_name = session_default_name(cwd);
	}
	r = session_command(name, "{\"cmd\":\"timeline\"}", stdout, &reply);
	if (r == -ENOENT || r == -ECONNREFUSED) {
		msg_error("no session named '%s'", name);
		return FENCE_EXIT_FAILURE;
	} else if (r < 0) {
		msg_error("session '%s' did not send its timeline: %s", name, reply ? reply : strerror(-r));
		return FENCE_EXIT_FAILURE;
	}
	return 0;
}

static int hook_main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return hook_check(argc - 1, argv + 1);
	if (cli_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "words") == 0)
		return hook_words(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "exec") == 0)
		return hook_exec(argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "scan") == 0)
		return hook_scan();
	if ((argc == 2 || argc == 3) && strcmp(argv[1], "timeline") == 0)
		return hook_timeline(argc == 3 ? argv[2] : NULL);
	msg_error("expected 'check', 'words', 'exec', 'scan' or 'timeline'");
	msg_hint("see 'fence hook --help'");
	return FENCE_EXIT_FAILURE;
}

const struct fence_cmd cmd_hook = {
	.name = "hook",
	.summary = "internal: helper for the shell hooks inside a session",
	.exec = hook_main,
	.hidden = true,
};
