#!/usr/bin/env bash
# run-expect.sh: send and expect on the tiny guest from a script: the
# banner from the replay, a line typed and its echo, live output only
# without --from-start, a step that never matches (exit 1 in time, naming
# the step), the JSON transcript, standard input closed, bad usage, text
# to two consoles at once, and node start --wait-for.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

lab_image tiny
"$SANDLAB" node create t1 --image tiny --ram 64 >/dev/null
"$SANDLAB" node create t2 --image tiny --ram 64 >/dev/null

# --wait-for: returns once the console showed the pattern since this start.
if out=$("$SANDLAB" node start t1 t2 --wait-for 'tiny login: $' --timeout 30 2>&1) &&
    text "$out" | grep -q 't1: console showed "tiny login: \$"' &&
    text "$out" | grep -q 't2: console showed'; then
	ok "node start --wait-for returns when both consoles showed the prompt"
else
	not_ok "node start --wait-for" "$out"
fi

# The banner was printed before we attached: only --from-start sees it.
if out=$("$SANDLAB" expect t1 --from-start --timeout 60 --expect 'tiny login: ' \
    --sendline 'hello-expect' --expect 'hello-expect' </dev/null 2>&1); then
	ok "expect: banner (replayed), sendline, echo"
else
	not_ok "expect: banner, sendline, echo" "$out"
fi
rc=0
out=$("$SANDLAB" expect t1 --timeout 2 --expect 'tiny login: ' 2>&1) || rc=$?
if [ "$rc" = 1 ]; then ok "without --from-start, output from before is not matched"; else not_ok "live only" "rc=$rc $out"; fi

# Standard input closed, output in a file: still works (nothing reads stdin).
if "$SANDLAB" expect t1 --sendline 'closed-stdin' --expect 'closed-stdin' <&- >"$T/closed.out" 2>&1; then
	ok "expect with standard input closed"
else
	not_ok "expect with standard input closed" "$(cat "$T/closed.out")"
fi

# A step that can never match: exit 1 once the timeout has passed (not
# before it; well before 15 s, so a wait that ignores its timeout shows,
# while a loaded machine's late wake-up does not fail it), naming the step; after other steps, the last lines seen are shown.
start=$(date +%s%N)
rc=0
out=$("$SANDLAB" expect t1 --timeout 3 --expect 'never-ever-printed' 2>&1) || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$rc" = 1 ] && [ "$ms" -ge 2900 ] && [ "$ms" -le 15000 ] &&
    text "$out" | grep -q 'step 1 (--expect "never-ever-printed") did not match within 3 s'; then
	ok "a step that never matches: exit 1 after ${ms} ms (timeout 3 s), naming the step"
else
	not_ok "a step that never matches" "rc=$rc ms=$ms $out"
fi
rc=0
# --timeout is per step: 5 s lets the echo come on a loaded machine
# before step 3 waits out its time.
out=$("$SANDLAB" expect t1 --timeout 5 --sendline 'last-words' --expect 'last-words' \
    --expect 'never-ever-printed' 2>&1) || rc=$?
if [ "$rc" = 1 ] && text "$out" | grep -q 'step 3 (--expect "never-ever-printed")' &&
    text "$out" | grep -q '| last-words'; then
	ok "the failure names step 3 and shows the last line seen"
else
	not_ok "the failure names step 3 and shows the last line" "rc=$rc $out"
fi

# The JSON transcript: every step with its time; the failed one named.
rc=0
"$SANDLAB" expect t1 --json --timeout 2 --sendline 'json-\x41' --expect 'json-A' --expect 'nope' \
    >"$T/t.json" 2>/dev/null || rc=$?
if [ "$rc" = 1 ] && python3 - "$T/t.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["node"] == "t1" and d["ok"] is False and d["failed_step"] == 3, d
s = d["steps"]
assert [x["kind"] for x in s] == ["sendline", "expect", "expect"], s
assert s[0]["ok"] and s[1]["ok"] and not s[2]["ok"], s
assert s[1]["matched"] == "json-A", s
assert all(isinstance(x["ms"], int) for x in s) and s[2]["ms"] >= 1900, s
assert "did not match within 2 s" in d["error"] and "json-A" in d["last_lines"], d
PY
then ok "--json: a transcript with times per step"; else not_ok "--json transcript" "rc=$rc $(cat "$T/t.json")"; fi

# Bad usage is 2, before anything is sent.
for args in "t1" "t1 --expect (" "t1 --send \\q" "t1 --timeout 0 --expect x" "t1 --bogus" "t1 t2 --expect x"; do
	rc=0
	# shellcheck disable=SC2086
	"$SANDLAB" expect $args >/dev/null 2>&1 || rc=$?
	if [ "$rc" = 2 ]; then ok "expect $args: exit 2"; else not_ok "expect $args: exit 2" "rc=$rc"; fi
done
"$SANDLAB" node create t3 --image tiny --ram 64 >/dev/null
expect_fail "expect on a stopped node says so" "t3 is not running" "$SANDLAB" expect t3 --expect x
expect_fail "expect on a missing node says so" "no node named" "$SANDLAB" expect t9 --expect x

# send: one text, escapes, to two consoles at once.
# t2's banner is in its replay: waiting for new output with "login" in it
# (an Enter echoes none) always ran out its 30 s.
"$SANDLAB" expect t2 --from-start --timeout 60 --expect 'tiny login: ' >/dev/null 2>&1 || true
# The watchers read from the start of the keeper's replay: one that
# attaches after the text came (a loaded machine) still sees its echo,
# where a fixed pause before the send was a guess.
"$SANDLAB" expect t1 --from-start --timeout 60 --expect 'both-A!' >"$T/e1" 2>&1 &
e1=$!
"$SANDLAB" expect t2 --from-start --timeout 60 --expect 'both-A!' >"$T/e2" 2>&1 &
e2=$!
check "send to two nodes" "$SANDLAB" send t1 t2 'both-\x41!\r'
r1=0; wait "$e1" || r1=$?
r2=0; wait "$e2" || r2=$?
if [ "$r1$r2" = 00 ]; then ok "both consoles got the text"; else not_ok "both consoles got the text" "$(cat "$T/e1" "$T/e2")"; fi
printf 'from-a-file\r' >"$T/in.txt"
"$SANDLAB" expect t1 --from-start --timeout 60 --expect 'from-a-file' >"$T/e3" 2>&1 &
e3=$!
check "send --file" "$SANDLAB" send t1 --file "$T/in.txt"
if wait "$e3"; then ok "the file's bytes arrived"; else not_ok "the file's bytes arrived" "$(cat "$T/e3")"; fi
expect_fail "send with a bad escape" "two hex digits" "$SANDLAB" send t1 'x\x4'
expect_fail "send to a missing node" "t9" "$SANDLAB" send t9 'x'

# --wait-for that never matches: fails naming the node, in time.
"$SANDLAB" node stop t2 --grace 0 >/dev/null 2>&1 || true
rc=0
out=$("$SANDLAB" node start t2 --wait-for 'never-ever' --timeout 3 2>&1) || rc=$?
if [ "$rc" = 1 ] && text "$out" | grep -q 't2: its console did not show "never-ever" in time'; then
	ok "node start --wait-for that never matches fails naming the node"
else
	not_ok "--wait-for never" "rc=$rc $out"
fi

run_done
