/* SPDX-License-Identifier: MIT */
/*
 * session/launch.c: the policy, proxies and bwrap launch of a session.
 *
 * A session resolves its policy and starts its proxies once, when the
 * daemon starts; every command typed in the shell then goes through the
 * same proxies.  In the isolated network mode the proxies listen only on
 * Unix sockets in a private directory that is bound into the sandbox, and
 * fence's init relays 127.0.0.1:3128 (HTTP) and 127.0.0.1:1080 (SOCKS5)
 * to them.  The shell runs under fence's init with the PTY slave as its
 * controlling terminal, so job control works inside.
 *
 * With the argv exec policy, the shell's process installs a seccomp
 * filter that sends every exec to the daemon, which decides each one on
 * its loop (platform/linux/execsuper.h): the shell itself, fence's hooks
 * and every program started inside, typed or not.
 *
 * The platform's mount plan masks the user's runtime directory (and with
 * it the session sockets) and tmux's socket directories inside the
 * sandbox; the fallback socket directory is under /tmp, which is a fresh
 * tmpfs there.
 */
#include "session/launch.h"

#include "cli/registries.h"

#include "shellhooks/shellhooks.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "platform/linux/execmask.h"

#define SANDBOX_PROXY_DIR "/tmp/fence/net"
#define SANDBOX_HOOKS_DIR "/tmp/fence/shell"

/* Resolve the policy the way the one-shot run does. */
static int resolve_policy(const struct session_options *opts, const char *cwd,
			  struct config_result *ret, char **ret_error)
{
	struct config_request req = {
		.template_name = opts->template_name,
		.settings_path = opts->settings_path,
		.cwd = cwd,
	};
	int r = config_resolve(&req, ret, ret_error);

	if (r < 0)
		return r;
	for (size_t i = 0; i < ret->warnings.n; i++)
		log_debug("config warning: %s", ret->warnings.v[i]);
	return 0;
}

/* Set the proxy variables every proxy-aware program inside reads. */
static void proxy_env(struct shell_launch *l, int http_port, int socks_port)
{
	static const char *const http_names[] = {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy",
						 "https_proxy"};
	static const char *const socks_names[] = {"ALL_PROXY", "all_proxy"};

	for (size_t i = 0; i < ELEMENTSOF(http_names); i++)
		strv_pushf(&l->extra_env, "%s=http://127.0.0.1:%d", http_names[i], http_port);
	for (size_t i = 0; i < ELEMENTSOF(socks_names); i++)
		strv_pushf(&l->extra_env, "%s=socks5h://127.0.0.1:%d", socks_names[i], socks_port);
	strv_push(&l->extra_env, "NO_PROXY=localhost,127.0.0.1,::1");
	strv_push(&l->extra_env, "no_proxy=localhost,127.0.0.1,::1");
}

/* Start the proxies: on Unix sockets bound inside when isolated, else on TCP. */
static int start_proxies(uv_loop_t *loop, struct shell_launch *l, const char *sockdir,
			 const char *name, bool isolated, proxy_event_fn on_event, void *userdata,
			 char **ret_error)
{
	struct proxy_options po = {
		.network = &l->cfg.config.network,
		.listen_tcp = !isolated,
		.on_event = on_event,
		.userdata = userdata,
	};
	int r;

	if (isolated) {
		l->proxy_dir = xasprintf("%s/%s.net", sockdir, name);
		if (mkdir(l->proxy_dir, 0700) < 0 && errno != EEXIST) {
			r = -errno;
			*ret_error = xasprintf("cannot create '%s': %s", l->proxy_dir, strerror(-r));
			return r;
		}
		po.socket_dir = l->proxy_dir;
	}
	r = proxy_start(loop, &po, &l->proxy, ret_error);
	if (r < 0)
		return r;
	if (!isolated) {
		proxy_env(l, proxy_http_port(l->proxy), proxy_socks_port(l->proxy));
		return 0;
	}
	l->bind.src = xstrdup(l->proxy_dir);
	l->bind.dst = xstrdup(SANDBOX_PROXY_DIR);
	l->relays[0].listen = xstrdup("127.0.0.1:3128");
	l->relays[0].connect = xstrdup(SANDBOX_PROXY_DIR "/http.sock");
	l->relays[1].listen = xstrdup("127.0.0.1:1080");
	l->relays[1].connect = xstrdup(SANDBOX_PROXY_DIR "/socks.sock");
	proxy_env(l, 3128, 1080);
	return 0;
}

/*
 * Shell hooks: write the hook files and the policy into SOCKDIR/NAME.shell,
 * bound read-only at SANDBOX_HOOKS_DIR, and build the shell's argv.
 */
static int prepare_shell(struct shell_launch *l, const struct session_options *opts,
			 const char *sockdir, char **ret_error)
{
	struct shellhooks_options o = {
		.session = opts->name,
		.marker = getenv("FENCE_PROMPT_MARKER"),
		.fence_path = SANDBOX_FENCE_PATH,
		.zdotdir = getenv("ZDOTDIR"),
		.no_hooks = opts->no_hooks,
	};
	_cleanup_free_ char *policy = config_to_json(&l->cfg.config);
	int r;

	l->hooks_bind.src = xasprintf("%s/%s.shell", sockdir, opts->name);
	l->hooks_bind.dst = xstrdup(SANDBOX_HOOKS_DIR);
	r = shellhooks_prepare(opts->shell, l->hooks_bind.src, SANDBOX_HOOKS_DIR, &o, policy,
			       &l->argv, &l->extra_env, ret_error);
	if (r < 0 || opts->no_hooks) {
		free(l->hooks_bind.src);
		free(l->hooks_bind.dst);
		l->hooks_bind = (struct extra_bind){ 0 };
	}
	return r;
}

/*
 * argv exec policy: check that the kernel can notify execs and create the
 * socket pair whose child end becomes the sandbox's SANDBOX_EXEC_FD.
 */
static int open_exec_socket(struct shell_launch *l, char **ret_error)
{
	int fds[2];

	if (!execsuper_supported()) {
		*ret_error = xstrdup("cannot use runtimeExecPolicy 'argv': this kernel or libseccomp "
				     "has no seccomp user notification");
		return -EOPNOTSUPP;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) {
		int r = -errno;

		*ret_error = xasprintf("cannot create the exec supervisor socket: %s", strerror(-r));
		return r;
	}
	l->exec_fd = fds[0];
	l->exec_child_fd = fds[1];
	l->exec_supervise = true;
	return 0;
}

int launch_prepare(uv_loop_t *loop, const struct session_options *opts, const char *cwd,
		   const char *sockdir, proxy_event_fn on_event, void *userdata,
		   struct shell_launch *ret, char **ret_error)
{
	bool isolated;
	int r;

	*ret = (struct shell_launch){.sandbox = {.spec_fd = -1, .control_fd = -1,
						 .control_child_fd = -1}};
	r = resolve_policy(opts, cwd, &ret->cfg, ret_error);
	if (r < 0)
		return r;
	features_detect(&ret->features);
	isolated = !config_relaxed_network(&ret->cfg.config);
	r = start_proxies(loop, ret, sockdir, opts->name, isolated, on_event, userdata, ret_error);
	if (r < 0)
		return r;

	strv_pushf(&ret->extra_env, "FENCE_SESSION=%s", opts->name);
	strv_push(&ret->extra_env, "TERM=xterm-256color");
	strv_push(&ret->extra_env, "COLORTERM=truecolor");
	r = prepare_shell(ret, opts, sockdir, ret_error);
	if (r < 0)
		return r;

	struct extra_bind binds[2];
	size_t n_binds = 0;

	if (isolated)
		binds[n_binds++] = ret->bind;
	if (ret->hooks_bind.src)
		binds[n_binds++] = ret->hooks_bind;
	struct sandbox_spec spec = {
		.config = &ret->cfg.config,
		.features = &ret->features,
		.cwd = cwd,
		.home = home_directory(),
		.argv = ret->argv.v,
		.tty = true,
		.unshare_net = isolated,
		.binds = binds,
		.n_binds = n_binds,
		.relays = isolated ? ret->relays : NULL,
		.n_relays = isolated ? 2 : 0,
		.extra_env = &ret->extra_env,
	};
	/* Command policy, path mode: hide the programs of single-word deny rules. */
	struct execmask_plan masks = { 0 };
	struct execmask_request mask_req = {
		.config = &ret->cfg.config,
		.path_env = getenv("PATH"),
		.shell = ret->argv.v[0],
	};

	if (ret->cfg.config.command.runtime_exec_policy != EXEC_POLICY_ARGV) {
		execmask_build(&mask_req, &masks);
	} else {
		r = open_exec_socket(ret, ret_error);
		if (r < 0)
			return r;
		spec.exec_supervise = true;
	}
	for (size_t i = 0; i < masks.warnings.n; i++)
		log_debug("exec mask warning: %s", masks.warnings.v[i]);
	spec.exec_masks = &masks.paths;
	/* Configuration files stay read-only, so the shell cannot widen the next run. */
	_cleanup_(strv_done) struct strv config_files = { 0 };

	config_candidate_files(&ret->cfg, cwd, &config_files);
	registries_settings_files(cwd, &config_files);
	spec.config_files = &config_files;

	r = sandbox_prepare(&spec, &ret->sandbox, ret_error);
	execmask_done(&masks);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ret->sandbox.plan.warnings.n; i++)
		log_debug("sandbox warning: %s", ret->sandbox.plan.warnings.v[i]);
	return 0;
}

int launch_start_exec(struct shell_launch *l, uv_loop_t *loop, execsuper_report_fn report,
		      void *userdata, char **ret_error)
{
	int r;

	if (!l->exec_supervise || l->exec_fd < 0)
		return 0;
	r = execsuper_start(loop, TAKE_FD(l->exec_fd), &l->cfg.config, report, userdata,
			    &l->execsuper);
	if (r < 0) {
		*ret_error = xasprintf("cannot start the exec supervisor: %s", strerror(-r));
		return r;
	}
	/* The shell itself, as path mode exempts it from the masks. */
	execsuper_allow_first(l->execsuper);
	return 0;
}

void launch_close_child_fds(struct shell_launch *l)
{
	sandbox_close_child_fds(&l->sandbox);
	if (l->exec_supervise && l->exec_child_fd >= 0)
		close(TAKE_FD(l->exec_child_fd));
}

char *launch_exec_detail(const struct execsuper_event *ev)
{
	_cleanup_free_ char *args = ev->argc ? cmdline_quote_argv(ev->argv) : NULL;

	if (ev->rule)
		return xasprintf("argv: %s; rule: %s '%s'", args ? args : "",
				 command_rule_source_to_string(ev->source), ev->rule);
	return xasprintf("%s%s%sreason: %s", args ? "argv: " : "", args ? args : "",
			 args ? "; " : "", ev->failure ? ev->failure : "refused");
}

void launch_stop(struct shell_launch *l)
{
	if (l->proxy)
		proxy_close(l->proxy);
	l->proxy = NULL;
	/* Execs still pending then fail, which is harmless: the session is ending. */
	execsuper_stop(l->execsuper);
	l->execsuper = NULL;
}

void launch_done(struct shell_launch *l)
{
	sandbox_launch_done(&l->sandbox);
	if (l->exec_supervise) {
		if (l->exec_fd >= 0)
			close(l->exec_fd);
		if (l->exec_child_fd >= 0)
			close(l->exec_child_fd);
	}
	config_result_done(&l->cfg);
	/* The proxies removed their sockets when they closed. */
	if (l->proxy_dir)
		rmdir(l->proxy_dir);
	free(l->proxy_dir);
	free(l->bind.src);
	free(l->bind.dst);
	if (l->hooks_bind.src)
		shellhooks_remove(l->hooks_bind.src);
	free(l->hooks_bind.src);
	free(l->hooks_bind.dst);
	for (size_t i = 0; i < ELEMENTSOF(l->relays); i++) {
		free(l->relays[i].listen);
		free(l->relays[i].connect);
	}
	strv_done(&l->extra_env);
	strv_done(&l->argv);
	*l = (struct shell_launch){0};
}
