#!/usr/bin/env bash
# Runtime figures, all under TCG with the tiny guest:
#  - `sandlab node start` to the banner at a console client, beside bare
#    QEMU to the banner: one of each in turn, ten times ($RUNTIME_TURNS;
#    a noisy machine then slows both alike), medians. The bare QEMU runs the argv sandlab
#    gave its QEMU (read from /proc on a first start), with only its disk,
#    QMP socket and VNC display its own, serial on a pipe. It is also run
#    as the smaller machine this bench used before (no VGA, CD-ROM, QMP,
#    sandbox or -cpu max), printed on a line of its own. With
#    $RUNTIME_OLD_SANDLAB set, that sandlab's start is run in the same turns,
#    on the same node, to compare two builds in one run. A line gives the
#    median of each turn's own ratio, steadier than the ratio of medians
#    on a busy machine;
#  - RSS per keeper (and per QEMU, for scale) with 5 nodes running;
#  - wakeups of an idle keeper over 10 s with a silent guest: context
#    switches from /proc/PID/status, and syscalls counted by strace -c;
#  - console round trip (one byte in, its echo out), median and p99 of 300,
#    through the keeper's socket beside QEMU's own socket chardev.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

lab_image tiny
# --accel tcg as the bare QEMU beside it: with auto, a host whose KVM aborts
# (kvm_buf_set_msrs) starts QEMU twice, and the ratio measured that.
"$SANDLAB" node create b1 --image tiny --ram 64 --nics 0 --accel tcg >/dev/null
sock="$SANDLAB_LAB/run/$(node_id b1)/console.sock"

cat >"$T/bench.py" <<'PY'
import json, os, socket, statistics, subprocess, sys, time

def wait_banner(sock, t0, limit=30):
    buf = b""
    sock.settimeout(limit)
    while b"tiny login: " not in buf:
        b = sock.recv(4096)
        if not b:
            raise SystemExit("connection closed before the banner")
        buf += b
    return time.monotonic() - t0

def start(sandlab, sockpath):
    t0 = time.monotonic()
    subprocess.run([sandlab, "node", "start", "b1"], check=True, stdout=subprocess.DEVNULL)
    s = socket.socket(socket.AF_UNIX)
    s.connect(sockpath)
    dt = wait_banner(s, t0)
    s.close()
    subprocess.run([sandlab, "node", "stop", "b1", "--grace", "0"], check=True, stdout=subprocess.DEVNULL)
    return dt

def node_argv(sandlab):
    """The argv of the QEMU that sandlab starts for b1."""
    subprocess.run([sandlab, "node", "start", "b1"], check=True, stdout=subprocess.DEVNULL)
    show = json.loads(subprocess.run([sandlab, "node", "show", "b1", "--json"], check=True,
        stdout=subprocess.PIPE).stdout)
    with open("/proc/%d/cmdline" % show["run"]["qemu_pid"], "rb") as f:
        argv = [a.decode() for a in f.read().split(b"\0")[:-1]]
    subprocess.run([sandlab, "node", "stop", "b1", "--grace", "0"], check=True, stdout=subprocess.DEVNULL)
    return argv

def free_display():
    """A VNC display whose port is free on loopback now."""
    for d in range(60, 100):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", 5900 + d))
            return d
        except OSError:
            pass
        finally:
            s.close()
    raise SystemExit("no free VNC port in 5960-5999")

def same_argv(argv, overlay, qmp):
    """sandlab's QEMU argv with the bench's own disk, QMP socket and VNC display."""
    out = []
    for a in argv:
        if a.startswith("file=") and ",format=qcow2," in a:
            a = "file=%s,%s" % (overlay, a.split(",", 1)[1])
        elif a.startswith("socket,id=qmp,"):
            a = "socket,id=qmp,path=%s,server=on,wait=off" % qmp
        elif a.startswith("127.0.0.1:") and "," in a:
            a = "127.0.0.1:%d,%s" % (free_display(), a.split(",", 1)[1])
        out.append(a)
    return out

def bare(argv):
    t0 = time.monotonic()
    a, b = socket.socketpair()
    p = subprocess.Popen(argv, stdin=b.fileno(), stdout=b.fileno(), stderr=subprocess.DEVNULL)
    b.close()
    dt = wait_banner(a, t0)
    p.kill(); p.wait(); a.close()
    return dt

def small_argv(overlay):
    return ["qemu-system-x86_64", "-nodefaults", "-no-user-config", "-machine", "pc",
        "-accel", "tcg", "-m", "64", "-display", "none",
        "-drive", "file=%s,format=qcow2,if=virtio" % overlay,
        "-chardev", "stdio,id=s,signal=off", "-serial", "chardev:s"]

def rtt(sock, n=300):
    sock.settimeout(10)
    out = []
    for i in range(n):
        c = bytes([0x41 + i % 26])
        t0 = time.monotonic()
        sock.sendall(c)
        got = b""
        while c not in got:
            got += sock.recv(64)
        out.append((time.monotonic() - t0) * 1000)
    out.sort()
    return statistics.median(out), out[int(len(out) * 0.99) - 1]

mode = sys.argv[1]
if mode == "start":
    # start SANDLAB SOCK OVERLAY QMP [OLD_SANDLAB]
    new, sock, overlay, qmp = sys.argv[2:6]
    old = sys.argv[6] if len(sys.argv) > 6 else None
    same, small = same_argv(node_argv(new), overlay, qmp), small_argv(overlay)
    ks, os_, bs, ss = [], [], [], []
    turns = int(os.environ.get("RUNTIME_TURNS", "10"))
    for _ in range(turns):
        ks.append(start(new, sock))
        if old:
            os_.append(start(old, sock))
        bs.append(bare(same_argv(same, overlay, qmp)))
        ss.append(bare(small))
    med = lambda v: statistics.median(v) * 1000
    # Each turn's own ratio: the two starts of a turn share the machine's
    # state, so its median moves less with load than the ratio of medians.
    paired = lambda v: statistics.median(a / b for a, b in zip(v, bs))
    print("start to banner: sandlab node start %.0f ms, bare qemu %.0f ms (%.2fx; median of %d, one of each in turn; min %.0f / %.0f)"
          % (med(ks), med(bs), med(ks) / med(bs), turns, min(ks) * 1000, min(bs) * 1000))
    if old:
        print("start to banner, %s in the same turns: %.0f ms (%.2fx the bare qemu; min %.0f)"
              % (old, med(os_), med(os_) / med(bs), min(os_) * 1000))
    print("start to banner, median of each turn's ratio to the bare qemu: sandlab %.2fx%s"
          % (paired(ks), ", %s %.2fx" % (old, paired(os_)) if old else ""))
    print("start to banner, bare qemu with the smaller machine this bench used before (no VGA, CD-ROM, QMP, sandbox, -cpu max): %.0f ms (sandlab %.2fx it)"
          % (med(ss), med(ks) / med(ss)))
elif mode == "rtt-keeper":
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[2])
    wait_banner(s, time.monotonic())
    m, p = rtt(s)
    print("console round trip through the keeper: median %.3f ms, p99 %.3f ms (300 bytes)" % (m, p))
elif mode == "rtt-bare":
    path = sys.argv[3]
    p = subprocess.Popen(["qemu-system-x86_64", "-nodefaults", "-no-user-config", "-machine", "pc",
        "-accel", "tcg", "-m", "64", "-display", "none",
        "-drive", "file=%s,format=qcow2,if=virtio" % sys.argv[2],
        "-chardev", "socket,id=s,path=%s,server=on,wait=on" % path, "-serial", "chardev:s"],
        stderr=subprocess.DEVNULL)
    s = socket.socket(socket.AF_UNIX)
    for _ in range(200):
        try:
            s.connect(path); break
        except OSError:
            time.sleep(0.02)
    wait_banner(s, time.monotonic())
    m, q = rtt(s)
    print("console round trip on QEMU's own socket:  median %.3f ms, p99 %.3f ms (300 bytes)" % (m, q))
    p.kill(); p.wait()
PY

qemu-img create -q -f qcow2 -F qcow2 -b "$IMAGES/tiny.qcow2" "$T/bare.qcow2"
python3 "$T/bench.py" start "$SANDLAB" "$sock" "$T/bare.qcow2" "$T/bare-qmp.sock" ${RUNTIME_OLD_SANDLAB:+"$RUNTIME_OLD_SANDLAB"}
# scale.sh takes this one figure for its table.
[ -z "${RUNTIME_START_ONLY:-}" ] || exit 0

# Five nodes: RSS of each keeper and QEMU.
for i in 2 3 4 5 6; do "$SANDLAB" node create "b$i" --image tiny --ram 64 --nics 0 --accel tcg >/dev/null; done
"$SANDLAB" node start b1 b2 b3 b4 b5 >/dev/null
krss=0; qrss=0
for n in b1 b2 b3 b4 b5; do
	krss=$((krss + $(awk '/VmRSS/ {print $2}' "/proc/$(run_get $n keeper_pid)/status")))
	qrss=$((qrss + $(awk '/VmRSS/ {print $2}' "/proc/$(run_get $n qemu_pid)/status")))
done
echo "RSS per keeper: $((krss / 5)) kB (QEMU beside it: $((qrss / 5)) kB), mean of 5 running tiny nodes"

# An idle keeper over 10 s: the guest is silent, no client attached.
k=$(run_get b1 keeper_pid)
sleep 1
cs() { awk '/ctxt_switches/ {s += $2} END {print s}' "/proc/$k/status"; }
c0=$(cs); sleep 10; c1=$(cs)
echo "idle keeper, 10 s: $((c1 - c0)) context switches (voluntary + involuntary, /proc/PID/status)"
if command -v strace >/dev/null; then
	timeout -s INT 10 strace -c -f -p "$k" -o "$T/strace.out" >/dev/null 2>&1 || true
	calls=$(awk '/total/ {print $(NF-1)}' "$T/strace.out" 2>/dev/null)
	echo "idle keeper, 10 s: ${calls:-0} syscalls (strace -c -f -p)"
fi

python3 "$T/bench.py" rtt-keeper "$SANDLAB_LAB/run/$(node_id b2)/console.sock"
qemu-img create -q -f qcow2 -F qcow2 -b "$IMAGES/tiny.qcow2" "$T/bare2.qcow2"
python3 "$T/bench.py" rtt-bare "$T/bare2.qcow2" "$T/bare.sock"
"$SANDLAB" node stop --all --grace 0 >/dev/null
