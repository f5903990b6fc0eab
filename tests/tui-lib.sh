# tests/tui-lib.sh: sourced by tests/tui/*.sh after tests/lib.sh. Runs the
# real dashboard in a tmux server of its own (-L socket, no config file),
# reads its screen with capture-pane, waits for the screen to settle, and
# compares screens with goldens in tests/tui/golden/ after masking what
# changes from run to run. UPDATE_GOLDEN=1 rewrites the goldens instead.

GOLDEN_DIR="$TOP/tests/tui/golden"
TMUX_SOCK="sandlab-test-$$"
export XDG_CONFIG_HOME="$T/config"
export LANG=C.UTF-8
unset NO_COLOR || true
at_exit "tmux -L $TMUX_SOCK kill-server"

# tx ARGS...: tmux on the test's own server.
tx() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }

# tui_start W H [VAR=VALUE...]: (re)starts the dashboard in session "t" at
# W x H. The pane stays after the dashboard exits (to check the terminal
# was given back). Extra VAR=VALUE pairs go into its environment.
tui_start() {
	local w=$1 h=$2 old
	shift 2
	# The last dashboard must be gone first (it holds the lab's lock).
	old=$(tui_pid 2>/dev/null || true)
	tx kill-session -t t 2>/dev/null || true
	if [ -n "$old" ]; then wait_for 20 sh -c "! kill -0 $old" || true; fi
	tx new-session -d -s t -x "$w" -y "$h" \
		"env TERM=${TUI_TERM:-tmux-256color} $* $SANDLAB ${TUI_ARGS:-}; echo DASHBOARD-EXITED \$?; sleep 600"
	tx set-option -t t remain-on-exit on >/dev/null
}

# tui_cap [-e]: the screen as text (-e: with colour escapes).
tui_cap() { tx capture-pane -p -t t "$@"; }

# tui_pid: pid of the dashboard (the pane's shell's child).
tui_pid() {
	local shell
	shell=$(tx display-message -p -t t '#{pane_pid}')
	pgrep -P "$shell" -x sandlab | head -n 1
}

# tui_settle MARKER [SECS] [-e]: waits until the screen holds MARKER and
# two captures 0.1 s apart are equal; leaves the screen in $SCREEN.
tui_settle() {
	local marker=$1 secs=${2:-20} flag=${3:-}
	local end=$(( $(date +%s) + secs )) prev=""
	SETTLE_FLAG=$flag
	while [ "$(date +%s)" -lt "$end" ]; do
		SCREEN=$(tui_cap $flag)
		if [ "$SCREEN" = "$prev" ] && printf '%s' "$SCREEN" | grep -qF -- "$marker" &&
			! printf '%s' "$SCREEN" | grep -qF "KVM: probing"; then
			return 0
		fi
		prev=$SCREEN
		sleep 0.1
	done
	return 1
}

# tui_mask: hides what changes between runs: the temp folder, ids, MACs,
# times, VNC ports and passwords, uptimes.
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
		-e 's/( running .*)(<1m|[0-9]+m|[0-9]+h[0-9]{2}) /\1<up> /g'
}

# golden NAME: compares the masked $SCREEN with golden/NAME.txt.
golden() {
	local name=$1 file="$GOLDEN_DIR/$1.txt" got
	got=$(printf '%s\n' "$SCREEN" | tui_mask)
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
		got=$(printf '%s\n' "$SCREEN" | tui_mask)
	done
	if diff -u "$file" <(printf '%s\n' "$got") >"$T/diff.$name" 2>&1; then
		ok "golden $name"
	else
		not_ok "golden $name" "screen differs: $(head -c 1500 "$T/diff.$name")"
	fi
}

# keys ARGS...: send-keys to the dashboard.
keys() { tx send-keys -t t "$@"; }
