#!/usr/bin/env bats
# The shell hooks of bash, zsh and fish, started the way a session starts
# them ('fence hook exec' writes the embedded files and runs the shell with
# the same arguments and environment) but outside a sandbox, driven
# through tmux.  hooks-session.bats runs the same behaviour in real
# sessions.

load hooks-lib

setup() {
	hooks_setup
}

teardown() {
	hooks_teardown
}

# Start shell $1 with hooks, command check and the test policy.
start_hooked() {
	require_shell "$1"
	tmux_start "$FENCE" hook exec --shell "$1" --check --policy "$POLICY" "${@:2}" "$HOOK_DIR"
	wait_for_screen '^\[fence\] > '
}

# The behaviour every shell must show, in one session of shell $1.
check_shell() {
	start_hooked "$1"

	# The user's rc file still takes effect.
	type_line "greet"
	wait_for_screen '^hello-from-user-rc'

	# An allowed command runs and its status is recorded.
	type_line "touch allowed-$1"
	wait_until 10 test -e "$WORK/allowed-$1"
	wait_for_timeline '"command":"touch allowed-'"$1"'","cwd":"'"$WORK"'".*"status":0'

	# A refused line prints the reason and runs no part of itself.
	type_line "touch refused-$1; git push origin main"
	wait_for_screen "^fence: .*'git push.*not run"
	wait_for_timeline '"command":"touch refused-'"$1"'; git push origin main".*"status":126'
	[ ! -e "$WORK/refused-$1" ]

	# Exit statuses reach the timeline, and so does the working directory.
	mkdir "$WORK/sub dir"
	type_line "cd 'sub dir'"
	type_line "sh -c 'exit 3'"
	wait_for_timeline '"command":"sh -c .exit 3.","cwd":"'"$WORK"'/sub dir".*"status":3'
	wait_for_screen '^\[fence\] > $'
}

@test "hooks: bash marks, checks and keeps the user's rc" {
	check_shell bash
}

@test "hooks: zsh marks, checks and keeps the user's rc" {
	check_shell zsh
}

@test "hooks: fish marks, checks and keeps the user's rc" {
	check_shell fish
}

@test "hooks: FENCE_SESSION is set in each shell" {
	local sh
	for sh in bash zsh fish; do
		command -v "$sh" >/dev/null || continue
		hooks_teardown
		tmux_start env FENCE_SESSION=proj-1 "$FENCE" hook exec --shell "$sh" "$HOOK_DIR"
		wait_for_screen '^\[fence\] > '
		type_line 'echo "session=$FENCE_SESSION"'
		wait_for_screen '^session=proj-1$'
	done
}

@test "hooks: prompt marker is configurable and can be off" {
	local sh
	for sh in bash zsh fish; do
		command -v "$sh" >/dev/null || continue
		hooks_teardown
		tmux_start "$FENCE" hook exec --shell "$sh" --marker '(sandbox %) ' "$HOOK_DIR"
		wait_for_screen '^\(sandbox %\) > '
		hooks_teardown
		tmux_start "$FENCE" hook exec --shell "$sh" --marker '' "$HOOK_DIR"
		type_line 'echo marker-off'
		wait_for_screen '^marker-off$'
		wait_for_screen '^> '
		! screen | grep -q 'fence\]'
	done
}

@test "hooks: --no-hooks starts the plain shell" {
	local sh
	for sh in bash zsh fish; do
		command -v "$sh" >/dev/null || continue
		hooks_teardown
		: >"$RAW"
		tmux_start "$FENCE" hook exec --shell "$sh" --no-hooks --check --policy "$POLICY" "$HOOK_DIR"
		wait_for_screen '^> '
		type_line "greet; git push 2>/dev/null; echo plain-$sh"
		wait_for_screen "^plain-$sh\$"
		! screen | grep -q 'fence'
		[ -z "$(timeline)" ]
	done
}

@test "hooks: a failing check lets commands run, with one warning" {
	require_shell bash
	tmux_start "$FENCE" hook exec --shell bash --check --policy "$POLICY" "$HOOK_DIR"
	wait_for_screen '^\[fence\] > '
	rm -f "$HOOK_DIR/policy.json"
	echo '{ "command": ' >"$HOOK_DIR/policy.json"
	type_line "echo git >one"
	type_line "echo git >two"
	wait_until 10 test -e "$WORK/two"
	[ "$(screen | grep -c 'commands run unchecked')" -eq 1 ]
}

@test "hooks: zsh reads the user's ZDOTDIR" {
	require_shell zsh
	mkdir -p "$HOME/zdot"
	echo "alias greet='echo hello-from-zdotdir'; PS1='z> '" >"$HOME/zdot/.zshrc"
	tmux_start env ZDOTDIR="$HOME/zdot" "$FENCE" hook exec --shell zsh "$HOOK_DIR"
	wait_for_screen '^\[fence\] z> '
	type_line 'greet; echo "zdotdir=$ZDOTDIR"'
	wait_for_screen '^hello-from-zdotdir$'
	wait_for_screen "^zdotdir=$HOME/zdot\$"
}

@test "hooks: the shell is chosen from --shell, then \$SHELL" {
	require_shell zsh
	tmux_start env SHELL=/usr/bin/zsh "$FENCE" hook exec "$HOOK_DIR"
	wait_for_screen '^\[fence\] > '
	type_line 'echo "zsh=$ZSH_VERSION"'
	wait_for_screen '^zsh=[0-9]'
	hooks_teardown
	tmux_start env SHELL=/bin/sh "$FENCE" hook exec "$HOOK_DIR"
	wait_for_screen '^\[fence\] > '
	type_line 'echo "bash=$BASH_VERSION"'
	wait_for_screen '^bash=[0-9]'
	run "$FENCE" hook exec --shell ksh "$HOOK_DIR"
	assert_status 125
	assert_output_contains "invalid --shell 'ksh': expected bash, zsh or fish"
}

# Start-up files in the style of a prompt theme (starship, oh-my-zsh): a
# prompt rebuilt before each prompt, a pre-command hook, and for zsh an
# accept-line widget of the theme's own.
write_theme_rc() {
	cat >"$HOME/.bashrc" <<-'EOF2'
		__theme_precmd() { PS1="theme[$?]> "; }
		PROMPT_COMMAND=__theme_precmd
		__theme_preexec() {
			[[ $BASH_COMMAND == __theme_* ]] || printf '%s\n' "$BASH_COMMAND" >>~/preexec.log
		}
		trap '__theme_preexec' DEBUG
	EOF2
	cat >"$HOME/.zshrc" <<-'EOF2'
		setopt prompt_percent
		autoload -Uz add-zsh-hook
		__theme_precmd() { PROMPT='theme[%?]> '; }
		add-zsh-hook precmd __theme_precmd
		__theme_preexec() { print -r -- "$1" >>~/preexec.log; }
		add-zsh-hook preexec __theme_preexec
		__theme_accept() { print -r -- "$BUFFER" >>~/accept.log; zle .accept-line; }
		zle -N accept-line __theme_accept
	EOF2
	cat >"$HOME/.config/fish/config.fish" <<-'EOF2'
		set -g fish_greeting
		function fish_prompt; printf 'theme[%s]> ' $status; end
		function __theme_preexec --on-event fish_preexec
			echo $argv[1] >>~/preexec.log
		end
	EOF2
}

@test "hooks: prompt themes and their hooks keep working" {
	local sh
	write_theme_rc
	for sh in bash zsh fish; do
		command -v "$sh" >/dev/null || continue
		hooks_teardown
		echo "# shell: $sh" >&2
		rm -f "$HOME/preexec.log" "$HOME/accept.log"
		tmux_start "$FENCE" hook exec --shell "$sh" --check --policy "$POLICY" "$HOOK_DIR"
		wait_for_screen '^\[fence\] theme\[0\]> '
		type_line "false"
		wait_for_screen '^\[fence\] theme\[1\]> '
		type_line "echo theme-$sh"
		wait_for_screen "^theme-$sh\$"
		grep -q "^echo theme-$sh\$" "$HOME/preexec.log"
		type_line "touch refused-$sh; git push"
		wait_for_screen "^fence: .*'git push.*not run"
		[ ! -e "$WORK/refused-$sh" ]
		! grep -q "refused-$sh" "$HOME/preexec.log"
		if [ "$sh" = zsh ]; then
			grep -q "^echo theme-zsh\$" "$HOME/accept.log"
		fi
	done
}

@test "hooks: lines no rule names run without a check" {
	local sh
	for sh in bash zsh fish; do
		command -v "$sh" >/dev/null || continue
		hooks_teardown
		tmux_start "$FENCE" hook exec --shell "$sh" --check --policy "$POLICY" "$HOOK_DIR"
		wait_for_screen '^\[fence\] > '
		# Broken policy: a line that is checked warns, one that is not does not.
		rm -f "$HOOK_DIR/policy.json"
		echo '[' >"$HOOK_DIR/policy.json"
		type_line "echo unchecked-$sh"
		wait_for_screen "^unchecked-$sh\$"
		! screen | grep -q 'commands run unchecked'
		type_line "echo 'quoted'"
		wait_for_screen 'commands run unchecked'
	done
}

@test "hooks: Ctrl-Z stops a job under the hooks" {
	local sh
	for sh in bash zsh fish; do
		command -v "$sh" >/dev/null || continue
		hooks_teardown
		tmux_start "$FENCE" hook exec --shell "$sh" --check --policy "$POLICY" "$HOOK_DIR"
		wait_for_screen '^\[fence\] > '
		type_line "sleep 100"
		# NOTE: a Ctrl-Z typed in the instant between Enter and the start of
		# the job is lost (bash forks once to read the line from the
		# history, fish runs its Enter binding and preexec handlers), which
		# a loaded machine stretches, so the key waits for the job.
		wait_for_timeline '"command":"sleep 100"'
		tmux -L "$TMUX_SOCKET" send-keys C-z
		wait_for_screen 'Stopped|suspended|has stopped'
	done
}
