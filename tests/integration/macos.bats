#!/usr/bin/env bats
# The macOS layer, as far as it runs anywhere: the Seatbelt profile that
# 'fence config show --profile macos' prints for review.

load ../helpers/lib
bats_require_minimum_version 1.5.0

setup() {
	fence_tmp_home
}

@test "macos: config show --profile macos prints the profile for cwd and home" {
	run --separate-stderr "$FENCE" config show -t code --profile macos
	assert_status 0
	assert_output_contains '(version 1)'
	assert_output_contains '(deny default (with message "fence-config-show"))'
	assert_output_contains "(allow file-write* (subpath \"$WORK\"))"
	assert_output_contains "(deny file-read* (regex #\"^${HOME//./\\.}/\\.aws/.*\$\")"
	assert_output_contains '(allow network-outbound (remote ip "localhost:3128"))'
	assert_output_contains '(allow pseudo-tty)'
	[[ $stderr == *"fence: macOS profile for $WORK"* ]]
}

@test "macos: the printed profile is the same twice" {
	run --separate-stderr "$FENCE" config show -t code-strict --profile macos
	assert_status 0
	first=$output
	run --separate-stderr "$FENCE" config show -t code-strict --profile macos
	[ "$output" = "$first" ]
}

@test "macos: relaxed templates allow the network directly" {
	run --separate-stderr "$FENCE" config show -t code-relaxed --profile macos
	assert_status 0
	assert_output_contains $'\n(allow network*)\n'
	refute_output_contains '(remote ip "localhost:3128")'
}

@test "macos: fixed proxy ports from the config appear in the profile" {
	echo '{"network": {"httpProxyPort": 18080, "socksProxyPort": 11080}}' >fence.json
	run --separate-stderr "$FENCE" config show --profile macos
	assert_status 0
	assert_output_contains '(remote ip "localhost:18080")'
	assert_output_contains '(remote ip "localhost:11080")'
}

@test "macos: single-word deny rules become process-exec denials" {
	echo '{"command": {"deny": ["terraform", "git push", "tools/deploy.sh", "curl *"]}}' >fence.json
	run --separate-stderr "$FENCE" config show --profile macos
	assert_status 0
	local dir
	for dir in /bin /sbin /usr/bin /usr/sbin /usr/local/bin /opt/homebrew/bin /opt/local/bin; do
		assert_output_contains "(deny process-exec (literal \"$dir/terraform\") (with message \"fence-config-show\"))"
	done
	assert_output_contains "(deny process-exec (literal \"$WORK/tools/deploy.sh\") (with message \"fence-config-show\"))"
	# The default deny list's program names are denied too.
	assert_output_contains '(deny process-exec (literal "/sbin/shutdown")'
	assert_output_contains '(deny process-exec (literal "/usr/sbin/nsenter")'
	# Multi-word and pattern rules are checked before the run only.
	refute_output_contains '/git"'
	refute_output_contains '/curl"'
}

@test "macos: exec denials follow PATH and symlinks to the real file" {
	mkdir -p "$WORK/bin" "$WORK/real"
	printf '#!/bin/sh\n' >"$WORK/real/deployer"
	chmod +x "$WORK/real/deployer"
	ln -s ../real/deployer "$WORK/bin/deploy"
	echo '{"command": {"useDefaults": false, "deny": ["deploy"]}}' >fence.json
	PATH="$WORK/bin:$PATH" run --separate-stderr "$FENCE" config show --profile macos
	assert_status 0
	assert_output_contains "(deny process-exec (literal \"$WORK/real/deployer\") (with message \"fence-config-show\"))"
	assert_output_contains '(deny process-exec (literal "/usr/bin/deploy")'
}

@test "macos: useDefaults false and allow rules leave programs runnable" {
	echo '{"command": {"useDefaults": false, "deny": ["git", "sudo"], "allow": ["git status"]}}' >fence.json
	run --separate-stderr "$FENCE" config show --profile macos
	assert_status 0
	assert_output_contains '(literal "/usr/bin/sudo")'
	refute_output_contains '/git"'
	refute_output_contains 'shutdown'
}

@test "macos: every template's profile passes the structure check" {
	local names name
	names=$("$FENCE" templates | awk '{print $1}')
	[ -n "$names" ]
	for name in $names; do
		run --separate-stderr "$FENCE" config show -t "$name" --profile macos
		[ "$status" -eq 0 ] || { echo "template $name: status $status: $stderr" >&2; false; }
		assert_output_contains '(deny default (with message "fence-config-show"))'
		assert_output_contains '; runtime exec denials'
	done
}

@test "macos: an unknown profile is a usage error" {
	run "$FENCE" config show --profile linux
	assert_status 125
	assert_output_contains "fence: unknown profile 'linux': expected 'macos'"
}

@test "macos: a config error stops before the profile" {
	echo '{"network": {' >fence.json
	run --separate-stderr "$FENCE" config show --profile macos
	assert_status 125
	[ -z "$output" ]
}

# Linux-only system headers; a file outside platform/linux/ that needs one
# would break the macOS build.
linux_only_header_pattern='^#[[:space:]]*include[[:space:]]*<(linux/|asm/|sys/(prctl|epoll|signalfd|inotify|timerfd|eventfd|fanotify|sysmacros|capability|personality|auxv|vfs|statfs|sendfile)\.h|pty\.h|seccomp\.h|bpf/|libbpf|mntent\.h|malloc\.h|features\.h|endian\.h|byteswap\.h)'

@test "macos: no Linux-only header outside platform/linux" {
	local dirs=() d
	cd "$FENCE_SRC"
	for d in util policy proxy session pty shellhooks cli platform/macos; do
		[ -d "$d" ] && dirs+=("$d")
	done
	run grep -rnE --include='*.c' --include='*.h' "$linux_only_header_pattern" \
		"${dirs[@]}" platform/platform.h
	[ "$status" -eq 1 ] || { echo "Linux-only headers outside platform/linux:" >&2; echo "$output" >&2; false; }
}

@test "macos: the tree outside platform/linux compiles as for macOS" {
	command -v cc >/dev/null || skip_missing "no C compiler"
	cd "$FENCE_SRC"
	# TODO: cli/run.c hands a macOS run to cli/run-macos.c (checked here),
	# but it and cli/cmd-init.c still use the Linux layer (bwrap, Landlock,
	# seccomp) outside any __linux__ guard, so they are left out until that
	# code is guarded.
	local skip=" cli/run.c cli/cmd-init.c " f failed=0
	local flags="-std=gnu11 -D_GNU_SOURCE -DFENCE_VERSION=\"0\" -I. -I$FENCE_BUILD/gen -U__linux__ -D__APPLE__"
	flags+=" -fsyntax-only -Werror=implicit-function-declaration $(pkg-config --cflags json-c libuv vterm 2>/dev/null)"
	# execmask.c is plain POSIX: the macOS profile resolves exec rules with it.
	for f in util/*.c policy/*.c proxy/*.c session/*.c pty/*.c shellhooks/*.c cli/*.c platform/macos/*.c \
		platform/linux/execmask.c; do
		[ -e "$f" ] || continue
		[[ $skip == *" $f "* ]] && continue
		# shellcheck disable=SC2086
		if ! out=$(cc $flags "$f" 2>&1); then
			printf '%s does not compile for macOS:\n%s\n' "$f" "$out" >&2
			failed=1
		fi
	done
	[ "$failed" -eq 0 ]
}
