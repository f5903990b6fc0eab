/*
 * test_domxml.c: the libvirt XML builder of remote nodes, against literal
 * XML: a transient domain named after the lab and the node, its disk a
 * volume, serial on a pty that is the console, VNC on the host's
 * loopback, user-mode and UDP NICs; the volume whose backing store names
 * its format; markup in values escaped; bad input refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domxml.h"

static const struct domxml_nic nics[] = {
	{ .idx = 0, .model = "virtio-net-pci", .mac = "52:54:00:aa:bb:01", .attach = "user" },
	{ .idx = 1, .model = "e1000", .mac = "52:54:00:aa:bb:02", .attach = "none" },
	{ .idx = 2, .model = "virtio-net-pci", .mac = "52:54:00:aa:bb:03", .attach = "link",
	  .local_host = "10.0.0.2", .local_port = 40000, .remote_host = "10.0.0.1", .remote_port = 40001 },
};

static struct domxml_cfg
base_cfg(void)
{
	struct domxml_cfg c = {
		.name = "sandlab-lab1-r1-0123abcd", .title = "r1", .accel = "tcg",
		.ram_mb = 64, .cpus = 2, .pool = "sandlab", .volume = "r1-0123abcd.qcow2",
	};
	return c;
}

static void
domain_basic(void **state)
{
	struct domxml_cfg c = base_cfg();
	struct err e;
	char *x = domxml_domain(&c, &e);

	assert_non_null(x);
	assert_string_equal(x,
	    "<domain type=\"qemu\">\n"
	    "  <name>sandlab-lab1-r1-0123abcd</name>\n"
	    "  <title>r1</title>\n"
	    "  <memory unit=\"MiB\">64</memory>\n"
	    "  <vcpu>2</vcpu>\n"
	    "  <os>\n"
	    "    <type arch=\"x86_64\" machine=\"pc\">hvm</type>\n"
	    "    <boot dev=\"hd\"/>\n"
	    "  </os>\n"
	    "  <features>\n"
	    "    <acpi/>\n"
	    "  </features>\n"
	    "  <cpu mode=\"maximum\"/>\n"
	    "  <on_poweroff>destroy</on_poweroff>\n"
	    "  <on_reboot>restart</on_reboot>\n"
	    "  <on_crash>destroy</on_crash>\n"
	    "  <devices>\n"
	    "    <disk type=\"volume\" device=\"disk\">\n"
	    "      <driver name=\"qemu\" type=\"qcow2\"/>\n"
	    "      <source pool=\"sandlab\" volume=\"r1-0123abcd.qcow2\"/>\n"
	    "      <target dev=\"vda\" bus=\"virtio\"/>\n"
	    "    </disk>\n"
	    /* always a drive, empty here, as qemu.c has it: a medium can go in live */
	    "    <disk type=\"file\" device=\"cdrom\">\n"
	    "      <driver name=\"qemu\" type=\"raw\"/>\n"
	    "      <target dev=\"hdc\" bus=\"ide\"/>\n"
	    "      <readonly/>\n"
	    "    </disk>\n"
	    "    <serial type=\"pty\">\n"
	    "      <target port=\"0\"/>\n"
	    "    </serial>\n"
	    "    <console type=\"pty\">\n"
	    "      <target type=\"serial\" port=\"0\"/>\n"
	    "    </console>\n"
	    "    <graphics type=\"vnc\" port=\"-1\" autoport=\"yes\" listen=\"127.0.0.1\">\n"
	    "      <listen type=\"address\" address=\"127.0.0.1\"/>\n"
	    "    </graphics>\n"
	    "    <video>\n"
	    "      <model type=\"vga\"/>\n"
	    "    </video>\n"
	    "  </devices>\n"
	    "</domain>\n");
	free(x);
	c.accel = "kvm";
	x = domxml_domain(&c, &e);
	assert_non_null(strstr(x, "<domain type=\"kvm\">\n"));
	free(x);
	/* The host's other users reach its loopback too: a password. */
	c.vnc_password = "Ab3dEf9h";
	x = domxml_domain(&c, &e);
	assert_non_null(strstr(x, "    <graphics type=\"vnc\" port=\"-1\" autoport=\"yes\" listen=\"127.0.0.1\" "
	    "passwd=\"Ab3dEf9h\">\n"));
	free(x);
	c.vnc_password = "123456789";
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "a VNC password has 1 to 8 bytes");
	c.vnc_password = NULL;
	x = domxml_domain(&c, &e);
	/* CPU model auto is host under KVM, as qemu.c gives it. */
	assert_non_null(strstr(x, "  <cpu mode=\"host-passthrough\"/>\n"));
	free(x);
}

/* The machine's fields that libvirt can be told, in the XML. */
static void
domain_hw(void **state)
{
	struct domxml_cfg c = base_cfg();
	struct hw h;
	struct err e;
	char *x;

	hw_init(&h);
	hw_set(&h, HW_MACHINE, "q35");
	hw_set(&h, HW_DISK_BUS, "sata");
	hw_set(&h, HW_VGA, "virtio");
	hw_set(&h, HW_CPU_MODEL, "Nehalem");
	hw_set(&h, HW_BOOT, "network,disk");
	c.hw = &h;
	x = domxml_domain(&c, &e);
	assert_non_null(x);
	assert_non_null(strstr(x,
	    "  <os>\n"
	    "    <type arch=\"x86_64\" machine=\"q35\">hvm</type>\n"
	    "    <boot dev=\"network\"/>\n"
	    "    <boot dev=\"hd\"/>\n"
	    "  </os>\n"
	    "  <features>\n"
	    "    <acpi/>\n"
	    "  </features>\n"
	    "  <cpu mode=\"custom\" match=\"exact\">\n"
	    "    <model>Nehalem</model>\n"
	    "  </cpu>\n"));
	assert_non_null(strstr(x, "      <target dev=\"sda\" bus=\"sata\"/>\n"));
	assert_non_null(strstr(x, "      <model type=\"virtio\"/>\n    </video>\n"));
	free(x);
	hw_set(&h, HW_DISK_BUS, "scsi");
	hw_set(&h, HW_VGA, "none");
	x = domxml_domain(&c, &e);
	assert_non_null(strstr(x, "    </disk>\n"
	    "    <controller type=\"scsi\" model=\"virtio-scsi\"/>\n"));
	assert_non_null(strstr(x, "      <model type=\"none\"/>\n    </video>\n"));
	free(x);
	hw_clear(&h);
}

/* A field that needs its file on the host is refused without it,
 * naming the field. */
static void
domain_hw_refused(void **state)
{
	struct domxml_cfg c = base_cfg();
	struct domxml_disk bad = { .idx = 1, .bus = "usb", .volume = "v" };
	struct hw h;
	struct err e;

	hw_init(&h);
	c.hw = &h;
	hw_set(&h, HW_FIRMWARE, "uefi");
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "firmware uefi: needs the host's OVMF code, its VARS template and the "
	    "node's NVRAM file");
	hw_set(&h, HW_FIRMWARE, "bios");
	hw_set(&h, HW_CDROM, "one");
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "cdrom: its file on the host is not given");
	hw_set(&h, HW_CDROM, "");
	hw_set(&h, HW_KERNEL, "vmlinuz");
	c.kernel = "pool/vmlinuz";
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "kernel: its file on the host is not given");
	hw_set(&h, HW_KERNEL, "");
	hw_set(&h, HW_APPEND, "console=ttyS0");
	c.kernel = NULL;
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "append: a kernel command line needs a kernel");
	hw_set(&h, HW_APPEND, "");
	c.ndisks = 1;
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "extra disks: at most 8, each with its volume");
	c.disks = &bad;
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "--disk-bus \"usb\": one of virtio|ide|sata|scsi");
	hw_clear(&h);
}

/* The text of x from the first line that starts with from up to (not
 * including) the first line after it that starts with to; caller frees. */
static char *
between(const char *x, const char *from, const char *to)
{
	const char *a = strstr(x, from), *b;

	assert_non_null(a);
	b = strstr(a + 1, to);
	assert_non_null(b);
	return strndup(a, (size_t)(b - a));
}

/* Extra disks: volumes of the pool, each on its bus with the next name
 * of its prefix; hdc stays the CD-ROM's on pc; one SCSI controller. */
static void
domain_disks(void **state)
{
	static const struct domxml_disk disks[] = {
		{ .idx = 1, .bus = "ide", .volume = "d.disk1.qcow2" },
		{ .idx = 2, .bus = "virtio", .volume = "d.disk2.qcow2" },
		{ .idx = 3, .bus = "ide", .volume = "d.disk3.qcow2" },
		{ .idx = 4, .bus = "scsi", .volume = "d.disk4.qcow2" },
	};
	struct domxml_cfg c = base_cfg();
	struct hw h;
	struct err e;
	char *x, *part;

	hw_init(&h);
	hw_set(&h, HW_DISK_BUS, "ide");
	c.hw = &h;
	c.disks = disks;
	c.ndisks = 4;
	x = domxml_domain(&c, &e);
	assert_non_null(x);
	part = between(x, "    <disk", "    <serial");
	assert_string_equal(part,
	    "    <disk type=\"volume\" device=\"disk\">\n"
	    "      <driver name=\"qemu\" type=\"qcow2\"/>\n"
	    "      <source pool=\"sandlab\" volume=\"r1-0123abcd.qcow2\"/>\n"
	    "      <target dev=\"hda\" bus=\"ide\"/>\n"
	    "    </disk>\n"
	    "    <disk type=\"volume\" device=\"disk\">\n"
	    "      <driver name=\"qemu\" type=\"qcow2\"/>\n"
	    "      <source pool=\"sandlab\" volume=\"d.disk1.qcow2\"/>\n"
	    "      <target dev=\"hdb\" bus=\"ide\"/>\n"
	    "    </disk>\n"
	    "    <disk type=\"volume\" device=\"disk\">\n"
	    "      <driver name=\"qemu\" type=\"qcow2\"/>\n"
	    "      <source pool=\"sandlab\" volume=\"d.disk2.qcow2\"/>\n"
	    "      <target dev=\"vda\" bus=\"virtio\"/>\n"
	    "    </disk>\n"
	    "    <disk type=\"volume\" device=\"disk\">\n"
	    "      <driver name=\"qemu\" type=\"qcow2\"/>\n"
	    "      <source pool=\"sandlab\" volume=\"d.disk3.qcow2\"/>\n"
	    "      <target dev=\"hdd\" bus=\"ide\"/>\n"
	    "    </disk>\n"
	    "    <disk type=\"volume\" device=\"disk\">\n"
	    "      <driver name=\"qemu\" type=\"qcow2\"/>\n"
	    "      <source pool=\"sandlab\" volume=\"d.disk4.qcow2\"/>\n"
	    "      <target dev=\"sda\" bus=\"scsi\"/>\n"
	    "    </disk>\n"
	    "    <disk type=\"file\" device=\"cdrom\">\n"
	    "      <driver name=\"qemu\" type=\"raw\"/>\n"
	    "      <target dev=\"hdc\" bus=\"ide\"/>\n"
	    "      <readonly/>\n"
	    "    </disk>\n"
	    "    <controller type=\"scsi\" model=\"virtio-scsi\"/>\n");
	free(part);
	free(x);
	/* q35: the empty drive is the next SATA unit after a SCSI disk's sda */
	hw_set(&h, HW_MACHINE, "q35");
	x = domxml_domain(&c, &e);
	assert_non_null(x);
	assert_non_null(strstr(x, "    <disk type=\"file\" device=\"cdrom\">\n"
	    "      <driver name=\"qemu\" type=\"raw\"/>\n"
	    "      <target dev=\"sdb\" bus=\"sata\"/>\n"
	    "      <readonly/>\n"
	    "    </disk>\n"));
	free(x);
	hw_clear(&h);
}

/* A live medium change: the drive at the running domain's target, with
 * the ISO in it or empty (an eject); a bad target or a relative path is
 * refused. */
static void
cdrom_change(void **state)
{
	struct err e;
	char *x = domxml_cdrom_disk("hdc", "ide", "/pool/image-i1", &e);

	assert_non_null(x);
	assert_string_equal(x,
	    "<disk type=\"file\" device=\"cdrom\">\n"
	    "  <driver name=\"qemu\" type=\"raw\"/>\n"
	    "  <source file=\"/pool/image-i1\"/>\n"
	    "  <target dev=\"hdc\" bus=\"ide\"/>\n"
	    "  <readonly/>\n"
	    "</disk>\n");
	free(x);
	x = domxml_cdrom_disk("sdb", "sata", NULL, &e);
	assert_non_null(x);
	assert_string_equal(x,
	    "<disk type=\"file\" device=\"cdrom\">\n"
	    "  <driver name=\"qemu\" type=\"raw\"/>\n"
	    "  <target dev=\"sdb\" bus=\"sata\"/>\n"
	    "  <readonly/>\n"
	    "</disk>\n");
	free(x);
	assert_null(domxml_cdrom_disk("hdc", "virtio", "/pool/i", &e));
	assert_string_equal(e.msg, "the CD-ROM drive's target is not known");
	assert_null(domxml_cdrom_disk("hdc", "ide", "pool/i", &e));
	assert_string_equal(e.msg, "cdrom: its file on the host is not an absolute path");
}

/* The CD-ROM read-only on hdc (pc) or the next SATA unit (q35), a kernel
 * boot's files and command line, and boot-once first in the order. */
static void
domain_cdrom_kernel(void **state)
{
	struct domxml_cfg c = base_cfg();
	struct hw h;
	struct err e;
	char *x, *part;

	hw_init(&h);
	hw_set(&h, HW_CDROM, "one");
	hw_set(&h, HW_KERNEL, "vmlinuz");
	hw_set(&h, HW_INITRD, "initrd");
	hw_set(&h, HW_APPEND, "console=ttyS0 a<b");
	hw_set(&h, HW_BOOT, "disk,cdrom");
	hw_set(&h, HW_BOOT_ONCE, "cdrom");
	c.hw = &h;
	c.cdrom = "/pool/image-c1";
	c.kernel = "/pool/image-k1";
	c.initrd = "/pool/image-i1";
	x = domxml_domain(&c, &e);
	assert_non_null(x);
	part = between(x, "  <os>", "  <features");
	/* Without boot-once (a start that is not its own), the node's order. */
	assert_string_equal(part,
	    "  <os>\n"
	    "    <type arch=\"x86_64\" machine=\"pc\">hvm</type>\n"
	    "    <kernel>/pool/image-k1</kernel>\n"
	    "    <initrd>/pool/image-i1</initrd>\n"
	    "    <cmdline>console=ttyS0 a&lt;b</cmdline>\n"
	    "    <boot dev=\"hd\"/>\n"
	    "    <boot dev=\"cdrom\"/>\n"
	    "  </os>\n");
	free(part);
	part = between(x, "    <disk type=\"file\"", "    <serial");
	assert_string_equal(part,
	    "    <disk type=\"file\" device=\"cdrom\">\n"
	    "      <driver name=\"qemu\" type=\"raw\"/>\n"
	    "      <source file=\"/pool/image-c1\"/>\n"
	    "      <target dev=\"hdc\" bus=\"ide\"/>\n"
	    "      <readonly/>\n"
	    "    </disk>\n");
	free(part);
	free(x);
	c.boot_once = 1;
	hw_set(&h, HW_MACHINE, "q35");
	hw_set(&h, HW_DISK_BUS, "sata");
	x = domxml_domain(&c, &e);
	assert_non_null(x);
	assert_non_null(strstr(x, "    <boot dev=\"cdrom\"/>\n    <boot dev=\"hd\"/>\n  </os>\n"));
	assert_null(strstr(x, "<boot dev=\"cdrom\"/>\n    <boot dev=\"hd\"/>\n    <boot"));
	assert_non_null(strstr(x, "      <source file=\"/pool/image-c1\"/>\n"
	    "      <target dev=\"sdb\" bus=\"sata\"/>\n"));
	free(x);
	hw_clear(&h);
}

/* A BIOS ROM of the node's own: a loader of type rom (libvirt's -bios),
 * its file on the host given; refused without it and with UEFI. */
static void
domain_bios(void **state)
{
	struct domxml_cfg c = base_cfg();
	struct hw h;
	struct err e;
	char *x, *part;

	hw_init(&h);
	hw_set(&h, HW_BIOS, "rom");
	c.hw = &h;
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "bios: its file on the host is not given");
	c.bios = "/pool/image-b1";
	x = domxml_domain(&c, &e);
	assert_non_null(x);
	part = between(x, "  <os>", "  <features");
	assert_string_equal(part,
	    "  <os>\n"
	    "    <type arch=\"x86_64\" machine=\"pc\">hvm</type>\n"
	    "    <loader readonly=\"yes\" type=\"rom\">/pool/image-b1</loader>\n"
	    "    <boot dev=\"hd\"/>\n"
	    "  </os>\n");
	free(part);
	free(x);
	hw_set(&h, HW_FIRMWARE, "uefi");
	c.loader = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	c.nvram_template = "/usr/share/OVMF/OVMF_VARS_4M.fd";
	c.nvram = "/pool/sandlab-lab1-r1-0123abcd.vars.fd";
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "bios: a BIOS image cannot boot with firmware uefi");
	hw_clear(&h);
}

/* UEFI: the host's OVMF code read-only as pflash, and the node's own
 * NVRAM file made from the host's template. */
static void
domain_uefi(void **state)
{
	struct domxml_cfg c = base_cfg();
	struct hw h;
	struct err e;
	char *x, *part;

	hw_init(&h);
	hw_set(&h, HW_FIRMWARE, "uefi");
	c.hw = &h;
	c.loader = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	c.nvram_template = "/usr/share/OVMF/OVMF_VARS_4M.fd";
	c.nvram = "/pool/sandlab-lab1-r1-0123abcd.vars.fd";
	x = domxml_domain(&c, &e);
	assert_non_null(x);
	part = between(x, "  <os>", "  <features");
	assert_string_equal(part,
	    "  <os>\n"
	    "    <type arch=\"x86_64\" machine=\"pc\">hvm</type>\n"
	    "    <loader readonly=\"yes\" type=\"pflash\">/usr/share/OVMF/OVMF_CODE_4M.fd</loader>\n"
	    "    <nvram template=\"/usr/share/OVMF/OVMF_VARS_4M.fd\">/pool/sandlab-lab1-r1-0123abcd.vars.fd</nvram>\n"
	    "    <boot dev=\"hd\"/>\n"
	    "  </os>\n");
	free(part);
	free(x);
	c.nvram = "pool/relative.fd";
	assert_null(domxml_domain(&c, &e));
	hw_clear(&h);
}

static void
domain_nics(void **state)
{
	struct domxml_cfg c = base_cfg();
	struct err e;
	char *x, *from, *to;

	c.nics = nics;
	c.nnics = 3;
	x = domxml_domain(&c, &e);
	assert_non_null(x);
	from = strstr(x, "    <interface");
	to = strstr(x, "    <serial");
	assert_non_null(from);
	assert_non_null(to);
	*to = '\0';
	assert_string_equal(from,
	    "    <interface type=\"user\">\n"
	    "      <mac address=\"52:54:00:aa:bb:01\"/>\n"
	    "      <model type=\"virtio\"/>\n"
	    "    </interface>\n"
	    "    <interface type=\"user\">\n"
	    "      <mac address=\"52:54:00:aa:bb:02\"/>\n"
	    "      <model type=\"e1000\"/>\n"
	    "      <link state=\"down\"/>\n"
	    "    </interface>\n"
	    "    <interface type=\"udp\">\n"
	    "      <mac address=\"52:54:00:aa:bb:03\"/>\n"
	    "      <source address=\"10.0.0.1\" port=\"40001\">\n"
	    "        <local address=\"10.0.0.2\" port=\"40000\"/>\n"
	    "      </source>\n"
	    "      <model type=\"virtio\"/>\n"
	    "    </interface>\n");
	free(x);
}

/* One NIC alone, for a live update: a link between two hosts whose
 * cable is pulled has its link down. */
static void
interface_one(void **state)
{
	struct domxml_nic n = { .idx = 2, .model = "e1000", .mac = "52:54:00:aa:bb:09",
	    .attach = "link", .local_host = "192.0.2.5", .local_port = 40010,
	    .remote_host = "192.0.2.6", .remote_port = 40011, .down = 1 };
	struct err e;
	char *x = domxml_interface(&n, &e);

	assert_non_null(x);
	assert_string_equal(x,
	    "<interface type=\"udp\">\n"
	    "  <mac address=\"52:54:00:aa:bb:09\"/>\n"
	    "  <source address=\"192.0.2.6\" port=\"40011\">\n"
	    "    <local address=\"192.0.2.5\" port=\"40010\"/>\n"
	    "  </source>\n"
	    "  <model type=\"e1000\"/>\n"
	    "  <link state=\"down\"/>\n"
	    "</interface>\n");
	free(x);
	n.remote_port = 0;
	assert_null(domxml_interface(&n, &e));
	assert_string_equal(e.msg, "NIC 2: a link needs two addresses and two UDP ports");
}

/* The NIC models a local node is tested with (net-link.sh) go to
 * libvirt by libvirt's names: virtio-net-pci as virtio, the others as
 * they are, i82559er among them. */
static void
nic_models(void **state)
{
	static const char *const models[][2] = {
		{ "virtio-net-pci", "virtio" }, { "e1000", "e1000" }, { "e1000e", "e1000e" },
		{ "rtl8139", "rtl8139" }, { "vmxnet3", "vmxnet3" }, { "pcnet", "pcnet" },
		{ "i82559er", "i82559er" }, { "ne2k_pci", "ne2k_pci" },
	};
	struct domxml_nic n = { .idx = 1, .mac = "52:54:00:aa:bb:0a", .attach = "none" };
	struct err e;

	for (size_t i = 0; i < sizeof models / sizeof *models; i++) {
		char *want = xasprintf("<model type=\"%s\"/>", models[i][1]);
		char *x;
		n.model = models[i][0];
		x = domxml_interface(&n, &e);
		assert_non_null(x);
		assert_non_null(strstr(x, want));
		free(want);
		free(x);
	}
	n.model = "-e1000";
	assert_null(domxml_interface(&n, &e));
	assert_non_null(strstr(e.msg, "NIC model \"-e1000\": a QEMU network device name"));
}

static void
values_escaped(void **state)
{
	struct domxml_cfg c = base_cfg();
	struct err e;
	char *x;

	c.title = "a<b>&\"c\"";
	c.volume = "v'</source><disk>";
	x = domxml_domain(&c, &e);
	assert_non_null(x);
	assert_non_null(strstr(x, "<title>a&lt;b&gt;&amp;&quot;c&quot;</title>"));
	assert_non_null(strstr(x, "volume=\"v'&lt;/source&gt;&lt;disk&gt;\""));
	assert_null(strstr(x, "<disk>"));
	free(x);
}

static void
domain_refused(void **state)
{
	struct domxml_cfg c = base_cfg();
	struct domxml_nic bad = nics[2];
	struct err e;

	c.vnc_host = "0.0.0.0";
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "VNC of a node on another host listens on that host's 127.0.0.1 only");
	c = base_cfg();
	c.accel = "hvf";
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "the accelerator must be kvm or tcg");
	c = base_cfg();
	c.volume = NULL;
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "the domain's disk needs a pool and a volume");
	c = base_cfg();
	c.nics = &bad;
	c.nnics = 1;
	bad.remote_port = 0;
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "NIC 2: a link needs two addresses and two UDP ports");
	bad = nics[0];
	bad.model = "e1000,x=1";
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "NIC model \"e1000,x=1\": a QEMU network device name such as "
	    "virtio-net-pci, e1000, e1000e, rtl8139 or vmxnet3 (qemu-system-x86_64 -device help lists them)");
	bad.model = NULL;
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "NIC model \"\": a QEMU network device name such as "
	    "virtio-net-pci, e1000, e1000e, rtl8139 or vmxnet3 (qemu-system-x86_64 -device help lists them)");
	bad = nics[0];
	bad.mac = "52:54:00:aa:bb";
	assert_null(domxml_domain(&c, &e));
	assert_string_equal(e.msg, "NIC 0: bad MAC address");
}

static void
volume(void **state)
{
	struct err e;
	char *x = domxml_volume("r1-0123abcd.qcow2", 1073741824LL,
	    "/pool/img-tiny.qcow2", "raw", &e);

	assert_non_null(x);
	assert_string_equal(x,
	    "<volume>\n"
	    "  <name>r1-0123abcd.qcow2</name>\n"
	    "  <capacity unit=\"bytes\">1073741824</capacity>\n"
	    "  <target>\n"
	    "    <format type=\"qcow2\"/>\n"
	    "  </target>\n"
	    "  <backingStore>\n"
	    "    <path>/pool/img-tiny.qcow2</path>\n"
	    "    <format type=\"raw\"/>\n"
	    "  </backingStore>\n"
	    "</volume>\n");
	free(x);
	assert_null(domxml_volume("v", 1024, "/pool/i", NULL, &e));
	assert_string_equal(e.msg, "a volume's backing store needs a path and a format (qcow2 or raw)");
	assert_null(domxml_volume("v", 1024, "/pool/i", "vmdk", &e));
	assert_null(domxml_volume("v", 0, "/pool/i", "qcow2", &e));
	assert_string_equal(e.msg, "a volume needs a name and a size");
	/* An image is uploaded into a raw volume of its size. */
	x = domxml_raw_volume("image-1", 393216, &e);
	assert_string_equal(x,
	    "<volume>\n"
	    "  <name>image-1</name>\n"
	    "  <capacity unit=\"bytes\">393216</capacity>\n"
	    "  <target>\n"
	    "    <format type=\"raw\"/>\n"
	    "  </target>\n"
	    "</volume>\n");
	free(x);
	x = domxml_pool("sandlab", "/var/lib/<x>", &e);
	assert_string_equal(x,
	    "<pool type=\"dir\">\n"
	    "  <name>sandlab</name>\n"
	    "  <target>\n"
	    "    <path>/var/lib/&lt;x&gt;</path>\n"
	    "    <permissions>\n"
	    "      <mode>0700</mode>\n"
	    "    </permissions>\n"
	    "  </target>\n"
	    "</pool>\n");
	free(x);
	/* An extra disk that is no image's: a blank qcow2. */
	x = domxml_blank_volume("d.disk1.qcow2", 67108864, &e);
	assert_string_equal(x,
	    "<volume>\n"
	    "  <name>d.disk1.qcow2</name>\n"
	    "  <capacity unit=\"bytes\">67108864</capacity>\n"
	    "  <target>\n"
	    "    <format type=\"qcow2\"/>\n"
	    "  </target>\n"
	    "</volume>\n");
	free(x);
	assert_null(domxml_blank_volume("d.disk1.qcow2", 0, &e));
	assert_null(domxml_pool("sandlab", "pool", &e));
	assert_string_equal(e.msg, "a storage pool needs a name and an absolute path");
}

static void
names(void **state)
{
	char *s = domxml_name("/home/u/labs/lab 1/", "r1", "0123abcd-0000-4000-8000-000000000000");

	assert_string_equal(s, "sandlab-lab_1-r1-0123abcd");
	free(s);
	/* Two labs with the same folder name: the node ids tell them apart. */
	s = domxml_name("/a/lab", "r1", "99999999-0000-4000-8000-000000000000");
	assert_string_equal(s, "sandlab-lab-r1-99999999");
	free(s);
	s = domxml_name("/", "r1", "0123abcd-0000-4000-8000-000000000000");
	assert_string_equal(s, "sandlab-_-r1-0123abcd");
	free(s);
	/* A node's volumes: the domain's name, a dot, and what each is. */
	s = domxml_disk_volume("sandlab-lab-r1-99999999", 0);
	assert_string_equal(s, "sandlab-lab-r1-99999999.qcow2");
	free(s);
	s = domxml_disk_volume("sandlab-lab-r1-99999999", 3);
	assert_string_equal(s, "sandlab-lab-r1-99999999.disk3.qcow2");
	free(s);
	s = domxml_nvram_volume("sandlab-lab-r1-99999999");
	assert_string_equal(s, "sandlab-lab-r1-99999999.vars.fd");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(domain_basic),
		cmocka_unit_test(domain_nics),
		cmocka_unit_test(interface_one),
		cmocka_unit_test(nic_models),
		cmocka_unit_test(domain_hw),
		cmocka_unit_test(domain_hw_refused),
		cmocka_unit_test(domain_disks),
		cmocka_unit_test(domain_cdrom_kernel),
		cmocka_unit_test(domain_bios),
		cmocka_unit_test(cdrom_change),
		cmocka_unit_test(domain_uefi),
		cmocka_unit_test(values_escaped),
		cmocka_unit_test(domain_refused),
		cmocka_unit_test(volume),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
