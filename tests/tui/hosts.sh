#!/usr/bin/env bash
# tests/tui/hosts.sh: the node list gets a HOST column once a node of the
# lab is placed on another host (each node's host in it, local for the
# rest), the details pane names the host of such a node, and a lab on
# this machine alone shows no HOST column.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
"$SANDLAB" node create a1 --image tiny --ram 32 >/dev/null

tui_start 120 30
if tui_settle "node      a1" 30 && ! text "$SCREEN" | grep -qE "NAME +HOST"; then
	ok "a lab on this machine alone: no HOST column"
else
	not_ok "a lab on this machine alone: no HOST column" "$SCREEN"
fi
tui_quit

# The host's URI is stored only, never dialled here.
"$SANDLAB" host add far 'qemu+ssh://root@127.0.0.1:1/system' >/dev/null
"$SANDLAB" node create b1 --image tiny --ram 32 --host far >/dev/null
tui_start 120 30
if tui_settle "node      a1" 30 && text "$SCREEN" | grep -qE "NAME +HOST +STATE" &&
	text "$SCREEN" | grep -qE "a1 +local +stopped" && text "$SCREEN" | grep -qE "b1 +far +stopped"; then
	ok "a node on far: a HOST column, far for b1, local for a1"
else
	not_ok "a node on far: a HOST column, far for b1, local for a1" "$SCREEN"
fi
if ! text "$SCREEN" | grep -qE "host {6}"; then
	ok "a local node's details name no host"
else
	not_ok "a local node's details name no host" "$SCREEN"
fi
keys Down
if tui_settle "node      b1" 30 && text "$SCREEN" | grep -qE "host {6}far"; then
	ok "the details of b1 name its host"
else
	not_ok "the details of b1 name its host" "$SCREEN"
fi
tui_quit
done_testing
