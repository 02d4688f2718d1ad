# Shared set-up and assertions for the bats suites.  Load with
#   load ../helpers/lib
#
# FENCE is the binary under test, FENCE_BUILD its build directory (test
# helper programs live in $FENCE_BUILD/tests/helpers) and FENCE_SRC the
# source tree; tests/run sets all three.

: "${FENCE_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${FENCE_BUILD:=$FENCE_SRC/build}"
: "${FENCE:=$FENCE_BUILD/fence}"
export FENCE FENCE_BUILD FENCE_SRC

# Skip because a kernel or system feature is missing.  Under
# FENCE_TEST_MUST_WORK=1 (CI) the missing feature is a failure instead.
skip_missing() {
	if [ "${FENCE_TEST_MUST_WORK:-}" = 1 ]; then
		echo "required feature missing: $*" >&2
		return 1
	fi
	skip "$*"
}

# Skip unless running as root: features that need root say so and are
# tested in the root run of the suite.  Not a missing feature, so never a
# failure under FENCE_TEST_MUST_WORK.
require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: $*"
}

# Skip unless bubblewrap can create a user and network namespace here.
require_userns() {
	command -v bwrap >/dev/null || skip_missing "bwrap is not installed"
	bwrap --unshare-net --unshare-pid --ro-bind / / --dev /dev --proc /proc true 2>/dev/null ||
		skip_missing "bwrap cannot create namespaces here"
}

# A fresh HOME and working directory for one test, removed by bats.
fence_tmp_home() {
	export HOME="$BATS_TEST_TMPDIR/home"
	export XDG_CONFIG_HOME="$HOME/.config"
	export XDG_STATE_HOME="$HOME/.local/state"
	mkdir -p "$HOME" "$XDG_CONFIG_HOME"
	WORK="$BATS_TEST_TMPDIR/work"
	mkdir -p "$WORK"
	cd "$WORK" || return 1
}

assert_status() {
	if [ "$status" -ne "$1" ]; then
		printf 'expected exit status %s, got %s\noutput:\n%s\n' "$1" "$status" "$output" >&2
		return 1
	fi
}

assert_output_contains() {
	case "$output" in
	*"$1"*) ;;
	*) printf 'expected output to contain: %s\noutput:\n%s\n' "$1" "$output" >&2; return 1 ;;
	esac
}

refute_output_contains() {
	case "$output" in
	*"$1"*) printf 'expected output not to contain: %s\noutput:\n%s\n' "$1" "$output" >&2; return 1 ;;
	*) ;;
	esac
}

assert_output_matches() {
	if ! [[ "$output" =~ $1 ]]; then
		printf 'expected output to match: %s\noutput:\n%s\n' "$1" "$output" >&2
		return 1
	fi
}

# Poll until a command succeeds, for at most $1 seconds (never a fixed sleep).
wait_until() {
	local timeout=$1 i=0
	shift
	while ! "$@"; do
		i=$((i + 1))
		[ $i -lt $((timeout * 20)) ] || return 1
		sleep 0.05
	done
}

# Like fence_tmp_home, but outside /tmp: the sandbox's /tmp is a private
# tmpfs, so a working directory under the host's /tmp does not exist
# inside.  Call fence_sandbox_home_cleanup from teardown.
fence_sandbox_home() {
	FENCE_TEST_ROOT=$(mktemp -d /var/tmp/fence-test.XXXXXX) || return 1
	chmod 755 "$FENCE_TEST_ROOT"
	export HOME="$FENCE_TEST_ROOT/home"
	export XDG_CONFIG_HOME="$HOME/.config"
	export XDG_STATE_HOME="$HOME/.local/state"
	mkdir -p "$HOME" "$XDG_CONFIG_HOME"
	WORK="$FENCE_TEST_ROOT/work"
	mkdir -p "$WORK"
	cd "$WORK" || return 1
}

fence_sandbox_home_cleanup() {
	[ -n "${FENCE_TEST_ROOT:-}" ] && rm -rf "$FENCE_TEST_ROOT"
	FENCE_TEST_ROOT=
}
