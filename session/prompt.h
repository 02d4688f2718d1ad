/* SPDX-License-Identifier: MIT */
/*
 * session/prompt.h: the daemon's side of the command prompt: a session's
 * network policy changes (allow, deny, allow-once), `policy` and `save`.
 *
 * Lines arrive only as "prompt" COMMAND frames on the control socket (see
 * session/violation_session.h for why nothing in the sandbox can send
 * one).  The policy here is the session's copy: changes apply to its
 * running proxies at once and reach a config file only through `save`.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "session/violation.h"
#include "util/util.h"

struct proxy;
struct fence_config;

/* A file's identity, to notice that a path now names another file. */
struct file_id {
	dev_t dev;
	ino_t ino;
	bool known;
};

/* A session's network policy: what its config said, and what changed since. */
struct prompt_policy {
	struct strv base_allowed, base_denied; /* allowedDomains, deniedDomains of the config */
	struct strv allowed, denied; /* `allow` and `deny` of this session, saved by `save` */
	struct strv allowed_once; /* `allow-once`: this session only, never saved */
	char *config_path; /* owned: the config file the session came from, or NULL */
	struct file_id config_id; /* config_path's file when the session loaded it */
	char *template_name; /* owned: the template it came from, or NULL */
	bool ask; /* network.onBlocked is "ask" */
	struct proxy *proxy; /* borrowed; NULL until the proxies run */
	const char *name; /* borrowed: the session's name, for a new file's name */
	/*
	 * Owned: the file the last `save` or "allow always" wrote, or NULL.
	 * The daemon takes it, so that its watch of configuration files does
	 * not count fence's own write as one from inside the sandbox.
	 */
	char *written_path;
};

/*
 * prompt_policy_init: copy a config's network lists; `chain` is the
 * config's extends chain, root first ("file:/abs/path", "template:NAME").
 */
void prompt_policy_init(struct prompt_policy *p, const struct fence_config *c,
			const struct strv *chain);
/* prompt_policy_done: free the lists and paths. */
void prompt_policy_done(struct prompt_policy *p);

/*
 * prompt_policy_effective: the allow and deny lists the proxies use now
 * (owned by the caller, who frees them with strv_done).
 */
void prompt_policy_effective(const struct prompt_policy *p, struct strv *ret_allowed,
			     struct strv *ret_denied);

/*
 * prompt_run: run one prompt line.  Returns 0 with a message for the user
 * in *ret_message (owned), or a negative errno with the error in
 * *ret_message.  A policy change fills *ret_record (strings borrowed from
 * p and valid until the next call) and sets *ret_changed.
 */
int prompt_run(struct prompt_policy *p, const char *line, struct violation *ret_record,
	       bool *ret_changed, char **ret_message);

/*
 * prompt_save_always: add host to allowedDomains of the user's config file
 * ($XDG_CONFIG_HOME/fence/fence.json, created when missing), whatever file
 * the session came from: a project file may be writable from inside the
 * sandbox, the user's file is the user's own.  Returns 0 or a negative
 * errno, with a message in *ret_message (owned).
 */
int prompt_save_always(struct prompt_policy *p, const char *host, char **ret_message);

/*
 * prompt_save_text: add the session's changes to a JSONC config text,
 * keeping everything else (comments included) as it is: new entries go
 * at the start of network.allowedDomains and network.deniedDomains,
 * which are created when missing.  Returns the new text (owned), or NULL
 * when the text is not a JSON object.
 */
char *prompt_save_text(const char *text, const struct strv *allowed, const struct strv *denied);
