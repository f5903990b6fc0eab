#!/usr/bin/env bash
# tests/tui/terminal.sh: the dashboard gives the terminal back on every
# way out (q, SIGTERM, SIGHUP, a crash signal), refuses a non-terminal, and
# a second dashboard on the same lab says it is not alone.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

# restored NAME CODE: the dashboard exited with CODE and the pane is back
# to the normal screen, with no mouse or keypad mode left on.
restored() {
	local name=$1 code=$2 flags
	if ! tui_settle "DASHBOARD-EXITED $code" 20; then
		not_ok "$name" "did not exit with $code: $(text "$SCREEN" | tail -n 3)"
		return
	fi
	flags=$(tx display-message -p -t t '#{alternate_on}#{mouse_any_flag}#{mouse_sgr_flag}#{keypad_flag}#{cursor_flag}')
	if [ "$flags" = "00001" ]; then ok "$name"; else not_ok "$name" "pane flags alt/mouse/sgr/keypad/cursor = $flags"; fi
	tui_exited "$code" "$name: status $code, stderr empty, no sanitizer report"
}

started() {
	tui_settle "Nodes (0)" 20 && [ "$(tx display-message -p -t t '#{alternate_on}#{mouse_any_flag}#{mouse_sgr_flag}')" = 111 ]
}

tui_start 80 24
if started; then ok "dashboard takes the terminal (alternate screen, SGR mouse)"; else not_ok "dashboard takes the terminal" "$SCREEN"; fi
keys q
restored "q gives the terminal back" 0

for sig in TERM HUP SEGV ABRT; do
	tui_start 80 24
	started || true
	pid=$(tui_pid)
	kill -s "$sig" "$pid"
	case $sig in TERM) code=143 ;; HUP) code=129 ;; SEGV) code=139 ;; ABRT) code=134 ;; esac
	restored "SIG$sig gives the terminal back" "$code"
done

# Not a terminal: a clear message, status 1.
expect_fail "refuses a non-terminal" "needs a terminal" sh -c "\"$SANDLAB\" </dev/null >/dev/null"

# A second dashboard on the same lab warns and goes on; the first does not.
# The first must hold the lock before the second starts: wait for it
# generously, as an ASan build on a loaded machine starts slowly.
tui_start 80 24
tui_settle "Nodes (0)" 90 || true
first=$(tui_pid)
tx new-session -d -s t2 -x 100 -y 24 "$(tui_cmd second)"
if wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t2 | grep -q 'another dashboard (pid $first)'"; then
	ok "second dashboard names the first"
else
	not_ok "second dashboard names the first" "$(tx capture-pane -p -t t2 | tail -n 2)"
fi
# Not warned, and still alive and drawing (the absence alone would also
# hold for a dashboard that died).
if tui_settle "Nodes (0)" 20 && ! text "$SCREEN" | grep -q "another dashboard" && [ ! -e "$T/tui-$_tui_n.rc" ]; then
	ok "first dashboard is not warned"
else
	not_ok "first dashboard is not warned" "$(text "$SCREEN" | tail -n 2)"
fi
# When the first one quits, the second takes the lock and its warning goes.
tui_quit "the first dashboard quits with q: status 0, stderr empty"
if wait_for 20 sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t t2 | grep -q 'another dashboard'"; then
	ok "second dashboard takes over the lock when the first quits"
else
	not_ok "second dashboard takes over the lock" "$(tx capture-pane -p -t t2 | tail -n 1)"
fi
tx send-keys -t t2 q
if wait_for 60 test -e "$T/tui-second.rc" && [ "$(cat "$T/tui-second.rc")" = 0 ] && [ ! -s "$T/tui-second.err" ]; then
	ok "the second dashboard quits with q: status 0, stderr empty"
else
	not_ok "the second dashboard quits with q" "status $(cat "$T/tui-second.rc" 2>/dev/null); $(head -c 400 "$T/tui-second.err")"
fi
tui_start 80 24
if started && ! tui_cap | grep -q "another dashboard"; then
	ok "lock follows the live dashboard"
else
	not_ok "lock follows the live dashboard" "$(tui_cap | tail -n 1)"
fi

done_testing
