/* SPDX-License-Identifier: MIT */
/*
 * platform/linux/mountplan.c: the mount planner.
 *
 * TODO: this is the minimal plan (read-only root, private /tmp, minimal
 * /dev) until the full planner lands; no policy path is applied yet.
 */
#include "platform/linux/mountplan.h"

int mountplan_build(const struct mount_request *req, struct mount_plan *ret, char **ret_error)
{
	*ret = (struct mount_plan){ 0 };
	strv_push(&ret->args, "--ro-bind");
	strv_push(&ret->args, "/");
	strv_push(&ret->args, "/");
	strv_push(&ret->args, "--dev");
	strv_push(&ret->args, "/dev");
	strv_push(&ret->args, "--proc");
	strv_push(&ret->args, "/proc");
	strv_push(&ret->args, "--tmpfs");
	strv_push(&ret->args, "/tmp");
	for (size_t i = 0; i < req->n_binds; i++) {
		strv_push(&ret->args, req->binds[i].writable ? "--bind" : "--ro-bind");
		strv_push(&ret->args, req->binds[i].src);
		strv_push(&ret->args, req->binds[i].dst);
	}
	return 0;
}

void mountplan_done(struct mount_plan *p)
{
	strv_done(&p->args);
	strv_done(&p->placeholders);
	strv_done(&p->warnings);
	strv_done(&p->debug);
	strv_done(&p->landlock_read);
	strv_done(&p->landlock_exec);
	strv_done(&p->landlock_write);
}

void mountplan_remove_placeholders(const struct mount_plan *p)
{
}
