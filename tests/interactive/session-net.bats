#!/usr/bin/env bats
# The network of a session goes through the session's own proxies, started
# once by the daemon and used by every command typed in the shell.

load ../helpers/lib
load session

PY=/usr/bin/python3

setup() {
	session_setup
	[ -x "$PY" ] || skip "python3 is needed for the test server"
	command -v curl >/dev/null || skip "curl is needed"
	SERVER_PID=
}

teardown() {
	session_teardown
	[ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null
	return 0
}

start_web() {
	local pf="$BATS_TEST_TMPDIR/web.port"
	mkdir -p "$BATS_TEST_TMPDIR/www"
	echo "hello from the host" >"$BATS_TEST_TMPDIR/www/index.html"
	"$PY" "$FENCE_SRC/tests/helpers/http-server.py" --port-file "$pf" \
		--root "$BATS_TEST_TMPDIR/www" 3>&- &
	SERVER_PID=$!
	wait_until 10 test -s "$pf"
	WEB_PORT=$(cat "$pf")
}

# Policies: relaxed mode shares the host network, so the proxies listen on
# TCP; isolated mode reaches them through fence init's relays.
relaxed_policy() {
	printf '{"network":{"allowedDomains":["*"],"deniedDomains":["blocked.test"]}}\n' \
		>"$HOME/policy.json"
}

isolated_policy() {
	printf '{"network":{"allowedDomains":["127.0.0.1"]}}\n' >"$HOME/policy.json"
}

# The relay of fence init listens inside the sandbox.
require_relay() {
	type_line c1 '(exec 3<>/dev/tcp/127.0.0.1/3128) 2>/dev/null && echo relay-up || echo relay-down'
	wait_screen c1 '^relay-(up|down)$'
	screen_matches c1 '^relay-up$'
}

@test "session net (relaxed): an allowed local server is reached through the proxy" {
	start_web
	relaxed_policy
	start_shell c1 100 24 --settings "$HOME/policy.json"
	type_line c1 "curl -sS --noproxy \"\" -x \"\$HTTP_PROXY\" http://127.0.0.1:$WEB_PORT/index.html; echo rc-\$?"
	wait_screen c1 '^hello from the host$'
	wait_screen c1 '^rc-0$'
	grep -q "127.0.0.1:$WEB_PORT" "$XDG_STATE_HOME/fence/sessions/$SNAME.log"
}

@test "session net (relaxed): a denied domain is refused and counted" {
	relaxed_policy
	start_shell c1 100 24 --settings "$HOME/policy.json"
	type_line c1 "curl -s -o /dev/null -w 'code-%{http_code}\\n' --noproxy \"\" -x \"\$HTTP_PROXY\" http://blocked.test/"
	wait_screen c1 '^code-403$'
	run "$FENCE" ls --json
	assert_output_contains '"violations":1'
}

@test "session net: an allowed local server is reached through the proxy" {
	start_web
	isolated_policy
	start_shell c1 100 24 --settings "$HOME/policy.json"
	require_relay
	type_line c1 "curl -sS --noproxy \"\" -x \"\$HTTP_PROXY\" http://127.0.0.1:$WEB_PORT/index.html; echo rc-\$?"
	wait_screen c1 '^hello from the host$'
	wait_screen c1 '^rc-0$'
	grep -q "127.0.0.1:$WEB_PORT" "$XDG_STATE_HOME/fence/sessions/$SNAME.log"
}

@test "session net: a blocked domain is refused and counted" {
	isolated_policy
	start_shell c1 100 24 --settings "$HOME/policy.json"
	require_relay
	type_line c1 "curl -s -o /dev/null -w 'code-%{http_code}\\n' --noproxy \"\" -x \"\$HTTP_PROXY\" http://blocked.test/"
	wait_screen c1 '^code-403$'
	type_line c1 'curl -sS -m 5 http://127.0.0.1:9/ 2>&1 | head -1; echo direct-$((1+1))'
	wait_screen c1 '^direct-2$'
	run "$FENCE" ls --json
	assert_output_contains '"violations":1'
}

@test "session net: the same proxies serve every command of the session" {
	start_web
	isolated_policy
	start_shell c1 100 24 --settings "$HOME/policy.json"
	require_relay
	for i in 1 2 3; do
		type_line c1 "curl -s -o /dev/null -w 'code-%{http_code}-$i\n' --noproxy \"\" -x \"\$HTTP_PROXY\" http://127.0.0.1:$WEB_PORT/index.html"
		wait_screen c1 "^code-200-$i$"
	done
	detach c1
	client_start c2 100 24 "$FENCE" attach "$SNAME"
	type_line c2 "curl -s -o /dev/null -w 'code-%{http_code}-4\n' --noproxy \"\" -x \"\$HTTP_PROXY\" http://127.0.0.1:$WEB_PORT/index.html"
	wait_screen c2 '^code-200-4$'
	# One daemon, one pair of proxy sockets, whatever the number of commands.
	[ "$(ls "$XDG_RUNTIME_DIR/fence/$SNAME.net" | sort | tr '\n' ' ')" = "http.sock socks.sock " ]
}
