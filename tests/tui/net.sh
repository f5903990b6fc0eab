#!/usr/bin/env bash
# tests/tui/net.sh: the lab's network in the real dashboard: the details
# pane shows NICs, MACs, links, NAT and forwards, and changes waiting for
# a restart (a NAT change; link changes are live); the map (m) and the
# links view (n) show nodes and links, down or impaired; a link is added
# through the form and removed with D; start all (a) and stop all (A)
# work on every node. The lab is checked through the CLI.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-net.sh"

lab_image tiny
"$SANDLAB" node create a --image tiny --ram 32 --nics 2 >/dev/null
for n in b c d; do "$SANDLAB" node create "$n" --image tiny --ram 32 >/dev/null; done
hp=$(free_port tcp)
"$SANDLAB" nic set a:eth0 --attach user >/dev/null
"$SANDLAB" nic forward a:eth0 "tcp:$hp:22" >/dev/null
"$SANDLAB" link add a:eth1 b:eth0 >/dev/null
mac_a1=$(nic_mac a 1)

# on_screen TEXT...: the settled screen holds every TEXT.
on_screen() {
	local t
	for t in "$@"; do text "$SCREEN" | grep -qF -- "$t" || return 1; done
}
links_count() { "$SANDLAB" link ls --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
states() { "$SANDLAB" node ls --json | python3 -c 'import json,sys; print(" ".join(n["state"] for n in json.load(sys.stdin)))'; }

tui_start 120 40
tui_settle "Nodes (4)" >/dev/null
# The node list has the focus, on node a.
if tui_settle "link to b:eth0" && on_screen "user (NAT) tcp 127.0.0.1:$hp->22" "$mac_a1, link to b:eth0 (udp 4"; then
	ok "details: each NIC with its MAC, its link, NAT and forward"
else
	not_ok "details: NICs" "$SCREEN"
fi
# At 80 columns the link's line is whole: its ports came last and were cut.
# Node b, whose first NIC is the link (a's second has no row at 24 lines).
ports=$("$SANDLAB" link ls --json | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]; print("%d>%d" % (l["b"]["port"], l["a"]["port"]))')
mac_b0=$(nic_mac b 0)
tx resize-window -t t -x 80 -y 24
keys Down
if tui_settle "(udp $ports)" >/dev/null && on_screen "$mac_b0, link to a:eth1 (udp $ports)"; then
	ok "details at 80x24: the link's line is whole (udp $ports)"
else
	not_ok "details at 80x24: the link's line is whole (udp $ports)" "$SCREEN"
fi
keys Up
tx resize-window -t t -x 120 -y 40
tui_settle "Nodes (4)" >/dev/null

# The link pulled, and what a sends delayed: the map and the links view
# show both.
"$SANDLAB" link set a:eth1 --down --delay 50 --out >/dev/null
keys m
if tui_settle "Map of the lab" && on_screen "eth0 NAT tcp 127.0.0.1:$hp->22" "eth1 <----> b:eth0, down, sends delay=50" \
   "eth0 <----> a:eth1, down" && ! on_screen "a:eth1, down, sends" &&
   textln "$SCREEN" | grep -Eq '│ c +stopped +eth0 -'; then
	ok "m: the map shows nodes, NICs and the link, down, with what a sends delayed"
else
	not_ok "map" "$SCREEN"
fi
# The linked pair comes first, the unlinked nodes after a blank line.
if textln "$SCREEN" | awk '/Map of the lab/,0' | grep -Eo '│ [a-d] ' | tr -d '│ \n' | grep -qx 'abcd'; then
	ok "map: linked nodes grouped first"
else
	not_ok "map order" "$SCREEN"
fi

keys n
if tui_settle "UDP ports" && textln "$SCREEN" | grep -Eq 'a:eth1 +b:eth0 +4[0-9]{4}-4[0-9]{4} +down +delay=50 +- +stopped, stopped'; then
	ok "n on the map: the links view lists the link"
else
	not_ok "links view" "$SCREEN"
fi
if on_screen "a add" "D remove" "close"; then ok "the status line shows the view's keys"; else not_ok "view hints" "$SCREEN"; fi

# Add a link through the form: the free NICs are c:eth0 and d:eth0.
keys a
if tui_settle "Add a link" && on_screen "< c:eth0 >" "< d:eth0 >"; then ok "a: the form offers the free NICs"; else not_ok "link form" "$SCREEN"; fi
keys Down Right
if tui_settle "two different nodes"; then ok "the form refuses a link from a node to itself, inline"; else not_ok "form check" "$SCREEN"; fi
keys Right Enter
if tui_settle "linked c:eth0 - d:eth0; it is used from the next start" && [ "$(links_count)" = 2 ]; then
	ok "the form adds the link"
else
	not_ok "form adds the link" "$SCREEN"
fi

# Remove it from the links view: D asks; n keeps it, y removes it.
keys n
tui_settle "c:eth0" >/dev/null
keys Down D
if tui_settle "Remove the link c:eth0 - d:eth0?"; then ok "D asks before removing"; else not_ok "D asks" "$SCREEN"; fi
keys n
if tui_settle "Nodes (4)" && ! on_screen "Remove the link" && [ "$(links_count)" = 2 ]; then ok "answering n keeps the link"; else not_ok "n keeps" "$(links_count)"; fi
keys n
tui_settle "UDP ports" >/dev/null
keys Down D
tui_settle "Remove the link" >/dev/null
keys y
if tui_settle "removed the link c:eth0 - d:eth0" && [ "$(links_count)" = 1 ] && ! on_screen "c:eth0  "; then
	ok "y removes the link"
else
	not_ok "y removes" "$SCREEN"
fi
keys Escape
if tui_settle "Nodes (4)" && ! on_screen "UDP ports"; then ok "Esc closes the view"; else not_ok "Esc closes" "$SCREEN"; fi

# The help lists the views' keys from the same table.
keys '?'
tui_settle "the links between nodes" >/dev/null || true
keys PageDown PageDown PageDown
if tui_settle "In the links view" && on_screen "add a link between two free NICs"; then ok "help lists the network keys"; else not_ok "help" "$SCREEN"; fi
keys Escape
tui_settle "Nodes (4)" >/dev/null

# Start all, a change while running, stop all (two nodes are enough).
"$SANDLAB" node rm c d >/dev/null
tui_settle "Nodes (2)" >/dev/null
keys a
if wait_for 60 bash -o pipefail -c "[ \"\$(\"$SANDLAB\" node ls --json | python3 -c 'import json,sys; print(all(n[\"state\"] == \"running\" for n in json.load(sys.stdin)))')\" = True ]"; then
	ok "a starts every node ($(states))"
else
	not_ok "start all" "$(states); screen: $(tui_cap | tail -n 3); $("$SANDLAB" node show a 2>&1 | tail -n 8)"
fi
# Links are live wires: a link removed while running waits for nothing,
# a NAT change still waits for a restart.
"$SANDLAB" link rm a:eth1 >/dev/null
if tui_settle "$mac_a1, none" && ! on_screen "$mac_a1, none; at restart"; then
	ok "details: a link removed while running is gone at once, nothing pending"
else
	not_ok "link rm while running" "$SCREEN"
fi
"$SANDLAB" nic set a:eth1 --attach user >/dev/null
if tui_settle "; at restart" && on_screen "$mac_a1, user (NAT); at restart"; then
	ok "details: a NIC moved to NAT while running waits for a restart"
else
	not_ok "pending in details" "$SCREEN"
fi
keys A
if tui_settle "Stop all 2 running nodes?"; then ok "A asks before stopping all"; else not_ok "A asks" "$SCREEN"; fi
keys y
# The tiny guest ignores ACPI: each stop waits out the grace period.
if wait_for 100 bash -o pipefail -c "[ \"\$(\"$SANDLAB\" node ls --json | python3 -c 'import json,sys; print(all(n[\"state\"] == \"stopped\" for n in json.load(sys.stdin)))')\" = True ]"; then
	ok "A stops every node"
else
	not_ok "stop all" "$(states)"
fi
keys q
if tui_settle "DASHBOARD-EXITED 0"; then ok "quits cleanly"; else not_ok "quit" "$SCREEN"; fi

run_done
