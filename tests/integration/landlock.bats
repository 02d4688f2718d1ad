#!/usr/bin/env bats
# Landlock as the second file system layer: a path the mounts leave
# readable but that no Landlock rule grants stays closed.

load ../helpers/lib

setup() {
	require_userns
	fence_sandbox_home
	OUTSIDE=$(mktemp -d /var/tmp/fence-landlock.XXXXXX)
	chmod 755 "$OUTSIDE"
	echo secret >"$OUTSIDE/file"
	chmod 644 "$OUTSIDE/file"
}

teardown() {
	rm -rf "$OUTSIDE"
	fence_sandbox_home_cleanup
}

require_landlock() {
	"$FENCE" --linux-features | grep -qE '^landlock +ok' ||
		skip_missing "Landlock is not available"
}

@test "landlock: a path outside every grant is unreadable" {
	require_landlock
	# The bare bwrap sandbox with the same mounts reads it.
	run bwrap --unshare-pid --ro-bind / / --dev /dev --proc /proc cat "$OUTSIDE/file"
	assert_status 0
	assert_output_contains secret
	run "$FENCE" -- cat "$OUTSIDE/file"
	[ "$status" -ne 0 ]
	assert_output_contains "Permission denied"
	run "$FENCE" -- ls "$OUTSIDE"
	[ "$status" -ne 0 ]
}

@test "landlock: system directories, cwd and home stay readable" {
	require_landlock
	echo work >"$WORK/w"
	echo home >"$HOME/h"
	run "$FENCE" -c "cat /etc/hostname >/dev/null && cat w && cat '$HOME/h' && ls /usr/bin >/dev/null"
	assert_status 0
	assert_output_contains work
	assert_output_contains home
}

@test "landlock: /tmp and /dev are writable" {
	require_landlock
	run "$FENCE" -c 'echo x >/tmp/a && mkdir /tmp/d && mv /tmp/a /tmp/d/b && cat /tmp/d/b && echo y >/dev/null'
	assert_status 0
	assert_output_contains x
}

@test "landlock: -d reports that it was applied" {
	require_landlock
	run "$FENCE" -d -- true
	assert_status 0
	assert_output_contains "[fence:linux] Landlock applied"
}

@test "landlock: --linux-features shows the ABI" {
	require_landlock
	run "$FENCE" --linux-features
	assert_output_matches 'landlock +ok +ABI [0-9]+'
}

# Make a repository with one commit at $1 and a linked worktree of it at $2.
make_worktree() {
	git init -q "$1"
	git -C "$1" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m init
	git -C "$1" worktree add -q "$2"
}

@test "landlock: git status works in a worktree whose repository lies elsewhere" {
	require_landlock
	command -v git >/dev/null || skip "git is not installed"
	make_worktree "$OUTSIDE/repo" "$WORK/wt"
	cd "$WORK/wt"
	echo x >new-file
	run "$FENCE" -- git status --short
	assert_status 0
	assert_output_contains "?? new-file"
	# Only the repository is granted, not the directory around it.
	run "$FENCE" -- cat "$OUTSIDE/file"
	[ "$status" -ne 0 ]
	assert_output_contains "Permission denied"
}

@test "landlock: git status works in a subdirectory of a repository elsewhere" {
	require_landlock
	command -v git >/dev/null || skip "git is not installed"
	git init -q "$OUTSIDE/repo"
	mkdir "$OUTSIDE/repo/sub"
	echo x >"$OUTSIDE/repo/sub/tracked"
	git -C "$OUTSIDE/repo" add sub/tracked
	git -C "$OUTSIDE/repo" -c user.name=t -c user.email=t@example.com commit -q -m init
	echo y >"$OUTSIDE/repo/sub/tracked"
	cd "$OUTSIDE/repo/sub"
	run "$FENCE" -- git status --short
	assert_status 0
	[ "$output" = " M tracked" ]
}

@test "landlock: a planted .git file grants nothing outside git's worktree layout" {
	require_landlock
	echo "gitdir: $OUTSIDE" >"$WORK/.git"
	echo "$WORK/.git" >"$OUTSIDE/gitdir"
	run "$FENCE" -- cat "$OUTSIDE/file"
	[ "$status" -ne 0 ]
	assert_output_contains "Permission denied"
}

# Landlock has no right for a directory's own entries only: READ_DIR on /
# would list every directory of the host, so / stays closed (see
# docs/security-model.md).
@test "landlock: / itself cannot be listed, the trees granted below it can" {
	require_landlock
	run "$FENCE" -- ls /
	[ "$status" -ne 0 ]
	assert_output_contains "Permission denied"
	run "$FENCE" -- ls /usr /etc
	assert_status 0
	run "$FENCE" -- ls "$OUTSIDE"
	[ "$status" -ne 0 ]
}
