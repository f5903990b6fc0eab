#!/usr/bin/env bash
# tests/tui/screens.sh: golden screens of the dashboard at 80x24 and
# 200x50: an empty lab, a lab with images and nodes, the create form with
# an invalid name, the help overlay, a narrow terminal.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

for size in 80x24 200x50; do
	w=${size%x*} h=${size#*x}
	tui_start "$w" "$h"
	if tui_settle "no images" && tui_settle "Nodes (0)"; then golden "empty-$size"; else not_ok "empty-$size" "dashboard did not show: $SCREEN"; fi
done

# A lab with fixed names (ids, MACs and times are masked).
"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
cp "$TOP/images/tiny.qcow2" "$T/other.qcow2"
"$SANDLAB" image import "$T/other.qcow2" --name base-os >/dev/null 2>&1
"$SANDLAB" node create alpha --image tiny >/dev/null
"$SANDLAB" node create beta --image tiny --ram 512 --cpus 2 >/dev/null
"$SANDLAB" node create gamma-long-name.01 --image base-os --nics 3 --accel tcg >/dev/null

for size in 80x24 200x50; do
	w=${size%x*} h=${size#*x}
	tui_start "$w" "$h"
	if tui_settle "gamma-long-name.01"; then golden "lab-$size"; else not_ok "lab-$size" "nodes not shown"; fi
	keys '?'
	if tui_settle "Keys"; then golden "help-$size"; else not_ok "help-$size" "no help overlay"; fi
	keys Escape
	if tui_settle "gamma-long-name.01" && ! text "$SCREEN" | grep -q "Keys"; then
		ok "help-$size closes on Esc"
	else
		not_ok "help-$size closes on Esc" "$SCREEN"
	fi
done

# The create form with an invalid name: the core's message, inline.
for size in 200x50 80x24; do
	tui_start "${size%x*}" "${size#*x}"
	tui_settle "gamma-long-name.01" >/dev/null
	keys c
	tui_settle "Create a node" >/dev/null
	keys 'bad name!'
	if tui_settle "contains ' '"; then golden "create-invalid-$size"; else not_ok "create-invalid-$size" "$SCREEN"; fi
done
# A name that exists already.
keys C-u 'alpha'
if tui_settle "exists already"; then ok "create form: existing name refused inline"; else not_ok "create form: existing name" "$SCREEN"; fi
# Enter with a bad field stays in the form; Escape cancels, nothing made.
keys Enter
tui_settle "exists already" >/dev/null
keys Escape
if tui_settle "Nodes (3)" && ! text "$SCREEN" | grep -q "Create a node"; then
	ok "create form: Esc cancels"
else
	not_ok "create form: Esc cancels" "$SCREEN"
fi
# A good one creates the node.
keys c
tui_settle "Create a node" >/dev/null
keys 'delta' Tab '128' Enter
if tui_settle "created node delta" && "$SANDLAB" node show delta --json | grep -q '"ram_mb": 128,'; then
	ok "create form: creates the node"
else
	not_ok "create form: creates the node" "$SCREEN"
fi

# The import form: Tab completes the path, the image comes in.
keys i
tui_settle "Import a disk image" >/dev/null
keys -l "$T/oth"
keys Tab
if tui_settle "other.qcow2"; then ok "import form: Tab completes the path"; else not_ok "import form: Tab completes the path" "$SCREEN"; fi
keys Tab
keys -l 'via-form'
keys Enter
if tui_settle "imported image via-form" && "$SANDLAB" image ls | grep -q "via-form"; then
	ok "import form: imports the image"
else
	not_ok "import form: imports the image" "$SCREEN"
fi
keys i
tui_settle "Import a disk image" >/dev/null
keys -l "$T"
keys Enter
if tui_settle "a folder: Tab lists its files"; then ok "import form: a folder is refused inline"; else not_ok "import form: a folder is refused inline" "$SCREEN"; fi
keys Escape

# Narrow and short terminals: columns and panes drop, nothing garbled.
for size in 50x15 30x8; do
	w=${size%x*} h=${size#*x}
	tui_start "$w" "$h"
	if tui_settle "alpha"; then golden "narrow-$size"; else not_ok "narrow-$size" "$SCREEN"; fi
done

# A disk image dropped into images/ by hand is taken in at start.
cp "$TOP/images/tiny.qcow2" "$SANDLAB_LAB/images/dropped.qcow2"
tui_start 80 24
if tui_settle "took in 1 image file" && text "$SCREEN" | grep -q "dropped"; then
	ok "image dropped into images/ is taken in at start"
else
	not_ok "image dropped into images/ is taken in at start" "$SCREEN"
fi

done_testing
