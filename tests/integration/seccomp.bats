#!/usr/bin/env bats
# The seccomp filter, call by call, with tests/helpers/try-syscall.  Each
# call is first tried in a bare bwrap sandbox: where the kernel already
# fails it with another errno, fence's EPERM shows that the filter acted.

load ../helpers/lib

BLOCKED="ptrace process_vm_readv process_vm_writev keyctl add_key request_key bpf
perf_event_open userfaultfd kexec_load kexec_file_load init_module finit_module delete_module
mount umount2 pivot_root setns unshare-user clone-user tiocsti tiocsti-high-bits tioclinux
personality swapon syslog acct open_by_handle_at name_to_handle_at"

setup() {
	require_userns
	fence_sandbox_home
	# The helper must sit where the sandbox may execute it: the working directory.
	cp "$FENCE_BUILD/tests/helpers/try-syscall" "$WORK/"
}

teardown() {
	fence_sandbox_home_cleanup
}

# Print the errno name of CALL in a bare bwrap sandbox (no fence filter).
bare_errno() {
	bwrap --unshare-pid --unshare-net --ro-bind / / --dev /dev --proc /proc --chdir "$WORK" \
		./try-syscall "$1" | cut -d' ' -f2
}

@test "seccomp: blocked calls fail with EPERM" {
	run "$FENCE" -- ./try-syscall $BLOCKED
	assert_status 0
	local call
	for call in $BLOCKED; do
		assert_output_contains "$call EPERM"
	done
}

@test "seccomp: the filter changes what the kernel returns" {
	local call bare changed=0
	run "$FENCE" -- ./try-syscall $BLOCKED
	assert_status 0
	for call in $BLOCKED; do
		bare=$(bare_errno "$call")
		if [ "$bare" != EPERM ]; then
			assert_output_contains "$call EPERM"
			changed=$((changed + 1))
		fi
	done
	# Without a filter most of these fail with EFAULT, EINVAL or EBADF.
	[ "$changed" -ge 15 ]
}

@test "seccomp: clone3 fails with ENOSYS so libc falls back to clone" {
	run "$FENCE" -- ./try-syscall clone3
	assert_status 0
	assert_output_contains "clone3 ENOSYS"
}

@test "seccomp: ordinary calls pass" {
	run "$FENCE" -- ./try-syscall read tcgets
	assert_status 0
	assert_output_contains "read EBADF"
	assert_output_contains "tcgets EBADF"
}

@test "seccomp: a new user namespace is refused" {
	command -v unshare >/dev/null || skip "unshare is not installed"
	# unshare is on the default deny list: switch it off to reach seccomp.
	printf '{"command": {"useDefaults": false}}\n' >"$WORK/fence.json"
	run "$FENCE" -- unshare --user true
	[ "$status" -ne 0 ]
	assert_output_contains "Operation not permitted"
}

@test "seccomp: a 32-bit system call kills the process" {
	[ "$(uname -m)" = x86_64 ] || skip "the ia32 entry exists on x86_64 only"
	run "$FENCE" -- ./try-syscall ia32-getpid
	# SIGSYS is 31: the process was killed, not given an errno.
	assert_status 159
}

@test "seccomp: the filter is installed in the command" {
	run "$FENCE" -- grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
	assert_status 0
	assert_output_matches 'NoNewPrivs:[[:space:]]+1'
	assert_output_matches 'Seccomp:[[:space:]]+2'
}

# A root-started sandbox used to keep every capability, and with
# CAP_DAC_READ_SEARCH open_by_handle_at reached files under a mask.
@test "seccomp: a sandbox started by root has no capabilities" {
	require_root "only root's sandboxes had capabilities to drop"
	run "$FENCE" -- sh -c 'grep -E "^(Cap(Eff|Prm)|NoNewPrivs):" /proc/self/status'
	assert_status 0
	assert_output_contains "CapEff:	0000000000000000"
	assert_output_contains "CapPrm:	0000000000000000"
	# No setuid program can give them back.
	assert_output_contains "NoNewPrivs:	1"
}

@test "seccomp: root inside cannot create device nodes" {
	require_root "only root could create device nodes"
	printf '{ "filesystem": { "allowWrite": ["."] } }\n' >"$WORK/w.json"
	run "$FENCE" -s "$WORK/w.json" -- sh -c 'mknod ./blk b 254 0; echo rc=$?'
	assert_output_contains "rc=1"
	[ ! -e "$WORK/blk" ]
}

@test "seccomp: socket families outside unix, inet, inet6 and netlink fail" {
	run "$FENCE" -- /usr/bin/python3 -c '
import socket
for name in ("AF_VSOCK", "AF_PACKET", "AF_ALG", "AF_BLUETOOTH"):
    try:
        socket.socket(getattr(socket, name), socket.SOCK_STREAM if name == "AF_VSOCK" else socket.SOCK_RAW)
        print(name, "created")
    except OSError as e:
        print(name, e.errno)
for name in ("AF_UNIX", "AF_INET", "AF_INET6"):
    socket.socket(getattr(socket, name), socket.SOCK_STREAM)
    print(name, "ok")
socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)
print("AF_NETLINK ok")
'
	assert_status 0
	for name in AF_VSOCK AF_PACKET AF_ALG AF_BLUETOOTH; do
		assert_output_contains "$name 97"
	done
	for name in AF_UNIX AF_INET AF_INET6 AF_NETLINK; do
		assert_output_contains "$name ok"
	done
}
