/* SPDX-License-Identifier: MIT */
/*
 * pty/prompt.c: the attach client's one-line command prompt, on readline's
 * callback interface.
 *
 * The attach loop owns the terminal and its raw mode, so readline is told
 * not to change terminal settings and not to install signal handlers.  It
 * reads keys from a queue the loop fills; when a multi-byte key is split
 * across reads, it waits for the rest on standard input.  This is the only
 * file that includes readline's headers (their old-style prototypes are
 * accepted only from a system include directory).
 */
#include "pty/prompt.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "session/protocol.h"
#include "session/violation.h"
#include "util/util.h"

#define HISTORY_MAX 500
#define HOSTS_MAX 64

static const char *const commands[] = {
	"allow", "allow-once", "deny", "policy", "save", "detach", "kill", NULL,
};

static struct {
	bool active;
	bool cancel; /* a cancel key ended the line */
	enum prompt_state state;
	char *line; /* owned: the entered line */
	const unsigned char *queue; /* borrowed from prompt_feed */
	size_t queue_len, queue_off;
	size_t used; /* bytes the last prompt_feed took */
	struct strv hosts; /* recently blocked hosts, newest first */
	bool history_loaded;
} P;

char *prompt_history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	_cleanup_free_ char *dir = NULL;

	if (state && state[0] == '/')
		dir = xasprintf("%s/fence", state);
	else
		dir = xasprintf("%s/.local/state/fence", home && home[0] == '/' ? home : "/tmp");
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
	mkdir(dir, 0700);
	return xasprintf("%s/prompt_history", dir);
}

/* Take the next key byte: from the queue, else wait on standard input. */
static int queue_getc(FILE *stream)
{
	unsigned char c;

	if (P.queue_off < P.queue_len)
		return P.queue[P.queue_off++];
	for (;;) {
		struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
		ssize_t n;

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return EOF;
		n = read(STDIN_FILENO, &c, 1);
		if (n == 1)
			return c;
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			return EOF;
	}
}

static void keep_terminal(int meta)
{
}

static void keep_terminal_done(void)
{
}

/* Readline's line callback: the line is complete, or input ended. */
static void on_line(char *line)
{
	rl_callback_handler_remove();
	P.active = false;
	if (!line || P.cancel) {
		free(line);
		P.state = PROMPT_CANCELLED;
		return;
	}
	P.line = line;
	P.state = PROMPT_DONE;
}

/* Ctrl-C and Ctrl-G: close the prompt without running anything. */
static int cancel_key(int count, int key)
{
	P.cancel = true;
	rl_done = 1;
	return 0;
}

/* Remember the host part of a blocked network target for completion. */
static void collect_host(const struct violation *v, void *userdata)
{
	_cleanup_free_ char *host = NULL;
	char *colon;

	if (v->kind != VIOLATION_NET || v->action != VIOLATION_DENIED || !v->target)
		return;
	if (v->target[0] == '[') {
		const char *end = strchr(v->target, ']');

		host = end ? xstrndup(v->target + 1, (size_t)(end - v->target - 1)) : NULL;
	} else {
		host = xstrdup(v->target);
		colon = strrchr(host, ':');
		if (colon)
			*colon = '\0';
	}
	if (!host || !*host || strv_contains(&P.hosts, host))
		return;
	strv_push(&P.hosts, host);
}

/* Load the hosts from the session's log, newest kept when there are many. */
static void load_hosts(const char *name)
{
	_cleanup_free_ char *path = violation_log_path(name);
	struct strv all = {0};

	strv_done(&P.hosts);
	violation_log_read(path, 0, collect_host, NULL);
	/* collect_host kept first occurrences; keep the newest HOSTS_MAX. */
	all = P.hosts;
	P.hosts = (struct strv){0};
	for (size_t i = all.n; i-- > 0 && P.hosts.n < HOSTS_MAX;)
		strv_push(&P.hosts, all.v[i]);
	strv_done(&all);
}

static char *generate_from(const char *const *words, size_t n, const char *text, int state)
{
	static size_t i;
	size_t len = strlen(text);

	if (state == 0)
		i = 0;
	while (i < n) {
		const char *w = words[i++];

		if (strncmp(w, text, len) == 0)
			return strdup(w); /* readline frees it */
	}
	return NULL;
}

static char *command_generator(const char *text, int state)
{
	return generate_from(commands, ELEMENTSOF(commands) - 1, text, state);
}

static char *host_generator(const char *text, int state)
{
	return generate_from((const char *const *)P.hosts.v, P.hosts.n, text, state);
}

/* Complete the first word as a command, the second as a blocked host. */
static char **complete(const char *text, int start, int end)
{
	const char *line = rl_line_buffer;
	size_t skip = strspn(line, " ");

	rl_attempted_completion_over = 1;
	if ((size_t)start <= skip)
		return rl_completion_matches(text, command_generator);
	if (strncmp(line + skip, "allow", 5) == 0 || strncmp(line + skip, "deny", 4) == 0)
		return rl_completion_matches(text, host_generator);
	return NULL;
}

/* Set readline up once: no terminal or signal handling of its own. */
static void setup_readline(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	rl_readline_name = "fence";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_prep_term_function = keep_terminal;
	rl_deprep_term_function = keep_terminal_done;
	rl_getc_function = queue_getc;
	rl_instream = stdin;
	rl_outstream = stdout;
	rl_attempted_completion_function = complete;
	rl_initialize();
	rl_variable_bind("horizontal-scroll-mode", "on");
	rl_variable_bind("bell-style", "none");
	rl_bind_key(0x03, cancel_key);
	rl_bind_key(0x07, cancel_key);
	stifle_history(HISTORY_MAX);
}

/*
 * Whether readline may read and write the history at path: missing, or a
 * regular file of this user.  readline follows symlinks, and one planted
 * there would make it cut and rewrite another file of the user.
 */
static bool history_file_usable(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT;
	return S_ISREG(st.st_mode) && st.st_uid == geteuid();
}

void prompt_open(const char *name, int rows, int cols)
{
	setup_readline();
	if (!P.history_loaded) {
		_cleanup_free_ char *path = prompt_history_path();

		if (history_file_usable(path))
			read_history(path);
		P.history_loaded = true;
	}
	load_hosts(name);
	P.active = true;
	P.cancel = false;
	P.state = PROMPT_EDITING;
	free(P.line);
	P.line = NULL;
	rl_set_screen_size(rows, cols);
	/* The bottom row, cleared, in the default pen; the cursor is shown. */
	printf("\033[%d;1H\033[0m\033[2K\033[?25h", rows);
	fflush(stdout);
	/* Readline echoes only when its own terminal set-up saw ECHO, which
	 * raw mode has off; the prompt draws what is typed itself. */
	rl_tty_set_echoing(1);
	rl_callback_handler_install(":", on_line);
}

bool prompt_active(void)
{
	return P.active;
}

enum prompt_state prompt_feed(const unsigned char *in, size_t n, char **ret_line)
{
	P.queue = in;
	P.queue_len = n;
	P.queue_off = 0;
	while (P.active && P.queue_off < P.queue_len)
		rl_callback_read_char();
	fflush(stdout);
	P.used = P.queue_off;
	P.queue = NULL;
	P.queue_len = P.queue_off = 0;
	if (P.state == PROMPT_DONE) {
		_cleanup_free_ char *path = prompt_history_path();

		if (P.line[strspn(P.line, " ")]) {
			add_history(P.line);
			if (history_file_usable(path))
				write_history(path);
		}
		*ret_line = TAKE_PTR(P.line);
	}
	return P.state;
}

void prompt_show_message(const char *msg, int rows, int cols)
{
	_cleanup_free_ char *copy = xstrdup(msg);
	struct strv lines = {0};
	char *save = NULL;
	int y;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		strv_push(&lines, l);
	y = rows - (int)lines.n + 1;
	if (y < 1)
		y = 1;
	for (size_t i = lines.n > (size_t)rows ? lines.n - (size_t)rows : 0; i < lines.n; i++, y++) {
		int len = (int)strlen(lines.v[i]);

		/* Printable ASCII only, cut to the width: the text comes from the daemon. */
		printf("\033[%d;1H\033[0m\033[7m", y);
		for (int x = 0; x < cols; x++) {
			unsigned char ch = x < len ? (unsigned char)lines.v[i][x] : ' ';

			putchar(ch >= 0x20 && ch < 0x7f ? ch : '?');
		}
		printf("\033[0m");
	}
	fflush(stdout);
	strv_done(&lines);
}

/* ---- the prompt in the attach loop ---- */

enum ui_state {
	UI_IDLE,
	UI_EDITING,
	UI_WAITING, /* the line went to the daemon; its REPLY is awaited */
	UI_MESSAGE, /* the answer is shown until the next key */
};

static enum ui_state ui;

/* Keys typed while an answer was awaited, replayed once it is shown. */
static struct {
	unsigned char buf[4096];
	size_t n;
} held;

/* Keep keys typed ahead of the daemon's answer (beyond the buffer: dropped). */
static void hold(const unsigned char *in, size_t n)
{
	if (n > sizeof(held.buf) - held.n)
		n = sizeof(held.buf) - held.n;
	memcpy(held.buf + held.n, in, n);
	held.n += n;
}

static void terminal_size(int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

/* Send one frame whose payload is the JSON text json, or none for NULL. */
static int send_frame(int fd, int type, const char *json)
{
	return proto_send(fd, type, json, json ? strlen(json) : 0);
}

/* Give the screen back to the session: it repaints everything. */
static int ui_close(int fd)
{
	ui = UI_IDLE;
	printf("\033[0m");
	fflush(stdout);
	return send_frame(fd, PROTO_COMMAND, "{\"cmd\":\"redraw\"}");
}

void prompt_ui_start(const char *name)
{
	int rows, cols;

	terminal_size(&rows, &cols);
	prompt_open(name, rows, cols);
	ui = UI_EDITING;
}

bool prompt_ui_owns_screen(void)
{
	return ui != UI_IDLE;
}

/* Run an entered line: detach and kill here, the rest in the daemon. */
static int ui_run_line(int fd, const char *line, bool *ret_detach)
{
	json_object *o; /* owned */
	char word[32] = "";
	int r;

	sscanf(line, "%31s", word);
	if (word[0] == '\0')
		return ui_close(fd);
	if (strcmp(word, "detach") == 0) {
		*ret_detach = true;
		ui = UI_IDLE;
		return send_frame(fd, PROTO_DETACH, NULL);
	}
	if (strcmp(word, "kill") == 0) {
		ui = UI_IDLE;
		return send_frame(fd, PROTO_COMMAND, "{\"cmd\":\"kill\"}");
	}
	o = json_object_new_object();
	json_object_object_add(o, "cmd", json_object_new_string("prompt"));
	json_object_object_add(o, "line", json_object_new_string(line));
	r = send_frame(fd, PROTO_COMMAND, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	ui = UI_WAITING;
	return r;
}

int prompt_ui_input(int fd, const unsigned char *in, size_t n, size_t *ret_used,
		    bool *ret_detach)
{
	_cleanup_free_ char *line = NULL;

	*ret_used = n;
	switch (ui) {
	case UI_EDITING:
		switch (prompt_feed(in, n, &line)) {
		case PROMPT_DONE: {
			int r = ui_run_line(fd, line, ret_detach);

			/* Keys after the line: typed ahead of the answer, or for the shell. */
			if (ui == UI_WAITING)
				hold(in + P.used, n - P.used);
			else if (!*ret_detach)
				*ret_used = P.used;
			return r;
		}
		case PROMPT_CANCELLED:
			/* Keys typed after the cancel key go to the shell. */
			*ret_used = P.used;
			return ui_close(fd);
		default:
			return 0;
		}
	case UI_MESSAGE:
		/*
		 * Any key dismisses the answer and then counts as usual: the
		 * prefix opens the prompt again, other keys reach the shell.
		 */
		*ret_used = 0;
		return ui_close(fd);
	case UI_WAITING:
		hold(in, n);
		return 0;
	default:
		return 0;
	}
}

size_t prompt_ui_take_held(unsigned char *buf, size_t size)
{
	size_t n = held.n < size ? held.n : size;

	if (ui != UI_MESSAGE || n == 0)
		return 0;
	memcpy(buf, held.buf, n);
	memmove(held.buf, held.buf + n, held.n - n);
	held.n -= n;
	return n;
}

void prompt_ui_reply(const void *payload, size_t len)
{
	_cleanup_free_ char *text = xstrndup(payload, len);
	json_object *o, *v; /* o owned, v borrowed */
	int rows, cols;

	if (ui != UI_WAITING)
		return;
	o = json_tokener_parse(text);
	terminal_size(&rows, &cols);
	if (o && json_object_object_get_ex(o, "message", &v))
		prompt_show_message(json_object_get_string(v), rows, cols);
	else
		prompt_show_message("(no answer)", rows, cols);
	json_object_put(o);
	ui = UI_MESSAGE;
}
