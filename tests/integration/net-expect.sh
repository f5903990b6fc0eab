#!/usr/bin/env bash
# net-expect.sh: two linux guests joined by a link, driven only through
# `sandlab expect` (no console clients of the test's own): wait for the
# shell, set addresses, ping across the link and match "0% packet loss".
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

lab_image linux
"$SANDLAB" node create a --image linux --ram 128 >/dev/null
"$SANDLAB" node create b --image linux --ram 128 >/dev/null
check "link a:eth0 to b:eth0" "$SANDLAB" link add a:eth0 b:eth0
check "both start and show a shell prompt" "$SANDLAB" node start a b --wait-for 'linux# ' --timeout 180

# The prompt can come before the shell reads its line: probe until it answers.
shell_answers() {
	local i
	for i in 1 2 3 4 5 6; do
		if "$SANDLAB" expect "$1" --timeout 10 --sendline "echo up-$1-\$((40+2))" --expect "up-$1-42" \
		    >/dev/null 2>&1; then return 0; fi
	done
	return 1
}
if shell_answers a && shell_answers b; then ok "both shells answer through expect"; else not_ok "both shells answer"; fi

# Each step waits for the echo of a marker the typed line does not contain.
if out=$("$SANDLAB" expect a --timeout 20 \
    --sendline 'ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up && echo addr-$((40+2))' \
    --expect '^addr-42' 2>&1) &&
   out2=$("$SANDLAB" expect b --timeout 20 \
    --sendline 'ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up && echo addr-$((40+2))' \
    --expect '^addr-42' 2>&1); then
	ok "addresses set through expect"
else
	not_ok "addresses set through expect" "$out ${out2:-}"
fi
rc=0
out=$("$SANDLAB" expect a --json --timeout 60 --sendline 'ping -c 3 -w 40 10.0.0.2' \
    --expect '[^0-9]0% packet loss' --expect 'linux# ' 2>&1) || rc=$?
if [ "$rc" = 0 ] && text "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["ok"] and d["steps"][1]["matched"].endswith(" 0% packet loss"), d'; then
	ok "a pings b across the link: 0% packet loss"
else
	not_ok "a pings b across the link" "rc=$rc $out"
fi
# And the other way, with a step that must fail: 100% would not match.
if "$SANDLAB" expect b --timeout 60 --sendline 'ping -c 2 -w 40 10.0.0.1' \
    --expect '[^0-9]0% packet loss' >/dev/null 2>&1; then ok "b pings a"; else not_ok "b pings a"; fi
rc=0
"$SANDLAB" expect b --timeout 30 --sendline 'ping -c 1 -w 3 10.0.0.99' \
    --expect '[^0-9]0% packet loss' >/dev/null 2>&1 || rc=$?
if [ "$rc" = 1 ]; then ok "a ping to nobody does not match 0% packet loss"; else not_ok "ping to nobody" "rc=$rc"; fi
out=$("$SANDLAB" node stop a b --grace 20 2>&1) || true
if state_is a stopped && state_is b stopped; then ok "both stop"; else not_ok "stop" "$out"; fi

run_done
