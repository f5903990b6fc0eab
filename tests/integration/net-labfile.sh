#!/usr/bin/env bash
# net-labfile.sh: lab files (export, import into an empty lab, export
# again: the same bytes; malformed files and files that do not fit the lab
# refused by line, all or nothing, also when killed half-way; a
# hand-written file with defaults); ready patterns stored, shown and
# carried by lab files; clones both ways; disk snapshots of a stopped
# node. Real qemu-img and qemu-io.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

lab_image tiny
"$SANDLAB" node create a --image tiny --nics 2 >/dev/null
# b's ready pattern has a '#' and a class for a blank (a lab file word has none)
"$SANDLAB" node create b --image tiny --nics 2 --ready 'login:|linux#[[:blank:]]$' >/dev/null
# c has no default left: RAM, CPUs, accelerator, MAC, attachment, forward.
"$SANDLAB" node create c --image tiny --nics 1 --ram 96 --cpus 3 --accel tcg >/dev/null
"$SANDLAB" link add a:eth1 b:eth0 >/dev/null
"$SANDLAB" nic set a:eth0 --attach user >/dev/null
"$SANDLAB" nic set b:eth1 --model e1000 --mac 52:54:00:12:34:56 >/dev/null
"$SANDLAB" nic set c:eth0 --attach user --mac 52:54:00:ab:cd:ef >/dev/null
"$SANDLAB" nic forward c:eth0 tcp:2222:22 >/dev/null
mac_a0=$(nic_mac a 0)

# ---- ready patterns ----
ready_of() { sqlite3 "$SANDLAB_LAB/lab.db" "SELECT ready FROM nodes WHERE name = '$1'"; }
check "node set --ready" "$SANDLAB" node set c --ready '^Welcome[[:space:]]to[[:space:]](tiny|linux)#1'
before=$(ready_of c)
expect_fail "node set --ready: a bad regex is refused" '^sandlab: --ready: not a POSIX extended regular expression' \
	"$SANDLAB" node set c --ready 'a(b'
expect_fail "node set --ready: a space is refused, saying how to write one" 'no spaces.*\[\[:space:\]\]' \
	"$SANDLAB" node set c --ready 'login: '
expect_fail "node create --ready: a bad regex is refused" '^sandlab: --ready: not a POSIX' \
	"$SANDLAB" node create d --image tiny --ready '*['
if [ "$(ready_of c)" = "$before" ] && [ "$before" = '^Welcome[[:space:]]to[[:space:]](tiny|linux)#1' ] &&
   [ "$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT count(*) FROM nodes WHERE name = 'd'")" = 0 ]; then
	ok "refused --ready values change nothing"; else not_ok "refused --ready" "c has: $(ready_of c)"; fi
got=$("$SANDLAB" node show b --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["ready"])')
check "node show --json gives the literal pattern" test "$got" = 'login:|linux#[[:blank:]]$'
check "node show prints the pattern" sh -c '"$1" node show b | grep -qxF "ready:     login:|linux#[[:blank:]]\$ (the regex lab up waits for)"' sh "$SANDLAB"
check "node set --ready '' clears it" "$SANDLAB" node set a --ready ''
check "node show --json: no pattern is \"\"" test "$("$SANDLAB" node show a --json | python3 -c 'import json,sys; print(repr(json.load(sys.stdin)["ready"]))')" = "''"

# ---- lab files ----
check "lab export" "$SANDLAB" lab export "$T/one.lab"
# The file against what the test set, not only against sandlab's re-reading.
for line in "node c image=tiny ram=96 cpus=3 accel=tcg ready=^Welcome[[:space:]]to[[:space:]](tiny|linux)#1" \
	"nic c:eth0 model=virtio-net-pci mac=52:54:00:ab:cd:ef attach=user forward=tcp:2222:22" \
	"nic b:eth1 model=e1000 mac=52:54:00:12:34:56 attach=none" \
	"node a image=tiny ram=256 cpus=1 accel=auto" \
	'node b image=tiny ram=256 cpus=1 accel=auto ready=login:|linux#[[:blank:]]$' \
	"link a:eth1 b:eth0"; do
	check "lab export writes: $line" grep -qxF -- "$line" "$T/one.lab"
done
check "lab export writes a:eth0 attached to user" grep -qE '^nic a:eth0 model=virtio-net-pci mac=52:54:00(:[0-9a-f]{2}){3} attach=user$' "$T/one.lab"
export SANDLAB_LAB="$T/lab2"
lab_image tiny
check "lab import into an empty lab" "$SANDLAB" lab import "$T/one.lab"
check "lab import wrote c's row: 96 MB, 3 CPUs, tcg" test "$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT ram_mb, cpus, accel FROM nodes WHERE name = 'c'")" = "96|3|tcg"
check "lab import wrote b:eth1: e1000, its MAC" test "$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT model, mac FROM nics JOIN nodes ON nodes.id = nics.node_id WHERE name = 'b' AND idx = 1")" = "e1000|52:54:00:12:34:56"
check "lab import wrote b's and c's ready patterns" test "$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT group_concat(ready, ' ') FROM (SELECT ready FROM nodes ORDER BY name)")" = ' login:|linux#[[:blank:]]$ ^Welcome[[:space:]]to[[:space:]](tiny|linux)#1'
check "lab import wrote c's forward" test "$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT proto, host_port, guest_port FROM forwards")" = "tcp|2222|22"
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
lf "node x image=tiny" "nic x:eth0 model=e1000e" "nic x:eth1 model=rtl8193"
refused "lab import: a NIC model this QEMU lacks names what it offers" \
	'bad.lab: line 4: model "rtl8193": not a NIC model of qemu-system-x86_64; it offers e1000 .*; nothing was imported' \
	"$SANDLAB" lab import "$T/bad.lab"
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
if [ -z "$(ls -a "$SANDLAB_LAB/overlays" | grep '^\.new-')" ] && [ "$(sqlite3 "$SANDLAB_LAB/lab.db" 'SELECT count(*) FROM pending')" = 0 ]; then
	ok "no half-made overlay or journal entry left by the refusals"; else not_ok "leftovers" "$(ls -a "$SANDLAB_LAB/overlays")"; fi
# SIGKILL in the middle of an import: the next command finds the lab as
# it was (journalled overlays removed, no rows).
lf "node x image=tiny" "nic x:eth0" "node y image=tiny" "nic y:eth0" "link x:eth0 y:eth0"
for point in overlay-journaled node-renamed import-placed; do
	before=$(dump)
	rc=0
	SANDLAB_CRASH_AT=$point "$SANDLAB" lab import "$T/bad.lab" >/dev/null 2>&1 || rc=$?
	"$SANDLAB" node ls >/dev/null 2>&1 || true   # opening the lab recovers
	after=$(dump)
	if [ "$rc" = 137 ] && [ "$before" = "$after" ]; then ok "SIGKILL during import at $point leaves nothing behind"
	else not_ok "SIGKILL at $point" "rc $rc; $(diff <(echo "$before") <(echo "$after") | head -5)"; fi
done

printf 'sandlab-lab 1\n# hand-written\nnode d image=tiny\nnic d:eth0\nnode e image=tiny ram=64\nnic e:eth0\nlink d:eth0 e:eth0\n' >"$T/hand.lab"
check "lab import: a hand-written file with defaults" "$SANDLAB" lab import "$T/hand.lab"
if "$SANDLAB" link ls | grep -q "d:eth0 .*e:eth0" && "$SANDLAB" nic ls d | grep -Eq '^eth0 +virtio-net-pci +52:54:00:[0-9a-f:]{8} +link'; then
	ok "defaults filled in: virtio, a new MAC, attach=link"; else not_ok "hand-written import" "$("$SANDLAB" nic ls d)"; fi

# ---- clones ----
export SANDLAB_LAB="$T/lab"
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
if text "$out" | grep -Eq 'snapshot snap-[0-9]{8}-[0-9]{6} taken'; then ok "snapshot create without a name makes one"; else not_ok "auto name" "$out"; fi
check "snapshot rm" "$SANDLAB" snapshot rm a s1
if ! "$SANDLAB" snapshot ls a | grep -q ' s1 ' && [ "$("$SANDLAB" snapshot ls a --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ]; then
	ok "snapshot rm removes it"; else not_ok "snapshot rm" "$("$SANDLAB" snapshot ls a)"; fi

run_done
