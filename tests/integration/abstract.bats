#!/usr/bin/env bats
# Host abstract Unix sockets in relaxed network mode, where the sandbox
# shares the host's network namespace: Landlock's scope keeps them out
# unless allowAllUnixSockets is set.

load ../helpers/lib

PY=/usr/bin/python3

setup() {
	require_userns
	fence_tmp_home
	NAME="fence-test-abstract-$$-$BATS_TEST_NUMBER"
	"$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind("\0" + sys.argv[1]); s.listen(4)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept(); c.sendall(b"HOST-ABSTRACT\n"); c.close()
' "$NAME" "$BATS_TEST_TMPDIR/ready" 3>&- &
	SERVER_PID=$!
	wait_until 10 test -e "$BATS_TEST_TMPDIR/ready"
}

teardown() {
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
}

connect_inside() {
	run "$FENCE" -- "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect("\0" + sys.argv[1]); print(s.recv(64).decode().strip())
except OSError as e:
    print("refused", e.errno)
' "$NAME"
}

@test "abstract: relaxed mode cannot reach a host abstract socket" {
	"$FENCE" --linux-features | grep -q 'landlock.*ABI [6-9]' ||
		skip_missing "Landlock ABI 6 (abstract socket scope) is needed"
	printf '{"network":{"allowedDomains":["*"]}}\n' >fence.json
	connect_inside
	assert_status 0
	refute_output_contains "HOST-ABSTRACT"
	assert_output_contains "refused"
}

@test "abstract: allowAllUnixSockets lets relaxed mode reach it" {
	printf '{"network":{"allowedDomains":["*"],"allowAllUnixSockets":true}}\n' >fence.json
	connect_inside
	assert_status 0
	assert_output_contains "HOST-ABSTRACT"
}
