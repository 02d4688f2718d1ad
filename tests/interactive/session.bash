# Helpers for the session suites: each test gets its own tmux server, its
# own XDG_RUNTIME_DIR and its own session name, and removes only what it
# started.  Load after ../helpers/lib.

session_setup() {
	fence_tmp_home
	require_userns
	command -v tmux >/dev/null || skip_missing "tmux is not installed"
	unset TMUX TMUX_PANE FENCE_PREFIX
	export SHELL=/bin/bash
	export XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run"
	export TMUX_TMPDIR="$BATS_TEST_TMPDIR/tmux"
	mkdir -p -m 0700 "$XDG_RUNTIME_DIR" "$TMUX_TMPDIR"
	TMUX_NAME="fence-test-$BATS_TEST_NUMBER-$$"
	SNAME="t$BATS_TEST_NUMBER"
	SOCK="$XDG_RUNTIME_DIR/fence/$SNAME.sock"
	printf 'set -g remain-on-exit on\nset -g status off\n' >"$BATS_TEST_TMPDIR/tmux.conf"
}

session_teardown() {
	local pid name
	pid=$(session_pid 2>/dev/null)
	pid=${pid:-${SESSION_PID:-}}
	"$FENCE" kill "$SNAME" >/dev/null 2>&1
	if [ -n "$pid" ]; then
		# A test that broke the socket directory cannot use 'fence kill'.
		wait_until 10 pid_gone "$pid" || kill -TERM "$pid" 2>/dev/null
		wait_until 10 pid_gone "$pid" || kill -9 "$pid" 2>/dev/null
	fi
	# Sessions named after the working directory, which a failed test may
	# have left: the runtime directory is this test's own, so all are ours.
	for name in $("$FENCE" ls --json 2>/dev/null | grep -oE '"name": *"[^"]*"' | cut -d'"' -f4); do
		"$FENCE" kill "$name" >/dev/null 2>&1
	done
	tmx kill-server >/dev/null 2>&1
	return 0
}

tmx() {
	tmux -L "$TMUX_NAME" -f "$BATS_TEST_TMPDIR/tmux.conf" "$@"
}

pid_gone() {
	! kill -0 "$1" 2>/dev/null
}

# client_start TARGET COLS ROWS COMMAND...: run a fence client in a new
# tmux session of that size.
client_start() {
	local target=$1 cols=$2 rows=$3
	shift 3
	tmx new-session -d -s "$target" -x "$cols" -y "$rows" "exec $*"
}

screen_of() {
	tmx capture-pane -p -J -t "$1" | sed "s/ *$//"
}

screen_matches() {
	screen_of "$1" | grep -qE -- "$2"
}

# wait_screen TARGET REGEX [SECONDS]: poll the pane until a line matches.
wait_screen() {
	if ! wait_until "${3:-15}" screen_matches "$1" "$2"; then
		echo "timed out waiting for /$2/ on $1; the screen is:" >&2
		screen_of "$1" >&2
		return 1
	fi
}

# type_line TARGET TEXT: type a line and press Enter.
type_line() {
	tmx send-keys -t "$1" -l -- "$2"
	tmx send-keys -t "$1" Enter
}

pane_dead() {
	[ "$(tmx display -p -t "$1" '#{pane_dead}')" = 1 ]
}

# wait_exit TARGET: wait for the client to exit and print its status.
wait_exit() {
	wait_until 15 pane_dead "$1" || { echo "client $1 did not exit" >&2; return 1; }
	# tmux marks the pane dead when its terminal reads EOF, which can come
	# a moment before it has collected the exit status.
	wait_until 5 pane_status_known "$1"
	local st
	st=$(tmx display -p -t "$1" '#{pane_dead_status}')
	# tmux 3.3a sometimes never records it; the client's last line has it.
	# The line may follow what the shell echoed last, without a newline.
	[ -n "$st" ] || st=$(screen_of "$1" | sed -n -e "s/.*\[session '$SNAME' ended with status \([0-9]*\)\]$/\1/p" \
		-e "s/.*\[detached from session '$SNAME'\]$/0/p" \
		-e "s/.*fence: lost the connection to session '$SNAME'$/125/p" | tail -1)
	printf '%s\n' "$st"
}

pane_status_known() {
	[ -n "$(tmx display -p -t "$1" '#{pane_dead_status}#{pane_dead_signal}')" ]
}

# session_pid: the daemon's pid from 'fence ls --json'.
session_pid() {
	"$FENCE" ls --json | tr -d ' \n' | grep -oE "\"name\":\"$SNAME\",\"pid\":[0-9]+" |
		grep -oE '[0-9]+$'
}

# start_shell TARGET COLS ROWS [ARGS...]: start the session and wait for
# its shell to answer.
start_shell() {
	local target=$1 cols=$2 rows=$3
	shift 3
	client_start "$target" "$cols" "$rows" "$FENCE" shell --name "$SNAME" "$@"
	type_line "$target" 'echo ready-$((40+2))'
	wait_screen "$target" '^ready-42$'
	SESSION_PID=$(session_pid)
}

# detach TARGET: prefix then d, and wait for the client to exit with 0.
detach() {
	local st
	tmx send-keys -t "$1" C-] d
	st=$(wait_exit "$1") || return 1
	# tmux 3.3a sometimes never records the status of a pane whose process
	# exited right after closing its terminal; the client's own last line
	# then shows that it detached.
	if [ -z "$st" ] && screen_of "$1" | grep -q "\[detached from session '$SNAME'\]$"; then
		st=0
	fi
	[ "$st" = 0 ] || {
		echo "detach exited '$st', signal '$(tmx display -p -t "$1" '#{pane_dead_signal}')'" >&2
		screen_of "$1" >&2
		return 1
	}
}

# frame HEX_TYPE PAYLOAD: one protocol frame on stdout.
frame() {
	local len=${#2}
	printf "\\x$(printf %02x $((len & 255)))\\x$(printf %02x $((len >> 8 & 255)))\\x00\\x00\\x$1\\x00\\x00\\x00"
	printf '%s' "$2"
}

# All descendants of a pid, from /proc.
descendants() {
	local p c
	for p in "$@"; do
		for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
			echo "$c"
			descendants "$c"
		done
	done
}

# same_screen TARGET EXPECTED: the pane shows exactly EXPECTED (polled).
same_screen() {
	if ! wait_until "${3:-5}" test "$(screen_of "$1")" = "$2"; then
		diff <(printf '%s\n' "$2") <(screen_of "$1") >&2
		return 1
	fi
}

# press_until TARGET KEY REGEX: press KEY until a line matches, for keys
# such as C-z that only act once the job they are meant for is running.
press_until() {
	local i
	for i in $(seq 100); do
		tmx send-keys -t "$1" "$2"
		wait_until 1 screen_matches "$1" "$3" && return 0
	done
	echo "timed out pressing $2 for /$3/ on $1; the screen is:" >&2
	screen_of "$1" >&2
	return 1
}

# pane_text TARGET: the violation pane's columns (right of the separator), one line per row.
pane_text() {
	screen_of "$1" | sed -n 's/.*│//p'
}

pane_matches() {
	pane_text "$1" | grep -qE -- "$2"
}

# wait_pane TARGET REGEX [SECONDS]: poll the violation pane until a line matches.
wait_pane() {
	if ! wait_until "${3:-15}" pane_matches "$1" "$2"; then
		echo "timed out waiting for /$2/ in the pane of $1; the screen is:" >&2
		screen_of "$1" >&2
		return 1
	fi
}
