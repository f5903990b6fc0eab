#!/bin/bash
# tests/integration/guests.sh: boots the test guest images with plain QEMU
# (TCG, no sandlab involved) and checks that they behave as the other tests
# expect:
#   tiny  - prints "tiny login: " on COM1 and echoes bytes back unchanged
#           (ESC sequences, NUL, 0x80-0xff, UTF-8), CR as CR LF;
#   linux - boots from its own disk to "linux# " on ttyS0, runs commands,
#           and has eth0 (virtio-net on QEMU user networking), and a NIC
#           of each model sandlab claims, each bound by its driver;
#   flood - after the banner, streams well-formed numbered lines;
#   linux.iso  - boots from the CD-ROM (isolinux) to the same shell;
#   uefi.qcow2 - boots under OVMF (systemd-boot, the kernel's EFI stub) to
#           the same shell, writing only its own copy of the VARS file.
# Images come from images/build (a no-op when they are up to date).
# The serial ports are QEMU "pipe" chardevs: FIFOs in $T, so no client
# program is needed. tiny and linux boot at once; usually done in 5-15 s.
. "$(dirname "$0")/../lib.sh"

# Longest waits (seconds); a 2-core machine boots linux in 3-20 s, but
# took 60-90 s (and 70 s under OVMF) at a load average of 16.
TINY_WAIT=${GUESTS_TINY_WAIT:-15}
LINUX_WAIT=${GUESTS_LINUX_WAIT:-180}
UEFI_WAIT=${GUESTS_UEFI_WAIT:-150}
CMD_WAIT=${GUESTS_CMD_WAIT:-10}
IMAGES=${TOP:?}/images

# boot NAME DISK-IF [QEMU-ARGS...]: start NAME.qcow2 (read-only: snapshot)
# with COM1 on the FIFOs $T/NAME.in (we write) and $T/NAME.out (copied to
# $T/NAME.log); DISK-IF "" gives no disk (QEMU-ARGS give the medium). Sets
# SEND_FD (open for writing) and QEMU_PID. Everything started here is
# killed at exit.
boot() {
	local name=$1 disk_if=$2; shift 2
	local fifo=${T:?}/$name drive=()
	[ -z "$disk_if" ] || drive=(-drive "file=$IMAGES/$name.qcow2,format=qcow2,if=$disk_if,snapshot=on")
	mkfifo "$fifo.in" "$fifo.out"
	: >"$fifo.log"
	# Opening a FIFO read-write never blocks, so nothing here can hang if
	# QEMU fails to start.
	cat <>"$fifo.out" >"$fifo.log" &
	at_exit "kill $!"
	qemu-system-x86_64 -accel tcg -m 128 -nodefaults -no-user-config \
		-display none -monitor none \
		"${drive[@]}" -serial "pipe:$fifo" "$@" >"$fifo.qemu-log" 2>&1 &
	QEMU_PID=$!
	at_exit "kill $QEMU_PID"
	exec {SEND_FD}<>"$fifo.in"
}

# seen NAME TEXT: the console log of NAME contains TEXT.
seen() { grep -aqF -- "$2" "$T/$1.log"; }
# line_seen NAME LINE: the log has LINE as a whole CR LF terminated line.
line_seen() { grep -aqxF -- "$2"$'\r' "$T/$1.log"; }
# tail_is NAME FILE: the log ends with exactly the bytes of FILE.
tail_is() { cmp -s <(tail -c "$(stat -c %s "$2")" "$T/$1.log") "$2"; }
# head_is NAME FILE: the log starts with exactly the bytes of FILE.
head_is() { cmp -s <(head -c "$(stat -c %s "$2")" "$T/$1.log") "$2"; }
# why NAME: the last bytes of the log, made printable, for failure reports.
why() { printf 'log ends: %s' "$(tail -c 120 "$T/$1.log" | od -An -c | tr -s ' \n' ' ')"; }

# The NIC models sandlab offers beyond virtio, and the driver that binds
# each in the linux guest (QEMU's rtl8139 is a C+ chip: 8139cp takes it).
NIC_MODELS="e1000 e1000e rtl8139 vmxnet3 pcnet i82559er ne2k_pci"
NIC_DRIVERS="8139cp e100 e1000 e1000e ne2k-pci pcnet32 virtio_net vmxnet3"

run_tests() {
	local nics=() m
	for m in $NIC_MODELS; do nics+=(-nic "user,model=$m"); done
	boot linux virtio -netdev user,id=n0 -device virtio-net-pci,netdev=n0 "${nics[@]}"
	local linux_fd=$SEND_FD linux_pid=$QEMU_PID
	boot tiny ide
	local tiny_fd=$SEND_FD tiny_pid=$QEMU_PID

	# ---- tiny
	if wait_for "$TINY_WAIT" seen tiny 'tiny login: '; then
		ok "tiny prints its banner"
		# Bytes a terminal may send: text, ESC [ A (up arrow), CR, NUL,
		# DEL, 0x80, 0xff, UTF-8 "é" and "€". All come back as sent, CR as
		# CR LF.
		printf 'ab\033[A\r\000\177\200\377\303\251\342\202\254z\r' >"$T/sent"
		printf 'ab\033[A\r\n\000\177\200\377\303\251\342\202\254z\r\n' >"$T/expect"
		cat "$T/sent" >&"$tiny_fd"
		if wait_for "$CMD_WAIT" tail_is tiny "$T/expect"; then
			ok "tiny echoes bytes, CR as CR LF"
		else
			not_ok "tiny echoes bytes, CR as CR LF" "$(why tiny)"
		fi
	else
		not_ok "tiny prints its banner" "$(why tiny) $(tail -n 2 "$T/tiny.qemu-log")"
		not_ok "tiny echoes bytes, CR as CR LF" "no banner"
	fi

	# ---- linux
	if wait_for "$LINUX_WAIT" seen linux 'linux# '; then
		ok "linux reaches the linux# prompt"
		# The shell echoes the command line too, so each check looks for
		# output that differs from what was typed.
		printf 'echo $((6*7))\r' >&"$linux_fd"
		if wait_for "$CMD_WAIT" line_seen linux 42; then
			ok "linux runs echo \$((6*7))"
		else
			not_ok "linux runs echo \$((6*7))" "$(why linux)"
		fi
		printf 'ip link show eth0 >/dev/null && echo eth0-$((1+1))\r' >&"$linux_fd"
		if wait_for "$CMD_WAIT" line_seen linux eth0-2; then
			ok "linux has eth0"
		else
			not_ok "linux has eth0" "$(why linux)"
		fi
		# One line: the drivers bound to the NICs, sorted, between marks
		# the command line itself does not contain.
		printf 'echo "drv:$(for d in /sys/class/net/eth*/device/driver; do basename $(readlink $d); done | sort | tr "\\n" " ")" | tr d D\r' >&"$linux_fd"
		if wait_for "$CMD_WAIT" line_seen linux "Drv:$NIC_DRIVERS "; then
			ok "linux binds a driver to each NIC model ($NIC_MODELS, virtio)"
		else
			not_ok "linux binds a driver to each NIC model ($NIC_MODELS, virtio)" "$(why linux)"
		fi
	else
		not_ok "linux reaches the linux# prompt" "$(why linux) $(tail -n 2 "$T/linux.qemu-log")"
	fi

	# ---- flood (last, alone: it keeps a host core busy while it runs)
	boot flood ide
	local pat=" ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	local i
	if wait_for "$CMD_WAIT" line_seen flood "flood 00000200$pat"; then
		kill "$QEMU_PID"
		{
			printf 'tiny login: '
			for ((i = 0; i < 200; i++)); do printf 'flood %08d%s\r\n' "$i" "$pat"; done
		} >"$T/flood.expect"
		if head_is flood "$T/flood.expect"; then
			ok "flood streams numbered lines"
		else
			not_ok "flood streams numbered lines" "its first 200 lines are not as expected"
		fi
	else
		not_ok "flood streams numbered lines" "$(why flood)"
	fi
	# The rest boot one at a time, each alone on the host's cores.
	kill "$QEMU_PID" "$linux_pid" "$tiny_pid" 2>/dev/null || true

	# ---- linux.iso: the CD-ROM alone, booted by isolinux
	boot linux-iso "" -drive "file=$IMAGES/linux.iso,format=raw,if=ide,media=cdrom,readonly=on" -boot d
	local iso_fd=$SEND_FD
	if wait_for "$LINUX_WAIT" seen linux-iso 'linux# '; then
		printf 'echo cd-$((3+4))\r' >&"$iso_fd"
		if wait_for "$CMD_WAIT" line_seen linux-iso cd-7; then
			ok "linux.iso boots from the CD-ROM to linux#"
		else
			not_ok "linux.iso boots from the CD-ROM to linux#" "$(why linux-iso)"
		fi
	else
		not_ok "linux.iso boots from the CD-ROM to linux#" "$(why linux-iso) $(tail -n 2 "$T/linux-iso.qemu-log")"
	fi
	kill "$QEMU_PID" 2>/dev/null || true

	# ---- uefi.qcow2 under OVMF: the code read-only, the VARS a copy
	local code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
	if [ ! -f "$code" ] || [ ! -f "$vars" ]; then
		not_ok "uefi.qcow2 boots under OVMF to linux#" "$code or $vars missing (install ovmf)"
		return
	fi
	cp -- "$vars" "$T/uefi-vars.fd"
	boot uefi virtio -machine q35 -m 256 \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code" \
		-drive "if=pflash,format=raw,unit=1,file=$T/uefi-vars.fd"
	local uefi_fd=$SEND_FD
	if wait_for "$UEFI_WAIT" seen uefi 'linux# '; then
		printf 'ls /sys/firmware/efi >/dev/null && echo efi-$((2+3))\r' >&"$uefi_fd"
		if wait_for "$CMD_WAIT" line_seen uefi efi-5; then
			ok "uefi.qcow2 boots under OVMF to linux# (booted by EFI)"
		else
			not_ok "uefi.qcow2 boots under OVMF to linux# (booted by EFI)" "$(why uefi)"
		fi
	else
		not_ok "uefi.qcow2 boots under OVMF to linux# (booted by EFI)" "$(why uefi) $(tail -n 2 "$T/uefi.qemu-log")"
	fi
	kill "$QEMU_PID" 2>/dev/null || true
}

if ! command -v qemu-system-x86_64 >/dev/null; then
	not_ok "qemu-system-x86_64 present" "not installed (see images/DEPS)"
elif ! out=$("$IMAGES/build" tiny flood linux linux-iso uefi 2>&1); then
	not_ok "images/build tiny flood linux linux-iso uefi" "$(text "$out" | tail -n 3 | tr '\n' ' ')"
else
	run_tests
fi

done_testing
