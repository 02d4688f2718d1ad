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

/* Operations fence's profiles use. */
static const char *const operations[] = {
    "default",
    "file-ioctl",
    "file-read*",
    "file-read-data",
    "file-read-metadata",
    "file-write*",
    "file-write-data",
    "file-write-unlink",
    "iokit-get-properties",
    "ipc-posix-sem",
    "ipc-posix-shm",
    "mach-lookup",
    "mach-priv-task-port",
    "mach-register",
    "network*",
    "network-bind",
    "network-inbound",
    "network-outbound",
    "process-exec",
    "process-fork",
    "process-info*",
    "pseudo-tty",
    "signal",
    "sysctl-read",
    "sysctl-write",
    "system-socket",
    "user-preference-read",
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
	const char *symbols; /* for ARG_SYMBOL: space-separated, with spaces around */
};

static const struct filter filters[] = {
    {"literal", ARG_PATH, NULL},
    {"subpath", ARG_PATH, NULL},
    {"regex", ARG_REGEX, NULL},
    {"global-name", ARG_STRING, NULL},
    {"global-name-regex", ARG_REGEX, NULL},
    {"sysctl-name", ARG_STRING, NULL},
    {"sysctl-name-prefix", ARG_STRING, NULL},
    {"require-all", ARG_FILTERS, NULL},
    {"require-any", ARG_FILTERS, NULL},
    {"require-not", ARG_FILTERS, NULL},
    {"local", ARG_IP, NULL},
    {"remote", ARG_IP, NULL},
    {"target", ARG_SYMBOL, " same-sandbox "},
    {"vnode-type", ARG_SYMBOL, " CHARACTER-DEVICE DIRECTORY REGULAR-FILE "},
    {"socket-domain", ARG_SYMBOL, " AF_SYSTEM "},
    {"socket-protocol", ARG_NUMBER, NULL},
    {"with", ARG_MESSAGE, NULL},
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

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
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
		do {
			check_filter(ck, &t);
			free(t.text);
			t = next_token(ck);
		} while (t.kind == TOK_OPEN && !ck->error);
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
	} else {
		check_filter_args(ck, f, &head);
	}
	free(head.text);
}

/* Check an allow or deny rule after its action. */
static void check_rule(struct checker *ck, const struct token *action)
{
	struct token t = next_token(ck);
	size_t ops = 0;

	while (t.kind == TOK_ATOM && !ck->error) {
		if (!in_list(operations, ELEMENTSOF(operations), t.text))
			fail(ck, &t, "unknown operation", t.text);
		ops++;
		free(t.text);
		t = next_token(ck);
	}
	if (ops == 0)
		fail(ck, &t, "expected an operation after", action->text);
	while (t.kind == TOK_OPEN && !ck->error) {
		check_filter(ck, &t);
		free(t.text);
		t = next_token(ck);
	}
	if (t.kind != TOK_CLOSE)
		fail(ck, &t, "expected ')' to close", action->text);
	free(t.text);
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
