#!/usr/bin/env bash
# store-image-users.sh: how many nodes use an image (image ls, --json,
# image rm's refusal), counted through indexes since migration 18: a node
# counts once for an image that is its disk, an extra disk or its CD-ROM,
# also when it uses the image twice; an image no node uses counts 0.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

S=$SANDLAB
lab_image tiny
"$S" image import "$IMAGES/tiny.qcow2" --name two >/dev/null 2>&1
"$S" image import "$IMAGES/tiny.qcow2" --name idle >/dev/null 2>&1
mkdir -p "$T/isodir" && printf 'x\n' >"$T/isodir/x.txt"
xorriso -as mkisofs -quiet -V X -o "$T/x.iso" "$T/isodir" 2>/dev/null
"$S" image import "$T/x.iso" --name cd >/dev/null
# users: "NAME:COUNT ..." from image ls --json, by name
users() { "$S" image ls --json | python3 -c 'import json,sys; print(" ".join("%s:%d" % (i["name"], i["nodes"]) for i in sorted(json.load(sys.stdin), key=lambda i: i["name"])))'; }

check "no node: every image counts 0" test "$(users)" = "cd:0 idle:0 tiny:0 two:0"
"$S" node create a --image tiny --ram 32 >/dev/null
"$S" node create b --image two --ram 32 --disk image:tiny >/dev/null
"$S" node create c --image tiny --ram 32 --disk image:tiny --disk image:two >/dev/null
"$S" node create d --image two --ram 32 >/dev/null
"$S" node cdrom d cd >/dev/null
check "disk, extra disk, twice in one node, CD-ROM: counted once a node" \
	test "$(users)" = "cd:1 idle:0 tiny:3 two:3"
check "image ls shows the count" sh -c "'$S' image ls | grep -q '^tiny .* 3\$'"
expect_fail "an image used as an extra disk alone cannot be removed" 'used by 3 nodes' "$S" image rm two
"$S" node rm c >/dev/null
"$S" node cdrom d --eject >/dev/null
check "after node rm and an eject" test "$(users)" = "cd:0 idle:0 tiny:2 two:2"
check "an image no node uses is removed" "$S" image rm idle

done_testing
