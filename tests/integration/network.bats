#!/usr/bin/env bats
# Network policy of sandboxed runs: the proxies reached through the
# in-sandbox relays, bypass attempts, local-outbound and -p bridges,
# relaxed mode and the -m/-d lines.  Servers run on the host's loopback;
# inside the sandbox's own network namespace nothing else is reachable.

load ../helpers/lib

PY=/usr/bin/python3

setup() {
	fence_tmp_home
	require_userns
	PIDS=()
	[ -x "$PY" ] || skip "python3 is needed for the test servers"
}

teardown() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}

# start_server NAME [http-server.py args]: sets NAME_PORT.
start_server() {
	local name=$1 pf="$BATS_TEST_TMPDIR/$1.port"
	shift
	"$PY" "$FENCE_SRC/tests/helpers/http-server.py" --port-file "$pf" "$@" 3>&- &
	PIDS+=($!)
	wait_until 10 test -s "$pf"
	printf -v "${name}_PORT" '%s' "$(cat "$pf")"
}

# A free TCP port on the host's loopback (the race with other programs is
# tiny, and a clash fails loudly).
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

config() {
	printf '%s\n' "$1" >fence.json
}

# Inside, the proxy variables name 127.0.0.1, which NO_PROXY exempts, so
# tests that reach loopback servers through the proxy clear NO_PROXY.
CURL="curl -sS --max-time 20 --noproxy ''"

@test "network: curl through the in-sandbox HTTP relay reaches an allowed server" {
	echo hello-inside >index.html
	start_server WEB --root .
	config '{"network": {"allowedDomains": ["127.0.0.1"]}}'
	run "$FENCE" -c "$CURL -x http://127.0.0.1:3128 http://127.0.0.1:$WEB_PORT/index.html"
	assert_status 0
	assert_output_contains hello-inside
}

@test "network: the proxy variables are set inside" {
	config '{"network": {"allowedDomains": ["127.0.0.1"]}}'
	run "$FENCE" -- sh -c 'env | sort'
	assert_status 0
	for v in HTTP_PROXY=http://127.0.0.1:3128 https_proxy=http://127.0.0.1:3128 \
		ALL_PROXY=socks5h://127.0.0.1:1080 all_proxy=socks5h://127.0.0.1:1080 \
		NO_PROXY=localhost,127.0.0.1,::1 no_proxy=localhost,127.0.0.1,::1 \
		npm_config_proxy=http://127.0.0.1:3128 PIP_PROXY=http://127.0.0.1:3128; do
		assert_output_contains "$v"
	done
}

@test "network: a blocked name is refused with a -m line, before any DNS lookup" {
	config '{"network": {"allowedDomains": ["127.0.0.1"]}}'
	run "$FENCE" -m -- curl -sS --max-time 20 https://blocked.test/
	assert_status 56
	assert_output_contains "[fence:http]"
	assert_output_contains "✗ blocked CONNECT blocked.test:443 (not in allowedDomains)"
}

@test "network: SOCKS5 with socks5h works inside and refuses other names" {
	echo socks-inside >index.html
	start_server WEB --root .
	config '{"network": {"allowedDomains": ["localhost"]}}'
	run "$FENCE" -c "$CURL -x socks5h://127.0.0.1:1080 http://localhost:$WEB_PORT/index.html"
	assert_status 0
	assert_output_contains socks-inside
	run "$FENCE" -m -c "$CURL -x socks5h://127.0.0.1:1080 http://127.0.0.1:$WEB_PORT/"
	assert_status 97
	assert_output_contains "[fence:socks]"
	assert_output_contains "CONNECT 127.0.0.1:$WEB_PORT BLOCKED (not in allowedDomains)"
}

@test "network: HTTPS through CONNECT reaches a local TLS server from inside" {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
		-addext "subjectAltName=IP:127.0.0.1" -keyout key.pem -out cert.pem 2>/dev/null
	echo tls-inside >index.html
	start_server TLS --root . --tls cert.pem key.pem
	config '{"network": {"allowedDomains": ["127.0.0.1"]}}'
	run "$FENCE" -c "$CURL --cacert cert.pem -x http://127.0.0.1:3128 https://127.0.0.1:$TLS_PORT/index.html"
	assert_status 0
	assert_output_contains tls-inside
}

@test "network: git clone over HTTP works inside through the proxy" {
	git init -q --bare repo.git
	git clone -q repo.git src 2>/dev/null
	(cd src && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m one && git push -q origin HEAD:master)
	git -C repo.git update-server-info
	start_server WEB --root .
	config '{"network": {"allowedDomains": ["127.0.0.1"]}, "filesystem": {"allowWrite": ["."]}}'
	run "$FENCE" -c "NO_PROXY= no_proxy= git clone -q http://127.0.0.1:$WEB_PORT/repo.git out"
	assert_status 0
	[ -d out/.git ]
}

@test "network: direct connections to host loopback fail inside" {
	start_server WEB --root .
	start_server WEB6 --root . --bind ::1
	config '{"network": {"allowedDomains": ["127.0.0.1", "[::1]"]}}'
	run "$FENCE" -c "curl -sS --max-time 5 --noproxy '*' http://127.0.0.1:$WEB_PORT/"
	assert_status 7
	run "$FENCE" -c "curl -sS --max-time 5 --noproxy '*' -g http://[::1]:$WEB6_PORT/"
	assert_status 7
}

@test "network: a raw DNS query to a host resolver on loopback gets no answer" {
	# A UDP responder on the host's 127.0.0.1 stands in for a resolver.
	"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    data, addr = s.recvfrom(512)
    s.sendto(data, addr)
' "$BATS_TEST_TMPDIR/dns.port" 3>&- &
	PIDS+=($!)
	wait_until 10 test -s "$BATS_TEST_TMPDIR/dns.port"
	port=$(cat "$BATS_TEST_TMPDIR/dns.port")
	# The probe itself reaches the responder from the host...
	run "$PY" -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5); s.sendto(b'q', ('127.0.0.1', $port)); print(s.recv(9))"
	assert_output_contains "b'q'"
	config '{"network": {"allowedDomains": ["*.example.test"]}}'
	# ...but not from inside.
	run "$FENCE" -- "$PY" -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2); s.sendto(b'q', ('127.0.0.1', $port)); print(s.recv(9))"
	[ "$status" -ne 0 ]
	refute_output_contains "b'q'"
}

@test "network: an abstract Unix socket of the host is unreachable inside" {
	name="fence-test-$$-$RANDOM"
	"$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind("\0" + sys.argv[1])
s.listen(1)
open(sys.argv[2], "w").write("up")
while True:
    c, _ = s.accept(); c.sendall(b"reached"); c.close()
' "$name" "$BATS_TEST_TMPDIR/abstract.up" 3>&- &
	PIDS+=($!)
	wait_until 10 test -s "$BATS_TEST_TMPDIR/abstract.up"
	probe="import socket, sys; s=socket.socket(socket.AF_UNIX); s.connect('\0' + sys.argv[1]); print(s.recv(9))"
	run "$PY" -c "$probe" "$name"
	assert_output_contains reached
	config '{}'
	run "$FENCE" -- "$PY" -c "$probe" "$name"
	[ "$status" -ne 0 ]
	refute_output_contains reached
}

@test "network: allowLocalOutboundPorts bridges listed ports only" {
	echo local-port >index.html
	start_server WEB --root .
	start_server OTHER --root .
	config "{\"network\": {\"allowLocalOutbound\": true, \"allowLocalOutboundPorts\": [$WEB_PORT]}}"
	run "$FENCE" -c "curl -sS --max-time 10 --noproxy '*' http://127.0.0.1:$WEB_PORT/index.html"
	assert_status 0
	assert_output_contains local-port
	run "$FENCE" -c "curl -sS --max-time 5 --noproxy '*' http://127.0.0.1:$OTHER_PORT/index.html"
	assert_status 7
}

@test "network: allowLocalOutbound without ports prints a -d notice" {
	config '{"network": {"allowLocalOutbound": true}}'
	run "$FENCE" -- true
	refute_output_contains "[fence]"
	run "$FENCE" -d -- true
	assert_status 0
	assert_output_contains "[fence] allowLocalOutbound is set but allowLocalOutboundPorts is empty"
}

@test "network: -p publishes a server running inside on the host" {
	port=$(free_port)
	config '{"network": {"allowLocalBinding": true}}'
	echo served-from-inside >index.html
	"$FENCE" -p "$port" -- "$PY" -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1 3>&- &
	PIDS+=($!)
	wait_until 20 curl -s -o /dev/null "http://127.0.0.1:$port/index.html"
	run curl -sS "http://127.0.0.1:$port/index.html"
	assert_output_contains served-from-inside
}

@test "network: relaxed mode shares the host network and still offers the proxies" {
	echo relaxed >index.html
	start_server WEB --root .
	config '{"network": {"allowedDomains": ["*"], "deniedDomains": ["blocked.test"]}}'
	run "$FENCE" -c "curl -sS --max-time 10 --noproxy '*' http://127.0.0.1:$WEB_PORT/index.html"
	assert_status 0
	assert_output_contains relaxed
	run "$FENCE" -- sh -c 'echo "$HTTP_PROXY"'
	assert_output_matches 'http://127\.0\.0\.1:[0-9]+'
	refute_output_contains ":3128"
	run "$FENCE" -m -- curl -sS --max-time 10 http://blocked.test/
	assert_output_contains 'denied by deniedDomains rule "blocked.test"'
}

@test "network: -d logs filter decisions and allowed requests" {
	start_server WEB --root .
	config '{"network": {"allowedDomains": ["127.0.0.1"]}}'
	run "$FENCE" -d -c "$CURL -o /dev/null -x http://127.0.0.1:3128 http://127.0.0.1:$WEB_PORT/"
	assert_status 0
	assert_output_contains "[fence:filter] allow 127.0.0.1:$WEB_PORT (rule \"127.0.0.1\")"
	assert_output_contains "✓ GET     200 127.0.0.1:$WEB_PORT"
}

@test "network: --log-file takes the -m lines instead of stderr" {
	config '{"network": {"allowedDomains": []}}'
	run "$FENCE" -m --log-file "$BATS_TEST_TMPDIR/fence.log" -- curl -sS --max-time 10 https://blocked.test/
	assert_status 56
	refute_output_contains "[fence:http]"
	grep -qF "✗ blocked CONNECT blocked.test:443 (not in allowedDomains)" "$BATS_TEST_TMPDIR/fence.log"
}

@test "network: no relay process or socket directory outlives the run" {
	config '{"network": {"allowedDomains": ["127.0.0.1"]}}'
	marker="fence-relay-probe-$$-$RANDOM"
	mkdir -p "$BATS_TEST_TMPDIR/t"
	TMPDIR="$BATS_TEST_TMPDIR/t" run "$FENCE" -- sh -c ": $marker"
	assert_status 0
	run pgrep -f "$marker"
	[ "$status" -ne 0 ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/t")" ]
}

@test "network: npm install with -t npm-install goes through the proxies" {
	command -v npm >/dev/null || skip "npm is not installed"
	# A one-package registry on loopback stands in for registry.npmjs.org.
	mkdir -p pkg reg/tarballs proj "$HOME/.npm/_cacache" "$HOME/.npm/_logs"
	printf '{"name":"tiny-pkg","version":"1.0.0","main":"index.js"}' >pkg/package.json
	echo 'module.exports = 42;' >pkg/index.js
	(cd pkg && npm_config_cache="$BATS_TEST_TMPDIR/pack-cache" npm pack --silent >/dev/null 2>&1)
	mv pkg/tiny-pkg-1.0.0.tgz reg/tarballs/
	start_server REG --root reg
	"$PY" - "$REG_PORT" <<'PYEOF'
import base64, hashlib, json, sys
port = sys.argv[1]
data = open("reg/tarballs/tiny-pkg-1.0.0.tgz", "rb").read()
doc = {"name": "tiny-pkg", "dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": {
    "name": "tiny-pkg", "version": "1.0.0", "main": "index.js",
    "dist": {"tarball": "http://127.0.0.1:%s/tarballs/tiny-pkg-1.0.0.tgz" % port,
             "shasum": hashlib.sha1(data).hexdigest(),
             "integrity": "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()}}}}
json.dump(doc, open("reg/tiny-pkg", "w"))
PYEOF
	cd proj
	echo '{"name": "proj", "version": "1.0.0"}' >package.json
	export npm_config_registry="http://127.0.0.1:$REG_PORT/"
	# The registry lives on loopback, which NO_PROXY exempts; clear it so
	# npm goes through the proxy as it would for a remote registry.
	run "$FENCE" -d -t npm-install -- sh -c \
		'npm_config_noproxy= NO_PROXY= no_proxy= npm install --no-audit --no-fund tiny-pkg 2>&1'
	assert_status 0
	[ -f node_modules/tiny-pkg/index.js ]
	assert_output_contains "✓ GET     200 127.0.0.1:$REG_PORT http://127.0.0.1:$REG_PORT/tarballs/tiny-pkg-1.0.0.tgz"
	run "$FENCE" -m -t npm-install -- curl -sS --max-time 10 https://blocked.test/
	assert_status 56
	assert_output_contains "✗ blocked CONNECT blocked.test:443 (not in allowedDomains)"
}

@test "network: a client inside that sends half a request head is cut off" {
	config '{"network": {"allowedDomains": ["127.0.0.1"]}}'
	export FENCE_PROXY_HEADER_TIMEOUT=1
	cp "$FENCE_SRC/tests/helpers/idle-client.py" .
	run "$FENCE" -c "$PY idle-client.py 3128 /tmp/out 'GET http://127.0.0.1/ HTTP/1.1\\r\\nHo' && cat /tmp/out"
	assert_status 0
	assert_output_contains "408 Request Timeout"
	assert_output_contains "#closed"
}

@test "network: an https:// absolute URI is filtered, then answered with the fix" {
	config '{"network": {"allowedDomains": ["127.0.0.1"]}}'
	cp "$FENCE_SRC/tests/helpers/raw-client.py" .
	raw="$PY raw-client.py http 3128"
	# The 403 body goes to stdout, the -m line to stderr; run shows both.
	run "$FENCE" -m -c "printf 'GET https://blocked.test/ HTTP/1.1\\r\\nHost: blocked.test\\r\\n\\r\\n' | $raw"
	assert_output_contains "Blocked by fence: blocked.test:443 (not in allowedDomains)"
	assert_output_contains "✗ blocked GET blocked.test:443 (not in allowedDomains)"
	run "$FENCE" -c "printf 'GET https://127.0.0.1:9/ HTTP/1.1\\r\\nHost: 127.0.0.1:9\\r\\n\\r\\n' | $raw"
	assert_output_contains "501 Not Implemented"
	assert_output_contains "set https_proxy"
}
