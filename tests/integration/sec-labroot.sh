#!/usr/bin/env bash
# sec-labroot.sh: a lab root that is also the user's own folder, as make
# run's checkout is. Opened by a CLI command, the root is closed (0700)
# and the lab's own entries are private, while the user's files and
# folders in it (a literal list, modes the test chose) keep their modes
# exactly; nobody, another local user, reads nothing of it. Opened again,
# nothing is said or changed; a root the user opens again is closed again
# with the lab's loosened entries, said once; a lab an older sandlab left
# tightened whole keeps working as it is.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

# Only the lab's own modes may stand between nobody and the lab: the
# test folder is opened, and sandlab runs under a permissive umask.
chmod 0755 "${T:?}"
umask 022
R="$T/co"
export SANDLAB_LAB="$R"

# The user's files: at the root and inside the lab's images/ and
# overlays/ (a checkout's build script and placeholder).
user="d 755 src
f 644 src/main.c
d 750 tools
f 755 tools/mk.sh
f 644 README.md
f 644 Makefile
f 664 shared.txt
f 600 secret.txt
d 755 images
f 755 images/build
d 755 images/cloud
f 644 images/cloud/packages
d 755 overlays
f 644 overlays/.keep"
mkdir -m 0755 "$R"
tree_make "$R" "$user"
# images/ and overlays/ are the lab's folders too: they are closed.
user_after=$(text "$user" | sed -E 's/^d 755 (images|overlays)$/d 700 \1/')
user_after="${user_after:?}"

if nobody_ok; then
	if [ "$(as_nobody cat "$R/README.md")" = README.md ] && [ "$(as_nobody cat "$R/images/cloud/packages")" = images/cloud/packages ]; then
		ok "before sandlab opens it, nobody reads the user's files (the check below can fail)"
	else
		not_ok "before sandlab opens it, nobody reads the user's files" "$(as_nobody cat "$R/README.md" 2>&1)"
	fi
else
	ok "before sandlab opens it, nobody reads the user's files # SKIP not root, or no nobody/setpriv"
fi

# The first open, by a CLI command.
"$SANDLAB" node ls >/dev/null 2>"$T/first.err"
want="sandlab: $R was open to other users (3 entries); it is now private to you: the folder and the lab's own folders 0700, the lab's files 0600, other files in it as they were"
if [ "$(cat "$T/first.err")" = "$want" ]; then
	ok "the first open says the root and the lab's two folders were open, in these words"
else
	not_ok "the first open says the root and the lab's two folders were open" "$(cat "$T/first.err")"
fi
lab_image tiny
"$SANDLAB" node create n1 --image tiny --ram 64 >/dev/null
check "a node starts in a lab that holds other files" "$SANDLAB" node start n1
id1=$(node_id n1)
ov=$("$SANDLAB" node show n1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["overlay"].rsplit("/", 1)[1])')
lab_own="d 700 .
f 600 lab.db
f 600 lab.db-wal
f 600 lab.db-shm
d 700 images
f 400 images/tiny.qcow2
d 700 overlays
f 600 overlays/$ov
d 700 logs
f 600 logs/$id1.keeper.log
d 700 run
d 700 run/$id1
f 600 run/$id1/vnc.pw
d 700 cache"
if [ "$(tree_modes "$R" "$user_after")" = "$user_after" ]; then
	ok "the user's files and folders keep their modes exactly"
else
	not_ok "the user's files and folders keep their modes exactly" "$(tree_modes "$R" "$user_after" | tr '\n' ';')"
fi
if [ "$(tree_modes "$R" "$lab_own")" = "$lab_own" ]; then
	ok "the root is 0700 and the lab's own entries 0700/0600 (images 0400)"
else
	not_ok "the root is 0700 and the lab's own entries 0700/0600" "$(tree_modes "$R" "$lab_own" | tr '\n' ';')"
fi
# Open to others under the root: the user's own files, nothing of the lab's.
loose=$(cd "$R" && find . ! -type l -perm /077 -printf '%P\n' | sort | tr '\n' ' ')
if [ "$loose" = "Makefile README.md images/build images/cloud images/cloud/packages overlays/.keep shared.txt src src/main.c tools tools/mk.sh " ]; then
	ok "nothing of the lab's is open to others, under the closed root"
else
	not_ok "nothing of the lab's is open to others, under the closed root" "$loose"
fi

if nobody_ok; then
	leaked=$(nobody_leaks "ls $R" "cat $R/lab.db" "cat $R/README.md" "cat $R/src/main.c" \
	    "ls $R/images" "head -c 512 $R/images/tiny.qcow2" "cat $R/images/cloud/packages" \
	    "ls $R/overlays" "head -c 512 $R/overlays/$ov" "cat $R/run/$id1/vnc.pw" "ls $R/logs")
	if [ -z "$leaked" ]; then ok "nobody reads nothing of the lab or of the root"; else not_ok "nobody reads nothing of the lab or of the root" "$leaked"; fi
else
	ok "nobody reads nothing of the lab or of the root # SKIP not root, or no nobody/setpriv"
fi

"$SANDLAB" node stop n1 --grace 0 >/dev/null 2>"$T/second.err"
if [ ! -s "$T/second.err" ] && [ "$(tree_modes "$R" "$user_after")" = "$user_after" ]; then
	ok "a later command says nothing and changes nothing"
else
	not_ok "a later command says nothing and changes nothing" "$(cat "$T/second.err")"
fi

# The user opens the root again and loosens some of the lab's entries.
chmod 0755 "$R" "$R/logs"
chmod 0644 "$R/lab.db" "$R/overlays/$ov" "$R/images/tiny.qcow2"
"$SANDLAB" node ls >/dev/null 2>"$T/third.err"
again="d 700 .
d 700 logs
f 600 lab.db
f 600 overlays/$ov
f 600 images/tiny.qcow2"
if [ "$(cat "$T/third.err")" = "${want/(3 entries)/(5 entries)}" ] && [ "$(tree_modes "$R" "$again")" = "$again" ] &&
    [ "$(tree_modes "$R" "$user_after")" = "$user_after" ]; then
	ok "a root opened again is closed again with the lab's entries, said once; the user's files kept"
else
	not_ok "a root opened again is closed again with the lab's entries" "$(cat "$T/third.err"; tree_modes "$R" "$again" | tr '\n' ';')"
fi

# What an older sandlab left: everything of the owner's tightened (its
# walk took group and other bits off all under the root).
find "$R" ! -type l -perm /077 -exec chmod go-rwx {} +
before=$(cd "$R" && find . -printf '%m %p\n' | sort)
"$SANDLAB" node ls >"$T/old.out" 2>"$T/old.err"
after=$(cd "$R" && find . -printf '%m %p\n' | sort)
if grep -q '^n1 ' "$T/old.out" && [ ! -s "$T/old.err" ] && [ "$before" = "$after" ] &&
    [ "$(stat -c %a "$R/README.md")" = 600 ]; then
	ok "a lab an older sandlab tightened whole works as it is, and nothing is said"
else
	not_ok "a lab an older sandlab tightened whole works as it is" "$(cat "$T/old.err"; diff <(echo "$before") <(echo "$after"))"
fi
check "and its node starts" "$SANDLAB" node start n1
"$SANDLAB" node stop n1 --grace 0 >/dev/null

done_testing
