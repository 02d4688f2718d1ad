#!/usr/bin/env bats
# The attach client on a bare PTY (tests/pty/attach-harness): raw mode
# while attached, and the terminal restored on every way out.

load ../helpers/lib
load session

setup() {
	session_setup
	HARNESS="$FENCE_BUILD/tests/pty/attach-harness"
	[ -x "$HARNESS" ] || skip_missing "tests/pty/attach-harness is not built"
}

teardown() {
	session_teardown
}

@test "pty: detach restores the terminal" {
	run "$HARNESS" detach "$FENCE" "$SNAME"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "pty: the shell's exit restores the terminal and passes the status" {
	run "$HARNESS" exit "$FENCE" "$SNAME"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "pty: a crash of the client restores the terminal" {
	run "$HARNESS" segv "$FENCE" "$SNAME"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "pty: a killed daemon restores the terminal" {
	run "$HARNESS" daemon "$FENCE" "$SNAME"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}
