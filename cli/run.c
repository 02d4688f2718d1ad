/* SPDX-License-Identifier: MIT */
/*
 * cli/run.c: the one-shot run.
 */
#include "cli/run.h"

int run_execute(struct run_options *o)
{
	msg_error("sandboxed runs are not built yet in this version of fence");
	return FENCE_EXIT_USAGE;
}

int run_print_linux_features(void)
{
	msg_error("--linux-features is not built yet in this version of fence");
	return FENCE_EXIT_USAGE;
}
