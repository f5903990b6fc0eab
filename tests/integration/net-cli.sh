#!/usr/bin/env bash
# net-cli.sh: NICs, forwards and links from the CLI, and every refusal
# leaving the lab as it was; ports checked at start; snapshots and disk
# clones refused while a node runs; NIC changes to a running node waiting
# for its restart, link changes in effect at once; start and stop of all
# nodes. The tiny guest where a node must run. (Lab files, clones and
# snapshots: net-labfile.sh.)
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

DB="$SANDLAB_LAB/lab.db"
lab_image tiny

"$SANDLAB" node create a --image tiny --nics 2 >/dev/null
"$SANDLAB" node create b --image tiny --nics 2 >/dev/null
"$SANDLAB" node create c --image tiny --nics 1 >/dev/null

# ---- NICs and links ----
out=$("$SANDLAB" nic ls a)
if text "$out" | grep -Eq '^eth0 +virtio-net-pci +52:54:00:[0-9a-f:]{8} +none' &&
   text "$out" | grep -q '^eth1 '; then ok "nic ls: two virtio NICs with MACs, attached to nothing"; else not_ok "nic ls" "$out"; fi

out=$("$SANDLAB" link add a:eth1 b:eth0)
ports=$(sqlite3 "$DB" "SELECT a_port || ' ' || b_port FROM links")
set -- $ports
if [ "$1" -ge 40000 ] && [ "$1" -le 49999 ] && [ "$2" -ge 40000 ] && [ "$2" -le 49999 ] && [ "$1" != "$2" ] &&
   text "$out" | grep -q "linked a:eth1 - b:eth0 (udp 127.0.0.1:$1 <-> 127.0.0.1:$2); it is used from the next start"; then
	ok "link add: two loopback UDP ports from 40000-49999 ($1, $2)"; else not_ok "link add" "$out / $ports"; fi
if "$SANDLAB" link ls | grep -Eq "a:eth1 +b:eth0 +$1-$2 +up +- +- +stopped, stopped"; then ok "link ls shows the link"; else not_ok "link ls" "$("$SANDLAB" link ls)"; fi
# QEMU's NICs are plugged into the keeper's wire (fd 4 + N); the link's
# UDP ports are the wire's, so they are not on QEMU's command line.
if "$SANDLAB" node cmd a 2>/dev/null | grep -q -- "-netdev dgram,id=net1,local.type=fd,local.str=5 " &&
   ! "$SANDLAB" node cmd a 2>/dev/null | grep -q -- "port=$1"; then
	ok "node cmd: the linked NIC is a -netdev dgram on the wire's socket"; else not_ok "node cmd dgram" "$("$SANDLAB" node cmd a 2>&1)"; fi
if "$SANDLAB" node cmd b 2>/dev/null | grep -q -- "-netdev dgram,id=net0,local.type=fd,local.str=4 "; then
	ok "node cmd: the other end too"; else not_ok "node cmd other end" "$("$SANDLAB" node cmd b 2>&1)"; fi

refused "link add: a NIC already linked" "a:eth1 is already linked to b:eth0" "$SANDLAB" link add a:eth1 c:eth0
refused "link add: the b end of a link cannot be the a end of another" "b:eth0 is already linked to a:eth1" \
	"$SANDLAB" link add b:eth0 c:eth0
refused "link add: the other way round too" "b:eth0 is already linked" "$SANDLAB" link add c:eth0 b:eth0
refused "link add: an unknown option" 'unknown option "--bogus"' "$SANDLAB" link add a:eth0 b:eth1 --bogus
refused "link add: a node to itself" "two different nodes; a:eth0 and a:eth1 are both on a" "$SANDLAB" link add a:eth0 a:eth1
refused "link add: a NIC to itself" "two different nodes" "$SANDLAB" link add c:eth0 c:eth0
refused "link add: a NIC the node lacks" "c has no eth5 .*node set c --nics 6" "$SANDLAB" link add a:eth0 c:eth5
refused "link add: no such node" 'no node named "zz"' "$SANDLAB" link add a:eth0 zz:eth0
refused "link add: not a NIC reference" "is not a NIC" "$SANDLAB" link add a:eth0 c:nic0
refused "link add: a name with escapes is shown sanitised" '\\x1b' "$SANDLAB" link add a:eth0 $'c\e[2J:eth0'

"$SANDLAB" nic set c:eth0 --attach user >/dev/null
refused "link add: a NIC on user-mode NAT" "uses user-mode NAT; detach it first" "$SANDLAB" link add a:eth0 c:eth0
mac_a0=$(nic_mac a 0)
refused "nic set: a MAC collision" "MAC $mac_a0 is already used by a:eth0" "$SANDLAB" nic set c:eth0 --mac "$mac_a0"
refused "nic set: the same MAC in capitals" "already used by a:eth0" "$SANDLAB" nic set c:eth0 --mac "${mac_a0^^}"
refused "nic set: a multicast MAC" "multicast" "$SANDLAB" nic set c:eth0 --mac 01:00:5e:00:00:01
refused "nic set: a malformed MAC" "six pairs of hex digits" "$SANDLAB" nic set c:eth0 --mac 52:54:00:zz:00:01
refused "nic set: an unknown model names what this QEMU offers" "model \"rtl8193\": not a NIC model of qemu-system-x86_64; it offers e1000 " "$SANDLAB" nic set c:eth0 --model rtl8193
refused "nic set: a model with an option riding along" "NIC model \"e1000,romfile=/x\"" "$SANDLAB" nic set c:eth0 --model e1000,romfile=/x
refused "nic set: attach link by hand" "link add" "$SANDLAB" nic set c:eth0 --attach link
refused "nic set: detaching a linked NIC" "a:eth1 is linked to b:eth0; remove the link first" "$SANDLAB" nic set a:eth1 --attach none
check "nic set: a MAC of one's own" "$SANDLAB" nic set c:eth0 --mac 52:54:00:AB:CD:EF
if [ "$(nic_mac c 0)" = 52:54:00:ab:cd:ef ]; then ok "the MAC is kept in lowercase"; else not_ok "MAC lowercase" "$(nic_mac c 0)"; fi
check "nic set --model e1000" "$SANDLAB" nic set b:eth1 --model e1000

refused "node set --nics: not below a linked NIC" "a:eth1 is linked to b:eth0; remove the link first" "$SANDLAB" node set a --nics 1

# ---- forwards ----
check "nic forward" "$SANDLAB" nic forward c:eth0 tcp:2222:22
if "$SANDLAB" node cmd c 2>/dev/null | grep -q -- "-netdev user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22"; then ok "node cmd: user-mode NAT forwards from 127.0.0.1 only"; else not_ok "hostfwd" "$("$SANDLAB" node cmd c 2>&1)"; fi
"$SANDLAB" nic set a:eth0 --attach user >/dev/null
refused "nic forward: a host port already forwarded" "tcp 2222 is already forwarded to c:eth0 port 22" "$SANDLAB" nic forward a:eth0 tcp:2222:23
refused "nic forward: a NIC without NAT" "not user-mode NAT" "$SANDLAB" nic forward b:eth1 tcp:2300:22
refused "nic forward: a host port in the link range" "40000-49999" "$SANDLAB" nic forward a:eth0 tcp:40500:22
refused "nic forward: a malformed forward" "PROTO:HOSTPORT:GUESTPORT" "$SANDLAB" nic forward a:eth0 tcp:22
refused "nic set: no detach while forwards remain" "remove its forwards first" "$SANDLAB" nic set c:eth0 --attach none
refused "nic unforward: no such forward" "forwards no tcp host port 2299" "$SANDLAB" nic unforward c:eth0 tcp:2299
check "nic forward udp" "$SANDLAB" nic forward c:eth0 udp:5353:53
check "nic unforward" "$SANDLAB" nic unforward c:eth0 udp:5353
if [ "$(sqlite3 "$DB" "SELECT count(*) FROM forwards")" = 1 ]; then ok "one forward left"; else not_ok "forwards" "$(sqlite3 "$DB" 'SELECT * FROM forwards')"; fi

refused "node set --nics: not below a NIC with forwards" "c:eth0 forwards tcp:2222:22; remove its forwards first" "$SANDLAB" node set c --nics 0

# ---- a running node: refusals, ports checked at start, pending changes ----
"$SANDLAB" node create t --image tiny --ram 32 --nics 2 >/dev/null
"$SANDLAB" nic set t:eth0 --attach user >/dev/null
hp=$(free_port tcp)
"$SANDLAB" nic forward t:eth0 "tcp:$hp:22" >/dev/null
"$SANDLAB" nic unforward c:eth0 tcp:2222 >/dev/null
"$SANDLAB" nic set c:eth0 --attach none >/dev/null
"$SANDLAB" link add t:eth1 c:eth0 >/dev/null
up=$(sqlite3 "$DB" "SELECT CASE WHEN a_node = n.id THEN a_port ELSE b_port END FROM links, nodes n WHERE n.name = 't' AND (a_node = n.id OR b_node = n.id)")

# Another program holds the forward's host port, then the link's port.
hold_port tcp "$hp"
expect_fail "start refused: the forward's host port is taken" "host port tcp 127.0.0.1:$hp \(forwarded to t:eth0 port 22\) is in use by another program; free it, or forward another port \(sandlab nic unforward t:eth0 tcp:$hp:22\)$" "$SANDLAB" node start t
unhold_port "$hp"
hold_port udp "$up"
# The whole message, its advice at the end too: the keeper's reason
# was once cut at 159 bytes, mid-advice.
expect_fail "start refused: the link's UDP port is taken" "UDP port $up on 127.0.0.1, the end of the link t:eth1 - c:eth0, is in use by another program; free it, or give the link new ports \(sandlab link rm t:eth1, then link add again\)$" "$SANDLAB" node start t
# Kept whole for later too (the runs row kept 160 bytes of it once).
want="UDP port $up on 127.0.0.1, the end of the link t:eth1 - c:eth0, is in use by another program; free it, or give the link new ports (sandlab link rm t:eth1, then link add again)"
if [ "$(last_exit_shown t)" = "failed: $want" ] && ended t stopped failed "$want"; then
	ok "node show and node show --json: the refused start's reason whole"
else
	not_ok "node show and node show --json: the refused start's reason whole" "$(last_exit_shown t) / $(run_get t last_exit.detail)"
fi
unhold_port "$up"
# The same with the longest names (63 characters): a reason of over 350
# bytes, whole from the start and read back whole.
l1=$(printf 'n%.0s' $(seq 62))1
l2=$(printf 'n%.0s' $(seq 62))2
"$SANDLAB" node create "$l1" --image tiny --ram 32 >/dev/null
"$SANDLAB" node create "$l2" --image tiny --ram 32 >/dev/null
"$SANDLAB" link add "$l1:eth0" "$l2:eth0" >/dev/null
lp=$(sqlite3 "$DB" "SELECT CASE WHEN a_node = n.id THEN a_port ELSE b_port END FROM links, nodes n WHERE n.name = '$l1' AND (a_node = n.id OR b_node = n.id)")
hold_port udp "$lp"
want="UDP port $lp on 127.0.0.1, the end of the link $l1:eth0 - $l2:eth0, is in use by another program; free it, or give the link new ports (sandlab link rm $l1:eth0, then link add again)"
said=$("$SANDLAB" node start "$l1" 2>&1 >/dev/null) || true
if [ "$said" = "sandlab: cannot start $l1: $want" ]; then
	ok "a ${#want}-byte reason: the start says it whole"
else
	not_ok "a ${#want}-byte reason: the start says it whole" "$said"
fi
if [ "$(last_exit_shown "$l1")" = "failed: $want" ] && ended "$l1" stopped failed "$want"; then
	ok "a ${#want}-byte reason: node show and --json read it back whole"
else
	not_ok "a ${#want}-byte reason: node show and --json read it back whole" "$(last_exit_shown "$l1") / $(run_get "$l1" last_exit.detail)"
fi
unhold_port "$lp"
"$SANDLAB" link rm "$l1:eth0" >/dev/null
"$SANDLAB" node rm "$l1" "$l2" >/dev/null
check "start once the ports are free" "$SANDLAB" node start t
kpid=$(run_get t keeper_pid)
if ss -ltnp | grep -q "127.0.0.1:$hp .*qemu" && ss -uanp | grep -q "127.0.0.1:$up .*pid=$kpid,"; then
	ok "QEMU holds the forward on 127.0.0.1, the keeper's wire its end of the link"
else not_ok "ports" "$(ss -ltunp | grep -E "qemu|pid=$kpid,")"; fi

refused "snapshot create refused while running" "t is running; stop it before you take a snapshot" "$SANDLAB" snapshot create t s1
refused "snapshot apply refused while running" "stop it before you apply" "$SANDLAB" snapshot apply t s1
refused "snapshot rm refused while running" "stop it before you remove" "$SANDLAB" snapshot rm t s1
refused "clone --disk refused while running" "t is running; copying its disk needs it stopped" "$SANDLAB" node clone t t2 --disk
check "snapshot ls works while running" "$SANDLAB" snapshot ls t
check "a plain clone of a running node" "$SANDLAB" node clone t t3

if "$SANDLAB" link ls | grep -Eq "t:eth1 +c:eth0 .* up, stopped"; then ok "link ls: up at the running end"; else not_ok "link ls state" "$("$SANDLAB" link ls)"; fi
# Links are live wires (wire.h): a change reaches a running node at once.
out=$("$SANDLAB" link rm t:eth1)
if text "$out" | grep -q "removed the link t:eth1 - c:eth0; in effect now on t$"; then ok "link rm on a running node is in effect at once"; else not_ok "link rm message" "$out"; fi
if ! "$SANDLAB" nic ls t | grep -q restart && ! "$SANDLAB" node show t | grep -q "takes effect when t restarts"; then
	ok "nic ls and node show: nothing waits for a restart"; else not_ok "pending" "$("$SANDLAB" nic ls t)"; fi
if wait_for 5 sh -c "! ss -uan | grep -q '127.0.0.1:$up '"; then ok "the wire let go of the link's port at once"; else not_ok "port after link rm" "$(ss -uanp | grep ":$up ")"; fi
# A NAT change still waits for a restart: QEMU's user-mode stack is its own.
"$SANDLAB" nic set t:eth1 --attach user >/dev/null
if "$SANDLAB" nic ls t | grep -Eq '^eth1 .* restart$' && "$SANDLAB" node show t | grep -q "takes effect when t restarts"; then
	ok "nic ls and node show mark a NAT change pending a restart"; else not_ok "pending NAT" "$("$SANDLAB" nic ls t)"; fi
check "restart" "$SANDLAB" node restart t --grace 1
if ! "$SANDLAB" nic ls t | grep -q restart && ! ss -uan | grep -q "127.0.0.1:$up "; then ok "after the restart nothing is pending and the port is gone"; else not_ok "after restart" "$("$SANDLAB" nic ls t)"; fi
refused "link rm: no link there" "no link at t:eth1" "$SANDLAB" link rm t:eth1
"$SANDLAB" nic set t:eth1 --attach none >/dev/null

# link rm by id prefix
"$SANDLAB" link add t:eth1 c:eth0 >/dev/null
id=$("$SANDLAB" link ls --json | python3 -c 'import json,sys; print([l["id"] for l in json.load(sys.stdin) if l["a"]["node"] == "t"][0])')
check "link rm by id prefix" "$SANDLAB" link rm "${id:0:8}"
if [ "$(sqlite3 "$DB" "SELECT attach FROM nics n JOIN nodes d ON d.id = n.node_id WHERE d.name = 'c'")" = none ]; then
	ok "both ends are attached to nothing again"; else not_ok "attach after rm"; fi

# start --all / stop --all
check "node start --all" "$SANDLAB" node start --all
if [ "$("$SANDLAB" node ls --json | python3 -c 'import json,sys; print(sum(n["state"] != "running" for n in json.load(sys.stdin)))')" = 0 ]; then
	ok "every node runs"; else not_ok "start --all" "$("$SANDLAB" node ls)"; fi
check "node stop --all" "$SANDLAB" node stop --all --grace 1
if [ "$("$SANDLAB" node ls --json | python3 -c 'import json,sys; print(sum(n["state"] != "stopped" for n in json.load(sys.stdin)))')" = 0 ]; then
	ok "every node stopped"; else not_ok "stop --all" "$("$SANDLAB" node ls)"; fi

run_done
