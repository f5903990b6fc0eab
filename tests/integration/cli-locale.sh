#!/usr/bin/env bash
# cli-locale.sh: sandlab takes only the character set from the locale
# (src/cli/main.c). Under a German locale its figures keep their decimal
# point and the system's reasons stay in English, the language of every
# message around them. The locale is built here with localedef (package
# locales) and found through LOCPATH, so the machine's own locales do not
# matter.
set -eu
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
L="$T/locale"
mkdir -p "${L:?}"
check "localedef builds de_DE.UTF-8" localedef -i de_DE -f UTF-8 "$L/de_DE.UTF-8"
de() { env LOCPATH="$L" LANG=de_DE.UTF-8 LC_ALL= LANGUAGE= "$@"; }
# The test means something only if the locale is really in force: its
# decimal point is then a comma.
got=$(de locale decimal_point 2>&1)
if [ "$got" = "," ]; then ok "the German locale is in force (its decimal point is a comma)"
else not_ok "the German locale is in force (its decimal point is a comma)" "locale decimal_point said '$got'"; fi

"$S" image import "$TOP/images/tiny.qcow2" --name tiny >/dev/null 2>&1
out=$(de "$S" image ls 2>&1)
if has "$out" '^tiny +disk +qcow2 +qcow2 +1\.0 MiB '; then ok "image ls under de_DE prints 1.0 MiB"
else not_ok "image ls under de_DE prints 1.0 MiB" "$out"; fi
expect_fail "a missing file's reason is in English under de_DE" \
    "^sandlab: cannot import $T/none\.qcow2: No such file or directory" de "$S" image import "$T/none.qcow2" --name q
check "node create under de_DE" de "$S" node create n1 --image tiny --ram 96
out=$(de "$S" node show n1 --json 2>&1)
if has "$out" '"ram_mb": 96,'; then ok "node show --json under de_DE"; else not_ok "node show --json under de_DE" "$out"; fi
done_testing
