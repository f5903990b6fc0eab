#!/usr/bin/env bash
# host-life.sh: a remote node's life past its connection and its keeper,
# on the test's own libvirt host over qemu+ssh (tests/lib-libvirt.sh).
# A real drop (the host's sshd stopped, then the lab's one ssh to it
# killed): node ls, node show and the console say the host is
# unreachable; when sshd is back the keeper takes the domain again and
# the console goes on, its replay whole. A domain destroyed while the
# host was away is recorded as gone. A kill while the host is away lets
# go of the domain. A keeper killed with SIGKILL leaves the node
# orphaned; node start takes its domain over (console, stop, and its VNC
# given the new keeper's password: `sandlab vnc` gives the one that
# works, an RFB handshake shows it). A domain
# of the node's name that is not this node's is refused and left alone.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-libvirt.sh"

S=$SANDLAB
lv_lab

# start NODE: node start with a deadline; its output in $out.
start() { out=$(timeout 180 "$S" node start "$1" 2>&1) || true; }

"$S" node create r1 --image tiny --ram 64 --nics 0 --host lv >/dev/null
id1=$(node_id r1)
dom1=$(lv_dom r1)
start r1
if state_is r1 running; then ok "r1 starts on lv"; else not_ok "r1 starts on lv" "$out"; fi
check "its domain says whose it is" test "$(lv_virsh desc "$dom1")" = "sandlab node $id1"

console_open 1 r1
check "banner through sandlab console" wait_for 60 out_has 1 "tiny login: "
console_send 1 'before-drop\r'
check "the guest echoes" wait_for 30 out_has 1 $'before-drop\r\n'

# The drop: unreachable everywhere, the console client stays.
lv_drop r1
check "the lab's ssh to lv was found and killed" test -n "$lv_dropped"
check "node show says r1 is unreachable" wait_for 60 state_is r1 unreachable
check "node ls says so" has "$("$S" node ls)" "^r1 +lv +tiny +unreachable "
check "node show's text says so" has "$("$S" node show r1)" "^state: +unreachable$"
check "the console client is told, and stays" wait_for 30 out_has 1 \
	"[sandlab: host lv is unreachable; the console goes on when it answers again]"
check "the keeper says its schedule" has "$(cat "$SANDLAB_LAB/logs/$id1.keeper.log")" \
	"the connection to host lv was lost; trying again after 1, 2, 4, 8 and 16 s, then every 30 s"
check "the domain runs on, on the host" test "$(lv_doms)" = "$dom1"

# The host answers again: the same domain, the same console.
lv_sshd_start
check "r1 is running again once lv answers" wait_for 120 state_is r1 running
check "the console client is told" wait_for 30 out_has 1 "[sandlab: host lv answers again]"
console_send 1 'after-drop\r'
check "the console goes on" wait_for 30 out_has 1 $'after-drop\r\n'
console_open 2 r1
if wait_for 30 out_has 2 $'after-drop\r\n' && out_has 2 "tiny login: " && out_has 2 $'before-drop\r\n'; then
	ok "a new attach gets the whole replay, before and after the drop"
else
	not_ok "a new attach gets the whole replay, before and after the drop" "$(cat "$T/cout.2")"
fi
check "the replay holds the guest's bytes only" test "$(grep -c "sandlab:" "$T/cout.2" || true)" = 0
console_close 2
console_close 1

# The domain destroyed while the host was away: recorded as gone.
lv_drop r1
check "a second drop" wait_for 60 state_is r1 unreachable
lv_virsh destroy "$dom1" >/dev/null
lv_sshd_start
check "the run ends when lv answers without the domain" wait_for 120 state_is r1 crashed
check "with that reason" ended r1 crashed crashed "domain $dom1 was gone from host lv when it answered again"

# A kill while the host is away: the keeper lets go; node start takes
# the domain back when the host answers.
start r1
check "r1 starts again" state_is r1 running
lv_drop r1
check "a third drop" wait_for 60 state_is r1 unreachable
check "node kill while lv is unreachable" timeout 60 "$S" node kill r1
check "the keeper let go, and says where the domain is" ended r1 stopped lost \
	"host lv was unreachable: let go of domain $dom1, which may still run there"
lv_sshd_start
check "the domain runs on, on the host" test "$(lv_doms)" = "$dom1"

# A keeper killed with SIGKILL: orphaned, then taken over by node start.
start r1
check "node start takes the let-go domain over" has "$out" \
	"host lv runs domain $dom1 already, this node's \\(its keeper had died\\): taking it over"
check "and r1 runs" state_is r1 running
# vnc_json KEY: KEY of `sandlab vnc r1 --json` (its port on the host, its password).
vnc_json() { "$S" vnc r1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# rfb PASSWORD: an RFB handshake with the domain's VNC (the test's host's loopback is ours).
rfb() { python3 "$TOP/tests/rfb-auth.py" 127.0.0.1 "$(vnc_json remote_port)" "$1" 2>&1 || true; }
check "the domain taken over got this keeper's VNC password" has "$out" "gave the domain's VNC a new password"
pw_old=$(vnc_json password)
check "sandlab vnc gives the password that works" test "$(rfb "$pw_old")" = "types 2
auth ok"
kp=$(run_get r1 keeper_pid)
kill -9 "$kp"
check "a keeper killed with SIGKILL leaves r1 orphaned" wait_for 30 state_is r1 orphaned
no_lab_ssh() { test -z "$(lv_conn_ssh r1)"; }
check "and the lab's ssh to lv ends with its last user" wait_for 30 no_lab_ssh
check "node ls says so" has "$("$S" node ls)" "^r1 +lv +tiny +orphaned "
check "and why" test "$(run_get r1 last_exit.detail)" = \
	"its keeper (pid $kp) died while the node was running; its domain may still run on host lv (node start takes it over)"
check "the domain runs on, on the host" test "$(lv_doms)" = "$dom1"
start r1
check "node start takes it over" has "$out" "taking it over"
check "r1 runs" state_is r1 running
pw_new=$(vnc_json password)
check "the new keeper's password is new" test -n "$pw_new" -a "$pw_new" != "$pw_old"
check "and it is the one that works" test "$(rfb "$pw_new")" = "types 2
auth ok"
check "the dead keeper's password no longer does" test "$(rfb "$pw_old")" = "types 2
auth failed"
console_open 3 r1
console_send 3 'adopted\r'
check "the console of the domain taken over works" wait_for 30 out_has 3 $'adopted\r\n'
console_close 3
check "node stop --grace 1" timeout 120 "$S" node stop r1 --grace 1
check "stops it, recorded as usual" ended r1 stopped killed \
	"the guest ignored ACPI powerdown for 1 s; destroyed by node stop"
check "the domain is gone from the host" test -z "$(lv_doms)"

# A domain of r1's name that is another's: refused, and left alone.
cat >"$T/squat.xml" <<XML
<domain type='qemu'><name>$dom1</name><description>sandlab node not-$id1</description>
<memory unit='MiB'>16</memory><os><type arch='x86_64'>hvm</type></os></domain>
XML
lv_virsh create "$T/squat.xml" >/dev/null
expect_fail "a domain of r1's name that is not r1's is refused" \
	"cannot start r1: the host already runs a domain named $dom1 that is not this node's \\(its description says otherwise\\); it is left alone" \
	timeout 120 "$S" node start r1
check "the domain there is left running" test "$(lv_doms)" = "$dom1"
lv_virsh destroy "$dom1" >/dev/null

done_testing
