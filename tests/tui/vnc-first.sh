#!/usr/bin/env bash
# tests/tui/vnc-first.sh: a node whose console is VNC (node create|set
# --console vnc) in the real dashboard: Enter opens no serial tile but
# says where its screen is (the running node's address and password, as
# sandlab vnc gives them; a stopped one how to get there), and the
# details pane says it works in VNC; a serial node still opens its tile.
# NICs with port names (a template's, through a lab file) show them in
# the details pane and the links view.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"
source "$TOP/tests/lib-run.sh"

lab_image tiny
"$SANDLAB" node create a-vnc --image tiny --ram 32 --nics 0 --console vnc >/dev/null
"$SANDLAB" node create b-vnc --image tiny --ram 32 --nics 0 >/dev/null
"$SANDLAB" node set b-vnc --console vnc >/dev/null
"$SANDLAB" node create c-ser --image tiny --ram 32 --nics 0 --console vnc >/dev/null
"$SANDLAB" node set c-ser --console serial >/dev/null
printf 'sandlab-lab 1\ntemplate rt image=tiny nics=2 port-format=Gi0/{0}\nnode p1 image=tiny ram=32 cpus=1 accel=auto template=rt\nnic p1:eth0 port=Gi0/0\nnic p1:eth1 port=Gi0/1\nnode p2 image=tiny ram=32 cpus=1 accel=auto\nnic p2:eth0 port=uplink\nlink p1:eth1 p2:eth0\n' >"$T/ports.lab"
"$SANDLAB" lab import "$T/ports.lab" >/dev/null
at_exit "$SANDLAB node kill b-vnc"
"$SANDLAB" node start b-vnc >/dev/null
addr=$("$SANDLAB" vnc b-vnc --json | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["address"])')
pass=$("$SANDLAB" vnc b-vnc --json | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["password"])')

on_screen() {
	local t
	for t in "$@"; do text "$SCREEN" | grep -qF -- "$t" || return 1; done
}

tui_start 200 50
tui_settle "Nodes (5)" >/dev/null || true
keys Home
if tui_settle "VNC (Enter gives its address); serial 80x24"; then
	ok "details: a VNC node says it works in VNC"
else
	not_ok "details: a VNC node says it works in VNC" "$SCREEN"
fi
keys Enter
if tui_settle "a-vnc works in VNC: s starts it, then Enter (or sandlab vnc a-vnc) gives its address" &&
	! on_screen "a-vnc ·"; then
	ok "Enter on a stopped VNC node: no tile, how to reach its screen"
else
	not_ok "Enter on a stopped VNC node: no tile, how to reach its screen" "$SCREEN"
fi
keys Down Enter
if tui_settle "b-vnc works in VNC: $addr, password $pass (sandlab vnc b-vnc)" && ! on_screen "b-vnc ·"; then
	ok "Enter on a running VNC node: its address and password ($addr), no tile"
else
	not_ok "Enter on a running VNC node: its address and password ($addr), no tile" "$SCREEN"
fi
keys Down Enter
if tui_settle "c-ser · stopped"; then
	ok "Enter on a serial node opens its tile"
else
	not_ok "Enter on a serial node opens its tile" "$SCREEN"
fi
keys x
tui_settle "Nodes (5)" >/dev/null || true
keys Down
if tui_settle "eth1 Gi0/1 " && on_screen "link to p2:uplink (udp " && on_screen "eth0 Gi0/0 "; then
	ok "details: NICs with their port names, the link's other end by its name"
else
	not_ok "details: NICs with their port names, the link's other end by its name" "$SCREEN"
fi
keys n
if tui_settle "p1:Gi0/1" && on_screen "p2:uplink"; then
	ok "links view: ends by their port names"
else
	not_ok "links view: ends by their port names" "$SCREEN"
fi
keys Escape
tui_quit

done_testing
