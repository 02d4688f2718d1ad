#!/usr/bin/env bats
# 'fence import': Claude Code and sandbox-runtime settings to fence
# configuration, through the real command line.

load ../helpers/lib
bats_require_minimum_version 1.5.0

setup() {
	fence_tmp_home
	DATA=$FENCE_SRC/tests/data/import
}

@test "import: --claude reads ~/.claude/settings.json and extends code" {
	mkdir -p "$HOME/.claude"
	cat >"$HOME/.claude/settings.json" <<-'JSON'
	{"permissions": {"allow": ["Bash(npm run test:*)", "Edit(src/**)"],
	                 "deny": ["Read(~/.aws/**)"], "ask": ["Bash(git push:*)"]}}
	JSON
	run "$FENCE" import --claude
	assert_status 0
	assert_output_contains '"extends": "code"'
	assert_output_contains '"npm run test"'
	assert_output_contains '"src/**"'
	assert_output_contains '"~/.aws/**"'
	assert_output_contains '"git push"'
	assert_output_contains 'fence: warning: '"$HOME"'/.claude/settings.json:2:55: permissions.ask: "Bash(git push:*)" became a deny rule'
}

@test "import: --claude sample gives the expected config on stdout" {
	run --separate-stderr "$FENCE" import --claude -f "$DATA/claude-settings.json"
	assert_status 0
	# "/docs/*.md" resolves against the sample's own directory.
	expected=$(sed "s|/home/ana/project|$DATA|" "$DATA/claude-settings.expected.json")
	[ "$output" = "$expected" ] || { diff <(echo "$expected") <(echo "$output") >&2; false; }
	[ "$(grep -c 'fence: warning: ' <<<"$stderr")" -eq "$(wc -l <"$DATA/claude-settings.warnings")" ]
}

@test "import: --srt sample gives the expected config and warnings" {
	run --separate-stderr "$FENCE" import --srt -f "$DATA/srt-settings.json"
	assert_status 0
	[ "$output" = "$(cat "$DATA/srt-settings.expected.json")" ]
	expected_warnings=$(sed "s|^settings.json|fence: warning: $DATA/srt-settings.json|" "$DATA/srt-settings.warnings")
	[ "$stderr" = "$expected_warnings" ] || { diff <(echo "$expected_warnings") <(echo "$stderr") >&2; false; }
}

@test "import: --extend and --no-extend choose the base" {
	run --separate-stderr "$FENCE" import --claude -f "$DATA/claude-settings.json" --no-extend
	assert_status 0
	refute_output_contains '"extends"'
	run --separate-stderr "$FENCE" import --srt -f "$DATA/srt-all-sockets.json" --extend local-dev-server
	assert_status 0
	assert_output_contains '"extends": "local-dev-server"'
	assert_output_contains '"allowAllUnixSockets": true'
}

@test "import: -o writes the file and --save keeps an existing one" {
	run "$FENCE" import --srt -f "$DATA/srt-all-sockets.json" -o "$WORK/out/fence.json"
	assert_status 0
	grep -q '"allowAllUnixSockets": true' "$WORK/out/fence.json"

	run "$FENCE" import --srt -f "$DATA/srt-all-sockets.json" --save
	assert_status 0
	grep -q '"allowAllUnixSockets": true' "$XDG_CONFIG_HOME/fence/fence.json"

	echo '{"allowPty": true}' >"$XDG_CONFIG_HOME/fence/fence.json"
	run "$FENCE" import --srt -f "$DATA/srt-all-sockets.json" --save
	assert_status 125
	assert_output_contains "fence: cannot save to $XDG_CONFIG_HOME/fence/fence.json: the file exists"
	[ "$(cat "$XDG_CONFIG_HOME/fence/fence.json")" = '{"allowPty": true}' ]
	[ -z "$(ls "$XDG_CONFIG_HOME/fence" | grep -v '^fence.json$')" ]
}

@test "import: a broken file is an error with its position" {
	printf '{\n  "network": {"allowedDomains": ["a.com",, ]}\n}\n' >"$WORK/bad.json"
	run "$FENCE" import --srt -f "$WORK/bad.json"
	assert_status 125
	assert_output_contains "fence: $WORK/bad.json:2:42: expected a value, found ','"
}

@test "import: a value of the wrong type names its position and key" {
	printf '{\n  "permissions": {\n    "deny": ["Bash(ls)", {"x": 1}]\n  }\n}\n' >"$WORK/bad.json"
	run --separate-stderr "$FENCE" import --claude -f "$WORK/bad.json"
	assert_status 125
	[ -z "$output" ]
	[ "$stderr" = "fence: $WORK/bad.json:3:26: permissions.deny: expected an array of strings" ]
}

@test "import: a NUL byte or an empty file is an error, not a crash" {
	printf '{"network": {"allowedDomains": ["a.com"]\0}}' >"$WORK/nul.json"
	run --separate-stderr "$FENCE" import --srt -f "$WORK/nul.json"
	assert_status 125
	[ "$stderr" = "fence: $WORK/nul.json:1:41: expected ',' or '}'" ]

	: >"$WORK/empty.json"
	run --separate-stderr "$FENCE" import --srt -f "$WORK/empty.json"
	assert_status 125
	[ "$stderr" = "fence: $WORK/empty.json:1:1: expected a JSON object, but the file is empty" ]

	run --separate-stderr "$FENCE" import --srt -f "$WORK"
	assert_status 125
	[ "$stderr" = "fence: cannot read $WORK: Is a directory" ]
}

@test "import: a missing default file names the path and -f" {
	run "$FENCE" import --srt
	assert_status 125
	assert_output_contains "fence: cannot read $HOME/.srt-settings.json: No such file or directory"
	assert_output_contains "-f FILE"
}

@test "import: usage errors" {
	run "$FENCE" import
	assert_status 125
	assert_output_contains "--claude or --srt"
	run "$FENCE" import --claude --srt
	assert_status 125
	run "$FENCE" import --srt --save -o x.json
	assert_status 125
	run "$FENCE" import --claude --extend code --no-extend
	assert_status 125
	run "$FENCE" import --claude settings.json
	assert_status 125
	assert_output_contains "unexpected argument 'settings.json'"
	run "$FENCE" import --help
	assert_status 0
	assert_output_contains "--no-extend"
}
