# tests/lib-wire.sh: sourced by the benches that time a link through
# the wires beside one without (wire-guests.sh, wire-hosts.sh), after
# lib.sh, lib-run.sh and lib-net.sh. Consoles 1-2 are the wire pair,
# 3-4 the direct pair, each guest at 10.0.0.1 (sender) and 10.0.0.2.
# Rounds alternate wire, direct, wire, direct... so machine noise falls
# on both alike. A round is WIRE_MB MiB of zeros from busybox dd into
# busybox nc on the other guest, timed from the host from the command to
# its end marker, less the 3 s nc -w waits after its input ends.

MB=${WIRE_MB:-20}
_wire_ms() { date +%s%N | cut -c1-13; }
# _wire_cpu PIDS: their utime+stime in clock ticks.
_wire_cpu() { local p t=0; for p in $1; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }

# _wire_round SENDER RECEIVER R KEEPERS: prints KiB/s and the keepers'
# ticks meanwhile, or nothing.
_wire_round() {
	local a b t c0
	console_send "$2" 'nc -l -p 5000 >/dev/null\r'
	# nc must listen before the sender connects; the guest says nothing
	# when it does, so give it the time a loaded machine needs.
	sleep 2
	a=$(_wire_ms)
	c0=$(_wire_cpu "$4")
	console_send "$1" "busybox dd if=/dev/zero bs=65536 count=$((MB * 16)) 2>/dev/null | nc -w 3 10.0.0.2 5000; echo TP-\$((6*7))R$3\\r"
	if wait_for 900 out_has "$1" "TP-42R$3"; then
		b=$(_wire_ms)
		t=$((b - a - 3000))
		echo "$((MB * 1024 * 1000 / t)) $(($(_wire_cpu "$4") - c0))"
	fi
}
_wire_median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print NR ? (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) : 0}'; }
_wire_spread() { printf '%s\n' "$@" | sort -n | sed -n '1p;$p' | paste -sd- -; }

# wire_compare ROUNDS KEEPERS_WIRE KEEPERS_DIRECT WHAT: the rounds, each
# side by side with the load average, then the medians, the spread, what
# the wire gives against direct, and the keepers' CPU per MiB carried,
# both keepers of a pair together (the direct pair's only hold the
# consoles, so theirs is the floor).
wire_compare() {
	local rounds=$1 kw=$2 kd=$3 r w wc d dc mw md hz cw=0 cd=0
	local -a wires=() directs=()
	hz=$(getconf CLK_TCK)
	echo "round  wire KiB/s  direct KiB/s  load (1 min)   ($MB MiB each, dd | nc $4)"
	for r in $(seq 1 "$rounds"); do
		read -r w wc < <(_wire_round 1 2 "$r" "$kw"; echo)
		read -r d dc < <(_wire_round 3 4 "$r" "$kd"; echo)
		printf '%5d  %10s  %12s  %s\n' "$r" "${w:--}" "${d:--}" "$(cut -d' ' -f1 /proc/loadavg)"
		[ -n "$w" ] && wires+=("$w") && cw=$((cw + wc))
		[ -n "$d" ] && directs+=("$d") && cd=$((cd + dc))
	done
	if [ "${#wires[@]}" -gt 0 ] && [ "${#directs[@]}" -gt 0 ]; then
		mw=$(_wire_median "${wires[@]}")
		md=$(_wire_median "${directs[@]}")
		echo "median: wire $mw KiB/s (spread $(_wire_spread "${wires[@]}")), direct $md KiB/s (spread $(_wire_spread "${directs[@]}")) over ${#wires[@]} and ${#directs[@]} rounds: the wire gives $((mw * 100 / md))% of direct"
		echo "keepers' CPU per MiB carried: wire pair $((cw * 1000 / hz / (MB * ${#wires[@]}))) ms, direct pair $((cd * 1000 / hz / (MB * ${#directs[@]}))) ms (consoles only)"
	else
		echo "no result: wire ${wires[*]:-none}, direct ${directs[*]:-none} ($(guest_tail 1) / $(guest_tail 3))"
	fi
}
