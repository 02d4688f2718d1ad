/* SPDX-License-Identifier: MIT */
/*
 * cli/tmuxpane.h: attach with the violation pane's options (fence shell --pane).
 */
#pragma once

#include <stdbool.h>

/* tmuxpane_available: whether this client runs inside tmux; says why not otherwise. */
bool tmuxpane_available(void);

/*
 * tmuxpane_attach: attach this terminal to session `name` with pane mode
 * `pane` ("auto", "on", "off", or "tmux" for a real tmux split) and
 * `width` columns (0: default).  Returns the exit status.
 */
int tmuxpane_attach(const char *name, unsigned char prefix, const char *pane, int width);
