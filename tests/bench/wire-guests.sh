#!/usr/bin/env bash
# Throughput between two linux guests (TCG) across a link, through the
# wires and, in the same run, with the keepers' benchmark hook
# SANDLAB_BENCH_DIRECT_LINKS set (QEMU's own direct UDP, no wire): 20 MiB
# of zeros from busybox dd into busybox nc on the other guest, timed from
# the host from the command to its end marker, less the 3 s nc -w waits
# after its input ends.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

MB=${WIRE_MB:-20}
ms() { date +%s%N | cut -c1-13; }
lab_image linux
"$SANDLAB" node create ga --image linux --ram 128 >/dev/null
"$SANDLAB" node create gb --image linux --ram 128 >/dev/null
"$SANDLAB" link add ga:eth0 gb:eth0 >/dev/null
c=0
for mode in wire direct; do
	if [ "$mode" = direct ]; then export SANDLAB_BENCH_DIRECT_LINKS=1; else unset SANDLAB_BENCH_DIRECT_LINKS; fi
	"$SANDLAB" node start ga gb >/dev/null
	unset SANDLAB_BENCH_DIRECT_LINKS
	ca=$((c + 1)); cb=$((c + 2)); c=$cb
	guest_up "$ca" ga && guest_up "$cb" gb
	gsh "$ca" 20 "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up" || true
	gsh "$cb" 20 "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up" || true
	gsh "$ca" 60 "ping -c 2 -w 40 10.0.0.2 >/dev/null" || true
	console_send "$cb" 'nc -l -p 5000 >/dev/null\r'
	sleep 2
	a=$(ms)
	console_send "$ca" "busybox dd if=/dev/zero bs=65536 count=$((MB * 16)) 2>/dev/null | nc -w 3 10.0.0.2 5000; echo TP-\$((6*7))\\r"
	if wait_for 900 out_has "$ca" "TP-42"; then
		b=$(ms)
		t=$((b - a - 3000))
		echo "$mode: $MB MiB in $t ms: $(( MB * 1024 * 1000 / t )) KiB/s"
	else
		echo "$mode: no result ($(guest_tail "$ca"))"
	fi
	console_close "$ca"; console_close "$cb"
	"$SANDLAB" node stop ga gb --grace 20 >/dev/null 2>&1 || true
done
run_done
