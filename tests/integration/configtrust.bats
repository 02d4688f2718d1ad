#!/usr/bin/env bats
# A sandboxed command must not be able to choose the policy of the next
# run: configuration files stay read-only inside, and a project file the
# command creates is rejected until the user trusts it.

load ../helpers/lib

setup() {
	require_userns
	fence_sandbox_home
	printf '{"filesystem":{"allowWrite":["."]}}\n' >"$XDG_CONFIG_HOME/fence.tmp"
	mkdir -p "$XDG_CONFIG_HOME/fence"
	mv "$XDG_CONFIG_HOME/fence.tmp" "$XDG_CONFIG_HOME/fence/fence.json"
}

teardown() {
	fence_sandbox_home_cleanup
}

WIDE='{"filesystem":{"allowWrite":["~"]},"network":{"allowedDomains":["*"]}}'

@test "configtrust: an existing project file is read-only inside" {
	printf '{"filesystem":{"allowWrite":["."]}}\n' >fence.json
	run "$FENCE" -c "echo '$WIDE' >fence.json"
	[ "$status" -ne 0 ]
	[ "$status" -ne 125 ]
	run cat fence.json
	assert_output_contains '"allowWrite":["."]'
	refute_output_contains 'allowedDomains'
}

@test "configtrust: a project file in a parent directory is read-only inside" {
	printf '{"filesystem":{"allowWrite":["."]}}\n' >fence.json
	mkdir sub
	cd sub
	run "$FENCE" -c "echo '$WIDE' >../fence.json; mv ../fence.json ../moved.json"
	[ "$status" -ne 0 ]
	[ -f ../fence.json ]
	[ ! -e ../moved.json ]
}

@test "configtrust: a file the command extends is read-only inside" {
	printf '{"filesystem":{"allowWrite":["."]}}\n' >base.json
	printf '{"extends":"./base.json"}\n' >fence.json
	run "$FENCE" -c "echo '$WIDE' >base.json"
	[ "$status" -ne 0 ]
	run cat base.json
	refute_output_contains 'allowedDomains'
}

@test "configtrust: a project file the command creates is rejected next time" {
	run "$FENCE" -c "echo '$WIDE' >fence.jsonc"
	assert_status 0
	assert_output_contains "wrote the configuration file '$WORK/fence.jsonc'"
	assert_output_contains "fence config trust $WORK/fence.jsonc"
	[ -f fence.jsonc ]

	run "$FENCE" -c 'echo x >~/escaped'
	assert_status 125
	assert_output_contains "cannot read config '$WORK/fence.jsonc'"
	assert_output_contains "fence config trust"
	[ ! -e "$HOME/escaped" ]

	run "$FENCE" config show
	assert_status 125
}

@test "configtrust: config trust lets the reviewed file load" {
	run "$FENCE" -c "echo '{\"filesystem\":{\"allowWrite\":[\".\"]}}' >fence.jsonc"
	assert_status 0
	run "$FENCE" -- true
	assert_status 125

	run "$FENCE" config trust fence.jsonc
	assert_status 0
	assert_output_contains "is trusted again"
	run "$FENCE" config show
	assert_status 0
	assert_output_contains "file:$WORK/fence.jsonc"

	run "$FENCE" config trust fence.jsonc
	assert_status 0
	assert_output_contains "was not marked"
}

@test "configtrust: editing the file on the host also ends the rejection" {
	run "$FENCE" -c "echo '{}' >fence.json"
	assert_status 0
	run "$FENCE" -- true
	assert_status 125
	printf '{"filesystem":{"allowWrite":["."]}}\n' >fence.json.new
	mv fence.json.new fence.json
	run "$FENCE" -- true
	assert_status 0
}

@test "configtrust: a file the host creates where the sandbox cannot write is loaded" {
	mkdir ro
	cd ro
	printf '{"filesystem":{"allowWrite":["/nonexistent-fence-test"]}}\n' \
		>"$XDG_CONFIG_HOME/fence/fence.json"
	# The command waits for the host to create the file, then exits.
	"$FENCE" -c 'i=0; while [ ! -e fence.json ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done' \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$!
	wait_until 20 test -n "$(pgrep -f 'while \[ ! -e fence.json' || true)"
	printf '{}\n' >fence.json
	wait "$pid"
	run cat "$BATS_TEST_TMPDIR/out"
	refute_output_contains "wrote the configuration file"
	run "$FENCE" -- true
	assert_status 0
}

@test "configtrust: config trust without a file is a usage error" {
	run "$FENCE" config trust
	assert_status 125
	assert_output_contains "needs the configuration file"
}

@test "configtrust: fence's state directory is read-only inside" {
	run "$FENCE" -t code -c 'touch "$XDG_STATE_HOME/fence/x" || touch ~/.local/state/fence/x'
	[ "$status" -ne 0 ]
	[ ! -e "$HOME/.local/state/fence/x" ]
	[ -d "$HOME/.local/state/fence" ]
}

@test "configtrust: a project .npmrc is read-only inside" {
	printf 'registry=http://127.0.0.1:1/\n' >.npmrc
	run "$FENCE" -c "echo registry=http://exfil.test/ >.npmrc"
	[ "$status" -ne 0 ]
	run cat .npmrc
	assert_output_contains "127.0.0.1:1"
}

@test "configtrust: registry settings a command creates are ignored next time" {
	command -v npm >/dev/null || skip "npm is not installed"
	printf '{"filesystem":{"allowWrite":["."]},"network":{"allowPackageRegistries":["npm"]}}\n' \
		>"$XDG_CONFIG_HOME/fence/fence.json"
	run "$FENCE" -c "echo registry=http://exfil.test/ >.npmrc"
	assert_status 0
	assert_output_contains "wrote the configuration file '$WORK/.npmrc'"
	run "$FENCE" config show
	assert_status 0
	assert_output_contains "ignoring the npm registry"
	refute_output_contains "exfil.test"
	run "$FENCE" config trust .npmrc
	assert_status 0
	run "$FENCE" config show
	assert_output_contains "exfil.test"
}
