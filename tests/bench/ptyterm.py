#!/usr/bin/env python3
"""tests/bench/ptyterm.py: drives the dashboard in a pseudo-terminal of a
given size, with no terminal emulator in between, so timings are the
dashboard's own. Used by tests/bench/dashboard.sh.

  ptyterm.py firstframe COLS ROWS MARKER -- CMD...
      ms from spawn until MARKER is in the output
  ptyterm.py firstframecpu COLS ROWS MARKER -- CMD...
      the same, and the dashboard's CPU ms (all threads, /proc) at that
      moment and once it is idle: "WALL CPU-AT-FRAME CPU-WHEN-IDLE"
  ptyterm.py latency COLS ROWS N -- CMD...
      opens the selected node's console (Enter), waits for 'login:', then
      sends N keystrokes one at a time and times each until its echo is
      drawn; prints median and p99 in ms
  ptyterm.py attached COLS ROWS N -- CMD...
      the same for a CMD that shows the console at once (sandlab console):
      no Enter, 'login:' is awaited in what it first prints
  ptyterm.py idle COLS ROWS MARKER SECS -- CMD...
      waits for MARKER and 3 s more, then counts the dashboard's context
      switches (all threads, /proc) over SECS seconds
  ptyterm.py rss COLS ROWS MARKER LOGDIR LINES -- CMD...
      waits for MARKER, then until every *.log in LOGDIR has LINES lines,
      then prints the dashboard's VmRSS and VmHWM
  ptyterm.py change COLS ROWS MARKER NEW-MARKER CHANGE-CMD... -- CMD...
      waits for MARKER and until the dashboard is idle (under 2 ms CPU in
      a second), runs CHANGE-CMD (a change made by
      another process), waits until NEW-MARKER is drawn and 1 s more, and
      prints the CPU time the dashboard spent meanwhile (all threads,
      /proc/PID/task/*/schedstat, in ns) and the ms until it was drawn
  ptyterm.py changeinstr COLS ROWS MARKER NEW-MARKER CHANGE-CMD... -- CMD...
      the same change with CMD under valgrind --tool=callgrind, its
      collection on from just before CHANGE-CMD until NEW-MARKER is drawn
      and 2 s more: the dashboard's instructions for the change, which
      the load of a shared machine does not change as it changes CPU
  ptyterm.py keys COLS ROWS MARKER N -- CMD...
      waits for MARKER and until the dashboard is idle, sends N down-arrows 50 ms apart and
      prints the dashboard's CPU time per key (the same /proc count)
"""
import fcntl, os, pty, select, struct, sys, termios, time, glob, signal, subprocess, tempfile, shutil

def spawn(cols, rows, argv, nice=None):
    pid, fd = pty.fork()
    if pid == 0:
        if nice is not None:
            os.setpriority(os.PRIO_PROCESS, 0, nice)
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    return pid, fd

def pump(fd, secs):
    """Reads output for secs seconds (or until there is none); returns it."""
    out = b''
    end = time.monotonic() + secs
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return out
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            return out
        try:
            out += os.read(fd, 65536)
        except OSError:
            return out

def wait_for(fd, marker, secs=120):
    buf = b''
    end = time.monotonic() + secs
    while marker not in buf:
        left = end - time.monotonic()
        if left <= 0:
            sys.exit('timed out waiting for %r' % marker)
        r, _, _ = select.select([fd], [], [], left)
        if r:
            buf = buf[-65536:] + os.read(fd, 65536)

def the_dashboard(pid):
    # pty.fork's child execs the dashboard itself.
    return pid

def switches(pid):
    total = 0
    for st in glob.glob('/proc/%d/task/*/status' % pid):
        with open(st) as f:
            for line in f:
                if line.startswith(('voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches')):
                    total += int(line.split()[1])
    return total

def cpu_ns(pid):
    total = 0
    for st in glob.glob('/proc/%d/task/*/schedstat' % pid):
        try:
            with open(st) as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass    # a thread that ended meanwhile (its time is lost)
    return total

def wait_idle(pid, fd, secs=120):
    """Reads output until the dashboard has spent under 2 ms of CPU in
    a second (its start-up done: it reads all nodes after the first
    frame, which on a busy machine can take seconds of wall time)."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        a = cpu_ns(pid)
        pump(fd, 1)
        if cpu_ns(pid) - a < 2e6:
            return
    sys.exit('the dashboard did not go idle')

def proc_kb(pid, key):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1])
    return -1

def finish(pid, fd):
    os.kill(pid, signal.SIGTERM)
    pump(fd, 1)
    os.waitpid(pid, 0)

def main():
    mode = sys.argv[1]
    sep = sys.argv.index('--')
    args, cmd = sys.argv[2:sep], sys.argv[sep + 1:]
    cols, rows = int(args[0]), int(args[1])
    nice = None
    if mode == 'firstframecpu':
        # On a busy machine the observer would read the frame long after
        # it was written, while the dashboard goes on working: it runs at
        # a higher priority when it may (root), the dashboard at its own.
        nice = os.getpriority(os.PRIO_PROCESS, 0)
        try:
            os.setpriority(os.PRIO_PROCESS, 0, -15)
        except OSError:
            pass
    if mode == 'changeinstr':
        cgdir = tempfile.mkdtemp()
        cgout = os.path.join(cgdir, 'callgrind.out')
        cmd = ['valgrind', '--tool=callgrind', '--instr-atstart=no',
               '--callgrind-out-file=' + cgout] + cmd
    t0 = time.monotonic()
    pid, fd = spawn(cols, rows, cmd, nice)
    if mode == 'firstframe':
        wait_for(fd, args[2].encode())
        print('%.1f' % ((time.monotonic() - t0) * 1000))
    elif mode == 'firstframecpu':
        # Wall time dilates on a shared machine; the CPU the dashboard
        # spent until the marker was drawn does not. Then its CPU once it
        # has gone idle (the rest of its start-up, e.g. the whole list).
        wait_for(fd, args[2].encode())
        wall, first = (time.monotonic() - t0) * 1000, cpu_ns(pid) / 1e6
        wait_idle(pid, fd)
        print('%.1f %.1f %.1f' % (wall, first, cpu_ns(pid) / 1e6))
    elif mode in ('latency', 'attached'):
        n = int(args[2])
        if mode == 'latency':
            pump(fd, 2)
            os.write(fd, b'\r')
        wait_for(fd, b'login:')
        pump(fd, 1)
        keys = b'wxyzuv'
        times = []
        for i in range(n):
            k = keys[i % len(keys):i % len(keys) + 1]
            pump(fd, 0.02)
            t = time.monotonic()
            os.write(fd, k)
            buf = b''
            while k not in buf:
                r, _, _ = select.select([fd], [], [], 10)
                if not r:
                    sys.exit('no echo for key %d' % i)
                buf += os.read(fd, 65536)
            times.append((time.monotonic() - t) * 1000)
        times.sort()
        print('median %.2f ms, p99 %.2f ms, max %.2f ms over %d keys' % (
            times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))], times[-1], n))
    elif mode == 'idle':
        wait_for(fd, args[2].encode())
        pump(fd, 3)
        secs = float(args[3])
        a = switches(pid)
        out = pump(fd, secs)
        b = switches(pid)
        print('%d context switches in %.0f s, %d bytes drawn' % (b - a, secs, len(out)))
    elif mode == 'change':
        wait_for(fd, args[2].encode())
        wait_idle(pid, fd)
        a = cpu_ns(pid)
        t = time.monotonic()
        subprocess.run(args[4:], check=True, stdout=subprocess.DEVNULL)
        wait_for(fd, args[3].encode())
        drawn = (time.monotonic() - t) * 1000
        pump(fd, 1)
        print('%.1f ms CPU, drawn %.0f ms after the change' % ((cpu_ns(pid) - a) / 1e6, drawn))
    elif mode == 'changeinstr':
        # Valgrind runs the dashboard some 50 times slower: its first
        # frame and its reading of the rest take seconds.
        wait_for(fd, args[2].encode(), 600)
        wait_idle(pid, fd, 600)
        subprocess.run(['callgrind_control', '-i', 'on', str(pid)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(args[4:], check=True, stdout=subprocess.DEVNULL)
        wait_for(fd, args[3].encode())
        pump(fd, 2)
        subprocess.run(['callgrind_control', '-i', 'off', str(pid)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        finish(pid, fd)
        total = None
        with open(cgout) as f:
            for line in f:
                if line.startswith('totals:'):
                    total = int(line.split()[1])
        shutil.rmtree(cgdir)
        if total is None:
            sys.exit('no totals in the callgrind output')
        print('%.2f M instructions' % (total / 1e6))
        return
    elif mode == 'keys':
        # CPU of the dashboard per key: N down-arrows, each given 50 ms
        # to be drawn (a frame is at most 16 ms apart).
        wait_for(fd, args[2].encode())
        wait_idle(pid, fd)
        n = int(args[3])
        a = cpu_ns(pid)
        for i in range(n):
            os.write(fd, b'\x1b[B')
            pump(fd, 0.05)
        pump(fd, 1)
        print('%.2f ms CPU per key over %d keys' % ((cpu_ns(pid) - a) / 1e6 / n, n))
    elif mode == 'rss':
        wait_for(fd, args[2].encode())
        logdir, lines = args[3], int(args[4])
        before = proc_kb(pid, 'VmRSS')
        end = time.monotonic() + 600
        while time.monotonic() < end:
            pump(fd, 1)
            counts = []
            for log in glob.glob(os.path.join(logdir, '*.log')):
                if log.endswith('.keeper.log'):
                    continue
                with open(log, 'rb') as f:
                    counts.append(f.read().count(b'\n'))
            if counts and min(counts) >= lines:
                break
        pump(fd, 2)
        print('%d consoles, fewest lines %d: VmRSS %d KiB (%d KiB with the consoles just opened), VmHWM %d KiB' % (
            len(counts), min(counts), proc_kb(pid, 'VmRSS'), before, proc_kb(pid, 'VmHWM')))
    finish(pid, fd)

main()
