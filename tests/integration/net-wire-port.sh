#!/usr/bin/env bash
# net-wire-port.sh: `link set NODE:ethN --port P` moves an end's UDP port.
# Refused: a port below 1024 or above 65535, not a number, another link's
# port, the other end's port, and a port a socket of this test holds (the
# message names it; nothing changes). Taken at once by running wires: b's
# port moved while a runs, a UDP socket of this test bound there plays b
# and its frames reach a's capture (a's wire takes datagrams from b's new
# port only); then a's own port moves while a runs, the old one is let
# go, and frames sent to the new one arrive. Kept in link ls, in lab files
# (a-port=/b-port= only for ports a user chose) and through an import,
# also when a file chooses the ports an import would have picked fresh.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

command -v tcpdump >/dev/null || { not_ok "tcpdump is installed" "make deps installs it"; run_done; exit 1; }
wire_lab 52:54:00:78:01:01 52:54:00:78:01:0a

# A UDP port another program holds while the refusals run.
hold_port udp 0
held=$HELD_PORT
dport=$(link_end d port)
aport=$(link_end a port)
refused "a port below 1024" "--port needs a UDP port from 1024 to 65535, not \"80\"" "$SANDLAB" link set b:eth0 --port 80
refused "a port above 65535" "--port needs a UDP port from 1024 to 65535, not \"70000\"" "$SANDLAB" link set b:eth0 --port 70000
refused "a port that is no number" "--port needs a UDP port from 1024 to 65535, not \"4x\"" "$SANDLAB" link set b:eth0 --port 4x
refused "another link's port" "UDP port $dport is already an end of the link c:eth0 - d:eth0" "$SANDLAB" link set b:eth0 --port "$dport"
refused "the other end's port" "UDP port $aport is the other end's of this link" "$SANDLAB" link set b:eth0 --port "$aport"
refused "a port another program holds" "UDP port $held on 127.0.0.1 is in use by another program" "$SANDLAB" link set b:eth0 --port "$held"
unhold_port "$held"

# b (stopped) moves; a's wire now aims at the new port.
newb=$(free_port udp)
out=$("$SANDLAB" link set b:eth0 --port "$newb" 2>&1)
if text "$out" | grep -q "b:eth0 listens on 127.0.0.1:$newb" && text "$out" | grep -q "in effect now on a" &&
   [ "$(link_end b port)" = "$newb" ] && [ "$(link_end a port)" = "$aport" ]; then
	ok "b's end moves to port $newb, in effect on the running a"
else not_ok "link set --port" "$out; $("$SANDLAB" link ls)"; fi
if "$SANDLAB" link ls | grep -Eq "a:eth0 +b:eth0 +$aport-$newb "; then ok "link ls shows the moved port"; else not_ok "link ls port" "$("$SANDLAB" link ls)"; fi
if why=$(wire_frames 127.0.0.1 "$newb" "$aport" moved-peer); then ok "frames from b's new port reach a's wire"; else not_ok "frames from b's new port" "$why"; fi

# a (running) moves: its wire lets the old port go and listens on the new.
newa=$(free_port udp)
while [ "$newa" = "$newb" ]; do newa=$(free_port udp); done
check "a's end moves while a runs" "$SANDLAB" link set a:eth0 --port "$newa"
if wait_for 30 python3 -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind(("127.0.0.1", int(sys.argv[1])))' "$aport"; then
	ok "a's old port $aport is let go"; else not_ok "old port" "still held: $(ss -uanp 2>/dev/null | grep ":$aport " | head -2)"; fi
if why=$(wire_frames 127.0.0.1 "$newb" "$newa" moved-self); then ok "frames sent to a's new port arrive"; else not_ok "frames to a's new port" "$why"; fi

# Lab files keep chosen ports only; an import makes them again.
"$SANDLAB" lab export "$T/lab.txt"
if grep -Eq "^link a:eth0 b:eth0 a-port=$newa b-port=$newb$" "$T/lab.txt" && grep -Eq "^link c:eth0 d:eth0$" "$T/lab.txt"; then
	ok "lab export writes the chosen ports"; else not_ok "lab export" "$(grep ^link "$T/lab.txt")"; fi
"$SANDLAB" node stop a --grace 1 >/dev/null 2>&1 || true
other=$T/lab2
mkdir -m 0700 "$other"
SANDLAB_LAB=$other "$SANDLAB" image import "$IMAGES/tiny.qcow2" --name tiny >/dev/null 2>&1
sed -E "s/a-port=$newa/a-port=$dport/; s/b-port=$newb/b-port=$held/" "$T/lab.txt" >"$T/lab2.txt"
if SANDLAB_LAB=$other "$SANDLAB" lab import "$T/lab2.txt" >/dev/null 2>&1 &&
   SANDLAB_LAB=$other "$SANDLAB" link ls | grep -Eq "a:eth0 +b:eth0 +$dport-$held "; then
	ok "lab import gives the ends the file's ports"; else not_ok "lab import ports" "$(SANDLAB_LAB=$other "$SANDLAB" link ls 2>&1)"; fi

# A port a lab file chooses is kept from the fresh picks of the same
# import: of that link's other end and of other links. fa and fb are the
# two fresh ports an import picks now (learnt from a lab of its own); the
# files then choose exactly those. Another test on this machine may
# take fa or fb meanwhile ("in use by another program"): then the ports
# are learnt again, at most three times.
# ports_lab N LINK-LINES...: an import of lab.txt's nodes with these
# links into $T/labN; its messages on stdout.
ports_lab() {
	local dir=$T/lab$1
	mkdir -m 0700 "${dir:?}"
	SANDLAB_LAB=$dir "$SANDLAB" image import "$IMAGES/tiny.qcow2" --name tiny >/dev/null 2>&1
	{ grep -v '^link ' "$T/lab.txt" | sed 's/ attach=link$//'; printf '%s\n' "${@:2}"; } >"$T/ports$1.txt"
	SANDLAB_LAB=$dir "$SANDLAB" lab import "$T/ports$1.txt" 2>&1 >/dev/null
}
# ports_of N: "a-b c-d", the ends' ports in $T/labN.
ports_of() {
	SANDLAB_LAB=$T/lab$1 "$SANDLAB" link ls --json | python3 -c 'import json, sys
p = {e["node"]: e["port"] for l in json.load(sys.stdin) for e in (l["a"], l["b"])}
print("%s-%s %s-%s" % (p.get("a"), p.get("b"), p.get("c"), p.get("d")))'
}
for try in 1 2 3; do
	out=$(ports_lab "${try}0" "link c:eth0 d:eth0") || true
	read -r _ cd < <(ports_of "${try}0")
	fa=${cd%-*} fb=${cd#*-}
	o1=$(ports_lab "${try}1" "link a:eth0 b:eth0 a-port=$fb") && r1=$(ports_of "${try}1") || r1=
	o2=$(ports_lab "${try}2" "link a:eth0 b:eth0 a-port=$fb b-port=$fa") && r2=$(ports_of "${try}2") || r2=
	o3=$(ports_lab "${try}3" "link c:eth0 d:eth0" "link a:eth0 b:eth0 a-port=$fa b-port=$fb") && r3=$(ports_of "${try}3") || r3=
	case "$o1$o2$o3" in *"in use by another program"*) continue ;; esac
	break
done
ab1=${r1% *}
if [ -n "$fb" ] && [ "${ab1%-*}" = "$fb" ] && [ "${ab1#*-}" != "$fb" ] && [ "${ab1#*-}" != None ]; then
	ok "lab import: a-port=$fb, the port b's end would have got fresh, is kept; b gets another ($ab1)"
else not_ok "lab import: a-port= the fresh port of b's end" "fresh $fa $fb ($out): $o1 $r1"; fi
if [ "${r2% *}" = "$fb-$fa" ]; then ok "lab import: the two fresh ports chosen swapped ($fb-$fa)"
else not_ok "lab import: swapped fresh ports" "fresh $fa $fb: $o2 $r2"; fi
c3=${r3#* }
if [ "${r3% *}" = "$fa-$fb" ] && [ "${c3%-*}" != "$fa" ] && [ "${c3%-*}" != "$fb" ] && [ "${c3#*-}" != "$fa" ] &&
   [ "${c3#*-}" != "$fb" ]; then ok "lab import: a later link's chosen $fa-$fb are kept from an earlier link's fresh picks ($c3)"
else not_ok "lab import: a later link's chosen ports" "fresh $fa $fb: $o3 $r3"; fi

sed -E "s/^link a:eth0 b:eth0 .*/link a:eth0 b:eth0 b-port=99/" "$T/lab.txt" >"$T/bad.txt"
line=$(grep -n "b-port=99" "$T/bad.txt" | cut -d: -f1)
expect_fail "a lab file's port below 1024" "line $line: b-port=99: a UDP port from 1024 to 65535 is needed" env SANDLAB_LAB="$other" "$SANDLAB" lab import "$T/bad.txt"
run_done
