#!/usr/bin/env bash
# Console throughput and memory (issue 4's figures for the console pane).
#
# Throughput: a ~50 MB deterministic stream of mixed terminal output
# (console-stream.py) goes through `sandlab __vtcat` (a vtcon with the
# dashboard's damage-driven, 16 ms frame-throttled redraw) in a tmux pane,
# and through tmux itself (`cat` in a pane of the same size), at 80x24 and
# 200x50, in the same run. Each time runs from the command's start until
# it has finished and the stream's last line is visible in capture-pane
# (the viewer's end is signalled with `tmux wait-for`; tmux keeps the
# final frame because alternate-screen is off). REPS runs each, alternating;
# the median is reported, and the ratio tmux/vtcat (above 1: faster than
# tmux). vtcat's own figures (frames drawn) come from its --stats line.
#
# Memory: a vtcon of 200x50 with 10,000 lines of scrollback, filled with
# the mixed stream and with dense 200-column coloured lines; vtcat --stats
# reports the bytes the vtcon holds and the process's max RSS, beside the
# same run with no scrollback.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SANDLAB=${SANDLAB:-$TOP/build/sandlab}
MB=${MB:-50}
REPS=${REPS:-3}
T=$(mktemp -d "${TMPDIR:-/tmp}/sandlab-bench.XXXXXX")
: "${T:?}"
sock="sandlab-bench-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf -- "${T:?}"' EXIT

cat >"$T/tmux.conf" <<'EOF'
set -g default-terminal tmux-256color
set -g alternate-screen off
set -g status off
set -g remain-on-exit on
set -g history-limit 2000
EOF
tm() { tmux -L "$sock" "$@"; }
now() { date +%s.%N; }

python3 "$TOP/tests/bench/console-stream.py" "$T/stream" "$MB"
python3 "$TOP/tests/bench/console-stream.py" "$T/dense" 8 --dense
echo "stream: $(stat -c %s "$T/stream") bytes, $(grep -c $'\r' "$T/stream") lines; tmux $(tmux -V | cut -d' ' -f2); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# timed W H CMD: seconds from starting CMD in a fresh WxH tmux until it
# signals "done" and the end marker is on the pane.
timed() {
	local w=$1 h=$2 cmd=$3 start end
	tm kill-server 2>/dev/null || true
	tm -f "$T/tmux.conf" new-session -d -s b -x "$w" -y "$h" "sleep 600"
	tm wait-for done &
	local waiter=$!
	start=$(now)
	tm respawn-pane -k -t b "$cmd; tmux wait-for -S done"
	wait "$waiter"
	until tm capture-pane -p -t b | grep -q STREAM-END-MARKER; do sleep 0.01; done
	end=$(now)
	tm kill-server
	echo "$end - $start" | bc
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for size in 80x24 200x50; do
	w=${size%x*} h=${size#*x}
	: >"$T/v" && : >"$T/t"
	for r in $(seq 1 "$REPS"); do
		timed "$w" "$h" "$SANDLAB __vtcat --stats <'$T/stream' 2>'$T/stats'" >>"$T/v"
		timed "$w" "$h" "cat '$T/stream'" >>"$T/t"
	done
	v=$(median <"$T/v") t=$(median <"$T/t")
	printf '%-7s vtcat %6.2f s (%s)  tmux %6.2f s (%s)  tmux/vtcat %.2f; %s\n' "$size" "$v" \
		"$(paste -sd' ' "$T/v" | xargs printf '%.2f ')" "$t" "$(paste -sd' ' "$T/t" | xargs printf '%.2f ')" \
		"$(echo "$t / $v" | bc -l)" "$(sed 's/^vtcat: //; s/, vtcon.*//' "$T/stats")"
done

# memory: run the viewer to the end and read its --stats line
mem() {
	local input=$1 sb=$2
	tm kill-server 2>/dev/null || true
	tm -f "$T/tmux.conf" new-session -d -s b -x 200 -y 50 "sleep 600"
	tm wait-for done &
	local waiter=$!
	tm respawn-pane -k -t b "$SANDLAB __vtcat --stats --scrollback $sb <'$input' 2>'$T/mem'; tmux wait-for -S done"
	wait "$waiter"
	tm kill-server
	sed 's/^vtcat: [^,]*, [^,]*, [^,]*, //' "$T/mem"
}
echo "memory at 200x50 (vtcon: heap bytes the console holds; RSS: whole process):"
printf '  mixed stream, 10000 lines: %s\n' "$(mem "$T/stream" 10000)"
printf '  mixed stream, no scrollback: %s\n' "$(mem "$T/stream" 0)"
printf '  dense 200-column lines, 10000 lines: %s\n' "$(mem "$T/dense" 10000)"
printf '  dense 200-column lines, no scrollback: %s\n' "$(mem "$T/dense" 0)"
