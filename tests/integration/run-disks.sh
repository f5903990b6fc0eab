#!/usr/bin/env bash
# run-disks.sh: extra disks (issue 10) under real QEMU (TCG). The linux
# guest (booted from IDE) sees a blank 64M disk on virtio (vda: its boot
# disk is no virtio one) and a 32M one on virtio-scsi at their sizes; what it writes survives a stop and a start; a
# disk added while it runs waits for the restart (shown as pending), then
# the guest sees it; clone --disk copies what was written; node rm takes
# the files away.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

S=$SANDLAB
lab_image linux
disk_file() { "$S" node show "$1" --json | python3 -c 'import json,sys; print([x["file"] for x in json.load(sys.stdin)["disks"] if x["index"] == int(sys.argv[1])][0])' "$2"; }
pending() { "$S" node show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machine_pending_restart"])'; }
# guest CMD WANT: runs CMD on the node's shell and waits for WANT.
guest() {
	local out
	out=$("$S" expect d1 --timeout 120 --sendline "$1" --expect "$2" 2>&1) ||
		{ echo "$out $("$S" console d1 --log | tail -n 5)"; return 1; }
}

# the boot disk on IDE, first in the boot order (bootindex)
"$S" node create d1 --image linux --ram 256 --disk-bus ide --disk 64M --disk 32M,bus=scsi >/dev/null
f1=$(disk_file d1 1) f2=$(disk_file d1 2)
check "the linux guest boots with its extra disks" "$S" node start d1 --wait-for 'linux# ' --timeout 180
# SCSI targets are scanned after the shell may be up: wait in the guest
check "virtio: the guest sees disk 1 as vda, 64 MiB (131072 sectors)" \
	guest 'echo vda=$(cat /sys/block/vda/size)' 'vda=131072'
# (the IDE boot disk is an sd disk too, its vendor ATA; a SCSI disk's is QEMU)
check "scsi: the guest sees disk 2 on SCSI, 32 MiB (65536 sectors)" \
	guest 's=; i=0; while [ -z "$s" ] && [ $i -lt 120 ]; do for b in /sys/block/sd*; do case "$(cat $b/device/vendor 2>/dev/null)" in QEMU*) s=$(cat $b/size) ;; esac; done; [ -n "$s" ] || sleep 1; i=$((i+1)); done; echo scsi=$s' 'scsi=65536'
check "the guest writes to the blank disk" guest 'printf sandlab-marker >/dev/vda && sync && echo wrote-$?' 'wrote-0'

# a disk added while it runs waits for a restart
check "node set --disk on a running node" "$S" node set d1 --disk 8M
check "node show says the change waits for a restart" test "$(pending d1)" = True
check "node show marks the machine changed" sh -c "'$S' node show d1 | grep -q 'takes effect when it restarts'"
check "stop" "$S" node stop d1 --grace 60
check "the disk files are still there" test -f "$f1" -a -f "$f2"
check "start again" "$S" node start d1 --wait-for 'linux# ' --timeout 180
check "nothing is pending after the restart" test "$(pending d1)" = False
check "what the guest wrote survived the stop and start" guest 'echo got-$(head -c 14 /dev/vda)' 'got-sandlab-marker'
check "the disk added while it ran is vdb, 8 MiB (16384 sectors)" \
	guest 'echo vdb=$(cat /sys/block/vdb/size)' 'vdb=16384'
check "stop" "$S" node stop d1 --grace 60

# clone --disk copies the extra disks as they are (qemu-io's dump shows
# "sandlab-marker" by its bytes: its text column prints '-' as '.')
check "clone --disk" "$S" node clone d1 c1 --disk
check "the clone's disk 1 is a copy holding what the guest wrote" sh -c \
	"qemu-io -f qcow2 -r -c 'read -v 0 16' '$(disk_file c1 1)' | grep -q '73 61 6e 64 6c 61 62 2d 6d 61 72 6b 65 72'"
check "the clone's disk 1 is a file of its own" test "$(disk_file c1 1)" != "$f1"

# node rm takes the files away
c1f=$(disk_file c1 1)
check "node rm" "$S" node rm d1 c1
check "the extra disks' files are gone" sh -c "[ ! -e '$f1' ] && [ ! -e '$f2' ] && [ ! -e '$c1f' ]"
check "no file is left in overlays/" test -z "$(find "$SANDLAB_LAB/overlays" -mindepth 1)"
run_done
