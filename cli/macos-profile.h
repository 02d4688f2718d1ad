/* SPDX-License-Identifier: MIT */
/*
 * cli/macos-profile.h: the Seatbelt profile of a configuration, built for
 * a run on macOS or printed by 'fence config show --profile macos' on any
 * platform.
 */
#pragma once

#include <stdio.h>

struct fence_config;
struct seatbelt_params;

/*
 * macos_profile_build: generate and check the Seatbelt profile of c for
 * `params`, adding the runtime exec rules of c's command policy (on a
 * Mac also resolved through PATH and symlinks, sparing params->shell).
 * Prints what goes wrong.  Returns 0 and sets *ret_profile to owned text,
 * or an exit status.
 */
int macos_profile_build(const struct fence_config *c, const struct seatbelt_params *params,
			char **ret_profile);

/*
 * macos_profile_print: write the macOS Seatbelt profile that a run in the
 * current directory would use to `out`, and a note about its placeholders
 * to stderr.  Returns 0 or an exit status.
 */
int macos_profile_print(const struct fence_config *c, FILE *out);
