#!/usr/bin/env bash
# host-link-addr.sh: where the ends of a link to a node on another host
# listen, with no libvirt host needed (the host's URI leads nowhere and
# is never asked): the remote end at the host's address in link ls and
# nic ls, and a local end on loopback refused at start, naming what to
# change, when the host's address is not on loopback; `host set
# --address` mends it; `link add` to a host with no address says so.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-net.sh"

S=$SANDLAB
lab_image tiny
"$S" host add far "qemu+ssh://nobody@192.0.2.1/system" --address 192.0.2.9 >/dev/null
"$S" node create a --image tiny --ram 32 >/dev/null
"$S" node create r --image tiny --ram 32 --host far >/dev/null
"$S" link add a:eth0 r:eth0 >/dev/null
# Ports free now, away from the link range other labs on this machine
# take theirs from (a start refuses a port another program holds).
p1=$(free_port udp)
p2=$(free_port udp)
while [ "$p2" = "$p1" ]; do p2=$(free_port udp); done
"$S" link set a:eth0 --port "$p1" >/dev/null
"$S" link set r:eth0 --port "$p2" >/dev/null
at_exit "$S node kill a"
rport=$(link_end r port)
aport=$(link_end a port)

check "link ls: r's end at far's address" has "$("$S" link ls)" \
	"r:eth0 listens on 192\\.0\\.2\\.9:$rport on host far$"
check "nic ls a: the peer at far's address" has "$("$S" nic ls a)" \
	"r:eth0 \\(udp $aport>192\\.0\\.2\\.9:$rport on host far\\)"
check "nic ls --json: peer_host and peer_placed" test \
	"$("$S" nic ls a --json | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]["link"]; print(l["peer_host"], l["peer_placed"])')" = \
	"192.0.2.9 far"

# a on 127.0.0.1 cannot be reached from 192.0.2.9: a runs, its link
# is not wired, and the start says what to change.
out=$("$S" node start a 2>&1) || true
check "a starts" state_is a running
check "its start says the link is out of reach and what to do" has "$out" \
	"a link is not wired: a:eth0 listens on 127\\.0\\.0\\.1, out of reach of r:eth0 at 192\\.0\\.2\\.9 \\(give it an address of this machine that far reaches: sandlab link set a:eth0 --address IP --allow-remote\\)"
"$S" node kill a >/dev/null

# A link to a node on a host that has no address yet says so at once.
"$S" host add bare "qemu+ssh://nobody@192.0.2.2/system" >/dev/null
"$S" node create b --image tiny --ram 32 >/dev/null
"$S" node create q --image tiny --ram 32 --host bare >/dev/null
out=$("$S" link add b:eth0 q:eth0 2>&1)
check "link add to a host with no address says what to do" has "$out" \
	"^linked b:eth0 - q:eth0 \(udp 127\.0\.0\.1:[0-9]+ <-> \?:[0-9]+\); q:eth0 is on host bare, which has no address for links \(sandlab host set bare --address IP\); it is used from the next start$"

# far on loopback: nothing to change.
check "host set far --address 127.0.0.1" "$S" host set far --address 127.0.0.1
out=$("$S" node start a 2>&1) || true
check "a starts again" state_is a running
if has "$out" "not wired"; then not_ok "no complaint with far on loopback" "$out"; else ok "no complaint with far on loopback"; fi
run_done
