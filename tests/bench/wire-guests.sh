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

hz=$(getconf CLK_TCK)
kpids_wire="$(run_get ga keeper_pid) $(run_get gb keeper_pid)"
kpids_direct="$(run_get gc keeper_pid) $(run_get gd keeper_pid)"
# cpu PIDS: their utime+stime in clock ticks.
cpu() { local p t=0; for p in $1; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
cpu_wire=0 cpu_direct=0

# round MODE SENDER RECEIVER R: prints KiB/s, or nothing.
round() {
	local a b t
	console_send "$3" 'nc -l -p 5000 >/dev/null\r'
	# nc must listen before the sender connects; the guest says nothing
	# when it does, so give it the time a loaded machine needs.
	sleep 2
	a=$(ms)
	c0=$(cpu "$5")
	console_send "$2" "busybox dd if=/dev/zero bs=65536 count=$((MB * 16)) 2>/dev/null | nc -w 3 10.0.0.2 5000; echo TP-\$((6*7))R$4\\r"
	if wait_for 900 out_has "$2" "TP-42R$4"; then
		b=$(ms)
		t=$((b - a - 3000))
		echo "$((MB * 1024 * 1000 / t)) $(($(cpu "$5") - c0))"
	fi
}
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print NR ? (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) : 0}'; }
wires=() directs=()
echo "round  wire KiB/s  direct KiB/s  load (1 min)   ($MB MiB each, dd | nc between two TCG guests)"
for r in $(seq 1 "$ROUNDS"); do
	read -r w wc < <(round wire 1 2 "$r" "$kpids_wire"; echo)
	read -r d dc < <(round direct 3 4 "$r" "$kpids_direct"; echo)
	printf '%5d  %10s  %12s  %s\n' "$r" "${w:--}" "${d:--}" "$(cut -d' ' -f1 /proc/loadavg)"
	[ -n "$w" ] && wires+=("$w") && cpu_wire=$((cpu_wire + wc))
	[ -n "$d" ] && directs+=("$d") && cpu_direct=$((cpu_direct + dc))
done
if [ "${#wires[@]}" -gt 0 ] && [ "${#directs[@]}" -gt 0 ]; then
	mw=$(median "${wires[@]}")
	md=$(median "${directs[@]}")
	spread() { printf '%s\n' "$@" | sort -n | sed -n '1p;$p' | paste -sd- -; }
	echo "median: wire $mw KiB/s (spread $(spread "${wires[@]}")), direct $md KiB/s (spread $(spread "${directs[@]}")) over ${#wires[@]} and ${#directs[@]} rounds: the wire gives $((mw * 100 / md))% of direct"
	echo "keepers' CPU per MiB carried: wire pair $((cpu_wire * 1000 / hz / (MB * ${#wires[@]}))) ms, direct pair $((cpu_direct * 1000 / hz / (MB * ${#directs[@]}))) ms (consoles only)"
else
	echo "no result: wire ${wires[*]:-none}, direct ${directs[*]:-none} ($(guest_tail 1))"
fi
for c in 1 2 3 4; do console_close "$c"; done
"$SANDLAB" node stop ga gb gc gd --grace 20 >/dev/null 2>&1 || true
run_done
