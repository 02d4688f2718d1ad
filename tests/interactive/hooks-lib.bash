# Shared set-up for the shell-hook suites: a private HOME whose start-up
# files define an alias and a plain prompt, a policy that denies
# 'git push', and a private tmux server to type into the shell.

load ../helpers/lib
load hooks-rc

hooks_setup() {
	command -v tmux >/dev/null || skip_missing "tmux is not installed"
	fence_tmp_home
	TMUX_COUNT=0
	TMUX_SOCKET=
	HOOK_DIR=$BATS_TEST_TMPDIR/hooks
	RAW=$BATS_TEST_TMPDIR/pty.raw
	mkdir -p "$HOOK_DIR"
	: >"$RAW"

	POLICY=$BATS_TEST_TMPDIR/policy.json
	cat >"$POLICY" <<-'EOF2'
		{ "command": { "deny": ["git push"] } }
	EOF2

	write_user_rc
}

hooks_teardown() {
	[ -z "$TMUX_SOCKET" ] || tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true
}

# Skip unless shell $1 is installed.
require_shell() {
	command -v "$1" >/dev/null || skip_missing "$1 is not installed (make deps installs it)"
}

# Run "$@" in a new tmux server and session of 120x40, and record its raw
# output in $RAW.  Each start gets a new server, so it never races with the
# shutdown of the one before.
tmux_start() {
	local cmd
	TMUX_COUNT=$((TMUX_COUNT + 1))
	TMUX_SOCKET=fence-test-$BATS_TEST_NUMBER-$$-$TMUX_COUNT
	printf -v cmd '%q ' env HOME="$HOME" PATH="$PATH" TERM=xterm-256color "$@"
	tmux -L "$TMUX_SOCKET" -f /dev/null new-session -d -x 120 -y 40 "$cmd"
	tmux -L "$TMUX_SOCKET" pipe-pane -o "cat >>$(printf %q "$RAW")"
}

screen() {
	tmux -L "$TMUX_SOCKET" capture-pane -p -N -S -100 2>&1
}

# Poll the screen until it matches the extended regular expression $1.
wait_for_screen() {
	local i
	for ((i = 0; i < ${2:-150}; i++)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	printf 'screen never matched %s:\n%s\n' "$1" "$(screen)" >&2
	return 1
}

# Type one command line and press Enter.
type_line() {
	tmux -L "$TMUX_SOCKET" send-keys -l -- "$1"
	tmux -L "$TMUX_SOCKET" send-keys Enter
}

# The command timeline of the raw output, one JSON object a line.
timeline() {
	"$FENCE" hook scan <"$RAW"
}

# Poll the timeline until it has a line matching $1.
wait_for_timeline() {
	local i
	for ((i = 0; i < ${2:-150}; i++)); do
		timeline | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	printf 'timeline never matched %s:\n%s\nscreen:\n%s\n' "$1" "$(timeline)" "$(screen)" >&2
	return 1
}
