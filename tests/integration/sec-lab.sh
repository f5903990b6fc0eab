#!/usr/bin/env bash
# sec-lab.sh: a lab is its owner's alone, and its words are true. A second
# local user, made for this test and removed after, can read nothing in
# the lab and cannot get past VNC's password, which the owner reads from
# `sandlab vnc` and QEMU accepts; an existing looser lab is tightened once;
# forwards from privileged ports, numbers that are not plain decimal, a
# 65th console client are refused with the reason; a SIGKILLed keeper's
# sockets go once the lab is read; `node rm` leaves no file of the node;
# an error text is escaped once, not twice.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"

# Only the lab's own modes may stand between the other user and the lab:
# the test folder is opened, and sandlab runs under a permissive umask.
chmod 0755 "${T:?}"
umask 022

other=""
if [ "$(id -u)" -eq 0 ] && command -v useradd >/dev/null && command -v setpriv >/dev/null; then
	other="sandlab-sec$$"
	useradd --system --no-create-home --shell /usr/sbin/nologin "$other" >/dev/null 2>&1 || other=""
	[ -n "$other" ] && at_exit "userdel $other"
fi
# as_other CMD...: runs CMD as the second user, with no groups.
as_other() {
	setpriv --reuid="$other" --regid="$(id -g "$other")" --clear-groups --inh-caps=-all -- "$@"
}

lab_image tiny
"$SANDLAB" node create n1 --image tiny --ram 64 >/dev/null
"$SANDLAB" node create n2 --image tiny --ram 64 >/dev/null
"$SANDLAB" lab export "$SANDLAB_LAB/saved.lab" >/dev/null
check "start" "$SANDLAB" node start n1
id1=$(node_id n1)

# Every folder 0700, every file 0600 or tighter, nothing open to others.
loose=$(find "$SANDLAB_LAB" ! -type l -perm /077 -print)
if [ -z "$loose" ] && [ "$(stat -c %a "$SANDLAB_LAB")" = 700 ] &&
    [ "$(stat -c %a "$SANDLAB_LAB/lab.db")" = 600 ] && [ "$(stat -c %a "$SANDLAB_LAB/lab.db-wal")" = 600 ] &&
    [ "$(stat -c %a "$SANDLAB_LAB/lab.db-shm")" = 600 ] && [ "$(stat -c %a "$SANDLAB_LAB/saved.lab")" = 600 ] &&
    [ "$(stat -c %a "$SANDLAB_LAB"/overlays/*.qcow2 | sort -u)" = 600 ]; then
	ok "under umask 022 the lab is 0700 and its files 0600 (db, wal, shm, overlays, export)"
else
	not_ok "under umask 022 the lab is 0700 and its files 0600" "$(find "$SANDLAB_LAB" -printf '%m %p\n')"
fi

vnc_json=$("$SANDLAB" vnc n1 --json)
port=$(text "$vnc_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["port"])')
pw=$(text "$vnc_json" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("password") or "")')
if [ "$("$SANDLAB" vnc n1 | sed -n 2p)" = "password: $pw" ] && [ ${#pw} -eq 8 ]; then
	ok "vnc prints the address and a password"
else
	not_ok "vnc prints the address and a password" "$("$SANDLAB" vnc n1)"
fi
if [ "$(python3 "$TOP/tests/rfb-auth.py" 127.0.0.1 "$port" "$pw")" = "types 2
auth ok" ]; then
	ok "QEMU takes the password sandlab vnc gives"
else
	not_ok "QEMU takes the password sandlab vnc gives" "$(python3 "$TOP/tests/rfb-auth.py" 127.0.0.1 "$port" "$pw" 2>&1)"
fi
qpid=$(run_get n1 qemu_pid)
if ! tr '\0' ' ' <"/proc/$qpid/cmdline" | grep -qF -- "$pw" && ! tr '\0' '\n' <"/proc/$qpid/environ" | grep -qF -- "$pw" &&
    tr '\0' ' ' <"/proc/$qpid/cmdline" | grep -q "password=on"; then
	ok "the password is in neither QEMU's argv nor its environment"
else
	not_ok "the password is in neither QEMU's argv nor its environment"
fi

if [ -n "$other" ]; then
	# Each of these must fail for the other user.
	tries=("ls $SANDLAB_LAB" "cat $SANDLAB_LAB/lab.db" "sqlite3 -readonly $SANDLAB_LAB/lab.db select\ name\ from\ nodes"
	    "head -c 512 $(ls "$SANDLAB_LAB"/overlays/*.qcow2 | head -n1)" "head -c 512 $SANDLAB_LAB/images/tiny.qcow2"
	    "cat $SANDLAB_LAB/saved.lab" "cat $SANDLAB_LAB/run/$id1/vnc.pw" "ls $SANDLAB_LAB/logs")
	leaked=""
	for t in "${tries[@]}"; do
		# shellcheck disable=SC2086 # words on purpose
		if out=$(as_other $t 2>/dev/null) && [ -n "$out" ]; then leaked="$leaked [$t]"; fi
		if as_other $t >/dev/null 2>&1; then leaked="$leaked [$t succeeded]"; fi
	done
	if [ -z "$leaked" ]; then ok "the other user can read nothing in the lab"; else not_ok "the other user can read nothing in the lab" "$leaked"; fi
	if as_other /usr/bin/python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.connect('$SANDLAB_LAB/run/$id1/console.sock')" 2>/dev/null; then
		not_ok "the other user cannot reach the console socket"
	else
		ok "the other user cannot reach the console socket"
	fi
	# Debian's python3: the other user cannot run one under root's home.
	# The script comes on stdin: a checkout that was once a lab (make run)
	# is 0700, and the other user cannot read it there.
	r1=$(as_other /usr/bin/python3 - 127.0.0.1 "$port" <"$TOP/tests/rfb-auth.py" 2>&1 || true)
	r3=$(as_other /usr/bin/python3 - 127.0.0.1 "$port" "guessed1" <"$TOP/tests/rfb-auth.py" 2>&1 || true)
	# None is never offered, and a guess is refused.
	if [ "$r1" = "types 2
none refused" ] && [ "$r3" = "types 2
auth failed" ]; then
		ok "the other user cannot complete an RFB handshake without the password"
	else
		not_ok "the other user cannot complete an RFB handshake without the password" "$r1 / $r3"
	fi
else
	ok "the other user can read nothing in the lab # SKIP not root, or no useradd/setpriv"
	ok "the other user cannot reach the console socket # SKIP"
	ok "the other user cannot complete an RFB handshake without the password # SKIP"
fi

# A lab made looser by hand is tightened on open, and sandlab says so once.
chmod 0755 "$SANDLAB_LAB" "$SANDLAB_LAB/images" "$SANDLAB_LAB/overlays"
chmod 0644 "$SANDLAB_LAB/lab.db" "$SANDLAB_LAB"/overlays/*.qcow2
"$SANDLAB" node ls >/dev/null 2>"$T/first.err"
"$SANDLAB" node ls >/dev/null 2>"$T/second.err"
if grep -q "was open to other users (6 entries); it is now private to you" "$T/first.err" &&
    [ ! -s "$T/second.err" ] && [ -z "$(find "$SANDLAB_LAB" ! -type l -perm /077 -print)" ]; then
	ok "a looser lab is tightened on open, said once"
else
	not_ok "a looser lab is tightened on open, said once" "$(cat "$T/first.err" "$T/second.err")"
fi

# Forwards from privileged host ports: refused with the reason, unless asked.
"$SANDLAB" nic set n2:eth0 --attach user >/dev/null
expect_fail "a forward from port 22 is refused, with the reason" \
	"host port 22 is privileged \(below 1024\).*--allow-privileged-port" \
	"$SANDLAB" nic forward n2:eth0 tcp:22:22
expect_fail "a forward from port 1 is refused" "host port 1 is privileged" "$SANDLAB" nic forward n2:eth0 udp:1:53
check "--allow-privileged-port adds it" "$SANDLAB" nic forward n2:eth0 tcp:22:22 --allow-privileged-port
check "port 1024 needs nothing" "$SANDLAB" nic forward n2:eth0 tcp:1024:23
printf 'sandlab-lab 1\nnode f1 image=tiny\nnic f1:eth0 attach=user forward=tcp:80:80\n' >"$T/priv.lab"
expect_fail "a lab file with a privileged forward is refused" "host port 80 is privileged" \
	"$SANDLAB" lab import "$T/priv.lab"

# Numbers: plain decimal only, at the CLI and in lab files.
expect_fail "cpus +5 is refused" "cpus" "$SANDLAB" node set n2 --cpus +5
expect_fail "cpus 010 is refused" "cpus" "$SANDLAB" node set n2 --cpus 010
expect_fail "ram 0256 is refused at create" "ram|RAM" "$SANDLAB" node create n3 --image tiny --ram 0256
printf 'sandlab-lab 1\nnode f2 image=tiny cpus=010\n' >"$T/num.lab"
expect_fail "cpus=010 in a lab file is refused" "cpus" "$SANDLAB" lab import "$T/num.lab"
printf 'sandlab-lab 1\nnode f3 image=tiny cpus=+5\n' >"$T/num2.lab"
expect_fail "cpus=+5 in a lab file is refused" "cpus" "$SANDLAB" lab import "$T/num2.lab"
if [ "$("$SANDLAB" node show n2 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpus"])')" = 1 ]; then
	ok "nothing was changed by the refused numbers"
else
	not_ok "nothing was changed by the refused numbers"
fi

# The 65th console client is refused and told why; the 64 others stay.
python3 - "$SANDLAB_LAB/run/$id1/console.sock" >"$T/cap.out" <<'PY'
import socket, sys, time
held = []
for i in range(64):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    held.append(s)
time.sleep(0.3)
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
got = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    got += b
print(got.decode(errors="replace").strip())
PY
if grep -q "refused: this console already serves 64 clients" "$T/cap.out"; then
	ok "a 65th console client is told why it is refused"
else
	not_ok "a 65th console client is told why it is refused" "$(cat "$T/cap.out")"
fi
python3 -c '
import socket, sys, time, subprocess
held = []
for i in range(64):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); held.append(s)
time.sleep(0.3)
# stdin stays open: the client must end because the keeper closed it.
p = subprocess.Popen([sys.argv[2], "console", "n1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
rc = p.wait(timeout=20)
print(rc); print(p.stderr.read())' "$SANDLAB_LAB/run/$id1/console.sock" "$SANDLAB" >"$T/cap2.out" 2>&1 || true
if sed -n 1p "$T/cap2.out" | grep -qx 1 && grep -q "the console of n1 already serves 64 clients" "$T/cap2.out" &&
    ! grep -q "too far behind" "$T/cap2.out"; then
	ok "sandlab console says the console is full, not that it fell behind"
else
	not_ok "sandlab console says the console is full, not that it fell behind" "$(cat "$T/cap2.out")"
fi

# A SIGKILLed keeper: once the lab is read, none of its files is left.
kpid=$(run_get n1 keeper_pid)
kill -9 "$kpid"
wait_for 10 pid_gone "$qpid" || true
"$SANDLAB" node ls >/dev/null
left=$(ls -A "$SANDLAB_LAB/run/$id1" 2>/dev/null || true)
if [ -z "$left" ] && state_is n1 crashed; then
	ok "kill -9 of a keeper leaves no socket or lock once the lab is read"
else
	not_ok "kill -9 of a keeper leaves no socket or lock once the lab is read" "left: $left"
fi
check "the node starts again after that" "$SANDLAB" node start n1
"$SANDLAB" node stop n1 --grace 0 >/dev/null
if [ -z "$(ls -A "$SANDLAB_LAB/run/$id1" 2>/dev/null || true)" ]; then
	ok "a clean stop leaves nothing in the run folder"
else
	not_ok "a clean stop leaves nothing in the run folder" "$(ls -A "$SANDLAB_LAB/run/$id1")"
fi

# node rm: no file of the node is left anywhere in the lab.
check "node rm" "$SANDLAB" node rm n1
if [ -z "$(find "$SANDLAB_LAB" -name "*$id1*" -print)" ]; then
	ok "node rm leaves no file of the node (run folder, logs, overlay)"
else
	not_ok "node rm leaves no file of the node" "$(find "$SANDLAB_LAB" -name "*$id1*")"
fi

# Escaped once: a lab whose path holds an ESC, and a start that fails on it.
esc=$(printf '\033')
export SANDLAB_LAB="$T/e${esc}x"
lab_image tiny
"$SANDLAB" node create e1 --image tiny --ram 64 >/dev/null
mv "$SANDLAB_LAB/images/tiny.qcow2" "$SANDLAB_LAB/images/gone"
"$SANDLAB" node start e1 >"$T/esc.out" 2>&1 || true
"$SANDLAB" node show e1 >"$T/esc.show" 2>&1 || true
if grep -qF 'e\x1bx/images/tiny.qcow2' "$T/esc.out" && ! grep -qF '\\x1b' "$T/esc.out" &&
    grep -qF 'e\x1bx/images/tiny.qcow2' "$T/esc.show" && ! grep -q "$esc" "$T/esc.out"; then
	ok "a failed start shows the error escaped once, as node show does"
else
	not_ok "a failed start shows the error escaped once" "$(cat -v "$T/esc.out")"
fi

done_testing
