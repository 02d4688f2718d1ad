/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-completion.c: 'fence completion', which prints the bash, zsh or
 * fish completion script built into fence, and 'fence completion --list
 * KIND', which the scripts call for the names they cannot know in advance.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "cli/cli.h"
#include "policy/policy.h"
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

/* Whether a daemon accepts connections on the socket at `path`. */
static bool socket_is_live(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;

	if (strlen(path) >= sizeof(addr.sun_path))
		return false;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	return connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
}

/* Print NAME for each live NAME.sock in `dir`; missing directories are fine. */
static void list_sockets_in(const char *dir, struct strv *seen)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		_cleanup_free_ char *path = NULL, *name = NULL;
		struct stat st;

		if (n <= 5 || strcmp(e->d_name + n - 5, ".sock") != 0)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		name = xstrndup(e->d_name, n - 5);
		if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode) || strv_contains(seen, name))
			continue;
		if (!socket_is_live(path))
			continue;
		puts(name);
		strv_push(seen, name);
	}
	closedir(d);
}

/*
 * List the live sessions by their sockets.
 * TODO: ask the session module for its list once it has one; until then
 * this looks in both places the session layout may use.
 */
static int list_sessions(void)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	const char *tmp = getenv("TMPDIR");
	struct strv seen = { 0 };
	_cleanup_free_ char *dir = NULL;

	if (runtime && runtime[0] == '/') {
		dir = xasprintf("%s/fence", runtime);
	} else {
		dir = xasprintf("%s/fence-%u", tmp && tmp[0] == '/' ? tmp : "/tmp",
				(unsigned)getuid());
	}
	list_sockets_in(dir, &seen);
	free(dir);
	dir = xasprintf("%s/fence/sessions", runtime && runtime[0] == '/' ? runtime : "/nonexistent");
	list_sockets_in(dir, &seen);
	strv_done(&seen);
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
