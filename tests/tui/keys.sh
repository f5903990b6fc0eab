#!/usr/bin/env bash
# tests/tui/keys.sh: keys typed into a console in the dashboard reach the
# tiny guest (which echoes every byte; CR comes back as CR LF) as the
# guest's terminal modes require: normal and application cursor keys,
# Ctrl/Alt combinations, function keys, Ctrl-C, Enter, Backspace,
# Shift-Tab, UTF-8, and pastes plain and bracketed. The bytes are read
# from the node's console log (the keeper writes the guest's raw output).
# Then SGR mouse reports under four TERMs.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
"$SANDLAB" node create k1 --image tiny --ram 32 >/dev/null
at_exit "$SANDLAB node kill k1"
"$SANDLAB" node start k1 >/dev/null
id=$("$SANDLAB" node show k1 --json | sed -n 's/^  "id": "\(.*\)",$/\1/p')
log="$SANDLAB_LAB/logs/$id.log"

tui_start 80 24
tui_settle "k1" >/dev/null
keys Enter
tui_settle "tiny login:" >/dev/null

# key NAME...: one key at a time, each once the guest has echoed the one
# before, so that a lone Escape is taken as the Escape key and not as the
# start of a sequence.
key() { for k in "$@"; do echo_keys "$log" "$k" || echo "# no echo of $k" >&2; done; }
# literal TEXT: typed as characters (and echoed).
literal() { echo_keys "$log" -l "$1" || echo "# no echo of $1" >&2; }
# paste: tmux's buffer pasted into the pane (-p: bracketed when the pane
# asked for it), and echoed.
paste() {
	local size
	size=$(stat -c %s "$log")
	tx paste-buffer -p -t t
	wait_for 20 sh -c "[ \$(stat -c %s '$log') -gt $size ]" || echo "# no echo of the paste" >&2
}
# synced TAG: TAG typed and shown on the screen: the dashboard has taken in
# every byte the guest echoed before it (modes it set included).
synced() { keys -l "$1"; wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -qF -- '$1'"; }
# echoed HEX: waits until the log holds these bytes (hex) after the banner.
echoed() {
	wait_for 20 sh -c "python3 -c 'import sys; d=open(sys.argv[1],\"rb\").read(); sys.exit(0 if bytes.fromhex(sys.argv[2]) in d else 1)' '$log' '$1'"
}
hex() { text "$1" | od -An -tx1 | tr -d ' \n'; }

# case NAME EXPECTED-BYTES KEY...: brackets the keys with < and > and
# checks the guest received exactly <EXPECTED>.
case_keys() {
	local name=$1 want=$2
	shift 2
	literal "<"
	key "$@"
	literal ">"
	if echoed "$(hex "<")$(printf '%s' "$want")$(hex ">")"; then ok "$name"; else
		not_ok "$name" "log tail: $(tail -c 120 "$log" | od -An -c | tr -s ' ' | tail -n 3 | tr '\n' ' ')"
	fi
}

case_keys "Up (normal cursor keys)" "$(hex $'\e[A')" Up
case_keys "Ctrl-Left" "$(hex $'\e[1;5D')" C-Left
case_keys "Alt-x" "$(hex $'\ex')" M-x
case_keys "F1" "$(hex $'\eOP')" F1
case_keys "F5" "$(hex $'\e[15~')" F5
case_keys "Ctrl-C" "03" C-c
case_keys "Ctrl-Z and Ctrl-S reach the guest" "1a13" C-z C-s
case_keys "Enter is CR (echoed as CR LF)" "0d0a" Enter
case_keys "Backspace is DEL" "7f" BSpace
case_keys "Shift-Tab" "$(hex $'\e[Z')" BTab
case_keys "a UTF-8 letter" "$(hex 'é')" é

# A paste while the guest has no bracketed paste: the text, line ends as CR.
printf 'pasted\nline' | tx load-buffer -
literal "<"
paste
literal ">"
if echoed "$(hex '<pasted')0d0a$(hex 'line>')"; then ok "paste (plain)"; else not_ok "paste (plain)" "$(tail -c 60 "$log" | od -An -c | tr '\n' ' ')"; fi

# The guest turns on application cursor keys and bracketed paste (the
# echo of what we type is what sets the modes in the pane's terminal).
key Escape; literal "[?1h"; key Escape; literal "[?2004h"
if synced "modes-set"; then ok "the mode switches came back to the dashboard"; else not_ok "the mode switches came back" "$(tui_cap | tail -n 3)"; fi
case_keys "Up (application cursor keys)" "$(hex $'\eOA')" Up
literal "<"
paste
literal ">"
if echoed "$(hex $'<\e[200~pasted')0d0a$(hex $'line\e[201~>')"; then ok "paste (bracketed)"; else not_ok "paste (bracketed)" "$(tail -c 60 "$log" | od -An -c | tr '\n' ' ')"; fi
# A paste cannot smuggle escapes to the guest: the outer end marker inside
# it ends the paste early, and the escape sequence after it is taken as
# an unknown key and dropped.
printf 'a\e[201~\e[31mb' | tx load-buffer -
literal "<"
paste
literal ">"
if echoed "$(hex $'<\e[200~a\e[201~b>')"; then ok "paste drops control characters"; else not_ok "paste drops control characters" "$(tail -c 60 "$log" | od -An -c | tr '\n' ' ')"; fi

# Ctrl-] stays with the dashboard; nothing reaches the guest.
size=$(stat -c %s "$log")
keys C-]
if tui_settle "Enter type" && [ "$(stat -c %s "$log")" = "$size" ]; then ok "Ctrl-] leaves without sending"; else not_ok "Ctrl-] leaves without sending"; fi

# console_escape in the config file: C-g leaves, and C-] goes to the guest.
mkdir -p "$XDG_CONFIG_HOME/sandlab"
echo "console_escape = C-g" >"$XDG_CONFIG_HOME/sandlab/config"
tui_start 80 24
tui_settle "k1" >/dev/null
keys Enter
tui_settle "typing, C-g leaves" >/dev/null
case_keys "with console_escape = C-g, Ctrl-] reaches the guest" "1d" C-]
keys C-g
if tui_settle "Enter type" && ! text "$SCREEN" | grep -qF "typing,"; then ok "console_escape C-g leaves"; else not_ok "console_escape C-g leaves" "$SCREEN"; fi

# SGR mouse reports (ESC [ < ... M) are read as clicks and wheel turns
# whatever TERM says: xterm-256color's terminfo names ESC [ < as its
# key_mouse, which must not make the decoder take them for old-style ones.
"$SANDLAB" node create k2 --image tiny --ram 32 >/dev/null
rm -f "$SANDLAB_LAB/ui-state" "$XDG_CONFIG_HOME/sandlab/config"
for term in xterm-256color tmux-256color screen-256color linux; do
	TUI_TERM=$term tui_start 80 24
	tui_settle "k2" >/dev/null
	row=$(tui_cap | grep -nE "(│|x) k2 " | head -n 1 | cut -d: -f1)   # ACS lines may show as x
	keys -l $'\e[<0;40;'"$row"'M'
	keys -l $'\e[<0;40;'"$row"'m'
	if tui_settle "node      k2"; then ok "TERM=$term: SGR click selects a node"; else not_ok "TERM=$term: SGR click selects a node" "$SCREEN"; fi
	keys -l $'\e[<64;40;'"$row"'M'
	if tui_settle "node      k1"; then ok "TERM=$term: SGR wheel moves the selection"; else not_ok "TERM=$term: SGR wheel moves the selection" "$SCREEN"; fi
done

done_testing
