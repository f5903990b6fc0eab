#!/usr/bin/env bash
# tests/tui/forms-live.sh: checks before a form or question, on a running
# node (the tiny guest, real QEMU under TCG), at 80x24 with a name as long
# as names may be: e and D refuse at once, in the dashboard's words (its
# keys, no CLI options), and open nothing; the stop-all question and the
# details' state line (with the accelerator's reason) are whole on screen;
# Enter on the running node's tile types into it.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"
source "$TOP/tests/lib-run.sh"

N=node-with-a-long-name-that-goes-on-and-on-until-sixty-three-cha
lab_image tiny
"$SANDLAB" node create "$N" --image tiny --ram 32 --nics 0 >/dev/null
at_exit "$SANDLAB node kill $N"
"$SANDLAB" node start "$N" >/dev/null

tui_start 80 24
tui_settle "running" >/dev/null || true

keys e
if tui_settle "e edits it" && tui_whole "$N is running: stop it first (S), then e edits it" &&
	! text "$SCREEN" | grep -qF "Edit the node"; then
	ok "e on a running node says at once why not and what to do"
else
	not_ok "e on a running node says at once why not and what to do" "$SCREEN"
fi
keys D
if tui_settle "D deletes it" && tui_whole "$N is running: stop it first (S), then D deletes it" &&
	! text "$SCREEN" | grep -qF "cannot be undone" && ! text "$SCREEN" | grep -qF "sandlab node"; then
	ok "D on a running node says so before asking"
else
	not_ok "D on a running node says so before asking" "$SCREEN"
fi
keys A
if tui_settle "Stop all nodes" &&
	tui_whole "Stop all 1 running node? Each gets an ACPI powerdown, then harder after 30 s." &&
	tui_whole "y: yes n or Esc: no"; then
	ok "the stop-all question is whole"
else
	not_ok "the stop-all question is whole" "$SCREEN"
fi
keys n
tui_settle "Details" >/dev/null || true
# The state line with the accelerator and, when it fell back, why.
accel=$(run_get "$N" accel)
why=$(run_get "$N" accel_why)
want="running with $accel${why:+ ($why)}"
if tui_settle "running with" && tui_whole "$want"; then
	ok "the details' state line is whole"
else
	not_ok "the details' state line is whole" "want: $want; $SCREEN"
fi
keys Enter
if tui_settle "typing, C-] leaves"; then
	ok "Enter on a running node types into its tile"
else
	not_ok "Enter on a running node types into its tile" "$SCREEN"
fi

done_testing
