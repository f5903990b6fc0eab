#!/usr/bin/env bash
# node ls --json prints one node at a time (cli_json_item) yet must be the
# very document cli_json_out would print for the whole array: checked byte
# for byte against a literal document, with the values sandlab chooses
# itself (ids, MACs, times, overlay paths) masked by the test.
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
TINY="$TOP/images/tiny.qcow2"

check "no nodes: []" test "$("$S" node ls --json)" = "[]"
check "no images: []" test "$("$S" image ls --json)" = "[]"
check "no templates: []" test "$("$S" template ls --json)" = "[]"
"$S" image import "$TINY" --name tiny >/dev/null 2>&1
check "create a1" "$S" node create a1 --image tiny --ram 64 --cpus 2 --nics 2 --accel tcg
check "create b2" "$S" node create b2 --image tiny

"$S" node ls --json >"$T/got.raw"
sed -E -e 's/"(id|image_id)": "[0-9a-f-]{36}"/"\1": "ID"/' \
    -e 's/"created_at": [0-9]+/"created_at": 0/' \
    -e 's/"mac": "52:54:00(:[0-9a-f]{2}){3}"/"mac": "MAC"/' \
    -e 's|"overlay": "/.*/overlays/[0-9a-f-]{36}\.qcow2"|"overlay": "OVERLAY"|' \
    "$T/got.raw" >"$T/got"
cat >"$T/want" <<'JSON'
[
  {
    "accel": "tcg",
    "console_size": {
      "cols": 80,
      "rows": 24
    },
    "cpus": 2,
    "created_at": 0,
    "disks": [],
    "host": "local",
    "id": "ID",
    "image": "tiny",
    "image_id": "ID",
    "machine": {
      "append": "",
      "arch": "x86_64",
      "bios": "",
      "boot": "",
      "boot-once": "",
      "cdrom": "",
      "cpu-model": "auto",
      "disk-bus": "virtio",
      "firmware": "bios",
      "initrd": "",
      "kernel": "",
      "machine": "pc",
      "vga": "std"
    },
    "name": "a1",
    "nics": [
      {
        "attach": "none",
        "index": 0,
        "mac": "MAC",
        "model": "virtio-net-pci",
        "port": null
      },
      {
        "attach": "none",
        "index": 1,
        "mac": "MAC",
        "model": "virtio-net-pci",
        "port": null
      }
    ],
    "overlay": "OVERLAY",
    "ram_mb": 64,
    "ready": "",
    "run": {
      "accel": null,
      "accel_why": null,
      "keeper_pid": 0,
      "last_exit": {
        "at": 0,
        "detail": null,
        "kind": null
      },
      "qemu_pid": 0,
      "started_at": 0,
      "state": "stopped",
      "uptime": "",
      "vnc": null,
      "vnc_display": -1
    },
    "state": "stopped"
  },
  {
    "accel": "auto",
    "console_size": {
      "cols": 80,
      "rows": 24
    },
    "cpus": 1,
    "created_at": 0,
    "disks": [],
    "host": "local",
    "id": "ID",
    "image": "tiny",
    "image_id": "ID",
    "machine": {
      "append": "",
      "arch": "x86_64",
      "bios": "",
      "boot": "",
      "boot-once": "",
      "cdrom": "",
      "cpu-model": "auto",
      "disk-bus": "virtio",
      "firmware": "bios",
      "initrd": "",
      "kernel": "",
      "machine": "pc",
      "vga": "std"
    },
    "name": "b2",
    "nics": [
      {
        "attach": "none",
        "index": 0,
        "mac": "MAC",
        "model": "virtio-net-pci",
        "port": null
      }
    ],
    "overlay": "OVERLAY",
    "ram_mb": 256,
    "ready": "",
    "run": {
      "accel": null,
      "accel_why": null,
      "keeper_pid": 0,
      "last_exit": {
        "at": 0,
        "detail": null,
        "kind": null
      },
      "qemu_pid": 0,
      "started_at": 0,
      "state": "stopped",
      "uptime": "",
      "vnc": null,
      "vnc_display": -1
    },
    "state": "stopped"
  }
]
JSON
check "node ls --json is the literal document" diff "$T/want" "$T/got"
check "the masks hid only what sandlab chose: 2 ids, 2 image ids, 3 MACs, 2 overlays" test \
    "$(grep -c -e '"id": "ID"' -e '"image_id": "ID"' -e '"mac": "MAC"' -e '"overlay": "OVERLAY"' "$T/got")" = 9

# Every other ls --json (cli_json_list) prints item by item too: the
# image list, with a name of each character class a name may hold, and a
# node whose ready pattern is not ASCII and holds JSON's own quote and
# backslash (escaped by jansson, as \u and \" and \\).
check "import a.b_c-9" "$S" image import "$TINY" --name a.b_c-9
"$S" image ls --json | sed -E -e 's/"id": "[0-9a-f-]{36}"/"id": "ID"/' \
    -e 's/"imported_at": [0-9]+/"imported_at": 0/' -e 's/"file_size": [0-9]+/"file_size": 0/' >"$T/got"
cat >"$T/want" <<'JSON'
[
  {
    "file": "a.b_c-9.qcow2",
    "file_size": 0,
    "format": "qcow2",
    "id": "ID",
    "imported_at": 0,
    "kind": "disk",
    "name": "a.b_c-9",
    "nodes": 0,
    "source_format": "qcow2",
    "virtual_size": 1048576
  },
  {
    "file": "tiny.qcow2",
    "file_size": 0,
    "format": "qcow2",
    "id": "ID",
    "imported_at": 0,
    "kind": "disk",
    "name": "tiny",
    "nodes": 2,
    "source_format": "qcow2",
    "virtual_size": 1048576
  }
]
JSON
check "image ls --json is the literal document" diff "$T/want" "$T/got"
check "create Z.9_x-y with a non-ASCII ready pattern" "$S" node create Z.9_x-y --image a.b_c-9 --ready 'é"\\ok'
"$S" node ls --json >"$T/got"
check "its pattern is escaped as jansson escapes it" grep -qxF '    "ready": "\u00E9\"\\\\ok",' "$T/got"
check "the list is still one array of three" python3 -c '
import json, sys
sys.exit(len(json.load(open(sys.argv[1]))) != 3)' "$T/got"

# node ls --json puts an item of a shape seen before together from the
# text of the last such item and the values that changed (jsonrow.c):
# three nodes of one shape (one NIC, no extra disk), each value of the
# second differing from the first, most by the same length (tcg/kvm, the
# MAC's last digit), the port from a string to null, and the third back
# at the first's values but for the ready pattern and the MAC. Every
# value is the test's own, checked as printed.
export SANDLAB_LAB="$T/lab2"
"$S" image import "$TINY" --name tiny >/dev/null 2>&1
check "template with a port name" "$S" template create tp --image tiny --nics 1 --port-format 'Gi0/{0}'
check "create p1" "$S" node create p1 --template tp --accel tcg --ram 64 --cpus 2 --console-size 100x30 --ready 'a"1'
check "create p2" "$S" node create p2 --image tiny --accel kvm --ram 65 --cpus 1
check "create p3" "$S" node create p3 --template tp --accel tcg --ram 64 --cpus 2 --console-size 100x30 --ready 'b"1'
check "p1's NIC" "$S" nic set p1:eth0 --mac 52:54:00:00:00:01 --attach user
check "p2's NIC" "$S" nic set p2:eth0 --mac 52:54:00:00:00:02 --attach none
check "p3's NIC" "$S" nic set p3:eth0 --mac 52:54:00:00:00:03 --attach user
"$S" node ls --json >"$T/got.raw"
grep -E '^    "(accel|cpus|disks|name|ram_mb|ready)": |^      "(cols|rows)": |^        "(attach|mac|port)": ' \
    "$T/got.raw" >"$T/got"
cat >"$T/want" <<'JSON'
    "accel": "tcg",
      "cols": 100,
      "rows": 30
    "cpus": 2,
    "disks": [],
    "name": "p1",
        "attach": "user",
        "mac": "52:54:00:00:00:01",
        "port": "Gi0/0"
    "ram_mb": 64,
    "ready": "a\"1",
    "accel": "kvm",
      "cols": 80,
      "rows": 24
    "cpus": 1,
    "disks": [],
    "name": "p2",
        "attach": "none",
        "mac": "52:54:00:00:00:02",
        "port": null
    "ram_mb": 65,
    "ready": "",
    "accel": "tcg",
      "cols": 100,
      "rows": 30
    "cpus": 2,
    "disks": [],
    "name": "p3",
        "attach": "user",
        "mac": "52:54:00:00:00:03",
        "port": "Gi0/0"
    "ram_mb": 64,
    "ready": "b\"1",
JSON
check "no value is left from the node before" diff "$T/want" "$T/got"
check "each node printed whole, of one shape: 3 x 59 lines and the brackets" test "$(wc -l <"$T/got.raw")" = 179

# A ready pattern that is not UTF-8 cannot be a JSON string: its key is
# left out. The node after it then has a key more, the one before a key
# less, than the object they would reuse: each is made anew, whole.
export SANDLAB_LAB="$T/lab3"
"$S" image import "$TINY" --name tiny >/dev/null 2>&1
check "create q0" "$S" node create q0 --image tiny
check "create q1, its pattern not UTF-8" "$S" node create q1 --image tiny --ready $'a\xffb'
check "create q2" "$S" node create q2 --image tiny --ready ok
"$S" node ls --json >"$T/got.raw"
grep -E '^    "(name|ram_mb|ready|state)": ' "$T/got.raw" >"$T/got"
cat >"$T/want" <<'JSON'
    "name": "q0",
    "ram_mb": 256,
    "ready": "",
    "state": "stopped"
    "name": "q1",
    "ram_mb": 256,
    "state": "stopped"
    "name": "q2",
    "ram_mb": 256,
    "ready": "ok",
    "state": "stopped"
JSON
check "q1 without its ready key, q0 and q2 with theirs" diff "$T/want" "$T/got"
check "each node printed whole: 59, 58 and 59 lines and the brackets" test "$(wc -l <"$T/got.raw")" = 178

done_testing
