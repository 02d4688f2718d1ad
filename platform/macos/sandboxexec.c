/* SPDX-License-Identifier: MIT */
/*
 * platform/macos/sandboxexec.c: the command line and environment of a
 * command run under sandbox-exec.
 */
#include "platform/macos/sandboxexec.h"

#include "policy/policy.h"

void sandboxexec_env(char *const *env, const struct fence_config *c,
		     const struct sandboxexec_params *p, struct strv *ret_env,
		     struct strv *ret_removed)
{
	static const char *const http_names[] = {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy",
						 "https_proxy"};
	static const char *const socks_names[] = {"ALL_PROXY", "all_proxy", "FTP_PROXY",
						  "ftp_proxy"};
	_cleanup_free_ char *http = xasprintf("http://localhost:%d", p->http_proxy_port);
	_cleanup_free_ char *socks = xasprintf("socks5h://localhost:%d", p->socks_proxy_port);
	/* ssh ignores the proxy variables; nc -X 5 speaks SOCKS5 for it. */
	_cleanup_free_ char *git_ssh =
	    xasprintf("ssh -o ProxyCommand='nc -X 5 -x localhost:%d %%h %%p'", p->socks_proxy_port);

	environ_filter(env, &c->environment, ret_env, ret_removed);
	environ_set(ret_env, "FENCE_SANDBOX", "1");
	environ_set(ret_env, "TMPDIR", p->tmpdir);
	environ_set(ret_env, "NO_PROXY", SANDBOXEXEC_NO_PROXY);
	environ_set(ret_env, "no_proxy", SANDBOXEXEC_NO_PROXY);
	for (size_t i = 0; i < ELEMENTSOF(http_names); i++)
		environ_set(ret_env, http_names[i], http);
	for (size_t i = 0; i < ELEMENTSOF(socks_names); i++)
		environ_set(ret_env, socks_names[i], socks);
	environ_set(ret_env, "GIT_SSH_COMMAND", git_ssh);
}

void sandboxexec_argv(const char *profile, const char *shell, bool login, const char *command,
		      struct strv *ret_argv)
{
	strv_push(ret_argv, "/usr/bin/sandbox-exec");
	strv_push(ret_argv, "-p");
	strv_push(ret_argv, profile);
	strv_push(ret_argv, shell);
	strv_push(ret_argv, login ? "-lc" : "-c");
	strv_push(ret_argv, command);
}
