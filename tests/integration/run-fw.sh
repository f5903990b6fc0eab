#!/usr/bin/env bash
# run-fw.sh: booting what users bring (issue 10) under real QEMU (TCG),
# one guest at a time: UEFI (OVMF) on q35 and on pc, with a node's own
# NVRAM file through create, clone, reset and rm; NIC models beyond virtio, bound by their
# drivers in the linux guest, which reaches its user-mode gateway; the
# linux ISO as a node's CD-ROM with --boot cdrom and a blank --disk 64M
# that the guest sees at its size and writes, and --boot-once cdrom
# (the ISO once, then the disk). Bad input: an unknown NIC model names
# what this QEMU offers; UEFI without OVMF's files names the package; a
# lab file carries firmware= and model=.
# Seven linux boots under TCG, one at a time: minutes on a loaded machine.
# tests/run timeout: 1800
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

S=$SANDLAB
# Longest waits (seconds): linux boots in 3-20 s, 60-90 s on a loaded
# 2-core machine, and OVMF adds its own start (70 s seen under load).
BOOT_WAIT=${FW_BOOT_WAIT:-240}
lab_image tiny
lab_image linux
lab_image uefi
"$S" image import "$IMAGES/linux.iso" --name linux-iso >/dev/null
nodes() { "$S" node ls --json | python3 -c 'import json,sys; print(" ".join(n["name"] for n in json.load(sys.stdin)))'; }
field() { "$S" node show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machine"][sys.argv[1]])' "$2"; }
overlay() { "$S" node show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["overlay"])'; }
vars_of() { local o; o=$(overlay "$1"); echo "${o%.qcow2}.vars.fd"; }
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

# ---- bad input: each refused, naming what is offered, nothing made
expect_fail "an unknown NIC model names what this QEMU offers" \
	'nic-model "e1000x": not a NIC model of qemu-system-x86_64; it offers e1000 .*e1000e .*rtl8139 .*vmxnet3' \
	"$S" node create b1 --image tiny --nic-model e1000x
expect_fail "a NIC model with an option riding along is refused" 'NIC model "e1000,romfile=/x": a QEMU network device name' \
	"$S" node create b1 --image tiny --nic-model e1000,romfile=/x
expect_fail "a device that is no NIC is refused" 'nic-model "virtio-blk-pci": not a NIC model' \
	"$S" node create b1 --image tiny --nic-model virtio-blk-pci
expect_fail "an unknown firmware names bios and uefi" 'firmware "coreboot": one of bios\|uefi' \
	"$S" node create b1 --image tiny --firmware coreboot
mkdir -p "$T/ovmf-none" "$T/ovmf-code"
expect_fail "UEFI without OVMF names the ovmf package" \
	"UEFI needs $T/ovmf-none/OVMF_CODE_4M.fd, which is missing: install Debian's ovmf package \(apt-get install ovmf\)" \
	env SANDLAB_OVMF_DIR="$T/ovmf-none" "$S" node create b1 --image tiny --firmware uefi
ln -s /usr/share/OVMF/OVMF_CODE_4M.fd "$T/ovmf-code/OVMF_CODE_4M.fd"
expect_fail "UEFI without the VARS template names it and the package" \
	"UEFI needs $T/ovmf-code/OVMF_VARS_4M.fd, which is missing: install Debian's ovmf package" \
	env SANDLAB_OVMF_DIR="$T/ovmf-code" "$S" node create b1 --image tiny --firmware uefi
check "no bad value made a node" test -z "$(nodes)"
check "no bad value left a file in overlays/" test -z "$(ls "$SANDLAB_LAB/overlays")"
# -device help is asked once per binary, as -cpu help is
cache="$SANDLAB_LAB/run/qemu-nics-x86_64.cache"
qbin=$(command -v qemu-system-x86_64)
check "the NIC models are kept under the binary's identity" \
	grep -qx "$qbin $(stat -c %s "$qbin") $(stat -c %Y "$qbin")\.[0-9]*" "$cache"
check "the kept NIC models are the PCI network devices" sh -c "grep -qx e1000e '$cache' && grep -qx rtl8139 '$cache' && ! grep -qx usb-net '$cache' && ! grep -qx rocker '$cache'"

# ---- UEFI: the uefi disk boots under OVMF on q35, with its own NVRAM
"$S" node create u1 --image uefi --ram 256 --firmware uefi --machine q35 >/dev/null
v1=$(vars_of u1)
check "a UEFI node gets its own NVRAM file, a copy of OVMF's template" cmp "$v1" "$OVMF_VARS"
check "the NVRAM file is the owner's alone (0600)" test "$(stat -c %a "$v1")" = 600
cmd=$("$S" node cmd u1)
if text "$cmd" | grep -qF -- "-machine q35 " &&
    text "$cmd" | grep -qF -- "-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd -drive if=pflash,format=raw,unit=1,file=$v1 "; then
	ok "node cmd has OVMF's code read-only and the node's NVRAM as pflash"
else
	not_ok "node cmd has OVMF's code read-only and the node's NVRAM as pflash" "$cmd"
fi
check "node show says firmware uefi" sh -c "'$S' node show u1 | grep -q '^machine:   q35, .*, firmware uefi'"
check "the UEFI node boots to the linux shell" "$S" node start u1 --wait-for 'linux# ' --timeout "$BOOT_WAIT"
out=$("$S" expect u1 --timeout 60 --sendline 'ls /sys/firmware/efi >/dev/null && echo efi-$((2+3))' --expect 'efi-5' 2>&1) &&
	ok "the guest was booted by EFI (/sys/firmware/efi)" || not_ok "the guest was booted by EFI (/sys/firmware/efi)" "$out"
"$S" node kill u1 >/dev/null
cp "$v1" "$T/u1-vars"
# a clone's NVRAM: a copy with --disk, fresh without; each its own file
"$S" node clone u1 u2 --disk >/dev/null
"$S" node clone u1 u3 >/dev/null
v2=$(vars_of u2) v3=$(vars_of u3)
check "clone --disk copies the NVRAM" cmp "$v2" "$v1"
check "the clone's NVRAM is a file of its own" test "$(stat -c %i "$v2")" != "$(stat -c %i "$v1")"
check "a clone without --disk gets a fresh NVRAM" cmp "$v3" "$OVMF_VARS"
printf 'changed by the test' | dd of="$v1" bs=1 seek=100 conv=notrunc status=none
check "a change to one node's NVRAM leaves its clone's as it was" cmp "$v2" "$T/u1-vars"
"$S" node reset u1 >/dev/null
v1b=$(vars_of u1)
check "node reset gives fresh NVRAM" cmp "$v1b" "$OVMF_VARS"
check "node reset removes the old NVRAM" test ! -e "$v1"
"$S" node rm u2 >/dev/null
check "node rm removes the node's NVRAM" test ! -e "$v2"
# made UEFI later: the NVRAM comes with the change; without OVMF, refused
"$S" node create b2 --image tiny >/dev/null
check "a BIOS node has no NVRAM file" test ! -e "$(vars_of b2)"
check "a BIOS node's argv has no pflash" sh -c "! '$S' node cmd b2 | grep -q pflash"
expect_fail "node set --firmware uefi without OVMF names the package" "install Debian's ovmf package" \
	env SANDLAB_OVMF_DIR="$T/ovmf-none" "$S" node set b2 --firmware uefi
check "the refused change left the node BIOS" test "$(field b2 firmware)" = bios
"$S" node set b2 --firmware uefi --machine pc >/dev/null
check "node set --firmware uefi makes the NVRAM" cmp "$(vars_of b2)" "$OVMF_VARS"
check "UEFI on pc: the argv has pflash and -machine pc" sh -c "'$S' node cmd b2 | grep -q -- '-machine pc .*if=pflash,format=raw,unit=1'"
expect_fail "a UEFI node whose OVMF went is not started, naming the package" "install Debian's ovmf package" \
	env SANDLAB_OVMF_DIR="$T/ovmf-none" "$S" node start b2
"$S" node rm b2 u3 >/dev/null
# UEFI on pc (i440fx): OVMF's 4M code (no SMM) boots there too
"$S" node create upc --image uefi --ram 256 --firmware uefi --machine pc >/dev/null
check "UEFI on pc: the uefi disk boots to the linux shell" "$S" node start upc --wait-for 'linux# ' --timeout "$BOOT_WAIT"
out=$("$S" expect upc --timeout 60 --sendline 'ls /sys/firmware/efi >/dev/null && echo efi-$((3+4))' --expect 'efi-7' 2>&1) &&
	ok "UEFI on pc: the guest was booted by EFI (/sys/firmware/efi)" ||
	not_ok "UEFI on pc: the guest was booted by EFI (/sys/firmware/efi)" "$out $("$S" console upc --log | tail -n 3)"
"$S" node kill upc >/dev/null
"$S" node rm upc >/dev/null

# ---- NIC models: the linux guest binds its driver and reaches its gateway
"$S" node create l1 --image linux --ram 256 --nic-model e1000e >/dev/null
"$S" nic set l1:eth0 --attach user >/dev/null
check "node cmd has the e1000e NIC" sh -c "'$S' node cmd l1 | grep -q -- '-device e1000e,id=nic0,netdev=net0,mac='"
check "nic ls shows the model" sh -c "'$S' nic ls l1 | grep -q '^eth0 *e1000e '"
expect_fail "nic set refuses an unknown model, naming what is offered" 'model "rtl8193": not a NIC model of qemu-system-x86_64; it offers' \
	"$S" nic set l1:eth0 --model rtl8193
# driver: "nic=NAME=" is not in the echoed command line, only in its output
drv_probe='printf "nic=%s=\n" $(basename $(readlink /sys/class/net/eth0/device/driver))'
# the link may come up a while after "ip link set up" (e1000e once lost
# its only ping): up to ten tries of 3 s each, done at the first answer
gw_probe='ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0; for i in 1 2 3 4 5 6 7 8 9 10; do if ping -c 1 -W 3 10.0.2.2 >/dev/null; then echo gw-$((6*7)); break; fi; done'
for pair in e1000e:e1000e rtl8139:8139cp; do
	model=${pair%%:*} drv=${pair#*:}
	[ "$model" = e1000e ] || "$S" nic set l1:eth0 --model "$model" >/dev/null
	if "$S" node start l1 --wait-for 'linux# ' --timeout "$BOOT_WAIT" >/dev/null 2>&1; then
		out=$("$S" expect l1 --timeout 60 --sendline "$drv_probe" --expect "nic=$drv=" 2>&1) &&
			ok "$model: the guest binds $drv to eth0" || not_ok "$model: the guest binds $drv to eth0" "$out"
		out=$("$S" expect l1 --timeout 60 --sendline "$gw_probe" --expect 'gw-42' 2>&1) &&
			ok "$model: the guest pings its user-mode gateway 10.0.2.2" ||
			not_ok "$model: the guest pings its user-mode gateway 10.0.2.2" "$out $("$S" console l1 --log | tail -n 3)"
	else
		not_ok "$model: the linux guest boots" "$("$S" console l1 --log | tail -n 3)"
	fi
	"$S" node kill l1 >/dev/null
done
"$S" node rm l1 >/dev/null

# ---- the linux ISO: --boot cdrom boots it, with a blank extra disk the
# installer-like guest sees at its size and writes; --boot-once cdrom once only
"$S" node create iso --image tiny --ram 256 --cdrom linux-iso --boot cdrom,disk --disk 64M >/dev/null
check "node cmd has the ISO in the CD-ROM drive and boots it first" sh -c \
	"'$S' node cmd iso | grep -q -- 'id=hd0,bootindex=2 .*linux-iso.iso,format=raw,if=none,id=cdrom0,media=cdrom,readonly=on -device ide-cd,id=cd0,drive=cdrom0,bus=ide.1,bootindex=1'"
check "the linux ISO boots from the CD-ROM to the shell" "$S" node start iso --wait-for 'linux# ' --timeout "$BOOT_WAIT"
# the tiny boot disk is vda, the blank one vdb
out=$("$S" expect iso --timeout 60 --sendline 'echo vdb=$(cat /sys/block/vdb/size)' --expect 'vdb=131072' 2>&1) &&
	ok "booted from the CD-ROM, the guest sees the blank disk at 64 MiB (131072 sectors)" ||
	not_ok "booted from the CD-ROM, the guest sees the blank disk at 64 MiB (131072 sectors)" "$out"
# fsync: a flush reaches QEMU, which then writes the qcow2 metadata too
# (a bare sync leaves it in QEMU's cache, lost to the kill below)
out=$("$S" expect iso --timeout 60 --sendline 'printf cd-wrote-disk | dd of=/dev/vdb conv=fsync 2>/dev/null && echo wrote-$((1+1))' --expect 'wrote-2' 2>&1) &&
	ok "the guest writes to the blank disk" || not_ok "the guest writes to the blank disk" "$out"
"$S" node kill iso >/dev/null
iso_disk=$("$S" node show iso --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["disks"][0]["file"])')
check "the disk file holds what the guest wrote" sh -c \
	"qemu-io -f qcow2 -r -c 'read -v 0 16' '$iso_disk' | grep -q '63 64 2d 77 72 6f 74 65 2d 64 69 73 6b'"
"$S" node rm iso >/dev/null
"$S" node create once --image tiny --ram 256 --cdrom linux-iso --boot-once cdrom >/dev/null
check "--boot-once cdrom boots the ISO" "$S" node start once --wait-for 'linux# ' --timeout "$BOOT_WAIT"
"$S" node kill once >/dev/null
check "the boot-once was spent" test "$(field once boot-once)" = ""
check "the next start boots the disk" "$S" node start once --wait-for 'tiny login: ' --timeout "$BOOT_WAIT"
"$S" node kill once >/dev/null
"$S" node rm once >/dev/null

# ---- lab files carry the firmware and the NIC models
"$S" node create lf --image tiny --firmware uefi --machine q35 --nics 2 --nic-model vmxnet3 >/dev/null
"$S" nic set lf:eth1 --model rtl8139 >/dev/null
"$S" lab export "$T/a.lab"
check "the lab file has firmware=uefi" grep -qx 'node lf image=tiny ram=256 cpus=1 accel=auto machine=q35 firmware=uefi' "$T/a.lab"
check "the lab file has each NIC's model" sh -c "grep -q '^nic lf:eth0 model=vmxnet3 ' '$T/a.lab' && grep -q '^nic lf:eth1 model=rtl8139 ' '$T/a.lab'"
(
	export SANDLAB_LAB="$T/lab2"
	"$S" image import "$IMAGES/tiny.qcow2" --name tiny >/dev/null 2>&1
	"$S" image import "$IMAGES/uefi.qcow2" --name uefi >/dev/null 2>&1
	"$S" image import "$IMAGES/linux.qcow2" --name linux >/dev/null 2>&1
	"$S" image import "$IMAGES/linux.iso" --name linux-iso >/dev/null 2>&1
	"$S" lab import "$T/a.lab" >/dev/null
	"$S" lab export "$T/b.lab"
)
check "export, import into an empty lab, export again: the same bytes" cmp "$T/a.lab" "$T/b.lab"
o2=$(SANDLAB_LAB="$T/lab2" "$S" node show lf --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["overlay"])')
check "an imported UEFI node has its own NVRAM" cmp "${o2%.qcow2}.vars.fd" "$OVMF_VARS"
sed 's/ model=rtl8139 / model=rtl,8139 /' "$T/a.lab" >"$T/bad.lab"
expect_fail "a lab file's bad NIC model names its line" 'line [0-9]+: .*NIC model "rtl,8139"' \
	env SANDLAB_LAB="$T/lab3" "$S" lab import "$T/bad.lab"
"$S" node rm lf >/dev/null

done_testing
