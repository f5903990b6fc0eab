#!/usr/bin/env bash
# host-machine.sh: the machine of a node on the test's own libvirt host
# over qemu+ssh (tests/lib-libvirt.sh), as the host runs it: extra disks
# (a blank one and one on an image) as volumes of the pool beside the
# node's disk, each on its bus; the linux ISO uploaded once and put in a
# read-only CD-ROM, and --boot-once cdrom booting it (spent by the
# start); a kernel boot of the linux guest's kernel and initrd, uploaded
# to the pool; UEFI with the host's OVMF and the node's own NVRAM file in
# the pool, the uefi guest booting to its shell; `sandlab vnc` printing
# the address on the host and the ssh -L command, and --tunnel running
# it (an RFB handshake through it), ended by Ctrl-C and by the node's end;
# SeaBIOS's ROM as --bios, uploaded and given as <loader type='rom'>.
# Bad input: a kernel given as the CD-ROM and a disk image imported as an
# ISO are refused; UEFI on a host that offers no OVMF is refused before
# anything is sent there; an ISO upload cut short leaves no volume.
# Three linux boots and one under OVMF, one at a time, under TCG.
# tests/run timeout: 1800
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-libvirt.sh"

S=$SANDLAB
# linux boots in 3-20 s, 60-90 s on a loaded 2-core machine; OVMF adds
# its own start (70 s seen under load)
BOOT_WAIT=${BOOT_WAIT:-300}
# The daemon's UEFI firmware list of its own (qemu.conf's nvram), none of
# whose files exist: with the descriptors masked below, it offers none.
LV_QEMU_CONF='nvram = [ "/nonexistent/OVMF_CODE.fd:/nonexistent/OVMF_VARS.fd" ]'
lv_start
export SANDLAB_REMOTE_POOL_DIR="$LV_DIR/pool"
lab_image tiny
lab_image uefi
"$S" image import "$IMAGES/linux.iso" --name linux-iso >/dev/null
# The linux guest's kernel and initramfs, from its FAT partition at 1 MiB.
qemu-img convert -O raw "$IMAGES/linux.qcow2" "$T/linux.raw"
MTOOLS_SKIP_CHECK=1 MTOOLSRC=/dev/null mcopy -n -i "$T/linux.raw@@1048576" ::/vmlinuz "$T/vmlinuz"
MTOOLS_SKIP_CHECK=1 MTOOLSRC=/dev/null mcopy -n -i "$T/linux.raw@@1048576" ::/initrd.gz "$T/initrd.gz"
rm -f "$T/linux.raw"
"$S" image import "$T/vmlinuz" --name vmlinuz >/dev/null
"$S" image import "$T/initrd.gz" --name initrd --kind initrd >/dev/null
"$S" host add lv "$LV_URI" --address 127.0.0.1 >/dev/null
at_exit _run_cleanup

img_id() { sqlite3 "$SANDLAB_LAB/lab.db" "SELECT id FROM images WHERE name = '$1'"; }
field() { "$S" node show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machine"][sys.argv[1]])' "$2"; }
# xml_check NAME XML PYTHON: PYTHON asserts on d, the parsed XML.
xml_check() {
	local name=$1 xml=$2 code=$3; shift 3
	check "$name" python3 -c "
import sys, xml.etree.ElementTree as ET
d = ET.fromstring(sys.argv[1])
$code" "$xml" "$@"
}
# starts NODE TEXT: starts NODE on lv and waits for TEXT on its console.
starts() {
	local rc=0
	timeout $((BOOT_WAIT + 120)) "$S" node start "$1" --wait-for "$2" --timeout "$BOOT_WAIT" >"$T/start.out" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "rc $rc: $(tail -n 3 "$T/start.out") console: $("$S" console "$1" --log 2>/dev/null | tail -n 3)"
		return 1
	fi
}

# ---- bad input: refused before anything reaches the host
expect_fail "a kernel as the CD-ROM of a remote node is refused" 'image vmlinuz is of kind kernel, not iso' \
	"$S" node create b1 --image tiny --host lv --cdrom vmlinuz
expect_fail "a disk image imported as an ISO is refused" 'it is not an ISO 9660 file' \
	"$S" image import "$IMAGES/tiny.qcow2" --name t2 --kind iso

# A host that offers no OVMF: the test's session daemon reads firmware
# descriptors from its own config folder (qemu/firmware) first, where an
# empty file masks the system's file of the same name (QEMU's firmware
# spec). It asks for pc's capabilities, u1 below for q35's: the daemon
# keeps each machine's answer.
fw="$LV_DIR/config/qemu/firmware"
mkdir -p "$fw"
for f in /usr/share/qemu/firmware/*.json; do : >"$fw/${f##*/}"; done
chown -R "$LV_USER" "$LV_DIR/config/qemu"
"$S" node create u0 --image tiny --ram 64 --nics 0 --host lv --firmware uefi --machine pc >/dev/null
expect_fail "UEFI on a host without OVMF is refused, naming the package" \
	'cannot start u0: firmware uefi: the host offers no UEFI firmware \(OVMF without Secure Boot\); install the ovmf package there' \
	timeout 120 "$S" node start u0
check "and nothing was sent to the host" test -z "$(pool_vols)"
rm -rf "${fw:?}"
"$S" node kill u0 >/dev/null 2>&1 || true
"$S" node rm u0 >/dev/null

# ---- extra disks and the CD-ROM
"$S" node create m1 --image tiny --ram 64 --nics 0 --host lv \
	--disk 1M,bus=ide --disk 2M --disk image:tiny,bus=sata --cdrom linux-iso >/dev/null
dom1=$(lv_dom m1)
iso=$(img_id linux-iso)
tiny=$(img_id tiny)
# An ISO upload cut short: the start fails and no volume of it is left
# (tiny's comes after the machine's files, so nothing is in the pool).
rc=0
out=$(SANDLAB_TEST_UPLOAD_CUT=1048576 timeout 180 "$S" node start m1 2>&1) || rc=$?
check "a start whose ISO upload is cut fails" test "$rc" != 0
check "and says so" has "$out" "the upload was cut after 1048576 bytes"
check "and the pool holds no volume" test -z "$(pool_vols)"

if starts m1 'tiny login: '; then ok "m1 with extra disks and a CD-ROM boots its own disk"; else not_ok "m1 with extra disks and a CD-ROM boots its own disk" "$(tail -n 3 "$T/start.out")"; fi
check "the ISO was uploaded and checked" grep -q "image linux-iso.iso uploaded and checked" "$T/start.out"
check "the pool holds the images, their marks, m1's disk and its extra disks" test "$(pool_vols | tr '\n' ' ')" = \
	"$(printf '%s\n' "image-$tiny" "image-$tiny.ok" "image-$iso" "image-$iso.ok" "$dom1.qcow2" \
		"$dom1.disk1.qcow2" "$dom1.disk2.qcow2" "$dom1.disk3.qcow2" | sort | tr '\n' ' ')"
xml=$(lv_virsh dumpxml "$dom1" 2>&1 || true)
xml_check "the domain has the disks on their buses and the ISO read-only on hdc" "$xml" '
disks = [(x.get("device"), x.find("target").get("dev"), x.find("target").get("bus"),
          x.find("source").get("volume") or x.find("source").get("file"), x.find("readonly") is not None)
         for x in d.findall("devices/disk")]
dom, iso = sys.argv[2], sys.argv[3]
# libvirt lists a running domain'"'"'s disks in an order of its own
assert sorted(disks) == sorted([("disk", "vda", "virtio", dom + ".qcow2", False),
                 ("disk", "hda", "ide", dom + ".disk1.qcow2", False),
                 ("disk", "vdb", "virtio", dom + ".disk2.qcow2", False),
                 ("disk", "sda", "sata", dom + ".disk3.qcow2", False),
                 ("cdrom", "hdc", "ide", sys.argv[4] + "/image-" + iso, True)]), disks' \
	"$dom1" "$iso" "$LV_DIR/pool"
v2=$(lv_virsh vol-dumpxml --pool sandlab "$dom1.disk2.qcow2" 2>&1 || true)
xml_check "the blank disk is a qcow2 of 2 MiB without a backing store" "$v2" '
assert d.find("capacity").text == "2097152", d.find("capacity").text
assert d.find("target/format").get("type") == "qcow2"
assert d.find("backingStore") is None or d.find("backingStore/path") is None'
v3=$(lv_virsh vol-dumpxml --pool sandlab "$dom1.disk3.qcow2" 2>&1 || true)
xml_check "the image disk is an overlay on the uploaded image, its format given" "$v3" "
assert d.find('backingStore/path').text == '$LV_DIR/pool/image-$tiny', d.find('backingStore/path').text
assert d.find('backingStore/format').get('type') == 'qcow2'"
# A medium change while it runs, live through libvirt: eject, the same
# ISO back (on the host already), another ISO (uploaded once, checked).
# cdrom_src: the file in the running domain's CD-ROM drive (hdc), or "".
cdrom_src() {
	lv_virsh dumpxml "$dom1" | python3 -c '
import sys, xml.etree.ElementTree as ET
d = ET.fromstring(sys.stdin.read())
c = [x for x in d.findall("devices/disk") if x.get("device") == "cdrom"]
assert len(c) == 1 and c[0].find("target").get("dev") == "hdc", c
s = c[0].find("source")
print("" if s is None or s.get("file") is None else s.get("file"))'
}
out=$("$S" node cdrom m1 --eject 2>&1) || true
check "node cdrom --eject of a running remote node, live on the host" test "$out" = "m1: host lv: the CD-ROM drive is empty
ejected the CD-ROM of m1"
check "its domain's drive is empty, and the row says none" test "$(cdrom_src):$(field m1 cdrom)" = ":"
out=$("$S" node cdrom m1 linux-iso 2>&1) || true
check "the ISO back in: on the host already, not sent again" has "$out" "^m1: image linux-iso.iso is on the host already$"
check "and the drive holds it" has "$out" "^m1: the CD-ROM drive now holds linux-iso$"
check "its domain's drive has the ISO's volume" test "$(cdrom_src)" = "$LV_DIR/pool/image-$iso"
cp "$IMAGES/linux.iso" "$T/other.iso"
"$S" image import "$T/other.iso" --name other-iso >/dev/null
iso2=$(img_id other-iso)
out=$("$S" node cdrom m1 other-iso 2>&1) || true
check "another ISO goes to the host once, checked" has "$out" "^m1: image other-iso.iso uploaded and checked \\(size and SHA-256\\)$"
check "and into the drive" test "$(cdrom_src):$(field m1 cdrom)" = "$LV_DIR/pool/image-$iso2:other-iso"
check "its volume and mark are in the pool" sh -c 'printf "%s\n" "$1" | grep -qx "image-$2" && printf "%s\n" "$1" | grep -qx "image-$2.ok"' \
	_ "$(pool_vols)" "$iso2"
# Bad input: an ISO whose file is gone here cannot go to the host: the
# message names the host, and the drive and the row keep what they had.
cp "$IMAGES/linux.iso" "$T/gone.iso"
"$S" image import "$T/gone.iso" --name gone-iso >/dev/null
rm -f "$SANDLAB_LAB/images/$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT file FROM images WHERE name = 'gone-iso'")"
expect_fail "an ISO that cannot be sent: refused, naming the host" \
	'cannot change the CD-ROM of m1: cannot put gone-iso on host lv: cannot read the image' \
	"$S" node cdrom m1 gone-iso
check "the drive and the row keep other-iso" test "$(cdrom_src):$(field m1 cdrom)" = "$LV_DIR/pool/image-$iso2:other-iso"
check "node cdrom m1 linux-iso (back for what follows)" "$S" node cdrom m1 linux-iso

# ---- VNC on the host's loopback: the ssh -L command, and --tunnel
vnc=$(lv_virsh vncdisplay "$dom1" 2>/dev/null || true)
vport=$((${vnc##*:} + 5900))
pw=$("$S" vnc m1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["password"])')
out=$("$S" vnc m1 2>&1 || true)
lport=$(text "$out" | sed -n 's/^then connect to 127\.0\.0\.1:\([0-9]*\) .*/\1/p')
check "vnc prints the domain's address on the host" test "$(text "$out" | head -n 1)" = \
	"127.0.0.1:$vport on host lv; reach it with:"
check "and the ssh -L command as the URI reaches the host" test "$(text "$out" | sed -n 2p)" = \
	"  $LV_SSH -N -o ExitOnForwardFailure=yes -L $lport:127.0.0.1:$vport -p $LV_PORT -- root@127.0.0.1"
check "and the password the domain was given" test "$(text "$out" | tail -n 1)" = "password: $pw"
expect_fail "--tunnel of a local node is refused" '--tunnel is for a node on another host; l1 runs here' \
	sh -c "'$S' node create l1 --image tiny --nics 0 >/dev/null && '$S' vnc l1 --tunnel"
# tunnel_up N: starts `sandlab vnc m1 --tunnel` into $T/tun.N; TUN_PID.
tunnel_up() {
	"$S" vnc m1 --tunnel >"$T/tun.$1" 2>&1 &
	TUN_PID=$!
	wait_for 90 grep -q '^127\.0\.0\.1:[0-9]*$' "$T/tun.$1"
}
tun_port() { sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/tun.$1"; }
if tunnel_up 1; then ok "vnc --tunnel forwards a local port"; else not_ok "vnc --tunnel forwards a local port" "$(cat "$T/tun.1")"; fi
ssh_pid=$(pgrep -P "$TUN_PID" | head -n 1 || true)
rfb=$(python3 "$TOP/tests/rfb-auth.py" 127.0.0.1 "$(tun_port 1)" "$pw" 2>&1 || true)
check "an RFB handshake through the tunnel: the domain's password is taken" test "$rfb" = "types 2
auth ok"
kill -INT "$TUN_PID"
rc=0
wait "$TUN_PID" || rc=$?
check "Ctrl-C ends the tunnel" test "$rc" = 0 -a "$(tail -n 1 "$T/tun.1")" = "tunnel closed"
check "and its ssh" test -n "$ssh_pid" -a ! -e "/proc/${ssh_pid:-0}"
tunnel_up 2 || true
check "node kill m1" timeout 60 "$S" node kill m1
rc=0
wait_for 30 pid_gone "$TUN_PID" || true
wait "$TUN_PID" || rc=$?
check "the node's end ends the tunnel" test "$rc" = 0 -a "$(tail -n 1 "$T/tun.2")" = "m1 stopped; tunnel closed"
expect_fail "vnc of a stopped remote node says so" 'm1 is stopped: it has no VNC address' "$S" vnc m1

# ---- boot-once cdrom: the linux ISO this start, spent by it
"$S" node set m1 --boot-once cdrom --ram 256 >/dev/null
if starts m1 'linux# '; then ok "--boot-once cdrom boots the linux ISO on the host"; else not_ok "--boot-once cdrom boots the linux ISO on the host" "$(tail -n 3 "$T/start.out")"; fi
check "the ISO was not uploaded again" grep -q "image linux-iso.iso is on the host already" "$T/start.out"
check "the start spent the boot-once" test "$(field m1 boot-once)" = ""
check "node kill m1" timeout 60 "$S" node kill m1

# ---- a kernel boot
"$S" node create k1 --image tiny --ram 256 --nics 0 --host lv --kernel vmlinuz --initrd initrd \
	--append 'console=ttyS0,115200 quiet rdinit=/init cryptomgr.notests' >/dev/null
if starts k1 'linux# '; then ok "the kernel and initrd boot to the linux shell on the host"; else not_ok "the kernel and initrd boot to the linux shell on the host" "$(tail -n 3 "$T/start.out")"; fi
xml=$(lv_virsh dumpxml "$(lv_dom k1)" 2>&1 || true)
xml_check "the domain boots the uploaded kernel and initrd with the command line" "$xml" "
assert d.find('os/kernel').text == '$LV_DIR/pool/image-$(img_id vmlinuz)', d.find('os/kernel').text
assert d.find('os/initrd').text == '$LV_DIR/pool/image-$(img_id initrd)', d.find('os/initrd').text
assert d.find('os/cmdline').text == 'console=ttyS0,115200 quiet rdinit=/init cryptomgr.notests'"
check "node kill k1" timeout 60 "$S" node kill k1

# ---- a BIOS ROM of the node's own: SeaBIOS's bios-256k.bin, uploaded to
# the pool and given as a loader of type rom, boots the tiny guest
"$S" image import /usr/share/seabios/bios-256k.bin --name sea --kind bios >/dev/null
"$S" node create b1 --image tiny --ram 32 --nics 0 --host lv --bios sea >/dev/null
if starts b1 'tiny login: '; then ok "the tiny guest boots on the uploaded ROM on the host"; else not_ok "the tiny guest boots on the uploaded ROM on the host" "$(tail -n 3 "$T/start.out")"; fi
xml=$(lv_virsh dumpxml "$(lv_dom b1)" 2>&1 || true)
xml_check "the domain has the uploaded ROM as a loader of type rom" "$xml" "
l = d.find('os/loader')
assert l.text == '$LV_DIR/pool/image-$(img_id sea)' and l.get('type') == 'rom', (l.text, l.attrib)"
check "the pool's ROM has the file's bytes" cmp /usr/share/seabios/bios-256k.bin "$LV_DIR/pool/image-$(img_id sea)"
check "node kill b1" timeout 60 "$S" node kill b1

# ---- UEFI with the host's OVMF and the node's own NVRAM
"$S" node create u1 --image uefi --ram 256 --nics 0 --host lv --firmware uefi --machine q35 >/dev/null
dom=$(lv_dom u1)
if starts u1 'linux# '; then ok "the uefi guest boots under the host's OVMF"; else not_ok "the uefi guest boots under the host's OVMF" "$(tail -n 3 "$T/start.out")"; fi
xml=$(lv_virsh dumpxml "$dom" 2>&1 || true)
xml_check "the domain has OVMF's code read-only and the node's NVRAM in the pool" "$xml" "
l = d.find('os/loader')
assert l.text == '/usr/share/OVMF/OVMF_CODE_4M.fd' and l.get('readonly') == 'yes' and l.get('type') == 'pflash', l.text
n = d.find('os/nvram')
assert n.text == '$LV_DIR/pool/$dom.vars.fd' and n.get('template') == '/usr/share/OVMF/OVMF_VARS_4M.fd', n.text"
check "the NVRAM is a volume of the pool named after the node's domain" has "$(pool_vols)" "^$dom\\.vars\\.fd$"
check "node kill u1" timeout 60 "$S" node kill u1

run_done
