/* SPDX-License-Identifier: MIT */
/*
 * shellhooks/embedded.h: files built into the fence binary: the shell hook
 * scripts and the completion scripts (mk/shellhooks.mk generates the
 * table from the source files at build time).
 */
#pragma once

#include <stddef.h>

/* One embedded file. */
struct embedded_file {
	const char *path; /* source path, e.g. "completions/fence.bash" */
	const char *data; /* NUL-terminated for convenience; `size` excludes the NUL */
	size_t size;
};

/* The table, ended by an entry whose path is NULL. */
extern const struct embedded_file embedded_files[];

/* embedded_find: the embedded file with this source path, or NULL. */
const struct embedded_file *embedded_find(const char *path);
