#!/usr/bin/env bash
# tests/tui/consoles.sh: serial consoles in the dashboard with the tiny
# guest (real QEMU under TCG): typing echoes in the pane, two consoles
# tiled, a zoomed console (goldens at 80x24 and 200x50), scrollback keys,
# closing a pane, a dashboard killed with SIGKILL comes back with its
# consoles and their history, and a node whose QEMU died shows crashed and
# reattaches when it starts again.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
# tcg: the goldens show the state line, which with auto names what this
# machine's KVM did.
"$SANDLAB" node create c1 --image tiny --ram 32 --accel tcg >/dev/null
"$SANDLAB" node create c2 --image tiny --ram 32 --accel tcg >/dev/null
at_exit "$SANDLAB node kill c1 c2"
"$SANDLAB" node start c1 c2 >/dev/null


tui_start 80 24
tui_settle "c2" >/dev/null
# c1 is selected: Enter opens its console and types into it.
keys Enter
if tui_settle "typing, C-] leaves" && tui_settle "tiny login:"; then ok "Enter opens the console"; else not_ok "Enter opens the console" "$SCREEN"; fi
keys 'hello-c1'
if wait_for 20 screen_has "tiny login: hello-c1"; then ok "typing echoes in the pane"; else not_ok "typing echoes in the pane" "$(tui_cap)"; fi
# Ctrl-] leaves; the node list gets focus with Tab; c2's console opens.
keys C-]
# The hint of the node list shows (a dead dashboard shows no "typing," either).
if tui_settle "Enter type" && ! text "$SCREEN" | grep -qF "typing," && [ ! -e "$T/tui-$_tui_n.rc" ]; then
	ok "C-] leaves the console"
else
	not_ok "C-] leaves the console" "$(tui_cap | tail -n 1)"
fi
keys Tab Tab j Enter
tui_settle "c2 · running · typing" >/dev/null
keys 'second'
wait_for 20 screen_has "tiny login: second" || true
keys C-]
if tui_settle "tiny login: hello-c1" && text "$SCREEN" | grep -qF "tiny login: second"; then
	golden "two-consoles-80x24"
else
	not_ok "two-consoles-80x24" "$SCREEN"
fi
keys z
# c2's 80x24 screen needs the whole 80x24 terminal: frame and status go
if tui_settle "tiny login: second" && ! text "$SCREEN" | grep -qF "Nodes (" &&
	! text "$SCREEN" | grep -qF "c2 · running"; then
	golden "zoomed-80x24"
else
	not_ok "zoomed-80x24" "$SCREEN"
fi
keys z
if tui_settle "Nodes (2)"; then ok "z unzooms"; else not_ok "z unzooms" "$SCREEN"; fi

# The same consoles at 200x50, reopened from the lab's memory.
tui_start 200 50
if tui_settle "tiny login: hello-c1" && tui_settle "tiny login: second"; then
	golden "two-consoles-200x50"
else
	not_ok "two-consoles-200x50" "$SCREEN"
fi

keys Tab Tab z
if tui_settle "c2 · running" && ! text "$SCREEN" | grep -qF "Nodes ("; then
	golden "zoomed-200x50"
else
	not_ok "zoomed-200x50" "$SCREEN"
fi
keys z

# Scrollback: enough lines to scroll, then PageUp shows the start.
tui_start 80 24
tui_settle "tiny login: hello-c1" >/dev/null
# The node list has focus after a start; Tab goes to the first console.
keys Tab Enter
tui_settle "c1 · running · typing" >/dev/null
for i in $(seq 1 30); do keys "line$i" Enter; done
wait_for 20 screen_has "line30" || true
keys C-] PageUp PageUp PageUp
if tui_settle "scrolled back" && text "$SCREEN" | grep -qF "tiny login: hello-c1"; then
	ok "PageUp scrolls back to the start"
else
	not_ok "PageUp scrolls back to the start" "$SCREEN"
fi
keys End
if tui_settle "line30" && ! text "$SCREEN" | grep -qF "scrolled back"; then ok "End goes back to live"; else not_ok "End goes back to live" "$SCREEN"; fi

# SIGKILL: nothing is given back, the nodes run on; a new dashboard
# reopens both consoles with their recent history (the keeper replays).
kill -KILL "$(tui_pid)"
tui_exited 137 "the dashboard dies of SIGKILL (status 137), nothing on stderr"
tx send-keys -t t 'reset' Enter 2>/dev/null || true
if "$SANDLAB" node show c1 --json | grep -q '"state": "running"'; then ok "nodes outlive a killed dashboard"; else not_ok "nodes outlive a killed dashboard"; fi
tui_start 80 24
if tui_settle "line30" && tui_settle "tiny login: second"; then ok "consoles reopen with history after SIGKILL"; else not_ok "consoles reopen with history after SIGKILL" "$SCREEN"; fi

# x closes a pane; the node keeps running and the lab forgets the pane.
keys Tab Tab x
if tui_settle "Nodes (2)" && ! text "$SCREEN" | grep -qF "c2 · running" &&
	"$SANDLAB" node show c2 --json | grep -q '"state": "running"' &&
	[ "$(grep -c '^console' "$SANDLAB_LAB/ui-state")" = 1 ]; then
	ok "x closes the pane, the node runs on"
else
	not_ok "x closes the pane, the node runs on" "$SCREEN"
fi

# QEMU dies: the node shows crashed and its pane says so; a start from
# elsewhere brings the pane back to life.
qpid=$("$SANDLAB" node show c1 --json | sed -n 's/.*"qemu_pid": \([0-9]*\).*/\1/p')
kill -KILL "$qpid"
if tui_settle "c1 · crashed, not attached" 30; then ok "a dead QEMU shows as crashed in the pane"; else not_ok "a dead QEMU shows as crashed" "$SCREEN"; fi
if text "$SCREEN" | grep -qE "c1 +crashed"; then ok "the node list says crashed"; else not_ok "the node list says crashed" "$SCREEN"; fi
"$SANDLAB" node start c1 >/dev/null
if tui_settle "the node started again" 30 && tui_settle "c1 · running" 30; then
	ok "the pane reattaches when the node starts again"
else
	not_ok "the pane reattaches when the node starts again" "$SCREEN"
fi
keys Enter 'back'
if wait_for 20 screen_has "tiny login: back"; then ok "typing works after the reattach"; else not_ok "typing works after the reattach" "$(tui_cap)"; fi

done_testing
