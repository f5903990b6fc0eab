#!/usr/bin/env bash
# net-route.sh: three linux guests in a line, A - R - B, two links; R
# forwards between them. Before R forwards, A cannot reach B; after, A
# pings B, one hop away (TTL 63).
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

lab_image linux
"$SANDLAB" node create a --image linux --ram 128 >/dev/null
"$SANDLAB" node create r --image linux --ram 128 --nics 2 >/dev/null
"$SANDLAB" node create b --image linux --ram 128 >/dev/null
check "link a:eth0 to r:eth0" "$SANDLAB" link add a:eth0 r:eth0
check "link r:eth1 to b:eth0" "$SANDLAB" link add r:eth1 b:eth0
check "three nodes start together" "$SANDLAB" node start a r b
guest_up 1 a
guest_up 2 r
guest_up 3 b
if gsh 2 20 "ip addr add 10.0.1.2/24 dev eth0 && ip addr add 10.0.2.2/24 dev eth1 && ip link set eth0 up && ip link set eth1 up" &&
   gsh 1 20 "ip addr add 10.0.1.1/24 dev eth0 && ip link set eth0 up && ip route add 10.0.2.0/24 via 10.0.1.2" &&
   gsh 3 20 "ip addr add 10.0.2.1/24 dev eth0 && ip link set eth0 up && ip route add 10.0.1.0/24 via 10.0.2.2"; then
	ok "addresses and routes set through the consoles"; else not_ok "addresses" "$(guest_tail 1) / $(guest_tail 2) / $(guest_tail 3)"; fi
if gsh 1 60 "ping -c 1 -w 30 10.0.1.2 >/dev/null" && gsh 3 60 "ping -c 1 -w 30 10.0.2.2 >/dev/null"; then
	ok "A and B each reach R"; else not_ok "neighbours" "$(guest_tail 1) / $(guest_tail 3)"; fi
if gsh 1 30 "! ping -c 1 -w 4 10.0.2.1 >/dev/null"; then ok "A cannot reach B while R does not forward"; else not_ok "no forwarding" "$(guest_tail 1)"; fi
if gsh 2 20 "echo 1 > /proc/sys/net/ipv4/ip_forward"; then ok "R forwards"; else not_ok "R forwards" "$(guest_tail 2)"; fi
if gsh 1 60 "ping -c 2 -w 40 10.0.2.1 | grep -q 'ttl=63'"; then ok "A pings B through R (TTL 63)"; else not_ok "A pings B" "$(guest_tail 1)"; fi
for n in 1 2 3; do console_close "$n"; done
rc=0
out=$("$SANDLAB" node stop --all --grace 20 2>&1) || rc=$?
if [ "$rc" = 0 ] && state_is a stopped && state_is r stopped && state_is b stopped; then ok "all stop"; else not_ok "stop" "$out"; fi

run_done
