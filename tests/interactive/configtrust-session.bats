#!/usr/bin/env bats
# A session's shell runs for hours, so the daemon watches for project
# configuration files that it creates while it runs, not only at the end.

load ../helpers/lib
load session

setup() {
	session_setup
	printf '{"filesystem":{"allowWrite":["."]}}\n' >"$BATS_TEST_TMPDIR/policy.json"
}

teardown() {
	session_teardown
}

@test "configtrust session: a project file the shell creates is recorded at once" {
	start_shell c1 100 24 --settings "$BATS_TEST_TMPDIR/policy.json"
	type_line c1 "echo '{}' >fence.json && echo wrote-\$((1+1))"
	wait_screen c1 '^wrote-2$'
	[ -f "$WORK/fence.json" ]
	# The session is still running: the record must not wait for its end.
	wait_until 30 grep -q "$WORK/fence.json" "$XDG_STATE_HOME/fence/untrusted-configs"
	run "$FENCE" -- true
	assert_status 125
	assert_output_contains "fence config trust"
	run "$FENCE" violations "$SNAME"
	assert_output_contains "file $WORK/fence.json"
}
