#!/usr/bin/env bash
# tests/tui/tiles.sh: three console tiles side by side at 80x24 (real
# QEMU, the tiny guest): each title keeps the node's name whole, then its
# state, then the hints that still fit, in a shorter form when they have
# one (golden); no title runs into the frame's corner. S on a node whose
# stop method is poweroff stops it.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
for n in alpha-router bravo-switch charlie-host; do
	"$SANDLAB" node create "$n" --image tiny --ram 32 --nics 0 --on-stop poweroff >/dev/null
done
at_exit "$SANDLAB node kill alpha-router bravo-switch charlie-host"
"$SANDLAB" node start alpha-router bravo-switch charlie-host >/dev/null

# to_nodes: Tab until the node list has focus (its hint says Enter opens a console).
# Each Tab changes the status line's hints: the next look waits for that,
# where a fixed 0.2 s pause let a slow redraw take one more Tab past the list.
to_nodes() {
	local hints
	for _ in 1 2 3 4 5 6; do
		hints=$(tui_cap | tail -n 1)
		text "$hints" | grep -qF "Enter console" && return 0
		keys Tab
		wait_for 20 sh -c '[ "$(tmux -L "$1" capture-pane -p -t t | tail -n 1)" != "$2" ]' _ "$TMUX_SOCK" "$hints" || true
	done
	return 1
}

tui_start 80 24
tui_settle "charlie-host" >/dev/null
# Each node in turn: open its console (typing), leave it, back to the list.
for row in 0 1 2; do
	to_nodes || not_ok "the node list takes focus" "$(tui_cap | tail -n 1)"
	keys g
	for ((j = 0; j < row; j++)); do keys j; done
	keys Enter
	# typing: "C-] leaves" in the tile's title, or, for a tile too narrow
	# for it, "C-] leave" on the status line ("leaves" alone ran out its
	# 20 s for the second and third tiles)
	tui_settle "C-] leave" >/dev/null || true
	keys C-]
	tui_settle "Enter type" >/dev/null || true
done
if tui_settle "┌─ charlie-host · " && text "$SCREEN" | grep -qF "┌─ alpha-router · " &&
    text "$SCREEN" | grep -qF "┌─ bravo-switch · "; then
	golden "three-tiles-80x24"
else
	not_ok "three-tiles-80x24" "$SCREEN"
fi
# Typing into one: the title keeps the name whole; the status line says
# how to leave.
keys Enter
if tui_settle "C-] leave" && text "$SCREEN" | grep -qF "┌─ charlie-host · " &&
    text "$SCREEN" | sed -n 8p | grep -qE "┐$"; then
	ok "a narrow typing tile keeps its name whole and its frame closed"
else
	not_ok "a narrow typing tile keeps its name whole and its frame closed" "$SCREEN"
fi
keys C-]
# S on a node that powers off stops it. (What it says first, "powering
# off at once", is replaced by "stop done" as soon as the quick stop
# ends, so only the end is checked.)
to_nodes || true
keys g S
if tui_settle "alpha-router: stop done" &&
    wait_for 60 sh -c '"$0" node show alpha-router --json | grep -q "\"state\": \"stopped\""' "$SANDLAB"; then
	ok "S on a poweroff node stops it"
else
	not_ok "S on a poweroff node stops it" "$SCREEN"
fi
tui_quit
done_testing
