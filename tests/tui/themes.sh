#!/usr/bin/env bash
# tests/tui/themes.sh: every theme's colours (capture-pane -e goldens),
# 8-colour terminals (TERM=xterm, TERM=linux), screen-256color, direct
# colour (COLORTERM=truecolor), NO_COLOR,
# the config file's theme, and a missing theme.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/tui-lib.sh"

"$SANDLAB" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
"$SANDLAB" node create alpha --image tiny >/dev/null
"$SANDLAB" node create beta --image tiny >/dev/null

for theme in default light high-contrast monochrome; do
	TUI_ARGS="--theme $theme" tui_start 200 50
	if tui_settle "beta" 20 -e; then golden "theme-$theme-200x50"; else not_ok "theme-$theme-200x50" "no screen"; fi
	TUI_ARGS="--theme $theme" tui_start 80 24
	if tui_settle "beta" 20 -e; then golden "theme-$theme"; else not_ok "theme-$theme" "no screen"; fi
done
mono=$(textln "$SCREEN" | tui_mask)

for term in xterm linux screen-256color; do
	TUI_TERM=$term tui_start 80 24
	if tui_settle "beta" 20 -e; then golden "theme-default-$term"; else not_ok "theme-default-$term" "no screen"; fi
done

# COLORTERM=truecolor: the same screen, each palette colour from 8 up sent
# as its RGB value (tmux-direct in place of tmux-256color); 0-7 stay ANSI.
# Both screens settle on the status line, the last row a frame writes: a
# loaded machine once let a half-written frame look settled (stable over
# one 0.1 s look) and the two screens differed.
tui_start 80 24
tui_settle "KVM: " 20 -e
pal=$(textln "$SCREEN")
tui_start 80 24 COLORTERM=truecolor
want=$(textln "$pal" | python3 -c '
import re, sys
base = [(0,0,0),(205,0,0),(0,205,0),(205,205,0),(0,0,238),(205,0,205),(0,205,205),(229,229,229),
        (127,127,127),(255,0,0),(0,255,0),(255,255,0),(92,92,255),(255,0,255),(0,255,255),(255,255,255)]
lv = [0, 95, 135, 175, 215, 255]
def rgb(i):
    if i < 16: return base[i]
    if i < 232: i -= 16; return (lv[i // 36], lv[i // 6 % 6], lv[i % 6])
    return (8 + 10 * (i - 232),) * 3
def sgr(m):
    a, out, k = m.group(1).split(";"), [], 0
    while k < len(a):
        n = int(a[k] or 0)
        if n in (38, 48) and a[k + 1] == "5" and int(a[k + 2]) >= 8:
            out.append("%d;2;%d;%d;%d" % ((n,) + rgb(int(a[k + 2])))); k += 3; continue
        if 90 <= n <= 97 or 100 <= n <= 107:
            out.append("%d;2;%d;%d;%d" % ((38 if n < 100 else 48,) + rgb(n % 10 + 8))); k += 1; continue
        out.append(a[k]); k += 1
    return "\x1b[" + ";".join(out) + "m"
sys.stdout.write(re.sub("\x1b\\[([0-9;]*)m", sgr, sys.stdin.read()))
')
if tui_settle "KVM: " 20 -e && text "$SCREEN" | grep -qF beta && [ "$want" = "$(textln "$SCREEN")" ] &&
	text "$SCREEN" | grep -q $'\e\\[38;2;127;127;127m'; then
	ok "COLORTERM=truecolor: the theme in RGB"
else
	not_ok "COLORTERM=truecolor: the theme in RGB" "$(diff <(printf '%s\n' "$want" | cat -v) <(textln "$SCREEN" | cat -v) | head -6)"
fi

# NO_COLOR: attributes only, exactly as the monochrome theme.
tui_start 80 24 NO_COLOR=1
if tui_settle "beta" 20 -e && [ "$(textln "$SCREEN" | tui_mask)" = "$mono" ]; then
	ok "NO_COLOR draws as monochrome"
else
	not_ok "NO_COLOR draws as monochrome" "screens differ"
fi

# The config file chooses the theme; --theme overrides it.
mkdir -p "$XDG_CONFIG_HOME/sandlab"
echo "theme = light" >"$XDG_CONFIG_HOME/sandlab/config"
TUI_ARGS="--theme light" tui_start 80 24
tui_settle "beta" 20 -e
light=$(textln "$SCREEN" | tui_mask)
tui_start 80 24
if tui_settle "beta" 20 -e && [ "$(textln "$SCREEN" | tui_mask)" = "$light" ]; then
	ok "config file picks the theme"
else
	not_ok "config file picks the theme" "screen is not the light theme's"
fi

# A bad config line and a missing theme are said in the status line.
echo "colour = red" >"$XDG_CONFIG_HOME/sandlab/config"
tui_start 80 24
if tui_settle "unknown setting" 20; then ok "bad config line is reported"; else not_ok "bad config line is reported" "$SCREEN"; fi
rm -f "$XDG_CONFIG_HOME/sandlab/config"
TUI_ARGS="--theme nosuch" tui_start 80 24
if tui_settle 'no theme named "nosuch"' 20; then ok "missing theme is reported"; else not_ok "missing theme is reported" "$SCREEN"; fi
# SANDLAB_THEMES points at a folder of one's own.
mkdir -p "$T/mythemes"
sed 's/^selected *=.*/selected = black bright-magenta/' "$TOP/themes/default" >"$T/mythemes/mine"
TUI_ARGS="--theme mine" tui_start 80 24 "SANDLAB_THEMES=$T/mythemes"
if tui_settle "beta" 20 -e && text "$SCREEN" | grep -q $'\e\\[[0-9;]*105m'; then
	ok "theme from SANDLAB_THEMES"
else
	not_ok "theme from SANDLAB_THEMES" "no bright magenta background"
fi

done_testing
