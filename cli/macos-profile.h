/* SPDX-License-Identifier: MIT */
/*
 * cli/macos-profile.h: printing the Seatbelt profile of a configuration,
 * for 'fence config show --profile macos' on any platform.
 */
#pragma once

#include <stdio.h>

struct fence_config;

/*
 * macos_profile_print: write the macOS Seatbelt profile that a run in the
 * current directory would use to `out`, and a note about its placeholders
 * to stderr.  Returns 0 or an exit status.
 */
int macos_profile_print(const struct fence_config *c, FILE *out);
