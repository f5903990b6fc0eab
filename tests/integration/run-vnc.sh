#!/usr/bin/env bash
# run-vnc.sh: VNC displays unique in the lab and free on the host; a port
# taken between the keeper's choice and QEMU's bind means a retry, not a
# failed start (the test takes the port at that moment through the
# keeper's SANDLAB_TEST_VNC_GATE hook); another address only with a
# password, which QEMU then demands.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

lab_image tiny
# tcg: with auto, a host whose KVM QEMU cannot run retries with tcg
# before it binds VNC, and the taken port below is never met.
for n in v1 v2 v3; do "$SANDLAB" node create $n --image tiny --ram 32 --nics 0 --accel tcg >/dev/null; done

"$SANDLAB" node start v1 >/dev/null
d1=$(run_get v1 vnc_display)

# v2: take the port the keeper chose before QEMU binds it. Other labs on
# this machine (other test runs) may grab that port first; then the test
# could not hold it and tries again, up to three times.
cat >"$T/hold.py" <<'PY'
import os, socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", 5900 + int(sys.argv[1])))
    s.listen(1)
except OSError:
    open(sys.argv[2], "w").write("busy")
    sys.exit(0)
open(sys.argv[2], "w").write("held")
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
PY
result="not reached"
for try in 1 2 3; do
	rm -f "$T/gate.display" "$T/gate.go" "$T/taken" "$T/release"
	SANDLAB_TEST_VNC_GATE="$T/gate" "$SANDLAB" node start v2 >"$T/start.out" 2>&1 &
	spid=$!
	if ! wait_for 30 test -s "$T/gate.display"; then
		result="the keeper never reached the gate: $(cat "$T/start.out")"
		break
	fi
	d=$(cat "$T/gate.display")
	python3 "$T/hold.py" "$d" "$T/taken" "$T/release" &
	lpid=$!
	at_exit "touch $T/release; kill $lpid"
	wait_for 10 test -s "$T/taken" || true
	held=$(cat "$T/taken" 2>/dev/null || true)
	touch "$T/gate.go"
	rc=0
	wait "$spid" || rc=$?
	touch "$T/release"
	wait "$lpid" 2>/dev/null || true
	if [ "$held" != held ]; then
		"$SANDLAB" node stop v2 --grace 0 >/dev/null 2>&1 || true
		result="port $((5900 + d)) was already taken by another program before the test could hold it"
		continue
	fi
	d2=$(run_get v2 vnc_display)
	if [ "$rc" -eq 0 ] && state_is v2 running && [ "$d2" != "$d" ] && [ "$d2" != "$d1" ] &&
	    grep -q "was taken by another program; trying another display" "$T/start.out"; then
		result=ok
	else
		result="rc=$rc d=$d d2=$d2 $(cat "$T/start.out")"
	fi
	break
done
if [ "$result" = ok ]; then
	ok "a VNC port taken before QEMU binds it means a retry (display $d -> $d2)"
else
	not_ok "a VNC port taken before QEMU binds it means a retry" "$result"
fi

addr=$("$SANDLAB" vnc v2 | sed -n 1p)
if [ "$addr" = "127.0.0.1:$((5900 + $(run_get v2 vnc_display)))" ] &&
    python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1', ${addr##*:}), 5); sys.exit(0 if s.recv(12).startswith(b'RFB') else 1)"; then
	ok "vnc prints the address and QEMU listens there"
else
	not_ok "vnc prints the address and QEMU listens there" "$addr"
fi
if "$SANDLAB" vnc v2 --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["host"] == "127.0.0.1" and d["port"] == 5900 + d["display"]'; then
	ok "vnc --json"
else
	not_ok "vnc --json"
fi
expect_fail "vnc of a stopped node" "no VNC address" "$SANDLAB" vnc v3

# Another address: refused without a password; with one, QEMU asks for it.
expect_fail "VNC on another address needs a password" "needs a password" \
	env -u SANDLAB_VNC_PASSWORD "$SANDLAB" node start v3 --vnc-host 127.0.0.2
if SANDLAB_VNC_PASSWORD=secret1 "$SANDLAB" node start v3 --vnc-host 127.0.0.2 >/dev/null 2>&1 &&
    [ "$("$SANDLAB" vnc v3 | sed -n 1p)" = "127.0.0.2:$((5900 + $(run_get v3 vnc_display)))" ]; then
	port=$((5900 + $(run_get v3 vnc_display)))
	if python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.2', $port), 5)
assert s.recv(12).startswith(b'RFB')
s.sendall(b'RFB 003.008\n')
n = s.recv(1)[0]
types = s.recv(n)
sys.exit(0 if 2 in types and 1 not in types else 1)"; then
		ok "VNC on another address demands the password"
	else
		not_ok "VNC on another address demands the password"
	fi
	if ! tr '\0' '\n' <"/proc/$(run_get v3 qemu_pid)/environ" | grep -q SANDLAB_VNC_PASSWORD &&
	    ! tr '\0' ' ' <"/proc/$(run_get v3 qemu_pid)/cmdline" | grep -q secret1; then
		ok "the password is in neither QEMU's argv nor its environment"
	else
		not_ok "the password is in neither QEMU's argv nor its environment"
	fi
else
	not_ok "VNC on another address demands the password" "start failed"
	not_ok "the password is in neither QEMU's argv nor its environment" "start failed"
fi

"$SANDLAB" node stop --all --grace 0 >/dev/null
run_done
