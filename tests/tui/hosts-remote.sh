#!/usr/bin/env bash
# tests/tui/hosts-remote.sh: the dashboard with a node on the test's own
# libvirt host over qemu+ssh (tests/lib-libvirt.sh): the nodes pane shows
# both hosts; Enter on the remote node opens its console in a tile with
# the guest's banner, and typing echoes; when the host becomes
# unreachable (its sshd stopped, the lab's ssh to it killed) the dashboard
# answers keys and shows it (the list, the tile); when the
# host answers again the tile's console goes on.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-libvirt.sh"
source "$TOP/tests/tui-lib.sh"

lv_lab
"$SANDLAB" node create a1 --image tiny --ram 32 >/dev/null
"$SANDLAB" node create r1 --image tiny --ram 64 --nics 0 --host lv >/dev/null
out=$(timeout 180 "$SANDLAB" node start r1 2>&1) || true
if state_is r1 running; then ok "r1 starts on lv"; else not_ok "r1 starts on lv" "$out"; fi

# screen_re RE: the current screen matches the extended regex RE.
screen_re() { tui_cap | grep -qE -- "$1"; }

tui_start 120 30
if tui_settle "node      a1" 30 && text "$SCREEN" | grep -qE "a1 +local +stopped" &&
	text "$SCREEN" | grep -qE "r1 +lv +running"; then
	ok "the nodes pane shows both hosts"
else
	not_ok "the nodes pane shows both hosts" "$SCREEN"
fi
keys Down
tui_settle "node      r1" 30 >/dev/null || true
keys Enter
if tui_settle "r1 · running · typing" 30 && wait_for 60 screen_has "tiny login:"; then
	ok "Enter on r1 opens its console in a tile with the guest's banner"
else
	not_ok "Enter on r1 opens its console in a tile with the guest's banner" "$(tui_cap)"
fi
keys 'from-tile'
check "typing reaches the remote guest and echoes" wait_for 30 screen_has "tiny login: from-tile"
keys C-]
tui_settle "Enter type" 30 >/dev/null || true

# The host goes away under the dashboard.
lv_drop r1
check "the lab's ssh to lv was found" test -n "$lv_dropped"
check "the nodes pane shows r1 offline" wait_for 60 screen_re "r1 +lv +offline"
check "the tile says the host is unreachable" wait_for 30 screen_has "[sandlab: host lv is unreachable"
check "the tile's title says so" screen_has "r1 · unreachable"
keys '?'
check "a key is answered: ? shows the keys" tui_settle "Keys" 30
keys Escape
check "and Escape closes them" wait_for 30 sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t t | grep -qF Keys"

# The host answers again: the same tile goes on.
lv_sshd_start
check "the nodes pane shows r1 running again" wait_for 120 screen_re "r1 +lv +running"
check "the tile says the host answers again" wait_for 30 screen_has "[sandlab: host lv answers again]"
keys Enter
tui_settle "r1 · running · typing" 30 >/dev/null || true
keys 'typed-after'
check "typing in the tile reaches the guest again" wait_for 30 screen_has "typed-after"
keys C-]
tui_quit
done_testing
