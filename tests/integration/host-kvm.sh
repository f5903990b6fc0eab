#!/usr/bin/env bash
# host-kvm.sh: accelerator auto on a libvirt host whose capabilities offer
# KVM but whose KVM cannot run the guest (this machine's nested KVM: QEMU
# aborts in kvm_buf_set_msrs). The test's daemon sees a /dev/kvm it may
# open (LV_KVM=1, tests/lib-libvirt.sh), so it offers kvm domains; a node
# with auto is then tried with kvm, and started again with tcg, the reason
# shown, as a local node's start does (keeper_qemu_exited). A node set to
# kvm is refused with QEMU's reason and leaves nothing on the host.
# On a machine whose KVM runs the guest, the fallback cases are skipped.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/lib-net.sh"
source "$TOP/tests/lib-run.sh"
source "$TOP/tests/lib-libvirt.sh"

S=$SANDLAB
LV_KVM=1 lv_lab

# caps_has TYPE: the daemon's capabilities offer TYPE domains. One look
# is not enough: on a loaded machine a look failed or came back without
# the kvm domains that the next look, a moment later, had (seen in CI),
# and the test skipped itself. So: wait for the qemu domains, which any
# daemon that has probed QEMU offers, then give kvm a few seconds.
caps_has() { lv_virsh capabilities 2>/dev/null | grep -q "<domain type='$1'"; }
if ! wait_for 60 caps_has qemu; then
	not_ok "the test's host offers qemu domains" "$(lv_virsh capabilities 2>&1 | tail -n 5)"
	run_done
	exit 0
fi
if wait_for 10 caps_has kvm; then
	ok "the test's host offers kvm domains"
else
	echo "ok - the host offers no kvm domains # SKIP its daemon cannot use /dev/kvm here"
	run_done
	exit 0
fi

"$S" node create r1 --image tiny --ram 64 --nics 0 --host lv >/dev/null
dom1=$(lv_dom r1)
out=$(timeout 240 "$S" node start r1 2>&1) || true
if state_is r1 running; then ok "r1 (auto) starts on lv"; else not_ok "r1 (auto) starts on lv" "$out"; fi
accel=$(run_get r1 accel)
if [ "$accel" = kvm ]; then
	echo "ok - auto fell back to tcg # SKIP this machine's KVM runs the guest"
else
	check "r1 runs with tcg" test "$accel" = tcg
	check "the start said why and that it tried again" has "$out" \
		"QEMU could not run with KVM \\(.*kvm.*\\); trying again with tcg"
	check "and where it runs, with the reason" has "$out" \
		"running on host lv as domain $dom1 \\(tcg: QEMU could not run with KVM"
	show=$("$S" node show r1)
	check "node show: tcg, fell back from auto, with the reason" has "$show" \
		"^accel: +tcg \\(setting auto; fell back to tcg: QEMU could not run with KVM \\(.*kvm"
	check "the host runs r1's domain as a qemu (tcg) domain" sh -c \
		"virsh -q -c 'qemu:///session?socket=$LV_SOCK' dumpxml '$dom1' | grep -q \"<domain type='qemu'\""
	img=$(sqlite3 "$SANDLAB_LAB/lab.db" "SELECT id FROM images WHERE name = 'tiny'")
	check "the pool holds the image, its mark and one disk of r1's" test "$(pool_vols | tr '\n' ' ')" = \
		"$(printf '%s\n' "image-$img" "image-$img.ok" "$dom1.qcow2" | sort | tr '\n' ' ')"
	console_open 1 r1
	if wait_for 60 out_has 1 "tiny login: "; then ok "r1's banner through sandlab console"; else not_ok "r1's banner through sandlab console" "$(cat "$T/cout.1" "$T/cerr.1")"; fi
	console_close 1

	# kvm, not auto: no fallback; QEMU's reason, and r2's disk goes.
	"$S" node create r2 --image tiny --ram 64 --nics 0 --host lv --accel kvm >/dev/null
	rc=0
	out=$(timeout 240 "$S" node start r2 2>&1) || rc=$?
	check "r2 (kvm) is refused" test "$rc" != 0
	check "with libvirt's reason, naming the host" has "$out" "cannot start r2: the host refused the domain: "
	check "and no tcg try" sh -c '! printf "%s" "$1" | grep -q "trying again with tcg"' _ "$out"
	check "r2 is stopped, its last start failed" ended r2 stopped failed
	check "r2's disk was removed; r1's domain alone runs" sh -c \
		'! printf "%s\n" "$1" | grep -q "$2" && [ "$3" = "$4" ]' _ "$(pool_vols)" "$(lv_dom r2)" "$(lv_doms)" "$dom1"
fi
check "r1 stops" timeout 120 "$S" node kill r1
run_done
