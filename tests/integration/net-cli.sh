#!/usr/bin/env bash
# net-cli.sh: NICs, forwards and links from the CLI, and every refusal
# leaving the lab as it was; lab files (export, import into an empty lab,
# export again: the same bytes; malformed files refused by line, all or
# nothing); clones both ways; disk snapshots; ports checked at start;
# changes to a running node waiting for its restart. Real qemu-img, and
# the tiny guest where a node must run.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

DB="$SANDLAB_LAB/lab.db"
lab_image tiny

# dump: the lab's network and nodes as rows, and its overlay files.
dump() {
	sqlite3 "$DB" "SELECT 'node', name, image_id, overlay, ram_mb, cpus, accel FROM nodes ORDER BY name;
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
	elif ! printf '%s' "$out" | grep -Eq -- "$pat"; then not_ok "$name" "message did not match /$pat/: $out"
	elif [ "$before" != "$after" ]; then not_ok "$name" "the lab changed: $(diff <(echo "$before") <(echo "$after") | head -5)"
	else ok "$name"; fi
}

overlay_of() { "$SANDLAB" node show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["overlay"])'; }

"$SANDLAB" node create a --image tiny --nics 2 >/dev/null
"$SANDLAB" node create b --image tiny --nics 2 >/dev/null
"$SANDLAB" node create c --image tiny --nics 1 >/dev/null

# ---- NICs and links ----
out=$("$SANDLAB" nic ls a)
if printf '%s' "$out" | grep -Eq '^eth0 +virtio-net-pci +52:54:00:[0-9a-f:]{8} +none' &&
   printf '%s' "$out" | grep -q '^eth1 '; then ok "nic ls: two virtio NICs with MACs, attached to nothing"; else not_ok "nic ls" "$out"; fi

out=$("$SANDLAB" link add a:eth1 b:eth0)
ports=$(sqlite3 "$DB" "SELECT a_port || ' ' || b_port FROM links")
set -- $ports
if [ "$1" -ge 40000 ] && [ "$1" -le 49999 ] && [ "$2" -ge 40000 ] && [ "$2" -le 49999 ] && [ "$1" != "$2" ] &&
   printf '%s' "$out" | grep -q "linked a:eth1 - b:eth0 (udp 127.0.0.1:$1 <-> 127.0.0.1:$2); it is used from the next start"; then
	ok "link add: two loopback UDP ports from 40000-49999 ($1, $2)"; else not_ok "link add" "$out / $ports"; fi
if "$SANDLAB" link ls | grep -Eq "a:eth1 +b:eth0 +$1-$2 +stopped, stopped"; then ok "link ls shows the link"; else not_ok "link ls" "$("$SANDLAB" link ls)"; fi
if "$SANDLAB" node cmd a 2>/dev/null | grep -q -- "-netdev dgram,id=net1,local.type=inet,local.host=127.0.0.1,local.port=$1,remote.type=inet,remote.host=127.0.0.1,remote.port=$2"; then
	ok "node cmd: the link is a -netdev dgram on loopback"; else not_ok "node cmd dgram" "$("$SANDLAB" node cmd a 2>&1)"; fi
if "$SANDLAB" node cmd b 2>/dev/null | grep -q -- "local.port=$2,remote.type=inet,remote.host=127.0.0.1,remote.port=$1"; then
	ok "node cmd: the other end has the ports swapped"; else not_ok "node cmd other end" "$("$SANDLAB" node cmd b 2>&1)"; fi

refused "link add: a NIC already linked" "a:eth1 is already linked to b:eth0" "$SANDLAB" link add a:eth1 c:eth0
refused "link add: the b end of a link cannot be the a end of another" "b:eth0 is already linked to a:eth1" \
	"$SANDLAB" link add b:eth0 c:eth0
refused "link add: the other way round too" "b:eth0 is already linked" "$SANDLAB" link add c:eth0 b:eth0
refused "link add: an unknown option" 'unknown option "--bogus"' "$SANDLAB" link add a:eth0 b:eth1 --bogus
refused "link add: a node to itself" "two different nodes; a:eth0 and a:eth1 are both on a" "$SANDLAB" link add a:eth0 a:eth1
refused "link add: a NIC to itself" "two different nodes" "$SANDLAB" link add c:eth0 c:eth0
refused "link add: a NIC the node lacks" "c has no eth5 .*node set c --nics 6" "$SANDLAB" link add a:eth0 c:eth5
refused "link add: no such node" 'no node named "zz"' "$SANDLAB" link add a:eth0 zz:eth0
refused "link add: not a NIC reference" "is not a NIC" "$SANDLAB" link add a:eth0 c:nic0
refused "link add: a name with escapes is shown sanitised" '\\x1b' "$SANDLAB" link add a:eth0 $'c\e[2J:eth0'

"$SANDLAB" nic set c:eth0 --attach user >/dev/null
refused "link add: a NIC on user-mode NAT" "uses user-mode NAT; detach it first" "$SANDLAB" link add a:eth0 c:eth0
mac_a0=$(nic_mac a 0)
refused "nic set: a MAC collision" "MAC $mac_a0 is already used by a:eth0" "$SANDLAB" nic set c:eth0 --mac "$mac_a0"
refused "nic set: the same MAC in capitals" "already used by a:eth0" "$SANDLAB" nic set c:eth0 --mac "${mac_a0^^}"
refused "nic set: a multicast MAC" "multicast" "$SANDLAB" nic set c:eth0 --mac 01:00:5e:00:00:01
refused "nic set: a malformed MAC" "six pairs of hex digits" "$SANDLAB" nic set c:eth0 --mac 52:54:00:zz:00:01
refused "nic set: an unknown model" "virtio-net-pci or e1000" "$SANDLAB" nic set c:eth0 --model rtl8139
refused "nic set: attach link by hand" "link add" "$SANDLAB" nic set c:eth0 --attach link
refused "nic set: detaching a linked NIC" "a:eth1 is linked to b:eth0; remove the link first" "$SANDLAB" nic set a:eth1 --attach none
check "nic set: a MAC of one's own" "$SANDLAB" nic set c:eth0 --mac 52:54:00:AB:CD:EF
if [ "$(nic_mac c 0)" = 52:54:00:ab:cd:ef ]; then ok "the MAC is kept in lowercase"; else not_ok "MAC lowercase" "$(nic_mac c 0)"; fi
out=$("$SANDLAB" nic set b:eth1 --model e1000)
if printf '%s' "$out" | grep -q "virtio drivers only"; then ok "nic set --model e1000 says the linux guest has virtio only"; else not_ok "e1000 note" "$out"; fi

refused "node set --nics: not below a linked NIC" "a:eth1 is linked to b:eth0; remove the link first" "$SANDLAB" node set a --nics 1

# ---- forwards ----
check "nic forward" "$SANDLAB" nic forward c:eth0 tcp:2222:22
if "$SANDLAB" node cmd c 2>/dev/null | grep -q -- "-netdev user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22"; then ok "node cmd: user-mode NAT forwards from 127.0.0.1 only"; else not_ok "hostfwd" "$("$SANDLAB" node cmd c 2>&1)"; fi
"$SANDLAB" nic set a:eth0 --attach user >/dev/null
refused "nic forward: a host port already forwarded" "tcp 2222 is already forwarded to c:eth0 port 22" "$SANDLAB" nic forward a:eth0 tcp:2222:23
refused "nic forward: a NIC without NAT" "not user-mode NAT" "$SANDLAB" nic forward b:eth1 tcp:2300:22
refused "nic forward: a host port in the link range" "40000-49999" "$SANDLAB" nic forward a:eth0 tcp:40500:22
refused "nic forward: a malformed forward" "PROTO:HOSTPORT:GUESTPORT" "$SANDLAB" nic forward a:eth0 tcp:22
refused "nic set: no detach while forwards remain" "remove its forwards first" "$SANDLAB" nic set c:eth0 --attach none
refused "nic unforward: no such forward" "forwards no tcp host port 2299" "$SANDLAB" nic unforward c:eth0 tcp:2299
check "nic forward udp" "$SANDLAB" nic forward c:eth0 udp:5353:53
check "nic unforward" "$SANDLAB" nic unforward c:eth0 udp:5353
if [ "$(sqlite3 "$DB" "SELECT count(*) FROM forwards")" = 1 ]; then ok "one forward left"; else not_ok "forwards" "$(sqlite3 "$DB" 'SELECT * FROM forwards')"; fi

refused "node set --nics: not below a NIC with forwards" "c:eth0 forwards tcp:2222:22; remove its forwards first" "$SANDLAB" node set c --nics 0

# ---- lab files ----
check "lab export" "$SANDLAB" lab export "$T/one.lab"
export SANDLAB_LAB="$T/lab2"
DB="$SANDLAB_LAB/lab.db"
lab_image tiny
check "lab import into an empty lab" "$SANDLAB" lab import "$T/one.lab"
check "lab export of the imported lab" "$SANDLAB" lab export "$T/two.lab"
if cmp -s "$T/one.lab" "$T/two.lab"; then ok "export, import, export: the same bytes"; else not_ok "round trip" "$(diff "$T/one.lab" "$T/two.lab")"; fi
if [ "$(ls "$SANDLAB_LAB/overlays" | wc -l)" = 3 ] && "$SANDLAB" link ls | grep -q "a:eth1 .*b:eth0"; then
	ok "the import made three overlays and the link"; else not_ok "imported lab" "$(ls "$SANDLAB_LAB/overlays")"; fi
"$SANDLAB" lab export - >"$T/stdout.lab"
if cmp -s "$T/one.lab" "$T/stdout.lab"; then ok "lab export - writes the same to stdout"; else not_ok "export -"; fi

# Malformed files into the lab that now holds a, b, c: each refused by
# line, nothing changed.
lf() { { echo "sandlab-lab 1"; printf '%s\n' "$@"; } >"$T/bad.lab"; }
lf "node x image=tiny" "node y image=nosuch"
refused "lab import: a missing image, after a good node" "bad.lab: line 3: no image named nosuch" "$SANDLAB" lab import "$T/bad.lab"
lf "node x image=tiny colour=red"
refused "lab import: an unknown key" "line 2: unknown key \"colour\"" "$SANDLAB" lab import "$T/bad.lab"
lf "node x image=tiny" "node X image=tiny"
refused "lab import: duplicate node names" "line 3: a node named X is already defined on line 2" "$SANDLAB" lab import "$T/bad.lab"
lf "node x/y image=tiny"
refused "lab import: a bad node name" "line 2: node name \"x/y\" contains '/'" "$SANDLAB" lab import "$T/bad.lab"
lf "node a image=tiny"
refused "lab import: a node name the lab has" "line 2: a node named \"a\" already exists" "$SANDLAB" lab import "$T/bad.lab"
{ echo "sandlab-lab 1"; echo "node x image=tiny"; head -c 10485760 /dev/zero | tr '\0' x; echo; } >"$T/bad.lab"
refused "lab import: a 10 MB line" "line 3: longer than 4096 bytes" "$SANDLAB" lab import "$T/bad.lab"
lf "node x image=tiny" "nic x:eth0" "node y image=tiny" "nic y:eth0" "nic y:eth1" "link x:eth0 y:eth0" "link y:eth0 y:eth1"
refused "lab import: a NIC already linked" "line 8: y:eth0 is already linked on line 7" "$SANDLAB" lab import "$T/bad.lab"
lf "node x image=tiny" "nic x:eth0" "nic x:eth1" "link x:eth0 x:eth1"
refused "lab import: a link to itself" "line 5: a link joins two different nodes" "$SANDLAB" lab import "$T/bad.lab"
lf "node x image=tiny" "nic x:eth0 mac=52:54:00:00:00:07" "node y image=tiny" "nic y:eth0 mac=52:54:00:00:00:07"
refused "lab import: a MAC given twice" "line 5: MAC 52:54:00:00:00:07 is already given on line 3" "$SANDLAB" lab import "$T/bad.lab"
# Caught only by the database, after every overlay was made: still nothing.
lf "node x image=tiny" "nic x:eth0" "node y image=tiny" "nic y:eth0 mac=${mac_a0}" "link x:eth0 y:eth0"
refused "lab import: a MAC the lab uses (found in the transaction)" "line 5: MAC $mac_a0 is already used by a:eth0" "$SANDLAB" lab import "$T/bad.lab"
lf "node x image=tiny" "nic x:eth0 attach=user forward=tcp:2222:22"
refused "lab import: a host port the lab forwards" "line 3: host port tcp 2222 is already forwarded to c:eth0" "$SANDLAB" lab import "$T/bad.lab"
printf 'sandlab-lab 2\nnode x image=tiny\n' >"$T/bad.lab"
refused "lab import: a newer lab file version" "line 1: this is a version 2 lab file" "$SANDLAB" lab import "$T/bad.lab"
printf 'node x image=tiny\n' >"$T/bad.lab"
refused "lab import: no version line" "line 1: a lab file starts with" "$SANDLAB" lab import "$T/bad.lab"
refused "lab import: a directory" "not a regular file" "$SANDLAB" lab import "$T"
refused "lab import: a missing file" "cannot open" "$SANDLAB" lab import "$T/none.lab"
if [ -z "$(ls -a "$SANDLAB_LAB/overlays" | grep '^\.new-')" ] && [ "$(sqlite3 "$DB" 'SELECT count(*) FROM pending')" = 0 ]; then
	ok "no half-made overlay or journal entry left by the refusals"; else not_ok "leftovers" "$(ls -a "$SANDLAB_LAB/overlays")"; fi
printf 'sandlab-lab 1\n# hand-written\nnode d image=tiny\nnic d:eth0\nnode e image=tiny ram=64\nnic e:eth0\nlink d:eth0 e:eth0\n' >"$T/hand.lab"
check "lab import: a hand-written file with defaults" "$SANDLAB" lab import "$T/hand.lab"
if "$SANDLAB" link ls | grep -q "d:eth0 .*e:eth0" && "$SANDLAB" nic ls d | grep -Eq '^eth0 +virtio-net-pci +52:54:00:[0-9a-f:]{8} +link'; then
	ok "defaults filled in: virtio, a new MAC, attach=link"; else not_ok "hand-written import" "$("$SANDLAB" nic ls d)"; fi

# ---- clones ----
export SANDLAB_LAB="$T/lab"
DB="$SANDLAB_LAB/lab.db"
ov_a=$(overlay_of a)
qemu-io -f qcow2 -c 'write -P 0xab 512k 64k' "$ov_a" >/dev/null
check "node clone (a fresh overlay)" "$SANDLAB" node clone a a2
check "node clone --disk (a copy of the disk)" "$SANDLAB" node clone a a3 --disk
ov2=$(overlay_of a2)
ov3=$(overlay_of a3)
if qemu-io -r -f qcow2 -c 'read -P 0xab 512k 64k' "$ov3" >/dev/null 2>&1; then ok "clone --disk carries the disk's data"; else not_ok "clone --disk data"; fi
if qemu-io -r -f qcow2 -c 'read -P 0 512k 64k' "$ov2" >/dev/null 2>&1; then ok "a plain clone starts from the image"; else not_ok "plain clone data"; fi
backing_ok=1
for ov in "$ov2" "$ov3"; do
	b=$(qemu-img info -U --output=json "$ov" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("full-backing-filename") or d.get("backing-filename"), d.get("backing-filename-format"))')
	case "$b" in "$SANDLAB_LAB/images/"*" qcow2") ;; *) backing_ok=0 ;; esac
done
if [ "$backing_ok" = 1 ]; then ok "both clones are overlays on the image, backing format given"; else not_ok "clone backing" "$b"; fi
if [ "$(nic_mac a2 0)" != "$(nic_mac a 0)" ] && [ "$(nic_mac a3 1)" != "$(nic_mac a 1)" ] &&
   [ "$("$SANDLAB" nic ls a3 --json | python3 -c 'import json,sys; print(" ".join(n["attach"] for n in json.load(sys.stdin)))')" = "user none" ]; then
	ok "clones: new MACs, NAT kept, no link"; else not_ok "clone NICs" "$("$SANDLAB" nic ls a3)"; fi
refused "node clone: a name the lab has" 'a node named "b" already exists' "$SANDLAB" node clone a b
refused "node clone: a bad name" "contains ' '" "$SANDLAB" node clone a "x y"
refused "node clone: no such node" 'no node named "zz"' "$SANDLAB" node clone zz z2

# ---- snapshots (a is stopped) ----
check "snapshot create" "$SANDLAB" snapshot create a s1
qemu-io -f qcow2 -c 'write -P 0xcd 512k 64k' "$ov_a" >/dev/null
if "$SANDLAB" snapshot ls a | grep -Eq '^1 +s1 '; then ok "snapshot ls lists it"; else not_ok "snapshot ls" "$("$SANDLAB" snapshot ls a)"; fi
check "snapshot apply" "$SANDLAB" snapshot apply a s1
if qemu-io -r -f qcow2 -c 'read -P 0xab 512k 64k' "$ov_a" >/dev/null 2>&1; then ok "apply brings the disk back to the snapshot"; else not_ok "snapshot apply data"; fi
refused "snapshot create: a name taken" "already has a snapshot named s1" "$SANDLAB" snapshot create a s1
refused "snapshot create: an all-digit name" "needs a letter" "$SANDLAB" snapshot create a 2
refused "snapshot apply: no such snapshot" "no snapshot named s9" "$SANDLAB" snapshot apply a s9
out=$("$SANDLAB" snapshot create a)
if printf '%s' "$out" | grep -Eq 'snapshot snap-[0-9]{8}-[0-9]{6} taken'; then ok "snapshot create without a name makes one"; else not_ok "auto name" "$out"; fi
check "snapshot rm" "$SANDLAB" snapshot rm a s1
if ! "$SANDLAB" snapshot ls a | grep -q ' s1 ' && [ "$("$SANDLAB" snapshot ls a --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ]; then
	ok "snapshot rm removes it"; else not_ok "snapshot rm" "$("$SANDLAB" snapshot ls a)"; fi

# ---- a running node: refusals, ports checked at start, pending changes ----
"$SANDLAB" node create t --image tiny --ram 32 --nics 2 >/dev/null
"$SANDLAB" nic set t:eth0 --attach user >/dev/null
hp=$(free_port tcp)
"$SANDLAB" nic forward t:eth0 "tcp:$hp:22" >/dev/null
"$SANDLAB" nic unforward c:eth0 tcp:2222 >/dev/null
"$SANDLAB" nic set c:eth0 --attach none >/dev/null
"$SANDLAB" link add t:eth1 c:eth0 >/dev/null
up=$(sqlite3 "$DB" "SELECT CASE WHEN a_node = n.id THEN a_port ELSE b_port END FROM links, nodes n WHERE n.name = 't' AND (a_node = n.id OR b_node = n.id)")

# Another program holds the forward's host port, then the link's port.
python3 -c 'import socket,sys,time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(120)' "$hp" &
holder=$!
at_exit "kill $holder"
wait_for 10 python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$hp" || true
expect_fail "start refused: the forward's host port is taken" "host port tcp 127.0.0.1:$hp \(forwarded to t:eth0 port 22\) is in use by another program" "$SANDLAB" node start t
kill "$holder"
python3 -c 'import socket,sys,time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1]))); time.sleep(120)' "$up" &
holder=$!
at_exit "kill $holder"
wait_for 10 sh -c "ss -lun | grep -q '127.0.0.1:$up '" || true
expect_fail "start refused: the link's UDP port is taken" "UDP port $up on 127.0.0.1, the end of the link t:eth1 - c:eth0, is in use" "$SANDLAB" node start t
kill "$holder"
wait_for 10 sh -c "! ss -lun | grep -q '127.0.0.1:$up '" || true
check "start once the ports are free" "$SANDLAB" node start t
if ss -ltnp | grep -q "127.0.0.1:$hp .*qemu" && ss -lunp | grep -q "127.0.0.1:$up .*qemu"; then
	ok "QEMU holds the forward on 127.0.0.1 and its end of the link"; else not_ok "QEMU ports" "$(ss -ltunp | grep qemu)"; fi

refused "snapshot create refused while running" "t is running; stop it before you take a snapshot" "$SANDLAB" snapshot create t s1
refused "snapshot apply refused while running" "stop it before you apply" "$SANDLAB" snapshot apply t s1
refused "snapshot rm refused while running" "stop it before you remove" "$SANDLAB" snapshot rm t s1
refused "clone --disk refused while running" "t is running; copying its disk needs it stopped" "$SANDLAB" node clone t t2 --disk
check "snapshot ls works while running" "$SANDLAB" snapshot ls t
check "a plain clone of a running node" "$SANDLAB" node clone t t3

if "$SANDLAB" link ls | grep -Eq "t:eth1 +c:eth0 .* up, stopped"; then ok "link ls: up at the running end"; else not_ok "link ls state" "$("$SANDLAB" link ls)"; fi
out=$("$SANDLAB" link rm t:eth1)
if printf '%s' "$out" | grep -q "t is running: this takes effect when t restarts"; then ok "link rm on a running node says it takes effect at restart"; else not_ok "link rm message" "$out"; fi
if "$SANDLAB" nic ls t | grep -Eq '^eth1 .* restart$' && "$SANDLAB" node show t | grep -q "takes effect when t restarts"; then
	ok "nic ls and node show mark the change pending a restart"; else not_ok "pending" "$("$SANDLAB" nic ls t)"; fi
if ss -lunp | grep -q "127.0.0.1:$up .*qemu"; then ok "the running QEMU keeps its link until the restart"; else not_ok "link kept"; fi
check "restart" "$SANDLAB" node restart t --grace 1
if ! "$SANDLAB" nic ls t | grep -q restart && ! ss -lun | grep -q "127.0.0.1:$up "; then ok "after the restart nothing is pending and the port is gone"; else not_ok "after restart" "$("$SANDLAB" nic ls t)"; fi
refused "link rm: no link there" "no link at t:eth1" "$SANDLAB" link rm t:eth1

# link rm by id prefix
"$SANDLAB" link add t:eth1 c:eth0 >/dev/null
id=$("$SANDLAB" link ls --json | python3 -c 'import json,sys; print([l["id"] for l in json.load(sys.stdin) if l["a"]["node"] == "t"][0])')
check "link rm by id prefix" "$SANDLAB" link rm "${id:0:8}"
if [ "$(sqlite3 "$DB" "SELECT attach FROM nics n JOIN nodes d ON d.id = n.node_id WHERE d.name = 'c'")" = none ]; then
	ok "both ends are attached to nothing again"; else not_ok "attach after rm"; fi

# start --all / stop --all
check "node start --all" "$SANDLAB" node start --all
if [ "$("$SANDLAB" node ls --json | python3 -c 'import json,sys; print(sum(n["state"] != "running" for n in json.load(sys.stdin)))')" = 0 ]; then
	ok "every node runs"; else not_ok "start --all" "$("$SANDLAB" node ls)"; fi
check "node stop --all" "$SANDLAB" node stop --all --grace 1
if [ "$("$SANDLAB" node ls --json | python3 -c 'import json,sys; print(sum(n["state"] != "stopped" for n in json.load(sys.stdin)))')" = 0 ]; then
	ok "every node stopped"; else not_ok "stop --all" "$("$SANDLAB" node ls)"; fi

run_done
