#!/usr/bin/env python3
# tests/bench/wire-echo.py MODE PORT_US PORT_PEER N SIZE: the host side
# of the wire benchmark. Bound to 127.0.0.1:PORT_US and connected to
# PORT_PEER, it sends N frames of SIZE bytes one at a time, each after the
# last came back, and prints the round trips' median and p99 in
# microseconds. MODE echo: instead, echo datagrams on PORT_US (the
# baseline peer, a UDP echo with no wire between).
import socket
import sys
import time

mode, us, peer, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", us))
if mode == "echo":
    while True:
        data, addr = s.recvfrom(65536)
        s.sendto(data, addr)
s.connect(("127.0.0.1", peer))
s.settimeout(2)
# An Ethernet-looking frame: broadcast destination, a sandlab MAC.
frame = (b"\xff" * 6 + b"\x52\x54\x00\x00\x00\x01" + b"\x08\x00" + bytes(size))[:max(size, 14)]
rtts = []
lost = 0
# Warm-up: 200 frames back, however long the peer takes to bind on a
# loaded machine (a refusal is a peer not yet there), within 60 s.
got, until = 0, time.monotonic() + 60
while got < 200 and time.monotonic() < until:
    try:
        s.send(frame)
        s.recv(65536)
        got += 1
    except socket.timeout:
        pass
    except ConnectionRefusedError:
        time.sleep(0.05)
for i in range(n):
    t = time.perf_counter_ns()
    try:
        s.send(frame)
        s.recv(65536)
    except (socket.timeout, ConnectionRefusedError):
        lost += 1
        continue
    rtts.append((time.perf_counter_ns() - t) / 1000)
rtts.sort()
print("%.0f %.0f %d" % (rtts[len(rtts) // 2], rtts[int(len(rtts) * 0.99)], lost))
