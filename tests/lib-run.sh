# tests/lib-run.sh: sourced by the runtime tests after lib.sh. Imports
# guest images into the test's lab, reads node state, drives consoles
# through fifos, and at exit kills every node the test started (through
# sandlab, by name: only this lab's keepers).
set -eu

IMAGES="$TOP/images"

# lab_image NAME: imports images/NAME.qcow2 into the lab as NAME.
lab_image() {
	if [ ! -f "$IMAGES/$1.qcow2" ]; then
		not_ok "guest image $1" "images/$1.qcow2 is missing: run bash images/build"
		exit 1
	fi
	"$SANDLAB" image import "$IMAGES/$1.qcow2" --name "$1" >/dev/null 2>&1
}

# run_get NODE KEY: a field of `node show --json`: state, or run.KEY.
run_get() {
	local json
	json=$("$SANDLAB" node show "$1" --json) || { echo "run_get: node show $1 failed" >&2; return 1; }
	text "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
k = sys.argv[1]
v = d["state"] if k == "state" else d["run"]
for part in ([] if k == "state" else k.split(".")):
    v = v.get(part) if isinstance(v, dict) else None
print("" if v is None else v)' "$2"
}

# state_is NODE STATE
state_is() { [ "$(run_get "$1" state)" = "$2" ]; }
# ended NODE STATE KIND [DETAIL]: the node's last run ended so.
ended() {
	[ "$(run_get "$1" state)" = "$2" ] && [ "$(run_get "$1" last_exit.kind)" = "$3" ] &&
		{ [ $# -lt 4 ] || [ "$(run_get "$1" last_exit.detail)" = "$4" ]; }
}

# last_exit_shown NODE: `node show`'s last exit, "KIND: DETAIL", its time
# left out.
last_exit_shown() {
	"$SANDLAB" node show "$1" | sed -n 's/^last exit: \(.*\) at [0-9]\{4\}-[0-9-]* [0-9:]*$/\1/p'
}

# pid_gone PID: no such process, or only its zombie left for init to reap.
pid_gone() {
	[ ! -e "/proc/$1" ] && return 0
	[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# node_id NODE: the node's id.
node_id() {
	local json
	json=$("$SANDLAB" node show "$1" --json) || { echo "node_id: node show $1 failed" >&2; return 1; }
	text "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

# log_of NODE: the node's console log path.
log_of() { echo "$SANDLAB_LAB/logs/$(node_id "$1").log"; }

_console_pids=()
# console_open N NODE: `sandlab console NODE` with stdin from fifo $T/cin.N
# (held open on fd 10+N) and stdout in $T/cout.N.
console_open() {
	local n=$1 node=$2
	rm -f "$T/cin.$n"
	mkfifo "$T/cin.$n"
	"$SANDLAB" console "$node" <"$T/cin.$n" >"$T/cout.$n" 2>"$T/cerr.$n" &
	_console_pids+=("$!")
	eval "CONSOLE_PID_$n=$!"
	disown "$!"
	eval "exec $((10 + n))>\"\$T/cin.$n\""
}

# console_send N TEXT: printf-style bytes to console N.
console_send() { printf "$2" >&"$((10 + $1))"; }

# console_close N: end of input; the console detaches.
console_close() { eval "exec $((10 + $1))>&-"; }

# out_has N TEXT: console N has printed TEXT (fixed string).
out_has() { grep -qF -- "$2" "$T/cout.$1"; }

_run_cleanup() {
	local p names
	for p in "${_console_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	names=$("$SANDLAB" node ls --json 2>/dev/null | python3 -c '
import json, sys
for n in json.load(sys.stdin):
    if n["state"] in ("starting", "running", "unreachable", "stopping"):
        print(n["name"])' 2>/dev/null || true)
	if [ -n "$names" ]; then
		# shellcheck disable=SC2086
		"$SANDLAB" node kill $names >/dev/null 2>&1 || true
	fi
	# A keeper that did not answer: SIGKILL it by the pid its row gives,
	# if that process is this lab's keeper (QEMU dies with it).
	for p in $("$SANDLAB" node ls --json 2>/dev/null | python3 -c '
import json, sys
for n in json.load(sys.stdin):
    if n["state"] in ("starting", "running", "unreachable", "stopping") and n["run"]["keeper_pid"]:
        print(n["run"]["keeper_pid"])' 2>/dev/null || true); do
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "--lab $SANDLAB_LAB __keeper"; then
			kill -9 "$p" 2>/dev/null || true
		fi
	done
}
at_exit _run_cleanup

# run_done: the last line of a runtime test: ends the lab's keepers and
# waits for their pids to be gone (a keeper writes its sanitizer report as
# it exits, after it has let go of its lock), then checks that no keeper or
# console client of this test reported a sanitizer error or leak (in the
# report files of $SAN_DIR, the keepers' logs, the consoles' stderr).
run_done() {
	local hits
	keepers_end
	hits=$(grep -l -E -- "$SAN_PATTERN" "$SANDLAB_LAB"/logs/*.keeper.log "$T"/cerr.* 2>/dev/null || true)
	hits="$hits$(find "${SAN_DIR:?}" -type f ! -name .mark)"
	# shellcheck disable=SC2086
	if [ -z "$hits" ]; then ok "no sanitizer report from keepers or consoles"; else not_ok "no sanitizer report from keepers or consoles" "$(grep -h -E -A5 -- "$SAN_PATTERN" $hits | head -20)"; fi
	done_testing
}
