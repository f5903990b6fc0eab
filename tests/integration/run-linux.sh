#!/usr/bin/env bash
# run-linux.sh: the small Linux guest boots under its keeper to the shell
# prompt on ttyS0, reached through `sandlab console` from a script, and a
# command typed there runs.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

lab_image linux
"$SANDLAB" node create l1 --image linux --ram 256 >/dev/null
check "linux node starts" "$SANDLAB" node start l1

console_open 1 l1
if wait_for 90 out_has 1 "linux# "; then ok "boots to the linux# prompt"; else not_ok "boots to the linux# prompt" "$(tail -c 400 "$T/cout.1" | tr -d '\r')"; fi
# The prompt may be printed before the shell reads: send until it answers.
console_send 1 'echo sum=$((6*7))\r'
if wait_for 30 out_has 1 "sum=42"; then ok "a typed command runs (6*7 = 42)"; else not_ok "a typed command runs" "$(tail -c 400 "$T/cout.1" | tr -d '\r')"; fi
console_close 1

if "$SANDLAB" console l1 --log | grep -q "sum=42"; then ok "the session is in the log"; else not_ok "the session is in the log"; fi
# On a terminal the log goes through the cleaner and still reads.
if script -qec "$SANDLAB console l1 --log" /dev/null | tr -d '\r' | grep -q "sum=42"; then ok "console --log on a terminal shows the text"; else not_ok "console --log on a terminal shows the text"; fi

rc=0
out=$("$SANDLAB" node stop l1 --grace 20 2>&1) || rc=$?
if [ "$rc" = 0 ] && state_is l1 stopped; then ok "linux node stops ($(run_get l1 last_exit.detail))"; else not_ok "linux node stops" "$out"; fi

run_done
