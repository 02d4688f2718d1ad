#!/usr/bin/env bats
# The control socket of a session: who may connect, and what malformed
# frames do to a session (nothing but closing that one connection).

load ../helpers/lib
load session

setup() {
	session_setup
	SOCKSEND="$FENCE_BUILD/tests/helpers/sock-send"
	[ -x "$SOCKSEND" ] || skip_missing "tests/helpers/sock-send is not built"
}

teardown() {
	session_teardown
}

# The session still answers typing after an attack on its socket.
assert_session_works() {
	type_line c1 "echo still-\$((20+1))"
	wait_screen c1 '^still-21$'
}

@test "socket: garbage bytes get an error and close only that connection" {
	start_shell c1 80 24
	run "$SOCKSEND" "$SOCK" < <(printf 'GET / HTTP/1.1\r\n\r\n')
	assert_status 0
	assert_output_contains '"message":'
	run "$SOCKSEND" "$SOCK" < <(printf '\x05\x00\x00\x00\xee\x00\x00\x00hello')
	assert_status 0
	assert_output_contains "malformed frame header"
	assert_session_works
	grep -q "malformed frame header" "$XDG_STATE_HOME/fence/sessions/$SNAME.log"
}

@test "socket: an oversized frame is rejected" {
	start_shell c1 80 24
	run "$SOCKSEND" "$SOCK" < <(printf '\xff\xff\xff\x7f\x01\x00\x00\x00')
	assert_status 0
	assert_output_contains "frame larger than"
	assert_session_works
}

@test "socket: a truncated frame closes the connection without harm" {
	start_shell c1 80 24
	run "$SOCKSEND" "$SOCK" 500 < <(printf '\x40\x00\x00\x00\x01\x00\x00\x00{"proto":1')
	assert_status 3
	assert_session_works
}

@test "socket: input before hello is out of order" {
	start_shell c1 80 24
	run "$SOCKSEND" "$SOCK" < <(frame 02 'echo injected-$((7*7))')
	assert_status 0
	assert_output_contains "expected hello, got input"
	assert_session_works
	! screen_matches c1 'injected-49'
}

@test "socket: a malformed hello and a wrong version are rejected" {
	start_shell c1 80 24
	run "$SOCKSEND" "$SOCK" < <(frame 01 '{"proto":1,"role":"tty","rows":-4,"cols":80,"term":"x"}')
	assert_output_contains "malformed hello"
	run "$SOCKSEND" "$SOCK" < <(frame 01 '{"proto":99,"role":"ctl"}')
	assert_output_contains "protocol version 99 is not supported"
	run "$SOCKSEND" "$SOCK" < <(frame 01 '{"proto":1,"role":"ctl"}'; frame 05 '{"cmd":"rm -rf"}')
	assert_output_contains "malformed command"
	assert_session_works
}

@test "socket: a control client can ask for info" {
	start_shell c1 80 24
	run "$SOCKSEND" "$SOCK" 500 < <(frame 01 '{"proto":1,"role":"ctl"}'; frame 05 '{"cmd":"info"}')
	assert_output_contains "\"name\":\"$SNAME\""
}

@test "socket: directory and socket are private to the user" {
	start_shell c1 80 24
	[ "$(stat -c %a "$XDG_RUNTIME_DIR/fence")" = 700 ]
	[ "$(stat -c %a "$SOCK")" = 600 ]
	[ "$(stat -c %u "$SOCK")" = "$(id -u)" ]
}

@test "socket: another uid cannot connect even through an open directory" {
	require_root "switching to another uid"
	start_shell c1 80 24
	# Open the directories and socket up so only the SO_PEERCRED check is
	# left; every directory from bats' run directory down is the test's own.
	d="$BATS_TEST_TMPDIR"
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
	chmod 0711 "$BATS_TEST_TMPDIR/run" "$XDG_RUNTIME_DIR/fence"
	chmod 0666 "$SOCK"
	chmod 0755 "$SOCKSEND" "$(dirname "$SOCKSEND")"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$SOCKSEND" "$SOCK" < <(
		frame 01 '{"proto":1,"role":"ctl"}'
		frame 05 '{"cmd":"info"}'
	)
	assert_output_contains "permission denied"
	refute_output_contains "\"name\""
	grep -q "rejected: peer pid [0-9]* has uid 65534" "$XDG_STATE_HOME/fence/sessions/$SNAME.log"
	assert_session_works
	chmod 0700 "$XDG_RUNTIME_DIR/fence"
}

@test "socket: a peer in another mount namespace is rejected" {
	start_shell c1 80 24
	if [ "$(id -u)" -eq 0 ]; then
		ns=(unshare -m)
	else
		ns=(unshare -Urm)
	fi
	"${ns[@]}" true 2>/dev/null || skip_missing "unshare cannot create a mount namespace"
	run "${ns[@]}" "$SOCKSEND" "$SOCK" < <(
		frame 01 '{"proto":1,"role":"ctl"}'
		frame 05 '{"cmd":"info"}'
	)
	assert_output_contains "permission denied"
	refute_output_contains "\"name\""
	grep -q "is in another mount namespace" "$XDG_STATE_HOME/fence/sessions/$SNAME.log"
}

@test "socket: the session directories are hidden inside the sandbox" {
	start_shell c1 80 24
	type_line c1 "ls -A '$XDG_RUNTIME_DIR' | wc -l; test -e '$SOCK' || echo no-socket-\$((1+1))"
	wait_screen c1 '^no-socket-2$'
	wait_screen c1 '^0$'
	type_line c1 "ls -A '$TMUX_TMPDIR' | wc -l; echo tmux-dir-\$((1+1))"
	wait_screen c1 '^tmux-dir-2$'
	type_line c1 'echo "tmux=[$TMUX] session=[$FENCE_SESSION]"'
	wait_screen c1 "^tmux=\[\] session=\[$SNAME\]$"
}

@test "socket: a directory open to others is refused" {
	mkdir -p "$XDG_RUNTIME_DIR/fence"
	chmod 0755 "$XDG_RUNTIME_DIR/fence"
	run "$FENCE" ls
	assert_status 125
	assert_output_contains "cannot list sessions"
}

@test "socket: a stale socket is detected and removed" {
	start_shell c1 80 24
	pid=$(session_pid)
	kill -9 "$pid"
	wait_until 10 pid_gone "$pid"
	[ -e "$SOCK" ]
	run "$FENCE" attach "$SNAME"
	assert_status 125
	assert_output_contains "is not running; removed its stale socket"
	[ ! -e "$SOCK" ]
}

@test "socket: names are validated" {
	run "$FENCE" shell --name '../evil'
	assert_status 125
	assert_output_contains "invalid session name '../evil'"
	run "$FENCE" kill 'a/b'
	assert_status 125
	run "$FENCE" attach nosuch
	assert_status 125
	assert_output_contains "no session named 'nosuch'"
}
