#!/usr/bin/env bash
# Image import with the real qemu-img: good qcow2 and raw files go in;
# hostile or broken ones are refused with a clear message and leave
# nothing behind (no file in images/, no row, no journal entry).
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
W="$T/work"
mkdir -p "${W:?}"
LABDIR="$T/lab"

# nothing_left: images/ holds exactly the expected files and the journal is empty.
nothing_left() {
	local want=$1 got
	got=$(cd "${LABDIR:?}/images" && ls -A | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || { echo "images/ holds '$got', want '$want'"; return 1; }
	[ "$(sqlite3 "$LABDIR/lab.db" 'SELECT count(*) FROM pending')" = 0 ] || { echo "journal not empty"; return 1; }
}

# Good images.
qemu-img create -q -f qcow2 "$W/good.qcow2" 64M
qemu-io -f qcow2 -c 'write -P 0xab 0 1M' "$W/good.qcow2" >/dev/null
check "import good qcow2" "$S" image import "$W/good.qcow2"
head -c 1048576 /dev/urandom >"$W/disk.raw"
truncate -s 8M "$W/disk.raw"
check "import good raw under another name" "$S" image import "$W/disk.raw" --name plain
check "copied raw content is identical" cmp "$W/disk.raw" "$LABDIR/images/plain.img"
check "qcow2 recorded as qcow2" bash -o pipefail -c "'$S' image ls --json | grep -q '\"format\": \"qcow2\"'"
check "raw recorded as raw" bash -o pipefail -c "'$S' image ls --json | python3 -c 'import json,sys; d={i[\"name\"]:i for i in json.load(sys.stdin)}; assert d[\"plain\"][\"format\"]==\"raw\" and d[\"plain\"][\"virtual_size\"]==8388608, d'"
check "imported files are read-only, and their owner's alone" sh -c "[ \"\$(stat -c %a '$LABDIR/images/good.qcow2')\" = 400 ]"
BASE="good.qcow2 plain.img "
check "only the two imports in images/" nothing_left "$BASE"
expect_fail "same name twice refused" "already exists" "$S" image import "$W/good.qcow2"

# Hostile and broken files.
qemu-img create -q -f qcow2 -u -b /etc/passwd -F raw "$W/backing.qcow2" 1M
expect_fail "qcow2 with backing /etc/passwd refused" "backing file" "$S" image import "$W/backing.qcow2"
qemu-img create -q -f qcow2 -u -b 'json:{"driver":"file","filename":"/etc/passwd"}' -F raw "$W/jsonback.qcow2" 1M
expect_fail "qcow2 with json: backing refused" "backing file" "$S" image import "$W/jsonback.qcow2"
qemu-img create -q -f qcow2 -o data_file="$W/data.raw" "$W/datafile.qcow2" 1M
expect_fail "qcow2 with external data file refused" "external data file" "$S" image import "$W/datafile.qcow2"
cp "$W/good.qcow2" "$W/trunc.qcow2"
truncate -s 65536 "$W/trunc.qcow2"
expect_fail "truncated qcow2 refused" "truncated" "$S" image import "$W/trunc.qcow2"
qemu-img create -q -f qcow2 "$W/huge.qcow2" 100T
expect_fail "huge virtual size in a tiny file refused" "over the limit" "$S" image import "$W/huge.qcow2"
check "the cap is configurable" "$S" image import "$W/huge.qcow2" --max-size 200T --name huge-ok
"$S" image rm huge-ok

# A raw disk (boot signature) whose first bytes carry a qcow2 header.
python3 - "$W/rawq.img" "$W/backing.qcow2" <<'PY'
import sys
out, hdr = sys.argv[1], open(sys.argv[2], 'rb').read(65536)
disk = bytearray(1 << 20)
disk[0:len(hdr)] = hdr
disk[510:512] = b'\x55\xaa'
open(out, 'wb').write(disk)
PY
expect_fail "raw disk carrying a qcow2 header refused as ambiguous" "more than one format" "$S" image import "$W/rawq.img"
# The same header without a boot signature is read as qcow2: its backing file refuses it.
python3 - "$W/rawq2.img" "$W/backing.qcow2" <<'PY'
import sys
out, hdr = sys.argv[1], open(sys.argv[2], 'rb').read(65536)
disk = bytearray(1 << 20)
disk[0:len(hdr)] = hdr
open(out, 'wb').write(disk)
PY
expect_fail "raw file carrying a qcow2 header with a backing file refused" "backing file" "$S" image import "$W/rawq2.img"
printf 'QFI\373\0\0\0\1' >"$W/v1.qcow"; truncate -s 1M "$W/v1.qcow"
expect_fail "qcow version 1 refused with advice" "qcow .version 1. format, which sandlab does not take; convert it first" \
	"$S" image import "$W/v1.qcow"
printf 'KDMV' >"$W/v.vmdk"; truncate -s 1M "$W/v.vmdk"
expect_fail "a broken vmdk is refused before conversion" "qemu-img info cannot read the file" "$S" image import "$W/v.vmdk"
: >"$W/empty.img"
expect_fail "empty file refused" "empty" "$S" image import "$W/empty.img"

ln -s "$W/good.qcow2" "$W/link.qcow2"
expect_fail "symlink refused" "symbolic link" "$S" image import "$W/link.qcow2" --name viaLink
mkfifo "$W/fifo"
expect_fail "FIFO refused (and does not hang)" "not a regular file" timeout 10 "$S" image import "$W/fifo"
mkdir "$W/dir.qcow2"
expect_fail "directory refused" "folder" "$S" image import "$W/dir.qcow2"
expect_fail "missing file refused" "No such file" "$S" image import "$W/nope.qcow2"
expect_fail "bad name refused" "image name" "$S" image import "$W/good.qcow2" --name '../evil'
expect_fail "unknown format option refused" "raw or qcow2" "$S" image import "$W/good.qcow2" --name x --format vmdk
check "nothing left behind by any refusal" nothing_left "$BASE"

# A file dropped into images/ by hand goes through the same checks on scan.
cp "$W/good.qcow2" "$LABDIR/images/dropped.qcow2"
cp "$W/backing.qcow2" "$LABDIR/images/evil.qcow2"
out=$("$S" image scan 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && text "$out" | grep -q 'took in dropped.qcow2' && text "$out" | grep -q 'left evil.qcow2 alone: .*backing file'; then
	ok "scan takes in a good dropped file and refuses a bad one"
else
	not_ok "scan takes in a good dropped file and refuses a bad one" "rc=$rc $out"
fi
check "scanned image listed" bash -o pipefail -c "'$S' image ls | grep -q '^dropped '"
printf '#!/bin/sh\n' >"$LABDIR/images/build-script"
chmod 755 "$LABDIR/images/build-script"
"$S" image scan >/dev/null 2>&1 || true
# Left alone by scan, and private like all of the lab: inside images/,
# which is 0700, no other user reaches it.
check "scan leaves files that are not disk images alone" bash -o pipefail -c "! '$S' image ls | grep -q '^build-script' && [ \"\$(stat -c %a '$LABDIR/images')\" = 700 ]"
rm -f "$LABDIR/images/build-script" "$LABDIR/images/evil.qcow2"

# rm refuses while a node uses the image, then works.
"$S" node create n1 --image good >/dev/null
expect_fail "image rm refused while a node uses it" "used by 1 node" "$S" image rm good
"$S" node rm n1
check "image rm once unused" "$S" image rm good
check "image file removed" test ! -e "$LABDIR/images/good.qcow2"
expect_fail "rm of a missing image" "no image named" "$S" image rm good
check "json output of image ls parses" bash -o pipefail -c "'$S' image ls --json | python3 -c 'import json,sys; json.load(sys.stdin)'"

done_testing
