#!/usr/bin/env bash
# appliance show and import: GNS3 appliance files written here, one a
# feature (none copied from the public registry), mapped onto the
# template they would make, with every field that cannot be mapped listed
# with its reason; bad files refused with a clear message. show needs no
# image file; import finds the files, checks md5sum and size, imports
# them and makes the template, all or nothing; a node made from the
# tiny guest's appliance boots (its banner).
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
A="$T/appl"
mkdir -p "$A"
jq_py() { python3 -c "import json, sys; o = json.loads(sys.argv[1]); $1" "$2"; }

# A router: every mapped qemu field, options with modelled and other words.
cat >"$A/router.gns3a" <<'EOF'
{
  "name": "Test Router",
  "category": "router",
  "description": "a router for the tests",
  "vendor_name": "sandlab tests",
  "vendor_url": "https://example.invalid/",
  "product_name": "Test Router",
  "registry_version": 4,
  "status": "stable",
  "maintainer": "sandlab tests",
  "maintainer_email": "tests@example.invalid",
  "usage": "Log in as admin.\nNo password.",
  "port_name_format": "Gi0/{0}",
  "qemu": {
    "adapter_type": "e1000",
    "adapters": 4,
    "ram": 512,
    "cpus": 2,
    "hda_disk_interface": "ide",
    "arch": "x86_64",
    "console_type": "spice",
    "kvm": "allow",
    "boot_priority": "dc",
    "kernel_command_line": "console=ttyS0",
    "on_close": "power_off",
    "options": "-nographic -cpu Haswell -smp 2,sockets=1 -usb -device foo"
  },
  "images": [
    {"filename": "router-1.0.qcow2", "version": "1.0", "md5sum": "0123456789abcdef0123456789abcdef", "filesize": 1048576}
  ],
  "versions": [
    {"name": "1.0", "images": {"hda_disk_image": "router-1.0.qcow2", "hdb_disk_image": "extra.qcow2", "bios_image": "bios.bin"}}
  ]
}
EOF
out=$("$S" appliance show "$A/router.gns3a" --json)
check "router: the template it would make" jq_py '
t = o["template"]
assert (t["nic_model"], t["nics"], t["ram_mb"], t["cpus"], t["accel"], t["console"]) == ("e1000", 4, 512, 2, "auto", "vnc"), t
assert t["image"] == "router-1.0.qcow2", t
assert t["usage"] == "Log in as admin.\nNo password.", t
assert t["machine"] == {"disk-bus": "ide", "arch": "x86_64", "boot": "cdrom,disk", "append": "console=ttyS0",
    "vga": "none", "cpu-model": "Haswell", "bios": "bios.bin"}, t["machine"]
assert o["version"] == "1.0" and o["versions"] == ["1.0"] and o["registry_version"] == 4, o
assert o["images"]["hda_disk_image"] == {"file": "router-1.0.qcow2", "md5sum": "0123456789abcdef0123456789abcdef", "filesize": 1048576}, o["images"]
' "$out"
check "router: what is left out, each with its reason" jq_py '
got = [(u["field"], u["value"]) for u in o["unmapped"]]
assert got == [("qemu.on_close", "\"power_off\""), ("qemu.options -smp", "\"2,sockets=1\""),
    ("qemu.options", "\"-usb\""), ("qemu.options", "\"-device foo\"")], got
assert all(u["reason"] for u in o["unmapped"]), o["unmapped"]
assert "never passed to QEMU" in o["unmapped"][2]["reason"], o["unmapped"][2]
assert o["notes"] == ["qemu.console_type spice: the graphic console is VNC (sandlab offers no SPICE)"], o["notes"]
assert len(o["mapped"]) == 17 and "port_name_format" in o["mapped"] and "images.bios_image" in o["mapped"], o["mapped"]
assert o["template"]["disks"] == [{"slot": "hdb_disk_image", "file": "extra.qcow2", "bus": "virtio"}], o["template"]
assert o["template"]["ports"]["names"] == ["Gi0/0", "Gi0/1", "Gi0/2", "Gi0/3"], o["template"]
' "$out"
text=$("$S" appliance show "$A/router.gns3a")
check "router: the text says how many fields were mapped and left out" sh -c 'printf "%s\n" "$1" | grep -qx "mapped: 17 fields" && printf "%s\n" "$1" | grep -qx "unmapped: 4 fields" && printf "%s\n" "$1" | grep -qx "  disk       hdb extra.qcow2 on virtio"' _ "$text"
check "router: the usage text shown line by line" sh -c 'printf "%s\n" "$1" | grep -qx "  usage      Log in as admin." && printf "%s\n" "$1" | grep -qx "             No password."' _ "$text"

# Versions: --version picks the files; the default is the first.
cat >"$A/versions.gns3a" <<'EOF'
{
  "name": "Two Versions", "registry_version": 8,
  "qemu": {"adapter_type": "virtio-net-pci", "adapters": 1, "ram": 64, "console_type": "telnet", "kvm": "disable", "arch": "i386"},
  "images": [
    {"filename": "a-2.qcow2", "version": "2", "md5sum": "22222222222222222222222222222222", "filesize": 2},
    {"filename": "a-1.qcow2", "version": "1", "filesize": 1},
    {"filename": "a.iso", "version": "1"}
  ],
  "versions": [
    {"name": "2", "images": {"hda_disk_image": "a-2.qcow2"}},
    {"name": "1", "images": {"hda_disk_image": "a-1.qcow2", "cdrom_image": "a.iso"}}
  ]
}
EOF
check "versions: the first by default" jq_py '
assert o["version"] == "2" and o["template"]["image"] == "a-2.qcow2", o
assert (o["template"]["accel"], o["template"]["console"], o["template"]["machine"]["arch"]) == ("tcg", "serial", "i386"), o
assert o["unmapped"] == [], o["unmapped"]
' "$("$S" appliance show "$A/versions.gns3a" --json)"
check "versions: --version 1 picks its files" jq_py '
assert o["version"] == "1" and o["template"]["image"] == "a-1.qcow2", o
assert o["template"]["machine"]["cdrom"] == "a.iso", o
assert o["images"]["hda_disk_image"] == {"file": "a-1.qcow2", "filesize": 1}, o["images"]
' "$("$S" appliance show "$A/versions.gns3a" --version 1 --json)"
expect_fail "a version the file does not have" 'no version "3" in this appliance \(its versions: \["2", ?"1"\]\)' "$S" appliance show "$A/versions.gns3a" --version 3
check "sandlab --version still answers before a command" sh -c "'$S' --version | grep -q sandlab"

# Images: the CD-ROM, kernel and initrd map onto the machine; the disks
# hdb to hdd are the template's extra disks on the buses their
# hdX_disk_interface give (virtio when none), bios_image is the machine's
# --bios; console_type vnc makes a VNC-first template.
cat >"$A/disks.gns3a" <<'EOF'
{
  "name": "Disk Box", "registry_version": 5,
  "qemu": {"adapter_type": "e1000", "adapters": 2, "ram": 128, "hda_disk_interface": "sata", "hdb_disk_interface": "scsi", "console_type": "vnc"},
  "images": [
    {"filename": "box.qcow2", "version": "1"}, {"filename": "data.qcow2", "version": "1"},
    {"filename": "spare.qcow2", "version": "1"}, {"filename": "box.iso", "version": "1"},
    {"filename": "vmlinuz", "version": "1"}, {"filename": "initrd.gz", "version": "1"}, {"filename": "box.rom", "version": "1"}
  ],
  "versions": [
    {"name": "1", "images": {"hda_disk_image": "box.qcow2", "hdb_disk_image": "data.qcow2", "hdd_disk_image": "spare.qcow2",
      "cdrom_image": "box.iso", "kernel_image": "vmlinuz", "initrd": "initrd.gz", "bios_image": "box.rom"}}
  ]
}
EOF
check "disks: the template, nothing left out" jq_py '
assert o["template"] == {"console": "vnc", "image": "box.qcow2", "nic_model": "e1000", "nics": 2, "ram_mb": 128,
    "machine": {"cdrom": "box.iso", "disk-bus": "sata", "initrd": "initrd.gz", "kernel": "vmlinuz", "bios": "box.rom"},
    "disks": [{"slot": "hdb_disk_image", "file": "data.qcow2", "bus": "scsi"},
        {"slot": "hdd_disk_image", "file": "spare.qcow2", "bus": "virtio"}]}, o["template"]
assert o["mapped"] == ["qemu.adapter_type", "qemu.adapters", "qemu.ram", "qemu.hda_disk_interface", "qemu.console_type",
    "images.hda_disk_image", "images.cdrom_image", "images.kernel_image", "images.initrd", "images.bios_image",
    "images.hdb_disk_image", "qemu.hdb_disk_interface", "images.hdd_disk_image"], o["mapped"]
assert o["unmapped"] == [], o["unmapped"]
' "$("$S" appliance show "$A/disks.gns3a" --json)"

# -bios in the options: OVMF is UEFI from the host's own OVMF (a note
# says so); any other file is left out, its name as the value.
printf '{"name": "Uefi Box", "registry_version": 6, "qemu": {"adapters": 1, "ram": 256, "options": "-bios /usr/share/qemu/OVMF-edk2.fd"}}\n' >"$A/ovmf.gns3a"
check "options -bios OVMF: firmware uefi, with a note" jq_py '
assert o["template"]["machine"] == {"firmware": "uefi"}, o["template"]
assert "qemu.options -bios" in o["mapped"] and o["unmapped"] == [], o
assert o["notes"][0] == "qemu.options -bios OVMF-edk2.fd: UEFI, booted from the host\x27s OVMF (--firmware uefi), not from that file", o["notes"]
' "$("$S" appliance show "$A/ovmf.gns3a" --json)"
printf '{"name": "Rom Opt", "registry_version": 6, "qemu": {"adapters": 1, "ram": 256, "options": "-bios /opt/vendor/rom.bin -bios"}}\n' >"$A/biosopt.gns3a"
check "options -bios FILE: left out with its file and the reason; a -bios with no file said" jq_py '
assert [(u["field"], u["value"]) for u in o["unmapped"]] == [("qemu.options -bios", "\"/opt/vendor/rom.bin\""),
    ("qemu.options", "\"-bios\"")], o["unmapped"]
assert "bios_image" in o["unmapped"][0]["reason"] and o["unmapped"][1]["reason"] == "-bios needs a value", o["unmapped"]
assert "firmware" not in o["template"].get("machine", {}), o["template"]
' "$("$S" appliance show "$A/biosopt.gns3a" --json)"

# A NIC model this QEMU does not offer, named with what it offers.
cat >"$A/nic.gns3a" <<'EOF'
{"name": "Odd NIC", "registry_version": 3, "qemu": {"adapter_type": "i82559zz", "adapters": 12, "ram": 8, "hda_disk_interface": "pflash", "boot_priority": "x", "weird": 1}}
EOF
check "odd values: each left out with what sandlab takes" jq_py '
u = {x["field"]: x["reason"] for x in o["unmapped"]}
assert "virtio-net-pci" in u["qemu.adapter_type"] and "e1000" in u["qemu.adapter_type"], u
assert "NICs must be between 0 and 8" in u["qemu.adapters"], u
assert "RAM must be between" in u["qemu.ram"], u
assert "virtio, ide, sata or scsi" in u["qemu.hda_disk_interface"], u
assert "c (disk), d (cdrom) and n (network)" in u["qemu.boot_priority"], u
assert u["qemu.weird"] == "not modelled by sandlab", u
assert "nic_model" not in o["template"] and "nics" not in o["template"], o["template"]
assert o["version"] is None and o["notes"] == ["the file lists no versions: no image files to import"], o
' "$("$S" appliance show "$A/nic.gns3a" --json)"

# Refused files.
cat >"$A/arm.gns3a" <<'EOF'
{"name": "ARM board", "registry_version": 6, "qemu": {"adapter_type": "virtio-net-pci", "adapters": 1, "ram": 256, "arch": "aarch64", "console_type": "telnet"}}
EOF
expect_fail "an ARM appliance refused with the reason" 'qemu.arch "aarch64": sandlab runs x86_64 and i386 guests only' "$S" appliance show "$A/arm.gns3a"
printf '{"name": "broken", "registry_version": 4, "qemu": {"ram": 64,}}\n' >"$A/bad.gns3a"
expect_fail "bad JSON refused with its place" 'bad.gns3a: not JSON: line 1, column' "$S" appliance show "$A/bad.gns3a"
printf '{"name": "twice", "registry_version": 4, "registry_version": 5, "qemu": {}}\n' >"$A/dup.gns3a"
expect_fail "a key given twice refused" 'not JSON: .*duplicate' "$S" appliance show "$A/dup.gns3a"
printf '{"name": "future", "registry_version": 9, "qemu": {}}\n' >"$A/v9.gns3a"
expect_fail "registry version 9 refused" 'registry_version 9: this sandlab reads versions 1 to 8' "$S" appliance show "$A/v9.gns3a"
printf '{"name": "box", "registry_version": 6, "docker": {"image": "x"}}\n' >"$A/docker.gns3a"
expect_fail "a docker appliance refused" 'a docker appliance: sandlab runs QEMU appliances only' "$S" appliance show "$A/docker.gns3a"
printf '[1, 2]\n' >"$A/list.gns3a"
expect_fail "JSON that is no appliance refused" 'not a GNS3 appliance' "$S" appliance show "$A/list.gns3a"
expect_fail "a missing file refused" 'cannot open' "$S" appliance show "$A/none.gns3a"
expect_fail "a folder refused" 'not a regular file' "$S" appliance show "$A"
head -c 1100000 /dev/zero | tr '\0' ' ' >"$A/big.gns3a"
expect_fail "a file over 1 MiB refused" 'larger than 1024 KiB' "$S" appliance show "$A/big.gns3a"
printf '{"name": "\\u001b[2Jx", "registry_version": 4, "qemu": {"options": "-name \\u001b]0;t\\u0007"}}\n' >"$A/esc.gns3a"
text=$("$S" appliance show "$A/esc.gns3a")
check "escape sequences in the file reach the terminal sanitised" sh -c '! printf "%s" "$1" | grep -q "$(printf "\033")"' _ "$text"

# Import: the tiny guest as an appliance, its md5 and size computed here.
TINY="$TOP/images/tiny.qcow2"
[ -f "$TINY" ] || bash "$TOP/images/build" tiny >/dev/null
mkdir -p "$A/files"
cp "$TINY" "$A/files/tiny-1.qcow2"
md5=$(md5sum "$A/files/tiny-1.qcow2" | cut -d' ' -f1)
size=$(stat -c %s "$A/files/tiny-1.qcow2")
tiny_appliance() { # FILE MD5 SIZE [QEMU-EXTRA]
	cat >"$1" <<EOF
{"name": "Tiny Guest", "registry_version": 7, "usage": "It echoes what it gets.",
 "qemu": {"adapter_type": "e1000", "adapters": 1, "ram": 32, "console_type": "telnet", "kvm": "disable", "arch": "x86_64"${4:-}},
 "images": [{"filename": "tiny-1.qcow2", "version": "1", "md5sum": "$2", "filesize": $3}],
 "versions": [{"name": "1", "images": {"hda_disk_image": "tiny-1.qcow2"}}]}
EOF
}
"$S" image ls >/dev/null
state() { sqlite3 "$SANDLAB_LAB/lab.db" "SELECT (SELECT count(*) FROM images) || ':' || (SELECT count(*) FROM templates)"; }
tiny_appliance "$A/tiny.gns3a" "$md5" "$size"
expect_fail "import: a file not found is named, with where it was looked for" 'image file tiny-1.qcow2 not found .*--images DIR' "$S" appliance import "$A/tiny.gns3a"
tiny_appliance "$A/badmd5.gns3a" 0123456789abcdef0123456789abcdef "$size"
expect_fail "import: a wrong md5sum refused" "has md5sum $md5; the appliance says 0123456789abcdef0123456789abcdef" "$S" appliance import "$A/badmd5.gns3a" --images "$A/files"
check "import: the wrong md5sum left no image and no template" test "$(state)" = "0:0"
tiny_appliance "$A/badsize.gns3a" "$md5" 12345
expect_fail "import: a wrong size refused" "has $size bytes; the appliance says 12345" "$S" appliance import "$A/badsize.gns3a" --images "$A/files"
# The files pass, the template does not: the image imported for it goes.
tiny_appliance "$A/badtpl.gns3a" "$md5" "$size" ', "kernel_command_line": "console=ttyS0"'
expect_fail "import: a template that cannot be made refused" "needs a kernel.*nothing was imported" "$S" appliance import "$A/badtpl.gns3a" --images "$A/files"
check "import: the refused template left no image behind" test "$(state)" = "0:0"
check "import" "$S" appliance import "$A/tiny.gns3a" --images "$A/files"
check "import made the template and its image" test "$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT t.name, i.name, i.kind, t.ram_mb, t.nics, t.nic_model, t.accel, t.console, t.usage FROM templates t JOIN images i ON i.id = t.image_id")" = "Tiny-Guest-1|Tiny-Guest-1-hda|disk|32|1|e1000|tcg|serial|It echoes what it gets."
expect_fail "import again: the template is there" 'a template named "Tiny-Guest-1" already exists' "$S" appliance import "$A/tiny.gns3a" --images "$A/files"
check "import beside the appliance file, under another name" sh -c "cp '$A/tiny.gns3a' '$A/files/' && '$S' appliance import '$A/files/tiny.gns3a' --name tiny2"
check "node create from the imported template" "$S" node create t1 --template Tiny-Guest-1
check "the node from the appliance boots (its banner)" "$S" node start t1 --wait-for 'tiny login: ' --timeout 120
check "node kill" "$S" node kill t1

# bios_image: imported as kind bios, the template's --bios; a disk given
# as the ROM refuses the whole import, leaving nothing.
cp /usr/share/seabios/bios-256k.bin "$A/files/own.rom"
cp "$TINY" "$A/files/disk.rom"
rmd5=$(md5sum "$A/files/own.rom" | cut -d' ' -f1)
bios_appliance() { # FILE NAME ROM
	cat >"$1" <<EOF
{"name": "$2", "registry_version": 8,
 "qemu": {"adapter_type": "e1000", "adapters": 1, "ram": 32, "console_type": "telnet", "kvm": "disable"},
 "images": [{"filename": "tiny-1.qcow2", "version": "1", "md5sum": "$md5", "filesize": $size},
   {"filename": "$3", "version": "1"}],
 "versions": [{"name": "1", "images": {"hda_disk_image": "tiny-1.qcow2", "bios_image": "$3"}}]}
EOF
}
bios_appliance "$A/rombad.gns3a" "Rom Bad" disk.rom
before=$(state)
expect_fail "bios: a disk image as bios_image refuses the import" 'disk.rom: it is a disk image \(qcow2\), not a BIOS ROM' \
	"$S" appliance import "$A/rombad.gns3a" --images "$A/files"
check "bios: the refused ROM left no image and no template" test "$(state)" = "$before"
bios_appliance "$A/rom.gns3a" "Rom Box" own.rom
check "bios: show maps bios_image onto the machine" jq_py '
assert o["template"]["machine"] == {"bios": "own.rom"}, o["template"]
assert "images.bios_image" in o["mapped"] and o["unmapped"] == [], o
' "$("$S" appliance show "$A/rom.gns3a" --json)"
check "bios: import" "$S" appliance import "$A/rom.gns3a" --images "$A/files"
check "bios: the ROM is an image of kind bios, the template's bios" test \
	"$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT i.name || ':' || i.kind || ':' || i.file_size FROM templates t JOIN images i ON i.id = t.bios_id WHERE t.name = 'Rom-Box-1'")" = "Rom-Box-1-bios:bios:262144"
check "bios: the imported ROM has the file's bytes" sh -c "test \"\$(md5sum '$SANDLAB_LAB'/images/Rom-Box-1-bios.* | cut -d' ' -f1)\" = '$rmd5'"
"$S" node create rb1 --template Rom-Box-1 >/dev/null
check "bios: a node made from it is given the ROM as -bios" sh -c "'$S' node cmd rb1 | grep -qF -- '-bios $SANDLAB_LAB/images/Rom-Box-1-bios.'"
"$S" node rm rb1 >/dev/null

# Extra disks: hdb and hdc imported with the boot disk as the template's
# disks, on the buses their interfaces give; a missing hdb file refuses
# the whole import; past IDE's units, a disk is left out with the reason.
cp "$TINY" "$A/files/box-hdb.qcow2"
cp "$TINY" "$A/files/box-hdc.qcow2"
disk_appliance() { # FILE HDB-FILE [HDB-IFACE HDC-IFACE HDD]
	cat >"$1" <<EOF
{"name": "Disk Guest", "registry_version": 8,
 "qemu": {"adapter_type": "e1000", "adapters": 1, "ram": 32, "console_type": "telnet", "kvm": "disable",
   "hda_disk_interface": "${3:-sata}", "hdb_disk_interface": "${3:-sata}", "hdc_disk_interface": "${4:-scsi}", "hdd_disk_interface": "${3:-sata}"},
 "images": [{"filename": "tiny-1.qcow2", "version": "1", "md5sum": "$md5", "filesize": $size}],
 "versions": [{"name": "1", "images": {"hda_disk_image": "tiny-1.qcow2", "hdb_disk_image": "$2", "hdc_disk_image": "box-hdc.qcow2"${5:-}}}]}
EOF
}
disk_appliance "$A/dmiss.gns3a" missing-hdb.qcow2
before=$(state)
expect_fail "disks: a missing hdb file refused, naming it" '^sandlab: image file missing-hdb.qcow2 not found' "$S" appliance import "$A/dmiss.gns3a" --images "$A/files"
check "disks: the missing hdb left no image and no template" test "$(state)" = "$before"
disk_appliance "$A/dgood.gns3a" box-hdb.qcow2
check "disks: show maps hdb and hdc, nothing left out" jq_py '
assert o["template"]["disks"] == [{"slot": "hdb_disk_image", "file": "box-hdb.qcow2", "bus": "sata"},
    {"slot": "hdc_disk_image", "file": "box-hdc.qcow2", "bus": "scsi"}], o["template"]
assert o["unmapped"] == [], o["unmapped"]
' "$("$S" appliance show "$A/dgood.gns3a" --json)"
check "disks: import" "$S" appliance import "$A/dgood.gns3a" --images "$A/files"
check "disks: the template's disks are the imported images, on their buses" test "$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT group_concat(d.idx || ':' || d.bus || ':' || i.name || ':' || i.kind, ' ') FROM (SELECT * FROM template_disks ORDER BY idx) d JOIN images i ON i.id = d.image_id JOIN templates t ON t.id = d.template_id WHERE t.name = 'Disk-Guest-1'")" = "1:sata:Disk-Guest-1-hdb:disk 2:scsi:Disk-Guest-1-hdc:disk"
check "disks: a node made from it has them" jq_py '
assert [d["disk"] for d in o["disks"]] == ["image:Disk-Guest-1-hdb,bus=sata", "image:Disk-Guest-1-hdc,bus=scsi"], o["disks"]
' "$("$S" node create dg1 --template Disk-Guest-1 --json)"
disk_appliance "$A/dide.gns3a" box-hdb.qcow2 ide ide ', "hdd_disk_image": "box-hdd.qcow2"'
check "disks: a third IDE disk left out with IDE's limit" jq_py '
assert [d["slot"] for d in o["template"]["disks"]] == ["hdb_disk_image", "hdc_disk_image"], o["template"]
assert [(u["field"], u["reason"][:22]) for u in o["unmapped"]] == [("images.hdd_disk_image", "IDE has four units: th")], o["unmapped"]
' "$("$S" appliance show "$A/dide.gns3a" --json)"
disk_appliance "$A/dodd.gns3a" box-hdb.qcow2 sata floppy
check "disks: an interface sandlab has not is left out, its disk on virtio" jq_py '
assert o["template"]["disks"][1] == {"slot": "hdc_disk_image", "file": "box-hdc.qcow2", "bus": "virtio"}, o["template"]
assert [u["field"] for u in o["unmapped"]] == ["qemu.hdc_disk_interface"], o["unmapped"]
' "$("$S" appliance show "$A/dodd.gns3a" --json)"

done_testing
