#!/usr/bin/env bash
# tests/tui/resize.sh: the outer terminal is resized again and again while
# the flood guest floods its console in a pane: the dashboard survives,
# keys still work, and afterwards every pane fits the final size. Also
# mouse: a click selects a node and focuses its pane, the wheel scrolls.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

# setup CMD...: a step the test needs; if it fails, why is said (it once
# ended this test after 2 s in a full run, with nothing said).
setup() {
	local out
	if ! out=$("$@" 2>&1); then
		not_ok "set-up: $*" "$out"
		exit 1
	fi
}
setup "$SANDLAB" image import "$TOP/images/flood.qcow2" --name flood
setup "$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny
setup "$SANDLAB" node create f1 --image flood --ram 32
setup "$SANDLAB" node create t1 --image tiny --ram 32
at_exit "$SANDLAB node kill f1"
setup "$SANDLAB" node start f1

tui_start 80 24
tui_settle "f1" >/dev/null
keys Enter
# flood_max: the highest flood line number on the screen (0 if none).
# (0 when no flood line is on screen at that instant: no grep failure
# under pipefail, which ended the test once.)
flood_max() { tui_cap | { grep -oE 'flood [0-9]{8}' || true; } | awk '{ n = $2 + 0; if (n > m) m = n } END { print m + 0 }'; }
if wait_for 60 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -qE 'flood [0-9]{8}'"; then
	ok "the flood shows in the pane"
else
	not_ok "the flood shows in the pane" "$(tui_cap | tail -n 3)"
fi
keys C-]
# the newest flood line on screen, read again while a redraw shows none
for _ in $(seq 1 100); do
	before=$(flood_max)
	[ "$before" -eq 0 ] || break
	sleep 0.1
done
pid=$(tui_pid)
for size in 120x40 60x15 200x50 40x10 100x30 81x25 30x8 150x45 100x30; do
	tx resize-window -t t -x "${size%x*}" -y "${size#*x}"
	sleep 0.2
done
# Alive, and the flood still drawn: newer lines than before the resizes.
if kill -0 "$pid" 2>/dev/null && [ "$before" -gt 0 ] && wait_for 30 sh -c "[ \"\$(tmux -L $TMUX_SOCK capture-pane -p -t t | grep -oE 'flood [0-9]{8}' | awk '{ n = \$2 + 0; if (n > m) m = n } END { print m + 0 }')\" -gt $before ]"; then
	ok "survives resizes under a flood"
else
	not_ok "survives resizes under a flood" "alive: $(kill -0 "$pid" 2>/dev/null && echo yes || echo no); flood line $before before, $(flood_max) after"
fi

# At 100x30: the first row is the top of the images and nodes frames, the
# last is the status line, and every row is exactly 100 columns wide.
tui_settle "f1 · running" 30 >/dev/null || true
rows=$(tui_cap | wc -l)
widths=$(tui_cap | awk '{ print length($0) }' | sort -u | tr '\n' ' ')
first=$(tui_cap | head -n 1)
last=$(tui_cap | tail -n 1)
if [ "$rows" = 30 ] && [[ $first == "┌─ Images"*"┐" ]] && [[ $last == *"KVM:"* ]]; then
	ok "layout fits after the resizes"
else
	not_ok "layout fits after the resizes" "rows $rows, first '$first', last '$last'"
fi
# Frames close at the right edge on every frame row (no garbage).
bad=$(tui_cap | head -n 29 | grep -vcE '[┐┘│]$' || true)
if [ "$bad" = 0 ]; then ok "every frame row ends at the right edge"; else not_ok "every frame row ends at the right edge" "$bad rows do not; widths $widths"; fi
# The console's terminal follows its pane: flood lines are cut at the
# pane's inner width (98 at 100 columns with one console), never wider.
if tui_cap | grep -qE '^│.{98}│$'; then ok "console rows as wide as the pane"; else not_ok "console rows as wide as the pane" "$(tui_cap | sed -n 12p)"; fi
keys '?'
if tui_settle "Keys" 20; then ok "keys work after the resizes"; else not_ok "keys work after the resizes" "$SCREEN"; fi
keys Escape

# Mouse (SGR reports, as tmux sends them with mouse mode on): a click on
# the second node row selects t1 and focuses the node list.
"$SANDLAB" node kill f1 >/dev/null
rm -f "$SANDLAB_LAB/ui-state"
tui_start 80 24
tui_settle "t1" >/dev/null
row=$(tui_cap | grep -n "│ t1 " | head -n 1 | cut -d: -f1)
keys -l $'\e[<0;40;'"$row"'M'
keys -l $'\e[<0;40;'"$row"'m'
if tui_settle "node      t1"; then ok "click selects a node"; else not_ok "click selects a node" "$SCREEN"; fi
keys -l $'\e[<64;40;'"$row"'M'
if tui_settle "node      f1"; then ok "wheel moves the selection"; else not_ok "wheel moves the selection" "$SCREEN"; fi

# Sixteen console tiles (of stopped nodes) through sizes down to 1x1.
for i in $(seq 1 14); do "$SANDLAB" node create "m$i" --image tiny --ram 16 >/dev/null; done
"$SANDLAB" node ls --json | sed -n 's/^    "id": "\(.*\)",$/console \1/p' >"$SANDLAB_LAB/ui-state"
tui_start 400 60
tui_settle "m9 · stopped" >/dev/null || true
pid=$(tui_pid)
for size in 80x24 5x2 1x1 30x5 200x50 17x9 400x60 80x24 400x60; do
	tx resize-window -t t -x "${size%x*}" -y "${size#*x}"
	sleep 0.3
done
# Back at 400x60: all sixteen tiles drawn again, each with its frame.
tiles() { textln "$SCREEN" | grep -oE '┌─ (m[0-9]+|f1|t1) · stopped' | sort -u | wc -l; }
if kill -0 "$pid" 2>/dev/null && tui_settle "m9 · stopped" && [ "$(tiles)" = 16 ]; then
	ok "16 tiles through sizes down to 1x1"
else
	not_ok "16 tiles through sizes down to 1x1" "$SCREEN"
fi

done_testing
