#!/usr/bin/env python3
"""tests/rfb-auth.py HOST PORT [PASSWORD]: one RFB 3.8 handshake.

Prints the security types the server offers ("types 2"), then, with a
PASSWORD, answers the VNC authentication challenge and prints "auth ok" or
"auth failed". Without one it asks for security type None (1) and prints
"none ok" or "none refused". Python has no DES, so the challenge is
encrypted by `openssl enc -des-ecb` (its legacy provider), with the key
bits reversed in each byte as VNC wants.
"""
import socket
import subprocess
import sys


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError("connection closed")
        b += c
    return b


def vnc_des(password, challenge):
    key = password.encode()[:8].ljust(8, b"\0")
    key = bytes(int(f"{k:08b}"[::-1], 2) for k in key)
    return subprocess.run(
        ["openssl", "enc", "-des-ecb", "-provider", "legacy", "-provider", "default",
         "-nopad", "-K", key.hex()],
        input=challenge, capture_output=True, check=True).stdout


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    password = sys.argv[3] if len(sys.argv) > 3 else None
    s = socket.create_connection((host, port), 5)
    s.settimeout(5)
    if not recv_exact(s, 12).startswith(b"RFB "):
        print("not rfb")
        return 1
    s.sendall(b"RFB 003.008\n")
    n = recv_exact(s, 1)[0]
    types = list(recv_exact(s, n)) if n else []
    print("types " + " ".join(str(t) for t in types))
    if password is None:
        if 1 not in types:
            print("none refused")
            return 0
        s.sendall(bytes([1]))
        ok = int.from_bytes(recv_exact(s, 4), "big") == 0
        print("none ok" if ok else "none refused")
        return 0
    if 2 not in types:
        print("no vnc auth")
        return 1
    s.sendall(bytes([2]))
    challenge = recv_exact(s, 16)
    s.sendall(vnc_des(password, challenge))
    ok = int.from_bytes(recv_exact(s, 4), "big") == 0
    print("auth ok" if ok else "auth failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
