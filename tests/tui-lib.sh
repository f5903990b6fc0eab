# tests/tui-lib.sh: sourced by tests/tui/*.sh after tests/lib.sh. Runs the
# real dashboard in a tmux server of its own (-L socket, no config file),
# reads its screen with capture-pane, waits for the screen to settle, and
# compares screens with goldens in tests/tui/golden/ after masking what
# changes from run to run. UPDATE_GOLDEN=1 rewrites the goldens instead.

GOLDEN_DIR="$TOP/tests/tui/golden"
TMUX_SOCK="sandlab-test-$$"
export XDG_CONFIG_HOME="$T/config"
export LANG=C.UTF-8
unset NO_COLOR COLORTERM || true
at_exit "tmux -L $TMUX_SOCK kill-server"

# tx ARGS...: tmux on the test's own server.
tx() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }

# Each dashboard writes its stderr into $T/tui-N.err and its exit status
# into $T/tui-N.rc (N counts the dashboards of the test); tui_quit or
# tui_exited checks them, and a dashboard still running at done_testing is
# quit with tui_quit.
_tui_n=0
_tui_open=0

# tui_cmd N ARGS...: the pane's command line for dashboard N.
tui_cmd() {
	local n=$1
	shift
	echo "env TERM=${TUI_TERM:-tmux-256color} ASAN_OPTIONS='$ASAN_OPTIONS' UBSAN_OPTIONS='$UBSAN_OPTIONS' $* $SANDLAB ${TUI_ARGS:-} 2>'$T/tui-$n.err'; echo \$? >'$T/tui-$n.rc.tmp'; mv '$T/tui-$n.rc.tmp' '$T/tui-$n.rc'; echo DASHBOARD-EXITED \$(cat '$T/tui-$n.rc'); sleep 600"
}

# tui_start W H [VAR=VALUE...]: (re)starts the dashboard in session "t" at
# W x H; a dashboard still running there is first quit with tui_quit (and
# checked). The pane stays after the dashboard exits (to check the
# terminal was given back). Extra VAR=VALUE pairs go into its environment.
tui_start() {
	local w=$1 h=$2
	shift 2
	# The last dashboard must be gone first (it holds the lab's lock).
	tui_quit
	tx kill-session -t t 2>/dev/null || true
	_tui_n=$((_tui_n + 1))
	_tui_open=1
	tx new-session -d -s t -x "$w" -y "$h" "$(tui_cmd "$_tui_n" "$@")"
	# The server outlives its sessions: after kill-session above, a server
	# with none left would exit, and a new-session that reached it while
	# it did so would fail with "server exited unexpectedly".
	tx set-option -s exit-empty off
	tx set-option -t t remain-on-exit on >/dev/null
}

# tui_exited CODE [NAME]: the current dashboard has exited (waits for it)
# with status CODE, wrote nothing to stderr (no sanitizer report, no
# message) and left no sanitizer report file.
tui_exited() {
	local code=$1 name=${2:-"dashboard $_tui_n exits with $1, stderr empty"} f="$T/tui-$_tui_n"
	_tui_open=0
	if ! wait_for 60 test -e "$f.rc"; then
		not_ok "$name" "still running: $(tui_cap 2>/dev/null | tail -n 2 | tr '\n' ' ')"
		return 1
	fi
	if [ "$(cat "$f.rc")" != "$code" ]; then
		not_ok "$name" "exit status $(cat "$f.rc"); stderr: $(head -c 600 "$f.err")"
		return 1
	elif [ -s "$f.err" ]; then
		not_ok "$name" "stderr: $(head -c 600 "$f.err")"
		return 1
	elif san_fresh; then
		not_ok "$name" "sanitizer report: $SAN_REPORT"
		return 1
	fi
	ok "$name"
}

# tui_quit [NAME]: quits the current dashboard, if one runs, the way a
# user does (leaving a console with its escape key, closing what is open
# with Escape, then q) and checks it with tui_exited 0.
tui_quit() {
	local name=${1:-} leave i
	[ "$_tui_open" = 1 ] || return 0
	if [ ! -e "$T/tui-$_tui_n.rc" ]; then
		for i in 1 2 3; do
			# typing: the key that leaves is in the tile's title, or, when
			# the title is too narrow for it, first on the status line
			leave=$(tui_cap | sed -n 's/.*typing, \([^ ]*\) leaves.*/\1/p' | tail -n 1)
			[ -n "$leave" ] || leave=$(tui_cap | tail -n 1 | sed -n 's/^ *\([^ ]*\) leave  .*/\1/p')
			if [ -n "$leave" ]; then
				keys "$leave"
				wait_for 10 sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t t | grep -q 'typing, \\| leave  '" || true
			fi
			keys q
			wait_for 10 test -e "$T/tui-$_tui_n.rc" && break
			# Something open (a form, the help) took the q: close it.
			keys Escape
			tui_settle "Nodes (" 10 >/dev/null || true
		done
	fi
	tui_exited 0 ${name:+"$name"}
}
done_hook tui_quit

# tui_cap [-e]: the screen as text (-e: with colour escapes).
# Printed through textln, so that `tui_cap | grep -q` cannot fail on SIGPIPE.
tui_cap() { local s; s=$(tx capture-pane -p -t t "$@") || return; textln "$s"; }
# screen_has TEXT: the screen holds TEXT now (no settling: for screens
# that never settle, as under a flood).
screen_has() { tui_cap | grep -qF -- "$1"; }

# tui_pid: pid of the dashboard (the pane's shell's child).
tui_pid() {
	local shell
	shell=$(tx display-message -p -t t '#{pane_pid}')
	{ pgrep -P "$shell" -x sandlab || true; } | head -n 1
}

# tui_settle MARKER [SECS] [-e]: waits until the screen holds MARKER and
# two captures 0.1 s apart are equal; leaves the screen in $SCREEN.
tui_settle() {
	local marker=$1 secs=${2:-20} flag=${3:-}
	local end=$(( EPOCHSECONDS + secs )) prev=""
	SETTLE_FLAG=$flag
	while [ "$EPOCHSECONDS" -lt "$end" ]; do
		SCREEN=$(tui_cap $flag)
		if [ "$SCREEN" = "$prev" ] && text "$SCREEN" | grep -qF -- "$marker" &&
			! text "$SCREEN" | grep -qF "KVM: probing"; then
			return 0
		fi
		prev=$SCREEN
		sleep 0.1
	done
	wait_ran_out "tui_settle $marker $secs"
	return 1
}

# tui_mask: hides what changes between runs: the temp folder, ids, MACs,
# times, VNC ports and passwords, uptimes (right-aligned: "<1m" and "2m"
# mask to the same row).
tui_mask() {
	sed -E \
		-e "s#${T}#<T>#g" \
		-e 's#/tmp/sandlab-test\.[A-Za-z0-9]+#<T>#g' \
		-e 's#lab …[^ ]*#lab <T>#g' \
		-e 's/ +KVM: (yes|no \(TCG\)).*$/ <kvm and lab>/' \
		-e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
		-e 's/52:54:00(:[0-9a-f]{2}){3}/<mac>/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/<time>/g' \
		-e 's/127\.0\.0\.1:59[0-9]{2}/127.0.0.1:59NN/g' \
		-e 's/password [A-Za-z0-9]{8}/password XXXXXXXX/g' \
		-e 's/pid [0-9]+ */pid <pid>/g' \
		-e 's/( running .*)<1m /\1 1m /g' \
		-e 's/( running .* )([0-9]+m|[0-9]+h[0-9]{2}|[0-9]+d[0-9]{2}) /\1<up> /g'
}

# golden NAME: compares the masked $SCREEN with golden/NAME.txt.
golden() {
	local name=$1 file="$GOLDEN_DIR/$1.txt" got
	got=$(textln "$SCREEN" | tui_mask)
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		mkdir -p "$GOLDEN_DIR"
		printf '%s\n' "$got" >"$file"
		ok "golden $name (updated)"
		return
	fi
	if [ ! -f "$file" ]; then
		not_ok "golden $name" "no golden file (run with UPDATE_GOLDEN=1)"
		return
	fi
	# A screen caught between two updates gets a few more looks.
	for _ in 1 2 3 4 5 6; do
		diff -q "$file" <(printf '%s\n' "$got") >/dev/null 2>&1 && break
		sleep 0.5
		SCREEN=$(tui_cap ${SETTLE_FLAG:-})
		got=$(textln "$SCREEN" | tui_mask)
	done
	if diff -u "$file" <(printf '%s\n' "$got") >"$T/diff.$name" 2>&1; then
		ok "golden $name"
	else
		not_ok "golden $name" "screen differs: $(head -c 1500 "$T/diff.$name")"
	fi
}

# keys ARGS...: send-keys to the dashboard.
keys() { tx send-keys -t t "$@"; }

# console_log NODE: the path of NODE's console log (the guest's raw output,
# written by its keeper).
console_log() {
	local json
	json=$("$SANDLAB" node show "$1" --json) || return 1
	echo "$SANDLAB_LAB/logs/$(text "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])').log"
}

# echo_keys LOG ARGS...: sends one key (or, with -l TEXT, one text) to the
# console pane and waits until the guest's echo of it has reached LOG (the
# log grew): a lone Escape is then taken as the Escape key, not as the
# start of a sequence, without guessing a pause.
echo_keys() {
	local log=$1 size
	shift
	size=$(stat -c %s "$log")
	keys "$@"
	wait_for 20 sh -c "[ \$(stat -c %s '$log') -gt $size ]"
}

# tui_whole TEXT: TEXT is whole on the current screen ($SCREEN, from
# tui_settle): inside one framed box (a form, a question, a pane) or on
# the unframed rows (the status line), read row after row, so a message
# wrapped onto several rows counts and one cut short does not. Spaces and
# frame lines are left out of the comparison (a row may break anywhere).
tui_whole() {
	text "$SCREEN" | python3 -c '
import sys
want = "".join(sys.argv[1].split())
rows = sys.stdin.read().split("\n")
frame = set("│─┌┐└┘├┤┬┴┼")
def flat(s):
    return "".join(ch for ch in s if not ch.isspace() and ch not in frame)
texts = ["".join(flat(r) for r in rows)]
# every box: a top-left corner, its top-right on the same row, and the rows
# down to its bottom-left corner
for r, row in enumerate(rows):
    for c, ch in enumerate(row):
        if ch != "┌":
            continue
        c2 = row.find("┐", c + 1)
        if c2 < 0:
            continue
        inner = []
        for rr in range(r + 1, len(rows)):
            line = rows[rr]
            if c < len(line) and line[c] == "└":
                break
            inner.append(line[c + 1:c2])
        texts.append("".join(flat(x) for x in inner))
sys.exit(0 if any(want in t for t in texts) else 1)
' "$1"
}
