# tests/lib-libvirt.sh: sourced by the tests of other hosts after lib.sh
# (and lib-net.sh, for free_port). Starts the test's own libvirt host:
# a libvirtd from Debian's packages, run by hand (no systemd) as an
# unprivileged session daemon whose config, runtime, cache and state
# folders are all under $T/lv, and an sshd of the test's own on a free
# 127.0.0.1 port with a host key and a user key made here. Then
# $LV_URI is a real qemu+ssh:// URI to that daemon: root logs in to
# 127.0.0.1 with the test's key, and nc -U joins the channel to the
# daemon's socket. The URI's command= names $LV_SSH, a wrapper in $T that
# runs ssh with the test's key and the test's own known_hosts (holding
# the host key made here) with strict checking, so ssh reads and writes
# nothing outside $T. (qemu+libssh://, which takes a known_hosts file,
# stalled for seconds per connection here and never answered from a
# forked child.) Both daemons are ended by pid at exit and their folders
# go with $T.
#
# Why a session daemon as nobody: a root libvirtd keeps its QEMU state in
# fixed system folders (/run/libvirt, /var/lib/libvirt); an unprivileged
# one keeps everything under its XDG folders, which the test owns.

LV_USER=nobody
LV_DIR="$T/lv"
LV_PID=
SSHD_PID=

# lv_skip WHY: the whole test is skipped (one "ok # SKIP" line).
lv_skip() { echo "ok - libvirt host # SKIP $1"; exit 0; }

# lv_start: starts libvirtd and sshd; sets LV_URI, LV_SOCK, LV_PORT.
# $LV_QEMU_CONF, when set, is added to the daemon's qemu.conf.
lv_start() {
	local i
	[ "$(id -u)" = 0 ] || lv_skip "needs root (sshd, and libvirtd as $LV_USER)"
	for i in libvirtd sshd ssh-keygen nc setpriv virsh; do
		command -v "$i" >/dev/null || PATH=$PATH:/usr/sbin command -v "$i" >/dev/null ||
			lv_skip "$i is missing: make deps"
	done
	# $T is root's 0700; nobody may pass through it to its own folder.
	chmod 0711 "${T:?}"
	mkdir -p "$LV_DIR"/{home,run,config/libvirt,cache,data,pool} "$T/ssh"
	# The session daemon's qemu.conf: QEMU's output to a file, not
	# through virtlogd (one daemon fewer to start and end).
	# VNC ports away from 5900+, where this machine's local nodes take
	# theirs: libvirt's check that a port is free and QEMU's bind of it
	# are two steps, and one remote start here failed with display 0
	# taken between them.
	# Tests in other lanes of tests/run (TESTS_LANE=K/N) run daemons of
	# their own at the same time: each lane takes its part of the range,
	# or two daemons could both find one port free and hand it out.
	local vnc_min=45900 vnc_span=1000 lane=${TESTS_LANE:-0/1}
	case "$lane" in
	[0-9]*/[1-9]*) vnc_span=$((1000 / ${lane#*/})) vnc_min=$((45900 + ${lane%/*} * vnc_span)) ;;
	esac
	printf 'stdio_handler = "file"\nremote_display_port_min = %s\nremote_display_port_max = %s\n%s\n' \
		"$vnc_min" "$((vnc_min + vnc_span - 1))" "${LV_QEMU_CONF:-}" >"$LV_DIR/config/libvirt/qemu.conf"
	printf 'unix_sock_dir = "%s"\nunix_sock_rw_perms = "0700"\nauth_unix_rw = "none"\n' \
		"$LV_DIR/run" >"$LV_DIR/libvirtd.conf"
	chown -R "$LV_USER" "$LV_DIR"
	chmod 0700 "$LV_DIR"
	LV_SOCK="$LV_DIR/run/libvirt-sock"
	# $LV_KVM=1: the daemon sees a /dev/kvm it may open, so its
	# capabilities offer kvm domains (a session daemon offers kvm only
	# when its user can open /dev/kvm, and this machine's is root's
	# 0600). The node is the test's own (same device numbers, owned by
	# $LV_USER), bound over /dev/kvm in a mount namespace of the
	# daemon's alone: the machine's /dev/kvm is not changed.
	local ns=()
	if [ "${LV_KVM:-0}" = 1 ]; then
		[ -c /dev/kvm ] || lv_skip "no /dev/kvm"
		command -v unshare >/dev/null || lv_skip "unshare is missing"
		mknod -m 0600 "$LV_DIR/kvm" c "$((16#$(stat -c %t /dev/kvm)))" "$((16#$(stat -c %T /dev/kvm)))"
		chown "$LV_USER" "$LV_DIR/kvm"
		ns=(unshare -m --propagation private sh -c 'mount --bind "$0" /dev/kvm && exec "$@"' "$LV_DIR/kvm")
	fi
	"${ns[@]}" setpriv --reuid="$LV_USER" --regid=nogroup --clear-groups \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$LV_DIR/home" \
		XDG_RUNTIME_DIR="$LV_DIR/run" XDG_CONFIG_HOME="$LV_DIR/config" \
		XDG_CACHE_HOME="$LV_DIR/cache" XDG_DATA_HOME="$LV_DIR/data" \
		"$(PATH=$PATH:/usr/sbin command -v libvirtd)" -f "$LV_DIR/libvirtd.conf" \
		>"$T/libvirtd.log" 2>&1 &
	LV_PID=$!
	at_exit lv_stop
	# The socket comes first; the first call waits until the QEMU driver
	# has probed QEMU's capabilities, many seconds on a loaded machine.
	if ! wait_for 120 lv_virsh version; then
		not_ok "libvirtd starts" "$(tail -n 5 "$T/libvirtd.log")"
		exit 1
	fi

	# sshd: root logs in with the test's key only, on loopback only.
	ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/user_key"
	cp "$T/ssh/user_key.pub" "$T/ssh/authorized_keys"
	LV_PORT=$(free_port tcp)
	cat >"$T/ssh/sshd_config" <<-CONF
	Port $LV_PORT
	ListenAddress 127.0.0.1
	HostKey $T/ssh/host_key
	PidFile $T/ssh/sshd.pid
	AuthorizedKeysFile $T/ssh/authorized_keys
	PermitRootLogin prohibit-password
	AllowUsers root
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	UsePAM no
	StrictModes no
	X11Forwarding no
	CONF
	# sshd refuses to start without its privilege separation folder,
	# which the package makes only through its init script.
	[ -d /run/sshd ] || install -d -m 0755 /run/sshd
	"$(PATH=$PATH:/usr/sbin command -v sshd)" -D -e -f "$T/ssh/sshd_config" >"$T/sshd.log" 2>&1 &
	SSHD_PID=$!
	if ! wait_for 10 nc -z 127.0.0.1 "$LV_PORT"; then
		not_ok "sshd starts" "$(tail -n 5 "$T/sshd.log")"
		exit 1
	fi
	# libvirt's ssh transport runs command= in place of ssh; ssh takes
	# the first value it is given for an option, so ours come before
	# libvirt's own arguments.
	printf '[127.0.0.1]:%s %s\n' "$LV_PORT" "$(cut -d' ' -f1,2 "$T/ssh/host_key.pub")" \
		>"$T/ssh/known_hosts"
	LV_SSH="$T/ssh/lv-ssh"
	cat >"$LV_SSH" <<-WRAP
	#!/bin/sh
	set -eu
	exec ssh -o UserKnownHostsFile=$T/ssh/known_hosts -o GlobalKnownHostsFile=/dev/null \\
		-o StrictHostKeyChecking=yes -o UpdateHostKeys=no -o BatchMode=yes \\
		-o IdentitiesOnly=yes -i $T/ssh/user_key "\$@"
	WRAP
	chmod 0700 "$LV_SSH"
	LV_URI="qemu+ssh://root@127.0.0.1:$LV_PORT/session?socket=$LV_SOCK&command=$LV_SSH&proxy=netcat"
	# The first calls through ssh can wait many seconds more: wait
	# until one is answered, so the test's own deadlines start fair.
	if ! wait_for 120 timeout 10 virsh -q -c "$LV_URI" version; then
		not_ok "libvirtd answers over ssh" "$(tail -n 5 "$T/libvirtd.log" "$T/sshd.log")"
		exit 1
	fi
}

# lv_sshd_stop / lv_sshd_start: the host goes away and comes back.
lv_sshd_stop() {
	[ -n "$SSHD_PID" ] || return 0
	kill "$SSHD_PID" 2>/dev/null || true
	wait "$SSHD_PID" 2>/dev/null || true
	SSHD_PID=
}
lv_sshd_start() {
	"$(PATH=$PATH:/usr/sbin command -v sshd)" -D -e -f "$T/ssh/sshd_config" >>"$T/sshd.log" 2>&1 &
	SSHD_PID=$!
	wait_for 10 nc -z 127.0.0.1 "$LV_PORT"
}

# lv_drop NODE: a real drop of NODE's connection to the host: its sshd
# stopped (it answers no new login), then the ssh the node's keeper's
# libvirt runs (a child of the keeper, its session alive past the stop)
# killed. $lv_dropped is the pid it killed, or empty.
lv_drop() {
	lv_sshd_stop
	lv_dropped=$(lv_conn_ssh "$1")
	[ -z "$lv_dropped" ] || kill "$lv_dropped"
}

# lv_lab: lv_start, then the lab's image tiny and the host lv added,
# nodes ended before the host (last added runs first). The session
# daemon runs as nobody and cannot write the default pool folder; the
# test's own folder it can.
lv_lab() {
	lv_start
	export SANDLAB_REMOTE_POOL_DIR="$LV_DIR/pool"
	lab_image tiny
	"$SANDLAB" host add lv "$LV_URI" --address 127.0.0.1 >/dev/null
	at_exit _run_cleanup
}

# lv_dom NODE: the node's domain name on the host (domxml_name).
lv_dom() { local id; id=$(node_id "$1"); echo "sandlab-$(basename "$SANDLAB_LAB")-$1-${id:0:8}"; }
# lv_doms: the domains the host runs, sorted.
lv_doms() { lv_virsh list --name 2>/dev/null | sed '/^$/d' | sort; }
# pool_vols: the names in the host's sandlab pool, one a line, sorted
# (refreshed first: libvirt makes a NVRAM file outside the pool's API).
pool_vols() {
	lv_virsh pool-refresh sandlab >/dev/null 2>&1 || true
	lv_virsh vol-list sandlab 2>/dev/null | awk '{print $1}' | sort
}
# pool_is NAME...: the pool holds exactly these volumes.
pool_is() { [ "$(pool_vols | tr '\n' ' ')" = "$(printf '%s\n' "$@" | sort | tr '\n' ' ')" ]; }

# lv_conn_ssh NODE: the pid of the ssh that carries NODE's libvirt
# connection: the lab's one ssh to host lv (its argv forwards the lab's
# run/hosts/lv.sock), or else an ssh child of the node's keeper (a URI
# that cannot share one); empty when there is none.
lv_conn_ssh() {
	local p kp
	for p in $(pgrep -x ssh || true); do
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- " $SANDLAB_LAB/run/hosts/lv.sock:"; then
			echo "$p"
			return 0
		fi
	done
	kp=$(run_get "$1" keeper_pid)
	[ -z "$kp" ] || pgrep -P "$kp" -x ssh | head -n 1 || true
}

# lv_virsh ARGS...: virsh on the test's daemon, straight through its socket.
lv_virsh() { virsh -q -c "qemu:///session?socket=$LV_SOCK" "$@"; }

# lv_listeners: "ADDR:PORT" of every TCP/UDP socket our daemons listen
# on, and the QEMUs the session daemon started (they leave its process
# tree, so they are found as $LV_USER's processes that name $LV_DIR).
lv_listeners() {
	local p pids="$LV_PID $SSHD_PID"
	pids="$pids $( (pgrep -u "$LV_USER" -f -- "$LV_DIR" || true) | tr "\n" " ")"
	for p in $pids; do
		ss -Hlntup 2>/dev/null | awk -v p="pid=$p," 'index($0, p) {print $5}'
	done
}

# lv_stop: destroys what the daemon still runs, ends sshd and libvirtd
# (by pid) and waits for them.
lv_stop() {
	local d
	if [ -n "$LV_PID" ] && [ -S "${LV_SOCK:-}" ]; then
		for d in $(lv_virsh list --name 2>/dev/null); do
			lv_virsh destroy "$d" >/dev/null 2>&1 || true
		done
	fi
	lv_sshd_stop
	if [ -n "$LV_PID" ]; then
		kill "$LV_PID" 2>/dev/null || true
		wait "$LV_PID" 2>/dev/null || true
		LV_PID=
	fi
	# A QEMU the daemon could not be asked to destroy (it hung, or the
	# test was cut short) names this test's folders in its argv: it is
	# this test's, and goes too (one was seen left running for an hour).
	local q
	for q in $(pgrep -f -- "$LV_DIR/" 2>/dev/null || true); do
		kill -9 "$q" 2>/dev/null || true
	done
}
