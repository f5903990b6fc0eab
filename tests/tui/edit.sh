#!/usr/bin/env bash
# tests/tui/edit.sh: the edit form saves a node's resources and its new
# name in one transaction: when the rename fails at submit (the name was
# taken elsewhere while the form was open), the RAM change is not saved
# either; with a free name both are.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
"$SANDLAB" node create r1 --image tiny --ram 32 >/dev/null

ram_of() { "$SANDLAB" node show "$1" --json | sed -n 's/.*"ram_mb": \([0-9]*\).*/\1/p'; }

tui_start 80 24
tui_settle "r1" >/dev/null
keys e
tui_settle "Edit the node" >/dev/null || true
# The name field is focused and fresh: typing replaces it; so does the RAM.
keys -l "late"
keys Tab
keys -l "48"
tui_settle "late" >/dev/null || true
# The name is taken while the dashboard is stopped, so its model does not
# know yet: the form's own check passes and the core's rename refuses. On
# SIGCONT the loop reads the terminal before the lab's change note.
pid=$(tui_pid)
kill -STOP "$pid"
"$SANDLAB" node create late --image tiny --ram 32 >/dev/null
keys Enter
sleep 0.3
kill -CONT "$pid"
if tui_settle "already exists" && [ "$(ram_of r1)" = 32 ]; then
	ok "a failed rename leaves the node as it was"
else
	not_ok "a failed rename leaves the node as it was" "ram $(ram_of r1); $SCREEN"
fi
keys BTab
keys -l "r2"
keys Enter
if tui_settle "saved node r2" && [ "$(ram_of r2)" = 48 ]; then
	ok "the edit saves the new name and RAM together"
else
	not_ok "the edit saves the new name and RAM together" "$("$SANDLAB" node ls 2>&1); $SCREEN"
fi

done_testing
