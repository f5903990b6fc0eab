#!/usr/bin/env bash
# What the wires cost a link between two hosts: every frame of it now
# crosses this machine (host 1's domain -> its keeper's wire here -> the
# peer's keeper's wire -> host 2's domain). Two pairs of linux guests
# (TCG) run on the test's own libvirt host (tests/lib-libvirt.sh),
# reached as two hosts, lv1 at 127.0.0.1 and lv2 at 127.0.0.2, so each
# link joins two hosts' addresses: ha-hb through the wires, hc-hd with
# the keepers' benchmark hook SANDLAB_BENCH_DIRECT_LINKS set (each
# domain's UDP straight to the other's host, no wire: how links between
# hosts were before). Rounds alternate wire, direct, wire, direct... so
# machine noise falls on both alike; a round is MB MiB of zeros from
# busybox dd into busybox nc on the other guest, timed from here, less
# the 3 s nc -w waits after its input ends (as wire-guests.sh). Printed:
# each round with the load average, the medians, what the wire gives
# against direct, and the keepers' CPU (utime+stime) per MiB carried, a
# pair's two keepers together: the direct pair's only hold the consoles.
# Host and here are one machine in this set-up: the figure is what the
# extra hops cost, with no real network between them.
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-libvirt.sh"
source "$TOP/tests/lib-wire.sh"

ROUNDS=${WIRE_ROUNDS:-1}
S=$SANDLAB
lv_start
export SANDLAB_REMOTE_POOL_DIR="$LV_DIR/pool"
lab_image linux
"$S" host add lv1 "$LV_URI" --address 127.0.0.1 >/dev/null
"$S" host add lv2 "$LV_URI" --address 127.0.0.2 >/dev/null
at_exit _run_cleanup
"$S" node create ha --image linux --ram 128 --host lv1 >/dev/null
"$S" node create hb --image linux --ram 128 --host lv2 >/dev/null
"$S" node create hc --image linux --ram 128 --host lv1 >/dev/null
"$S" node create hd --image linux --ram 128 --host lv2 >/dev/null
"$S" link add ha:eth0 hb:eth0 >/dev/null
"$S" link add hc:eth0 hd:eth0 >/dev/null
# One at first: two starts at once that upload the image to one pool
# race for its marker volume (seen here: "volume ... .ok exists already").
"$S" node start ha >/dev/null
"$S" node start hb >/dev/null
SANDLAB_BENCH_DIRECT_LINKS=1 "$S" node start hc hd >/dev/null
# Consoles 1-2: the wire pair; 3-4: the direct pair.
guest_up 1 ha && guest_up 2 hb && guest_up 3 hc && guest_up 4 hd
for c in 1 3; do gsh "$c" 20 "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up" || true; done
for c in 2 4; do gsh "$c" 20 "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up" || true; done
for c in 1 3; do gsh "$c" 60 "ping -c 2 -w 40 10.0.0.2 >/dev/null" || echo "pair $c: no ping"; done

kpids_wire="$(run_get ha keeper_pid) $(run_get hb keeper_pid)"
kpids_direct="$(run_get hc keeper_pid) $(run_get hd keeper_pid)"
wire_compare "$ROUNDS" "$kpids_wire" "$kpids_direct" "between two TCG guests on two hosts"
for c in 1 2 3 4; do console_close "$c"; done
"$S" node stop ha hb hc hd --grace 20 >/dev/null 2>&1 || true
run_done
