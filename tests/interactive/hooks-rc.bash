# The user's start-up files for the shell-hook suites.

# The user's own start-up files: each defines the alias 'greet' and a
# plain prompt '> '.
write_user_rc() {
	cat >"$HOME/.bashrc" <<-'EOF2'
		alias greet='echo hello-from-user-rc'
		PS1='> '
	EOF2
	cat >"$HOME/.zshrc" <<-'EOF2'
		alias greet='echo hello-from-user-rc'
		PS1='> '
	EOF2
	mkdir -p "$HOME/.config/fish"
	cat >"$HOME/.config/fish/config.fish" <<-'EOF2'
		set -g fish_greeting
		alias greet='echo hello-from-user-rc'
		function fish_prompt; printf '> '; end
	EOF2
}
