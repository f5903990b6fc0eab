#!/usr/bin/env python3
# tests/bench/fake-qemu.py: stands in for qemu-system-x86_64 (first in
# PATH) in the wire benchmark: speaks just enough QMP on the listening
# socket the keeper passes as fd 3 for the keeper to call it running, and
# echoes every datagram on the wire sockets it is given (-netdev
# dgram,local.type=fd,local.str=N), so a host-side UDP harness can time
# frames through a real keeper's wire with no guest in the way.
import json
import select
import socket
import sys

wires = []
for i, a in enumerate(sys.argv[:-1]):
    nd = sys.argv[i + 1]
    if a == "-netdev" and "local.type=fd" in nd:
        fd = int(nd.split("local.str=")[1].split(",")[0])
        wires.append(socket.socket(fileno=fd))
listener = socket.socket(fileno=3)
qmp, _ = listener.accept()
qmp.sendall(b'{"QMP": {"version": {}, "capabilities": []}}\r\n')
buf = b""
socks = [qmp] + wires
while True:
    ready, _, _ = select.select(socks, [], [])
    for s in ready:
        if s is qmp:
            data = qmp.recv(65536)
            if not data:
                sys.exit(0)
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if not line.strip():
                    continue
                msg = json.loads(line)
                ex = msg.get("execute")
                ret = {"status": "running", "running": True} if ex == "query-status" else {}
                qmp.sendall(json.dumps({"return": ret, "id": msg.get("id")}).encode() + b"\r\n")
                if ex in ("quit", "system_powerdown"):
                    sys.exit(0)
        else:
            frame = s.recv(65536)
            s.send(frame)
