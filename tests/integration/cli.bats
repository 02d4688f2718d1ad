#!/usr/bin/env bats
# The command line: help, version, flag parsing and subcommand dispatch.

load ../helpers/lib

setup() {
	fence_tmp_home
}

@test "cli: --help lists the run flags and the subcommands" {
	run "$FENCE" --help
	assert_status 0
	for word in --settings --template --monitor --debug --port --shell-login \
		--linux-features --list-templates --log-file shell attach ls kill \
		violations config import completion templates; do
		assert_output_contains "$word"
	done
	refute_output_contains "internal"
}

@test "cli: --version prints the version" {
	run "$FENCE" --version
	assert_status 0
	assert_output_matches '^fence [0-9]+\.[0-9]+\.[0-9]+'
}

@test "cli: unknown flag is a usage error naming the flag" {
	run "$FENCE" --no-such-flag
	assert_status 125
	assert_output_contains "fence: unknown option '--no-such-flag'"
}

@test "cli: no command is a usage error with a hint" {
	run "$FENCE"
	assert_status 125
	assert_output_contains "fence: no command given"
}

@test "cli: -c and a command together are rejected" {
	run "$FENCE" -c true -- true
	assert_status 125
	assert_output_contains "cannot be combined"
}

@test "cli: every subcommand has --help" {
	for sub in shell attach ls kill violations config import completion templates; do
		run "$FENCE" "$sub" --help
		assert_status 0
		assert_output_contains "Usage: fence $sub"
	done
}

@test "cli: unknown options of subcommands are usage errors" {
	for cmd in shell attach violations; do
		run "$FENCE" "$cmd" --no-such-flag
		assert_status 125
		assert_output_contains "fence: unknown option '--no-such-flag' for 'fence $cmd'"
		assert_output_contains "see 'fence $cmd --help'"
	done
	run "$FENCE" shell --name
	assert_status 125
	assert_output_contains "option '--name' of 'fence shell' requires a value"
}
