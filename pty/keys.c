/* SPDX-License-Identifier: MIT */
/*
 * pty/keys.c: the prefix-key state machine of the attach client.
 *
 * Input goes to the shell unchanged except for the prefix key and the key
 * after it.  A bracketed paste can contain any byte, including the prefix,
 * so the machine follows the paste markers and passes pasted text through.
 */
#include "pty/pty.h"

#include <errno.h>
#include <string.h>

static const char paste_start[] = "\033[200~";
static const char paste_end[] = "\033[201~";

int keys_parse_prefix(const char *spec, unsigned char *ret)
{
	char c;

	if (!spec)
		return -EINVAL;
	if (strlen(spec) == 1 && (unsigned char)spec[0] < 0x20) {
		*ret = (unsigned char)spec[0];
		return 0;
	}
	if ((strncmp(spec, "C-", 2) == 0 || strncmp(spec, "^", 1) == 0)) {
		const char *k = spec[0] == '^' ? spec + 1 : spec + 2;

		if (strlen(k) != 1)
			return -EINVAL;
		c = k[0];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < '@' || c > '_')
			return -EINVAL;
		*ret = (unsigned char)(c - '@');
		return 0;
	}
	return -EINVAL;
}

/* Track the paste markers one byte at a time. */
static void track_paste(struct keys *k, unsigned char b)
{
	const char *marker = k->in_paste ? paste_end : paste_start;

	if ((unsigned char)marker[k->match] == b) {
		k->match++;
		if (marker[k->match] == '\0') {
			k->in_paste = !k->in_paste;
			k->match = 0;
		}
		return;
	}
	k->match = b == 0x1b ? 1 : 0;
}

/* The action of the key after the prefix, or KEYS_NONE to ignore it. */
static enum keys_action prefix_command(unsigned char b)
{
	switch (b) {
	case 'd':
	case 0x04: /* Ctrl-d */
		return KEYS_DETACH;
	case '[':
		return KEYS_SCROLL;
	case 'r':
		return KEYS_REDRAW;
	case 'v':
		return KEYS_PANE;
	case ':':
		return KEYS_PROMPT;
	case 'y':
		return KEYS_ASK_ONCE;
	case 's':
		return KEYS_ASK_SESSION;
	case 'A':
		return KEYS_ASK_ALWAYS;
	case 'n':
		return KEYS_ASK_DENY;
	default:
		return KEYS_NONE;
	}
}

size_t keys_feed(struct keys *k, const unsigned char *in, size_t n, unsigned char *out,
		 size_t *ret_out_len, enum keys_action *ret_action)
{
	size_t o = 0;

	*ret_action = KEYS_NONE;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = in[i];

		if (k->after_prefix) {
			k->after_prefix = false;
			if (b == k->prefix) {
				out[o++] = b; /* the prefix twice sends it through */
				continue;
			}
			*ret_action = prefix_command(b);
			if (*ret_action != KEYS_NONE) {
				*ret_out_len = o;
				return i + 1;
			}
			continue;
		}
		if (!k->in_paste && b == k->prefix) {
			k->after_prefix = true;
			continue;
		}
		track_paste(k, b);
		out[o++] = b;
	}
	*ret_out_len = o;
	return n;
}
