#!/usr/bin/env bash
# Throughput between two linux guests (TCG) across a link, through the
# wires beside QEMU's own direct UDP, in one run: two pairs boot at once,
# ga-gb on wires and gc-gd with the keepers' benchmark hook
# SANDLAB_BENCH_DIRECT_LINKS set (no wire), and the rounds alternate
# wire, direct, wire, direct... so machine noise falls on both alike. A
# round is MB MiB of zeros from busybox dd into busybox nc on the other
# guest, timed from the host from the command to its end marker, less
# the 3 s nc -w waits after its input ends. Printed: each round side by
# side, then the medians and what the wire costs against direct.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

MB=${WIRE_MB:-20}
ROUNDS=${WIRE_ROUNDS:-3}
ms() { date +%s%N | cut -c1-13; }
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

# round MODE SENDER RECEIVER R: prints KiB/s, or nothing.
round() {
	local a b t
	console_send "$3" 'nc -l -p 5000 >/dev/null\r'
	# nc must listen before the sender connects; the guest says nothing
	# when it does, so give it the time a loaded machine needs.
	sleep 2
	a=$(ms)
	console_send "$2" "busybox dd if=/dev/zero bs=65536 count=$((MB * 16)) 2>/dev/null | nc -w 3 10.0.0.2 5000; echo TP-\$((6*7))R$4\\r"
	if wait_for 900 out_has "$2" "TP-42R$4"; then
		b=$(ms)
		t=$((b - a - 3000))
		echo $((MB * 1024 * 1000 / t))
	fi
}
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print NR ? (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) : 0}'; }
wires=() directs=()
echo "round  wire KiB/s  direct KiB/s   ($MB MiB each, dd | nc between two TCG guests)"
for r in $(seq 1 "$ROUNDS"); do
	w=$(round wire 1 2 "$r")
	d=$(round direct 3 4 "$r")
	printf '%5d  %10s  %12s\n' "$r" "${w:--}" "${d:--}"
	[ -n "$w" ] && wires+=("$w")
	[ -n "$d" ] && directs+=("$d")
done
if [ "${#wires[@]}" -gt 0 ] && [ "${#directs[@]}" -gt 0 ]; then
	mw=$(median "${wires[@]}")
	md=$(median "${directs[@]}")
	echo "median: wire $mw KiB/s, direct $md KiB/s over ${#wires[@]} and ${#directs[@]} rounds: the wire gives $((mw * 100 / md))% of direct"
else
	echo "no result: wire ${wires[*]:-none}, direct ${directs[*]:-none} ($(guest_tail 1))"
fi
for c in 1 2 3 4; do console_close "$c"; done
"$SANDLAB" node stop ga gb gc gd --grace 20 >/dev/null 2>&1 || true
run_done
