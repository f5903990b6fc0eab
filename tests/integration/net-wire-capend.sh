#!/usr/bin/env bash
# net-wire-capend.sh: a CLI capture (`sandlab capture a:eth0 -w FILE`)
# ends by itself when its node ends: once when a stops, once when a's
# keeper is killed with -9. Each time the capture exits, says on stderr
# that a is no longer running and how many frames it wrote, and the file
# is complete: tcpdump reads every frame this test sent (from a UDP
# socket on the stopped peer b's port, as b's wire would).
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

command -v tcpdump >/dev/null || { not_ok "tcpdump is installed" "make deps installs it"; run_done; exit 1; }
SRC_MAC=52:54:00:79:01:01
DST_MAC=52:54:00:79:01:0a
WIRE_SRC_MAC=$SRC_MAC WIRE_DST_MAC=$DST_MAC
lab_image tiny
for n in a b; do "$SANDLAB" node create "$n" --image tiny --ram 32 >/dev/null; done
"$SANDLAB" nic set a:eth0 --mac "$DST_MAC" >/dev/null
"$SANDLAB" link add a:eth0 b:eth0 >/dev/null
# frames FILE: how many of this test's frames tcpdump reads in FILE.
frames() { tcpdump -n -e -r "$1" 2>/dev/null | grep -c "$SRC_MAC > $DST_MAC, ethertype Unknown (0x88b5)" || true; }
# send N: N frames from b's port to a's wire end.
send() { wire_send 127.0.0.1 "$(link_end b port)" "$(link_end a port)" "$1" capend; }
# capture_until N FILE HOW: a capture of a:eth0 into FILE with N frames
# sent, then a ended by HOW (a command); true when the capture ends by
# itself with its message and FILE holds the N frames.
capture_until() {
	local n=$1 file=$2 cap rc=0; shift 2
	"$SANDLAB" capture a:eth0 -w "$file" 2>"$T/cap.err" &
	cap=$!
	wait_for 30 sh -c "[ \$(stat -c %s '$file' 2>/dev/null || echo 0) -ge 24 ]" || true
	send "$n"
	# Flushed frame by frame: the file has them while the capture runs.
	wait_for 30 sh -c "[ \"\$(tcpdump -n -e -r '$file' 2>/dev/null | grep -c 0x88b5)\" = $n ]" || true
	"$@" >/dev/null 2>&1 || true
	if ! wait_for 60 pid_gone "$cap"; then
		kill -INT "$cap" 2>/dev/null || true
		wait "$cap" 2>/dev/null || true
		echo "the capture went on after a ended"
		return 1
	fi
	wait "$cap" || rc=$?
	if [ "$rc" = 0 ] && grep -q "the capture of a:eth0 ended: a is no longer running .*; $n frames written to $file, complete" "$T/cap.err" &&
	   [ "$(frames "$file")" = "$n" ]; then
		return 0
	fi
	echo "exit $rc, $(frames "$file") frames, stderr: $(cat "$T/cap.err")"
	return 1
}

check "a starts" "$SANDLAB" node start a
if why=$(capture_until 3 "$T/stop.pcap" "$SANDLAB" node stop a --grace 1); then
	ok "node stop ends a CLI capture: its message, 3 frames tcpdump reads"
else not_ok "capture ends with node stop" "$why"; fi

check "a starts again" "$SANDLAB" node start a
keeper=$(lab_pids | head -n 1)
if [ -n "$keeper" ] && why=$(capture_until 4 "$T/kill.pcap" kill -9 "$keeper"); then
	ok "kill -9 of a's keeper ends a CLI capture: its message, 4 frames tcpdump reads"
else not_ok "capture ends with the keeper killed" "keeper ${keeper:-none}: ${why:-}"; fi
wait_for 60 pid_gone "$keeper" || true
run_done
