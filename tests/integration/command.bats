#!/usr/bin/env bats
# Command policy: the preflight check of the command line, the runtime
# exec policy underneath it (path masks, argv supervision), and SSH rules.
# SSH tests never contact a host: a blocked ssh never starts, and an
# allowed one runs a fake ssh from the test's own PATH.

load ../helpers/lib
bats_require_minimum_version 1.5.0

setup() {
	require_userns
	fence_sandbox_home
	mkdir -p "$WORK/bin"
	export PATH="$WORK/bin:$PATH"
}

teardown() {
	fence_sandbox_home_cleanup
}

# Write the project config (fence.json in the working directory).
config() {
	printf '%s\n' "$1" >"$WORK/fence.json"
}

# A program of our own in PATH that says it ran.
make_tool() {
	printf '#!/bin/sh\necho "%s ran $*"\n' "$1" >"$WORK/bin/$1"
	chmod 755 "$WORK/bin/$1"
}

@test "command: a denied sub-command blocks the line before anything starts" {
	config '{"command": {"deny": ["git push"]}}'
	run "$FENCE" -c 'touch started && git push origin main'
	assert_status 126
	assert_output_contains "fence: command 'git push origin main' blocked by command.deny rule 'git push'"
	[ ! -e "$WORK/started" ]
}

@test "command: the argv form is checked too, through sh -c" {
	config '{"command": {"deny": ["git push"]}}'
	run "$FENCE" -- sh -c 'echo x; g\it push'
	assert_status 126
	assert_output_contains "blocked by command.deny rule 'git push'"
}

@test "command: default rules block, with useDefaults false they do not" {
	config '{}'
	run "$FENCE" -- dd if=/dev/zero of=/dev/null count=1
	assert_status 126
	assert_output_contains "fence: command 'dd if=/dev/zero of=/dev/null count=1' blocked by default deny rule 'dd if='"
	config '{"command": {"useDefaults": false}}'
	run "$FENCE" -- dd if=/dev/zero of=/dev/null count=1
	assert_status 0
}

@test "command: allowed commands run, and allow beats deny" {
	config '{"command": {"deny": ["git"], "allow": ["git --version"]}}'
	run "$FENCE" -c 'echo fine && git --version'
	assert_status 0
	assert_output_contains "fine"
	assert_output_contains "git version"
	run "$FENCE" -c 'git status'
	assert_status 126
}

@test "command: a line nested too deep is blocked as uncheckable" {
	config '{}'
	line=true
	for i in $(seq 20); do line="nice $line"; done
	run "$FENCE" -c "$line"
	assert_status 126
	assert_output_contains "cannot be checked"
}

@test "command path mode: a denied binary cannot run from a script" {
	make_tool mytool
	printf '#!/bin/sh\nmytool\necho "status=$?"\n"%s/bin/mytool"\necho "status=$?"\necho after\n' "$WORK" >"$WORK/script.sh"
	chmod 755 "$WORK/script.sh"
	config '{"command": {"deny": ["mytool"]}}'
	run "$FENCE" -- ./script.sh
	assert_status 0
	refute_output_contains "mytool ran"
	assert_output_contains "Permission denied"
	assert_output_contains "after"
	# Without the rule the same script runs the tool.
	config '{}'
	run "$FENCE" -- ./script.sh
	assert_output_contains "mytool ran"
}

@test "command path mode: a denied binary cannot run from a Makefile" {
	command -v make >/dev/null || skip_missing "make is not installed"
	make_tool mytool
	printf 'all:\n\t@echo building\n\tmytool\n' >"$WORK/Makefile"
	config '{"command": {"deny": ["mytool"]}}'
	run "$FENCE" -- make
	assert_status 2
	assert_output_contains "building"
	refute_output_contains "mytool ran"
}

@test "command path mode: a symlink to a denied binary is masked too" {
	make_tool mytool
	ln -s mytool "$WORK/bin/alias-of-tool"
	config '{"command": {"deny": ["mytool"]}}'
	run "$FENCE" -c 'alias-of-tool; echo "status=$?"'
	refute_output_contains "mytool ran"
	assert_output_contains "status=126"
}

@test "command path mode: a binary shared with a critical command warns" {
	make_tool fakebox
	ln "$WORK/bin/fakebox" "$WORK/bin/basename"
	config '{"command": {"deny": ["fakebox"]}}'
	run "$FENCE" -- true
	assert_status 0
	assert_output_contains "fence: warning: masking '$WORK/bin/fakebox' for rule 'fakebox' also blocks basename"
	# Accepted: no mask, so a script can still run it (preflight still blocks 'fakebox').
	printf '#!/bin/sh\nfakebox\n' >"$WORK/call.sh"
	chmod 755 "$WORK/call.sh"
	config '{"command": {"deny": ["fakebox"], "acceptSharedBinaryCannotRuntimeDeny": ["fakebox"]}}'
	run "$FENCE" -- ./call.sh
	assert_status 0
	refute_output_contains "warning"
	assert_output_contains "fakebox ran"
}

@test "command ssh: a host outside allowedHosts is blocked" {
	make_tool ssh
	config '{"ssh": {"allowedHosts": ["*.example.com"]}}'
	run "$FENCE" -- ssh -p 2222 admin@example.org uptime
	assert_status 126
	assert_output_contains "fence: ssh to 'example.org' blocked: not in ssh.allowedHosts"
	refute_output_contains "ssh ran"
}

@test "command ssh: a denied host is blocked even behind sh -c" {
	make_tool ssh
	config '{"ssh": {"allowedHosts": ["*"], "deniedHosts": ["db*.example.com"]}}'
	run "$FENCE" -c 'sh -c "ssh ssh://root@db1.example.com"'
	assert_status 126
	assert_output_contains "blocked by ssh.deniedHosts pattern 'db*.example.com'"
	refute_output_contains "ssh ran"
}

@test "command ssh: allowed host and command reach ssh" {
	make_tool ssh
	config '{"ssh": {"allowedHosts": ["*.example.com"], "allowedCommands": ["uptime", "ls"]}}'
	run "$FENCE" -- ssh -l admin build.example.com uptime
	assert_status 0
	assert_output_contains "ssh ran -l admin build.example.com uptime"
	run "$FENCE" -- ssh build.example.com 'ls; rm -rf /'
	assert_status 126
	assert_output_contains "remote command 'rm -rf /' on 'build.example.com' blocked: not in ssh.allowedCommands"
}

@test "command ssh: inheritDeny applies command.deny remotely" {
	make_tool ssh
	config '{"command": {"deny": ["git push"]}, "ssh": {"allowedHosts": ["*"], "allowAllCommands": true, "inheritDeny": true}}'
	run "$FENCE" -- ssh h.example.com git push
	assert_status 126
	assert_output_contains "(ssh.inheritDeny)"
	run "$FENCE" -- ssh h.example.com git status
	assert_status 0
	assert_output_contains "ssh ran h.example.com git status"
}

# Skip unless the kernel can notify execs (argv mode needs it).
require_exec_notify() {
	printf '{"command": {"runtimeExecPolicy": "argv"}}\n' >"$WORK/fence.json"
	run "$FENCE" -- true
	if [ "$status" -ne 0 ]; then
		case $output in
		*"no seccomp user notification"*) skip_missing "no seccomp user notification" ;;
		esac
	fi
}

@test "command argv mode: os.system(git push) is refused, git --version runs" {
	command -v python3 >/dev/null || skip_missing "python3 is not installed"
	require_exec_notify
	config '{"command": {"deny": ["git push"], "runtimeExecPolicy": "argv"}}'
	printf 'import os\nprint("push", os.system("git push"))\nprint("version", os.system("git --version"))\n' >"$WORK/t.py"
	run "$FENCE" -- python3 -c 'exec(open("t.py").read())'
	assert_status 0
	assert_output_matches '\[fence:linux\] [0-9:]+ .* exec rejected pid=[0-9]+ exec="/[^"]*/git" argv=\["git","push"\] matched="git push" source=command\.deny'
	assert_output_contains "git version"
	assert_output_contains "version 0"
	refute_output_contains "push 0"
}

@test "command argv mode: exec -a cannot disguise a denied command" {
	command -v python3 >/dev/null || skip_missing "python3 is not installed"
	require_exec_notify
	config '{"command": {"deny": ["git push"], "runtimeExecPolicy": "argv"}}'
	printf 'import os, shutil\ntry:\n    os.execv(shutil.which("git"), ["innocent", "push"])\nexcept OSError as e:\n    print("refused", e.errno)\n' >"$WORK/t.py"
	run "$FENCE" -- python3 t.py
	assert_status 0
	assert_output_contains "refused 1"
	assert_output_contains 'argv=["git","push"]'
}

# git-core's git-push used to get past the rule 'git push' in argv mode.
@test "command argv mode: git's dashed git-push program is refused" {
	command -v python3 >/dev/null || skip_missing "python3 is not installed"
	require_exec_notify
	local push
	push="$(git --exec-path)/git-push"
	[ -x "$push" ] || skip "this git has no $push"
	config '{"command": {"deny": ["git push"], "runtimeExecPolicy": "argv"}}'
	printf 'import os\ntry:\n    os.execv("%s", ["git-push", "origin", "HEAD"])\nexcept OSError as e:\n    print("refused", e.errno)\n' "$push" >"$WORK/t.py"
	run "$FENCE" -- python3 t.py
	assert_status 0
	assert_output_contains "refused 1"
	assert_output_contains 'matched="git push"'
}

# git runs push when argv[0] is git-push, whatever file the path names.
@test "command argv mode: git with argv[0] git-push is refused" {
	command -v python3 >/dev/null || skip_missing "python3 is not installed"
	require_exec_notify
	config '{"command": {"deny": ["git push"], "runtimeExecPolicy": "argv"}}'
	printf 'import os, shutil\ntry:\n    os.execv(shutil.which("git"), ["git-push", "origin", "HEAD"])\nexcept OSError as e:\n    print("refused", e.errno)\n' >"$WORK/t.py"
	run "$FENCE" -- python3 t.py
	assert_status 0
	assert_output_contains "refused 1"
	assert_output_contains 'argv=["git-push","origin","HEAD"] matched="git push" source=command.deny'
}

@test "command argv mode: a symlink to git under another name is refused" {
	require_exec_notify
	config '{"command": {"deny": ["git push"], "runtimeExecPolicy": "argv"}}'
	run "$FENCE" -c 'ln -s "$(command -v git)" /tmp/y && cd /tmp && ln -s y z && ./z push origin HEAD; echo "push=$?"; /tmp/y --version'
	assert_output_matches 'exec="\./z" argv=\["git","push","origin","HEAD"\] matched="git push"'
	refute_output_contains "push=0"
	assert_output_contains "git version"
}

@test "command argv mode: exec through /proc/self/fd is refused" {
	command -v python3 >/dev/null || skip_missing "python3 is not installed"
	require_exec_notify
	config '{"command": {"deny": ["git push"], "runtimeExecPolicy": "argv"}}'
	printf 'import os, shutil\nfd = os.open(shutil.which("git"), os.O_PATH)\nfor path in ["/proc/self/fd/%%d" %% fd, "/dev/fd/%%d" %% fd]:\n    pid = os.fork()\n    if pid == 0:\n        try:\n            os.execv(path, ["x", "push", "origin"])\n        except OSError as e:\n            print("refused", path, e.errno, flush=True)\n        os._exit(0)\n    os.waitpid(pid, 0)\n' >"$WORK/t.py"
	run "$FENCE" -- python3 t.py
	assert_status 0
	assert_output_matches 'refused /proc/self/fd/[0-9]+ 1'
	assert_output_matches 'refused /dev/fd/[0-9]+ 1'
	assert_output_matches 'exec="/proc/self/fd/[0-9]+" argv=\["git","push","origin"\] matched="git push"'
}

@test "command argv mode: an allow rule does not cover another name" {
	require_exec_notify
	config '{"command": {"deny": ["git push"], "allow": ["ls"], "runtimeExecPolicy": "argv"}}'
	run "$FENCE" -c 'ln -s "$(command -v git)" /tmp/ls && /tmp/ls push origin HEAD; echo "push=$?"; ls . >/dev/null; echo "ls=$?"'
	assert_output_contains 'matched="git push"'
	refute_output_contains "push=0"
	assert_output_contains "ls=0"
}

@test "command argv mode: default rules apply to every exec" {
	require_exec_notify
	config '{"command": {"runtimeExecPolicy": "argv"}}'
	printf '#!/bin/sh\ndd if=/dev/zero of=/dev/null count=1 2>/dev/null\necho "dd=$?"\nls . >/dev/null\necho "ls=$?"\n' >"$WORK/s.sh"
	chmod 755 "$WORK/s.sh"
	run "$FENCE" -- ./s.sh
	assert_status 0
	assert_output_contains 'matched="dd if=" source=default'
	refute_output_contains "dd=0"
	assert_output_contains "ls=0"
}

@test "command argv mode: an allow rule lets the exec through" {
	require_exec_notify
	config '{"command": {"deny": ["git"], "allow": ["git --version"], "runtimeExecPolicy": "argv"}}'
	printf '#!/bin/sh\ngit --version\ngit status\necho "status=$?"\n' >"$WORK/s.sh"
	chmod 755 "$WORK/s.sh"
	run "$FENCE" -- ./s.sh
	assert_output_contains "git version"
	assert_output_contains 'argv=["git","status"] matched="git" source=command.deny'
	refute_output_contains "status=0"
}

@test "command argv mode: a multithreaded exec is refused" {
	command -v python3 >/dev/null || skip_missing "python3 is not installed"
	require_exec_notify
	config '{"command": {"runtimeExecPolicy": "argv"}}'
	printf 'import os, threading, time\nt = threading.Thread(target=time.sleep, args=(30,), daemon=True)\nt.start()\ntry:\n    os.execv("/bin/true", ["true"])\nexcept OSError as e:\n    print("refused", e.errno)\n' >"$WORK/t.py"
	run "$FENCE" -- python3 t.py
	assert_output_contains "refused 1"
	assert_output_contains "reason=multithreaded"
}

@test "command: git's own git-SUBCOMMAND programs count as git SUBCOMMAND" {
	local exec_path
	exec_path=$(git --exec-path 2>/dev/null) || skip "git is not installed"
	config '{"command": {"deny": ["git push"]}}'
	run "$FENCE" -c "$exec_path/git-push origin HEAD"
	assert_status 126
	assert_output_contains "blocked by command.deny rule 'git push'"
	run "$FENCE" -c "git-push origin HEAD"
	assert_status 126
	# Other git programs still run.
	run "$FENCE" -c "$exec_path/git-version"
	refute_output_contains "blocked"
}
