#!/usr/bin/env bats
# Exec and command violations of a live session: with the argv exec
# policy the daemon refuses a program that a script starts, and the shell
# hooks' vetoes of typed lines become records; both reach the side pane
# and `fence violations`.  Veto marks printed by hand are rate-limited.

load ../helpers/lib
load session
load hooks-rc

setup() {
	session_setup
	write_user_rc
	LOG="$XDG_STATE_HOME/fence/sessions/$SNAME.jsonl"
	mkdir -p "$WORK/bin"
	printf '#!/bin/sh\necho "mytool ran"\n' >"$WORK/bin/mytool"
	chmod 755 "$WORK/bin/mytool"
	# A script, so that no hook sees the command line that starts mytool.
	printf '#!/bin/sh\n"%s/bin/mytool" --flag "two words"\necho "status=$?"\n' "$WORK" \
		>"$WORK/script.sh"
	chmod 755 "$WORK/script.sh"
	POLICY="$BATS_TEST_TMPDIR/policy.json"
	cat >"$POLICY" <<-'EOF2'
		{
		  "command": { "deny": ["mytool"], "runtimeExecPolicy": "argv" },
		  "filesystem": { "allowWrite": [".", "~/.config/fish", "~/.local/share/fish"] }
		}
	EOF2
}

teardown() {
	session_teardown
}

# Skip unless the kernel can notify execs, which argv mode needs.
require_exec_notify() {
	run "$FENCE" --settings "$POLICY" -- true
	case $output in
	*"no seccomp user notification"*) skip_missing "no seccomp user notification" ;;
	esac
	assert_status 0
}

pane_matches() {
	screen_of "$1" | sed -n 's/.*│//p' | grep -qE -- "$2"
}

# start_wide_shell SHELL: a session of SHELL whose client shows the pane.
start_wide_shell() {
	command -v "$1" >/dev/null || skip_missing "$1 is not installed (make deps installs it)"
	client_start c1 160 30 "$FENCE" shell --name "$SNAME" --shell "$1" --settings "$POLICY"
	wait_screen c1 '^\[fence\] >'
	# fish has no $((...)): quotes keep the typed line from matching.
	type_line c1 'echo ready-4""2'
	wait_screen c1 '^ready-42 '
}

# violations_json: the session's records as JSON Lines.
violations_json() {
	"$FENCE" violations --json "$SNAME"
}

log_has() {
	grep -qE -- "$1" "$LOG" 2>/dev/null
}

# Everything of one shell in argv mode: a script's denied exec, a typed
# denied line, and allowed programs in between.
check_exec_and_veto() {
	require_exec_notify
	start_wide_shell "$1"

	type_line c1 './script.sh'
	wait_screen c1 '^status=126 '
	screen_matches c1 'mytool: Operation not permitted'
	! screen_matches c1 'mytool ran'
	wait_until 15 log_has '"kind":"exec"'
	run violations_json
	assert_status 0
	assert_output_contains '"source":"exec","kind":"exec","action":"denied"'
	assert_output_contains "\"target\":\"$WORK/bin/mytool\""
	assert_output_contains "\"detail\":\"argv: mytool --flag 'two words'; rule: command.deny 'mytool'\""
	assert_output_matches '"pid":[0-9]+,"comm":"script.sh","command":"./script.sh"'
	wait_until 10 pane_matches c1 'x exec /'

	# The session survives, and the shell still starts allowed programs.
	type_line c1 "sh -c 'echo alive-\$((6*7))'"
	wait_screen c1 '^alive-42 '

	type_line c1 "mytool typed-$1"
	wait_screen c1 "^fence: command 'mytool typed-$1' blocked by command.deny rule 'mytool' \\(not run\\)"
	wait_until 15 log_has "\"target\":\"mytool typed-$1\""
	run violations_json
	assert_output_contains "\"source\":\"hook\",\"kind\":\"command\",\"action\":\"denied\",\"target\":\"mytool typed-$1\",\"detail\":\"command 'mytool typed-$1' blocked by command.deny rule 'mytool'\""
	wait_until 10 pane_matches c1 "x command mytool typed-$1"
	# One record each; as root the eBPF monitor may add its own.
	[ "$(grep -c '"source":"exec"' "$LOG")" -eq 1 ]
	[ "$(grep -c '"source":"hook"' "$LOG")" -eq 1 ]
	run "$FENCE" ls --json
	assert_output_matches '"violations": *([2-9]|[1-9][0-9])'
}

@test "violations exec: bash in argv mode records a script's exec and a typed veto" {
	check_exec_and_veto bash
}

@test "violations exec: zsh in argv mode records a script's exec and a typed veto" {
	check_exec_and_veto zsh
}

@test "violations exec: fish in argv mode records a script's exec and a typed veto" {
	check_exec_and_veto fish
}

@test "violations exec: argv mode starts the shell that a rule denies" {
	require_exec_notify
	printf '{"command": {"deny": ["bash"], "runtimeExecPolicy": "argv"}}\n' >"$POLICY"
	printf '#!/bin/sh\nbash -c "echo inner bash ran"\necho "status=$?"\n' >"$WORK/nested.sh"
	chmod 755 "$WORK/nested.sh"
	start_wide_shell bash
	# Only the session's own shell is exempt: a script's bash is refused.
	type_line c1 './nested.sh'
	wait_screen c1 '^status=126 '
	! screen_matches c1 'inner bash ran'
	wait_until 15 log_has '"kind":"exec".*"detail":"argv: bash -c .echo inner bash ran.; rule: command.deny .bash."'
}

@test "violations exec: a typed veto is recorded in path mode too" {
	printf '{"command": {"deny": ["git push"]}}\n' >"$POLICY"
	start_wide_shell bash
	type_line c1 'git push origin main'
	wait_screen c1 "blocked by command.deny rule 'git push' \\(not run\\)"
	wait_until 15 log_has '"source":"hook","kind":"command".*"target":"git push origin main"'
}

@test "violations exec: forged veto marks are rate-limited and only recorded" {
	printf '{"command": {"deny": ["git push"]}}\n' >"$POLICY"
	start_shell c1 80 24 --settings "$POLICY"
	type_line c1 "for i in \$(seq 500); do printf '\\033]33623;veto;forged %s;x\\a' \$i; done; printf '\\033]33623;allow;git push\\a'; echo forged-\$((6*7))"
	wait_screen c1 '^forged-42$'
	type_line c1 'echo after-$((6*7))'
	wait_screen c1 '^after-42$'
	wait_until 10 log_has '"target":"forged 1"'
	# The burst (10) passes, then one more a second at most.
	n=$(grep -c '"source":"hook"' "$LOG")
	[ "$n" -ge 10 ] && [ "$n" -le 40 ] || { echo "$n veto records" >&2; return 1; }
	! grep -q '"target":"forged 500"' "$LOG"
	! grep -q '"action":"allowed"' "$LOG"
	# The policy is the same: the rule still refuses the line.
	type_line c1 'git push origin main'
	wait_screen c1 "^fence: command 'git push origin main' blocked by"
}
