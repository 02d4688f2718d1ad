# bash completion for fence                                -*- shell-script -*-
#
# Installed as share/bash-completion/completions/fence, or loaded with
#   source <(fence completion bash)
# Template names and live session names come from the fence being
# completed ('fence completion --list templates|sessions'), so they match
# the installed version.

# Print the names fence lists for `kind` (templates or sessions).
_fence_names()
{
	"$_fence_bin" completion --list "$1" 2>/dev/null
}

# Add the words of $1 that start with $cur to COMPREPLY.
_fence_add()
{
	local IFS=$' \t\n'
	COMPREPLY+=($(compgen -W "$1" -- "$cur"))
}

# Complete file names, preferring JSON configuration files and directories.
_fence_config_files()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY+=($(compgen -f -X '!*.json' -- "$cur") $(compgen -f -X '!*.jsonc' -- "$cur")
		$(compgen -d -- "$cur"))
}

_fence_files()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY+=($(compgen -f -- "$cur"))
}

# Complete the value of option $1; returns 1 when $1 takes no value.
_fence_option_value()
{
	case $1 in
	-s | --settings) _fence_config_files ;;
	-t | --template) _fence_add "$(_fence_names templates)" ;;
	--log-file | -o | --output | -f | --file) _fence_files ;;
	--extend) _fence_add "$(_fence_names templates)" ;;
	--profile) _fence_add "macos" ;;
	--shell)
		if [[ $_fence_sub == shell ]]; then
			_fence_add "bash zsh fish"
		else
			_fence_add "default user"
		fi
		;;
	--window-size) _fence_add "latest smallest" ;;
	--pane) _fence_add "auto on off tmux" ;;
	--name | -p | --port | -c | --command | --prefix | --scrollback | --pane-width) ;;
	*) return 1 ;;
	esac
	return 0
}

_fence()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local _fence_bin=${COMP_WORDS[0]} _fence_sub= i
	local subcommands="shell attach ls kill violations config import completion templates"
	local run_flags="--settings --template --command --monitor --debug --port --shell
		--shell-login --log-file --linux-features --list-templates --help --version"
	COMPREPLY=()
	_fence_bin=${_fence_bin/#\~/$HOME}

	if [[ $COMP_CWORD -gt 1 && " $subcommands " == *" ${COMP_WORDS[1]} "* ]]; then
		_fence_sub=${COMP_WORDS[1]}
	fi
	_fence_option_value "$prev" && return

	case $_fence_sub in
	shell)
		_fence_add "--name --template --settings --shell --no-hooks --prefix --scrollback
			--window-size --pane --pane-width --ask --help"
		;;
	attach)
		if [[ $cur == -* ]]; then
			_fence_add "--readonly --prefix --help"
		else
			_fence_add "$(_fence_names sessions)"
		fi
		;;
	kill)
		if [[ $cur == -* ]]; then
			_fence_add "--help"
		else
			_fence_add "$(_fence_names sessions)"
		fi
		;;
	violations)
		if [[ $cur == -* ]]; then
			_fence_add "--follow --json --since --help"
		else
			_fence_add "$(_fence_names sessions)"
		fi
		;;
	ls) _fence_add "--json --help" ;;
	config)
		if [[ $COMP_CWORD -eq 2 ]]; then
			_fence_add "init show validate"
		else
			_fence_add "--settings --template --print --output --force --profile --help"
		fi
		;;
	import) _fence_add "--claude --srt --file --output --save --extend --no-extend --help" ;;
	completion)
		if [[ $prev == --list ]]; then
			_fence_add "templates sessions"
		elif [[ $COMP_CWORD -eq 2 ]]; then
			_fence_add "bash zsh fish --list --help"
		fi
		;;
	templates) _fence_add "--help" ;;
	*)
		# The one-shot run: flags, then a command with its own arguments.
		for ((i = 1; i < COMP_CWORD; i++)); do
			case ${COMP_WORDS[i]} in
			--) break ;;
			-s | --settings | -t | --template | --log-file | -p | --port | -c | --command | --shell)
				((i++)) ;;
			-*) ;;
			*) break ;;
			esac
		done
		if [[ $i -lt $COMP_CWORD ]]; then
			[[ ${COMP_WORDS[i]} == -- ]] && ((i++))
			if [[ $i -lt $COMP_CWORD ]] && declare -F _command_offset >/dev/null; then
				_command_offset "$i"
			elif [[ $i -lt $COMP_CWORD ]]; then
				_fence_files
			else
				compopt -o filenames 2>/dev/null
				COMPREPLY=($(compgen -c -- "$cur"))
			fi
		elif [[ $cur == -* ]]; then
			_fence_add "$run_flags"
		else
			[[ $COMP_CWORD -eq 1 ]] && _fence_add "$subcommands"
			# A first word that is no subcommand is a program to run.
			if [[ ${#COMPREPLY[@]} -eq 0 ]]; then
				compopt -o filenames 2>/dev/null
				COMPREPLY=($(compgen -c -- "$cur"))
			fi
		fi
		;;
	esac
}
complete -F _fence fence
