#!/usr/bin/env bats
# The one-shot run: exit statuses, the command line forms, the environment
# seen inside, and the file system the command gets.

load ../helpers/lib
bats_require_minimum_version 1.5.0

setup() {
	require_userns
	fence_sandbox_home
}

teardown() {
	fence_sandbox_home_cleanup
}

@test "run: true exits 0" {
	run "$FENCE" -- true
	assert_status 0
}

@test "run: -c passes the shell's exit status" {
	run "$FENCE" -c 'exit 3'
	assert_status 3
}

@test "run: command arguments reach the command unchanged" {
	run "$FENCE" -- printf '%s|' 'a b' '' '$HOME' "it's"
	assert_status 0
	[ "$output" = "a b||\$HOME|it's|" ]
}

@test "run: death by signal gives 128+N" {
	run "$FENCE" -c 'kill -TERM $$'
	assert_status 143
	run "$FENCE" -c 'kill -KILL $$'
	assert_status 137
}

@test "run: missing command exits 127 with a message" {
	run -127 "$FENCE" -- fence-no-such-command
	assert_status 127
	assert_output_contains "fence: cannot execute 'fence-no-such-command'"
}

@test "run: non-executable file exits 126" {
	printf 'echo hi\n' >"$WORK/script"
	chmod 644 "$WORK/script"
	run "$FENCE" -- "$WORK/script"
	assert_status 126
}

@test "run: FENCE_SANDBOX is set inside" {
	run "$FENCE" -c 'echo "sandbox=$FENCE_SANDBOX"'
	assert_status 0
	assert_output_contains "sandbox=1"
}

@test "run: LD_ variables are stripped, look-alikes kept" {
	LD_PRELOAD=/nonexistent.so LD_LIBRARY_PATH=/nowhere DYLD_X=1 MY_LD_PRELOAD=kept \
		run "$FENCE" -- env
	assert_status 0
	refute_output_contains "LD_PRELOAD=/nonexistent.so"
	refute_output_contains "LD_LIBRARY_PATH="
	refute_output_contains "DYLD_X="
	assert_output_contains "MY_LD_PRELOAD=kept"
}

@test "run: host multiplexer variables are removed" {
	TMUX=/tmp/tmux-0/default,1,0 TMUX_PANE=%1 STY=1.pts-0 run "$FENCE" -- env
	assert_status 0
	refute_output_contains "TMUX="
	refute_output_contains "TMUX_PANE="
	refute_output_contains "STY="
}

@test "run: XDG_RUNTIME_DIR is a fresh private directory" {
	XDG_RUNTIME_DIR=/run/user/12345 run "$FENCE" -c \
		'echo "dir=$XDG_RUNTIME_DIR"; stat -c "%a %U" "$XDG_RUNTIME_DIR"; ls -A "$XDG_RUNTIME_DIR" | wc -l'
	assert_status 0
	assert_output_contains "dir=/tmp/fence/run"
	assert_output_contains "700 $(id -un)"
	[ "${lines[2]}" = 0 ]
}

@test "run: /tmp is private and writable" {
	echo host >"$BATS_TEST_TMPDIR/marker"
	run "$FENCE" -c "test ! -e '$BATS_TEST_TMPDIR/marker' && echo x >/tmp/t && cat /tmp/t"
	assert_status 0
	assert_output_contains "x"
}

@test "run: system directories are read-only" {
	run "$FENCE" -c 'touch /usr/fence-test-file'
	[ "$status" -ne 0 ]
	[ ! -e /usr/fence-test-file ]
}

@test "run: the command runs in the working directory" {
	run "$FENCE" -- pwd
	assert_status 0
	[ "$output" = "$WORK" ]
}

@test "run: --shell user runs \$SHELL, a relative \$SHELL is refused" {
	SHELL=/bin/sh run "$FENCE" --shell user -c 'echo "$0"'
	assert_status 0
	assert_output_contains "/bin/sh"
	SHELL=sh run "$FENCE" --shell user -c 'true'
	assert_status 125
	assert_output_contains "fence: invalid \$SHELL 'sh'"
}

@test "run: --shell user refuses a \$SHELL that is not executable" {
	printf '#!/bin/sh\n' >"$WORK/notashell"
	chmod 644 "$WORK/notashell"
	SHELL="$WORK/notashell" run "$FENCE" --shell user -c 'true'
	assert_status 125
	assert_output_contains "not an executable file"
}

@test "run: --shell-login runs a login shell" {
	run "$FENCE" --shell-login -c 'shopt -q login_shell && echo login'
	assert_status 0
	assert_output_contains "login"
}

@test "run: stdin reaches the command" {
	run bash -c 'printf "line1\nline2\n" | "$FENCE" -- wc -l'
	assert_status 0
	[ "$output" = 2 ]
}

@test "run: /proc/sys is read-only at the mount layer" {
	# Landlock refuses the write too; the mount must hold without it.
	run "$FENCE" -- sh -c 'grep " /proc/sys " /proc/self/mountinfo | cut -d" " -f6'
	assert_status 0
	assert_output_matches '^ro,'
	run "$FENCE" -- sh -c 'echo 0 >/proc/sys/kernel/core_pattern'
	[ "$status" -ne 0 ]
	assert_output_contains "Read-only file system"
}

@test "run: the command gets only its standard streams" {
	# fd 9 is left open by the caller, fd 4 is fence's control socket.
	run --separate-stderr "$FENCE" -- ls /proc/self/fd 9</dev/null
	assert_status 0
	# ls itself holds fd 3 for the directory it lists.
	[ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 " ]
}

@test "run: background processes do not outlive the run" {
	run "$FENCE" -c 'sleep 1000 & echo $!'
	assert_status 0
	# The PID namespace ended with the init, so no sleep 1000 of ours is left.
	! pgrep -u "$(id -u)" -f '^sleep 1000$'
}

@test "run: the network is cut off" {
	# /proc/net/dev lists the interfaces of the reader's network namespace.
	run "$FENCE" -c "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"
	assert_status 0
	[ "$output" = lo ]
}

@test "run: -d shows the bwrap command line" {
	run "$FENCE" -d -- true
	assert_status 0
	assert_output_contains "[fence:linux] '"
	assert_output_contains "'--new-session'"
	assert_output_contains "'--unshare-net'"
	assert_output_contains "'--die-with-parent'"
}

@test "run: git, make and python3 work in a project" {
	command -v git >/dev/null || skip "git is not installed"
	command -v make >/dev/null || skip "make is not installed"
	command -v python3 >/dev/null || skip "python3 is not installed"
	git init -q "$WORK/proj"
	printf 'all:\n\t@echo built\n' >"$WORK/proj/Makefile"
	cd "$WORK/proj"
	run "$FENCE" -t code -- git status --short
	assert_status 0
	assert_output_contains "Makefile"
	run "$FENCE" -t code -- make
	assert_status 0
	assert_output_contains "built"
	run "$FENCE" -t code -- python3 -c 'print(1)'
	assert_status 0
	[ "$output" = 1 ]
}
