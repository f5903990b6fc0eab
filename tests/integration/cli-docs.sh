#!/usr/bin/env bash
# The CLI as a Unix user expects it, all from the command table (walked
# through the hidden `sandlab __commands`): every command has help, is in
# the man page and in completion; --version names the QEMU it found; a
# typo gets the nearest command; the man page lints clean; make install
# puts binary, themes, man page and completion where Debian looks.
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
B=$(dirname "$S")
MAN="$B/sandlab.1"

"$S" __commands >"$T/table"
check "the table lists commands" grep -q '^command	node	start	' "$T/table"

# Every row has a help text; every visible command has --help, help
# COMMAND, a man page entry and a completion.
bad_help= bad_dash= bad_man= bad_comp=
# The page writes - as \- and a backslash as \e.
sed 's/\\-/-/g; s/\\e/\\/g' "$MAN" >"$T/man-plain"
while IFS=$'\t' read -r kind group name usage help; do
	[ -n "$help" ] || bad_help+=" $name"
	[ "$kind" = command ] || continue
	words=($name)
	[ "$group" = - ] || words=("$group" "$name")
	out=$("$S" "${words[@]}" --help 2>&1) && [ "$(textln "$out" | head -n 1)" = "usage: sandlab $usage" ] &&
		text "$out" | grep -qF -- "$help" || bad_dash+=" ${words[*]}"
	[ "$("$S" help "${words[@]}" 2>&1)" = "$out" ] || bad_dash+=" help:${words[*]}"
	grep -qF -- ".B \"sandlab $usage\"" "$T/man-plain" && grep -qF -- "$help" "$T/man-plain" || bad_man+=" ${words[*]}"
	if [ "$group" = - ]; then
		"$S" __complete "${name:0:2}" | grep -qx -- "$name" || bad_comp+=" $name"
	else
		"$S" __complete "$group" "${name:0:1}" | grep -qx -- "$name" || bad_comp+=" ${words[*]}"
	fi
done <"$T/table"
check "every row of the table has a help text" test -z "$bad_help"
if [ -z "$bad_dash" ]; then ok "every command answers --help and help COMMAND with its usage and help"
else not_ok "every command answers --help and help COMMAND with its usage and help" "$bad_dash"; fi
if [ -z "$bad_man" ]; then ok "every command is in the man page"; else not_ok "every command is in the man page" "$bad_man"; fi
if [ -z "$bad_comp" ]; then ok "every command completes"; else not_ok "every command completes" "$bad_comp"; fi

# Groups: listed by completion, and a group alone lists its commands.
bad=
while IFS=$'\t' read -r kind _ name _ _; do
	[ "$kind" = group ] || continue
	"$S" __complete "" | grep -qx "$name" || bad+=" complete:$name"
	"$S" "$name" >"$T/group" 2>&1 || bad+=" status:$name"
	while IFS=$'\t' read -r k2 g2 n2 u2 _; do
		[ "$k2" = command ] && [ "$g2" = "$name" ] || continue
		grep -qF -- "  $u2" "$T/group" || bad+=" $name/$n2"
	done <"$T/table"
done <"$T/table"
if [ -z "$bad" ]; then ok "a group alone lists its commands; completion offers every group"
else not_ok "a group alone lists its commands; completion offers every group" "$bad"; fi
check "hidden commands stay out of help and completion" sh -c \
	"! '$S' help | grep -q __complete && ! '$S' __complete __ | grep -q ."

# --version and -V.
qemu=$(command -v qemu-system-x86_64 || true)
rc=0
"$S" --version >"$T/version" 2>&1 || rc=$?
check "--version exits 0" test "$rc" = 0
check "--version names the QEMU it found" sh -c \
	"grep -q '^qemu .*QEMU emulator version [0-9].*($qemu)' '$T/version'"
check "--version names libvterm, libtickit and sqlite" sh -c \
	"grep -q '^libvterm  [0-9]' '$T/version' && grep -q '^libtickit ' '$T/version' && grep -q '^sqlite    3\.' '$T/version'"
check "--version: the build's version first" grep -Eq '^sandlab [0-9a-z]' "$T/version"
check "-V is --version" sh -c "'$S' -V | cmp -s - '$T/version'"

# Typos: the nearest command, exit 2.
expect_fail "sandlab nod suggests node" 'did you mean "node"' "$S" nod
expect_fail "sandlab node stp suggests node stop" 'did you mean "node stop"' "$S" node stp
expect_fail "sandlab snapshto suggests snapshot" 'did you mean "snapshot"' "$S" snapshto
check "nonsense suggests nothing" sh -c "'$S' qqqqqq 2>&1 | grep -q 'unknown command' && ! '$S' qqqqqq 2>&1 | grep -q 'did you mean'"
rc=0; "$S" nod 2>/dev/null || rc=$?
check "an unknown command exits 2" test "$rc" = 2

# node kill takes --all, as stop does (issue 15).
check "node kill --all with nothing running" sh -c "'$S' node kill --all | grep -qx 'no node is running'"
expect_fail "node kill: names or --all, not both" 'usage: sandlab node kill' "$S" node kill x --all
expect_fail "node kill: names or --all, not neither" 'usage: sandlab node kill' "$S" node kill

# The man page: built from the tables, lint-clean, and man renders it.
check "man page has the key table" grep -q '^\.SS Anywhere' "$MAN"
check "man page has the prologue" sh -c "grep -q '^\.SH EXIT STATUS' '$MAN' && grep -q '^\.SH ENVIRONMENT' '$MAN' && grep -q '^\.SH EXAMPLES' '$MAN'"
groff -ww -z -man "$MAN" >"$T/lint" 2>&1 || echo "groff exited $?" >>"$T/lint"
if [ ! -s "$T/lint" ]; then ok "man page: groff -ww -z -man is silent"
else not_ok "man page: groff -ww -z -man is silent" "$(head -c 600 "$T/lint")"; fi
MANWIDTH=80 man -l "$MAN" >"$T/man.txt" 2>"$T/man.err" || true
check "man -l renders it, without warnings" sh -c \
	"grep -q 'sandlab node start' '$T/man.txt' && [ ! -s '$T/man.err' ]"

# make install into a staging root, without rebuilding anything (nor
# writing anything outside $T).
san=
case "$B" in */san) san=1 ;; esac
rel=${B#"$TOP"/}
if make -s -C "$TOP" SAN=$san -o "$rel/sandlab" -o "$rel/sandlab.1" -o "$rel/prefix.stamp" \
	-o "$rel/version.stamp" install \
	DESTDIR="$T/root" PREFIX=/usr >"$T/install" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	not_ok "make install DESTDIR=... PREFIX=/usr" "$(tail -n 5 "$T/install")"
fi
R="$T/root/usr"
check "installed: the binary" test -x "$R/bin/sandlab"
check "installed: the themes" test -f "$R/share/sandlab/themes/default"
check "installed: the man page, found by man" sh -c \
	"[ \"\$(man -M '$R/share/man' -w sandlab)\" = '$R/share/man/man1/sandlab.1' ]"
check "installed: bash completion where bash-completion looks" bash -c \
	"source '$R/share/bash-completion/completions/sandlab' && complete -p sandlab | grep -q _sandlab"
check "installed: zsh completion" grep -q '^#compdef sandlab' "$R/share/zsh/vendor-completions/_sandlab"
check "nothing installed outside DESTDIR/PREFIX" sh -c \
	"[ -z \"\$(cd '$T/root' && find . -mindepth 1 -maxdepth 1 ! -name usr)\" ]"
done_testing
