#!/usr/bin/env python3
# console-stream.py OUT [MEGABYTES] [--dense]: writes a deterministic stream
# of mixed terminal output for the console benchmarks (fixed seed): plain
# lines, SGR colours (16, 256, RGB) and attributes, cursor motion with
# overwrites and line erases, UTF-8 (accents, CJK wide characters, box
# drawing), all scrolling; it ends with a line "STREAM-END-MARKER".
# --dense writes 200-column lines with a colour change every word instead,
# to fill a wide scrollback for memory figures.
import random
import sys

WORDS = ["lorem", "ipsum", "dolor", "sit", "amet", "kernel:", "[  OK  ]", "systemd[1]:",
         "eth0:", "réseau", "naïve", "Grüße", "漢字", "テスト", "│", "─┼─", "λ→x",
         "0x7f3a", "done.", "Started", "Reached", "target", "mounted", "/dev/vda1"]


def words(rnd, n):
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def mixed_line(rnd):
    k = rnd.random()
    if k < 0.55:
        return words(rnd, rnd.randint(3, 14)) + "\r\n"
    if k < 0.70:
        return "\x1b[%d;1m%s\x1b[0m %s\r\n" % (rnd.randint(30, 37), rnd.choice(WORDS), words(rnd, 6))
    if k < 0.80:
        return "\x1b[38;5;%dm%s\x1b[48;5;%dm%s\x1b[m\r\n" % (
            rnd.randint(0, 255), rnd.choice(WORDS), rnd.randint(0, 255), words(rnd, 5))
    if k < 0.88:
        return "\x1b[38;2;%d;%d;%dm%s\x1b[4m%s\x1b[24;7m rev\x1b[0m\r\n" % (
            rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(0, 255), words(rnd, 4), rnd.choice(WORDS))
    if k < 0.95:
        # save the cursor, overwrite somewhere on an 80x24 screen, restore
        return "\x1b7\x1b[%d;%dH\x1b[K%s\x1b8" % (rnd.randint(1, 24), rnd.randint(1, 70), rnd.choice(WORDS))
    return "\x1b[3A\x1b[2K%s\x1b[3B\r" % rnd.choice(WORDS)


def dense_line(rnd):
    out, width = [], 0
    while True:
        w = rnd.choice(WORDS)
        if not w.isascii():
            continue
        if width + len(w) + 1 > 200:
            break
        out.append("\x1b[38;5;%dm%s " % (rnd.randint(0, 255), w))
        width += len(w) + 1
    return "".join(out) + "\x1b[m\r\n"


def main():
    out = sys.argv[1]
    size = int(float(sys.argv[2]) * 1024 * 1024) if len(sys.argv) > 2 else 50 * 1024 * 1024
    line = dense_line if "--dense" in sys.argv else mixed_line
    rnd = random.Random(4242)
    n = 0
    with open(out, "wb") as f:
        chunk = []
        while n < size:
            b = line(rnd).encode()
            chunk.append(b)
            n += len(b)
            if len(chunk) >= 4096:
                f.write(b"".join(chunk))
                chunk = []
        chunk.append(b"\x1b[0m\r\nSTREAM-END-MARKER\r\n")
        f.write(b"".join(chunk))


main()
