#!/usr/bin/env bash
# tests/tui/forms.sh: the forms and questions at 80x24 (no guest runs):
# the import form lists a folder's files on Tab and lets the user pick
# one, says a taken image name while it is typed (in the form's words),
# leaves no stale frame after a failed import (nor after C-l); the create
# form starts on a sensible image; Enter on a stopped node opens its tile
# without typing into it; and every message walked here is whole on the
# screen (wrapped, not cut).
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

# Names as long as names may be (63), so that every message must wrap.
LONG_IMG=image-with-a-long-name-that-goes-on-and-on-until-sixty-three-ch
LONG_NODE=node-with-a-long-name-that-goes-on-and-on-until-sixty-three-cha
# Two images, the first by name a stand-in for the flood test guest.
"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name aflood >/dev/null 2>&1
"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name "$LONG_IMG" >/dev/null 2>&1
"$SANDLAB" node create "$LONG_NODE" --image "$LONG_IMG" --ram 32 --nics 0 >/dev/null
"$SANDLAB" node create t1 --image tiny --ram 32 --nics 0 >/dev/null

# A folder to import from: two images, a FIFO and a folder.
mkdir "$T/src" "$T/src/sub"
cp "$TOP/images/tiny.qcow2" "$T/src/alpha.qcow2"
cp "$TOP/images/tiny.qcow2" "$T/src/beta.img"
mkfifo "$T/src/pipe"
printf 'QFI\373\0\0\0\3' >"$T/src/cut.qcow2"

# title_count TEXT: how many rows of the screen hold TEXT.
title_count() { tui_cap | grep -cF -- "$1" || true; }

tui_start 80 24
tui_settle "t1" >/dev/null

# ---- the import form ----
keys i
tui_settle "Import a disk image" >/dev/null || true
keys -l "$T/src/"
keys Tab
if tui_settle "4 here" && text "$SCREEN" | grep -qF "alpha.qcow2" &&
	text "$SCREEN" | grep -qF "beta.img" && text "$SCREEN" | grep -qF "cut.qcow2" &&
	text "$SCREEN" | grep -qF "sub/" && ! text "$SCREEN" | grep -qF "pipe" &&
	! text "$SCREEN" | grep -qF "a folder: Tab lists"; then
	ok "Tab on a folder lists its files and folders (not a FIFO)"
else
	not_ok "Tab on a folder lists its files and folders (not a FIFO)" "$SCREEN"
fi
keys Tab Tab
# The screen shows the real path: "<T>" (the masked form) never showed,
# and its 5 s ran out every time when it was tried first.
if tui_settle "$T/src/beta.img" 20 || tui_settle "<T>/src/beta.img" 5; then
	ok "Tab picks from the list, in order"
else
	not_ok "Tab picks from the list, in order" "$SCREEN"
fi
keys Enter
# The form shrinks back: nothing of the list nor of its old frame stays.
if tui_settle "Name" && ! text "$SCREEN" | grep -qF "4 here" &&
	text "$SCREEN" | grep -qF "$T/src/beta.img" && ! text "$SCREEN" | grep -qF "alpha.qcow2" &&
	[ "$(title_count "Import a disk image")" = 1 ]; then
	ok "Enter takes the pick and closes the list"
else
	not_ok "Enter takes the pick and closes the list" "$SCREEN"
fi
# The name, while it is typed: taken (any case) is said at once.
keys Down
keys -l "TINY"
if tui_settle "TINY" && tui_whole "an image named tiny exists already: type another name" &&
	! text "$SCREEN" | grep -qF -- "--name"; then
	ok "a taken image name is said while typing, in the form's words"
else
	not_ok "a taken image name is said while typing, in the form's words" "$SCREEN"
fi
keys BSpace BSpace BSpace BSpace
keys -l "beta2"
tui_settle "beta2" >/dev/null || true
if ! text "$SCREEN" | grep -qF "exists already"; then
	ok "a free name clears the complaint"
else
	not_ok "a free name clears the complaint" "$SCREEN"
fi
# A failed import: its message whole, one frame only, also after C-l.
keys Up C-u
keys -l "$T/src/cut.qcow2"
keys Enter
if tui_settle "cannot import" && tui_whole "cannot import $T/src/cut.qcow2:" &&
	[ "$(title_count "Import a disk image")" = 1 ]; then
	ok "a failed import leaves one frame and its whole message"
else
	not_ok "a failed import leaves one frame and its whole message" "$SCREEN"
fi
keys C-l
tui_settle "cannot import" >/dev/null || true
if [ "$(title_count "Import a disk image")" = 1 ] && [ "$(title_count "Images (")" = 1 ]; then
	ok "C-l repaints under an open form"
else
	not_ok "C-l repaints under an open form" "$SCREEN"
fi
keys Escape
tui_settle "Nodes (" >/dev/null || true
if ! "$SANDLAB" image ls | grep -qw beta2; then
	ok "the failed import added no image"
else
	not_ok "the failed import added no image" "$("$SANDLAB" image ls)"
fi

# ---- the create form starts on a sensible image ----
# On the nodes pane with t1 selected: t1's image, not the first by name.
keys End
keys c
if tui_settle "Create a node" && text "$SCREEN" | grep -qF "< tiny >"; then
	ok "the create form starts on the selected node's image"
else
	not_ok "the create form starts on the selected node's image" "$SCREEN"
fi
# A bad name: the check's message whole at 80 columns.
keys -l "b@d"
if tui_settle "b@d" && tui_whole "$("$SANDLAB" node create "b@d" --image tiny 2>&1 |
	sed 's/^sandlab: //')"; then
	ok "a name error is whole in the form"
else
	not_ok "a name error is whole in the form" "$SCREEN"
fi
keys Escape
tui_settle "Nodes (" >/dev/null || true

# ---- Enter on a stopped node ----
keys Enter
if tui_settle "s starts it" && ! text "$SCREEN" | grep -qF "typing,"; then
	ok "Enter on a stopped node opens its tile without typing into it"
else
	not_ok "Enter on a stopped node opens its tile without typing into it" "$SCREEN"
fi
keys x
tui_settle "Nodes (" >/dev/null || true

# ---- messages at 80 columns ----
keys Home
keys D
if tui_settle "Delete node" &&
	tui_whole "Delete node $LONG_NODE and its disk? This cannot be undone." &&
	tui_whole "y: yes n or Esc: no"; then
	ok "the delete question is whole"
else
	not_ok "the delete question is whole" "$SCREEN"
fi
keys n
tui_settle "Nodes (" >/dev/null || true
keys BTab
keys Home Down D
if tui_settle "delete those first" &&
	tui_whole "image $LONG_IMG is used by 1 node: delete those first"; then
	ok "a long status message wraps onto more rows"
else
	not_ok "a long status message wraps onto more rows" "$SCREEN"
fi
keys Down
if tui_settle "Images (" && [ "$(tui_cap | tail -n 2 | grep -c 'delete those first')" = 0 ] &&
	tui_cap | tail -n 2 | head -n 1 | grep -q '┘'; then
	ok "the status line is one row again once the message is gone"
else
	not_ok "the status line is one row again once the message is gone" "$(tui_cap)"
fi
# The link form with no free NIC: its complaint whole.
keys n
tui_settle "Links" >/dev/null || true
keys a
if tui_settle "Add a link" &&
	tui_whole "no NIC is free: give a node more NICs (e), or remove a link or NAT from one"; then
	ok "the link form's complaint is whole"
else
	not_ok "the link form's complaint is whole" "$SCREEN"
fi
keys Escape
# the form closes (waiting for "Links" to come back ran out its 20 s)
wait_for 20 sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t t | grep -qF 'Add a link'" || true
keys Escape
tui_settle "Nodes (" >/dev/null || true

done_testing
