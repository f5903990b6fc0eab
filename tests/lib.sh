# tests/lib.sh: sourced by every shell test. Gives each script a private
# temporary folder (removed on exit), a way to report cases, and helpers to
# wait for conditions. Reports are lines "ok - NAME" / "not ok - NAME: WHY",
# which tests/run counts.
set -eu

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${SANDLAB:=$TOP/build/sandlab}"
T=$(mktemp -d "${TMPDIR:-/tmp}/sandlab-test.XXXXXX")
: "${T:?}"
export SANDLAB_LAB="$T/lab"
_cleanups=()
_failed=0

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

# check NAME CMD...: runs CMD, reports ok/not ok by its status.
check() {
	local name=$1; shift
	local out
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"; fi
}

# expect_fail NAME PATTERN CMD...: CMD must fail and its stderr match PATTERN.
expect_fail() {
	local name=$1 pat=$2; shift 2
	local out rc=0
	out=$("$@" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" -eq 0 ]; then not_ok "$name" "succeeded, expected failure"; return; fi
	if printf '%s' "$out" | grep -Eq -- "$pat"; then ok "$name"; else not_ok "$name" "stderr did not match /$pat/: $out"; fi
}

# wait_for SECONDS CMD...: polls CMD every 0.05 s until it succeeds.
wait_for() {
	local limit=$1; shift
	local end=$(( $(date +%s%N) + limit * 1000000000 ))
	while [ "$(date +%s%N)" -lt "$end" ]; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.05
	done
	return 1
}

# done_testing: last line of every script; its status says whether all passed.
done_testing() { [ "$_failed" -eq 0 ]; }
