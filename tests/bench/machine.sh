#!/usr/bin/env bash
# Machine figures, under TCG (--accel tcg: auto would try KVM first, and
# bare QEMU would be given -accel kvm) with the tiny guest: `sandlab node start` to
# the banner at a console client for each boot disk bus on pc and on q35,
# and with the uefi guest (OVMF, q35) to its shell prompt,
# beside bare QEMU started with the same machine words (the node's own
# -machine, -cpu, disk and CD-ROM options from `node cmd --json`, serial
# on a socketpair), in the same run; median of BENCH_RUNS (default 5).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

lab_image tiny
RUNS=${BENCH_RUNS:-5}

cat >"$T/bench.py" <<'PY'
import json, os, socket, statistics, subprocess, sys, time

BANNER = os.environ.get("BENCH_BANNER", "tiny login: ").encode()

def wait_banner(sock, t0, limit=300):
    buf = b""
    sock.settimeout(limit)
    while BANNER not in buf:
        b = sock.recv(4096)
        if not b:
            raise SystemExit("connection closed before the banner")
        buf += b
    return time.monotonic() - t0

def start(sandlab, node, sockpath):
    t0 = time.monotonic()
    subprocess.run([sandlab, "node", "start", node], check=True, stdout=subprocess.DEVNULL)
    s = socket.socket(socket.AF_UNIX)
    s.connect(sockpath)
    dt = wait_banner(s, t0)
    s.close()
    subprocess.run([sandlab, "node", "kill", node], check=True, stdout=subprocess.DEVNULL)
    return dt

# The machine's words of the node's argv: up to the serial line, without
# the name, and with the bench's own copy of the disk.
def bare_argv(sandlab, node, overlay):
    argv = json.loads(subprocess.run([sandlab, "node", "cmd", node, "--json"], check=True,
        capture_output=True, text=True).stdout)
    out = []
    i = 0
    while i < len(argv) and argv[i] != "-chardev":
        w = argv[i]
        if w == "-name":
            i += 2
            continue
        if w.startswith("file=") and "format=qcow2" in w:
            w = "file=%s,%s" % (overlay, w.split(",", 1)[1])
        if w.startswith("if=pflash") and "unit=1" in w:
            w = "if=pflash,format=raw,unit=1,file=%s.vars" % overlay
        out.append(w)
        i += 1
    return out + ["-chardev", "stdio,id=s,signal=off", "-serial", "chardev:s"]

# In a session of its own, as the keeper (setsid) runs sandlab's QEMU:
# with the kernel's autogroup scheduling each session is a CPU group, and
# on a loaded machine a QEMU sharing the bench's group booted up to 1.5 s
# (36 s under OVMF) slower than the keeper's.
def bare(argv):
    t0 = time.monotonic()
    a, b = socket.socketpair()
    p = subprocess.Popen(argv, stdin=b.fileno(), stdout=b.fileno(), stderr=subprocess.DEVNULL,
                         start_new_session=True)
    b.close()
    dt = wait_banner(a, t0)
    p.kill(); p.wait(); a.close()
    return dt

sandlab, node, sockpath, overlay, runs, label = sys.argv[1:7]
if os.path.exists("/usr/share/OVMF/OVMF_VARS_4M.fd"):  # bare QEMU's own NVRAM
    with open("/usr/share/OVMF/OVMF_VARS_4M.fd", "rb") as f, open(overlay + ".vars", "wb") as g:
        g.write(f.read())
runs = int(runs)
argv = bare_argv(sandlab, node, overlay)
ks, bs = [], []
for _ in range(runs):   # interleaved, so load on the machine hits both alike
    ks.append(start(sandlab, node, sockpath))
    bs.append(bare(argv))
print("%-11s start to banner: sandlab %4.0f ms, bare qemu %4.0f ms (median of %d; min %.0f / %.0f)"
      % (label, statistics.median(ks) * 1000, statistics.median(bs) * 1000, runs, min(ks) * 1000,
         min(bs) * 1000))
PY

for m in pc q35; do
	for bus in virtio ide sata scsi; do
		n=$m-$bus
		"$SANDLAB" node create "$n" --image tiny --ram 64 --nics 0 --accel tcg --machine "$m" --disk-bus "$bus" >/dev/null
		rm -f "$T/bare.qcow2"
		qemu-img create -q -f qcow2 -F qcow2 -b "$IMAGES/tiny.qcow2" "$T/bare.qcow2"
		python3 "$T/bench.py" "$SANDLAB" "$n" "$SANDLAB_LAB/run/$(node_id "$n")/console.sock" \
			"$T/bare.qcow2" "$RUNS" "$m/$bus"
	done
done

# UEFI: OVMF on q35 boots the uefi guest (systemd-boot, the kernel's EFI
# stub) to its shell; as many runs as the buses (BENCH_UEFI_RUNS to take
# fewer: each takes seconds to a minute).
lab_image uefi
"$SANDLAB" node create q35-uefi --image uefi --ram 256 --nics 0 --accel tcg --machine q35 --firmware uefi >/dev/null
rm -f "$T/bare.qcow2"
qemu-img create -q -f qcow2 -F qcow2 -b "$IMAGES/uefi.qcow2" "$T/bare.qcow2"
BENCH_BANNER='linux# ' python3 "$T/bench.py" "$SANDLAB" q35-uefi \
	"$SANDLAB_LAB/run/$(node_id q35-uefi)/console.sock" "$T/bare.qcow2" "${BENCH_UEFI_RUNS:-$RUNS}" q35/uefi
