#!/usr/bin/env bash
# run-crash.sh: QEMU killed under its keeper is recorded as crashed with
# its signal, the log kept; a keeper killed with SIGKILL takes QEMU with
# it (PR_SET_PDEATHSIG) and the node's state says so; the next start
# cleans up after it; node kill is recorded as killed.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

lab_image tiny
"$SANDLAB" node create c1 --image tiny --ram 64 >/dev/null
log=$(log_of c1)

"$SANDLAB" node start c1 >/dev/null
wait_for 60 grep -q "tiny login" "$log" || true
qpid=$(run_get c1 qemu_pid)
kpid=$(run_get c1 keeper_pid)
kill -9 "$qpid"
if wait_for 60 state_is c1 crashed && [ "$(run_get c1 last_exit.kind)" = crashed ] &&
    run_get c1 last_exit.detail | grep -q "signal 9"; then
	ok "SIGKILL of QEMU: crashed, signal 9"
else
	not_ok "SIGKILL of QEMU: crashed, signal 9" "$("$SANDLAB" node show c1)"
fi
if "$SANDLAB" node ls | grep -E '^c1 ' | grep -q "crashed: signal 9"; then ok "node ls shows the last exit"; else not_ok "node ls shows the last exit" "$("$SANDLAB" node ls)"; fi
if wait_for 60 pid_gone "$kpid" && grep -q "tiny login" "$log"; then ok "keeper gone, log kept"; else not_ok "keeper gone, log kept"; fi

# The keeper killed: QEMU must not linger, the state must say why.
"$SANDLAB" node start c1 >/dev/null
qpid=$(run_get c1 qemu_pid)
kpid=$(run_get c1 keeper_pid)
kill -9 "$kpid"
if wait_for 60 pid_gone "$qpid"; then ok "SIGKILL of the keeper takes QEMU with it"; else not_ok "SIGKILL of the keeper takes QEMU with it" "qemu $qpid still there"; fi
if wait_for 60 state_is c1 crashed && run_get c1 last_exit.detail | grep -q "keeper (pid $kpid) died"; then
	ok "the node's state says its keeper died"
else
	not_ok "the node's state says its keeper died" "$("$SANDLAB" node show c1)"
fi
expect_fail "console to a node whose keeper died says not running" "not running" "$SANDLAB" console c1 </dev/null

# The next start takes over: stale sockets replaced, the death recorded.
if "$SANDLAB" node start c1 >/dev/null && state_is c1 running; then ok "a node whose keeper died starts again"; else not_ok "a node whose keeper died starts again"; fi
id=$(node_id c1)
events() { python3 -c 'import sqlite3,sys; [print(*r) for r in sqlite3.connect(sys.argv[1]).execute("SELECT kind, detail FROM events WHERE node_id = ?", (sys.argv[2],))]' "$SANDLAB_LAB/lab.db" "$id"; }
# waited for: the next start's keeper writes it, and a reader that meets
# the database busy (python's sqlite3 raises at once) tries again
died_logged() { events | grep -q "^crashed .*keeper died"; }
if wait_for 30 died_logged; then
	ok "the keeper's death is in the event log"
else
	not_ok "the keeper's death is in the event log" "$(events)"
fi

# node kill: recorded as killed by the user.
qpid=$(run_get c1 qemu_pid)
rc=0
out=$("$SANDLAB" node kill c1 2>&1) || rc=$?
if [ "$rc" = 0 ] && state_is c1 stopped && [ "$(run_get c1 last_exit.kind)" = killed ] && pid_gone "$qpid" &&
    text "$out" | grep -q "killed"; then
	ok "node kill: killed, recorded"
else
	not_ok "node kill: killed, recorded" "$out / $("$SANDLAB" node show c1)"
fi
if [ -z "$(find "$SANDLAB_LAB/run" -name '*.sock')" ]; then ok "no socket left"; else not_ok "no socket left" "$(find "$SANDLAB_LAB/run" -name '*.sock')"; fi

# The lock file removed from under a running node (its lab deleted, say):
# the keeper can no longer prove it owns the node, so it ends it.
"$SANDLAB" node start c1 >/dev/null
qpid=$(run_get c1 qemu_pid)
kpid=$(run_get c1 keeper_pid)
rm -f "$SANDLAB_LAB/run/$(node_id c1)/keeper.lock"
if wait_for 60 pid_gone "$kpid" && wait_for 60 pid_gone "$qpid" && run_get c1 last_exit.detail | grep -q "lock file was removed"; then
	ok "a keeper whose lock file is removed kills QEMU and exits"
else
	not_ok "a keeper whose lock file is removed kills QEMU and exits"
fi
check "the node starts again afterwards" "$SANDLAB" node start c1
"$SANDLAB" node kill c1 >/dev/null

# QEMU that cannot start: the start fails with QEMU's own words, recorded.
"$SANDLAB" node create c2 --image tiny --ram 64 >/dev/null
ov=$("$SANDLAB" node show c2 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["overlay"])')
mv "$ov" "$ov.away"
expect_fail "a QEMU that cannot start: the start fails with its message" "cannot start c2: .*$(basename "$ov")" \
	"$SANDLAB" node start c2
if state_is c2 stopped && [ "$(run_get c2 last_exit.kind)" = failed ] && run_get c2 last_exit.detail | grep -q "No such file"; then
	ok "the failed start is recorded with QEMU's reason"
else
	not_ok "the failed start is recorded with QEMU's reason" "$("$SANDLAB" node show c2)"
fi
mv "$ov.away" "$ov"
check "it starts once its disk is back" "$SANDLAB" node start c2
"$SANDLAB" node kill c2 >/dev/null

run_done
