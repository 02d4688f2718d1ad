/* SPDX-License-Identifier: MIT */
/*
 * session/exit.c: the exit record of a session whose shell ended while no
 * client was attached.
 *
 * The daemon removes its socket when the shell ends, so without a record a
 * user who comes back finds "no session" and never learns that the shell
 * exited, or with which status.  The record is NAME.exit, a small JSON
 * file beside NAME.sock in the private session directory, mode 0600.  It
 * is removed once a client has reported it (attach, shell, kill), when a
 * new session of the same name starts, or after SESSION_EXIT_TTL by any
 * listing.  A record is not a socket, so it cannot stop a new session of
 * that name from starting.
 */
#include "session/session.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Larger records are not ours: the daemon writes about 200 bytes. */
#define EXIT_RECORD_MAX 16384

/* The path of session name's exit record; NULL when the directory is unusable. */
static char *record_path(const char *name, const char *suffix)
{
	_cleanup_free_ char *dir = NULL;

	if (session_dir(&dir) < 0)
		return NULL;
	return xasprintf("%s/%s.exit%s", dir, name, suffix);
}

int session_exit_save(const char *name, const struct session_exit *e)
{
	_cleanup_free_ char *path = record_path(name, ""), *tmp = record_path(name, ".tmp");
	json_object *o;
	const char *text;
	ssize_t n;
	int fd, r = 0;

	if (!path || !tmp)
		return -ENOTDIR;
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "status", json_object_new_int(e->status));
	json_object_object_add(o, "signal", json_object_new_int(e->signal));
	json_object_object_add(o, "started", json_object_new_int64(e->started));
	json_object_object_add(o, "ended", json_object_new_int64(e->ended));
	json_object_object_add(o, "cwd", json_object_new_string(e->cwd ? e->cwd : ""));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	/* Written whole under a temporary name, so a reader never sees half. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
	} else {
		n = write(fd, text, strlen(text));
		if (n < 0 || (size_t)n != strlen(text))
			r = n < 0 ? -errno : -EIO;
		if (close(fd) < 0 && r == 0)
			r = -errno;
		if (r == 0 && rename(tmp, path) < 0)
			r = -errno;
		if (r < 0)
			unlink(tmp);
	}
	json_object_put(o);
	return r;
}

/* Read and parse a record file; returns the object or NULL with errno set. */
static json_object *read_record(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[EXIT_RECORD_MAX + 1];
	struct stat st;
	ssize_t n;
	json_object *o;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_size > EXIT_RECORD_MAX) {
		errno = EBADMSG;
		return NULL;
	}
	n = read(fd, buf, EXIT_RECORD_MAX);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	o = json_tokener_parse(buf);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		errno = EBADMSG;
		return NULL;
	}
	return o;
}

/* An integer member of o, or -1 when it is missing or not an integer. */
static int64_t get_int(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

int session_exit_load(const char *name, struct session_exit *ret)
{
	_cleanup_free_ char *path = record_path(name, "");
	json_object *o, *cwd;
	int64_t status;

	*ret = (struct session_exit){0};
	if (!path)
		return -ENOENT;
	o = read_record(path);
	if (!o)
		return errno == ENOENT ? -ENOENT : -EBADMSG;
	status = get_int(o, "status");
	ret->signal = (int)get_int(o, "signal");
	ret->started = (time_t)get_int(o, "started");
	ret->ended = (time_t)get_int(o, "ended");
	if (json_object_object_get_ex(o, "cwd", &cwd) && json_object_is_type(cwd, json_type_string))
		ret->cwd = xstrdup(json_object_get_string(cwd));
	json_object_put(o);
	if (status < 0 || status > 255 || ret->ended <= 0) {
		session_exit_done(ret);
		return -EBADMSG;
	}
	ret->status = (int)status;
	return 0;
}

void session_exit_remove(const char *name)
{
	_cleanup_free_ char *path = record_path(name, "");

	if (path)
		unlink(path);
}

void session_exit_done(struct session_exit *e)
{
	free(e->cwd);
	*e = (struct session_exit){0};
}

int session_exit_list(struct strv *ret_names)
{
	return session_dir_names(".exit", SESSION_EXIT_TTL, ret_names);
}

/* "45s", "12m", "3h" or "2d" for a duration in seconds. */
void session_format_age(long long seconds, char *buf, size_t n)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds < 60)
		snprintf(buf, n, "%llds", seconds);
	else if (seconds < 3600)
		snprintf(buf, n, "%lldm", seconds / 60);
	else if (seconds < 86400)
		snprintf(buf, n, "%lldh", seconds / 3600);
	else
		snprintf(buf, n, "%lldd", seconds / 86400);
}
