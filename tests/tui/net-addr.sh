#!/usr/bin/env bash
# tests/tui/net-addr.sh: link ends off 127.0.0.1 (link set --address,
# as an end on another host has) in an 80x24 dashboard. The map writes
# the address beside the end it belongs to, on both nodes' rows; the
# links view's row of a short-named link fits 80 columns whole (state
# column included), its bottom line says where the moved end listens,
# and when both ends of a link are moved and the line would be cut, it
# takes two lines, each whole, with the links' rows still shown. The
# addresses and ports are the test's own.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-net.sh"

lab_image tiny
for n in a b router-01 switch-02; do "$SANDLAB" node create "$n" --image tiny --ram 32 --nics 1 >/dev/null; done
"$SANDLAB" link add a:eth0 b:eth0 >/dev/null
"$SANDLAB" link add router-01:eth0 switch-02:eth0 >/dev/null
pb=$(free_port udp)
pr=$(free_port udp)
while [ "$pr" = "$pb" ]; do pr=$(free_port udp); done
ps=$(free_port udp)
while [ "$ps" = "$pb" ] || [ "$ps" = "$pr" ]; do ps=$(free_port udp); done
check "b's end moves to 127.0.0.9:$pb" "$SANDLAB" link set b:eth0 --address 127.0.0.9 --port "$pb"
check "router-01's end moves to 127.0.0.8:$pr" "$SANDLAB" link set router-01:eth0 --address 127.0.0.8 --port "$pr"
check "switch-02's end moves to 127.0.0.9:$ps" "$SANDLAB" link set switch-02:eth0 --address 127.0.0.9 --port "$ps"
pa=$("$SANDLAB" link ls --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["a"]["port"])')

on_screen() {
	local t
	for t in "$@"; do text "$SCREEN" | grep -qF -- "$t" || return 1; done
}

tui_start 80 24
tui_settle "Nodes (4)" >/dev/null
keys n
tui_settle "UDP ports" >/dev/null
# The row: every column, the last one whole, inside the frame.
if textln "$SCREEN" | grep -Eq "│ a:eth0 +b:eth0 +$pa-$pb +up +- +- +stopped, stopped +│ │$"; then
	ok "80x24: the links view's row of a:eth0 - b:eth0 is whole, state column included"
else not_ok "links row at 80x24" "$SCREEN"; fi
if on_screen "b:eth0 listens on 127.0.0.9:$pb" && ! on_screen "a:eth0 listens on"; then
	ok "80x24: the bottom line says where b's end listens"
else not_ok "bottom line at 80x24" "$SCREEN"; fi
keys Down
want1="router-01:eth0 listens on 127.0.0.8:$pr"
want2="switch-02:eth0 listens on 127.0.0.9:$ps"
if tui_settle "$want2" && on_screen "$want1" && ! on_screen "$want1; " &&
   [ "$(textln "$SCREEN" | grep -cE "(a:eth0 +b:eth0|router-01:eth0 +switch-02:eth0) +[0-9]+-[0-9]+ +up +- +- +stopped, stopped")" = 2 ]; then
	ok "80x24: both ends moved, the bottom text takes two whole lines and both rows stay"
else not_ok "two-line bottom at 80x24" "$SCREEN"; fi
keys m
tui_settle "Map of the lab" >/dev/null
# map_rows NODE: the NIC column of NODE's rows on the map (its first
# row, and those under it that name no node), the columns and the frame
# found from the map's header.
map_rows() {
	text "$SCREEN" | python3 -c 'import sys
lines = sys.stdin.read().split("\n")
head = next(l for l in lines if "NICs and what they attach to" in l)
nc, sc = head.index("NICs and what"), head.index("state")
# The map frame: the last border before "node", the first after the NICs.
left, right = head.rindex("\u2502", 0, head.index("node")), head.index("\u2502", nc)
on = False
for l in lines:
    node, nic = l[left + 1:sc].strip(), l[nc:right].rstrip()
    if node.split() == [sys.argv[1]]:
        on = True
        print(nic)
    elif on and node == "" and nic != "":
        print(nic)
    else:
        on = False' "$1"
}
if [ "$(map_rows a)" = "$(printf 'eth0 <----> b:eth0\n  b:eth0 at 127.0.0.9:%s' "$pb")" ] &&
   [ "$(map_rows b)" = "$(printf 'eth0 <----> a:eth0\n  eth0 at 127.0.0.9:%s' "$pb")" ] &&
   [ "$(map_rows router-01)" = "$(printf 'eth0 <----> switch-02:eth0\n  eth0 at 127.0.0.8:%s\n  switch-02:eth0 at 127.0.0.9:%s' "$pr" "$ps")" ] &&
   [ "$(map_rows switch-02)" = "$(printf 'eth0 <----> router-01:eth0\n  eth0 at 127.0.0.9:%s\n  router-01:eth0 at 127.0.0.8:%s' "$ps" "$pr")" ]; then
	ok "80x24 map: each end off 127.0.0.1 on a whole row of its own under the NIC, on both nodes"
else not_ok "map addresses" "$(map_rows a; map_rows b; map_rows router-01; map_rows switch-02) $SCREEN"; fi
check "b's end goes back to 127.0.0.1" "$SANDLAB" link set b:eth0 --address 127.0.0.1
if tui_settle "Map of the lab" && wait_for 20 sh -c '! tmux -L "$0" -f /dev/null capture-pane -p -t t | grep -qF "127.0.0.9:$1"' "$TMUX_SOCK" "$pb"; then
	ok "back on 127.0.0.1, the map shows no address for b"
else not_ok "map address gone" "$(tui_cap)"; fi
# Escape closes the map first: there q is not quit, and tui_quit would
# wait 10 s for an exit that does not come before it tries Escape itself.
keys Escape
tui_settle "Nodes (" >/dev/null || true
tui_quit
run_done
