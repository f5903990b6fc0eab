#!/usr/bin/env bash
# tests/tui/forms-disks.sh: the create form's Disks page and Template
# field, the edit form's disks, and where the focus goes after a create
# (no guest runs), at 80x24 and 200x50. A disk typed in the form is in
# node show --json with the size and bus typed; a bad size is said in the
# form and creates nothing; a bus past its limit (three IDE disks) is
# refused at Enter in the form's words; the NIC model of every NIC is
# typed in the create form and changed in the edit form, a bad one
# refused in the form's words with nothing made; a node created
# from the images pane is selected in the node list with the focus there,
# so the next key acts on it; a template picked gives the node its RAM
# and NIC model, a field the user changed wins; the details pane shows
# the template and its usage text, sanitised; the edit form removes a
# disk by clearing its row.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
"$SANDLAB" node create t1 --image tiny --ram 32 --nics 0 >/dev/null
"$SANDLAB" template create small --image tiny --ram 48 --nics 2 --nic-model e1000 \
	--usage "$(printf 'login: root, no password\nthen type help')" >/dev/null
# An escape sequence in the usage text, as a lab.db written by another
# program could hold (template create refuses one): the pane defangs it.
python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE templates SET usage = ?", ("login: root, no password\nthen type \x1b[31mhelp",))
c.commit()' "$SANDLAB_LAB/lab.db"

# node_json NODE EXPR: EXPR (Python, over the document d) of node show --json.
node_json() {
	local json
	json=$("$SANDLAB" node show "$1" --json) || return 1
	text "$json" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"
}
BUS_MSG='IDE has four units: the boot disk'\''s, the CD-ROM'\''s and 2 extra disks (this node would have 3; put the others on virtio, sata or scsi)'
SIZE_MSG='a disk of size 0 holds nothing; give at least 1M'

tui_start 80 24
tui_settle "t1" >/dev/null || true
# From the images pane: Enter on the image opens the form.
keys Left
tui_settle "create a node from" 5 >/dev/null || true
keys Enter
tui_settle "Create a node: Node (1/3)" >/dev/null || true
keys -l "d1"
keys PageDown PageDown
if tui_settle "Create a node: Disks (3/3)" && text "$SCREEN" | grep -qF "Disk 8"; then
	ok "PgDn twice turns to the disks' page"
else
	not_ok "PgDn twice turns to the disks' page" "$SCREEN"
fi
golden create-disks-80x24
keys -l "64M,bus=sata"
keys Down
keys -l "0M"
if tui_settle "give at least" && tui_whole "$SIZE_MSG"; then
	ok "a bad size is said in the form while typing"
else
	not_ok "a bad size is said in the form while typing" "$SCREEN"
fi
keys Enter
tui_settle "$SIZE_MSG" >/dev/null || true
if ! "$SANDLAB" node show d1 >/dev/null 2>&1 && text "$SCREEN" | grep -qF "Create a node: Disks"; then
	ok "Enter with a bad size creates nothing and keeps the form"
else
	not_ok "Enter with a bad size creates nothing and keeps the form" "$SCREEN"
fi
keys C-u
# Three IDE disks: IDE has room for two beside the boot disk and the CD-ROM.
keys -l "1M,bus=ide"
keys Down
keys -l "1M,bus=ide"
keys Down
keys -l "1M,bus=ide"
keys Enter
if tui_settle "would have 3" && tui_whole "$BUS_MSG" && ! "$SANDLAB" node show d1 >/dev/null 2>&1; then
	ok "a bus past its limit is refused at Enter, in the form's words"
else
	not_ok "a bus past its limit is refused at Enter, in the form's words" "$SCREEN"
fi
# The refusal puts the cursor on Disk 1: the three IDE rows are below it.
keys Down C-u Down C-u Down C-u
# The boot disk on sata too (Machine page, Disk bus: virtio -> ide -> sata).
keys PageUp
keys Right Right
tui_settle "< sata >" >/dev/null || true
keys Enter
if tui_settle "created node d1" &&
	[ "$(node_json d1 '[(x["disk"], x["bus"], x["size"]) for x in d["disks"]]')" = "[('64M,bus=sata', 'sata', 67108864)]" ] &&
	[ "$(node_json d1 'd["machine"]["disk-bus"]')" = sata ]; then
	ok "the disk typed in the form is the node's, with its size and bus"
else
	not_ok "the disk typed in the form is the node's, with its size and bus" \
		"$("$SANDLAB" node show d1 --json 2>&1); $SCREEN"
fi
# The next key acts on the new node: e edits d1 (on the images pane it
# would have done nothing).
keys e
if tui_settle "Edit the node: Node" && text "$SCREEN" | grep -qE "Name +d1 "; then
	ok "after a create from the images pane, the next key acts on the new node"
else
	not_ok "after a create from the images pane, the next key acts on the new node" "$SCREEN"
fi
keys PageDown PageDown
if tui_settle "Edit the node: Disks (3/3)" && text "$SCREEN" | grep -qF "64M,bus=sata"; then
	ok "the edit form lists the node's disks"
else
	not_ok "the edit form lists the node's disks" "$SCREEN"
fi
# A disk stays as made: changing its row is refused; clearing it removes it.
keys -l "8M"
if tui_settle "clear the row to remove it" && ! text "$SCREEN" | grep -qF "saved node"; then
	ok "a disk's row cannot be changed, only cleared"
else
	not_ok "a disk's row cannot be changed, only cleared" "$SCREEN"
fi
keys C-u
keys Enter
if tui_settle "saved node d1" && [ "$(node_json d1 'len(d["disks"])')" = 0 ]; then
	ok "clearing a disk's row removes the disk"
else
	not_ok "clearing a disk's row removes the disk" "$("$SANDLAB" node show d1 --json 2>&1); $SCREEN"
fi

# ---- a template ----
keys c
tui_settle "Create a node: Node (1/3)" >/dev/null || true
keys -l "f1"
# RAM: the user's value wins over the template's.
keys Down
keys -l "40"
keys Up Up Up Right
if tui_settle "< small >" && text "$SCREEN" | grep -qE "RAM \(MiB\) +40 " &&
	text "$SCREEN" | grep -qE "NICs +2"; then
	ok "a template picked fills the fields the user did not change"
else
	not_ok "a template picked fills the fields the user did not change" "$SCREEN"
fi
keys Enter
if tui_settle "created node f1 from template small" &&
	[ "$(node_json f1 'd["ram_mb"]')" = 40 ] &&
	[ "$(node_json f1 '[n["model"] for n in d["nics"]]')" = "['e1000', 'e1000']" ] &&
	[ "$(node_json f1 'd["template"]')" = small ]; then
	ok "the node made from the template has its NIC model, and the RAM typed"
else
	not_ok "the node made from the template has its NIC model, and the RAM typed" \
		"$("$SANDLAB" node show f1 --json 2>&1); $SCREEN"
fi
# At 80x24 the pane has room for the usage text's first line.
if tui_settle "login: root" && tui_whole "template small" && tui_whole "usage login: root, no password"; then
	ok "the details pane shows the template and its usage text at 80x24"
else
	not_ok "the details pane shows the template and its usage text at 80x24" "$SCREEN"
fi

# ---- a template's console and disks; a bare image's console ----
"$SANDLAB" template create vbox --image tiny --nics 0 --console vnc --disk 8M,bus=sata >/dev/null
keys c
tui_settle "Create a node: Node (1/3)" >/dev/null || true
keys -l "f2"
keys Up Up Right Right
if tui_settle "< vbox >" && text "$SCREEN" | grep -qE "Console +< vnc >"; then
	ok "a template picked fills the Console field with its console"
else
	not_ok "a template picked fills the Console field with its console" "$SCREEN"
fi
if tui_whole "fills the fields you have not changed; its 1 extra disk comes before the Disks page's"; then
	ok "the Template field says the template's disk comes with it"
else
	not_ok "the Template field says the template's disk comes with it" "$SCREEN"
fi
keys Enter
if tui_settle "created node f2 from template vbox" &&
	[ "$(node_json f2 'd["console_type"]')" = vnc ] &&
	[ "$(node_json f2 '[x["disk"] for x in d["disks"]]')" = "['8M,bus=sata']" ]; then
	ok "the node made from it works in VNC and has the template's disk"
else
	not_ok "the node made from it works in VNC and has the template's disk" \
		"$("$SANDLAB" node show f2 --json 2>&1); $SCREEN"
fi
keys c
tui_settle "Create a node: Node (1/3)" >/dev/null || true
keys -l "f3"
keys Down Down Down Down Down Down Right
if tui_settle "Console     < vnc >" && text "$SCREEN" | grep -qE "Template +< none >"; then
	ok "on a bare image the Console field picks vnc"
else
	not_ok "on a bare image the Console field picks vnc" "$SCREEN"
fi
keys Enter
if tui_settle "created node f3 on tiny" && [ "$(node_json f3 'd["console_type"]')" = vnc ] &&
	[ "$(node_json f3 'd.get("template")')" = None ]; then
	ok "a node from a bare image made with console vnc"
else
	not_ok "a node from a bare image made with console vnc" "$("$SANDLAB" node show f3 --json 2>&1); $SCREEN"
fi
# ---- the NIC model, of every NIC: typed in the create form (a name that
# is no device name is said while typing; one this QEMU lacks at Enter,
# and nothing is made), changed in the edit form
keys c
tui_settle "Create a node: Node (1/3)" >/dev/null || true
keys -l "m1"
keys Down Down Down C-u
keys -l "2"
keys Down Down
if tui_settle "NIC model" && text "$SCREEN" | grep -qE "NIC model +virtio-net-pci"; then
	ok "the create form's NIC model starts at virtio-net-pci"
else
	not_ok "the create form's NIC model starts at virtio-net-pci" "$SCREEN"
fi
keys C-u
keys -l "e1000,x=1"
if tui_settle "a QEMU network device name" && tui_whole 'NIC model "e1000,x=1": a QEMU network device name'; then
	ok "a NIC model with an option riding along is said while typing"
else
	not_ok "a NIC model with an option riding along is said while typing" "$SCREEN"
fi
keys C-u
keys -l "e1000x"
keys Enter
if tui_settle "no such network device" &&
	tui_whole 'NIC model "e1000x": qemu-system-x86_64 has no such network device' &&
	! "$SANDLAB" node show m1 >/dev/null 2>&1; then
	ok "a NIC model this QEMU lacks is refused at Enter, and no node is made"
else
	not_ok "a NIC model this QEMU lacks is refused at Enter, and no node is made" "$SCREEN"
fi
keys BSpace
keys -l "e"
keys Enter
if tui_settle "created node m1" &&
	[ "$(node_json m1 '[n["model"] for n in d["nics"]]')" = "['e1000e', 'e1000e']" ]; then
	ok "the node made has the NIC model typed on each NIC"
else
	not_ok "the node made has the NIC model typed on each NIC" "$("$SANDLAB" node show m1 --json 2>&1); $SCREEN"
fi
"$SANDLAB" nic set m1:eth1 --model e1000 >/dev/null
tui_settle "e1000 " >/dev/null || true
keys e
if tui_settle "Edit the node: Node" && text "$SCREEN" | grep -qE "NIC model +e1000e " &&
	tui_whole "now mixed (eth0's shown); a change sets every NIC"; then
	ok "the edit form shows eth0's model and says the NICs differ"
else
	not_ok "the edit form shows eth0's model and says the NICs differ" "$SCREEN"
fi
keys Down Down Down Down Down C-u
keys -l "rtl8139"
keys Enter
if tui_settle "saved node m1" &&
	[ "$(node_json m1 '[n["model"] for n in d["nics"]]')" = "['rtl8139', 'rtl8139']" ]; then
	ok "the edit form sets every NIC's model"
else
	not_ok "the edit form sets every NIC's model" "$("$SANDLAB" node show m1 --json 2>&1); $SCREEN"
fi

tui_start 200 50
tui_settle "t1" >/dev/null || true
# f1, second by name, is still selected: its usage text whole, sanitised.
keys Home Down
if tui_settle "usage" && tui_whole "template small" &&
	tui_whole 'usage login: root, no password then type \x1b[31mhelp'; then
	ok "the details pane shows the usage text line by line, sanitised"
else
	not_ok "the details pane shows the usage text line by line, sanitised" "$SCREEN"
fi
keys c
tui_settle "Create a node: Node (1/3)" >/dev/null || true
keys PageUp
if tui_settle "Create a node: Disks (3/3)"; then
	ok "PgUp from the first page turns to the disks"
else
	not_ok "PgUp from the first page turns to the disks" "$SCREEN"
fi
golden create-disks-200x50
keys Escape

done_testing
