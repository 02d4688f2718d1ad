# fence's hooks for an interactive fish inside a session.
#
# fish loads this file through --init-command, which runs after the user's
# config.fish and conf.d snippets, so the hooks sit on top of the user's
# prompt and plugins:
#   - FENCE_PROMPT_MARKER (default "[fence] ", empty for none) before the
#     prompt;
#   - OSC 133 A/B around the prompt, OSC 633 E (command text) and 133 C
#     before a command line runs, 133 D;STATUS after it, OSC 7 for $PWD;
#   - with FENCE_HOOK_BIN set, '$FENCE_HOOK_BIN hook check --mark -- LINE'
#     from an Enter binding; a refused line prints the checker's one-line
#     reason and its veto mark (OSC 33623) and does not run.
# The check is a convenience: the sandbox enforces every rule underneath.

status is-interactive; or exit 0
set -q __fence_loaded; and exit 0
set -g __fence_loaded 1

# fence started fish with its config and data directories in the sandbox's
# private /tmp (home is read-only under most policies), so fish loaded no
# config of the user's: load it from where it is, before the hooks wrap the
# prompt, and give the commands the user's XDG variables back.
if set -q FENCE_FISH_CONFIG_HOME
    set -l conf $FENCE_FISH_CONFIG_HOME
    test -n "$conf"; or set conf $HOME/.config
    set -l user_functions $conf/fish/functions
    set -l user_completions $conf/fish/completions
    set -g fish_function_path $user_functions $fish_function_path
    set -g fish_complete_path $user_completions $fish_complete_path
    for f in $conf/fish/conf.d/*.fish
        source $f
    end
    test -r $conf/fish/config.fish; and source $conf/fish/config.fish
    for v in CONFIG DATA
        set -l orig FENCE_FISH_"$v"_HOME
        if test -n "$$orig"
            set -gx XDG_"$v"_HOME $$orig
        else
            set -e XDG_"$v"_HOME
        end
        set -e $orig
    end
end
set -gx FENCE_SESSION $FENCE_SESSION
set -g __fence_tty /dev/tty
begin; echo -n >/dev/tty; end 2>/dev/null; or set __fence_tty /dev/stderr
set -g __fence_running 0
set -g __fence_warned 0

function __fence_mark
    for m in $argv
        printf '\e]%s\a' $m
    end >$__fence_tty 2>/dev/null
end

# Print $argv[1] with \, ; and control characters as \xHH.
function __fence_escape
    set -l s (string replace -a -- '\\' '\\\\' $argv[1] | string replace -a -- ';' '\\x3b' | string collect)
    if string match -qr '[[:cntrl:]]' -- $s
        set -l out
        for c in (string split -- '' $s)
            if string match -qr '[[:cntrl:]]' -- $c
                set c (printf '\\x%02x' "'$c")
            end
            set -a out $c
        end
        set s (string join '' -- $out)
    end
    printf '%s' $s
end

# Print $argv[1] with %, spaces and control characters as %XX.
function __fence_url_encode
    set -l s (string replace -a -- '%' '%25' $argv[1] | string replace -a -- ' ' '%20' | string collect)
    if string match -qr '[[:cntrl:]]' -- $s
        set -l out
        for c in (string split -- '' $s)
            if string match -qr '[[:cntrl:]]' -- $c
                set c (printf '%%%02x' "'$c")
            end
            set -a out $c
        end
        set s (string join '' -- $out)
    end
    printf '%s' $s
end

# Whether $argv[1] could match a rule: it names a command a rule starts
# with, or it has quoting or an expansion that could hide one.  Other lines
# skip the check, and its fork.
function __fence_may_match
    test $__fence_words_ok = 1; or return 0
    # One regular expression: a binding that runs long loses keys such as
    # a Ctrl-Z typed right after Enter.
    string match -qr -- $__fence_words_re $argv[1]
end

# Ask fence whether $argv[1] may run.  Returns 1 when the policy refuses
# it, with the checker's reason in __fence_reason, 2 when Ctrl-C ended the
# check, else 0.
function __fence_check
    set -g __fence_reason
    set -q FENCE_HOOK_BIN; and test -n "$FENCE_HOOK_BIN"; or return 0
    __fence_may_match $argv[1]; or return 0
    set -g __fence_reason ($FENCE_HOOK_BIN hook check --mark -- $argv[1] 2>&1)
    set -l rc $status
    test $rc -le 1; and return $rc
    test $rc -eq 130; and return 2
    if test $__fence_warned = 0
        printf 'fence: warning: the command check failed (status %s); commands run unchecked\n' \
            $rc >$__fence_tty
        set -g __fence_warned 1
    end
    return 0
end

# Enter: check a complete command line before running it.  A refused line
# stays on the screen and in the history, the reason follows, then a new
# prompt.
function __fence_enter
    set -l line (commandline | string collect)
    if string match -qr '^\s*$' -- $line; or not commandline --is-valid
        commandline -f execute
        return
    end
    __fence_check $line
    switch $status
        case 0
            commandline -f execute
            return
        case 2
            # Ctrl-C during the check: drop the line as Ctrl-C at the prompt does.
            commandline -f cancel-commandline
            return
    end
    # cancel-commandline leaves the line on the screen and starts a new
    # one; its fish_cancel event prints the reason in between.
    set -g __fence_refused_line $line
    commandline -f cancel-commandline
end

function __fence_on_cancel --on-event fish_cancel
    set -q __fence_refused_line; or return
    printf '%s\n' $__fence_reason
    __fence_mark "633;E;"(__fence_escape $__fence_refused_line) "133;C" "133;D;126"
    set -e __fence_refused_line
end

function __fence_preexec --on-event fish_preexec
    __fence_mark "633;E;"(__fence_escape $argv[1]) "133;C"
    set -g __fence_running 1
end

function __fence_postexec --on-event fish_postexec
    set -l st $status
    if test $__fence_running = 1
        __fence_mark "133;D;$st"
    end
    set -g __fence_running 0
end

# Wrap the prompt function the user's files defined with the marks.
functions -q fish_prompt; and functions -c fish_prompt __fence_orig_fish_prompt
function fish_prompt
    set -l st $status
    set -q FENCE_PROMPT_MARKER; or set -l FENCE_PROMPT_MARKER '[fence] '
    __fence_mark "7;file://"(prompt_hostname)(__fence_url_encode $PWD)
    printf '\e]133;A\a%s' $FENCE_PROMPT_MARKER
    if functions -q __fence_orig_fish_prompt
        __fence_fish_prompt_status $st
        __fence_orig_fish_prompt
    else
        printf '> '
    end
    printf '\e]133;B\a'
end

# Run with $status set to $argv[1], for a prompt that shows the status.
function __fence_fish_prompt_status
    return $argv[1]
end

set -g __fence_words_ok 0
set -g __fence_words_re
if set -q FENCE_HOOK_BIN; and test -n "$FENCE_HOOK_BIN"
    if set -l words ($FENCE_HOOK_BIN hook words 2>/dev/null)
        # Quoting or an expansion could hide a name, so it matches too.
        set -g __fence_words_re (string join '|' -- '[\\\\\'"$`]' (string escape --style=regex -- $words))
        set -g __fence_words_ok 1
    end
    for mode in default insert
        bind -M $mode \r __fence_enter 2>/dev/null
        bind -M $mode \n __fence_enter 2>/dev/null
    end
end
