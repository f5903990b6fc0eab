#!/usr/bin/env bash
# net-wire.sh: links as live wires between running linux guests: link add
# and rm with no restart, the cable pulled and plugged, delay and loss,
# a capture read back by tcpdump (to a file and through a pipe), one end
# restarted and one keeper killed with -9, and a link to a third node.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

command -v tcpdump >/dev/null || { not_ok "tcpdump is installed" "make deps installs it"; run_done; exit 1; }
MAC_A=52:54:00:5a:00:0a
MAC_B=52:54:00:5a:00:0b
MAC_C=52:54:00:5a:00:0c
lab_image linux
for n in a b c; do "$SANDLAB" node create "$n" --image linux --ram 128 >/dev/null; done
"$SANDLAB" nic set a:eth0 --mac "$MAC_A" >/dev/null
"$SANDLAB" nic set b:eth0 --mac "$MAC_B" >/dev/null
"$SANDLAB" nic set c:eth0 --mac "$MAC_C" >/dev/null
check "three unlinked nodes start" "$SANDLAB" node start a b c
guest_up 1 a
guest_up 2 b
guest_up 3 c
addr() { gsh "$1" 20 "ip addr add 10.0.0.$2/24 dev eth0 && ip link set eth0 up"; }
if addr 1 1 && addr 2 2 && addr 3 3; then ok "addresses set"; else not_ok "addresses" "$(guest_tail 1)"; fi
pings() { gsh "$1" 40 "ping -c ${3:-2} -w ${4:-20} 10.0.0.$2 >/dev/null"; }
nopings() { gsh "$1" 30 "! ping -c 2 -w 4 10.0.0.$2 >/dev/null"; }

if nopings 1 2; then ok "no link: a cannot ping b"; else not_ok "no link, no ping" "$(guest_tail 1)"; fi
out=$("$SANDLAB" link add a:eth0 b:eth0 2>&1)
if text "$out" | grep -q "in effect now on a and b"; then ok "link add says it is in effect now"; else not_ok "link add on running nodes" "$out"; fi
if pings 1 2; then ok "link add: a pings b without a restart"; else not_ok "ping after link add" "$(guest_tail 1)"; fi
if "$SANDLAB" link ls | grep -Eq "a:eth0 +b:eth0 .* up +- +- +up, up"; then ok "link ls: up, nothing pending"; else not_ok "link ls" "$("$SANDLAB" link ls)"; fi
if "$SANDLAB" nic ls a --json | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)[0]["pending_restart"])'; then
	ok "nothing waits for a restart"; else not_ok "pending after link add" "$("$SANDLAB" nic ls a)"; fi

# The cable pulled and plugged back.
check "link set --down" "$SANDLAB" link set a:eth0 --down
if nopings 1 2; then ok "--down: no ping"; else not_ok "--down" "$(guest_tail 1)"; fi
if "$SANDLAB" link ls | grep -Eq "a:eth0 +b:eth0 .* down "; then ok "link ls shows down"; else not_ok "link ls down" "$("$SANDLAB" link ls)"; fi
check "link set --up" "$SANDLAB" link set b:eth0 --up
if pings 1 2; then ok "--up: ping works again"; else not_ok "--up" "$(guest_tail 1)"; fi

# Delay: 100 ms each way, so every reply takes at least 200 ms.
check "link set --delay 100" "$SANDLAB" link set a:eth0 --delay 100
if "$SANDLAB" link ls | grep -Eq "a:eth0 +b:eth0 .* up +delay=100 +delay=100 "; then ok "link ls shows the delay both ways"; else not_ok "link ls delay" "$("$SANDLAB" link ls)"; fi
if gsh 1 40 "ping -c 3 -w 20 10.0.0.2 | awk -F'time=' '/time=/ { n++; if (\$2 + 0 < 200) low++ } END { exit !(n == 3 && low == 0) }'"; then
	ok "--delay 100: every RTT is at least 200 ms"; else not_ok "--delay RTT" "$(guest_tail 1)"; fi
check "link set --clear" "$SANDLAB" link set a:eth0 --clear

check "link set --loss 100" "$SANDLAB" link set a:eth0 --loss 100 --out
if nopings 1 2; then ok "--loss 100: no reply"; else not_ok "--loss 100" "$(guest_tail 1)"; fi
# 50% of a's frames lost (one direction, so a lost echo is one coin):
# lost ~ Binomial(200, 0.5), mean 100, sd 7.07; the bound 50..150 is
# 7 sd off, so it flakes with odds about 3e-12.
# a's ARP entry for b is pinned first: half of a's ARP requests are lost
# too, and an entry gone stale during the pings (sooner on a loaded
# machine, where 200 pings take longer) could fail its probes and drop
# pings that no coin lost (the full check once saw more than 75% lost).
if gsh 1 20 "busybox arp -i eth0 -s 10.0.0.2 $MAC_B"; then ok "a's ARP entry for b pinned"; else not_ok "a's ARP entry for b pinned" "$(guest_tail 1)"; fi
check "link set --loss 50 --out" "$SANDLAB" link set a:eth0 --loss 50 --out
if gsh 1 120 "ping -c 200 -i 0.1 -w 100 10.0.0.2 | awk '/packet loss/ { print; sub(/%.*/, \"\"); p = \$NF + 0 } END { exit !(p >= 25 && p <= 75) }'"; then
	ok "--loss 50 over 200 pings: 25% to 75% lost"; else not_ok "--loss 50" "$(guest_tail 1 600)"; fi
check "link set --clear" "$SANDLAB" link set a:eth0 --clear --out
if gsh 1 20 "busybox arp -i eth0 -d 10.0.0.2"; then ok "a's ARP entry for b unpinned"; else not_ok "a's ARP entry for b unpinned" "$(guest_tail 1)"; fi

# A capture of three pings, both ways, to a file; Ctrl-C ends it.
MAC_FROM=$MAC_A MAC_TO=$MAC_B FROM_IP=10.0.0.1 capture_pings a:eth0 "$T/a.pcap" 1 10.0.0.2
if [ "$capture_rc" = 0 ] && [ "$capture_req" = 3 ] && [ "$capture_rep" = 3 ]; then
	ok "capture to a file: 3 echo requests a>b and 3 replies b>a, with their MACs (Ctrl-C ends it)"
else not_ok "capture to a file" "rc=$capture_rc req=$capture_req rep=$capture_rep $(cat "$T/a.pcap.err" "$T/a.pcap.tcpdump") $(head -5 "$T/a.pcap.txt")"; fi

# Through a pipe, live, as `| tcpdump -n -r -`.
# tee keeps a copy of what went down the pipe: its header says the
# capture has started.
("$SANDLAB" capture b:eth0 -w - -c 4 | tee "$T/b.pcap" | tcpdump -n -e -r - >"$T/b.txt" 2>/dev/null) &
pipe=$!
pcap_started "$T/b.pcap" || true
pings 1 2 4 >/dev/null || true
if wait_for 30 pid_gone "$pipe" && grep -q "$MAC_A > $MAC_B.*ICMP echo request" "$T/b.txt" &&
    grep -q "$MAC_B > $MAC_A.*ICMP echo reply" "$T/b.txt"; then
	ok "capture to a pipe read by tcpdump -r -"; else not_ok "capture to a pipe" "$(cat "$T/b.txt")"; fi
wait "$pipe" 2>/dev/null || true
expect_fail "capture of a NIC that does not exist" "no eth9|not on a wire" "$SANDLAB" capture a:eth9 -w "$T/x.pcap"
expect_fail "capture with nowhere to write" "give -w FILE" "$SANDLAB" capture a:eth0
expect_fail "link set with a loss over 100" "loss is from 0 to 100" "$SANDLAB" link set a:eth0 --loss 101
expect_fail "link set with a delay that is not a number" "--delay needs a whole number" "$SANDLAB" link set a:eth0 --delay 1s
expect_fail "link set --up --down" "contradict" "$SANDLAB" link set a:eth0 --up --down
expect_fail "link set with nothing" "nothing to change" "$SANDLAB" link set a:eth0
expect_fail "link set on a NIC with no link" "no link at c:eth0" "$SANDLAB" link set c:eth0 --down

# One end restarts: the link stays.
console_close 2
check "b restarts" "$SANDLAB" node restart b --grace 20
guest_up 4 b
addr 4 2 || true
if pings 1 2 2 40; then ok "after b restarted, a pings b again"; else not_ok "ping after restart" "$(guest_tail 1)"; fi

# a's keeper killed with -9: QEMU and the wire go with it.
port_a=$("$SANDLAB" link ls --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["a"]["port"])')
kpid=$(run_get a keeper_pid)
qpid=$(run_get a qemu_pid)
console_close 1
kill -9 "$kpid"
port_free() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1"; }
if wait_for 10 pid_gone "$qpid" && wait_for 10 port_free "$port_a"; then
	ok "kill -9 of a's keeper: QEMU gone, its wire's port free"; else not_ok "no wire left behind" "qemu $qpid, port $port_a"; fi
check "a starts again" "$SANDLAB" node start a
guest_up 5 a
addr 5 1 || true
if gsh 5 40 "ping -c 2 -w 20 10.0.0.2 >/dev/null"; then ok "after kill -9 and a start, a pings b"; else not_ok "ping after kill -9" "$(guest_tail 5)"; fi

# No loops: 5 pings are 5 requests and 5 replies at b, not more.
"$SANDLAB" capture b:eth0 -w "$T/loop.pcap" 2>/dev/null &
cap=$!
pcap_started "$T/loop.pcap" || true
gsh 5 40 "ping -c 5 -w 20 10.0.0.2 >/dev/null" || true
sleep 1
kill -INT "$cap"; wait "$cap" || true
n=$(tcpdump -n -r "$T/loop.pcap" 2>/dev/null | grep -c "ICMP echo" || true)
if [ "$n" = 10 ]; then ok "no frame loops: 5 pings are 10 ICMP frames at the other end"; else not_ok "frame count" "$n"; fi

# link rm: no ping; link add to a third node: ping that one.
out=$("$SANDLAB" link rm a:eth0 2>&1)
if text "$out" | grep -q "in effect now"; then ok "link rm says in effect now"; else not_ok "link rm" "$out"; fi
if gsh 5 30 "! ping -c 2 -w 4 10.0.0.2 >/dev/null"; then ok "link rm: no ping"; else not_ok "ping after rm" "$(guest_tail 5)"; fi
check "link add a:eth0 c:eth0" "$SANDLAB" link add a:eth0 c:eth0
if gsh 5 40 "ping -c 2 -w 20 10.0.0.3 >/dev/null"; then ok "a pings the third node c"; else not_ok "ping c" "$(guest_tail 5)"; fi

for i in 3 4 5; do console_close "$i"; done
rc=0
out=$("$SANDLAB" node stop a b c --grace 20 2>&1) || rc=$?
if [ "$rc" = 0 ]; then ok "all stop"; else not_ok "stop" "$out"; fi
run_done
