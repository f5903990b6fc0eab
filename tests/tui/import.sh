#!/usr/bin/env bash
# tests/tui/import.sh: an image import started from the dashboard runs as
# a job: the flood guest's console keeps updating while it copies, and Esc
# cancels it, leaving neither an image row nor a file behind. The source
# is a large raw file with 256 MiB of data, copied slowly on purpose.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/flood.qcow2" --name flood >/dev/null 2>&1
"$SANDLAB" node create f1 --image flood --ram 32 >/dev/null
at_exit "$SANDLAB node kill f1"
"$SANDLAB" node start f1 >/dev/null
# 256 MiB of data in a 64 GiB file: holes are not read, so the import is
# paced (100 ms a MiB of data, through the SANDLAB_PACE test hook) to last
# long enough to be watched and cancelled.
head -c 268435456 /dev/zero >"$T/big.img"
truncate -s 64G "$T/big.img"

# console_rows: the screen's rows with flood counters, but not the form's.
console_rows() { tui_cap | grep -E '[0-9]{3,}' | grep -vF 'copying:' || true; }

tui_start 120 40 SANDLAB_MAX_IMAGE_SIZE=128G SANDLAB_PACE=import-block:100
tui_settle "f1" >/dev/null
keys Enter
wait_for 30 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -qE '[0-9]{3,}'" || true
keys C-]
keys i
wait_for 20 screen_has "Import a disk image" || true
keys -l "$T/big.img"
keys Enter
if wait_for 30 screen_has "copying:"; then
	ok "the import shows its progress"
else
	not_ok "the import shows its progress" "$(tui_cap)"
fi
# While it copies, the console's screen changes within a few frames (a
# loop blocked by the copy would show the same rows until it ends).
before=$(console_rows)
changed=0
end=$(( $(date +%s%N) + 3000000000 ))
while [ "$(date +%s%N)" -lt "$end" ]; do
	sleep 0.2
	if [ "$(console_rows)" != "$before" ]; then changed=1; break; fi
done
if [ "$changed" = 1 ] && tui_cap | grep -qF 'copying:'; then
	ok "the console keeps updating during an import"
else
	not_ok "the console keeps updating during an import" "$(tui_cap)"
fi

keys Escape
if wait_for 30 screen_has "the import was cancelled" && ! screen_has "Import a disk image"; then
	ok "Esc cancels the import"
else
	not_ok "Esc cancels the import" "$(tui_cap)"
fi
left=$(ls -A "$SANDLAB_LAB/images")
if ! "$SANDLAB" image ls | grep -qw big && ! text "$left" | grep -qE 'big|\.import-'; then
	ok "a cancelled import leaves no row nor file"
else
	not_ok "a cancelled import leaves no row nor file" "$("$SANDLAB" image ls); $left"
fi
# Once cancelled, the dashboard imports again (the job is over).
keys i
wait_for 20 screen_has "Import a disk image" || true
keys -l "$TOP/images/tiny.qcow2"
keys Tab
keys -l "tiny2"
keys Enter
if wait_for 60 screen_has "imported image tiny2" && "$SANDLAB" image ls | grep -qw tiny2; then
	ok "an import after a cancel works"
else
	not_ok "an import after a cancel works" "$(tui_cap)"
fi

done_testing
