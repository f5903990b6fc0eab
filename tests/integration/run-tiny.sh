#!/usr/bin/env bash
# run-tiny.sh: the tiny guest under a keeper: start, banner and echo through
# `sandlab console` from a script, two clients at once, detaching, a CLI
# killed with SIGKILL, the accelerator on a host without KVM, node cmd,
# and a stop with a grace period the guest ignores.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

lab_image tiny
"$SANDLAB" node create t1 --image tiny --ram 64 >/dev/null

check "start reports running" "$SANDLAB" node start t1
check "node is running" state_is t1 running
expect_fail "starting a running node is refused" "already running" "$SANDLAB" node start t1

# Accelerator: this host has no /dev/kvm, so auto runs tcg and says why.
if [ ! -e /dev/kvm ]; then
	if [ "$(run_get t1 accel)" = tcg ] && run_get t1 accel_why | grep -q "/dev/kvm" &&
	    "$SANDLAB" node ls | grep -E '^t1 ' | grep -q 'tcg\*' &&
	    "$SANDLAB" node show t1 | grep -q "fell back to tcg: /dev/kvm"; then
		ok "auto without /dev/kvm runs tcg and says why"
	else
		not_ok "auto without /dev/kvm runs tcg and says why" "$("$SANDLAB" node show t1)"
	fi
	"$SANDLAB" node create k1 --image tiny --ram 64 --accel kvm >/dev/null
	expect_fail "kvm forced on a host without KVM is a clear error" "set to kvm, but this host cannot use KVM" \
		"$SANDLAB" node start k1
	if state_is k1 stopped && [ "$(run_get k1 last_exit.kind)" = failed ]; then ok "the failed start is recorded"; else not_ok "the failed start is recorded" "$("$SANDLAB" node show k1)"; fi
else
	ok "auto without /dev/kvm runs tcg and says why # SKIP host has /dev/kvm"
fi
if "$SANDLAB" accel | grep -q "nodes set to auto run with" &&
    "$SANDLAB" accel --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["auto_chooses"] in ("kvm","tcg") and d["why"]'; then
	ok "sandlab accel prints the probe and why"
else
	not_ok "sandlab accel prints the probe and why"
fi

# QEMU's accelerators are asked once per binary and kept in the run folder
# (the kernel's /dev/kvm checks are made afresh on every start). QEMU is
# asked only when those pass, so only such a host can show it.
acache="$SANDLAB_LAB/run/qemu-accels-x86_64.cache"
if "$SANDLAB" accel --json | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["create_vm"] else 1)'; then
	qbin=$(command -v qemu-system-x86_64)
	check "auto's start kept QEMU's accelerators under the binary's identity" \
		grep -qx "$qbin $(stat -c %s "$qbin") $(stat -c %Y "$qbin")\.[0-9]*" "$acache"
	check "the kept answer is its owner's alone" test "$(stat -c %a "$acache")" = 600
	"$SANDLAB" node create a2 --image tiny --ram 64 --nics 0 >/dev/null
	# The same identity with an answer this test wrote: the start must
	# take it as it is, without asking QEMU.
	{ head -n 1 "$acache"; echo tcg; } >"$T/acache" && cp "$T/acache" "$acache"
	out=$("$SANDLAB" node start a2 2>&1) || true
	if has "$out" "a2: accelerator tcg: this QEMU does not list kvm among its accelerators"; then
		ok "an unchanged QEMU is not asked again"
	else
		not_ok "an unchanged QEMU is not asked again" "$out"
	fi
	"$SANDLAB" node stop a2 --grace 0 >/dev/null 2>&1 || true
	printf 'Sandlab\377\000not a cache\ntcg\n' >"$acache"
	out=$("$SANDLAB" node start a2 2>&1) || true
	if has "$out" "a2: accelerator kvm" && grep -qx kvm "$acache" &&
	    grep -qx "$qbin $(stat -c %s "$qbin") $(stat -c %Y "$qbin")\.[0-9]*" "$acache"; then
		ok "a cache that does not match is asked again and replaced"
	else
		not_ok "a cache that does not match is asked again and replaced" "$out / $(head -c 200 "$acache" | tr -c '[:print:]\n' '?')"
	fi
	"$SANDLAB" node stop a2 --grace 0 >/dev/null 2>&1 || true
else
	ok "QEMU's accelerators are kept once per binary # SKIP no usable /dev/kvm here"
fi

# node cmd: the argv, readable and as JSON.
if "$SANDLAB" node cmd t1 --json | python3 -c '
import json, sys
a = json.load(sys.stdin)
assert a[0].startswith("qemu-system"), a[0]
assert "-nodefaults" in a and a[a.index("-display") + 1] == "none"
assert all("format=" in a[i + 1] for i, w in enumerate(a) if w == "-drive")
assert a[a.index("-vnc") + 1].startswith("127.0.0.1:")
assert a[a.index("-name") + 1] == "guest=t1"'; then
	ok "node cmd --json gives the argv"
else
	not_ok "node cmd --json gives the argv" "$("$SANDLAB" node cmd t1 2>&1)"
fi

# One scripted client: the banner (replayed: it was printed before we
# attached), then an echo.
console_open 1 t1
if wait_for 20 out_has 1 "tiny login: "; then ok "banner through sandlab console"; else not_ok "banner through sandlab console" "$(cat "$T/cout.1")"; fi
console_send 1 'abc\r'
console_send 1 '\033[2J\033]0;title\007esc-test\r'
if wait_for 20 out_has 1 $'abc\r\n'; then ok "bytes sent come back as echo"; else not_ok "bytes sent come back as echo" "$(od -c "$T/cout.1" | tail -3)"; fi

# A second client at the same time: both see output, both can type.
console_open 2 t1
wait_for 20 out_has 2 "tiny login: " || true
console_send 2 'from-two\r'
console_send 1 'from-one\r'
if wait_for 20 out_has 1 from-two && wait_for 20 out_has 2 from-one && out_has 2 from-two && out_has 1 from-one; then
	ok "two clients see each other's typing"
else
	not_ok "two clients see each other's typing" "1: $(tr -d '\r' <"$T/cout.1" | tail -c 200) 2: $(tr -d '\r' <"$T/cout.2" | tail -c 200)"
fi

# Detaching (end of input for a script) leaves the node running.
console_close 2
if wait_for 10 pid_gone "$CONSOLE_PID_2" && state_is t1 running; then ok "detaching leaves the node running"; else not_ok "detaching leaves the node running"; fi

# SIGKILL the CLI: the node keeps running; a new attach gets the replay.
console_send 1 'before-kill\r'
wait_for 20 out_has 1 before-kill || true
kill -9 "$CONSOLE_PID_1"
console_close 1
wait_for 10 pid_gone "$CONSOLE_PID_1" || true
console_open 3 t1
if state_is t1 running && wait_for 20 out_has 3 before-kill && out_has 3 "tiny login: "; then
	ok "after SIGKILL of a console the node runs and a new attach gets the replay"
else
	not_ok "after SIGKILL of a console the node runs and a new attach gets the replay" "$(cat "$T/cout.3")"
fi
console_close 3

# The terminal: attached in a tmux pane, raw mode, Ctrl-] detaches and
# the terminal's settings come back.
sock="sandlab-test-$$"
at_exit "tmux -L $sock kill-server"
cat >"$T/pane.sh" <<PANE
stty -g >"$T/stty.before"
"$SANDLAB" console t1
echo "console-exit=\$?" >"$T/pane.done"
stty -g >"$T/stty.after"
sleep 60
PANE
tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 "bash $T/pane.sh"
if wait_for 20 sh -c "tmux -L $sock capture-pane -p | grep -q before-kill"; then
	tmux -L "$sock" send-keys 'typed-in-tmux' Enter
	if wait_for 20 sh -c "tmux -L $sock capture-pane -p | grep -q typed-in-tmux"; then ok "a terminal attached in tmux echoes"; else not_ok "a terminal attached in tmux echoes" "$(tmux -L "$sock" capture-pane -p)"; fi
	tmux -L "$sock" send-keys C-]
	if wait_for 20 test -f "$T/stty.after" && cmp -s "$T/stty.before" "$T/stty.after" && grep -q console-exit=0 "$T/pane.done" && state_is t1 running; then
		ok "Ctrl-] detaches, restores the terminal, leaves the node running"
	else
		not_ok "Ctrl-] detaches, restores the terminal, leaves the node running" "$(tmux -L "$sock" capture-pane -p | tail -5)"
	fi
else
	not_ok "a terminal attached in tmux echoes" "no banner: $(tmux -L "$sock" capture-pane -p)"
	not_ok "Ctrl-] detaches, restores the terminal, leaves the node running" "not reached"
fi
tmux -L "$sock" kill-server 2>/dev/null || true

# SIGTERM to an attached console: the terminal comes back too. A server
# of its own: the one killed above may still be exiting, and a client that
# reaches it hears "server exited unexpectedly" (seen once on CI).
rm -f "$T/stty.before" "$T/stty.after" "$T/pane.done"
sock2="$sock-term"
at_exit "tmux -L $sock2 kill-server"
tmux -L "$sock2" -f /dev/null new-session -d -x 80 -y 24 "bash $T/pane.sh"
pane=$(tmux -L "$sock2" display -p '#{pane_pid}' || true)
if [ -n "$pane" ] && wait_for 20 sh -c "tmux -L $sock2 capture-pane -p | grep -q before-kill" && cpid=$(pgrep -P "$pane") && kill -TERM "$cpid" &&
    wait_for 20 test -f "$T/stty.after" && cmp -s "$T/stty.before" "$T/stty.after" && state_is t1 running; then
	ok "SIGTERM to an attached console restores the terminal"
else
	not_ok "SIGTERM to an attached console restores the terminal" "pane '$pane': $(tmux -L "$sock2" capture-pane -p 2>&1 | tail -3)"
fi
tmux -L "$sock2" kill-server 2>/dev/null || true

# Two starts of one node at once: one runs it, the other is told so, and
# the loser leaves the winner's sockets alone.
"$SANDLAB" node create d1 --image tiny --ram 32 --nics 0 >/dev/null
"$SANDLAB" node start d1 >"$T/s1" 2>&1 &
a=$!
"$SANDLAB" node start d1 >"$T/s2" 2>&1 &
b=$!
ra=0; rb=0
wait "$a" || ra=$?
wait "$b" || rb=$?
console_open 5 d1
if [ $((ra == 0)) -ne $((rb == 0)) ] && cat "$T/s1" "$T/s2" | grep -q "already running" &&
    wait_for 20 out_has 5 "tiny login: "; then
	ok "two starts at once: one runs the node, the other says it is already running"
else
	not_ok "two starts at once: one runs the node, the other says it is already running" "$ra $rb $(cat "$T/s1" "$T/s2")"
fi
console_close 5
# A second keeper started by hand gives up on the lock and touches nothing.
rc=0
"$SANDLAB" __keeper "$(node_id d1)" 2>"$T/k2.err" || rc=$?
if [ "$rc" -ne 0 ] && grep -q "already running" "$T/k2.err" && [ -S "$SANDLAB_LAB/run/$(node_id d1)/console.sock" ] &&
    [ -S "$SANDLAB_LAB/run/$(node_id d1)/ctl.sock" ] && state_is d1 running; then
	ok "a second keeper refuses the held lock and leaves the sockets alone"
else
	not_ok "a second keeper refuses the held lock and leaves the sockets alone" "rc=$rc $(cat "$T/k2.err")"
fi
"$SANDLAB" node stop d1 --grace 0 >/dev/null
# node start spawns each keeper before it opens the lab and checks the
# name; the keeper waits for its word on --go-fd before it takes the lock.
# Called off (no 'g'): it leaves without a word and starts nothing.
rc=0
timeout 30 "$SANDLAB" __keeper --report-fd 3 --go-fd 4 d1 3>"$T/k3.report" 4</dev/null 2>"$T/k3.err" || rc=$?
if [ "$rc" = 0 ] && [ ! -s "$T/k3.report" ] && [ ! -s "$T/k3.err" ] && state_is d1 stopped; then
	ok "a keeper called off before the lock leaves without a word and starts nothing"
else
	not_ok "a keeper called off before the lock leaves without a word and starts nothing" \
		"rc=$rc $(cat "$T/k3.report" "$T/k3.err")"
fi
# With the word ('g' and the id of the node the CLI checked) it goes on,
# its diagnostics in the node's log.
printf 'g%s' "$(node_id d1)" >"$T/go"
"$SANDLAB" __keeper --report-fd 3 --go-fd 4 --log d1 3>"$T/k4.report" 4<"$T/go" 2>"$T/k4.err" &
kp=$!
if wait_for 30 grep -qx ready "$T/k4.report" && state_is d1 running && [ ! -s "$T/k4.err" ] &&
    grep -q "keeping node d1" "$SANDLAB_LAB/logs/$(node_id d1).keeper.log"; then
	ok "given the word, the keeper starts the node and logs to the node's keeper log"
else
	not_ok "given the word, the keeper starts the node and logs to the node's keeper log" \
		"$(cat "$T/k4.report" "$T/k4.err")"
fi
# A start of a running node and of no node: each refused in the CLI's
# words, and the keepers spawned for them are gone.
rc=0
out=$("$SANDLAB" node start d1 nosuch 2>&1) || rc=$?
if [ "$rc" = 1 ] && has "$out" "d1 is already running \\(stop it first" && has "$out" 'no node named "nosuch"' &&
    wait_for 20 sh -c '[ "$(pgrep -c -f -- "--lab $SANDLAB_LAB __keeper")" = 1 ]' && state_is d1 running; then
	ok "start of a running node and of no node: refused, no keeper left behind"
else
	not_ok "start of a running node and of no node: refused, no keeper left behind" "rc=$rc $out $(lab_pids)"
fi
"$SANDLAB" node stop d1 --grace 0 >/dev/null
wait "$kp" || true
# The word names the node by id: a rename after the CLI's check cannot
# make the keeper start another node, or none. w1's name moves to w2.
"$SANDLAB" node create w1 --image tiny --ram 32 --nics 0 >/dev/null
"$SANDLAB" node create w2 --image tiny --ram 32 --nics 0 >/dev/null
w1=$(node_id w1)
w2=$(node_id w2)
"$SANDLAB" node rename w1 w1-old >/dev/null
"$SANDLAB" node rename w2 w1 >/dev/null
printf 'g%s' "$w1" >"$T/go5"
"$SANDLAB" __keeper --report-fd 3 --go-fd 4 --log w1 3>"$T/k5.report" 4<"$T/go5" 2>"$T/k5.err" &
kp=$!
if wait_for 30 grep -qx ready "$T/k5.report" && [ "$(node_id w1-old)" = "$w1" ] && state_is w1-old running &&
    [ "$(node_id w1)" = "$w2" ] && state_is w1 stopped; then
	ok "a keeper given a name renamed onto another node starts the node of the word's id"
else
	not_ok "a keeper given a name renamed onto another node starts the node of the word's id" \
		"$(cat "$T/k5.report" "$T/k5.err"; "$SANDLAB" node ls)"
fi
# (both: when the wrong one ran, the keeper waited on stays)
"$SANDLAB" node stop w1-old w1 --grace 0 >/dev/null
wait "$kp" || true
# Renamed away: the name names no node now, the id still does.
"$SANDLAB" node rename w1-old w3 >/dev/null
printf 'g%s' "$w1" >"$T/go6"
"$SANDLAB" __keeper --report-fd 3 --go-fd 4 --log w1-old 3>"$T/k6.report" 4<"$T/go6" 2>"$T/k6.err" &
kp=$!
if wait_for 30 grep -qx ready "$T/k6.report" && [ "$(node_id w3)" = "$w1" ] && state_is w3 running; then
	ok "a keeper given a name no node has any more starts the node of the word's id"
else
	not_ok "a keeper given a name no node has any more starts the node of the word's id" \
		"$(cat "$T/k6.report" "$T/k6.err"; "$SANDLAB" node ls)"
fi
"$SANDLAB" node stop w3 --grace 0 >/dev/null
wait "$kp" || true
# An id no node has (removed in between): refused in words, nothing runs.
rc=0
printf 'g%s' 00000000-0000-4000-8000-000000000000 >"$T/go7"
timeout 30 "$SANDLAB" __keeper --report-fd 3 --go-fd 4 w1 3>"$T/k7.report" 4<"$T/go7" 2>"$T/k7.err" || rc=$?
if [ "$rc" = 1 ] &&
    [ "$(cat "$T/k7.report")" = "failed no node has the id 00000000-0000-4000-8000-000000000000 any more (it was removed)" ] &&
    state_is w1 stopped && state_is w3 stopped; then
	ok "a keeper given the id of no node says so and starts nothing"
else
	not_ok "a keeper given the id of no node says so and starts nothing" "rc=$rc $(cat "$T/k7.report" "$T/k7.err")"
fi
# A word without the id (the old 'g' alone) calls the start off.
rc=0
printf g >"$T/go8"
timeout 30 "$SANDLAB" __keeper --report-fd 3 --go-fd 4 w1 3>"$T/k8.report" 4<"$T/go8" 2>"$T/k8.err" || rc=$?
if [ "$rc" = 0 ] && [ ! -s "$T/k8.report" ] && [ ! -s "$T/k8.err" ] && state_is w1 stopped; then
	ok "a word without an id calls the start off: no word back, nothing started"
else
	not_ok "a word without an id calls the start off: no word back, nothing started" "rc=$rc $(cat "$T/k8.report" "$T/k8.err")"
fi

# QEMU is started before the keeper makes its sockets, log and rows (they
# are made while QEMU loads). The run folder holds the keeper's files
# only: QMP is a socket QEMU got connected, as descriptor 3.
"$SANDLAB" node create q1 --image tiny --ram 32 --nics 0 >/dev/null
q1=$(node_id q1)
check "q1 starts" "$SANDLAB" node start q1
files=$(cd "$SANDLAB_LAB/run/$q1" && stat -c '%n %a %F' -- * | sort | tr '\n' ';')
want="console.sock 600 socket;ctl.sock 600 socket;end 600 regular file;keeper.lock 600 regular empty file;live.sock 600 socket;vnc.pw 600 regular file;"
if [ "$files" = "$want" ]; then ok "the run folder holds the keeper's files, no QMP socket"; else not_ok "the run folder holds the keeper's files, no QMP socket" "$files"; fi
qpid=$(run_get q1 qemu_pid)
if tr '\0' '\n' <"/proc/$qpid/cmdline" | grep -qx 'socket,id=qmp,fd=3' && [ "$(readlink "/proc/$qpid/fd/3" | cut -c1-8)" = "socket:[" ]; then
	ok "QEMU's QMP is the connected socket it got as descriptor 3"
else
	not_ok "QEMU's QMP is the connected socket it got as descriptor 3" "$(tr '\0' ' ' <"/proc/$qpid/cmdline")"
fi
# The stop goes through QMP: quit after the grace the guest ignores.
if "$SANDLAB" node stop q1 --grace 0 >/dev/null && ended q1 stopped shutdown \
    "quit over QMP after the guest ignored ACPI powerdown for 0 s"; then
	ok "QMP over that socket quits QEMU"
else
	not_ok "QMP over that socket quits QEMU" "$("$SANDLAB" node show q1)"
fi
# A step after QEMU's start that fails (here the console socket: a folder
# holds its path) kills that QEMU and fails the start with its reason.
mkdir "$SANDLAB_LAB/run/$q1/console.sock"
overlay=$("$SANDLAB" node show q1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["overlay"])')
rc=0
out=$("$SANDLAB" node start q1 2>&1) || rc=$?
why="cannot listen on $SANDLAB_LAB/run/$q1/console.sock: Address already in use"
if [ "$rc" = 1 ] && text "$out" | grep -qxF "sandlab: cannot start q1: $why" &&
    ended q1 stopped failed "$why" && ! pgrep -f -- "file=$overlay," >/dev/null &&
    grep -q "killing QEMU (pid [0-9]*): its start failed" "$SANDLAB_LAB/logs/$q1.keeper.log"; then
	ok "a step failing after QEMU started: QEMU killed, the start fails with the step's reason"
else
	not_ok "a step failing after QEMU started: QEMU killed, the start fails with the step's reason" \
		"rc=$rc $out | $(pgrep -af -- "file=$overlay," || true)"
fi
# A failed start returns once its keeper is gone: the node reads stopped
# and can be started again at once (its lock file goes as the keeper ends).
rc=0
for i in 1 2 3 4 5; do
	"$SANDLAB" node start q1 >/dev/null 2>&1 && rc=1
	[ -e "$SANDLAB_LAB/run/$q1/keeper.lock" ] && rc=2
	[ "$rc" = 0 ] || break
done
if [ "$rc" = 0 ]; then ok "a failed start returns with its keeper gone"; else not_ok "a failed start returns with its keeper gone" "rc=$rc at try $i"; fi
rmdir "$SANDLAB_LAB/run/$q1/console.sock"
check "with the folder gone, q1 starts" "$SANDLAB" node start q1
"$SANDLAB" node stop q1 --grace 0 >/dev/null

# console --follow: the log's end, then what the guest writes next.
"$SANDLAB" console t1 --follow >"$T/follow.out" 2>&1 &
fpid=$!
disown "$fpid"
at_exit "kill $fpid"
console_open 4 t1
wait_for 20 grep -q before-kill "$T/follow.out" || true
console_send 4 'followed-line\r'
if wait_for 20 grep -q followed-line "$T/follow.out"; then ok "console --follow tails the log"; else not_ok "console --follow tails the log" "$(cat "$T/follow.out")"; fi
kill "$fpid" 2>/dev/null || true
console_close 4

# restart: a new QEMU, running again.
old_qemu=$(run_get t1 qemu_pid)
if "$SANDLAB" node restart t1 --grace 0 >/dev/null && state_is t1 running && [ "$(run_get t1 qemu_pid)" != "$old_qemu" ]; then
	ok "restart gives a running node with a new QEMU"
else
	not_ok "restart gives a running node with a new QEMU" "$("$SANDLAB" node show t1)"
fi

# VNC: an address, and something listens there.
addr=$("$SANDLAB" vnc t1 | sed -n 1p)
port=${addr##*:}
if [ "${addr%:*}" = 127.0.0.1 ] && python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1', $port), 5); sys.exit(0 if s.recv(12).startswith(b'RFB') else 1)"; then
	ok "vnc prints 127.0.0.1:PORT and VNC answers there"
else
	not_ok "vnc prints 127.0.0.1:PORT and VNC answers there" "$addr"
fi

# Stop: the tiny guest ignores ACPI; after the grace, quit ends it cleanly.
kpid=$(run_get t1 keeper_pid)
qpid=$(run_get t1 qemu_pid)
rc=0
out=$("$SANDLAB" node stop t1 --grace 1 2>&1) || rc=$?
if [ "$rc" = 0 ] && text "$out" | grep -q "sent ACPI powerdown" && text "$out" | grep -q "sent QMP quit" &&
    state_is t1 stopped && [ "$(run_get t1 last_exit.kind)" = shutdown ]; then
	ok "stop reports each step and ends stopped"
else
	not_ok "stop reports each step and ends stopped" "$out"
fi
if wait_for 30 pid_gone "$kpid" && wait_for 10 pid_gone "$qpid" && [ -z "$(ls "$SANDLAB_LAB"/run/*/ | grep sock || true)" ]; then
	ok "after stop no keeper, QEMU or socket is left"
else
	not_ok "after stop no keeper, QEMU or socket is left" "$(ls -la "$SANDLAB_LAB"/run/*/)"
fi
if "$SANDLAB" console t1 --log | grep -q "tiny login: abc" && "$SANDLAB" console t1 --log | grep -q $'\033\\[2J'; then
	ok "console --log keeps the raw output when stdout is not a terminal"
else
	not_ok "console --log keeps the raw output when stdout is not a terminal"
fi
script -qec "$SANDLAB console t1 --log" /dev/null >"$T/tty.log" </dev/null || true
if grep -q "esc-test" "$T/tty.log" && ! grep -q $'\033' "$T/tty.log"; then
	ok "console --log on a terminal drops escape sequences"
else
	not_ok "console --log on a terminal drops escape sequences" "$(od -c "$T/tty.log" | head -5)"
fi
expect_fail "console of a stopped node says it is not running" "not running" "$SANDLAB" console t1 </dev/null

run_done
