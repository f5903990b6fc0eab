# tests/lib-net.sh: sourced by the network tests after lib.sh and
# lib-run.sh. Drives shells of linux guests with `sandlab expect`, keeps
# a `sandlab console` client per guest (lib-run.sh's console_* helpers)
# for the failure messages, and reads the lab's NICs.

# guest_up N NODE: console N on NODE (its output in $T/cout.N, for
# guest_tail), and a shell there that answers. The prompt can come before
# the shell reads its line, so a harmless probe is sent until its answer
# shows. The waiting is `sandlab expect`'s.
guest_up() {
	local n=$1 node=$2 i
	console_open "$n" "$node"
	eval "_guest_node_$n=\$node"
	if ! "$SANDLAB" expect "$node" --from-start --timeout 120 --expect 'linux# ' >/dev/null 2>&1; then
		not_ok "$node boots to a shell" "$(tail -c 300 "$T/cout.$n" | tr -d '\r')"
		return 1
	fi
	for i in 1 2 3 4 5 6; do
		if "$SANDLAB" expect "$node" --timeout 10 --sendline "echo up-$node-\$((40+2))" \
		    --expect "up-$node-42" >/dev/null 2>&1; then return 0; fi
	done
	not_ok "$node's shell answers" "$(tail -c 300 "$T/cout.$n" | tr -d '\r')"
	return 1
}

_gsh_seq=0
# gsh N SECONDS COMMANDS: runs COMMANDS in the shell of console N's node;
# true when they succeed within SECONDS. The markers are arithmetic, so
# the echo of the typed line never matches them.
gsh() {
	local n=$1 secs=$2 cmd=$3 tag node out
	_gsh_seq=$((_gsh_seq + 1))
	tag="g$_gsh_seq"
	eval "node=\$_guest_node_$n"
	out=$("$SANDLAB" expect "$node" --json --timeout "$secs" \
	    --sendline "if $cmd; then echo $tag-\$((40+2)); else echo $tag-\$((90+9)); fi" \
	    --expect "$tag-(42|99)" 2>/dev/null) || return 1
	case "$out" in *"\"matched\": \"$tag-42\""*) return 0 ;; esac
	return 1
}

# guest_tail N: the end of console N's output, for a failure message.
guest_tail() { tail -c "${2:-400}" "$T/cout.$1" | tr -d '\r' | tr '\n' ' '; }

# nic_mac NODE IDX: the MAC the lab gave NODE's ethIDX.
nic_mac() { "$SANDLAB" nic ls "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[int(sys.argv[1])]["mac"])' "$2"; }

# free_port PROTO: a port from 20000-29999 (below the link range) free on
# 127.0.0.1 now.
free_port() {
	python3 -c 'import random, socket, sys
for p in random.sample(range(20000, 30000), 200):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p)
    break' "$1"
}

# hold_port PROTO PORT: another program (a python3 of the test's) holds
# PROTO port PORT on 127.0.0.1 (udp: bound; tcp: listening), as a
# program of the user's would, until unhold_port PORT or the test's end.
# Returns once the port is held (the holder writes its file only after
# bind and listen); PORT 0 takes any free one. The port held is left in
# HELD_PORT. 1, with the holder's words, when it cannot be held.
declare -gA _held_pids=()
hold_port() {
	local proto=$1 port=$2 file pid
	file="$T/held.$proto.$port.$RANDOM"
	python3 -c 'import os, socket, sys, time
tcp = sys.argv[1] == "tcp"
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
if tcp:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[2])))
if tcp:
    s.listen(8)
with open(sys.argv[3] + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[3] + ".tmp", sys.argv[3])
time.sleep(600)' "$proto" "$port" "$file" 2>"$file.err" &
	pid=$!
	if ! wait_for 30 sh -c "[ -s '$file' ] || ! kill -0 $pid 2>/dev/null" || [ ! -s "$file" ]; then
		echo "hold_port $proto $port: $(tail -n 1 "$file.err")" >&2
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		return 1
	fi
	HELD_PORT=$(cat "$file")
	_held_pids[$HELD_PORT]=$pid
	at_exit "unhold_port $HELD_PORT"
}

# unhold_port PORT: ends the holder of PORT (by its pid) and waits for it:
# the port is free when this returns.
unhold_port() {
	local pid=${_held_pids[$1]:-}
	[ -n "$pid" ] || return 0
	unset "_held_pids[$1]"
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# dump: the lab's network and nodes as rows, and its overlay files.
dump() {
	sqlite3 "$SANDLAB_LAB/lab.db" "SELECT 'node', name, image_id, overlay, ram_mb, cpus, accel FROM nodes ORDER BY name;
		SELECT 'nic', node_id, idx, model, mac, attach FROM nics ORDER BY node_id, idx;
		SELECT 'link', id, a_node, a_idx, a_port, b_node, b_idx, b_port FROM links ORDER BY id;
		SELECT 'fwd', node_id, idx, proto, host_port, guest_port FROM forwards ORDER BY proto, host_port;
		SELECT 'pending', count(*) FROM pending;"
	ls -a "$SANDLAB_LAB/overlays"
}

# refused NAME REGEX CMD...: CMD fails with a message matching REGEX and
# the lab is as it was.
refused() {
	local name=$1 pat=$2; shift 2
	local before after out rc=0
	before=$(dump)
	out=$("$@" 2>&1 >/dev/null) || rc=$?
	after=$(dump)
	if [ "$rc" -eq 0 ]; then not_ok "$name" "succeeded, expected a refusal"
	elif ! text "$out" | grep -Eq -- "$pat"; then not_ok "$name" "message did not match /$pat/: $out"
	elif [ "$before" != "$after" ]; then not_ok "$name" "the lab changed: $(diff <(echo "$before") <(echo "$after") | head -5)"
	else ok "$name"; fi
}

# overlay_of NODE: the path of its overlay.
overlay_of() { "$SANDLAB" node show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["overlay"])'; }

# wire_lab SRC_MAC DST_MAC: the lab of the wire-end tests: tiny nodes a, b,
# c, d, links a:eth0 - b:eth0 and c:eth0 - d:eth0, a:eth0 with MAC
# DST_MAC, and a running. A socket of the test then plays b, sending
# frames from SRC_MAC (wire_frames).
wire_lab() {
	WIRE_SRC_MAC=$1
	WIRE_DST_MAC=$2
	lab_image tiny
	for n in a b c d; do "$SANDLAB" node create "$n" --image tiny --ram 32 >/dev/null; done
	"$SANDLAB" nic set a:eth0 --mac "$WIRE_DST_MAC" >/dev/null
	"$SANDLAB" link add a:eth0 b:eth0 >/dev/null
	"$SANDLAB" link add c:eth0 d:eth0 >/dev/null
	check "a starts" "$SANDLAB" node start a
}

# link_end NODE FIELD: a field of that node's end of its link (link ls --json).
link_end() {
	"$SANDLAB" link ls --json | python3 -c 'import json,sys
for l in json.load(sys.stdin):
    for e in (l["a"], l["b"]):
        if e["node"] == sys.argv[1]: print(e[sys.argv[2]])' "$1" "$2"
}

# pcap_started FILE: waits until FILE holds a pcap file header: a capture
# writes it once the wire has taken the capture on, so frames sent after
# that are in it (a fixed pause before them was a guess on a loaded machine).
pcap_started() {
	wait_for 60 sh -c "[ \$(stat -c %s '$1' 2>/dev/null || echo 0) -ge 24 ]"
}

# capture_pings REF FILE CONSOLE PEER_IP: `sandlab capture REF -w FILE`
# while console CONSOLE's guest pings PEER_IP 3 times, ended with Ctrl-C
# as a user ends it; FILE read back by tcpdump -n -e into FILE.txt (its
# complaints in FILE.tcpdump, the capture's in FILE.err). Sets capture_rc
# (the capture's exit status) and capture_req/capture_rep (the echo
# requests MAC_FROM > MAC_TO from FROM_IP, and the replies back, as
# tcpdump shows them; MAC_FROM MAC_TO FROM_IP are the caller's).
capture_pings() {
	local cap
	"$SANDLAB" capture "$1" -w "$2" 2>"$2.err" &
	cap=$!
	pcap_started "$2" || true
	gsh "$3" 40 "ping -c 3 -w 20 $4 >/dev/null" || true
	kill -INT "$cap"
	capture_rc=0
	wait "$cap" || capture_rc=$?
	tcpdump -n -e -r "$2" >"$2.txt" 2>"$2.tcpdump" || true
	capture_req=$(grep -c "$MAC_FROM > $MAC_TO.*$FROM_IP > $4: ICMP echo request" "$2.txt" || true)
	capture_rep=$(grep -c "$MAC_TO > $MAC_FROM.*$4 > $FROM_IP: ICMP echo reply" "$2.txt" || true)
}

# wire_send HOST FROM TO N NAME: a socket of this test bound to
# HOST:FROM (a stopped peer's end, say) sends N Ethernet frames to
# 127.0.0.1:TO, as the peer's wire would: WIRE_SRC_MAC to WIRE_DST_MAC,
# ethertype 0x88b5, NAME in the payload.
wire_send() {
	python3 - "$1" "$2" "$3" "$4" "$WIRE_SRC_MAC" "$WIRE_DST_MAC" "$5" <<'PY'
import socket, sys
mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
frame = mac(sys.argv[6]) + mac(sys.argv[5]) + b"\x88\xb5" + sys.argv[7].encode().ljust(46, b".")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
for _ in range(int(sys.argv[4])):
    s.sendto(frame, ("127.0.0.1", int(sys.argv[3])))
PY
}

# wire_frames HOST FROM TO NAME: a capture of two frames on a:eth0 while
# wire_send sends two from HOST:FROM to 127.0.0.1:TO. 0 when both arrive
# with NAME; else 1 and what was seen on stdout.
wire_frames() {
	local host=$1 from=$2 to=$3 name=$4 cap n
	rm -f "$T/r.pcap"
	"$SANDLAB" capture a:eth0 -w "$T/r.pcap" -c 2 2>"$T/cap.err" &
	cap=$!
	pcap_started "$T/r.pcap" || true
	wire_send "$host" "$from" "$to" 2 "$name"
	if wait_for 60 pid_gone "$cap"; then
		n=$(tcpdump -n -e -r "$T/r.pcap" 2>/dev/null | grep -c "$WIRE_SRC_MAC > $WIRE_DST_MAC, ethertype Unknown (0x88b5)" || true)
		wait "$cap" 2>/dev/null || true
		[ "$n" = 2 ] && [ "$(tcpdump -n -A -r "$T/r.pcap" 2>/dev/null | grep -c "$name" || true)" -ge 1 ] && return 0
		echo "$n frames: $(tcpdump -n -e -r "$T/r.pcap" 2>&1 | head -4)"
	else
		kill -INT "$cap" 2>/dev/null || true
		wait "$cap" 2>/dev/null || true
		echo "the capture saw fewer than 2 frames: $(cat "$T/cap.err")"
	fi
	return 1
}
