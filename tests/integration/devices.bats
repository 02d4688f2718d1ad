#!/usr/bin/env bats
# devices.mode and devices.allow: which device nodes the sandbox sees.

load ../helpers/lib
load ../helpers/fs

setup() {
	require_userns
	fence_sandbox_home
	EXTRA=
	for node in /dev/kmsg /dev/fuse /dev/loop-control /dev/vda /dev/sda /dev/tty0; do
		if [ -e "$node" ]; then
			EXTRA=$node
			break
		fi
	done
}

teardown() {
	[ -z "${SERVER:-}" ] || kill "$SERVER" 2>/dev/null || true
	fence_sandbox_home_cleanup
}

@test "devices: minimal mode has the basic nodes only" {
	fence_config '{"devices": {"mode": "minimal"}}'
	fence_sh 'for n in null zero full random urandom tty; do test -e /dev/$n || echo "MISSING $n"; done
		echo x >/dev/null && head -c 4 /dev/urandom | wc -c'
	assert_status 0
	refute_output_contains MISSING
	[ "${lines[-1]}" = 4 ]
	[ -n "$EXTRA" ] || skip "no device node outside the minimal set to compare with"
	fence_sh "test -e '$EXTRA'"
	assert_failure
}

@test "devices: devices.allow adds a node in minimal mode" {
	[ -n "$EXTRA" ] || skip "no device node outside the minimal set to allow"
	fence_config "{\"devices\": {\"mode\": \"minimal\", \"allow\": [\"$EXTRA\"]}}"
	fence_sh "test -e '$EXTRA' && echo present"
	assert_status 0
	[ "$output" = present ]
}

@test "devices: host mode shows the host's /dev" {
	[ -n "$EXTRA" ] || skip "no device node outside the minimal set to look for"
	fence_config '{"devices": {"mode": "host"}}'
	fence_sh "test -e '$EXTRA' && echo present"
	assert_status 0
	[ "$output" = present ]
}

@test "devices: auto mode follows the container and setuid rules" {
	[ -n "$EXTRA" ] || skip "no device node outside the minimal set to look for"
	local expect=minimal
	if [ -e /.dockerenv ] || [ -e /run/.containerenv ] ||
		grep -Eq 'docker|containerd|kubepods|libpod|podman|lxc' /proc/1/cgroup 2>/dev/null; then
		expect=minimal
	elif [ "$(id -u)" -ne 0 ] && [ -u "$(command -v bwrap)" ]; then
		expect=host
	fi
	fence_config '{"devices": {"mode": "auto"}}'
	fence_sh "test -e '$EXTRA' && echo host || echo minimal"
	assert_status 0
	[ "$output" = "$expect" ]
}

@test "devices: a host-mode socket under /dev is masked" {
	[ -d /dev/shm ] && [ -w /dev/shm ] || skip "no writable /dev/shm on this host"
	local sock="/dev/shm/fence-test-$$-$BATS_TEST_NUMBER.sock"
	mkdir -p "$HOME/bin"
	cp "$FENCE_BUILD/tests/helpers/try-connect" "$FENCE_BUILD/tests/helpers/listen-unix" "$HOME/bin/"
	"$HOME/bin/listen-unix" "$sock" 3>&- &
	SERVER=$!
	wait_until 10 test -S "$sock"
	run "$HOME/bin/try-connect" "$sock"
	[ "$output" = connected ]
	fence_config '{"devices": {"mode": "host"}}'
	fence_sh "\"\$HOME/bin/try-connect\" '$sock'"
	rm -f "$sock"
	refute_output_contains connected
	assert_output_contains ECONNREFUSED
}

@test "devices: devices.allow outside /dev is an error" {
	fence_config '{"devices": {"allow": ["/etc/passwd"]}}'
	fence_sh 'true'
	assert_status 125
	assert_output_contains "/etc/passwd"
}
