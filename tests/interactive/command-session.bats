#!/usr/bin/env bats
# Command policy inside a session: the hooks refuse a denied line, and
# in path mode a script started from the shell cannot run a denied program.

load ../helpers/lib
load session

setup() {
	session_setup
	mkdir -p "$WORK/bin"
	printf '#!/bin/sh\necho "mytool ran"\n' >"$WORK/bin/mytool"
	chmod 755 "$WORK/bin/mytool"
	printf '#!/bin/sh\nmytool\necho "status=$?"\n' >"$WORK/script.sh"
	chmod 755 "$WORK/script.sh"
	export PATH="$WORK/bin:$PATH"
}

teardown() {
	session_teardown
}

@test "session command: a script cannot start a denied program" {
	printf '{"command": {"deny": ["mytool"]}}\n' >"$WORK/fence.json"
	start_shell c1 80 24
	type_line c1 './script.sh'
	# dash reports an exec refused during its PATH search as 127.
	wait_screen c1 '^status=12[67]$'
	screen_matches c1 'mytool: Permission denied'
	! screen_matches c1 'mytool ran'
}

@test "session command: without the rule the script runs the program" {
	printf '{}\n' >"$WORK/fence.json"
	start_shell c1 80 24
	type_line c1 './script.sh'
	wait_screen c1 '^status=0$'
	screen_matches c1 '^mytool ran$'
}
