#!/usr/bin/env bash
# tests/tui/linux.sh: the linux guest (busybox on ttyS0) in a console
# pane: full-screen programs draw correctly: busybox top (its header and
# process table) and vi (tildes for empty lines, the typed text, the
# status line), and the shell is back afterwards.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/linux.qcow2" --name linux >/dev/null 2>&1
"$SANDLAB" node create l1 --image linux --ram 128 >/dev/null
at_exit "$SANDLAB node kill l1"
"$SANDLAB" node start l1 >/dev/null

# line TEXT: types TEXT and Enter.
line() { keys -l "$1"; keys Enter; }

tui_start 100 32
tui_settle "l1" >/dev/null
keys Enter
if tui_settle "linux#" 120; then ok "linux shell prompt in the pane"; else not_ok "linux shell prompt in the pane" "$SCREEN"; fi
# Zoomed, the tile is 98x29 at 100x32. A serial line carries no size:
# the stty key tells the shell the tile's size, and the console follows.
keys C-] z t Enter
line 'export TERM=xterm'
line 'top'
if tui_settle "PID" 60 && text "$SCREEN" | grep -q "Mem:" && text "$SCREEN" | grep -q "CPU:"; then
	ok "busybox top draws its screen"
else
	not_ok "busybox top draws its screen" "$SCREEN"
fi
keys q
tui_settle "linux#" 30 >/dev/null || true
line 'vi /tmp/note'
tui_settle "~" 30 >/dev/null || true
keys i
keys -l 'hello from vi'
keys Escape
sleep 0.3
if tui_settle "hello from vi" 30 && [ "$(textln "$SCREEN" | grep -c '^│~ ')" -ge 10 ]; then
	ok "vi draws its screen"
else
	not_ok "vi draws its screen" "$SCREEN"
fi
line ':wq'
line 'cat /tmp/note'
if tui_settle "linux#" 30 && [ "$(tui_cap | grep -c 'hello from vi')" -ge 1 ]; then ok "vi wrote the file, shell back"; else not_ok "vi wrote the file, shell back" "$SCREEN"; fi

done_testing
