#!/usr/bin/env bash
# Placement of nodes on hosts (no libvirt host needed: the one host's URI
# leads nowhere): node create --host, node set --host on a stopped node,
# what node ls, node show (--json) and lab files say, host rm refused
# while a node is placed, a start of a node placed on an unreachable host
# failing with why and nothing left running here; bad hosts refused with
# nothing changed. Templates: template create|set --host places the nodes
# made from them (options given win), template show and lab files say it,
# host rm is refused while a template names the host.
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
DB="$SANDLAB_LAB/lab.db"
TINY="$TOP/images/tiny.qcow2"
[ -f "$TINY" ] || bash "$TOP/images/build" tiny >/dev/null
"$S" image import "$TINY" --name tiny >/dev/null 2>&1

host_of() { sqlite3 "$DB" "SELECT coalesce(host, 'NULL') FROM nodes WHERE name = '$1'"; }
overlays() { find "$SANDLAB_LAB/overlays" -type f | wc -l; }

# Port 1 of loopback: nothing of this test ever connects to it.
check "add host far" "$S" host add far 'qemu+ssh://root@127.0.0.1:1/system' --address 127.0.0.1
check "create a on local, the default" "$S" node create a --image tiny
check "a's row has no host (local)" test "$(host_of a)" = NULL
out=$("$S" node ls)
check "node ls of a lab on this machine alone has no HOST column" \
	test "$(textln "$out" | head -n 1 | awk '{print $1, $2}')" = "NAME IMAGE"

check "create b on FAR (host names are case-blind)" "$S" node create b --image tiny --host FAR
check "b's row names far as it was added" test "$(host_of b)" = far
check "create c with --host local" "$S" node create c --image tiny --host local
check "c's row has no host (local)" test "$(host_of c)" = NULL

n_ov=$(overlays)
expect_fail "create on a host never added" 'no host named "nowhere"' \
	"$S" node create d --image tiny --host nowhere
expect_fail "create on a host with a bad name" 'no host named' \
	"$S" node create d --image tiny --host 'a b'
check "the refused creates left no row and no overlay" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM nodes WHERE name = 'd'") $(overlays)" = "0 $n_ov"

out=$("$S" node ls)
check "node ls: a HOST column, b on far, a on local" sh -c '
	printf "%s\n" "$1" | grep -Eq "^NAME +HOST +IMAGE +STATE " &&
	printf "%s\n" "$1" | grep -Eq "^b +far +tiny +stopped " &&
	printf "%s\n" "$1" | grep -Eq "^a +local +tiny +stopped "' _ "$out"
check "node show b says its host" sh -c '"$1" node show b | grep -qx "host:      far"' _ "$S"
check "node show a says local, this machine" sh -c \
	'"$1" node show a | grep -qx "host:      local (this machine)"' _ "$S"
check "node show --json and node ls --json carry the host" python3 -c '
import json, sys
b = json.loads(sys.argv[1])
assert b["host"] == "far", b
ls = {n["name"]: n["host"] for n in json.loads(sys.argv[2])}
assert ls == {"a": "local", "b": "far", "c": "local"}, ls
' "$("$S" node show b --json)" "$("$S" node ls --json)"

check "node set a --host far" "$S" node set a --host far
check "a's row now names far" test "$(host_of a)" = far
check "node set a --host local" "$S" node set a --host LOCAL
check "a's row has no host again" test "$(host_of a)" = NULL
expect_fail "node set to a host never added" 'no host named "nowhere"' "$S" node set a --host nowhere
expect_fail "node set of RAM and a host never added changes neither" 'no host named "nowhere"' \
	"$S" node set a --ram 96 --host nowhere
check "the refused sets left a local with its RAM" \
	test "$(sqlite3 "$DB" "SELECT coalesce(host, 'NULL'), ram_mb FROM nodes WHERE name = 'a'")" = "NULL|256"

expect_fail "host rm refused while b is placed on far" \
	'host far has 1 node placed on it \(b\): move them \(sandlab node set NODE --host local\)' \
	"$S" host rm far
check "far is still there" test "$(sqlite3 "$DB" "SELECT count(*) FROM hosts WHERE name = 'far'")" = 1

check "node clone b b2" "$S" node clone b b2
check "the clone is placed where b is" test "$(host_of b2)" = far
check "node rm b2" "$S" node rm b2

# A node placed elsewhere is not started here instead: its keeper asks
# far, which nothing answers (port 1), and the start fails saying so.
expect_fail "node start b fails: far is unreachable" \
	'cannot start b: host far is unreachable: cannot connect' timeout 120 "$S" node start b
no_keepers() { [ -z "$(lab_pids)" ]; }
check "b's keeper is gone" wait_for 30 no_keepers
check "b is stopped, its start recorded as failed" \
	test "$(sqlite3 "$DB" "SELECT state || ' ' || exit_kind FROM runs JOIN nodes ON nodes.id = runs.node_id WHERE name = 'b'")" = "stopped failed"

# Completion offers local and the hosts added.
check "--host completes local and far" test \
	"$("$S" __complete node create x --host '' | sort | tr '\n' ' ')" = "far local "
check "template create --host completes local and far" test \
	"$("$S" __complete template create x --host '' | sort | tr '\n' ' ')" = "far local "
check "host rm completes the hosts" test "$("$S" __complete host rm f)" = far

# Lab files: host= on a node placed elsewhere, nothing for local.
"$S" lab export "$T/placed.lab"
check "the lab file places b on far" grep -Eq '^node b image=tiny .* host=far$' "$T/placed.lab"
check "the lab file says nothing of a local node's host" sh -c '! grep -E "^node [ac] .*host=" "$1"' _ \
	"$T/placed.lab"
L2="$T/lab2"
SANDLAB_LAB=$L2 "$S" image import "$TINY" --name tiny >/dev/null 2>&1
expect_fail "import where far is no host: refused, naming the line" \
	'line [0-9]+: no host named "far"' env SANDLAB_LAB="$L2" "$S" lab import "$T/placed.lab"
check "the refused import made no node" test "$(sqlite3 "$L2/lab.db" 'SELECT count(*) FROM nodes')" = 0
check "add far to the second lab as Far" env SANDLAB_LAB="$L2" "$S" host add Far 'qemu:///system'
check "the import places b on Far" env SANDLAB_LAB="$L2" "$S" lab import "$T/placed.lab"
check "b of the second lab is on Far, a and c local" test \
	"$(sqlite3 "$L2/lab.db" "SELECT group_concat(name || '=' || coalesce(host, 'NULL'), ' ') FROM (SELECT * FROM nodes ORDER BY name)")" \
	= "a=NULL b=Far c=NULL"
printf 'sandlab-lab 1\nnode x image=tiny host=a/b\n' >"$T/bad.lab"
expect_fail "a lab file with a bad host name" 'line 2: .*host name' env SANDLAB_LAB="$L2" "$S" lab import "$T/bad.lab"
printf 'sandlab-lab 1\nnode x image=tiny host=far host=far\n' >"$T/bad.lab"
expect_fail "a lab file with host= twice" 'line 2: .*host' env SANDLAB_LAB="$L2" "$S" lab import "$T/bad.lab"

# Templates place the nodes made from them.
tpl_host() { sqlite3 "$DB" "SELECT coalesce(host, 'NULL') FROM templates WHERE name = '$1'"; }
check "template create tf --host FAR" "$S" template create tf --image tiny --nics 0 --host FAR
check "tf's row names far as it was added" test "$(tpl_host tf)" = far
check "template show tf says its host" sh -c '"$1" template show tf | grep -qx "host:      far: its nodes are placed there"' _ "$S"
check "template show --json and template ls --json carry the host" python3 -c '
import json, sys
assert json.loads(sys.argv[1])["host"] == "far"
assert [t["host"] for t in json.loads(sys.argv[2])] == ["far"]' "$("$S" template show tf --json)" "$("$S" template ls --json)"
check "template ls has a HOST column with far" sh -c '
	"$1" template ls | head -n 1 | grep -Eq " HOST$" && "$1" template ls | grep -Eq "^tf .* far$"' _ "$S"
check "node create t1 --template tf" "$S" node create t1 --template tf
check "t1 is placed on far, as its template" test "$(host_of t1)" = far
check "node create t2 --template tf --host local" "$S" node create t2 --template tf --host local
check "the option given wins: t2 is local" test "$(host_of t2)" = NULL
check "node rm t1 t2" "$S" node rm t1 t2
n_tpl=$(sqlite3 "$DB" "SELECT count(*) FROM templates")
expect_fail "template create on a host never added" 'no host named "nowhere"' \
	"$S" template create tn --image tiny --host nowhere
expect_fail "template set to a host never added" 'no host named "nowhere"' \
	"$S" template set tf --host nowhere --ram 64
check "the refused ones made no template and left tf on far with its RAM" test \
	"$(sqlite3 "$DB" "SELECT count(*) FROM templates") $(tpl_host tf) $(sqlite3 "$DB" "SELECT ram_mb FROM templates WHERE name = 'tf'")" \
	= "$n_tpl far 256"
"$S" lab export "$T/tpl.lab"
check "the lab file's template line says host=far" grep -Eq '^template tf image=tiny .* host=far( |$)' "$T/tpl.lab"
L3="$T/lab3"
SANDLAB_LAB=$L3 "$S" image import "$TINY" --name tiny >/dev/null 2>&1
tline=$(grep -n '^template tf ' "$T/tpl.lab" | cut -d: -f1)
expect_fail "a template's host the importing lab lacks: refused, naming its line" \
	"line $tline: no host named \"far\"" env SANDLAB_LAB="$L3" "$S" lab import "$T/tpl.lab"
check "the refused import made no template" test "$(sqlite3 "$L3/lab.db" 'SELECT count(*) FROM templates')" = 0
printf 'sandlab-lab 1\ntemplate tx image=tiny host=far host=far\n' >"$T/bad.lab"
expect_fail "a template line with host= twice" 'line 2: .*host' env SANDLAB_LAB="$L3" "$S" lab import "$T/bad.lab"
env SANDLAB_LAB="$L3" "$S" host add far 'qemu:///system' >/dev/null
check "the import, far added, places tf on far" env SANDLAB_LAB="$L3" "$S" lab import "$T/tpl.lab"
check "tf of the third lab names far" test "$(sqlite3 "$L3/lab.db" "SELECT coalesce(host, 'NULL') FROM templates WHERE name = 'tf'")" = far

# Moving between hosts needs the node stopped.
check "move b back to local" "$S" node set b --host local
expect_fail "host rm refused while template tf names far" \
	'host far is named by template tf, whose nodes are placed there: move it \(sandlab template set TEMPLATE --host local\)' \
	"$S" host rm far
check "template set tf --host local" "$S" template set tf --host local
check "tf's row names no host (local)" test "$(tpl_host tf)" = NULL
check "host rm far once nothing is placed there nor named" "$S" host rm far
check "start a (local)" "$S" node start a
expect_fail "node set --host of a running node is refused" 'node "a" is running; stop it' \
	"$S" node set a --host local
# tiny ignores ACPI: a short grace, not the default 30 s of waiting
check "stop a" "$S" node stop a --grace 1

done_testing
