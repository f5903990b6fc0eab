#!/usr/bin/env bash
# host-link-addr.sh: where the ends of a link to a node on another host
# listen, with no libvirt host needed (the host's URI leads nowhere and
# is never asked): every end's wire is on this machine, in its node's
# keeper, so link ls and nic ls show the remote end here, with its host
# beside; a local end starts wired whatever the host's address is; `link
# set --address` moves a remote end's wire as a local one's. Bad input:
# a host with no address (link add says so, the start is refused), an
# address this machine cannot send to (refused before the host is
# asked), and addresses that are no one machine's (host set refuses them).
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
check "the ports are the test's" test "$aport $rport" = "$p1 $p2"

check "link ls: r runs on far, its wire is here" has "$("$S" link ls)" \
	"r:eth0 runs on host far \\(192\\.0\\.2\\.9\\); its wire is here, on 127\\.0\\.0\\.1:$p2$"
check "nic ls a: the peer's wire here, its node on far" has "$("$S" nic ls a)" \
	"r:eth0 \\(udp $p1>127\\.0\\.0\\.1:$p2 on host far\\)"
check "nic ls --json: peer_host and peer_placed" test \
	"$("$S" nic ls a --json | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]["link"]; print(l["peer_host"], l["peer_placed"])')" = \
	"127.0.0.1 far"

# a's wire and r's are both here: a starts wired, whatever far's address.
out=$("$S" node start a 2>&1) || true
check "a starts" state_is a running
if has "$out" "not wired"; then not_ok "a's link is wired" "$out"; else ok "a's link is wired"; fi
"$S" node kill a >/dev/null

# r's wire moves as a local end's does.
check "link set r:eth0 --address 127.0.0.2" "$S" link set r:eth0 --address 127.0.0.2
check "link ls: r's wire on 127.0.0.2" has "$("$S" link ls)" \
	"r:eth0 runs on host far \\(192\\.0\\.2\\.9\\); its wire is here, on 127\\.0\\.0\\.2:$p2$"
check "link ls --json: r's host is 127.0.0.2" test "$(link_end r host)" = 127.0.0.2
check "and back" "$S" link set r:eth0 --address 127.0.0.1

# Addresses no one machine has are refused; the address stays.
for bad in 0.0.0.0 224.0.0.1 255.255.255.255 :: ff02::1; do
	expect_fail "host set --address $bad" "is not one host's address \\(any, multicast or broadcast\\)" \
		"$S" host set far --address "$bad"
done
check "far's address is unchanged" has "$("$S" link ls)" "r:eth0 runs on host far \\(192\\.0\\.2\\.9\\)"

# An address this machine cannot send to (link-local without a zone):
# the start is refused before the host is asked, naming what to change.
check "host set far --address fe80::1" "$S" host set far --address fe80::1
rc=0
out=$(timeout 60 "$S" node start r 2>&1) || rc=$?
check "r does not start" test "$rc" != 0
check "and says far's address cannot be reached from here" has "$out" \
	"host far's address fe80::1 cannot be reached from here: this machine has no route to fe80::1: .* \\(sandlab host set far --address IP\\)"
if has "$out" "connecting to host"; then not_ok "far is never asked" "$out"; else ok "far is never asked"; fi

# A link to a node on a host that has no address yet says so at once,
# and its start is refused with the same words.
"$S" host add bare "qemu+ssh://nobody@192.0.2.2/system" >/dev/null
"$S" node create b --image tiny --ram 32 >/dev/null
"$S" node create q --image tiny --ram 32 --host bare >/dev/null
out=$("$S" link add b:eth0 q:eth0 2>&1)
check "link add to a host with no address says what to do" has "$out" \
	"^linked b:eth0 - q:eth0 \(udp 127\.0\.0\.1:[0-9]+ <-> 127\.0\.0\.1:[0-9]+\); q:eth0 is on host bare, which has no address for links \(sandlab host set bare --address IP\); it is used from the next start$"
rc=0
out=$(timeout 60 "$S" node start q 2>&1) || rc=$?
check "q does not start" test "$rc" != 0
check "and says bare has no address" has "$out" \
	"q:eth0 is placed on host bare, which has no address for links \\(sandlab host set bare --address IP\\)"
run_done
