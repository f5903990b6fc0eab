#!/usr/bin/env bash
# tests/tui/hosts.sh: the node list gets a HOST column once a node of the
# lab is placed on another host (each node's host in it, local for the
# rest), the details pane names the host of such a node, and a lab on
# this machine alone shows no HOST column. The create form at 80x24 has a
# Host field (local, then the lab's hosts) that places the node, and a
# template's host fills it unless the user picked one (theirs wins).
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

# form_host NODE: the host node create's form placed NODE on (node show --json).
form_host() { "$SANDLAB" node show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["host"])'; }
# form_tpl NODE: the template NODE was made from.
form_tpl() { "$SANDLAB" node show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("template") or "")'; }

tui_start 80 24
tui_settle "a1" >/dev/null
keys c
tui_settle "Create a node" >/dev/null || true
# Name, RAM, CPUs, NICs, Accelerator, NIC model, Console, Host: the form
# scrolls to the focused field at 80x24.
keys Down Down Down Down Down Down Down
if tui_settle "Host        < local >" && screen_has "Host        < local >" &&
	screen_has "local: this machine; sandlab host add adds others"; then
	ok "80x24, no hosts: the create form's Host is local, with how to add others"
else
	not_ok "80x24, no hosts: the create form's Host is local, with how to add others" "$SCREEN"
fi
keys Escape
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

# The create form places a node: Host picked by the user; a template's
# host fills it; the user's pick wins over the template's.
"$SANDLAB" host add near 'qemu+ssh://root@127.0.0.1:1/system' >/dev/null
"$SANDLAB" template create tfar --image tiny --ram 32 --nics 0 --host far >/dev/null
tui_start 80 24
tui_settle "a1" >/dev/null
keys c
tui_settle "Create a node" >/dev/null || true
keys -l c1
# Name, RAM, CPUs, NICs, Accelerator, NIC model, Console, Host: seven
# steps down, then far.
keys Down Down Down Down Down Down Down Right
if tui_settle "Host        < far >" && screen_has "where it runs: local (this machine) or a host of the lab"; then
	ok "the Host field offers the lab's hosts after local"
else
	not_ok "the Host field offers the lab's hosts after local" "$SCREEN"
fi
keys Enter
if tui_settle "created node c1 on tiny, placed on host far" && [ "$(form_host c1)" = far ]; then
	ok "the form placed c1 on far"
else
	not_ok "the form placed c1 on far" "$(form_host c1) $SCREEN"
fi
keys c
tui_settle "Create a node" >/dev/null || true
keys -l c2
# Up to Template (Image, then Template), and tfar picked.
keys Up Up Right
if tui_settle "Template    < tfar >" && screen_has "Host        < far >"; then
	ok "template tfar fills the Host field with its host"
else
	not_ok "template tfar fills the Host field with its host" "$SCREEN"
fi
keys Enter
if tui_settle "created node c2 from template tfar on tiny, placed on host far" &&
	[ "$(form_host c2) $(form_tpl c2)" = "far tfar" ]; then
	ok "c2 is made from tfar and placed on its host"
else
	not_ok "c2 is made from tfar and placed on its host" "$(form_host c2) $(form_tpl c2) $SCREEN"
fi
keys c
tui_settle "Create a node" >/dev/null || true
keys -l c3
keys Up Up Right
tui_settle "Host        < far >" >/dev/null || true
# Template, Image, Name, RAM, CPUs, NICs, Accelerator, NIC model,
# Console, Host: nine down;
# Left from far is local.
keys Down Down Down Down Down Down Down Down Down Left
if tui_settle "Host        < local >"; then ok "the user picks local over the template's far"; else not_ok "the user picks local over the template's far" "$SCREEN"; fi
keys Enter
if tui_settle "created node c3 from template tfar on tiny" && [ "$(form_host c3) $(form_tpl c3)" = "local tfar" ]; then
	ok "the user's pick wins: c3 is local"
else
	not_ok "the user's pick wins: c3 is local" "$(form_host c3) $(form_tpl c3) $SCREEN"
fi
tui_quit
done_testing
