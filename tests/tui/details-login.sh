#!/usr/bin/env bash
# tests/tui/details-login.sh: the details pane of a node with cloud-init on
# gives the serial console's login, the seeded user and the password kept
# in the lab, whole at 80x24 and at 200x50 (no guest runs); a node with
# cloud-init off has no login row; own user-data given from the CLI while
# the dashboard runs shows there, without the password of sandlab's user
# (not in the guest then).
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"
source "$TOP/tests/lib-run.sh"

lab_image tiny
"$SANDLAB" node create c1 --image tiny --ram 32 --nics 0 --cloud-init on --ci-user alice >/dev/null
"$SANDLAB" node create c2 --image tiny --ram 32 --nics 0 >/dev/null
# The password as the lab holds it, not as sandlab shows it.
pw=$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT c.password FROM cloudinit c JOIN nodes n ON n.id = c.node_id WHERE n.name = 'c1'")
check "the lab holds a 16-letter password for c1" test "${#pw}" = 16

for size in "80 24" "200 50"; do
	# shellcheck disable=SC2086
	tui_start $size
	tui_settle "Nodes (2)" >/dev/null || true
	keys Home
	if tui_settle "alice" && tui_whole "login user alice, password $pw (cloud-init)"; then
		ok "${size/ /x}: c1's login, its user and password whole"
	else
		not_ok "${size/ /x}: c1's login, its user and password whole" "$SCREEN"
	fi
	keys Down
	if tui_settle "node      c2" && ! text "$SCREEN" | grep -qE "│ login +user"; then
		ok "${size/ /x}: c2, cloud-init off, has no login row"
	else
		not_ok "${size/ /x}: c2, cloud-init off, has no login row" "$SCREEN"
	fi
	keys Up
done
printf '#!/bin/sh\necho hi\n' >"$T/ud.sh"
"$SANDLAB" node set c1 --user-data "$T/ud.sh" >/dev/null
# sandlab's user is not in the guest then: no password offered.
if tui_settle "own user-data" && tui_whole "login as the node's own user-data says (cloud-init)" &&
	! text "$SCREEN" | grep -qF "$pw"; then
	ok "own user-data set from the CLI shows in the running dashboard, without sandlab's password"
else
	not_ok "own user-data set from the CLI shows in the running dashboard, without sandlab's password" "$SCREEN"
fi
tui_quit

done_testing
