# fence's hooks for an interactive zsh inside a session.
#
# Loaded from fence's .zshenv (zsh starts with ZDOTDIR at fence's
# directory).  The hooks are installed at the first prompt, after the
# user's .zshrc, so that they sit on top of the user's prompt theme and
# plugins (an oh-my-zsh style set-up included):
#   - FENCE_PROMPT_MARKER (default "[fence] ", empty for none) before PS1;
#   - OSC 133 A/B around the prompt, OSC 633 E (command text) and 133 C
#     before a command line runs, 133 D;STATUS after it, OSC 7 for $PWD;
#   - with FENCE_HOOK_BIN set, '$FENCE_HOOK_BIN hook check --mark -- LINE'
#     from the accept-line widget; a refused line prints the checker's
#     one-line reason and its veto mark (OSC 33623) and does not run.
# The check is a convenience: the sandbox enforces every rule underneath.

[[ -n ${__fence_loaded-} ]] && return
typeset -g __fence_loaded=1
typeset -g __fence_tty=/dev/tty
{ : >/dev/tty } 2>/dev/null || __fence_tty=/dev/stderr
# idle: no command line ran since the last prompt; running: one did.
typeset -g __fence_state=idle
typeset -g __fence_ps1=
typeset -g __fence_warned= __fence_reason= __fence_words_ok=
typeset -ga __fence_words
export FENCE_SESSION

__fence_mark() {
	local m
	for m in "$@"; do
		printf '\e]%s\a' "$m"
	done >$__fence_tty 2>/dev/null
}

# Print $1 with \, ; and control characters as \xHH.
__fence_escape() {
	emulate -L zsh
	local s=${1//\\/\\\\} out= c
	s=${s//;/\\x3b}
	if [[ $s == *[[:cntrl:]]* ]]; then
		for c in ${(s::)s}; do
			[[ $c == [[:cntrl:]] ]] && c=$(printf '\\x%02x' "'$c")
			out+=$c
		done
		s=$out
	fi
	print -rn -- $s
}

# Print $1 with %, spaces and control characters as %XX.
__fence_url_encode() {
	emulate -L zsh
	local s=${1//\%/%25} out= c
	s=${s// /%20}
	if [[ $s == *[[:cntrl:]]* ]]; then
		for c in ${(s::)s}; do
			[[ $c == [[:cntrl:]] ]] && c=$(printf '%%%02x' "'$c")
			out+=$c
		done
		s=$out
	fi
	print -rn -- $s
}

# Whether $1 could match a rule: it names a command a rule starts with, or
# it has quoting or an expansion that could hide one.  Other lines skip
# the check, and its fork.
__fence_may_match() {
	emulate -L zsh
	local w
	[[ -z $__fence_words_ok || $1 == *[\\\'\"\$\`]* ]] && return 0
	for w in $__fence_words; do
		[[ $1 == *"$w"* ]] && return 0
	done
	return 1
}

# Ask fence whether $1 may run.  Returns 1 when the policy refuses it, with
# the checker's reason in __fence_reason, 2 when Ctrl-C ended the check,
# else 0.
__fence_check() {
	local rc
	__fence_reason=
	[[ -n ${FENCE_HOOK_BIN-} ]] || return 0
	__fence_may_match "$1" || return 0
	__fence_reason=$($FENCE_HOOK_BIN hook check --mark -- "$1" 2>&1)
	rc=$?
	(( rc <= 1 )) && return rc
	(( rc == 130 )) && return 2
	if [[ -z $__fence_warned ]]; then
		printf 'fence: warning: the command check failed (status %s); commands run unchecked\n' \
			$rc >$__fence_tty
		__fence_warned=1
	fi
	return 0
}

# accept-line: check the line first.  A refused line stays on the screen
# and in the history, the reason follows on the next line, then a new
# prompt.
__fence_accept_line() {
	emulate -L zsh
	local rc=0
	if [[ -n ${BUFFER//[[:space:]]/} && $CONTEXT == start ]]; then
		__fence_check $BUFFER
		rc=$?
	fi
	if (( rc == 1 )); then
		print -s -- $BUFFER
		print -r -- $'\n'$__fence_reason >$__fence_tty
		__fence_mark "633;E;$(__fence_escape $BUFFER)" "133;C" "133;D;126"
		zle .send-break
		return
	elif (( rc == 2 )); then
		# Ctrl-C during the check: drop the line as Ctrl-C at the prompt does.
		zle .send-break
		return
	fi
	zle __fence_orig_accept_line -- "$@"
}

__fence_preexec() {
	__fence_mark "633;E;$(__fence_escape ${1:-$3})" "133;C"
	__fence_state=running
}

# First in precmd_functions: report how the command line ended.
__fence_precmd() {
	local st=$?
	if [[ $__fence_state == running ]]; then
		__fence_mark "133;D;$st"
	fi
	__fence_state=idle
	return st
}

# Put the marks and the marker around PS1, unless they are there already.
# Returns 1 when PS1 was left as it was.
__fence_wrap_ps1() {
	local marker=${FENCE_PROMPT_MARKER-[fence] }
	[[ $PS1 == "$__fence_ps1" ]] && return 1
	# The marker is text, so a % in it must not start a prompt escape.
	__fence_ps1=$'%{\e]133;A\a%}'${marker//\%/%%}$PS1$'%{\e]133;B\a%}'
	PS1=$__fence_ps1
}

# Last in precmd_functions: mark the prompt.
__fence_prompt() {
	__fence_mark "7;file://${HOST}$(__fence_url_encode $PWD)"
	__fence_wrap_ps1
	# Plugins may add precmd functions later; keep the order.
	if [[ ${precmd_functions[1]} != __fence_precmd || ${precmd_functions[-1]} != __fence_prompt ]]; then
		precmd_functions=(__fence_precmd ${precmd_functions:#__fence_(precmd|prompt)} __fence_prompt)
	fi
	return 0
}

# The first prompt: precmd functions that the user's files added after
# fence's ran after __fence_setup and may have rebuilt PS1, so wrap it
# again and redraw it once the line editor starts.
__fence_first_line_init() {
	add-zle-hook-widget -d line-init __fence_first_line_init
	__fence_wrap_ps1 && zle .reset-prompt
}

# Install the hooks once the user's start-up files have run.
__fence_setup() {
	precmd_functions=(__fence_precmd ${precmd_functions:#__fence_setup} __fence_prompt)
	preexec_functions+=(__fence_preexec)
	if [[ -n ${FENCE_HOOK_BIN-} ]]; then
		local words
		if words=$($FENCE_HOOK_BIN hook words 2>/dev/null); then
			__fence_words=(${(f)words})
			__fence_words_ok=1
		fi
		# Chain the accept-line widget that is bound now (a plugin's, say).
		zle -A accept-line __fence_orig_accept_line
		zle -N accept-line __fence_accept_line
	fi
	autoload -Uz add-zle-hook-widget
	add-zle-hook-widget line-init __fence_first_line_init
	__fence_prompt
}

typeset -ga precmd_functions preexec_functions
precmd_functions+=(__fence_setup)
