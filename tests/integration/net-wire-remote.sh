#!/usr/bin/env bash
# net-wire-remote.sh: a link end at another address, as a peer on another
# host would be: `link set b:eth0 --address 127.0.0.2` moves b's end (its
# port stays) and a's running wire then talks to 127.0.0.2; a UDP socket
# of this test there plays b, and its frames arrive in a capture of
# a:eth0 that tcpdump reads. Off loopback is refused unless
# --allow-remote; link ls and link ls --json say where each end listens,
# which is what a libvirt <interface type='udp'> would be pointed at.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

command -v tcpdump >/dev/null || { not_ok "tcpdump is installed" "make deps installs it"; run_done; exit 1; }
SRC_MAC=52:54:00:77:01:01
DST_MAC=52:54:00:77:01:0a
lab_image tiny
for n in a b c d; do "$SANDLAB" node create "$n" --image tiny --ram 32 >/dev/null; done
"$SANDLAB" nic set a:eth0 --mac "$DST_MAC" >/dev/null
"$SANDLAB" link add a:eth0 b:eth0 >/dev/null
"$SANDLAB" link add c:eth0 d:eth0 >/dev/null
check "a starts" "$SANDLAB" node start a
# end NODE FIELD: a field of that node's end of its link (link ls --json).
end() {
	"$SANDLAB" link ls --json | python3 -c 'import json,sys
for l in json.load(sys.stdin):
    for e in (l["a"], l["b"]):
        if e["node"] == sys.argv[1]: print(e[sys.argv[2]])' "$1" "$2"
}
before=$("$SANDLAB" link ls --json)
expect_fail "an end off loopback without --allow-remote" "10.1.2.3 is not loopback: .* add --allow-remote" "$SANDLAB" link set b:eth0 --address 10.1.2.3
expect_fail "an end at a name, not an address" "\"peer.example\" is not an IP address" "$SANDLAB" link set b:eth0 --address peer.example
expect_fail "an end with a port (ports never move)" "\"127.0.0.2:4000\" is not an IP address" "$SANDLAB" link set b:eth0 --address 127.0.0.2:4000
expect_fail "--allow-remote alone" "--allow-remote goes with --address" "$SANDLAB" link set b:eth0 --allow-remote
if [ "$("$SANDLAB" link ls --json)" = "$before" ]; then ok "refused addresses change nothing"; else not_ok "refused addresses" "$("$SANDLAB" link ls)"; fi

bport=$(end b port)
out=$("$SANDLAB" link set b:eth0 --address 127.0.0.2 2>&1)
if text "$out" | grep -q "in effect now on a" && [ "$(end b host)" = 127.0.0.2 ] && [ "$(end b port)" = "$bport" ] &&
   [ "$(end a host)" = 127.0.0.1 ]; then
	ok "b's end moves to 127.0.0.2 (port kept), in effect on the running a"
else not_ok "link set --address" "$out; $("$SANDLAB" link ls)"; fi
if "$SANDLAB" link ls | grep -Eq "b:eth0 listens on 127\.0\.0\.2:$bport$"; then ok "link ls says where b's end listens"; else not_ok "link ls address" "$("$SANDLAB" link ls)"; fi

# A capture of two frames; it is connected once its file has the pcap header.
"$SANDLAB" capture a:eth0 -w "$T/r.pcap" -c 2 2>"$T/cap.err" &
cap=$!
header() { [ "$(stat -c %s "$T/r.pcap" 2>/dev/null || echo 0)" -ge 24 ]; }
wait_for 30 header || true
python3 - "$bport" "$(end a port)" "$SRC_MAC" "$DST_MAC" <<'EOF'
import socket, sys
mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
frame = mac(sys.argv[4]) + mac(sys.argv[3]) + b"\x88\xb5" + b"remote-end".ljust(46, b".")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.2", int(sys.argv[1])))
for _ in range(2):
    s.sendto(frame, ("127.0.0.1", int(sys.argv[2])))
EOF
if wait_for 30 pid_gone "$cap"; then
	n=$(tcpdump -n -e -r "$T/r.pcap" 2>/dev/null | grep -c "$SRC_MAC > $DST_MAC, ethertype Unknown (0x88b5)" || true)
	if [ "$n" = 2 ]; then ok "frames from 127.0.0.2 reach a's wire and its capture"; else not_ok "frames from the moved end" "$n: $(tcpdump -n -e -r "$T/r.pcap" 2>&1 | head -5)"; fi
else
	kill -INT "$cap" 2>/dev/null || true
	not_ok "frames from the moved end" "the capture saw fewer than 2 frames: $(cat "$T/cap.err")"
fi
wait "$cap" 2>/dev/null || true
# Off loopback when asked: kept in the lab and shown (c and d are stopped).
out=$("$SANDLAB" link set d:eth0 --address 192.0.2.7 --allow-remote 2>&1)
if [ "$(end d host)" = 192.0.2.7 ] && "$SANDLAB" link ls | grep -Eq "d:eth0 listens on 192\.0\.2\.7:[0-9]+$"; then
	ok "--allow-remote puts an end off loopback"
else not_ok "--allow-remote" "$out; $("$SANDLAB" link ls)"; fi

"$SANDLAB" node stop a --grace 1 >/dev/null 2>&1 || true
run_done
