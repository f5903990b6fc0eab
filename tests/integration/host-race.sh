#!/usr/bin/env bash
# host-race.sh: nodes of one image started at once on the test's own
# libvirt host (tests/lib-libvirt.sh) upload it once. Three tiny nodes
# started by one `node start` on a fresh host (no pool yet, no image):
# all run, the pool was made once, the image volume is there once and
# was uploaded once (one "uploading" line), the others found it there. A
# start that comes during another node's upload says it waits for it
# (certain: the upload is paced through SANDLAB_PACE and the second start
# is made once the first says it uploads). Bad input: the lab's lock
# folder of the host, or a lock in it, made a symlink (refused, nothing
# followed), or open to others (made 0700).
# And a remote node has every NIC model a local one is tested with
# (net-link.sh), i82559er among them: libvirt's XML names each, and the
# host's QEMU runs each device.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-libvirt.sh"

S=$SANDLAB
lv_lab

for n in a b c; do "$S" node create "$n" --image tiny --ram 64 --nics 0 --host lv >/dev/null; done
img=$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT id FROM images WHERE name = 'tiny'")
locks="$SANDLAB_LAB/run/hosts/lv.locks"
install -d -m 0700 "$SANDLAB_LAB/run/hosts"

# The lock folder a symlink: refused before anything is made on the host,
# and its target left as it was.
mkdir "$T/elsewhere"
ln -s "$T/elsewhere" "$locks"
rc=0
out=$(timeout 120 "$S" node start a 2>&1) || rc=$?
check "a lock folder that is a symlink: the start fails" test "$rc" != 0
check "and names it" has "$out" "^sandlab: cannot start a: $locks is not a folder; remove it and try again$"
check "its target is left empty" test -z "$(ls -A "$T/elsewhere")"
check "nothing was made on the host" test -z "$(pool_vols)$(lv_doms)"
rm "$locks"
# A lock in it a symlink: not followed.
mkdir -m 0755 "$locks"
ln -s "$T/elsewhere/pool" "$locks/pool-sandlab.lock"
rc=0
out=$(timeout 120 "$S" node start a 2>&1) || rc=$?
check "a lock that is a symlink: the start fails" test "$rc" != 0
check "and says it cannot open it" has "$out" \
	"^sandlab: cannot start a: cannot open the lock $locks/pool-sandlab\\.lock: "
check "the link's target was not made" test ! -e "$T/elsewhere/pool"
check "nothing was made on the host" test -z "$(pool_vols)$(lv_doms)"
rm "$locks/pool-sandlab.lock"
chmod 0755 "$locks"

# Three at once on the fresh host. The pool's start is paced 1 s after
# it is defined, and each chunk of the upload 1 s (tiny is two chunks),
# so the other keepers come while each goes on.
out=$(SANDLAB_PACE=pool-defined:1000,upload-chunk:1000 timeout 300 "$S" node start a b c 2>&1) || true
for n in a b c; do
	if state_is "$n" running; then ok "$n runs"; else not_ok "$n runs" "$out"; fi
done
check "the image was uploaded once" test "$(text "$out" | grep -c ': uploading image tiny\.qcow2 (')" = 1
up=$(text "$out" | sed -n 's/^\([abc]\): uploading image tiny\.qcow2 (.*/\1/p')
check "every uploading line is that node's" test "$(text "$out" | grep -c ': uploading image tiny')" = \
	"$(text "$out" | grep -c "^$up: uploading image tiny")"
check "and checked once" test "$(text "$out" | grep -c ': image tiny\.qcow2 uploaded and checked')" = 1
check "the two others found it there" test "$(text "$out" | grep -c ': image tiny\.qcow2 is on the host already$')" = 2
check "no start found it not whole" test "$(text "$out" | grep -c 'not whole')" = 0
check "no start waited but for another node" test "$(text "$out" | grep -c "^$up: waiting for")" = 0
check "the host's pool runs" test "$(lv_virsh pool-info sandlab 2>&1 | sed -n 's/^State: *//p')" = running
check "the pool holds the image and its mark once, and each node's disk" \
	pool_is "image-$img" "image-$img.ok" "$(lv_dom a).qcow2" "$(lv_dom b).qcow2" "$(lv_dom c).qcow2"
check "the host runs the three domains" test "$(lv_doms | tr '\n' ' ')" = \
	"$(printf '%s\n' "$(lv_dom a)" "$(lv_dom b)" "$(lv_dom c)" | sort | tr '\n' ' ')"
check "the lock folder was made private" test "$(stat -c %a "$locks")" = 700
check "the image's lock is 0600" test "$(stat -c %a "$locks/vol-image-$img.lock")" = 600
check "the pool's lock is 0600" test "$(stat -c %a "$locks/pool-sandlab.lock")" = 600
check "no lock says an upload goes on" test ! -s "$locks/vol-image-$img.lock"

# A start during another node's upload, for certain: d's upload of 8 MiB
# (32 chunks) is paced 250 ms a chunk, and e starts once d says it uploads.
truncate -s 8M "$T/blank.img"
"$S" image import "$T/blank.img" --name blank --format raw >/dev/null
for n in d e; do "$S" node create "$n" --image blank --ram 64 --nics 0 --host lv >/dev/null; done
bfile=$(basename "$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT file FROM images WHERE name = 'blank'")")
bre=${bfile//./\\.}
SANDLAB_PACE=upload-chunk:250 timeout 300 "$S" node start d >"$T/d.out" 2>&1 &
dpid=$!
if wait_for 120 grep -q "^d: uploading image $bre (" "$T/d.out"; then ok "d uploads"; else not_ok "d uploads" "$(cat "$T/d.out")"; fi
out=$(timeout 300 "$S" node start e 2>&1) || true
wait "$dpid" || true
dout=$(cat "$T/d.out")
for n in d e; do
	if state_is "$n" running; then ok "$n runs"; else not_ok "$n runs" "$(tail -n 5 "$T/d.out") $out"; fi
done
check "e says it waits for d's upload" has "$out" "^e: waiting for another node's upload of $bre to the host$"
check "once" test "$(text "$out" | grep -c 'waiting for')" = 1
check "then finds the image there" has "$out" "^e: image $bre is on the host already$"
check "e uploaded nothing" test "$(text "$out" | grep -c uploading)" = 0
check "d uploaded it once" test "$(text "$dout" | grep -c "^d: uploading image $bre (")" = 1
check "and checked it" has "$dout" "^d: image $bre uploaded and checked"
bimg=$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT id FROM images WHERE name = 'blank'")
check "the pool holds the blank image once" test "$(pool_vols | grep -c "^image-$bimg")" = 2
for n in d e; do "$S" node kill "$n" >/dev/null 2>&1 || true; done

# Every NIC model a local node is tested with, on the host.
models="virtio-net-pci e1000 e1000e rtl8139 vmxnet3 pcnet i82559er ne2k_pci"
"$S" node create m --image tiny --ram 64 --nics 8 --host lv >/dev/null
i=0
for model in $models; do
	"$S" nic set "m:eth$i" --model "$model" >/dev/null
	i=$((i + 1))
done
out=$(timeout 180 "$S" node start m 2>&1) || true
if state_is m running; then ok "m with eight NIC models runs on lv"; else not_ok "m with eight NIC models runs on lv" "$out"; fi
dom=$(lv_dom m)
xml=$(lv_virsh dumpxml "$dom" 2>&1 || true)
check "libvirt's XML names each model, virtio-net-pci as virtio" test "$(python3 -c '
import sys, xml.etree.ElementTree as ET
d = ET.fromstring(sys.argv[1])
print(" ".join(i.find("model").get("type") for i in d.findall("devices/interface")))' "$xml")" = \
	"virtio e1000 e1000e rtl8139 vmxnet3 pcnet i82559er ne2k_pci"
qtree=$(lv_virsh qemu-monitor-command "$dom" --hmp "info qtree" 2>&1 || true)
for model in $models; do
	check "the host's QEMU runs $model" has "$qtree" "dev: $model, id \"net[0-7]\""
done

done_testing
