#!/usr/bin/env bash
# Two processes on one lab never corrupt or lose anything, and a process
# killed with SIGKILL at any point of node create, node rm or image import
# leaves db and folders in agreement once the lab is next opened.
# 400 creates and removes under ASan: 98 s in a warm check, but 630 s at a
# load of 20 here, past tests/run's default limit of 600 s.
# tests/run timeout: 1800
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
LABDIR="$T/lab"
TINY="$TOP/images/tiny.qcow2"
[ -f "$TINY" ] || bash "$TOP/images/build" tiny >/dev/null
"$S" image import "$TINY" --name tiny >/dev/null 2>&1

# agree: every row has its file and every file its row; no half-made files.
agree() {
	local rows files
	rows=$(sqlite3 "$LABDIR/lab.db" 'SELECT overlay FROM nodes ORDER BY 1')
	files=$(cd "${LABDIR:?}/overlays" && ls -A | sort)
	[ "$rows" = "$files" ] || { echo "overlays: rows [$rows] files [$files]"; return 1; }
	rows=$(sqlite3 "$LABDIR/lab.db" 'SELECT file FROM images ORDER BY 1')
	files=$(cd "${LABDIR:?}/images" && ls -A | sort)
	[ "$rows" = "$files" ] || { echo "images: rows [$rows] files [$files]"; return 1; }
	[ "$(sqlite3 "$LABDIR/lab.db" 'SELECT count(*) FROM pending')" = 0 ] || { echo "journal not empty"; return 1; }
	[ "$(sqlite3 "$LABDIR/lab.db" 'PRAGMA integrity_check')" = ok ] || { echo "integrity_check failed"; return 1; }
}

# Two writers at once.
N=${STORE_CONCURRENT_N:-200}
creator() { # prefix: creates N nodes, logs any error
	local i
	for ((i = 0; i < N; i++)); do
		"$S" node create "$1-$i" --image tiny >/dev/null 2>>"$T/errors.$1" || echo "create $1-$i failed" >>"$T/errors.$1"
	done
}
creator a &
pa=$!
creator b &
pb=$!
wait "$pa" "$pb"
check "no error shown by either writer" sh -c "! [ -s '$T/errors.a' ] && ! [ -s '$T/errors.b' ]"
check "$((2 * N)) nodes" sh -c "[ \"\$(sqlite3 '$LABDIR/lab.db' 'SELECT count(*) FROM nodes')\" = $((2 * N)) ]"
check "$((2 * N)) overlays" sh -c "[ \$(ls '$LABDIR/overlays' | wc -l) = $((2 * N)) ]"
check "db and folders agree after concurrent creates" agree
"$S" node ls >/dev/null
# Clear most of them (two removers at once) to keep the rest fast.
( for ((i = 0; i < N; i++)); do echo "a-$i"; done | xargs "$S" node rm ) &
pa=$!
( for ((i = 0; i < N; i++)); do echo "b-$i"; done | xargs "$S" node rm ) &
pb=$!
wait "$pa" "$pb"
empty_and_agree() { [ "$(sqlite3 "$LABDIR/lab.db" 'SELECT count(*) FROM nodes')" = 0 ] && agree; }
check "concurrent removals leave an empty lab that agrees" empty_and_agree

# SIGKILL at each named point; the next command's lab_open recovers.
killed_at() { # point cmd...: runs cmd with the fault armed; must die of SIGKILL
	local point=$1 rc=0
	shift
	SANDLAB_CRASH_AT=$point "$@" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 137 ] || { echo "exit $rc, not killed at $point"; return 1; }
}
qemu-img create -q -f qcow2 "$T/big.qcow2" 256M
qemu-io -f qcow2 -c 'write -P 0x11 0 32M' "$T/big.qcow2" >/dev/null
for point in overlay-journaled overlay-made node-renamed; do
	check "node create killed at $point" killed_at "$point" "$S" node create "k-$point" --image tiny
	"$S" node ls >/dev/null
	check "agree after create killed at $point" agree
	check "no node from the killed create at $point" sh -c "! '$S' node show 'k-$point' >/dev/null 2>&1"
done
"$S" node create victim --image tiny >/dev/null
check "node rm killed after commit" killed_at node-rm-committed "$S" node rm victim
"$S" node ls >/dev/null
check "agree after rm killed after commit" agree
for point in import-journaled import-half-copied import-verified import-renamed; do
	check "image import killed at $point" killed_at "$point" "$S" image import "$T/big.qcow2" --name "big-$point"
	"$S" image ls >/dev/null
	check "agree after import killed at $point" agree
done

# Moments found by looking, not by the clock: creators and an importer are
# killed once 0 to 3 of the round's nodes exist and the lab's journal holds
# an operation in flight (a pending row). A kill that landed mid-operation
# leaves its journal row behind, which the next lab_open recovers: most
# rounds must show one. Each runs in its own session so one SIGKILL to the
# group stops every process in it.
pending() { sqlite3 -cmd '.timeout 5000' "$LABDIR/lab.db" 'SELECT count(*) FROM pending' 2>/dev/null || echo 0; }
landed=0
for round in 1 2 3 4 5 6; do
	# An overlay is written in well under a millisecond: a pause after it,
	# journal row in place, gives the kill a moment to land in.
	SANDLAB_PACE=overlay-written:50 \
	setsid bash -c 'for i in 1 2 3 4 5 6 7 8; do "$0" node create "r$1-$i" --image tiny >/dev/null 2>&1 || true; done' "$S" "$round" &
	p1=$!
	setsid "$S" image import "$T/big.qcow2" --name "rb$round" >/dev/null 2>&1 &
	p2=$!
	wait_for 60 sh -c "[ \"\$(sqlite3 -cmd '.timeout 2000' '$LABDIR/lab.db' \"SELECT count(*) FROM nodes WHERE name LIKE 'r$round-%'\")\" -ge $((round % 4)) ]" || true
	wait_for 30 sh -c "[ \"\$(sqlite3 -cmd '.timeout 2000' '$LABDIR/lab.db' 'SELECT count(*) FROM pending' 2>/dev/null)\" -gt 0 ]" || true
	kill -KILL -- "-$p1" "-$p2" 2>/dev/null || true
	wait "$p1" "$p2" 2>/dev/null || true
	# Killed means dead: both process groups gone before the lab is read.
	if ! wait_for 60 sh -c "! pgrep -s $p1 >/dev/null && ! pgrep -s $p2 >/dev/null"; then
		not_ok "round $round: the killed processes are gone" "$(pgrep -a -s "$p1,$p2")"
	fi
	if [ "$(pending)" -gt 0 ]; then landed=$((landed + 1)); fi
	# Recovery now, so the next round's look sees only its own journal.
	"$S" image ls >/dev/null
done
if [ "$landed" -ge 3 ]; then ok "random SIGKILLs landed mid-operation (journal left behind: $landed of 6)"; else not_ok "random SIGKILLs landed mid-operation" "only $landed of 6 left a journal row"; fi
"$S" node ls >/dev/null
check "agree after random SIGKILLs" agree

done_testing
