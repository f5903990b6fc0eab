#!/usr/bin/env bash
# net-link.sh: two linux guests joined by a link (UDP on loopback):
# addresses set through their consoles, a ping crosses the link; one end
# restarts (same MAC, new QEMU on the same port) and the ping works again.
# The same two boots show each NIC model sandlab claims across a link
# (issue 10): besides eth0 (virtio), each node has eth1-eth7 of models
# e1000, e1000e, rtl8139, vmxnet3, pcnet, i82559er and ne2k_pci, ethN
# linked to the other's ethN; each guest binds that model's driver to the NIC with the lab's
# MAC, and a pings b over every one of them.
set -eu
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-run.sh"
source "$(dirname "$0")/../lib-net.sh"

lab_image linux
# MODEL:DRIVER for eth1.. (QEMU's rtl8139 is a C+ chip: 8139cp takes it)
MODELS="e1000:e1000 e1000e:e1000e rtl8139:8139cp vmxnet3:vmxnet3 pcnet:pcnet32 i82559er:e100 ne2k_pci:ne2k-pci"
"$SANDLAB" node create a --image linux --ram 128 --nics 8 >/dev/null
"$SANDLAB" node create b --image linux --ram 128 --nics 8 >/dev/null
check "link a:eth0 to b:eth0" "$SANDLAB" link add a:eth0 b:eth0
i=0
for pair in $MODELS; do
	i=$((i + 1))
	for n in a b; do "$SANDLAB" nic set "$n:eth$i" --model "${pair%%:*}" >/dev/null; done
	"$SANDLAB" link add "a:eth$i" "b:eth$i" >/dev/null
done
check "nic ls has each model on its NIC" sh -c "'$SANDLAB' nic ls b | grep -q '^eth1 *e1000 ' && '$SANDLAB' nic ls b | grep -q '^eth5 *pcnet '"
check "node cmd has each model's device" sh -c "'$SANDLAB' node cmd a | grep -q -- '-device vmxnet3,id=nic4,netdev=net4,mac='"
check "both nodes start together" "$SANDLAB" node start a b
guest_up 1 a
guest_up 2 b
mac_a=$(nic_mac a 0)
mac_b=$(nic_mac b 0)
if gsh 1 20 "ip link show eth0 | grep -q $mac_a" && gsh 2 20 "ip link show eth0 | grep -q $mac_b"; then
	ok "each guest's eth0 has the MAC the lab gave it"; else not_ok "guest MACs" "$(guest_tail 1)"; fi
if gsh 1 20 "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up" &&
   gsh 2 20 "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up"; then
	ok "addresses set through the consoles"; else not_ok "addresses" "$(guest_tail 1) / $(guest_tail 2)"; fi
if gsh 1 60 "ping -c 2 -w 40 10.0.0.2 >/dev/null"; then ok "a pings b across the link"; else not_ok "a pings b" "$(guest_tail 1)"; fi
if gsh 2 60 "ping -c 2 -w 40 10.0.0.1 >/dev/null"; then ok "b pings a"; else not_ok "b pings a" "$(guest_tail 2)"; fi
if "$SANDLAB" link ls | grep -Eq "a:eth0 +b:eth0 .* up, up"; then ok "link ls: up at both ends"; else not_ok "link ls" "$("$SANDLAB" link ls)"; fi

# Each model across its link. The guest names NICs in the order their
# drivers load, so a NIC is found by the MAC the lab gave it.
# nic_up N MAC ADDR DRIVER: the guest of console N has a NIC with MAC,
# bound by DRIVER; it gets ADDR/24 and goes up.
nic_up() {
	gsh "$1" 30 "d=\$(grep -il '$2' /sys/class/net/*/address) && d=\${d%/address} && [ \$(basename \$(readlink \$d/device/driver)) = $4 ] && ip addr add $3/24 dev \${d##*/} && ip link set \${d##*/} up"
}
i=0
for pair in $MODELS; do
	i=$((i + 1))
	model=${pair%%:*} drv=${pair#*:}
	if nic_up 1 "$(nic_mac a "$i")" "10.1.$i.1" "$drv" && nic_up 2 "$(nic_mac b "$i")" "10.1.$i.2" "$drv"; then
		ok "$model: each guest binds $drv to the NIC with the lab's MAC"
	else
		not_ok "$model: each guest binds $drv to the NIC with the lab's MAC" "$(guest_tail 1) / $(guest_tail 2)"
	fi
	# e1000e drops what comes in for a while after it goes up (seen: 3
	# pings lost, then every one answered): up to ten tries of 3 s
	if gsh 1 60 "n=0; until ping -c 1 -W 3 10.1.$i.2 >/dev/null; do n=\$((n+1)); [ \$n -lt 10 ] || break; done; [ \$n -lt 10 ]"; then
		ok "$model: a pings b across the link a:eth$i - b:eth$i"
	else
		not_ok "$model: a pings b across the link a:eth$i - b:eth$i" "$(guest_tail 1)"
	fi
done

# One end goes away and comes back; the other keeps running.
console_close 2
check "b restarts" "$SANDLAB" node restart b --grace 20
guest_up 3 b
if gsh 3 20 "ip link show eth0 | grep -q $mac_b"; then ok "b has the same MAC after its restart"; else not_ok "MAC after restart" "$(guest_tail 3)"; fi
gsh 3 20 "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up" || true
if gsh 1 60 "ping -c 2 -w 40 10.0.0.2 >/dev/null"; then ok "a pings b again after b restarted"; else not_ok "ping after restart" "$(guest_tail 1)"; fi
console_close 1
console_close 3
rc=0
out=$("$SANDLAB" node stop a b --grace 20 2>&1) || rc=$?
if [ "$rc" = 0 ] && state_is a stopped && state_is b stopped; then ok "both stop"; else not_ok "stop" "$out"; fi

run_done
