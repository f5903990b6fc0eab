/*
 * test_qemu.c: the QEMU argv builder: formats on every drive, commas in
 * paths doubled, no shell, loopback VNC unless a password is set, NICs
 * from the node's rows (user-mode NAT with loopback forwards, UDP links),
 * the node's machine (hw.h: each disk bus, q35, CPU model, arch, VGA,
 * boot order as bootindex, with a boot-once first and the order the
 * keeper restores after it, CD-ROM, kernel boot) word for word; extra
 * disks on each bus and any mix beside any boot disk, and more than a bus
 * holds refused; the cloud-init seed as
 * a read-only CD-ROM of its own; plus shell quoting for
 * `node cmd` and reading QEMU's VNC failure; and qemu-img's argv for
 * overlays (create, copy, blank), word for word.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "firmware.h"
#include "hw.h"
#include "nic.h"
#include "overlay.h"
#include "proc.h"
#include "qemu.h"
#include "qemuprobe.h"

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
	assert_string_equal(opt_value(v, "-chardev", 1), "socket,id=qmp,fd=3");
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
	    "file=/tmp/x,,format=raw,,file=/etc/passwd,format=qcow2,if=none,id=disk0");
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
	/* after the boot disk, the CD-ROM drive and the VGA */
	assert_non_null(strstr(opt_value(v, "-device", 3), "virtio-net-pci,id=nic0,netdev=net0,mac=52:54:00:aa:bb:01"));
	/* attach none: a NIC with no backend */
	assert_string_equal(opt_value(v, "-device", 4), "e1000,id=nic1,mac=52:54:00:aa:bb:02");
	assert_string_equal(opt_value(v, "-device", 5), "virtio-net-pci,id=nic2,netdev=net2,mac=52:54:00:aa:bb:03");
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

/* Boot order over NICs: "network" names every NIC, in their order; the
 * plan the keeper restores after a boot-once is the order without it. */
static void
boot_order_nics(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct qemu_boot plan[QEMU_BOOT_MAX];
	struct hw h;
	struct err e;
	char **v;
	int idx[] = { 0, 2 }, n;

	hw_init(&h);
	hw_set(&h, HW_BOOT, "network,disk");
	c.hw = &h;
	c.nics = nics;
	c.nnics = 3;
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	assert_string_equal(opt_value(v, "-device", 0), "virtio-blk-pci,drive=disk0,id=hd0,bootindex=4");
	assert_string_equal(opt_value(v, "-device", 1), "ide-cd,id=cd0,bus=ide.1");
	assert_string_equal(opt_value(v, "-device", 3),
	    "virtio-net-pci,id=nic0,netdev=net0,mac=52:54:00:aa:bb:01,bootindex=1");
	assert_string_equal(opt_value(v, "-device", 4), "e1000,id=nic1,mac=52:54:00:aa:bb:02,bootindex=2");
	assert_string_equal(opt_value(v, "-device", 5),
	    "virtio-net-pci,id=nic2,netdev=net2,mac=52:54:00:aa:bb:03,bootindex=3");
	proc_argv_free(v);

	hw_set(&h, HW_BOOT_ONCE, "cdrom");
	n = qemu_boot_plan(&h, idx, 2, 1, plan);
	assert_int_equal(n, 4);
	assert_string_equal(plan[0].id, "cd0");
	assert_int_equal(plan[0].index, 1);
	assert_string_equal(plan[1].id, "nic0");
	assert_int_equal(plan[1].index, 2);
	assert_string_equal(plan[2].id, "nic2");
	assert_int_equal(plan[2].index, 3);
	assert_string_equal(plan[3].id, "hd0");
	assert_int_equal(plan[3].index, 4);
	n = qemu_boot_plan(&h, idx, 2, 0, plan);
	assert_int_equal(n, 3);
	assert_string_equal(plan[0].id, "nic0");
	assert_int_equal(plan[0].index, 1);
	assert_string_equal(plan[2].id, "hd0");
	assert_int_equal(plan[2].index, 3);
	/* no hw: the boot disk alone */
	n = qemu_boot_plan(NULL, idx, 2, 1, plan);
	assert_int_equal(n, 1);
	assert_string_equal(plan[0].id, "hd0");
	assert_int_equal(plan[0].index, 1);
	hw_clear(&h);
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
	assert_string_equal(opt_value(v, "-device", 4), "e1000,id=nic1,netdev=net1,mac=52:54:00:aa:bb:02");
	assert_string_equal(opt_value(v, "-device", 5), "virtio-net-pci,id=nic2,netdev=net2,mac=52:54:00:aa:bb:03");
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

/* The argv of base_cfg with the machine h, joined by spaces from the
 * word after -display to the word before -chardev: the machine's part. */
static char *
machine_words(struct hw *h, const char *accel)
{
	struct qemu_cfg c = base_cfg();
	struct err e;
	char **v, *out = xstrdup("");
	int i = 0;

	c.hw = h;
	c.accel = accel;
	v = qemu_argv(&c, &e);
	if (v == NULL) {
		free(out);
		return NULL;
	}
	while (v[i] && strcmp(v[i], "-display") != 0)
		i++;
	for (i += 2; v[i] && strcmp(v[i], "-chardev") != 0; i++) {
		char *t = xasprintf("%s%s%s", out, *out ? " " : "", v[i]);
		free(out);
		out = t;
	}
	proc_argv_free(v);
	return out;
}

static void
expect_machine(struct hw *h, const char *accel, const char *want)
{
	char *got = machine_words(h, accel);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
machine_disk_buses(void **state)
{
	struct hw h;

	hw_init(&h);
	/* each boot disk is the device hd0, first in the boot order */
	expect_machine(&h, "tcg", "-drive file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0 "
	    "-device virtio-blk-pci,drive=disk0,id=hd0,bootindex=1 -device ide-cd,id=cd0,bus=ide.1");
	hw_set(&h, HW_DISK_BUS, "ide");
	expect_machine(&h, "tcg", "-drive file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0 "
	    "-device ide-hd,drive=disk0,bus=ide.0,unit=0,id=hd0,bootindex=1 -device ide-cd,id=cd0,bus=ide.1");
	hw_set(&h, HW_MACHINE, "q35");
	expect_machine(&h, "tcg", "-drive file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0 "
	    "-device ide-hd,drive=disk0,bus=ide.0,id=hd0,bootindex=1 -device ide-cd,id=cd0,bus=ide.1");
	hw_set(&h, HW_MACHINE, "pc");
	hw_set(&h, HW_DISK_BUS, "sata");
	expect_machine(&h, "tcg", "-drive file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0 "
	    "-device ahci,id=ahci0 -device ide-hd,drive=disk0,bus=ahci0.0,id=hd0,bootindex=1 "
	    "-device ide-cd,id=cd0,bus=ide.1");
	hw_set(&h, HW_DISK_BUS, "scsi");
	expect_machine(&h, "tcg", "-drive file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0 "
	    "-device virtio-scsi-pci,id=scsi0 -device scsi-hd,drive=disk0,bus=scsi0.0,id=hd0,bootindex=1 "
	    "-device ide-cd,id=cd0,bus=ide.1");
	hw_set(&h, HW_DISK_BUS, "usb");
	assert_null(machine_words(&h, "tcg"));
	hw_clear(&h);
}

/* The value after opt in the argv of base_cfg with machine h. */
static char *
machine_opt(struct hw *h, const char *accel, const char *opt)
{
	struct qemu_cfg c = base_cfg();
	struct err e;
	char **v;
	char *out;

	c.hw = h;
	c.accel = accel;
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	out = opt_value(v, opt, 0) ? xstrdup(opt_value(v, opt, 0)) : NULL;
	if (strcmp(opt, "binary") == 0) {
		free(out);
		out = xstrdup(v[0]);
	}
	proc_argv_free(v);
	return out;
}

static void
expect_opt(struct hw *h, const char *accel, const char *opt, const char *want)
{
	char *got = machine_opt(h, accel, opt);

	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
	free(got);
}

static void
machine_type_cpu_arch_vga(void **state)
{
	struct hw h;
	struct qemu_cfg c = base_cfg();
	struct err e;
	char **v;

	/* no machine at all: the defaults, as a node made before them */
	v = qemu_argv(&c, &e);
	assert_string_equal(opt_value(v, "-machine", 0), "pc");
	assert_string_equal(opt_value(v, "-cpu", 0), "max");
	proc_argv_free(v);

	hw_init(&h);
	expect_opt(&h, "tcg", "-machine", "pc");
	hw_set(&h, HW_MACHINE, "q35");
	expect_opt(&h, "tcg", "-machine", "q35");
	/* auto: max under TCG (x86-64-v2 and more), host under KVM */
	expect_opt(&h, "tcg", "-cpu", "max");
	expect_opt(&h, "kvm", "-cpu", "host");
	hw_set(&h, HW_CPU_MODEL, "Skylake-Client");
	expect_opt(&h, "tcg", "-cpu", "Skylake-Client");
	expect_opt(&h, "kvm", "-cpu", "Skylake-Client");
	hw_set(&h, HW_CPU_MODEL, "max,+avx");
	assert_null(machine_words(&h, "tcg"));
	hw_set(&h, HW_CPU_MODEL, "host");
	expect_opt(&h, "tcg", "-cpu", "host");
	expect_opt(&h, "tcg", "binary", "qemu-system-x86_64");
	hw_set(&h, HW_ARCH, "i386");
	expect_opt(&h, "tcg", "binary", "qemu-system-i386");
	hw_set(&h, HW_ARCH, "arm");
	assert_null(machine_words(&h, "tcg"));
	hw_set(&h, HW_ARCH, "x86_64");
	expect_opt(&h, "tcg", "-device", "virtio-blk-pci,drive=disk0,id=hd0,bootindex=1");
	/* VGA: the device after the boot disk and the CD-ROM */
	v = (c.hw = &h, qemu_argv(&c, &e));
	assert_string_equal(opt_value(v, "-device", 2), "VGA");
	proc_argv_free(v);
	hw_set(&h, HW_VGA, "virtio");
	v = qemu_argv(&c, &e);
	assert_string_equal(opt_value(v, "-device", 2), "virtio-vga");
	proc_argv_free(v);
	hw_set(&h, HW_VGA, "cirrus");
	v = qemu_argv(&c, &e);
	assert_string_equal(opt_value(v, "-device", 2), "cirrus-vga");
	proc_argv_free(v);
	hw_set(&h, HW_VGA, "none");
	v = qemu_argv(&c, &e);
	for (int i = 0; v[i]; i++)
		assert_null(strstr(v[i], "VGA"));
	assert_non_null(opt_value(v, "-vnc", 0));
	proc_argv_free(v);
	hw_set(&h, HW_VGA, "qxl");
	assert_null(qemu_argv(&c, &e));
	assert_non_null(strstr(e.msg, "std|virtio|cirrus|none"));
	hw_clear(&h);
}

static void
machine_boot_cdrom_kernel(void **state)
{
	struct hw h;

	hw_init(&h);
	/* the boot order is bootindex, never -boot (it would fight it) */
	expect_opt(&h, "tcg", "-boot", NULL);
	/* no order: the boot disk first; the CD-ROM and the NICs unnamed */
	expect_machine(&h, "tcg", "-drive file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0 "
	    "-device virtio-blk-pci,drive=disk0,id=hd0,bootindex=1 -device ide-cd,id=cd0,bus=ide.1");
	hw_set(&h, HW_BOOT, "cdrom,disk,network");
	expect_machine(&h, "tcg", "-drive file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0 "
	    "-device virtio-blk-pci,drive=disk0,id=hd0,bootindex=2 -device ide-cd,id=cd0,bus=ide.1,bootindex=1");
	/* boot-once first, the others in their order after it */
	hw_set(&h, HW_BOOT, "disk,cdrom");
	hw_set(&h, HW_BOOT_ONCE, "cdrom");
	expect_machine(&h, "tcg", "-drive file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0 "
	    "-device virtio-blk-pci,drive=disk0,id=hd0,bootindex=2 -device ide-cd,id=cd0,bus=ide.1,bootindex=1");
	hw_set(&h, HW_BOOT, "");
	expect_machine(&h, "tcg", "-drive file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0 "
	    "-device virtio-blk-pci,drive=disk0,id=hd0,bootindex=2 -device ide-cd,id=cd0,bus=ide.1,bootindex=1");
	hw_set(&h, HW_BOOT_ONCE, "none");
	assert_string_equal(h.v[HW_BOOT_ONCE], "");
	hw_set(&h, HW_BOOT, "disk,disk");
	assert_null(machine_words(&h, "tcg"));
	hw_set(&h, HW_BOOT, "floppy");
	assert_null(machine_words(&h, "tcg"));
	/* network only: the disk and the CD-ROM have no index */
	hw_set(&h, HW_BOOT, "network");
	expect_machine(&h, "tcg", "-drive file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0 "
	    "-device virtio-blk-pci,drive=disk0,id=hd0 -device ide-cd,id=cd0,bus=ide.1");

	/* a CD-ROM: read-only, raw, in the drive cd0; a comma in its path doubled */
	hw_set(&h, HW_CDROM, "inst");
	assert_null(machine_words(&h, "tcg")); /* no file: refused */
	h.file[HW_CDROM] = xstrdup("/lab/images/inst,1.iso");
	hw_set(&h, HW_BOOT, "cdrom");
	expect_machine(&h, "tcg", "-drive file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0 "
	    "-device virtio-blk-pci,drive=disk0,id=hd0 "
	    "-drive file=/lab/images/inst,,1.iso,format=raw,if=none,id=cdrom0,media=cdrom,readonly=on "
	    "-device ide-cd,id=cd0,drive=cdrom0,bus=ide.1,bootindex=1");
	hw_set(&h, HW_BOOT, "");
	hw_set(&h, HW_CDROM, "none");
	assert_string_equal(h.v[HW_CDROM], "");
	assert_null(h.file[HW_CDROM]);

	/* a kernel boot: the files as they are, the command line one word */
	hw_set(&h, HW_APPEND, "console=ttyS0 quiet");
	assert_null(machine_words(&h, "tcg")); /* a command line needs a kernel */
	hw_set(&h, HW_KERNEL, "vmlinuz");
	h.file[HW_KERNEL] = xstrdup("/lab/images/vmlinuz.kernel");
	hw_set(&h, HW_INITRD, "initrd");
	h.file[HW_INITRD] = xstrdup("/lab/images/initrd.initrd");
	expect_opt(&h, "tcg", "-kernel", "/lab/images/vmlinuz.kernel");
	expect_opt(&h, "tcg", "-initrd", "/lab/images/initrd.initrd");
	expect_opt(&h, "tcg", "-append", "console=ttyS0 quiet");
	hw_set(&h, HW_APPEND, "");
	expect_opt(&h, "tcg", "-append", NULL);
	hw_set(&h, HW_APPEND, "a  b");
	assert_null(machine_words(&h, "tcg"));
	hw_set(&h, HW_APPEND, "a #b");
	assert_null(machine_words(&h, "tcg"));
	hw_set(&h, HW_APPEND, "a\nb");
	assert_null(machine_words(&h, "tcg"));
	hw_clear(&h);
}

static void
machine_checks(void **state)
{
	struct err e;
	struct hw a, b;
	char *sa, *sb;

	assert_int_equal(hw_check(HW_DISK_BUS, "nvme", &e), -1);
	assert_string_equal(e.msg, "--disk-bus \"nvme\": one of virtio|ide|sata|scsi");
	assert_int_equal(hw_check(HW_MACHINE, "virt", &e), -1);
	assert_string_equal(e.msg, "--machine \"virt\": one of pc|q35");
	assert_int_equal(hw_check(HW_MACHINE, "", &e), -1);
	assert_int_equal(hw_check(HW_CPU_MODEL, "", &e), -1);
	assert_int_equal(hw_check(HW_CDROM, "../x", &e), -1);
	assert_int_equal(hw_check(HW_CDROM, "none", &e), 0);
	assert_int_equal(hw_check(HW_BOOT_ONCE, "floppy", &e), -1);
	assert_int_equal(hw_key_find("disk-bus"), HW_DISK_BUS);
	assert_int_equal(hw_key_find("append"), HW_APPEND);
	assert_int_equal(hw_key_find("disk_bus"), -1);
	/* the signature: the same machine, the same line; boot-once is spent
	 * by the start, so it is no change */
	hw_init(&a);
	hw_init(&b);
	hw_set(&b, HW_BOOT_ONCE, "cdrom");
	sa = hw_sig(&a);
	sb = hw_sig(&b);
	assert_string_equal(sa, sb);
	free(sb);
	hw_set(&b, HW_DISK_BUS, "ide");
	sb = hw_sig(&b);
	assert_string_not_equal(sa, sb);
	free(sb);
	/* no BIOS image: the machine as before --bios existed, so a node
	 * started then shows no restart pending; one is part of it by id */
	assert_string_equal(sa, "disk-bus=virtio;machine=pc;firmware=bios;cpu-model=auto;arch=x86_64;vga=std;"
	    "boot=;kernel=;initrd=;append=");
	hw_set(&a, HW_BIOS, "rom");
	snprintf(a.id[HW_BIOS], sizeof a.id[HW_BIOS], "%s", "0123");
	sb = hw_sig(&a);
	assert_non_null(strstr(sb, ";initrd=;bios=0123;append="));
	free(sa);
	free(sb);
	hw_clear(&a);
	hw_clear(&b);
}

static void
cpu_help_parsed(void **state)
{
	char **v;
	size_t n;

	qemuprobe_parse_cpus("Available CPUs:\nx86 486                   (alias configured by machine type)\n"
	    "x86 Skylake-Client-v4\n\nRecognized CPUID flags:\n  3dnow x86 abm\nx86 ", &v, &n);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "486");
	assert_string_equal(v[1], "Skylake-Client-v4");
	qemuprobe_free(v, n);
	qemuprobe_parse_cpus("", &v, &n);
	assert_int_equal(n, 0);
	qemuprobe_free(v, n);
}

static void
machine_firmware(void **state)
{
	struct qemu_cfg c = base_cfg();
	struct hw h;
	struct err e;
	char **v;

	hw_init(&h);
	hw_set(&h, HW_FIRMWARE, "uefi");
	c.hw = &h;
	/* UEFI without OVMF's code or the node's NVRAM is no argv */
	assert_null(qemu_argv(&c, &e));
	assert_string_equal(e.msg, "UEFI needs OVMF's code file and the node's NVRAM file");
	h.file[HW_FIRMWARE] = firmware_vars_path("/lab/overlays/a,b.qcow2");
	assert_string_equal(h.file[HW_FIRMWARE], "/lab/overlays/a,b.vars.fd");
	assert_null(qemu_argv(&c, &e));
	c.fw_code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	/* the code read-only as unit 0, the node's own VARS as unit 1, before
	 * the disk; a comma in a path doubled */
	assert_string_equal(opt_value(v, "-drive", 0),
	    "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd");
	assert_string_equal(opt_value(v, "-drive", 1), "if=pflash,format=raw,unit=1,file=/lab/overlays/a,,b.vars.fd");
	assert_string_equal(opt_value(v, "-drive", 2), "file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0");
	assert_string_equal(opt_value(v, "-machine", 0), "pc");
	proc_argv_free(v);
	/* q35 the same way */
	hw_set(&h, HW_MACHINE, "q35");
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	assert_string_equal(opt_value(v, "-machine", 0), "q35");
	assert_string_equal(opt_value(v, "-drive", 1), "if=pflash,format=raw,unit=1,file=/lab/overlays/a,,b.vars.fd");
	proc_argv_free(v);
	/* BIOS: no pflash, whatever the config carries */
	hw_set(&h, HW_FIRMWARE, "bios");
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	assert_string_equal(opt_value(v, "-drive", 0), "file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0");
	assert_null(opt_value(v, "-bios", 0));
	proc_argv_free(v);
	/* a BIOS ROM of the node's own: -bios and its file as it is (a plain
	 * file name, a comma kept), the disk as before */
	hw_set(&h, HW_BIOS, "rom");
	assert_null(qemu_argv(&c, &e)); /* no file: refused */
	assert_string_equal(e.msg, "the machine's bios has no file");
	h.file[HW_BIOS] = xstrdup("/lab/images/rom,1.bios");
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	assert_string_equal(opt_value(v, "-bios", 0), "/lab/images/rom,1.bios");
	assert_null(opt_value(v, "-bios", 1));
	assert_string_equal(opt_value(v, "-drive", 0), "file=/lab/overlays/a.qcow2,format=qcow2,if=none,id=disk0");
	proc_argv_free(v);
	/* with UEFI it is no argv: -bios would replace OVMF */
	hw_set(&h, HW_FIRMWARE, "uefi");
	h.file[HW_FIRMWARE] = firmware_vars_path("/lab/overlays/a,b.qcow2");
	assert_null(qemu_argv(&c, &e));
	assert_string_equal(e.msg, "a BIOS image (--bios rom) replaces SeaBIOS and cannot boot with --firmware "
	    "uefi (OVMF); use --firmware bios or --bios none");
	hw_set(&h, HW_FIRMWARE, "bios");
	assert_int_equal(hw_check(HW_BIOS, "../rom", &e), -1);
	assert_string_equal(e.msg, "--bios \"../rom\": an image of kind bios, or none");
	assert_int_equal(hw_check(HW_BIOS, "none", &e), 0);
	hw_set(&h, HW_BIOS, "none");
	assert_string_equal(h.v[HW_BIOS], "");
	assert_int_equal(hw_key_find("bios"), HW_BIOS);
	assert_int_equal(hw_check(HW_FIRMWARE, "coreboot", &e), -1);
	assert_string_equal(e.msg, "--firmware \"coreboot\": one of bios|uefi");
	assert_int_equal(hw_key_find("firmware"), HW_FIRMWARE);
	hw_clear(&h);
	/* an overlay name without .qcow2 keeps its name */
	char *p = firmware_vars_path("/x/y");
	assert_string_equal(p, "/x/y.vars.fd");
	free(p);
}

static void
nic_models(void **state)
{
	struct qemu_nic one[] = {
		{ .idx = 0, .model = "e1000e", .mac = "52:54:00:aa:bb:01", .attach = "user" },
		{ .idx = 1, .model = "rtl8139", .mac = "52:54:00:aa:bb:02", .attach = "none" },
	};
	struct qemu_cfg c = base_cfg();
	struct err e;
	char **v;

	c.nics = one;
	c.nnics = 2;
	v = qemu_argv(&c, &e);
	assert_non_null(v);
	assert_string_equal(opt_value(v, "-device", 3), "e1000e,id=nic0,netdev=net0,mac=52:54:00:aa:bb:01");
	assert_string_equal(opt_value(v, "-device", 4), "rtl8139,id=nic1,mac=52:54:00:aa:bb:02");
	proc_argv_free(v);
	/* no option rides along with a model */
	one[1].model = "e1000,romfile=/etc/passwd";
	assert_null(qemu_argv(&c, &e));
	assert_non_null(strstr(e.msg, "NIC model \"e1000,romfile=/etc/passwd\""));
	one[1].model = "-x";
	assert_null(qemu_argv(&c, &e));
	one[1].model = "";
	assert_null(qemu_argv(&c, &e));
	assert_int_equal(nic_model_check("vmxnet3", &e), 0);
	assert_int_equal(nic_model_check("virtio-net-pci-non-transitional", &e), 0);
	assert_int_equal(nic_model_check("a-name-longer-than-any-nic-qemu-has-0123", &e), -1);
}

static void
nic_help_parsed(void **state)
{
	char **v;
	size_t n;

	qemuprobe_parse_nics("Storage devices:\nname \"ide-cd\", bus IDE\n\n"
	    "Network devices:\nname \"e1000\", bus PCI, alias \"e1000-82540em\", desc \"Intel Gigabit\"\n"
	    "name \"e1000e\", bus PCI, desc \"Intel 82574L GbE Controller\"\n"
	    "name \"ne2k_isa\", bus ISA\nname \"rocker\", bus PCI, desc \"Rocker Switch\"\n"
	    "name \"rtl8139\", bus PCI\nname \"usb-net\", bus usb-bus\n"
	    "name \"vmxnet3\", bus PCI, desc \"VMWare Paravirtualized Ethernet v3\"\n\n"
	    "Input devices:\nname \"virtio-keyboard-pci\", bus PCI\n", &v, &n);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], "e1000");
	assert_string_equal(v[1], "e1000e");
	assert_string_equal(v[2], "rtl8139");
	assert_string_equal(v[3], "vmxnet3");
	qemuprobe_free(v, n);
	qemuprobe_parse_nics("", &v, &n);
	assert_int_equal(n, 0);
	qemuprobe_free(v, n);
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


/* The words of argv from the first extra disk's -drive to the CD-ROM's
 * device, joined by spaces (caller frees), or NULL when qemu_argv refuses. */
static char *
extra_words(const char *boot_bus, const char *machine, const struct qemu_disk *d, int n,
    const char *seed, struct err *e)
{
	struct hw h;
	struct qemu_cfg c = base_cfg();
	char **v, *out = NULL;
	int on = 0;
	size_t len = 0;

	hw_init(&h);
	hw_set(&h, HW_DISK_BUS, boot_bus);
	hw_set(&h, HW_MACHINE, machine);
	c.hw = &h;
	c.disks = d;
	c.ndisks = n;
	c.seed = seed;
	v = qemu_argv(&c, e);
	hw_clear(&h);
	if (v == NULL)
		return NULL;
	out = calloc(1, 1);
	for (int i = 0; v[i]; i++) {
		if (strcmp(v[i], "-drive") == 0 && v[i + 1] && strstr(v[i + 1], "id=disk1") != NULL)
			on = 1, len = 0, out[0] = '\0';
		if (strncmp(v[i], "ide-cd,id=cd0", 13) == 0)
			break;
		if (!on)
			continue;
		out = realloc(out, len + strlen(v[i]) + 2);
		len += (size_t)sprintf(out + len, "%s%s", len ? " " : "", v[i]);
	}
	/* the closing "-device" before the CD-ROM belongs to it */
	if (len >= 8 && strcmp(out + len - 8, " -device") == 0)
		out[len - 8] = '\0';
	proc_argv_free(v);
	return out;
}

static void
expect_extra(const char *boot_bus, const char *machine, const struct qemu_disk *d, int n,
    const char *want)
{
	struct err e;
	char *got = extra_words(boot_bus, machine, d, n, NULL, &e);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
extra_disks(void **state)
{
	(void)state;
	struct qemu_disk one[] = { { 1, "virtio", "/l/o/d1.qcow2" } };
	struct qemu_disk sata[] = { { 1, "sata", "/l/o/d1.qcow2" }, { 2, "sata", "/l/o/d2.qcow2" } };
	struct qemu_disk scsi[] = { { 1, "scsi", "/l/o/d1.qcow2" } };
	struct qemu_disk ide[] = { { 1, "ide", "/l/o/d1.qcow2" }, { 2, "ide", "/l/o/d,2.qcow2" } };
	struct qemu_disk mix[] = { { 1, "scsi", "/l/o/d1.qcow2" }, { 3, "virtio", "/l/o/d3.qcow2" },
	    { 4, "sata", "/l/o/d4.qcow2" }, { 5, "ide", "/l/o/d5.qcow2" } };
	struct qemu_disk three_ide[] = { { 1, "ide", "/a" }, { 2, "ide", "/b" }, { 3, "ide", "/c" } };
	struct qemu_disk bad[] = { { 1, "nvme", "/a" } };
	struct qemu_disk nofile[] = { { 1, "virtio", "" } };
	struct qemu_disk nine[9];
	struct err e;

	expect_extra("virtio", "pc", one, 1,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device virtio-blk-pci,drive=disk1,addr=0x11");
	/* SATA: an AHCI controller of its own, or the boot disk's from port 1 */
	expect_extra("ide", "pc", sata, 2,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device ahci,id=ahci0 "
	    "-device ide-hd,drive=disk1,bus=ahci0.0 "
	    "-drive file=/l/o/d2.qcow2,format=qcow2,if=none,id=disk2 -device ide-hd,drive=disk2,bus=ahci0.1");
	expect_extra("sata", "q35", sata, 2,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device ide-hd,drive=disk1,bus=ahci0.1 "
	    "-drive file=/l/o/d2.qcow2,format=qcow2,if=none,id=disk2 -device ide-hd,drive=disk2,bus=ahci0.2");
	/* SCSI: virtio-scsi, the disk's number its target */
	expect_extra("sata", "pc", scsi, 1,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device virtio-scsi-pci,id=scsi0 "
	    "-device scsi-hd,drive=disk1,bus=scsi0.0,scsi-id=1");
	expect_extra("scsi", "pc", scsi, 1,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device scsi-hd,drive=disk1,bus=scsi0.0,scsi-id=1");
	/* IDE: the units the boot disk and the CD-ROM leave; commas doubled */
	expect_extra("ide", "pc", ide, 2,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device ide-hd,drive=disk1,bus=ide.0,unit=1 "
	    "-drive file=/l/o/d,,2.qcow2,format=qcow2,if=none,id=disk2 -device ide-hd,drive=disk2,bus=ide.1,unit=1");
	expect_extra("ide", "q35", ide, 2,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device ide-hd,drive=disk1,bus=ide.3 "
	    "-drive file=/l/o/d,,2.qcow2,format=qcow2,if=none,id=disk2 -device ide-hd,drive=disk2,bus=ide.4");
	/* a mix after an IDE boot disk, the bus the firmware looks at first */
	expect_extra("ide", "pc", mix, 4,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device virtio-scsi-pci,id=scsi0 "
	    "-device scsi-hd,drive=disk1,bus=scsi0.0,scsi-id=1 "
	    "-drive file=/l/o/d3.qcow2,format=qcow2,if=none,id=disk3 -device virtio-blk-pci,drive=disk3,addr=0x13 "
	    "-drive file=/l/o/d4.qcow2,format=qcow2,if=none,id=disk4 -device ahci,id=ahci0 "
	    "-device ide-hd,drive=disk4,bus=ahci0.0 "
	    "-drive file=/l/o/d5.qcow2,format=qcow2,if=none,id=disk5 -device ide-hd,drive=disk5,bus=ide.0,unit=1");
	/* a bus the firmware looks at before the boot disk's: fine, the boot
	 * disk has its bootindex and the extra ones none */
	expect_extra("virtio", "pc", ide, 2,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device ide-hd,drive=disk1,bus=ide.0,unit=0 "
	    "-drive file=/l/o/d,,2.qcow2,format=qcow2,if=none,id=disk2 -device ide-hd,drive=disk2,bus=ide.0,unit=1");
	expect_extra("virtio", "pc", scsi, 1,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device virtio-scsi-pci,id=scsi0 "
	    "-device scsi-hd,drive=disk1,bus=scsi0.0,scsi-id=1");
	expect_extra("scsi", "pc", one, 1,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device virtio-blk-pci,drive=disk1,addr=0x11");
	expect_extra("ide", "q35", sata, 2,
	    "-drive file=/l/o/d1.qcow2,format=qcow2,if=none,id=disk1 -device ahci,id=ahci0 "
	    "-device ide-hd,drive=disk1,bus=ahci0.0 "
	    "-drive file=/l/o/d2.qcow2,format=qcow2,if=none,id=disk2 -device ide-hd,drive=disk2,bus=ahci0.1");

	/* more than a bus holds, an unknown bus, no file: refused */
	assert_null(extra_words("ide", "pc", three_ide, 3, NULL, &e));
	assert_non_null(strstr(e.msg, "IDE has four units"));
	assert_null(extra_words("ide", "pc", ide, 2, "/l/seed.iso", &e));
	assert_non_null(strstr(e.msg, "one extra IDE disk at most"));
	assert_null(extra_words("virtio", "pc", bad, 1, NULL, &e));
	assert_non_null(strstr(e.msg, "one of virtio|ide|sata|scsi"));
	assert_null(extra_words("virtio", "pc", nofile, 1, NULL, &e));
	assert_non_null(strstr(e.msg, "needs an index, a bus and a path"));
	for (int i = 0; i < 9; i++)
		nine[i] = (struct qemu_disk){ i + 1, "virtio", "/a" };
	assert_null(extra_words("virtio", "pc", nine, 9, NULL, &e));
	assert_non_null(strstr(e.msg, "at most 8 extra disks"));
	for (int i = 0; i < 6; i++)
		nine[i] = (struct qemu_disk){ i + 1, "sata", "/a" };
	char *six = extra_words("ide", "pc", nine, 6, NULL, &e);
	assert_non_null(six);
	free(six);
	assert_null(extra_words("sata", "pc", nine, 6, NULL, &e));
	assert_non_null(strstr(e.msg, "one is the boot disk's"));
}

/* argv joined by spaces, for comparing with a literal. */
static char *
argv_text(char **argv)
{
	size_t n = 1;
	char *s;

	for (int i = 0; argv[i]; i++)
		n += strlen(argv[i]) + 1;
	s = calloc(1, n);
	for (int i = 0; argv[i]; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	proc_argv_free(argv);
	return s;
}

static void
overlay_argvs(void **state)
{
	char *got[5] = {
		argv_text(overlay_create_argv("/l/overlays/-n.qcow2", "/l/images/b.qcow2", "qcow2")),
		argv_text(overlay_copy_argv("/l/overlays/a.qcow2", "/l/overlays/b.qcow2", "/l/images/r.img", "raw")),
		argv_text(overlay_copy_argv("/l/overlays/a.qcow2", "/l/overlays/b.qcow2", NULL, NULL)),
		argv_text(overlay_blank_argv("/l/overlays/d.qcow2", 1073741824)),
		NULL,
	};
	static const char *want[] = {
		"qemu-img create -q -f qcow2 -b /l/images/b.qcow2 -F qcow2 -- /l/overlays/-n.qcow2",
		"qemu-img convert -q -f qcow2 -O qcow2 -B /l/images/r.img -F raw -- /l/overlays/a.qcow2 "
		    "/l/overlays/b.qcow2",
		"qemu-img convert -q -f qcow2 -O qcow2 -- /l/overlays/a.qcow2 /l/overlays/b.qcow2",
		"qemu-img create -q -f qcow2 -- /l/overlays/d.qcow2 1073741824",
	};

	for (int i = 0; got[i]; i++) {
		assert_string_equal(got[i], want[i]);
		free(got[i]);
	}
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
		cmocka_unit_test(machine_disk_buses),
		cmocka_unit_test(extra_disks),
		cmocka_unit_test(machine_type_cpu_arch_vga),
		cmocka_unit_test(machine_boot_cdrom_kernel),
		cmocka_unit_test(boot_order_nics),
		cmocka_unit_test(machine_checks),
		cmocka_unit_test(cpu_help_parsed),
		cmocka_unit_test(machine_firmware),
		cmocka_unit_test(nic_models),
		cmocka_unit_test(nic_help_parsed),
		cmocka_unit_test(overlay_argvs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
