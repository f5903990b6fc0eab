#!/usr/bin/env bash
# The real Debian 12 cloud image under TCG (images/build cloud, built on
# demand): from `sandlab node create` with cloud-init on to the first
# `sandlab ssh NODE -- true` that logs in as the seeded user, median of 3
# (BENCH_CLOUD_RUNS to change). One node at a time. Minutes per run, so
# `make bench` runs it only once the image is there (make guests-cloud) or
# when BENCH=cloud asks for it.
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
times=()
for i in $(seq 1 "$runs"); do
	t0=$(date +%s%N)
	"$SANDLAB" node create "b$i" --image cloud --ram 512 --cloud-init on >/dev/null
	"$SANDLAB" nic set "b$i:eth0" --attach user >/dev/null
	"$SANDLAB" node start "b$i" >/dev/null
	until timeout 20 "$SANDLAB" ssh "b$i" -- true </dev/null >/dev/null 2>&1; do
		if [ $(( ($(date +%s%N) - t0) / 1000000000 )) -gt 900 ]; then
			echo "b$i: no ssh login within 900 s"
			break
		fi
		sleep 2
	done
	times+=("$(( ($(date +%s%N) - t0) / 1000000 ))")
	echo "run $i: node create to seeded ssh login: $(( times[-1] / 1000 )).$(( times[-1] % 1000 / 100 )) s"
	"$SANDLAB" node kill "b$i" >/dev/null
done
med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "node create to seeded ssh login (TCG), median of $runs: $(( med / 1000 )).$(( med % 1000 / 100 )) s (load $(cut -d' ' -f1-3 /proc/loadavg))"
keepers_end
