/*
 * test_qemu.c: the QEMU argv builder: formats on every drive, commas in
 * paths doubled, no shell, loopback VNC unless a password is set, NICs
 * from the node's rows (user-mode NAT with loopback forwards, UDP links),
 * the cloud-init seed as a read-only CD-ROM of its own; plus shell quoting for `node cmd` and reading
 * QEMU's VNC failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proc.h"
#include "qemu.h"

static const struct qemu_fwd fwds[] = {
	{ .proto = "tcp", .host_port = 2222, .guest_port = 22 },
	{ .proto = "udp", .host_port = 5353, .guest_port = 53 },
};

static const struct qemu_nic nics[] = {
	{ .idx = 0, .model = "virtio-net-pci", .mac = "52:54:00:aa:bb:01", .attach = "user" },
	{ .idx = 1, .model = "e1000", .mac = "52:54:00:aa:bb:02", .attach = "none" },
	{ .idx = 2, .model = "virtio-net-pci", .mac = "52:54:00:aa:bb:03", .attach = "link",
	  .local_port = 40000, .remote_port = 40001 },
};

static struct qemu_cfg
base_cfg(void)
{
	struct qemu_cfg c = {
		.name = "r1", .disk = "/lab/overlays/a.qcow2", .disk_format = "qcow2",
		.ram_mb = 64, .cpus = 2, .accel = "tcg", .vnc_display = 3, .qmp_fd = 3,
	};
	return c;
}

/* The value after the n-th occurrence of opt, or NULL. */
static const char *
opt_value(char **argv, const char *opt, int nth)
{
	for (int i = 0; argv[i]; i++)
		if (strcmp(argv[i], opt) == 0 && argv[i + 1] && nth-- == 0)
			return argv[i + 1];
	return NULL;
}

static int
has_word(char **argv, const char *w)
{
	for (int i = 0; argv[i]; i++)
		if (strcmp(argv[i], w) == 0)
			return 1;
	return 0;
}

static void
basic(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct err e;
	char **v = qemu_argv(&c, &e);

	assert_non_null(v);
	assert_string_equal(v[0], "qemu-system-x86_64");
	assert_true(has_word(v, "-nodefaults"));
	assert_string_equal(opt_value(v, "-display", 0), "none");
	assert_string_equal(opt_value(v, "-name", 0), "guest=r1");
	assert_string_equal(opt_value(v, "-accel", 0), "tcg");
	assert_string_equal(opt_value(v, "-m", 0), "64");
	assert_string_equal(opt_value(v, "-smp", 0), "2");
	assert_string_equal(opt_value(v, "-vnc", 0), "127.0.0.1:3");
	assert_string_equal(opt_value(v, "-serial", 0), "chardev:serial0");
	assert_string_equal(opt_value(v, "-chardev", 0), "stdio,id=serial0,signal=off");
	assert_string_equal(opt_value(v, "-chardev", 1), "socket,id=qmp,fd=3,server=on,wait=off");
	/* No shell: nothing in the argv is a shell or its -c. */
	for (int i = 0; v[i]; i++) {
		assert_string_not_equal(v[i], "/bin/sh");
		assert_string_not_equal(v[i], "sh");
		assert_string_not_equal(v[i], "-c");
	}
	proc_argv_free(v);
}

static void
every_drive_has_format(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct err e;
	char **v = qemu_argv(&c, &e);
	int drives = 0;

	for (int i = 0; v[i]; i++)
		if (strcmp(v[i], "-drive") == 0) {
			drives++;
			assert_non_null(strstr(v[i + 1], ",format=qcow2"));
		}
	assert_int_equal(drives, 1);
	proc_argv_free(v);
	c.disk_format = "vmdk";
	assert_null(qemu_argv(&c, &e));
	c.disk_format = NULL;
	assert_null(qemu_argv(&c, &e));
}

static void
commas_doubled(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct err e;
	char **v;
	char *s = qemu_escape("a,b,,c");

	assert_string_equal(s, "a,,b,,,,c");
	free(s);
	c.disk = "/tmp/x,format=raw,file=/etc/passwd";
	c.qmp_fd = -1;
	c.qmp_path = "/run/a,b/qmp.sock";
	c.name = "n,x";
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	assert_string_equal(opt_value(v, "-drive", 0),
	    "file=/tmp/x,,format=raw,,file=/etc/passwd,format=qcow2,if=virtio");
	assert_string_equal(opt_value(v, "-chardev", 1),
	    "socket,id=qmp,path=/run/a,,b/qmp.sock,server=on,wait=off");
	assert_string_equal(opt_value(v, "-name", 0), "guest=n,,x");
	proc_argv_free(v);
}

static void
cloud_init_seed(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct err e;
	char **v = qemu_argv(&c, &e);

	/* None without a seed. */
	assert_null(opt_value(v, "-drive", 1));
	assert_false(has_word(v, "ide-cd,drive=cidata,bus=ide.1,unit=1"));
	proc_argv_free(v);
	c.seed = "/lab/seeds/x,y/seed.iso";
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	assert_string_equal(opt_value(v, "-drive", 1),
	    "file=/lab/seeds/x,,y/seed.iso,format=raw,if=none,id=cidata,media=cdrom,readonly=on");
	assert_true(has_word(v, "ide-cd,drive=cidata,bus=ide.1,unit=1"));
	proc_argv_free(v);
	c.seed = "";
	assert_null(qemu_argv(&c, &e));
	assert_string_equal(e.msg, "the cloud-init seed needs a path");
}

static void
vnc_address(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct err e;
	char **v;

	c.vnc_host = "0.0.0.0";
	assert_null(qemu_argv(&c, &e));
	assert_non_null(strstr(e.msg, "password"));
	c.vnc_password = 1;
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	assert_string_equal(opt_value(v, "-vnc", 0), "0.0.0.0:3,password=on");
	proc_argv_free(v);
	c.vnc_host = "1.2.3.4,share=ignore";
	assert_null(qemu_argv(&c, &e));
	c.vnc_host = NULL;
	c.vnc_password = 0;
	c.vnc_display = -1;
	v = qemu_argv(&c, &e);
	assert_null(opt_value(v, "-vnc", 0));
	proc_argv_free(v);
}

static void
nics_from_rows(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct err e;
	char **v;
	int devices = 0;

	c.nics = nics;
	c.nnics = 3;
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	assert_string_equal(opt_value(v, "-netdev", 0), "user,id=net0");
	/* A link is UDP on loopback: its own port, and the other end's. */
	assert_string_equal(opt_value(v, "-netdev", 1), "dgram,id=net2,local.type=inet,"
	    "local.host=127.0.0.1,local.port=40000,remote.type=inet,remote.host=127.0.0.1,remote.port=40001");
	assert_null(opt_value(v, "-netdev", 2));
	for (int i = 0; v[i]; i++)
		if (strcmp(v[i], "-device") == 0 && strstr(v[i + 1], "mac=") != NULL)
			devices++;
	assert_int_equal(devices, 3);
	assert_non_null(strstr(opt_value(v, "-device", 1), "virtio-net-pci,id=nic0,netdev=net0,mac=52:54:00:aa:bb:01"));
	/* attach none: a NIC with no backend */
	assert_string_equal(opt_value(v, "-device", 2), "e1000,id=nic1,mac=52:54:00:aa:bb:02");
	assert_string_equal(opt_value(v, "-device", 3), "virtio-net-pci,id=nic2,netdev=net2,mac=52:54:00:aa:bb:03");
	proc_argv_free(v);

	struct qemu_nic bad = { .idx = 0, .model = "rtl8139,netdev=x", .mac = "52:54:00:aa:bb:01",
	    .attach = "none" };
	c.nics = &bad;
	c.nnics = 1;
	assert_null(qemu_argv(&c, &e));
	bad.model = "e1000";
	bad.mac = "52:54:00:aa:bb:01,x";
	assert_null(qemu_argv(&c, &e));
}

/* On wires (wire.h): every NIC but NAT gets the wire's socket at
 * wire_fd_base + idx, linked or not; NAT is as without wires. */
static void
nics_on_wires(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct err e;
	char **v;

	c.nics = nics;
	c.nnics = 3;
	c.wire_fd_base = 4;
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	assert_string_equal(opt_value(v, "-netdev", 0), "user,id=net0");
	assert_string_equal(opt_value(v, "-netdev", 1), "dgram,id=net1,local.type=fd,local.str=5");
	assert_string_equal(opt_value(v, "-netdev", 2), "dgram,id=net2,local.type=fd,local.str=6");
	assert_null(opt_value(v, "-netdev", 3));
	assert_string_equal(opt_value(v, "-device", 2), "e1000,id=nic1,netdev=net1,mac=52:54:00:aa:bb:02");
	assert_string_equal(opt_value(v, "-device", 3), "virtio-net-pci,id=nic2,netdev=net2,mac=52:54:00:aa:bb:03");
	proc_argv_free(v);
}

/* User-mode NAT: forwards bound to 127.0.0.1 only, one hostfwd each. */
static void
user_forwards(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct qemu_nic n = nics[0];
	struct err e;
	char **v;

	n.fwds = fwds;
	n.nfwds = 2;
	c.nics = &n;
	c.nnics = 1;
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	assert_string_equal(opt_value(v, "-netdev", 0),
	    "user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp:127.0.0.1:5353-:53");
	proc_argv_free(v);

	/* Forwards need NAT; values outside 1-65535 or another protocol are refused. */
	struct qemu_fwd f = { .proto = "tcp", .host_port = 0, .guest_port = 22 };
	n.fwds = &f;
	n.nfwds = 1;
	assert_null(qemu_argv(&c, &e));
	f.host_port = 70000;
	assert_null(qemu_argv(&c, &e));
	f.host_port = 2222;
	f.proto = "sctp";
	assert_null(qemu_argv(&c, &e));
	f.proto = "tcp,hostfwd=tcp::1-:1";
	assert_null(qemu_argv(&c, &e));
	f.proto = "tcp";
	n.attach = "none";
	assert_null(qemu_argv(&c, &e));
	assert_non_null(strstr(e.msg, "NAT"));
	n.attach = "user";
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	proc_argv_free(v);
}

/* A link without two different ports cannot be built. */
static void
link_ports_required(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct qemu_nic n = nics[2];
	struct err e;

	c.nics = &n;
	c.nnics = 1;
	n.local_port = 0;
	assert_null(qemu_argv(&c, &e));
	assert_non_null(strstr(e.msg, "two different UDP ports"));
	n.local_port = 40001;
	assert_null(qemu_argv(&c, &e));
	n.local_port = 65536;
	assert_null(qemu_argv(&c, &e));
	n.local_port = 40002;
	char **v = qemu_argv(&c, &e);
	assert_non_null(v);
	char *nd = qemu_netdev(&n);
	assert_string_equal(opt_value(v, "-netdev", 0), nd);
	assert_non_null(strstr(nd, "local.port=40002,"));
	free(nd);
	proc_argv_free(v);
	n.attach = "none";
	assert_null(qemu_netdev(&n));
}

static void
bad_input(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct err e;

	c.accel = "hax";
	assert_null(qemu_argv(&c, &e));
	c = base_cfg();
	c.name = "";
	assert_null(qemu_argv(&c, &e));
	c = base_cfg();
	c.qmp_fd = -1;
	assert_null(qemu_argv(&c, &e));
}

static void
shell_quoting(void **state)
{
	char *argv[] = { "qemu", "-drive", "file=/a b/it's,format=qcow2", "x\x1b[2Jy", "", NULL };
	char *s = qemu_argv_shell(argv);

	assert_string_equal(s, "qemu -drive 'file=/a b/it'\\''s,format=qcow2' $'x\\x1b[2Jy' ''");
	free(s);
}

static void
vnc_busy(void **state)
{
	assert_true(qemu_err_vnc_busy("qemu-system-x86_64: -vnc 127.0.0.1:7: Failed to find an "
	    "available port: Address already in use\n"));
	assert_false(qemu_err_vnc_busy("qemu-system-x86_64: -drive file=x: Address already in use\n"));
	assert_false(qemu_err_vnc_busy(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(basic),
		cmocka_unit_test(every_drive_has_format),
		cmocka_unit_test(commas_doubled),
		cmocka_unit_test(cloud_init_seed),
		cmocka_unit_test(vnc_address),
		cmocka_unit_test(nics_from_rows),
		cmocka_unit_test(nics_on_wires),
		cmocka_unit_test(user_forwards),
		cmocka_unit_test(link_ports_required),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(shell_quoting),
		cmocka_unit_test(vnc_busy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
