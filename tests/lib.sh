# tests/lib.sh: sourced by every shell test. Gives each script a private
# temporary folder (removed on exit), a way to report cases, and helpers to
# wait for conditions. Reports are lines "ok - NAME" / "not ok - NAME: WHY",
# which tests/run counts.
#
# Every sandlab process a test starts (CLI, keeper, dashboard) writes its
# sanitizer reports into $SAN_DIR (ASAN_OPTIONS / UBSAN_OPTIONS log_path),
# not onto a stderr a test may throw away: check and expect_fail fail on a
# report that appears while they run, and done_testing, after waiting for
# the lab's keepers (and, through done_hook, the test's dashboards) to end,
# fails on any report at all.
set -eu
set -o pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${SANDLAB:=$TOP/build/sandlab}"
T=$(mktemp -d "${TMPDIR:-/tmp}/sandlab-test.XXXXXX")
: "${T:?}"
export SANDLAB_LAB="$T/lab"
# Debian's python3 (make deps installs it, and python3-yaml for it),
# whatever comes first on PATH: the tests start python3 hundreds of times,
# and a pyenv shim there took 0.7 s of CPU a start, against 0.09 s.
if [ -x /usr/bin/python3 ] && [ "$(command -v python3)" != /usr/bin/python3 ]; then
	mkdir -p "$T/bin"
	ln -s /usr/bin/python3 "$T/bin/python3"
	export PATH="$T/bin:$PATH"
fi
_cleanups=()
_failed=0
_done_hooks=()
SAN_DIR="$T/san"
mkdir -p "$SAN_DIR"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$SAN_DIR/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$SAN_DIR/ubsan"
# What a sanitizer writes when it reports (ASan, LSan, UBSan).
SAN_PATTERN='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|Sanitizer'

# text STRING / textln STRING: print STRING (textln adds a newline) for a
# pipe into `grep -q`. grep -q leaves at its first match, and bash writes a
# line at a time, so a plain printf can die of SIGPIPE on a later line;
# under pipefail that would turn a match into a failure. These never fail.
text() ( trap '' PIPE; printf '%s' "${1-}" 2>/dev/null; exit 0 )
textln() ( trap '' PIPE; printf '%s\n' "${1-}" 2>/dev/null; exit 0 )
# has TEXT PATTERN: TEXT matches the extended regex PATTERN.
has() { text "$1" | grep -Eq -- "$2"; }

# at_exit CMD...: run CMD when the script ends (last added runs first).
at_exit() { _cleanups+=("$*"); }

_finish() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[$i]}" >/dev/null 2>&1 || true
	done
	case "${T:?}" in /tmp/sandlab-test.*|"${TMPDIR:-/tmp}"/sandlab-test.*) rm -rf -- "${T:?}" ;; esac
}
trap _finish EXIT

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: ${2:-}"; _failed=$((_failed + 1)); }

_san_seen=0
# san_fresh [TEXT]: true when a sanitizer report file appeared in $SAN_DIR
# since the last look, or TEXT (a command's output) carries one; the start
# of the report is left in $SAN_REPORT.
san_fresh() {
	local n
	SAN_REPORT=
	n=$(find "${SAN_DIR:?}" -type f ! -name .mark | wc -l)
	if [ "$n" -gt "$_san_seen" ]; then
		_san_seen=$n
		SAN_REPORT=$(find "${SAN_DIR:?}" -type f ! -name .mark -newer "$SAN_DIR/.mark" -exec grep -h -m 3 -E "$SAN_PATTERN|#[0-9] " {} + 2>/dev/null | head -n 8 | tr '\n' ' ')
		[ -n "$SAN_REPORT" ] || SAN_REPORT="see $(ls "$SAN_DIR")"
	elif text "${1:-}" | grep -Eq -- "$SAN_PATTERN"; then
		SAN_REPORT=$(text "$1" | grep -E -m 3 -- "$SAN_PATTERN" | tr '\n' ' ')
	fi
	touch "$SAN_DIR/.mark"
	[ -n "$SAN_REPORT" ]
}
touch "$SAN_DIR/.mark"

# check NAME CMD...: runs CMD, reports ok/not ok by its status; a sanitizer
# report from it is a failure too.
check() {
	local name=$1; shift
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	if san_fresh "$out"; then not_ok "$name" "sanitizer report: $SAN_REPORT"
	elif [ "$rc" -eq 0 ]; then ok "$name"
	else not_ok "$name" "$(text "$out" | tail -n 3 | tr '\n' ' ')"; fi
}

# expect_fail NAME PATTERN CMD...: CMD must fail and its stderr match
# PATTERN, with no sanitizer report (a sanitizer's exit is a failure too).
expect_fail() {
	local name=$1 pat=$2; shift 2
	local out rc=0
	out=$("$@" 2>&1 >/dev/null) || rc=$?
	if san_fresh "$out"; then not_ok "$name" "sanitizer report: $SAN_REPORT"; return; fi
	if [ "$rc" -eq 0 ]; then not_ok "$name" "succeeded, expected failure"; return; fi
	if text "$out" | grep -Eq -- "$pat"; then ok "$name"; else not_ok "$name" "stderr did not match /$pat/: $out"; fi
}

# wait_for SECONDS CMD...: polls CMD until it succeeds, for at most
# SECONDS: every 0.05 s in the first second (most waits end there), then
# every 0.1 s, and every 0.25 s after 5 s. A long wait is mostly on a
# guest, and CMD is often a sandlab under ASan and a python3 (state_is:
# 60 ms of CPU a look): looking as often all along took CPU from the very
# guest being waited for.
# The clock is bash's $EPOCHREALTIME (microseconds once its point is
# gone): no process started to read it.
wait_for() {
	local limit=$1; shift
	local start=${EPOCHREALTIME//[!0-9]/} gone step=0.05
	while :; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		gone=$((${EPOCHREALTIME//[!0-9]/} - start))
		[ "$gone" -lt "$((limit * 1000000))" ] || break
		if [ "$gone" -ge 5000000 ]; then step=0.25
		elif [ "$gone" -ge 1000000 ]; then step=0.1; fi
		sleep "$step"
	done
	wait_ran_out "wait_for $limit $*"
	return 1
}

# wait_ran_out WHAT: with TESTS_WAIT_LOG set (a file), notes a wait that
# ran to its deadline there, with the test line that asked for it: a wait
# that runs out in a passing test is time spent for nothing, and one that
# runs out often is too short.
wait_ran_out() {
	local i=1
	[ -n "${TESTS_WAIT_LOG:-}" ] || return 0
	while [ "${FUNCNAME[$i]:-main}" != main ] && [ "${BASH_SOURCE[$i]##*/}" != "${0##*/}" ]; do i=$((i + 1)); done
	echo "${0##*/}:${BASH_LINENO[$((i - 1))]}: $1 ran out" >>"$TESTS_WAIT_LOG"
}

# done_hook CMD...: run CMD at done_testing, before the sanitizer check
# (last added runs first): a library ends what it started there.
done_hook() { _done_hooks+=("$*"); }

# tree_make ROOT LIST: LIST's entries under ROOT, in order, a line each:
# "d MODE PATH" a folder, "f MODE PATH" a file (one not there yet is made
# holding its PATH); each is given MODE (a literal the test chose).
tree_make() {
	local root=${1:?} t m p
	while read -r t m p; do
		[ -n "$t" ] || continue
		case $t in
		d) mkdir -p -- "$root/$p" ;;
		f) [ -e "$root/$p" ] || printf '%s\n' "$p" >"$root/$p" ;;
		esac
		chmod "$m" "$root/$p"
	done <<<"$2"
}

# demo_checkout DIR: what make run's tests/demo-lab needs of a checkout,
# copied into DIR: tests/demo-lab, build/sandlab (the sandlab under
# test), images/ with the tiny, linux and flood guests and .scan-skip,
# and overlays/. A guest image not built fails the test.
demo_checkout() {
	local co=${1:?} f
	mkdir -p "$co/tests" "$co/build" "$co/images" "$co/overlays"
	cp "$TOP/tests/demo-lab" "$co/tests/"
	ln -s "$(readlink -f "$SANDLAB")" "$co/build/sandlab"
	for f in tiny linux flood; do
		if [ ! -f "$TOP/images/$f.qcow2" ]; then
			not_ok "guest image $f" "images/$f.qcow2 is missing: run bash images/build"
			done_testing
		fi
		cp "$TOP/images/$f.qcow2" "$co/images/"
	done
	cp "$TOP/images/.scan-skip" "$co/images/"
}

# tree_modes ROOT LIST: LIST's lines with each entry's mode as it is now
# (the same line when the mode is LIST's), "gone" for a missing one.
tree_modes() {
	local root=${1:?} t m p
	while read -r t m p; do
		[ -n "$t" ] || continue
		m=$(stat -c %a -- "$root/$p" 2>/dev/null || echo gone)
		echo "$t $m $p"
	done <<<"$2"
}

# as_nobody CMD...: runs CMD as the user nobody with no groups (setpriv);
# only root can. nobody_ok says whether this test can.
as_nobody() {
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --inh-caps=-all -- "$@"
}
nobody_ok() { [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; }

# nobody_leaks CMDLINE...: runs each command line (split on spaces) as
# nobody and prints, in brackets, those that succeeded or printed
# anything: nothing when nobody could read nothing.
nobody_leaks() {
	local c out
	for c in "$@"; do
		# shellcheck disable=SC2086 # words on purpose
		if out=$(as_nobody $c 2>/dev/null) || [ -n "$out" ]; then printf '[%s] ' "$c"; fi
	done
}

# lab_pids: pids of this lab's keepers (their command line names the lab).
lab_pids() { pgrep -f -- "--lab $SANDLAB_LAB __keeper" || true; }

# keepers_end: ends every keeper of the lab through sandlab (node kill: the
# keeper exits normally, so LeakSanitizer runs) and waits for their pids
# to be gone: a keeper lets go of its lock before it exits, so its report
# is written only after `node stop` or `node kill` has returned.
keepers_end() {
	local pids names p
	pids=$(lab_pids)
	[ -n "$pids" ] || return 0
	names=$("$SANDLAB" node ls --json | python3 -c '
import json, sys
for n in json.load(sys.stdin):
    if n["state"] in ("starting", "running", "unreachable", "stopping"):
        print(n["name"])')
	# shellcheck disable=SC2086
	if [ -n "$names" ]; then "$SANDLAB" node kill $names >/dev/null; fi
	for p in $pids; do
		if ! wait_for 60 sh -c "! [ -d /proc/$p ] || [ \"\$(awk '{print \$3}' /proc/$p/stat 2>/dev/null)\" = Z ]"; then
			not_ok "keeper $p ends" "still running after node kill"
		fi
	done
}

# done_testing: last line of every script: ends the test's dashboards and
# keepers, fails on any sanitizer report from any sandlab process of the
# test (report files, keeper logs), then its status says whether all passed.
done_testing() {
	local i hits
	for ((i = ${#_done_hooks[@]} - 1; i >= 0; i--)); do
		eval "${_done_hooks[$i]}"
	done
	keepers_end
	hits=$(find "${SAN_DIR:?}" -type f ! -name .mark)
	hits="$hits$(grep -l -E -- "$SAN_PATTERN" "$SANDLAB_LAB"/logs/*.keeper.log 2>/dev/null || true)"
	if [ -z "$hits" ]; then
		ok "no sanitizer report from any sandlab process"
	else
		# shellcheck disable=SC2086
		not_ok "no sanitizer report from any sandlab process" "$(grep -h -E -A6 -- "$SAN_PATTERN" $hits | head -n 30)"
	fi
	[ "$_failed" -eq 0 ]
}
