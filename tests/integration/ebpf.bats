#!/usr/bin/env bats
# The eBPF monitor: -m reports syscalls of the sandbox that fail with
# EPERM, EACCES or EROFS, with the path, and says why when it cannot run.

load ../helpers/lib
load ../helpers/fs

setup() {
	require_userns
	fence_sandbox_home
	fence_config '{}'
}

teardown() {
	fence_sandbox_home_cleanup
}

# Run sh -c "$1" under -m, skipping when this kernel refuses the monitor.
monitor_sh() {
	run "$FENCE" -m -s "$CFG" -- sh -c "$1"
	case $output in
	*"[fence:ebpf] monitor unavailable"*) skip_missing "eBPF monitor: ${output##*unavailable: }" ;;
	esac
}

@test "ebpf: a write to a read-only path is reported with its path" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	monitor_sh 'echo new >"$PWD/file"'
	assert_failure
	assert_output_matches "\[fence:ebpf\] [0-9]{2}:[0-9]{2}:[0-9]{2} ✗ openat: EROFS Read-only file system $WORK/file \(sh, pid=[0-9]+\)"
	[ ! -e "$WORK/file" ]
}

@test "ebpf: a denied path outside the sandbox's writes is reported too" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	monitor_sh 'mkdir /usr/fence-ebpf-test'
	assert_failure
	assert_output_matches "✗ mkdir(at)?: EROFS Read-only file system /usr/fence-ebpf-test \(mkdir, pid="
}

@test "ebpf: a relative path is never joined to a later directory" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	mkdir "$WORK/sub"
	monitor_sh 'echo new >file; cd sub; true'
	assert_status 0
	# Made absolute only while sh still is in that directory.
	assert_output_matches "✗ openat: EROFS Read-only file system ($WORK/)?file \(sh, pid="
	refute_output_contains "$WORK/sub/file"
}

@test "ebpf: a burst from one process is cut and the rest counted" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	monitor_sh 'for i in 1 2 3 4 5 6 7 8 9 10; do echo >/usr/fence-ebpf-test; done 2>/dev/null; true'
	assert_status 0
	local n
	n=$(grep -c '✗ openat: EROFS' <<<"$output")
	[ "$n" -ge 1 ] && [ "$n" -le 4 ]
	assert_output_matches "\[fence:ebpf\] [0-9]+ repeated denials not shown"
}

@test "ebpf: successful syscalls stay out of the records" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	monitor_sh 'echo fine >/dev/null; cat /etc/hostname >/dev/null'
	assert_status 0
	refute_output_contains "[fence:ebpf]"
}

@test "ebpf: --log-file takes the records instead of stderr" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	run "$FENCE" -m --log-file "$BATS_TEST_TMPDIR/fence.log" -s "$CFG" -- sh -c 'touch /usr/fence-ebpf-test'
	refute_output_contains "[fence:ebpf]"
	grep -q 'monitor unavailable' "$BATS_TEST_TMPDIR/fence.log" && skip_missing "eBPF monitor unavailable"
	grep -q '✗ .*EROFS Read-only file system /usr/fence-ebpf-test (touch, pid=' "$BATS_TEST_TMPDIR/fence.log"
}

@test "ebpf: without -m or -d no monitor runs" {
	fence_sh 'touch /usr/fence-ebpf-test'
	assert_failure
	refute_output_contains "[fence:ebpf]"
}

@test "ebpf: -m without root or CAP_BPF says once why the records are off" {
	[ "$(id -u)" -ne 0 ] || skip "root runs the monitor; the unprivileged run checks this"
	run "$FENCE" -m -s "$CFG" -- true
	assert_status 0
	assert_output_contains "[fence:ebpf] monitor unavailable: needs root or CAP_BPF"
	[ "$(grep -c 'monitor unavailable' <<<"$output")" -eq 1 ]
}

@test "ebpf: control characters of a path are escaped" {
	require_root "the eBPF monitor needs root or CAP_BPF"
	monitor_sh 'touch "$(printf "$PWD/a\033[2Jb")"'
	assert_failure
	assert_output_contains "$WORK/a\\x1b[2Jb"
	refute_output_contains $'\033[2J'
}
