#!/usr/bin/env bash
# tests/tui/forms-live.sh: checks before a form or question, on a running
# node (the tiny guest, real QEMU under TCG), at 80x24 with a name as long
# as names may be: e opens the node's machine, whose change is saved and
# shown pending a restart, and its node page says why it waits for a
# stop; a disk added on its disks page waits for the restart too; D refuses at once, in the dashboard's words (its keys, no CLI
# options), and opens nothing; the stop-all question and the
# details' state line (with the accelerator's reason) are whole on screen;
# Enter on the running node's tile types into it.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"
source "$TOP/tests/lib-run.sh"

N=node-with-a-long-name-that-goes-on-and-on-until-sixty-three-cha
lab_image tiny
# machine_of NODE FIELD: a field of the machine in node show --json, or
# with "pending", whether a change waits for a restart.
machine_of() {
	local json
	json=$("$SANDLAB" node show "$1" --json) || return 1
	text "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["machine_pending_restart"] if sys.argv[1] == "pending" else d["machine"][sys.argv[1]])' "$2"
}
"$SANDLAB" node create "$N" --image tiny --ram 32 --nics 0 >/dev/null
at_exit "$SANDLAB node kill $N"
"$SANDLAB" node start "$N" >/dev/null

tui_start 80 24
tui_settle "running" >/dev/null || true

# e opens the running node's machine: a change is saved, pending a
# restart; the node's own page says at once why it waits for a stop.
keys e
if tui_settle "Edit the node: Machine (2/3)" && text "$SCREEN" | grep -qF "< pc >"; then
	ok "e on a running node opens its machine"
else
	not_ok "e on a running node opens its machine" "$SCREEN"
fi
# Machine: pc -> q35.
keys Down Right
tui_settle "< q35 >" >/dev/null || true
keys Enter
if tui_settle "next start" && tui_whole "saved node $N: its machine changes at the next start" &&
	[ "$(machine_of "$N" machine)" = q35 ] && [ "$(machine_of "$N" pending)" = True ]; then
	ok "a running node's machine is saved, pending a restart"
else
	not_ok "a running node's machine is saved, pending a restart" \
		"$("$SANDLAB" node show "$N" 2>&1); $SCREEN"
fi
# The details pane marks it, even at 80x24 under a long state line.
if tui_settle "when it restarts" && tui_whole "hardware machine q35, changed: takes effect when it restarts"; then
	ok "the details pane marks a machine change waiting for a restart"
else
	not_ok "the details pane marks a machine change waiting for a restart" "$SCREEN"
fi
keys e
keys PageUp
if tui_settle "Edit the node: Node (1/3)" &&
	tui_whole "$N is running: stop it first (S), then change this page"; then
	ok "the node's page of a running node says at once why not and what to do"
else
	not_ok "the node's page of a running node says at once why not and what to do" "$SCREEN"
fi
# A disk added to the running node (two pages on, the disks') is saved
# and waits for the restart, as node set --disk does.
keys PageUp
tui_settle "Edit the node: Disks (3/3)" >/dev/null || true
keys -l "16M"
keys Enter
if tui_settle "next start" && tui_whole "saved node $N: its machine changes at the next start" &&
	[ "$(text "$("$SANDLAB" node show "$N" --json)" | python3 -c 'import json, sys; print([x["disk"] for x in json.load(sys.stdin)["disks"]])')" = "['16M']" ]; then
	ok "a disk added to a running node is saved, waiting for a restart"
else
	not_ok "a disk added to a running node is saved, waiting for a restart" \
		"$("$SANDLAB" node show "$N" 2>&1); $SCREEN"
fi
tui_settle "Details" >/dev/null || true
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
if tui_settle "C-] leave"; then
	ok "Enter on a running node types into its tile"
else
	not_ok "Enter on a running node types into its tile" "$SCREEN"
fi

done_testing
