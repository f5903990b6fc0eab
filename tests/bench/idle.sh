#!/usr/bin/env bash
# Idle wake-ups and keystroke echo, per terminal size, each with its
# method (the dashboard runs in a pseudo-terminal, tests/bench/ptyterm.py,
# with no terminal emulator in between):
# - idle: context switches of all the dashboard's threads over 10 s
#   (/proc/PID/task/*/status) with 4 silent consoles (tiny guests) open,
#   at 80x24 (details pane hidden), 100x30 and 200x50;
# - keystroke to echo through the tiny guest: a key is written 20 ms after
#   the last echo (the dashboard has gone idle) and timed until its echo is
#   in the dashboard's output; 300 keys at each size, and the same through
#   `sandlab console` in the same run, as the floor a dashboard can reach.
set -eu
source "$(dirname "$0")/../lib.sh"
S=$SANDLAB
P="python3 $TOP/tests/bench/ptyterm.py"
export TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME="$T/config"
id_of() { "$S" node show "$1" --json | sed -n 's/^  "id": "\(.*\)",$/\1/p'; }
at_exit "$S node kill idle1 idle2 idle3 idle4"

"$S" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
for i in 1 2 3 4; do "$S" node create "idle$i" --image tiny --ram 16 >/dev/null; done
"$S" node start idle1 idle2 idle3 idle4 >/dev/null

# The 4 consoles, as a dashboard remembers them; the marker is in the
# title of the last tile, which is as wide as the screen at every size.
{ for i in 1 2 3 4; do echo "console $(id_of "idle$i")"; done; } >"$SANDLAB_LAB/ui-state"
for size in 80x24 100x30 200x50; do
	echo "idle, 4 silent consoles open, $size: $($P idle "${size%x*}" "${size#*x}" 'idle4 · running' 10 -- "$S")"
done

# Keystroke to echo: Enter opens the selected node's console (idle1) in
# the dashboard; for `sandlab console` it is just a key for the guest.
rm -f "$SANDLAB_LAB/ui-state"
for size in 80x24 100x30 200x50; do
	echo "keystroke to echo, dashboard $size: $($P latency "${size%x*}" "${size#*x}" 300 -- "$S")"
	rm -f "$SANDLAB_LAB/ui-state"
done
echo "keystroke to echo, sandlab console 80x24: $($P attached 80 24 300 -- "$S" console idle1)"
