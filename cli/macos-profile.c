/* SPDX-License-Identifier: MIT */
/*
 * cli/macos-profile.c: the Seatbelt profile of a configuration, printed
 * for review.
 *
 * The profile is the one a run here would get, except for the values that
 * each run chooses: its proxies' ports and its log tag.  Those are fixed placeholders,
 * so two printouts of the same configuration can be diffed.
 */
#include "cli/macos-profile.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "platform/linux/execmask.h"
#include "platform/macos/sbpl.h"
#include "platform/macos/seatbelt.h"
#include "policy/policy.h"
#include "util/util.h"

/* Placeholders for what each run chooses: the proxies' ports (unless the
 * configuration fixes them) and the log tag. */
#define SHOW_HTTP_PORT 3128
#define SHOW_SOCKS_PORT 1080
#define SHOW_LOG_TAG "fence-config-show"

/*
 * Add the runtime exec rules to p: each program name in the usual bin
 * directories, and what this host's PATH and symlinks lead to, as a run
 * resolves them.  Off a Mac the second part names this machine's files.
 */
static void add_exec_rules(const struct fence_config *c, struct seatbelt_params *p,
			   struct strv *words, struct execmask_plan *masks)
{
	struct execmask_request req = {.config = c, .path_env = getenv("PATH"), .shell = p->shell};

	execmask_words(c, words);
	p->exec_deny_words = (const char *const *)words->v;
	execmask_build(&req, masks);
	for (size_t i = 0; i < masks->warnings.n; i++)
		msg_warning("%s", masks->warnings.v[i]);
	p->exec_deny_paths = (const char *const *)masks->paths.v;
}

int macos_profile_build(const struct fence_config *c, const struct seatbelt_params *params,
			char **ret_profile)
{
	struct seatbelt_params p = *params;
	struct strv words = {0};
	struct execmask_plan masks = {0};
	_cleanup_free_ char *profile = NULL;
	_cleanup_free_ char *error = NULL;
	int r;

#ifdef __APPLE__
	/* Seatbelt compares resolved paths, and a Mac has symlinks that the
	 * /tmp, /var and /etc spellings do not cover. */
	p.resolve_symlinks = true;
#endif
	add_exec_rules(c, &p, &words, &masks);
	r = seatbelt_profile_build(c, &p, &profile);
	strv_done(&words);
	execmask_done(&masks);
	if (r == -EINVAL) {
		msg_error(
		    "cannot build the macOS profile: a path or name contains a control character");
		return FENCE_EXIT_FAILURE;
	}
	if (r < 0) {
		msg_error("cannot build the macOS profile: %s", strerror(-r));
		return FENCE_EXIT_FAILURE;
	}
	if (sbpl_check(profile, &error) < 0) {
		msg_error("the generated macOS profile is malformed (a bug in fence): %s", error);
		return FENCE_EXIT_FAILURE;
	}
	*ret_profile = TAKE_PTR(profile);
	return 0;
}

int macos_profile_print(const struct fence_config *c, FILE *out)
{
	char cwd[PATH_MAX];
	const char *home = getenv("HOME");
	_cleanup_free_ char *profile = NULL;
	struct seatbelt_params p = {
	    .tmpdir = "/tmp/fence",
	    .log_tag = SHOW_LOG_TAG,
	    .http_proxy_port =
		c->network.http_proxy_port ? c->network.http_proxy_port : SHOW_HTTP_PORT,
	    .socks_proxy_port =
		c->network.socks_proxy_port ? c->network.socks_proxy_port : SHOW_SOCKS_PORT,
	};
	int r;

	if (!getcwd(cwd, sizeof(cwd))) {
		msg_error("cannot get the working directory: %s", strerror(errno));
		return FENCE_EXIT_FAILURE;
	}
	if (!home || home[0] != '/') {
		msg_error("HOME is not set to an absolute path; the profile needs it for '~'");
		return FENCE_EXIT_FAILURE;
	}
	p.home = home;
	p.cwd = cwd;
	r = macos_profile_build(c, &p, &profile);
	if (r != 0)
		return r;
	fprintf(stderr, "fence: macOS profile for %s; proxy ports and log tag are placeholders\n",
		cwd);
	fputs(profile, out);
	return fflush(out) == 0 ? 0 : FENCE_EXIT_FAILURE;
}
