#!/usr/bin/env bash
# The source tree's layers, as the top of the Makefile draws them: includes
# point down, no include cycle in src/, no terminal code in src/, no
# database or process spawning in ui/ (tests/layers.py does the reading).
source "$(dirname "$0")/../lib.sh"

python3 "$TOP/tests/layers.py" "$TOP"

done_testing
