/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-import.c: 'fence import': read Claude Code or sandbox-runtime
 * settings, print the fence configuration they convert to (or write it),
 * and warn about every rule that could not be carried over.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "policy/policy.h"
#include "util/util.h"

static const char usage[] =
    "Usage: fence import --claude|--srt [-f FILE] [--save | -o FILE] [--extend NAME | "
    "--no-extend]\n"
    "\n"
    "Convert another tool's settings to a fence configuration and print it.\n"
    "Every rule or setting that fence cannot express is reported as a warning.\n"
    "\n"
    "  --claude          Claude Code settings (default FILE: ~/.claude/settings.json):\n"
    "                    permission rules and the sandbox section\n"
    "  --srt             sandbox-runtime settings (default FILE: ~/.srt-settings.json)\n"
    "  -f, --file FILE   read FILE instead of the default\n"
    "  -o, --output FILE write the configuration to FILE instead of standard output\n"
    "  --save            write it to the user configuration file\n"
    "                    ($XDG_CONFIG_HOME/fence/fence.json or ~/.config/fence/fence.json);\n"
    "                    an existing file is left alone\n"
    "  --extend NAME     extend the template or file NAME\n"
    "                    (default: 'code' for --claude, nothing for --srt)\n"
    "  --no-extend       extend nothing\n"
    "  -h, --help        show this help\n";

enum {
	OPT_CLAUDE = 0x100,
	OPT_SRT,
	OPT_SAVE,
	OPT_EXTEND,
	OPT_NO_EXTEND,
};

static const struct option import_long_options[] = {
    {"claude", no_argument, NULL, OPT_CLAUDE},
    {"srt", no_argument, NULL, OPT_SRT},
    {"file", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"save", no_argument, NULL, OPT_SAVE},
    {"extend", required_argument, NULL, OPT_EXTEND},
    {"no-extend", no_argument, NULL, OPT_NO_EXTEND},
    {"help", no_argument, NULL, 'h'},
    {0},
};

enum import_source {
	SOURCE_NONE,
	SOURCE_CLAUDE,
	SOURCE_SRT,
};

struct import_options {
	enum import_source source;
	const char *file;
	const char *output;
	bool save;
	const char *extends; /* NULL: the source's default */
	bool no_extend;
};

/* Parse the flags; returns -1 to continue, else an exit status. */
static int import_parse(int argc, char **argv, struct import_options *o)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":f:o:h", import_long_options, NULL)) != -1) {
		switch (c) {
		case OPT_CLAUDE:
		case OPT_SRT:
			if (o->source != SOURCE_NONE) {
				msg_error("--claude and --srt cannot be combined");
				return FENCE_EXIT_FAILURE;
			}
			o->source = c == OPT_CLAUDE ? SOURCE_CLAUDE : SOURCE_SRT;
			break;
		case 'f':
			o->file = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_SAVE:
			o->save = true;
			break;
		case OPT_EXTEND:
			o->extends = optarg;
			break;
		case OPT_NO_EXTEND:
			o->no_extend = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case ':':
			msg_error("option '%s' requires a value", argv[optind - 1]);
			return FENCE_EXIT_FAILURE;
		default:
			msg_error("unknown option '%s'", argv[optind - 1]);
			msg_hint("see 'fence import --help'");
			return FENCE_EXIT_FAILURE;
		}
	}
	if (optind < argc) {
		msg_error("unexpected argument '%s'", argv[optind]);
		msg_hint("name the settings file with -f FILE");
		return FENCE_EXIT_FAILURE;
	}
	if (o->source == SOURCE_NONE) {
		msg_error("name the settings to import: --claude or --srt");
		return FENCE_EXIT_FAILURE;
	}
	if (o->save && o->output) {
		msg_error("--save and -o cannot be combined");
		return FENCE_EXIT_FAILURE;
	}
	if (o->extends && o->no_extend) {
		msg_error("--extend and --no-extend cannot be combined");
		return FENCE_EXIT_FAILURE;
	}
	if (o->extends && !o->extends[0]) {
		msg_error("--extend needs a template or file name");
		return FENCE_EXIT_FAILURE;
	}
	return -1;
}

static const char *home_dir(void)
{
	const char *home = getenv("HOME");

	return home && home[0] ? home : "/";
}

/* The absolute form of a path given on the command line. */
static char *absolute_path(const char *path)
{
	char cwd[4096];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

/* The directory Claude Code resolves "/path" rules against: the directory
 * that holds the .claude directory of the settings file, else the file's
 * own directory. */
static char *claude_root(const char *file)
{
	char *dir = absolute_path(file);
	char *slash = strrchr(dir, '/');
	size_t n;

	*slash = '\0';
	n = strlen(dir);
	if (n >= 8 && strcmp(dir + n - 8, "/.claude") == 0)
		dir[n - 8] = '\0';
	if (!dir[0]) {
		free(dir);
		return xstrdup("/");
	}
	return dir;
}

/* Read a whole file; a NUL byte in it is left for the parser to report
 * with its position. */
static int read_text(const char *path, char **ret_text, size_t *ret_len)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[8192];
	struct stat st;
	FILE *out;

	if (!f)
		return -errno;
	/* A directory opens, then fails to read with a less helpful error. */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode))
		return -EISDIR;
	out = open_memstream(&buf, &len);
	if (!out)
		return -errno;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(out);
	if (ferror(f)) {
		free(buf);
		return -EIO;
	}
	*ret_text = buf;
	*ret_len = len;
	return 0;
}

/* Create each missing directory of `path`'s parent. */
static int make_parents(const char *path)
{
	_cleanup_free_ char *dir = xstrdup(path);

	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

/* Write text to path through a temporary file in the same directory, so a
 * reader never sees half a file.  `exclusive` keeps an existing file. */
static int write_file(const char *path, const char *text, bool exclusive)
{
	_cleanup_free_ char *tmp = xasprintf("%s.XXXXXX", path);
	size_t len = strlen(text);
	int fd, r = 0;

	if (exclusive && access(path, F_OK) == 0)
		return -EEXIST;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	errno = 0;
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, 0644) < 0)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && exclusive && link(tmp, path) < 0)
		r = -errno;
	else if (r == 0 && !exclusive && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0 || exclusive)
		unlink(tmp);
	return r;
}

static char *user_config_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");

	if (xdg && xdg[0] == '/')
		return xasprintf("%s/fence/fence.json", xdg);
	return xasprintf("%s/.config/fence/fence.json", home_dir());
}

/* Write or print the converted configuration; returns an exit status. */
static int import_emit(const struct import_options *o, const char *json)
{
	_cleanup_free_ char *path = NULL;
	int r;

	if (!o->save && !o->output) {
		fputs(json, stdout);
		return fflush(stdout) == 0 ? 0 : FENCE_EXIT_FAILURE;
	}
	path = o->save ? user_config_path() : xstrdup(o->output);
	r = make_parents(path);
	if (r == 0)
		r = write_file(path, json, o->save);
	if (r == -EEXIST) {
		msg_error("cannot save to %s: the file exists", path);
		msg_hint("write elsewhere with -o FILE, or move the existing file away first");
		return FENCE_EXIT_FAILURE;
	}
	if (r < 0) {
		msg_error("cannot write %s: %s", path, strerror(-r));
		return FENCE_EXIT_FAILURE;
	}
	fprintf(stderr, "fence: wrote %s\n", path);
	return 0;
}

/* Load the converted fields (without `extends`, whose target the user
 * chose) as fence would, so that an entry fence rejects is reported here
 * rather than at the next run. */
static int check_loads(const struct fence_config *c)
{
	_cleanup_free_ char *json = import_to_json(c, NULL);
	_cleanup_free_ char *error = NULL;
	struct config_result res;

	if (config_load_string("converted configuration", NULL, json, &res, &error) < 0) {
		config_result_done(&res);
		msg_error("the converted configuration is not valid: %s", error);
		msg_hint("this is a bug in 'fence import'; edit the settings entry it names");
		return -EINVAL;
	}
	config_result_done(&res);
	return 0;
}

static int import_exec(int argc, char **argv)
{
	struct import_options o = {0};
	_cleanup_free_ char *file = NULL;
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *error = NULL;
	_cleanup_free_ char *json = NULL;
	struct import_result result;
	size_t len = 0;
	const char *extends;
	int r;

	r = import_parse(argc, argv, &o);
	if (r >= 0)
		return r;

	if (o.file)
		file = xstrdup(o.file);
	else if (o.source == SOURCE_CLAUDE)
		file = xasprintf("%s/.claude/settings.json", home_dir());
	else
		file = xasprintf("%s/.srt-settings.json", home_dir());
	r = read_text(file, &text, &len);
	if (r < 0) {
		msg_error("cannot read %s: %s", file, strerror(-r));
		if (!o.file)
			msg_hint("name another settings file with -f FILE");
		return FENCE_EXIT_FAILURE;
	}

	if (o.source == SOURCE_CLAUDE) {
		_cleanup_free_ char *root = claude_root(file);

		r = import_claude(file, text, len, root, &result, &error);
	} else {
		r = import_srt(file, text, len, &result, &error);
	}
	if (r < 0) {
		msg_error("%s", error);
		return FENCE_EXIT_FAILURE;
	}

	for (size_t i = 0; i < result.warnings.n; i++)
		msg_warning("%s", result.warnings.v[i]);
	r = check_loads(&result.config);
	if (r < 0) {
		import_result_done(&result);
		return FENCE_EXIT_FAILURE;
	}
	/* Claude Code rules only narrow or widen an agent's usual setup, so
	 * they extend the code template; srt settings are a whole policy. */
	extends = o.extends;
	if (!extends && !o.no_extend && o.source == SOURCE_CLAUDE)
		extends = "code";
	json = import_to_json(&result.config, extends);
	import_result_done(&result);
	return import_emit(&o, json);
}

const struct fence_cmd cmd_import = {
    .name = "import",
    .summary = "convert another tool's settings to a fence configuration",
    .exec = import_exec,
};
