/* SPDX-License-Identifier: MIT */
/*
 * policy/cmdline.h: the command-line splitter.
 *
 * cmdline_split() reads one shell command line the way a POSIX shell (and
 * bash, for brace expansion and $'...') would, and lists every simple
 * command it could start: each part of a list or pipeline, the bodies of
 * subshells, groups and substitutions, the strings given to `sh -c` and
 * `eval`, and the commands behind wrappers such as `env`, `sudo` or
 * `timeout` (the wrapper is listed too).  Quotes and escapes are removed,
 * leading assignments and redirections dropped, so the rule matcher sees
 * the words the shell would pass to execve.
 *
 * What cannot be known before the line runs (a variable set elsewhere,
 * the output of a substitution) stays as its literal text, and the
 * runtime exec policy underneath catches what the splitter cannot see.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Substitutions, -c strings and wrappers nested deeper than this are rejected. */
#define CMDLINE_MAX_DEPTH 16
/* More simple commands than this in one line are rejected. */
#define CMDLINE_MAX_COMMANDS 4096

/* One word of a simple command after quote removal and expansion. */
struct cmdline_word {
	char *text; /* owned */
	/*
	 * owned, NULL unless the word has unquoted glob characters: the word
	 * as an fnmatch() pattern, with its quoted characters escaped.
	 */
	char *pattern;
};

struct cmdline_command {
	struct cmdline_word *words; /* owned array of n */
	size_t n;
	unsigned depth; /* 0 for the line itself, +1 per substitution, -c or wrapper */
	char *stdin_text; /* owned or NULL: a literal here-document or here-string */
};

struct cmdline_split {
	struct cmdline_command *commands; /* owned array of n */
	size_t n;
	size_t cap;
};

/*
 * cmdline_split: list the simple commands `line` would run.
 *
 * A line the shell would reject (an unterminated quote) is split as far
 * as it goes.  Returns 0 and fills *ret (which the caller frees with
 * cmdline_split_done even on error), -ELOOP when nesting is deeper than
 * CMDLINE_MAX_DEPTH or -E2BIG when the line holds more than
 * CMDLINE_MAX_COMMANDS commands; such a line cannot be checked.
 */
int cmdline_split(const char *line, struct cmdline_split *ret);

/*
 * cmdline_words: split `text` into words like one simple command, with
 * quote removal but no look-through of wrappers or substitutions: used for
 * rules and for `env -S`.  Stops at the first separator.  Returns the
 * number of words, stored in *ret (an owned NULL-terminated array).
 */
size_t cmdline_words(const char *text, char ***ret);

/* cmdline_split_done: free everything a split holds. */
void cmdline_split_done(struct cmdline_split *s);

/* cmdline_words_free: free an array from cmdline_words(). */
void cmdline_words_free(char **words);

/*
 * cmdline_command_to_string: the words of c joined by spaces, each quoted
 * for the shell when it needs it; owned.  Used in messages.
 */
char *cmdline_command_to_string(const struct cmdline_command *c);

/*
 * cmdline_quote_argv: one shell line that runs argv as it is (each word
 * single-quoted when needed); owned.  The run checks `fence -- CMD ARGS`
 * through this.
 */
char *cmdline_quote_argv(char *const *argv);

/* cmdline_basename: the part of word after its last '/'; borrowed from word. */
const char *cmdline_basename(const char *word);
