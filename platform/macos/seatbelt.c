/* SPDX-License-Identifier: MIT */
/*
 * platform/macos/seatbelt.c: the Seatbelt profile generator.
 *
 * Seatbelt decides each operation by the last rule that matches it, so the
 * profile opens with `(deny default)`, then lists what is allowed, and puts
 * every deny after the allows it narrows.  A rule for a specific operation
 * (file-read-data) is not overridden by a deny of the wildcard
 * (file-read*), so denies repeat each specific operation that an allow
 * names.
 *
 * On macOS /tmp, /var and /etc are symlinks into /private, and Seatbelt
 * compares the path the kernel resolved.  A rule written with one spelling
 * misses the other, so every path under them is emitted in both.
 */
#include "platform/macos/seatbelt.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "util/util.h"

/* Readable under defaultDenyRead unless strictDenyRead: what programs need
 * to start on macOS and the usual language tool directories. */
static const char *const default_readable[] = {
    "/bin",
    "/sbin",
    "/usr",
    "/lib",
    "/lib64",
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/System",
    "/Library",
    "/Applications",
    "/private/etc",
    "/private/var/db",
    "/private/var/run",
    "/opt",
    "/run",
    "/tmp",
    "/private/tmp",
    "/usr/local",
    "/opt/homebrew",
    "/nix",
    "/snap",
    "~/.nvm",
    "~/.fnm",
    "~/.volta",
    "~/.n",
    "~/.pyenv",
    "~/.local/pipx",
    "~/.rbenv",
    "~/.rvm",
    "~/.cargo/bin",
    "~/.rustup",
    "~/go/bin",
    "~/.go",
    "~/.local/bin",
    "~/bin",
    "~/.bun/bin",
    "~/.deno/bin",
};

/* Always writable: standard streams, fence's own temporary directory and
 * the debug logs of npm and fence. */
static const char *const default_writable[] = {
    "/dev/stdout",	  "/dev/stderr", "/dev/null",	       "/dev/tty",     "/dev/dtracehelper",
    "/dev/autofs_nowait", "/tmp/fence",	 "/private/tmp/fence", "~/.npm/_logs", "~/.fence/debug",
};

/* Files whose change runs code later (shell start-up, git and editor
 * configuration): never writable, wherever they are under cwd or in ~. */
static const char *const dangerous_files[] = {
    ".gitconfig", ".gitmodules", ".bashrc",    ".bash_profile", ".zshrc",
    ".zprofile",  ".profile",	 ".ripgreprc", ".mcp.json",
};

/* Directories with the same risk; nothing under them is writable. */
static const char *const dangerous_dirs[] = {".vscode", ".idea", ".git/hooks"};

/* NOTE: no profile from this file has run under sandbox-exec yet.  The
 * base lists below (Mach services, sysctl names) follow the profile of the
 * Go fence tool, narrowed on purpose; what programs miss on a real Mac has
 * not been measured. */

/* Mach services a command-line program needs: logging, user and group
 * lookup, DNS configuration, temporary directories, file events, fonts and
 * certificate checks (Security framework, trustd). Launch Services is left
 * out because it would let `open` start applications outside the sandbox. */
static const char *const base_mach_services[] = {
    "com.apple.FSEvents",
    "com.apple.FontObjectsServer",
    "com.apple.SecurityServer",
    "com.apple.SystemConfiguration.DNSConfiguration",
    "com.apple.SystemConfiguration.configd",
    "com.apple.bsd.dirhelper",
    "com.apple.fonts",
    "com.apple.logd",
    "com.apple.securityd.xpc",
    "com.apple.system.logger",
    "com.apple.system.notification_center",
    "com.apple.system.opendirectoryd.libinfo",
    "com.apple.system.opendirectoryd.membership",
    "com.apple.trustd.agent",
};

/* sysctl values runtimes read at start.  kern.procargs2 is not among them:
 * it would show other processes' arguments and environment. */
static const char *const base_sysctl_names[] = {
    "kern.argmax",	     "kern.hostname",  "kern.maxfiles",
    "kern.maxfilesperproc",  "kern.maxproc",   "kern.ngroups",
    "kern.osproductversion", "kern.osrelease", "kern.ostype",
    "kern.osvariant_status", "kern.osversion", "kern.secure_kernel",
    "kern.usrstack64",	     "kern.version",   "security.mac.lockdown_mode_state",
    "sysctl.proc_cputype",   "vm.loadavg",
};
static const char *const base_sysctl_prefixes[] = {
    "hw.",	    "kern.proc.pgrp.",	"kern.proc.pid.",
    "machdep.cpu.", "machdep.ptrauth_", "net.routetable.",
};

/* Where a runtime exec rule's program name is denied: the directories of
 * the default PATH of macOS, and those of Homebrew and MacPorts. */
static const char *const exec_word_dirs[] = {
    "/bin",	"/sbin",	   "/usr/bin",		"/usr/sbin",	  "/usr/local/bin",
    "/usr/local/sbin", "/opt/homebrew/bin", "/opt/homebrew/sbin", "/opt/local/bin", "/opt/local/sbin",
};

/* Device nodes every program may use: ioctl (isatty) and reading. */
static const char *const base_devices[] = {
    "/dev/null", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/dtracehelper",
};

struct profile {
	FILE *f;
	const struct seatbelt_params *p;
	char *tag_message; /* '(with message "TAG")' */
	struct strv seen;  /* rules already written: a repeat is dropped */
	bool invalid;	   /* a path or name with a control character */
};

bool seatbelt_has_glob(const char *path)
{
	return strpbrk(path, "*?[") != NULL;
}

/* Copy a '[...]' class starting at glob[0] == '['; returns the characters
 * consumed, or 0 when the class is not closed (then '[' is literal). */
static size_t glob_class(const char *glob, FILE *out)
{
	size_t i = 1;

	if (glob[i] == '!' || glob[i] == '^')
		i++;
	if (glob[i] == ']')
		i++;
	while (glob[i] && glob[i] != ']')
		i++;
	if (!glob[i])
		return 0;

	/* The class is copied as it is: only '!' becomes '^', and a quote
	 * is escaped for the SBPL string. */
	fputc('[', out);
	for (size_t j = 1; j < i; j++) {
		char ch = glob[j];

		if (j == 1 && ch == '!')
			ch = '^';
		if (ch == '"')
			fputc('\\', out);
		fputc(ch, out);
	}
	fputc(']', out);
	return i + 1;
}

char *seatbelt_glob_to_regex(const char *glob)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		abort();
	fputc('^', out);
	for (size_t i = 0; glob[i];) {
		size_t used;

		if (strncmp(glob + i, "**/", 3) == 0) {
			fputs("(.*/)?", out);
			i += 3;
		} else if (strncmp(glob + i, "**", 2) == 0) {
			fputs(".*", out);
			i += 2;
		} else if (glob[i] == '*') {
			fputs("[^/]*", out);
			i++;
		} else if (glob[i] == '?') {
			fputs("[^/]", out);
			i++;
		} else if (glob[i] == '[' && (used = glob_class(glob + i, out))) {
			i += used;
		} else {
			if (strchr(".^$+(){}|\\[\"", glob[i]))
				fputc('\\', out);
			fputc(glob[i], out);
			i++;
		}
	}
	fputc('$', out);
	fclose(out);
	return buf;
}

/* Whether s has a character that SBPL strings and log lines cannot carry. */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Quote s as an SBPL string literal. */
static char *sbpl_quote(struct profile *pr, const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		abort();
	if (has_control(s))
		pr->invalid = true;
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
	fclose(out);
	return buf;
}

/* Write one rule unless the same rule was written before. */
static void rule(struct profile *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rule(struct profile *pr, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (strv_contains(&pr->seen, line)) {
		free(line);
		return;
	}
	fprintf(pr->f, "%s\n", line);
	strv_push_take(&pr->seen, line);
}

/* Remove '.', '..', repeated and trailing slashes from an absolute path. */
static char *path_clean(const char *abs)
{
	char *out = xmalloc(strlen(abs) + 2);
	size_t n = 0;
	const char *s = abs;

	while (*s) {
		const char *end;
		size_t len;

		while (*s == '/')
			s++;
		len = strcspn(s, "/");
		end = s + len;
		if (len == 0 || (len == 1 && s[0] == '.')) {
			/* nothing */
		} else if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else {
			out[n++] = '/';
			memcpy(out + n, s, len);
			n += len;
		}
		s = end;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

/* The absolute form of a configured path: '~' is home, a relative path is
 * under cwd. */
static char *path_absolute(const struct seatbelt_params *p, const char *path)
{
	_cleanup_free_ char *joined = NULL;

	if (strcmp(path, "~") == 0)
		joined = xstrdup(p->home);
	else if (strncmp(path, "~/", 2) == 0)
		joined = xasprintf("%s/%s", p->home, path + 2);
	else if (path[0] == '/')
		joined = xstrdup(path);
	else
		joined = xasprintf("%s/%s", p->cwd, path);
	return path_clean(joined);
}

/* Add the other macOS spelling of a path under /tmp, /var or /etc. */
static void push_private_mirror(struct strv *out, const char *abs)
{
	static const char *const linked[] = {"/tmp", "/var", "/etc"};

	for (size_t i = 0; i < ELEMENTSOF(linked); i++) {
		size_t n = strlen(linked[i]);

		if (strncmp(abs, linked[i], n) == 0 && (abs[n] == '/' || abs[n] == '\0'))
			strv_pushf(out, "/private%s", abs);
		else if (strncmp(abs, "/private", 8) == 0 && strncmp(abs + 8, linked[i], n) == 0 &&
			 (abs[8 + n] == '/' || abs[8 + n] == '\0'))
			strv_push(out, abs + 8);
	}
}

/* Every spelling a configured path may take at run time. */
static void path_spellings(const struct seatbelt_params *p, const char *path, struct strv *out)
{
	_cleanup_free_ char *abs = path_absolute(p, path);
	size_t first = out->n;

	strv_push(out, abs);
	if (p->resolve_symlinks && !seatbelt_has_glob(abs)) {
		char resolved[PATH_MAX];

		if (realpath(abs, resolved) && strcmp(resolved, abs) != 0)
			strv_push(out, resolved);
	}
	for (size_t i = first, end = out->n; i < end; i++)
		push_private_mirror(out, out->v[i]);

	/* Drop repeats a mirror may have added. */
	for (size_t i = first + 1; i < out->n;) {
		bool repeat = false;

		for (size_t j = first; j < i; j++)
			repeat = repeat || strcmp(out->v[i], out->v[j]) == 0;
		if (!repeat) {
			i++;
			continue;
		}
		free(out->v[i]);
		memmove(out->v + i, out->v + i + 1, (out->n - i) * sizeof(char *));
		out->n--;
	}
}

/* The filter matching an absolute path: a regex for a glob, else `kind`
 * ("subpath" or "literal"). */
static char *path_filter(struct profile *pr, const char *abs, const char *kind)
{
	if (seatbelt_has_glob(abs)) {
		_cleanup_free_ char *regex = seatbelt_glob_to_regex(abs);

		if (has_control(abs))
			pr->invalid = true;
		return xasprintf("(regex #\"%s\")", regex);
	}

	_cleanup_free_ char *quoted = sbpl_quote(pr, abs);
	return xasprintf("(%s %s)", kind, quoted);
}

/* One rule `(ACTION OPS FILTER [message])` for each spelling of each path. */
static void path_rules(struct profile *pr, const char *action_ops, const struct strv *paths,
		       bool tagged)
{
	for (size_t i = 0; i < paths->n; i++) {
		struct strv spellings = {0};

		path_spellings(pr->p, paths->v[i], &spellings);
		for (size_t j = 0; j < spellings.n; j++) {
			_cleanup_free_ char *filter = path_filter(pr, spellings.v[j], "subpath");

			rule(pr, "(%s %s%s%s)", action_ops, filter, tagged ? " " : "",
			     tagged ? pr->tag_message : "");
		}
		strv_done(&spellings);
	}
}

static void strv_push_array(struct strv *sv, const char *const *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strv_push(sv, a[i]);
}

/* Deny unlinking (so renaming) of the directory that holds a protected path
 * and of each of its ancestors, so that the path cannot be moved out from
 * under its rule. */
static void ancestor_unlink_rules(struct profile *pr, const char *abs)
{
	_cleanup_free_ char *dir = NULL;
	char *slash;

	if (seatbelt_has_glob(abs)) {
		dir = xstrndup(abs, strcspn(abs, "*?["));
		/* The directory part of the text before the first glob character:
		 * "/h/.ssh/id_*" gives "/h/.ssh". */
		slash = strrchr(dir, '/');
		*slash = '\0';
	} else {
		dir = xstrdup(abs);
		slash = strrchr(dir, '/');
		*slash = '\0';
	}
	while (dir[0]) {
		_cleanup_free_ char *quoted = sbpl_quote(pr, dir);

		rule(pr, "(deny file-write-unlink (literal %s) %s)", quoted, pr->tag_message);
		slash = strrchr(dir, '/');
		*slash = '\0';
	}
}

/* Unlink and rename protection for protected paths: the path itself (a
 * glob's matches too) and every ancestor directory. */
static void move_block_rules(struct profile *pr, const struct strv *paths)
{
	for (size_t i = 0; i < paths->n; i++) {
		struct strv spellings = {0};

		path_spellings(pr->p, paths->v[i], &spellings);
		for (size_t j = 0; j < spellings.n; j++) {
			_cleanup_free_ char *filter = path_filter(pr, spellings.v[j], "subpath");

			rule(pr, "(deny file-write-unlink %s %s)", filter, pr->tag_message);
			ancestor_unlink_rules(pr, spellings.v[j]);
		}
		strv_done(&spellings);
	}
}

static void emit_header(struct profile *pr)
{
	const struct seatbelt_params *p = pr->p;

	fprintf(pr->f, "; fence Seatbelt profile, for sandbox-exec -p\n");
	fprintf(pr->f, "; log tag: %s\n", p->log_tag);
	fprintf(pr->f, "; proxies: http localhost:%d, socks localhost:%d\n", p->http_proxy_port,
		p->socks_proxy_port);
	fprintf(pr->f, "(version 1)\n");
	fprintf(pr->f, "(deny default %s)\n", pr->tag_message);
}

/* What every process needs: its own children and signals, system services,
 * sysctl values and the standard device nodes. */
static void emit_base(struct profile *pr)
{
	fprintf(pr->f, "\n; processes\n");
	rule(pr, "(allow process-fork)");
	rule(pr, "(allow process-exec)");
	rule(pr, "(allow process-info* (target same-sandbox))");
	rule(pr, "(allow signal (target same-sandbox))");
	rule(pr, "(allow mach-priv-task-port (target same-sandbox))");

	fprintf(pr->f, "\n; system services\n");
	rule(pr, "(allow user-preference-read)");
	rule(pr, "(allow ipc-posix-shm)");
	rule(pr, "(allow ipc-posix-sem)");
	rule(pr,
	     "(allow system-socket (require-all (socket-domain AF_SYSTEM) (socket-protocol 2)))");
	for (size_t i = 0; i < ELEMENTSOF(base_mach_services); i++)
		rule(pr, "(allow mach-lookup (global-name \"%s\"))", base_mach_services[i]);
	for (size_t i = 0; i < ELEMENTSOF(base_sysctl_names); i++)
		rule(pr, "(allow sysctl-read (sysctl-name \"%s\"))", base_sysctl_names[i]);
	for (size_t i = 0; i < ELEMENTSOF(base_sysctl_prefixes); i++)
		rule(pr, "(allow sysctl-read (sysctl-name-prefix \"%s\"))",
		     base_sysctl_prefixes[i]);
	/* V8 (node) sets this at start and aborts when it cannot. */
	rule(pr, "(allow sysctl-write (sysctl-name \"kern.tcsm_enable\"))");

	fprintf(pr->f, "\n; devices and the inherited terminal\n");
	for (size_t i = 0; i < ELEMENTSOF(base_devices); i++) {
		rule(pr, "(allow file-ioctl (literal \"%s\"))", base_devices[i]);
		rule(pr, "(allow file-read-data (literal \"%s\"))", base_devices[i]);
	}
	rule(pr, "(allow file-ioctl (regex #\"^/dev/ttys[0-9]+$\"))");
}

/* One mach-lookup or mach-register rule: an exact name, "prefix*" or "*". */
static void mach_rule(struct profile *pr, const char *op, const char *name)
{
	size_t len = strlen(name);

	if (strcmp(name, "*") == 0) {
		rule(pr, "(allow %s)", op);
	} else if (len > 0 && name[len - 1] == '*') {
		_cleanup_free_ char *prefix = xstrndup(name, len - 1);
		_cleanup_free_ char *regex = seatbelt_glob_to_regex(prefix);

		/* The glob form anchors both ends; a prefix keeps only '^'. */
		regex[strlen(regex) - 1] = '\0';
		if (has_control(name))
			pr->invalid = true;
		rule(pr, "(allow %s (global-name-regex #\"%s\"))", op, regex);
	} else {
		_cleanup_free_ char *quoted = sbpl_quote(pr, name);

		rule(pr, "(allow %s (global-name %s))", op, quoted);
	}
}

static void emit_mach(struct profile *pr, const struct fence_config *c)
{
	if (c->macos.mach_lookup.n == 0 && c->macos.mach_register.n == 0)
		return;
	fprintf(pr->f, "\n; macos.mach\n");
	for (size_t i = 0; i < c->macos.mach_lookup.n; i++)
		mach_rule(pr, "mach-lookup", c->macos.mach_lookup.v[i]);
	for (size_t i = 0; i < c->macos.mach_register.n; i++)
		mach_rule(pr, "mach-register", c->macos.mach_register.v[i]);
}

/* Deny one literal path for the runtime exec rules, unless it is the shell. */
static void exec_literal_rule(struct profile *pr, const char *path)
{
	_cleanup_free_ char *quoted = NULL;

	if (pr->p->shell && strcmp(path, pr->p->shell) == 0)
		return;
	quoted = sbpl_quote(pr, path);
	rule(pr, "(deny process-exec (literal %s) %s)", quoted, pr->tag_message);
}

/*
 * Deny one program word of the runtime exec rules: a path as itself, a
 * name in each directory of exec_word_dirs.  Seatbelt compares the
 * resolved path, so a symlink elsewhere that leads to one of these files
 * is covered too.  A copy under another name is not.
 */
static void exec_word_rules(struct profile *pr, const char *word)
{
	if (strchr(word, '/')) {
		_cleanup_free_ char *abs = path_absolute(pr->p, word);

		exec_literal_rule(pr, abs);
		return;
	}
	for (size_t i = 0; i < ELEMENTSOF(exec_word_dirs); i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", exec_word_dirs[i], word);

		exec_literal_rule(pr, path);
	}
}

/* Runtime exec rules: the denied programs cannot be started, whatever
 * name or link leads to them. */
static void emit_exec_denials(struct profile *pr)
{
	const char *const *words = pr->p->exec_deny_words;
	const char *const *paths = pr->p->exec_deny_paths;

	if ((!words || !words[0]) && (!paths || !paths[0]))
		return;
	fprintf(pr->f, "\n; runtime exec denials\n");
	for (size_t i = 0; words && words[i]; i++)
		exec_word_rules(pr, words[i]);
	for (size_t i = 0; paths && paths[i]; i++) {
		struct strv spellings = {0};

		path_spellings(pr->p, paths[i], &spellings);
		for (size_t j = 0; j < spellings.n; j++)
			exec_literal_rule(pr, spellings.v[j]);
		strv_done(&spellings);
	}
}

static bool relaxed_network(const struct fence_config *c)
{
	return strv_contains(&c->network.allowed_domains, "*");
}

static void emit_network(struct profile *pr, const struct fence_config *c)
{
	const struct seatbelt_params *p = pr->p;
	bool binding = c->network.allow_local_binding || p->exposed_ports;
	bool outbound = c->network.allow_local_outbound == TRI_UNSET
			    ? binding
			    : c->network.allow_local_outbound == TRI_TRUE;

	fprintf(pr->f, "\n; network\n");
	if (relaxed_network(c)) {
		/* allowedDomains ["*"]: direct connections; the proxies still
		 * serve the programs that use them. */
		rule(pr, "(allow network*)");
		return;
	}

	if (p->http_proxy_port > 0)
		rule(pr, "(allow network-outbound (remote ip \"localhost:%d\"))",
		     p->http_proxy_port);
	if (p->socks_proxy_port > 0)
		rule(pr, "(allow network-outbound (remote ip \"localhost:%d\"))",
		     p->socks_proxy_port);
	if (binding) {
		rule(pr, "(allow network-bind (local ip \"localhost:*\"))");
		rule(pr, "(allow network-inbound (local ip \"localhost:*\"))");
		if (outbound)
			rule(pr, "(allow network-outbound (remote ip \"localhost:*\"))");
	}

	if (c->network.allow_all_unix_sockets) {
		/* A path filter matches only operations with a path: Unix
		 * sockets, never IP. */
		rule(pr, "(allow network* (subpath \"/\"))");
		return;
	}

	struct strv sockets = {0};

	strv_push(&sockets, p->tmpdir ? p->tmpdir : "/tmp/fence");
	for (size_t i = 0; i < c->network.allow_unix_sockets.n; i++)
		strv_push(&sockets, c->network.allow_unix_sockets.v[i]);
	path_rules(pr, "allow network*", &sockets, false);
	strv_done(&sockets);
}

/* The paths that must stay readable under defaultDenyRead. */
static void readable_paths(const struct profile *pr, const struct fence_config *c, struct strv *out)
{
	const struct fence_filesystem *fs = &c->filesystem;

	if (!fs->strict_deny_read)
		strv_push_array(out, default_readable, ELEMENTSOF(default_readable));
	/* What the sandbox may write, it may also read back. */
	strv_push_array(out, default_writable, ELEMENTSOF(default_writable));
	if (pr->p->tmpdir)
		strv_push(out, pr->p->tmpdir);
	if (pr->p->user_temp_dir)
		strv_push(out, pr->p->user_temp_dir);
	for (size_t i = 0; i < fs->allow_read.n; i++)
		strv_push(out, fs->allow_read.v[i]);
	for (size_t i = 0; i < fs->allow_write.n; i++)
		strv_push(out, fs->allow_write.v[i]);
}

static void emit_read(struct profile *pr, const struct fence_config *c)
{
	const struct fence_filesystem *fs = &c->filesystem;
	bool deny_by_default = fs->default_deny_read || fs->strict_deny_read;

	fprintf(pr->f, "\n; file read\n");
	if (!deny_by_default) {
		rule(pr, "(allow file-read*)");
	} else {
		struct strv readable = {0};

		/* Metadata stays visible so that path lookup and stat work;
		 * the contents of files outside the readable set do not. */
		rule(pr, "(allow file-read-metadata)");
		rule(pr, "(allow file-read-data (literal \"/\"))");
		readable_paths(pr, c, &readable);
		path_rules(pr, "allow file-read-data", &readable, false);
		strv_done(&readable);

		/* allowExecute: files can be read (so run), directories not
		 * listed. */
		for (size_t i = 0; i < fs->allow_execute.n; i++) {
			struct strv spellings = {0};

			path_spellings(pr->p, fs->allow_execute.v[i], &spellings);
			for (size_t j = 0; j < spellings.n; j++) {
				_cleanup_free_ char *filter =
				    path_filter(pr, spellings.v[j], "subpath");

				rule(pr,
				     "(allow file-read-data (require-all %s (require-not "
				     "(vnode-type DIRECTORY))))",
				     filter);
			}
			strv_done(&spellings);
		}
	}

	path_rules(pr, "deny file-read*", &fs->deny_read, true);
	if (deny_by_default) {
		path_rules(pr, "deny file-read-data", &fs->deny_read, true);
		path_rules(pr, "deny file-read-metadata", &fs->deny_read, true);
	}
	move_block_rules(pr, &fs->deny_read);
}

/* The write-protected patterns of the dangerous files and directories. */
static void dangerous_patterns(const struct profile *pr, const struct fence_config *c,
			       struct strv *out)
{
	const char *cwd = pr->p->cwd;

	for (size_t i = 0; i < ELEMENTSOF(dangerous_files); i++) {
		strv_pushf(out, "%s/%s", cwd, dangerous_files[i]);
		strv_pushf(out, "%s/**/%s", cwd, dangerous_files[i]);
		strv_pushf(out, "~/%s", dangerous_files[i]);
	}
	for (size_t i = 0; i < ELEMENTSOF(dangerous_dirs); i++) {
		strv_pushf(out, "%s/%s", cwd, dangerous_dirs[i]);
		strv_pushf(out, "%s/**/%s", cwd, dangerous_dirs[i]);
		strv_pushf(out, "%s/**/%s/**", cwd, dangerous_dirs[i]);
	}
	if (!c->filesystem.allow_git_config) {
		strv_pushf(out, "%s/.git/config", cwd);
		strv_pushf(out, "%s/**/.git/config", cwd);
	}
}

static void emit_write(struct profile *pr, const struct fence_config *c)
{
	const struct fence_filesystem *fs = &c->filesystem;
	struct strv allow = {0}, deny = {0};

	fprintf(pr->f, "\n; file write\n");
	strv_push_array(&allow, default_writable, ELEMENTSOF(default_writable));
	if (pr->p->tmpdir)
		strv_push(&allow, pr->p->tmpdir);
	if (pr->p->user_temp_dir)
		strv_push(&allow, pr->p->user_temp_dir);
	for (size_t i = 0; i < fs->allow_write.n; i++)
		strv_push(&allow, fs->allow_write.v[i]);
	path_rules(pr, "allow file-write*", &allow, false);

	for (size_t i = 0; i < fs->deny_write.n; i++)
		strv_push(&deny, fs->deny_write.v[i]);
	dangerous_patterns(pr, c, &deny);
	path_rules(pr, "deny file-write*", &deny, true);
	move_block_rules(pr, &deny);

	strv_done(&allow);
	strv_done(&deny);
}

static void emit_pty(struct profile *pr, const struct fence_config *c)
{
	if (!c->allow_pty)
		return;
	fprintf(pr->f, "\n; allowPty\n");
	rule(pr, "(allow pseudo-tty)");
	rule(pr, "(allow file-ioctl (literal \"/dev/ptmx\") (regex #\"^/dev/ttys[0-9]+$\"))");
	rule(pr, "(allow file-read* file-write* (literal \"/dev/ptmx\") (regex "
		 "#\"^/dev/ttys[0-9]+$\"))");
}

static bool params_valid(const struct seatbelt_params *p)
{
	size_t tag_len;

	if (!p->home || p->home[0] != '/' || !p->cwd || p->cwd[0] != '/')
		return false;
	if (has_control(p->home) || has_control(p->cwd))
		return false;
	if (p->tmpdir && p->tmpdir[0] != '/')
		return false;
	if (p->user_temp_dir && p->user_temp_dir[0] != '/')
		return false;
	if (!p->log_tag)
		return false;
	tag_len = strlen(p->log_tag);
	if (tag_len == 0 || tag_len >= SEATBELT_TAG_MAX ||
	    strspn(p->log_tag, SEATBELT_TAG_CHARS) != tag_len)
		return false;
	return p->http_proxy_port >= 0 && p->http_proxy_port <= 65535 && p->socks_proxy_port >= 0 &&
	       p->socks_proxy_port <= 65535;
}

int seatbelt_profile_build(const struct fence_config *c, const struct seatbelt_params *p,
			   char **ret_profile)
{
	struct profile pr = {.p = p};
	char *buf = NULL;
	size_t len = 0;

	if (!params_valid(p))
		return -EINVAL;
	pr.f = open_memstream(&buf, &len);
	if (!pr.f)
		return -errno;
	pr.tag_message = xasprintf("(with message \"%s\")", p->log_tag);

	emit_header(&pr);
	emit_base(&pr);
	emit_mach(&pr, c);
	emit_exec_denials(&pr);
	emit_network(&pr, c);
	emit_read(&pr, c);
	emit_write(&pr, c);
	emit_pty(&pr, c);

	fclose(pr.f);
	free(pr.tag_message);
	strv_done(&pr.seen);
	if (pr.invalid) {
		free(buf);
		return -EINVAL;
	}
	*ret_profile = buf;
	return 0;
}

void seatbelt_log_tag_generate(char *buf, size_t size)
{
	unsigned char bytes[8];

	arc4random_buf(bytes, sizeof(bytes));
	snprintf(buf, size, "fence-%02x%02x%02x%02x%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2],
		 bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
}
