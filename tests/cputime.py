#!/usr/bin/env python3
# tests/cputime.py OUT CMD...: runs CMD and writes to OUT the CPU seconds
# (user and system) of everything it started, as "USER SYS": tests/run
# uses it for TESTS_CPU_LOG. A test's keepers and QEMUs leave their
# parent (they daemonize), so the rusage of CMD alone would miss them:
# this process becomes their child subreaper and reaps every one of them
# as soon as it exits (a zombie would still look alive to a test's
# `kill -0`). Once CMD has exited, what it left running gets 5 seconds to
# end and is then left to init, uncounted. Exits with CMD's status.
import ctypes
import os
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def main():
    out, cmd = sys.argv[1], sys.argv[2:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("cputime: prctl(PR_SET_CHILD_SUBREAPER): "
                 + os.strerror(ctypes.get_errno()))
    child = os.fork()
    if child == 0:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execvp(cmd[0], cmd)
    # The test's status comes from its own exit; a TERM to this process
    # (a run cut short) goes on to the test.
    signal.signal(signal.SIGTERM, lambda s, f: os.kill(child, s))
    user = system = 0.0
    status = None
    deadline = None
    while True:
        flags = 0 if status is None else os.WNOHANG
        try:
            pid, st, ru = os.wait4(-1, flags)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == 0:
            if deadline is None:
                deadline = time.monotonic() + 5
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
            continue
        user += ru.ru_utime
        system += ru.ru_stime
        if pid == child:
            status = os.waitstatus_to_exitcode(st)
    with open(out, "w") as f:
        f.write("%.2f %.2f\n" % (user, system))
    sys.exit(status if status >= 0 else 128 - status)


main()
