#!/usr/bin/env bats
# The host directory that holds the proxy and -p sockets: what the sandbox
# can write there, and that nothing of it outlives the run.

load ../helpers/lib

setup() {
	require_userns
	fence_sandbox_home
	export TMPDIR="$FENCE_TEST_ROOT/tmp"
	mkdir -p "$TMPDIR"
}

teardown() {
	fence_sandbox_home_cleanup
}

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

@test "bridge: without -p no writable socket directory is bound" {
	run "$FENCE" -c 'test -e /tmp/fence/rev && echo REV-EXISTS; echo x >/tmp/fence/net/f && echo NET-WRITABLE; true'
	assert_status 0
	refute_output_contains "REV-EXISTS"
	refute_output_contains "NET-WRITABLE"
}

@test "bridge: files the sandbox leaves next to -p sockets are removed" {
	local port
	port=$(free_port)
	run "$FENCE" -p "$port" -c 'echo kept >/tmp/fence/rev/leftover && mkdir /tmp/fence/rev/d &&
		echo y >/tmp/fence/rev/d/f && ln -s /etc /tmp/fence/rev/link && echo WROTE'
	assert_status 0
	assert_output_contains "WROTE"
	run find "$TMPDIR" -mindepth 1
	assert_status 0
	[ -z "$output" ]
	[ -d /etc ]
}

@test "bridge: a killed run's socket directory is swept by the next run" {
	local dead
	dead=$(sh -c 'echo $$')
	mkdir -p "$TMPDIR/fence-net-$dead-abcdef/net" "$TMPDIR/fence-net-$dead-abcdef/rev"
	echo data >"$TMPDIR/fence-net-$dead-abcdef/rev/file"
	# A directory whose process is alive stays.
	mkdir -p "$TMPDIR/fence-net-$$-abcdef"
	run "$FENCE" -- true
	assert_status 0
	[ ! -e "$TMPDIR/fence-net-$dead-abcdef" ]
	[ -d "$TMPDIR/fence-net-$$-abcdef" ]
}
