#!/usr/bin/env bash
# Boot figures of the linux test guest's three media, with bare QEMU under
# TCG (no sandlab): wall time from the start of qemu-system-x86_64 to
# "linux# " on ttyS0, for linux.qcow2 (syslinux, BIOS), linux.iso
# (isolinux, BIOS, CD-ROM) and uefi.qcow2 (OVMF, systemd-boot, q35).
# BENCH_OLD_LINUX=FILE adds another linux disk image (say, an older
# recipe's) to compare with. One guest at a time. In ms.
source "$(dirname "$0")/../lib.sh"

IMAGES=$TOP/images
"$IMAGES/build" linux linux-iso uefi >/dev/null
ms() { date +%s%N | cut -c1-13; }

# boot_ms LABEL QEMU-ARGS...: boots, prints LABEL and the time to the prompt.
boot_ms() {
	local label=$1 log=$T/boot.log a b pid i
	shift
	: >"$log"
	a=$(ms)
	qemu-system-x86_64 -accel tcg -m 256 -nodefaults -no-user-config -display none \
		-monitor none -serial "file:$log" "$@" >/dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 3000; i++)); do
		grep -aqF 'linux# ' "$log" && break
		sleep 0.1
	done
	b=$(ms)
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if grep -aqF 'linux# ' "$log"; then
		printf '  %-34s %6d ms\n' "$label" $((b - a))
	else
		printf '  %-34s  no prompt in 300 s\n' "$label"
	fi
}

boot_ms "linux.qcow2 (BIOS, virtio disk)" -drive "file=$IMAGES/linux.qcow2,format=qcow2,if=virtio,snapshot=on"
if [ -n "${BENCH_OLD_LINUX:-}" ]; then
	boot_ms "BENCH_OLD_LINUX (BIOS, virtio disk)" -drive "file=$BENCH_OLD_LINUX,format=qcow2,if=virtio,snapshot=on"
fi
boot_ms "linux.iso (BIOS, IDE CD-ROM)" -drive "file=$IMAGES/linux.iso,format=raw,if=ide,media=cdrom,readonly=on" -boot d
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$T/vars.fd"
boot_ms "uefi.qcow2 (OVMF, q35, virtio disk)" -machine q35 \
	-drive "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd" \
	-drive "if=pflash,format=raw,unit=1,file=$T/vars.fd" \
	-drive "file=$IMAGES/uefi.qcow2,format=qcow2,if=virtio,snapshot=on"
