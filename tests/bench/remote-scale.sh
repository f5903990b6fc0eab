#!/usr/bin/env bash
# What nodes on another host cost the machine that runs the lab: 1, 5,
# 10 and 20 tiny nodes on the test's own libvirt host over qemu+ssh
# (tests/lib-libvirt.sh: a session libvirtd and an sshd on 127.0.0.1,
# so the host's side runs here too and is left out of the figures).
# Each round starts its N nodes with one `node start` and measures, on
# this side only:
# - the time to start them all (the image is on the host already: a
#   round before the first uploads it);
# - the keepers: their summed RSS, PSS and threads (/proc/PID/status,
#   /proc/PID/smaps_rollup). RSS counts every shared page (libvirt and
#   the libraries it loads, sandlab's own text) once per process; PSS
#   splits a shared page among the processes that map it, so the sum of
#   PSS is what they cost the machine together;
# - the ssh processes of the lab (libvirt's ssh transport, a child of
#   each keeper, or the lab's one ssh to the host that forwards for all
#   of them, whose argv names the lab's folder) and its holder
#   (`__hostconn`): how many, their summed RSS and PSS;
# - the TCP connections to the host's sshd (ss);
# - CPU of keepers, ssh and holders over 60 s of idle nodes (utime +
#   stime from /proc/PID/stat, every thread), as seconds per minute.
# Then the nodes are killed and the next round starts from none.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-libvirt.sh"
S=$SANDLAB
IDLE_S=${REMOTE_SCALE_IDLE_S:-60}

lv_start
export SANDLAB_REMOTE_POOL_DIR="$LV_DIR/pool"
"$S" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
"$S" host add lv "$LV_URI" --address 127.0.0.1 >/dev/null
for i in $(seq 1 20); do "$S" node create "s$i" --image tiny --ram 16 --nics 0 --host lv >/dev/null; done
at_exit '"$S" node kill --all >/dev/null 2>&1 || true'

keepers() { sqlite3 "$SANDLAB_LAB/lab.db" "SELECT keeper_pid FROM runs WHERE state = 'running'"; }
children() { local p; for p in "$@"; do ps -o pid= --ppid "$p" || true; done; }
# status_sum FIELD PID...: the sum of a /proc/PID/status field (kB or count).
status_sum() {
	local f=$1 p s=0 v; shift
	for p in "$@"; do
		v=$(awk -v f="$f:" '$1 == f {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
		s=$((s + ${v:-0}))
	done
	echo "$s"
}
# ticks PID...: utime + stime of the processes, in clock ticks.
ticks() {
	local p s=0 v
	for p in "$@"; do
		v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
		s=$((s + v))
	done
	echo "$s"
}
# pss_sum PID...: the summed PSS of the processes, kB.
pss_sum() {
	local p s=0 v
	for p in "$@"; do
		v=$(awk '$1 == "Pss:" {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
		s=$((s + ${v:-0}))
	done
	echo "$s"
}
# lab_procs COMM: the processes named COMM whose argv names the lab's folder.
lab_procs() {
	local p
	for p in $(pgrep -x "$1" || true); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$SANDLAB_LAB" && echo "$p"
	done
	return 0
}
HZ=$(getconf CLK_TCK)

# The upload, once, out of the rounds.
"$S" node start s1 >/dev/null
"$S" node kill s1 >/dev/null

for n in 1 5 10 20; do
	names=$(seq -f 's%g' 1 "$n" | tr '\n' ' ')
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	if ! "$S" node start $names >/dev/null 2>"$T/start.err"; then
		echo "N=$n: start failed: $(tail -n 3 "$T/start.err" | tr '\n' ' ')"
		"$S" node kill --all >/dev/null 2>&1 || true
		continue
	fi
	t1=$(date +%s%N)
	k=$(keepers | tr '\n' ' ')
	# shellcheck disable=SC2086
	c=$(children $k | tr -s ' \n' ' ')
	# shellcheck disable=SC2086
	nssh=$( (for p in $c; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = ssh ] && echo "$p"; done; lab_procs ssh) |
		sort -u | tr '\n' ' ')
	hl=$(for p in $(pgrep -f -- "__hostconn" || true); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$SANDLAB_LAB" && echo "$p"; done | tr '\n' ' ')
	conns=$(ss -Htn state established "( dport = :$LV_PORT )" | wc -l)
	# shellcheck disable=SC2086
	c0=$(ticks $k $nssh $hl)
	sleep "$IDLE_S"
	# shellcheck disable=SC2086
	c1=$(ticks $k $nssh $hl)
	# shellcheck disable=SC2086
	awk -v n="$n" -v ns=$((t1 - t0)) -v nk="$(echo $k | wc -w)" -v krss="$(status_sum VmRSS $k)" \
	    -v kpss="$(pss_sum $k)" -v thr="$(status_sum Threads $k)" -v nssh="$(echo $nssh | wc -w)" \
	    -v srss="$(status_sum VmRSS $nssh)" -v spss="$(pss_sum $nssh)" -v nhl="$(echo $hl | wc -w)" \
	    -v hpss="$(pss_sum $hl)" -v conns="$conns" -v dt=$((c1 - c0)) -v hz="$HZ" \
	    -v idle="$IDLE_S" 'BEGIN {
		printf "N=%-2d start all %5.1f s | keepers %2d: RSS %6.1f MB, PSS %6.1f MB, %3d threads | ssh %2d: RSS %5.1f MB, PSS %5.1f MB | holders %d: PSS %4.1f MB | TCP to the host %2d | idle CPU %.2f s/min\n",
		    n, ns / 1e9, nk, krss / 1024, kpss / 1024, thr, nssh, srss / 1024, spss / 1024, nhl, hpss / 1024, conns, dt / hz * 60 / idle }'
	"$S" node kill --all >/dev/null 2>&1 || true
done
