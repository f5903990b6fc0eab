#!/usr/bin/env bash
# host-rm.sh: node rm of a node on the test's own libvirt host over
# qemu+ssh (tests/lib-libvirt.sh) removes its disk volume there, and only
# its own; refused while the node runs; with the host's sshd stopped it
# is refused, naming what would be left there, and the node stays; with
# --force the node goes from the lab and sandlab says what was left on
# the host.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-libvirt.sh"

S=$SANDLAB
lv_lab

# names: the lab's node names, one a line.
names() { "$S" node ls --json | python3 -c 'import json, sys
for n in json.load(sys.stdin): print(n["name"])'; }

for n in r1 r2; do
	"$S" node create "$n" --image tiny --ram 64 --nics 0 --host lv >/dev/null
	out=$(timeout 180 "$S" node start "$n" 2>&1) || true
	if state_is "$n" running; then ok "$n starts on lv"; else not_ok "$n starts on lv" "$out"; fi
done
dom1=$(lv_dom r1)
dom2=$(lv_dom r2)
img=$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT id FROM images WHERE name = 'tiny'")
check "the pool holds the image, its mark and both disks" \
	pool_is "image-$img" "image-$img.ok" "$dom1.qcow2" "$dom2.qcow2"

expect_fail "node rm of a running remote node is refused" \
	'node "r1" is running; stop it before you remove it' "$S" node rm r1
check "and its disk stays" pool_is "image-$img" "image-$img.ok" "$dom1.qcow2" "$dom2.qcow2"
check "node kill r1 r2" timeout 60 "$S" node kill r1 r2

out=$(timeout 120 "$S" node rm r1 2>&1) || true
check "node rm r1 says what went on the host" test "$out" = "removed r1's volumes on host lv: $dom1.qcow2"
check "r1's disk is gone from the host, the rest stays" pool_is "image-$img" "image-$img.ok" "$dom2.qcow2"
check "r1 is gone from the lab" test "$(names)" = r2

# The host unreachable: refused, nothing lost; --force says what stays.
lv_sshd_stop
rc=0
out=$(timeout 120 "$S" node rm r2 2>&1) || rc=$?
check "node rm r2 with lv unreachable fails" test "$rc" != 0
check "and says why and what would be left" has "$out" \
	"^sandlab: cannot remove r2: host lv did not answer \\(cannot connect: .*\\), and its volumes there \\($dom2\\.\\*\\) would be left behind; node rm --force removes it from the lab anyway$"
check "r2 is still in the lab" has "$("$S" node ls)" "^r2 +lv "
rc=0
out=$(timeout 120 "$S" node rm r2 --force 2>&1) || rc=$?
check "node rm --force r2 succeeds" test "$rc" = 0
check "and says what was left on the host" test "$out" = \
	"removed r2 from the lab; left on host lv, which did not answer: the volumes $dom2.* in its pool sandlab"
check "r2 is gone from the lab" test -z "$(names)"
lv_sshd_start
check "r2's disk is on the host still, as said" pool_is "image-$img" "image-$img.ok" "$dom2.qcow2"

done_testing
