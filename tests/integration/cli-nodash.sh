#!/usr/bin/env bash
# cli-nodash.sh: the dashboard (ncursesw, libvterm, libtickit) is
# sandlab-ui.so, opened beside the program only when something draws
# (src/cli/dashlib.h). Without it, or with one that cannot load (its
# packages missing), every command still works and what draws says why.
set -eu
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
A="$T/alone"
mkdir -p "${A:?}"
cp "$S" "$A/sandlab"
"$S" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
"$S" node create n1 --image tiny >/dev/null

check "beside the program, the dashboard's library loads (__keys)" sh -c "'$S' __keys | grep -q 'quit the dashboard (nodes keep running)'"
if "$A/sandlab" __keys >/dev/null 2>&1; then
	# an installed sandlab-ui.so (SANDLAB_LIBDIR) answered for the copy
	ok "skipped: an installed sandlab-ui.so was found"
	done_testing
	exit 0
fi
why="the dashboard cannot start: cannot load .*/sandlab-ui.so: .*libncursesw6, libvterm0 and libtickit3; every other command works"
expect_fail "no sandlab-ui.so: the dashboard says why and names the packages" "$why" "$A/sandlab"
expect_fail "no sandlab-ui.so: __keys says the same" "$why" "$A/sandlab" __keys
expect_fail "no sandlab-ui.so: __vtcat says the same" "$why" sh -c "printf x | '$A/sandlab' __vtcat --rows 5 --cols 20"
check "no sandlab-ui.so: node create works" "$A/sandlab" node create n2 --image tiny
check "no sandlab-ui.so: node ls lists both nodes" sh -c "'$A/sandlab' node ls | grep -q '^n1 ' && '$A/sandlab' node ls | grep -q '^n2 '"

printf 'not a library\n' >"$A/sandlab-ui.so"
expect_fail "a sandlab-ui.so that cannot load: the reason and the file" \
	"cannot load $A/sandlab-ui.so: .*libncursesw6" "$A/sandlab"
check "after the failures the lab is whole (2 nodes)" test "$("$S" node ls --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2

done_testing
