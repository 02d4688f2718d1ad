/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-config.c: 'fence config init|show|validate'.
 *
 * Each action is a row of `actions[]` with its own getopt table, so a new
 * flag is one row of that table and one case in the action's parser.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/macos-profile.h"
#include "cli/registries.h"
#include "policy/configtrust.h"
#include "policy/fields.h"
#include "policy/policy.h"

static const char usage[] =
	"Usage: fence config init [--template NAME] [--print] [-o FILE] [--force]\n"
	"       fence config show [-s FILE | -t NAME] [--profile macos]\n"
	"       fence config validate FILE\n"
	"       fence config trust FILE...\n"
	"\n"
	"init      write a starting configuration to ~/.config/fence/fence.json\n"
	"          ($XDG_CONFIG_HOME), or to FILE with -o; --template NAME makes it\n"
	"          extend that template; --print writes it to standard output instead;\n"
	"          --force replaces an existing file\n"
	"show      resolve the configuration a run would use (the same search as\n"
	"          'fence': -t, -s, fence.jsonc/fence.json from the working directory\n"
	"          up, the user file, the built-in default) and print the merged result\n"
	"          as JSON on standard output, the chain of files on standard error;\n"
	"          --profile macos prints the macOS Seatbelt profile instead\n"
	"validate  check one file and everything it extends; exit status 1 when invalid\n"
	"trust     load FILE again after a sandboxed command created or changed it:\n"
	"          fence rejects such a file until you have reviewed it\n";

/* Print warnings collected while loading, one 'fence: warning:' line each. */
static void print_warnings(const struct strv *warnings)
{
	for (size_t i = 0; i < warnings->n; i++)
		msg_warning("%s", warnings->v[i]);
}

/*
 * Resolve a configuration and print its warnings, or its error.  Returns 0,
 * or the exit status for the caller to return.
 */
static int resolve_and_report(const struct config_request *req, struct config_result *res, int error_status)
{
	_cleanup_free_ char *error = NULL;
	int r;

	r = config_resolve(req, res, &error);
	if (r < 0) {
		/* Warnings first: a typo'd key above a syntax error explains it. */
		print_warnings(&res->warnings);
		config_result_done(res);
		msg_error("%s", error);
		return error_status;
	}
	print_warnings(&res->warnings);
	return 0;
}

/* Report a getopt failure of `action`; returns the usage exit status. */
static int option_error(int c, const char *action, char **argv)
{
	if (c == ':')
		msg_error("option '%s' requires a value", argv[optind - 1]);
	else
		msg_error("unknown option '%s' for 'fence config %s'", argv[optind - 1], action);
	return FENCE_EXIT_USAGE;
}

/* 'fence config show': the chain on stderr, the merged config on stdout. */
static int config_show(int argc, char **argv)
{
	static const struct option options[] = {
		{ "settings", required_argument, NULL, 's' },
		{ "template", required_argument, NULL, 't' },
		{ "profile", required_argument, NULL, 'P' }, /* macOS profile (platform/macos) */
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool macos_profile = false;
	struct config_request req = { 0 };
	struct config_result res;
	struct strv warnings = { 0 };
	_cleanup_free_ char *json = NULL;
	int c, r;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:t:h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			req.settings_path = optarg;
			break;
		case 't':
			req.template_name = optarg;
			break;
		case 'P':
			if (strcmp(optarg, "macos") != 0) {
				msg_error("unknown profile '%s': expected 'macos'", optarg);
				return FENCE_EXIT_USAGE;
			}
			macos_profile = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return option_error(c, "show", argv);
		}
	}
	if (optind < argc) {
		msg_error("unexpected argument '%s' for 'fence config show'", argv[optind]);
		return FENCE_EXIT_USAGE;
	}

	r = resolve_and_report(&req, &res, FENCE_EXIT_FAILURE);
	if (r)
		return r;
	for (size_t i = 0; i < res.chain.n; i++)
		fprintf(stderr, "fence: %s %s\n", i == 0 ? "config:" : "  extends", res.chain.v[i]);
	if (macos_profile) {
		/* Registry hosts only change the proxies' filter, not the profile. */
		r = macos_profile_print(&res.config, stdout);
		config_result_done(&res);
		return r;
	}
	registries_resolve(&res.config, &warnings);
	print_warnings(&warnings);
	strv_done(&warnings);
	json = config_to_json(&res.config);
	fputs(json, stdout);
	config_result_done(&res);
	return 0;
}

/* 'fence config validate FILE'. */
static int config_validate(int argc, char **argv)
{
	struct config_request req = { 0 };
	struct config_result res;
	int r;

	if (cli_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc != 2) {
		msg_error("'fence config validate' takes one file");
		return FENCE_EXIT_USAGE;
	}
	req.settings_path = argv[1];
	r = resolve_and_report(&req, &res, 1);
	if (r)
		return r;
	fprintf(stderr, "fence: '%s' is valid\n", argv[1]);
	config_result_done(&res);
	return 0;
}

/* The text 'fence config init' writes (owned); it is checked by a unit test. */
static char *starter_text(const char *template_name)
{
	if (template_name)
		return xasprintf("// fence configuration: JSON with comments and trailing commas.\n"
				 "// Lists and booleans below add to the template's; see docs/configuration.md.\n"
				 "{\n"
				 "  \"extends\": \"%s\",\n"
				 "  \"network\": {\n"
				 "    \"allowedDomains\": [],\n"
				 "  },\n"
				 "  \"filesystem\": {\n"
				 "    \"allowWrite\": [],\n"
				 "  },\n"
				 "}\n",
				 template_name);
	return xstrdup("// fence configuration: JSON with comments and trailing commas.\n"
		       "// Everything not listed is denied; see docs/configuration.md.\n"
		       "{\n"
		       "  \"network\": {\n"
		       "    // Hosts the command may reach, e.g. \"github.com\", \"*.example.com\".\n"
		       "    \"allowedDomains\": [],\n"
		       "  },\n"
		       "  \"filesystem\": {\n"
		       "    // The working directory is writable; everything else is read-only.\n"
		       "    \"allowWrite\": [\".\"],\n"
		       "  },\n"
		       "}\n");
}

/* The user file's path, where 'config init' writes by default (owned). */
static char *user_config_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		return xasprintf("%s/fence/fence.json", xdg);
	if (home && home[0] == '/')
		return xasprintf("%s/.config/fence/fence.json", home);
	return NULL;
}

/* Create the parent directories of `path` (mode 0700 for new ones). */
static int make_parents(const char *path)
{
	_cleanup_free_ char *dir = xstrdup(path);

	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

/* Write `text` to `path`, refusing to replace a file unless `force`. */
static int write_new_file(const char *path, const char *text, bool force)
{
	_cleanup_fclose_ FILE *f = NULL;
	int r;

	r = make_parents(path);
	if (r < 0) {
		msg_error("cannot create the directories of '%s': %s", path, strerror(-r));
		return FENCE_EXIT_FAILURE;
	}
	f = fopen(path, force ? "we" : "wxe");
	if (!f && errno == EEXIST) {
		msg_error("'%s' already exists", path);
		msg_hint("pass --force to replace it");
		return FENCE_EXIT_FAILURE;
	}
	if (!f || fputs(text, f) < 0 || fflush(f) != 0) {
		msg_error("cannot write '%s': %s", path, strerror(errno));
		return FENCE_EXIT_FAILURE;
	}
	return 0;
}

/* 'fence config init'. */
static int config_init(int argc, char **argv)
{
	enum { OPT_PRINT = 0x100, OPT_FORCE };
	static const struct option options[] = {
		{ "template", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "print", no_argument, NULL, OPT_PRINT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *template_name = NULL, *output = NULL;
	_cleanup_free_ char *text = NULL, *default_path = NULL;
	bool print = false, force = false;
	int c, r;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":t:o:h", options, NULL)) != -1) {
		switch (c) {
		case 't':
			template_name = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_PRINT:
			print = true;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return option_error(c, "init", argv);
		}
	}
	if (optind < argc) {
		msg_error("unexpected argument '%s' for 'fence config init'", argv[optind]);
		return FENCE_EXIT_USAGE;
	}
	if (print && output) {
		msg_error("--print and -o cannot be combined");
		return FENCE_EXIT_USAGE;
	}
	if (template_name) {
		const struct template_info *t = config_template_find(template_name);

		if (!t) {
			msg_error("unknown template '%s'", template_name);
			msg_hint("'fence templates' lists them");
			return FENCE_EXIT_FAILURE;
		}
		template_name = t->name;
	}

	text = starter_text(template_name);
	if (print) {
		fputs(text, stdout);
		return 0;
	}
	if (!output) {
		default_path = user_config_path();
		if (!default_path) {
			msg_error("cannot find the user configuration directory: HOME is not set");
			msg_hint("pass -o FILE");
			return FENCE_EXIT_FAILURE;
		}
		output = default_path;
	}
	r = write_new_file(output, text, force);
	if (r)
		return r;
	fprintf(stderr, "fence: wrote '%s'\n", output);
	return 0;
}

/* 'fence config trust': forget that sandboxed commands wrote each FILE. */
static int config_trust(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		msg_error("'fence config trust' needs the configuration file to trust");
		msg_hint("fence config trust ./fence.jsonc");
		return FENCE_EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		int r = configtrust_trust(argv[i]);

		if (r < 0) {
			msg_error("cannot trust '%s': %s", argv[i], strerror(-r));
			status = FENCE_EXIT_FAILURE;
		} else if (r == 0) {
			fprintf(stderr, "fence: '%s' was not marked as written by a sandbox\n", argv[i]);
		} else {
			fprintf(stderr, "fence: '%s' is trusted again\n", argv[i]);
		}
	}
	return status;
}

/* 'fence config schema' (hidden): the JSON schema generated from the field table. */
static int config_schema(int argc, char **argv)
{
	_cleanup_free_ char *text = fields_schema_json();

	fputs(text, stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*exec)(int argc, char **argv);
} actions[] = {
	{ "init", config_init },
	{ "show", config_show },
	{ "validate", config_validate },
	{ "trust", config_trust },
	{ "schema", config_schema },
};

static int config_exec(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? FENCE_EXIT_USAGE : 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(actions); i++)
		if (strcmp(argv[1], actions[i].name) == 0)
			return actions[i].exec(argc - 1, argv + 1);
	msg_error("unknown action '%s' for 'fence config'; expected init, show or validate", argv[1]);
	return FENCE_EXIT_USAGE;
}

const struct fence_cmd cmd_config = {
	.name = "config",
	.summary = "create, show or validate a configuration",
	.exec = config_exec,
};
