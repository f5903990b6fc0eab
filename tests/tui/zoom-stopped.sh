#!/usr/bin/env bash
# tests/tui/zoom-stopped.sh: a zoomed console of a node that does not run
# says so. At 80x24 a running guest's 80x24 screen takes the whole
# terminal (no frame, no status line); a stopped node's zoom keeps its
# frame, whose title names the state and the keys that start it (s) and
# leave the zoom (z), and the status line. `s` on the zoomed tile starts
# the node and the zoom goes bare; a kill from the CLI brings the frame
# back; z leaves. At 200x50 the frame says the same. A dashboard started
# again on a lab left zoomed types its keys into the zoomed console, not
# into the node list hidden behind it.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"
source "$TOP/tests/lib-run.sh"

lab_image tiny
# tcg: the title shows the state, which with auto may name a fallback.
"$SANDLAB" node create z1 --image tiny --ram 32 --accel tcg >/dev/null
at_exit "$SANDLAB node kill z1"

title="z1 · stopped, not attached: s starts it, z unzooms"

# --- 80x24: zoom a stopped node ---
tui_start 80 24
tui_settle "Nodes (1)" >/dev/null || true
keys Home Enter
tui_settle "z1 · stopped, not attached: s starts it" >/dev/null || true
keys z
if tui_settle "$title" && text "$SCREEN" | head -n 1 | grep -qF -- "┌─ $title " &&
	text "$SCREEN" | tail -n 1 | grep -qF -- "s start"; then
	ok "80x24: a stopped node's zoom has its frame: state, s starts it, z unzooms; the key line"
else
	not_ok "80x24: a stopped node's zoom has its frame: state, s starts it, z unzooms; the key line" "$SCREEN"
fi
if ! text "$SCREEN" | grep -qF "Nodes ("; then
	ok "80x24: the zoom still shows the console alone"
else
	not_ok "80x24: the zoom still shows the console alone" "$SCREEN"
fi

# s on the zoomed tile starts the node: the guest gets the whole screen.
keys s
if tui_settle "tiny login:" 60 && ! text "$SCREEN" | grep -qF "z1 · " &&
	[ "$(text "$SCREEN" | head -n 1 | sed 's/ *$//')" = "tiny login:" ]; then
	ok "80x24: s starts it from the zoom, and the running guest's screen is bare"
else
	not_ok "80x24: s starts it from the zoom, and the running guest's screen is bare" "$SCREEN"
fi
state_is z1 running && ok "z1 runs" || not_ok "z1 runs" "$("$SANDLAB" node ls)"

# Stopped while zoomed (from another shell): the frame comes back.
"$SANDLAB" node kill z1 >/dev/null
if tui_settle "$title" 30 && text "$SCREEN" | head -n 1 | grep -qF -- "┌─ $title " &&
	text "$SCREEN" | grep -qF "│tiny login:"; then
	ok "80x24: a node stopped while zoomed gets its frame back, its last screen kept"
else
	not_ok "80x24: a node stopped while zoomed gets its frame back, its last screen kept" "$SCREEN"
fi
keys z
if tui_settle "Nodes (1)" && text "$SCREEN" | grep -qF "z1       stopped"; then
	ok "80x24: z leaves the zoom"
else
	not_ok "80x24: z leaves the zoom" "$SCREEN"
fi
keys z
tui_settle "$title" >/dev/null || true

# --- started again on the zoomed lab: the keys reach the zoomed console ---
tui_start 80 24
if tui_settle "$title" && text "$SCREEN" | tail -n 1 | grep -qF -- "Enter type"; then
	ok "80x24, restored zoom: the zoomed console has the focus (its key line)"
else
	not_ok "80x24, restored zoom: the zoomed console has the focus (its key line)" "$SCREEN"
fi
keys z
if tui_settle "Nodes (1)"; then ok "80x24, restored zoom: z leaves it"; else not_ok "80x24, restored zoom: z leaves it" "$SCREEN"; fi

# --- 200x50: the same frame, and z and x on the key line ---
tui_start 200 50
tui_settle "Nodes (1)" >/dev/null || true
keys Home Enter z
if tui_settle "$title" && ! text "$SCREEN" | grep -qF "Nodes (" &&
	text "$SCREEN" | tail -n 1 | grep -qF "z zoom  x close"; then
	ok "200x50: a stopped node's zoom: state, s starts it, z unzooms; z zoom and x close on the key line"
else
	not_ok "200x50: a stopped node's zoom: state, s starts it, z unzooms; z zoom and x close on the key line" "$SCREEN"
fi
keys z
if tui_settle "Nodes (1)"; then ok "200x50: z leaves the zoom"; else not_ok "200x50: z leaves the zoom" "$SCREEN"; fi
tui_quit
done_testing
