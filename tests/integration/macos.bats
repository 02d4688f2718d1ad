#!/usr/bin/env bats
# The macOS layer, as far as it runs anywhere: the Seatbelt profile that
# 'fence config show --profile macos' prints for review.

load ../helpers/lib
bats_require_minimum_version 1.5.0

setup() {
	fence_tmp_home
}

@test "macos: config show --profile macos prints the profile for cwd and home" {
	run --separate-stderr "$FENCE" config show -t code --profile macos
	assert_status 0
	assert_output_contains '(version 1)'
	assert_output_contains '(deny default (with message "fence-config-show"))'
	assert_output_contains "(allow file-write* (subpath \"$WORK\"))"
	assert_output_contains "(deny file-read* (regex #\"^${HOME//./\\.}/\\.aws/.*\$\")"
	assert_output_contains '(allow network-outbound (remote ip "localhost:3128"))'
	assert_output_contains '(allow pseudo-tty)'
	[[ $stderr == *"fence: macOS profile for $WORK"* ]]
}

@test "macos: the printed profile is the same twice" {
	run --separate-stderr "$FENCE" config show -t code-strict --profile macos
	assert_status 0
	first=$output
	run --separate-stderr "$FENCE" config show -t code-strict --profile macos
	[ "$output" = "$first" ]
}

@test "macos: relaxed templates allow the network directly" {
	run --separate-stderr "$FENCE" config show -t code-relaxed --profile macos
	assert_status 0
	assert_output_contains $'\n(allow network*)\n'
	refute_output_contains '(remote ip "localhost:3128")'
}

@test "macos: fixed proxy ports from the config appear in the profile" {
	echo '{"network": {"httpProxyPort": 18080, "socksProxyPort": 11080}}' >fence.json
	run --separate-stderr "$FENCE" config show --profile macos
	assert_status 0
	assert_output_contains '(remote ip "localhost:18080")'
	assert_output_contains '(remote ip "localhost:11080")'
}

@test "macos: an unknown profile is a usage error" {
	run "$FENCE" config show --profile linux
	assert_status 2
	assert_output_contains "fence: unknown profile 'linux': expected 'macos'"
}

@test "macos: a config error stops before the profile" {
	echo '{"network": {' >fence.json
	run --separate-stderr "$FENCE" config show --profile macos
	assert_status 125
	[ -z "$output" ]
}
