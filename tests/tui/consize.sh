#!/usr/bin/env bash
# tests/tui/consize.sh: consoles at the guest's size (issue 16). The linux
# guest's console runs at the node's console size whatever the tile:
# busybox vi and top at 80x24 in a tile (the cursor row stays in view)
# and zoomed (the whole guest screen, frame and status line give way),
# with goldens; the emulator's cells are the same in a 60x15 tile, a
# 200x50 tile and at 80x24 (compared in the model, dumped by the hidden
# SANDLAB_CONSOLE_DUMP); --console-size 132x43 and what the resize
# program asks; the stty key; a line scrolled back reads whole after the
# console's size changed (the scrollback reflows); `sandlab console
# --stty`; and resizing the outer terminal under a full-screen program
# loses nothing.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/linux.qcow2" --name linux >/dev/null 2>&1
"$SANDLAB" node create l1 --image linux --ram 128 >/dev/null
at_exit "$SANDLAB node kill l1"
"$SANDLAB" node start l1 >/dev/null
DUMP="$T/dump"
mkdir -p "$DUMP"
ID=$("$SANDLAB" node show l1 --json | sed -nE 's/.*"id": *"([0-9a-f-]{36})".*/\1/p')

# line TEXT: types TEXT and Enter.
line() { keys -l "$1"; keys Enter; }
# model: the dashboard's console model of l1 (size, cursor, rows).
model() { cat "$DUMP/$ID" 2>/dev/null; }
# model_has TEXT [SECS]: waits until the model holds TEXT.
model_has() { wait_for "${2:-30}" sh -c "grep -qF -- '$1' '$DUMP/$ID'"; }
# top's numbers and process rows change from run to run.
mask_top() {
	# top's figures change width (99% vs 100%) and move their padding: the
	# digits and the runs of spaces of those rows are masked both
	perl -CSD -Mutf8 -pe 's/[0-9]+(\.[0-9]+)?/N/g, s/ {2,}/ /g if /(Mem|CPU|Load average):/;
		s/^(│?)( +[0-9]+ +[0-9]+ +[a-z]+ +[A-Z<N ]+ +[0-9]+[mg]? +[0-9]+% +[0-9]+% .*?)(│?)$/$1 . ($3 ne "" ? sprintf("%-*s", length($2), "<process>") : "<process>") . $3/e'
}
# cursor_in_view: the row the model's cursor is on is on the screen.
cursor_in_view() {
	local r text
	r=$(model | sed -nE 's/^cursor ([0-9]+),.*/\1/p')
	text=$(model | sed -n "$((r + 3))p" | cut -d'|' -f2- | cut -c1-40)
	[ -n "$text" ] && textln "$SCREEN" | grep -qF -- "│$text"
}

tui_start 80 24 SANDLAB_CONSOLE_DUMP="$DUMP"
tui_settle "l1" >/dev/null
keys Enter
if tui_settle "linux#" 120; then ok "linux shell prompt"; else not_ok "linux shell prompt" "$SCREEN"; fi
check "the console is 80x24 by default" grep -q '^size 80x24$' "$DUMP/$ID"

# --- the same model in every tile: 80x24 (zoomed), 60x15 and 200x50 ---
# The guest draws an 80x24 screen (full-width coloured rows, text on the
# last row) and waits. Each dashboard after the first builds its model
# from the keeper's replay into a tile of another size.
line 'clear; i=1; while [ $i -le 23 ]; do printf "\033[3%dm%02d%078d\033[m\n" $((i%8)) $i 0; i=$((i+1)); done; printf "\033[24;1Hend of screen"; sleep 100000'
keys C-] z
model_has "end of screen" || true
sleep 1
cp "$DUMP/$ID" "$T/model-80x24"
keys z q
wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -q DASHBOARD-EXITED" || true
rm -f "$DUMP/$ID"
tui_start 62 27 SANDLAB_CONSOLE_DUMP="$DUMP"
model_has "end of screen" || true
tui_settle "l1 · running" 20 >/dev/null || true
if textln "$SCREEN" | grep -qE '^│0[0-9]{59}│$'; then ok "a tile of 60x15"; else not_ok "a tile of 60x15" "$SCREEN"; fi
cp "$DUMP/$ID" "$T/model-60x15" 2>/dev/null || true
keys q
wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -q DASHBOARD-EXITED" || true
rm -f "$DUMP/$ID"
tui_start 202 53 SANDLAB_CONSOLE_DUMP="$DUMP"
tui_settle "l1 · running" 20 >/dev/null || true
keys Enter C-] z
model_has "end of screen" || true
tui_settle "end of screen" 20 >/dev/null || true
# the guest's screen whole at the top left, its end marked, room beyond
if textln "$SCREEN" | sed -n 2p | grep -qE '^│010{78}│ {119}│$' &&
	textln "$SCREEN" | sed -n 26p | grep -qE '^│─{80}┘ {119}│$'; then
	ok "a tile of 200x50 shows the 80x24 screen whole, its end marked"
else
	not_ok "a tile of 200x50 shows the 80x24 screen whole, its end marked" "$SCREEN"
fi
cp "$DUMP/$ID" "$T/model-200x50" 2>/dev/null || true
if cmp -s "$T/model-80x24" "$T/model-60x15" && cmp -s "$T/model-80x24" "$T/model-200x50" &&
	grep -q '^size 80x24$' "$T/model-80x24" && grep -q '^cursor 23,13 ' "$T/model-80x24"; then
	ok "the same emulator cells at 80x24, in a 60x15 tile and in a 200x50 tile"
else
	not_ok "the same emulator cells at 80x24, in a 60x15 tile and in a 200x50 tile" \
		"$(diff "$T/model-80x24" "$T/model-60x15" | cat -A | head -8; diff "$T/model-80x24" "$T/model-200x50" | cat -A | head -8)"
fi
keys z q
wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -q DASHBOARD-EXITED" || true
tui_start 80 24 SANDLAB_CONSOLE_DUMP="$DUMP"
tui_settle "l1 · running" 20 >/dev/null || true
keys Enter C-c
tui_settle "linux#" 20 >/dev/null || true

line 'export TERM=xterm; clear; i=1; while [ $i -le 20 ]; do echo "line $i of the file"; i=$((i+1)); done >/tmp/f'

# --- vi at 80x24: in the tile (78x14 of the guest's 80x24) and zoomed ---
line 'vi /tmp/f'
# vi has drawn the file: it opens at its first line, on the guest's screen,
# which the model holds (vi's status line, '"/tmp/f"', never showed on the
# screen, and waiting for it ran out its 30 s twice a run).
model_has "line 1 of the file" 30 || true
keys G
if model_has "line 20 of the file" && tui_settle "line 20 of the file" 20 && cursor_in_view; then
	ok "vi in a tile: the cursor row (the last line) is in view"
else
	not_ok "vi in a tile: the cursor row (the last line) is in view" "$SCREEN"
fi
# No golden of this screen: which rows around the cursor the tile shows
# depends on when the view last followed vi's cursor (seen: lines 7-20 in
# one full run, 11-20 and vi's empty rows in the next); the check above
# holds either way.
keys g g
if tui_settle "line 1 of the file" 20 && ! text "$SCREEN" | grep -q "line 20 of"; then
	ok "vi in a tile: the view follows the cursor back up"
else
	not_ok "vi in a tile: the view follows the cursor back up" "$SCREEN"
fi
keys C-] z
if tui_settle "line 20 of the file" 20 && [ "$(textln "$SCREEN" | head -n 1)" = "line 1 of the file" ] &&
	textln "$SCREEN" | tail -n 1 | grep -q '"/tmp/f"\|^ *$\|-'; then
	ok "vi zoomed at 80x24: the whole guest screen, no frame"
else
	not_ok "vi zoomed at 80x24: the whole guest screen, no frame" "$SCREEN"
fi
golden consize-vi-zoomed-80x24
# the zoom key and the escape key still work while the frame is gone
keys z
if tui_settle "l1 · running" 20; then ok "z unzooms a bare zoom"; else not_ok "z unzooms a bare zoom" "$SCREEN"; fi
keys Enter
line ':q!'
tui_settle "linux#" 20 >/dev/null || true

# --- top at 80x24 ---
line 'top'
sleep 2
if tui_settle "leaves · 80x24" 30 && model_has "PID" && cursor_in_view; then
	ok "top in a tile: the cursor row is in view"
else
	not_ok "top in a tile: the cursor row is in view" "$SCREEN $(model)"
fi
# golden's second looks capture again: through the mask too
tui_cap() { tx capture-pane -p -t t "$@" | mask_top; }
SCREEN=$(textln "$SCREEN" | mask_top)
golden consize-top-tile-80x24
keys C-] z
sleep 1
tui_settle "Mem:" 20 >/dev/null || true
if textln "$SCREEN" | head -n 1 | grep -q "^Mem:" && textln "$SCREEN" | sed -n 4p | grep -q "PID"; then
	ok "top zoomed: its whole screen from the first row"
else
	not_ok "top zoomed: its whole screen from the first row" "$SCREEN"
fi
SCREEN=$(textln "$SCREEN" | mask_top)
golden consize-top-zoomed-80x24
tui_cap() { tx capture-pane -p -t t "$@"; }
keys z Enter q
tui_settle "linux#" 20 >/dev/null || true


# A line of 90 R's printed at 80 columns wraps; 50 more lines push it into
# the scrollback, where it stays through the sizes below (132x43, then
# 98x19) and is looked for, whole, once the tile shows 98 columns.
line 'printf "%090d\n" 0 | tr 0 R; seq 1 50'
model_has "|50" 20 || true

# --- --console-size 132x43, and the queries the resize program makes ---
"$SANDLAB" node set l1 --console-size 132x43 >/dev/null
if wait_for 20 grep -q '^size 132x43$' "$DUMP/$ID"; then
	ok "node set --console-size: the open console follows"
else
	not_ok "node set --console-size: the open console follows" "$(model | head -2)"
fi
# busybox has no resize applet: ask as resize does (cursor report after
# 999;999, and CSI 18 t), then set the tty from the answer.
keys Enter
line 'printf "\0337\033[r\033[999;999H\033[6n\0338"; read -s -n 20 -d R r; r=${r#??}; stty rows ${r%;*} cols ${r#*;}; printf "\033[18t"; read -s -n 20 -d t q; echo "size: $(stty size) report: ${q#??}"'
if model_has "size: 43 132 report: 8;43;132" 30; then
	ok "132x43: the resize queries are answered; stty size says 43 132"
else
	not_ok "132x43: the resize queries are answered; stty size says 43 132" "$(model | grep size:)"
fi
# the tile (78x14) is a viewport on the 132x43 screen, right edge cut
tui_settle "132x43" 20 >/dev/null || true
if textln "$SCREEN" | grep -q "size: 43 132" && textln "$SCREEN" | grep -q '→┘'; then
	ok "the viewport follows the cursor on a larger guest screen, cut edges marked"
else
	not_ok "the viewport follows the cursor on a larger guest screen, cut edges marked" "$SCREEN"
fi
# pan: the view moves and stays; End follows the cursor again
keys C-] K K K
if tui_settle "panned" 20; then ok "H J K L pan the view"; else not_ok "H J K L pan the view" "$SCREEN"; fi
keys End
tui_settle "(H J K L pan)" 20 >/dev/null || true

# --- the stty key: the tile's size for the guest and the node ---
tx resize-window -t t -x 100 -y 32
tui_settle "l1 · running" 20 >/dev/null || true
keys t
if model_has "stty rows 19 cols 98" 20 && wait_for 20 grep -q '^size 98x19$' "$DUMP/$ID" &&
	"$SANDLAB" node show l1 | grep -q "console: *98x19"; then
	ok "the stty key types stty rows 19 cols 98 and sets the node's console size"
else
	not_ok "the stty key types stty rows 19 cols 98 and sets the node's console size" "$(model | head -3)"
fi
keys Enter
line 'clear; echo "now: $(stty size)"'
if model_has "now: 19 98" 20; then ok "the guest's stty size is the tile's"; else not_ok "the guest's stty size is the tile's" "$(model)"; fi
if tui_settle "now: 19 98" 20 && ! textln "$SCREEN" | grep -q '→┘\|↓'; then
	ok "a tile at the guest's size shows it whole"
else
	not_ok "a tile at the guest's size shows it whole" "$SCREEN"
fi

# The 90 R's were cut at 80 and the console grew and shrank since: scrolled
# back in the 98-column tile, they read whole on one row.
keys C-]
found=
for _ in 1 2 3 4 5 6 7 8 9 10; do
	keys PPage
	tui_settle "l1" 5 >/dev/null || true
	if textln "$SCREEN" | grep -qE '^│R{90} {8}│$'; then found=1; break; fi
done
if [ -n "$found" ]; then
	ok "scrolled back after two new sizes, a line cut at 80 reads whole at 98"
else
	not_ok "scrolled back after two new sizes, a line cut at 80 reads whole at 98" "$SCREEN"
fi
keys End Enter

# --- resizing the outer terminal under a full-screen program ---
line 'vi /tmp/f'
model_has "line 1 of the file" 30 || true
keys 1 0 G
tui_settle "line 10 of the file" 20 >/dev/null || true
# the console's tile, frame included (the lists above show uptimes)
tile() { sed -n '/^┌─ l1 /,$p' | sed '$d'; }
before=$(tui_cap | tile)
cp "$DUMP/$ID" "$T/model-before"
for size in 80x24 60x15 200x50 40x10 120x40 100x32; do
	tx resize-window -t t -x "${size%x*}" -y "${size#*x}"
	sleep 0.3
done
tui_settle "line 10 of the file" 20 >/dev/null || true
SCREEN=$(textln "$SCREEN" | tile)
if [ -n "$before" ] && [ "$SCREEN" = "$before" ]; then
	ok "after outer resizes under vi the screen is as before"
else
	not_ok "after outer resizes under vi the screen is as before" "$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$SCREEN") | head -20)"
fi
if cmp -s "$T/model-before" "$DUMP/$ID"; then
	ok "after outer resizes the model is unchanged (no text lost)"
else
	not_ok "after outer resizes the model is unchanged (no text lost)" "$(diff "$T/model-before" "$DUMP/$ID" | head)"
fi
keys Enter
line ':q!'
tui_settle "linux#" 20 >/dev/null || true
keys C-]

# --- sandlab console --stty: the terminal's size, on attach and on resize ---
tx new-session -d -s c -x 90 -y 20 "$SANDLAB console l1 --stty; sleep 600"
wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t c | grep -q 'stty rows 20 cols 90'" || true
# tmux answers the queries in the keeper's replay (vi's, the test's own)
# as any terminal would; what that typed goes before the test types
sleep 1
tx send-keys -t c C-u
tx send-keys -t c -l 'echo "attached: $(stty size)"'
tx send-keys -t c Enter
if wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t c | grep -q 'attached: 20 90'"; then
	ok "console --stty tells the guest the terminal's size on attach"
else
	not_ok "console --stty tells the guest the terminal's size on attach" "$(tx capture-pane -p -t c)"
fi
tx resize-window -t c -x 70 -y 15
wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t c | grep -q 'stty rows 15 cols 70'" || true
tx send-keys -t c -l 'echo "resized: $(stty size)"'
tx send-keys -t c Enter
if wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t c | grep -q 'resized: 15 70'" &&
	"$SANDLAB" node show l1 | grep -q "console: *70x15"; then
	ok "console --stty follows SIGWINCH; the node's console size follows"
else
	not_ok "console --stty follows SIGWINCH; the node's console size follows" "$(tx capture-pane -p -t c)"
fi
# every dashboard's tile of the node follows
if wait_for 20 grep -q '^size 70x15$' "$DUMP/$ID" && model_has "resized: 15 70"; then
	ok "the dashboard's console follows the new size without losing text"
else
	not_ok "the dashboard's console follows the new size without losing text" "$(model | head -3)"
fi
tx send-keys -t c C-]

done_testing
