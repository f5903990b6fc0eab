#!/usr/bin/env bash
# NIC port names (GNS3's port_name_format, first_port_name,
# port_segment_size and custom_adapters): appliance show maps them, import
# keeps them in the template, nodes made from it get the names (and the
# custom adapters' models and MACs), node show and template show print
# them, a link end is named by them, lab files carry them byte for byte.
# Bad input: names that collide, a bad MAC, an unknown adapter_type, a
# name that is ambiguous or unknown. Appliance files are written here.
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
A="$T/appl"
mkdir -p "$A/files"
jq_py() { python3 -c "import json, sys; o = json.loads(sys.argv[1]); $1" "$2"; }
TINY="$TOP/images/tiny.qcow2"
[ -f "$TINY" ] || bash "$TOP/images/build" tiny >/dev/null
cp "$TINY" "$A/files/rt.qcow2"

# A router whose eth0 is mgmt0 and the rest Gi0/0, Gi0/1, ...; adapter 3
# is named, modelled and addressed by a custom adapter.
appliance() { # FILE PORT-FIELDS CUSTOM-ADAPTERS
	cat >"$1" <<EOF
{"name": "Port Router", "registry_version": 6, $2
 "qemu": {"adapter_type": "e1000", "adapters": 4, "ram": 32, "console_type": "telnet", "kvm": "disable",
   "custom_adapters": [$3]},
 "images": [{"filename": "rt.qcow2", "version": "1"}],
 "versions": [{"name": "1", "images": {"hda_disk_image": "rt.qcow2"}}]}
EOF
}
appliance "$A/rt.gns3a" '"port_name_format": "Gi0/{0}", "first_port_name": "mgmt0",' \
	'{"adapter_number": 3, "port_name": "uplink", "adapter_type": "virtio-net-pci", "mac_address": "52:54:00:AA:00:03"}'
check "show: the port names and the custom adapter, nothing unmapped" jq_py '
p = o["template"]["ports"]
assert p == {"format": "Gi0/{0}", "first": "mgmt0", "names": ["mgmt0", "Gi0/0", "Gi0/1", "uplink"],
    "adapters": [{"adapter": 3, "port": "uplink", "model": "virtio-net-pci", "mac": "52:54:00:aa:00:03"}]}, p
assert o["unmapped"] == [], o["unmapped"]
assert o["mapped"][-3:] == ["port_name_format", "first_port_name", "qemu.custom_adapters[0]"], o["mapped"]
' "$("$S" appliance show "$A/rt.gns3a" --json)"
text=$("$S" appliance show "$A/rt.gns3a")
check "show: the names as text" sh -c 'printf "%s\n" "$1" | grep -qx "  port names eth0 mgmt0, eth1 Gi0/0, eth2 Gi0/1, eth3 uplink"' _ "$text"

# GNS3's fields: {port1} from 1, segments of 2 with {segment1}, {1} = the segment.
appliance "$A/seg.gns3a" '"port_name_format": "Ethernet{segment1}/{port1}", "port_segment_size": 2,' ''
check "show: segments of two" jq_py '
assert o["template"]["ports"]["names"] == ["Ethernet1/1", "Ethernet1/2", "Ethernet2/1", "Ethernet2/2"], o["template"]
assert o["unmapped"] == [], o["unmapped"]
' "$("$S" appliance show "$A/seg.gns3a" --json)"
appliance "$A/seg0.gns3a" '"port_name_format": "e{}-{}", "port_segment_size": 3,' ''
check "show: {} counts as Python does (port, then segment)" jq_py '
assert o["template"]["ports"]["names"] == ["e0-0", "e1-0", "e2-0", "e0-1"], o["template"]
' "$("$S" appliance show "$A/seg0.gns3a" --json)"

# Bad input: each left out with its reason, the rest kept.
appliance "$A/collide.gns3a" '"port_name_format": "port{1}",' ''
check "collision: a format naming two NICs alike is left out, saying which" jq_py '
u = o["unmapped"]
assert [x["field"] for x in u] == ["port_name_format"], u
assert u[0]["reason"].startswith("port names collide: eth0 and eth1 would both be port0"), u
assert "ports" not in o["template"], o["template"]
' "$("$S" appliance show "$A/collide.gns3a" --json)"
appliance "$A/badad.gns3a" '"port_name_format": "ge-0/0/{0}",' \
	'{"adapter_number": 1, "port_name": "ge-0/0/3", "mac_address": "52:54:00:zz:00:01"},
	 {"adapter_number": 2, "adapter_type": "i82559zz", "mac_address": "52:54:00:00:00:22"},
	 {"adapter_number": 9, "port_name": "x"}, {"adapter_number": 0, "adapter_type": "e1000,x=1"}'
check "bad adapters: a bad MAC, a name that collides, an unknown model, a NIC too many" jq_py '
u = [(x["field"], x["reason"]) for x in o["unmapped"]]
assert u[0] == ("qemu.custom_adapters[0].mac_address", "MAC \"52:54:00:zz:00:01\" is not six pairs of hex digits, as 52:54:00:12:34:56"), u
assert u[1][0] == "qemu.custom_adapters[0]" and u[1][1].startswith("port names collide: eth1 and eth3 would both be ge-0/0/3"), u
assert u[2][0] == "qemu.custom_adapters[2]" and "adapter_number from 0 to 7" in u[2][1], u
assert u[3][0] == "qemu.custom_adapters[3].adapter_type" and "NIC model \"e1000,x=1\"" in u[3][1], u
assert u[4][0] == "qemu.custom_adapters (adapter 2).adapter_type" and "i82559zz" in u[4][1] and "e1000" in u[4][1], u
assert len(u) == 5, u
p = o["template"]["ports"]
assert p["adapters"] == [{"adapter": 2, "mac": "52:54:00:00:00:22"}], p
assert p["names"] == ["ge-0/0/0", "ge-0/0/1", "ge-0/0/2", "ge-0/0/3"], p
' "$("$S" appliance show "$A/badad.gns3a" --json)"
appliance "$A/badfmt.gns3a" '"port_name_format": "Gi {0}", "first_port_name": "{x}",' ''
check "bad names: a space, a field sandlab does not know" jq_py '
u = {x["field"]: x["reason"] for x in o["unmapped"]}
assert u["port_name_format"].startswith("port name \"Gi 0\": 1 to 31 of"), u
assert u["first_port_name"].startswith("port name \"{x}\""), u
' "$("$S" appliance show "$A/badfmt.gns3a" --json)"

# Import: the template keeps them, nodes get them.
check "import" "$S" appliance import "$A/rt.gns3a" --images "$A/files" --name rt
check "template show lists the names and the adapter" sh -c "'$S' template show rt | grep -qx 'ports:     format Gi0/{0}; eth0 is mgmt0; eth0 mgmt0, eth1 Gi0/0, eth2 Gi0/1, eth3 uplink' &&
	'$S' template show rt | grep -qx 'adapter:   eth3 port uplink model virtio-net-pci mac 52:54:00:aa:00:03'"
check "node create r1 and r2 from it" sh -c "'$S' node create r1 --template rt && '$S' node create r2 --template rt --nics 5"
check "r1's NICs: names, the adapter's model and MAC" jq_py '
got = [(c["index"], c["port"], c["model"]) for c in o["nics"]]
assert got == [(0, "mgmt0", "e1000"), (1, "Gi0/0", "e1000"), (2, "Gi0/1", "e1000"), (3, "uplink", "virtio-net-pci")], got
assert o["nics"][3]["mac"] == "52:54:00:aa:00:03", o["nics"]
' "$("$S" node show r1 --json)"
check "r2: five NICs named, its eth3 a fresh MAC (MACs are one NIC's)" jq_py '
assert [c["port"] for c in o["nics"]] == ["mgmt0", "Gi0/0", "Gi0/1", "uplink", "Gi0/3"], o["nics"]
assert o["nics"][3]["mac"] != "52:54:00:aa:00:03", o["nics"]
' "$("$S" node show r2 --json)"
check "node show prints a PORT column" sh -c "'$S' node show r1 | grep -Eq '^  eth3  uplink +virtio-net-pci +52:54:00:aa:00:03 none'"

# Links by port name; ambiguous and unknown names refused.
check "link add r1:Gi0/1 r2:uplink" "$S" link add r1:Gi0/1 r2:uplink
check "the link joins r1:eth2 and r2:eth3" test "$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT a.name || ':' || l.a_idx || ' ' || b.name || ':' || l.b_idx FROM links l JOIN nodes a ON a.id = l.a_node JOIN nodes b ON b.id = l.b_node")" = "r1:2 r2:3"
check "node show names the peer by its port name" sh -c "'$S' node show r1 | grep -Eq '^  eth2  Gi0/1 .* link +r2:uplink \(udp '"
check "names match without case; link rm by port name" "$S" link rm R1:gi0/1
expect_fail "an unknown name refused, listing the node's names" '"r1:Gi9/9" is not a NIC: after the node name comes :eth0 to :eth31 or a port name \(r1:mgmt0 \(eth0\), r1:Gi0/0 \(eth1\), r1:Gi0/1 \(eth2\), r1:uplink \(eth3\)\)' "$S" link add r1:Gi9/9 r2:eth0
# eth{port1}: eth0 is named eth1, so r3:eth1 could be either NIC.
printf 'sandlab-lab 1\ntemplate e image=rt-hda nics=3 port-format=eth{port1}\nnode r3 image=rt-hda ram=32 cpus=1 accel=tcg template=e\nnic r3:eth0 port=eth1\nnic r3:eth1 port=eth2\nnic r3:eth2 port=eth3\n' >"$T/e.lab"
check "lab import of a node whose NICs are named eth1.. eth3" "$S" lab import "$T/e.lab"
expect_fail "an ambiguous name refused, naming both NICs" 'r3:eth1 is ambiguous: it is the port name of r3:eth0 and the index of r3:eth1; name the one you mean as r3:eth0 or r3:eth2' "$S" link add r3:eth1 r1:eth0
check "the unambiguous names work" sh -c "'$S' link add r3:eth0 r1:mgmt0 && '$S' link add r3:eth3 r2:Gi0/0"

# Lab files: export, import into a new lab, export again: the same bytes.
check "lab export" "$S" lab export "$T/a.lab"
check "the file carries the template's naming, its adapter and the NICs' names" sh -c "
	grep -qx 'template rt image=rt-hda ram=32 cpus=1 nics=4 nic-model=e1000 accel=tcg cloud-init=off ci-user=lab console=serial port-format=Gi0/{0} port-first=mgmt0' '$T/a.lab' &&
	grep -qx 'adapter rt:eth3 port=uplink model=virtio-net-pci mac=52:54:00:aa:00:03' '$T/a.lab' &&
	grep -qx 'nic r1:eth3 model=virtio-net-pci mac=52:54:00:aa:00:03 attach=none port=uplink' '$T/a.lab'"
L2="$T/lab2"
check "import into another lab and export again: identical bytes" sh -c "
	'$S' --lab '$L2' image import '$A/files/rt.qcow2' --name rt-hda >/dev/null 2>&1 &&
	'$S' --lab '$L2' lab import '$T/a.lab' >/dev/null && '$S' --lab '$L2' lab export '$T/b.lab' >/dev/null &&
	cmp '$T/a.lab' '$T/b.lab'"
bad_lab() { # NAME PATTERN LINES
	printf 'sandlab-lab 1\n%b' "$3" >"$T/bad.lab"
	expect_fail "$1" "$2" "$S" --lab "$L2" lab import "$T/bad.lab"
}
bad_lab "lab file: a format whose names collide" 'line 2: port names collide: eth0 and eth1 would both be p0' 'template t2 image=rt-hda port-format=p{1}\n'
bad_lab "lab file: two NICs of a node with one name" 'line 4: port name A is already n9:eth0.s \(line 3\)' 'node n9 image=rt-hda ram=32 cpus=1 accel=auto\nnic n9:eth0 port=a\nnic n9:eth1 port=A\n'
bad_lab "lab file: an adapter with a bad MAC" 'line 3: MAC "zz" is not six pairs' 'template t3 image=rt-hda\nadapter t3:eth1 mac=zz\n'
bad_lab "lab file: a port name with a space's stand-in" 'line 3: port name "a%20b"' 'node n8 image=rt-hda ram=32 cpus=1 accel=auto\nnic n8:eth0 port=a%20b\n'
check "the refused files left nothing" test "$(sqlite3 "$L2/lab.db" "SELECT count(*) FROM templates")" = 2

# template create|set --port-format, --port-first and --port-segment: the
# words lab files use, checked as an appliance's are.
prow() { sqlite3 "$SANDLAB_LAB/lab.db" "SELECT port_format || '|' || port_first || '|' || port_segment FROM templates WHERE name = '$1'"; }
check "template create --port-format --port-first" "$S" template create pf --image rt-hda --nics 4 --port-format 'Gi0/{0}' --port-first mgmt
check "the row holds the format and first name given" test "$(prow pf)" = "Gi0/{0}|mgmt|0"
check "template show --json names the NICs" jq_py '
assert o["ports"]["names"] == ["mgmt", "Gi0/0", "Gi0/1", "Gi0/2"], o["ports"]
' "$("$S" template show pf --json)"
check "template set --port-format with --port-segment" "$S" template set pf --port-format 'e{1}/{0}' --port-segment 2
check "the row took both and kept the first name" test "$(prow pf)" = "e{1}/{0}|mgmt|2"
check "a node made from it names its NICs by segments" jq_py '
assert [n["port"] for n in o["nics"]] == ["mgmt", "e0/0", "e0/1", "e1/0"], o["nics"]
' "$("$S" node create pf1 --template pf --json)"
expect_fail "a format whose names collide refused" '^sandlab: port names collide: eth0 and eth1 would both be p0 \(port_name_format "p\{1\}"\)' "$S" template set pf --port-format 'p{1}'
expect_fail "a segment that makes names collide refused" 'port names collide' "$S" template set pf --port-format 'Gi0/{0}'
expect_fail "a bad first name refused" 'port name "bad name"' "$S" template set pf --port-first 'bad name'
expect_fail "a segment past 64 refused" '^sandlab: --port-segment' "$S" template set pf --port-segment 65
check "the refused changes left the template as it was" test "$(prow pf)" = "e{1}/{0}|mgmt|2"
check "template set --port-first '' --port-segment 0 --port-format '' removes the naming" "$S" template set pf --port-first '' --port-segment 0 --port-format ''
check "the row has no naming left" test "$(prow pf)" = "||0"
expect_fail "a segment without a format refused" '^sandlab: a port segment of 4 counts the ports of a port format, and the template has none' "$S" template set pf --port-segment 4
expect_fail "template create with colliding words refused, nothing made" 'port names collide' "$S" template create pf2 --image rt-hda --port-format 'x'
check "no template pf2" test "$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT count(*) FROM templates WHERE name = 'pf2'")" = 0

done_testing
