#!/usr/bin/env bash
# cloud-boot.sh: the real Debian 12 cloud image (images/build cloud, made on
# demand and cached outside the checkout) with sandlab's NoCloud seed, under
# TCG, in two boots, one after the other (the fewest that show the root
# disk on both IDE and SATA, and a clone of a disk that has run cloud-init):
#   n1, sandlab's own user-data, its disk on IDE and its NIC an e1000: the
#       seeded user logs in on the serial console with the password `node
#       show` gives; there sudo needs no password, the root disk is on
#       ata_piix, the NIC on e1000, and the hostname and instance-id are
#       the seed's; `sandlab ssh n1 -- hostname` prints n1 through the
#       pinned host key, and a key other than the pinned one is refused.
#   n2, a clone of n1's disk (`node clone --disk`, so cloud-init has run on
#       it as n1) moved to SATA, with the user's own #cloud-config: its
#       user logs in, the file it writes is there, the clone answers its
#       own name, cloud-init ran it as a new instance beside n1's, and
#       its root disk is on ahci.
# Every wait is on the guest's own output; n1 is killed after a sync
# rather than shut down (its ACPI shutdown under TCG checked nothing).
# In make check, tests/run starts the image build when the run starts
# (SANDLAB_CLOUD_BUILD names its log and status files) and runs this test
# last, so the build overlaps the other tests; alone, it builds the image
# itself.
# tests/run timeout: 5400
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

S=$SANDLAB
# cloud_built: the image is there, else not_ok with the build's reason.
# tests/run's build is bounded by its own timeout, which writes a status.
cloud_built() {
	local out rc=0
	if [ -n "${SANDLAB_CLOUD_BUILD:-}" ]; then
		while [ ! -s "$SANDLAB_CLOUD_BUILD.rc" ]; do sleep 1; done
		rc=$(cat "$SANDLAB_CLOUD_BUILD.rc")
		out=$(cat "$SANDLAB_CLOUD_BUILD.log")
		[ "$rc" != 124 ] || out="$out images/build cloud did not finish within its time limit"
	else
		out=$(bash "$TOP/images/build" cloud 2>&1) || rc=$?
	fi
	[ "$rc" = 0 ] && return 0
	not_ok "images/build cloud" "status $rc: $(text "$out" | tail -n 3 | tr '\n' ' ')"
	return 1
}
t_build=$(date +%s)
if ! cloud_built; then
	done_testing
	exit 0
fi
ok "the cloud image is built (waited $(( $(date +%s) - t_build )) s for it)"
# The host user's keys are read from $HOME/.ssh: a home of the test's own.
export HOME="$T/home"
mkdir -p "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -C cloud-test -f "$HOME/.ssh/id_ed25519"
lab_image cloud

# console_login N USER PASSWORD: once cloud-init has finished, log in on
# console N and wait for the shell to answer. Nothing is typed before the
# shell's USER@ prompt: login discards what was typed ahead.
console_login() {
	console_send "$1" '\r'
	wait_for 60 out_has "$1" "login: " || return 1
	console_send "$1" "$2\r"
	wait_for 60 out_has "$1" "Password: " || return 1
	console_send "$1" "$3\r"
	wait_for 120 out_has "$1" "$2@" || return 1
	console_send "$1" 'echo M=$((6*7))\r'
	wait_for 60 out_has "$1" "M=42"
}
tail_of() { tail -c 600 "$T/cout.$1" | tr -d '\r' | tr '\n' ' '; }

"$S" node create n1 --image cloud --ram 512 --cloud-init on --disk-bus ide --nic-model e1000 >/dev/null
"$S" nic set n1:eth0 --attach user >/dev/null
id1=$(node_id n1)
pw=$("$S" node show n1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cloud_init"]["password"])')
check "n1 starts" "$S" node start n1
console_open 1 n1
t0=$(date +%s)
if wait_for 1500 out_has 1 "finished at"; then
	ok "n1: cloud-init finished ($(( $(date +%s) - t0 )) s after start)"
else
	not_ok "n1: cloud-init finished" "$(tail_of 1)"
fi
if console_login 1 lab "$pw"; then ok "n1: user lab logs in on the serial console with the seeded password ($(( $(date +%s) - t0 )) s)"; else not_ok "n1: user lab logs in on the serial console" "$(tail_of 1)"; fi
# Where the root file system is, and which drivers hold its disk's
# controller and the NIC (the PCI device four levels above the SCSI disk);
# then what cloud-init took from the seed. The typed line echoes back
# with $(...) unexpanded, so only the shell's answer matches.
hw_probe() {
	console_send "$1" 'echo "R=$(findmnt -no SOURCE /) D=$(basename $(readlink -f /sys/block/sda/device/../../../../driver)) N=$(basename $(readlink -f /sys/class/net/e*/device/driver))"\r'
	console_send "$1" 'echo "H=$(hostname) I=$(cat /var/lib/cloud/data/instance-id)"; for d in /var/lib/cloud/instances/*; do echo "L=${d##*/}"; done\r'
}
hw_probe 1
console_send 1 'echo "S=$(sudo -n id -u)"\r'
if wait_for 60 out_has 1 "S=0"; then ok "n1: passwordless sudo"; else not_ok "n1: passwordless sudo" "$(tail_of 1)"; fi
if out_has 1 "R=/dev/sda2 D=ata_piix N=e1000"; then ok "n1 runs with its disk on IDE and an e1000 NIC"; else not_ok "n1 runs with its disk on IDE and an e1000 NIC" "$(tail_of 1)"; fi
if out_has 1 "H=n1 I=$id1-1" && out_has 1 "L=$id1-1"; then ok "n1: its hostname and instance-id are the seed's ($id1-1)"; else not_ok "n1: its hostname and instance-id are the seed's" "$(tail_of 1)"; fi

rc=0
out=$(timeout 120 "$S" ssh n1 -- hostname </dev/null 2>"$T/ssh.err") || rc=$?
if [ "$rc" = 0 ] && [ "$out" = n1 ]; then ok "sandlab ssh n1 -- hostname prints n1 ($(( $(date +%s) - t0 )) s)"; else not_ok "sandlab ssh n1 -- hostname prints n1" "status $rc: $out $(cat "$T/ssh.err")"; fi
# A host key that is not the pinned one is refused.
cp "$SANDLAB_LAB/known_hosts" "$T/kh.good"
sed -i 's/ ssh-ed25519 .*/ ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmEQy7m0ZkWcsv3GhVw2h4m2n8kGm1Lr5qM2p2mFtKx/' "$SANDLAB_LAB/known_hosts"
rc=0
out=$(timeout 120 "$S" ssh n1 -- hostname </dev/null 2>&1) || rc=$?
if [ "$rc" != 0 ] && text "$out" | grep -q "HOST IDENTIFICATION HAS CHANGED"; then ok "a host key other than the pinned one is refused"; else not_ok "a host key other than the pinned one is refused" "status $rc: $out"; fi
cp "$T/kh.good" "$SANDLAB_LAB/known_hosts"
# n1's disk is what the clone starts from: written out, then n1 is
# killed: an ACPI shutdown under TCG would be guest time that checks
# nothing here, and the clone's ext4 replays its journal.
console_send 1 'sync; echo "Y=$((40+2))"\r'
if wait_for 60 out_has 1 "Y=42"; then ok "n1: its disk is synced"; else not_ok "n1: its disk is synced" "$(tail_of 1)"; fi
console_close 1
check "n1 is killed" "$S" node kill n1

# n2: a clone of n1's disk, which has run cloud-init as n1, with the
# user's own user-data and its disk on SATA. Only a new instance-id makes
# cloud-init run its per-instance modules again (write_files, users).
cat >"$T/own.yaml" <<'YAML'
#cloud-config
users:
  - name: tester
    shell: /bin/bash
    lock_passwd: false
    plain_text_passwd: Sandlab-Test-7
write_files:
  - path: /run/sandlab-own-user-data
    content: "own user-data ran\n"
YAML
check "clone n1 to n2 with its disk" "$S" node clone n1 n2 --disk
id2=$(node_id n2)
check "n2 takes its own user-data and the SATA bus" "$S" node set n2 --user-data "$T/own.yaml" --disk-bus sata
check "n2 starts" "$S" node start n2
console_open 2 n2
t0=$(date +%s)
if wait_for 1500 out_has 2 "finished at"; then ok "n2: cloud-init ran again on the clone ($(( $(date +%s) - t0 )) s after start)"; else not_ok "n2: cloud-init ran again on the clone" "$(tail_of 2)"; fi
if console_login 2 tester Sandlab-Test-7; then ok "n2: the user of its own user-data logs in"; else not_ok "n2: the user of its own user-data logs in" "$(tail_of 2)"; fi
hw_probe 2
console_send 2 'echo "F=$(cat /run/sandlab-own-user-data)"\r'
if wait_for 60 out_has 2 "F=own user-data ran"; then ok "n2: its own user-data wrote the file"; else not_ok "n2: its own user-data wrote the file" "$(tail_of 2)"; fi
# cloud-init keeps a folder per instance it has run: n1's came with the
# disk, n2's is new.
if out_has 2 "H=n2 I=$id2-1" && out_has 2 "L=$id1-1" && out_has 2 "L=$id2-1"; then ok "n2 answers its own name, with its own instance-id beside n1's"; else not_ok "n2 answers its own name, with its own instance-id beside n1's" "$(tail_of 2)"; fi
if out_has 2 "R=/dev/sda2 D=ahci N=e1000"; then ok "n2 runs with its disk on SATA"; else not_ok "n2 runs with its disk on SATA" "$(tail_of 2)"; fi
console_close 2

run_done
