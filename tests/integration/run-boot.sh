#!/usr/bin/env bash
# run-boot.sh: boot order by bootindex (issue 10) under real QEMU (TCG).
# SeaBIOS boots only the first hard disk it lists, and it lists IDE and
# AHCI disks before virtio ones, SCSI in no fixed order: the tiny guest's
# banner proves that its boot disk was booted, not one of the blank extra
# disks beside it (which hold no boot sector), with a virtio boot disk
# beside an IDE and a SATA disk (pc and q35) and an IDE boot disk beside a
# SCSI disk. --boot-once cdrom boots the linux ISO, and the guest's reboot
# in the same run boots the disk (the keeper set the order back).
# tests/run timeout: 900
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

S=$SANDLAB
# the tiny guest's banner comes in about a second, a minute under load;
# linux 3-20 s, 60-90 s on a loaded 2-core machine
BOOT_WAIT=${BOOT_WAIT:-240}
lab_image tiny
"$S" image import "$IMAGES/linux.iso" --name linux-iso >/dev/null

# boots NODE: start, the tiny banner, kill.
boots() {
	local rc=0
	"$S" node start "$1" --wait-for 'tiny login: ' --timeout "$BOOT_WAIT" >/dev/null || rc=$?
	"$S" node kill "$1" >/dev/null 2>&1 || true
	if [ "$rc" -ne 0 ]; then
		echo "no banner: $("$S" console "$1" --log | tail -n 3)"
		return 1
	fi
}

# ---- a virtio boot disk beside a blank IDE and a blank SATA disk
"$S" node create m1 --image tiny --ram 32 --disk 1M,bus=ide --disk 1M,bus=sata >/dev/null
cmd=$("$S" node cmd m1)
if text "$cmd" | grep -qF -- "-device virtio-blk-pci,drive=disk0,id=hd0,bootindex=1 " &&
    text "$cmd" | grep -qF -- "-device ide-hd,drive=disk1,bus=ide.0,unit=0 " &&
    text "$cmd" | grep -qF -- "-device ide-hd,drive=disk2,bus=ahci0.0 " &&
    ! text "$cmd" | grep -qF -- "-boot "; then
	ok "node cmd: the virtio boot disk has bootindex 1, the IDE and SATA disks none, no -boot"
else
	not_ok "node cmd: the virtio boot disk has bootindex 1, the IDE and SATA disks none, no -boot" "$cmd"
fi
check "pc: the tiny guest boots its virtio disk beside blank IDE and SATA disks" boots m1
"$S" node set m1 --machine q35 >/dev/null
check "q35: the same" boots m1
"$S" node rm m1 >/dev/null

# ---- an IDE boot disk beside a blank SCSI disk
"$S" node create m2 --image tiny --ram 32 --disk-bus ide --disk 1M,bus=scsi >/dev/null
check "node cmd: the IDE boot disk has bootindex 1" sh -c \
	"'$S' node cmd m2 | grep -qF -- '-device ide-hd,drive=disk0,bus=ide.0,unit=0,id=hd0,bootindex=1 '"
check "pc: the tiny guest boots its IDE disk beside a blank SCSI disk" boots m2
"$S" node rm m2 >/dev/null

# ---- boot-once: the CD-ROM first this start; the guest's reboot, the disk
"$S" node create o1 --image tiny --ram 256 --cdrom linux-iso --boot-once cdrom >/dev/null
check "node cmd: the boot-once CD-ROM has bootindex 1, the disk 2" sh -c \
	"'$S' node cmd o1 | grep -q -- 'id=hd0,bootindex=2 .*-device ide-cd,id=cd0,drive=cdrom0,bus=ide.1,bootindex=1 '"
check "--boot-once cdrom boots the linux ISO" "$S" node start o1 --wait-for 'linux# ' --timeout "$BOOT_WAIT"
check "the boot-once is spent" sh -c "'$S' node show o1 --json | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)[\"machine\"][\"boot-once\"] != \"\")'"
out=$("$S" expect o1 --timeout "$BOOT_WAIT" --sendline 'reboot -f' --expect 'tiny login: ' 2>&1) &&
	ok "the guest's reboot in the same run boots the disk" ||
	not_ok "the guest's reboot in the same run boots the disk" "$out $("$S" console o1 --log | tail -n 3)"
check "the node runs on after the reboot" state_is o1 running
"$S" node kill o1 >/dev/null
check "the next start boots the disk" boots o1
"$S" node rm o1 >/dev/null
run_done
