#!/usr/bin/env bash
# net-wire-remote.sh: a link end at another address, as a peer on another
# host would be: `link set b:eth0 --address 127.0.0.2` moves b's end (its
# port stays) and a's running wire then talks to 127.0.0.2; a UDP socket
# of this test there plays b, and its frames arrive in a capture of
# a:eth0 that tcpdump reads. Off loopback is refused unless
# --allow-remote; link ls and link ls --json say where each end listens,
# which is what a libvirt <interface type='udp'> would be pointed at.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

command -v tcpdump >/dev/null || { not_ok "tcpdump is installed" "make deps installs it"; run_done; exit 1; }
wire_lab 52:54:00:77:01:01 52:54:00:77:01:0a
before=$("$SANDLAB" link ls --json)
expect_fail "an end off loopback without --allow-remote" "10.1.2.3 is not loopback: .* add --allow-remote" "$SANDLAB" link set b:eth0 --address 10.1.2.3
expect_fail "an end at a name, not an address" "\"peer.example\" is not an IP address" "$SANDLAB" link set b:eth0 --address peer.example
expect_fail "an end with a port (ports never move)" "\"127.0.0.2:4000\" is not an IP address" "$SANDLAB" link set b:eth0 --address 127.0.0.2:4000
expect_fail "--allow-remote alone" "--allow-remote goes with --address" "$SANDLAB" link set b:eth0 --allow-remote
if [ "$("$SANDLAB" link ls --json)" = "$before" ]; then ok "refused addresses change nothing"; else not_ok "refused addresses" "$("$SANDLAB" link ls)"; fi

bport=$(link_end b port)
out=$("$SANDLAB" link set b:eth0 --address 127.0.0.2 2>&1)
if text "$out" | grep -q "in effect now on a" && [ "$(link_end b host)" = 127.0.0.2 ] && [ "$(link_end b port)" = "$bport" ] &&
   [ "$(link_end a host)" = 127.0.0.1 ]; then
	ok "b's end moves to 127.0.0.2 (port kept), in effect on the running a"
else not_ok "link set --address" "$out; $("$SANDLAB" link ls)"; fi
if "$SANDLAB" link ls | grep -Eq "b:eth0 listens on 127\.0\.0\.2:$bport$"; then ok "link ls says where b's end listens"; else not_ok "link ls address" "$("$SANDLAB" link ls)"; fi

# A capture of two frames that a socket of this test at 127.0.0.2, b's
# moved end, sends.
if why=$(wire_frames 127.0.0.2 "$bport" "$(link_end a port)" remote-end); then
	ok "frames from 127.0.0.2 reach a's wire and its capture"
else not_ok "frames from the moved end" "$why"; fi
# Off loopback when asked: kept in the lab and shown (c and d are stopped).
out=$("$SANDLAB" link set d:eth0 --address 192.0.2.7 --allow-remote 2>&1)
if [ "$(link_end d host)" = 192.0.2.7 ] && "$SANDLAB" link ls | grep -Eq "d:eth0 listens on 192\.0\.2\.7:[0-9]+$"; then
	ok "--allow-remote puts an end off loopback"
else not_ok "--allow-remote" "$out; $("$SANDLAB" link ls)"; fi

"$SANDLAB" node stop a --grace 1 >/dev/null 2>&1 || true
run_done
