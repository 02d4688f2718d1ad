/* SPDX-License-Identifier: MIT */
/*
 * cli/registries.c: package registry discovery for allowPackageRegistries.
 *
 * fence names no registry host itself: each tool the configuration lists
 * is asked which registry it is set up to use, so a corporate mirror in
 * ~/.npmrc or pip.conf works without editing fence's configuration.
 *
 * Asking a tool runs code that a project can influence (a project's
 * .yarnrc.yml can name a yarn binary inside the project, for one), so every
 * query runs in a throwaway bubblewrap sandbox: read-only root, private
 * /tmp and /run/user, no network, no capabilities and every namespace
 * unshared, killed after 5 s, output cut at 64 KiB.  pip runs with
 * python3 -I, so a pip/ package in the project is not imported, and yarn
 * with YARN_IGNORE_PATH=1, so yarnPath cannot name a yarn of the project.  When bwrap cannot run, nothing is asked: fence never
 * falls back to running the tool on the host.  cargo has no query command,
 * so its configuration files are read instead, and brew's source files are
 * read for its default domains; reading runs nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/registries.h"
#include "policy/configtrust.h"
#include "policy/values.h"

#define QUERY_TIMEOUT_MS 5000
#define QUERY_MAX_OUTPUT (64 * 1024)
/* The first line of every query's output, so a bwrap failure can be told from the tool's. */
#define QUERY_STARTED "#fence-query"
/* The pip query exits with this when python3 has no pip module. */
#define QUERY_EXIT_ABSENT 3
/* The first line of a cache file; bump it when the key or the format changes. */
#define CACHE_MAGIC "fence-registry-cache 1"
/* A cached answer older than this is asked again, whatever the key says. */
#define CACHE_MAX_AGE_S (24 * 60 * 60)
/* More entries than this for one tool are cleared, keeping the newest. */
#define CACHE_MAX_ENTRIES 32

extern char **environ;

struct tool {
	const char *name; /* as in allowPackageRegistries */
	const char *program; /* must be on PATH, or the tool contributes nothing */
	const char *script; /* sh -c text run in the sandbox; NULL for cargo */
	const char *shown; /* the query as messages name it */
	void (*parse)(const char *out, struct strv *hosts); /* reads the output after the QUERY_STARTED line */
	/*
	 * What the answer depends on besides the environment, for the cache
	 * key (NULL-terminated lists): names looked up in the working
	 * directory and each parent, names looked up in each parent of the
	 * program's real path (its install prefix), and other files: "~/P"
	 * in HOME, "$VAR/P" under a variable's directory, "$VAR" a variable
	 * naming a file, else an absolute path.
	 */
	const char *const *project_names;
	const char *const *prefix_names;
	const char *const *files;
};

struct query {
	const struct tool *tool;
	char *program_path; /* owned */
	pid_t pid;
	int fd; /* read end of the output pipe, -1 once closed */
	char *out; /* owned, NUL-terminated */
	size_t len;
	bool truncated, timed_out;
	int status; /* from waitpid */
	char *key; /* the cache key (owned), or NULL without a cache */
	bool cached; /* answered from the cache: hosts is filled, nothing ran */
	struct strv hosts;
};

/* Append the host (with an explicit port) of a URL, if it has one. */
static void add_url_host(struct strv *hosts, const char *url)
{
	const char *p = strstr(url, "://");
	const char *end, *at;
	char *host;

	if (!p)
		return;
	p += 3;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (end == p)
		return;
	host = xstrndup(p, (size_t)(end - p));
	for (char *c = host; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	strv_push_take(hosts, host);
}

/* Split a text into lines and blanks-separated words, calling fn on each word. */
static void for_each_word(const char *text, void (*fn)(struct strv *hosts, const char *word), struct strv *hosts)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *save = NULL;

	for (char *w = strtok_r(copy, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save))
		fn(hosts, w);
}

/* npm and yarn print one URL. */
static void parse_url_output(const char *out, struct strv *hosts)
{
	for_each_word(out, add_url_host, hosts);
}

/* Strip one pair of surrounding quotes in place. */
static char *unquote(char *s)
{
	size_t k = strlen(s);

	if (k >= 2 && (s[0] == '\'' || s[0] == '"') && s[k - 1] == s[0]) {
		s[k - 1] = '\0';
		return s + 1;
	}
	return s;
}

/*
 * pip: 'python3 -m pip config list' prints KEY='VALUE' lines; the index
 * keys may hold several URLs.  Without an index-url, pip uses its built-in
 * index, printed after a '#builtin' line as a URL and a file host.
 */
static void parse_pip(const char *out, struct strv *hosts)
{
	_cleanup_free_ char *copy = xstrdup(out);
	struct strv builtin = { 0 };
	bool has_index = false, in_builtin = false;
	char *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		size_t k;

		if (strcmp(line, "#builtin") == 0) {
			in_builtin = true;
			continue;
		}
		if (in_builtin) {
			if (strstr(line, "://"))
				add_url_host(&builtin, line);
			else if (line[0])
				strv_push(&builtin, line);
			continue;
		}
		if (!eq)
			continue;
		*eq = '\0';
		k = strlen(line);
		/* ".index-url" ends "global.index-url", not "global.extra-index-url". */
		if (k >= 10 && strcmp(line + k - 10, ".index-url") == 0)
			has_index = true;
		if ((k >= 9 && strcmp(line + k - 9, "index-url") == 0) ||
		    (k >= 11 && strcmp(line + k - 11, ".find-links") == 0))
			for_each_word(unquote(eq + 1), add_url_host, hosts);
	}
	if (!has_index)
		for (size_t i = 0; i < builtin.n; i++)
			strv_push(hosts, builtin.v[i]);
	strv_done(&builtin);
}

/* go: GOPROXY (a list split by ',' or '|') on the first line, GOSUMDB on the second. */
static void parse_go(const char *out, struct strv *hosts)
{
	_cleanup_free_ char *copy = xstrdup(out);
	char *sumdb = strchr(copy, '\n');
	char *save = NULL;

	if (sumdb)
		*sumdb++ = '\0';
	for (char *p = strtok_r(copy, ",|", &save); p; p = strtok_r(NULL, ",|", &save))
		add_url_host(hosts, p);
	if (!sumdb)
		return;
	sumdb[strcspn(sumdb, "\n")] = '\0';
	if (sumdb[0] == '\0' || strcmp(sumdb, "off") == 0)
		return;
	/* "name[+key] [url]": the URL's host when given, else the name. */
	if (strstr(sumdb, "://")) {
		add_url_host(hosts, strchr(sumdb, ' ') ? strchr(sumdb, ' ') + 1 : sumdb);
	} else {
		sumdb[strcspn(sumdb, "+ ")] = '\0';
		strv_push(hosts, sumdb);
	}
}

/* Read a small text file (at most QUERY_MAX_OUTPUT bytes) into an owned string. */
static char *read_small_file(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char *buf;
	ssize_t k;

	if (fd < 0)
		return NULL;
	buf = xmalloc(QUERY_MAX_OUTPUT + 1);
	k = read(fd, buf, QUERY_MAX_OUTPUT);
	if (k < 0) {
		free(buf);
		return NULL;
	}
	buf[k] = '\0';
	return buf;
}

/*
 * The quoted string after the first `KEY SEP` in `text` (TOML `key = "v"`
 * with sep '=', JSON `"key": "v"` with sep ':'), or NULL.
 */
static char *find_quoted_value(const char *text, const char *key, char sep)
{
	size_t k = strlen(key);

	for (const char *p = strstr(text, key); p; p = strstr(p + 1, key)) {
		const char *v = p + k;
		const char *end;

		if (p > text && (p[-1] == '_' || p[-1] == '-' || (p[-1] >= 'a' && p[-1] <= 'z')))
			continue;
		v += strspn(v, " \t");
		if (*v != sep)
			continue;
		v++;
		v += strspn(v, " \t");
		if (*v != '"' && *v != '\'')
			continue;
		end = strchr(v + 1, *v);
		if (end)
			return xstrndup(v + 1, (size_t)(end - v - 1));
	}
	return NULL;
}

/*
 * Collect the URL values of cargo's registry settings from one config.toml:
 * `index` under [registries.NAME] (or inline in [registries]) and
 * `registry` under [source.NAME].  A small line scanner is enough for
 * these keys; values that are not plain strings are skipped.
 */
static void scan_cargo_config(const char *path, struct strv *hosts)
{
	_cleanup_free_ char *text = read_small_file(path);
	_cleanup_free_ char *section = NULL;
	char *save = NULL;

	if (!text)
		return;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		_cleanup_free_ char *index = NULL, *registry = NULL;

		line += strspn(line, " \t");
		if (line[0] == '[') {
			free(section);
			section = xstrndup(line + 1, strcspn(line + 1, "]"));
			continue;
		}
		if (!section)
			continue;
		if (strncmp(section, "registries", 10) == 0 && (index = find_quoted_value(line, "index", '=')))
			add_url_host(hosts, index);
		if (strncmp(section, "source.", 7) == 0 && (registry = find_quoted_value(line, "registry", '=')))
			add_url_host(hosts, registry);
	}
}

/* Whether `s` ends in '-' and 16 hex digits, cargo's index directory suffix. */
static bool has_index_hash(const char *s, size_t *ret_host_len)
{
	size_t k = strlen(s);

	if (k < 18 || s[k - 17] != '-')
		return false;
	for (size_t i = k - 16; i < k; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	*ret_host_len = k - 17;
	return true;
}

/* cargo: registries named in the environment, config files and the index cache. */
static void cargo_hosts(const char *cwd, struct strv *hosts)
{
	_cleanup_free_ char *cargo_home = NULL, *index_dir = NULL;
	const char *home = getenv("HOME");
	DIR *d;

	for (char **e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t k = eq ? (size_t)(eq - *e) : 0;

		if (eq && strncmp(*e, "CARGO_REGISTRIES_", 17) == 0 && k > 23 && strncmp(eq - 6, "_INDEX", 6) == 0)
			add_url_host(hosts, eq + 1);
	}
	if (getenv("CARGO_HOME") && getenv("CARGO_HOME")[0] == '/')
		cargo_home = xstrdup(getenv("CARGO_HOME"));
	else if (home && home[0] == '/')
		cargo_home = xasprintf("%s/.cargo", home);
	if (!cargo_home)
		return;

	{
		_cleanup_free_ char *path = xasprintf("%s/config.toml", cargo_home);

		scan_cargo_config(path, hosts);
	}
	/* .cargo/config.toml from the working directory up to '/'. */
	{
		static const char *const names[] = { ".cargo/config.toml", NULL };
		_cleanup_(strv_done) struct strv paths = { 0 };

		strv_push_upward(&paths, cwd, names);
		for (size_t i = 0; i < paths.n; i++)
			scan_cargo_config(paths.v[i], hosts);
	}

	/* Indexes already used: <host>-<hash> directories and their config.json. */
	index_dir = xasprintf("%s/registry/index", cargo_home);
	d = opendir(index_dir);
	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d));) {
		_cleanup_free_ char *config = NULL, *json = NULL, *dl = NULL, *api = NULL;
		size_t host_len;

		if (de->d_name[0] == '.' || !has_index_hash(de->d_name, &host_len))
			continue;
		strv_push_take(hosts, xstrndup(de->d_name, host_len));
		config = xasprintf("%s/%s/config.json", index_dir, de->d_name);
		json = read_small_file(config);
		if (!json)
			continue;
		dl = find_quoted_value(json, "\"dl\"", ':');
		api = find_quoted_value(json, "\"api\"", ':');
		if (dl)
			add_url_host(hosts, dl);
		if (api)
			add_url_host(hosts, api);
	}
	closedir(d);
}

/*
 * brew: HOMEBREW_API_DOMAIN and HOMEBREW_BOTTLE_DOMAIN when set; for each
 * unset one, the HOMEBREW_*_DEFAULT_DOMAIN assignment in the shell sources
 * of the repository that 'brew --repository' printed.
 */
static void parse_brew(const char *out, struct strv *hosts)
{
	static const struct {
		const char *variable, *default_key;
	} domains[] = {
		{ "HOMEBREW_API_DOMAIN", "HOMEBREW_API_DEFAULT_DOMAIN" },
		{ "HOMEBREW_BOTTLE_DOMAIN", "HOMEBREW_BOTTLE_DEFAULT_DOMAIN" },
	};
	_cleanup_free_ char *repo = xstrndup(out, strcspn(out, "\n"));
	_cleanup_free_ char *lib = xasprintf("%s/Library/Homebrew", repo);

	for (size_t i = 0; i < ELEMENTSOF(domains); i++) {
		const char *set = getenv(domains[i].variable);
		DIR *d;

		if (set && set[0]) {
			add_url_host(hosts, set);
			continue;
		}
		if (repo[0] != '/' || !(d = opendir(lib)))
			continue;
		for (struct dirent *de; (de = readdir(d));) {
			size_t k = strlen(de->d_name);
			_cleanup_free_ char *path = NULL, *text = NULL, *value = NULL;

			if (k < 4 || strcmp(de->d_name + k - 3, ".sh") != 0)
				continue;
			path = xasprintf("%s/%s", lib, de->d_name);
			text = read_small_file(path);
			value = text ? find_quoted_value(text, domains[i].default_key, '=') : NULL;
			if (value) {
				add_url_host(hosts, value);
				break;
			}
		}
		closedir(d);
	}
}

#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct tool tools[] = {
	{ "npm", "npm", "exec npm config get registry", "npm config get registry", parse_url_output,
	  NAMES(".npmrc", "package.json", "node_modules"), NAMES("npmrc", "etc/npmrc"),
	  NAMES("~/.npmrc", "/etc/npmrc", "$NPM_CONFIG_USERCONFIG", "$npm_config_userconfig",
		"$NPM_CONFIG_GLOBALCONFIG", "$npm_config_globalconfig") },
	{ "yarn", "yarn",
	  "export YARN_IGNORE_PATH=1\n"
	  "v=$(yarn --version) || exit 1\n"
	  "case $v in 1.*) exec yarn config get registry ;; *) exec yarn config get npmRegistryServer ;; esac",
	  "yarn config get", parse_url_output,
	  NAMES(".yarnrc", ".yarnrc.yml", ".npmrc", "package.json", "node_modules"),
	  NAMES("npmrc", "etc/npmrc"),
	  NAMES("~/.yarnrc", "~/.yarnrc.yml", "~/.npmrc", "/etc/npmrc", "$YARN_RC_FILENAME") },
	{ "pip", "python3",
	  "python3 -I -m pip --version >/dev/null 2>&1 || exit 3\n"
	  "python3 -I -m pip config list || exit 1\n"
	  "echo '#builtin'\n"
	  "exec python3 -I -c 'from pip._internal.models.index import PyPI; print(PyPI.url); "
	  "print(PyPI.file_storage_domain)'",
	  "python3 -m pip config list", parse_pip,
	  NAMES(".python-version"), NAMES("pip.conf", "pyvenv.cfg"),
	  NAMES("~/.pip/pip.conf", "~/.config/pip/pip.conf", "$XDG_CONFIG_HOME/pip/pip.conf",
		"/etc/pip.conf", "/etc/xdg/pip/pip.conf", "$VIRTUAL_ENV/pip.conf", "$PIP_CONFIG_FILE",
		"~/.pyenv/version", "$PYENV_ROOT/version") },
	{ "cargo", "cargo", NULL, NULL, NULL, NULL, NULL, NULL },
	{ "go", "go", "GOTOOLCHAIN=local exec go env GOPROXY GOSUMDB", "go env GOPROXY GOSUMDB", parse_go,
	  NULL, NAMES("go.env"),
	  NAMES("~/.config/go/env", "$XDG_CONFIG_HOME/go/env", "$GOENV") },
	{ "brew", "brew", "exec brew --repository", "brew --repository", parse_brew, NULL,
	  NAMES("Library/Homebrew", "Library/Homebrew/brew.sh"), NAMES("~/.homebrew/brew.env") },
};

/*
 * The files whose settings choose each tool's registry: names looked up in
 * the working directory and each parent, and files in HOME.  A command
 * that could write one would pick the registry hosts of the next run (and
 * of the user's own later installs).  So they are bound read-only inside
 * the sandbox, and one that a sandboxed command created is ignored until
 * the user trusts it (policy/configtrust.h).
 */
static const struct {
	const char *tool;
	const char *const *project;
	const char *const *home;
} settings_files[] = {
	{ "npm", NAMES(".npmrc"), NAMES(".npmrc") },
	{ "yarn", NAMES(".yarnrc", ".yarnrc.yml", ".npmrc"), NAMES(".yarnrc", ".yarnrc.yml", ".npmrc") },
	{ "pip", NULL, NAMES(".pip/pip.conf", ".config/pip/pip.conf") },
	{ "cargo", NAMES(".cargo/config.toml", ".cargo/config"),
	  NAMES(".cargo/config.toml", ".cargo/config") },
	{ "go", NULL, NAMES(".config/go/env") },
};

/* Append the settings files of the tool at index i of settings_files. */
static void tool_settings_files(size_t i, const char *cwd, struct strv *out)
{
	const char *home = getenv("HOME");

	strv_push_upward(out, cwd, settings_files[i].project);
	for (const char *const *n = settings_files[i].home; home && home[0] == '/' && n && *n; n++)
		strv_pushf(out, "%s/%s", home, *n);
}

void registries_settings_files(const char *cwd, struct strv *out)
{
	for (size_t i = 0; i < ELEMENTSOF(settings_files); i++)
		tool_settings_files(i, cwd, out);
}

/* The first settings file of tool that a sandboxed command wrote (owned), or NULL. */
static char *tool_untrusted_file(const char *tool, const char *cwd)
{
	for (size_t i = 0; i < ELEMENTSOF(settings_files); i++) {
		_cleanup_(strv_done) struct strv files = { 0 };

		if (strcmp(settings_files[i].tool, tool) != 0)
			continue;
		tool_settings_files(i, cwd, &files);
		for (size_t k = 0; k < files.n; k++) {
			char canon[PATH_MAX];
			struct stat st;

			if (stat(files.v[k], &st) == 0 && realpath(files.v[k], canon) &&
			    configtrust_is_recorded(canon, &st))
				return xstrdup(files.v[k]);
		}
	}
	return NULL;
}

/* The absolute path of `program` in PATH (owned), or NULL. */
static char *find_in_path(const char *program)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = xstrdup(path && path[0] ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;

	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", dir, program);
		struct stat st;

		if (dir[0] == '/' && stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
			return full;
		free(full);
	}
	return NULL;
}

/* The environment for a query: ours without LD_* and DYLD_* (owned array, borrowed strings). */
static char **query_environment(void)
{
	size_t n = 0;
	char **env;

	while (environ[n])
		n++;
	env = xcalloc(n + 1, sizeof(*env));
	n = 0;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "LD_", 3) != 0 && strncmp(*e, "DYLD_", 5) != 0)
			env[n++] = *e;
	return env;
}

/*
 * Start one query in its own sandbox, its output on a pipe.  The directory
 * of the program, the working directory and HOME are bound read-only after
 * the private /tmp, so a tool or project that lives under /tmp still sees
 * its own files.
 */
static int query_start(struct query *q, const char *bwrap, const char *cwd)
{
	const char *home = getenv("HOME");
	/* The user's sockets (D-Bus, agents) stay out of reach; /tmp is private already. */
	const char *run_user = access("/run/user", F_OK) == 0 ? "/run/user" : "/tmp";
	_cleanup_free_ char *script = xasprintf("echo '%s'\n%s", QUERY_STARTED, q->tool->script);
	_cleanup_free_ char *program_dir = xstrndup(q->program_path, strrchr(q->program_path, '/') - q->program_path);
	const char *argv[] = {
		bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
		"--ro-bind-try", program_dir, program_dir,
		"--ro-bind-try", cwd, cwd,
		"--ro-bind-try", home && home[0] == '/' ? home : "/", home && home[0] == '/' ? home : "/",
		"--chdir", cwd, "--unshare-all", "--die-with-parent", "--new-session",
		"--cap-drop", "ALL", "--tmpfs", run_user,
		"--", "/bin/sh", "-c", script, NULL,
	};
	_cleanup_free_ char **env = query_environment();
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(fds[1], 1) < 0 || dup2(null_fd, 2) < 0)
			_exit(127);
		execve(bwrap, (char **)argv, env);
		_exit(127);
	}
	close(fds[1]);
	q->pid = pid;
	q->fd = fds[0];
	q->out = xmalloc(QUERY_MAX_OUTPUT + 1);
	q->out[0] = '\0';
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is available from a query; close its pipe at EOF or at the output limit. */
static void query_read(struct query *q)
{
	ssize_t k;

	if (q->len == QUERY_MAX_OUTPUT) {
		char discard;

		k = read(q->fd, &discard, 1);
		if (k > 0)
			q->truncated = true;
	} else {
		k = read(q->fd, q->out + q->len, QUERY_MAX_OUTPUT - q->len);
		if (k > 0) {
			q->len += (size_t)k;
			q->out[q->len] = '\0';
			return;
		}
	}
	if (k < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	close(q->fd);
	q->fd = -1;
}

/* Collect the output of every started query until EOF or the deadline. */
static void queries_collect(struct query *qs, size_t n)
{
	long long deadline = now_ms() + QUERY_TIMEOUT_MS;

	for (;;) {
		struct pollfd pfds[ELEMENTSOF(tools)];
		struct query *owners[ELEMENTSOF(tools)];
		size_t m = 0;
		long long left = deadline - now_ms();

		for (size_t i = 0; i < n; i++) {
			if (qs[i].fd < 0)
				continue;
			pfds[m] = (struct pollfd){ .fd = qs[i].fd, .events = POLLIN };
			owners[m++] = &qs[i];
		}
		if (m == 0)
			break;
		if (left <= 0) {
			for (size_t i = 0; i < m; i++) {
				owners[i]->timed_out = true;
				close(owners[i]->fd);
				owners[i]->fd = -1;
			}
			break;
		}
		if (poll(pfds, m, (int)left) < 0 && errno != EINTR)
			break;
		for (size_t i = 0; i < m; i++)
			if (pfds[i].revents)
				query_read(owners[i]);
	}

	/* Reap every query; one that timed out or said too much is killed first. */
	for (size_t i = 0; i < n; i++) {
		if (qs[i].pid <= 0)
			continue;
		if (qs[i].timed_out || qs[i].truncated)
			kill(qs[i].pid, SIGKILL);
		while (waitpid(qs[i].pid, &qs[i].status, 0) < 0 && errno == EINTR)
			;
	}
}

/* Explain why a query gave nothing, or NULL when it succeeded (owned). */
static char *query_failure(const struct query *q)
{
	if (q->timed_out)
		return xasprintf("'%s' timed out after %d s", q->tool->shown, QUERY_TIMEOUT_MS / 1000);
	if (q->truncated)
		return xasprintf("'%s' printed more than %d KiB", q->tool->shown, QUERY_MAX_OUTPUT / 1024);
	if (strncmp(q->out, QUERY_STARTED "\n", sizeof(QUERY_STARTED)) != 0)
		return xstrdup("bwrap could not start the sandbox");
	if (WIFSIGNALED(q->status))
		return xasprintf("'%s' was killed by signal %d", q->tool->shown, WTERMSIG(q->status));
	if (WIFEXITED(q->status) && WEXITSTATUS(q->status) != 0)
		return xasprintf("'%s' exited with status %d", q->tool->shown, WEXITSTATUS(q->status));
	return NULL;
}

/* ---- the cache of answers ---- */

/* The cache directory, $XDG_CACHE_HOME/fence or ~/.cache/fence (owned), or NULL. */
static char *cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	const char *off = getenv("FENCE_REGISTRY_CACHE");

	if (off && strcmp(off, "0") == 0)
		return NULL;
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/fence", xdg);
	if (home && home[0] == '/')
		return xasprintf("%s/.cache/fence", home);
	return NULL;
}

/* Append "LABEL PATH" and the stat() identity of PATH, so that any change to the file changes the key. */
static void key_add_file(struct strv *key, const char *label, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		strv_pushf(key, "%s %s -", label, path);
		return;
	}
	strv_pushf(key, "%s %s %llu:%llu:%o:%lld:%lld.%09ld:%lld.%09ld", label, path,
		   (unsigned long long)st.st_dev, (unsigned long long)st.st_ino, (unsigned)st.st_mode,
		   (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		   (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}

/* Append every names[i] in dir and in each of its parents up to '/'. */
static void key_add_upward(struct strv *key, const char *dir, const char *const *names)
{
	_cleanup_free_ char *d = xstrdup(dir);

	if (!names || d[0] != '/')
		return;
	for (;;) {
		char *slash;

		for (size_t i = 0; names[i]; i++) {
			_cleanup_free_ char *path = xasprintf("%s/%s", strcmp(d, "/") ? d : "", names[i]);

			key_add_file(key, "file", path);
		}
		slash = strrchr(d, '/');
		if (!slash || strcmp(d, "/") == 0)
			break;
		if (slash == d)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

/* Expand one entry of tool.files ("~/P", "$VAR/P", "$VAR", "/P"); NULL when it names nothing. */
static char *expand_file(const char *entry)
{
	const char *home = getenv("HOME");

	if (strncmp(entry, "~/", 2) == 0)
		return home && home[0] == '/' ? xasprintf("%s/%s", home, entry + 2) : NULL;
	if (entry[0] == '$') {
		size_t k = strcspn(entry + 1, "/");
		_cleanup_free_ char *name = xstrndup(entry + 1, k);
		const char *v = getenv(name);

		if (!v || v[0] != '/')
			return NULL;
		return xasprintf("%s%s", v, entry + 1 + k);
	}
	return xstrdup(entry);
}

/*
 * Whether an environment variable stays out of the key.  Every other one
 * is in it: a tool may read any variable (a wrapper script's, say), so
 * only those known to change between runs without changing an answer are
 * left out, because they would turn every hit into a miss.
 */
static bool env_is_volatile(const char *entry)
{
	static const char *const prefixes[] = {
		"_=", "PWD=", "OLDPWD=", "SHLVL=", /* the shell's own bookkeeping */
		"LD_", "DYLD_", /* never reach the query (query_environment) */
		"FENCE_", /* fence's own, FENCE_LOG say; no tool reads them */
		"HYPERFINE_", /* a random padding per benchmark run */
		"TERM_SESSION_ID=", "WINDOWID=", "TMUX_PANE=", /* one per terminal */
	};

	for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
		if (strncmp(entry, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* The elements of sv joined with newlines (owned). */
static char *join_lines(const struct strv *sv)
{
	size_t len = 0;
	char *out, *p;

	for (size_t i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + 1;
	out = p = xmalloc(len + 1);
	for (size_t i = 0; i < sv->n; i++)
		p += sprintf(p, i ? "\n%s" : "%s", sv->v[i]);
	*p = '\0';
	return out;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Build the cache key of one tool's reply: everything the reply is known
 * to depend on.  That is the tool, its query, the program on PATH and its
 * real file, the working directory and the environment.  It also has the
 * identity (inode, size, times) of each configuration file the tool may
 * read, present or not.
 */
static char *cache_key(const struct tool *t, const char *program_path, const char *cwd)
{
	struct strv key = { 0 }, env = { 0 };
	char real[4096];
	char *text;

	strv_push(&key, CACHE_MAGIC);
	strv_pushf(&key, "tool %s", t->name);
	strv_pushf(&key, "query %zu", strlen(t->script));
	for (const char *s = t->script; *s; s += strcspn(s, "\n") + (s[strcspn(s, "\n")] ? 1 : 0))
		strv_pushf(&key, "  %.*s", (int)strcspn(s, "\n"), s);
	key_add_file(&key, "program", program_path);
	if (realpath(program_path, real)) {
		_cleanup_free_ char *dir = xstrndup(real, (size_t)(strrchr(real, '/') - real));

		key_add_file(&key, "real", real);
		key_add_upward(&key, dir[0] ? dir : "/", t->prefix_names);
	}
	strv_pushf(&key, "cwd %s", cwd);
	key_add_upward(&key, cwd, t->project_names);
	for (size_t i = 0; t->files && t->files[i]; i++) {
		_cleanup_free_ char *path = expand_file(t->files[i]);

		if (path)
			key_add_file(&key, "file", path);
	}
	for (char **e = environ; *e; e++)
		if (!env_is_volatile(*e))
			strv_pushf(&env, "env %s", *e);
	qsort(env.v, env.n, sizeof(*env.v), compare_strings);
	for (size_t i = 0; i < env.n; i++) {
		/* A value with a newline would look like a key line: escape it. */
		for (char *c = env.v[i]; *c; c++)
			if (*c == '\n')
				*c = '\x1f';
		strv_push(&key, env.v[i]);
	}
	strv_push(&key, "--");
	text = join_lines(&key);
	strv_done(&key);
	strv_done(&env);
	return text;
}

/* Return the cache file of a key: the tool's name and a 64-bit hash of the key (cache_load compares the whole key). */
static char *cache_path(const char *dir, const struct tool *t, const char *key)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (const unsigned char *c = (const unsigned char *)key; *c; c++)
		h = (h ^ *c) * 1099511628211ULL;
	return xasprintf("%s/registries-%s-%016llx", dir, t->name, (unsigned long long)h);
}

/*
 * Read the cached hosts of `key` into *hosts.  Returns true on a hit: the
 * file is ours, not writable by others, younger than CACHE_MAX_AGE_S and
 * starts with exactly `key` (the hash in the name only finds the file).
 */
static bool cache_load(const char *dir, const struct tool *t, const char *key, struct strv *hosts)
{
	_cleanup_free_ char *path = cache_path(dir, t, key), *text = NULL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	size_t klen = strlen(key);
	struct stat st;
	char *save = NULL;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || st.st_size > QUERY_MAX_OUTPUT + (off_t)klen + 1 ||
	    time(NULL) - st.st_mtime > CACHE_MAX_AGE_S || st.st_mtime > time(NULL) + 60)
		return false;
	text = xmalloc((size_t)st.st_size + 1);
	if (read(fd, text, (size_t)st.st_size) != st.st_size)
		return false;
	text[st.st_size] = '\0';
	if (strncmp(text, key, klen) != 0 || text[klen] != '\n')
		return false;
	for (char *line = strtok_r(text + klen + 1, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		strv_push(hosts, line);
	return true;
}

/*
 * Remove the tool's entries that are too old to be used, and all but
 * `keep` once more than CACHE_MAX_ENTRIES pile up (each working directory
 * and environment gets its own), so the directory stays small.
 */
static void cache_prune(const char *dir, const struct tool *t, const char *keep)
{
	_cleanup_free_ char *prefix = xasprintf("registries-%s-", t->name);
	struct strv live = { 0 };
	time_t now = time(NULL);
	DIR *d = opendir(dir);

	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d));) {
		struct stat st;

		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 || strcmp(de->d_name, keep) == 0 ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		/* Expired entries, and temporary files a killed run left behind. */
		if (now - st.st_mtime > CACHE_MAX_AGE_S ||
		    (strstr(de->d_name, ".tmp") && now - st.st_mtime > 60))
			unlinkat(dirfd(d), de->d_name, 0);
		else if (!strstr(de->d_name, ".tmp"))
			strv_push(&live, de->d_name);
	}
	if (live.n >= CACHE_MAX_ENTRIES)
		for (size_t i = 0; i < live.n; i++)
			unlinkat(dirfd(d), live.v[i], 0);
	closedir(d);
	strv_done(&live);
}

/* Write the answer to `key` atomically: a temporary file renamed over the old entry. */
static void cache_store(const char *dir, const struct tool *t, const char *key, const struct strv *hosts)
{
	_cleanup_free_ char *parent = xstrndup(dir, (size_t)(strrchr(dir, '/') - dir));
	_cleanup_free_ char *path = cache_path(dir, t, key);
	_cleanup_free_ char *tmp = xasprintf("%s.%d.tmp", path, (int)getpid());
	FILE *f;
	int fd;

	mkdir(parent, 0700); /* $XDG_CACHE_HOME itself may be missing */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return;
	}
	fprintf(f, "%s\n", key);
	for (size_t i = 0; i < hosts->n; i++)
		if (!strchr(hosts->v[i], '\n'))
			fprintf(f, "%s\n", hosts->v[i]);
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return;
	}
	log_debug("cached the %s registry answer in %s", t->name, path);
	cache_prune(dir, t, strrchr(path, '/') + 1);
}

/* Add the hosts found for one tool to allowedDomains, checking each like a configured pattern. */
static int add_hosts(struct fence_config *c, const struct tool *t, struct strv *hosts, struct strv *warnings)
{
	int added = 0;

	for (size_t i = 0; i < hosts->n; i++) {
		_cleanup_free_ char *host = xstrdup(hosts->v[i]);
		const char *reason = values_check_domain(host);

		if (reason) {
			_cleanup_free_ char *shown = values_quote(hosts->v[i]);

			strv_pushf(warnings, "%s registry host %s is not a valid domain pattern (%s), ignoring it",
				   t->name, shown, reason);
			continue;
		}
		if (strv_contains(&c->network.allowed_domains, host))
			continue;
		log_debug("allowing %s registry host %s", t->name, host);
		strv_push(&c->network.allowed_domains, host);
		added++;
	}
	return added;
}

int registries_resolve(struct fence_config *c, struct strv *warnings)
{
	struct query qs[ELEMENTSOF(tools)] = { 0 };
	const struct strv *wanted = &c->network.allow_package_registries;
	_cleanup_free_ char *bwrap = NULL, *cache = cache_dir();
	char cwd[4096];
	char *untrusted;
	size_t n = 0;
	int added = 0;

	if (wanted->n == 0)
		return 0;
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");

	/* Start every query at once; the slowest tool bounds the wait, not the sum. */
	for (size_t i = 0; i < ELEMENTSOF(tools); i++) {
		struct query *q = &qs[n];
		int r;

		if (!strv_contains(wanted, tools[i].name))
			continue;
		untrusted = tool_untrusted_file(tools[i].name, cwd);
		if (untrusted) {
			strv_pushf(warnings, "ignoring the %s registry: a sandboxed command wrote '%s'; "
					     "review it, then run 'fence config trust %s'",
				   tools[i].name, untrusted, untrusted);
			free(TAKE_PTR(untrusted));
			continue;
		}
		q->tool = &tools[i];
		q->fd = -1;
		q->program_path = find_in_path(tools[i].program);
		if (!q->program_path) {
			log_debug("%s is not on PATH, so it adds no registry", tools[i].program);
			continue;
		}
		n++;
		if (!tools[i].script)
			continue;
		if (cache) {
			q->key = cache_key(&tools[i], q->program_path, cwd);
			q->cached = cache_load(cache, &tools[i], q->key, &q->hosts);
			if (q->cached) {
				log_debug("the %s registry answer comes from the cache", tools[i].name);
				continue;
			}
		}
		if (!bwrap)
			bwrap = find_in_path("bwrap");
		if (!bwrap) {
			strv_pushf(warnings, "cannot ask %s for its registry: bwrap is not installed, continuing "
					     "without its hosts",
				   tools[i].name);
			continue;
		}
		r = query_start(q, bwrap, cwd);
		if (r < 0)
			strv_pushf(warnings, "cannot ask %s for its registry: %s, continuing without its hosts",
				   tools[i].name, strerror(-r));
	}
	queries_collect(qs, n);

	for (size_t i = 0; i < n; i++) {
		struct query *q = &qs[i];
		struct strv *hosts = &q->hosts;
		_cleanup_free_ char *failure = NULL;

		if (!q->tool->script) {
			cargo_hosts(cwd, hosts);
		} else if (q->pid > 0) {
			bool absent;

			failure = query_failure(q);
			absent = q->tool->parse == parse_pip && WIFEXITED(q->status) &&
				 WEXITSTATUS(q->status) == QUERY_EXIT_ABSENT;
			if (failure && !absent)
				strv_pushf(warnings, "cannot ask %s for its registry: %s, continuing without its hosts",
					   q->tool->name, failure);
			else if (!failure)
				q->tool->parse(q->out + sizeof(QUERY_STARTED), hosts);
			/* Only answers are kept: a failure is asked again, and warned about again. */
			if ((!failure || absent) && q->key)
				cache_store(cache, q->tool, q->key, hosts);
		}
		added += add_hosts(c, q->tool, hosts, warnings);
		strv_done(hosts);
		free(q->key);
		free(q->program_path);
		free(q->out);
	}
	return added;
}
