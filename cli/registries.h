/* SPDX-License-Identifier: MIT */
/*
 * cli/registries.h: discovery of the package registries that the tools
 * named in network.allowPackageRegistries are configured to use.
 */
#pragma once

#include "policy/policy.h"

/*
 * registries_resolve: ask each tool in c->network.allow_package_registries
 * for its registry hosts and append them to c->network.allowed_domains.
 *
 * Each query runs in its own minimal bubblewrap sandbox without network,
 * with a 5 s timeout and a 64 KiB output limit, all in parallel.  A tool
 * that is not on PATH contributes nothing; a failed query adds one line to
 * *warnings and the run goes on without that tool's hosts.  Returns the
 * number of hosts added.
 */
int registries_resolve(struct fence_config *c, struct strv *warnings);

/*
 * registries_settings_files: append every file whose settings choose a
 * tool's registry (project files from cwd up, files in HOME), existing or
 * not, for the sandbox to see read-only and for fence to watch.
 */
void registries_settings_files(const char *cwd, struct strv *out);
