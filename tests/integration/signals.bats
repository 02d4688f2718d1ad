#!/usr/bin/env bats
# Signals to fence without a terminal: the first SIGINT, SIGTERM or
# SIGHUP is forwarded to the command, a second one kills the sandbox, and
# nothing of the sandbox outlives fence.

load ../helpers/lib

setup() {
	require_userns
	fence_sandbox_home
	MARK="fence-signals-$$-$BATS_TEST_NUMBER"
}

teardown() {
	[ -n "${FENCE_PID:-}" ] && kill -KILL "$FENCE_PID" 2>/dev/null
	fence_sandbox_home_cleanup
}

# Start fence in the background with a script that names itself $MARK.
start_fence() {
	# Empty the output first: a stale "ready" would let the test signal a
	# fence that has not installed its handlers yet.
	: >"$WORK/out"
	"$FENCE" -- bash -c "$1" "$MARK" >"$WORK/out" 2>&1 &
	FENCE_PID=$!
}

out_contains() {
	grep -q "$1" "$WORK/out"
}

no_sandbox_left() {
	! pgrep -f "$MARK" >/dev/null
}

# Wait for fence to end and store its status in $status.
wait_fence() {
	status=0
	wait "$FENCE_PID" || status=$?
	FENCE_PID=
}

@test "signals: first SIGTERM, SIGINT or SIGHUP is forwarded" {
	local sig expect
	for sig in TERM INT HUP; do
		start_fence "trap 'echo got-$sig; exit 5' $sig; echo ready; while :; do sleep 0.05; done"
		wait_until 10 out_contains ready
		kill -s "$sig" "$FENCE_PID"
		wait_fence
		[ "$status" -eq 5 ] || { echo "$sig: status $status" >&2; cat "$WORK/out" >&2; return 1; }
		out_contains "got-$sig"
	done
}

@test "signals: second SIGTERM kills the sandbox" {
	start_fence "trap 'echo got-term' TERM; echo ready; while :; do sleep 0.05; done"
	wait_until 10 out_contains ready
	kill -TERM "$FENCE_PID"
	wait_until 10 out_contains got-term
	kill -TERM "$FENCE_PID"
	wait_fence
	[ "$status" -eq 143 ]
	wait_until 10 no_sandbox_left
}

@test "signals: an unhandled SIGINT gives 130" {
	start_fence "echo ready; sleep 1000"
	wait_until 10 out_contains ready
	kill -INT "$FENCE_PID"
	wait_fence
	# bash passes on the death of its child, which died of SIGINT.
	[ "$status" -eq 130 ]
}

@test "signals: SIGKILL of fence takes the sandbox down" {
	start_fence "echo ready; sleep 1000 & sleep 1000"
	wait_until 10 out_contains ready
	kill -KILL "$FENCE_PID"
	wait_fence
	wait_until 10 no_sandbox_left
}

@test "signals: orphans are reaped and do not outlive the run" {
	run "$FENCE" -- bash -c '(sleep 1000 &) ; (sleep 1000 &); echo done' "$MARK"
	assert_status 0
	assert_output_contains done
	wait_until 10 no_sandbox_left
}

@test "signals: the command's own death by signal is reported as 128+N" {
	local sig
	for sig in 1 2 9 15; do
		run "$FENCE" -- bash -c "kill -$sig \$\$"
		[ "$status" -eq $((128 + sig)) ] || { echo "signal $sig: $status" >&2; return 1; }
	done
}
