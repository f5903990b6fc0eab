#!/usr/bin/env bash
# tests/tui/machine.sh: the details pane shows a node's machine when it
# is not the default one (a virtio disk on pc, cpu auto, std VGA), field
# by field, and its extra disks one line each; a node with the default
# machine and no extra disk has no such rows.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
"$SANDLAB" node create a1 --image tiny --ram 32 --machine q35 --disk-bus sata --vga none \
	--disk 64M --disk image:tiny,bus=scsi >/dev/null
"$SANDLAB" node create b1 --image tiny --ram 32 >/dev/null

tui_start 120 40
if tui_settle "hardware  disk-bus sata" 20; then
	ok "the details pane shows a node's machine"
else
	not_ok "the details pane shows a node's machine" "$SCREEN"
fi
if text "$SCREEN" | grep -qE '│ hardware  disk-bus sata +│' && text "$SCREEN" | grep -qE '│ {11}machine q35 +│' &&
	text "$SCREEN" | grep -qE '│ {11}vga none +│'; then
	ok "each field that is not at its default, one a row, by its option's name"
else
	not_ok "each field that is not at its default, one a row, by its option's name" "$SCREEN"
fi
if text "$SCREEN" | grep -qF "disk 1    64M" && text "$SCREEN" | grep -qF "disk 2    image:tiny,bus=scsi"; then
	ok "each extra disk has a line, by its number"
else
	not_ok "each extra disk has a line, by its number" "$SCREEN"
fi
keys Down
if tui_settle "node      b1" 20 && ! text "$SCREEN" | grep -qF "hardware" && ! text "$SCREEN" | grep -qF "disk 1"; then
	ok "a node with the default machine and no extra disk has no hardware or disk row"
else
	not_ok "a node with the default machine and no extra disk has no hardware or disk row" "$SCREEN"
fi
tui_quit
done_testing
