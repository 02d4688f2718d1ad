#!/usr/bin/env bats
# fence --linux-features: the table of kernel and system features.

load ../helpers/lib

@test "features: table lists every feature" {
	run "$FENCE" --linux-features
	assert_status 0
	for name in kernel bubblewrap "user namespaces" "network namespaces" landlock \
		"seccomp filter" "seccomp user notify" ebpf; do
		assert_output_contains "$name"
	done
}

@test "features: each row says ok or unavailable" {
	run "$FENCE" --linux-features
	assert_status 0
	local line n=0
	while IFS= read -r line; do
		case $line in
		FEATURE*|container*) continue ;;
		esac
		[[ $line =~ \ (ok|unavailable)\  ]] || [[ $line =~ \ (ok|unavailable)$ ]] || {
			echo "bad row: $line" >&2
			return 1
		}
		n=$((n + 1))
	done <<<"$output"
	[ "$n" -eq 8 ]
}

@test "features: kernel row shows the running kernel" {
	run "$FENCE" --linux-features
	assert_output_contains "$(uname -r)"
}

@test "features: Landlock ABI is reported" {
	run "$FENCE" --linux-features
	assert_output_matches 'landlock +(ok +ABI [0-9]+|unavailable)'
}

@test "features: eBPF needs root or CAP_BPF" {
	[ "$(id -u)" -ne 0 ] || skip "runs as an unprivileged user"
	run "$FENCE" --linux-features
	assert_output_matches 'ebpf +unavailable +needs root or CAP_BPF'
}
