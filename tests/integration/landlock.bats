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
