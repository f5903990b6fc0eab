#!/usr/bin/env bash
# run-onstop.sh: a node's stop method (--on-stop, --stop-grace): the tiny
# guest ignores ACPI, so poweroff quits it at once and shutdown waits out
# the node's own grace first; the method is read at the stop (changed
# while the node runs), goes with a clone and through a lab file; bad
# values are refused and change nothing.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

lab_image tiny
"$SANDLAB" node create p1 --image tiny --ram 32 --nics 0 --on-stop poweroff >/dev/null
"$SANDLAB" node create s1 --image tiny --ram 32 --nics 0 --stop-grace 1 >/dev/null

# Bad values: refused with the reason; the node keeps its settings.
expect_fail "--on-stop takes shutdown or poweroff" "--on-stop: shutdown .* or poweroff" \
	"$SANDLAB" node set p1 --on-stop halt
expect_fail "--stop-grace over 600 is refused" "--stop-grace: whole seconds from 0 to 600" \
	"$SANDLAB" node set s1 --stop-grace 601
expect_fail "--stop-grace -1 is refused" "--stop-grace: whole seconds" "$SANDLAB" node set s1 --stop-grace -1
expect_fail "a create with a bad --on-stop makes no node" "--on-stop" \
	"$SANDLAB" node create x1 --image tiny --on-stop ""
expect_fail "the refused node was not made" "no node named .x1." "$SANDLAB" node show x1
if [ "$("$SANDLAB" node show p1 --json | python3 -c \
    'import json,sys; d=json.load(sys.stdin); print(d["on_stop"], d["stop_grace"])')" = "poweroff 30" ] &&
    "$SANDLAB" node show s1 | grep -qx "on stop:   shutdown (ACPI powerdown, quit after 1 s)"; then
	ok "node show says each node's stop method and grace"
else
	not_ok "node show says each node's stop method and grace" "$("$SANDLAB" node show s1)"
fi

# poweroff: no ACPI step, recorded as a shutdown with its reason.
check "p1 starts" "$SANDLAB" node start p1
out=$("$SANDLAB" node stop p1 2>&1) || true
if text "$out" | grep -q "powering off at once (stop method poweroff)" &&
    ! text "$out" | grep -q "ACPI" && state_is p1 stopped &&
    [ "$(run_get p1 last_exit.kind)" = shutdown ] &&
    [ "$(run_get p1 last_exit.detail)" = "powered off at once by node stop (stop method poweroff)" ]; then
	ok "a poweroff node is quit at once and recorded as stopped with its reason"
else
	not_ok "a poweroff node is quit at once and recorded as stopped with its reason" \
	    "$out / $("$SANDLAB" node show p1 | grep 'last exit' || true)"
fi

# shutdown: ACPI first, the node's own grace (no --grace given), then quit.
check "s1 starts" "$SANDLAB" node start s1
out=$("$SANDLAB" node stop s1 2>&1) || true
if text "$out" | grep -q "sent ACPI powerdown; waiting up to 1 s" &&
    text "$out" | grep -q "did not power off within 1 s; sent QMP quit" && state_is s1 stopped &&
    [ "$(run_get s1 last_exit.detail)" = "quit over QMP after the guest ignored ACPI powerdown for 1 s" ]; then
	ok "a shutdown node waits out its own stop grace before the quit"
else
	not_ok "a shutdown node waits out its own stop grace before the quit" "$out"
fi

# Changed while it runs: read at the stop.
check "s1 starts again" "$SANDLAB" node start s1
check "the stop method changes while the node runs" "$SANDLAB" node set s1 --on-stop poweroff
out=$("$SANDLAB" node stop s1 2>&1) || true
if text "$out" | grep -q "powering off at once" && state_is s1 stopped; then
	ok "a stop uses the method the node has at the stop"
else
	not_ok "a stop uses the method the node has at the stop" "$out"
fi

# A clone and a lab file carry it; a lab file's bad values are refused.
"$SANDLAB" node clone p1 p2 >/dev/null
if "$SANDLAB" node show p2 | grep -qx "on stop:   poweroff (QEMU quits at once)"; then
	ok "a clone keeps the stop method"
else
	not_ok "a clone keeps the stop method" "$("$SANDLAB" node show p2)"
fi
"$SANDLAB" lab export "$T/a.lab" >/dev/null
if grep -qx "node s1 image=tiny ram=32 cpus=1 accel=auto on-stop=poweroff stop-grace=1" "$T/a.lab" &&
    grep -qx "node p1 image=tiny ram=32 cpus=1 accel=auto on-stop=poweroff" "$T/a.lab"; then
	ok "a lab file carries on-stop= and stop-grace= as they were given"
else
	not_ok "a lab file carries on-stop= and stop-grace= as they were given" "$(cat "$T/a.lab")"
fi
mkdir "$T/b"
SANDLAB_LAB="$T/b" "$SANDLAB" image import "$IMAGES/tiny.qcow2" --name tiny >/dev/null 2>&1
SANDLAB_LAB="$T/b" "$SANDLAB" lab import "$T/a.lab" >/dev/null
SANDLAB_LAB="$T/b" "$SANDLAB" lab export "$T/b.lab" >/dev/null
if grep -v "mac=" "$T/a.lab" >"$T/a.cut" && grep -v "mac=" "$T/b.lab" >"$T/b.cut" && cmp -s "$T/a.cut" "$T/b.cut"; then
	ok "export, import, export gives the same stop methods"
else
	not_ok "export, import, export gives the same stop methods" "$(diff "$T/a.cut" "$T/b.cut" || true)"
fi
printf 'sandlab-lab 1\nnode z1 image=tiny on-stop=halt\n' >"$T/bad1.lab"
expect_fail "a lab file's on-stop=halt is refused with its line" "line 2: on-stop=halt: shutdown or poweroff" \
	"$SANDLAB" lab import "$T/bad1.lab"
printf 'sandlab-lab 1\nnode z1 image=tiny stop-grace=1e3\n' >"$T/bad2.lab"
expect_fail "a lab file's stop-grace=1e3 is refused with its line" "line 2: .*stop-grace" \
	"$SANDLAB" lab import "$T/bad2.lab"
expect_fail "a refused lab file adds no node" "no node named .z1." "$SANDLAB" node show z1

run_done
