#!/usr/bin/env bash
# run-labup.sh: `lab up` and `lab down` on tiny guests: a three-node lab
# with ready= patterns comes up from a script with no terminal; a second
# `lab up` does nothing; a file without ready= waits for the stored one; a node whose console never shows its pattern,
# and one that dies while it is waited for, fail naming the node with its
# last output and why; a lab half there is refused; on a terminal a table
# is drawn; `lab down` stops everything, and --rm removes only what
# `lab up` imported; both are idempotent.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

lab_image tiny
cat >"$T/lab.txt" <<'LAB'
sandlab-lab 1
node a image=tiny ram=64 ready=^tiny[[:space:]]login:
node b image=tiny ram=64 ready=login:[[:space:]]$
node c image=tiny ram=64 ready=tiny
LAB

keeper_pids() { "$SANDLAB" node ls --json | python3 -c '
import json, sys
print(" ".join(str(n["run"]["keeper_pid"]) for n in sorted(json.load(sys.stdin), key=lambda n: n["name"])))'; }

rc=0
setsid "$SANDLAB" lab up "$T/lab.txt" --timeout 60 </dev/null >"$T/up1.out" 2>&1 || rc=$?
if [ "$rc" = 0 ] && grep -q '^imported .*3 nodes' "$T/up1.out" &&
    [ "$(grep -c ': ready: its console showed' "$T/up1.out")" = 3 ] &&
    grep -q '^lab up: 3 nodes ready (3 started now)' "$T/up1.out" && ! grep -q $'\033' "$T/up1.out"; then
	ok "lab up with no terminal: imported, started, all three ready, plain lines"
else
	not_ok "lab up with no terminal" "rc=$rc $(cat "$T/up1.out")"
fi
if state_is a running && state_is b running && state_is c running; then ok "a, b and c run"; else not_ok "a, b and c run" "$("$SANDLAB" node ls)"; fi
before=$(keeper_pids)
rc=0
"$SANDLAB" lab up "$T/lab.txt" --timeout 30 </dev/null >"$T/up2.out" 2>&1 || rc=$?
if [ "$rc" = 0 ] && grep -q 'already up and ready; nothing to do' "$T/up2.out" &&
    ! grep -q '^imported' "$T/up2.out" && [ "$(keeper_pids)" = "$before" ] &&
    [ "$("$SANDLAB" node ls --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 3 ]; then
	ok "lab up again is a no-op: same nodes, same keepers"
else
	not_ok "lab up again is a no-op" "rc=$rc $(cat "$T/up2.out") pids $before / $(keeper_pids)"
fi

if "$SANDLAB" lab up "$T/lab.txt" --json </dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)
assert [n["node"] for n in v] == ["a", "b", "c"], v
assert all(n["ready"] and not n["started"] and not n["imported"] and n["ms"] >= 0 for n in v), v'; then
	ok "lab up --json: each node ready, none started"; else not_ok "lab up --json"; fi

# A node whose image never prints its pattern: the others come up, the
# command fails naming it, in time, with what it printed.
cat >"$T/bad.txt" <<'LAB'
sandlab-lab 1
node d image=tiny ram=64 ready=tiny
node mute image=tiny ram=64 ready=linux#
LAB
start=$(date +%s)
rc=0
"$SANDLAB" lab up "$T/bad.txt" --timeout 5 </dev/null >"$T/bad.out" 2>"$T/bad.err" || rc=$?
secs=$(( $(date +%s) - start ))
if [ "$rc" = 1 ] && [ "$secs" -le 20 ] &&
    grep -q 'lab up: mute is not ready: its console did not show ready=linux# within 5 s' "$T/bad.err" &&
    grep -q '| tiny login:' "$T/bad.err" && ! grep -q 'lab up: d is not' "$T/bad.err" &&
    grep -q '^d: ready' "$T/bad.out"; then
	ok "a node that never shows its pattern fails lab up, named, with its last output"
else
	not_ok "a node that never shows its pattern" "rc=$rc secs=$secs $(cat "$T/bad.out" "$T/bad.err")"
fi

# A node already in the lab waits for its stored pattern (from the import
# above) when the file gives none.
printf 'sandlab-lab 1\nnode mute image=tiny ram=64\n' >"$T/stored.txt"
rc=0
"$SANDLAB" lab up "$T/stored.txt" --timeout 3 </dev/null >"$T/stored.out" 2>"$T/stored.err" || rc=$?
if [ "$rc" = 1 ] && grep -q 'lab up: mute is not ready: its console did not show ready=linux# within 3 s' "$T/stored.err"; then
	ok "a file without ready= waits for the pattern stored in the lab"
else
	not_ok "the stored ready pattern" "rc=$rc $(cat "$T/stored.out" "$T/stored.err")"
fi

# A node that dies while lab up waits: named, with the exit reason.
cat >"$T/dies.txt" <<'LAB'
sandlab-lab 1
node doomed image=tiny ram=64 ready=never-printed
LAB
"$SANDLAB" lab up "$T/dies.txt" --timeout 120 </dev/null >"$T/dies.out" 2>"$T/dies.err" &
up=$!
if wait_for 30 grep -q 'doomed: waiting for' "$T/dies.out"; then
	"$SANDLAB" node kill doomed >/dev/null 2>&1 || true
fi
rc=0
wait "$up" || rc=$?
if [ "$rc" = 1 ] && grep -q 'lab up: doomed is not ready: it stopped before its console showed ready=never-printed: killed' "$T/dies.err"; then
	ok "a node that dies while waited for: named, with how it ended"
else
	not_ok "a node that dies while waited for" "rc=$rc $(cat "$T/dies.out" "$T/dies.err")"
fi

# A node that cannot start at all (KVM forced on a host without it).
if [ ! -e /dev/kvm ]; then
	printf 'sandlab-lab 1\nnode nokvm image=tiny ram=64 accel=kvm ready=tiny\n' >"$T/nokvm.txt"
	rc=0
	"$SANDLAB" lab up "$T/nokvm.txt" --timeout 30 </dev/null >"$T/nokvm.out" 2>"$T/nokvm.err" || rc=$?
	if [ "$rc" = 1 ] && grep -q 'lab up: nokvm is not ready: .*cannot use KVM' "$T/nokvm.err"; then
		ok "a node that cannot start fails lab up with its name and why"
	else
		not_ok "a node that cannot start" "rc=$rc $(cat "$T/nokvm.out" "$T/nokvm.err")"
	fi
fi

# On a terminal: a table drawn in place.
if command -v script >/dev/null; then
	rc=0
	TERM=xterm script -qec "$SANDLAB lab up $T/lab.txt --timeout 30" /dev/null </dev/null >"$T/tty.out" 2>&1 || rc=$?
	if [ "$rc" = 0 ] && grep -q 'NODE .*STATE .*TIME' "$T/tty.out" && grep -q $'\033\\[4A' "$T/tty.out" &&
	    grep -Eq '^a +ready' <(tr -d '\r' <"$T/tty.out" | sed 's/\x1b\[[0-9]*[AK]//g'); then
		ok "on a terminal, lab up draws a table of the nodes"
	else
		not_ok "lab up on a terminal" "rc=$rc $(od -c "$T/tty.out" | head -20)"
	fi
fi

# A lab half there is refused, and nothing changes.
"$SANDLAB" node create h --image tiny --ram 64 >/dev/null
cat >"$T/half.txt" <<'LAB'
sandlab-lab 1
node a image=tiny ram=64
node fresh image=tiny ram=64
LAB
expect_fail "lab up of a file half in the lab is refused" "has 1 of its 2 nodes" "$SANDLAB" lab up "$T/half.txt"
if ! "$SANDLAB" node show fresh >/dev/null 2>&1; then ok "nothing was imported"; else not_ok "nothing was imported"; fi

# lab down stops everything; --rm removes what lab up imported, not h.
check "lab down" "$SANDLAB" lab down --grace 0
if [ "$("$SANDLAB" node ls --json | python3 -c '
import json, sys
print(sum(n["state"] in ("starting", "running", "stopping") for n in json.load(sys.stdin)))')" = 0 ]; then
	ok "lab down: no node runs"; else not_ok "lab down: no node runs" "$("$SANDLAB" node ls)"; fi
if out=$("$SANDLAB" lab down 2>&1) && text "$out" | grep -q "no node is running"; then
	ok "lab down again: nothing to do"; else not_ok "lab down again" "$out"; fi
check "lab down --rm" "$SANDLAB" lab down --rm
names=$("$SANDLAB" node ls --json | python3 -c 'import json,sys; print(" ".join(sorted(n["name"] for n in json.load(sys.stdin))))')
if [ "$names" = "h" ]; then ok "--rm removed what lab up imported, and kept h"; else not_ok "--rm" "left: $names"; fi
if out=$("$SANDLAB" lab down --rm 2>&1) && text "$out" | grep -q "no node left that lab up imported"; then
	ok "lab down --rm again: nothing to do"; else not_ok "lab down --rm again" "$out"; fi
check "lab up again after --rm imports afresh" "$SANDLAB" lab up "$T/lab.txt" --timeout 60

run_done
