/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/features.h: what this kernel and system let fence use,
 * found by trying each feature rather than by comparing version strings.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct linux_features {
	char kernel[128]; /* uname release, for display only */
	char bwrap_path[256]; /* "" when bubblewrap was not found */
	char bwrap_version[64];
	bool bwrap_setuid;
	bool userns; /* bwrap can create a user namespace */
	bool netns; /* bwrap --unshare-net works */
	int landlock_abi; /* 0 = unavailable */
	bool seccomp; /* seccomp filters can be loaded */
	bool seccomp_notify; /* SECCOMP_RET_USER_NOTIF */
	bool bpf; /* root or CAP_BPF, a BPF program loads, and the kernel has BTF */
	bool in_container; /* /.dockerenv, /run/.containerenv or a container cgroup */
	bool running_as_root;
	/* Why a feature is unavailable, for --linux-features and -d; "" if ok. */
	char userns_reason[160];
	char netns_reason[160];
	char landlock_reason[160];
	char seccomp_reason[160];
	char bpf_reason[160];
};

/*
 * features_detect: probe every feature.  Starts short-lived bwrap children
 * for the namespace probes.  Always fills *ret; returns 0.
 */
int features_detect(struct linux_features *ret);

/*
 * features_detect_quick: what a sandboxed run needs, with one bwrap probe
 * (network namespace, which implies a user namespace) and no BPF probe:
 * bpf stays false with the reason "not probed".  Always fills *ret;
 * returns 0.
 */
int features_detect_quick(struct linux_features *ret);

/* features_print: the --linux-features table. */
void features_print(const struct linux_features *f, FILE *out);
