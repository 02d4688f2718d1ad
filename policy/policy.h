/* SPDX-License-Identifier: MIT */
/*
 * policy/policy.h: the whole interface of policy/, the pure part of fence
 * (configuration, rules, matchers).  It starts no process and opens no
 * socket.  Other folders include this header, never the per-file ones.
 */
#pragma once

#include "policy/config.h"
#include "policy/domain.h"
#include "policy/environ.h"
#include "policy/import.h"
#include "policy/cmdline.h"
#include "policy/cmdrules.h"
#include "policy/ssh.h"
