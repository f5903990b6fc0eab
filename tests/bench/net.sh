#!/usr/bin/env bash
# Network and lab file figures: `lab import` of a generated file of 100
# nodes (2 NICs each, 99 links in a chain: 100 overlays and every row in
# one transaction) and `lab export` of it (wall time, median of 5);
# `link add` one by one (median of 50, each choosing two free UDP ports);
# and the round trip of ping across a link between two linux guests under
# TCG (busybox ping, 20 pings 0.2 s apart: its min/avg/max).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

lab_image tiny
{
	echo "sandlab-lab 1"
	for i in $(seq 1 100); do
		echo "node n$i image=tiny ram=32"
		echo "nic n$i:eth0"
		echo "nic n$i:eth1"
	done
	for i in $(seq 1 99); do echo "link n$i:eth1 n$((i + 1)):eth0"; done
} >"$T/big.lab"
a=$(ms); "$SANDLAB" lab import "$T/big.lab" >/dev/null; b=$(ms)
echo "lab import: 100 nodes, 200 NICs, 99 links: $((b - a)) ms (one run: 100 qemu-img creates and one transaction)"
for i in 1 2 3 4 5; do
	a=$(ms); "$SANDLAB" lab export "$T/out.lab" >/dev/null; b=$(ms)
	echo $((b - a))
done >"$T/export.ms"
echo "lab export of it: median $(median <"$T/export.ms") ms of 5 ($(wc -c <"$T/out.lab") bytes)"

for i in $(seq 1 50); do "$SANDLAB" node create "l$i" --image tiny --nics 2 >/dev/null; done
for i in $(seq 1 49); do
	a=$(ms); "$SANDLAB" link add "l$i:eth1" "l$((i + 1)):eth0" >/dev/null; b=$(ms)
	echo $((b - a))
done >"$T/link.ms"
echo "link add: median $(median <"$T/link.ms") ms of 49 (on a lab with $(sqlite3 "$SANDLAB_LAB/lab.db" 'SELECT count(*) FROM links') links)"

lab_image linux
"$SANDLAB" node create pa --image linux --ram 128 >/dev/null
"$SANDLAB" node create pb --image linux --ram 128 >/dev/null
"$SANDLAB" link add pa:eth0 pb:eth0 >/dev/null
"$SANDLAB" node start pa pb >/dev/null
guest_up 1 pa && guest_up 2 pb
gsh 1 20 "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up" || true
gsh 2 20 "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up" || true
gsh 1 60 "ping -c 2 -w 40 10.0.0.2 >/dev/null" || true
console_send 1 'ping -c 20 -i 0.2 10.0.0.2 | tail -1 | sed "s/^/RTT-$((6*7)) /"\r'
if wait_for 60 out_has 1 "RTT-42 round-trip"; then
	echo "ping across a link (TCG guests, 20 pings): $(grep -a 'RTT-42 round-trip' "$T/cout.1" | tail -1 | tr -d '\r' | sed 's/^RTT-42 //')"
else
	echo "ping across a link: no result ($(guest_tail 1))"
fi
console_close 1
console_close 2
"$SANDLAB" node stop pa pb --grace 20 >/dev/null 2>&1 || true
