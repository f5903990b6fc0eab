#!/usr/bin/env bash
# A template's extra disks (template create|set --disk SIZE[,bus=B] and
# --disk image:NAME[,bus=B], template set --disk-rm N): kept in the
# template's rows, shown by template show (and --json), given to each node
# made from it as fresh files of its own (a blank qcow2 of the size, an
# overlay on the image), before the node's own --disk; lab files carry
# them (export, import into an empty lab, export again: the same bytes).
# Bad input, each refused with a clear message and nothing changed: an
# ISO as a disk, more disks than the boot disk's bus leaves room for (at
# create, at set, and when the boot disk moves to that bus), a number
# that is no disk, a bad size or bus, a node that would have too many.
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
TINY="$TOP/images/tiny.qcow2"
ISO="$TOP/images/linux.iso"
[ -f "$TINY" ] || bash "$TOP/images/build" tiny >/dev/null
db() { sqlite3 "$SANDLAB_LAB/lab.db" "$1"; }
tpl_disks() { db "SELECT group_concat(d.idx || ':' || d.bus || ':' || coalesce(d.size, i.name), ' ') FROM (SELECT * FROM template_disks ORDER BY idx) d JOIN templates t ON t.id = d.template_id LEFT JOIN images i ON i.id = d.image_id WHERE t.name = '$1'"; }
node_disks() { db "SELECT group_concat(d.idx || ':' || d.bus || ':' || coalesce(d.size, i.name), ' ') FROM (SELECT * FROM disks ORDER BY idx) d JOIN nodes n ON n.id = d.node_id LEFT JOIN images i ON i.id = d.image_id WHERE n.name = '$1'"; }

"$S" image import "$TINY" --name tiny >/dev/null 2>&1
"$S" image import "$TINY" --name data >/dev/null 2>&1
[ ! -f "$ISO" ] || "$S" image import "$ISO" --name cd --kind iso >/dev/null 2>&1

check "template create with two disks" "$S" template create rt --image tiny --nics 0 --disk 64M,bus=sata --disk image:data
check "the rows hold the sizes, buses and image given" test "$(tpl_disks rt)" = "1:sata:67108864 2:virtio:data"
out=$("$S" template show rt)
check "template show lists each disk by its number" sh -c 'printf "%s\n" "$1" | grep -qxF "disk 1:    64M,bus=sata (a fresh blank disk for each node)" &&
	printf "%s\n" "$1" | grep -qxF "disk 2:    image:data (a fresh overlay on the image for each node)"' _ "$out"
check "template show --json gives the disks" python3 -c '
import json, sys
d = json.loads(sys.argv[1])["disks"]
assert d == [{"index": 1, "bus": "sata", "disk": "64M,bus=sata", "size": 67108864, "image": None, "file": None},
    {"index": 2, "bus": "virtio", "disk": "image:data", "size": 0, "image": "data", "file": None}], d
' "$("$S" template show rt --json)"

# Nodes: the template's disks first, then the node's own; files of their own.
check "node create from it, with a disk of its own" "$S" node create n1 --template rt --disk 1G,bus=scsi
check "n1 has the template's disks and its own" test "$(node_disks n1)" = "1:sata:67108864 2:virtio:data 3:scsi:1073741824"
check "node create from it again" "$S" node create n2 --template rt
check "n2 has the template's disks" test "$(node_disks n2)" = "1:sata:67108864 2:virtio:data"
check "each node's disks are files of its own" test "$(db "SELECT count(DISTINCT file) FROM disks")" = 5
f1=$(db "SELECT file FROM disks d JOIN nodes n ON n.id = d.node_id WHERE n.name = 'n1' AND d.idx = 1")
f2=$(db "SELECT file FROM disks d JOIN nodes n ON n.id = d.node_id WHERE n.name = 'n2' AND d.idx = 2")
check "a blank disk of the size given" test "$(qemu-img info --output=json -U "$SANDLAB_LAB/overlays/$f1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["virtual-size"], d.get("backing-filename", "-"))')" = "67108864 -"
check "an overlay on the image" test "$(qemu-img info --output=json -U "$SANDLAB_LAB/overlays/$f2" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["backing-filename"].rsplit("/", 1)[0] == sys.argv[1] + "/images", d["backing-filename-format"])' "$SANDLAB_LAB")" = "True qcow2"

# template set: add, remove, and a change that leaves the nodes alone.
check "template set --disk adds one" "$S" template set rt --disk 2G,bus=ide
check "template set --disk-rm 1 removes disk 1, the others keep their numbers" "$S" template set rt --disk-rm 1
check "the template's disks after both" test "$(tpl_disks rt)" = "2:virtio:data 3:ide:2147483648"
check "the nodes made before kept theirs" test "$(node_disks n2)" = "1:sata:67108864 2:virtio:data"

# Lab files carry them.
"$S" lab export "$T/a.lab" >/dev/null
check "the template line holds its disks" grep -qx 'template rt image=tiny ram=256 cpus=1 nics=0 nic-model=virtio-net-pci accel=auto cloud-init=off ci-user=lab console=serial disk=image:data disk=2G,bus=ide' "$T/a.lab"
L2="$T/lab2"
"$S" --lab "$L2" image import "$TINY" --name tiny >/dev/null 2>&1
"$S" --lab "$L2" image import "$TINY" --name data >/dev/null 2>&1
check "lab import into an empty lab" "$S" --lab "$L2" lab import "$T/a.lab"
check "the imported template has the disks" test "$(sqlite3 "$L2/lab.db" "SELECT group_concat(d.idx || ':' || d.bus || ':' || coalesce(d.size, i.name), ' ') FROM template_disks d LEFT JOIN images i ON i.id = d.image_id")" = "1:virtio:data 2:ide:2147483648"
check "a node imported from it has its own disks, none twice" test "$(sqlite3 "$L2/lab.db" "SELECT count(*) FROM disks d JOIN nodes n ON n.id = d.node_id WHERE n.name = 'n1'")" = 3
"$S" --lab "$L2" lab export "$T/b.lab" >/dev/null
check "export, import, export: the same bytes" cmp "$T/a.lab" "$T/b.lab"
printf 'sandlab-lab 1\ntemplate x image=tiny disk=0M\n' >"$T/bad.lab"
expect_fail "a lab file's bad template disk refused with its line" '^sandlab: .*line 2: --disk 0M: a disk of size 0 holds nothing' "$S" --lab "$L2" lab import "$T/bad.lab"
printf 'sandlab-lab 1\ntemplate x image=tiny disk-bus=sata disk=1M,bus=sata disk=1M,bus=sata disk=1M,bus=sata disk=1M,bus=sata disk=1M,bus=sata disk=1M,bus=sata\n' >"$T/bus.lab"
expect_fail "a lab file's template past the SATA ports refused" 'line 2: template "x", boot disk on sata: the SATA controller has 6 ports, one is the boot disk' "$S" --lab "$L2" lab import "$T/bus.lab"
check "no bad file left a template" test "$(sqlite3 "$L2/lab.db" "SELECT count(*) FROM templates")" = 1

# Bad input: a clear message, nothing changed.
rows() { db "SELECT (SELECT count(*) FROM templates) || ':' || (SELECT count(*) FROM template_disks) || ':' || (SELECT count(*) FROM nodes) || ':' || (SELECT count(*) FROM disks)"; }
before=$(rows)
if [ -f "$ISO" ]; then
	expect_fail "an ISO as a template disk refused, naming --cdrom" '^sandlab: --disk image:cd: image cd is of kind iso, not disk \(give an ISO with --cdrom\)$' "$S" template create bad --image tiny --disk image:cd
fi
expect_fail "an image that is not there refused" 'no image named "nope"' "$S" template set rt --disk image:nope
expect_fail "a size of 0 refused" '^sandlab: --disk 0M: a disk of size 0 holds nothing; give at least 1M$' "$S" template create bad --image tiny --disk 0M
expect_fail "a bus sandlab has not refused" 'bus "usb": one of virtio\|ide\|sata\|scsi' "$S" template set rt --disk 1M,bus=usb
expect_fail "three IDE disks refused" '^sandlab: template "bad", boot disk on virtio: IDE has four units: the boot disk.s, the CD-ROM.s and 2 extra disks' "$S" template create bad --image tiny --disk 1M,bus=ide --disk 1M,bus=ide --disk 1M,bus=ide
expect_fail "six SATA disks beside a SATA boot disk refused" '^sandlab: template "bad", boot disk on sata: the SATA controller has 6 ports, one is the boot disk.s: 5 extra disks at most \(this node would have 6\)$' \
	"$S" template create bad --image tiny --disk-bus sata --disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata
check "six SATA disks beside a virtio boot disk are fine" "$S" template create s6 --image tiny --nics 0 --disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata
expect_fail "moving s6's boot disk to SATA refused: its disks would not fit" 'template "s6", boot disk on sata: the SATA controller has 6 ports' "$S" template set s6 --disk-bus sata
check "s6 keeps its boot disk on virtio" test "$(db "SELECT disk_bus FROM templates WHERE name = 's6'")" = virtio
expect_fail "a node from s6 on a SATA boot disk refused" 'the SATA controller has 6 ports, one is the boot disk.s' "$S" node create bad --template s6 --disk-bus sata
expect_fail "more than 8 disks on a node refused" 'a node has at most 8 extra disks' "$S" node create bad --template s6 --disk 1M --disk 1M --disk 1M
expect_fail "template set --disk-rm of a disk it has not" '^sandlab: template "rt" has no disk 9 \(see: sandlab template show rt\)$' "$S" template set rt --disk-rm 9
expect_fail "template set --disk-rm 0 refused" 'disk-rm' "$S" template set rt --disk-rm 0
expect_fail "template create --disk-rm is no option" 'disk-rm' "$S" template create bad --image tiny --disk-rm 1
check "nothing changed but s6" test "$(rows)" = "$(echo "$before" | awk -F: '{ print $1 + 1 ":" $2 + 6 ":" $3 ":" $4 }')"
check "no overlay left by a refused node" test "$(ls -A "$SANDLAB_LAB/overlays" | wc -l)" = "$(( $(db 'SELECT count(*) FROM nodes') + $(db 'SELECT count(*) FROM disks') ))"
expect_fail "the image a template disk uses cannot be removed" 'image "data" is used by' "$S" image rm data
check "template rm takes its disks with it" sh -c "'$S' template rm s6 >/dev/null && test \"\$(sqlite3 '$SANDLAB_LAB/lab.db' 'SELECT count(*) FROM template_disks')\" = 2"

done_testing
