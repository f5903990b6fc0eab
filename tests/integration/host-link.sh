#!/usr/bin/env bash
# host-link.sh: a link between a local linux node and a linux node on the
# test's own libvirt host over qemu+ssh (tests/lib-libvirt.sh): the
# remote NIC is a UDP interface between the host's address (127.0.0.1
# here) and the local node's wire end; the two guests ping each other,
# and `link set --down` on the local wire cuts both directions; `link rm`
# and `link add` while r runs wait for r's restart, and then hold. Bad
# input: a host with no address, an end's address set on a remote end,
# a bad host address, the host unreachable when the remote node starts
# (the local end starts anyway and waits for it).
# tests/run timeout: 1500
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-libvirt.sh"

S=$SANDLAB
lv_start
export SANDLAB_REMOTE_POOL_DIR="$LV_DIR/pool"
lab_image linux
# No --address: where peers reach it is not known yet.
"$S" host add lv "$LV_URI" >/dev/null
at_exit _run_cleanup


"$S" node create a --image linux --ram 128 >/dev/null
"$S" node create r --image linux --ram 128 --host lv >/dev/null
dom_r=$(lv_dom r)
# link_ports: both ends on ports free now, away from the link range that
# other labs on this machine take theirs from; sets aport and rport.
link_ports() {
	aport=$(free_port udp)
	rport=$(free_port udp)
	while [ "$rport" = "$aport" ]; do rport=$(free_port udp); done
	"$S" link set a:eth0 --port "$aport" >/dev/null
	"$S" link set r:eth0 --port "$rport" >/dev/null
}
"$S" link add a:eth0 r:eth0 >/dev/null
link_ports

# A host with no address: the remote end cannot be placed.
rc=0
out=$(timeout 180 "$S" node start r 2>&1) || rc=$?
check "r does not start while lv has no address" test "$rc" != 0
check "and names host set" has "$out" \
	"r:eth0 is placed on host lv, which has no address for links \\(sandlab host set lv --address IP\\)"
check "nothing runs on the host" test -z "$(lv_doms)"
check "link ls says the end has no address" has "$("$S" link ls)" \
	"r:eth0 is on host lv, which has no address for links \\(sandlab host set lv --address IP\\)"
expect_fail "link set --address on an end placed on a host" \
	"r is placed on host lv: its end listens at that host's address \\(sandlab host set lv --address IP\\)" \
	"$S" link set r:eth0 --address 127.0.0.2
expect_fail "host set with a name for an address" '"lv.example" is not an IPv4 or IPv6 address' \
	"$S" host set lv --address lv.example
expect_fail "host set with nothing to set" "nothing to change: give --address IP" "$S" host set lv
expect_fail "host set of local" '"local" is this machine: its link ends are set one by one' \
	"$S" host set local --address 127.0.0.1
out=$("$S" host set lv --address 127.0.0.1 2>&1)
check "host set lv --address 127.0.0.1" has "$out" "^host lv: links reach it at 127.0.0.1"
check "link ls: r's end listens on lv's address" has "$("$S" link ls)" \
	"r:eth0 listens on 127\\.0\\.0\\.1:$rport on host lv$"
check "link ls --json: r placed on lv at 127.0.0.1, a on local" test \
	"$(link_end r placed) $(link_end r host) $(link_end a placed) $(link_end a host)" = "lv 127.0.0.1 local 127.0.0.1"

# The host unreachable when r starts: r fails, a starts and its wire
# waits for r (UDP needs no peer).
lv_sshd_stop
rc=0
out=$(timeout 120 "$S" node start r 2>&1) || rc=$?
check "r does not start with lv's sshd stopped" test "$rc" != 0
check "and says lv is unreachable" has "$out" "host lv is unreachable"
lv_sshd_start
check "a starts while r is stopped" "$S" node start a
guest_up 1 a

# Now r: its eth0 is a UDP interface from lv's address to a's wire end.
out=$(timeout 300 "$S" node start r 2>&1) || true
if state_is r running; then ok "r starts on lv with its link"; else not_ok "r starts on lv" "$out"; fi
xml=$(lv_virsh dumpxml "$dom_r" 2>&1 || true)
check "r's eth0 is UDP from 127.0.0.1:$rport to 127.0.0.1:$aport" python3 -c '
import sys, xml.etree.ElementTree as ET
i = ET.fromstring(sys.argv[1]).find("devices/interface")
s, l = i.find("source"), i.find("source/local")
sys.exit(not (i.get("type") == "udp" and s.get("address") == "127.0.0.1" and s.get("port") == sys.argv[2]
    and l.get("address") == "127.0.0.1" and l.get("port") == sys.argv[3]
    and i.find("mac").get("address") == sys.argv[4]))' "$xml" "$aport" "$rport" "$(nic_mac r 0)"
guest_up 2 r
if gsh 1 20 "ip addr add 10.9.0.1/24 dev eth0 && ip link set eth0 up" &&
   gsh 2 20 "ip addr add 10.9.0.2/24 dev eth0 && ip link set eth0 up"; then
	ok "addresses set through both consoles"; else not_ok "addresses" "$(guest_tail 1) / $(guest_tail 2)"; fi
if gsh 1 90 "ping -c 2 -w 60 10.9.0.2 >/dev/null"; then ok "a pings r across hosts"; else not_ok "a pings r" "$(guest_tail 1)"; fi
if gsh 2 90 "ping -c 2 -w 60 10.9.0.1 >/dev/null"; then ok "r pings a"; else not_ok "r pings a" "$(guest_tail 2)"; fi
check "link ls: up at both ends" has "$("$S" link ls)" "a:eth0 +r:eth0 .* up, up"

# --down on the local wire cuts both directions; --up mends them.
check "link set a:eth0 --down" "$S" link set a:eth0 --down
if gsh 2 60 "! ping -c 3 -w 6 10.9.0.1 >/dev/null"; then ok "r no longer reaches a"; else not_ok "down: r" "$(guest_tail 2)"; fi
if gsh 1 60 "! ping -c 3 -w 6 10.9.0.2 >/dev/null"; then ok "a no longer reaches r"; else not_ok "down: a" "$(guest_tail 1)"; fi
check "link set a:eth0 --up" "$S" link set a:eth0 --up
if gsh 2 90 "ping -c 2 -w 60 10.9.0.1 >/dev/null"; then ok "r reaches a again"; else not_ok "up: r" "$(guest_tail 2)"; fi

# A link change while r runs: a's wire takes it at once; r's domain
# cannot give a running NIC another backend, so r takes it when it
# restarts, says why, and link ls says "restart" until then.
out=$("$S" link rm a:eth0 2>&1)
check "link rm: in effect on a, waiting for r's restart" has "$out" \
	"in effect now on a; r runs on host lv, which takes this change when r restarts \(eth0: "
out=$("$S" link add a:eth0 r:eth0 2>&1)
check "link add: in effect on a, waiting for r's restart" has "$out" \
	"in effect now on a; r runs on host lv, which takes this change when r restarts \(eth0: "
link_ports
check "link ls: up on a, restart on r" has "$("$S" link ls)" "a:eth0 +r:eth0 .* up, restart$"
console_close 2
check "r restarts" "$S" node restart r --grace 30
check "link ls: up at both ends after r's restart" has "$("$S" link ls)" "a:eth0 +r:eth0 .* up, up$"
guest_up 3 r
gsh 3 20 "ip addr add 10.9.0.2/24 dev eth0 && ip link set eth0 up" || true
if gsh 1 90 "ping -c 2 -w 60 10.9.0.2 >/dev/null"; then ok "a pings r over the new link"; else not_ok "ping after restart" "$(guest_tail 1)"; fi

console_close 1
console_close 3
rc=0
out=$("$S" node stop a r --grace 20 2>&1) || rc=$?
if [ "$rc" = 0 ] && state_is a stopped && state_is r stopped; then ok "both stop"; else not_ok "stop" "$out"; fi
check "nothing runs on the host" test -z "$(lv_doms)"
run_done
