#!/usr/bin/env bash
# store-demo.sh: what `make run` makes of a fresh checkout (tests/demo-lab,
# run on a copy: its images/ and a build/sandlab): the demo guests go in,
# the test-only ones named in images/.scan-skip stay out; two Linux nodes
# linked and a tiny node that powers off on stop; a second run changes
# nothing. A lab without .scan-skip still takes in every image.
set -eu
source "$(dirname "$0")/../lib.sh"

CO="$T/co"
demo_checkout "${CO:?}"

names() { python3 -c 'import json,sys; print(" ".join(sorted(x["name"] for x in json.load(sys.stdin))))'; }

check "demo-lab runs" bash "$CO/tests/demo-lab"
export SANDLAB_LAB="$CO"
if [ "$("$SANDLAB" image ls --json | names)" = "linux tiny" ]; then
	ok "the demo lab has the demo guests and not the test-only flood image"
else
	not_ok "the demo lab has the demo guests and not the test-only flood image" "$("$SANDLAB" image ls)"
fi
if [ "$("$SANDLAB" node ls --json | names)" = "linux1 linux2 tiny1" ] &&
    [ "$("$SANDLAB" link ls --json | python3 -c 'import json,sys
print(" ".join("%s:eth%d-%s:eth%d" % (l["a"]["node"], l["a"]["nic"], l["b"]["node"], l["b"]["nic"])
               for l in json.load(sys.stdin)))')" = "linux1:eth0-linux2:eth0" ] &&
    [ "$("$SANDLAB" node show tiny1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["on_stop"])')" = poweroff ]; then
	ok "the demo nodes: two Linux nodes linked, a tiny one that powers off on stop"
else
	not_ok "the demo nodes: two Linux nodes linked, a tiny one that powers off on stop" \
	    "$("$SANDLAB" node ls; "$SANDLAB" link ls)"
fi
check "demo-lab runs again" bash "$CO/tests/demo-lab"
if [ "$("$SANDLAB" node ls --json | names)" = "linux1 linux2 tiny1" ] &&
    [ "$("$SANDLAB" image ls --json | names)" = "linux tiny" ]; then
	ok "a second run changes nothing"
else
	not_ok "a second run changes nothing" "$("$SANDLAB" node ls)"
fi

# Without .scan-skip (any lab but the checkout), scan takes in everything.
rm "$CO/images/.scan-skip"
"$SANDLAB" image scan >/dev/null
if [ "$("$SANDLAB" image ls --json | names)" = "flood linux tiny" ]; then
	ok "a lab without images/.scan-skip takes in every image"
else
	not_ok "a lab without images/.scan-skip takes in every image" "$("$SANDLAB" image ls)"
fi

done_testing
