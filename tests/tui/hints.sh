#!/usr/bin/env bash
# tests/tui/hints.sh: the status line's key hints follow the selected
# node's state at every width: a running node (the tiny guest, real QEMU
# under TCG) is offered "S stop" and not "s start", a stopped one "s start"
# and not "S stop", at 80x24 (where one of the two used to be cut off,
# always the stop) and at 200x50.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"
source "$TOP/tests/lib-run.sh"

lab_image tiny
"$SANDLAB" node create a-run --image tiny --ram 32 --nics 0 >/dev/null
"$SANDLAB" node create b-off --image tiny --ram 32 --nics 0 >/dev/null
at_exit "$SANDLAB node kill a-run"
"$SANDLAB" node start a-run >/dev/null

# hints_are W NAME: the status line offers stop and not start while the
# running node is selected, then start and not stop on the stopped one.
hints_are() {
	local w=$1 line
	keys Home
	tui_settle "running" >/dev/null || true
	line=$(text "$SCREEN" | tail -n 1)
	if text "$line" | grep -qF "S stop" && ! text "$line" | grep -qF "s start"; then
		ok "at $w a running node's status line offers stop, not start"
	else
		not_ok "at $w a running node's status line offers stop, not start" "$line"
	fi
	keys Down
	tui_settle "s start" >/dev/null || true
	line=$(text "$SCREEN" | tail -n 1)
	if text "$line" | grep -qF "s start" && ! text "$line" | grep -qF "S stop"; then
		ok "at $w a stopped node's status line offers start, not stop"
	else
		not_ok "at $w a stopped node's status line offers start, not stop" "$line"
	fi
}

tui_start 80 24
tui_settle "a-run" >/dev/null || true
hints_are 80x24
tui_start 200 50
tui_settle "a-run" >/dev/null || true
hints_are 200x50

done_testing
