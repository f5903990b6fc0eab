#!/usr/bin/env bash
# The real Debian 12 cloud image under TCG (images/build cloud, built on
# demand): from `sandlab node create` with cloud-init on to the first
# `sandlab ssh NODE -- true` that logs in as the seeded user, median of 3
# (BENCH_CLOUD_RUNS to change). One node at a time. Minutes per run, so
# `make bench` runs it only once the image is there (make guests-cloud) or
# when BENCH=cloud asks for it. Prints its method, and each run's QEMU CPU
# seconds (user+system from /proc/PID/stat just before the node is killed:
# boot, cloud-init and the logins, the guest's whole cost).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

case "${BENCH:-}" in
*cloud*) bash "$TOP/images/build" cloud >/dev/null ;;
*) [ -f "$TOP/images/cloud.qcow2" ] || { echo "skipped: no images/cloud.qcow2 (make guests-cloud, or BENCH=cloud)"; exit 0; } ;;
esac
export HOME="$T/home"
mkdir -p "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/id_ed25519"
lab_image cloud
runs=${BENCH_CLOUD_RUNS:-3}
limit=1800
tick=$(getconf CLK_TCK)
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
secs() { echo "$(( $1 / 1000 )).$(( $1 % 1000 / 100 ))"; }
echo "method: wall time from \`node create NAME --image cloud --accel tcg --ram 512 --cloud-init on\`"
echo "    (then \`nic set NAME:eth0 --attach user\` and \`node start\`) to the first"
echo "    \`sandlab ssh NAME -- true\` that exits 0 (each try at most 20 s, tries 1 s apart,"
echo "    so a figure is up to ~1 s late); $runs runs one after the other, each a new node;"
echo "    ${SANDLAB#"$TOP"/}, $(nproc) CPUs, load at the start $(loadavg)"
times=()
for i in $(seq 1 "$runs"); do
	t0=$(date +%s%N)
	got=0
	"$SANDLAB" node create "b$i" --image cloud --accel tcg --ram 512 --cloud-init on >/dev/null
	"$SANDLAB" nic set "b$i:eth0" --attach user >/dev/null
	"$SANDLAB" node start "b$i" >/dev/null
	until timeout 20 "$SANDLAB" ssh "b$i" -- true </dev/null >/dev/null 2>&1; do
		if [ $(( ($(date +%s%N) - t0) / 1000000000 )) -gt "$limit" ]; then
			got=1
			break
		fi
		sleep 1
	done
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	pid=$(run_get "b$i" qemu_pid)
	cpu=$(awk -v t="$tick" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$pid/stat" 2>/dev/null || echo "?")
	if [ "$got" = 0 ]; then
		times+=("$ms")
		echo "run $i: node create to seeded ssh login: $(secs "$ms") s (QEMU CPU $cpu s, load $(loadavg))"
	else
		echo "run $i: no ssh login within $limit s (QEMU CPU $cpu s, load $(loadavg)): left out"
	fi
	"$SANDLAB" node kill "b$i" >/dev/null
done
if [ "${#times[@]}" -gt 0 ]; then
	med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	echo "node create to seeded ssh login (TCG), median of ${#times[@]}: $(secs "$med") s (load at the end $(loadavg))"
fi
keepers_end
