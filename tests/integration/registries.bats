#!/usr/bin/env bats
# Package registry discovery: each tool in allowPackageRegistries is asked,
# in a sandbox, which registry it uses.  The tools here are small scripts on
# PATH that print what a configured npm, pip or go would print.

load ../helpers/lib
bats_require_minimum_version 1.5.0

setup() {
	fence_tmp_home
	BIN="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$BIN"
	export PATH="$BIN:$PATH"
	SERVER=
}

# Stop the test's loopback server, also when an assertion failed first.
teardown() {
	[ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true
}

# Write an executable script named $1 into $BIN with the body on stdin.
fake_tool() {
	{ echo '#!/bin/sh'; cat; } >"$BIN/$1"
	chmod +x "$BIN/$1"
}

# A project file that allows the registries of the tools given as arguments.
allow_registries() {
	local list
	list=$(printf '"%s",' "$@")
	printf '{"network": {"allowPackageRegistries": [%s]}}\n' "${list%,}" >fence.json
}

@test "registries: npm's configured registry host is allowed" {
	require_userns
	fake_tool npm <<'EOF2'
[ "$*" = "config get registry" ] || exit 9
echo "https://npm.mirror.test:8443/repository/npm/"
EOF2
	allow_registries npm
	run --separate-stderr "$FENCE" config show
	assert_status 0
	assert_output_contains '"npm.mirror.test:8443"'
	[[ "$stderr" != *warning* ]]
}

@test "registries: the query runs without write access or network" {
	require_userns
	# A listener on the host's loopback that the query must not reach.
	python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
while True:
    s.accept()[0].close()
' >"$BATS_TEST_TMPDIR/port" 3>&- &
	SERVER=$!
	wait_until 5 test -s "$BATS_TEST_TMPDIR/port"
	port=$(cat "$BATS_TEST_TMPDIR/port")
	bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
	fake_tool npm <<EOF2
echo escaped >"$WORK/escaped" 2>/dev/null
echo escaped >"$HOME/escaped" 2>/dev/null
if bash -c 'exec 3<>/dev/tcp/127.0.0.1/$port' 2>/dev/null; then
	echo "https://net-reached.test/"
else
	echo "https://net-blocked.test/"
fi
EOF2
	allow_registries npm
	run "$FENCE" config show
	assert_status 0
	assert_output_contains '"net-blocked.test"'
	[ ! -e "$WORK/escaped" ]
	[ ! -e "$HOME/escaped" ]
}

@test "registries: a tool that is not installed adds nothing and warns nothing" {
	require_userns
	mkdir -p "$BATS_TEST_TMPDIR/only-bwrap"
	ln -s "$(command -v bwrap)" "$BATS_TEST_TMPDIR/only-bwrap/bwrap"
	allow_registries npm yarn pip go brew cargo
	run --separate-stderr env PATH="$BATS_TEST_TMPDIR/only-bwrap" "$FENCE" config show
	assert_status 0
	refute_output_contains 'allowedDomains'
	[ -z "$stderr" ] || [[ "$stderr" != *warning* ]]
}

@test "registries: pip's index and extra indexes replace the built-in one" {
	require_userns
	fake_tool python3 <<'EOF2'
# fence runs python3 -I, so that the project directory is not on sys.path.
[ "$1" = -I ] || exit 8
shift
case "$1 $2 $3" in
"-m pip --version") echo "pip 23.0" ;;
"-m pip config") echo "global.index-url='https://pypi.mirror.test/simple'"
	echo "global.extra-index-url='https://extra.test/simple https://user:pw@extra2.test:8080/x'"
	echo "global.find-links='/opt/wheels'" ;;
-c*) echo "https://pypi.org/"; echo "files.pythonhosted.org" ;;
*) exit 9 ;;
esac
EOF2
	allow_registries pip
	run --separate-stderr "$FENCE" config show
	assert_status 0
	assert_output_contains '"pypi.mirror.test"'
	assert_output_contains '"extra.test"'
	assert_output_contains '"extra2.test:8080"'
	refute_output_contains 'pypi.org'
	refute_output_contains 'wheels'
}

@test "registries: pip without an index uses its built-in index and file host" {
	require_userns
	fake_tool python3 <<'EOF2'
# fence runs python3 -I, so that the project directory is not on sys.path.
[ "$1" = -I ] || exit 8
shift
case "$1 $2 $3" in
"-m pip --version") echo "pip 23.0" ;;
"-m pip config") ;;
-c*) echo "https://index.builtin.test/"; echo "files.builtin.test" ;;
*) exit 9 ;;
esac
EOF2
	allow_registries pip
	run --separate-stderr "$FENCE" config show
	assert_status 0
	assert_output_contains '"index.builtin.test"'
	assert_output_contains '"files.builtin.test"'
}

@test "registries: go's proxies and checksum database" {
	require_userns
	fake_tool go <<'EOF2'
[ "$GOTOOLCHAIN" = local ] || exit 9
echo "https://goproxy.test,https://second.test|direct"
echo "sum.golang.test+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8 https://sumdb.mirror.test"
EOF2
	allow_registries go
	run --separate-stderr "$FENCE" config show
	assert_status 0
	assert_output_contains '"goproxy.test"'
	assert_output_contains '"second.test"'
	assert_output_contains '"sumdb.mirror.test"'
	refute_output_contains '"direct"'
}

@test "registries: yarn 1 and yarn 2 are asked different keys" {
	require_userns
	fake_tool yarn <<'EOF2'
case "$*" in
--version) echo "${FAKE_YARN_VERSION}" ;;
"config get registry") echo "https://yarn1.test/" ;;
"config get npmRegistryServer") echo "https://yarn2.test" ;;
*) exit 9 ;;
esac
EOF2
	allow_registries yarn
	FAKE_YARN_VERSION=1.22.19 run "$FENCE" config show
	assert_output_contains '"yarn1.test"'
	FAKE_YARN_VERSION=4.1.0 run "$FENCE" config show
	assert_output_contains '"yarn2.test"'
}

@test "registries: cargo's registries come from its files, never from running it" {
	fake_tool cargo <<EOF2
touch "$BATS_TEST_TMPDIR/cargo-ran"
EOF2
	export CARGO_HOME="$HOME/cargo"
	mkdir -p "$CARGO_HOME/registry/index/index.crates.test-1949cf8c6b5b557f" .cargo
	printf '{"dl": "https://static.crates.test/crates", "api": "https://crates.test"}\n' \
		>"$CARGO_HOME/registry/index/index.crates.test-1949cf8c6b5b557f/config.json"
	printf '[registries.corp]\nindex = "sparse+https://cargo.corp.test/index/"\n' >"$CARGO_HOME/config.toml"
	printf '[source.mirror]\nregistry = "https://mirror.cargo.test/git/index"\n' >.cargo/config.toml
	allow_registries cargo
	CARGO_REGISTRIES_OTHER_INDEX=https://env.cargo.test/index run "$FENCE" config show
	assert_status 0
	for host in index.crates.test static.crates.test crates.test cargo.corp.test mirror.cargo.test env.cargo.test; do
		assert_output_contains "\"$host\""
	done
	[ ! -e "$BATS_TEST_TMPDIR/cargo-ran" ]
}

@test "registries: a failing query warns and the run goes on" {
	require_userns
	fake_tool npm <<'EOF2'
exit 2
EOF2
	allow_registries npm
	run --separate-stderr "$FENCE" config show
	assert_status 0
	[[ "$stderr" == *"fence: warning: cannot ask npm for its registry: 'npm config get registry' exited with status 2, continuing without its hosts"* ]]
}

@test "registries: a query that prints too much is cut off" {
	require_userns
	fake_tool npm <<'EOF2'
head -c 200000 /dev/zero | tr '\0' 'x'
EOF2
	allow_registries npm
	run --separate-stderr "$FENCE" config show
	assert_status 0
	[[ "$stderr" == *"printed more than 64 KiB"* ]]
}

@test "registries: a query that hangs is killed after 5 s" {
	require_userns
	fake_tool npm <<'EOF2'
exec sleep 61.5
EOF2
	allow_registries npm
	run --separate-stderr "$FENCE" config show
	assert_status 0
	[[ "$stderr" == *"timed out after 5 s"* ]]
	# The sandbox dies with bwrap; its processes may take a moment to be reaped.
	wait_until 10 bash -c '! pgrep -u "$(id -u)" -f "sleep 61[.]5" >/dev/null'
}

@test "registries: an invalid host from a tool is ignored with a warning" {
	require_userns
	fake_tool npm <<'EOF2'
echo "https://single-label/"
EOF2
	allow_registries npm
	run --separate-stderr "$FENCE" config show
	assert_status 0
	[[ "$stderr" == *"npm registry host 'single-label' is not a valid domain pattern"* ]]
	refute_output_contains 'single-label'
}

@test "registries: a run lets the discovered registry through the proxy" {
	require_userns
	command -v curl >/dev/null || skip "curl is not installed"
	printf '{}\n' >fence.json
	"$FENCE" -c 'test -n "$HTTP_PROXY"' || skip "runs do not start the proxies yet"
	mkdir -p site
	echo registry-ok >site/index.html
	python3 -u -m http.server --bind 127.0.0.1 --directory site 0 >"$BATS_TEST_TMPDIR/http.log" 2>&1 3>&- &
	SERVER=$!
	wait_until 10 grep -q 'Serving HTTP' "$BATS_TEST_TMPDIR/http.log"
	port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$BATS_TEST_TMPDIR/http.log" | head -1)
	fake_tool npm <<EOF2
echo "http://localhost:$port/"
EOF2
	# The proxy is asked explicitly: inside, NO_PROXY would send localhost direct.
	fetch='curl --noproxy "" -x "$HTTP_PROXY" -s -o /dev/null -w "%{http_code}" http://localhost:'$port'/'
	allow_registries npm
	run "$FENCE" -c "$fetch"
	status_with=$status output_with=$output
	printf '{}\n' >fence.json
	run "$FENCE" -c "$fetch"
	[ "$status_with" -eq 0 ]
	[ "$output_with" = 200 ]
	[ "$output" = 403 ]
}

@test "registries: an answer is cached until what it depends on changes" {
	require_userns
	# The query reads its answer from a file the cache key does not know,
	# so a cached answer shows as the old host.
	fake_tool npm <<EOF2
cat "$BIN/answer"
EOF2
	echo https://one.test/ >"$BIN/answer"
	allow_registries npm
	run "$FENCE" config show
	assert_output_contains '"one.test"'
	ls "$HOME"/.cache/fence/registries-npm-*
	echo https://two.test/ >"$BIN/answer"
	run "$FENCE" config show
	assert_output_contains '"one.test"'
	# Variables that change per run (hyperfine's padding, fence's own) change nothing.
	HYPERFINE_RANDOMIZED_ENVIRONMENT_OFFSET=XXX FENCE_LOG=/dev/null run "$FENCE" config show
	assert_output_contains '"one.test"'
	# An entry older than a day is asked again, and expired ones are removed.
	touch -d '25 hours ago' "$HOME"/.cache/fence/registries-npm-*
	cp "$HOME"/.cache/fence/registries-npm-* "$HOME/.cache/fence/registries-npm-0123456789abcdef"
	touch -d '25 hours ago' "$HOME/.cache/fence/registries-npm-0123456789abcdef"
	run "$FENCE" config show
	assert_output_contains '"two.test"'
	[ ! -e "$HOME/.cache/fence/registries-npm-0123456789abcdef" ]
	# A configuration file npm reads appears: ask again.
	echo https://three.test/ >"$BIN/answer"
	echo 'registry=https://three.test/' >"$HOME/.npmrc"
	run "$FENCE" config show
	assert_output_contains '"three.test"'
	refute_output_contains '"two.test"'
	# Any other variable changes: ask again.
	echo https://3b.test/ >"$BIN/answer"
	NPM_CONFIG_REGISTRY=https://3b.test/ run "$FENCE" config show
	assert_output_contains '"3b.test"'
	# The program on PATH changes: ask again.
	echo https://four.test/ >"$BIN/answer"
	fake_tool npm <<EOF2
cat "$BIN/answer" # a new version
EOF2
	run "$FENCE" config show
	assert_output_contains '"four.test"'
	# XDG_CACHE_HOME moves the cache; FENCE_REGISTRY_CACHE=0 turns it off.
	echo https://five.test/ >"$BIN/answer"
	FENCE_REGISTRY_CACHE=0 run "$FENCE" config show
	assert_output_contains '"five.test"'
	XDG_CACHE_HOME="$BATS_TEST_TMPDIR/xdg-cache" run "$FENCE" config show
	assert_output_contains '"five.test"'
	ls "$BATS_TEST_TMPDIR"/xdg-cache/fence/registries-npm-*
}

@test "registries: failures are not cached and other tools never use an entry" {
	require_userns
	fake_tool npm <<'EOF2'
exit 2
EOF2
	allow_registries npm
	run --separate-stderr "$FENCE" config show
	[[ "$stderr" == *"cannot ask npm for its registry"* ]]
	run --separate-stderr "$FENCE" config show
	[[ "$stderr" == *"cannot ask npm for its registry"* ]]
	! ls "$HOME"/.cache/fence/registries-npm-* 2>/dev/null
	fake_tool npm <<'EOF2'
echo https://npm-only.test/
EOF2
	run "$FENCE" config show
	assert_output_contains '"npm-only.test"'
	# A configuration that no longer lists npm gets nothing from npm's entry.
	fake_tool yarn <<'EOF2'
exit 2
EOF2
	allow_registries yarn
	run "$FENCE" config show
	refute_output_contains 'npm-only.test'
}

@test "registries: a sandbox cannot write the cache" {
	require_userns
	fake_tool npm <<'EOF2'
echo https://cached.test/
EOF2
	printf '{"network": {"allowPackageRegistries": ["npm"]}, "filesystem": {"allowWrite": ["~/.cache"]}}\n' >fence.json
	run "$FENCE" config show
	assert_output_contains '"cached.test"'
	entry=$(ls "$HOME"/.cache/fence/registries-npm-*)
	run "$FENCE" -- sh -c 'echo evil.test >>"$1"; touch "${1%/*}/registries-npm-forged"; echo ok >"$HOME/.cache/other"' sh "$entry"
	[ -e "$HOME/.cache/other" ]
	! grep -q evil.test "$entry"
	[ ! -e "$HOME/.cache/fence/registries-npm-forged" ]
	# Nor create it when it does not exist yet.
	rm -r "$HOME/.cache/fence"
	printf '{"filesystem": {"allowWrite": ["~/.cache"]}}\n' >fence.json
	"$FENCE" -- sh -c 'mkdir -p "$HOME/.cache/fence/x"; echo ok >"$HOME/.cache/other2"' || true
	[ -e "$HOME/.cache/other2" ]
	[ ! -e "$HOME/.cache/fence/x" ]
}

@test "registries: a pip package in the project is not imported by the query" {
	require_userns
	[ -x /usr/bin/python3 ] || skip "python3 is not installed"
	ln -s /usr/bin/python3 "$BIN/python3"
	mkdir pip
	: >pip/__init__.py
	printf '%s\n' 'print("global.index-url='"'"'https://project-pip.test/simple'"'"'")' >pip/__main__.py
	allow_registries pip
	run --separate-stderr "$FENCE" config show
	assert_status 0
	refute_output_contains 'project-pip.test'
	# The query ran: pip's own answer, or its absence, is what counts.
	[[ "$stderr" != *"cannot ask pip"* ]]
}
