/* SPDX-License-Identifier: MIT */
/*
 * cli/registries.c: package registry discovery.
 */
#include "cli/registries.h"

int registries_resolve(struct fence_config *c, struct strv *warnings)
{
	/* TODO: no tool is asked yet, so allowPackageRegistries adds no host. */
	return 0;
}
