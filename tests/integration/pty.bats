#!/usr/bin/env bats
# The PTY relay and job control, driven through a private tmux server: the
# pane runs an outer bash, the tests type fence command lines into it and
# read the screen back.

load ../helpers/lib

setup() {
	require_userns
	command -v tmux >/dev/null || skip "tmux is not installed"
	fence_sandbox_home
	CFG="$FENCE_TEST_ROOT/pty.json"
	printf '{"allowPty": true, "filesystem": {"allowWrite": ["."]}}\n' >"$CFG"
	TMUX_SOCKET="fence-test-$BATS_TEST_NUMBER-$$"
	unset TMUX TMUX_PANE
	tmux -L "$TMUX_SOCKET" -f /dev/null new-session -d -x 80 -y 24 \
		"env PS1='outer\$ ' bash --norc --noprofile -i"
	wait_until 10 screen_contains 'outer$'
}

teardown() {
	tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null
	fence_sandbox_home_cleanup
}

tmux_do() {
	tmux -L "$TMUX_SOCKET" "$@"
}

screen() {
	tmux_do capture-pane -p -t 0
}

screen_contains() {
	screen | grep -qF -- "$1"
}

# Type a command line into the outer shell.  Output the tests wait for is
# spelled with an empty "" inside on the command line, so that the echo of
# the typed line itself never matches.
type_line() {
	tmux_do send-keys -t 0 -l -- "$1"
	tmux_do send-keys -t 0 Enter
}

# Fail with the screen when it does not show $1 within 10 seconds.
expect_screen() {
	wait_until 10 screen_contains "$1" || {
		printf 'screen does not show: %s\n--- screen ---\n%s\n' "$1" "$(screen)" >&2
		return 1
	}
}

# The PID of the program the outer shell runs in the foreground.
foreground_pid() {
	pgrep -P "$(tmux_do display -p -t 0 '#{pane_pid}')" | head -1
}

@test "pty: the command gets a terminal of its own with job control" {
	type_line "'$FENCE' -s '$CFG' -c 'test -t 0 && test -t 1 && echo tty-\"\"ok; stty size; ps -o stat= -p \$\$'; echo rc=\$?"
	expect_screen "rc=0"
	screen_contains "tty-ok"
	screen_contains "24 80"
	# '+': the command's process group is the terminal's foreground group.
	screen | grep -qE "^[A-Z]s?\+"
}

@test "pty: vim edits a file and quits cleanly" {
	command -v vim >/dev/null || skip "vim is not installed"
	printf 'old line\n' >"$WORK/notes.txt"
	type_line "before=\$(stty -g); '$FENCE' -s '$CFG' -- vim -u NONE -N -n notes.txt; echo \"rc=\$? same=\$([ \"\$before\" = \"\$(stty -g)\" ] && echo yes)\""
	expect_screen "old line"
	tmux_do send-keys -t 0 g g d G i 'hello from vim' Escape
	tmux_do send-keys -t 0 -l ':wq'
	tmux_do send-keys -t 0 Enter
	expect_screen "rc=0 same=yes"
	[ "$(cat "$WORK/notes.txt")" = "hello from vim" ]
}

@test "pty: window size follows a resize" {
	type_line "'$FENCE' -s '$CFG' -c 'trap \"stty size\" WINCH; echo rea\"\"dy; while :; do sleep 0.05; done'; echo rc=\$?"
	expect_screen "ready"
	tmux_do resize-window -t 0 -x 100 -y 30
	expect_screen "30 100"
	tmux_do send-keys -t 0 C-c
	expect_screen "rc=130"
}

@test "pty: Ctrl-C interrupts the command" {
	type_line "'$FENCE' -s '$CFG' -c 'echo sta\"\"rted; sleep 1000'; echo rc=\$?"
	expect_screen "started"
	tmux_do send-keys -t 0 C-c
	expect_screen "rc=130"
}

@test "pty: Ctrl-Z stops the command and fence, fg resumes both" {
	# Separate lines: a stopped job would let the rest of a list run at once.
	type_line "'$FENCE' -s '$CFG' -c 'echo sta\"\"rted; read line; echo got=\$line'"
	expect_screen "started"
	tmux_do send-keys -t 0 C-z
	expect_screen "Stopped"
	local pid
	pid=$(foreground_pid)
	[ -n "$pid" ]
	[ "$(ps -o stat= -p "$pid" | cut -c1)" = T ]
	type_line "fg"
	type_line "abc"
	expect_screen "got=abc"
	type_line "echo rc=\$?"
	expect_screen "rc=0"
}

@test "pty: without a PTY, Ctrl-Z and fg still stop and resume both" {
	# The terminal sends SIGTSTP to fence, which forwards it; the command's
	# stop then stops fence.  This needs a shell with job control, which is
	# why it runs here rather than in signals.bats.
	type_line "'$FENCE' -c 'echo sta\"\"rted; read line; echo got=\$line'"
	expect_screen "started"
	tmux_do send-keys -t 0 C-z
	expect_screen "Stopped"
	local pid
	pid=$(foreground_pid)
	[ -n "$pid" ]
	[ "$(ps -o stat= -p "$pid" | cut -c1)" = T ]
	type_line "fg"
	type_line "abc"
	expect_screen "got=abc"
	type_line "echo rc=\$?"
	expect_screen "rc=0"
}

@test "pty: terminal settings the command changes are restored" {
	type_line "stty -g >before; '$FENCE' -c 'stty -echo intr ^A'; stty -g >after"
	type_line "cmp before after && echo tty-same-\$((1+1))"
	expect_screen "tty-same-2"
}

@test "pty: a stopped run stops every process of its sandbox" {
	# A process in a process group of its own keeps the terminal on its
	# stdin.  While fence is stopped, the line typed next belongs to the
	# user's shell, so the reader must be stopped too.
	cat >"$WORK/reader.sh" <<'SH'
set -m
( while IFS= read -r line; do echo "$line" >>stolen; done ) &
sleep 0.5
echo sta""rted
kill -STOP $$
wait
SH
	printf '{"filesystem":{"allowWrite":["."]}}\n' >"$WORK/fence.json"
	type_line "'$FENCE' -- bash reader.sh"
	expect_screen "started"
	expect_screen "Stopped"
	type_line "echo host-got-it >host-line"
	wait_until 20 test -e "$WORK/host-line"
	[ ! -s "$WORK/stolen" ]
	tmux_do send-keys -t 0 C-c
	type_line "kill -9 %1"
}

@test "pty: TIOCSTI cannot inject input, with and without the relay" {
	cp "$FENCE_BUILD/tests/helpers/tiocsti" "$WORK/"
	type_line "'$FENCE' -s '$CFG' -- ./tiocsti; echo rc-relay=\$?"
	expect_screen "rc-relay=0"
	type_line "'$FENCE' -- ./tiocsti; echo rc-plain=\$?"
	expect_screen "rc-plain=0"
	[ "$(screen | grep -c 'TIOCSTI EPERM')" -eq 2 ]
	[ "$(screen | grep -c 'TIOCLINUX EPERM')" -eq 2 ]
	# Had a character got through, the outer shell would have run the echo.
	! screen | grep -qx 'INJECTED-BY-TIOCSTI'
}

@test "pty: terminal mode is restored when fence crashes" {
	type_line "before=\$(stty -g); '$FENCE' -s '$CFG' -c 'echo sta\"\"rted; sleep 1000'; echo \"rc=\$? same=\$([ \"\$before\" = \"\$(stty -g)\" ] && echo yes)\""
	expect_screen "started"
	local pid
	pid=$(foreground_pid)
	[ -n "$pid" ]
	kill -SEGV "$pid"
	expect_screen "rc=139 same=yes"
	gone() { ! pgrep -f "^/tmp/fence/bin/fence init .* echo started; sleep 1000" >/dev/null; }
	wait_until 10 gone
}

@test "pty: without allowPty the command has no controlling terminal" {
	type_line "'$FENCE' -c 'test -t 0 && echo stdin-\"\"tty; ps -o tty= -p \$\$'; echo rc=\$?"
	expect_screen "rc=0"
	screen_contains "stdin-tty"
	screen | grep -qx ' *?'
}

@test "pty: all output arrives before fence exits" {
	type_line "'$FENCE' -s '$CFG' -- seq 1 200000; echo rc=\$?"
	expect_screen "rc=0"
	# The last number is on the line just above the status line.
	screen | grep -B1 -x "rc=0" | head -1 | grep -qx 200000 || { screen >&2; return 1; }
}
