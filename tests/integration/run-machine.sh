#!/usr/bin/env bash
# run-machine.sh: a node's machine (issue 10) under real QEMU (TCG). The
# tiny guest boots from each disk bus on pc and on q35 (its banner proves
# the firmware booted that bus); images of kind iso, kernel and initrd are
# told by their bytes; a CD-ROM medium changes while the node runs and is
# recorded while it is stopped; the linux guest's kernel and initrd boot
# as images with --append, and under TCG with --cpu-model auto its CPU
# has sse4_2 and popcnt; SeaBIOS's own bios-256k.bin imported as an image
# of kind bios (--bios) boots the tiny guest; a machine change on a running node waits for a
# restart; a boot-once is spent by one start; each bad value is refused
# naming what is offered, and leaves nothing; a lab file carries every
# machine key (firmware, NIC models and extra disks too): export, import
# into an empty lab, export again gives the same bytes, and the imported
# node has them.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

S=$SANDLAB
lab_image tiny
nodes() { "$S" node ls --json | python3 -c 'import json,sys; print(" ".join(n["name"] for n in json.load(sys.stdin)))'; }
field() { "$S" node show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machine"][sys.argv[1]])' "$2"; }

# ---- bad input: each refused with what is offered, nothing made
expect_fail "an unknown disk bus names the buses" 'disk-bus "nvme": one of virtio\|ide\|sata\|scsi' \
	"$S" node create b1 --image tiny --disk-bus nvme
expect_fail "an unknown machine names pc and q35" 'machine "virt": one of pc\|q35' \
	"$S" node create b1 --image tiny --machine virt
expect_fail "a CPU model with options is refused" 'cpu-model "max,\+avx"' \
	"$S" node create b1 --image tiny --cpu-model max,+avx
expect_fail "an unknown VGA names the four" 'vga "qxl": one of std\|virtio\|cirrus\|none' \
	"$S" node create b1 --image tiny --vga qxl
expect_fail "an unknown arch names x86_64 and i386" 'arch "aarch64": one of x86_64\|i386' \
	"$S" node create b1 --image tiny --arch aarch64
expect_fail "a boot order with a repeat is refused" 'boot "disk,disk": an order of disk, cdrom and network' \
	"$S" node create b1 --image tiny --boot disk,disk
expect_fail "an unknown boot-once is refused" 'boot-once "floppy": disk, cdrom, network or none' \
	"$S" node create b1 --image tiny --boot-once floppy
expect_fail "a command line a lab file would cut is refused" 'append "a #b"' \
	"$S" node create b1 --image tiny --kernel none --append 'a #b'
expect_fail "a command line without a kernel is refused" 'needs a kernel' \
	"$S" node create b1 --image tiny --append console=ttyS0
expect_fail "a disk image as a CD-ROM is refused" 'image tiny is of kind disk, not iso' \
	"$S" node create b1 --image tiny --cdrom tiny
expect_fail "a missing CD-ROM image is named" 'no image named "nosuch"' \
	"$S" node create b1 --image tiny --cdrom nosuch
expect_fail "a CPU model this QEMU lacks names what it offers" \
	'cpu-model "Skylake-Clent": not a model of qemu-system-x86_64; it offers auto, host, max and: 486 486-v1 Broadwell' \
	"$S" node create b1 --image tiny --cpu-model Skylake-Clent
check "no bad value made a node" test -z "$(nodes)"
# -cpu help is asked once per binary: kept under its path, size and mtime
cache="$SANDLAB_LAB/run/qemu-cpus-x86_64.cache"
qbin=$(command -v qemu-system-x86_64)
check "the answer is kept under the binary's identity" \
	grep -qx "$qbin $(stat -c %s "$qbin") $(stat -c %Y "$qbin")\.[0-9]*" "$cache"
{ head -n 1 "$cache"; echo Sandlab-Fake-CPU; } >"$T/cache" && cp "$T/cache" "$cache"
check "an unchanged QEMU is not asked again" "$S" node create f1 --image tiny --cpu-model Sandlab-Fake-CPU
{ echo "/usr/bin/qemu-system-x86_64 1 1.0"; echo Sandlab-Fake-CPU; } >"$cache"
expect_fail "a QEMU whose identity changed is asked again" 'cpu-model "Sandlab-Fake-CPU": not a model' \
	"$S" node create f2 --image tiny --cpu-model Sandlab-Fake-CPU
"$S" node rm f1 >/dev/null

# ---- image kinds
mkdir -p "$T/isodir" "$T/isodir2"
printf 'sandlab cdrom one\n' >"$T/isodir/one.txt"
printf 'sandlab cdrom two\n' >"$T/isodir2/two.txt"
xorriso -as mkisofs -quiet -V ONE -o "$T/one.iso" "$T/isodir" 2>/dev/null
xorriso -as mkisofs -quiet -V TWO -o "$T/two.iso" "$T/isodir2" 2>/dev/null
check "an ISO 9660 file is sniffed as kind iso" sh -c "'$S' image import '$T/one.iso' | grep -q '^imported one (iso, raw,'"
"$S" image import "$T/two.iso" --name two >/dev/null
if "$S" image ls | grep -Eq '^one +iso +raw ' && "$S" image ls | grep -Eq '^tiny +disk +qcow2 '; then
	ok "image ls shows the kind"
else
	not_ok "image ls shows the kind" "$("$S" image ls)"
fi
expect_fail "an ISO as a node's disk is refused" 'image one is an ISO 9660 file, not a disk: give it as --cdrom one' \
	"$S" node create b1 --image one
expect_fail "a disk image imported as an iso is refused" 'it is not an ISO 9660 file' \
	"$S" image import "$IMAGES/tiny.qcow2" --name t2 --kind iso
expect_fail "an ISO imported as a disk is refused" 'it is an ISO 9660 file, not disk; import it with --kind iso' \
	"$S" image import "$T/one.iso" --name o2 --kind disk
expect_fail "an unknown kind is refused" 'kind "floppy": one of disk, iso, kernel, initrd' \
	"$S" image import "$T/one.iso" --name o2 --kind floppy
check "no refused import left an image" sh -c "! '$S' image ls | grep -Eq '^(t2|o2) '"

# The linux guest's kernel and initramfs, from its FAT partition at 1 MiB.
qemu-img convert -O raw "$IMAGES/linux.qcow2" "$T/linux.raw"
MTOOLS_SKIP_CHECK=1 MTOOLSRC=/dev/null mcopy -n -i "$T/linux.raw@@1048576" ::/vmlinuz "$T/vmlinuz"
MTOOLS_SKIP_CHECK=1 MTOOLSRC=/dev/null mcopy -n -i "$T/linux.raw@@1048576" ::/initrd.gz "$T/initrd.gz"
rm -f "$T/linux.raw"
check "a bzImage is sniffed as kind kernel" sh -c "'$S' image import '$T/vmlinuz' --name vmlinuz | grep -q '(kernel, raw,'"
check "an initrd is imported with --kind initrd" sh -c "'$S' image import '$T/initrd.gz' --name initrd --kind initrd | grep -q '(initrd, raw,'"
expect_fail "a kernel as a CD-ROM is refused" 'image vmlinuz is of kind kernel, not iso' \
	"$S" node create b1 --image tiny --cdrom vmlinuz
expect_fail "a kernel as a disk is refused" 'image vmlinuz is a kernel, not a disk: give it as --kernel vmlinuz' \
	"$S" node create b1 --image vmlinuz

# ---- a firmware ROM of the node's own: SeaBIOS's bios-256k.bin as kind bios
ROM=/usr/share/seabios/bios-256k.bin
cp "$ROM" "$T/sea.rom"
check "a firmware ROM is imported with --kind bios" sh -c "'$S' image import '$T/sea.rom' --name sea --kind bios | grep -q '^imported sea (bios, raw,'"
check "the bios image holds the file's bytes" cmp "$ROM" "$SANDLAB_LAB/images/sea.bios"
expect_fail "a qcow2 disk imported as a bios is refused" 'it is a disk image \(qcow2\), not a BIOS ROM' \
	"$S" image import "$IMAGES/tiny.qcow2" --name b2 --kind bios
head -c 100000 "$ROM" >"$T/short.rom"
expect_fail "a ROM of no whole 64 KiB blocks is refused" 'a BIOS image is whole 64 KiB blocks .*100000 bytes' \
	"$S" image import "$T/short.rom" --name b3 --kind bios
truncate -s 65M "$T/huge.rom"
expect_fail "a ROM over 64 MiB is refused" 'a BIOS image is at most 64 MiB, and this is 68157440 bytes' \
	"$S" image import "$T/huge.rom" --name b4 --kind bios
rm -f "$T/huge.rom"
expect_fail "a kernel imported as a bios is refused" 'it is a kernel, not bios; import it with --kind kernel' \
	"$S" image import "$T/vmlinuz" --name b5 --kind bios
check "no refused ROM left an image" sh -c "! '$S' image ls | grep -Eq '^(b2|b3|b4|b5) '"
expect_fail "a disk image as --bios is refused" 'image tiny is of kind disk, not bios' \
	"$S" node create b1 --image tiny --bios tiny
expect_fail "a bios image as a node's disk is refused" 'image sea is a bios, not a disk: give it as --bios sea' \
	"$S" node create b1 --image sea
expect_fail "a bios image with UEFI is refused" 'a BIOS image \(--bios sea\) replaces SeaBIOS and cannot boot with --firmware uefi' \
	"$S" node create b1 --image tiny --firmware uefi --bios sea
check "no refused --bios made a node" test -z "$(nodes)"
"$S" node create bb --image tiny --ram 32 --bios sea >/dev/null
check "node cmd has -bios with the image's file" sh -c "'$S' node cmd bb | grep -qF -- '-bios $SANDLAB_LAB/images/sea.bios '"
check "node show has the bios" sh -c "'$S' node show bb | grep -qx 'bios:      sea'"
check "the tiny guest boots on the imported SeaBIOS to its banner" "$S" node start bb --wait-for 'tiny login: ' --timeout 60
pid=$(run_get bb qemu_pid)
if tr '\0' '\n' <"/proc/$pid/cmdline" | grep -A1 -qxF -- -bios && tr '\0' '\n' <"/proc/$pid/cmdline" | grep -A1 -xF -- -bios | tail -n 1 | grep -qxF "$SANDLAB_LAB/images/sea.bios"; then
	ok "the running QEMU was given the ROM as -bios"
else
	not_ok "the running QEMU was given the ROM as -bios" "$(tr '\0' ' ' <"/proc/$pid/cmdline")"
fi
expect_fail "a ROM a node uses cannot be removed" 'used by 1 node' "$S" image rm sea
"$S" node kill bb >/dev/null
expect_fail "UEFI on a node with a ROM is refused" 'cannot boot with --firmware uefi' "$S" node set bb --firmware uefi
check "the refused node set left the firmware" test "$(field bb firmware)" = bios

# ---- the tiny guest boots from each bus, on pc and on q35
for m in pc q35; do
	for bus in virtio ide sata scsi; do
		n=$m-$bus
		"$S" node create "$n" --image tiny --ram 32 --machine "$m" --disk-bus "$bus" >/dev/null
		cmd=$("$S" node cmd "$n")
		case $bus in
		virtio) want='-device virtio-blk-pci,drive=disk0,id=hd0,bootindex=1' ;;
		ide) want='-device ide-hd,drive=disk0,bus=ide.0' ;;
		sata) want='-device ahci,id=ahci0 -device ide-hd,drive=disk0,bus=ahci0.0,id=hd0,bootindex=1' ;;
		scsi) want='-device virtio-scsi-pci,id=scsi0 -device scsi-hd,drive=disk0,bus=scsi0.0,id=hd0,bootindex=1' ;;
		esac
		if text "$cmd" | grep -qF -- "-machine $m " && text "$cmd" | grep -qF -- "$want"; then
			ok "$n: node cmd has -machine $m and the $bus disk"
		else
			not_ok "$n: node cmd has -machine $m and the $bus disk" "$cmd"
		fi
		check "$n: the tiny guest boots from its $bus disk on $m" \
			"$S" node start "$n" --wait-for 'tiny login: ' --timeout 60
		"$S" node kill "$n" >/dev/null
		"$S" node rm "$n" >/dev/null
	done
done

# ---- a CD-ROM: changed while the node runs, recorded while it is stopped
"$S" node create cd1 --image tiny --ram 32 --cdrom one --boot disk,cdrom >/dev/null
cmd=$("$S" node cmd cd1)
if text "$cmd" | grep -qF -- "format=raw,if=none,id=cdrom0,media=cdrom,readonly=on -device ide-cd,id=cd0,drive=cdrom0,bus=ide.1,bootindex=2" &&
    text "$cmd" | grep -qF -- "id=hd0,bootindex=1"; then
	ok "node cmd has the ISO read-only in the CD-ROM drive, and the boot order"
else
	not_ok "node cmd has the ISO read-only in the CD-ROM drive, and the boot order" "$cmd"
fi
check "a node with a CD-ROM boots from its disk" "$S" node start cd1 --wait-for 'tiny login: ' --timeout 60
check "node cdrom on a running node changes the medium" sh -c "'$S' node cdrom cd1 two | grep -q 'cd1: the CD-ROM drive now holds two'"
check "the keeper asked QEMU for the new medium" grep -q "CD-ROM: changing the medium" "$SANDLAB_LAB/logs/$(node_id cd1).keeper.log"
check "node cdrom --eject on a running node ejects" sh -c "'$S' node cdrom cd1 --eject | grep -q 'ejected the CD-ROM of cd1'"
check "the eject is recorded" test "$(field cd1 cdrom)" = ""
check "a medium change is no pending restart" test "$("$S" node show cd1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machine_pending_restart"])')" = False
# QEMU's refusal reaches the user: a medium whose file went away.
mv "$SANDLAB_LAB/images/one.iso" "$T/one-moved.iso"
expect_fail "a medium QEMU cannot open is QEMU's refusal, named" 'cannot change the CD-ROM of cd1: QEMU refused the medium change: ' \
	"$S" node cdrom cd1 one
mv "$T/one-moved.iso" "$SANDLAB_LAB/images/one.iso"
expect_fail "node cdrom needs an image or --eject" 'give an image of kind iso, or --eject' "$S" node cdrom cd1
expect_fail "node cdrom refuses a disk image" 'image tiny is of kind disk, not iso' "$S" node cdrom cd1 tiny
# a machine change on a running node waits for a restart
check "a running node's bus can be changed" sh -c "'$S' node set cd1 --disk-bus ide | grep -q 'take effect when it restarts'"
check "node show says the machine waits for a restart" sh -c "'$S' node show cd1 | grep -q '^machine:   pc, disk bus ide.*(changed: takes effect when it restarts)'"
"$S" node kill cd1 >/dev/null
check "node cdrom on a stopped node is recorded" sh -c "'$S' node cdrom cd1 two | grep -q 'cd1 is stopped: it starts with two in its CD-ROM drive'"
check "node show has the recorded medium" sh -c "'$S' node show cd1 | grep -q '^cdrom:     two'"
check "the recorded medium is in the next argv" sh -c "'$S' node cmd cd1 | grep -qF '/images/two.iso,format=raw,if=none,id=cdrom0'"
expect_fail "an image in a CD-ROM drive cannot be removed" 'used by 1 node' "$S" image rm two
# a boot-once is for one start
"$S" node set cd1 --boot-once cdrom >/dev/null
check "the boot-once is in the argv: the CD-ROM first, then the order" sh -c \
	"'$S' node cmd cd1 | grep -q -- 'id=hd0,bootindex=2 .*ide-cd,id=cd0,drive=cdrom0,bus=ide.1,bootindex=1'"
check "the node starts with its boot-once" "$S" node start cd1
check "the start spent the boot-once" test "$(field cd1 boot-once)" = ""
"$S" node kill cd1 >/dev/null

# ---- a kernel boot of the linux guest's kernel and initrd; its CPU under TCG
"$S" node create kb --image tiny --ram 256 --kernel vmlinuz --initrd initrd \
	--append 'console=ttyS0,115200 quiet rdinit=/init cryptomgr.notests' >/dev/null
cmd=$("$S" node cmd kb)
if text "$cmd" | grep -qF -- "-kernel $SANDLAB_LAB/images/vmlinuz.kernel -initrd $SANDLAB_LAB/images/initrd.initrd -append 'console=ttyS0,115200 quiet rdinit=/init cryptomgr.notests'"; then
	ok "node cmd has -kernel, -initrd and -append"
else
	not_ok "node cmd has -kernel, -initrd and -append" "$cmd"
fi
check "the kernel and initrd images boot to the linux shell" "$S" node start kb --wait-for 'linux# ' --timeout 120
if [ "$(run_get kb accel)" = tcg ]; then
	check "node cmd shows -cpu max under TCG (auto)" sh -c "'$S' node cmd kb | grep -qF -- '-accel tcg -cpu max '"
	out=$("$S" expect kb --timeout 30 --sendline 'for f in sse4_2 popcnt; do grep -qw $f /proc/cpuinfo && printf "has-%s " $f; done; echo =cpu' \
		--expect 'has-sse4_2 has-popcnt =cpu' 2>&1) && ok "cpu auto under TCG: the guest's CPU has sse4_2 and popcnt (x86-64-v2)" ||
		not_ok "cpu auto under TCG: the guest's CPU has sse4_2 and popcnt (x86-64-v2)" "$out $("$S" console kb --log | tail -n 3)"
else
	ok "cpu auto under TCG # SKIP this node runs with $(run_get kb accel)"
fi
"$S" node kill kb >/dev/null

# ---- lab files carry every key
"$S" node create all --image tiny --ram 64 --disk-bus scsi --machine q35 --firmware uefi \
	--cpu-model Skylake-Client --arch i386 --vga cirrus --boot network,cdrom,disk --boot-once cdrom \
	--cdrom two --kernel vmlinuz --initrd initrd --append 'console=ttyS0 quiet' \
	--disk 64M,bus=sata --disk image:tiny,bus=scsi --nics 2 --nic-model e1000 >/dev/null
"$S" nic set all:eth0 --mac 52:54:00:10:10:01 >/dev/null
"$S" nic set all:eth1 --model vmxnet3 --mac 52:54:00:10:10:02 >/dev/null
"$S" lab export "$T/a.lab"
check "the lab file has every machine key" grep -qx 'node all image=tiny ram=64 cpus=1 accel=auto disk-bus=scsi machine=q35 firmware=uefi cpu-model=Skylake-Client arch=i386 vga=cirrus boot=network,cdrom,disk boot-once=cdrom cdrom=two kernel=vmlinuz initrd=initrd disk=64M,bus=sata disk=image:tiny,bus=scsi' "$T/a.lab"
check "the lab file has the command line" grep -qx 'append all console=ttyS0 quiet' "$T/a.lab"
check "the lab file has each NIC's model" sh -c "grep -qx 'nic all:eth0 model=e1000 mac=52:54:00:10:10:01 attach=none' '$T/a.lab' && grep -qx 'nic all:eth1 model=vmxnet3 mac=52:54:00:10:10:02 attach=none' '$T/a.lab'"
check "a node at the defaults writes no machine key" grep -qx 'node kb image=tiny ram=256 cpus=1 accel=auto kernel=vmlinuz initrd=initrd' "$T/a.lab"
check "the lab file has the bios" grep -qx 'node bb image=tiny ram=32 cpus=1 accel=auto bios=sea' "$T/a.lab"
(
	export SANDLAB_LAB="$T/lab2"
	"$S" image import "$IMAGES/tiny.qcow2" --name tiny >/dev/null 2>&1
	"$S" image import "$T/two.iso" --name two >/dev/null
	"$S" image import "$T/one.iso" --name one >/dev/null
	"$S" image import "$T/vmlinuz" --name vmlinuz >/dev/null
	"$S" image import "$T/initrd.gz" --name initrd --kind initrd >/dev/null
	"$S" image import "$T/sea.rom" --name sea --kind bios >/dev/null
	"$S" lab import "$T/a.lab" >/dev/null
	"$S" lab export "$T/b.lab"
)
check "export, import into an empty lab, export again: the same bytes" cmp "$T/a.lab" "$T/b.lab"
# what the import made, read back through node show and node cmd
all2=$(SANDLAB_LAB="$T/lab2" "$S" node show all --json)
if text "$all2" | python3 -c 'import json,sys
d = json.load(sys.stdin); m = d["machine"]
want = {"disk-bus": "scsi", "machine": "q35", "firmware": "uefi", "cpu-model": "Skylake-Client", "arch": "i386",
        "vga": "cirrus", "boot": "network,cdrom,disk", "boot-once": "cdrom", "cdrom": "two", "kernel": "vmlinuz",
        "initrd": "initrd", "append": "console=ttyS0 quiet"}
bad = {k: m.get(k) for k in want if m.get(k) != want[k]}
assert not bad, bad
assert [(x["bus"]) for x in d["disks"]] == ["sata", "scsi"], d["disks"]'; then
	ok "the imported node has every machine field and both disks"
else
	not_ok "the imported node has every machine field and both disks" "$all2"
fi
check "the imported node has the bios, given to QEMU" sh -c "SANDLAB_LAB='$T/lab2' '$S' node cmd bb | grep -qF -- '-bios $T/lab2/images/sea.bios '"
cmd2=$(SANDLAB_LAB="$T/lab2" "$S" node cmd all)
if text "$cmd2" | grep -qF -- "-device vmxnet3,id=nic1,netdev=net1,mac=52:54:00:10:10:02" &&
    text "$cmd2" | grep -qF -- "qemu-system-i386 " && text "$cmd2" | grep -qF -- "if=pflash,format=raw,unit=1,file="; then
	ok "the imported node's argv has the NIC model, the arch and its own NVRAM"
else
	not_ok "the imported node's argv has the NIC model, the arch and its own NVRAM" "$cmd2"
fi
sed 's/^node all \(.*\) vga=cirrus/node all \1 vga=qxl/' "$T/a.lab" >"$T/bad.lab"
expect_fail "a lab file's bad machine value names its line" 'line [0-9]+: --vga "qxl": one of std' \
	env SANDLAB_LAB="$T/lab3" "$S" lab import "$T/bad.lab"
sed 's/^append all .*/append all a  b/' "$T/a.lab" >"$T/bad.lab"
check "an append line's spacing is normalised by the word split" env SANDLAB_LAB="$T/lab4" sh -c \
	"'$S' image import '$IMAGES/tiny.qcow2' --name tiny >/dev/null 2>&1; '$S' image import '$T/two.iso' --name two >/dev/null; '$S' image import '$T/vmlinuz' --name vmlinuz >/dev/null; '$S' image import '$T/initrd.gz' --name initrd --kind initrd >/dev/null; '$S' image import '$T/sea.rom' --name sea --kind bios >/dev/null; '$S' lab import '$T/bad.lab' >/dev/null && '$S' node show all --json | grep -q '\"append\": \"a b\"'"
sed 's/^append all .*/append nobody console=ttyS0/' "$T/a.lab" >"$T/bad.lab"
expect_fail "an append line for no node is refused" 'line [0-9]+: no node nobody above this line' \
	env SANDLAB_LAB="$T/lab5" "$S" lab import "$T/bad.lab"

# ---- removal: the node's images are free again
"$S" node rm all cd1 kb bb >/dev/null
check "with its nodes gone an ISO can be removed" "$S" image rm two
check "with its node gone a ROM can be removed" "$S" image rm sea

done_testing
