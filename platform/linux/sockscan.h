/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/sockscan.h: finding Unix socket files on the host.
 *
 * A read-only bind does not stop connect() on a socket file, so every
 * socket a sandbox could see must be found before it starts and masked.
 * Internal to platform/linux.
 */
#pragma once

#include "platform/linux/fspath.h"
#include "util/util.h"

/*
 * sockscan_walk: append to found every socket file below root (root
 * included), and the canonical target of every symlink there that points
 * to a socket.  Walks into no symlinked directory, skips /proc, /sys and
 * every directory in skip (and what lies below them), and stops at the
 * budget's limits.  A path may be appended twice (a socket and a symlink
 * to it); the caller drops duplicates, which is cheaper once sorted than
 * a search per socket in a directory of thousands.
 */
void sockscan_walk(const char *root, const struct strv *skip, struct fspath_budget *budget,
		   struct strv *found);

/*
 * sockscan_env_paths: append the socket paths that the environment names:
 * SSH_AUTH_SOCK, DOCKER_HOST (unix://PATH), DBUS_SESSION_BUS_ADDRESS and
 * DBUS_SYSTEM_BUS_ADDRESS (unix:path=PATH, each ';'-separated address) and
 * TMUX (the path before the first ',').
 */
void sockscan_env_paths(char *const *envp, struct strv *found);

/* sockscan_getenv: the value of name in envp, or NULL. */
const char *sockscan_getenv(char *const *envp, const char *name);
