#!/usr/bin/env bash
# Wire figures, host-side, through a real keeper: the node's QEMU is
# tests/bench/fake-qemu.py (first in PATH), which echoes every frame on
# its wire socket, so a UDP harness playing the link's other end
# (wire-echo.py) times frames through the wire both ways with no guest
# in the way. Printed: round trip median and p99 through the wire beside
# the same harness against a plain UDP echo (the difference is what the
# wire adds, per round trip = two passes through it); the keeper's CPU
# per 10,000 frames (utime+stime from /proc); its wakeups over 10 idle
# seconds (context switches from /proc); and a burst of 5,000 frames on
# a link with 100 ms delay, to show the queue passes them at
# line rate rather than one per delay.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

N=${WIRE_FRAMES:-10000}
lab_image tiny
mkdir -p "$T/bin"
ln -s "$TOP/tests/bench/fake-qemu.py" "$T/bin/qemu-system-x86_64"
"$SANDLAB" node create w --image tiny --ram 32 --accel tcg >/dev/null
"$SANDLAB" node create p --image tiny --ram 32 --accel tcg >/dev/null
"$SANDLAB" link add w:eth0 p:eth0 >/dev/null
# The harness plays p on a port of the 20000s this bench picks: link
# ports in the 40000s are the ones every other lab on this machine takes.
"$SANDLAB" link set p:eth0 --port "$(free_port udp)" >/dev/null
PATH="$T/bin:$PATH" "$SANDLAB" node start w >/dev/null
kpid=$(run_get w keeper_pid)
read -r wport pport < <("$SANDLAB" link ls --json | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]; print(l["a"]["port"], l["b"]["port"])')
cpu() { awk '{print $14 + $15}' "/proc/$kpid/stat"; }
switches() { awk '/ctxt_switches/ {n += $2} END {print n}' "/proc/$kpid/status"; }
hz=$(getconf CLK_TCK)

for size in 64 1400; do
	e1=$(free_port udp); h1=$(free_port udp)
	python3 "$TOP/tests/bench/wire-echo.py" echo "$e1" 0 0 0 &
	echo_pid=$!
	at_exit "kill $echo_pid"
	# The harness's warm-up waits for the echo to be bound.
	read -r dmed dp99 dlost < <(python3 "$TOP/tests/bench/wire-echo.py" rtt "$h1" "$e1" "$N" "$size")
	kill "$echo_pid"; wait "$echo_pid" 2>/dev/null || true
	c0=$(cpu)
	read -r wmed wp99 wlost < <(python3 "$TOP/tests/bench/wire-echo.py" rtt "$pport" "$wport" "$N" "$size")
	c1=$(cpu)
	echo "wire round trip, $size-byte frames, $N one at a time: median $wmed us, p99 $wp99 us ($wlost lost); plain UDP echo: median $dmed us, p99 $dp99 us; the wire adds $((wmed - dmed)) us median per round trip (two passes)"
	# Each round trip is two frames through the wire (in and out).
	echo "keeper CPU for $((2 * N)) frames of $size bytes: $(( (c1 - c0) * 1000 / hz )) ms, so $(( (c1 - c0) * 1000 / hz * 10000 / (2 * N) )) ms per 10,000 frames"
done

s0=$(switches); sleep 10; s1=$(switches)
echo "idle wire: $((s1 - s0)) keeper wakeups in 10 s"

"$SANDLAB" link set w:eth0 --delay 100 >/dev/null
python3 - "$pport" "$wport" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.connect(("127.0.0.1", int(sys.argv[2])))
s.settimeout(3)
frame = b"\xff" * 6 + b"\x52\x54\x00\x00\x00\x01\x08\x00" + bytes(50)
t = time.monotonic()
for i in range(5000):
    s.send(frame)
    if i % 100 == 99:
        time.sleep(0.001)   # keep within the socket buffers
got, first = 0, None
try:
    while got < 5000:
        s.recv(65536)
        got += 1
        first = first or time.monotonic() - t
except socket.timeout:
    pass
last = time.monotonic() - t - (3 if got < 5000 else 0)
print("--delay 100 on the frames the wire sends: 5000 frames sent in a burst, %d back; first after %.0f ms, all within %.0f ms (one per delay would take %d s)" % (got, first * 1000, last * 1000, 5000 * 100 // 1000))
PY
PATH="$T/bin:$PATH" "$SANDLAB" node stop w --grace 5 >/dev/null 2>&1 || true
run_done
