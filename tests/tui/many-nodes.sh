#!/usr/bin/env bash
# tests/tui/many-nodes.sh: the node list of a big lab (MANY_NODES nodes,
# made by `lab import` of a generated lab file) at 200x50. End shows the
# last node; nodes that other processes create, rename and remove appear,
# move and go without a key press (the dashboard re-reads only the nodes
# the lab's change log names, ui/model.c); the selection stays on the same
# node, by id, while rows are added before it. `/` finds a node in the
# middle by part of its name. Nodes created before the selection far
# down keep it where it is, and the images pane's USED column follows
# them. The selected node removed elsewhere passes the selection to the
# row that takes its place; renames move rows out of and into the window;
# a find stays on its match while rows move; the NAME column widens for
# a long name made elsewhere and narrows back when it goes. The selected
# node is read from the details pane's first line ("node NAME").
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

N=${MANY_NODES:-2000}

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
python3 -c '
import sys
n = int(sys.argv[1])
print("sandlab-lab 1")
for i in range(1, n + 1):
    print("node n%05d image=tiny ram=64" % i)
' "$N" >"$T/lab.txt"
"$SANDLAB" lab import "$T/lab.txt" >/dev/null
last=$(printf 'n%05d' "$N")

# selected: the name on the details pane's "node" line.
selected() { tui_cap | sed -n 's/.*│ *node  *\([^ │]*\).*/\1/p' | head -n 1; }
# sel_is NAME: waits until NAME is the selected node.
sel_is() { wait_for 20 sh -c "[ \"\$(tmux -L $TMUX_SOCK capture-pane -p -t t | sed -n 's/.*│ *node  *\([^ │]*\).*/\1/p' | head -n 1)\" = '$1' ]"; }
# shown TEXT: waits until TEXT is on the screen (no key is pressed).
shown() { wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -qF -- '$1'"; }
gone() { wait_for 20 sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t t | grep -qF -- '$1'"; }

tui_start 200 50
if tui_settle "Nodes ($N)" 60; then ok "the title counts $N nodes"; else not_ok "title" "$(tui_cap | head -n 3)"; fi
if [ "$(selected)" = n00001 ]; then ok "the first node is selected"; else not_ok "first" "selected: $(selected)"; fi
if ! text "$SCREEN" | grep -qF "$last"; then ok "the last node is not shown at first"; else not_ok "last hidden" "$SCREEN"; fi

keys End
if sel_is "$last" && shown "│ $last "; then ok "End selects and shows the last node, $last"; else not_ok "End" "selected: $(selected)"; fi
keys Home
if sel_is n00001; then ok "Home goes back to the first"; else not_ok "Home" "selected: $(selected)"; fi

# Find (/): a node in the middle by part of its name; Down finds the next
# one; Esc goes back to where the selection was; a character no name
# holds is refused with a message.
mid=$(printf 'n%05d' $((N / 2 + 7)))
keys /
tui_settle "Find a node" >/dev/null || true
keys -l "${mid#n}"
if sel_is "$mid" && shown "│ $mid "; then ok "find: typing ${mid#n} selects and shows $mid"; else not_ok "find" "selected: $(selected)"; fi
keys Enter
if gone "Find a node" && [ "$(selected)" = "$mid" ]; then ok "find: Enter keeps $mid"; else not_ok "find Enter" "selected: $(selected)"; fi
keys Home /
tui_settle "Find a node" >/dev/null || true
keys -l 0002
if sel_is n00002; then ok "find: 0002 from the top selects n00002"; else not_ok "find 0002" "selected: $(selected)"; fi
keys Down
if sel_is n00020; then ok "find: Down selects the next holding it, n00020"; else not_ok "find Down" "selected: $(selected)"; fi
keys -l '*'
if shown "names hold letters, digits"; then ok "find: a character no name holds is refused"; else not_ok "find refuses *" "$(tui_cap | grep -F Find -A3)"; fi
keys -l zzz
if shown "no node name holds this" && [ "$(selected)" = n00020 ]; then ok "find: no match says so and keeps the selection"
else not_ok "find no match" "selected: $(selected)"; fi
keys Escape
if gone "Find a node" && sel_is n00001; then ok "find: Esc goes back to n00001"; else not_ok "find Esc" "selected: $(selected)"; fi
keys Down Down Down
if sel_is n00004; then ok "three rows down: n00004"; else not_ok "Down" "selected: $(selected)"; fi

# Created by another process, named to sort first: shown at the top, and
# the selection stays on n00004 although its row moved down by one.
"$SANDLAB" node create a-made-elsewhere --image tiny --ram 32 >/dev/null
if shown "│ a-made-elsewhere " && shown "Nodes ($((N + 1)))"; then ok "a node created elsewhere appears without a key"
else not_ok "created elsewhere" "$(tui_cap | head -n 6)"; fi
if [ "$(selected)" = n00004 ]; then ok "the selection stays on n00004"; else not_ok "selection kept" "selected: $(selected)"; fi

# The selected node renamed elsewhere: the selection follows it (by id) to
# its new place at the end of the list.
"$SANDLAB" node rename n00004 zz-renamed >/dev/null
if sel_is zz-renamed && shown "│ zz-renamed " && gone "│ n00004 "; then ok "a rename elsewhere moves the row; the selection follows it"
else not_ok "renamed elsewhere" "selected: $(selected)"; fi

# Removed elsewhere: the row goes and the count with it.
"$SANDLAB" node rm a-made-elsewhere >/dev/null
if gone "│ a-made-elsewhere " && shown "Nodes ($N)"; then ok "a node removed elsewhere disappears"
else not_ok "removed elsewhere" "$(tui_cap | head -n 6)"; fi
if [ "$(selected)" = zz-renamed ]; then ok "the selection stays on zz-renamed"; else not_ok "selection after rm" "selected: $(selected)"; fi

# Many changes at once (more than the change log keeps for the dashboard
# is not needed: a burst of renames) all show.
for i in 1 2 3; do "$SANDLAB" node rename "$(printf 'n%05d' $((i + 10)))" "b-burst$i" >/dev/null; done
keys Home
if shown "│ b-burst1 " && shown "│ b-burst3 " && gone "│ n00011 "; then ok "a burst of renames shows whole"
else not_ok "burst" "$(tui_cap | head -n 8)"; fi

# Far from the top: End selects the last node; nodes created elsewhere
# that sort first shift the rows, and the selection stays on the last
# node, still shown. The image's USED column (the images pane's row of
# tiny) counts the new nodes and the removed one without a key.
keys End
if sel_is zz-renamed; then ok "End selects the last node, zz-renamed"; else not_ok "End again" "selected: $(selected)"; fi
used_is() { wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -q '^│ tiny .* $1 *│'"; }
"$SANDLAB" node create a-early1 --image tiny --ram 32 >/dev/null
"$SANDLAB" node create a-early2 --image tiny --ram 32 >/dev/null
if shown "Nodes ($((N + 2)))" && [ "$(selected)" = zz-renamed ] && shown "│ zz-renamed "; then
	ok "two nodes created elsewhere before it: zz-renamed stays selected and shown"
else not_ok "created before the end" "selected: $(selected)"; fi
if used_is $((N + 2)); then ok "tiny's USED column counts them: $((N + 2))"; else not_ok "used +2" "$(tui_cap | grep -F '│ tiny ')"; fi
"$SANDLAB" node rm a-early1 >/dev/null
if shown "Nodes ($((N + 1)))" && used_is $((N + 1)) && [ "$(selected)" = zz-renamed ]; then
	ok "one removed elsewhere: counted out, zz-renamed stays selected"
else not_ok "removed before the end" "selected: $(selected); $(tui_cap | grep -F '│ tiny ')"; fi
keys Home
if sel_is a-early2 && shown "│ a-early2 " && gone "│ a-early1 "; then ok "Home: a-early2 is first, a-early1 gone"
else not_ok "Home after early create" "selected: $(selected)"; fi
"$SANDLAB" node rm a-early2 >/dev/null
if shown "Nodes ($N)" && used_is "$N"; then ok "back to $N nodes, tiny used by $N"; else not_ok "back to N" "$(tui_cap | head -n 4)"; fi

# 70 nodes at once (more than the dashboard re-reads one by one: it reads
# all then), by another lab import.
python3 -c '
print("sandlab-lab 1")
for i in range(1, 71):
    print("node a-bulk%03d image=tiny ram=64" % i)
' >"$T/bulk.txt"
"$SANDLAB" lab import "$T/bulk.txt" >/dev/null
# Home only once they are read: before, it would select the first row of
# the old list, and the selection would stay on that node.
if shown "Nodes ($((N + 70)))"; then ok "70 nodes imported elsewhere are counted"; else not_ok "bulk count" "$(tui_cap | head -n 3)"; fi
keys Home
if sel_is a-bulk001 && shown "│ a-bulk001 "; then ok "70 nodes imported elsewhere: the first is at the top"
else not_ok "bulk" "selected: $(selected)"; fi

# The first six rows of the node list, top down: their names (the nodes
# pane is right of the images pane: its rows follow "││ ").
rows() { tui_cap | sed -n 's/.*││ \([a-z][a-z0-9-]*\)  *[a-z].*/\1/p' | head -n 6 | tr '\n' ' '; }
rows_now() { [ "$(rows)" = "$1" ]; }
rows_are() { wait_for 20 rows_now "$1"; }

# The selected row removed elsewhere: the row that took its place is
# selected, a-bulk004.
keys Down Down
if sel_is a-bulk003; then ok "two rows down: a-bulk003"; else not_ok "down to a-bulk003" "selected: $(selected)"; fi
"$SANDLAB" node rm a-bulk003 >/dev/null
if rows_are "a-bulk001 a-bulk002 a-bulk004 a-bulk005 a-bulk006 a-bulk007 " && sel_is a-bulk004; then
	ok "the selected node removed elsewhere: a-bulk004 takes its row and the selection"
else not_ok "rm of the selected" "selected: $(selected); rows: $(rows)"; fi

# A shown row renamed elsewhere to sort past the window leaves it; a node
# far below renamed to sort first comes into it; the selection stays.
"$SANDLAB" node rename a-bulk002 zz-moved-out >/dev/null
"$SANDLAB" node rename "$(printf 'n%05d' $((N - 5)))" a-bulk000 >/dev/null
if rows_are "a-bulk000 a-bulk001 a-bulk004 a-bulk005 a-bulk006 a-bulk007 " && [ "$(selected)" = a-bulk004 ]; then
	ok "renames elsewhere move rows out of and into the window; a-bulk004 stays selected"
else not_ok "rename across the window" "selected: $(selected); rows: $(rows)"; fi

# While find is open on a match, a node created and one removed elsewhere
# before it move its row: the match stays selected, and Enter keeps it.
keys /
tui_settle "Find a node" >/dev/null || true
keys -l bulk01
if sel_is a-bulk010; then ok "find: bulk01 selects a-bulk010"; else not_ok "find bulk01" "selected: $(selected)"; fi
"$SANDLAB" node create a-bulk0005 --image tiny --ram 32 >/dev/null
"$SANDLAB" node rm a-bulk001 >/dev/null
if rows_are "a-bulk000 a-bulk0005 a-bulk004 a-bulk005 a-bulk006 a-bulk007 " && [ "$(selected)" = a-bulk010 ] &&
	screen_has "Find a node"; then
	ok "find: changes elsewhere before the match keep a-bulk010 selected, find still open"
else not_ok "find and changes" "selected: $(selected); rows: $(rows)"; fi
keys Enter
if gone "Find a node" && [ "$(selected)" = a-bulk010 ]; then ok "find: Enter keeps a-bulk010"; else not_ok "find Enter after changes" "selected: $(selected)"; fi

# The widest name made and removed elsewhere: the NAME column widens for
# it (36 characters: 37 columns) and narrows back to the widest left,
# zz-moved-out (12: 13 columns), when it goes. The widths are counted as
# nodes come and go, not measured again.
narrow="││ NAME          STATE    ACCEL"
wide="││ NAME                                  STATE    ACCEL"
if shown "$narrow"; then ok "the NAME column fits zz-moved-out"; else not_ok "narrow" "$(tui_cap | grep -m1 -F NAME)"; fi
"$SANDLAB" node create a-long-name-of-thirty-six-characters --image tiny --ram 32 >/dev/null
if shown "$wide"; then ok "a 36-character name made elsewhere widens the NAME column"; else not_ok "wide" "$(tui_cap | grep -m1 -F NAME)"; fi
"$SANDLAB" node rm a-long-name-of-thirty-six-characters >/dev/null
if shown "$narrow"; then ok "removed elsewhere: the NAME column narrows back"; else not_ok "narrow again" "$(tui_cap | grep -m1 -F NAME)"; fi

tui_quit
done_testing
