#!/usr/bin/env bats
# Network violations of a live session: the pane, `fence violations`, the
# log, policy changes at the prompt, `save`, and a burst of blocked
# requests.

load ../helpers/lib
load session

PY=/usr/bin/python3

setup() {
	session_setup
	[ -x "$PY" ] || skip "python3 is needed for the test server"
	command -v curl >/dev/null || skip "curl is needed"
	SERVER_PID=
	LOG="$XDG_STATE_HOME/fence/sessions/$SNAME.jsonl"
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

# start_wide TARGET COLS ROWS ARGS...: a session whose client shows the pane.
start_wide() {
	local target=$1 cols=$2 rows=$3
	shift 3
	client_start "$target" "$cols" "$rows" "$FENCE" shell --name "$SNAME" "$@"
	type_line "$target" 'echo ready-$((40+2))'
	wait_screen "$target" '^ready-42 '
}

pane_matches() {
	screen_of "$1" | sed -n 's/.*│//p' | grep -qE -- "$2"
}

# prompt TARGET LINE: run one prompt command and wait for its answer.
prompt() {
	tmx send-keys -t "$1" C-] :
	wait_until 10 bash -c "tmux -L '$TMUX_NAME' capture-pane -p -t '$1' | tail -n 1 | grep -q '^:'"
	type_line "$1" "$2"
}

# The request the tests make, printing code-NNN.
fetch() {
	echo "curl -s -o /dev/null -w 'code-%{http_code}\\n' --noproxy '' -x \"\$HTTP_PROXY\" http://127.0.0.1:$WEB_PORT/index.html"
}

@test "violations net: a blocked request shows in the pane, the log and fence violations" {
	start_web
	printf '{"network":{"allowedDomains":["example.test"]}}\n' >"$HOME/policy.json"
	start_wide c1 160 30 --settings "$HOME/policy.json"
	type_line c1 "$(fetch)"
	wait_screen c1 '^code-403 '
	wait_until 10 pane_matches c1 "x net 127\\.0\\.0\\.1:$WEB_PORT"
	wait_until 10 grep -q "\"target\":\"127.0.0.1:$WEB_PORT\"" "$LOG"
	run "$FENCE" violations --json "$SNAME"
	assert_status 0
	assert_output_contains '"source":"http","kind":"net","action":"denied"'
	assert_output_contains "\"target\":\"127.0.0.1:$WEB_PORT\""
	# The shell hooks' marks put the record on the command line that ran.
	assert_output_contains '"command":"curl -s -o /dev/null'
	run "$FENCE" ls --json
	assert_output_contains '"violations":1'
}

@test "violations net: allow at the prompt lets the next request through" {
	start_web
	printf '{"network":{"allowedDomains":["example.test"]}}\n' >"$HOME/policy.json"
	start_shell c1 80 24 --settings "$HOME/policy.json"
	type_line c1 "$(fetch)"
	wait_screen c1 '^code-403$'
	prompt c1 'allow 127.0.0.1'
	wait_screen c1 '127.0.0.1: allowed for this session'
	type_line c1 "clear; $(fetch)"
	wait_screen c1 '^code-200$'
	grep -q '"source":"prompt","kind":"net","action":"allowed","target":"127.0.0.1"' "$LOG"
}

@test "violations net: save writes a config a new session loads" {
	start_web
	printf '// my policy\n{"network":{"allowedDomains":["example.test"]}}\n' >"$HOME/policy.json"
	start_shell c1 80 24 --settings "$HOME/policy.json"
	prompt c1 'allow 127.0.0.1'
	wait_screen c1 '127.0.0.1: allowed for this session'
	prompt c1 'save'
	wait_screen c1 "saved 1 allow and 0 deny entries into '"
	grep -q '^// my policy' "$HOME/policy.json"
	grep -q '"127.0.0.1"' "$HOME/policy.json"
	"$FENCE" kill "$SNAME"
	wait_until 10 test ! -e "$SOCK"
	tmx kill-session -t c1

	start_shell c1 80 24 --settings "$HOME/policy.json"
	type_line c1 "$(fetch)"
	wait_screen c1 '^code-200$'
}

# save_refused_setup: a session on the project file $WORK/fence.json with
# one allow to save, and a JSON secret the project file can be pointed at.
save_refused_setup() {
	mkdir -p "$HOME/secret"
	printf '{"refresh_token": "TOP-SECRET-TOKEN"}\n' >"$HOME/secret/creds.json"
	printf '{"network":{"allowedDomains":["example.test"]}}\n' >"$WORK/fence.json"
	start_shell c1 200 24 --pane off
	prompt c1 'allow 127.0.0.9'
	wait_screen c1 '127.0.0.9: allowed for this session'
}

@test "violations net: save rejects a project config that became a symlink" {
	save_refused_setup
	# What a command can do where the project directory is writable.
	ln -sf "$HOME/secret/creds.json" "$WORK/fence.json"
	prompt c1 'save'
	wait_screen c1 "^cannot save into '$WORK/fence.json':"
	screen_matches c1 '^it is no longer the file this session loaded'
	[ -L "$WORK/fence.json" ]
	[ "$(readlink "$WORK/fence.json")" = "$HOME/secret/creds.json" ]
	grep -qx '{"refresh_token": "TOP-SECRET-TOKEN"}' "$HOME/secret/creds.json"
	[ "$(ls -A "$WORK")" = fence.json ]
}

@test "violations net: save writes through a symlink the session started with" {
	mkdir -p "$HOME/dotfiles"
	printf '{"network":{"allowedDomains":["example.test"]}}\n' >"$HOME/dotfiles/fence.json"
	ln -s "$HOME/dotfiles/fence.json" "$WORK/fence.json"
	start_shell c1 200 24 --pane off
	prompt c1 'allow 127.0.0.9'
	wait_screen c1 '127.0.0.9: allowed for this session'
	prompt c1 'save'
	wait_screen c1 "saved 1 allow and 0 deny entries into '$HOME/dotfiles/fence.json'"
	[ -L "$WORK/fence.json" ]
	grep -q '"127.0.0.9"' "$HOME/dotfiles/fence.json"
}

@test "violations net: save rejects a project config replaced by another file" {
	save_refused_setup
	printf '{"network":{"allowedDomains":["other.test"]}}\n' >"$WORK/fence.json.new"
	mv "$WORK/fence.json.new" "$WORK/fence.json"
	prompt c1 'save'
	wait_screen c1 "^cannot save into '$WORK/fence.json':"
	screen_matches c1 '^it is no longer the file this session loaded'
	grep -qx '{"network":{"allowedDomains":\["other.test"\]}}' "$WORK/fence.json"
}

@test "violations net: policy shows the session's changes" {
	printf '{"network":{"allowedDomains":["example.test"],"onBlocked":"deny"}}\n' >"$HOME/policy.json"
	start_shell c1 80 24 --settings "$HOME/policy.json"
	prompt c1 'deny evil.test'
	wait_screen c1 'evil.test: denied'
	prompt c1 'policy'
	wait_screen c1 '^allowed: example.test'
	screen_matches c1 '^denied: evil.test'
	screen_matches c1 'onBlocked: deny'
}

@test "violations net: a burst of 10000 blocked requests keeps the session responsive" {
	printf '{"network":{"allowedDomains":["*"],"deniedDomains":["blocked.test"]}}\n' >"$HOME/policy.json"
	start_wide c1 160 30 --settings "$HOME/policy.json"
	cat >"$WORK/burst.py" <<-'EOF'
		import os, socket, urllib.parse
		u = urllib.parse.urlparse(os.environ["HTTP_PROXY"])
		for i in range(10000):
		    s = socket.create_connection((u.hostname, u.port))
		    s.sendall(b"GET http://blocked.test/ HTTP/1.1\r\nHost: blocked.test\r\nConnection: close\r\n\r\n")
		    while s.recv(65536):
		        pass
		    s.close()
		print("burst-done")
	EOF
	type_line c1 "$PY $WORK/burst.py"
	wait_screen c1 '^burst-done ' 120
	type_line c1 'echo alive-$((6*7))'
	wait_screen c1 '^alive-42 ' 10
	wait_until 20 test "$(grep -c '"target":"blocked.test:80"' "$LOG")" -eq 10000
	wait_until 10 pane_matches c1 'blocked\.test:80 .*x10000'
}

# Ask mode: a request for a host no rule covers waits for a key.
start_ask() {
	printf '{"network":{"allowedDomains":["example.test"]}}\n' >"$HOME/policy.json"
	start_wide c1 160 30 --settings "$HOME/policy.json" --ask
}

@test "violations ask: prefix y allows the held request once" {
	start_web
	start_ask
	type_line c1 "$(fetch)"
	wait_until 15 pane_matches c1 "\\? 127\\.0\\.0\\.1:$WEB_PORT [0-9]+s"
	tmx send-keys -t c1 C-] y
	wait_screen c1 '^code-200 '
	grep -q '"action":"asked"' "$LOG"
	grep -q '"action":"allowed","target":"127.0.0.1:'"$WEB_PORT"'","detail":"allowed once by the user"' "$LOG"
	# Once means once: the next request asks again.
	type_line c1 "clear; $(fetch)"
	wait_until 15 pane_matches c1 "\\? 127\\.0\\.0\\.1:$WEB_PORT"
	tmx send-keys -t c1 C-] n
	wait_screen c1 '^code-403 '
}

@test "violations ask: a long host keeps its end, port and keys" {
	start_ask
	local host
	host="api.openai.com$(printf '.a%.0s' {1..20}).evil.test"
	type_line c1 "curl -s -o /dev/null -w 'code-%{http_code}\\n' --noproxy '' -x \"\$HTTP_PROXY\" http://$host/"
	# Elided in the middle: the start, '...', whole labels up to evil.test.
	wait_until 15 pane_matches c1 '^\? api\.opena[a-z.]*\.\.\.a\.[a.]*evil\.test:80 *$'
	pane_matches c1 '^[0-9]+s y once s session A always n deny *$'
	tmx send-keys -t c1 C-] n
	wait_screen c1 '^code-403 '
}

@test "violations ask: without the pane the top row keeps the host's end" {
	printf '{"network":{"allowedDomains":["example.test"]}}\n' >"$HOME/policy.json"
	start_shell c1 80 24 --settings "$HOME/policy.json" --ask
	local host
	host="api.openai.com$(printf '.a%.0s' {1..20}).evil.test"
	type_line c1 "curl -s -o /dev/null -w 'code-%{http_code}\\n' --noproxy '' -x \"\$HTTP_PROXY\" http://$host/"
	wait_until 15 bash -c "tmux -L '$TMUX_NAME' capture-pane -p -t c1 | head -n 1 | grep -qE '\\? api\\.[a-z.]*\\.\\.\\.[a.]*evil\\.test:80 [0-9]+s y once s session A always n deny\$'"
	tmx send-keys -t c1 C-] n
	wait_screen c1 '^code-403$'
}

@test "violations ask: prefix s allows the host for the session" {
	start_web
	start_ask
	type_line c1 "$(fetch)"
	wait_until 15 pane_matches c1 "\\? 127\\.0\\.0\\.1:$WEB_PORT"
	tmx send-keys -t c1 C-] s
	wait_screen c1 '^code-200 '
	type_line c1 "clear; $(fetch)"
	wait_screen c1 '^code-200 '
}

@test "violations ask: prefix A writes the user's config file" {
	start_web
	start_ask
	type_line c1 "$(fetch)"
	wait_until 15 pane_matches c1 "\\? 127\\.0\\.0\\.1:$WEB_PORT"
	tmx send-keys -t c1 C-] A
	wait_screen c1 '^code-200 '
	grep -q '"127.0.0.1"' "$XDG_CONFIG_HOME/fence/fence.json"
	! grep -q '127.0.0.1' "$HOME/policy.json"
}

@test "violations ask: no answer denies after the timeout" {
	start_web
	export FENCE_ASK_TIMEOUT=2
	start_ask
	type_line c1 "$(fetch)"
	wait_screen c1 '^code-403 ' 20
	grep -q '"detail":"no answer in 2 s, denied"' "$LOG"
}

@test "violations ask: a session without a client denies at once" {
	start_web
	printf '{"network":{"allowedDomains":["example.test"]}}\n' >"$HOME/policy.json"
	start_shell c1 80 24 --settings "$HOME/policy.json" --ask
	type_line c1 "while [ ! -e $WORK/go ]; do sleep 0.1; done; $(fetch)"
	detach c1
	touch "$WORK/go"
	wait_until 15 grep -q '"detail":"no client attached to ask, denied"' "$LOG"
	client_start c2 80 24 "$FENCE" attach "$SNAME"
	wait_screen c2 '^code-403$'
}
