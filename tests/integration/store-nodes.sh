#!/usr/bin/env bash
# Nodes with the real qemu-img and QEMU: create, inspect, change, reset and
# remove; bad input refused with a clear message and nothing changed; an
# overlay made by node create boots the tiny guest under plain QEMU.
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
LABDIR="$T/lab"
TINY="$TOP/images/tiny.qcow2"
[ -f "$TINY" ] || bash "$TOP/images/build" tiny >/dev/null

"$S" image import "$TINY" --name tiny >/dev/null 2>&1
check "create with defaults" "$S" node create r1 --image tiny
check "create with resources" "$S" node create r2 --image tiny --ram 64 --cpus 2 --nics 3 --accel tcg

json=$("$S" node show r2 --json)
check "show reports resources" python3 -c '
import json, sys
n = json.loads(sys.argv[1])
assert n["ram_mb"] == 64 and n["cpus"] == 2 and n["accel"] == "tcg", n
assert [c["index"] for c in n["nics"]] == [0, 1, 2], n
assert all(c["mac"].startswith("52:54:00:") for c in n["nics"]), n
' "$json"
check "create wrote the db row: 64 MB, 2 CPUs, tcg, 3 NICs" test "$(sqlite3 "$LABDIR/lab.db" "SELECT ram_mb, cpus, accel, (SELECT count(*) FROM nics WHERE node_id = nodes.id) FROM nodes WHERE name = 'r2'")" = "64|2|tcg|3"
check "MACs unique in the lab" sh -c "[ \"\$(sqlite3 '$LABDIR/lab.db' 'SELECT count(DISTINCT mac) = count(*) FROM nics')\" = 1 ]"

ov=$(text "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["overlay"])')
info=$(qemu-img info --output=json -U "$ov")
check "overlay: absolute backing path and explicit backing format" python3 -c '
import json, sys
i = json.loads(sys.argv[1])
assert i["format"] == "qcow2", i
assert i["backing-filename"].startswith("/") and i["backing-filename"].endswith("/images/tiny.qcow2"), i
assert i["backing-filename-format"] == "qcow2", i
' "$info"

# The overlay is written from an empty one qemu-img made once per image
# (cache/): the same bytes as qemu-img create gives, read back by qemu-img
# as a qcow2 on the absolute image path with an explicit format.
labreal=$(realpath "$LABDIR")
check "overlay: qemu-img reads the written overlay with the values it was made from" python3 -c '
import json, sys
i = json.loads(sys.argv[1])
assert i["format"] == "qcow2" and i["virtual-size"] == 1048576, i
assert i["backing-filename"] == sys.argv[2] + "/images/tiny.qcow2", (i, sys.argv[2])
assert i["full-backing-filename"] == sys.argv[2] + "/images/tiny.qcow2", i
assert i["backing-filename-format"] == "qcow2" and i["cluster-size"] == 65536, i
assert i["format-specific"]["data"]["corrupt"] is False and i["dirty-flag"] is False, i
' "$info" "$labreal"
check "overlay: qemu-img check finds no errors" qemu-img check -q -U "$ov"
qemu-img create -q -f qcow2 -b "$labreal/images/tiny.qcow2" -F qcow2 "$T/bare.qcow2"
check "overlay: the same bytes as qemu-img create" cmp "$T/bare.qcow2" "$ov"
check "overlay: one empty overlay kept per image" test "$(ls "$LABDIR/cache" | grep -c '^overlay-[0-9a-f]\{16\}\.qcow2$')" = 1
check "overlay: zero blocks left as holes (under 64 KiB on disk)" test "$(du -k "$ov" | cut -f1)" -lt 64
# A damaged or replaced empty overlay is never copied: it is made again.
tpl=$(ls "$LABDIR"/cache/overlay-*.qcow2)
for bad in garbage truncated symlink; do
	rm -f "${tpl:?}"
	case $bad in
	garbage) head -c 196616 /dev/urandom >"$tpl" ;;
	truncated) head -c 3 "$T/bare.qcow2" >"$tpl" ;;
	symlink) ln -s "$T/bare.qcow2" "$tpl" ;;
	esac
	check "a $bad empty overlay is made again" "$S" node create "t-$bad" --image tiny
	tov=$("$S" node show "t-$bad" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["overlay"])')
	check "the node on a $bad empty overlay has qemu-img's bytes" cmp "$T/bare.qcow2" "$tov"
	check "a $bad empty overlay is replaced by a regular qcow2" sh -c "[ -f '$tpl' ] && [ ! -L '$tpl' ] && cmp -s '$T/bare.qcow2' '$tpl'"
	"$S" node rm "t-$bad" >/dev/null
done

# Bad input: clear refusal, nothing created.
count_nodes() { sqlite3 "$LABDIR/lab.db" 'SELECT count(*) FROM nodes'; }
before=$(count_nodes)
expect_fail "duplicate name refused" "already exists" "$S" node create r1 --image tiny
expect_fail "duplicate name refused regardless of case" "already exists" "$S" node create R1 --image tiny
expect_fail "path separator refused" "contains '/'" "$S" node create a/b --image tiny
expect_fail "control character refused" "control character" "$S" node create "$(printf 'a\033]0;x\007')" --image tiny
expect_fail "10,000-byte name refused" "10000 bytes long" "$S" node create "$(head -c 10000 /dev/zero | tr '\0' a)" --image tiny
expect_fail "invalid UTF-8 refused" "non-ASCII byte" "$S" node create "$(printf 'a\xff')" --image tiny
expect_fail "leading dash refused" "unknown option|must start" "$S" node create -x --image tiny
expect_fail "missing image refused" "no image named" "$S" node create r9 --image nope
expect_fail "no image given" "needs a base image" "$S" node create r9
expect_fail "RAM out of range refused" "--ram must be" "$S" node create r9 --image tiny --ram 1
expect_fail "CPUs not a number refused" "--cpus must be" "$S" node create r9 --image tiny --cpus two
expect_fail "bad accel refused" "auto, kvm or tcg" "$S" node create r9 --image tiny --accel xen
check "refusals created nothing" sh -c "[ \"\$(sqlite3 '$LABDIR/lab.db' 'SELECT count(*) FROM nodes')\" = $before ]"
check "no stray overlays" sh -c "[ \$(ls -A '$LABDIR/overlays' | wc -l) = $before ]"

# Changes.
check "set ram, cpus, nics, accel" "$S" node set r1 --ram 128 --cpus 2 --nics 2 --accel kvm
check "set took effect" bash -o pipefail -c "'$S' node show r1 --json | python3 -c 'import json,sys; n=json.load(sys.stdin); assert (n[\"ram_mb\"], n[\"cpus\"], len(n[\"nics\"]), n[\"accel\"]) == (128, 2, 2, \"kvm\"), n'"
check "set wrote the db row: 128 MB, 2 CPUs, kvm, 2 NICs" test "$(sqlite3 "$LABDIR/lab.db" "SELECT ram_mb, cpus, accel, (SELECT count(*) FROM nics WHERE node_id = nodes.id) FROM nodes WHERE name = 'r1'")" = "128|2|kvm|2"
check "fewer NICs" "$S" node set r1 --nics 0
expect_fail "set with nothing to change" "nothing to change" "$S" node set r1
expect_fail "set bad value changes nothing" "accel" "$S" node set r1 --ram 64 --accel nope
check "bad set left RAM alone" bash -o pipefail -c "'$S' node show r1 --json | grep -q '\"ram_mb\": 128'"
check "rename" "$S" node rename r1 core1
expect_fail "rename onto an existing name" "already exists" "$S" node rename core1 r2
expect_fail "rename to a bad name" "node name" "$S" node rename core1 'a b'
check "renamed node listed" bash -o pipefail -c "'$S' node ls | grep -q '^core1 '"

old=$("$S" node show core1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["overlay"])')
qemu-io -f qcow2 -c 'write -P 0x5a 0 64k' "$old" >/dev/null
check "reset" "$S" node reset core1
new=$("$S" node show core1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["overlay"])')
check "reset gives a fresh overlay and removes the old" sh -c "[ '$old' != '$new' ] && [ ! -e '$old' ] && [ -e '$new' ]"
check "fresh overlay has no guest writes" sh -c "qemu-io -f qcow2 -c 'read -P 0x5a 0 64k' '$new' 2>&1 | grep -q 'Pattern verification failed'"

# The overlay boots: plain QEMU on it shows the tiny banner.
out="$T/serial.out"
qemu-system-x86_64 -accel tcg -m 16 -nodefaults -display none -no-user-config \
	-drive "file=$new,format=qcow2,if=ide" -serial "file:$out" &
qpid=$!
at_exit "kill $qpid"
if wait_for 30 grep -q 'tiny login: ' "$out"; then ok "overlay boots to the tiny banner"; else not_ok "overlay boots to the tiny banner" "$(cat "$out" 2>/dev/null)"; fi
kill "$qpid" 2>/dev/null || true
wait "$qpid" 2>/dev/null || true

check "rm several" "$S" node rm core1 r2
check "rm removed rows and overlays" sh -c "[ \"\$(sqlite3 '$LABDIR/lab.db' 'SELECT count(*) FROM nodes')\" = 0 ] && [ -z \"\$(ls -A '$LABDIR/overlays')\" ]"
expect_fail "rm of a missing node" "no node named" "$S" node rm core1
check "events recorded" sh -c "[ \"\$(sqlite3 '$LABDIR/lab.db' \"SELECT count(*) FROM events WHERE kind IN ('create','set','rename','reset','rm')\")\" -ge 6 ]"
check "node ls --json on an empty lab is []" sh -c "[ \"\$('$S' node ls --json)\" = '[]' ]"

# A lab of 300 nodes from one lab file: node ls streams them by name with
# the NIC counts the file gave (node i has i % 3 NICs), text and JSON.
python3 - "$T/big.lab" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("sandlab-lab 1\n")
    for i in range(300):
        f.write("node big%03d image=tiny ram=%d\n" % (i, 16 + i % 7))
        for j in range(i % 3):
            f.write("nic big%03d:eth%d attach=none\n" % (i, j))
PY
check "lab import of 300 nodes" "$S" lab import "$T/big.lab"
"$S" node ls --json >"$T/ls.json"
check "node ls --json lists the 300 by name with their NICs and RAM" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
assert [n["name"] for n in v] == ["big%03d" % i for i in range(300)], [n["name"] for n in v][:5]
assert [len(n["nics"]) for n in v] == [i % 3 for i in range(300)]
assert [n["ram_mb"] for n in v] == [16 + i % 7 for i in range(300)]
assert all(n["state"] == "stopped" and n["run"]["last_exit"] == {"kind": None, "detail": None, "at": 0} for n in v), v[0]
' "$T/ls.json"
"$S" node ls >"$T/ls.txt"
check "node ls prints a header and 300 rows" test "$(wc -l <"$T/ls.txt")" = 301
check "node ls row of big299: 1 CPU, 21 MiB, 2 NICs, stopped" grep -Eq '^big299 +tiny +stopped +auto +1 +21MiB +2 +- +- +- *$' "$T/ls.txt"
check "300 overlays, one empty overlay kept" sh -c "[ \$(ls '$LABDIR/overlays' | wc -l) = 300 ] && [ \$(ls '$LABDIR/cache' | wc -l) = 1 ]"
# Over the limit: refused by line before anything is made.
python3 -c '
import sys
print("sandlab-lab 1")
for i in range(16385): print("node m%d image=tiny" % i)
' >"$T/over.lab"
expect_fail "a lab file of 16385 nodes is refused before it is read" "the file defines 16385 nodes, more than the 16384" \
	"$S" lab import "$T/over.lab"
check "the refused file made no node" test "$(sqlite3 "$LABDIR/lab.db" "SELECT count(*) FROM nodes WHERE name LIKE 'm%'")" = 0

# node create's answer is made from what it wrote, not read back
# (node_made): it must equal node show's, key by key, for nodes that use
# every kind of field; and hold the values given here.
mkdir -p "$T/isodir" && printf 'x\n' >"$T/isodir/x.txt"
xorriso -as mkisofs -quiet -V X -o "$T/x.iso" "$T/isodir" 2>/dev/null
"$S" image import "$T/x.iso" --name cd >/dev/null
"$S" image import /usr/share/seabios/bios-256k.bin --name sea --kind bios >/dev/null
"$S" node create made1 --image tiny --ram 48 --cpus 2 --nics 3 --accel tcg --console-size 100x30 \
	--ready 'login:' --machine q35 --cpu-model max --vga virtio --boot cdrom,disk --boot-once cdrom \
	--cdrom cd --disk 8M,bus=sata --disk image:tiny --nic-model e1000 --json >"$T/made1.json"
"$S" node create made2 --image TINY --firmware uefi --json >"$T/made2.json"
"$S" node create made3 --image tiny --bios sea --nics 0 --json >"$T/made3.json"
same_as_show() { # NAME: create's JSON keys equal show's
	"$S" node show "$1" --json >"$T/$1.show.json"
	python3 -c '
import json, sys
c, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = [k for k in c if k not in s or c[k] != s[k]]
assert not bad, [(k, c[k], s.get(k)) for k in bad]
' "$T/$1.json" "$T/$1.show.json"
}
for n in made1 made2 made3; do
	check "node create --json of $n equals node show --json" same_as_show "$n"
done
check "made1 holds the values given" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
assert (c["name"], c["image"], c["ram_mb"], c["cpus"], c["accel"]) == ("made1", "tiny", 48, 2, "tcg"), c
assert c["console_size"] == {"cols": 100, "rows": 30}, c["console_size"]
m = c["machine"]
assert (m["machine"], m["cpu-model"], m["vga"], m["boot"], m["boot-once"], m["cdrom"]) == \
	("q35", "max", "virtio", "cdrom,disk", "cdrom", "cd"), m
assert [(n["index"], n["model"]) for n in c["nics"]] == [(0, "e1000"), (1, "e1000"), (2, "e1000")], c["nics"]
assert [(d["index"], d["bus"], d["image"]) for d in c["disks"]] == [(1, "sata", None), (2, "virtio", "tiny")], c["disks"]
' "$T/made1.json"
check "made2 is UEFI on tiny (the image named in another case), made3 boots sea with no NIC" python3 -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert (a["image"], a["machine"]["firmware"]) == ("tiny", "uefi"), a
assert (b["machine"]["bios"], b["nics"]) == ("sea", []), b
' "$T/made2.json" "$T/made3.json"

done_testing
