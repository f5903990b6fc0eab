/* Unit tests of the pure parts of net.c: NIC references, MACs, forwards,
 * the signature the keeper records and what differs from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host.h"
#include "net.h"
#include "wire.h"

static void
refs(void **state)
{
	char node[64];
	struct err e;
	int idx;

	assert_int_equal(net_ref_parse("r1:eth0", node, sizeof node, &idx, &e), 0);
	assert_string_equal(node, "r1");
	assert_int_equal(idx, 0);
	assert_int_equal(net_ref_parse("a.b-c:eth31", node, sizeof node, &idx, &e), 0);
	assert_int_equal(idx, 31);
	assert_int_equal(net_ref_parse("r1:eth32", node, sizeof node, &idx, &e), -1);
	assert_int_equal(net_ref_parse("r1:eth", node, sizeof node, &idx, &e), -1);
	assert_int_equal(net_ref_parse("r1:eth-1", node, sizeof node, &idx, &e), -1);
	assert_int_equal(net_ref_parse("r1:0", node, sizeof node, &idx, &e), -1);
	assert_int_equal(net_ref_parse(":eth0", node, sizeof node, &idx, &e), -1);
	assert_int_equal(net_ref_parse("r1", node, sizeof node, &idx, &e), -1);
	assert_non_null(strstr(e.msg, "NODE:ethN"));
	/* too long for the buffer: refused, not cut */
	assert_int_equal(net_ref_parse("abcdefghij:eth0", node, 8, &idx, &e), -1);
	/* a control byte is shown escaped in the message */
	assert_int_equal(net_ref_parse("r\x1b[2J", node, sizeof node, &idx, &e), -1);
	assert_null(strchr(e.msg, '\x1b'));
}

static void
macs(void **state)
{
	char mac[18];
	struct err e;

	assert_int_equal(nic_mac_parse("52:54:00:AB:cd:01", mac, &e), 0);
	assert_string_equal(mac, "52:54:00:ab:cd:01");
	assert_int_equal(nic_mac_parse("53:54:00:ab:cd:01", mac, &e), -1);   /* multicast */
	assert_non_null(strstr(e.msg, "multicast"));
	assert_int_equal(nic_mac_parse("ff:ff:ff:ff:ff:ff", mac, &e), -1);
	assert_int_equal(nic_mac_parse("00:00:00:00:00:00", mac, &e), -1);
	assert_int_equal(nic_mac_parse("52:54:00:ab:cd", mac, &e), -1);
	assert_int_equal(nic_mac_parse("52-54-00-ab-cd-01", mac, &e), -1);
	assert_int_equal(nic_mac_parse("52:54:00:ab:cd:0g", mac, &e), -1);
	assert_int_equal(nic_mac_parse("52:54:00:ab:cd:01,x", mac, &e), -1);
	assert_int_equal(nic_mac_parse("", mac, &e), -1);
}

static void
forwards(void **state)
{
	struct nic_fwd f;
	struct err e;
	char buf[32];

	assert_int_equal(net_fwd_parse("tcp:2222:22", 1, &f, &e), 0);
	assert_string_equal(f.proto, "tcp");
	assert_int_equal(f.host_port, 2222);
	assert_int_equal(f.guest_port, 22);
	assert_string_equal(net_fwd_format(&f, buf, sizeof buf), "tcp:2222:22");
	assert_int_equal(net_fwd_parse("udp:5353:53", 1, &f, &e), 0);
	assert_int_equal(net_fwd_parse("tcp:2222", 1, &f, &e), -1);
	assert_int_equal(net_fwd_parse("tcp:2222", 0, &f, &e), 0);           /* unforward */
	assert_int_equal(f.host_port, 2222);
	assert_int_equal(net_fwd_parse("sctp:2222:22", 1, &f, &e), -1);
	assert_int_equal(net_fwd_parse("tcp:0:22", 1, &f, &e), -1);
	assert_int_equal(net_fwd_parse("tcp:65536:22", 1, &f, &e), -1);
	assert_int_equal(net_fwd_parse("tcp:2222:22:1", 1, &f, &e), -1);
	assert_int_equal(net_fwd_parse("tcp:2222:22,hostfwd=x", 1, &f, &e), -1);
	/* the link range is the lab's own */
	assert_int_equal(net_fwd_parse("tcp:40000:22", 1, &f, &e), -1);
	assert_non_null(strstr(e.msg, "links"));
	assert_int_equal(net_fwd_parse("tcp:49999:22", 1, &f, &e), -1);
	assert_int_equal(net_fwd_parse("tcp:50000:22", 1, &f, &e), 0);
}

/* SANDLAB_LINK_PORTS: the range new links pick from, inside the links' own. */
static void
link_range(void **state)
{
	struct err e;
	int lo = 0, hi = 0;

	assert_int_equal(net_link_range_parse("41000-41999", &lo, &hi, &e), 0);
	assert_int_equal(lo, 41000);
	assert_int_equal(hi, 41999);
	assert_int_equal(net_link_range_parse("40000-40001", &lo, &hi, &e), 0);
	assert_int_equal(lo, 40000);
	assert_int_equal(hi, 40001);
	lo = hi = 7;
	assert_int_equal(net_link_range_parse("41000", &lo, &hi, &e), -1);
	assert_non_null(strstr(e.msg, "write FIRST-LAST"));
	assert_int_equal(lo, 7);
	assert_int_equal(net_link_range_parse("39999-41000", &lo, &hi, &e), -1);
	assert_non_null(strstr(e.msg, "ports from 40000 to 49999"));
	assert_int_equal(net_link_range_parse("41000-50000", &lo, &hi, &e), -1);
	assert_int_equal(net_link_range_parse("41000-x", &lo, &hi, &e), -1);
	assert_int_equal(net_link_range_parse("-41000", &lo, &hi, &e), -1);
	assert_int_equal(net_link_range_parse("41000-41000", &lo, &hi, &e), -1);
	assert_non_null(strstr(e.msg, "needs two ports"));
	assert_int_equal(net_link_range_parse("41001-41000", &lo, &hi, &e), -1);
	assert_int_equal(lo, 7);
	assert_int_equal(hi, 7);
}

static void
models(void **state)
{
	struct err e;

	assert_int_equal(nic_model_check("virtio-net-pci", &e), 0);
	assert_int_equal(nic_model_check("e1000", &e), 0);
	/* any device name: which ones this QEMU has is qemuprobe's to say */
	assert_int_equal(nic_model_check("rtl8139", &e), 0);
	assert_int_equal(nic_model_check("rtl8139,romfile=/x", &e), -1);
	assert_string_equal(e.msg, "NIC model \"rtl8139,romfile=/x\": a QEMU network device name such as "
	    "virtio-net-pci, e1000, e1000e, rtl8139 or vmxnet3 (qemu-system-x86_64 -device help lists them)");
	assert_int_equal(nic_model_check("-device", &e), -1);
	assert_int_equal(nic_model_check("", &e), -1);
	assert_int_equal(nic_model_check(NULL, &e), -1);
}

static void
signature_and_pending(void **state)
{
	struct nic_fwd f[1] = { { "tcp", 2222, 22 } };
	struct nic v[3];
	char *sig;

	memset(v, 0, sizeof v);
	for (int i = 0; i < 3; i++) {
		v[i].idx = i;
		strcpy(v[i].model, "virtio-net-pci");
		snprintf(v[i].mac, sizeof v[i].mac, "52:54:00:00:00:%02x", i);
		strcpy(v[i].attach, "none");
	}
	strcpy(v[0].attach, "user");
	v[0].fwds = f;
	v[0].nfwds = 1;
	strcpy(v[1].attach, "link");
	v[1].local_port = 40000;
	v[1].remote_port = 40001;
	sig = net_signature(v, 3);
	assert_string_equal(sig,
	    "eth0 virtio-net-pci 52:54:00:00:00:00 user tcp:2222:22\n"
	    "eth1 virtio-net-pci 52:54:00:00:00:01 wire\n"
	    "eth2 virtio-net-pci 52:54:00:00:00:02 wire\n");
	assert_int_equal(net_pending(sig, v, 3), 0);
	assert_int_equal(net_pending(NULL, v, 3), 0);
	/* a new forward, a new port, a new model: that NIC only */
	v[0].nfwds = 0;
	assert_int_equal(net_pending(sig, v, 3), 1u << 0);
	v[0].nfwds = 1;
	/* a link's ports, or the link itself, are the wire's: live, not pending */
	v[1].remote_port = 40005;
	assert_int_equal(net_pending(sig, v, 3), 0);
	v[1].remote_port = 40001;
	strcpy(v[1].attach, "none");
	assert_int_equal(net_pending(sig, v, 3), 0);
	strcpy(v[1].attach, "user");
	assert_int_equal(net_pending(sig, v, 3), 1u << 1);
	strcpy(v[1].attach, "link");
	strcpy(v[2].model, "e1000");
	assert_int_equal(net_pending(sig, v, 3), 1u << 2);
	strcpy(v[2].model, "virtio-net-pci");
	/* NICs removed since the start, and added */
	assert_int_equal(net_pending(sig, v, 2), 1u << 2);
	assert_int_equal(net_pending("eth0 virtio-net-pci 52:54:00:00:00:00 user tcp:2222:22\n", v, 2),
	    1u << 1);
	/* a prefix of a line is not the line */
	assert_int_equal(net_pending("eth0 virtio-net-pci 52:54:00:00:00:00 user tcp:2222:22 tcp:1:1\n"
	    "eth1 virtio-net-pci 52:54:00:00:00:01 wire\n", v, 2), 1u << 0);
	free(sig);
	/* A remote node's NIC on no wire: "off", which rows never give, so
	 * it waits for a restart; a user-mode NIC is user whatever the mask. */
	sig = net_signature_off(v, 3, 1u << 0 | 1u << 2);
	assert_string_equal(sig,
	    "eth0 virtio-net-pci 52:54:00:00:00:00 user tcp:2222:22\n"
	    "eth1 virtio-net-pci 52:54:00:00:00:01 wire\n"
	    "eth2 virtio-net-pci 52:54:00:00:00:02 off\n");
	assert_int_equal(net_pending(sig, v, 3), 1u << 2);
	free(sig);
}

/* The line a remote node's run records for each wire, and back. */
static void
plug_lines(void **state)
{
	struct wire_plug p = { .idx = 3, .here = "fd00::2", .here_port = 45010, .there = "10.0.0.5",
	    .there_port = 45011 }, q;
	char line[160];

	(void)state;
	wire_plug_line(&p, line, sizeof line);
	assert_string_equal(line, "plug eth3 fd00::2 45010 10.0.0.5 45011");
	memset(&q, 0, sizeof q);
	assert_int_equal(wire_plug_parse(line, &q), 1);
	assert_int_equal(q.idx, 3);
	assert_string_equal(q.here, "fd00::2");
	assert_int_equal(q.here_port, 45010);
	assert_string_equal(q.there, "10.0.0.5");
	assert_int_equal(q.there_port, 45011);
	/* Not plug lines, or out of range: left alone. */
	q.idx = 7;
	assert_int_equal(wire_plug_parse("eth3 virtio-net-pci 52:54:00:00:00:03 wire", &q), 0);
	assert_int_equal(wire_plug_parse("plug eth3 127.0.0.1 0 127.0.0.1 45011", &q), 0);
	assert_int_equal(wire_plug_parse("plug eth3 127.0.0.1 45010 127.0.0.1 65536", &q), 0);
	assert_int_equal(wire_plug_parse("plug eth32 127.0.0.1 45010 127.0.0.1 45011", &q), 0);
	assert_int_equal(wire_plug_parse("plug eth3 127.0.0.1 45010", &q), 0);
	assert_int_equal(q.idx, 7);
}

/* This machine's address toward a host, from the routing table. */
static void
here_toward(void **state)
{
	char here[46];
	struct err e;

	(void)state;
	assert_int_equal(wire_here("127.0.0.1", here, sizeof here, &e), 0);
	assert_string_equal(here, "127.0.0.1");
	assert_int_equal(wire_here("::1", here, sizeof here, &e), 0);
	assert_string_equal(here, "::1");
	/* A link-local address without its zone cannot be sent to. */
	assert_int_equal(wire_here("fe80::1", here, sizeof here, &e), -1);
	assert_non_null(strstr(e.msg, "this machine has no route to fe80::1: "));
	assert_int_equal(wire_here("lv.example", here, sizeof here, &e), -1);
	assert_string_equal(e.msg, "\"lv.example\" is not an IP address");
}

/* A host's address is one machine's. */
static void
host_addresses(void **state)
{
	static const char *good[] = { "10.0.0.5", "127.0.0.1", "192.0.2.9", "223.255.255.254",
	    "::1", "fd00::2", "fe80::1" };
	static const char *bad[] = { "0.0.0.0", "224.0.0.1", "239.1.2.3", "255.255.255.255", "::",
	    "ff02::1" };
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		assert_int_equal(host_check_address(good[i], &e), 0);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(host_check_address(bad[i], &e), -1);
		assert_non_null(strstr(e.msg, " is not one host's address (any, multicast or broadcast)"));
	}
	assert_int_equal(host_check_address("lv.example", &e), -1);
	assert_string_equal(e.msg, "\"lv.example\" is not an IPv4 or IPv6 address");
}

static void
qemu_view(void **state)
{
	struct nic_fwd f[2] = { { "tcp", 2222, 22 }, { "udp", 5353, 53 } };
	struct nic v[1];
	struct qemu_nic *q;
	char *nd;

	memset(v, 0, sizeof v);
	strcpy(v[0].model, "e1000");
	strcpy(v[0].mac, "52:54:00:00:00:09");
	strcpy(v[0].attach, "user");
	v[0].fwds = f;
	v[0].nfwds = 2;
	q = net_qemu_nics(v, 1);
	nd = qemu_netdev(&q[0]);
	assert_string_equal(nd, "user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp:127.0.0.1:5353-:53");
	free(nd);
	net_qemu_nics_free(q, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refs),
		cmocka_unit_test(macs),
		cmocka_unit_test(forwards),
		cmocka_unit_test(link_range),
		cmocka_unit_test(models),
		cmocka_unit_test(signature_and_pending),
		cmocka_unit_test(plug_lines),
		cmocka_unit_test(here_toward),
		cmocka_unit_test(host_addresses),
		cmocka_unit_test(qemu_view),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
