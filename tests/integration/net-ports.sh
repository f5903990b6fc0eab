#!/usr/bin/env bash
# net-ports.sh: SANDLAB_LINK_PORTS, the range new links take their UDP
# ports from (tests/run gives each lane one, so labs of tests running side
# by side never pick the same free port before either binds it): links
# get the range's ports, a full range is refused by name, a bad value is
# refused naming the form, and nothing is made by a refusal. No guest runs.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

DB="$SANDLAB_LAB/lab.db"
lab_image tiny
for n in a b c; do "$SANDLAB" node create "$n" --image tiny --nics 2 >/dev/null; done
# ports: the link's two ports, by its ends.
ports() { sqlite3 "$DB" "SELECT a_port || ' ' || b_port FROM links WHERE a_idx = $1 AND a_node = (SELECT id FROM nodes WHERE name = '$2')"; }

# A range of its own, picked where no other lab of the host has a port.
lo=
for try in 47100 47300 47500 47700 47900; do
	if ! ss -Hlun | awk '{print $4}' | grep -Eq ":($try|$((try + 1))|$((try + 2))|$((try + 3)))$"; then lo=$try; break; fi
done
[ -n "$lo" ] || { not_ok "a free range for the test" "$(ss -Hlun | head)"; done_testing; exit 1; }

check "link add within SANDLAB_LINK_PORTS" env SANDLAB_LINK_PORTS="$lo-$((lo + 3))" "$SANDLAB" link add a:eth0 b:eth0
check "its ports are the range's first two" test "$(ports 0 a)" = "$lo $((lo + 1))"
check "the next link takes the range's next two" env SANDLAB_LINK_PORTS="$lo-$((lo + 3))" "$SANDLAB" link add a:eth1 c:eth0
check "its ports are the range's last two" test "$(ports 1 a)" = "$((lo + 2)) $((lo + 3))"
refused "a range with no two free ports left is refused, naming it" \
	"no two free UDP ports left in $lo-$((lo + 3)) for a link" \
	env SANDLAB_LINK_PORTS="$lo-$((lo + 3))" "$SANDLAB" link add b:eth1 c:eth1
refused "SANDLAB_LINK_PORTS without a dash is refused, naming the form" \
	'SANDLAB_LINK_PORTS "41000": write FIRST-LAST, as 41000-41999' \
	env SANDLAB_LINK_PORTS=41000 "$SANDLAB" link add b:eth1 c:eth1
refused "SANDLAB_LINK_PORTS outside the links' range is refused" \
	'SANDLAB_LINK_PORTS "39000-41000": both ends are ports from 40000 to 49999' \
	env SANDLAB_LINK_PORTS=39000-41000 "$SANDLAB" link add b:eth1 c:eth1
refused "SANDLAB_LINK_PORTS of one port is refused" \
	'SANDLAB_LINK_PORTS "41000-41000": a link needs two ports' \
	env SANDLAB_LINK_PORTS=41000-41000 "$SANDLAB" link add b:eth1 c:eth1
refused "SANDLAB_LINK_PORTS with text from outside is shown sanitised" \
	'SANDLAB_LINK_PORTS "4\\x1b\[31m-5": both ends' \
	env SANDLAB_LINK_PORTS="$(printf '4\033[31m-5')" "$SANDLAB" link add b:eth1 c:eth1
# Unset or empty, the whole range: a new link's ports lie in 40000-49999.
check "with SANDLAB_LINK_PORTS empty, link add works" env SANDLAB_LINK_PORTS= "$SANDLAB" link add b:eth1 c:eth1
# shellcheck disable=SC2046 # two numbers, split on purpose
set -- $(ports 1 b)
check "and takes its ports from 40000-49999" test "$1" -ge 40000 -a "$1" -le 49999 -a "$2" -ge 40000 -a "$2" -le 49999

done_testing
