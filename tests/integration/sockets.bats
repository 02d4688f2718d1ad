#!/usr/bin/env bats
# Host Unix sockets are unreachable from inside unless the config allows
# them.  A read-only bind does not stop connect(), so every check here is
# a real connect() from inside the sandbox, next to one from outside that
# shows the socket does accept connections.

load ../helpers/lib
load ../helpers/fs

setup() {
	require_userns
	fence_sandbox_home
	# Helpers are copied out of the build tree, which may sit below the
	# host's /tmp and so be hidden inside the sandbox, into home, which
	# Landlock lets the sandbox read and execute.
	BIN="$HOME/.local/test-bin"
	mkdir -p "$BIN"
	cp "$FENCE_BUILD/tests/helpers/try-connect" "$FENCE_BUILD/tests/helpers/listen-unix" "$BIN/"
	SERVERS=
	TMUX_SERVERS=
}

teardown() {
	local pid name
	for pid in $SERVERS; do
		kill "$pid" 2>/dev/null || true
	done
	for name in $TMUX_SERVERS; do
		tmux -S "$name" kill-server 2>/dev/null || true
	done
	fence_sandbox_home_cleanup
}

# Start a listening socket at $1 and wait until it accepts connections.
listen_at() {
	mkdir -p "$(dirname "$1")"
	"$BIN/listen-unix" "$1" 3>&- &
	SERVERS="$SERVERS $!"
	wait_until 10 test -S "$1"
	run "$BIN/try-connect" "$1"
	assert_status 0
	[ "$output" = connected ]
}

# connect() to $1 from inside the sandbox with the current config.
connect_inside() {
	fence_sh "'$BIN/try-connect' '$1'"
}

# The sandbox must start and try-connect must report an errno: a sandbox
# that failed to start proves nothing.
assert_unreachable() {
	connect_inside "$1"
	if [ "$status" -ne 1 ] || ! [[ "${lines[-1]}" =~ ^E[A-Z]+$ ]]; then
		printf 'expected connect() to %s to fail inside, got status %s:\n%s\n' \
			"$1" "$status" "$output" >&2
		return 1
	fi
}

assert_reachable() {
	connect_inside "$1"
	assert_status 0
	[ "$output" = connected ]
}

@test "sockets: a socket in cwd is masked" {
	listen_at "$WORK/app.sock"
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	assert_unreachable "$WORK/app.sock"
	assert_output_contains ECONNREFUSED
}

@test "sockets: a socket in home is masked" {
	listen_at "$HOME/.local/share/agent/agent.sock"
	fence_config '{}'
	assert_unreachable "$HOME/.local/share/agent/agent.sock"
}

@test "sockets: allowUnixSockets by path and by directory" {
	listen_at "$WORK/app.sock"
	listen_at "$HOME/sockets/a.sock"
	listen_at "$HOME/other.sock"
	fence_config '{"network": {"allowUnixSockets": ["app.sock", "~/sockets"]}}'
	assert_reachable "$WORK/app.sock"
	assert_reachable "$HOME/sockets/a.sock"
	assert_unreachable "$HOME/other.sock"
}

@test "sockets: an allowed socket is reachable under defaultDenyRead" {
	listen_at "$FENCE_TEST_ROOT/agent/agent.sock"
	listen_at "$FENCE_TEST_ROOT/agent/other.sock"
	fence_config "{\"filesystem\": {\"defaultDenyRead\": true, \"allowRead\": [\"$BIN\"]},
		\"network\": {\"allowUnixSockets\": [\"$FENCE_TEST_ROOT/agent/agent.sock\"]}}"
	assert_reachable "$FENCE_TEST_ROOT/agent/agent.sock"
	assert_unreachable "$FENCE_TEST_ROOT/agent/other.sock"
}

@test "sockets: allowAllUnixSockets reaches every socket" {
	listen_at "$WORK/app.sock"
	listen_at "$HOME/other.sock"
	fence_config '{"network": {"allowAllUnixSockets": true}}'
	assert_reachable "$WORK/app.sock"
	assert_reachable "$HOME/other.sock"
}

@test "sockets: host XDG_RUNTIME_DIR is hidden, the sandbox gets an empty one" {
	local rt="$FENCE_TEST_ROOT/rt"
	mkdir -m 700 "$rt"
	listen_at "$rt/bus"
	listen_at "$rt/systemd/private"
	listen_at "$rt/podman/podman.sock"
	fence_config '{}'
	export XDG_RUNTIME_DIR="$rt"
	for s in "$rt/bus" "$rt/systemd/private" "$rt/podman/podman.sock"; do
		assert_unreachable "$s"
	done
	fence_sh 'echo "$XDG_RUNTIME_DIR"; ls -A "$XDG_RUNTIME_DIR" | wc -l; touch "$XDG_RUNTIME_DIR/mine" && echo writable'
	assert_status 0
	[ "${lines[0]}" != "$rt" ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = writable ]
	[ ! -e "$rt/mine" ]
}

@test "sockets: an allowed socket in XDG_RUNTIME_DIR is bound back" {
	local rt="$FENCE_TEST_ROOT/rt"
	mkdir -m 700 "$rt"
	listen_at "$rt/bus"
	listen_at "$rt/systemd/private"
	export XDG_RUNTIME_DIR="$rt"
	fence_config "{\"network\": {\"allowUnixSockets\": [\"$rt/bus\"]}}"
	assert_reachable "$rt/bus"
	assert_unreachable "$rt/systemd/private"
}

@test "sockets: fence's own directory stays hidden with allowAllUnixSockets" {
	local rt="$FENCE_TEST_ROOT/rt"
	mkdir -m 700 "$rt" "$rt/fence"
	listen_at "$rt/fence/session.sock"
	listen_at "$rt/bus"
	export XDG_RUNTIME_DIR="$rt"
	fence_config '{"network": {"allowAllUnixSockets": true}}'
	assert_unreachable "$rt/fence/session.sock"
	assert_reachable "$rt/bus"
}

@test "sockets: a tmux server in the default socket directory is unreachable" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	local name="fence-test-$$-$BATS_TEST_NUMBER" sock
	unset TMUX_TMPDIR TMUX
	tmux -L "$name" -f /dev/null new-session -d 'sleep 300'
	sock="/tmp/tmux-$(id -u)/$name"
	TMUX_SERVERS="$sock"
	wait_until 10 test -S "$sock"
	fence_config '{}'
	assert_unreachable "$sock"
	fence_sh "tmux -S '$sock' list-sessions"
	assert_failure
	fence_sh "TMUX='$sock,1,0' tmux -L '$name' run-shell 'touch $WORK/escaped'"
	assert_failure
	[ ! -e "$WORK/escaped" ]
}

@test "sockets: a tmux server under TMUX_TMPDIR is unreachable" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	local name="fence-test-$$-$BATS_TEST_NUMBER" sock
	export TMUX_TMPDIR="$FENCE_TEST_ROOT/tmux"
	mkdir -p "$TMUX_TMPDIR"
	tmux -L "$name" -f /dev/null new-session -d 'sleep 300'
	sock="$TMUX_TMPDIR/tmux-$(id -u)/$name"
	TMUX_SERVERS="$sock"
	wait_until 10 test -S "$sock"
	export TMUX="$sock,1,0"
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	assert_unreachable "$sock"
	fence_sh "tmux -S '$sock' run-shell 'touch $WORK/escaped'"
	assert_failure
	[ ! -e "$WORK/escaped" ]
}

@test "sockets: sockets named by DOCKER_HOST, SSH_AUTH_SOCK and DBUS are masked" {
	listen_at "$FENCE_TEST_ROOT/docker/docker.sock"
	listen_at "$FENCE_TEST_ROOT/agent/ssh.sock"
	listen_at "$FENCE_TEST_ROOT/dbus/bus"
	export DOCKER_HOST="unix://$FENCE_TEST_ROOT/docker/docker.sock"
	export SSH_AUTH_SOCK="$FENCE_TEST_ROOT/agent/ssh.sock"
	export DBUS_SESSION_BUS_ADDRESS="unix:path=$FENCE_TEST_ROOT/dbus/bus,guid=0"
	fence_config '{}'
	assert_unreachable "$FENCE_TEST_ROOT/docker/docker.sock"
	assert_unreachable "$FENCE_TEST_ROOT/agent/ssh.sock"
	assert_unreachable "$FENCE_TEST_ROOT/dbus/bus"
}

@test "sockets: a symlink planted under an allowed name unmasks nothing" {
	listen_at "$FENCE_TEST_ROOT/docker/docker.sock"
	ln -s "$FENCE_TEST_ROOT/docker/docker.sock" "$WORK/app.sock"
	fence_config '{"filesystem": {"allowWrite": ["."]}, "network": {"allowUnixSockets": ["app.sock"]}}'
	assert_unreachable "$WORK/app.sock"
	assert_output_contains "symlink '$WORK/app.sock' inside a writable directory points outside it"
	assert_unreachable "$FENCE_TEST_ROOT/docker/docker.sock"
}

@test "sockets: a symlink in cwd to a socket elsewhere is masked" {
	listen_at "$FENCE_TEST_ROOT/srv/db.sock"
	ln -s "$FENCE_TEST_ROOT/srv/db.sock" "$WORK/db.sock"
	fence_config '{}'
	assert_unreachable "$WORK/db.sock"
}

@test "sockets: a socket in an allowRead directory is masked" {
	listen_at "$FENCE_TEST_ROOT/data/db.sock"
	fence_config "{\"filesystem\": {\"defaultDenyRead\": true, \"allowRead\": [\"$FENCE_TEST_ROOT/data\", \"$BIN\"]}}"
	assert_unreachable "$FENCE_TEST_ROOT/data/db.sock"
}

@test "sockets: a socket under /run is masked" {
	require_root "only root can create a socket under /run"
	local sock="/run/fence-test-$$-$BATS_TEST_NUMBER.sock"
	listen_at "$sock"
	fence_config '{}'
	assert_unreachable "$sock"
	rm -f "$sock"
}

@test "sockets: every socket already on the host under /run is unreachable" {
	local sock found=0
	fence_config '{}'
	while IFS= read -r sock; do
		found=1
		assert_unreachable "$sock"
	done < <(find /run /var/run -xdev -type s 2>/dev/null | head -20)
	[ "$found" = 1 ] || skip "no socket under /run on this host"
}

# Create $2 bound, not listening, sockets in directory $1: what a busy
# /tmp holds.  Each file is a socket to hide, whether a server still owns
# it or not.
make_sockets() {
	python3 -c '
import os, socket, sys
os.chdir(sys.argv[1])
for i in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_UNIX)
    s.bind("stale-%05d.sock" % i)
    s.close()
' "$1" "$2"
}

# bwrap takes at most 9000 arguments, also through --args, and a mask per
# socket takes three: such a directory is rebuilt without its sockets.
@test "sockets: a working directory of 10000 sockets starts and hides them" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	make_sockets "$WORK" 10000
	listen_at "$WORK/live.sock"
	echo hello >"$WORK/file.txt"
	mkdir "$WORK/sub"
	listen_at "$WORK/sub/nested.sock"
	fence_config '{}'
	fence_sh 'cat file.txt; ls -A | wc -l; ls -d sub'
	assert_status 0
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = 2 ]
	assert_unreachable "$WORK/live.sock"
	assert_output_contains ENOENT
	assert_unreachable "$WORK/stale-00042.sock"
	assert_unreachable "$WORK/sub/nested.sock"
}

@test "sockets: a writable directory of 10000 sockets keeps its entries writable" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	make_sockets "$WORK" 10000
	listen_at "$WORK/live.sock"
	echo hello >"$WORK/file.txt"
	mkdir "$WORK/sub"
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	fence_sh 'echo more >>file.txt && echo new >sub/new'
	assert_status 0
	assert_output_contains "nothing new can be created directly in it"
	assert_file_content "$WORK/file.txt" "$(printf 'hello\nmore')"
	assert_file_content "$WORK/sub/new" new
	fence_sh 'echo x >top-level-new'
	assert_failure
	[ ! -e "$WORK/top-level-new" ]
	assert_unreachable "$WORK/live.sock"
}

@test "sockets: an allowed socket among 10000 stays reachable" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	make_sockets "$WORK" 10000
	listen_at "$WORK/app.sock"
	listen_at "$WORK/other.sock"
	fence_config '{"network": {"allowUnixSockets": ["app.sock"]}}'
	assert_reachable "$WORK/app.sock"
	assert_unreachable "$WORK/other.sock"
}
