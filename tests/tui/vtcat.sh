#!/usr/bin/env bash
# The console renderer end to end: `sandlab __vtcat` draws known streams in
# a real tmux at 80x24 (its own server), and what tmux shows is checked:
# text, overwrites, wide characters and ZWJ sequences, colours and
# attributes, faint and truecolor too (capture-pane -e), the final frame of
# a longer stream, text reflowed when the terminal shrinks and grows (on
# the screen and, scrolled back with PgUp, in the scrollback), the
# guest's title sanitised and kept from the outer terminal, and the viewer
# ending on a key.
set -eu
source "$(dirname "$0")/../lib.sh"
# 256 colours unless a case asks for more
unset COLORTERM || true

sock="sandlab-vtcat-$$"
tm() { tmux -L "$sock" "$@"; }
at_exit "tmux -L '$sock' kill-server"
cat >"${T:?}/tmux.conf" <<'EOF'
set -g default-terminal tmux-256color
set -g alternate-screen off
EOF
tm -f "$T/tmux.conf" new-session -d -s main -x 80 -y 24 "sleep 600"

# run NAME ARGS...: runs the viewer on $T/NAME.in in a new window NAME; its
# exit status lands in $T/NAME.rc. The pane stays (a dead one would print
# a line that scrolls the last frame).
run() {
	local name=$1; shift
	tm new-window -d -n "$name" "$SANDLAB __vtcat $* <'$T/$name.in'; echo \$? >'$T/$name.rc'; exec sleep 600"
}
# run_raw NAME ARGS...: like run, and every byte the viewer writes to its
# terminal lands in $T/NAME.raw (tmux's pipe-pane, set up before the
# viewer starts: capture-pane drops C0 and DEL bytes, so only the raw
# output can show that none was written).
run_raw() {
	local name=$1; shift
	tm new-window -d -n "$name" "tmux -L '$sock' wait-for 'go-$name'; $SANDLAB __vtcat $* <'$T/$name.in'; echo \$? >'$T/$name.rc'; exec sleep 600"
	tm pipe-pane -O -t "main:$name" "cat >'$T/$name.raw'"
	tm wait-for -S "go-$name"
}
screen_of() { tm capture-pane -p -t "main:$1"; }
colours_of() { tm capture-pane -p -e -t "main:$1"; }
row() { screen_of "$1" | sed -n "$(($2 + 1))p"; }
shows() { screen_of "$1" | grep -qF -- "$2"; }
# sgr_shown CASE NAME ROW RE...: row ROW (from 1) of window NAME, with its
# escapes, matches every Perl regex RE.
sgr_shown() {
	local case=$1 name=$2 n=$3 line missing= re
	shift 3
	line=$(colours_of "$name" | sed -n "${n}p")
	for re in "$@"; do
		text "$line" | grep -qP -- "$re" || missing="$missing $re"
	done
	if [ -z "$missing" ]; then ok "$case"; else not_ok "$case" "no$missing in: $(text "$line" | cat -v)"; fi
}

# 1. colours, attributes, a wide character, overwriting, cursor motion
printf '%b' 'plain text\r\n' \
	'\033[31mRED\033[0m \033[1;44mBOLDBLUE\033[0m \033[4;3munder\033[0m \033[38;5;208mORANGE\033[0m \033[38;2;10;200;30mRGB\033[0m \033[7mrev\033[0m \033[2mfaint\033[22m \033[1;2mboth\033[0m\r\n' \
	'wide: \xe6\xbc\xa2\xe5\xad\x97!\r\n' \
	'overwrite: XXXXXXXX\033[8Dabc\r\n' \
	'\033[10;5Hpositioned\033[24;1Hdone' >"$T/basic.in"
run basic --hold
if wait_for 20 shows basic done; then ok "stream drawn"; else not_ok "stream drawn" "$(screen_of basic | head -3)"; fi
check "plain text" test "$(row basic 0)" = "plain text"
check "wide characters take two columns" test "$(row basic 2)" = "wide: 漢字!"
check "cursor motion overwrites" test "$(row basic 3)" = "overwrite: abcXXXXX"
check "absolute positioning" test "$(row basic 9)" = "    positioned"
sgr_shown "colours and attributes reach the terminal" basic 2 '\[31mRED' \
	'\[1m(\x1b\[44m|;44m)BOLDBLUE|\[1;44mBOLDBLUE' '\[(3;4|4;3)munder' '\[38;5;208mORANGE' \
	'\[38;5;[0-9]+mRGB' '\[7mrev' '\[2mfaint' '\[1m\x1b\[2mboth|\[2m\x1b\[1mboth|\[(1;2|2;1)mboth'
tm send-keys -t main:basic x
if wait_for 10 test -s "$T/basic.rc"; then
	check "a key ends the held viewer" test "$(cat "$T/basic.rc")" = 0
else
	not_ok "a key ends the held viewer" "still running"
fi

# 1b. truecolor: where COLORTERM says the terminal shows it, an RGB colour
# reaches the terminal as it is (tmux-direct in place of tmux-256color);
# without COLORTERM it is the nearest of 256 (above)
printf '%b' 'plain\r\n' '\033[38;2;10;200;30mRGB\033[0m \033[48;2;1;2;3mBG\033[0m \033[38;5;208mORANGE\033[0m\r\n' \
	'done' >"$T/rgb.in"
tm new-window -d -n rgb "COLORTERM=truecolor $SANDLAB __vtcat --hold <'$T/rgb.in'; echo \$? >'$T/rgb.rc'; exec sleep 600"
if wait_for 20 shows rgb done; then ok "truecolor stream drawn"; else not_ok "truecolor stream drawn" "$(screen_of rgb | head -3)"; fi
sgr_shown "truecolor reaches the terminal as RGB" rgb 2 '\[38;2;10;200;30mRGB' '\[48;2;1;2;3mBG' \
	'\[38;2;255;135;0mORANGE|\[38;5;208mORANGE'
tm send-keys -t main:rgb x
wait_for 10 test -s "$T/rgb.rc" || true

# 1c. a ZWJ sequence (man ZWJ woman ZWJ girl, 3 glyphs of 2 columns to
# libvterm) and a heart with VS16, then a character put at an absolute
# column on each row: what tmux shows has each glyph where the model has
# it, nothing shifted, no stale cell
printf '%b' 'A\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7B|end\r\n' \
	'heart\xe2\x9d\xa4\xef\xb8\x8f|end\r\n' '\033[1;9H#\033[2;7H#\033[3;1Hdone' >"$T/zwj.in"
run zwj --hold
if wait_for 20 shows zwj done; then
	check "a ZWJ sequence takes the model's columns" test "$(row zwj 0)" = "A👨👩👧B#end"
	check "a VS16 heart takes the model's column" test "$(row zwj 1)" = "heart❤#end"
else
	not_ok "ZWJ stream drawn" "$(screen_of zwj | head -3)"
fi
tm send-keys -t main:zwj x
wait_for 10 test -s "$T/zwj.rc" || true

# 1d. reflow: the terminal shrinks to 15 columns and grows back; wrapped
# text is joined again, nothing is cut
printf '%b' 'tiny login: before quitXYZ\r\n' '0123456789abcdefghijklmnopqrstuvwxyz\r\n' 'done' >"$T/reflow.in"
run reflow --hold
if wait_for 20 shows reflow done; then
	tm resize-window -t main:reflow -x 15 -y 24
	wait_for 10 sh -c "tmux -L '$sock' capture-pane -p -t main:reflow | grep -qx 'ore quitXYZ'" || true
	check "shrunk to 15 columns, the text wraps" test "$(screen_of reflow | head -n 5 | tr '\n' '|')" = \
		"tiny login: bef|ore quitXYZ|0123456789abcde|fghijklmnopqrst|uvwxyz|"
	tm resize-window -t main:reflow -x 80 -y 24
	wait_for 10 sh -c "tmux -L '$sock' capture-pane -p -t main:reflow | grep -qx 'tiny login: before quitXYZ'" || true
	check "grown back, every line is whole" test "$(screen_of reflow | head -n 3 | tr '\n' '|')" = \
		"tiny login: before quitXYZ|0123456789abcdefghijklmnopqrstuvwxyz|done|"
else
	not_ok "reflow stream drawn" "$(screen_of reflow | head -3)"
fi
tm send-keys -t main:reflow x
wait_for 10 test -s "$T/reflow.rc" || true

# 1e. scrollback reflow: long lines scroll off at 80 columns, the terminal
# shrinks to 40 and grows back; scrolled back (PgUp), a line cut at 40
# reads whole again, a wide character at column 40 starts the next row
# whole, and a line exactly 80 wide ended by CR LF stays apart from the
# next
L1="long line one: $(printf 'a%.0s' $(seq 1 50)) END1"
L2="a line of exactly eighty columns, ended by CR LF: it must stay a line of its own"
L3="wide at 40: $(printf 'w%.0s' $(seq 1 27))漢字 END3"
L4="NEXT after the eighty"
{
	printf '%s\r\n' "$L1" "$L2" "$L3" "$L4"
	for i in $(seq 1 30); do printf 'filler %d\r\n' "$i"; done
	printf 'done'
} >"$T/sbflow.in"
check "the eighty-column line is 80 wide" test "${#L2}" = 80
run sbflow --hold
# rows ROW...: the rows given (from 1) of the window, joined by '|'
rows_of() { local w=$1; shift; screen_of "$w" | sed -n "$(printf '%sp;' "$@")" | tr '\n' '|'; }
if wait_for 20 shows sbflow done; then
	tm resize-window -t main:sbflow -x 40 -y 24
	wait_for 10 sh -c "tmux -L '$sock' capture-pane -p -t main:sbflow | grep -q '^filler 30'" || true
	tm send-keys -t main:sbflow PPage
	wait_for 10 sh -c "tmux -L '$sock' capture-pane -p -t main:sbflow | grep -q '^long line one'" || true
	want40="long line one: $(printf 'a%.0s' $(seq 1 25))|$(printf 'a%.0s' $(seq 1 25)) END1|"
	want40="${want40}a line of exactly eighty columns, ended|by CR LF: it must stay a line of its own|"
	want40="${want40}wide at 40: $(printf 'w%.0s' $(seq 1 27))|漢字 END3|NEXT after the eighty|"
	check "at 40 columns the scrollback is wrapped at 40, the wide character whole" \
		test "$(rows_of sbflow 1 2 3 4 5 6 7)" = "$want40"
	tm send-keys -t main:sbflow NPage
	wait_for 10 sh -c "tmux -L '$sock' capture-pane -p -t main:sbflow | grep -q '^done'" || true
	tm resize-window -t main:sbflow -x 80 -y 24
	wait_for 10 sh -c "tmux -L '$sock' capture-pane -p -t main:sbflow | tail -n 1 | grep -q '^done'" || true
	tm send-keys -t main:sbflow PPage
	# "long line one" starts a row at 40 columns too: wait for the rows the
	# new width gives (the viewer may take the key before the new size).
	grown() { test "$(rows_of sbflow 1 2 3 4 5)" = "$L1|$L2|$L3|$L4|filler 1|"; }
	wait_for 10 grown || true
	check "grown back to 80, scrolled back, every line reads whole" grown
else
	not_ok "scrollback reflow stream drawn" "$(screen_of sbflow | head -3)"
fi
tm send-keys -t main:sbflow q
wait_for 10 test -s "$T/sbflow.rc" || true

# 2. a longer stream: the last frame shows its end, then the viewer exits
python3 - "$T/long.in" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        f.write("\x1b[3%dmline %d \u00e9\u6f22 %s\x1b[m\r\n" % (i % 8, i, "x" * (i % 50)))
    f.write("LAST-LINE-OF-STREAM")
EOF
run long
if wait_for 60 test -s "$T/long.rc"; then
	check "the viewer exits at the end of its input" test "$(cat "$T/long.rc")" = 0
	check "the final frame shows the stream's end" shows long "LAST-LINE-OF-STREAM"
	want="line 19999 é漢 $(printf 'x%.0s' $(seq 1 49))"
	if [ "$(row long 22)" = "$want" ]; then ok "the line before it too"
	else not_ok "the line before it too" "rows 20-23: $(screen_of long | sed -n 21,24p | tr '\n' '|')"; fi
else
	not_ok "the viewer exits at the end of its input" "still running"
fi

# 3. a title with control bytes: shown sanitised, never passed on
printf '%b' '\033]2;EVIL\x01\x9b[2J\x07\033]0;ICON\x7f\xff\033\\' 'body text' >"$T/title.in"
run_raw title --hold --rows 23
if wait_for 20 shows title "body text"; then ok "title stream drawn"; else not_ok "title stream drawn" "$(screen_of title | head -2)"; fi
status=$(row title 23)
check "the title is shown, sanitised" test "$status" = "title: ICON�"
# The title's own bytes (Ctrl-A, DEL, the C1 CSI, BEL, an OSC) are never
# written to the terminal: the raw output holds none of them.
raw_clean() {
	python3 - "$T/title.raw" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8", "replace")
bad = [repr(c) for c in text if c in "\x01\x07\x7f\x9b"]
if b"body text" not in raw:
    sys.exit("no raw output captured: %r" % raw[:200])
if bad or "\x1b]" in text:
    sys.exit("control bytes written: %s %s" % (" ".join(bad), "OSC" if "\x1b]" in text else ""))
PY
}
check "no control byte of the title reaches the terminal" raw_clean
title=$(tm display-message -p -t main:title '#{pane_title}')
if text "$title" | grep -q -e EVIL -e ICON; then
	not_ok "the guest's title does not reach the outer terminal" "pane title: $title"
else
	ok "the guest's title does not reach the outer terminal"
fi
check "the body is not cleared by the bytes in the title" test "$(row title 0)" = "body text"
tm send-keys -t main:title q
if wait_for 10 test -s "$T/title.rc"; then
	check "the title viewer exits" test "$(cat "$T/title.rc")" = 0
else
	not_ok "the title viewer exits" "still running"
fi

done_testing
