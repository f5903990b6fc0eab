#!/usr/bin/env bash
# store-convert.sh: images of other formats. vmdk (monolithicSparse and
# streamOptimized), vdi, vhdx and vpc made by qemu-img from the tiny
# guest, and an OVA packed here (an OVF plus a streamOptimized vmdk, and a
# second disk), are converted to qcow2 on import, record their source
# format, and boot to the tiny banner. Hostile and broken files (a vmdk
# descriptor pointing at /etc/passwd, a truncated vdi, OVAs with a bad
# OVF, a missing disk, a ../ member or a link) are refused with a clear
# message and leave no image, row, journal entry or temporary file.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

S=$SANDLAB
W="$T/work"
mkdir -p "${W:?}"
LABDIR=$SANDLAB_LAB
TINY="$IMAGES/tiny.qcow2"

# nothing_left WANT: images/ holds exactly WANT and the journal is empty.
nothing_left() {
	local want=$1 got
	got=$(cd "${LABDIR:?}/images" && ls -A | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || { echo "images/ holds '$got', want '$want'"; return 1; }
	[ "$(sqlite3 "$LABDIR/lab.db" 'SELECT count(*) FROM pending')" = 0 ] || { echo "journal not empty"; return 1; }
}

# source_is NAME FORMAT SOURCE [VSIZE]: image ls --json records them (vpc
# rounds the size up to its CHS geometry: 1079296 for 1 MiB).
source_is() {
	local json
	json=$("$S" image ls --json)
	text "$json" | python3 -c '
import json, sys
d = {i["name"]: i for i in json.load(sys.stdin)}
i = d[sys.argv[1]]
vsize = int(sys.argv[4]) if len(sys.argv) > 4 else 1048576
assert i["format"] == sys.argv[2] and i["source_format"] == sys.argv[3] and i["virtual_size"] == vsize, i' "$@"
}

# boots NAME: a node on image NAME prints the tiny banner, then goes.
boots() {
	local node="n-$1" rc=0
	"$S" node create "$node" --image "$1" --ram 64 >/dev/null || return 1
	"$S" node start "$node" >/dev/null || return 1
	"$S" expect "$node" --from-start --timeout 60 --expect 'tiny login: ' </dev/null >/dev/null 2>&1 || rc=1
	"$S" node kill "$node" >/dev/null 2>&1 || true
	wait_for 20 state_is "$node" stopped || true
	"$S" node rm "$node" >/dev/null || rc=1
	return $rc
}

# Each format, made from the tiny guest.
qemu-img convert -f qcow2 -O vmdk -o subformat=monolithicSparse "$TINY" "$W/sparse.vmdk"
qemu-img convert -f qcow2 -O vmdk -o subformat=streamOptimized "$TINY" "$W/stream.vmdk"
qemu-img convert -f qcow2 -O vdi "$TINY" "$W/tiny.vdi"
qemu-img convert -f qcow2 -O vhdx "$TINY" "$W/tiny.vhdx"
qemu-img convert -f qcow2 -O vpc "$TINY" "$W/tiny.vhd"
for f in sparse.vmdk:sparse:vmdk stream.vmdk:stream:vmdk tiny.vdi:vdi:vdi tiny.vhdx:vhdx:vhdx tiny.vhd:vpc:vpc; do
	IFS=: read -r file name fmt <<<"$f"
	out=$("$S" image import "$W/$file" --name "$name" 2>/dev/null) || true
	if [ "$(textln "$out" | tail -n 1)" = "imported $name (qcow2 converted from $fmt, virtual size 1.0 MiB)" ] &&
	    source_is "$name" qcow2 "$fmt" $([ "$fmt" != vpc ] || echo 1079296); then
		ok "$file imports as qcow2 with source format $fmt"
	else
		not_ok "$file imports as qcow2 with source format $fmt" "$out"
	fi
	check "a node on the $file import boots to the banner" boots "$name"
done
out=$("$S" image show vhdx)
if text "$out" | grep -qx 'source format: vhdx' && text "$out" | grep -qx 'format:        qcow2'; then
	ok "image show names the source format"
else
	not_ok "image show names the source format" "$out"
fi
check "the converted image is a clean standalone qcow2" qemu-img check -q -f qcow2 "$LABDIR/images/stream.qcow2"
# A file its group can write goes through a checked copy: the bar's first
# half is the copy, the second the conversion.
cp "$W/tiny.vdi" "$W/shared.vdi"
chmod 0664 "$W/shared.vdi"
if "$S" image import "$W/shared.vdi" --name vdi2 2>"$T/progress" >/dev/null &&
    grep -qx 'import: 50% (512 KiB of 1.0 MiB)' "$T/progress" && grep -qx 'import: 100% (1.0 MiB of 1.0 MiB)' "$T/progress"; then
	ok "a file others can write shows progress through copy and conversion"
else
	not_ok "a file others can write shows progress through copy and conversion" "$(cat "$T/progress")"
fi
"$S" image rm vdi2 >/dev/null

# A file only its owner can write converts where it is, with no copy: while
# the import waits after the conversion (SANDLAB_PACE), images/ holds the
# converted .tmp and no .src copy.
chmod 0644 "$W/tiny.vdi"
SANDLAB_PACE=import-converted:1000 "$S" image import "$W/tiny.vdi" --name vdi3 >/dev/null 2>"$T/progress" &
imp=$!
wait_for 20 sh -c 'ls "$1"/images/.import-*.tmp' sh "$LABDIR" >/dev/null 2>&1 || true
during=$(cd "${LABDIR:?}/images" && ls -A | grep '^\.import-' | sed 's/^\.import-[0-9a-f-]*//' | sort | tr '\n' ' ' || true)
if wait "$imp" && [ "$during" = ".tmp " ] && grep -qx 'import: 100% (1.0 MiB of 1.0 MiB)' "$T/progress" &&
    qemu-img compare -q -f vdi -F qcow2 "$W/tiny.vdi" "$LABDIR/images/vdi3.qcow2"; then
	ok "an owner-only file converts in place, no copy, same data"
else
	not_ok "an owner-only file converts in place, no copy, same data" "during: '$during'; $(cat "$T/progress")"
fi
"$S" image rm vdi3 >/dev/null

# Changed between the checks and the end of its conversion (touched while
# the import waits): refused, and nothing is left.
SANDLAB_PACE=import-converted:1000 "$S" image import "$W/tiny.vdi" --name vdi4 >/dev/null 2>"$T/changed" &
imp=$!
wait_for 20 sh -c 'ls "$1"/images/.import-*.tmp' sh "$LABDIR" >/dev/null 2>&1 || true
touch "$W/tiny.vdi"
rc=0
wait "$imp" || rc=$?
if [ "$rc" = 1 ] && grep -qx "sandlab: cannot import $W/tiny.vdi: the file changed while it was being imported; import it again" "$T/changed"; then
	ok "a file changed during its conversion is refused"
else
	not_ok "a file changed during its conversion is refused" "rc $rc: $(cat "$T/changed")"
fi
check "the refused import leaves no image" nothing_left "sparse.qcow2 stream.qcow2 vdi.qcow2 vhdx.qcow2 vpc.qcow2 "
BASE="sparse.qcow2 stream.qcow2 vdi.qcow2 vhdx.qcow2 vpc.qcow2 "
check "only the converted images in images/" nothing_left "$BASE"

# An OVA: OVF first, then a streamOptimized vmdk and a second disk.
mkdir -p "$W/ova"
ovf() { # FILE HREF1 [HREF2]: an OVF naming one or two disk files
	local f=$1 h1=$2 h2=${3:-}
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n'
		printf '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">\n'
		printf ' <References>\n  <File ovf:id="f1" ovf:href="%s"/>\n' "$h1"
		[ -z "$h2" ] || printf '  <File ovf:id="f2" ovf:href="%s"/>\n' "$h2"
		printf ' </References>\n <DiskSection>\n  <Info>disks</Info>\n'
		printf '  <Disk ovf:diskId="d1" ovf:fileRef="f1" ovf:capacity="1048576"/>\n'
		[ -z "$h2" ] || printf '  <Disk ovf:diskId="d2" ovf:fileRef="f2" ovf:capacity="1048576"/>\n'
		printf ' </DiskSection>\n <VirtualSystem ovf:id="tiny"><Info>tiny</Info></VirtualSystem>\n</Envelope>\n'
	} >"$f"
}
cp "$W/stream.vmdk" "$W/ova/tiny-disk1.vmdk"
cp "$W/tiny.vdi" "$W/ova/tiny-disk2.vdi"
ovf "$W/ova/appliance.ovf" tiny-disk1.vmdk
(cd "$W/ova" && tar -cf "$W/appliance.ova" appliance.ovf tiny-disk1.vmdk)
out=$("$S" image import "$W/appliance.ova" 2>/dev/null) || true
if [ "$out" = "imported appliance (qcow2 converted from ova/vmdk, virtual size 1.0 MiB)" ] &&
    source_is appliance qcow2 ova/vmdk; then
	ok "an OVA's streamOptimized vmdk imports, source format ova/vmdk"
else
	not_ok "an OVA's streamOptimized vmdk imports, source format ova/vmdk" "$out"
fi
check "a node on the OVA's disk boots to the banner" boots appliance
ovf "$W/ova/two.ovf" tiny-disk1.vmdk tiny-disk2.vdi
(cd "$W/ova" && tar -cf "$W/two.ova" two.ovf tiny-disk1.vmdk tiny-disk2.vdi)
out=$("$S" image import "$W/two.ova" --name pair 2>/dev/null) || true
if [ "$out" = "imported pair (qcow2 converted from ova/vmdk, virtual size 1.0 MiB)
imported pair-disk2 (qcow2 converted from ova/vdi, virtual size 1.0 MiB)" ] && source_is pair-disk2 qcow2 ova/vdi; then
	ok "a two-disk OVA imports each disk as its own image and says so"
else
	not_ok "a two-disk OVA imports each disk as its own image and says so" "$out"
fi
BASE="appliance.qcow2 pair-disk2.qcow2 pair.qcow2 $BASE"
check "only the OVA images added" nothing_left "$BASE"

# Hostile and broken inputs.
cat >"$W/evil.vmdk" <<'VMDK'
# Disk DescriptorFile
version=1
CID=fffffffe
parentCID=ffffffff
createType="monolithicFlat"

RW 2048 FLAT "/etc/passwd" 0
VMDK
expect_fail "a vmdk descriptor with an extent at /etc/passwd is refused" \
	"a descriptor that names its data in other files" "$S" image import "$W/evil.vmdk"
cp "$W/tiny.vdi" "$W/trunc.vdi"
truncate -s 600000 "$W/trunc.vdi"
expect_fail "a truncated vdi is refused" "the file is truncated: its vdi header places data up to byte 1049600" \
	"$S" image import "$W/trunc.vdi"
printf '<Envelope><References>' >"$W/ova/bad.ovf"
(cd "$W/ova" && tar -cf "$W/badovf.ova" bad.ovf tiny-disk1.vmdk)
expect_fail "an OVA with a broken OVF is refused" "its OVF descriptor is not valid OVF XML" \
	"$S" image import "$W/badovf.ova"
ovf "$W/ova/miss.ovf" tiny-disk1.vmdk gone.vmdk
(cd "$W/ova" && tar -cf "$W/missing.ova" miss.ovf tiny-disk1.vmdk)
expect_fail "an OVA missing a disk its OVF names is refused" \
	'its OVF names the disk file "gone.vmdk", which the archive does not hold' "$S" image import "$W/missing.ova"
python3 - "$W/ova/appliance.ovf" "$W/stream.vmdk" "$W/dotdot.ova" "$W/link.ova" <<'PY'
import sys, tarfile
ovf, disk, dotdot, link = sys.argv[1:]
with tarfile.open(dotdot, "w") as t:
    t.add(ovf, arcname="appliance.ovf")
    t.add(disk, arcname="../tiny-disk1.vmdk")
with tarfile.open(link, "w") as t:
    t.add(ovf, arcname="appliance.ovf")
    i = tarfile.TarInfo("tiny-disk1.vmdk")
    i.type, i.linkname = tarfile.SYMTYPE, "/etc/passwd"
    t.addfile(i)
PY
expect_fail "an OVA with a ../ member is refused" 'its member "../tiny-disk1.vmdk" points outside the archive' \
	"$S" image import "$W/dotdot.ova"
expect_fail "an OVA with a link member is refused" 'its member "tiny-disk1.vmdk" is a link' \
	"$S" image import "$W/link.ova"
head -c 20000 "$W/appliance.ova" >"$W/cut.ova"
expect_fail "a truncated OVA is refused" "damaged or truncated" "$S" image import "$W/cut.ova"
(cd "$W/ova" && tar -cf "$W/noovf.ova" tiny-disk1.vmdk)
expect_fail "an OVA without an OVF is refused" "holds no OVF descriptor" "$S" image import "$W/noovf.ova"
check "nothing left behind by any refusal" nothing_left "$BASE"
if "$S" image ls | grep -Eq '^(evil|trunc|badovf|missing|dotdot|link|cut|noovf) '; then
	not_ok "no rows for refused imports" "$("$S" image ls)"
else
	ok "no rows for refused imports"
fi

done_testing
