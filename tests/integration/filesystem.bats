#!/usr/bin/env bats
# The filesystem policy seen from inside the sandbox: what each field lets
# a command write, read, execute and list, and what it blocks.

load ../helpers/lib
load ../helpers/fs

setup() {
	require_userns
	fence_sandbox_home
	OUT="$FENCE_TEST_ROOT/outside"
	mkdir -p "$OUT"
	echo host-data >"$OUT/data"
}

teardown() {
	fence_sandbox_home_cleanup
}

@test "filesystem: default config keeps cwd and home read-only" {
	fence_config '{}'
	echo old >"$WORK/file"
	fence_sh 'echo new >file'
	assert_failure
	assert_file_content "$WORK/file" old
	fence_sh 'touch "$HOME/new"'
	assert_failure
	[ ! -e "$HOME/new" ]
}

@test "filesystem: default config still reads cwd, home and system files" {
	fence_config '{}'
	echo in-work >"$WORK/file"
	echo in-home >"$HOME/file"
	fence_sh 'cat file "$HOME/file" && head -c0 /etc/passwd && ls /usr/bin >/dev/null'
	assert_status 0
	[ "$output" = "$(printf 'in-work\nin-home')" ]
}

@test "filesystem: default config executes programs in cwd and home" {
	printf '#!/bin/sh\necho work-tool\n' >"$WORK/tool"
	printf '#!/bin/sh\necho home-tool\n' >"$HOME/tool"
	chmod 755 "$WORK/tool" "$HOME/tool"
	fence_config '{}'
	fence_sh './tool && "$HOME/tool"'
	assert_status 0
	[ "$output" = "$(printf 'work-tool\nhome-tool')" ]
}

@test "filesystem: /tmp is private and writable" {
	fence_config '{}'
	marker="/tmp/fence-host-marker-$$"
	echo host >"$marker"
	fence_sh "test ! -e '$marker' && echo x >/tmp/inside && cat /tmp/inside"
	rm -f "$marker"
	assert_status 0
	[ "$output" = x ]
	[ ! -e /tmp/inside ] || [ "$(cat /tmp/inside)" != x ]
}

@test "filesystem: allowWrite '.' makes cwd writable and nothing else" {
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	fence_sh 'echo new >file && mkdir -p sub/dir && echo deep >sub/dir/f'
	assert_status 0
	assert_file_content "$WORK/file" new
	assert_file_content "$WORK/sub/dir/f" deep
	fence_sh "echo x >'$OUT/data'"
	assert_failure
	assert_file_content "$OUT/data" host-data
}

@test "filesystem: allowWrite relative subdirectory" {
	mkdir -p "$WORK/out"
	fence_config '{"filesystem": {"allowWrite": ["out"]}}'
	fence_sh 'echo a >out/f'
	assert_status 0
	assert_file_content "$WORK/out/f" a
	fence_sh 'echo b >g'
	assert_failure
	[ ! -e "$WORK/g" ]
}

@test "filesystem: allowWrite with ~ and ../ paths" {
	mkdir -p "$HOME/cache"
	fence_config '{"filesystem": {"allowWrite": ["~/cache", "../outside"]}}'
	fence_sh 'echo a >"$HOME/cache/f" && echo b >../outside/g'
	assert_status 0
	assert_file_content "$HOME/cache/f" a
	assert_file_content "$OUT/g" b
}

@test "filesystem: allowWrite paths are readable and executable" {
	mkdir -p "$OUT/bin"
	printf '#!/bin/sh\necho ran\n' >"$OUT/bin/tool"
	chmod 755 "$OUT/bin/tool"
	fence_config "{\"filesystem\": {\"allowWrite\": [\"$OUT\"], \"defaultDenyRead\": true}}"
	fence_sh "cat '$OUT/data' && '$OUT/bin/tool'"
	assert_status 0
	[ "$output" = "$(printf 'host-data\nran')" ]
}

@test "filesystem: allowWrite of a missing path creates nothing" {
	fence_config '{"filesystem": {"allowWrite": ["not-yet"]}}'
	fence_sh 'mkdir not-yet'
	assert_failure
	[ ! -e "$WORK/not-yet" ]
}

@test "filesystem: missing path under a writable parent can be created" {
	fence_config '{"filesystem": {"allowWrite": [".", "not-yet"]}}'
	fence_sh 'mkdir not-yet && echo x >not-yet/f'
	assert_status 0
	assert_file_content "$WORK/not-yet/f" x
}

@test "filesystem: denyWrite turns a writable path read-only" {
	mkdir -p "$WORK/keep"
	echo old >"$WORK/keep/f"
	fence_config '{"filesystem": {"allowWrite": ["."], "denyWrite": ["keep"]}}'
	fence_sh 'echo new >keep/f'
	assert_failure
	fence_sh 'touch keep/g'
	assert_failure
	fence_sh 'rm -rf keep'
	assert_failure
	assert_file_content "$WORK/keep/f" old
	fence_sh 'echo fine >other'
	assert_status 0
	assert_file_content "$WORK/other" fine
}

@test "filesystem: denyWrite file stays readable" {
	echo v1 >"$WORK/.env"
	fence_config '{"filesystem": {"allowWrite": ["."], "denyWrite": ["**/.env"]}}'
	fence_sh 'cat .env; echo v2 >.env'
	assert_failure
	assert_output_contains v1
	assert_file_content "$WORK/.env" v1
}

@test "filesystem: denyRead directory is empty and read-only" {
	mkdir -p "$HOME/.ssh"
	echo key >"$HOME/.ssh/id_ed25519"
	fence_config '{"filesystem": {"denyRead": ["~/.ssh"]}}'
	fence_sh 'ls -A "$HOME/.ssh"'
	assert_status 0
	[ -z "$output" ]
	fence_sh 'cat "$HOME/.ssh/id_ed25519"'
	assert_failure
	refute_output_contains key
	fence_sh 'touch "$HOME/.ssh/new"'
	assert_failure
}

@test "filesystem: denyRead file reads as empty" {
	echo machine example password hunter2 >"$HOME/.netrc"
	fence_config '{"filesystem": {"denyRead": ["~/.netrc"]}}'
	fence_sh 'wc -c <"$HOME/.netrc"; echo x >"$HOME/.netrc"'
	assert_failure
	[ "${lines[0]}" = 0 ]
	refute_output_contains hunter2
}

@test "filesystem: denyRead beats allowWrite and allowRead" {
	mkdir -p "$WORK/private"
	echo secret >"$WORK/private/s"
	fence_config '{"filesystem": {"allowWrite": ["."], "allowRead": ["private"], "denyRead": ["private"]}}'
	fence_sh 'cat private/s'
	assert_failure
	refute_output_contains secret
	fence_sh 'echo x >private/new'
	assert_failure
	[ ! -e "$WORK/private/new" ]
}

@test "filesystem: defaultDenyRead hides home but runs programs" {
	echo in-home >"$HOME/file"
	echo in-work >"$WORK/file"
	fence_config '{"filesystem": {"defaultDenyRead": true}}'
	fence_sh 'cat "$HOME/file"'
	assert_failure
	refute_output_contains in-home
	fence_sh "cat '$WORK/file'"
	assert_failure
	fence_sh 'ls /usr/bin >/dev/null && echo ok'
	assert_status 0
	[ "$output" = ok ]
}

@test "filesystem: defaultDenyRead with allowRead reads and lists only those" {
	echo in-work >"$WORK/file"
	fence_config '{"filesystem": {"defaultDenyRead": true, "allowRead": ["."]}}'
	fence_sh 'cat file && ls'
	assert_status 0
	assert_output_contains in-work
	fence_sh "ls '$OUT'"
	assert_failure
}

@test "filesystem: strictDenyRead drops the readable defaults" {
	fence_config '{"filesystem": {"strictDenyRead": true, "allowRead": ["/usr", "/lib", "/lib64", "/bin", "/etc", "."]}}'
	echo in-work >"$WORK/file"
	fence_sh 'cat file'
	assert_status 0
	[ "$output" = in-work ]
	fence_sh "cat '$OUT/data'"
	assert_failure
	if [ -d /opt ]; then
		fence_sh 'test -e /opt'
		assert_failure
	fi
}

@test "filesystem: allowExecute runs a tool without listing its directory" {
	require_landlock
	mkdir -p "$OUT/bin"
	printf '#!/bin/sh\necho ran\n' >"$OUT/bin/tool"
	chmod 755 "$OUT/bin/tool"
	fence_config "{\"filesystem\": {\"defaultDenyRead\": true, \"allowExecute\": [\"$OUT/bin/tool\"]}}"
	fence_sh "'$OUT/bin/tool'"
	assert_status 0
	[ "$output" = ran ]
	fence_sh "ls '$OUT/bin'"
	assert_failure
}

@test "filesystem: globs expand star, question mark, class and double star" {
	mkdir -p "$WORK/a/b/c"
	for f in x.key a/y.key a/b/c/z.key n1.log n2.log n10.log k.txt keep.txt; do
		echo old >"$WORK/$f"
	done
	fence_config '{"filesystem": {"allowWrite": ["."], "denyWrite": ["**/*.key", "n?.log", "[k].txt"]}}'
	for f in x.key a/y.key a/b/c/z.key n1.log n2.log k.txt; do
		fence_sh "echo new >$f"
		assert_failure
		assert_file_content "$WORK/$f" old
	done
	for f in n10.log keep.txt; do
		fence_sh "echo new >$f"
		assert_status 0
		assert_file_content "$WORK/$f" new
	done
}

@test "filesystem: denyRead glob masks matching files in home" {
	mkdir -p "$HOME/.ssh"
	echo private >"$HOME/.ssh/id_rsa"
	echo public >"$HOME/.ssh/known_hosts"
	fence_config '{"filesystem": {"denyRead": ["~/.ssh/id_*"]}}'
	fence_sh 'cat "$HOME/.ssh/id_rsa"; cat "$HOME/.ssh/known_hosts"'
	refute_output_contains private
	assert_output_contains public
}

@test "filesystem: symlink in a writable dir does not make its target writable" {
	ln -s "$OUT" "$WORK/link"
	fence_config '{"filesystem": {"allowWrite": [".", "./link"]}}'
	fence_sh 'echo x >link/data'
	assert_failure
	assert_output_contains "symlink '$WORK/link' inside a writable directory points outside it"
	assert_file_content "$OUT/data" host-data
}

@test "filesystem: symlink planted in cwd cannot reach a read-only file" {
	ln -s "$OUT/data" "$WORK/planted"
	fence_config '{"filesystem": {"allowWrite": ["."]}}'
	fence_sh 'echo x >planted'
	assert_failure
	assert_file_content "$OUT/data" host-data
}

@test "filesystem: allowWrite '/tmp' keeps /tmp private" {
	marker="/tmp/fence-host-marker-$$"
	echo host >"$marker"
	fence_config '{"filesystem": {"allowWrite": ["/tmp"]}}'
	fence_sh "cat '$marker'"
	rm -f "$marker"
	assert_failure
}

@test "filesystem: empty path in a list is an error" {
	fence_config '{"filesystem": {"denyRead": [""]}}'
	fence_sh 'true'
	assert_status 125
	assert_output_contains "denyRead"
}

@test "filesystem: allowWrite '/' makes a working directory under /tmp writable" {
	local dir
	dir=$(mktemp -d /tmp/fence-test-cwd.XXXXXX)
	mkdir -p "$dir/.git/hooks"
	echo old >"$dir/.bashrc"
	cd "$dir"
	fence_config '{"filesystem": {"allowWrite": ["/"]}}'
	fence_sh 'echo new >file && echo ok'
	local wrote=$status
	fence_sh 'echo bad >>.bashrc'
	local bashrc=$status
	fence_sh 'touch .git/hooks/pre-commit'
	local hook=$status
	local content
	content=$(cat "$dir/file" 2>/dev/null)
	cd "$WORK"
	rm -rf "$dir"
	[ "$wrote" -eq 0 ] && [ "$content" = new ]
	[ "$bashrc" -ne 0 ] && [ "$bashrc" -ne 125 ]
	[ "$hook" -ne 0 ] && [ "$hook" -ne 125 ]
}
