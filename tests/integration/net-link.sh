#!/usr/bin/env bash
# net-link.sh: two linux guests joined by a link (UDP on loopback):
# addresses set through their consoles, a ping crosses the link; one end
# restarts (same MAC, new QEMU on the same port) and the ping works again.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

lab_image linux
"$SANDLAB" node create a --image linux --ram 128 >/dev/null
"$SANDLAB" node create b --image linux --ram 128 >/dev/null
check "link a:eth0 to b:eth0" "$SANDLAB" link add a:eth0 b:eth0
check "both nodes start together" "$SANDLAB" node start a b
guest_up 1 a
guest_up 2 b
mac_a=$(nic_mac a 0)
mac_b=$(nic_mac b 0)
if gsh 1 20 "ip link show eth0 | grep -q $mac_a" && gsh 2 20 "ip link show eth0 | grep -q $mac_b"; then
	ok "each guest's eth0 has the MAC the lab gave it"; else not_ok "guest MACs" "$(guest_tail 1)"; fi
if gsh 1 20 "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up" &&
   gsh 2 20 "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up"; then
	ok "addresses set through the consoles"; else not_ok "addresses" "$(guest_tail 1) / $(guest_tail 2)"; fi
if gsh 1 60 "ping -c 2 -w 40 10.0.0.2 >/dev/null"; then ok "a pings b across the link"; else not_ok "a pings b" "$(guest_tail 1)"; fi
if gsh 2 60 "ping -c 2 -w 40 10.0.0.1 >/dev/null"; then ok "b pings a"; else not_ok "b pings a" "$(guest_tail 2)"; fi
if "$SANDLAB" link ls | grep -Eq "a:eth0 +b:eth0 .* up, up"; then ok "link ls: up at both ends"; else not_ok "link ls" "$("$SANDLAB" link ls)"; fi

# One end goes away and comes back; the other keeps running.
console_close 2
check "b restarts" "$SANDLAB" node restart b --grace 20
guest_up 3 b
if gsh 3 20 "ip link show eth0 | grep -q $mac_b"; then ok "b has the same MAC after its restart"; else not_ok "MAC after restart" "$(guest_tail 3)"; fi
gsh 3 20 "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up" || true
if gsh 1 60 "ping -c 2 -w 40 10.0.0.2 >/dev/null"; then ok "a pings b again after b restarted"; else not_ok "ping after restart" "$(guest_tail 1)"; fi
console_close 1
console_close 3
rc=0
out=$("$SANDLAB" node stop a b --grace 20 2>&1) || rc=$?
if [ "$rc" = 0 ] && state_is a stopped && state_is b stopped; then ok "both stop"; else not_ok "stop" "$out"; fi

run_done
