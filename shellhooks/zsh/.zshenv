# fence's .zshenv: zsh starts with ZDOTDIR pointing at fence's directory,
# so this file runs first.  It puts the user's ZDOTDIR back, so that zsh
# reads the user's .zprofile, .zshrc and .zlogin as usual, sources the
# user's .zshenv, and loads fence's hooks into interactive shells.
if [[ -n ${FENCE_ORIG_ZDOTDIR+x} ]]; then
	ZDOTDIR=$FENCE_ORIG_ZDOTDIR
	unset FENCE_ORIG_ZDOTDIR
else
	unset ZDOTDIR
fi
if [[ -r ${ZDOTDIR-$HOME}/.zshenv ]]; then
	source ${ZDOTDIR-$HOME}/.zshenv
fi
if [[ -o interactive && -r ${FENCE_HOOK_DIR-}/fence.zsh ]]; then
	source $FENCE_HOOK_DIR/fence.zsh
fi
