#!/usr/bin/env bats
# Starting a session: one daemon per name however many clients start it at
# once, and what a killed daemon left is removed at the next start.

load ../helpers/lib
load session

setup() {
	session_setup
}

teardown() {
	session_teardown
}

# The pids of every fence process (client or daemon) of session $SNAME.
session_procs() {
	pgrep -f -- "^$FENCE shell --name $SNAME\$" || true
}

# What the runtime directory holds for session $SNAME.
runtime_files() {
	ls -A "$XDG_RUNTIME_DIR/fence" | grep -E "^$SNAME\\." || true
}

# Whether pid has ended: gone, or a zombie that its parent reaps later.
ended() {
	local state
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' /proc/"$1"/status 2>/dev/null)
	[ -z "$state" ] || [ "$state" = Z ]
}

no_runtime_files() {
	[ -z "$(runtime_files)" ]
}

@test "session start: simultaneous starts make one daemon that fence kill ends" {
	local t procs p
	# One tmux command starts all clients in the same turn of its loop,
	# so each finds no socket and forks a daemon.
	tmx new-session -d -s c1 -x 80 -y 24 "exec $FENCE shell --name $SNAME" \; \
		new-session -d -s c2 -x 80 -y 24 "exec $FENCE shell --name $SNAME" \; \
		new-session -d -s c3 -x 80 -y 24 "exec $FENCE shell --name $SNAME" \; \
		new-session -d -s c4 -x 80 -y 24 "exec $FENCE shell --name $SNAME"
	type_line c1 'echo ready-$((40+2))'
	for t in c1 c2 c3 c4; do
		wait_screen "$t" '^ready-42$' 30
	done
	# Every client shows the one shell.
	type_line c3 'echo same-$((6*7))'
	for t in c1 c2 c3 c4; do
		wait_screen "$t" '^same-42$' 30
	done
	run "$FENCE" ls
	assert_output_contains "$SNAME"
	procs=$(session_procs)
	[ -n "$procs" ]
	run "$FENCE" kill "$SNAME"
	[ "$status" -eq 0 ]
	for p in $procs; do
		wait_until 15 ended "$p" || {
			echo "left running: $(ps -o pid,ppid,args -p "$p")"
			return 1
		}
	done
	wait_until 10 no_runtime_files || { runtime_files; return 1; }
}

@test "session start: what a SIGKILLed daemon left is removed at the next start" {
	local pid
	start_shell c1 80 24
	pid=$(session_pid)
	[ -e "$XDG_RUNTIME_DIR/fence/$SNAME.net" ] || [ -e "$XDG_RUNTIME_DIR/fence/$SNAME.shell" ]
	kill -9 "$pid"
	wait_until 10 pid_gone "$pid"
	run wait_exit c1
	# Another session's start sweeps it.
	client_start c2 80 24 "$FENCE" shell --name "$SNAME-b"
	type_line c2 'echo other-$((40+2))'
	wait_screen c2 '^other-42$' 30
	no_runtime_files || { ls -A "$XDG_RUNTIME_DIR/fence"; return 1; }
	[ -e "$XDG_RUNTIME_DIR/fence/$SNAME-b.sock" ]
	"$FENCE" kill "$SNAME-b"
}

@test "session start: a start of the same name replaces what its dead daemon left" {
	local pid
	start_shell c1 80 24
	pid=$(session_pid)
	kill -9 "$pid"
	wait_until 10 pid_gone "$pid"
	run wait_exit c1
	start_shell c2 80 24
	[ "$(session_pid)" != "$pid" ]
	"$FENCE" kill "$SNAME"
	wait_until 10 no_runtime_files || { runtime_files; return 1; }
}
