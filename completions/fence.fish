# fish completion for fence.
#
# Installed as share/fish/vendor_completions.d/fence.fish, or loaded with
#   fence completion fish | source
# Template names and live session names come from the fence being
# completed ('fence completion --list templates|sessions').

# Print the names the fence on the command line lists for $argv[1].
function __fence_names
    set -l bin (commandline -opc)[1]
    test -n "$bin"; or set bin fence
    $bin completion --list $argv[1] 2>/dev/null
end

set -l __fence_subcommands shell attach ls kill violations config import completion templates

# No subcommand yet, and no run flag has been given.
function __fence_needs_first_word
    set -l words (commandline -opc)
    test (count $words) -eq 1
end

complete -c fence -f
complete -c fence -n __fence_needs_first_word -a shell -d 'start a persistent sandboxed shell, or attach to it'
complete -c fence -n __fence_needs_first_word -a attach -d 'attach to a running session'
complete -c fence -n __fence_needs_first_word -a ls -d 'list sessions'
complete -c fence -n __fence_needs_first_word -a kill -d 'end a session'
complete -c fence -n __fence_needs_first_word -a violations -d "print what a session's sandbox blocked"
complete -c fence -n __fence_needs_first_word -a config -d 'create, show or validate a configuration'
complete -c fence -n __fence_needs_first_word -a import -d "convert another tool's settings to a fence configuration"
complete -c fence -n __fence_needs_first_word -a completion -d 'print the shell completion script'
complete -c fence -n __fence_needs_first_word -a templates -d 'list the built-in templates'

# Flags of the one-shot run, before any subcommand or command.
set -l run "not __fish_seen_subcommand_from $__fence_subcommands"
complete -c fence -n $run -s s -l settings -r -F -d 'use a configuration file'
complete -c fence -n $run -s t -l template -x -a '(__fence_names templates)' -d 'use a built-in template'
complete -c fence -n $run -s c -l command -x -d 'run a string with the shell'
complete -c fence -n $run -s m -l monitor -d 'print each blocked request or operation'
complete -c fence -n $run -s d -l debug -d 'print every policy decision'
complete -c fence -n $run -s p -l port -x -d 'expose a port of the sandbox on the host'
complete -c fence -n $run -l shell -x -a 'default user' -d 'shell for -c'
complete -c fence -n $run -l shell-login -d 'run the -c shell as a login shell'
complete -c fence -n $run -l log-file -r -F -d 'write -m and -d lines to a file'
complete -c fence -n $run -l linux-features -d 'print the kernel features fence can use'
complete -c fence -n $run -l list-templates -d 'print the built-in templates'
complete -c fence -n $run -s h -l help -d 'print help'
complete -c fence -n $run -l version -d 'print the version'

# fence shell
set -l sub '__fish_seen_subcommand_from shell'
complete -c fence -n $sub -l name -x -d 'session name'
complete -c fence -n $sub -s t -l template -x -a '(__fence_names templates)' -d 'use a built-in template'
complete -c fence -n $sub -s s -l settings -r -F -d 'use a configuration file'
complete -c fence -n $sub -l shell -x -a 'bash zsh fish' -d 'shell to start'
complete -c fence -n $sub -l no-hooks -d "start the shell without fence's hooks"
complete -c fence -n $sub -s p -l prefix -x -d 'prefix key, such as C-]'
complete -c fence -n $sub -l scrollback -x -d 'scrollback lines kept'
complete -c fence -n $sub -l window-size -x -a 'latest smallest' -d 'which client sets the size'
complete -c fence -n $sub -l pane -x -a 'auto on off tmux' -d 'violation side pane'
complete -c fence -n $sub -l pane-width -x -d 'side pane columns'
complete -c fence -n $sub -l ask -d 'ask in the side pane for hosts no rule covers'
complete -c fence -n $sub -s h -l help -d 'print help'

# fence attach, kill and violations take a live session's name.
set -l sub '__fish_seen_subcommand_from attach kill violations'
complete -c fence -n $sub -a '(__fence_names sessions)' -d session
complete -c fence -n $sub -s h -l help -d 'print help'
complete -c fence -n '__fish_seen_subcommand_from attach' -l readonly -d 'watch without typing or resizing'
complete -c fence -n '__fish_seen_subcommand_from attach' -s p -l prefix -x -d 'prefix key, such as C-]'
complete -c fence -n '__fish_seen_subcommand_from violations' -l follow -d 'keep printing new violations'
complete -c fence -n '__fish_seen_subcommand_from violations' -l json -d 'print JSON Lines'
complete -c fence -n '__fish_seen_subcommand_from violations' -l since -x -d 'only records since a duration ago, @EPOCH or a date'

set -l sub '__fish_seen_subcommand_from ls'
complete -c fence -n $sub -l json -d 'print JSON'
complete -c fence -n $sub -s h -l help -d 'print help'

set -l sub '__fish_seen_subcommand_from config'
complete -c fence -n "$sub; and not __fish_seen_subcommand_from init show validate" -a 'init show validate'
complete -c fence -n $sub -s t -l template -x -a '(__fence_names templates)' -d 'use a built-in template'
complete -c fence -n $sub -s s -l settings -r -F -d 'use a configuration file'
complete -c fence -n $sub -l print -d 'init: write to standard output'
complete -c fence -n $sub -s o -l output -r -F -d 'init: write to this file'
complete -c fence -n $sub -l force -d 'init: replace an existing file'
complete -c fence -n $sub -l profile -x -a macos -d 'show: print the platform sandbox profile'
complete -c fence -n $sub -s h -l help -d 'print help'

set -l sub '__fish_seen_subcommand_from import'
complete -c fence -n $sub -l claude -d 'convert Claude Code settings'
complete -c fence -n $sub -l srt -d 'convert sandbox-runtime settings'
complete -c fence -n $sub -s f -l file -r -F -d 'read this settings file'
complete -c fence -n $sub -s o -l output -r -F -d 'write the configuration to this file'
complete -c fence -n $sub -l save -d 'write the configuration to the user file'
complete -c fence -n $sub -l extend -x -a '(__fence_names templates)' -d 'extend this template or file'
complete -c fence -n $sub -l no-extend -d 'extend nothing'
complete -c fence -n $sub -s h -l help -d 'print help'

set -l sub '__fish_seen_subcommand_from completion'
complete -c fence -n "$sub; and not __fish_seen_subcommand_from bash zsh fish" -a 'bash zsh fish'
complete -c fence -n $sub -l list -x -a 'templates sessions' -d 'print names for the completion scripts'
complete -c fence -n $sub -s h -l help -d 'print help'

complete -c fence -n '__fish_seen_subcommand_from templates' -s h -l help -d 'print help'
