#!/usr/bin/env bash
# Templates: create, list, show, change and remove them; nodes made from
# one take its values unless the command line gives others, record it,
# and keep what they were made with when it changes; bad input is refused
# with a clear message and changes nothing; lab files carry templates
# (export, import into an empty lab, export again: the same bytes); a
# node made from a template boots the tiny guest; a template's console
# type vnc makes `sandlab console` give the node's VNC address.
# tests/run timeout: 1200
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
LABDIR="$T/lab"
TINY="$TOP/images/tiny.qcow2"
[ -f "$TINY" ] || bash "$TOP/images/build" tiny >/dev/null
db() { sqlite3 "$LABDIR/lab.db" "$1"; }

"$S" image import "$TINY" --name tiny >/dev/null 2>&1
"$S" image import "$TINY" --name tiny2 >/dev/null 2>&1
"$S" image import "$TINY" --name tiny3 >/dev/null 2>&1
# A usage text with what a lab file line cannot hold as it is.
USAGE=$(printf 'Login: admin\n  Password:  none #1 100%%\tend')

check "template create" "$S" template create rtr --image tiny --ram 64 --cpus 2 --nics 3 \
	--nic-model e1000 --disk-bus ide --machine q35 --cloud-init on --ci-user bob --console vnc \
	--usage "$USAGE"
check "template create with defaults" "$S" template create plain --image tiny
check "a template on an image no node uses" "$S" template create spare --image tiny3 --nics 0
check "the row holds what was given" test "$(db "SELECT ram_mb, cpus, nics, nic_model, disk_bus, machine, cloud_init, ci_user, console FROM templates WHERE name = 'rtr'")" = "64|2|3|e1000|ide|q35|1|bob|vnc"
check "the defaults of a template are a node's" test "$(db "SELECT ram_mb, cpus, nics, nic_model, accel, disk_bus, machine, cloud_init, ci_user, console, usage FROM templates WHERE name = 'plain'")" = "256|1|1|virtio-net-pci|auto|virtio|pc|0|lab|serial|"
check "template show --json" python3 -c '
import json, sys
t = json.loads(sys.argv[1])
assert (t["name"], t["image"], t["ram_mb"], t["cpus"], t["nics"], t["nic_model"]) == ("rtr", "tiny", 64, 2, 3, "e1000"), t
assert t["machine"]["disk-bus"] == "ide" and t["machine"]["machine"] == "q35", t
assert t["cloud_init"] == {"on": True, "user": "bob"} and t["console"] == "vnc", t
assert t["usage"] == sys.argv[2], t["usage"]
assert t["nodes"] == 0, t
' "$("$S" template show rtr --json)" "$USAGE"
out=$("$S" template show rtr)
check "template show prints the usage text line by line, a tab escaped" sh -c 'printf "%s\n" "$1" | grep -qxF "    Password:  none #1 100%\\x09end"' _ "$out"
check "template ls --json lists both by name" test "$("$S" template ls --json | python3 -c 'import json,sys; print(" ".join(t["name"] for t in json.load(sys.stdin)))')" = "plain rtr spare"
check "template ls" sh -c "'$S' template ls | grep -Eq '^rtr +tiny +64MiB +2 3 e1000 +vnc +bob +0\$'"

# Nodes from a template.
check "node create --template" "$S" node create n1 --template rtr
check "the node took the template's values" test "$(db "SELECT ram_mb, cpus, disk_bus, machine, (SELECT group_concat(model) FROM nics WHERE node_id = nodes.id) FROM nodes WHERE name = 'n1'")" = "64|2|ide|q35|e1000,e1000,e1000"
check "cloud-init on, as the template's user" test "$(db "SELECT c.enabled, c.user FROM cloudinit c JOIN nodes n ON n.id = c.node_id WHERE n.name = 'n1'")" = "1|bob"
check "options given override the template" "$S" node create n2 --template rtr --ram 96 --nics 1 --disk-bus sata --image tiny2 --cloud-init off
check "the overrides took" test "$(db "SELECT n.ram_mb, n.cpus, n.disk_bus, i.name, (SELECT group_concat(model) FROM nics WHERE node_id = n.id), (SELECT enabled FROM cloudinit WHERE node_id = n.id) FROM nodes n JOIN images i ON i.id = n.image_id WHERE n.name = 'n2'")" = "96|2|sata|tiny2|e1000|0"
check "node show names the template" sh -c "'$S' node show n1 | grep -q '^template:  rtr '"
check "node show --json names the template" test "$("$S" node show n1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["template"])')" = rtr
check "template set" "$S" template set rtr --ram 128 --nic-model virtio-net-pci
check "template set changed the template" test "$(db "SELECT ram_mb, nic_model, cpus FROM templates WHERE name = 'rtr'")" = "128|virtio-net-pci|2"
check "template set changed no node" test "$(db "SELECT ram_mb, (SELECT group_concat(model) FROM nics WHERE node_id = nodes.id) FROM nodes WHERE name = 'n1'")" = "64|e1000,e1000,e1000"
check "template ls counts its nodes" test "$("$S" template show rtr --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nodes"])')" = 2

# Bad input: a clear message, nothing changed.
tpl_rows() { db "SELECT count(*), group_concat(ram_mb || nic_model || console || usage, ',') FROM templates"; }
before=$(tpl_rows)
nodes_before=$(db 'SELECT count(*) FROM nodes')
expect_fail "duplicate name refused" 'a template named "rtr" already exists' "$S" template create rtr --image tiny
expect_fail "duplicate name refused regardless of case" "already exists" "$S" template create RTR --image tiny
expect_fail "unknown image refused" 'no image named "nope"' "$S" template create t1 --image nope
expect_fail "no image given" "needs a boot disk" "$S" template create t1
expect_fail "bad template name" "template name" "$S" template create 'a b' --image tiny
expect_fail "bad console" "serial or vnc" "$S" template create t1 --image tiny --console rdp
expect_fail "bad NIC model" "ne2k.*not a NIC model" "$S" template create t1 --image tiny --nic-model ne2k
expect_fail "a control character in the usage text" "no control characters" "$S" template create t1 --image tiny --usage "$(printf 'a\033[2Jb')"
expect_fail "invalid UTF-8 in the usage text" "UTF-8" "$S" template create t1 --image tiny --usage "$(printf 'a\xffb')"
expect_fail "a usage text over 4095 bytes" "at most 4095 bytes" "$S" template create t1 --image tiny --usage "$(head -c 4096 /dev/zero | tr '\0' a)"
expect_fail "bad RAM" "--ram must be" "$S" template create t1 --image tiny --ram 1
expect_fail "bad machine value" "--disk-bus" "$S" template create t1 --image tiny --disk-bus floppy
expect_fail "an initrd without a kernel" "needs a kernel" "$S" template create t1 --image tiny --append quiet
expect_fail "bad cloud-init word" "give on or off" "$S" template create t1 --image tiny --cloud-init yes
expect_fail "bad cloud-init user" "--ci-user" "$S" template create t1 --image tiny --ci-user root
expect_fail "template set with nothing to change" "nothing to change" "$S" template set rtr
expect_fail "template set of an unknown template" 'no template named "nope"' "$S" template set nope --ram 64
expect_fail "template set with a bad value changes nothing" "serial or vnc" "$S" template set rtr --ram 512 --console rdp
expect_fail "template show of an unknown template" 'no template named "nope"' "$S" template show nope
expect_fail "node create from an unknown template" 'no template named "nope"' "$S" node create n9 --template nope
expect_fail "node create from a template with a bad override" "--ram must be" "$S" node create n9 --template rtr --ram 1
expect_fail "template rm while nodes name it, naming them" 'in use by 2 nodes \(n1, n2\)' "$S" template rm rtr
expect_fail "image rm while a template uses it" 'image "tiny3" is used by a template' "$S" image rm tiny3
check "refusals changed no template" test "$(tpl_rows)" = "$before"
check "refusals made no node" test "$(db 'SELECT count(*) FROM nodes')" = "$nodes_before"

# A template's --bios: an image of kind bios, refused with UEFI and as a
# disk image; the nodes made from it are given it.
"$S" image import /usr/share/seabios/bios-256k.bin --name sea --kind bios >/dev/null
expect_fail "template --bios with a disk image refused" 'image tiny is of kind disk, not bios' \
	"$S" template create romt --image tiny --bios tiny
expect_fail "template --bios with UEFI refused" 'cannot boot with --firmware uefi' \
	"$S" template create romt --image tiny --bios sea --firmware uefi
expect_fail "template with a bios image as its disk refused" 'image sea is a bios, not a disk' \
	"$S" template create romt --image sea
check "template create --bios" "$S" template create romt --image tiny --ram 32 --bios sea
check "the template row names the bios image" test \
	"$(db "SELECT i.name || ':' || i.kind FROM templates t JOIN images i ON i.id = t.bios_id WHERE t.name = 'romt'")" = "sea:bios"
check "template show has the bios" sh -c "'$S' template show romt --json | python3 -c 'import json,sys; assert json.load(sys.stdin)[\"machine\"][\"bios\"] == \"sea\"'"
expect_fail "template set --firmware uefi on a template with a bios refused" 'cannot boot with --firmware uefi' \
	"$S" template set romt --firmware uefi
"$S" node create romn --template romt >/dev/null
check "a node made from it has the bios" test "$(db "SELECT i.name FROM nodes n JOIN images i ON i.id = n.bios_id WHERE n.name = 'romn'")" = sea
check "and is given it as -bios" sh -c "'$S' node cmd romn | grep -qF -- '-bios $LABDIR/images/sea.bios '"
check "template set --bios none" "$S" template set romt --bios none
check "the template row has no bios" test "$(db "SELECT count(*) FROM templates WHERE name = 'romt' AND bios_id IS NULL")" = 1
"$S" node rm romn >/dev/null
"$S" template rm romt >/dev/null
check "the bios image goes when nothing uses it" "$S" image rm sea

# Completion knows templates.
check "completion offers template names" test "$("$S" __complete node create x --template r)" = rtr
check "completion offers template names to template show" test "$("$S" __complete template show p)" = plain

# Lab files carry templates, byte for byte.
"$S" node create n3 --image tiny >/dev/null
# A node's cloud-init travels too, its user-data as content, not a path.
printf '#!/bin/sh\necho  two  spaces # 100%%\n\ttab\n' >"$T/ud.sh"
"$S" node create n4 --image tiny --cloud-init on --ci-user ops --user-data "$T/ud.sh" >/dev/null
check "lab export" "$S" lab export "$T/a.lab"
check "the node line has its cloud-init keys" grep -qxF "node n4 image=tiny ram=256 cpus=1 accel=auto cloud-init=on ci-user=ops" "$T/a.lab"
check "its user-data follows, one line a line, escaped" test "$(grep '^user-data ' "$T/a.lab")" = "$(printf '%s\n' 'user-data n4 %23!/bin/sh%0A' 'user-data n4 echo%20%20two%20%20spaces %23 100%25%0A' 'user-data n4 %09tab%0A')"
check "the password stays out of the file" sh -c "! grep -qF '$(db "SELECT c.password FROM cloudinit c JOIN nodes n ON n.id = c.node_id WHERE n.name = 'n4'")' '$T/a.lab'"
check "the file has the template line" grep -qxF "template rtr image=tiny ram=128 cpus=2 nics=3 nic-model=virtio-net-pci accel=auto cloud-init=on ci-user=bob console=vnc disk-bus=ide machine=q35" "$T/a.lab"
check "the file has the usage text, escaped" sh -c "grep -qxF 'usage rtr Login: admin%0A' '$T/a.lab' && grep -qxF 'usage rtr %20%20Password:%20%20none %231 100%25%09end' '$T/a.lab'"
check "the file's node says its template" grep -qxF "node n1 image=tiny ram=64 cpus=2 accel=auto template=rtr disk-bus=ide machine=q35 console-type=vnc cloud-init=on ci-user=bob" "$T/a.lab"
L2="$T/lab2"
"$S" --lab "$L2" image import "$TINY" --name tiny >/dev/null 2>&1
"$S" --lab "$L2" image import "$TINY" --name tiny2 >/dev/null 2>&1
"$S" --lab "$L2" image import "$TINY" --name tiny3 >/dev/null 2>&1
check "lab import into an empty lab, counting templates" sh -c "'$S' --lab '$L2' lab import '$T/a.lab' | grep -q ': 3 templates, 4 nodes, 0 links'"
check "export again" "$S" --lab "$L2" lab export "$T/b.lab"
check "export, import, export: the same bytes" cmp "$T/a.lab" "$T/b.lab"
check "the imported node has the user-data's bytes" test "$(sqlite3 "$L2/lab.db" "SELECT hex(c.user_data) FROM cloudinit c JOIN nodes n ON n.id = c.node_id WHERE n.name = 'n4'")" = "$(od -An -tx1 -v "$T/ud.sh" | tr -d ' \n' | tr a-f A-F)"
check "and cloud-init on, as ops, with a password of its own" test "$(sqlite3 "$L2/lab.db" "SELECT c.enabled, c.user, length(c.password), c.password = '$(db "SELECT c.password FROM cloudinit c JOIN nodes n ON n.id = c.node_id WHERE n.name = 'n4'")' FROM cloudinit c JOIN nodes n ON n.id = c.node_id WHERE n.name = 'n4'")" = "1|ops|16|0"
check "the imported template has its usage text" test "$("$S" --lab "$L2" template show rtr --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["usage"], end="")')" = "$USAGE"
expect_fail "import again: the template is there" 'line [0-9]+: a template named "plain" already exists' "$S" --lab "$L2" lab import "$T/a.lab"
check "the refused import added nothing" test "$(sqlite3 "$L2/lab.db" 'SELECT count(*) FROM nodes')" = 4
# Bad cloud-init in a lab file: a clear message, nothing imported.
L4="$T/lab4"
"$S" --lab "$L4" image import "$TINY" --name tiny >/dev/null 2>&1
bad_lab() { printf 'sandlab-lab 1\nnode c1 image=tiny\n%s\n' "$1" >"$T/bad.lab"; }
bad_lab 'user-data c9 x'
expect_fail "user-data of a node not above" "line 3: no node c9 above this line" "$S" --lab "$L4" lab import "$T/bad.lab"
bad_lab 'user-data c1 %23cloud-config%0A users: [a%0A'
expect_fail "user-data that is not valid YAML" "line 2: the user-data of node c1: .*not valid YAML" "$S" --lab "$L4" lab import "$T/bad.lab"
bad_lab 'user-data c1 %ZZ'
expect_fail "a bad escape in user-data" "line 3: a % that is not %XX .* in the user-data text" "$S" --lab "$L4" lab import "$T/bad.lab"
printf 'sandlab-lab 1\nnode c1 image=tiny ci-user=root\n' >"$T/bad.lab"
expect_fail "ci-user=root on a node line" "line 2: ci-user=root: .*cannot be root" "$S" --lab "$L4" lab import "$T/bad.lab"
printf 'sandlab-lab 1\nnode c1 image=tiny cloud-init=yes\n' >"$T/bad.lab"
expect_fail "cloud-init=yes on a node line" "line 2: cloud-init=yes: on or off is needed" "$S" --lab "$L4" lab import "$T/bad.lab"
check "no bad file left a node" test "$(sqlite3 "$L4/lab.db" 'SELECT count(*) FROM nodes')" = 0
L3="$T/lab3"
"$S" --lab "$L3" image import "$TINY" --name tiny >/dev/null 2>&1
expect_fail "import without the template's image" 'line [0-9]+: no image named "tiny3"' "$S" --lab "$L3" lab import "$T/a.lab"
check "nothing imported: no template, no node, no overlay" test "$(sqlite3 "$L3/lab.db" 'SELECT (SELECT count(*) FROM templates) + (SELECT count(*) FROM nodes)'):$(ls -A "$L3/overlays" | wc -l)" = "0:0"

# Removing: the nodes first, then the template.
check "node rm" "$S" node rm n1 n2
check "template rm once no node names it" "$S" template rm rtr
check "the template is gone" test "$(db "SELECT count(*) FROM templates WHERE name = 'rtr'")" = 0
expect_fail "template rm of an unknown template" 'no template named "rtr"' "$S" template rm rtr

# A node made from a template boots the tiny guest (its banner). Its
# template's console is VNC: `sandlab console` gives the VNC address, and
# --serial the serial line.
"$S" template create tinyt --image tiny --ram 32 --nics 0 --accel tcg --console vnc >/dev/null
check "node create from the tiny template" "$S" node create boot1 --template tinyt
check "node show says the node works in VNC" sh -c "'$S' node show boot1 | grep -qxF 'works in:  VNC (sandlab console prints its address; --serial attaches its serial line)'"
check "node show --json says console_type vnc" test "$("$S" node show boot1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["console_type"])')" = vnc
expect_fail "console of a stopped VNC node says how to start it" "the console of boot1 is VNC, and it is stopped: start it \(sandlab node start boot1\)" "$S" console boot1
check "it starts and shows the banner" "$S" node start boot1 --wait-for 'tiny login: ' --timeout 120
addr=$("$S" vnc boot1 | head -n 1)
check "console prints the VNC address of sandlab vnc" test "$("$S" console boot1 </dev/null)" = "the console of boot1 is VNC: open $addr in a VNC viewer (the password: sandlab vnc boot1); its serial line: sandlab console boot1 --serial"
mkfifo "$T/vin"
"$S" console boot1 --serial <"$T/vin" >"$T/vout" 2>&1 &
vpid=$!
exec 7>"$T/vin"
check "console --serial attaches to its serial line" wait_for 60 grep -qF 'tiny login: ' "$T/vout"
exec 7>&-
check "console --serial detaches at the end of its input" wait_for 60 sh -c '! kill -0 "$1" 2>/dev/null' _ "$vpid"
kill "$vpid" 2>/dev/null || true
check "a clone keeps the console type" sh -c "'$S' node kill boot1 >/dev/null && '$S' node clone boot1 boot2 >/dev/null && test \"\$('$S' node show boot2 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"console_type\"])')\" = vnc"
check "a node without a template works in its serial console" test "$("$S" node show n3 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["console_type"])')" = serial

# A node's own console: node create|set --console, over the template's.
ctype() { "$S" node show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["console_type"])'; }
check "node create --console serial wins over the template's vnc" sh -c "'$S' node create boot3 --template tinyt --console serial >/dev/null && test \"\$('$S' node show boot3 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"console_type\"])')\" = serial"
check "node create --console vnc without a template" sh -c "'$S' node create v1 --image tiny --nics 0 --console vnc >/dev/null"
check "node show says v1 works in VNC" sh -c "'$S' node show v1 | grep -qxF 'works in:  VNC (sandlab console prints its address; --serial attaches its serial line)'"
check "node set --console serial" "$S" node set v1 --console serial
check "v1 now works in its serial console" test "$(ctype v1)" = serial
check "node set --console vnc" "$S" node set v1 --console vnc
check "v1 works in VNC again" test "$(ctype v1)" = vnc
expect_fail "node create --console telnet refused" '^sandlab: --console: a console is serial or vnc$' "$S" node create v2 --image tiny --console telnet
check "the refused create left no node v2" sh -c "! '$S' node show v2 >/dev/null 2>&1"
expect_fail "node set --console '' refused" '^sandlab: --console: a console is serial or vnc$' "$S" node set v1 --console ''
check "the refused set left v1 as it was" test "$(ctype v1)" = vnc
check "lab files carry a node's own console" sh -c "'$S' lab export - | grep -q '^node v1 .* console-type=vnc'"

done_testing
