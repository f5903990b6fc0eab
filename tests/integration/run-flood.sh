#!/usr/bin/env bash
# run-flood.sh: a guest flooding its console. The log stays within its cap
# (with one rotated file), the keeper's memory stays bounded, a client that
# never reads is disconnected without holding up the guest or a client that
# does read.
#
# The flood guest writes about 50-80 KB/s under TCG here (QEMU's UART, not
# the keeper, is the limit: bare QEMU writing to a file is no faster), so
# 200 MB would take most of an hour. The test sets the cap to 32 KiB and
# floods 1.5 MB, 45 times the cap, which rotates the log dozens of times.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

CAP=32768
LINES=20000       # 75 bytes each
export SANDLAB_LOG_MAX=32k

lab_image flood
"$SANDLAB" node create f1 --image flood --ram 64 >/dev/null
id=$(node_id f1)
sock="$SANDLAB_LAB/run/$id/console.sock"
log="$SANDLAB_LAB/logs/$id.log"

cat >"$T/client.py" <<'PY'
import socket, sys, time, os, re
mode, path, out, stop = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX)
s.connect(path)
if mode == "stalled":
    # Never read until told; then see whether the keeper hung up on us.
    while not os.path.exists(stop):
        time.sleep(0.1)
    s.settimeout(10)
    try:
        while s.recv(65536):
            pass
        res = "closed"
    except socket.timeout:
        res = "still-open"
    open(out, "w").write(res)
else:
    # Read everything; remember the last complete line number seen.
    s.settimeout(0.5)
    tail, last, total = b"", -1, 0
    while not os.path.exists(stop):
        try:
            b = s.recv(65536)
        except socket.timeout:
            continue
        if not b:
            break
        total += len(b)
        tail = (tail + b)[-400:]
        m = re.findall(rb"flood (\d{8}) ", tail[:tail.rfind(b"\n")] if b"\n" in tail else b"")
        if m:
            last = int(m[-1])
            open(out + ".tmp", "w").write("%d %d" % (last, total))
            os.replace(out + ".tmp", out)
PY

"$SANDLAB" node start f1 >/dev/null
kpid=$(run_get f1 keeper_pid)
python3 "$T/client.py" stalled "$sock" "$T/stalled.out" "$T/stop" &
p1=$!
python3 "$T/client.py" reader "$sock" "$T/reader.out" "$T/stop" &
p2=$!
at_exit "touch $T/stop; kill $p1 $p2"

# The line number the guest has reached, from the live log.
reached() { tail -c 200 "$log" 2>/dev/null | grep -ao 'flood [0-9]\{8\}' | tail -n 1 | awk '{print $2 + 0}'; }
# A read just after a rotation finds the new log still empty, so the line
# reached is the highest seen by any read, not the last read alone.
rss=()
got=0
for step in 1 2 3 4 5; do
	want=$((LINES * step / 5))
	wait_for 110 sh -c "[ \"\$(tail -c 200 '$log' 2>/dev/null | grep -ao 'flood [0-9]\{8\}' | tail -n 1 | awk '{print \$2 + 0}')\" -ge $want ]" || break
	got=$want
	rss+=("$(awk '/VmRSS/ {print $2}' "/proc/$kpid/status")")
done
now=$(reached || true)
[ "${now:-0}" -gt "$got" ] && got=$now
if [ "${got:-0}" -ge "$LINES" ]; then ok "the guest wrote $((got * 75)) bytes ($(( got * 75 / CAP ))x the cap)"; else not_ok "the guest wrote 20x the cap" "reached line ${got:-none}"; fi

size() { stat -c %s "$1" 2>/dev/null || echo 0; }
if [ "$(size "$log")" -le "$CAP" ] && [ -f "$log.1" ] && [ "$(size "$log.1")" -le "$CAP" ] &&
    [ "$(ls "$SANDLAB_LAB/logs" | grep -c "^$id.log")" -eq 2 ]; then
	ok "log within its cap: $(size "$log") + $(size "$log.1") bytes"
else
	not_ok "log within its cap" "$(ls -l "$SANDLAB_LAB/logs")"
fi

min=${rss[0]:-0}; max=0
for r in "${rss[@]}"; do
	[ "$r" -lt "$min" ] && min=$r
	[ "$r" -gt "$max" ] && max=$r
done
if [ "${#rss[@]}" -eq 5 ] && [ $((max - min)) -lt 8192 ]; then
	ok "keeper RSS bounded over the flood: ${rss[*]} kB"
else
	not_ok "keeper RSS bounded over the flood" "${rss[*]} kB"
fi

touch "$T/stop"
wait "$p1" || true
if [ "$(cat "$T/stalled.out" 2>/dev/null)" = closed ]; then ok "a client that never reads is disconnected"; else not_ok "a client that never reads is disconnected" "$(cat "$T/stalled.out" 2>/dev/null)"; fi
wait "$p2" || true
read -r rlast rtotal <"$T/reader.out" || true
if [ "${rlast:--1}" -ge $((LINES - 2000)) ]; then
	ok "a reading client kept up (line $rlast, $rtotal bytes)"
else
	not_ok "a reading client kept up" "line ${rlast:-none} of ${got:-?}"
fi

if "$SANDLAB" node stop f1 --grace 0 >/dev/null && state_is f1 stopped; then ok "flood node stops"; else not_ok "flood node stops"; fi

run_done
