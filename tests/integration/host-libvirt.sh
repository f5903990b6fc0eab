#!/usr/bin/env bash
# Hosts through libvirt, against the test's own libvirtd reached over ssh
# (tests/lib-libvirt.sh): host add, ls and rm with bad input refused; host
# ls reports what the daemon says (versions, KVM, CPUs, memory) and a host
# that does not answer (its sshd stopped, or a port that never speaks)
# shows unreachable within the timeout, without hanging; host rm is
# refused while a node is placed there; nothing of the test listens off
# loopback, and ssh writes nothing outside the test's folder.
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-libvirt.sh"

S=$SANDLAB
# ssh reaches the test's sshd with the test's own known_hosts only.
kh_sum() { if [ -e /root/.ssh/known_hosts ]; then sha256sum </root/.ssh/known_hosts; else echo none; fi; }
kh_before=$(kh_sum)
lv_start

check "add the libvirt host" "$S" host add lv "$LV_URI" --address 127.0.0.1
expect_fail "a second host of the same name is refused" 'already a host named LV' \
	"$S" host add LV "$LV_URI"
expect_fail "local is not a name to add" 'own host, always there' "$S" host add local "$LV_URI"
expect_fail "a bad host name is refused" 'host name' "$S" host add 'a b' "$LV_URI"
expect_fail "a URI that is not libvirt's is refused" "libvirt QEMU URI" \
	"$S" host add h2 'http://127.0.0.1/'
expect_fail "a URI with a space is refused" "no spaces" "$S" host add h2 'qemu:///system x'
expect_fail "a bad address is refused" '"10.0.0" is not an IPv4 or IPv6 address' \
	"$S" host add h2 "$LV_URI" --address 10.0.0
check "refused adds left one host row" test "$(sqlite3 "$SANDLAB_LAB/lab.db" 'SELECT group_concat(name) FROM hosts')" = lv

# What the daemon itself says, through virsh on its socket.
want_lv=$(lv_virsh version | sed -n 's/^Using library: libvirt //p')
want_qemu=$(lv_virsh version | sed -n 's/^Running hypervisor: QEMU //p')
want_cpus=$(lv_virsh nodeinfo | sed -n 's/^CPU(s): *//p')
if lv_virsh capabilities | grep -q "domain type='kvm'"; then want_kvm=True; else want_kvm=False; fi
# The machine running the tests may be loaded: an ssh login alone took
# 5 s here under load, so the answers that must come get a minute.
json=$("$S" host ls --timeout 60 --json)
check "host ls: local and lv, lv up with its versions, KVM and CPUs" python3 -c '
import json, sys
h = {x["name"]: x for x in json.loads(sys.argv[1])}
assert sorted(h) == ["local", "lv"], h
lv = h["lv"]
assert lv["reachable"] is True, lv
assert lv["libvirt"] == sys.argv[2] and lv["qemu"] == sys.argv[3], lv
assert lv["cpus"] == int(sys.argv[4]) and str(lv["kvm"]) == sys.argv[5], lv
assert 0 < lv["mem_free"] <= lv["mem_total"], lv
assert lv["address"] == "127.0.0.1" and lv["nodes"] == 0, lv
assert h["local"]["reachable"] is True and h["local"]["uri"] is None, h
' "$json" "$want_lv" "$want_qemu" "$want_cpus" "$want_kvm"
out=$("$S" host ls --timeout 60)
check "host ls table: lv up" sh -c 'printf "%s\n" "$1" | grep -Eq "^lv +up +$2 +$3 "' _ "$out" "$want_lv" "$want_qemu"

# Nothing of the test's host listens off loopback (sshd, libvirtd).
bad=$(lv_listeners | grep -Ev '^(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):' || true)
check "the libvirt host listens on loopback only" test -z "$bad"

# A port that accepts and never speaks: ssh waits for a banner forever,
# so only the deadline ends the question.
mute=$(free_port tcp)
hold_port tcp "$mute"
check "add a host that never answers" "$S" host add mute \
	"qemu+ssh://root@127.0.0.1:$mute/session?command=$LV_SSH"
lv_sshd_stop
rc=0
out=$(timeout 60 "$S" host ls --timeout 2 --json) || rc=$?
check "host ls returns with lv's sshd stopped and a mute host" test "$rc" = 0
check "lv unreachable (connection refused), mute unreachable (no answer within 2.0 s)" python3 -c '
import json, sys
h = {x["name"]: x for x in json.loads(sys.argv[1])}
assert h["lv"]["reachable"] is False and "cannot connect" in h["lv"]["error"], h["lv"]
assert h["mute"]["reachable"] is False and h["mute"]["error"] == "no answer within 2.0 s", h["mute"]
assert h["local"]["reachable"] is True, h
' "$out"
check "no probe and no ssh of one is left behind" sh -c \
	'! pgrep -f -- "^$1 host ls" >/dev/null && ! pgrep -f -- "^ssh .*-p $2 " >/dev/null' _ "$S" "$mute"
lv_sshd_start
# A node placed on lv (placement asks the host nothing).
TINY="$TOP/images/tiny.qcow2"
[ -f "$TINY" ] || bash "$TOP/images/build" tiny >/dev/null
"$S" image import "$TINY" --name tiny >/dev/null 2>&1
check "create a node placed on lv" "$S" node create r1 --image tiny --host lv
# The mute host has had its checks: with its listener gone it is refused
# at once, and host ls no longer waits its whole 60 s deadline for it.
unhold_port "$mute"
check "host ls: lv up again once its sshd is back, with its one node" sh -c \
	'"$1" host ls --timeout 60 --json | python3 -c "import json,sys; h={x[\"name\"]: x for x in json.load(sys.stdin)}; assert h[\"lv\"][\"reachable\"] and h[\"lv\"][\"nodes\"] == 1, h"' _ "$S"
expect_fail "host rm lv is refused while r1 is placed there" 'host lv has 1 node placed on it \(r1\)' \
	"$S" host rm lv

check "host rm mute" "$S" host rm mute
expect_fail "host rm of no such host" 'no host named "mute"' "$S" host rm mute
expect_fail "local cannot be removed" 'cannot be removed' "$S" host rm local
check "root's known_hosts is as it was" test "$(kh_sum)" = "$kh_before"
check "ssh used the test's known_hosts, which holds its host key only" \
	test "$(wc -l <"$T/ssh/known_hosts")" = 1

done_testing
