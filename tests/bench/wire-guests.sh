#!/usr/bin/env bash
# Throughput between two linux guests (TCG) across a link, through the
# wires beside QEMU's own direct UDP, in one run: two pairs boot at once,
# ga-gb on wires and gc-gd with the keepers' benchmark hook
# SANDLAB_BENCH_DIRECT_LINKS set (no wire), and the rounds alternate
# wire, direct, wire, direct... so machine noise falls on both alike. A
# round is MB MiB of zeros from busybox dd into busybox nc on the other
# guest, timed from the host from the command to its end marker, less
# the 3 s nc -w waits after its input ends. Printed: each round side by
# side with the load average, then the medians, the spread, what the wire
# costs against direct, and the keepers' CPU (utime+stime from /proc)
# per MiB carried, both keepers of a pair together: the direct pair's
# keepers only hold the consoles, so theirs is the floor.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"
source "$(dirname "$0")/../lib-wire.sh"

ROUNDS=${WIRE_ROUNDS:-3}
lab_image linux
for n in ga gb gc gd; do "$SANDLAB" node create "$n" --image linux --ram 128 >/dev/null; done
"$SANDLAB" link add ga:eth0 gb:eth0 >/dev/null
"$SANDLAB" link add gc:eth0 gd:eth0 >/dev/null
"$SANDLAB" node start ga gb >/dev/null
SANDLAB_BENCH_DIRECT_LINKS=1 "$SANDLAB" node start gc gd >/dev/null
# Consoles 1-2: the wire pair; 3-4: the direct pair.
guest_up 1 ga && guest_up 2 gb && guest_up 3 gc && guest_up 4 gd
for c in 1 3; do gsh "$c" 20 "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up" || true; done
for c in 2 4; do gsh "$c" 20 "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up" || true; done
for c in 1 3; do gsh "$c" 60 "ping -c 2 -w 40 10.0.0.2 >/dev/null" || true; done

kpids_wire="$(run_get ga keeper_pid) $(run_get gb keeper_pid)"
kpids_direct="$(run_get gc keeper_pid) $(run_get gd keeper_pid)"
wire_compare "$ROUNDS" "$kpids_wire" "$kpids_direct" "between two TCG guests"
for c in 1 2 3 4; do console_close "$c"; done
"$SANDLAB" node stop ga gb gc gd --grace 20 >/dev/null 2>&1 || true
run_done
