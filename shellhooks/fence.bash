# fence's hooks for an interactive bash inside a session.
#
# bash loads this file through --rcfile in place of ~/.bashrc, so it first
# sources the user's ~/.bashrc, then layers fence's hooks over whatever the
# user's files set up (prompt themes, PROMPT_COMMAND, DEBUG traps):
#   - FENCE_PROMPT_MARKER (default "[fence] ", empty for none) before PS1;
#   - OSC 133 A/B around the prompt, OSC 633 E (command text) and 133 C
#     before a command line runs, 133 D;STATUS after it, OSC 7 for $PWD;
#   - with FENCE_HOOK_BIN set, '$FENCE_HOOK_BIN hook check --mark -- LINE'
#     before each command line; a refused line prints the checker's
#     one-line reason and its veto mark (OSC 33623) and does not run (a
#     DEBUG trap with extdebug).
# The check is a convenience: the sandbox enforces every rule underneath.

if [[ -z ${FENCE_BASH_NORC-} && -r ~/.bashrc ]]; then
	# shellcheck source=/dev/null
	. ~/.bashrc
fi

if [[ $- == *i* && -z ${__fence_loaded-} ]]; then
__fence_loaded=1

# Where marks and messages go: the terminal, even under a redirection.
__fence_tty=/dev/tty
{ : >/dev/tty; } 2>/dev/null || __fence_tty=/dev/stderr

# prompt: at the prompt, waiting for a line; running: a line was accepted;
# refused: a line was refused and the rest of it is being skipped.
__fence_state=prompt
__fence_histnum=
__fence_ps1=
__fence_warned=

__fence_mark() {
	printf '\e]%s\a' "$@" >"$__fence_tty" 2>/dev/null
}

# Set __fence_escaped to $1 with \, ; and control characters as \xHH.
__fence_escape() {
	local s=$1 out= c i
	s=${s//\\/\\\\}
	s=${s//;/\\x3b}
	if [[ $s == *[[:cntrl:]]* ]]; then
		for ((i = 0; i < ${#s}; i++)); do
			c=${s:i:1}
			[[ $c == [[:cntrl:]] ]] && printf -v c '\\x%02x' "'$c"
			out+=$c
		done
		s=$out
	fi
	__fence_escaped=$s
}

# Set __fence_url_path to $1 with %, spaces and control characters as %XX.
__fence_url_encode() {
	local s=${1//%/%25} out= c i
	s=${s// /%20}
	if [[ $s == *[[:cntrl:]]* ]]; then
		for ((i = 0; i < ${#s}; i++)); do
			c=${s:i:1}
			[[ $c == [[:cntrl:]] ]] && printf -v c '%%%02x' "'$c"
			out+=$c
		done
		s=$out
	fi
	__fence_url_path=$s
}

# Print the number of the newest history entry, or nothing.
__fence_histnum_now() {
	local h
	h=$(HISTTIMEFORMAT= builtin history 1)
	[[ $h =~ ^[[:space:]]*([0-9]+) ]] && printf '%s' "${BASH_REMATCH[1]}"
}

# Set __fence_line to the command line about to run: the newest history
# entry when the line went into history, else the simple command alone.
__fence_read_line() {
	local h
	h=$(HISTTIMEFORMAT= builtin history 1)
	if [[ $h =~ ^[[:space:]]*([0-9]+)\*?[[:space:]]+(.*)$ &&
		${BASH_REMATCH[1]} != "$__fence_histnum" ]]; then
		__fence_line=${BASH_REMATCH[2]}
	else
		__fence_line=$BASH_COMMAND
	fi
}

# Whether $1 could match a rule: it names a command a rule starts with, or
# it has quoting or an expansion that could hide one.  Other lines skip
# the check, and its fork.
__fence_may_match() {
	local w
	[[ -z $__fence_words_ok || $1 == *[\\\'\"\$\`]* ]] && return 0
	for w in "${__fence_words[@]}"; do
		[[ $1 == *"$w"* ]] && return 0
	done
	return 1
}

# Ask fence whether $1 may run.  Returns 1 when the policy refuses it, 2
# when Ctrl-C ended the check, else 0.
__fence_check() {
	local rc
	[[ -n ${FENCE_HOOK_BIN-} ]] || return 0
	__fence_may_match "$1" || return 0
	"$FENCE_HOOK_BIN" hook check --mark -- "$1" 2>"$__fence_tty"
	rc=$?
	[[ $rc -le 1 ]] && return $rc
	[[ $rc == 130 ]] && return 2
	if [[ -z $__fence_warned ]]; then
		printf 'fence: warning: the command check failed (status %s); commands run unchecked\n' \
			"$rc" >"$__fence_tty"
		__fence_warned=1
	fi
	return 0
}

# The first DEBUG trap of a command line: check it and mark its start.
__fence_preexec() {
	local rc
	__fence_read_line
	__fence_escape "$__fence_line"
	__fence_mark "633;E;$__fence_escaped"
	__fence_check "$__fence_line"
	rc=$?
	if [[ $rc != 0 ]]; then
		__fence_state=refused
		__fence_mark "133;C" "133;D;$((rc == 1 ? 126 : 130))"
		# SIGINT abandons the rest of the line, loops included.
		kill -INT $$
		return 1
	fi
	__fence_state=running
	__fence_mark "133;C"
	return 0
}

__fence_debug() {
	local rc=0
	# Completion functions, bind -x handlers and fence's own functions
	# (extdebug traces into functions) are not command lines.
	[[ -n ${COMP_LINE-} || -n ${READLINE_POINT-} || ${FUNCNAME[1]-} == __fence_* ]] && return 0
	case $BASH_COMMAND in
	__fence_precmd*) return 0 ;;
	esac
	if [[ $__fence_state == prompt ]]; then
		__fence_preexec || rc=1
	elif [[ $__fence_state == refused ]]; then
		rc=1
	fi
	if [[ $rc == 0 && -n $__fence_prev_debug ]]; then
		# Give the chained trap the $_ it would have seen.
		: "$1"
		eval "$__fence_prev_debug"
		rc=$?
	fi
	return $rc
}

# First in PROMPT_COMMAND: report how the command line ended.
__fence_precmd() {
	local status=$?
	if [[ $__fence_state == running ]]; then
		__fence_mark "133;D;$status"
	fi
	__fence_state=precmd
	return $status
}

# Last in PROMPT_COMMAND: mark the prompt and wait for the next line.
__fence_prompt() {
	local status=$? marker=${FENCE_PROMPT_MARKER-[fence] }
	__fence_url_encode "$PWD"
	__fence_mark "7;file://${HOSTNAME}${__fence_url_path}"
	if [[ $PS1 != "$__fence_ps1" ]]; then
		__fence_ps1='\[\e]133;A\a\]'$marker$PS1'\[\e]133;B\a\]'
		PS1=$__fence_ps1
	fi
	__fence_install_prompt_command
	__fence_histnum=$(__fence_histnum_now)
	__fence_state=prompt
	return $status
}

# Keep __fence_precmd first and __fence_prompt last in PROMPT_COMMAND, also
# when the user's start-up files or plugins added theirs afterwards.
__fence_install_prompt_command() {
	local pc
	if [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == "declare -a"* ]]; then
		[[ ${PROMPT_COMMAND[0]} == __fence_precmd &&
			${PROMPT_COMMAND[-1]} == __fence_prompt ]] && return
		local -a user=()
		for pc in "${PROMPT_COMMAND[@]}"; do
			[[ $pc == __fence_precmd || $pc == __fence_prompt ]] || user+=("$pc")
		done
		PROMPT_COMMAND=(__fence_precmd "${user[@]}" __fence_prompt)
		return
	fi
	pc=${PROMPT_COMMAND-}
	[[ $pc == __fence_precmd$'\n'*$'\n'__fence_prompt ]] && return
	pc=${pc//__fence_precmd$'\n'/}
	pc=${pc//$'\n'__fence_prompt/}
	PROMPT_COMMAND=__fence_precmd$'\n'$pc$'\n'__fence_prompt
}

# Chain whatever DEBUG trap the user's files set (a prompt theme's, say).
__fence_prev_debug=$(trap -p DEBUG)
__fence_prev_debug=${__fence_prev_debug#trap -- }
__fence_prev_debug=${__fence_prev_debug% DEBUG}
eval "__fence_prev_debug=${__fence_prev_debug:-''}"

export FENCE_SESSION
__fence_install_prompt_command
__fence_words=()
__fence_words_ok=
if [[ -n ${FENCE_HOOK_BIN-} ]]; then
	shopt -s extdebug
	if __fence_words_text=$("$FENCE_HOOK_BIN" hook words 2>/dev/null); then
		[[ -z $__fence_words_text ]] || mapfile -t __fence_words <<<"$__fence_words_text"
		__fence_words_ok=1
	fi
	unset __fence_words_text
fi
trap '__fence_debug "$_"' DEBUG
fi
