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

@test "bridge: a symlink in place of a -p socket does not reach a host socket" {
	local port
	port=$(free_port)
	/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(4)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept(); c.sendall(b"HOST-SOCKET\n"); c.close()
' "$FENCE_TEST_ROOT/agent.sock" "$FENCE_TEST_ROOT/ready" 3>&- &
	local server=$!
	wait_until 10 test -e "$FENCE_TEST_ROOT/ready"
	"$FENCE" -p "$port" -c "ln -sf '$FENCE_TEST_ROOT/agent.sock' /tmp/fence/rev/link &&
		mv -f /tmp/fence/rev/link /tmp/fence/rev/port-0-$port.sock && sleep 30" \
		>/dev/null 2>&1 3>&- &
	local run=$!
	wait_until 20 sh -c "find '$TMPDIR' -name 'port-0-$port.sock' -type l | grep -q ."
	run /usr/bin/python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.settimeout(5)
try:
    print(s.recv(64))
except OSError as e:
    print("error", e)
' "$port"
	kill "$run" "$server" 2>/dev/null || true
	wait "$run" "$server" 2>/dev/null || true
	refute_output_contains "HOST-SOCKET"
}
