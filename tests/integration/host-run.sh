#!/usr/bin/env bash
# host-run.sh: a tiny node on the test's own libvirt host over qemu+ssh
# (tests/lib-libvirt.sh), with the commands of a local node: start (the
# image uploaded once, checked), the banner through `sandlab console`,
# two clients at once, replay on a new attach, one ssh to the host for
# two nodes (made again when its holder is killed, ended with the last),
# node ls and host ls with
# the host's sshd stopped, stop and kill recorded with their reasons,
# kill -9 of its QEMU on the host seen as a crash;
# and bad input: the host unreachable at start, an upload cut short, a
# domain name already taken on the host, a machine libvirt refuses.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-libvirt.sh"

S=$SANDLAB
lv_lab

"$S" node create r1 --image tiny --ram 64 --nics 0 --host lv >/dev/null
id1=$(node_id r1)
dom1=$(lv_dom r1)

# The host unreachable at start: a clear message, nothing made there.
lv_sshd_stop
rc=0
out=$(timeout 120 "$S" node start r1 2>&1) || rc=$?
check "start with the host's sshd stopped fails" test "$rc" != 0
check "and says the host is unreachable" has "$out" "cannot start r1: host lv is unreachable: cannot connect"
check "with the last words of the lab's ssh to it" has "$out" \
	"cannot connect: lv-ssh to root@127\\.0\\.0\\.1 ended: ssh: connect to host 127\\.0\\.0\\.1 port $LV_PORT: Connection refused"
check "and r1 is stopped, its last start failed" ended r1 stopped failed
# Two nodes started at once on a host that does not answer: one ssh
# tries, and the keeper that waited for it takes its answer. The host
# lv2 is lv through a command= that counts its runs and waits 10 s
# first, so the second keeper comes while the first one's ssh runs.
printf '#!/bin/sh\necho run >>%s\nsleep 10\nexec %s "$@"\n' "$T/ssh/runs" "$LV_SSH" >"$T/ssh/count-ssh"
chmod 0700 "$T/ssh/count-ssh"
"$S" host add lv2 "${LV_URI/command=$LV_SSH/command=$T/ssh/count-ssh}" --address 127.0.0.1 >/dev/null
"$S" node create q1 --image tiny --ram 64 --nics 0 --host lv2 >/dev/null
"$S" node create q2 --image tiny --ram 64 --nics 0 --host lv2 >/dev/null
out=$(timeout 120 "$S" node start q1 q2 2>&1) || true
if [ "$(text "$out" | grep -c "^sandlab: cannot start q[12]: host lv2 is unreachable: cannot connect: count-ssh to root@127.0.0.1 ended: ssh: connect to host 127.0.0.1 port $LV_PORT: Connection refused$")" = 2 ]; then
	ok "both starts fail with the ssh's words"
else
	not_ok "both starts fail with the ssh's words" "$out"
fi
check "from one ssh run" test "$(wc -l <"$T/ssh/runs")" = 1
"$S" node rm --force q1 q2 >/dev/null 2>&1
"$S" host rm lv2 >/dev/null
lv_sshd_start
check "nothing was made on the host" test -z "$(pool_vols)$(lv_doms)"

# An upload cut short leaves no volume that could pass for the image.
rc=0
out=$(SANDLAB_TEST_UPLOAD_CUT=65536 timeout 120 "$S" node start r1 2>&1) || rc=$?
check "a start whose upload is cut fails" test "$rc" != 0
check "and says so" has "$out" "the upload was cut after 65536 bytes"
check "and the host's pool holds no volume" test -z "$(pool_vols)"

# The start: upload, check, disk, domain.
out=$(timeout 180 "$S" node start r1 2>&1) || true
if state_is r1 running; then ok "r1 starts on lv"; else not_ok "r1 starts on lv" "$out $(tail -n 5 "$SANDLAB_LAB/logs/$id1.keeper.log")"; fi
check "the image was uploaded and checked" has "$out" "image tiny.qcow2 uploaded and checked \\(size and SHA-256\\)"
img=$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT id FROM images WHERE name = 'tiny'")
check "the pool holds the image, its mark and r1's disk" test "$(pool_vols | tr '\n' ' ')" = \
	"$(printf '%s\n' "image-$img" "image-$img.ok" "$dom1.qcow2" | sort | tr '\n' ' ')"
check "the host runs r1's domain" test "$(lv_doms)" = "$dom1"
volxml=$(lv_virsh vol-dumpxml --pool sandlab "$dom1.qcow2" 2>&1 || true)
check "r1's disk has the image as backing store, its format given" python3 -c '
import sys, xml.etree.ElementTree as ET
v = ET.fromstring(sys.argv[1])
b = v.find("backingStore")
assert b.find("path").text.endswith("/image-" + sys.argv[2]), b.find("path").text
assert b.find("format").get("type") == "qcow2"
assert v.find("target/format").get("type") == "qcow2"' "$volxml" "$img"

console_open 1 r1
if wait_for 60 out_has 1 "tiny login: "; then ok "banner through sandlab console"; else not_ok "banner through sandlab console" "$(cat "$T/cout.1" "$T/cerr.1")"; fi
console_open 2 r1
wait_for 30 out_has 2 "tiny login: " || true
console_send 2 'from-two\r'
console_send 1 'from-one\r'
if wait_for 30 out_has 1 from-two && wait_for 30 out_has 2 from-one; then
	ok "two clients at once see each other's typing"
else
	not_ok "two clients at once see each other's typing" "1: $(tr -d '\r' <"$T/cout.1" | tail -c 200) 2: $(tr -d '\r' <"$T/cout.2" | tail -c 200)"
fi
console_close 2
console_close 1
wait_for 10 pid_gone "$CONSOLE_PID_1" || true
console_open 3 r1
if wait_for 30 out_has 3 from-two && out_has 3 "tiny login: "; then ok "a new attach gets the replay"; else not_ok "a new attach gets the replay" "$(cat "$T/cout.3")"; fi
console_close 3

# The host's sshd stopped while r1 runs: node ls and host ls answer
# within their deadlines, host ls says lv is unreachable; the keeper's
# own connection (an ssh session already open) carries on.
lv_sshd_stop
rc=0
out=$(timeout 30 "$S" node ls) || rc=$?
check "node ls answers with lv's sshd stopped" test "$rc" = 0
check "and shows r1 running on lv" has "$out" "^r1 +lv +tiny +running "
rc=0
out=$(timeout 60 "$S" host ls --timeout 3 --json) || rc=$?
check "host ls answers within its deadline" test "$rc" = 0
check "and shows lv unreachable" python3 -c '
import json, sys
h = {x["name"]: x for x in json.loads(sys.argv[1])}
assert h["lv"]["reachable"] is False and h["lv"]["nodes"] == 1, h["lv"]' "$out"
console_open 4 r1
console_send 4 'while-away\r'
if wait_for 30 out_has 4 $'while-away\r\n'; then ok "the console still echoes"; else not_ok "the console still echoes" "$(cat "$T/cout.4")"; fi
console_close 4
lv_sshd_start

# stop: the tiny guest ignores ACPI; the grace, then destroy.
check "node stop --grace 1" timeout 120 "$S" node stop r1 --grace 1
check "the stop is recorded: destroyed after the grace" ended r1 stopped killed \
	"the guest ignored ACPI powerdown for 1 s; destroyed by node stop"
check "the domain is gone from the host" test -z "$(lv_doms)"
check "r1's disk is kept" has "$(pool_vols)" "^$dom1\\.qcow2$"

# A second node of the same image does not upload it again.
"$S" node create r2 --image tiny --ram 64 --nics 0 --host lv --on-stop poweroff >/dev/null
out=$(timeout 180 "$S" node start r2 2>&1) || true
check "r2 starts" state_is r2 running
check "its image is on the host already" has "$out" "image tiny.qcow2 is on the host already"
check "and was not uploaded again" test "$(text "$out" | grep -c uploading)" = 0

# One ssh for the lab's nodes on lv: r1 and r2 running share it.
out=$(timeout 180 "$S" node start r1 2>&1) || true
if state_is r1 running; then ok "r1 runs beside r2"; else not_ok "r1 runs beside r2" "$out $(tail -n 5 "$SANDLAB_LAB/logs/$id1.keeper.log")"; fi
ssh_pids() {
	local p
	for p in $(pgrep -x ssh || true); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- " $SANDLAB_LAB/run/hosts/lv.sock:" && echo "$p"
	done
	return 0
}
sp=$(ssh_pids)
check "one ssh to lv for both nodes" test "$(echo $sp | wc -w)" = 1
check "and no keeper runs an ssh of its own" test -z "$(for n in r1 r2; do pgrep -P "$(run_get $n keeper_pid)" -x ssh || true; done)"
check "one TCP connection to lv's sshd from here" test "$(ss -Htn state established "( dport = :$LV_PORT )" | wc -l)" = 1
sargv=$(tr '\0' ' ' <"/proc/${sp:-0}/cmdline" 2>/dev/null || true)
check "it forwards the lab's socket to the daemon's (socket=)" has "$sargv" " -L $SANDLAB_LAB/run/hosts/lv\.sock:$LV_SOCK -p $LV_PORT -- root@127\.0\.0\.1 $"
check "with the keepalive and the socket's mask" has "$sargv" " -N -T -o ExitOnForwardFailure=yes -o StreamLocalBindUnlink=yes -o StreamLocalBindMask=0177 -o ServerAliveInterval=5 -o ServerAliveCountMax=3 -L "
hp=$(ps -o ppid= -p "${sp:-0}" | tr -d ' ' || true)
check "started through the URI's command= by its holder" has "$(tr '\0' ' ' <"/proc/${hp:-0}/cmdline" 2>/dev/null || true)" \
	"^sandlab __hostconn $SANDLAB_LAB/run/hosts/lv\.lock $SANDLAB_LAB/run/hosts/lv\.ctl $SANDLAB_LAB/run/hosts/lv\.sock $SANDLAB_LAB/run/hosts/lv\.log -- $LV_SSH -N "
check "run/hosts is the owner's alone" test "$(stat -c %a "$SANDLAB_LAB/run/hosts")" = 700
check "the forwarded socket is 0600" test "$(stat -c %a:%F "$SANDLAB_LAB/run/hosts/lv.sock")" = "600:socket"
check "the holder's socket is 0600" test "$(stat -c %a:%F "$SANDLAB_LAB/run/hosts/lv.ctl")" = "600:socket"
check "node kill r1" timeout 60 "$S" node kill r1
check "the ssh stays for r2" test "$(ssh_pids)" = "$sp"
# The holder killed with SIGKILL: its ssh dies with it, the keeper's
# connection drops, and its reconnect makes a new holder and ssh.
kill -9 "${hp:-0}"
check "the ssh dies with its holder" wait_for 30 pid_gone "${sp:-0}"
id2=$(node_id r2)
held_again() { grep -qF "host lv answers again; holding domain $(lv_dom r2) again" "$SANDLAB_LAB/logs/$id2.keeper.log"; }
check "r2's keeper holds its domain again" wait_for 120 held_again
check "and r2 is running" state_is r2 running
# The new ssh and its holder: an ssh seen while its holder is still
# settling (one that lost the start to another, say) is not the one.
new_ssh() {
	sp=$(ssh_pids)
	[ -n "$sp" ] || return 1
	hp=$(ps -o ppid= -p "$sp" | tr -d ' ' || true)
	[ -n "$hp" ] && [ "$hp" != 1 ] && tr '\0' ' ' <"/proc/$hp/cmdline" 2>/dev/null | grep -q "__hostconn "
}
check "a new ssh to lv, its holder's child" wait_for 60 new_ssh
check "node kill r2" timeout 60 "$S" node kill r2
check "the kill is recorded" ended r2 stopped killed "killed by the user (node kill)"
check "the ssh ends with its last user" wait_for 30 pid_gone "${sp:-0}"
check "and its holder" wait_for 30 pid_gone "${hp:-0}"
check "which removed both sockets" test ! -e "$SANDLAB_LAB/run/hosts/lv.sock" -a ! -e "$SANDLAB_LAB/run/hosts/lv.ctl"

# kill -9 of the QEMU libvirt started for r2: a crash.
timeout 180 "$S" node start r2 >/dev/null 2>&1 || true
qpid=$(pgrep -u "$LV_USER" -f -- "guest=sandlab-.*-r2-" | head -n 1 || true)
check "r2 runs again, its QEMU found under the test's libvirtd" test -n "$qpid"
[ -z "$qpid" ] || kill -9 "$qpid"
check "kill -9 of its QEMU is recorded as a crash" wait_for 60 state_is r2 crashed
check "with the host's word for it" has "$(run_get r2 last_exit.detail)" \
	"^QEMU on host lv ended unexpectedly \\(libvirt: (failed|crashed)\\)$"

# libvirt refusing the XML: its message shown, the disk made for the
# start removed again.
"$S" node create r3 --image tiny --ram 64 --nics 0 --host lv --machine q35 --disk-bus ide >/dev/null
dom3=$(lv_dom r3)
expect_fail "a domain libvirt refuses: its message" \
	'cannot start r3: the host refused the domain: unsupported configuration: IDE controllers are unsupported' \
	timeout 120 "$S" node start r3
check "and r3's disk made for it is gone" test "$(text "$(pool_vols)" | grep -c "^$dom3")" = 0

# A domain of r3's name already on the host: refused, and left alone.
"$S" node set r3 --machine pc >/dev/null
cat >"$T/squat.xml" <<XML
<domain type='qemu'><name>$dom3</name><memory unit='MiB'>16</memory>
<os><type arch='x86_64'>hvm</type></os></domain>
XML
lv_virsh create "$T/squat.xml" >/dev/null
expect_fail "a domain name taken on the host is refused" \
	"cannot start r3: the host already runs a domain named $dom3" timeout 120 "$S" node start r3
check "the domain there is left running" has "$(lv_doms)" "^$dom3$"
lv_virsh destroy "$dom3" >/dev/null

done_testing
