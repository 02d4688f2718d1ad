/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-completion.c: 'fence completion', which prints the bash, zsh or
 * fish completion script built into fence, and 'fence completion --list
 * KIND', which the scripts call for the names they cannot know in advance.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "policy/policy.h"
#include "session/session.h"
#include "shellhooks/embedded.h"
#include "util/util.h"

static const char usage[] =
	"Usage: fence completion bash|zsh|fish\n"
	"       fence completion --list templates|sessions\n"
	"\n"
	"Print the completion script for a shell.  Load it for this shell with\n"
	"  source <(fence completion bash)      (in ~/.bashrc)\n"
	"  source <(fence completion zsh)       (in ~/.zshrc, after compinit)\n"
	"  fence completion fish | source       (in ~/.config/fish/config.fish)\n"
	"'make install' installs the scripts where each shell finds them.\n"
	"\n"
	"  --list templates   print the built-in template names, one a line\n"
	"  --list sessions    print the names of the live sessions, one a line\n";

static const struct {
	const char *shell;
	const char *path;
} scripts[] = {
	{ "bash", "completions/fence.bash" },
	{ "zsh", "completions/_fence" },
	{ "fish", "completions/fence.fish" },
};

static int print_script(const char *shell)
{
	for (size_t i = 0; i < ELEMENTSOF(scripts); i++) {
		const struct embedded_file *f;

		if (strcmp(scripts[i].shell, shell) != 0)
			continue;
		f = embedded_find(scripts[i].path);
		if (!f) {
			msg_error("the %s completion script is missing from this build", shell);
			return FENCE_EXIT_FAILURE;
		}
		fwrite(f->data, 1, f->size, stdout);
		return 0;
	}
	msg_error("unknown shell '%s': expected bash, zsh or fish", shell);
	return FENCE_EXIT_FAILURE;
}

/* Print the sessions whose daemon answers; stale sockets are removed. */
static int list_sessions(void)
{
	struct strv names = { 0 };

	if (session_list(&names) < 0)
		return 0;
	for (size_t i = 0; i < names.n; i++) {
		int fd = session_connect(names.v[i]);

		if (fd < 0)
			continue;
		close(fd);
		puts(names.v[i]);
	}
	strv_done(&names);
	return 0;
}

static int list_templates(void)
{
	size_t n;
	const struct template_info *t = config_templates(&n);

	for (size_t i = 0; i < n; i++)
		puts(t[i].name);
	return 0;
}

static int completion_exec(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "--list") == 0) {
		if (strcmp(argv[2], "templates") == 0)
			return list_templates();
		if (strcmp(argv[2], "sessions") == 0)
			return list_sessions();
		msg_error("unknown list '%s': expected templates or sessions", argv[2]);
		return FENCE_EXIT_FAILURE;
	}
	if (argc != 2) {
		msg_error("expected one shell name: bash, zsh or fish");
		msg_hint("see 'fence completion --help'");
		return FENCE_EXIT_FAILURE;
	}
	return print_script(argv[1]);
}

const struct fence_cmd cmd_completion = {
	.name = "completion",
	.summary = "print the shell completion script",
	.exec = completion_exec,
};
