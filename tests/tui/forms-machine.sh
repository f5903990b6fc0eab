#!/usr/bin/env bash
# tests/tui/forms-machine.sh: the machine's page of the create and edit
# forms (no guest runs): choices cycle with Right, the CD-ROM picks among
# the images of kind iso, a bad CPU model is said in the form (whole, in
# the form's words) and Enter then saves nothing, nor with a model this
# QEMU lacks; the node made has the
# values picked (node show --json); the edit form opens on what the node
# has, refuses a bad value at Enter, and saves a good one. The page at
# 80x24 and 200x50 against goldens; the details pane shows the machine one
# field a row.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
mkdir "$T/isodir"
printf 'sandlab forms\n' >"$T/isodir/readme.txt"
xorriso -as mkisofs -quiet -V INST -o "$T/inst.iso" "$T/isodir" 2>/dev/null
"$SANDLAB" image import "$T/inst.iso" --name inst >/dev/null
"$SANDLAB" node create t1 --image tiny --ram 32 --nics 0 >/dev/null

# hw NODE FIELD: a machine field of node show --json.
hw() {
	local json
	json=$("$SANDLAB" node show "$1" --json) || return 1
	text "$json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["machine"][sys.argv[1]])' "$2"
}
NOCPU_MSG='CPU model "nosuchcpu": qemu-system-x86_64 has no such model; auto, host, max or one that qemu-system-x86_64 -cpu help lists'
CPU_MSG='CPU model "bad,model": auto, host, max or a model name that qemu-system-x86_64 -cpu help lists'

tui_start 80 24
tui_settle "t1" >/dev/null || true
keys c
tui_settle "Create a node: Node (1/3)" >/dev/null || true
# The image a node grows on is a disk: Right on the Image field finds no
# other (the ISO is for the CD-ROM).
keys Up Right
if tui_settle "< tiny >" && ! text "$SCREEN" | grep -qF "< inst >"; then
	ok "the create form's image is a disk image, never an ISO"
else
	not_ok "the create form's image is a disk image, never an ISO" "$SCREEN"
fi
keys Down
keys -l "m1"
keys PageDown
if tui_settle "Create a node: Machine (2/3)" && text "$SCREEN" | grep -qF "< virtio >" &&
	text "$SCREEN" | grep -qF "CD-ROM" && text "$SCREEN" | grep -qF "PgDn Disks"; then
	ok "PgDn turns to the machine's page"
else
	not_ok "PgDn turns to the machine's page" "$SCREEN"
fi
golden create-machine-80x24
# Disk bus: virtio -> ide -> sata; Machine: pc -> q35.
keys Right Right Down Right
if tui_settle "< q35 >" && text "$SCREEN" | grep -qF "< sata >"; then
	ok "a choice cycles its listed values"
else
	not_ok "a choice cycles its listed values" "$SCREEN"
fi
# Past Firmware to the CPU model.
keys Down Down
keys -l "bad,model"
if tui_settle "bad,model" && tui_whole "$CPU_MSG" && ! text "$SCREEN" | grep -qF -- "--cpu-model"; then
	ok "a bad CPU model is said while typing, whole and in the form's words"
else
	not_ok "a bad CPU model is said while typing, whole and in the form's words" "$SCREEN"
fi
keys Enter
tui_settle "$(printf '%s' "$CPU_MSG" | cut -c1-20)" >/dev/null || true
if ! "$SANDLAB" node show m1 >/dev/null 2>&1 && text "$SCREEN" | grep -qF "Create a node: Machine"; then
	ok "Enter with a bad CPU model creates nothing and keeps the form"
else
	not_ok "Enter with a bad CPU model creates nothing and keeps the form" "$("$SANDLAB" node ls 2>&1); $SCREEN"
fi
# A well-formed name this QEMU does not have: refused at Enter, as the CLI
# refuses it, in the form's words.
keys C-u
keys -l "nosuchcpu"
keys Enter
if tui_settle "has no such model" 60 && tui_whole "$NOCPU_MSG" && ! "$SANDLAB" node show m1 >/dev/null 2>&1; then
	ok "Enter with a CPU model this QEMU lacks creates nothing and says so"
else
	not_ok "Enter with a CPU model this QEMU lacks creates nothing and says so" "$SCREEN"
fi
keys C-u
keys -l "max"
# Arch, VGA, Boot order, Boot once, then the CD-ROM: none -> inst.
keys Down Down Down Down Down Right
if tui_settle "< inst >" && ! text "$SCREEN" | grep -qF "bad,model"; then
	ok "the CD-ROM picks an image of kind iso"
else
	not_ok "the CD-ROM picks an image of kind iso" "$SCREEN"
fi
keys Enter
if tui_settle "created node m1" && [ "$(hw m1 disk-bus)" = sata ] && [ "$(hw m1 machine)" = q35 ] &&
	[ "$(hw m1 cpu-model)" = max ] && [ "$(hw m1 cdrom)" = inst ] && [ "$(hw m1 vga)" = std ]; then
	ok "the node is created with the machine picked in the form"
else
	not_ok "the node is created with the machine picked in the form" \
		"$("$SANDLAB" node show m1 --json 2>&1); $SCREEN"
fi

tui_start 200 50
# m1 comes first by name, and the dashboard left it selected.
tui_settle "m1" >/dev/null || true
if tui_settle "cpu-model max" && tui_whole "hardware disk-bus sata machine q35 cpu-model max cdrom inst"; then
	ok "the details pane shows the machine, one field a row"
else
	not_ok "the details pane shows the machine, one field a row" "$SCREEN"
fi
keys e
keys PageDown
if tui_settle "Edit the node: Machine (2/3)" && text "$SCREEN" | grep -qF "< sata >" &&
	text "$SCREEN" | grep -qF "< q35 >" && text "$SCREEN" | grep -qF "< inst >"; then
	ok "the edit form opens on the node's machine"
else
	not_ok "the edit form opens on the node's machine" "$SCREEN"
fi
golden edit-machine-200x50
# Append, the machine's last field: Up from the disks' page's first row.
# A kernel command line with no kernel: each field is fine alone, Enter
# checks them together and saves nothing.
keys PageDown
keys Up
keys -l "console=ttyS0"
keys Enter
if tui_settle "needs a kernel" &&
	tui_whole "a kernel command line (Append) needs a kernel (pick one under Kernel)" &&
	[ "$(hw m1 append)" = "" ]; then
	ok "fields checked together at Enter: nothing saved, said in the form's words"
else
	not_ok "fields checked together at Enter: nothing saved, said in the form's words" \
		"$(hw m1 append); $SCREEN"
fi
keys C-u
# Up to the boot order (BIOS, Initrd, Kernel, CD-ROM, Boot once, Boot order):
# a device twice is said at once.
keys Up Up Up Up Up Up
keys -l "disk,disk"
if tui_settle "disk,disk" &&
	tui_whole 'Boot order "disk,disk": an order of disk, cdrom and network, each at most once, comma-separated (e.g. cdrom,disk)'; then
	ok "a bad boot order is said while typing"
else
	not_ok "a bad boot order is said while typing" "$SCREEN"
fi
keys C-u
# Down to the CD-ROM: inst -> none.
keys Down Down Right
keys Enter
if tui_settle "saved node m1" && [ "$(hw m1 cdrom)" = "" ] && [ "$(hw m1 machine)" = q35 ]; then
	ok "the edit saves the machine changed"
else
	not_ok "the edit saves the machine changed" "$("$SANDLAB" node show m1 --json 2>&1); $SCREEN"
fi

done_testing
