#!/usr/bin/env bash
# store-disks.sh: a node's extra disks (issue 10) with the real qemu-img,
# no guest: --disk SIZE and --disk image:NAME on create and set, each on
# its bus; the files (a blank qcow2 of the size, an overlay on the image)
# with their rows; node show, --json and node cmd; --disk-rm; node reset
# makes them fresh, clone fresh or (--disk) copied, node rm removes them;
# a lab file lists them (export, import into an empty lab, export again:
# the same bytes). Each bad input is refused with what it takes and
# leaves no row and no file, a full disk included.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

S=$SANDLAB
lab_image tiny
DB="$SANDLAB_LAB/lab.db"
# files in overlays/ (the boot disks' and the extra disks')
files() { find "$SANDLAB_LAB/overlays" -mindepth 1 -maxdepth 1 | wc -l; }
disks_rows() { sqlite3 "$DB" 'SELECT count(*) FROM disks'; }
disk_json() { "$S" node show "$1" --json | python3 -c 'import json,sys; d=json.load(sys.stdin)["disks"]; print(" ".join("%d:%s" % (x["index"], x["disk"]) for x in d))'; }
disk_file() { "$S" node show "$1" --json | python3 -c 'import json,sys; print([x["file"] for x in json.load(sys.stdin)["disks"] if x["index"] == int(sys.argv[1])][0])' "$2"; }
vsize() { qemu-img info -U --output=json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])'; }
backing() { qemu-img info -U --output=json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("backing-filename", "none"))'; }

# an image of another kind: an initrd has no signature
head -c 4096 /dev/zero >"$T/initrd.img"
"$S" image import "$T/initrd.img" --name rd --kind initrd >/dev/null
mkdir -p "$T/isodir" && printf 'x\n' >"$T/isodir/x.txt"
xorriso -as mkisofs -quiet -V X -o "$T/x.iso" "$T/isodir" 2>/dev/null
"$S" image import "$T/x.iso" --name cd >/dev/null

# ---- bad input: refused with what is wanted; no node, row or file left
expect_fail "a size of 0 is refused" '--disk 0M: a disk of size 0 holds nothing; give at least 1M' \
	"$S" node create b --image tiny --disk 0M
expect_fail "a size without a unit is refused" '--disk 64: a size is a number with a unit K, M, G or T' \
	"$S" node create b --image tiny --disk 64
expect_fail "an unknown unit is refused" '--disk 64Q: a size is a number with a unit K, M, G or T' \
	"$S" node create b --image tiny --disk 64Q
expect_fail "nonsense is refused" '--disk big: give a size \(64M, 8G\) or image:NAME' \
	"$S" node create b --image tiny --disk big
expect_fail "a size over the limit is refused" '--disk 3T: larger than the limit of 2T' \
	"$S" node create b --image tiny --disk 3T
expect_fail "a size that overflows is refused" '--disk 99999999999999999999G: larger than the limit of 2T' \
	"$S" node create b --image tiny --disk 99999999999999999999G
expect_fail "a size under 1M is refused" '--disk 512K: smaller than the least of 1M' \
	"$S" node create b --image tiny --disk 512K
expect_fail "an unknown bus is refused" '--disk: bus "nvme": one of virtio\|ide\|sata\|scsi' \
	"$S" node create b --image tiny --disk 64M,bus=nvme
expect_fail "an unknown disk option is refused" '--disk: unknown option "cache=none"' \
	"$S" node create b --image tiny --disk 64M,cache=none
expect_fail "a missing image is named" 'no image named "nosuch"' \
	"$S" node create b --image tiny --disk image:nosuch
expect_fail "an ISO as a disk is refused" '--disk image:cd: image cd is of kind iso, not disk \(give an ISO with --cdrom\)' \
	"$S" node create b --image tiny --disk image:cd
expect_fail "an initrd as a disk is refused" '--disk image:rd: image rd is of kind initrd, not disk' \
	"$S" node create b --image tiny --disk image:rd
expect_fail "three extra IDE disks are refused" 'IDE has four units: the boot disk.s, the CD-ROM.s and 2 extra disks \(this node would have 3' \
	"$S" node create b --image tiny --disk-bus ide --disk 1M,bus=ide --disk 1M,bus=ide --disk 1M,bus=ide
expect_fail "six SATA disks beside a SATA boot disk are refused" 'the SATA controller has 6 ports, one is the boot disk.s: 5 extra disks at most' \
	"$S" node create b --image tiny --disk-bus sata --disk 1M,bus=sata --disk 1M,bus=sata \
	--disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata
expect_fail "more than 8 disks are refused" 'option --disk is given at most 9 times|at most 8 extra disks' \
	"$S" node create b --image tiny --disk 1M --disk 1M --disk 1M --disk 1M --disk 1M --disk 1M \
	--disk 1M --disk 1M --disk 1M
expect_fail "--disk without a value is refused" 'option --disk needs a value' \
	"$S" node create b --image tiny --disk
check "no bad disk made a node, a row or a file" sh -c \
	"[ \"\$('$S' node ls --json)\" = '[]' ] && [ \$(sqlite3 '$DB' 'SELECT count(*) FROM disks') = 0 ] && [ \$(find '$SANDLAB_LAB/overlays' -mindepth 1 | wc -l) = 0 ]"

# ---- any mix of buses: the boot disk carries the boot order (bootindex),
# so an IDE disk beside a virtio boot disk is no longer refused
check "an IDE and a SCSI disk beside a virtio boot disk" "$S" node create mix --image tiny --disk 1M,bus=ide --disk 1M,bus=scsi
cmd=$("$S" node cmd mix)
if text "$cmd" | grep -qF -- "-device virtio-blk-pci,drive=disk0,id=hd0,bootindex=1 " &&
    text "$cmd" | grep -qF -- "-device ide-hd,drive=disk1,bus=ide.0,unit=0 " &&
    text "$cmd" | grep -qF -- "-device scsi-hd,drive=disk2,bus=scsi0.0,scsi-id=2 "; then
	ok "the boot disk has bootindex 1, the extra disks none"
else
	not_ok "the boot disk has bootindex 1, the extra disks none" "$cmd"
fi
"$S" node rm mix >/dev/null

# ---- create: a blank disk of the size, an overlay on an image, each bus
check "create with four extra disks" "$S" node create n1 --image tiny --disk-bus ide \
	--disk 64M --disk 1G,bus=sata --disk image:tiny,bus=scsi --disk=2048K,bus=ide
check "node show --json lists them by number, spelled as --disk takes them" \
	test "$(disk_json n1)" = "1:64M 2:1G,bus=sata 3:image:tiny,bus=scsi 4:2M,bus=ide"
check "node show has a line a disk" sh -c "'$S' node show n1 | grep -Eq '^disk 2: +1G,bus=sata \($SANDLAB_LAB/overlays/[0-9a-f-]{36}\.qcow2\)$'"
check "the blank disk is a qcow2 of 64 MiB with no backing file" \
	test "$(vsize "$(disk_file n1 1)") $(backing "$(disk_file n1 1)")" = "67108864 none"
check "the 1G disk is 1 GiB" test "$(vsize "$(disk_file n1 2)")" = 1073741824
check "the image disk is an overlay on the image" \
	test "$(backing "$(disk_file n1 3)")" = "$SANDLAB_LAB/images/tiny.qcow2"
check "a file and a row for each, and the boot disk's" test "$(files) $(disks_rows)" = "5 4"
cmd=$("$S" node cmd n1)
f1=$(disk_file n1 1) f2=$(disk_file n1 2) f3=$(disk_file n1 3) f4=$(disk_file n1 4)
want="-drive file=$f1,format=qcow2,if=none,id=disk1 -device virtio-blk-pci,drive=disk1,addr=0x11 -drive file=$f2,format=qcow2,if=none,id=disk2 -device ahci,id=ahci0 -device ide-hd,drive=disk2,bus=ahci0.0 -drive file=$f3,format=qcow2,if=none,id=disk3 -device virtio-scsi-pci,id=scsi0 -device scsi-hd,drive=disk3,bus=scsi0.0,scsi-id=3 -drive file=$f4,format=qcow2,if=none,id=disk4 -device ide-hd,drive=disk4,bus=ide.0,unit=1 -device ide-cd"
if text "$cmd" | grep -qF -- "$want"; then ok "node cmd has each disk on its bus"; else not_ok "node cmd has each disk on its bus" "$cmd"; fi
expect_fail "an image a disk uses cannot go" 'image "rd"|image "tiny" is used by 1 node' "$S" image rm tiny

# ---- set: add, remove; bad input changes nothing
check "node set --disk adds one" "$S" node set n1 --disk 8M,bus=scsi
check "it is number 5" test "$(disk_json n1)" = "1:64M 2:1G,bus=sata 3:image:tiny,bus=scsi 4:2M,bus=ide 5:8M,bus=scsi"
expect_fail "a third IDE disk by set is refused" 'IDE has four units' "$S" node set n1 --disk 1M,bus=ide --disk 1M,bus=ide
before=$(disk_json n1)
expect_fail "removing a disk that is not there is refused" 'the node has no disk 9' "$S" node set n1 --disk-rm 9
expect_fail "--disk-rm takes a number" '--disk-rm' "$S" node set n1 --disk-rm two
check "the refused changes left the five disks, rows and files" \
	test "$(disk_json n1) $(disks_rows) $(files)" = "$before 5 6"
"$S" node create s1 --image tiny --disk-bus ide --disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata \
	--disk 1M,bus=sata --disk 1M,bus=sata --disk 1M,bus=sata >/dev/null
expect_fail "a boot disk moved to SATA beside six SATA disks is refused" \
	'the SATA controller has 6 ports, one is the boot disk.s: 5 extra disks at most \(this node would have 6\)' \
	"$S" node set s1 --disk-bus sata
check "the refused move left the boot disk on IDE" sh -c "'$S' node show s1 | grep -q 'disk bus ide'"
"$S" node rm s1 >/dev/null
check "node set --disk-rm 2 removes disk 2" "$S" node set n1 --disk-rm 2
check "its file is gone" test ! -e "$f2"
check "the others keep their numbers" test "$(disk_json n1)" = "1:64M 3:image:tiny,bus=scsi 4:2M,bus=ide 5:8M,bus=scsi"

# ---- reset: fresh disks with the same numbers; the old files gone
qemu-io -f qcow2 -c 'write -P 0x5a 0 64k' "$f1" >/dev/null
check "the blank disk holds what was written" sh -c "qemu-io -f qcow2 -r -c 'read -P 0x5a 0 64k' '$f1' | grep -q 'read 65536/65536'"
check "node reset" "$S" node reset n1
check "after reset: the same disks" test "$(disk_json n1)" = "1:64M 3:image:tiny,bus=scsi 4:2M,bus=ide 5:8M,bus=scsi"
r1=$(disk_file n1 1)
check "after reset: disk 1 is a new file, the old one gone" sh -c "[ '$r1' != '$f1' ] && [ ! -e '$f1' ] && [ ! -e '$f3' ]"
check "after reset: disk 1 is blank" sh -c "qemu-io -f qcow2 -r -c 'read -P 0 0 64k' '$r1' | grep -q 'read 65536/65536'"
check "after reset: as many files as disks and boot disk" test "$(files) $(disks_rows)" = "5 4"

# ---- clone: fresh disks, or copies with --disk
qemu-io -f qcow2 -c 'write -P 0x6b 0 64k' "$r1" >/dev/null
check "clone" "$S" node clone n1 c1
check "clone --disk" "$S" node clone n1 c2 --disk
check "a clone has the same disks" test "$(disk_json c1)|$(disk_json c2)" = "$(disk_json n1)|$(disk_json n1)"
check "clone: disk 1 is fresh" sh -c "qemu-io -f qcow2 -r -c 'read -P 0 0 64k' '$(disk_file c1 1)' | grep -q 'read 65536/65536'"
check "clone --disk: disk 1 is a copy" sh -c "qemu-io -f qcow2 -r -c 'read -P 0x6b 0 64k' '$(disk_file c2 1)' | grep -q 'read 65536/65536'"
check "clone --disk: the copy of an image disk is still an overlay on the image" \
	test "$(backing "$(disk_file c2 3)")" = "$SANDLAB_LAB/images/tiny.qcow2"
check "clone --disk: a blank disk's copy has no backing file and its size" \
	test "$(vsize "$(disk_file c2 1)") $(backing "$(disk_file c2 1)")" = "67108864 none"
check "three nodes: 15 files, 12 rows" test "$(files) $(disks_rows)" = "15 12"

# ---- lab files
"$S" lab export "$T/a.lab"
check "the lab file lists the disks in order" \
	grep -qx 'node n1 image=tiny ram=256 cpus=1 accel=auto disk-bus=ide disk=64M disk=image:tiny,bus=scsi disk=2M,bus=ide disk=8M,bus=scsi' "$T/a.lab"
(
	export SANDLAB_LAB="$T/lab2"
	lab_image tiny
	"$S" lab import "$T/a.lab" >/dev/null
	"$S" lab export "$T/b.lab"
)
check "export, import into an empty lab, export again: the same bytes" cmp "$T/a.lab" "$T/b.lab"
check "the import made the disks' files" test "$(find "$T/lab2/overlays" -mindepth 1 | wc -l)" = 15
sed 's/^node n1 \(.*\) disk=64M /node n1 \1 disk=0M /' "$T/a.lab" >"$T/bad.lab"
expect_fail "a lab file's bad disk names its line" 'line [0-9]+: --disk 0M: a disk of size 0' \
	env SANDLAB_LAB="$T/lab3" "$S" lab import "$T/bad.lab"
sed 's/^node n1 \(.*\) disk=64M /node n1 \1 disk=image:cd /' "$T/a.lab" >"$T/bad.lab"
check "a lab file's disk on an ISO is refused, and nothing is left" env SANDLAB_LAB="$T/lab4" S="$S" \
	I="$IMAGES" X="$T/x.iso" B="$T/bad.lab" sh -c \
	'"$S" image import "$I/tiny.qcow2" --name tiny >/dev/null 2>&1; "$S" image import "$X" --name cd >/dev/null;
	 ! "$S" lab import "$B" 2>"$SANDLAB_LAB/err" && grep -q "image cd is of kind iso, not disk" "$SANDLAB_LAB/err" &&
	 [ "$("$S" node ls --json)" = "[]" ] && [ "$(find "$SANDLAB_LAB/overlays" -mindepth 1 | wc -l)" = 0 ]'

# ---- rm: the rows and the files go
check "node rm" "$S" node rm n1 c1 c2
check "node rm removed every disk and its file" test "$(files) $(disks_rows)" = "0 0"

# ---- a full disk: no row and no file left (a small tmpfs, as sec-disk.sh)
M="$T/full"
mkdir -p "${M:?}"
if mount -t tmpfs -o size=4m,mode=0700 sandlab-disks "$M" 2>"$T/mount.err"; then
	at_exit "umount $M"
	(
		export SANDLAB_LAB="$M/lab"
		lab_image tiny
		"$S" node create f1 --image tiny >/dev/null
		# full but for 128 KiB: room for the database's few pages, not
		# for the new qcow2's metadata
		dd if=/dev/zero of="$M/pad" bs=4k count=32 >/dev/null 2>&1
		dd if=/dev/zero of="$M/fill" bs=4k >/dev/null 2>&1 || true
		rm -f "$M/pad"
		expect_fail "a full disk while making a disk: a clear message" \
			'sandlab: disk 64M: qemu-img create exited with status 1: .*No space left on device' \
			"$S" node set f1 --disk 64M
		check "the full disk left no disk row and no new file" sh -c \
			"[ \$(sqlite3 '$M/lab/lab.db' 'SELECT count(*) FROM disks') = 0 ] && [ \$(find '$M/lab/overlays' -mindepth 1 | wc -l) = 1 ]"
		rm -f "$M/fill"
		check "with room again, the disk is made" "$S" node set f1 --disk 64M
	)
else
	ok "a full disk while making a disk # SKIP cannot mount a tmpfs here: $(cat "$T/mount.err")"
fi
done_testing
