#!/usr/bin/env bash
# net-nat.sh: a linux guest on user-mode NAT. A host port forward, bound
# to 127.0.0.1 only, carries a TCP connection from the host to a busybox
# nc listening in the guest, and data crosses both ways; and the guest
# reaches a listener on the host through the NAT's gateway.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

lab_image linux
hp=$(free_port tcp)
"$SANDLAB" node create n --image linux --ram 128 >/dev/null
check "eth0 on user-mode NAT" "$SANDLAB" nic set n:eth0 --attach user
check "forward 127.0.0.1:$hp to guest port 22" "$SANDLAB" nic forward n:eth0 "tcp:$hp:22"
check "the node starts" "$SANDLAB" node start n
if ss -ltn | grep -q "127.0.0.1:$hp " && ! ss -ltn | grep -Eq "(0\.0\.0\.0|\*|\[::\]):$hp "; then
	ok "the forward listens on 127.0.0.1 only"; else not_ok "forward address" "$(ss -ltn | grep ":$hp ")"; fi
guest_up 1 n
if gsh 1 20 "ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && ip route add default via 10.0.2.2"; then
	ok "guest address set (10.0.2.15, the forward's target)"; else not_ok "address" "$(guest_tail 1)"; fi

# The guest listens; the host connects (until the listener is there:
# QEMU accepts at once and drops the connection while nobody listens).
word="hello-from-host-$$"
console_send 1 'echo from-guest-$((6*7)) | nc -l -p 22\r'
got=$(python3 - "$hp" "$word" <<'PY'
import socket, sys, time
port, word = int(sys.argv[1]), sys.argv[2]
end = time.time() + 60
while time.time() < end:
    try:
        s = socket.create_connection(("127.0.0.1", port), 5)
        s.sendall(word.encode() + b"\n")
        s.settimeout(10)
        data = b""
        while b"from-guest-42" not in data:
            d = s.recv(100)
            if not d:
                break
            data += d
        s.close()
        if b"from-guest-42" in data:
            print("ok")
            break
    except OSError:
        pass
    time.sleep(0.5)
PY
)
if [ "$got" = ok ]; then ok "the host's connection to 127.0.0.1:$hp reaches the guest's nc and reads its data"; else not_ok "host to guest" "$(guest_tail 1)"; fi
if wait_for 20 out_has 1 "$word"; then ok "the host's data reaches the guest"; else not_ok "data to guest" "$(guest_tail 1)"; fi

# Out through the NAT: 10.0.2.2 in the guest is the host's loopback.
op=$(free_port tcp)
python3 - "$op" >"$T/outbound" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); s.settimeout(90)
c, _ = s.accept(); c.settimeout(30)
data = b""
while b"\n" not in data:
    d = c.recv(100)
    if not d:
        break
    data += d
print(data.decode(errors="replace").strip(), flush=True)
PY
listener=$!
at_exit "kill $listener"
wait_for 10 sh -c "ss -ltn | grep -q '127.0.0.1:$op '" || true
gsh 1 60 "echo out-\$((6*7)) | nc -w 10 10.0.2.2 $op" || true
if wait_for 30 grep -q "out-42" "$T/outbound"; then ok "the guest reaches the host through the NAT"; else not_ok "guest to host" "$(guest_tail 1)"; fi
console_close 1
rc=0
out=$("$SANDLAB" node stop n --grace 20 2>&1) || rc=$?
if [ "$rc" = 0 ] && state_is n stopped && ! ss -ltn | grep -q "127.0.0.1:$hp "; then ok "stops, and the forward is gone"; else not_ok "stop" "$out"; fi

run_done
