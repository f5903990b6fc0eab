#!/usr/bin/env python3
"""tests/layers.py [ROOT]: checks the source tree's layering, as the top of
the Makefile draws it. Prints TAP-style "ok - ..." / "not ok - ..." lines
and exits 1 when any check fails.

- A file includes only project headers of its own layer or of layers below.
- No include cycle between the modules of src/ (a module is NAME.c with
  NAME.h): if a.c includes b.h, b.c and b.h include nothing of a.
- Nothing in src/ includes curses, tickit or vterm headers.
- Nothing in ui/ calls sqlite3_* or starts a process (exec*, fork, posix_spawn).
- Every module's .c includes its own header first (STYLE.md).
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
LAYERS = ["src/base", "src/store", "src/machine", "src/net", "src/remote", "src/runtime", "ui", "src/cli"]
INC = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)

failed = 0


def report(good, name, why=""):
    global failed
    if good:
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"not ok - {name}: {why}")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


files = {}   # relative path -> text
where = {}   # header base name -> layer index
for rank, d in enumerate(LAYERS):
    full = os.path.join(ROOT, d)
    for f in sorted(os.listdir(full)):
        if f.endswith((".c", ".h")):
            rel = f"{d}/{f}"
            with open(os.path.join(ROOT, rel), encoding="utf-8") as fh:
                files[rel] = fh.read()
            if f.endswith(".h"):
                if f in where:
                    report(False, f"header {f} has one home", "defined in two folders")
                where[f] = rank

layer_of = {rel: LAYERS.index(rel.rsplit("/", 1)[0]) for rel in files}

# Upward includes.
up = []
for rel, text in files.items():
    for kind, name in INC.findall(text):
        if kind == '"' and name in where and where[name] > layer_of[rel]:
            up.append(f"{rel} -> {LAYERS[where[name]]}/{name}")
report(not up, "every include points down the layers", "; ".join(up))

# Module cycles.
def module(rel):
    return rel.rsplit("/", 1)[1].rsplit(".", 1)[0]

graph = {}
for rel, text in files.items():
    if not rel.startswith("src/"):
        continue
    m = module(rel)
    graph.setdefault(m, set())
    for kind, name in INC.findall(text):
        if kind == '"' and name in where:
            dep = name[:-2]
            if dep != m:
                graph[m].add(dep)

cycles = []
state = {}
stack = []


def visit(m):
    state[m] = 1
    stack.append(m)
    for d in sorted(graph.get(m, ())):
        if state.get(d) == 1:
            cycles.append(" -> ".join(stack[stack.index(d):] + [d]))
        elif d not in state:
            visit(d)
    stack.pop()
    state[m] = 2


sys.setrecursionlimit(10000)
for m in sorted(graph):
    if m not in state:
        visit(m)
report(not cycles, "no include cycle between modules of src/", "; ".join(cycles))

# The core knows no terminal.
bad = [f"{rel}: {name}" for rel, text in files.items() if rel.startswith("src/")
       for kind, name in INC.findall(text)
       if kind == "<" and re.match(r"(n?curses|ncursesw/|tickit|vterm|termkey)", name)]
report(not bad, "src/ includes no curses, tickit or vterm header", "; ".join(bad))

# The UI neither touches the database nor starts processes.
CALLS = re.compile(r"\b(sqlite3_\w+|exec[lv]p?e?|fork|vfork|posix_spawnp?|system|popen)\s*\(")
bad = []
for rel, text in files.items():
    if rel.startswith("ui/"):
        for m in CALLS.finditer(strip_comments(text)):
            bad.append(f"{rel}: {m.group(1)}")
report(not bad, "ui/ calls no sqlite3_* and starts no process", "; ".join(bad))

# Own header first.
bad = []
for rel, text in files.items():
    if rel.endswith(".c"):
        own = module(rel) + ".h"
        incs = [n for k, n in INC.findall(text) if k == '"']
        if own in where and (not incs or incs[0] != own):
            bad.append(rel)
report(not bad, "every .c includes its own header first", ", ".join(bad))

sys.exit(1 if failed else 0)
