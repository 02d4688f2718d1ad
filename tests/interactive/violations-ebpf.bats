#!/usr/bin/env bats
# The eBPF denial monitor of a live session: a denied write reaches the
# side pane, `fence violations` and the log with its path; a burst is cut
# and counted; without root the pane says why.

load ../helpers/lib
load session

setup() {
	session_setup
	LOG="$XDG_STATE_HOME/fence/sessions/$SNAME.jsonl"
}

teardown() {
	session_teardown
}

# start_wide TARGET ARGS...: a session whose 160-column client shows the pane.
start_wide() {
	local target=$1
	shift
	client_start "$target" 160 30 "$FENCE" shell --name "$SNAME" "$@"
	type_line "$target" 'echo ready-$((40+2))'
	wait_screen "$target" '^ready-42 '
}

# monitor_on TARGET: wait for the pane's eBPF line; skip when this kernel
# refuses the monitor even to root.
monitor_on() {
	wait_pane "$1" '^ebpf (on|off)'
	if pane_matches "$1" '^ebpf off'; then
		skip_missing "eBPF monitor: $(pane_text "$1" | grep '^ebpf off')"
	fi
}

@test "violations ebpf: a read-only write reaches pane, log and violations" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	start_wide c1
	monitor_on c1
	type_line c1 'touch /usr/fence-ebpf-test; echo touched-$?'
	wait_screen c1 '^touched-1 '
	wait_pane c1 'x file /usr/fence-ebpf-test'
	wait_until 10 grep -q '"target":"/usr/fence-ebpf-test"' "$LOG"
	run "$FENCE" violations --json "$SNAME"
	assert_status 0
	assert_output_matches '"source":"ebpf","kind":"file","action":"denied","target":"/usr/fence-ebpf-test","detail":"openat: EROFS","pid":[0-9]+,"comm":"touch","command":"touch /usr/fence-ebpf-test; echo touched-\$\?"'
	run "$FENCE" violations "$SNAME"
	assert_output_matches '\[fence:ebpf\] .* file /usr/fence-ebpf-test \(openat: EROFS\) pid [0-9]+ touch'
}

@test "violations ebpf: a denyWrite write keeps its path" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	mkdir "$HOME/locked"
	printf '{"filesystem":{"allowWrite":["."],"denyWrite":["%s/locked"]}}\n' "$HOME" >"$HOME/policy.json"
	start_wide c1 --settings "$HOME/policy.json"
	monitor_on c1
	# A relative path is recorded from the shell's working directory.
	type_line c1 "cd $HOME; echo data >locked/file; echo wrote-\$?"
	wait_screen c1 '^wrote-1 '
	wait_until 10 grep -q "\"target\":\"$HOME/locked/file\"" "$LOG"
	grep "\"target\":\"$HOME/locked/file\"" "$LOG" | grep -qE '"source":"ebpf","kind":"file".*"detail":"openat: E(ROFS|ACCES|PERM)"'
	[ ! -e "$HOME/locked/file" ]
}

@test "violations ebpf: a masked binary is an exec record" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	printf '#!/bin/sh\necho ran\n' >"$HOME/tool"
	chmod 755 "$HOME/tool"
	# The shell hook refuses the typed command line; a script's exec reaches the mask.
	printf '"%s/tool"\n' "$HOME" >"$HOME/runner.sh"
	printf '{"command":{"deny":["%s/tool"]}}\n' "$HOME" >"$HOME/policy.json"
	start_wide c1 --settings "$HOME/policy.json"
	monitor_on c1
	type_line c1 "sh $HOME/runner.sh; echo tool-\$?"
	wait_screen c1 '^tool-126 '
	wait_until 10 grep -q "\"kind\":\"exec\",\"action\":\"denied\",\"target\":\"$HOME/tool\"" "$LOG"
	grep "\"target\":\"$HOME/tool\"" "$LOG" | grep -qE '"source":"ebpf".*"detail":"execve: EACCES".*"command":"sh '
}

@test "violations ebpf: a burst is cut and counted" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	start_wide c1
	monitor_on c1
	type_line c1 'for i in $(seq 3000); do touch /usr/fence-ebpf-test 2>/dev/null; done; echo burst-$((6*7))'
	wait_screen c1 '^burst-42 ' 150
	# The session still answers at once.
	type_line c1 'echo alive-$((2+3))'
	wait_screen c1 '^alive-5 '
	wait_pane c1 '^ebpf on, [0-9]+ repeats dropped'
	# Folded into one pane line with a count, which may cut the end of the path.
	wait_pane c1 'x file /usr/fence-ebpf.* x[0-9]+ *$'
	local n
	n=$(grep -c '"target":"/usr/fence-ebpf-test"' "$LOG")
	[ "$n" -ge 1 ] && [ "$n" -lt 1000 ]
}

@test "violations ebpf: a fresh session has no records" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	start_wide c1
	monitor_on c1
	type_line c1 'true'
	wait_pane c1 'violations \(0\)'
	[ ! -s "$LOG" ] || { cat "$LOG" >&2; return 1; }
}

@test "violations ebpf: without root the pane says why" {
	[ "$(id -u)" -ne 0 ] || skip "root runs the monitor; the unprivileged run checks this"
	start_wide c1
	wait_pane c1 '^ebpf off: needs root or CAP_BPF'
	type_line c1 'touch /usr/fence-ebpf-test; echo touched-$?'
	wait_screen c1 '^touched-1 '
	# Nothing but the monitor sees this denial.
	wait_pane c1 'violations \(0\)'
	! grep -q '"source":"ebpf"' "$LOG" 2>/dev/null
}
