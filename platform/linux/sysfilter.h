/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/sysfilter.h: the seccomp filter the init loads just
 * before it executes the command.  docs/security-model.md lists the calls
 * and why each is blocked.
 */
#pragma once

#include <stddef.h>

/*
 * sysfilter_blocked: the names of the system calls that fail with EPERM,
 * whatever their arguments.  *ret_n receives the count.
 */
const char *const *sysfilter_blocked(size_t *ret_n);

/*
 * sysfilter_load: build the filter for the native architecture and load
 * it into the calling thread (sets PR_SET_NO_NEW_PRIVS).  Returns 0 or a
 * negative errno.
 */
int sysfilter_load(void);

/*
 * sysfilter_export_pfc: write the filter as libseccomp's pseudo-C text to
 * fd, for tests and 'fence --debug'.  Returns 0 or a negative errno.
 */
int sysfilter_export_pfc(int fd);
