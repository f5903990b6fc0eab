#!/usr/bin/env bash
# run-many.sh: 20 tiny nodes started together (start --all) and stopped
# together (stop --all, short grace: tiny ignores ACPI). All reach running
# with distinct VNC displays; afterwards no keeper, QEMU, socket or lock
# is left.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

N=20
lab_image tiny
for i in $(seq 1 $N); do "$SANDLAB" node create "m$i" --image tiny --ram 32 --nics 0 >/dev/null; done

rc=0
out=$("$SANDLAB" node start --all 2>&1) || rc=$?
running=$("$SANDLAB" node ls --json | python3 -c 'import json,sys; print(sum(n["state"] == "running" for n in json.load(sys.stdin)))')
if [ "$rc" = 0 ] && [ "$running" -eq $N ]; then ok "start --all: $N nodes running"; else not_ok "start --all: $N nodes running" "$running running; $(text "$out" | grep -v ': \(accelerator\|QEMU started\|running\)' | tail -5)"; fi

"$SANDLAB" node ls --json >"$T/ls.json"
if python3 - "$T/ls.json" <<'PY'
import json, sys
nodes = json.load(open(sys.argv[1]))
d = [n["run"]["vnc_display"] for n in nodes]
assert len(set(d)) == len(d) and all(x >= 0 for x in d), d
assert len({n["run"]["vnc"] for n in nodes}) == len(nodes)
PY
then ok "VNC displays are unique"; else not_ok "VNC displays are unique" "$(cat "$T/ls.json" | grep '"vnc"')"; fi
pids=$(python3 -c 'import json,sys; [print(n["run"]["keeper_pid"], n["run"]["qemu_pid"]) for n in json.load(open(sys.argv[1]))]' "$T/ls.json")

rc=0
out=$("$SANDLAB" node stop --all --grace 1 2>&1) || rc=$?
stopped=$("$SANDLAB" node ls --json | python3 -c 'import json,sys; print(sum(n["state"] == "stopped" for n in json.load(sys.stdin)))')
if [ "$rc" = 0 ] && [ "$stopped" -eq $N ]; then ok "stop --all: $N nodes stopped"; else not_ok "stop --all: $N nodes stopped" "$stopped stopped; $(text "$out" | tail -5)"; fi

left=""
for p in $pids; do wait_for 10 pid_gone "$p" || left="$left $p"; done
if [ -z "$left" ]; then ok "no keeper or QEMU left"; else not_ok "no keeper or QEMU left" "$left"; fi
socks=$(find "$SANDLAB_LAB/run" -name '*.sock' | wc -l)
if [ "$socks" -eq 0 ]; then ok "no socket left"; else not_ok "no socket left" "$socks sockets"; fi
# A keeper that ends cleanly removes its lock file; any left must be free.
held=0
files=0
for f in "$SANDLAB_LAB"/run/*/keeper.lock; do
	[ -e "$f" ] || continue
	files=$((files + 1))
	if ! flock -n -x "$f" true; then held=$((held + 1)); fi
done
if [ "$held" -eq 0 ]; then ok "no lock held"; else not_ok "no lock held" "$held locks held"; fi
if [ "$files" -eq 0 ]; then ok "no lock file left"; else not_ok "no lock file left" "$files lock files"; fi

run_done
