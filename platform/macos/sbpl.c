/* SPDX-License-Identifier: MIT */
/*
 * platform/macos/sbpl.c: a tokenizer and recursive checker for the part of
 * SBPL (Seatbelt's Scheme-like profile language) that fence generates.
 */
#include "platform/macos/sbpl.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "util/util.h"

/* The kind of value a filter tests.  A rule may only use filters that
 * apply to its operations: a path filter on mach-lookup, for example,
 * never matches, and so the rule would silently do nothing. */
enum filter_class {
	CLASS_PATH = 1 << 0,   /* literal, subpath, regex, vnode-type */
	CLASS_IP = 1 << 1,     /* local, remote */
	CLASS_NAME = 1 << 2,   /* global-name, global-name-regex */
	CLASS_SYSCTL = 1 << 3, /* sysctl-name, sysctl-name-prefix */
	CLASS_TARGET = 1 << 4, /* target */
	CLASS_SOCKET = 1 << 5, /* socket-domain, socket-protocol */
	CLASS_ANY = 1 << 6,    /* require-*, with: allowed everywhere */
};

struct operation {
	const char *name;
	unsigned classes; /* the filter classes that apply to it */
};

/* Operations fence's profiles use. */
static const struct operation operations[] = {
    {"default", 0},
    {"file-ioctl", CLASS_PATH},
    {"file-read*", CLASS_PATH},
    {"file-read-data", CLASS_PATH},
    {"file-read-metadata", CLASS_PATH},
    {"file-write*", CLASS_PATH},
    {"file-write-data", CLASS_PATH},
    {"file-write-unlink", CLASS_PATH},
    {"iokit-get-properties", 0},
    {"ipc-posix-sem", 0},
    {"ipc-posix-shm", 0},
    {"mach-lookup", CLASS_NAME},
    {"mach-priv-task-port", CLASS_TARGET},
    {"mach-register", CLASS_NAME},
    /* A path filter on network operations matches Unix sockets. */
    {"network*", CLASS_PATH | CLASS_IP},
    {"network-bind", CLASS_PATH | CLASS_IP},
    {"network-inbound", CLASS_PATH | CLASS_IP},
    {"network-outbound", CLASS_PATH | CLASS_IP},
    {"process-exec", CLASS_PATH},
    {"process-fork", 0},
    {"process-info*", CLASS_TARGET},
    {"pseudo-tty", 0},
    {"signal", CLASS_TARGET},
    {"sysctl-read", CLASS_SYSCTL},
    {"sysctl-write", CLASS_SYSCTL},
    {"system-socket", CLASS_SOCKET},
    {"user-preference-read", 0},
};

enum arg_kind {
	ARG_PATH,    /* one string starting with '/' */
	ARG_REGEX,   /* one #"..." literal starting with '^' */
	ARG_STRING,  /* one string */
	ARG_FILTERS, /* one or more nested filters */
	ARG_IP,	     /* the symbol ip, then "localhost:PORT" or "localhost:*" */
	ARG_SYMBOL,  /* one symbol from the filter's list */
	ARG_NUMBER,
	ARG_MESSAGE, /* the symbol message, then a string */
};

struct filter {
	const char *name;
	enum arg_kind kind;
	enum filter_class class;
	const char *symbols; /* for ARG_SYMBOL: space-separated, with spaces around */
};

static const struct filter filters[] = {
    {"literal", ARG_PATH, CLASS_PATH, NULL},
    {"subpath", ARG_PATH, CLASS_PATH, NULL},
    {"regex", ARG_REGEX, CLASS_PATH, NULL},
    {"global-name", ARG_STRING, CLASS_NAME, NULL},
    {"global-name-regex", ARG_REGEX, CLASS_NAME, NULL},
    {"sysctl-name", ARG_STRING, CLASS_SYSCTL, NULL},
    {"sysctl-name-prefix", ARG_STRING, CLASS_SYSCTL, NULL},
    {"require-all", ARG_FILTERS, CLASS_ANY, NULL},
    {"require-any", ARG_FILTERS, CLASS_ANY, NULL},
    {"require-not", ARG_FILTERS, CLASS_ANY, NULL},
    {"local", ARG_IP, CLASS_IP, NULL},
    {"remote", ARG_IP, CLASS_IP, NULL},
    {"target", ARG_SYMBOL, CLASS_TARGET, " same-sandbox "},
    {"vnode-type", ARG_SYMBOL, CLASS_PATH, " CHARACTER-DEVICE DIRECTORY REGULAR-FILE "},
    {"socket-domain", ARG_SYMBOL, CLASS_SOCKET, " AF_SYSTEM "},
    {"socket-protocol", ARG_NUMBER, CLASS_SOCKET, NULL},
    {"with", ARG_MESSAGE, CLASS_ANY, NULL},
};

enum token_kind {
	TOK_END,
	TOK_OPEN,
	TOK_CLOSE,
	TOK_STRING,
	TOK_REGEX,
	TOK_ATOM, /* symbol or number */
	TOK_BAD,
};

struct token {
	enum token_kind kind;
	char *text; /* owned: the unescaped string, or the atom */
	int line, col;
};

struct checker {
	const char *s;
	size_t pos;
	int line, col;
	char *error;
	unsigned classes; /* filter classes that the current rule's operations share */
	const char *operation; /* borrowed: the current rule's first operation */
	bool path_filter; /* the current rule has a path filter outside require-not */
	int negated; /* depth of require-not filters around the current filter */
};

static void advance(struct checker *ck)
{
	if (ck->s[ck->pos] == '\n') {
		ck->line++;
		ck->col = 1;
	} else {
		ck->col++;
	}
	ck->pos++;
}

static void fail(struct checker *ck, const struct token *t, const char *msg, const char *name)
{
	if (ck->error)
		return;
	if (name)
		ck->error = xasprintf("%d:%d: %s '%s'", t->line, t->col, msg, name);
	else
		ck->error = xasprintf("%d:%d: %s", t->line, t->col, msg);
}

/* Read a quoted string after the opening quote; backslash escapes one
 * character.  Returns false when the text ends first. */
static bool read_quoted(struct checker *ck, struct token *t)
{
	size_t cap = 16, n = 0;
	char *buf = xmalloc(cap);

	while (ck->s[ck->pos] && ck->s[ck->pos] != '"') {
		if (ck->s[ck->pos] == '\\' && ck->s[ck->pos + 1])
			advance(ck);
		if (n + 2 > cap)
			buf = xrealloc(buf, cap *= 2);
		buf[n++] = ck->s[ck->pos];
		advance(ck);
	}
	buf[n] = '\0';
	t->text = buf;
	if (!ck->s[ck->pos])
		return false;
	advance(ck);
	return true;
}

static struct token next_token(struct checker *ck)
{
	struct token t = {.kind = TOK_END};

	for (;;) {
		while (isspace((unsigned char)ck->s[ck->pos]))
			advance(ck);
		if (ck->s[ck->pos] != ';')
			break;
		while (ck->s[ck->pos] && ck->s[ck->pos] != '\n')
			advance(ck);
	}
	t.line = ck->line;
	t.col = ck->col;

	char ch = ck->s[ck->pos];
	if (!ch)
		return t;
	if (ch == '(' || ch == ')') {
		t.kind = ch == '(' ? TOK_OPEN : TOK_CLOSE;
		advance(ck);
		return t;
	}
	if (ch == '"' || (ch == '#' && ck->s[ck->pos + 1] == '"')) {
		t.kind = ch == '"' ? TOK_STRING : TOK_REGEX;
		if (ch == '#')
			advance(ck);
		advance(ck);
		if (!read_quoted(ck, &t))
			t.kind = TOK_BAD;
		return t;
	}

	size_t start = ck->pos;
	while (ck->s[ck->pos] && !isspace((unsigned char)ck->s[ck->pos]) &&
	       !strchr("()\";", ck->s[ck->pos]))
		advance(ck);
	t.kind = TOK_ATOM;
	t.text = xstrndup(ck->s + start, ck->pos - start);
	return t;
}

static const struct operation *find_operation(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(operations); i++)
		if (strcmp(operations[i].name, name) == 0)
			return &operations[i];
	return NULL;
}

static const struct filter *find_filter(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(filters); i++)
		if (strcmp(filters[i].name, name) == 0)
			return &filters[i];
	return NULL;
}

static void check_filter(struct checker *ck, const struct token *open);

/* Check the arguments of a filter and its closing parenthesis. */
static void check_filter_args(struct checker *ck, const struct filter *f, const struct token *head)
{
	struct token t = next_token(ck);
	_cleanup_free_ char *value = NULL;

	switch (f->kind) {
	case ARG_PATH:
		if (t.kind != TOK_STRING)
			fail(ck, &t, "expected a quoted path after", f->name);
		else if (t.text[0] != '/')
			fail(ck, &t, "path is not absolute in", f->name);
		break;
	case ARG_REGEX:
		if (t.kind != TOK_REGEX)
			fail(ck, &t, "expected a #\"...\" regex after", f->name);
		else if (t.text[0] != '^')
			fail(ck, &t, "regex is not anchored with '^' in", f->name);
		break;
	case ARG_STRING:
		if (t.kind != TOK_STRING)
			fail(ck, &t, "expected a quoted string after", f->name);
		break;
	case ARG_NUMBER:
		if (t.kind != TOK_ATOM || strspn(t.text, "0123456789") != strlen(t.text))
			fail(ck, &t, "expected a number after", f->name);
		break;
	case ARG_SYMBOL:
		if (t.kind != TOK_ATOM) {
			fail(ck, &t, "expected a symbol after", f->name);
		} else {
			_cleanup_free_ char *key = xasprintf(" %s ", t.text);

			if (!strstr(f->symbols, key))
				fail(ck, &t, "unknown symbol", t.text);
		}
		break;
	case ARG_IP:
	case ARG_MESSAGE:
		if (t.kind != TOK_ATOM ||
		    strcmp(t.text, f->kind == ARG_IP ? "ip" : "message") != 0) {
			fail(ck, &t,
			     f->kind == ARG_IP ? "expected 'ip' after" : "expected 'message' after",
			     f->name);
			break;
		}
		free(t.text);
		t = next_token(ck);
		if (t.kind != TOK_STRING)
			fail(ck, &t, "expected a quoted string after", f->name);
		else if (f->kind == ARG_IP && strncmp(t.text, "localhost:", 10) != 0)
			fail(ck, &t, "only localhost addresses are used, not", t.text);
		break;
	case ARG_FILTERS:
		if (t.kind != TOK_OPEN) {
			fail(ck, &t, "expected a nested filter in", f->name);
			break;
		}
		ck->negated += strcmp(f->name, "require-not") == 0;
		do {
			check_filter(ck, &t);
			free(t.text);
			t = next_token(ck);
		} while (t.kind == TOK_OPEN && !ck->error);
		ck->negated -= strcmp(f->name, "require-not") == 0;
		if (t.kind != TOK_CLOSE)
			fail(ck, &t, "expected ')' to close", f->name);
		free(t.text);
		return;
	}
	value = t.text;
	if (ck->error)
		return;
	t = next_token(ck);
	if (t.kind != TOK_CLOSE)
		fail(ck, &t, "expected ')' to close", head->text);
	free(t.text);
}

/* Check one filter list; `open` is its '(' token. */
static void check_filter(struct checker *ck, const struct token *open)
{
	struct token head = next_token(ck);
	const struct filter *f;

	if (head.kind != TOK_ATOM) {
		fail(ck, &head, "expected a filter name", NULL);
	} else if (!(f = find_filter(head.text))) {
		fail(ck, &head, "unknown filter", head.text);
	} else if (f->class != CLASS_ANY && !(f->class & ck->classes)) {
		_cleanup_free_ char *what = xasprintf("%s' on '%s", f->name, ck->operation);

		fail(ck, &head, "filter does not apply to the operation:", what);
	} else {
		if (f->class == CLASS_PATH && f->kind != ARG_SYMBOL && ck->negated == 0)
			ck->path_filter = true;
		check_filter_args(ck, f, &head);
	}
	free(head.text);
}

/* Check an allow or deny rule after its action. */
static void check_rule(struct checker *ck, const struct token *action)
{
	struct token t = next_token(ck);
	struct token first = {.kind = TOK_END};
	_cleanup_free_ char *first_name = NULL;
	size_t ops = 0;

	ck->classes = ~0u;
	ck->path_filter = false;
	while (t.kind == TOK_ATOM && !ck->error) {
		const struct operation *op = find_operation(t.text);

		if (!op)
			fail(ck, &t, "unknown operation", t.text);
		else
			ck->classes &= op->classes;
		if (ops++ == 0) {
			first = (struct token){.line = t.line, .col = t.col};
			first_name = TAKE_PTR(t.text);
		}
		free(t.text);
		t = next_token(ck);
	}
	if (ops == 0)
		fail(ck, &t, "expected an operation after", action->text);
	ck->operation = first_name;
	while (t.kind == TOK_OPEN && !ck->error) {
		check_filter(ck, &t);
		free(t.text);
		t = next_token(ck);
	}
	if (t.kind != TOK_CLOSE)
		fail(ck, &t, "expected ')' to close", action->text);
	free(t.text);

	/* A bare deny of process-exec stops every program, the shell
	 * included; fence only ever denies named executables. */
	if (!ck->error && strcmp(action->text, "deny") == 0 && ops == 1 && first_name &&
	    strcmp(first_name, "process-exec") == 0 && !ck->path_filter)
		fail(ck, &first, "deny without a path filter blocks every program in",
		     "process-exec");
	ck->operation = NULL;
}

static void check_form(struct checker *ck, const struct token *open)
{
	struct token head = next_token(ck);

	if (head.kind != TOK_ATOM) {
		fail(ck, &head, "expected allow, deny or version", NULL);
	} else if (strcmp(head.text, "allow") == 0 || strcmp(head.text, "deny") == 0) {
		check_rule(ck, &head);
	} else if (strcmp(head.text, "version") == 0) {
		struct token v = next_token(ck);
		struct token close;

		if (v.kind != TOK_ATOM || strcmp(v.text, "1") != 0)
			fail(ck, &v, "expected version 1", NULL);
		close = next_token(ck);
		if (close.kind != TOK_CLOSE)
			fail(ck, &close, "expected ')' to close", "version");
		free(v.text);
		free(close.text);
	} else {
		fail(ck, &head, "unknown form", head.text);
	}
	free(head.text);
}

int sbpl_check(const char *text, char **ret_error)
{
	struct checker ck = {.s = text, .line = 1, .col = 1};
	bool version = false;

	for (;;) {
		struct token t = next_token(&ck);

		if (t.kind == TOK_END)
			break;
		if (t.kind == TOK_OPEN) {
			size_t at = ck.pos;

			check_form(&ck, &t);
			version = version || strncmp(text + at, "version", 7) == 0;
		} else if (t.kind == TOK_CLOSE) {
			fail(&ck, &t, "unbalanced ')'", NULL);
		} else {
			fail(&ck, &t, "expected '(' at the top level", NULL);
		}
		free(t.text);
		if (ck.error)
			break;
	}
	if (!ck.error && !version)
		ck.error = xstrdup("1:1: missing (version 1)");
	if (ck.error) {
		*ret_error = ck.error;
		return -EINVAL;
	}
	return 0;
}
