#!/usr/bin/env bats
# The HTTP and SOCKS5 proxies on their own (tests/helpers/proxy-serve),
# driven by real curl, git and raw sockets against servers on loopback.

load ../helpers/lib

PY=/usr/bin/python3

setup() {
	fence_tmp_home
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

# start_proxy [proxy-serve args]: sets HTTP_PORT and SOCKS_PORT; the
# -d log goes to $PROXY_LOG.
start_proxy() {
	local pf="$BATS_TEST_TMPDIR/proxy.ports"
	PROXY_LOG="$BATS_TEST_TMPDIR/proxy.log"
	rm -f "$pf"
	"$FENCE_BUILD/tests/helpers/proxy-serve" -d --ports-file "$pf" "$@" 2>"$PROXY_LOG" 3>&- &
	PIDS+=($!)
	PROXY_PID=$!
	wait_until 10 test -s "$pf"
	read -r HTTP_PORT SOCKS_PORT <"$pf"
}

raw_http() {
	printf "$1" | "$PY" "$FENCE_SRC/tests/helpers/raw-client.py" http "$HTTP_PORT"
}

# idle_client NAME [BYTES]: connect to $PORT, send BYTES (Python escapes),
# then wait silently; $BATS_TEST_TMPDIR/NAME.out gets the reply and then
# "#closed" once the proxy ends the connection.
idle_client() {
	"$PY" "$FENCE_SRC/tests/helpers/idle-client.py" "$PORT" "$BATS_TEST_TMPDIR/$1.out" "${2:-}" 3>&- &
	PIDS+=($!)
}

# closed NAME: whether the proxy has closed idle_client NAME's connection.
closed() {
	grep -qa '^#closed' "$BATS_TEST_TMPDIR/$1.out" 2>/dev/null
}

assert_log_contains() {
	grep -qF -- "$1" "$PROXY_LOG" || {
		printf 'expected the proxy log to contain: %s\nlog:\n%s\n' "$1" "$(cat "$PROXY_LOG")" >&2
		return 1
	}
}

make_tls_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		-keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" 2>/dev/null
}

@test "proxy: absolute-URI GET to an allowed IP reaches the server" {
	echo hello >index.html
	start_server WEB --root .
	start_proxy --allow 127.0.0.1
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" "http://127.0.0.1:$WEB_PORT/index.html"
	assert_status 0
	assert_output_contains hello
	assert_log_contains "[fence:filter] allow 127.0.0.1:$WEB_PORT"
	assert_log_contains "✓ GET     200 127.0.0.1:$WEB_PORT http://127.0.0.1:$WEB_PORT/index.html"
}

@test "proxy: blocked request gets 403 naming the host and the rule" {
	start_proxy --allow 127.0.0.1 --deny '*.blocked.test'
	run curl -sS -i -x "http://127.0.0.1:$HTTP_PORT" http://www.blocked.test/
	assert_status 0
	assert_output_contains "HTTP/1.1 403 Forbidden"
	assert_output_contains "Content-Type: text/plain"
	assert_output_contains 'www.blocked.test:80 (denied by deniedDomains rule "*.blocked.test")'
	run curl -sS -i -x "http://127.0.0.1:$HTTP_PORT" http://other.test/
	assert_output_contains "other.test:80 (not in allowedDomains)"
	assert_log_contains "✗ blocked GET www.blocked.test:80"
}

@test "proxy: HTTPS through CONNECT reaches a local TLS server" {
	make_tls_cert
	echo secret-page >index.html
	start_server TLS --root . --tls "$BATS_TEST_TMPDIR/cert.pem" "$BATS_TEST_TMPDIR/key.pem"
	start_proxy --allow 127.0.0.1
	run curl -sS --cacert "$BATS_TEST_TMPDIR/cert.pem" -x "http://127.0.0.1:$HTTP_PORT" \
		"https://127.0.0.1:$TLS_PORT/index.html"
	assert_status 0
	assert_output_contains secret-page
	assert_log_contains "✓ CONNECT 200 127.0.0.1:$TLS_PORT"
}

@test "proxy: blocked CONNECT is refused before any DNS lookup" {
	start_proxy --allow 127.0.0.1
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" https://example.com/
	assert_status 56
	assert_output_contains "403"
	assert_log_contains "✗ blocked CONNECT example.com:443 (not in allowedDomains)"
	# The filter runs first, so no connection was ever attempted.
	run grep -c "cannot connect" "$PROXY_LOG"
	assert_output_contains 0
}

@test "proxy: SOCKS5 with socks5h reaches an allowed name and refuses others" {
	echo via-socks >index.html
	start_server WEB --root .
	start_proxy --allow localhost
	run curl -sS -x "socks5h://127.0.0.1:$SOCKS_PORT" "http://localhost:$WEB_PORT/index.html"
	assert_status 0
	assert_output_contains via-socks
	assert_log_contains "✓ CONNECT localhost:$WEB_PORT ALLOWED"
	run curl -sS -x "socks5h://127.0.0.1:$SOCKS_PORT" "http://127.0.0.1:$WEB_PORT/index.html"
	assert_status 97
	assert_log_contains "✗ CONNECT 127.0.0.1:$WEB_PORT BLOCKED (not in allowedDomains)"
}

@test "proxy: SOCKS5 with an IPv4 target and HTTPS inside the tunnel" {
	make_tls_cert
	echo tls-over-socks >index.html
	start_server TLS --root . --tls "$BATS_TEST_TMPDIR/cert.pem" "$BATS_TEST_TMPDIR/key.pem"
	start_proxy --allow 127.0.0.1
	run curl -sS --cacert "$BATS_TEST_TMPDIR/cert.pem" -x "socks5://127.0.0.1:$SOCKS_PORT" \
		"https://127.0.0.1:$TLS_PORT/index.html"
	assert_status 0
	assert_output_contains tls-over-socks
}

@test "proxy: SOCKS5 BIND and UDP ASSOCIATE get 'command not supported'" {
	start_proxy --allow '*'
	run "$PY" "$FENCE_SRC/tests/helpers/raw-client.py" socks "$SOCKS_PORT" 2 127.0.0.1 80
	assert_output_contains "reply=7"
	run "$PY" "$FENCE_SRC/tests/helpers/raw-client.py" socks "$SOCKS_PORT" 3 127.0.0.1 80
	assert_output_contains "reply=7"
	# CONNECT still works on the same proxy: allowed, then refused by the closed port.
	run "$PY" "$FENCE_SRC/tests/helpers/raw-client.py" socks "$SOCKS_PORT" 1 127.0.0.1 1
	assert_output_contains "reply=5"
}

@test "proxy: SOCKS5 denied name gets reply 2" {
	start_proxy --allow '*' --deny blocked.test
	run "$PY" "$FENCE_SRC/tests/helpers/raw-client.py" socks "$SOCKS_PORT" 1 BLOCKED.TEST. 443
	assert_output_contains "reply=2"
}

@test "proxy: wildcard matches subdomains but not the apex" {
	echo sub >index.html
	start_server WEB --root .
	# --resolve answers for the test names, so no real resolver is asked.
	start_proxy --allow '*.example.test' --resolve api.example.test=127.0.0.1 \
		--resolve example.test=127.0.0.1
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" "http://api.example.test:$WEB_PORT/index.html"
	assert_status 0
	assert_output_contains sub
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" "http://example.test:$WEB_PORT/index.html"
	assert_output_contains "example.test:$WEB_PORT (not in allowedDomains)"
	run curl -sS -x "socks5h://127.0.0.1:$SOCKS_PORT" "http://example.test:$WEB_PORT/index.html"
	assert_status 97
	start_proxy --allow '*' --deny '*.example.test' --resolve example.test=127.0.0.1
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" "http://example.test:$WEB_PORT/index.html"
	assert_output_contains sub
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" "http://a.b.example.test:$WEB_PORT/index.html"
	assert_output_contains 'denied by deniedDomains rule "*.example.test"'
}

@test "proxy: upper case and a trailing dot match the same entry" {
	echo case >index.html
	start_server WEB --root .
	start_proxy --allow LocalHost
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" "http://LOCALHOST.:$WEB_PORT/index.html"
	assert_status 0
	assert_output_contains case
	assert_log_contains "[fence:filter] allow localhost:$WEB_PORT"
}

@test "proxy: other spellings of a denied IPv4 address are denied" {
	start_server WEB --root .
	start_proxy --allow '*' --deny 127.0.0.1
	for host in 127.0.0.1 127.1 2130706433 0x7f.0.0.1 '[::ffff:127.0.0.1]'; do
		run raw_http "GET http://$host:$WEB_PORT/ HTTP/1.1\r\nHost: x\r\n\r\n"
		assert_output_contains "403 Forbidden"
	done
	run "$PY" "$FENCE_SRC/tests/helpers/raw-client.py" socks "$SOCKS_PORT" 1 ::ffff:127.0.0.1 "$WEB_PORT"
	assert_output_contains "reply=2"
}

@test "proxy: IPv6 literals match only entries that name them" {
	echo v6 >index.html
	start_server WEB6 --root . --bind ::1
	start_proxy --allow '[::1]'
	run curl -sS -g -x "http://127.0.0.1:$HTTP_PORT" "http://[::1]:$WEB6_PORT/index.html"
	assert_status 0
	assert_output_contains v6
	run curl -sS -g -x "http://127.0.0.1:$HTTP_PORT" "http://[0:0::1]:$WEB6_PORT/index.html"
	assert_output_contains v6
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" "http://localhost:$WEB6_PORT/"
	assert_output_contains "not in allowedDomains"
	run "$PY" "$FENCE_SRC/tests/helpers/raw-client.py" socks "$SOCKS_PORT" 1 ::1 "$WEB6_PORT"
	assert_output_contains "reply=0"
}

@test "proxy: userinfo in the URL does not hide the real host" {
	echo userinfo >index.html
	start_server WEB --root .
	start_proxy --allow 127.0.0.1
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" "http://user:pw@127.0.0.1:$WEB_PORT/index.html"
	assert_status 0
	assert_output_contains userinfo
	run raw_http "GET http://127.0.0.1:$WEB_PORT@blocked.test/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
	assert_output_contains "403 Forbidden"
	assert_output_contains "blocked.test:80"
}

@test "proxy: an https:// absolute URI is filtered first, then told to use CONNECT" {
	start_proxy --allow 127.0.0.1 --deny denied.test
	# A host the policy refuses gets the usual 403 and a blocked record.
	run raw_http "GET https://blocked.test/x HTTP/1.1\r\nHost: blocked.test\r\n\r\n"
	assert_output_contains "403 Forbidden"
	assert_output_contains "Blocked by fence: blocked.test:443 (not in allowedDomains)"
	assert_log_contains "✗ blocked GET blocked.test:443"
	run raw_http "GET https://denied.test:8443/ HTTP/1.1\r\nHost: denied.test:8443\r\n\r\n"
	assert_output_contains 'Blocked by fence: denied.test:8443 (denied by deniedDomains rule "denied.test")'
	# An allowed host gets an answer that names the fix.
	run raw_http "GET https://127.0.0.1:9/x HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n"
	assert_output_contains "501 Not Implemented"
	assert_output_contains "https://127.0.0.1:9/x: this proxy does not fetch https:// URLs itself"
	assert_output_contains "set https_proxy"
	assert_output_contains "use CONNECT"
	assert_log_contains "! GET     501 127.0.0.1:9 https://127.0.0.1:9/x (https:// URL sent without CONNECT; set https_proxy"
}

@test "proxy: a client that sends nothing or half a request head is cut off" {
	export FENCE_PROXY_HEADER_TIMEOUT=1
	start_proxy --allow 127.0.0.1
	PORT=$HTTP_PORT
	idle_client silent
	idle_client slowloris 'GET http://127.0.0.1/ HTTP/1.1\r\nHost: 127.0'
	wait_until 60 closed silent
	wait_until 60 closed slowloris
	run cat "$BATS_TEST_TMPDIR/silent.out"
	[ "$output" = $'\n#closed' ]
	run cat "$BATS_TEST_TMPDIR/slowloris.out"
	assert_output_contains "408 Request Timeout"
	assert_output_contains "the request head did not arrive in time"
	assert_log_contains "! -       408"
	kill -0 "$PROXY_PID"
}

@test "proxy: idle kept-alive connections and silent tunnels are closed" {
	echo kept >index.html
	start_server WEB --root .
	export FENCE_PROXY_HEADER_TIMEOUT=600 FENCE_PROXY_IDLE_TIMEOUT=1 FENCE_PROXY_TUNNEL_IDLE_TIMEOUT=2
	start_proxy --allow 127.0.0.1
	PORT=$HTTP_PORT
	idle_client kept "GET http://127.0.0.1:$WEB_PORT/index.html HTTP/1.1\r\nHost: x\r\n\r\n"
	idle_client tunnel "CONNECT 127.0.0.1:$WEB_PORT HTTP/1.1\r\nHost: 127.0.0.1:$WEB_PORT\r\n\r\n"
	wait_until 60 closed kept
	wait_until 60 closed tunnel
	run cat "$BATS_TEST_TMPDIR/kept.out"
	assert_output_contains "200 OK"
	assert_output_contains kept
	run cat "$BATS_TEST_TMPDIR/tunnel.out"
	assert_output_contains "200 Connection Established"
}

@test "proxy: a SOCKS5 handshake that stalls and a silent SOCKS5 tunnel are closed" {
	start_server WEB --root .
	export FENCE_PROXY_HEADER_TIMEOUT=1 FENCE_PROXY_TUNNEL_IDLE_TIMEOUT=2
	start_proxy --allow 127.0.0.1
	PORT=$SOCKS_PORT
	idle_client silent
	idle_client greeting '\x05\x01\x00'
	idle_client tunnel "\\x05\\x01\\x00\\x05\\x01\\x00\\x01\\x7f\\x00\\x00\\x01$(printf '\\x%02x\\x%02x' $((WEB_PORT >> 8)) $((WEB_PORT & 255)))"
	wait_until 60 closed silent
	wait_until 60 closed greeting
	wait_until 60 closed tunnel
	run od -An -tx1 "$BATS_TEST_TMPDIR/greeting.out"
	assert_output_contains "05 00 0a 23 63 6c 6f 73 65 64"
	# The reply to CONNECT came before the close: version 5, status 0.
	run od -An -tx1 -N4 "$BATS_TEST_TMPDIR/tunnel.out"
	assert_output_contains "05 00 05 00"
}

@test "proxy: CONNECT whose Host header disagrees gets 400" {
	start_proxy --allow 127.0.0.1 --allow blocked.test
	run raw_http "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: blocked.test:443\r\n\r\n"
	assert_output_contains "400 Bad Request"
	run raw_http "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n\r\n"
	assert_output_contains "400 Bad Request"
	assert_log_contains "! CONNECT 400"
}

@test "proxy: malformed requests get 400 and the proxy keeps serving" {
	echo still-alive >index.html
	start_server WEB --root .
	start_proxy --allow 127.0.0.1
	big=$(head -c 20000 /dev/zero | tr '\0' a)
	for req in "GET http:/// HTTP/1.1\r\n\r\n" "GET http://:80/ HTTP/1.1\r\n\r\n" \
		"CONNECT 127.0.0.1:99999 HTTP/1.1\r\n\r\n" "CONNECT 127.0.0.1:x HTTP/1.1\r\n\r\n" \
		"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" "BLAH\r\n\r\n" \
		"GET http://127.0.0.1/ HTTP/1.1\r\nX: $big\r\n\r\n" \
		"GET http://127.0.0.1/ HTTP/1.1\r\n folded\r\n\r\n" \
		"POST http://127.0.0.1:$WEB_PORT/echo HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"; do
		run raw_http "$req"
		assert_output_contains "400 Bad Request"
	done
	kill -0 "$PROXY_PID"
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" "http://127.0.0.1:$WEB_PORT/index.html"
	assert_output_contains still-alive
}

@test "proxy: pipelined requests get their responses in order" {
	echo first >a.txt
	echo second >b.txt
	start_server WEB --root .
	start_proxy --allow 127.0.0.1
	u="http://127.0.0.1:$WEB_PORT"
	run raw_http "GET $u/a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET $u/b.txt HTTP/1.1\r\nHost: x\r\n\r\nPOST $u/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nthird\r\n0\r\n\r\n"
	assert_status 0
	assert_output_matches "first.*second.*third"
	# The proxy sets Host from the URL, whatever the client sent.
	assert_output_contains "X-Seen-Host: 127.0.0.1:$WEB_PORT"
}

@test "proxy: chunked request bodies and keep-alive work with curl" {
	start_server WEB --root .
	start_proxy --allow 127.0.0.1
	head -c 300000 /dev/urandom >body.bin
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" -H 'Transfer-Encoding: chunked' \
		--data-binary @body.bin -o echoed.bin "http://127.0.0.1:$WEB_PORT/echo"
	assert_status 0
	cmp body.bin echoed.bin
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" -o /dev/null -o /dev/null -w '%{num_connects} ' \
		"http://127.0.0.1:$WEB_PORT/" "http://127.0.0.1:$WEB_PORT/"
	assert_output_contains "1 0"
}

@test "proxy: git clone over HTTP goes through the proxy" {
	git init -q --bare repo.git
	git clone -q repo.git src 2>/dev/null
	(cd src && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m one && git push -q origin HEAD:master)
	git -C repo.git update-server-info
	start_server WEB --root .
	start_proxy --allow 127.0.0.1
	run git -c http.proxy="http://127.0.0.1:$HTTP_PORT" clone -q "http://127.0.0.1:$WEB_PORT/repo.git" out
	assert_status 0
	[ -d out/.git ]
	assert_log_contains "repo.git/info/refs"
	start_proxy --allow localhost
	run git -c http.proxy="http://127.0.0.1:$HTTP_PORT" clone -q "http://127.0.0.1:$WEB_PORT/repo.git" out2
	[ "$status" -ne 0 ]
	assert_output_contains 403
}

@test "proxy: Unix socket listeners serve through a relay" {
	echo over-unix >index.html
	start_server WEB --root .
	mkdir -m 700 socks
	start_proxy --allow 127.0.0.1 --socket-dir "$PWD/socks"
	[ "$(stat -c %a socks/http.sock)" = 600 ]
	port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$FENCE_BUILD/tests/helpers/proxy-serve" --relay "tcp:127.0.0.1:$port=unix:$PWD/socks/http.sock" 3>&- &
	PIDS+=($!)
	wait_until 10 curl -s -o /dev/null "http://127.0.0.1:$port/"
	run curl -sS -x "http://127.0.0.1:$port" "http://127.0.0.1:$WEB_PORT/index.html"
	assert_status 0
	assert_output_contains over-unix
}

@test "proxy: a socket directory others can enter is rejected" {
	mkdir -m 755 open
	run "$FENCE_BUILD/tests/helpers/proxy-serve" --socket-dir "$PWD/open"
	assert_status 1
	assert_output_contains "not a private directory"
}

@test "proxy: an invalid domain pattern is an error naming the entry" {
	run "$FENCE_BUILD/tests/helpers/proxy-serve" --allow '*.com'
	assert_status 1
	assert_output_contains "allowedDomains: invalid domain pattern '*.com'"
}

@test "proxy: upstreamProxy carries requests that no entry matches" {
	make_tls_cert
	echo via-upstream >index.html
	start_server WEB --root .
	start_server TLS --root . --tls "$BATS_TEST_TMPDIR/cert.pem" "$BATS_TEST_TMPDIR/key.pem"
	start_proxy --allow 127.0.0.1
	up=$HTTP_PORT
	UP_LOG=$PROXY_LOG
	mv "$UP_LOG" "$BATS_TEST_TMPDIR/upstream.log"
	start_proxy --allow localhost --deny denied.test --upstream "http://127.0.0.1:$up"
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" "http://127.0.0.1:$WEB_PORT/index.html"
	assert_status 0
	assert_output_contains via-upstream
	assert_log_contains "(via upstreamProxy"
	run curl -sS --cacert "$BATS_TEST_TMPDIR/cert.pem" -x "http://127.0.0.1:$HTTP_PORT" \
		"https://127.0.0.1:$TLS_PORT/index.html"
	assert_status 0
	assert_output_contains via-upstream
	# An https:// absolute URI goes upstream as it came: that proxy may speak TLS.
	run raw_http "GET https://127.0.0.1:$TLS_PORT/index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	assert_output_contains "501 Not Implemented"
	grep -qF "GET     501 127.0.0.1:$TLS_PORT https://127.0.0.1:$TLS_PORT/index.html" "$BATS_TEST_TMPDIR/upstream.log"
	# Denied entries never go upstream; the upstream's own refusal is a 403.
	run curl -sS -i -x "http://127.0.0.1:$HTTP_PORT" http://denied.test/
	assert_output_contains 'denied by deniedDomains rule "denied.test"'
	run curl -sS -x "http://127.0.0.1:$HTTP_PORT" https://other.test/
	assert_status 56
	assert_log_contains "✗ blocked CONNECT other.test:443 (upstreamProxy replied 403)"
}
