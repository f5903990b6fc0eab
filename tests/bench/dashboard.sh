#!/usr/bin/env bash
# Dashboard figures, each with its method (idle wake-ups and keystroke
# echo per terminal size are in tests/bench/idle.sh):
# - start to first frame on a lab of 1,000 nodes (made with a CLI loop of
#   `node create`): spawn until "Nodes (1000)" is drawn;
# - RSS with 16 consoles of flood guests once each console log holds
#   12,000 lines (so each console's 10,000-line scrollback is full).
# The dashboard runs in a pseudo-terminal (tests/bench/ptyterm.py).
set -eu
source "$(dirname "$0")/../lib.sh"
S=$SANDLAB
P="python3 $TOP/tests/bench/ptyterm.py"
export TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME="$T/config"
ms() { date +%s%N | cut -c1-13; }
id_of() { "$S" node show "$1" --json | sed -n 's/^  "id": "\(.*\)",$/\1/p'; }
stop_all() { "$S" node kill --all >/dev/null 2>&1 || true; }
at_exit stop_all

"$S" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
"$S" image import "$TOP/images/flood.qcow2" --name flood >/dev/null 2>&1

# RSS with 16 flooding consoles.
names=()
for i in $(seq 1 16); do "$S" node create "fl$i" --image flood --ram 16 >/dev/null; names+=("fl$i"); done
"$S" node start "${names[@]}" >/dev/null
{ for n in "${names[@]}"; do echo "console $(id_of "$n")"; done; } >"$SANDLAB_LAB/ui-state"
mkdir -p "$T/fl-logs"
for n in "${names[@]}"; do ln -s "$SANDLAB_LAB/logs/$(id_of "$n").log" "$T/fl-logs/$n.log"; done
echo "RSS, 16 flood consoles at 200x50: $($P rss 200 50 'fl16' "$T/fl-logs" 12000 -- "$S")"
"$S" node kill "${names[@]}" >/dev/null
rm -f "$SANDLAB_LAB/ui-state"

# A lab of 1,000 nodes.
a=$(ms)
for i in $(seq 1 1000); do "$S" node create "n$i" --image tiny --ram 16 >/dev/null; done
b=$(ms)
echo "made 1,000 nodes with a CLI loop of node create in $(( (b - a) / 1000 )) s"
total=$("$S" node ls --json | grep -c '"id"')
for i in 1 2 3 4 5; do $P firstframe 200 50 "Nodes ($total)" -- "$S"; done | sort -n >"$T/ff"
echo "start to first frame, $total nodes, 200x50: median $(sed -n 3p "$T/ff") ms (runs: $(tr '\n' ' ' <"$T/ff"))"
