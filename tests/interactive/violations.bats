#!/usr/bin/env bats
# The violation side pane, the command prompt and `fence violations`
# against a live session, driven through tmux.

load ../helpers/lib
load session

setup() {
	session_setup
}

teardown() {
	session_teardown
}

# pane_text TARGET: the columns right of the separator, one line per row.
pane_text() {
	screen_of "$1" | sed -n 's/.*│//p'
}

pane_matches() {
	pane_text "$1" | grep -qE -- "$2"
}

# start_wide TARGET COLS ROWS: start_shell for a terminal with the pane,
# whose lines end in the pane's columns.
start_wide() {
	client_start "$1" "$2" "$3" "$FENCE" shell --name "$SNAME"
	type_line "$1" 'echo ready-$((40+2))'
	wait_screen "$1" '^ready-42 '
}

wait_pane() {
	if ! wait_until "${3:-15}" pane_matches "$1" "$2"; then
		echo "timed out waiting for /$2/ in the pane of $1; the screen is:" >&2
		screen_of "$1" >&2
		return 1
	fi
}

@test "violations pane: shown beside the shell on a wide terminal" {
	start_wide c1 160 30
	wait_pane c1 'violations \(0\)'
	type_line c1 'echo cols=$(tput cols)'
	wait_screen c1 "^cols=$((160 - 40 - 1)) "
	if [ "$(id -u)" -ne 0 ]; then
		wait_pane c1 'ebpf off: needs root or CAP_BPF'
	else
		wait_pane c1 '^ebpf (on|off: )'
	fi
}

@test "violations pane: hidden on a narrow terminal" {
	start_shell c1 80 24
	type_line c1 'echo cols=$(tput cols)'
	wait_screen c1 '^cols=80 *$'
	! screen_of c1 | grep -q 'violations ('
}

@test "violations pane: prefix v hides and shows it, resizing the shell" {
	start_wide c1 160 30
	wait_pane c1 'violations \(0\)'
	tmx send-keys -t c1 C-] v
	wait_until 10 bash -c "! tmux -L '$TMUX_NAME' capture-pane -p -t c1 | grep -q 'violations ('"
	type_line c1 'echo cols=$(tput cols)'
	wait_screen c1 '^cols=160 *$'
	tmx send-keys -t c1 C-] v
	wait_pane c1 'violations \(0\)'
	type_line c1 'clear; echo cols=$(tput cols)'
	wait_screen c1 '^cols=119 '
}

@test "violations prompt: opens on the bottom row and Ctrl-C closes it" {
	start_shell c1 80 24
	tmx send-keys -t c1 C-] :
	wait_until 10 bash -c "tmux -L '$TMUX_NAME' capture-pane -p -t c1 | tail -n 1 | grep -q '^:'"
	tmx send-keys -t c1 -l 'pol'
	tmx send-keys -t c1 Tab
	wait_until 10 bash -c "tmux -L '$TMUX_NAME' capture-pane -p -t c1 | tail -n 1 | grep -q '^:policy'"
	tmx send-keys -t c1 C-c
	type_line c1 'echo back-$((1+1))'
	wait_screen c1 '^back-2$'
	! screen_of c1 | tail -n 1 | grep -q '^:'
}

# prompt_open TARGET: prefix then ':', and wait for the prompt on the bottom row.
prompt_open() {
	tmx send-keys -t "$1" C-] :
	wait_until 10 bash -c "tmux -L '$TMUX_NAME' capture-pane -p -t '$1' | tail -n 1 | grep -q '^:'"
}

@test "violations prompt: an unknown command is reported, the next key reaches the shell" {
	start_shell c1 80 24
	prompt_open c1
	type_line c1 'frobnicate now'
	wait_screen c1 "unknown command 'frobnicate'|no network policy"
	# The key that dismisses the answer is typed too: not 'cho after-4'.
	type_line c1 'echo after-$((2+2))'
	wait_screen c1 '^after-4$'
}

@test "violations prompt: the prefix right after an answer opens the prompt again" {
	start_shell c1 80 24
	prompt_open c1
	type_line c1 'policy'
	wait_screen c1 '^onBlocked: '
	prompt_open c1
	type_line c1 'allow 127.0.0.9'
	wait_screen c1 '^127.0.0.9: allowed for this session'
	type_line c1 'echo after-$((3+3))'
	wait_screen c1 '^after-6$'
	! screen_of c1 | grep -q 'command not found'
}

@test "violations prompt: keys typed before the answer arrives are not lost" {
	start_shell c1 80 24
	prompt_open c1
	# One write: the line, then the prefix and ':' before any answer can come.
	tmx send-keys -t c1 -l 'policy'
	tmx send-keys -t c1 Enter C-] :
	wait_until 10 bash -c "tmux -L '$TMUX_NAME' capture-pane -p -t c1 | tail -n 1 | grep -q '^:'"
	type_line c1 'allow 127.0.0.8'
	wait_screen c1 '^127.0.0.8: allowed for this session'
}

@test "violations prompt: history is kept under XDG_STATE_HOME" {
	start_shell c1 80 24
	tmx send-keys -t c1 C-] :
	wait_until 10 bash -c "tmux -L '$TMUX_NAME' capture-pane -p -t c1 | tail -n 1 | grep -q '^:'"
	type_line c1 'policy'
	wait_until 10 grep -qx policy "$XDG_STATE_HOME/fence/prompt_history"
}

@test "violations prompt: detach from the prompt detaches the client" {
	# The shell around the client prints its exit status on the screen.
	printf '"%s" shell --name %s; echo client-exit=$?; sleep 60\n' "$FENCE" "$SNAME" >"$BATS_TEST_TMPDIR/c1.sh"
	client_start c1 80 24 sh "$BATS_TEST_TMPDIR/c1.sh"
	type_line c1 'echo ready-$((40+2))'
	wait_screen c1 '^ready-42$'
	tmx send-keys -t c1 C-] :
	wait_until 10 bash -c "tmux -L '$TMUX_NAME' capture-pane -p -t c1 | tail -n 1 | grep -q '^:'"
	type_line c1 'detach'
	wait_screen c1 'client-exit=0'
	[ -S "$SOCK" ]
}

@test "violations: --follow ends when the session ends" {
	start_shell c1 80 24
	printf '"%s" violations --follow %s; echo follow-exit=$?; sleep 60\n' "$FENCE" "$SNAME" >"$BATS_TEST_TMPDIR/f1.sh"
	client_start f1 80 24 sh "$BATS_TEST_TMPDIR/f1.sh"
	type_line c1 'exit 0'
	wait_screen f1 'follow-exit=0'
}

pane_count_is() {
	[ "$(tmx list-panes -t c1 | wc -l)" -eq "$1" ]
}

@test "violations tmux mode: --pane tmux opens a split and closes it at the end" {
	client_start c1 120 30 "$FENCE" shell --name "$SNAME" --pane tmux
	type_line c1 'echo ready-$((40+2))'
	if ! wait_until 15 pane_count_is 2; then
		tmx list-panes -a >&2
		screen_of c1 >&2
		return 1
	fi
	# The shell gets its whole tmux pane: no pane drawn by the daemon.
	! screen_of c1 | grep -q 'violations ('
	tmx list-panes -t c1 -F '#{pane_start_command}' | grep -q 'violations --follow'
	type_line c1 'exit 0'
	if ! wait_until 15 pane_count_is 1; then
		tmx list-panes -a -F '#{pane_id} #{pane_dead} #{pane_start_command}' >&2
		screen_of c1 >&2
		return 1
	fi
}

@test "violations tmux mode: refused outside tmux" {
	run "$FENCE" shell --name "$SNAME" --pane tmux </dev/null
	assert_status 125
	assert_output_contains "needs a shell inside tmux"
}

@test "violations: bad --pane values are reported" {
	run "$FENCE" shell --pane sideways
	assert_status 125
	assert_output_contains "invalid --pane 'sideways'"
	run "$FENCE" shell --pane-width 3
	assert_status 125
	assert_output_contains "invalid --pane-width '3'"
}

@test "violations: a FIFO planted as the log is refused without blocking" {
	local log=$XDG_STATE_HOME/fence/sessions/$SNAME.jsonl
	mkdir -p "${log%/*}"
	mkfifo "$log"
	run timeout 10 "$FENCE" violations "$SNAME"
	assert_status 125
	assert_output_contains "is not a regular file"
	# The session starts all the same, and the reader still refuses.
	start_shell c1 80 24
	run timeout 10 "$FENCE" violations --follow "$SNAME"
	assert_status 125
	assert_output_contains "is not a regular file"
	[ -p "$log" ]
}

@test "violations: a symlink planted as the log is not followed" {
	local log=$XDG_STATE_HOME/fence/sessions/$SNAME.jsonl
	mkdir -p "${log%/*}"
	printf '{"seq":1,"time_ms":1,"kind":"net","target":"planted.test:80"}\n' >"$BATS_TEST_TMPDIR/other"
	ln -s "$BATS_TEST_TMPDIR/other" "$log"
	run timeout 10 "$FENCE" violations "$SNAME"
	assert_status 125
	assert_output_contains "is not a regular file"
	refute_output_contains "planted.test"
}
