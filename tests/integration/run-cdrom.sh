#!/usr/bin/env bash
# run-cdrom.sh: the guest sees what `node cdrom` does (issue 10), under
# real QEMU (TCG). The linux guest (sr_mod, ata_piix, ahci, isofs) mounts
# the CD-ROM of a node started with --cdrom and reads the file the test
# put on it; `node cdrom --eject` while it runs leaves the drive without a
# medium (mount fails, a read finds none); `node cdrom NODE ISO` puts in another one, which it
# reads; a refused change keeps the medium; on the stopped node, made q35
# (the drive on AHCI), `node cdrom` records the medium for the next start.
# Two linux boots under TCG, one at a time.
# tests/run timeout: 900
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

S=$SANDLAB
# linux boots in 3-20 s, 60-90 s on a loaded 2-core machine
BOOT_WAIT=${CDROM_BOOT_WAIT:-240}
lab_image linux

# Two data ISOs holding literals this test chose.
mkdir -p "$T/one" "$T/two"
printf 'cd-first-4711\n' >"$T/one/data.txt"
printf 'cd-second-0815\n' >"$T/two/data.txt"
xorriso -as mkisofs -quiet -V FIRST -o "$T/first.iso" "$T/one" 2>/dev/null
xorriso -as mkisofs -quiet -V SECOND -o "$T/second.iso" "$T/two" 2>/dev/null
"$S" image import "$T/first.iso" --name first >/dev/null
"$S" image import "$T/second.iso" --name second >/dev/null

# guest CMD WANT: runs CMD on c1's shell and waits for WANT, which CMD
# prints but does not hold (the echoed command line must not match).
guest() {
	local out
	out=$("$S" expect c1 --timeout 120 --sendline "$1" --expect "$2" 2>&1) ||
		{ echo "$out $("$S" console c1 --log | tail -n 5)"; return 1; }
}
# The drive appears when the controller's driver has probed it, and a
# new medium when the kernel next asks the drive: up to 60 tries, 1 s apart.
# read_cd prints got=<the file's text>, or got=none-N when no try mounted.
read_cd='mkdir -p /mnt/cd; n=0; while [ $n -lt 60 ]; do if mount -t iso9660 -o ro /dev/sr0 /mnt/cd 2>/dev/null; then echo got=$(cat /mnt/cd/data.txt); umount /mnt/cd; break; fi; n=$((n+1)); sleep 1; done; [ $n -lt 60 ] || echo got=none-$((3*3))'
# no_medium prints medium=absent-42 when a mount of /dev/sr0 fails and
# reading it fails with ENOMEDIUM (the kernel keeps the old size in sysfs).
no_medium='if mount -t iso9660 -o ro /dev/sr0 /mnt/cd 2>/dev/null; then umount /mnt/cd; echo medium=present; elif head -c 1 /dev/sr0 2>&1 >/dev/null | grep -q "No medium found"; then echo medium=absent-$((6*7)); else echo medium=unknown; fi'
cdrom() { "$S" node show c1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machine"]["cdrom"])'; }

# ---- started with --cdrom: the guest reads the first medium
"$S" node create c1 --image linux --ram 256 --cdrom first >/dev/null
check "the linux guest boots with an ISO in its CD-ROM drive" \
	"$S" node start c1 --wait-for 'linux# ' --timeout "$BOOT_WAIT"
check "the guest mounts /dev/sr0 and reads the first ISO's file" guest "$read_cd" 'got=cd-first-4711'

# ---- eject while it runs: no medium in the guest
check "node cdrom --eject on the running node" sh -c "'$S' node cdrom c1 --eject | grep -qx 'ejected the CD-ROM of c1'"
check "the guest sees no medium: the mount fails, a read finds no medium" guest "$no_medium" 'medium=absent-42'

# ---- a new medium while it runs: the guest reads it
check "node cdrom puts the second ISO into the running node's drive" \
	sh -c "'$S' node cdrom c1 second | grep -qx 'c1: the CD-ROM drive now holds second'"
check "the guest reads the second ISO's file" guest "$read_cd" 'got=cd-second-0815'

# ---- bad input on the running node: refused, the medium stays
expect_fail "a disk image as the medium is refused" 'image linux is of kind disk, not iso' \
	"$S" node cdrom c1 linux
expect_fail "an unknown image as the medium is refused" 'nosuch' "$S" node cdrom c1 nosuch
check "the refused changes left the second ISO recorded" test "$(cdrom)" = second
check "and in the guest's drive" guest "$read_cd" 'got=cd-second-0815'
check "stop" "$S" node kill c1

# ---- stopped: node cdrom records the medium; the next start has it.
# q35 this time: the drive is on an AHCI port, which ahci drives.
"$S" node set c1 --machine q35 >/dev/null
check "node cdrom on the stopped node records the medium" \
	sh -c "'$S' node cdrom c1 first | grep -qx 'c1 is stopped: it starts with first in its CD-ROM drive'"
check "node show names the recorded medium" sh -c "'$S' node show c1 | grep -q '^cdrom: *first\$'"
check "node cmd has it in the drive on q35's second AHCI port" sh -c \
	"'$S' node cmd c1 | grep -qF -- '/images/first.iso,format=raw,if=none,id=cdrom0,media=cdrom,readonly=on -device ide-cd,id=cd0,drive=cdrom0,bus=ide.1'"
check "the q35 guest boots" "$S" node start c1 --wait-for 'linux# ' --timeout "$BOOT_WAIT"
check "the guest reads the recorded medium at the next start" guest "$read_cd" 'got=cd-first-4711'
check "eject on q35" "$S" node cdrom c1 --eject
check "the q35 guest sees no medium" guest "$no_medium" 'medium=absent-42'
check "stop" "$S" node kill c1
"$S" node rm c1 >/dev/null
run_done
