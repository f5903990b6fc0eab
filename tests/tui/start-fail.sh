#!/usr/bin/env bash
# tests/tui/start-fail.sh: a start that fails says why, whole, at 80x24:
# the status line wraps the reason onto its rows, the node's name and the
# verb said once, and the advice at its end kept. Another program holds
# the UDP port of a's link end (a real socket of the test's), so `s` on a
# is refused before QEMU runs; the reason is compared word for word with
# the one the test expects. At 80x40 the details pane's last exit holds
# the same reason and its time whole, wrapped onto the four rows it takes
# there.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-net.sh"

lab_image tiny
"$SANDLAB" node create a --image tiny --ram 32 >/dev/null
"$SANDLAB" node create b --image tiny --ram 32 >/dev/null
"$SANDLAB" link add a:eth0 b:eth0 >/dev/null
port=$("$SANDLAB" link ls --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["a"]["port"])')
hold_port udp "$port"

want="a: start failed: UDP port $port on 127.0.0.1, the end of the link a:eth0 - b:eth0, is in use by another program; free it, or give the link new ports (sandlab link rm a:eth0, then link add again)"
tui_start 80 24
tui_settle "Nodes (2)" >/dev/null || true
keys Home s
if tui_settle "then link add again)"; then
	# The status rows are the screen's last; their words joined.
	said=$(text "$SCREEN" | tail -n 3 | tr '\n' ' ' | tr -s ' ' | sed 's/^ //; s/ $//')
	if [ "$said" = "$want" ]; then
		ok "at 80x24 a refused start's reason is on screen whole, the name said once"
	else
		not_ok "at 80x24 a refused start's reason is on screen whole, the name said once" "$said"
	fi
else
	not_ok "at 80x24 a refused start's reason is on screen whole, the name said once" "$SCREEN"
fi
state_is a stopped && ok "a stays stopped" || not_ok "a stays stopped" "$("$SANDLAB" node ls)"

tui_start 80 40
tui_settle "Nodes (2)" >/dev/null || true
keys Home
reason="UDP port $port on 127.0.0.1, the end of the link a:eth0 - b:eth0, is in use by another program; free it, or give the link new ports (sandlab link rm a:eth0, then link add again)"
when=$(date -d "@$(run_get a last_exit.at)" '+%Y-%m-%d %H:%M:%S')
if tui_settle "last exit failed: UDP port" && tui_whole "last exit failed: $reason at $when"; then
	ok "80x40: the details pane's last exit is the reason whole, wrapped"
else
	not_ok "80x40: the details pane's last exit is the reason whole, wrapped" "$SCREEN"
fi
tui_quit
