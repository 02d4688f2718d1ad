#!/usr/bin/env bats
# Completion scripts: 'fence completion', and each script loaded in its own
# shell completing a subcommand, a flag, a template name and a live
# session name.  zsh is driven through tmux because its completion system
# only runs inside the line editor.

load ../helpers/lib

setup() {
	fence_tmp_home
	# A short runtime directory, because socket paths are limited to 108 bytes.
	export XDG_RUNTIME_DIR=$(mktemp -d /tmp/fence-rt.XXXXXX)
	mkdir -m 0700 "$XDG_RUNTIME_DIR/fence"
	# 'fence' on PATH is the binary under test.
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$FENCE" "$BATS_TEST_TMPDIR/bin/fence"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	TMUX_SOCKET=fence-test-$BATS_TEST_NUMBER-$$
}

teardown() {
	tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true
	if [ -n "${SESSION_NAME:-}" ]; then
		"$FENCE" kill "$SESSION_NAME" >/dev/null 2>&1 || true
		tmux -L "$TMUX_SOCKET-session" kill-server 2>/dev/null || true
	fi
	[ -z "${LISTENER_PID:-}" ] || kill "$LISTENER_PID" 2>/dev/null || true
	rm -rf "$XDG_RUNTIME_DIR"
}

# Start a process listening on the socket of session $1, as a daemon would,
# for the listing rules alone (start_session starts a real one).
start_listener() {
	local sock=$XDG_RUNTIME_DIR/fence/$1.sock
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
while True: time.sleep(60)' "$sock" &
	LISTENER_PID=$!
	wait_until 10 test -S "$sock"
}

session_listed() {
	"$FENCE" ls | grep -q -- "$1"
}

# Start a real session named $1 (its client runs in a tmux of its own).
start_session() {
	require_userns
	SESSION_NAME=$1
	tmux -L "$TMUX_SOCKET-session" -f /dev/null new-session -d -x 80 -y 24 \
		"$(printf '%q ' "$FENCE" shell --name "$1")"
	wait_until 20 session_listed "$1"
}

# A socket whose daemon is gone: present but refusing connections.
make_stale_socket() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$XDG_RUNTIME_DIR/fence/$1.sock"
}

# Set TEMPLATE to the first built-in template; skip when there is none.
first_template() {
	TEMPLATE=$("$FENCE" completion --list templates | head -1)
	[ -n "$TEMPLATE" ] || skip "this build has no built-in templates yet"
}

# Run bash completion for the words given (the last is completed).
bash_complete() {
	bash --norc --noprofile -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_fence
		printf "%s\n" "${COMPREPLY[@]}"' bash "$FENCE_SRC/completions/fence.bash" "$@"
}

fish_complete() {
	fish --no-config -c "source $FENCE_SRC/completions/fence.fish; complete -C '$1'"
}

# Start zsh with the completion system and _fence from the source tree.
start_zsh() {
	local zdot=$BATS_TEST_TMPDIR/zdot
	mkdir -p "$zdot"
	cat >"$zdot/.zshrc" <<-EOF2
		fpath=($FENCE_SRC/completions \$fpath)
		autoload -Uz compinit && compinit -u -D
		zstyle ':completion:*' list-rows-first true
		PS1='zsh> '
	EOF2
	tmux -L "$TMUX_SOCKET" -f /dev/null new-session -d -x 150 -y 40 \
		"env ZDOTDIR=$zdot zsh -i"
	wait_for_screen 'zsh>'
}

screen() {
	tmux -L "$TMUX_SOCKET" capture-pane -p
}

# Poll the tmux screen until it matches the regular expression $1.
wait_for_screen() {
	local i
	for ((i = 0; i < ${2:-100}; i++)); do
		[[ $(screen) =~ $1 ]] && return 0
		sleep 0.1
	done
	printf 'screen never matched %s:\n%s\n' "$1" "$(screen)" >&2
	return 1
}

# Type $1 into zsh, press Tab, and wait for the screen to match $2.
zsh_tab() {
	tmux -L "$TMUX_SOCKET" send-keys C-u "$1" Tab
	wait_for_screen "$2"
}

@test "completion: prints each shell's script" {
	run "$FENCE" completion bash
	assert_status 0
	[ "$output" = "$(cat "$FENCE_SRC/completions/fence.bash")" ]
	run "$FENCE" completion zsh
	assert_status 0
	[ "$output" = "$(cat "$FENCE_SRC/completions/_fence")" ]
	run "$FENCE" completion fish
	assert_status 0
	[ "$output" = "$(cat "$FENCE_SRC/completions/fence.fish")" ]
}

@test "completion: unknown shell is an error" {
	run "$FENCE" completion ksh
	assert_status 125
	assert_output_contains "fence: unknown shell 'ksh': expected bash, zsh or fish"
	run "$FENCE" completion
	assert_status 125
	run "$FENCE" completion --list widgets
	assert_status 125
	assert_output_contains "unknown list 'widgets'"
}

@test "completion: lists live sessions, not stale sockets" {
	start_listener alive
	make_stale_socket dead
	run "$FENCE" completion --list sessions
	assert_status 0
	[ "$output" = alive ]
	# The stale socket was removed on the way.
	[ ! -e "$XDG_RUNTIME_DIR/fence/dead.sock" ]
}

@test "completion: every flag of every subcommand is in each script" {
	local sub flag script
	for sub in "" shell attach ls kill violations config import completion templates; do
		for flag in $("$FENCE" $sub --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			for script in fence.bash _fence fence.fish; do
				if [[ $script == fence.fish ]]; then
					grep -qE -- "-l ${flag#--}( |\$)" "$FENCE_SRC/completions/$script" && continue
				else
					grep -qE -- "$flag([] =[\"'},]|\$)" "$FENCE_SRC/completions/$script" && continue
				fi
				echo "flag $flag of 'fence $sub' is missing in completions/$script" >&2
				return 1
			done
		done
	done
}

@test "completion: bash completes subcommands and flags" {
	run bash_complete fence att
	assert_status 0
	[ "$output" = attach ]
	run bash_complete fence shell --no
	[ "$output" = --no-hooks ]
	run bash_complete fence --list-t
	[ "$output" = --list-templates ]
	run bash_complete fence shell --shell z
	[ "$output" = zsh ]
}

@test "completion: bash completes template names" {
	first_template
	local t=$TEMPLATE
	run bash_complete fence -t "${t:0:2}"
	assert_status 0
	assert_output_contains "$t"
	run bash_complete fence shell --template ""
	assert_output_contains "$t"
}

@test "completion: bash completes live session names" {
	start_session work-1
	run bash_complete fence attach ""
	assert_status 0
	[ "$output" = work-1 ]
	run bash_complete fence kill w
	[ "$output" = work-1 ]
}

@test "completion: fish completes subcommands and flags" {
	run fish_complete "fence att"
	assert_status 0
	assert_output_matches '^attach'$'\t''attach to a running session$'
	run fish_complete "fence shell --no"
	assert_output_matches '^--no-hooks'
	run fish_complete "fence violations --f"
	assert_output_matches '^--follow'
}

@test "completion: fish completes template names" {
	first_template
	run fish_complete "fence --template "
	assert_output_contains "$TEMPLATE"
	run fish_complete "fence shell -t "
	assert_output_contains "$TEMPLATE"
}

@test "completion: fish completes live session names" {
	start_session work-2
	run fish_complete "fence attach "
	assert_output_matches '(^|'$'\n'')work-2'
	run fish_complete "fence violations wo"
	assert_output_matches '(^|'$'\n'')work-2'
}

@test "completion: zsh completes subcommands and flags" {
	start_zsh
	zsh_tab "fence att" 'zsh> fence attach$'
	zsh_tab "fence shell --no-h" 'zsh> fence shell --no-hooks$'
	zsh_tab "fence completion f" 'zsh> fence completion fish$'
}

@test "completion: zsh completes template names" {
	first_template
	start_zsh
	zsh_tab "fence --template ${TEMPLATE:0:1}" "$TEMPLATE"
}

@test "completion: zsh completes live session names" {
	start_session work-3
	start_zsh
	zsh_tab "fence attach " 'zsh> fence attach work-3$'
	zsh_tab "fence kill w" 'zsh> fence kill work-3$'
}
