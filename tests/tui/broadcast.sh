#!/usr/bin/env bash
# tests/tui/broadcast.sh: typing into many consoles at once in the
# dashboard (tiny guests, real QEMU under TCG): three consoles tiled, two
# marked with b; `hostname` typed once reaches both marked guests and not
# the third; a paste goes whole to both; the borders and the status line
# say who receives; Ctrl-] leaves as usual; B marks all, and again none.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
for n in b1 b2 b3; do "$SANDLAB" node create "$n" --image tiny --ram 32 >/dev/null; done
at_exit "$SANDLAB node kill b1 b2 b3"
"$SANDLAB" node start b1 b2 b3 --wait-for 'tiny login: ' >/dev/null

# logged NODE TEXT: the guest printed TEXT (its console log, cleaned).
logged() { "$SANDLAB" console "$1" --log | tr -d '\r' | grep -qF -- "$2"; }

tui_start 200 50
tui_settle "b3" >/dev/null
# b1 is selected: open its console, leave, back to the list, the next one...
keys Enter
tui_settle "b1 · running · typing" >/dev/null
keys C-] Tab Tab j Enter
tui_settle "b2 · running · typing" >/dev/null
keys C-] Tab Tab j Enter
tui_settle "b3 · running · typing" >/dev/null
keys C-]
if tui_settle "b3 · running" && [ "$(text "$SCREEN" | grep -oF 'tiny login:' | wc -l)" -ge 3 ]; then
	ok "three consoles tiled"; else not_ok "three consoles tiled" "$SCREEN"; fi

# Mark b3 (focused), then b1; b2 stays unmarked.
keys b
keys BTab BTab
tui_settle "b1 · running" >/dev/null
keys b
if tui_settle "[B] b1 · running" && text "$SCREEN" | grep -qF "[B] b3 · running" &&
    ! text "$SCREEN" | grep -qF "[B] b2" && text "$SCREEN" | grep -qF "broadcast to 2 consoles"; then
	ok "marked tiles show [B] on their border; the status line counts 2"
else
	not_ok "marked tiles and status" "$SCREEN"
fi
keys Enter
if tui_settle "typing to all 2 marked, C-] leaves"; then ok "the title says typing goes to 2"; else not_ok "typing to all 2" "$SCREEN"; fi
keys 'hostname' Enter
if wait_for 20 logged b1 "hostname" && wait_for 20 logged b3 "hostname"; then
	ok "hostname typed once reaches both marked guests"
else
	not_ok "hostname reaches both marked guests" "$("$SANDLAB" console b3 --log | tail -c 200)"
fi
sleep 1
if ! logged b2 "hostname"; then ok "the unmarked guest got nothing"; else not_ok "the unmarked guest got nothing"; fi

# A paste goes whole to each marked guest.
printf 'pasted-to-all' | tx load-buffer -
tx paste-buffer -p -t t
if wait_for 20 logged b1 "pasted-to-all" && wait_for 20 logged b3 "pasted-to-all"; then
	ok "a paste reaches both marked guests"; else not_ok "a paste reaches both marked guests"; fi
sleep 1
if ! logged b2 "pasted-to-all"; then ok "and not the unmarked one"; else not_ok "paste: not the unmarked one"; fi

# The escape key leaves as usual; nothing more is sent.
keys C-]
if tui_settle "[B] b1 · running" && ! text "$SCREEN" | grep -qF "typing"; then
	ok "C-] leaves a marked console"; else not_ok "C-] leaves a marked console" "$SCREEN"; fi

# B marks every open console; again unmarks them all.
keys B
if tui_settle "broadcast to 3 consoles" && text "$SCREEN" | grep -qF "[B] b2 · running"; then
	ok "B marks all three"; else not_ok "B marks all three" "$SCREEN"; fi
keys B
if tui_settle "b2 · running" && ! text "$SCREEN" | grep -qF "[B]" &&
    ! text "$SCREEN" | grep -qF "broadcast to"; then
	ok "B again unmarks all"; else not_ok "B again unmarks all" "$SCREEN"; fi
keys Enter 'only-b1' Enter
if wait_for 20 logged b1 "only-b1" && sleep 1 && ! logged b3 "only-b1"; then
	ok "unmarked, typing reaches one guest only"; else not_ok "unmarked, one guest only"; fi
keys C-] q
done_testing
