#!/usr/bin/env bash
# tests/tui/net-wire.sh: the links view's live-wire keys in the real
# dashboard, checked through the CLI: u pulls and plugs the cable (link
# ls); i sets impairments per direction with the literal values typed
# (link ls --json) and refuses bad ones in the form, changing nothing; w
# starts and stops a capture of end A into captures/ (0700, a 0600 file
# tcpdump reads; capture ls says running, then done, and capture rm
# refuses a running one). The frames come from this test: a UDP socket
# on the stopped peer's port talks to the running node's wire end, as
# another host would. An end moved to another address and port is shown
# in the view. A dashboard capture also ends when its link is
# removed, when its node stops, and when the dashboard quits.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-net.sh"

command -v tcpdump >/dev/null || { not_ok "tcpdump is installed" "make deps installs it"; run_done; exit 1; }
SRC_MAC=52:54:00:77:00:01
DST_MAC=52:54:00:77:00:0a
WIRE_SRC_MAC=$SRC_MAC WIRE_DST_MAC=$DST_MAC
lab_image tiny
for n in a b; do "$SANDLAB" node create "$n" --image tiny --ram 32 >/dev/null; done
"$SANDLAB" nic set a:eth0 --mac "$DST_MAC" >/dev/null
"$SANDLAB" link add a:eth0 b:eth0 >/dev/null
check "a starts (b stays stopped: the test speaks for it)" "$SANDLAB" node start a

on_screen() {
	local t
	for t in "$@"; do text "$SCREEN" | grep -qF -- "$t" || return 1; done
}
# link_field EXPR: a Python expression over the first link of link ls --json (l).
link_field() { "$SANDLAB" link ls --json | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]; print(eval(sys.argv[1]))' "$1"; }
# cap_field NAME EXPR: EXPR over capture NAME of capture ls --json (c).
cap_field() {
	"$SANDLAB" capture ls --json | python3 -c 'import json,sys
for c in json.load(sys.stdin):
    if c["name"] == sys.argv[1]: print(eval(sys.argv[2]))' "$1" "$2"
}
cap_is() { [ "$(cap_field "$1" "$2")" = "$3" ]; }
# The capture file the status line named.
cap_name() { text "$SCREEN" | grep -oE 'captures/a-eth0-[0-9]{8}-[0-9]{6}(-[0-9]+)?\.pcap' | head -n 1 | sed 's|captures/||'; }
# send N TAG: N Ethernet frames (ethertype 0x88b5, TAG in the payload)
# from b's UDP port to a's wire end, as b's wire would send them.
send() { wire_send 127.0.0.1 "$(link_end b port)" "$(link_end a port)" "$1" "$2"; }

tui_start 120 40
tui_settle "Nodes (2)" >/dev/null
keys n
tui_settle "UDP ports" >/dev/null

# u: the cable.
keys u
if tui_settle "pulled the cable of a:eth0 - b:eth0" && [ "$(link_field 'l["up"]')" = False ] &&
   "$SANDLAB" link ls | grep -Eq "a:eth0 +b:eth0 .* down "; then
	ok "u pulls the cable: link ls says down"
else not_ok "u pulls the cable" "$(link_field 'l["up"]'); $SCREEN"; fi
keys u
if tui_settle "plugged the cable of a:eth0 - b:eth0; in effect now on a" && [ "$(link_field 'l["up"]')" = True ]; then
	ok "u again plugs it back, in effect on the running end"
else not_ok "u plugs the cable" "$(link_field 'l["up"]'); $SCREEN"; fi

# i: the impairments of what a sends, then of what b sends.
keys i
if tui_settle "Impair a link" && on_screen "< a:eth0 sends >" "delay ms" "corrupt %"; then ok "i opens the form on what A sends"; else not_ok "impair form" "$SCREEN"; fi
keys Down 120 Down 7 Down 15 Down 64 Down 2 Down 1 Enter
if tui_settle "UDP ports" && [ "$(link_field 'l["a"]["shape"]')" = "delay=120,jitter=7,loss=15,rate=64,duplicate=2,corrupt=1" ] &&
   [ "$(link_field 'l["b"]["shape"]')" = "" ]; then
	ok "the form sets what a sends to the values typed; b's direction is untouched"
else not_ok "impairments from the form" "$(link_field 'l["a"]["shape"], l["b"]["shape"]'); $SCREEN"; fi
keys i
tui_settle "Impair a link" >/dev/null
keys Right
if tui_settle "< b:eth0 sends >"; then ok "Right picks the other direction"; else not_ok "direction switch" "$SCREEN"; fi
keys Down Down Down 5 Enter
if tui_settle "UDP ports" && [ "$(link_field 'l["b"]["shape"]')" = "loss=5" ] &&
   [ "$(link_field 'l["a"]["shape"]')" = "delay=120,jitter=7,loss=15,rate=64,duplicate=2,corrupt=1" ]; then
	ok "B>A set to loss=5 (its own values were shown), A>B kept"
else not_ok "B>A" "$(link_field 'l["a"]["shape"], l["b"]["shape"]')"; fi

# Bad values: the form says why in the CLI's words and changes nothing.
before=$("$SANDLAB" link ls --json)
keys i
tui_settle "Impair a link" >/dev/null
bad_form() { # KEYS... ; the last argument is the message expected
	local want=${*: -1}
	keys "${@:1:$#-1}"
	tui_settle "$want" 20
}
# Moving onto a field selects its text: what is typed replaces it.
if bad_form Down 1s "delay is a whole number, 0 or more"; then ok "form: a delay of 1s refused"; else not_ok "delay 1s" "$SCREEN"; fi
if bad_form Up Down 70000 "delay is from 0 to 60000ms"; then ok "form: a delay over 60 s refused"; else not_ok "delay 70000" "$SCREEN"; fi
keys Up Down 0
if bad_form Down Down 101 "loss is from 0 to 100%"; then ok "form: a loss of 101% refused"; else not_ok "loss 101" "$SCREEN"; fi
keys Up Down 0
if bad_form Down 5 "rate is 0 (unlimited) or 8 to 10000000 kbit/s"; then ok "form: a rate of 5 kbit/s refused"; else not_ok "rate 5" "$SCREEN"; fi
keys Up Down 0 Up 101 Enter
if tui_settle "Impair a link" && on_screen "loss is from 0 to 100%" && [ "$("$SANDLAB" link ls --json)" = "$before" ]; then
	ok "Enter on a bad form keeps it open and the link as it was"
else not_ok "bad submit" "$SCREEN"; fi
keys Escape
if tui_settle "UDP ports" && ! on_screen "Impair a link" && [ "$("$SANDLAB" link ls --json)" = "$before" ]; then
	ok "Esc goes back to the links view, nothing changed"
else not_ok "Esc" "$SCREEN"; fi
"$SANDLAB" link set a:eth0 --clear >/dev/null

# An end off 127.0.0.1 and a moved port: the view says where b listens
# (then b goes back, for the frames below).
newp=$(free_port udp)
"$SANDLAB" link set b:eth0 --address 127.0.0.9 --port "$newp" >/dev/null
if tui_settle "b:eth0 listens on 127.0.0.9:$newp" && textln "$SCREEN" | grep -Eq "a:eth0 +b:eth0 +4[0-9]{4}-$newp +up"; then
	ok "the links view shows b's address and moved port"
else not_ok "address in the view" "$SCREEN"; fi
# Back on a port of the test's own: b's old one, in the 40000s that every
# lab on this machine picks from, may be another test's by now.
backp=$(free_port udp)
while [ "$backp" = "$newp" ]; do backp=$(free_port udp); done
"$SANDLAB" link set b:eth0 --address 127.0.0.1 --port "$backp" >/dev/null
if tui_settle "-$backp " && ! on_screen "listens on"; then ok "back on 127.0.0.1, the line goes"; else not_ok "address line gone" "$SCREEN"; fi

# w: a capture of end A into captures/.
keys w
tui_settle "capturing a:eth0 into captures/" >/dev/null
name=$(cap_name)
if [ -n "$name" ] && on_screen "capturing a:eth0 to captures/$name (w stops)" &&
   textln "$SCREEN" | grep -Eq 'a:eth0 +b:eth0 +4[0-9]{4}-[0-9]{5} +up +- +- +up, stopped, rec'; then
	ok "w starts a capture, shown in the view"
else not_ok "w" "$SCREEN"; fi
if [ -n "$name" ] && cap_is "$name" 'c["state"], c["end"]' "('running', 'a:eth0')"; then
	ok "capture ls: running, end a:eth0"
else not_ok "capture ls running" "$name: $("$SANDLAB" capture ls 2>&1)"; fi
expect_fail "capture rm of a running capture" "is running: stop it first" "$SANDLAB" capture rm "$name"
send 3 sandlab-tag-1
if wait_for 30 cap_is "$name" 'c["frames"]' 3; then ok "3 frames from a UDP peer reach a's wire end and the capture"; else not_ok "frames" "$("$SANDLAB" capture ls)"; fi
keys w
if tui_settle "capture of a:eth0 stopped: captures/$name" && ! on_screen "(w stops)" && ! on_screen ", rec" && cap_is "$name" 'c["state"]' done; then
	ok "w again stops it: capture ls says done"
else not_ok "w stops" "$("$SANDLAB" capture ls); $SCREEN"; fi
file=$SANDLAB_LAB/captures/$name
tcpdump -n -e -r "$file" >"$T/cap.txt" 2>"$T/cap.err" || true
got=$(grep -c "$SRC_MAC > $DST_MAC, ethertype Unknown (0x88b5)" "$T/cap.txt" || true)
if [ "$got" = 3 ]; then ok "tcpdump reads the 3 frames with their MACs"; else not_ok "tcpdump" "$got: $(cat "$T/cap.txt" "$T/cap.err")"; fi
if [ "$(stat -c %a "$SANDLAB_LAB/captures")" = 700 ] && [ "$(stat -c %a "$file")" = 600 ]; then
	ok "captures/ is 0700, the file 0600"
else not_ok "modes" "$(stat -c '%a %n' "$SANDLAB_LAB/captures" "$file")"; fi
if "$SANDLAB" capture ls | grep -Eq "^$name +a:eth0 +[0-9]+ +3 done$"; then ok "capture ls: name, end, bytes, frames, done"; else not_ok "capture ls text" "$("$SANDLAB" capture ls)"; fi

# The link removed (here from the CLI): the dashboard's capture ends.
keys w
tui_settle "capturing a:eth0 into captures/" >/dev/null
name2=$(cap_name)
send 2 sandlab-tag-2
wait_for 30 cap_is "$name2" 'c["frames"]' 2 || true
"$SANDLAB" link rm a:eth0 >/dev/null
if [ -n "$name2" ] && wait_for 30 cap_is "$name2" 'c["state"], c["frames"]' "('done', 2)"; then
	ok "link rm ends the dashboard's capture of it"
else not_ok "capture ends with the link" "$name2: $("$SANDLAB" capture ls)"; fi

# Its node stops: the dashboard's capture ends, the file complete, and
# neither the view nor capture ls shows it running.
"$SANDLAB" link add a:eth0 b:eth0 >/dev/null
# The link's row in the view (the status line still names a:eth0 from the
# capture before, and w on no row starts nothing).
link_row() { tui_cap | grep -qE -- "a:eth0 +b:eth0"; }
wait_for 20 link_row || true
keys w
tui_settle "capturing a:eth0 into captures/" >/dev/null
name4=$(cap_name)
send 5 sandlab-tag-4
wait_for 30 cap_is "$name4" 'c["frames"]' 5 || true
"$SANDLAB" node stop a --grace 1 >/dev/null 2>&1 || true
if [ -n "$name4" ] && wait_for 60 cap_is "$name4" 'c["state"], c["frames"]' "('done', 5)" &&
   [ "$(tcpdump -n -e -r "$SANDLAB_LAB/captures/$name4" 2>/dev/null | grep -c "$SRC_MAC > $DST_MAC, ethertype Unknown (0x88b5)" || true)" = 5 ]; then
	ok "a's stop ends the dashboard's capture: 5 frames in capture ls and in tcpdump, done"
else not_ok "capture ends with its node" "$name4: $("$SANDLAB" capture ls)"; fi
if tui_settle "stopped, stopped" && ! on_screen ", rec" && "$SANDLAB" capture ls | grep -Eq "^$name4 +a:eth0 +[0-9]+ +5 done$"; then
	ok "the links view and capture ls show it done"
else not_ok "capture done after the stop" "$("$SANDLAB" capture ls); $SCREEN"; fi
check "a starts again" "$SANDLAB" node start a

# The dashboard quits: its capture ends with a complete file.
tui_settle "up, stopped" >/dev/null
keys w
tui_settle "capturing a:eth0 into captures/" >/dev/null
name3=$(cap_name)
send 4 sandlab-tag-3
wait_for 30 cap_is "$name3" 'c["frames"]' 4 || true
# (q closes the view, then quits; ESC and q at once would be Alt-q.)
keys q
tui_settle "Nodes (2)" >/dev/null
keys q
if tui_settle "DASHBOARD-EXITED 0" && cap_is "$name3" 'c["state"], c["frames"]' "('done', 4)" &&
   [ "$(tcpdump -n -e -r "$SANDLAB_LAB/captures/$name3" 2>/dev/null | grep -c "0x88b5" || true)" = 4 ]; then
	ok "quitting the dashboard ends its capture: 4 frames, done"
else not_ok "capture ends with the dashboard" "$name3: $("$SANDLAB" capture ls)"; fi

check "capture rm of a done capture" "$SANDLAB" capture rm "$name"
if [ ! -e "$file" ] && ! "$SANDLAB" capture ls | grep -qF "$name"; then ok "capture rm removes it"; else not_ok "capture rm" "$("$SANDLAB" capture ls)"; fi
expect_fail "capture rm of a path" "is not a capture" "$SANDLAB" capture rm ../lab.db
expect_fail "capture rm of a name that is not there" "no capture" "$SANDLAB" capture rm nothing.pcap

"$SANDLAB" node stop a --grace 1 >/dev/null 2>&1 || true
run_done
