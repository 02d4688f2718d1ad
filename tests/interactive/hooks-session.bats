#!/usr/bin/env bats
# The shell hooks in real sessions: 'fence shell --shell bash|zsh|fish'
# driven through tmux, with the session's own policy, proxies and command
# timeline ('fence hook timeline NAME').

load ../helpers/lib
load session
load hooks-rc

setup() {
	session_setup
	write_user_rc
	cat >"$BATS_TEST_TMPDIR/policy.json" <<-'EOF2'
		{
		  "command": { "deny": ["git push"] },
		  "filesystem": { "allowWrite": [".", "~/.config/fish", "~/.local/share/fish"] },
		  "network": { "allowedDomains": ["allowed.test"] }
		}
	EOF2
}

teardown() {
	session_teardown
}

timeline_of_session() {
	"$FENCE" hook timeline "$SNAME"
}

timeline_matches() {
	timeline_of_session | grep -qE -- "$1"
}

# wait_timeline REGEX: poll the session's timeline until a line matches.
wait_timeline() {
	if ! wait_until 15 timeline_matches "$1"; then
		printf 'timed out waiting for /%s/ in the timeline:\n%s\nscreen:\n%s\n' "$1" \
			"$(timeline_of_session)" "$(screen_of c1)" >&2
		return 1
	fi
}

# Everything a hooked shell must do, in one session of shell $1.
check_session_shell() {
	command -v "$1" >/dev/null || skip_missing "$1 is not installed (make deps installs it)"
	client_start c1 120 40 "$FENCE" shell --name "$SNAME" --shell "$1" \
		-s "$BATS_TEST_TMPDIR/policy.json"
	wait_screen c1 '^\[fence\] >'

	type_line c1 'greet; echo "session=$FENCE_SESSION"'
	wait_screen c1 '^hello-from-user-rc$'
	wait_screen c1 "^session=$SNAME\$"

	type_line c1 "touch allowed-$1"
	wait_until 10 test -e "$WORK/allowed-$1"

	type_line c1 "touch refused-$1; git push origin main"
	wait_screen c1 "^fence: .*'git push.*not run"
	wait_timeline '"command":"touch refused-'"$1"'; git push origin main".*"status":126'
	[ ! -e "$WORK/refused-$1" ]

	type_line c1 "sh -c 'exit 3'"
	wait_timeline '"command":"sh -c .exit 3.","cwd":"'"$WORK"'".*"status":3'

	type_line c1 "curl -s -o /dev/null http://blocked.test/"
	wait_timeline '"violation":.*"target":"blocked.test:80".*"command":"curl -s -o /dev/null http://blocked.test/"'
}

@test "hooks-session: bash" {
	check_session_shell bash
}

@test "hooks-session: zsh" {
	check_session_shell zsh
}

@test "hooks-session: fish" {
	check_session_shell fish
}

@test "hooks-session: --no-hooks starts the plain shell" {
	client_start c1 120 40 "$FENCE" shell --name "$SNAME" --shell bash --no-hooks \
		-s "$BATS_TEST_TMPDIR/policy.json"
	wait_screen c1 '^>'
	type_line c1 'greet; echo "plain=$FENCE_SESSION"'
	wait_screen c1 "^plain=$SNAME\$"
	! screen_matches c1 '\[fence\]'
	[ -z "$(timeline_of_session)" ]
}

@test "hooks-session: an invalid --shell is rejected" {
	run "$FENCE" shell --name "$SNAME" --shell tcsh
	assert_status 125
	assert_output_contains "invalid --shell 'tcsh': expected bash, zsh or fish"
}

@test "hooks-session: fish starts clean under the default policy" {
	command -v fish >/dev/null || skip_missing "fish is not installed (make deps installs it)"
	client_start c1 120 40 "$FENCE" shell --name "$SNAME" --shell fish
	wait_screen c1 '^\[fence\] >'
	type_line c1 'greet; echo "conf=$XDG_CONFIG_HOME"'
	wait_screen c1 '^hello-from-user-rc$'
	wait_screen c1 "^conf=$XDG_CONFIG_HOME\$"
	! screen_matches c1 'rror|arning|cannot|Read-only'
}
