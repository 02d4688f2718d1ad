# Helpers for the filesystem, dangerous-path, socket and device suites.
# Load after lib:
#   load ../helpers/lib
#   load ../helpers/fs

# Write the config the next fence_sh uses (JSON text in $1).
fence_config() {
	CFG="$FENCE_TEST_ROOT/fence.json"
	printf '%s\n' "$1" >"$CFG"
}

# Run a shell command line inside the sandbox with the current config.
fence_sh() {
	run "$FENCE" -s "$CFG" -- sh -c "$1"
}

# Fail unless the command in the last run failed.  Exit status 125 is
# fence's own failure (no sandbox started), which proves nothing here.
assert_failure() {
	if [ "$status" -eq 0 ] || [ "$status" -eq 125 ]; then
		printf 'expected the command to fail inside, got exit status %s\noutput:\n%s\n' \
			"$status" "$output" >&2
		return 1
	fi
}

# Fail unless file $1 has exactly the content $2.
assert_file_content() {
	local got
	got=$(cat "$1" 2>&1)
	if [ "$got" != "$2" ]; then
		printf 'expected %s to contain: %s\ngot: %s\n' "$1" "$2" "$got" >&2
		return 1
	fi
}

# Skip unless fence can apply Landlock here: checks that only Landlock
# enforces (a directory that may be executed from but not listed).
require_landlock() {
	"$FENCE" --linux-features 2>/dev/null | grep -Eq '^landlock +ok' ||
		skip_missing "Landlock is not available"
}
