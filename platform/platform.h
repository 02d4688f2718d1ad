/* SPDX-License-Identifier: MIT */
/*
 * platform/platform.h: the interface of platform/ for the rest of fence.
 * Linux builds get the Linux layer; the macOS profile generator is plain
 * code that builds everywhere.
 */
#pragma once

#ifdef __linux__
#include "platform/linux/execmask.h"
#include "platform/linux/execsuper.h"
#include "platform/linux/features.h"
#include "platform/linux/mountplan.h"
#include "platform/linux/sandbox.h"
#endif

#include "platform/macos/logstream.h"
#include "platform/macos/sandboxexec.h"
#include "platform/macos/sbpl.h"
#include "platform/macos/seatbelt.h"
