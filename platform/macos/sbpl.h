/* SPDX-License-Identifier: MIT */
/*
 * platform/macos/sbpl.h: a structural check of Seatbelt profile text.
 *
 * It does not evaluate a profile; it makes sure that what fence generates
 * stays inside the small part of SBPL that fence means to use, so that a
 * slip in the generator (an unquoted path, an unbalanced parenthesis, a
 * misspelled operation) fails a test on any machine, not only under
 * sandbox-exec on a Mac.
 */
#pragma once

/*
 * sbpl_check: check profile text.  Accepted: comments (';' to the end of
 * the line), `(version 1)`, and `(allow|deny OPERATION... FILTER...)` with
 * operations and filters from fence's vocabulary; `literal` and `subpath`
 * take one quoted absolute path, `regex` one '^'-anchored regex literal.
 *
 * Returns 0, or -EINVAL and sets *ret_error to an owned 'LINE:COL: message'.
 */
int sbpl_check(const char *text, char **ret_error);
