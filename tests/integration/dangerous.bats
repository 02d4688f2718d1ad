#!/usr/bin/env bats
# Dangerous paths stay read-only whatever the config says: shell startup
# files, editor and agent configuration, git hooks and git config.  Each
# test checks the host file after the run, not only the exit status.

load ../helpers/lib
load ../helpers/fs

DANGEROUS_FILES=".gitconfig .gitmodules .bashrc .bash_profile .zshrc .zprofile .profile .ripgreprc .mcp.json"

setup() {
	require_userns
	fence_sandbox_home
}

teardown() {
	local pid
	for pid in ${BG_PIDS:-}; do
		kill "$pid" 2>/dev/null || true
	done
	fence_sandbox_home_cleanup
}

# Inside the sandbox: try to append to, remove and rename each file named
# in $1 below directory $2; print one line per attempt that succeeded.
try_modify() {
	local names=$1 dir=$2
	fence_sh "for f in $names; do
		echo new >>'$dir'/\$f 2>/dev/null && echo \"APPENDED \$f\"
		rm -f '$dir'/\$f 2>/dev/null && echo \"REMOVED \$f\"
		mv '$dir'/\$f '$dir'/\$f.moved 2>/dev/null && echo \"RENAMED \$f\"
	done; true"
}

# Create each file named in $1 below $2 with the content "old".
make_files() {
	local f
	for f in $1; do
		echo old >"$2/$f"
	done
}

# Fail unless each file named in $1 below $2 still reads "old".
assert_files_unchanged() {
	local f
	for f in $1; do
		assert_file_content "$2/$f" old
	done
}

@test "dangerous: startup files in cwd stay read-only under allowWrite '.'" {
	make_files "$DANGEROUS_FILES" "$WORK"
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	try_modify "$DANGEROUS_FILES" "$WORK"
	assert_status 0
	refute_output_contains APPENDED
	refute_output_contains REMOVED
	refute_output_contains RENAMED
	assert_files_unchanged "$DANGEROUS_FILES" "$WORK"
}

@test "dangerous: startup files in home stay read-only under allowWrite '~'" {
	make_files "$DANGEROUS_FILES" "$HOME"
	fence_config '{"filesystem": {"allowWrite": ["~"]}}'
	try_modify "$DANGEROUS_FILES" "$HOME"
	assert_status 0
	refute_output_contains APPENDED
	refute_output_contains REMOVED
	refute_output_contains RENAMED
	assert_files_unchanged "$DANGEROUS_FILES" "$HOME"
	fence_sh 'echo ok >"$HOME/notes" && cat "$HOME/notes"'
	assert_status 0
}

@test "dangerous: startup files deep below a writable directory stay read-only" {
	mkdir -p "$WORK/a/b/c/d"
	make_files ".bashrc .mcp.json" "$WORK/a/b/c/d"
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	try_modify ".bashrc .mcp.json" "$WORK/a/b/c/d"
	refute_output_contains APPENDED
	assert_files_unchanged ".bashrc .mcp.json" "$WORK/a/b/c/d"
}

@test "dangerous: a file allowed by name stays read-only" {
	make_files ".zshrc" "$HOME"
	fence_config '{"filesystem": {"allowWrite": ["~/.zshrc"]}}'
	try_modify ".zshrc" "$HOME"
	refute_output_contains APPENDED
	assert_files_unchanged ".zshrc" "$HOME"
}

@test "dangerous: existing editor directories stay read-only" {
	for d in "$WORK" "$HOME"; do
		mkdir -p "$d/.vscode" "$d/.idea"
		echo old >"$d/.vscode/settings.json"
	done
	for allow in '"."' '"~"'; do
		fence_config "{\"filesystem\": {\"allowWrite\": [$allow]}}"
		fence_sh 'for d in "$PWD" "$HOME"; do
			echo new >"$d/.vscode/settings.json" && echo "WROTE $d"
			touch "$d/.vscode/tasks.json" "$d/.idea/workspace.xml" && echo "CREATED $d"
			rm -rf "$d/.vscode" && echo "REMOVED $d"
		done 2>/dev/null; true'
		refute_output_contains WROTE
		refute_output_contains CREATED
		refute_output_contains REMOVED
		assert_file_content "$WORK/.vscode/settings.json" old
		assert_file_content "$HOME/.vscode/settings.json" old
		[ ! -e "$WORK/.vscode/tasks.json" ]
		[ ! -e "$HOME/.idea/workspace.xml" ]
	done
}

@test "dangerous: missing editor directories cannot be created, placeholders go away" {
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	fence_sh 'mkdir -p .vscode && echo x >.vscode/settings.json && echo CREATED; ls -d .idea .vscode'
	refute_output_contains CREATED
	[ ! -e "$WORK/.vscode" ]
	[ ! -e "$WORK/.idea" ]
}

@test "dangerous: git hooks and config stay read-only at any depth" {
	for repo in "$WORK" "$WORK/vendor/lib/sub"; do
		mkdir -p "$repo/.git/hooks"
		echo old >"$repo/.git/config"
	done
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	fence_sh 'for r in . vendor/lib/sub; do
		printf "#!/bin/sh\n" >"$r/.git/hooks/pre-commit" && echo "HOOK $r"
		echo "[core] fsmonitor = evil" >>"$r/.git/config" && echo "CONFIG $r"
		mv "$r/.git/hooks" "$r/.git/hooks.old" && echo "MOVED $r"
	done 2>/dev/null; true'
	refute_output_contains HOOK
	refute_output_contains CONFIG
	refute_output_contains MOVED
	[ ! -e "$WORK/.git/hooks/pre-commit" ]
	assert_file_content "$WORK/.git/config" old
	assert_file_content "$WORK/vendor/lib/sub/.git/config" old
}

@test "dangerous: allowGitConfig makes config writable but not hooks" {
	mkdir -p "$WORK/.git/hooks"
	echo old >"$WORK/.git/config"
	fence_config '{"filesystem": {"allowWrite": ["."], "allowGitConfig": true}}'
	fence_sh 'echo new >>.git/config && echo CONFIG; touch .git/hooks/post-checkout && echo HOOK; true'
	assert_output_contains CONFIG
	refute_output_contains HOOK
	[ "$(tail -1 "$WORK/.git/config")" = new ]
	[ ! -e "$WORK/.git/hooks/post-checkout" ]
}

@test "dangerous: missing .git/hooks cannot be created" {
	mkdir -p "$WORK/.git"
	echo old >"$WORK/.git/config"
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	fence_sh 'mkdir -p .git/hooks; printf "#!/bin/sh\n" >.git/hooks/pre-commit && echo HOOK; true'
	refute_output_contains HOOK
	[ ! -e "$WORK/.git/hooks" ]
}

@test "dangerous: hooks of a worktree's repository stay read-only" {
	command -v git >/dev/null || skip "git is not installed"
	git init -q "$FENCE_TEST_ROOT/repo"
	git -C "$FENCE_TEST_ROOT/repo" -c user.name=t -c user.email=t@example.com \
		commit -q --allow-empty -m init
	git -C "$FENCE_TEST_ROOT/repo" worktree add -q "$FENCE_TEST_ROOT/wt"
	cd "$FENCE_TEST_ROOT/wt"
	fence_config '{"filesystem": {"allowWrite": [".", "../repo"]}}'
	fence_sh 'printf "#!/bin/sh\n" >../repo/.git/hooks/pre-commit && echo HOOK; echo x >../repo/note && echo NOTE; true'
	refute_output_contains HOOK
	assert_output_contains NOTE
	[ ! -e "$FENCE_TEST_ROOT/repo/.git/hooks/pre-commit" ]
}

@test "dangerous: denyRead beats dangerous-path protection" {
	echo secret >"$WORK/.bashrc"
	fence_config '{"filesystem": {"allowWrite": ["."], "denyRead": [".bashrc"]}}'
	fence_sh 'cat .bashrc; echo x >>.bashrc'
	assert_failure
	refute_output_contains secret
	assert_file_content "$WORK/.bashrc" secret
}

@test "dangerous: placeholders of a killed run are removed by the next run" {
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	"$FENCE" -s "$CFG" -- sh -c 'touch started; exec sleep 60' 3>&- &
	local pid=$!
	BG_PIDS=$pid
	wait_until 10 test -e "$WORK/started"
	[ -d "$WORK/.vscode" ]
	kill -KILL "$pid"
	wait "$pid" || true
	[ -d "$WORK/.vscode" ]
	fence_sh 'true'
	assert_status 0
	[ ! -e "$WORK/.vscode" ]
	[ ! -e "$WORK/.idea" ]
}

@test "dangerous: a placeholder stays while another run uses it" {
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	"$FENCE" -s "$CFG" -- sh -c 'touch started
		while [ ! -e go ]; do sleep 0.05; done
		touch .vscode/late && echo LATE-WRITE' >"$FENCE_TEST_ROOT/first.out" 2>&1 3>&- &
	local pid=$!
	BG_PIDS=$pid
	wait_until 10 test -e "$WORK/started"
	fence_sh 'true'
	assert_status 0
	[ -d "$WORK/.vscode" ]
	touch "$WORK/go"
	wait "$pid" || true
	BG_PIDS=
	run cat "$FENCE_TEST_ROOT/first.out"
	refute_output_contains LATE-WRITE
	[ ! -e "$WORK/.vscode" ]
}

# Make a git repository with one commit in directory $1.
make_repo() {
	git init -q "$1"
	git -C "$1" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m init
}

@test "dangerous: renaming or removing .git cannot move the hooks protection away" {
	command -v git >/dev/null || skip "git is not installed"
	make_repo "$WORK"
	run "$FENCE" -t code -c 'mv .git .git-old && mkdir .git && cp -a .git-old/. .git/
		printf "#!/bin/sh\ntouch /tmp/x\n" >.git/hooks/pre-commit && echo HOOK
		mv .git moved && echo MOVED-GIT
		rm -rf .git 2>/dev/null; [ -d .git/hooks ] || echo REMOVED-HOOKS
		mv .git/hooks hooks.old && echo MOVED-HOOKS
		mv .git/config config.old && echo MOVED-CONFIG
		true'
	refute_output_contains HOOK
	refute_output_contains MOVED
	refute_output_contains REMOVED
	[ ! -e "$WORK/.git-old" ]
	[ ! -e "$WORK/.git/hooks/pre-commit" ]
	[ -f "$WORK/.git/config" ]
}

@test "dangerous: git add and commit still work under -t code" {
	command -v git >/dev/null || skip "git is not installed"
	make_repo "$WORK"
	run "$FENCE" -t code -c 'echo hello >file.txt && git add file.txt &&
		git -c user.name=t -c user.email=t@example.com commit -q -m add && echo COMMITTED'
	assert_status 0
	assert_output_contains COMMITTED
	[ "$(git -C "$WORK" log -1 --format=%s)" = add ]
	[ "$(git -C "$WORK" show HEAD:file.txt)" = hello ]
}

@test "dangerous: directories above nested protected paths cannot be renamed" {
	command -v git >/dev/null || skip "git is not installed"
	make_repo "$WORK/sub"
	mkdir -p "$WORK/a/b" "$WORK/ed/.vscode"
	echo old >"$WORK/a/b/.bashrc"
	echo old >"$WORK/ed/.vscode/settings.json"
	run "$FENCE" -t code -c 'for d in sub sub/.git a a/b ed; do
		mv "$d" "$d.moved" 2>/dev/null && echo "MOVED $d"
	done
	mkdir sub/.git/hooks 2>/dev/null; touch sub/.git/hooks/pre-commit && echo HOOK
	echo new >>ed/.vscode/settings.json && echo WROTE
	echo ok >a/b/notes && cat a/b/notes; true'
	refute_output_contains MOVED
	refute_output_contains HOOK
	refute_output_contains WROTE
	assert_output_contains ok
	assert_file_content "$WORK/a/b/.bashrc" old
	assert_file_content "$WORK/ed/.vscode/settings.json" old
	[ ! -e "$WORK/sub/.git/hooks/pre-commit" ]
}

@test "dangerous: git's and fence's own config stay read-only under -t code" {
	mkdir -p "$XDG_CONFIG_HOME/git" "$XDG_CONFIG_HOME/fence" "$XDG_CONFIG_HOME/other"
	echo old >"$XDG_CONFIG_HOME/git/config"
	echo '{}' >"$XDG_CONFIG_HOME/fence/fence.json"
	run "$FENCE" -t code -c 'c=$XDG_CONFIG_HOME
		[ -n "$c" ] || c=$HOME/.config
		cat "$c/git/config" "$c/fence/fence.json"
		echo "[core] fsmonitor = evil" >>"$c/git/config" && echo GIT
		echo "{}" >"$c/fence/fence.json" && echo FENCE
		mv "$c/git" "$c/git.old" && echo MOVED
		echo ok >"$c/other/x" && echo OTHER; true'
	assert_output_contains old
	assert_output_contains OTHER
	refute_output_contains GIT
	refute_output_contains FENCE
	refute_output_contains MOVED
	assert_file_content "$XDG_CONFIG_HOME/git/config" old
	assert_file_content "$XDG_CONFIG_HOME/fence/fence.json" '{}'
}

@test "dangerous: missing git and fence config directories cannot be created" {
	run "$FENCE" -t code -c 'c=$XDG_CONFIG_HOME
		[ -n "$c" ] || c=$HOME/.config
		mkdir -p "$c/git" "$c/fence" 2>/dev/null
		echo "[core] fsmonitor = evil" >"$c/git/config" && echo GIT
		echo "{}" >"$c/fence/fence.json" && echo FENCE; true'
	refute_output_contains GIT
	refute_output_contains FENCE
	[ ! -e "$XDG_CONFIG_HOME/git" ]
	[ ! -e "$XDG_CONFIG_HOME/fence" ]
}

@test "dangerous: without ~/.config, git and fence config cannot be created in a writable home" {
	rm -rf "$HOME/.config"
	unset XDG_CONFIG_HOME
	fence_config '{"filesystem": {"allowWrite": ["~"]}}'
	fence_sh 'mkdir -p "$HOME/.config/git" "$HOME/.config/fence" 2>/dev/null
		echo "[core] fsmonitor = evil" >"$HOME/.config/git/config" && echo GIT
		echo "{}" >"$HOME/.config/fence/fence.json" && echo FENCE
		mv "$HOME/.config" "$HOME/moved" && echo MOVED
		rm -rf "$HOME/.config" 2>/dev/null; [ -d "$HOME/.config/git" ] || echo REMOVED
		true'
	assert_status 0
	refute_output_contains GIT
	refute_output_contains FENCE
	refute_output_contains MOVED
	refute_output_contains REMOVED
	# Nothing fence made stays behind on the host.
	[ ! -e "$HOME/.config" ]
	[ ! -e "$HOME/moved" ]
}

@test "dangerous: a missing XDG_CONFIG_HOME is protected, and what the sandbox adds stays" {
	export XDG_CONFIG_HOME="$HOME/a/b/config"
	fence_config '{"filesystem": {"allowWrite": ["~"]}}'
	fence_sh 'mkdir "$XDG_CONFIG_HOME/git/x" 2>/dev/null && echo GIT
		mkdir "$XDG_CONFIG_HOME/tool" && echo ok >"$XDG_CONFIG_HOME/tool/settings" && echo TOOL'
	assert_status 0
	refute_output_contains GIT
	assert_output_contains TOOL
	assert_file_content "$XDG_CONFIG_HOME/tool/settings" ok
	[ ! -e "$XDG_CONFIG_HOME/git" ]
	[ ! -e "$XDG_CONFIG_HOME/fence" ]
}

@test "dangerous: a writable linked worktree commits, its repository's hooks stay read-only" {
	command -v git >/dev/null || skip "git is not installed"
	make_repo "$FENCE_TEST_ROOT/repo"
	git -C "$FENCE_TEST_ROOT/repo" worktree add -q "$WORK/wt"
	cd "$WORK/wt"
	run "$FENCE" -t code -c 'echo hello >file.txt && git add file.txt &&
		git -c user.name=t -c user.email=t@example.com commit -q -m add && echo COMMITTED
		r=$(git rev-parse --git-common-dir)
		printf "#!/bin/sh\n" >"$r/hooks/pre-commit" && echo HOOK
		echo "[core] fsmonitor = evil" >>"$r/config" && echo CONFIG
		mv "$r/hooks" "$r/hooks.old" && echo MOVED; true'
	assert_status 0
	assert_output_contains COMMITTED
	refute_output_contains HOOK
	refute_output_contains CONFIG
	refute_output_contains MOVED
	[ "$(git -C "$WORK/wt" log -1 --format=%s)" = add ]
	[ ! -e "$FENCE_TEST_ROOT/repo/.git/hooks/pre-commit" ]
	run grep -c fsmonitor "$FENCE_TEST_ROOT/repo/.git/config"
	[ "$output" = 0 ]
}

@test "dangerous: a symlinked startup file cannot be removed or replaced" {
	mkdir -p "$HOME/dotfiles" "$HOME/.cache"
	echo old >"$HOME/dotfiles/bashrc"
	ln -s dotfiles/bashrc "$HOME/.bashrc"
	echo old >"$HOME/notes"
	fence_config '{"filesystem": {"allowWrite": ["~"]}}'
	fence_sh 'echo new >>"$HOME/.bashrc" && echo APPENDED
		rm -f "$HOME/.bashrc" 2>/dev/null; [ -L "$HOME/.bashrc" ] || echo REMOVED
		echo evil >"$HOME/.bashrc.new" && mv -f "$HOME/.bashrc.new" "$HOME/.bashrc" && echo REPLACED
		mv "$HOME/.bashrc" "$HOME/moved" && echo MOVED
		echo more >>"$HOME/notes" && touch "$HOME/.cache/c" && echo OTHERS; true'
	assert_status 0
	refute_output_contains APPENDED
	refute_output_contains REMOVED
	refute_output_contains REPLACED
	refute_output_contains MOVED
	assert_output_contains OTHERS
	assert_output_contains "holds a protected symlink"
	[ "$(readlink "$HOME/.bashrc")" = dotfiles/bashrc ]
	assert_file_content "$HOME/dotfiles/bashrc" old
	assert_file_content "$HOME/notes" "$(printf 'old\nmore')"
	[ -e "$HOME/.cache/c" ]
}

@test "dangerous: a symlinked file in a writable project stays in place" {
	mkdir -p "$WORK/shared"
	echo old >"$WORK/shared/mcp.json"
	ln -s shared/mcp.json "$WORK/.mcp.json"
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	fence_sh 'rm -f .mcp.json 2>/dev/null; [ -L .mcp.json ] || echo REMOVED
		echo x >shared/other && echo OTHER; true'
	refute_output_contains REMOVED
	assert_output_contains OTHER
	[ "$(readlink "$WORK/.mcp.json")" = shared/mcp.json ]
}

# A missing dangerous file cannot be covered without leaving a file in the
# user's directory, so the reference lets the sandbox create it and has
# fence report it (config.md, 5.3).
@test "dangerous: a missing dangerous file the sandbox creates is reported" {
	fence_config '{"filesystem": {"allowWrite": [".", "~"]}}'
	fence_sh 'echo x >.mcp.json; echo y >"$HOME/.bashrc"; echo z >.gitmodules; rm .gitmodules'
	assert_status 0
	assert_output_contains "the sandbox created '$WORK/.mcp.json'"
	assert_output_contains "the sandbox created '$HOME/.bashrc'"
	assert_output_contains "the sandbox created '$WORK/.gitmodules'"
	fence_sh 'echo x >notes.txt'
	assert_status 0
	refute_output_contains "the sandbox created"
}

@test "dangerous: without ~/.cache, fence's registry cache cannot be created in a writable home" {
	rm -rf "$HOME/.cache"
	unset XDG_CACHE_HOME
	fence_config '{"filesystem": {"allowWrite": ["~"]}}'
	fence_sh 'mkdir -p "$HOME/.cache/fence" 2>/dev/null
		echo evil.test >"$HOME/.cache/fence/registries-npm-forged" && echo FORGED; true'
	assert_status 0
	refute_output_contains FORGED
	[ ! -e "$HOME/.cache" ]
}

@test "dangerous: startup files under XDG_CONFIG_HOME stay read-only under code" {
	mkdir -p "$XDG_CONFIG_HOME/fish/conf.d" "$XDG_CONFIG_HOME/systemd/user" \
		"$XDG_CONFIG_HOME/autostart" "$XDG_CONFIG_HOME/environment.d"
	echo '# fish' >"$XDG_CONFIG_HOME/fish/config.fish"
	run "$FENCE" -t code -c '
		for f in fish/config.fish fish/conf.d/x.fish systemd/user/x.service \
			autostart/x.desktop environment.d/x.conf; do
			echo pwn >>"$XDG_CONFIG_HOME/$f" 2>/dev/null && echo "WROTE $f"
		done
		echo fish-vars >"$XDG_CONFIG_HOME/fish/fish_variables" && echo "WROTE fish_variables"
		true'
	assert_status 0
	refute_output_contains "WROTE fish/"
	refute_output_contains "WROTE systemd"
	refute_output_contains "WROTE autostart"
	refute_output_contains "WROTE environment.d"
	# fish's own state next to its code stays writable.
	assert_output_contains "WROTE fish_variables"
	run cat "$XDG_CONFIG_HOME/fish/config.fish"
	assert_output_contains "# fish"
	refute_output_contains "pwn"
}

@test "dangerous: core.hooksPath and included git config stay read-only" {
	git -C "$WORK" init -q
	mkdir -p "$WORK/.husky"
	echo '#!/bin/sh' >"$WORK/.husky/pre-commit"
	echo '[user]' >"$WORK/extra.gitconfig"
	git -C "$WORK" config core.hooksPath .husky
	git -C "$WORK" config include.path ../extra.gitconfig
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	fence_sh 'echo pwn >>.husky/pre-commit && echo WROTE-HOOK
		echo pwn >.husky/post-checkout && echo WROTE-NEW-HOOK
		echo "[core] fsmonitor = x" >>extra.gitconfig && echo WROTE-INCLUDE
		echo ok >other.txt && echo WROTE-OTHER'
	refute_output_contains "WROTE-HOOK"
	refute_output_contains "WROTE-NEW-HOOK"
	refute_output_contains "WROTE-INCLUDE"
	assert_output_contains "WROTE-OTHER"
	run cat "$WORK/extra.gitconfig"
	refute_output_contains "fsmonitor"
}

@test "dangerous: a bare repository's hooks and config stay read-only" {
	git init -q --bare "$WORK/remote.git"
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	fence_sh 'echo "#!/bin/sh" >remote.git/hooks/post-receive && echo WROTE-HOOK
		echo "[core] fsmonitor = x" >>remote.git/config && echo WROTE-CONFIG
		echo ok >remote.git/description && echo WROTE-OTHER'
	refute_output_contains "WROTE-HOOK"
	refute_output_contains "WROTE-CONFIG"
	assert_output_contains "WROTE-OTHER"
	[ ! -e "$WORK/remote.git/hooks/post-receive" ]
}
