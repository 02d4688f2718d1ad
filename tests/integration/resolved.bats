#!/usr/bin/env bats
# An IP entry of deniedDomains also holds for an allowed name that
# resolves to that address: the proxies check every resolved address
# before they connect.  The name used is localhost, which resolves to
# the host's loopback where the test's server listens.

load ../helpers/lib

PY=/usr/bin/python3
CURL="curl -sS --max-time 20 --noproxy ''"

setup() {
	fence_tmp_home
	require_userns
	[ -x "$PY" ] || skip "python3 is needed for the test server"
	echo reached-server >index.html
	"$PY" "$FENCE_SRC/tests/helpers/http-server.py" --port-file "$BATS_TEST_TMPDIR/port" \
		--root . 3>&- &
	SERVER_PID=$!
	wait_until 10 test -s "$BATS_TEST_TMPDIR/port"
	PORT=$(cat "$BATS_TEST_TMPDIR/port")
}

teardown() {
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
}

@test "resolved: the HTTP proxy refuses a name that resolves to a denied address" {
	printf '{"network":{"allowedDomains":["localhost"],"deniedDomains":["127.0.0.1","::1"]}}\n' >fence.json
	run "$FENCE" -m -c "$CURL -x http://127.0.0.1:3128 http://localhost:$PORT/index.html"
	refute_output_contains "reached-server"
	assert_output_contains "Blocked by fence: localhost:$PORT"
	assert_output_contains "127.0.0.1"
}

@test "resolved: the SOCKS5 proxy refuses a name that resolves to a denied address" {
	printf '{"network":{"allowedDomains":["localhost"],"deniedDomains":["127.0.0.1","::1"]}}\n' >fence.json
	run "$FENCE" -m -c "$CURL -x socks5h://127.0.0.1:1080 http://localhost:$PORT/index.html"
	[ "$status" -ne 0 ]
	refute_output_contains "reached-server"
	assert_output_contains "[fence:socks]"
}

@test "resolved: a name whose addresses are not denied still connects" {
	printf '{"network":{"allowedDomains":["localhost"],"deniedDomains":["10.0.0.1"]}}\n' >fence.json
	run "$FENCE" -c "$CURL -x http://127.0.0.1:3128 http://localhost:$PORT/index.html"
	assert_status 0
	assert_output_contains "reached-server"
}

@test "resolved: unspecified addresses never reach the host's loopback" {
	printf '{"network":{"allowedDomains":["*:%s"],"deniedDomains":["127.0.0.1","::1"]}}\n' "$PORT" >fence.json
	for host in 0.0.0.0 0 '[::ffff:0.0.0.0]' '[::]'; do
		run "$FENCE" -c "$CURL -x http://127.0.0.1:3128 http://$host:$PORT/index.html"
		refute_output_contains "reached-server"
		assert_output_contains "unspecified address"
	done
}
