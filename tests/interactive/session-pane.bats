#!/usr/bin/env bats
# Non-ASCII text in the violation side pane of a live session: UTF-8 is
# drawn as such, in the columns a terminal gives it, and cut at the pane's
# edge without reaching into the main pane.

load ../helpers/lib
load session

setup() {
	session_setup
	command -v curl >/dev/null || skip "curl is needed"
	# The shell's line editor and tmux both need a UTF-8 locale to take
	# the typed characters as characters.
	export LANG=C.UTF-8
	unset LC_ALL LC_CTYPE
	printf '{"network":{"allowedDomains":["example.test"]}}\n' >"$HOME/policy.json"
}

teardown() {
	session_teardown
}

# The pane is 60 columns wide, right of a 139-column main pane and the
# separator.
COLS=200
MAIN=139

start_pane_session() {
	client_start c1 "$COLS" 30 "$FENCE" shell --name "$SNAME" \
		--settings "$HOME/policy.json" --pane-width 60
	type_line c1 'echo ready-$((40+2))'
	wait_screen c1 '^ready-42 '
	# f ARGS...: a request the policy blocks, so the pane gets a record
	# whose command line is what was typed.
	type_line c1 "f() { curl -s -o /dev/null -w 'code-%{http_code}\\n' --noproxy '' -x \"\$HTTP_PROXY\" http://127.0.0.1:9/; }"
}

pane_matches() {
	screen_of "$1" | sed -n 's/.*│//p' | grep -qF -- "$2"
}

# wait_pane TARGET TEXT: poll until the pane has TEXT, else show the screen.
wait_pane() {
	if ! wait_until 15 pane_matches "$1" "$2"; then
		echo "timed out waiting for '$2' in the pane of $1; the screen is:" >&2
		screen_of "$1" >&2
		return 1
	fi
}

# columns_ok TARGET: every row is COLS columns wide, with the separator
# right after the main pane's MAIN columns.
columns_ok() {
	local line main total bad=0
	while IFS= read -r line; do
		total=$(printf '%s' "$line" | wc -L)
		main=$(printf '%s' "${line%%│*}" | wc -L)
		if [ "$total" -ne "$COLS" ] || [ "$main" -ne "$MAIN" ]; then
			printf 'row is %s columns, separator at %s: %s\n' "$total" "$main" "$line" >&2
			bad=1
		fi
	done < <(tmx capture-pane -p -N -t "$1")
	return "$bad"
}

@test "session pane: a record's UTF-8 shows with its real widths" {
	start_pane_session
	type_line c1 'f café-日本.txt'
	wait_screen c1 '^code-403 '
	wait_pane c1 'x net 127.0.0.1:9 - f café-日本.txt'
	columns_ok c1
	# The main pane still has the exact line that was typed.
	screen_of c1 | grep -qF 'f café-日本.txt'
}

@test "session pane: a long line of wide characters is cut at the edge" {
	start_pane_session
	wide=$(printf '日本%.0s' $(seq 20))
	type_line c1 "f xy$wide"
	wait_screen c1 '^code-403 '
	wait_pane c1 'x net 127.0.0.1:9 - f xy日本'
	columns_ok c1
	# 60 columns: "HH:MM:SS x net 127.0.0.1:9 - f xy" takes 33, leaving
	# 27: thirteen wide characters and a space, never half of one.
	row=$(tmx capture-pane -p -N -t c1 | grep -F 'f xy日本' | tail -1)
	pane=${row#*│}
	[ "$(printf '%s' "$pane" | wc -L)" -eq 60 ]
	[[ "$pane" == *"f xy$(printf '日本%.0s' $(seq 6))日 " ]]
	# The rows below the record belong to the main pane, untouched.
	type_line c1 'echo after-$((1+1))'
	wait_screen c1 '^after-2 '
	columns_ok c1
}

@test "session pane: a control character in a record is not sent" {
	start_pane_session
	# Ctrl-V Ctrl-B puts a raw 0x02 into the command line.  (An ESC typed
	# this way sometimes reached bash as the start of a key sequence.)
	tmx send-keys -t c1 -l -- 'f a'
	tmx send-keys -t c1 C-v C-b
	tmx send-keys -t c1 -l -- 'b'
	tmx send-keys -t c1 Enter
	wait_screen c1 '^code-403 '
	wait_pane c1 'x net 127.0.0.1:9 - f a�b'
	columns_ok c1
}
