#!/usr/bin/env bash
# host-link.sh: a link between a local linux node and a linux node on the
# test's own libvirt host over qemu+ssh (tests/lib-libvirt.sh), wired as
# two local nodes are: r's NIC is a UDP interface from the host's address
# (127.0.0.1 here) to r's own wire in its keeper here, at two ports from
# the link range the test chose, fixed for the domain's life. The guests
# ping each other; --down named at r's end cuts both ways; r's own
# impairments apply (loss, delay of the frames r sends); a capture at r
# holds both directions; link rm and link add on the running r take
# effect at once, with no restart; frames flow while the host's libvirt
# connection is down (they never cross it); a keeper killed with SIGKILL
# is replaced by one that takes the domain and its wire's ports over.
# Bad input: a host with no address, an address that is no one machine's,
# the host unreachable when r starts (a starts anyway and waits for it),
# ports of r's wire taken by another program when r starts (skipped; too
# few left: refused), and the wire's port here taken when the domain is
# taken over (r runs, its NIC waits for a restart, which mends it).
# tests/run timeout: 1500
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-libvirt.sh"

S=$SANDLAB
command -v tcpdump >/dev/null || { not_ok "tcpdump is installed" "make deps installs it"; run_done; exit 1; }
lv_start
export SANDLAB_REMOTE_POOL_DIR="$LV_DIR/pool"
lab_image linux
# No --address: where r's domain reaches this machine from is not known yet.
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
# plug_range N: "P-Q", N UDP ports in a row (Q = P+N-1) of this run's
# link range, free on 127.0.0.1 now: r's start takes its wire's two
# ports from there, the first here (where its domain sends), the next
# free one on the host (where it binds).
plug_range() {
	python3 -c 'import socket, sys
lo, hi = map(int, sys.argv[1].split("-"))
n = int(sys.argv[2])
for p in range(lo, hi - n + 2):
    free = 0
    for q in range(p, p + n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(("127.0.0.1", q)); free += 1
        except OSError:
            pass
        s.close()
    if free == n:
        print("%d-%d" % (p, p + n - 1)); break' "${SANDLAB_LINK_PORTS:-40000-49999}" "$1"
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
expect_fail "host set with a name for an address" '"lv.example" is not an IPv4 or IPv6 address' \
	"$S" host set lv --address lv.example
expect_fail "host set with the any address" \
	"0\\.0\\.0\\.0 is not one host's address \\(any, multicast or broadcast\\)" \
	"$S" host set lv --address 0.0.0.0
expect_fail "host set with nothing to set" "nothing to change: give --address IP" "$S" host set lv
expect_fail "host set of local" '"local" is this machine: its link ends are set one by one' \
	"$S" host set local --address 127.0.0.1
out=$("$S" host set lv --address 127.0.0.1 2>&1)
check "host set lv --address 127.0.0.1" has "$out" "^host lv: links reach it at 127.0.0.1"
check "link ls: r runs on lv, its wire is here" has "$("$S" link ls)" \
	"r:eth0 runs on host lv \\(127\\.0\\.0\\.1\\); its wire is here, on 127\\.0\\.0\\.1:$rport$"
check "link ls --json: r placed on lv, a on local, both wires at 127.0.0.1" test \
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

# Ports for r's wire taken by another program: a range of two with one
# held has no two left, and nothing is made on the host.
pr=$(plug_range 3)
here=${pr%-*} there=${pr#*-}
hold_port udp $((here + 1))
rc=0
out=$(SANDLAB_LINK_PORTS=$here-$((here + 1)) timeout 180 "$S" node start r 2>&1) || rc=$?
check "r does not start with one port of two free" test "$rc" != 0
check "and says why" has "$out" \
	"no two free UDP ports left in $here-$((here + 1)) for the wires of a node on another host"
check "nothing runs on the host" test -z "$(lv_doms)"

# Now r: its eth0 is a UDP interface from lv's address to r's wire
# here, on the range's first port here and, the next one being held, its
# third on the host.
out=$(SANDLAB_LINK_PORTS=$pr timeout 300 "$S" node start r 2>&1) || true
unhold_port $((here + 1))
if state_is r running; then ok "r starts on lv with its link"; else not_ok "r starts on lv" "$out"; fi
xml=$(lv_virsh dumpxml "$dom_r" 2>&1 || true)
check "r's eth0 is UDP from lv's 127.0.0.1:$there to its wire's 127.0.0.1:$here" python3 -c '
import sys, xml.etree.ElementTree as ET
i = ET.fromstring(sys.argv[1]).find("devices/interface")
s, l = i.find("source"), i.find("source/local")
sys.exit(not (i.get("type") == "udp" and s.get("address") == "127.0.0.1" and s.get("port") == sys.argv[2]
    and l.get("address") == "127.0.0.1" and l.get("port") == sys.argv[3]
    and i.find("mac").get("address") == sys.argv[4]))' "$xml" "$here" "$there" "$(nic_mac r 0)"
check "r's keeper holds its wire's port $here" has "$(ss -Huanp "sport = :$here")" "pid=$(run_get r keeper_pid),"
guest_up 2 r
if gsh 1 20 "ip addr add 10.9.0.1/24 dev eth0 && ip link set eth0 up" &&
   gsh 2 20 "ip addr add 10.9.0.2/24 dev eth0 && ip link set eth0 up"; then
	ok "addresses set through both consoles"; else not_ok "addresses" "$(guest_tail 1) / $(guest_tail 2)"; fi
pings() { gsh "$1" 90 "ping -c ${3:-2} -w 60 10.9.0.$2 >/dev/null"; }
nopings() { gsh "$1" 60 "! ping -c 3 -w 6 10.9.0.$2 >/dev/null"; }
if pings 1 2; then ok "a pings r across hosts"; else not_ok "a pings r" "$(guest_tail 1)"; fi
if pings 2 1; then ok "r pings a"; else not_ok "r pings a" "$(guest_tail 2)"; fi
check "link ls: up at both ends" has "$("$S" link ls)" "a:eth0 +r:eth0 .* up, up"

# --down named at r's end cuts both directions; --up mends them.
check "link set r:eth0 --down" "$S" link set r:eth0 --down
if nopings 2 1; then ok "r no longer reaches a"; else not_ok "down: r" "$(guest_tail 2)"; fi
if nopings 1 2; then ok "a no longer reaches r"; else not_ok "down: a" "$(guest_tail 1)"; fi
check "link set r:eth0 --up" "$S" link set r:eth0 --up
if pings 2 1; then ok "r reaches a again"; else not_ok "up: r" "$(guest_tail 2)"; fi

# r's own impairments: the frames r sends, in r's wire here.
check "link set r:eth0 --loss 100 --out" "$S" link set r:eth0 --loss 100 --out
check "link ls: loss=100 on r's frames" has "$("$S" link ls)" "a:eth0 +r:eth0 .* up +- +loss=100 +up, up"
if nopings 1 2; then ok "--loss 100 on r's frames: a gets no reply"; else not_ok "--loss 100 at r" "$(guest_tail 1)"; fi
check "link set r:eth0 --clear" "$S" link set r:eth0 --clear
check "link set r:eth0 --delay 150 --out" "$S" link set r:eth0 --delay 150 --out
if gsh 1 40 "ping -c 3 -w 20 10.9.0.2 | awk -F'time=' '/time=/ { n++; if (\$2 + 0 < 150) low++ } END { exit !(n == 3 && low == 0) }'"; then
	ok "--delay 150 on r's frames: every RTT from a is at least 150 ms"; else not_ok "--delay at r" "$(guest_tail 1)"; fi
check "link set r:eth0 --clear" "$S" link set r:eth0 --clear

# A capture at r's end: both directions, with the two MACs.
MAC_FROM=$(nic_mac a 0) MAC_TO=$(nic_mac r 0) FROM_IP=10.9.0.1 capture_pings r:eth0 "$T/r.pcap" 1 10.9.0.2
if [ "$capture_rc" = 0 ] && [ "$capture_req" = 3 ] && [ "$capture_rep" = 3 ]; then
	ok "capture at r: 3 echo requests a>r and 3 replies r>a, with their MACs"
else not_ok "capture at r" "rc=$capture_rc req=$capture_req rep=$capture_rep $(cat "$T/r.pcap.err" "$T/r.pcap.tcpdump") $(head -5 "$T/r.pcap.txt")"; fi

# link rm and link add while r runs: in effect at once at both ends.
out=$("$S" link rm a:eth0 2>&1)
check "link rm: in effect now on a and r" has "$out" "in effect now on a and r$"
if nopings 1 2; then ok "link rm: a no longer reaches r"; else not_ok "after link rm" "$(guest_tail 1)"; fi
out=$("$S" link add a:eth0 r:eth0 2>&1)
check "link add: in effect now on a and r" has "$out" "in effect now on a and r$"
link_ports
check "link ls: up at both ends, no restart" has "$("$S" link ls)" "a:eth0 +r:eth0 .* up, up$"
if pings 1 2; then ok "a pings r over the new link, no restart"; else not_ok "ping after link add" "$(guest_tail 1)"; fi

# The host's libvirt out of reach: r's frames never crossed it.
lv_drop r
check "r is unreachable with its connection to lv dropped" wait_for 60 state_is r unreachable
if pings 1 2; then ok "a pings r while lv's libvirt is unreachable"; else not_ok "ping while unreachable" "$(guest_tail 1)"; fi
lv_sshd_start
check "r is running again once lv answers" wait_for 120 state_is r running

# A keeper killed with SIGKILL: the next start takes the domain over
# with its wire on the same ports.
kp=$(run_get r keeper_pid)
kill -9 "$kp"
check "r's keeper killed: orphaned" wait_for 30 state_is r orphaned
out=$(timeout 300 "$S" node start r 2>&1) || true
check "node start takes r's domain over" has "$out" "taking it over"
check "its wire is on port $here again" has "$(ss -Huanp "sport = :$here")" "pid=$(run_get r keeper_pid),"
if pings 1 2; then ok "a pings r after the takeover"; else not_ok "ping after takeover" "$(guest_tail 1) / $out"; fi

# Again, with the wire's port here taken meanwhile: r is taken over, its
# NIC waits for a restart, and the restart mends it.
kp=$(run_get r keeper_pid)
kill -9 "$kp"
check "r's keeper killed again: orphaned" wait_for 30 state_is r orphaned
hold_port udp "$here"
out=$(timeout 300 "$S" node start r 2>&1) || true
check "r is taken over all the same" state_is r running
check "and its start says the port is taken" has "$out" \
	"the domain's NICs are on no wire: eth0: cannot listen on UDP 127\\.0\\.0\\.1:$here, where its domain sends its frames \\(free it, or restart the node\\)"
check "link ls: r's end waits for a restart" has "$("$S" link ls)" "a:eth0 +r:eth0 .* up, restart$"
unhold_port "$here"
console_close 2
pr=$(plug_range 2)
check "r restarts" env SANDLAB_LINK_PORTS="$pr" "$S" node restart r --grace 30
check "link ls: up at both ends after r's restart" has "$("$S" link ls)" "a:eth0 +r:eth0 .* up, up$"
guest_up 3 r
gsh 3 20 "ip addr add 10.9.0.2/24 dev eth0 && ip link set eth0 up" || true
if pings 1 2; then ok "a pings r after the restart"; else not_ok "ping after restart" "$(guest_tail 1)"; fi

console_close 1
console_close 3
rc=0
out=$("$S" node stop a r --grace 20 2>&1) || rc=$?
if [ "$rc" = 0 ] && state_is a stopped && state_is r stopped; then ok "both stop"; else not_ok "stop" "$out"; fi
check "nothing runs on the host" test -z "$(lv_doms)"
check "no wire of r's is left here" test -z "$(ss -Huan "sport = :$here")"
run_done
