#!/usr/bin/env bash
# tests/tui/escapes.sh: text from outside never reaches the outer terminal
# raw. A guest sets a title with control bytes and clears its screen; a
# file name with an escape sequence shows in the import form; the outer
# pane's title and screen stay the dashboard's.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
"$SANDLAB" node create e1 --image tiny --ram 32 >/dev/null
at_exit "$SANDLAB node kill e1"
"$SANDLAB" node start e1 >/dev/null

log=$(console_log e1)

tui_start 80 24
tui_settle "e1" >/dev/null
outer_title=$(tx display-message -p -t t '#{pane_title}')
# Every byte the dashboard writes from now on, raw (capture-pane drops C0
# and DEL bytes, so only the raw output can show that none was written).
tx pipe-pane -O -t t "cat >'$T/dash.raw'"
keys Enter
tui_settle "tiny login:" >/dev/null
# key NAME...: one key at a time, each once the guest has echoed it.
key() { for k in "$@"; do echo_keys "$log" "$k" || echo "# no echo of $k" >&2; done; }

# OSC 0 with a control byte inside (Ctrl-A) and BEL at the end, echoed by
# the guest: the pane's frame shows the title without the control byte
# (the terminal parser drops it); tmux's pane title is untouched.
key Escape
keys -l ']0;EVIL'
key C-a
keys -l 'TITLE'
key C-g
if tui_settle '· EVILTITLE ·' && ! LC_ALL=C grep -q $'[\x01\x07]' "$T/dash.raw" && ! grep -qF $'\e]' "$T/dash.raw" &&
	grep -qF 'EVILTITLE' "$T/dash.raw"; then
	ok "guest title shown in the pane frame without control bytes"
else
	not_ok "guest title shown without control bytes" "$SCREEN"
fi
if [ "$(tx display-message -p -t t '#{pane_title}')" = "$outer_title" ]; then ok "outer terminal title unchanged"; else not_ok "outer terminal title unchanged" "$(tx display-message -p -t t '#{pane_title}')"; fi

# The guest clears its screen and moves its cursor home: inside the pane
# only; the dashboard's frames and lists are still there.
key Escape; keys -l '[2J'; key Escape; keys -l '[H'; keys -l 'after-clear'
if tui_settle "after-clear" && text "$SCREEN" | grep -qF "Nodes (1)" &&
	! text "$SCREEN" | grep -qF "tiny login:"; then
	ok "guest escapes act inside the pane only"
else
	not_ok "guest escapes act inside the pane only" "$SCREEN"
fi
# Colours the guest asks for stay inside the pane (red text there).
key Escape; keys -l '[31m'; keys -l 'red-text'; key Escape; keys -l '[0m'
if tui_settle "red-text" 20 -e && text "$SCREEN" | grep -q $'\e\\[31mred-text'; then
	ok "guest colours drawn in the pane"
else
	not_ok "guest colours drawn in the pane" "no red cells"
fi
keys C-]

# A file whose name holds an escape sequence, completed in the import form.
touch "$T/bad"$'\e'"[41mname.qcow2"
keys i
tui_settle "Import a disk image" >/dev/null
keys -l "$T/bad"
keys Tab
if tui_settle 'bad\x1b[41mname.qcow2' 20 -e && ! text "$SCREEN" | grep -q $'\e\\[41m'; then
	ok "file name with an escape shown escaped"
else
	not_ok "file name with an escape shown escaped" "$SCREEN"
fi
keys Escape

done_testing
