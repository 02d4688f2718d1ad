/* SPDX-License-Identifier: MIT */
/*
 * policy/cmdline.c: the command-line splitter.
 *
 * Two passes.  The parser walks the line once, like a shell's lexer and
 * grammar rolled together.  It removes quotes and escapes and expands
 * what it can know: variables assigned earlier in the same line, $IFS and
 * brace lists.  It skips reserved words, assignments and redirections,
 * descends into substitutions, and appends each simple command to the
 * output.  The
 * second pass then looks at each command once: a wrapper (`sudo`, `env`,
 * `timeout`, ...) adds the command it wraps, a shell with `-c` or a
 * literal here-document and `eval` add what their string splits into.
 * Commands added by that pass are themselves looked at, so `sudo sh -c
 * 'env git push'` ends with `git push`.
 *
 * Every byte of a word carries where it came from (quoted, literal,
 * expanded): brace expansion and assignment detection only act on literal
 * bytes, and globbing only on unquoted ones, as in the shell.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "policy/cmdline.h"
#include "util/util.h"

/* Where a byte of a word came from. */
enum {
	CH_QUOTED = 0, /* inside quotes or escaped: never special */
	CH_LITERAL = 1, /* typed unquoted: braces, globs, '=' all count */
	CH_EXPANDED = 2, /* from an unquoted expansion: globs count */
};

/* Brace expansion of one word stops at this many results. */
#define BRACE_MAX_WORDS 256

struct sbuf {
	char *s;
	size_t n;
	size_t cap;
};

/* A word being built, with the origin of each byte. */
struct rawword {
	struct sbuf text;
	struct sbuf mask;
	bool started; /* quotes seen, so "" is a word of its own */
};

struct rawwords {
	struct rawword *v;
	size_t n;
	size_t cap;
};

struct heredoc {
	char *delim; /* owned */
	bool quoted; /* no expansion in the body */
	bool strip_tabs; /* <<- */
	size_t cmd; /* index in the output, or SIZE_MAX for the command being built */
};

/* State shared by every parser of one cmdline_split() call. */
struct split_state {
	struct cmdline_split *out;
	struct strv var_names; /* variables assigned earlier in the line */
	struct strv var_values;
	int error;
};

struct parser {
	const char *s; /* NUL-terminated */
	size_t pos;
	unsigned depth;
	struct split_state *st;
	struct heredoc *heredocs; /* owned, pending until the next newline */
	size_t n_heredocs;
};

/* The parser's position in a simple command or compound command. */
enum cmd_state {
	ST_START, /* reserved words and assignments still possible */
	ST_ARGS, /* after the command name */
	ST_SKIP_NAME, /* the name after for, select, function, case */
	ST_FOR_IN, /* after 'for NAME': 'in' or 'do' */
	ST_SKIP_LIST, /* the word list of 'for ... in' */
	ST_COND, /* inside [[ ... ]] */
	ST_CASE_IN, /* after 'case WORD' */
	ST_CASE_PATTERN, /* case labels up to ')' */
};

/* The simple command being built by parse_list(). */
struct builder {
	struct rawwords words;
	struct strv assigns; /* NAME=value words before the command name */
	char *stdin_text; /* owned */
	enum cmd_state state;
	enum cmd_state after_name; /* the state after ST_SKIP_NAME */
	unsigned case_level;
};

enum list_end {
	END_EOF,
	END_PAREN,
};

/* Lexing modes of lex_chars(). */
enum lex_mode {
	LEX_WORD, /* stop at a blank or an operator */
	LEX_SUBST, /* a whole unquoted substring: blanks split fields */
};

static void parse_list(struct parser *p, enum list_end end);
static void lex_chars(struct parser *p, struct rawword *w, struct rawwords *out, enum lex_mode mode);
static void lex_dquote(struct parser *p, struct rawword *w, struct rawwords *out, bool heredoc);
static void split_string(struct split_state *st, const char *s, unsigned depth);

static void sbuf_putc(struct sbuf *b, char c)
{
	if (b->n + 2 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->s = xrealloc(b->s, b->cap);
	}
	b->s[b->n++] = c;
	b->s[b->n] = '\0';
}

static void sbuf_put(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sbuf_putc(b, s[i]);
}

static void sbuf_done(struct sbuf *b)
{
	free(b->s);
	*b = (struct sbuf){ 0 };
}

static const char *sbuf_str(const struct sbuf *b)
{
	return b->s ? b->s : "";
}

static void word_putc(struct rawword *w, char c, char origin)
{
	sbuf_putc(&w->text, c);
	sbuf_putc(&w->mask, origin);
}

static void word_put(struct rawword *w, const char *s, size_t n, char origin)
{
	for (size_t i = 0; i < n; i++)
		word_putc(w, s[i], origin);
}

static void rawword_done(struct rawword *w)
{
	sbuf_done(&w->text);
	sbuf_done(&w->mask);
	w->started = false;
}

static void rawwords_done(struct rawwords *l)
{
	for (size_t i = 0; i < l->n; i++)
		rawword_done(&l->v[i]);
	free(l->v);
	*l = (struct rawwords){ 0 };
}

/* End the word in *w at a field break, moving it to out when it exists. */
static void word_break(struct rawword *w, struct rawwords *out)
{
	if (w->text.n == 0 && !w->started)
		return;
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
	}
	out->v[out->n++] = *w;
	*w = (struct rawword){ 0 };
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_operator_char(char c)
{
	return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')' ||
	       c == '\n';
}

static bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static char peek(const struct parser *p, size_t ahead)
{
	for (size_t i = 0; i < ahead; i++)
		if (p->s[p->pos + i] == '\0')
			return '\0';
	return p->s[p->pos + ahead];
}

/* Set the split's error once; the first cause wins. */
static void fail(struct split_state *st, int error)
{
	if (st->error == 0)
		st->error = error;
}

static const char *var_lookup(const struct split_state *st, const char *name, size_t n)
{
	/* The latest assignment wins, so search from the end. */
	for (size_t i = st->var_names.n; i-- > 0;)
		if (strlen(st->var_names.v[i]) == n && memcmp(st->var_names.v[i], name, n) == 0)
			return st->var_values.v[i];
	return NULL;
}

static void var_set(struct split_state *st, const char *name, size_t n, const char *value)
{
	strv_push_take(&st->var_names, xstrndup(name, n));
	strv_push(&st->var_values, value);
}

/*
 * Append an expanded value: quoted values stay one field; unquoted ones
 * are split at blanks and newlines as with the default IFS.
 */
static void put_value(struct rawword *w, struct rawwords *out, const char *value, bool quoted)
{
	for (const char *c = value; *c; c++) {
		if (!quoted && (is_blank(*c) || *c == '\n'))
			word_break(w, out);
		else
			word_putc(w, *c, quoted ? CH_QUOTED : CH_EXPANDED);
	}
}

/* Decode one backslash escape of $'...' at p->pos (after the '\'). */
static void lex_ansi_escape(struct parser *p, struct rawword *w)
{
	static const char simple_from[] = "ntrabeEfv\\'\"?";
	static const char simple_to[] = "\n\t\r\a\b\033\033\f\v\\'\"?";
	char c = peek(p, 0);
	const char *hit;
	uint32_t v = 0;
	int max = 0, base = 16, got = 0;

	if (c == '\0')
		return;
	p->pos++;
	hit = strchr(simple_from, c);
	if (hit) {
		word_putc(w, simple_to[hit - simple_from], CH_QUOTED);
		return;
	}
	if (c == 'c' && peek(p, 0)) {
		word_putc(w, (char)(toupper((unsigned char)peek(p, 0)) ^ 0x40), CH_QUOTED);
		p->pos++;
		return;
	}
	if (c >= '0' && c <= '7') {
		p->pos--;
		max = 3;
		base = 8;
	} else if (c == 'x') {
		max = 2;
	} else if (c == 'u') {
		max = 4;
	} else if (c == 'U') {
		max = 8;
	} else {
		word_putc(w, '\\', CH_QUOTED);
		word_putc(w, c, CH_QUOTED);
		return;
	}
	for (; got < max; got++) {
		char d = peek(p, 0);
		int digit;

		if (base == 8 && d >= '0' && d <= '7')
			digit = d - '0';
		else if (base == 16 && isxdigit((unsigned char)d))
			digit = isdigit((unsigned char)d) ? d - '0' : (tolower((unsigned char)d) - 'a' + 10);
		else
			break;
		v = v * (uint32_t)base + (uint32_t)digit;
		p->pos++;
	}
	if (got == 0) {
		word_putc(w, '\\', CH_QUOTED);
		word_putc(w, c, CH_QUOTED);
		return;
	}
	if (c != 'u' && c != 'U') {
		/* bash ends a $'...' word at a NUL byte; dropping it is close enough. */
		if ((v & 0xff) != 0)
			word_putc(w, (char)(v & 0xff), CH_QUOTED);
		return;
	}
	/* \u and \U give a code point, written as UTF-8. */
	if (v == 0 || v > 0x10ffff)
		return;
	if (v < 0x80) {
		word_putc(w, (char)v, CH_QUOTED);
	} else if (v < 0x800) {
		word_putc(w, (char)(0xc0 | (v >> 6)), CH_QUOTED);
		word_putc(w, (char)(0x80 | (v & 0x3f)), CH_QUOTED);
	} else if (v < 0x10000) {
		word_putc(w, (char)(0xe0 | (v >> 12)), CH_QUOTED);
		word_putc(w, (char)(0x80 | ((v >> 6) & 0x3f)), CH_QUOTED);
		word_putc(w, (char)(0x80 | (v & 0x3f)), CH_QUOTED);
	} else {
		word_putc(w, (char)(0xf0 | (v >> 18)), CH_QUOTED);
		word_putc(w, (char)(0x80 | ((v >> 12) & 0x3f)), CH_QUOTED);
		word_putc(w, (char)(0x80 | ((v >> 6) & 0x3f)), CH_QUOTED);
		word_putc(w, (char)(0x80 | (v & 0x3f)), CH_QUOTED);
	}
}

/* Lex $'...' from just after the opening quote. */
static void lex_ansi(struct parser *p, struct rawword *w)
{
	w->started = true;
	for (;;) {
		char c = peek(p, 0);

		if (c == '\0')
			return;
		p->pos++;
		if (c == '\'')
			return;
		if (c == '\\')
			lex_ansi_escape(p, w);
		else
			word_putc(w, c, CH_QUOTED);
	}
}

/* Lex '...' from just after the opening quote. */
static void lex_squote(struct parser *p, struct rawword *w)
{
	w->started = true;
	while (peek(p, 0) && peek(p, 0) != '\'')
		word_putc(w, p->s[p->pos++], CH_QUOTED);
	if (peek(p, 0) == '\'')
		p->pos++;
}

/* Free what a parser still holds: here-documents whose body never came. */
static void parser_done(struct parser *p)
{
	for (size_t i = 0; i < p->n_heredocs; i++)
		free(p->heredocs[i].delim);
	free(p->heredocs);
	p->heredocs = NULL;
	p->n_heredocs = 0;
}

/*
 * Split a nested string (backquotes, -c, eval, a here-document read by a
 * shell) as a line of its own, one level deeper.
 */
static void split_string(struct split_state *st, const char *s, unsigned depth)
{
	struct parser sub = { .s = s, .depth = depth, .st = st };

	if (depth > CMDLINE_MAX_DEPTH) {
		fail(st, -ELOOP);
		return;
	}
	parse_list(&sub, END_EOF);
	parser_done(&sub);
}

/*
 * Lex a backquoted substitution from just after the opening '`': undo the
 * backslash escapes the shell undoes there, then split the body.
 */
static void lex_backquote(struct parser *p, struct rawword *w, bool in_dquote)
{
	struct sbuf body = { 0 };
	size_t start = p->pos - 1;

	for (;;) {
		char c = peek(p, 0);

		if (c == '\0')
			break;
		p->pos++;
		if (c == '`')
			break;
		if (c == '\\' && peek(p, 0)) {
			char next = peek(p, 0);

			if (next == '$' || next == '`' || next == '\\' || (in_dquote && next == '"')) {
				sbuf_putc(&body, next);
				p->pos++;
				continue;
			}
		}
		sbuf_putc(&body, c);
	}
	split_string(p->st, sbuf_str(&body), p->depth + 1);
	sbuf_done(&body);
	/* The output cannot be known: keep the source text, inert. */
	word_put(w, p->s + start, p->pos - start, CH_QUOTED);
	w->started = true;
}

/* Lex $(( ... )) from just after "$((", splitting any substitution inside. */
static void lex_arith(struct parser *p)
{
	struct rawword scratch = { 0 };
	struct rawwords scratch_out = { 0 };
	int depth = 0;

	for (;;) {
		char c = peek(p, 0);

		if (c == '\0')
			break;
		if (c == ')' && depth == 0) {
			p->pos++;
			if (peek(p, 0) == ')')
				p->pos++;
			break;
		}
		if (c == '$' || c == '`' || c == '"' || c == '\'') {
			/* Delegate quoting and substitutions to the word lexer. */
			lex_chars(p, &scratch, &scratch_out, LEX_WORD);
			if (peek(p, 0) == c && c != '$')
				p->pos++;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
		p->pos++;
	}
	rawword_done(&scratch);
	rawwords_done(&scratch_out);
}

/* Lex $( ... ) from just after "$(": its commands are split one level deeper. */
static void lex_cmdsubst(struct parser *p, struct rawword *w, size_t start)
{
	p->depth++;
	if (p->depth > CMDLINE_MAX_DEPTH)
		fail(p->st, -ELOOP);
	else
		parse_list(p, END_PAREN);
	p->depth--;
	word_put(w, p->s + start, p->pos - start, CH_QUOTED);
	w->started = true;
}

/* Find the '}' closing a ${ at p->pos (just after "${"). */
static size_t find_brace_end(const struct parser *p)
{
	size_t i = p->pos;
	int depth = 0;

	for (; p->s[i]; i++) {
		char c = p->s[i];

		if (c == '\\' && p->s[i + 1]) {
			i++;
		} else if (c == '\'') {
			while (p->s[i + 1] && p->s[i + 1] != '\'')
				i++;
			if (p->s[i + 1])
				i++;
		} else if (c == '$' && p->s[i + 1] == '{') {
			depth++;
			i++;
		} else if (c == '}') {
			if (depth == 0)
				return i;
			depth--;
		}
	}
	return i;
}

/* Lex the text of a ${...} operand (a default value) into w. */
static void lex_operand(struct parser *p, const char *text, size_t n, struct rawword *w,
			struct rawwords *out, bool quoted)
{
	_cleanup_free_ char *copy = xstrndup(text, n);
	struct parser sub = { .s = copy, .depth = p->depth, .st = p->st };

	if (quoted)
		lex_dquote(&sub, w, out, true);
	else
		lex_chars(&sub, w, out, LEX_SUBST);
	parser_done(&sub);
}

/*
 * Lex ${...} from just after "${".  ${NAME} and the default-value forms
 * (${X:-word}, ${X-word}, ${X:=word}, ${X=word}) are expanded from what
 * the line assigned; every other form stays as inert text, but
 * substitutions inside it are still split.
 */
static void lex_param(struct parser *p, struct rawword *w, struct rawwords *out, bool quoted,
		      size_t start)
{
	size_t end = find_brace_end(p);
	const char *body = p->s + p->pos;
	size_t n = end - p->pos, name_len = 0;
	const char *value;

	while (name_len < n && is_name_char(body[name_len]))
		name_len++;
	if (name_len == 0 || !is_name_start(body[0])) {
		struct rawword scratch = { 0 };
		struct rawwords scratch_out = { 0 };

		lex_operand(p, body, n, &scratch, &scratch_out, false);
		rawword_done(&scratch);
		rawwords_done(&scratch_out);
		goto inert;
	}

	value = var_lookup(p->st, body, name_len);
	if (name_len == n) {
		if (!value && !quoted && name_len == 3 && memcmp(body, "IFS", 3) == 0) {
			word_break(w, out);
			goto done;
		}
		if (!value)
			goto inert;
		put_value(w, out, value, quoted);
		goto done;
	}

	{
		const char *op = body + name_len;
		size_t op_len = (op[0] == ':' && name_len + 1 < n) ? 2 : 1;
		char kind = op[op_len - 1];

		if (kind == '-' || kind == '=') {
			if (value && (op_len == 1 || value[0]))
				put_value(w, out, value, quoted);
			else
				lex_operand(p, op + op_len, n - name_len - op_len, w, out, quoted);
			goto done;
		}
		struct rawword scratch = { 0 };
		struct rawwords scratch_out = { 0 };

		lex_operand(p, op + op_len, n - name_len - op_len, &scratch, &scratch_out, false);
		rawword_done(&scratch);
		rawwords_done(&scratch_out);
	}
inert:
	p->pos = end;
	if (peek(p, 0) == '}')
		p->pos++;
	word_put(w, p->s + start, p->pos - start, CH_QUOTED);
	w->started = true;
	return;
done:
	p->pos = end;
	if (peek(p, 0) == '}')
		p->pos++;
	w->started = w->started || quoted;
}

/* Lex an expansion starting with '$' at p->pos. */
static void lex_dollar(struct parser *p, struct rawword *w, struct rawwords *out, bool quoted)
{
	size_t start = p->pos;
	char c = peek(p, 1);

	if (!quoted && c == '\'') {
		p->pos += 2;
		lex_ansi(p, w);
	} else if (!quoted && c == '"') {
		p->pos += 2;
		lex_dquote(p, w, out, false);
	} else if (c == '(' && peek(p, 2) == '(') {
		p->pos += 3;
		lex_arith(p);
		word_put(w, p->s + start, p->pos - start, CH_QUOTED);
		w->started = true;
	} else if (c == '(') {
		p->pos += 2;
		lex_cmdsubst(p, w, start);
	} else if (c == '{') {
		p->pos += 2;
		lex_param(p, w, out, quoted, start);
	} else if (is_name_start(c)) {
		size_t n = 0;
		const char *value;

		p->pos++;
		while (is_name_char(peek(p, n)))
			n++;
		value = var_lookup(p->st, p->s + p->pos, n);
		if (value) {
			put_value(w, out, value, quoted);
			w->started = w->started || quoted;
		} else if (!quoted && n == 3 && memcmp(p->s + p->pos, "IFS", 3) == 0) {
			word_break(w, out);
		} else {
			word_put(w, p->s + start, n + 1, CH_QUOTED);
			w->started = true;
		}
		p->pos += n;
	} else if (c && (isdigit((unsigned char)c) || strchr("@*#?$!-", c))) {
		word_put(w, p->s + start, 2, CH_QUOTED);
		w->started = true;
		p->pos += 2;
	} else {
		word_putc(w, '$', quoted ? CH_QUOTED : CH_LITERAL);
		p->pos++;
	}
}

/*
 * Lex a double-quoted string from just after the opening '"' (or a whole
 * here-document body, where '"' is an ordinary character).
 */
static void lex_dquote(struct parser *p, struct rawword *w, struct rawwords *out, bool heredoc)
{
	w->started = true;
	for (;;) {
		char c = peek(p, 0);

		if (c == '\0')
			return;
		if (c == '"' && !heredoc) {
			p->pos++;
			return;
		}
		if (c == '\\') {
			char next = peek(p, 1);

			if (next == '\n') {
				p->pos += 2;
				continue;
			}
			if (next == '$' || next == '`' || next == '\\' || (next == '"' && !heredoc)) {
				word_putc(w, next, CH_QUOTED);
				p->pos += 2;
				continue;
			}
			word_putc(w, c, CH_QUOTED);
			p->pos++;
			continue;
		}
		if (c == '$') {
			lex_dollar(p, w, out, true);
			continue;
		}
		if (c == '`') {
			p->pos++;
			lex_backquote(p, w, true);
			continue;
		}
		word_putc(w, c, CH_QUOTED);
		p->pos++;
	}
}

/*
 * Lex unquoted characters into w: a word (LEX_WORD stops at a blank or an
 * operator) or a whole substring (LEX_SUBST).
 */
static void lex_chars(struct parser *p, struct rawword *w, struct rawwords *out, enum lex_mode mode)
{
	for (;;) {
		char c = peek(p, 0);

		if (c == '\0')
			return;
		if (is_blank(c) || c == '\n') {
			if (mode == LEX_WORD)
				return;
			word_break(w, out);
			p->pos++;
			continue;
		}
		if (mode == LEX_WORD && is_operator_char(c)) {
			/* NAME=( ... ) assigns an array: its elements are not commands. */
			if (c == '(' && w->text.n > 0 && w->text.s[w->text.n - 1] == '=') {
				while (peek(p, 0) && peek(p, 0) != ')')
					word_putc(w, p->s[p->pos++], CH_QUOTED);
				if (peek(p, 0))
					word_putc(w, p->s[p->pos++], CH_QUOTED);
				continue;
			}
			return;
		}
		switch (c) {
		case '\\':
			p->pos++;
			if (peek(p, 0) == '\n') {
				p->pos++;
			} else if (peek(p, 0)) {
				word_putc(w, p->s[p->pos++], CH_QUOTED);
				w->started = true;
			}
			break;
		case '\'':
			p->pos++;
			lex_squote(p, w);
			break;
		case '"':
			p->pos++;
			lex_dquote(p, w, out, false);
			break;
		case '`':
			p->pos++;
			lex_backquote(p, w, false);
			break;
		case '$':
			lex_dollar(p, w, out, false);
			break;
		default:
			word_putc(w, c, CH_LITERAL);
			p->pos++;
			break;
		}
	}
}

/* Lex one word at p->pos into out (several words when it field-splits). */
static void lex_word(struct parser *p, struct rawwords *out)
{
	struct rawword w = { 0 };

	lex_chars(p, &w, out, LEX_WORD);
	word_break(&w, out);
	rawword_done(&w);
}

/* Whether w consists of literal bytes equal to s: how reserved words are recognised. */
static bool word_is(const struct rawword *w, const char *s)
{
	size_t n = strlen(s);

	if (w->text.n != n || memcmp(w->text.s, s, n) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (w->mask.s[i] != CH_LITERAL)
			return false;
	return true;
}

/* The length of the NAME in a NAME=value or NAME+=value word, or 0. */
static size_t assignment_name_len(const struct rawword *w)
{
	size_t i = 0;

	if (w->text.n == 0 || !is_name_start(w->text.s[0]))
		return 0;
	while (i < w->text.n && is_name_char(w->text.s[i]) && w->mask.s[i] == CH_LITERAL)
		i++;
	if (i < w->text.n && w->text.s[i] == '=' && w->mask.s[i] == CH_LITERAL)
		return i;
	if (i + 1 < w->text.n && w->text.s[i] == '+' && w->text.s[i + 1] == '=' &&
	    w->mask.s[i] == CH_LITERAL)
		return i;
	return 0;
}

static struct cmdline_command *split_append(struct split_state *st, unsigned depth)
{
	struct cmdline_split *out = st->out;

	if (out->n >= CMDLINE_MAX_COMMANDS) {
		fail(st, -E2BIG);
		return NULL;
	}
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->commands = xrealloc(out->commands, out->cap * sizeof(*out->commands));
	}
	out->commands[out->n] = (struct cmdline_command){ .depth = depth };
	return &out->commands[out->n++];
}

/* Add one word to c, building its glob pattern from the byte origins. */
static void command_add_word(struct cmdline_command *c, const char *text, const char *mask,
			     size_t n)
{
	struct sbuf pat = { 0 };
	bool glob = false;

	for (size_t i = 0; i < n; i++) {
		char ch = text[i];

		if (mask[i] != CH_QUOTED && (ch == '*' || ch == '?' || ch == '['))
			glob = true;
		if (strchr("*?[]\\", ch) && (mask[i] == CH_QUOTED || ch == '\\'))
			sbuf_putc(&pat, '\\');
		sbuf_putc(&pat, ch);
	}
	c->words = xrealloc(c->words, (c->n + 1) * sizeof(*c->words));
	c->words[c->n].text = xstrndup(text, n);
	c->words[c->n].pattern = glob ? xstrdup(sbuf_str(&pat)) : NULL;
	c->n++;
	sbuf_done(&pat);
}

/* Add a copy of an already expanded word to c. */
static void command_push_word(struct cmdline_command *c, const char *text, const char *pattern)
{
	c->words = xrealloc(c->words, (c->n + 1) * sizeof(*c->words));
	c->words[c->n].text = xstrdup(text);
	c->words[c->n].pattern = pattern ? xstrdup(pattern) : NULL;
	c->n++;
}

/* Find the first literal {a,b} group in text[0..n): returns true and its bounds. */
static bool find_brace_group(const char *text, const char *mask, size_t n, size_t *ret_open,
			     size_t *ret_close)
{
	for (size_t open = 0; open < n; open++) {
		int depth = 0;
		bool comma = false;

		if (text[open] != '{' || mask[open] != CH_LITERAL)
			continue;
		for (size_t i = open + 1; i < n; i++) {
			if (mask[i] != CH_LITERAL)
				continue;
			if (text[i] == '{') {
				depth++;
			} else if (text[i] == '}' && depth > 0) {
				depth--;
			} else if (text[i] == '}') {
				if (!comma)
					break;
				*ret_open = open;
				*ret_close = i;
				return true;
			} else if (text[i] == ',' && depth == 0) {
				comma = true;
			}
		}
	}
	return false;
}

/*
 * Add a word to c after bash brace expansion: `{git,push}` runs `git
 * push`, so a literal comma list expands into several words.  Sequences
 * ({a..z}) are left alone.
 */
static void command_add_expanded(struct cmdline_command *c, const char *text, const char *mask,
				 size_t n, unsigned *budget)
{
	size_t open, close, from;
	int depth = 0;

	if (*budget == 0 || !find_brace_group(text, mask, n, &open, &close)) {
		command_add_word(c, text, mask, n);
		return;
	}
	from = open + 1;
	for (size_t i = open + 1; i <= close; i++) {
		struct sbuf t = { 0 }, m = { 0 };

		if (mask[i] == CH_LITERAL && text[i] == '{')
			depth++;
		if (mask[i] == CH_LITERAL && text[i] == '}' && i < close)
			depth--;
		if (!(i == close || (mask[i] == CH_LITERAL && text[i] == ',' && depth == 0)))
			continue;
		sbuf_put(&t, text, open);
		sbuf_put(&m, mask, open);
		sbuf_put(&t, text + from, i - from);
		sbuf_put(&m, mask + from, i - from);
		sbuf_put(&t, text + close + 1, n - close - 1);
		sbuf_put(&m, mask + close + 1, n - close - 1);
		if (*budget > 0)
			(*budget)--;
		command_add_expanded(c, sbuf_str(&t), sbuf_str(&m), t.n, budget);
		sbuf_done(&t);
		sbuf_done(&m);
		from = i + 1;
	}
}

static bool is_declaration_builtin(const char *s)
{
	static const char *const names[] = { "export", "local", "declare", "typeset", "readonly" };

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (strcmp(s, names[i]) == 0)
			return true;
	return false;
}

/* Remember NAME=value so later $NAME in the line expands to value. */
static void record_assignment(struct split_state *st, const char *word)
{
	const char *eq = strchr(word, '=');

	if (!eq || eq == word)
		return;
	if (eq[-1] == '+') {
		const char *old = var_lookup(st, word, (size_t)(eq - 1 - word));
		_cleanup_free_ char *joined = xasprintf("%s%s", old ? old : "", eq + 1);

		var_set(st, word, (size_t)(eq - 1 - word), joined);
		return;
	}
	var_set(st, word, (size_t)(eq - word), eq + 1);
}

/* Emit the simple command built so far and reset the builder. */
static void builder_flush(struct parser *p, struct builder *b)
{
	struct cmdline_command *c;
	unsigned budget = BRACE_MAX_WORDS;

	for (size_t i = 0; i < p->n_heredocs; i++)
		if (p->heredocs[i].cmd == SIZE_MAX)
			p->heredocs[i].cmd = b->words.n ? p->st->out->n : SIZE_MAX - 1;

	if (b->words.n == 0) {
		/* Only assignments: they set shell variables for the rest of the line. */
		for (size_t i = 0; i < b->assigns.n; i++)
			record_assignment(p->st, b->assigns.v[i]);
	} else {
		c = split_append(p->st, p->depth);
		if (c) {
			for (size_t i = 0; i < b->words.n; i++) {
				struct rawword *w = &b->words.v[i];

				command_add_expanded(c, sbuf_str(&w->text), sbuf_str(&w->mask),
						     w->text.n, &budget);
			}
			c->stdin_text = TAKE_PTR(b->stdin_text);
			if (c->n > 0 && is_declaration_builtin(c->words[0].text))
				for (size_t i = 1; i < c->n; i++)
					if (is_name_start(c->words[i].text[0]))
						record_assignment(p->st, c->words[i].text);
		}
	}
	rawwords_done(&b->words);
	strv_done(&b->assigns);
	free(b->stdin_text);
	b->stdin_text = NULL;
	b->state = ST_START;
}

static void builder_push(struct builder *b, struct rawword *w)
{
	word_break(w, &b->words);
}

/* Whether w is a reserved word that starts or continues a compound command. */
static bool is_plain_reserved(const struct rawword *w)
{
	static const char *const words[] = { "if", "then", "elif", "else", "fi", "while", "until",
					     "do", "done", "!", "{", "}", "in", "coproc" };

	for (size_t i = 0; i < ELEMENTSOF(words); i++)
		if (word_is(w, words[i]))
			return true;
	return false;
}

/* Handle a word at the start of a simple command. */
static void builder_start_word(struct parser *p, struct builder *b, struct rawword *w)
{
	if (is_plain_reserved(w))
		return;
	if (word_is(w, "for") || word_is(w, "select")) {
		b->state = ST_SKIP_NAME;
		b->after_name = ST_FOR_IN;
		return;
	}
	if (word_is(w, "case")) {
		b->state = ST_SKIP_NAME;
		b->after_name = ST_CASE_IN;
		b->case_level++;
		return;
	}
	if (word_is(w, "esac")) {
		if (b->case_level > 0)
			b->case_level--;
		return;
	}
	if (word_is(w, "function")) {
		b->state = ST_SKIP_NAME;
		b->after_name = ST_START;
		return;
	}
	if (word_is(w, "[[")) {
		b->state = ST_COND;
		return;
	}
	if (assignment_name_len(w) > 0) {
		strv_push(&b->assigns, sbuf_str(&w->text));
		return;
	}
	b->state = ST_ARGS;
	builder_push(b, w);
}

/* Feed one lexed word to the builder according to its state. */
static void builder_word(struct parser *p, struct builder *b, struct rawword *w)
{
	switch (b->state) {
	case ST_START:
		builder_start_word(p, b, w);
		break;
	case ST_ARGS:
		builder_push(b, w);
		break;
	case ST_SKIP_NAME:
		b->state = b->after_name;
		break;
	case ST_FOR_IN:
		b->state = word_is(w, "in") ? ST_SKIP_LIST : ST_START;
		break;
	case ST_SKIP_LIST:
		if (word_is(w, "do"))
			b->state = ST_START;
		break;
	case ST_COND:
		if (word_is(w, "]]"))
			b->state = ST_ARGS;
		break;
	case ST_CASE_IN:
		if (word_is(w, "in"))
			b->state = ST_CASE_PATTERN;
		break;
	case ST_CASE_PATTERN:
		if (word_is(w, "esac")) {
			if (b->case_level > 0)
				b->case_level--;
			b->state = ST_START;
		}
		break;
	}
}

/* Read the bodies of the pending here-documents after a newline. */
static void read_heredocs(struct parser *p, struct builder *b)
{
	for (size_t h = 0; h < p->n_heredocs; h++) {
		struct heredoc *d = &p->heredocs[h];
		struct sbuf body = { 0 };

		while (peek(p, 0)) {
			const char *line = p->s + p->pos;
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);
			const char *cmp = line;

			p->pos += len + (nl ? 1 : 0);
			while (d->strip_tabs && *cmp == '\t' && cmp < line + len)
				cmp++;
			if ((size_t)(line + len - cmp) == strlen(d->delim) &&
			    memcmp(cmp, d->delim, strlen(d->delim)) == 0)
				break;
			sbuf_put(&body, cmp, (size_t)(line + len - cmp));
			sbuf_putc(&body, '\n');
		}

		if (!d->quoted) {
			/* Substitutions in an unquoted body run; expand it like "...". */
			struct parser sub = { .s = sbuf_str(&body), .depth = p->depth, .st = p->st };
			struct rawword w = { 0 };
			struct rawwords scratch = { 0 };

			lex_dquote(&sub, &w, &scratch, true);
			parser_done(&sub);
			sbuf_done(&body);
			body = w.text;
			sbuf_done(&w.mask);
			rawwords_done(&scratch);
		}
		if (d->cmd == SIZE_MAX) {
			free(b->stdin_text);
			b->stdin_text = xstrdup(sbuf_str(&body));
		} else if (d->cmd < p->st->out->n) {
			free(p->st->out->commands[d->cmd].stdin_text);
			p->st->out->commands[d->cmd].stdin_text = xstrdup(sbuf_str(&body));
		}
		sbuf_done(&body);
		free(d->delim);
	}
	p->n_heredocs = 0;
}

/* Parse a redirection operator at p->pos and its target word. */
static void parse_redirection(struct parser *p, struct builder *b)
{
	struct rawwords target = { 0 };
	bool heredoc = false, herestring = false, strip = false;
	size_t start;

	if (peek(p, 0) == '&') /* &> and &>> */
		p->pos++;
	if (peek(p, 0) == '<' && peek(p, 1) == '<' && peek(p, 2) == '<') {
		herestring = true;
		p->pos += 3;
	} else if (peek(p, 0) == '<' && peek(p, 1) == '<') {
		heredoc = true;
		p->pos += 2;
		if (peek(p, 0) == '-') {
			strip = true;
			p->pos++;
		}
	} else {
		p->pos++;
		if (strchr(">&|", peek(p, 0)) && peek(p, 0)) /* >> >& <& >| <> */
			p->pos++;
		else if (p->s[p->pos - 1] == '<' && peek(p, 0) == '>')
			p->pos++;
	}
	while (is_blank(peek(p, 0)))
		p->pos++;
	start = p->pos;
	lex_word(p, &target);

	if (heredoc) {
		struct sbuf delim = { 0 };
		bool quoted = false;

		for (size_t i = start; i < p->pos; i++)
			if (p->s[i] == '\'' || p->s[i] == '"' || p->s[i] == '\\')
				quoted = true;
		for (size_t i = 0; i < target.n; i++)
			sbuf_put(&delim, sbuf_str(&target.v[i].text), target.v[i].text.n);
		p->heredocs = xrealloc(p->heredocs, (p->n_heredocs + 1) * sizeof(*p->heredocs));
		p->heredocs[p->n_heredocs++] = (struct heredoc){
			.delim = xstrdup(sbuf_str(&delim)),
			.quoted = quoted,
			.strip_tabs = strip,
			.cmd = SIZE_MAX,
		};
		sbuf_done(&delim);
	} else if (herestring) {
		struct sbuf text = { 0 };

		for (size_t i = 0; i < target.n; i++) {
			if (i > 0)
				sbuf_putc(&text, ' ');
			sbuf_put(&text, sbuf_str(&target.v[i].text), target.v[i].text.n);
		}
		free(b->stdin_text);
		b->stdin_text = xstrdup(sbuf_str(&text));
		sbuf_done(&text);
	}
	rawwords_done(&target);
}

/* Whether p->pos starts an IO number: digits directly followed by '<' or '>'. */
static bool at_io_number(const struct parser *p)
{
	size_t i = 0;

	while (isdigit((unsigned char)peek(p, i)))
		i++;
	return i > 0 && (peek(p, i) == '<' || peek(p, i) == '>');
}

/* Handle '(' in the middle of a list: a subshell, (( )), or a function's "()". */
static void parse_open_paren(struct parser *p, struct builder *b)
{
	size_t i = 1;

	if (b->state == ST_CASE_PATTERN || b->state == ST_COND) {
		p->pos++;
		return;
	}
	if (peek(p, 1) == '(' && (b->state == ST_START || b->state == ST_SKIP_NAME)) {
		/* (( arithmetic )) and for (( ...; ...; ... )) */
		p->pos += 2;
		lex_arith(p);
		b->state = b->state == ST_SKIP_NAME ? ST_START : ST_ARGS;
		return;
	}
	while (is_blank(peek(p, i)))
		i++;
	if (b->state == ST_ARGS && b->words.n == 1 && peek(p, i) == ')') {
		/* NAME () body: a function definition, the body follows. */
		rawwords_done(&b->words);
		p->pos += i + 1;
		b->state = ST_START;
		return;
	}
	builder_flush(p, b);
	p->pos++;
	p->depth++;
	if (p->depth > CMDLINE_MAX_DEPTH)
		fail(p->st, -ELOOP);
	else
		parse_list(p, END_PAREN);
	p->depth--;
	b->state = ST_ARGS;
}

/* Handle a separator or operator at p->pos; returns true at the end of the list. */
static bool parse_operator(struct parser *p, struct builder *b, enum list_end end)
{
	char c = peek(p, 0), n1 = peek(p, 1), n2 = peek(p, 2);

	switch (c) {
	case '\n':
		p->pos++;
		if (b->state == ST_CASE_IN || b->state == ST_CASE_PATTERN || b->state == ST_COND)
			return false;
		read_heredocs(p, b);
		builder_flush(p, b);
		return false;
	case ';':
		if (n1 == ';' || n1 == '&') {
			p->pos += (n1 == ';' && n2 == '&') ? 3 : 2;
			builder_flush(p, b);
			if (b->case_level > 0)
				b->state = ST_CASE_PATTERN;
			return false;
		}
		p->pos++;
		builder_flush(p, b);
		return false;
	case '&':
		if (n1 == '>') {
			parse_redirection(p, b);
			return false;
		}
		p->pos += n1 == '&' ? 2 : 1;
		if (b->state != ST_COND)
			builder_flush(p, b);
		return false;
	case '|':
		p->pos += (n1 == '|' || n1 == '&') ? 2 : 1;
		if (b->state != ST_COND && b->state != ST_CASE_PATTERN)
			builder_flush(p, b);
		return false;
	case '<':
	case '>':
		parse_redirection(p, b);
		return false;
	case '(':
		parse_open_paren(p, b);
		return false;
	case ')':
		p->pos++;
		if (b->state == ST_CASE_PATTERN) {
			b->state = ST_START;
			return false;
		}
		if (b->state == ST_COND)
			return false;
		builder_flush(p, b);
		return end == END_PAREN;
	}
	return false;
}

/* Lex one word (or a process substitution) at p->pos and feed it to the builder. */
static void parse_word(struct parser *p, struct builder *b)
{
	struct rawwords words = { 0 };

	lex_word(p, &words);
	for (size_t i = 0; i < words.n; i++)
		builder_word(p, b, &words.v[i]);
	rawwords_done(&words);
}

/*
 * Parse a list of commands up to the end of the string, or up to the ')'
 * closing a subshell or $( ) when end is END_PAREN.
 */
static void parse_list(struct parser *p, enum list_end end)
{
	struct builder b = { .state = ST_START };

	while (p->st->error == 0) {
		char c = peek(p, 0);

		if (c == '\0')
			break;
		if (is_blank(c)) {
			p->pos++;
			continue;
		}
		if (c == '\\' && peek(p, 1) == '\n') {
			p->pos += 2;
			continue;
		}
		if (c == '#') {
			while (peek(p, 0) && peek(p, 0) != '\n')
				p->pos++;
			continue;
		}
		if ((c == '<' || c == '>') && peek(p, 1) == '(') {
			/* <( ) and >( ): a process substitution is a word. */
			struct rawword w = { 0 };
			size_t start = p->pos;

			p->pos += 2;
			lex_cmdsubst(p, &w, start);
			builder_word(p, &b, &w);
			rawword_done(&w);
			continue;
		}
		if (at_io_number(p)) {
			while (isdigit((unsigned char)peek(p, 0)))
				p->pos++;
			continue;
		}
		if (is_operator_char(c)) {
			if (parse_operator(p, &b, end)) {
				rawwords_done(&b.words);
				strv_done(&b.assigns);
				free(b.stdin_text);
				return;
			}
			continue;
		}
		parse_word(p, &b);
	}
	read_heredocs(p, &b);
	builder_flush(p, &b);
	rawwords_done(&b.words);
	strv_done(&b.assigns);
	free(b.stdin_text);
}

/* How a wrapper command's own options and operands are laid out. */
struct wrapper {
	const char *name;
	const char *short_value; /* getopt letters that take a value */
	const char *short_optional; /* letters whose value can only be attached (-iX) */
	const char *const *long_value; /* long options that take the next word as value */
	const char *stop; /* letters after which the wrapper runs nothing (command -v) */
	unsigned operands; /* operands before the command (timeout's DURATION) */
	bool assignments; /* NAME=value words before the command (env, sudo) */
};

static const char *const env_long[] = { "unset", "chdir", "split-string", NULL };
static const char *const nice_long[] = { "adjustment", NULL };
static const char *const timeout_long[] = { "signal", "kill-after", NULL };
static const char *const time_long[] = { "format", "output", NULL };
static const char *const xargs_long[] = { "arg-file", "delimiter", "max-args", "max-procs",
					  "max-chars", "process-slot-var", NULL };
static const char *const sudo_long[] = { "user", "group", "prompt", "close-from", "chdir",
					 "role", "type", "command-timeout", "other-user",
					 "chroot", "host", NULL };
static const char *const stdbuf_long[] = { "input", "output", "error", NULL };
static const char *const none_long[] = { NULL };

/* clang-format off */
static const struct wrapper wrappers[] = {
	{ "env",     "uCS",        "",    env_long,     "",     0, true },
	{ "command", "",           "",    none_long,    "vV",   0, false },
	{ "exec",    "a",          "",    none_long,    "",     0, false },
	{ "nice",    "n",          "",    nice_long,    "",     0, false },
	{ "nohup",   "",           "",    none_long,    "",     0, false },
	{ "timeout", "sk",         "",    timeout_long, "",     1, false },
	{ "time",    "fo",         "",    time_long,    "",     0, false },
	{ "xargs",   "adEILnPs",   "eil", xargs_long,   "",     0, false },
	{ "sudo",    "ugpCDrtTUR", "",    sudo_long,    "lVvK", 0, true },
	{ "doas",    "uC",         "",    none_long,    "LC",   0, false },
	{ "stdbuf",  "ioe",        "",    stdbuf_long,  "",     0, false },
	{ "setsid",  "",           "",    none_long,    "",     0, false },
	{ "builtin", "",           "",    none_long,    "",     0, false },
};
/* clang-format on */

static const struct wrapper *wrapper_find(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(wrappers); i++)
		if (strcmp(wrappers[i].name, name) == 0)
			return &wrappers[i];
	return NULL;
}

static bool long_takes_value(const struct wrapper *wr, const char *opt)
{
	for (const char *const *l = wr->long_value; *l; l++)
		if (strcmp(*l, opt) == 0)
			return true;
	return false;
}

/* What a wrapper's arguments resolve to. */
struct wrapped {
	size_t command; /* index of the wrapped command's first word, n when none */
	bool runs_nothing;
	const char *split_string; /* env -S: borrowed, NULL if absent */
};

/* Parse one short-option cluster such as "-iu" at words[*i]. */
static void wrapper_short(const struct wrapper *wr, const struct cmdline_command *c, size_t *i,
			  struct wrapped *ret)
{
	const char *arg = c->words[*i].text;

	for (size_t k = 1; arg[k]; k++) {
		char opt = arg[k];

		if (strchr(wr->stop, opt))
			ret->runs_nothing = true;
		if (strchr(wr->short_optional, opt))
			return;
		if (!strchr(wr->short_value, opt))
			continue;
		/* The value is the rest of this word, or the next word. */
		if (arg[k + 1]) {
			if (opt == 'S' && strcmp(wr->name, "env") == 0)
				ret->split_string = arg + k + 1;
			return;
		}
		if (*i + 1 < c->n) {
			(*i)++;
			if (opt == 'S' && strcmp(wr->name, "env") == 0)
				ret->split_string = c->words[*i].text;
		}
		return;
	}
}

/* Walk a wrapper's options like getopt and find the command it runs. */
static struct wrapped wrapper_parse(const struct wrapper *wr, const struct cmdline_command *c)
{
	struct wrapped ret = { .command = c->n };
	unsigned operands = wr->operands;
	size_t i = 1;

	for (; i < c->n; i++) {
		const char *arg = c->words[i].text;

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (strncmp(arg, "--", 2) == 0) {
			const char *eq = strchr(arg, '=');

			if (strcmp(arg, "--split-string") == 0 || strncmp(arg, "--split-string=", 15) == 0) {
				if (eq)
					ret.split_string = eq + 1;
				else if (i + 1 < c->n)
					ret.split_string = c->words[++i].text;
				continue;
			}
			if (!eq && long_takes_value(wr, arg + 2) && i + 1 < c->n)
				i++;
			if (strcmp(wr->name, "sudo") == 0 && strcmp(arg, "--list") == 0)
				ret.runs_nothing = true;
			continue;
		}
		if (arg[0] == '-' && arg[1]) {
			wrapper_short(wr, c, &i, &ret);
			continue;
		}
		if (strcmp(arg, "-") == 0 && strcmp(wr->name, "env") == 0)
			continue;
		break;
	}
	for (; i < c->n; i++) {
		if (wr->assignments && strchr(c->words[i].text, '=') &&
		    is_name_start(c->words[i].text[0]))
			continue;
		if (operands > 0) {
			operands--;
			continue;
		}
		break;
	}
	ret.command = i;
	return ret;
}

/* Append a copy of words[from..n) of c (plus `prefix` words first) one level deeper. */
static void append_words(struct split_state *st, size_t index, char **prefix, size_t from)
{
	struct cmdline_command *dst;
	const struct cmdline_command *src;
	unsigned depth = st->out->commands[index].depth + 1;

	if (depth > CMDLINE_MAX_DEPTH) {
		fail(st, -ELOOP);
		return;
	}
	dst = split_append(st, depth);
	if (!dst)
		return;
	src = &st->out->commands[index]; /* split_append may have moved it */
	for (size_t i = 0; prefix && prefix[i]; i++)
		command_push_word(dst, prefix[i], NULL);
	for (size_t i = from; i < src->n; i++)
		command_push_word(dst, src->words[i].text, src->words[i].pattern);
	if (dst->n == 0)
		st->out->n--;
}

static bool is_shell(const char *name)
{
	static const char *const shells[] = { "sh", "bash", "zsh", "ksh", "dash", "fish", "mksh",
					      "ash", "rbash", "yash", "posh", "lksh", "ksh93" };

	for (size_t i = 0; i < ELEMENTSOF(shells); i++)
		if (strcmp(name, shells[i]) == 0)
			return true;
	return false;
}

/* fish takes its command as the value of -c/--command (and -C/--init-command). */
static void analyze_fish(struct split_state *st, size_t index)
{
	unsigned depth = st->out->commands[index].depth + 1;

	for (size_t i = 1; i < st->out->commands[index].n; i++) {
		const char *arg = st->out->commands[index].words[i].text;
		const char *value = NULL;
		_cleanup_free_ char *copy = NULL;

		if (strncmp(arg, "--command=", 10) == 0 || strncmp(arg, "--init-command=", 15) == 0) {
			value = strchr(arg, '=') + 1;
		} else if (strcmp(arg, "--command") == 0 || strcmp(arg, "--init-command") == 0 ||
			   (arg[0] == '-' && arg[1] != '-' && strpbrk(arg, "cC"))) {
			const char *attached = arg[1] != '-' ? strpbrk(arg, "cC") + 1 : "";

			if (*attached)
				value = attached;
			else if (i + 1 < st->out->commands[index].n)
				value = st->out->commands[index].words[++i].text;
		}
		if (value) {
			copy = xstrdup(value);
			split_string(st, copy, depth);
		}
	}
}

/*
 * A POSIX shell runs its first operand as a command string with -c, and
 * reads commands from stdin (a here-document here) when it has no operand.
 */
static void analyze_shell(struct split_state *st, size_t index)
{
	const struct cmdline_command *c = &st->out->commands[index];
	unsigned depth = c->depth + 1;
	_cleanup_free_ char *copy = NULL;
	bool dash_c = false;
	size_t i = 1;

	if (strcmp(cmdline_basename(c->words[0].text), "fish") == 0) {
		analyze_fish(st, index);
		return;
	}
	for (; i < c->n; i++) {
		const char *arg = c->words[i].text;

		if (strcmp(arg, "--") == 0 || strcmp(arg, "-") == 0) {
			i++;
			break;
		}
		if (strcmp(arg, "--rcfile") == 0 || strcmp(arg, "--init-file") == 0) {
			i++;
			continue;
		}
		if (arg[0] == '-' && arg[1] == '-')
			continue;
		if ((arg[0] != '-' && arg[0] != '+') || !arg[1])
			break;
		if (strchr(arg, 'c') && arg[0] == '-')
			dash_c = true;
		if (strchr(arg, 'o') || strchr(arg, 'O'))
			i++; /* -o OPTION */
	}
	if (dash_c && i < c->n)
		copy = xstrdup(c->words[i].text);
	else if (!dash_c && i >= c->n && c->stdin_text)
		copy = xstrdup(c->stdin_text);
	if (copy)
		split_string(st, copy, depth);
}

/* Look through a wrapper: list the command it runs, one level deeper. */
static void analyze_wrapper(struct split_state *st, size_t index, const struct wrapper *wr)
{
	struct wrapped w = wrapper_parse(wr, &st->out->commands[index]);
	char **prefix = NULL;

	if (w.runs_nothing)
		return;
	if (w.split_string)
		cmdline_words(w.split_string, &prefix);
	if (w.command < st->out->commands[index].n || (prefix && prefix[0]))
		append_words(st, index, prefix, w.command);
	cmdline_words_free(prefix);
}

/* eval runs its arguments joined by spaces as a line. */
static void analyze_eval(struct split_state *st, size_t index)
{
	const struct cmdline_command *c = &st->out->commands[index];
	struct sbuf line = { 0 };
	unsigned depth = c->depth + 1;

	for (size_t i = 1; i < c->n; i++) {
		if (i > 1)
			sbuf_putc(&line, ' ');
		sbuf_put(&line, c->words[i].text, strlen(c->words[i].text));
	}
	split_string(st, sbuf_str(&line), depth);
	sbuf_done(&line);
}

/* Add the commands that the command at index runs in turn. */
static void analyze_command(struct split_state *st, size_t index)
{
	const struct cmdline_command *c = &st->out->commands[index];
	const char *name;
	const struct wrapper *wr;

	if (c->n == 0)
		return;
	name = cmdline_basename(c->words[0].text);
	wr = wrapper_find(name);
	if (wr)
		analyze_wrapper(st, index, wr);
	else if (is_shell(name))
		analyze_shell(st, index);
	else if (strcmp(name, "eval") == 0)
		analyze_eval(st, index);
	else if (strcmp(name, "busybox") == 0 && c->n > 1)
		append_words(st, index, NULL, 1);
}

int cmdline_split(const char *line, struct cmdline_split *ret)
{
	struct split_state st = { .out = ret };

	*ret = (struct cmdline_split){ 0 };
	split_string(&st, line, 0);
	for (size_t i = 0; i < ret->n && st.error == 0; i++)
		analyze_command(&st, i);
	strv_done(&st.var_names);
	strv_done(&st.var_values);
	return st.error;
}

size_t cmdline_words(const char *text, char ***ret)
{
	struct cmdline_split ignored = { 0 };
	struct split_state st = { .out = &ignored };
	struct parser p = { .s = text, .st = &st };
	struct rawwords words = { 0 };
	struct strv out = { 0 };

	for (;;) {
		while (is_blank(peek(&p, 0)) || (peek(&p, 0) == '\\' && peek(&p, 1) == '\n'))
			p.pos += is_blank(peek(&p, 0)) ? 1 : 2;
		if (!peek(&p, 0) || is_operator_char(peek(&p, 0)))
			break;
		lex_word(&p, &words);
	}
	for (size_t i = 0; i < words.n; i++)
		strv_push(&out, sbuf_str(&words.v[i].text));
	rawwords_done(&words);
	parser_done(&p);
	cmdline_split_done(&ignored);
	strv_done(&st.var_names);
	strv_done(&st.var_values);
	if (!out.v)
		out.v = xcalloc(1, sizeof(char *));
	*ret = out.v;
	return out.n;
}

void cmdline_words_free(char **words)
{
	if (!words)
		return;
	for (char **w = words; *w; w++)
		free(*w);
	free(words);
}

void cmdline_split_done(struct cmdline_split *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct cmdline_command *c = &s->commands[i];

		for (size_t k = 0; k < c->n; k++) {
			free(c->words[k].text);
			free(c->words[k].pattern);
		}
		free(c->words);
		free(c->stdin_text);
	}
	free(s->commands);
	*s = (struct cmdline_split){ 0 };
}

/* Append word to b, single-quoted when the shell would otherwise change it. */
static void quote_word(struct sbuf *b, const char *word)
{
	bool plain = word[0] != '\0';

	for (const char *c = word; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("@%+=:,./-_", *c))
			plain = false;
	if (plain) {
		sbuf_put(b, word, strlen(word));
		return;
	}
	sbuf_putc(b, '\'');
	for (const char *c = word; *c; c++) {
		if (*c == '\'')
			sbuf_put(b, "'\\''", 4);
		else
			sbuf_putc(b, *c);
	}
	sbuf_putc(b, '\'');
}

char *cmdline_command_to_string(const struct cmdline_command *c)
{
	struct sbuf b = { 0 };

	for (size_t i = 0; i < c->n; i++) {
		if (i > 0)
			sbuf_putc(&b, ' ');
		quote_word(&b, c->words[i].text);
	}
	return b.s ? b.s : xstrdup("");
}

char *cmdline_quote_argv(char *const *argv)
{
	struct sbuf b = { 0 };

	for (size_t i = 0; argv && argv[i]; i++) {
		if (i > 0)
			sbuf_putc(&b, ' ');
		quote_word(&b, argv[i]);
	}
	return b.s ? b.s : xstrdup("");
}

const char *cmdline_basename(const char *word)
{
	const char *slash = strrchr(word, '/');

	return slash ? slash + 1 : word;
}
