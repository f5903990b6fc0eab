#!/usr/bin/env bash
# sec-disk.sh: the record stays true on a full disk. The lab lives on a
# small tmpfs mounted (and unmounted) by this test; with the disk full, a
# clean stop cannot be written to the db, so the keeper keeps its end in
# the room it reserved in run/<id>/ at start; `node ls` shows the clean
# stop even then, the next reader records it once space is free, nothing
# half-made is left, and the database passes integrity_check.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

M="$T/disk"
mkdir -p "${M:?}"
if ! mount -t tmpfs -o size=12m,mode=0700 sandlab-test "$M" 2>"$T/mount.err"; then
	ok "full disk keeps a clean stop # SKIP cannot mount a tmpfs here: $(cat "$T/mount.err")"
	done_testing
	exit 0
fi
at_exit "umount $M"
export SANDLAB_LAB="$M/lab"

lab_image tiny
"$SANDLAB" node create d1 --image tiny --ram 64 >/dev/null
check "start" "$SANDLAB" node start d1
id=$(node_id d1)

# The WAL emptied first: sandlab checkpoints every 128 pages, and a WAL
# that already has its blocks takes the keeper's last write even on a
# full disk; this test is of a write the disk refuses.
python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())' \
	"$SANDLAB_LAB/lab.db" >"$T/ckpt"
# Fill the disk to the last block.
dd if=/dev/zero of="$M/fill" bs=64k >/dev/null 2>&1 || true
if [ "$(df --output=avail -B1 "$M" | tail -n1 | tr -d ' ')" -ne 0 ]; then
	not_ok "the disk is full" "$(df "$M")"
fi

rc=0
"$SANDLAB" node stop d1 --grace 0 >"$T/stop.out" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && grep -q "stopped" "$T/stop.out"; then ok "node stop on a full disk says stopped"; else not_ok "node stop on a full disk says stopped" "rc=$rc $(cat "$T/stop.out")"; fi
if grep -q "database or disk is full" "$SANDLAB_LAB/logs/$id.keeper.log"; then
	ok "the keeper's final write really failed"
else
	not_ok "the keeper's final write really failed" "$(tail -n 5 "$SANDLAB_LAB/logs/$id.keeper.log")"
fi
if [ "$(sqlite3 -readonly "$SANDLAB_LAB/lab.db" "SELECT state FROM runs WHERE node_id = '$id'")" = running ] &&
    [ -s "$SANDLAB_LAB/run/$id/end" ]; then
	ok "the db still says running; the end is kept in the run folder"
else
	not_ok "the db still says running; the end is kept in the run folder" \
	    "$(sqlite3 -readonly "$SANDLAB_LAB/lab.db" "SELECT state FROM runs") $(ls -la "$SANDLAB_LAB/run/$id")"
fi
ls_full=$("$SANDLAB" node ls 2>&1 | grep -E '^d1 ' || true)
if text "$ls_full" | grep -q ' stopped ' && text "$ls_full" | grep -q shutdown &&
    ! text "$ls_full" | grep -q crashed; then
	ok "node ls says a clean stop while the disk is still full"
else
	not_ok "node ls says a clean stop while the disk is still full" "$ls_full"
fi

rm -f -- "$M/fill"
ls_after=$("$SANDLAB" node ls 2>&1 | grep -E '^d1 ' || true)
if text "$ls_after" | grep -q ' stopped ' && text "$ls_after" | grep -q shutdown &&
    [ "$(sqlite3 -readonly "$SANDLAB_LAB/lab.db" "SELECT state || ' ' || exit_kind FROM runs WHERE node_id = '$id'")" = "stopped shutdown" ]; then
	ok "once space is free the clean stop is recorded as a clean stop"
else
	not_ok "once space is free the clean stop is recorded as a clean stop" "$ls_after / $(sqlite3 -readonly "$SANDLAB_LAB/lab.db" "SELECT * FROM runs")"
fi
if [ -z "$(ls -A "$SANDLAB_LAB/run/$id" 2>/dev/null || true)" ] &&
    [ -z "$(find "$SANDLAB_LAB" -name '*.tmp*' -print)" ] &&
    [ "$(sqlite3 -readonly "$SANDLAB_LAB/lab.db" 'SELECT count(*) FROM pending')" = 0 ]; then
	ok "nothing half-made is left (run folder empty, no temporary file, no pending row)"
else
	not_ok "nothing half-made is left" "$(ls -A "$SANDLAB_LAB/run/$id") $(find "$SANDLAB_LAB" -name '*.tmp*')"
fi
if [ "$(sqlite3 "$SANDLAB_LAB/lab.db" 'PRAGMA integrity_check')" = ok ]; then ok "integrity_check ok"; else not_ok "integrity_check ok"; fi
check "the node starts again" "$SANDLAB" node start d1
"$SANDLAB" node stop d1 --grace 0 >/dev/null
check "and stops cleanly" state_is d1 stopped

done_testing
