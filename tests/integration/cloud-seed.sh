#!/usr/bin/env bash
# cloud-seed.sh: cloud-init settings and the NoCloud seed, with the tiny
# guest (fast; cloud-boot.sh boots the real Debian image): node create/set
# --cloud-init/--ci-user/--user-data and their bad input; at start a seed
# ISO labelled cidata with the meta-data, user-data and network-config the
# test expects, attached read-only; an ssh forward added; the host key
# pinned; node cmd shows the seed drive before the start; files 0600; the
# seed left alone when nothing changed and rebuilt
# when something did; a reset and a clone change the instance-id; ssh to a
# node with no NAT NIC, and a start on another host (no seed is made
# there), refused with the reason.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

S=$SANDLAB
# The host user's keys are read from $HOME/.ssh: a home of the test's own.
export HOME="$T/home"
mkdir -p "$HOME/.ssh"
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmEQy7m0ZkWcsv3GhVw2h4m2n8kGm1Lr5qM2p2mFtKx test@sandlab\n' \
	>"$HOME/.ssh/id_test.pub"

lab_image tiny
check "create with cloud-init on and a user" "$S" node create c1 --image tiny --cloud-init on --ci-user alice
check "NAT on eth0" "$S" nic set c1:eth0 --attach user
id=$(node_id c1)
db() { sqlite3 "$SANDLAB_LAB/lab.db" "$1"; }
check "the row: on, alice, generation 1, a 16-letter password" test \
	"$(db "SELECT enabled, user, generation, length(password) FROM cloudinit WHERE node_id = '$id'")" = "1|alice|1|16"
pw=$(db "SELECT password FROM cloudinit WHERE node_id = '$id'")
if "$S" node show c1 | grep -qF "cloud-init: on: user alice, password $pw"; then ok "node show gives user and password"; else not_ok "node show gives user and password" "$("$S" node show c1)"; fi

# Bad input: refused with the reason, nothing changed.
printf 'just text\n' >"$T/plain"
printf '#cloud-config\nusers: [\n' >"$T/broken.yaml"
printf '#cloud-config\n- a list\n' >"$T/list.yaml"
expect_fail "user-data that is neither YAML nor a script" "must start with #cloud-config" "$S" node set c1 --user-data "$T/plain"
expect_fail "broken YAML refused with its place" "not valid YAML: .* line 3" "$S" node set c1 --user-data "$T/broken.yaml"
expect_fail "YAML that is no mapping" "must be a mapping" "$S" node set c1 --user-data "$T/list.yaml"
expect_fail "missing user-data file" "cannot open" "$S" node set c1 --user-data "$T/nothing-here"
head -c 70000 /dev/zero | tr '\0' 'a' | sed '1s/^/#!/' >"$T/big"
expect_fail "oversized user-data" "at most 65536" "$S" node set c1 --user-data "$T/big"
expect_fail "root as the user" "cannot be root" "$S" node set c1 --ci-user root
expect_fail "a user name with a space" "user name is" "$S" node set c1 --ci-user "a b"
expect_fail "cloud-init neither on nor off" "give on or off" "$S" node set c1 --cloud-init yes
expect_fail "bad user-data on create makes no node" "must start with" "$S" node create c9 --image tiny --user-data "$T/plain"
printf '#cloud-config\nruncmd: []\n' >"$T/ok.yaml"
expect_fail "good user-data with a bad --ram makes no node (and leaks nothing)" "--ram" \
	"$S" node create c9 --image tiny --user-data "$T/ok.yaml" --ram 1
check "nothing changed by the refusals" test \
	"$(db "SELECT enabled, user, user_data IS NULL, password FROM cloudinit WHERE node_id = '$id'"),$(db "SELECT count(*) FROM nodes WHERE name = 'c9'")" = "1|alice|1|$pw,0"

# node cmd shows the seed drive a start attaches; none with cloud-init off.
want="file=$SANDLAB_LAB/seeds/$id/seed.iso,format=raw,if=none,id=cidata,media=cdrom,readonly=on"
if "$S" node cmd c1 --json | python3 -c 'import json,sys; sys.exit(0 if sys.argv[1] in json.load(sys.stdin) else 1)' "$want"; then
	ok "node cmd of a stopped node shows the seed drive a start attaches"
else
	not_ok "node cmd of a stopped node shows the seed drive a start attaches" "$("$S" node cmd c1)"
fi
"$S" node create plain1 --image tiny >/dev/null
if ! "$S" node cmd plain1 | grep -q "id=cidata"; then ok "node cmd with cloud-init off has no seed"
else not_ok "node cmd with cloud-init off has no seed" "$("$S" node cmd plain1)"; fi
"$S" node rm plain1 >/dev/null

# Start: the seed is made and attached.
check "c1 starts" "$S" node start c1
dir="$SANDLAB_LAB/seeds/$id"
iso="$dir/seed.iso"
check "seed.iso exists" test -f "$iso"
vol=$(xorriso -indev "$iso" -pvd_info 2>/dev/null | sed -n 's/^Volume Id *: //p')
check "its volume label is cidata" test "$vol" = cidata
mkdir "$T/x"
xorriso -osirrox on -indev "$iso" -extract / "$T/x" >/dev/null 2>&1
check "meta-data: instance-id and hostname" test "$(cat "$T/x/meta-data")" = "instance-id: $id-1
local-hostname: c1"
mac=$(db "SELECT mac FROM nics WHERE node_id = '$id' AND idx = 0")
check "network-config: DHCP on eth0 by its MAC" python3 -c '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d == {"version": 1, "config": [{"type": "physical", "name": "eth0", "mac_address": sys.argv[2],
    "subnets": [{"type": "dhcp"}]}]}, d
' "$T/x/network-config" "$mac"
hostpub=$(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")
check "user-data: alice, sudo, password, the host user's key, sandlab's host key" python3 -c '
import sys, yaml
t = open(sys.argv[1]).read()
assert t.startswith("#cloud-config\n"), t[:40]
d = yaml.safe_load(t)
u = d["users"][0]
assert u["name"] == "alice" and u["sudo"] == "ALL=(ALL) NOPASSWD:ALL", u
assert u["plain_text_passwd"] == sys.argv[2] and u["lock_passwd"] is False, u
assert u["ssh_authorized_keys"] == [open(sys.argv[3]).read().strip()], u
assert d["ssh_keys"]["ed25519_public"] == sys.argv[4], d["ssh_keys"]
assert d["ssh_keys"]["ed25519_private"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----"), d
assert d["ssh_deletekeys"] is True and d["ssh_genkeytypes"] == [] and d["manage_etc_hosts"] is True, d
' "$T/x/user-data" "$pw" "$HOME/.ssh/id_test.pub" "$hostpub"
check "known_hosts pins that key under the node's alias" test \
	"$(cat "$SANDLAB_LAB/known_hosts")" = "sandlab-$id $hostpub"
fwd=$(db "SELECT proto || ':' || guest_port FROM forwards WHERE node_id = '$id'")
check "a forward to guest port 22 was added" test "$fwd" = "tcp:22"
modes=$(stat -c '%a' "$dir" "$iso" "$dir/ssh_host_ed25519_key" "$dir/ssh_host_ed25519_key.pub" \
	"$dir/cidata/user-data" "$SANDLAB_LAB/known_hosts" | tr '\n' ' ')
check "seed folder 0700, its files and known_hosts 0600" test "$modes" = "700 600 600 600 600 600 "
pid=$(run_get c1 qemu_pid)
if tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF "file=$iso,format=raw,if=none,id=cidata,media=cdrom,readonly=on"; then ok "QEMU has the seed as a read-only CD-ROM"; else not_ok "QEMU has the seed as a read-only CD-ROM" "$(tr '\0' ' ' <"/proc/$pid/cmdline")"; fi
check "c1 stops" "$S" node stop c1 --grace 1

# Rebuilt only when its inputs change.
ino=$(stat -c %i "$iso")
"$S" node start c1 >/dev/null && "$S" node stop c1 --grace 1 >/dev/null
check "same inputs: the same seed file" test "$(stat -c %i "$iso")" = "$ino"
printf '#!/bin/sh\necho hi >/run/ran\n' >"$T/script"
check "own user-data (a script)" "$S" node set c1 --user-data "$T/script"
# sandlab's user and password are not in the guest then: not offered.
if "$S" node show c1 | grep -qxF "cloud-init: on: own user-data, so no user of sandlab's (instance-id $id-1)" &&
	! "$S" node show c1 | grep -qF "$pw"; then ok "node show with own user-data offers no login of sandlab's"
else not_ok "node show with own user-data offers no login of sandlab's" "$("$S" node show c1)"; fi
"$S" node start c1 >/dev/null && "$S" node stop c1 --grace 1 >/dev/null
xorriso -osirrox on -indev "$iso" -extract /user-data "$T/ud2" >/dev/null 2>&1
check "changed inputs: a new seed with the user's own user-data" cmp "$T/ud2" "$T/script"
check "the ssh forward was not added twice" test "$(db "SELECT count(*) FROM forwards WHERE node_id = '$id'")" = 1

check "--user-data '' goes back to sandlab's" "$S" node set c1 --user-data ''
check "the row's user-data is gone" test "$(db "SELECT user_data IS NULL FROM cloudinit WHERE node_id = '$id'")" = 1
check "own user-data again" "$S" node set c1 --user-data "$T/script"

# Reset and clone give new instance-ids.
check "reset" "$S" node reset c1
check "a reset raises the generation" test "$(db "SELECT generation FROM cloudinit WHERE node_id = '$id'")" = 2
check "clone" "$S" node clone c1 c2
id2=$(node_id c2)
check "the clone has cloud-init with its own password, generation 1" test \
	"$(db "SELECT a.enabled, a.user, a.generation, a.password <> b.password, a.user_data = b.user_data FROM cloudinit a, cloudinit b WHERE a.node_id = '$id2' AND b.node_id = '$id'")" = "1|alice|1|1|1"
if "$S" node show c2 --json | python3 -c 'import json,sys; c = json.load(sys.stdin)["cloud_init"]; assert c["instance_id"] == sys.argv[1] + "-1" and c["user_data"] == "own", c' "$id2"; then ok "node show --json: the clone's instance-id"; else not_ok "node show --json: the clone's instance-id"; fi

# Off: no seed attached.
check "cloud-init off" "$S" node set c2 --cloud-init off
check "c2 starts without a seed" "$S" node start c2
pid=$(run_get c2 qemu_pid)
if tr '\0' '\n' <"/proc/$pid/cmdline" | grep -q cidata; then not_ok "no seed with cloud-init off"; else ok "no seed with cloud-init off"; fi
expect_fail "ssh to a node with cloud-init off" "cloud-init off" "$S" ssh c2 -- true
"$S" node stop c2 --grace 1 >/dev/null
expect_fail "ssh to a stopped node" "is not running" "$S" ssh c1 -- true

# ssh to a node whose NICs give no way in: no NAT NIC, so no forward.
check "c3: cloud-init on, no NIC" "$S" node create c3 --image tiny --nics 0 --cloud-init on
check "c3 starts" "$S" node start c3
expect_fail "ssh to a node with no NAT NIC" "c3 has no user-mode NAT NIC with a forward to port 22" "$S" ssh c3 -- true
"$S" node kill c3 >/dev/null

# A node on another host gets no seed (it is made for local starts only):
# its start is refused before the host is asked, nothing left running.
check "add host far (nothing listens there)" "$S" host add far 'qemu+ssh://root@127.0.0.1:1/system' --address 127.0.0.1
check "c3 moves to far" "$S" node set c3 --host far
expect_fail "a node on a host with cloud-init on is refused" \
	"cannot start c3: cloud-init seeds are made only for nodes on this machine, not on host far: sandlab node set c3 --cloud-init off, or --host local$" \
	"$S" node start c3
check "c3 is stopped after the refusal" state_is c3 stopped
check "with cloud-init off, the start gets past that to the host" sh -c '
	"$1" node set c3 --cloud-init off >/dev/null
	out=$(timeout 120 "$1" node start c3 2>&1) && exit 1
	printf "%s\n" "$out" | grep -qF "host far is unreachable"' _ "$S"
check "c3 comes back here" "$S" node set c3 --host local --cloud-init on

check "rm removes the rows" "$S" node rm c1 c2 c3
check "no cloudinit rows left" test "$(db "SELECT count(*) FROM cloudinit")" = 0
check "no seed folders left (their keys and passwords)" test -z "$(ls -A "$SANDLAB_LAB/seeds")"
run_done
