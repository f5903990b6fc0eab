#!/usr/bin/env bash
# tests/tui/make-run.sh: make run on a checkout, as the Makefile's run
# target does it (tests/demo-lab, then ./build/sandlab with the checkout
# as its lab), at 80x24, on a copy of a checkout whose files have modes
# the test chose. The checkout's root is closed (0700); every file and
# folder of the checkout keeps its mode exactly (images/ and overlays/,
# the lab's folders too, are closed); the lab's own entries are private,
# and nobody, another local user, reads nothing of it. A checkout the
# user opens again is closed by the dashboard, which says so.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

# Only the lab's own modes may stand between nobody and the checkout.
chmod 0755 "${T:?}"
umask 022
CO="$T/co"
co="d 755 tests
f 755 tests/demo-lab
d 755 build
f 644 README.md
f 644 Makefile
d 755 src
f 644 src/main.c
d 755 ui
f 644 ui/app.c
d 755 images
f 755 images/build
d 755 images/cloud
f 644 images/cloud/packages
f 644 images/.scan-skip
f 644 images/flood.qcow2
f 644 images/linux.qcow2
f 644 images/tiny.qcow2
d 755 overlays
f 644 overlays/.keep"
mkdir -m 0755 "$CO"
demo_checkout "$CO"
tree_make "$CO" "$co"
# After make run: the images the demo lab took in are the lab's (0400,
# read-only once imported); the test-only flood image is not.
co_after=$(text "$co" | sed -E -e 's/^d 755 (images|overlays)$/d 700 \1/' \
    -e 's#^f 644 images/(linux|tiny)\.qcow2$#f 400 images/\1.qcow2#')
co_user=$(text "$co_after" | grep -Ev 'images/(linux|tiny)\.qcow2$')
co_user="${co_user:?}"

if nobody_ok; then
	if [ "$(as_nobody cat "$CO/README.md")" = README.md ]; then
		ok "before make run, nobody reads the checkout (the check below can fail)"
	else
		not_ok "before make run, nobody reads the checkout" "$(as_nobody cat "$CO/README.md" 2>&1)"
	fi
else
	ok "before make run, nobody reads the checkout # SKIP not root, or no nobody/setpriv"
fi

# The run target's two steps, from the checkout.
cd "$CO"
export SANDLAB_LAB="$CO"
# Its first command says what it closed (the root, images/, overlays/).
said="sandlab: $CO was open to other users (3 entries); it is now private to you: the folder and the lab's own folders 0700, the lab's files 0600, other files in it as they were"
if out=$(bash tests/demo-lab 2>&1) && [ "$out" = "$said" ]; then
	ok "make run's tests/demo-lab runs and says, in these words, that it closed the checkout"
else
	not_ok "make run's tests/demo-lab runs and says that it closed the checkout" "$out"
fi
SANDLAB=./build/sandlab
tui_start 80 24
if tui_settle "Nodes (3)"; then ok "the dashboard opens the demo lab at 80x24"; else not_ok "the dashboard opens the demo lab at 80x24" "$SCREEN"; fi
if [ "$(tree_modes "$CO" "$co_after")" = "$co_after" ]; then
	ok "every file and folder of the checkout keeps its mode"
else
	not_ok "every file and folder of the checkout keeps its mode" "$(tree_modes "$CO" "$co_after" | tr '\n' ';')"
fi
lab_own="d 700 .
f 600 lab.db
f 600 lab.db-wal
f 600 lab.db-shm
d 700 logs
d 700 run
f 600 run/dashboard.lock
d 700 cache"
if [ "$(tree_modes "$CO" "$lab_own")" = "$lab_own" ]; then
	ok "the checkout's root is 0700 and the lab's own entries 0700/0600"
else
	not_ok "the checkout's root is 0700 and the lab's own entries 0700/0600" "$(tree_modes "$CO" "$lab_own" | tr '\n' ';')"
fi
if nobody_ok; then
	leaked=$(nobody_leaks "ls $CO" "cat $CO/README.md" "cat $CO/src/main.c" "cat $CO/lab.db" \
	    "ls $CO/images" "head -c 512 $CO/images/linux.qcow2" "cat $CO/images/cloud/packages" "ls $CO/overlays")
	if [ -z "$leaked" ]; then ok "nobody reads nothing of the checkout or the lab"; else not_ok "nobody reads nothing of the checkout or the lab" "$leaked"; fi
else
	ok "nobody reads nothing of the checkout or the lab # SKIP not root, or no nobody/setpriv"
fi
tui_quit

# The user opens the checkout again; the dashboard closes it and says so.
chmod 0755 "$CO"
tui_start 80 24
want="the lab was open to other users (1 entry); it is now private to you"
if tui_settle "private to you" && text "$SCREEN" | tail -n 3 | tr '\n' ' ' | tr -s ' ' | grep -qF -- "$want"; then
	ok "the dashboard says the checkout was open and is now private"
else
	not_ok "the dashboard says the checkout was open and is now private" "$(text "$SCREEN" | tail -n 3)"
fi
if [ "$(stat -c %a "$CO")" = 700 ] && [ "$(tree_modes "$CO" "$co_user")" = "$co_user" ]; then
	ok "it closed the root alone: the checkout's files keep their modes"
else
	not_ok "it closed the root alone: the checkout's files keep their modes" "$(stat -c %a "$CO"); $(tree_modes "$CO" "$co_user" | tr '\n' ';')"
fi
tui_quit

done_testing
