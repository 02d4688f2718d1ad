#!/usr/bin/env bats
# A shell that exits while no client is attached: its exit record, how
# attach, shell, ls and kill report it, and when it goes away.  Also which
# session 'fence attach' picks without a name.

load ../helpers/lib
load session

setup() {
	session_setup
	# The shell waits for a file in its working directory, which must be
	# outside /tmp to be the same directory inside the sandbox.
	fence_sandbox_home
	RECORD="$XDG_RUNTIME_DIR/fence/$SNAME.exit"
}

teardown() {
	session_teardown
	fence_sandbox_home_cleanup
}

# exit_detached STATUS: start the session, detach, then let its shell exit
# with STATUS while no client is attached, and wait for the daemon to end.
exit_detached() {
	start_shell c1 80 24
	type_line c1 "while [ ! -e go ]; do sleep 0.1; done; exit $1"
	detach c1
	touch go
	wait_until 20 pid_gone "$SESSION_PID"
	[ ! -e "$SOCK" ]
}

@test "session exit: attach reports a shell that exited while detached" {
	exit_detached 3
	[ -f "$RECORD" ]
	[ "$(stat -c %a "$RECORD")" = 600 ]
	run "$FENCE" attach "$SNAME"
	assert_status 3
	assert_output_contains "[session '$SNAME' ended with status 3]"
	assert_output_contains "while no client was attached"
	# Reported once: the next attach finds nothing.
	[ ! -e "$RECORD" ]
	run "$FENCE" attach "$SNAME"
	assert_status 125
	assert_output_contains "no session named '$SNAME'"
}

@test "session exit: ls lists an exited session until it is reported" {
	exit_detached 5
	run "$FENCE" ls
	assert_status 0
	assert_output_matches "$SNAME +exited 5 +- "
	run "$FENCE" ls --json
	assert_status 0
	compact=$(printf '%s' "$output" | tr -d ' \n')
	[[ "$compact" == *"\"name\":\"$SNAME\",\"state\":\"exited\",\"status\":5,"* ]]
	[[ "$compact" == *"\"cwd\":\"$WORK\""* ]]
	# Listing does not use the record up.
	[ -f "$RECORD" ]
	run "$FENCE" attach "$SNAME"
	assert_status 5
}

@test "session exit: fence shell reports it and starts a new session" {
	exit_detached 4
	# Messages before the session's screen go to a file: tmux 3.3a may
	# drop the first line of the main screen when the client leaves the
	# alternate screen.
	client_start c2 80 24 "$FENCE" shell --name "$SNAME" "2>$BATS_TEST_TMPDIR/c2.err"
	type_line c2 'echo again-$((2+2))'
	wait_screen c2 '^again-4$'
	[ ! -e "$RECORD" ]
	[ -S "$SOCK" ]
	detach c2
	grep -qF "warning: session '$SNAME' ended with status 4" "$BATS_TEST_TMPDIR/c2.err"
}

@test "session exit: kill of an ended session reports its status" {
	exit_detached 6
	run "$FENCE" kill "$SNAME"
	assert_status 125
	assert_output_contains "session '$SNAME' ended with status 6"
	[ ! -e "$RECORD" ]
	run "$FENCE" kill "$SNAME"
	assert_status 125
	assert_output_contains "no session named '$SNAME'"
	assert_output_contains "no sessions are running"
}

@test "session exit: no record after fence kill" {
	start_shell c1 80 24
	detach c1
	run "$FENCE" kill "$SNAME"
	assert_status 0
	wait_until 20 pid_gone "$SESSION_PID"
	[ ! -e "$RECORD" ]
	run "$FENCE" ls
	! grep -q "$SNAME" <<<"$output"
}

@test "session exit: old and malformed records are dropped" {
	mkdir -p -m 0700 "$XDG_RUNTIME_DIR/fence"
	printf '{"name":"old","status":1,"signal":0,"started":1,"ended":2,"cwd":"/"}' \
		>"$XDG_RUNTIME_DIR/fence/old.exit"
	touch -d '8 days ago' "$XDG_RUNTIME_DIR/fence/old.exit"
	printf 'not json' >"$XDG_RUNTIME_DIR/fence/bad.exit"
	run "$FENCE" ls --json
	assert_status 0
	[[ "$output" != *'"old"'* ]]
	[[ "$output" != *'"bad"'* ]]
	[ ! -e "$XDG_RUNTIME_DIR/fence/old.exit" ]
	run "$FENCE" attach bad
	assert_status 125
	assert_output_contains "no session named 'bad'"
	[ ! -e "$XDG_RUNTIME_DIR/fence/bad.exit" ]
}

@test "session exit: attach without a name reports exited sessions" {
	exit_detached 7
	run "$FENCE" attach
	assert_status 125
	assert_output_contains "no sessions are running"
	assert_output_contains "session '$SNAME' ended with status 7"
	[ ! -e "$RECORD" ]
}

# use_session TARGET NAME WORD: attach to NAME, type, and detach, which
# makes NAME the most recently used session.
use_session() {
	client_start "$1" 80 24 "$FENCE" attach "$2"
	type_line "$1" "echo $3-\$((1+1))"
	wait_screen "$1" "^$3-2\$"
	SNAME=$2 detach "$1"
}

@test "session: attach without a name picks the most recently used" {
	start_shell c1 80 24
	detach c1
	other="${SNAME}b"
	client_start c2 80 24 "$FENCE" shell --name "$other"
	type_line c2 'echo ready-$((40+2))'
	wait_screen c2 '^ready-42$'
	SNAME=$other detach c2

	# The first session, started first and first by name, was used last.
	use_session c3 "$SNAME" one
	client_start c4 80 24 "$FENCE" attach "2>$BATS_TEST_TMPDIR/c4.err"
	wait_screen c4 '^one-2$'
	detach c4
	# The first line, before the session's screen (a file: see above).
	[ "$(head -1 "$BATS_TEST_TMPDIR/c4.err")" = "fence: attaching to session '$SNAME', the most recently used of 2" ]

	use_session c5 "$other" two
	client_start c6 80 24 "$FENCE" attach "2>$BATS_TEST_TMPDIR/c6.err"
	wait_screen c6 '^two-2$'
	SNAME=$other detach c6
	[ "$(head -1 "$BATS_TEST_TMPDIR/c6.err")" = "fence: attaching to session '$other', the most recently used of 2" ]

	# The plain list lines its columns up under names of any length.
	run "$FENCE" ls
	assert_status 0
	[ "${#lines[@]}" -eq 3 ]
	header=${lines[0]%%STATUS*}
	for i in 1 2; do
		row=${lines[$i]%%detached*}
		[ "${#row}" -eq "${#header}" ] || { echo "misaligned: ${lines[$i]}"; return 1; }
	done
	"$FENCE" kill "$other"
}

@test "session cli: bad arguments of ls and kill name the fix" {
	run "$FENCE" ls "$SNAME"
	assert_status 125
	assert_output_contains "unexpected argument '$SNAME': ls takes no session name"
	assert_output_contains "usage: fence ls [--json]"
	run "$FENCE" ls
	assert_status 0
	assert_output_contains "no sessions"
	run "$FENCE" ls --json
	assert_status 0
	[ "$output" = "[]" ]
	run "$FENCE" kill
	assert_status 125
	assert_output_contains "kill needs a session name"
	run "$FENCE" kill 'a b'
	assert_status 125
	assert_output_contains "invalid session name 'a b'"
	assert_output_contains "letters, digits"
	run "$FENCE" kill nosuch
	assert_status 125
	assert_output_contains "no session named 'nosuch'"
	assert_output_contains "no sessions are running"
}
