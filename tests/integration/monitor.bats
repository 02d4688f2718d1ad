#!/usr/bin/env bats
# Violation records: the -m lines of one-shot runs and `fence violations`
# reading a session's JSON Lines log.

load ../helpers/lib

setup() {
	fence_sandbox_home
	LOGDIR="$XDG_STATE_HOME/fence/sessions"
}

teardown() {
	fence_sandbox_home_cleanup
}

# Write N records for session $1 into its log, times $2, $3, ... (ms).
write_log() {
	local name=$1 seq=0
	shift
	mkdir -p "$LOGDIR"
	for t in "$@"; do
		seq=$((seq + 1))
		printf '{"seq":%d,"time":%s,"source":"http","kind":"net","action":"denied","target":"h%d.test:443","detail":"not in allowedDomains"}\n' \
			"$seq" "$t" "$seq" >>"$LOGDIR/$name.jsonl"
	done
}

@test "monitor: -m prints a command refusal as a record" {
	printf '{"command":{"deny":["git push"]}}' >deny.json
	run "$FENCE" -m -s deny.json -c 'echo hi && git push origin'
	assert_status 126
	assert_output_matches '\[fence:command\] [0-9:]{8} ✗ command git push origin \(git push\) \[echo hi && git push origin\]'
	assert_output_contains "blocked by command.deny rule 'git push'"
}

@test "monitor: without -m a command refusal prints no record" {
	printf '{"command":{"deny":["git push"]}}' >deny.json
	run "$FENCE" -s deny.json -c 'git push origin'
	assert_status 126
	refute_output_contains "[fence:command]"
}

@test "monitor: -m --log-file takes the command record" {
	printf '{"command":{"deny":["git push"]}}' >deny.json
	run "$FENCE" -m --log-file "$BATS_TEST_TMPDIR/m.log" -s deny.json -c 'git push origin'
	assert_status 126
	refute_output_contains "[fence:command]"
	grep -q '^\[fence:command\] .* git push origin' "$BATS_TEST_TMPDIR/m.log"
}

@test "violations: prints a session's log, oldest first" {
	now=$(($(date +%s) * 1000))
	write_log s1 "$((now - 2000))" "$((now - 1000))"
	run "$FENCE" violations s1
	assert_status 0
	[ "${#lines[@]}" -eq 2 ]
	assert_output_matches '^\[fence:http\] [0-9:]{8} ✗ net h1\.test:443 \(not in allowedDomains\)'
	[[ "${lines[1]}" == *h2.test:443* ]]
}

@test "violations: --json prints the records as JSON Lines" {
	write_log s1 1000 2000
	run "$FENCE" violations --json s1
	assert_status 0
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == '{"seq":1,"time":1000,"source":"http","kind":"net","action":"denied","target":"h1.test:443","detail":"not in allowedDomains"}' ]]
}

@test "violations: --since keeps only newer records" {
	now=$(date +%s)
	write_log s1 "$(((now - 7200) * 1000))" "$(((now - 10) * 1000))"
	run "$FENCE" violations --since 1h --json s1
	assert_status 0
	[ "${#lines[@]}" -eq 1 ]
	assert_output_contains '"seq":2'
	run "$FENCE" violations --since "@$((now - 20000))" --json s1
	[ "${#lines[@]}" -eq 2 ]
}

@test "violations: reads the rotated log before the live one and skips bad lines" {
	write_log s1 1000 2000
	mv "$LOGDIR/s1.jsonl" "$LOGDIR/s1.jsonl.1"
	printf 'not json\n' >"$LOGDIR/s1.jsonl"
	printf '{"seq":3,"time":3000,"source":"ebpf","kind":"file","action":"denied","target":"/etc/shadow","pid":7,"comm":"cat"}\n' >>"$LOGDIR/s1.jsonl"
	run "$FENCE" violations s1
	assert_status 0
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" == *"[fence:ebpf]"*"file /etc/shadow pid 7 cat"* ]]
}

@test "violations: bad arguments are reported" {
	run "$FENCE" violations --since yesterday-ish s1
	assert_status 125
	assert_output_contains "fence: invalid --since 'yesterday-ish'"
	run "$FENCE" violations 'bad/name'
	assert_status 125
	assert_output_contains "invalid session name"
	run "$FENCE" violations a b
	assert_status 125
}

@test "violations: a session without records prints nothing, --follow ends at once" {
	run "$FENCE" violations nothing-here
	assert_status 0
	[ -z "$output" ]
	run timeout 10 "$FENCE" violations --follow nothing-here
	assert_status 0
}
