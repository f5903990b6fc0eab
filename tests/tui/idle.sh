#!/usr/bin/env bash
# tests/tui/idle.sh: a dashboard with nothing to do does not wake up. With
# 1 and then 4 consoles open on silent tiny guests, at 80x24 (details
# pane hidden), 100x30 and 200x50, the dashboard's voluntary context
# switches (each return from poll that slept is one) are counted over
# IDLE_SECS seconds of quiet. The bound is IDLE_MAX: the only timer an idle
# dashboard keeps is the nodes' uptime column, once a minute, which may
# fall once into the window; a frame timer left running (the fault this
# catches: a hidden pane kept dirty) makes about 60 a second.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

IDLE_SECS=3
IDLE_MAX=2

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
for n in i1 i2 i3 i4; do "$SANDLAB" node create "$n" --image tiny --ram 32 >/dev/null; done
at_exit "$SANDLAB node kill i1 i2 i3 i4"
"$SANDLAB" node start i1 i2 i3 i4 >/dev/null

# wakeups PID: its voluntary context switches so far.
wakeups() { sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' "/proc/$1/status"; }

# open_console K: in a fresh dashboard, opens the console of the K-th
# node (the lab remembers it for the next dashboards) and leaves it.
open_console() {
	local k=$1 moves=""
	tui_start 80 24
	tui_settle "i4" >/dev/null
	for _ in $(seq 2 "$k"); do moves="$moves j"; done
	# shellcheck disable=SC2086
	[ -z "$moves" ] || keys $moves
	keys Enter
	# typing: the status line says how to leave (a tile's title may be
	# too narrow for its hints with three tiles at 80 columns)
	tui_settle "C-] leave" >/dev/null || true
	tui_settle "tiny login:" >/dev/null || true
	keys C-]
	tui_settle "Enter type" >/dev/null || true
}

# idle_check CONSOLES: at each size, the dashboard with CONSOLES consoles
# open wakes at most IDLE_MAX times in IDLE_SECS of quiet.
idle_check() {
	local n=$1 size w h pid before after
	for size in 80x24 100x30 200x50; do
		w=${size%x*} h=${size#*x}
		tui_start "$w" "$h"
		# Settled: every console attached and drawn, the start-up jobs
		# (KVM probe, image scan) done.
		if ! tui_settle "tiny login:" 30 || text "$SCREEN" | grep -qF "attaching"; then
			tui_settle "Nodes (4)" 10 >/dev/null || true
		fi
		sleep 1
		pid=$(tui_pid)
		before=$(wakeups "$pid")
		sleep "$IDLE_SECS"
		after=$(wakeups "$pid")
		if [ $((after - before)) -le "$IDLE_MAX" ]; then
			ok "idle at $size with $n console(s): $((after - before)) wake-ups in ${IDLE_SECS}s"
		else
			not_ok "idle at $size with $n console(s)" "$((after - before)) wake-ups in ${IDLE_SECS}s (at most $IDLE_MAX)"
		fi
	done
}

open_console 1
idle_check 1
for k in 2 3 4; do open_console "$k"; done
tui_start 80 24
if tui_settle "Nodes (4)" && [ "$(tui_cap | grep -oE 'i[1-4] · running' | sort -u | wc -l)" = 4 ]; then
	ok "four consoles are open"
else
	not_ok "four consoles are open" "$SCREEN"
fi
idle_check 4

done_testing
