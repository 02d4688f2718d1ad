#!/usr/bin/env bats
# 'fence config', 'fence templates' and the configuration messages a user sees.

load ../helpers/lib
bats_require_minimum_version 1.5.0

setup() {
	fence_tmp_home
}

@test "config: show -t code prints the merged template as JSON" {
	run --separate-stderr "$FENCE" config show -t code
	assert_status 0
	assert_output_contains '"allowedDomains": ['
	assert_output_contains '"github.com"'
	assert_output_contains '"git push"'
	python3 -c 'import json, sys; json.loads(sys.argv[1])' "$output"
	[[ "$stderr" == *"fence: config: template:code"* ]]
}

@test "config: show prints the extends chain on stderr" {
	run --separate-stderr "$FENCE" config show -t code-relaxed
	assert_status 0
	[[ "$stderr" == *"template:code-relaxed"* ]]
	[[ "$stderr" == *"extends template:code"* ]]
	assert_output_contains '"*"'
}

@test "config: show finds the project file from a subdirectory" {
	mkdir -p sub/dir
	printf '// project\n{"network": {"allowedDomains": ["example.com",],},}\n' >fence.jsonc
	cd sub/dir
	run --separate-stderr "$FENCE" config show
	assert_status 0
	assert_output_contains '"example.com"'
	[[ "$stderr" == *"fence: config: file:$WORK/fence.jsonc"* ]]
}

@test "config: show without any file uses the built-in default" {
	run --separate-stderr "$FENCE" config show
	assert_status 0
	[[ "$stderr" == *"fence: config: default"* ]]
}

@test "config: typo'd key warns with the nearest known key" {
	printf '{\n  "filesystem": {\n    "alowWrite": ["."]\n  }\n}\n' >typo.json
	run "$FENCE" config validate typo.json
	assert_status 0
	assert_output_contains "fence: warning: typo.json:3:5: unknown key 'filesystem.alowWrite', ignoring it; did you mean 'allowWrite'?"
}

@test "config: missing comma is one line with line and column" {
	printf '{\n  "network": {\n    "allowedDomains": ["a.com"]\n    "deniedDomains": []\n  }\n}\n' >comma.json
	run "$FENCE" config show -s comma.json
	assert_status 125
	[ "$output" = "fence: comma.json:3:32: expected ',' or '}'" ]
}

@test "config: warnings before a syntax error are printed before it" {
	printf '{\n  "filesystem": {"alowWrite": ["."]},\n  "network": {"allowedDomains": ["a.com"] "x": 1}\n}\n' >both.json
	for cmd in "config validate both.json" "-s both.json -- true"; do
		run --separate-stderr "$FENCE" $cmd
		[ "$status" -ne 0 ]
		[ "$stderr" = "fence: warning: both.json:2:18: unknown key 'filesystem.alowWrite', ignoring it; did you mean 'allowWrite'?
fence: both.json:3:42: expected ',' or '}'" ]
	done
}

@test "config: wrong type names the field and the accepted values" {
	printf '{"devices": {"mode": "everything"}}' >type.json
	run "$FENCE" config validate type.json
	assert_status 1
	[ "$output" = "fence: type.json:1:22: 'devices.mode' must be one of 'auto', 'minimal', 'host', not 'everything'" ]
	printf '{"allowPty": "yes"}' >bool.json
	run "$FENCE" config validate bool.json
	assert_status 1
	[ "$output" = "fence: bool.json:1:14: 'allowPty' must be true or false, not a string" ]
}

@test "config: extends cycle prints the chain" {
	printf '{"extends": "./b.json"}' >a.json
	printf '{"extends": "./a.json"}' >b.json
	run "$FENCE" config validate a.json
	assert_status 1
	assert_output_contains "'extends' cycle: file:$WORK/a.json -> file:$WORK/b.json -> file:$WORK/a.json"
}

@test "config: validate of a missing file fails" {
	run "$FENCE" config validate nope.json
	assert_status 1
	[ "$output" = "fence: cannot read settings 'nope.json': No such file or directory" ]
}

@test "config: unknown template is an error" {
	run "$FENCE" config show -t nope
	assert_status 125
	assert_output_contains "unknown template 'nope'"
}

@test "config: init writes the user file and refuses to overwrite it" {
	run "$FENCE" config init
	assert_status 0
	[ -f "$XDG_CONFIG_HOME/fence/fence.json" ]
	run "$FENCE" config validate "$XDG_CONFIG_HOME/fence/fence.json"
	assert_status 0
	run "$FENCE" config init
	assert_status 125
	assert_output_contains "already exists"
	run "$FENCE" config init --force --template code
	assert_status 0
	run --separate-stderr "$FENCE" config show
	assert_status 0
	[[ "$stderr" == *"extends template:code"* ]]
}

@test "config: init --print and -o" {
	run "$FENCE" config init --print --template npm-install
	assert_status 0
	assert_output_contains '"extends": "npm-install"'
	run "$FENCE" config init -o out/custom.jsonc
	assert_status 0
	[ -f out/custom.jsonc ]
	run "$FENCE" config init --template nope --print
	assert_status 125
}

@test "config: committed schema equals the generated one" {
	run "$FENCE" config schema
	assert_status 0
	diff <(printf '%s\n' "$output") "$FENCE_SRC/docs/schema/fence.schema.json"
}

@test "templates: lists every template with a description" {
	run "$FENCE" templates
	assert_status 0
	for t in code code-relaxed code-strict disable-telemetry git-readonly hermes \
		local-dev-server default-deny workspace-write agent-api-only npm-install pip-install; do
		assert_output_matches "(^|
)$t +[a-z]"
	done
	run "$FENCE" --list-templates
	assert_status 0
	assert_output_contains "npm-install"
}

@test "templates: every template resolves through config show" {
	for t in $("$FENCE" templates | cut -d' ' -f1); do
		run --separate-stderr "$FENCE" config show -t "$t"
		assert_status 0
		[ -z "$stderr" ] || [[ "$stderr" != *warning* ]]
	done
}
