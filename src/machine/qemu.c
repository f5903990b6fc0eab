/*
 * qemu.c: builds a node's QEMU argv. Pure: it reads its arguments and
 * allocates, nothing else, so tests can check every option it writes.
 * Every value that reaches a comma-separated option goes through
 * qemu_escape; every -drive names its format.
 */
#include "qemu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disk.h"
#include "node.h"

struct argv_buf {
	char **v;
	size_t n, cap;
};

static void
argv_add(struct argv_buf *a, char *s)
{
	if (a->n + 2 > a->cap)
		a->v = xreallocarray(a->v, a->cap = a->cap ? a->cap * 2 : 32, sizeof *a->v);
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void
argv_pair(struct argv_buf *a, const char *opt, char *val)
{
	argv_add(a, xstrdup(opt));
	argv_add(a, val);
}

char *
qemu_escape(const char *value)
{
	size_t n = 0;
	char *out, *o;

	for (const char *p = value; *p; p++)
		n += *p == ',' ? 2 : 1;
	o = out = xmalloc(n + 1);
	for (const char *p = value; *p; p++) {
		*o++ = *p;
		if (*p == ',')
			*o++ = ',';
	}
	*o = '\0';
	return out;
}

int
qemu_vnc_host_local(const char *host)
{
	return host == NULL || strcmp(host, QEMU_VNC_HOST) == 0;
}

/* Host names and IPv4 addresses only: QEMU's -vnc parses the rest. */
static int
qemu_host_ok(const char *h)
{
	if (*h == '\0' || strlen(h) > 253)
		return 0;
	for (; *h; h++)
		if (!((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') ||
		    (*h >= '0' && *h <= '9') || *h == '.' || *h == '-'))
			return 0;
	return 1;
}

static const char *qemu_hw(const struct qemu_cfg *c, enum hw_key k);

/* The PCI slot of extra virtio disk N is this + N: above what the
 * automatic slots reach (the boot disk, VGA, controllers, 8 NICs). */
#define QEMU_DISK_SLOT 0x10

/* The extra disks: known buses, paths, indexes from 1, and no more than
 * the buses hold (disk.h's limits, the same the store checks); on pc a
 * cloud-init seed takes the IDE unit the second extra IDE disk would. */
static int
qemu_check_disks(const struct qemu_cfg *c, struct err *e)
{
	struct disk v[DISK_MAX];
	int ide = 0;

	if (c->ndisks > DISK_MAX)
		return err_set(e, "a node has at most %d extra disks", DISK_MAX);
	for (int i = 0; i < c->ndisks; i++) {
		const struct qemu_disk *d = &c->disks[i];
		if (d->file == NULL || d->file[0] == '\0' || d->idx < 1 || d->bus == NULL ||
		    (hw_check(HW_DISK_BUS, d->bus, e) != 0))
			return d->bus && d->idx >= 1 && d->file && d->file[0] ? -1 :
			    err_set(e, "extra disk %d needs an index, a bus and a path", i + 1);
		memset(&v[i], 0, sizeof v[i]);
		snprintf(v[i].bus, sizeof v[i].bus, "%s", d->bus);
		ide += strcmp(d->bus, "ide") == 0;
	}
	if (disk_check_buses(qemu_hw(c, HW_DISK_BUS), v, c->ndisks, e) != 0)
		return -1;
	if (c->seed != NULL && ide == DISK_IDE_MAX && strcmp(qemu_hw(c, HW_DISK_BUS), "ide") == 0 &&
	    strcmp(qemu_hw(c, HW_MACHINE), "pc") == 0)
		return err_set(e, "with cloud-init, its seed takes the last IDE unit of a pc machine whose "
		    "boot disk is IDE: one extra IDE disk at most (or machine q35)");
	return 0;
}

static int
qemu_check(const struct qemu_cfg *c, struct err *e)
{
	if (c->name == NULL || *c->name == '\0')
		return err_set(e, "the VM needs a name");
	if (c->disk == NULL || *c->disk == '\0' || c->disk_format == NULL ||
	    (strcmp(c->disk_format, "qcow2") != 0 && strcmp(c->disk_format, "raw") != 0))
		return err_set(e, "the VM's disk needs a path and a format (qcow2 or raw)");
	if (c->accel == NULL || (strcmp(c->accel, "kvm") != 0 && strcmp(c->accel, "tcg") != 0))
		return err_set(e, "the accelerator must be kvm or tcg");
	if (c->ram_mb < 1 || c->cpus < 1)
		return err_set(e, "RAM and CPUs must be positive");
	if (c->vnc_display >= 0 && c->vnc_display + QEMU_VNC_PORT_BASE > 65535)
		return err_set(e, "VNC display %d is out of range", c->vnc_display);
	if (c->vnc_display >= 0 && !qemu_vnc_host_local(c->vnc_host)) {
		if (!qemu_host_ok(c->vnc_host))
			return err_set(e, "VNC address must be a host name or an IPv4 address");
		if (!c->vnc_password)
			return err_set(e, "VNC may listen on %s only with a password; "
			    "without one it listens on %s", c->vnc_host, QEMU_VNC_HOST);
	}
	if (c->qmp_fd < 0 && (c->qmp_path == NULL || *c->qmp_path == '\0'))
		return err_set(e, "QMP needs a socket");
	if (c->hw != NULL) {
		for (int k = 0; k < HW_NKEYS; k++) {
			if (c->hw->v[k] == NULL || hw_check(k, c->hw->v[k], e) != 0)
				return c->hw->v[k] ? -1 : err_set(e, "the machine's %s is missing", hw_fields[k].name);
			if (hw_fields[k].image_kind && c->hw->v[k][0] && c->hw->file[k] == NULL)
				return err_set(e, "the machine's %s has no file", hw_fields[k].name);
		}
		if (hw_check_all(c->hw, e) != 0)
			return -1;
		if (strcmp(c->hw->v[HW_FIRMWARE], "uefi") == 0 && (c->fw_code == NULL || *c->fw_code == '\0' ||
		    c->hw->file[HW_FIRMWARE] == NULL || *c->hw->file[HW_FIRMWARE] == '\0'))
			return err_set(e, "UEFI needs OVMF's code file and the node's NVRAM file");
	}
	if (c->seed != NULL && *c->seed == '\0')
		return err_set(e, "the cloud-init seed needs a path");
	if (qemu_check_disks(c, e) != 0)
		return -1;
	for (int i = 0; i < c->nnics; i++) {
		const struct qemu_nic *n = &c->nics[i];
		if (nic_model_check(n->model, e) != 0)
			return -1;
		if (n->mac == NULL || strlen(n->mac) != 17 || strspn(n->mac, "0123456789abcdefABCDEF:") != 17)
			return err_set(e, "NIC %d: bad MAC address", n->idx);
		if (n->attach == NULL || (strcmp(n->attach, "none") != 0 &&
		    strcmp(n->attach, "user") != 0 && strcmp(n->attach, "link") != 0))
			return err_set(e, "NIC %d: unknown attachment", n->idx);
		if (strcmp(n->attach, "link") == 0 && (!port_ok(n->local_port) ||
		    !port_ok(n->remote_port) || n->local_port == n->remote_port))
			return err_set(e, "NIC %d: a link needs two different UDP ports", n->idx);
		for (int j = 0; j < n->nfwds; j++) {
			const struct qemu_fwd *f = &n->fwds[j];
			if (strcmp(n->attach, "user") != 0)
				return err_set(e, "NIC %d: port forwards need user-mode NAT", n->idx);
			if (f->proto == NULL || (strcmp(f->proto, "tcp") != 0 && strcmp(f->proto, "udp") != 0) ||
			    !port_ok(f->host_port) || !port_ok(f->guest_port))
				return err_set(e, "NIC %d: a forward is tcp or udp between ports 1 and 65535",
				    n->idx);
		}
	}
	return 0;
}

char *
qemu_netdev(const struct qemu_nic *n)
{
	char *s, *t;

	if (strcmp(n->attach, "link") == 0)
		/* dgram, not stream or socket: a UDP end needs no peer to start,
		 * so either node may start first and restart alone. */
		return xasprintf("dgram,id=net%d,local.type=inet,local.host=%s,local.port=%d,"
		    "remote.type=inet,remote.host=%s,remote.port=%d", n->idx, QEMU_LINK_HOST,
		    n->local_port, QEMU_LINK_HOST, n->remote_port);
	if (strcmp(n->attach, "user") != 0)
		return NULL;
	s = xasprintf("user,id=net%d", n->idx);
	for (int j = 0; j < n->nfwds; j++) {
		/* Bound to loopback only: nothing in a lab is reachable from the
		 * network unless the user forwards it on by other means. */
		t = xasprintf("%s,hostfwd=%s:%s:%d-:%d", s, n->fwds[j].proto, QEMU_LINK_HOST,
		    n->fwds[j].host_port, n->fwds[j].guest_port);
		free(s);
		s = t;
	}
	return s;
}

/* Boot order by bootindex (QEMU's docs/system/bootindex.rst), not -boot
 * order: SeaBIOS and OVMF try the devices with an index, in its order,
 * before any other, whatever their bus. So an extra disk on a bus SeaBIOS
 * looks at first (IDE, AHCI) is not booted in the boot disk's place. */
int
qemu_boot_plan(const struct hw *hw, const int *nic_idx, int nnics, int with_once,
    struct qemu_boot *out)
{
	const char *order = hw ? hw->v[HW_BOOT] : hw_fields[HW_BOOT].dflt;
	const char *once = with_once ? (hw ? hw->v[HW_BOOT_ONCE] : hw_fields[HW_BOOT_ONCE].dflt) : "";
	const char *names[4];
	int nnames = 0, n = 0;

	if (*order == '\0')
		order = "disk";
	if (*once)
		names[nnames++] = once;
	for (const char *p = order; *p && nnames < 4; ) {
		size_t len = strcspn(p, ",");
		const char *w = strncmp(p, "disk", len) == 0 && len == 4 ? "disk" :
		    strncmp(p, "cdrom", len) == 0 && len == 5 ? "cdrom" : "network";
		int seen = 0;
		for (int i = 0; i < nnames; i++)
			seen |= strcmp(names[i], w) == 0;
		if (!seen)
			names[nnames++] = w;
		p += len;
		p += *p == ',';
	}
	for (int i = 0; i < nnames; i++) {
		if (strcmp(names[i], "network") != 0 && n < QEMU_BOOT_MAX) {
			snprintf(out[n].id, sizeof out[n].id, "%s", strcmp(names[i], "disk") == 0 ?
			    QEMU_BOOT_DISK_ID : QEMU_CDROM_ID);
			out[n].index = n + 1;
			n++;
			continue;
		}
		for (int j = 0; j < nnics && n < QEMU_BOOT_MAX; j++) {
			snprintf(out[n].id, sizeof out[n].id, "nic%d", nic_idx[j] % 100);
			out[n].index = n + 1;
			n++;
		}
	}
	return n;
}

/* ",bootindex=N" for the device of qdev id, or "" when the node's boot
 * order (boot-once first: this start is the one it is for) names it not. */
static void
qemu_bootindex(const struct qemu_cfg *c, const char *id, char *buf, size_t size)
{
	struct qemu_boot plan[QEMU_BOOT_MAX];
	int nics[QEMU_BOOT_MAX], nn = 0, n;

	for (int i = 0; i < c->nnics && nn < QEMU_BOOT_MAX; i++)
		nics[nn++] = c->nics[i].idx;
	n = qemu_boot_plan(c->hw, nics, nn, 1, plan);
	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		if (strcmp(plan[i].id, id) == 0)
			snprintf(buf, size, ",bootindex=%d", plan[i].index);
}

static void
qemu_add_nics(struct argv_buf *a, const struct qemu_cfg *c)
{
	for (int i = 0; i < c->nnics; i++) {
		const struct qemu_nic *n = &c->nics[i];
		char *nd = c->wire_fd_base > 0 && strcmp(n->attach, "user") != 0 ?
		    xasprintf("dgram,id=net%d,local.type=fd,local.str=%d", n->idx,
		    c->wire_fd_base + n->idx) : qemu_netdev(n);
		char id[16], bi[24];
		snprintf(id, sizeof id, "nic%d", n->idx % 100);
		qemu_bootindex(c, id, bi, sizeof bi);
		/* "none" gets a NIC with no backend: the guest sees the
		 * interface and its MAC, with nothing on the wire. */
		if (nd != NULL) {
			argv_pair(a, "-netdev", nd);
			argv_pair(a, "-device", xasprintf("%s,id=nic%d,netdev=net%d,mac=%s%s", n->model,
			    n->idx, n->idx, n->mac, bi));
		} else
			argv_pair(a, "-device", xasprintf("%s,id=nic%d,mac=%s%s", n->model, n->idx, n->mac, bi));
	}
}

const char *
qemu_binary(const char *arch)
{
	return arch && strcmp(arch, "i386") == 0 ? QEMU_BIN_I386 : QEMU_BIN_DEFAULT;
}

const char *
qemu_cpu(const char *model, const char *accel)
{
	if (strcmp(model, "auto") != 0)
		return model;
	return strcmp(accel, "kvm") == 0 ? "host" : "max";
}

/* The value of a machine field: the default when the config has no hw. */
static const char *
qemu_hw(const struct qemu_cfg *c, enum hw_key k)
{
	return c->hw ? c->hw->v[k] : hw_fields[k].dflt;
}

/* The controller of a SATA or SCSI bus: AHCI, or virtio-scsi (what
 * guests of this decade carry). */
static void
qemu_add_controller(struct argv_buf *a, const char *bus)
{
	argv_pair(a, "-device", xstrdup(strcmp(bus, "sata") == 0 ? "ahci,id=ahci0" : "virtio-scsi-pci,id=scsi0"));
}

/* The device of drive diskN on a SATA port or a SCSI target (the boot
 * disk is disk0 on port 0, or SCSI's first target, which QEMU picks).
 * boot: the boot disk's id and bootindex words, or "". */
static void
qemu_add_hd(struct argv_buf *a, const char *bus, int n, int unit, const char *boot)
{
	if (strcmp(bus, "sata") == 0)
		argv_pair(a, "-device", xasprintf("ide-hd,drive=disk%d,bus=ahci0.%d%s", n, unit, boot));
	else if (unit == 0)
		argv_pair(a, "-device", xasprintf("scsi-hd,drive=disk%d,bus=scsi0.0%s", n, boot));
	else
		argv_pair(a, "-device", xasprintf("scsi-hd,drive=disk%d,bus=scsi0.0,scsi-id=%d%s", n, unit,
		    boot));
}

/* The boot disk on its bus: a drive without a device and the device that
 * holds it, named hd0 and given its place in the boot order. virtio's is
 * the first -device, so it takes the first free PCI slot (vda). */
static void
qemu_add_disk(struct argv_buf *a, const struct qemu_cfg *c)
{
	const char *bus = qemu_hw(c, HW_DISK_BUS);
	char *esc = qemu_escape(c->disk);
	char bi[24], boot[48];

	qemu_bootindex(c, QEMU_BOOT_DISK_ID, bi, sizeof bi);
	snprintf(boot, sizeof boot, ",id=%s%s", QEMU_BOOT_DISK_ID, bi);
	argv_pair(a, "-drive", xasprintf("file=%s,format=%s,if=none,id=disk0", esc, c->disk_format));
	free(esc);
	if (strcmp(bus, "virtio") == 0)
		argv_pair(a, "-device", xasprintf("virtio-blk-pci,drive=disk0%s", boot));
	else if (strcmp(bus, "ide") == 0)
		/* pc: the primary channel's master; q35: AHCI port 0 */
		argv_pair(a, "-device", xasprintf("ide-hd,drive=disk0,bus=ide.0%s%s",
		    strcmp(qemu_hw(c, HW_MACHINE), "q35") == 0 ? "" : ",unit=0", boot));
	else {
		qemu_add_controller(a, bus);
		qemu_add_hd(a, bus, 0, 0, boot);
	}
}

/* The extra disks (disk.h), each a drive diskN and its device on its bus,
 * after the boot disk: virtio-blk devices take PCI slots after it (vdb,
 * vdc... in the guest); SATA and SCSI share the boot disk's controller
 * or get one; IDE takes the units the boot disk and the CD-ROM leave
 * (qemu_check counted them). */
static void
qemu_add_disks(struct argv_buf *a, const struct qemu_cfg *c)
{
	const char *boot = qemu_hw(c, HW_DISK_BUS);
	int q35 = strcmp(qemu_hw(c, HW_MACHINE), "q35") == 0;
	int ide = 0, sata = strcmp(boot, "sata") == 0, ctl_sata = sata, ctl_scsi = strcmp(boot, "scsi") == 0;

	for (int i = 0; i < c->ndisks; i++) {
		const struct qemu_disk *d = &c->disks[i];
		char *esc = qemu_escape(d->file);
		argv_pair(a, "-drive", xasprintf("file=%s,format=qcow2,if=none,id=disk%d", esc, d->idx));
		free(esc);
		if (strcmp(d->bus, "virtio") == 0)
			/* slots from 0x10 on, after every automatic one: the
			 * guest names virtio disks in slot order, so the boot
			 * disk is vda and the extra ones follow in their order */
			argv_pair(a, "-device", xasprintf("virtio-blk-pci,drive=disk%d,addr=0x%x", d->idx,
			    QEMU_DISK_SLOT + d->idx));
		else if (strcmp(d->bus, "ide") == 0) {
			/* pc: two channels of two units, the CD-ROM the second's
			 * master; q35: one port each, the CD-ROM on ide.1 and a
			 * cloud-init seed on ide.2 */
			static const char *const pc[2][2] = { { "ide.0,unit=0", "ide.0,unit=1" },
			    { "ide.0,unit=1", "ide.1,unit=1" } };
			static const char *const q[2][2] = { { "ide.0", "ide.3" }, { "ide.3", "ide.4" } };
			int booted = strcmp(boot, "ide") == 0;
			argv_pair(a, "-device", xasprintf("ide-hd,drive=disk%d,bus=%s", d->idx,
			    q35 ? q[booted][ide] : pc[booted][ide]));
			ide++;
		} else {
			int sa = strcmp(d->bus, "sata") == 0;
			if (sa ? !ctl_sata : !ctl_scsi)
				qemu_add_controller(a, d->bus);
			*(sa ? &ctl_sata : &ctl_scsi) = 1;
			qemu_add_hd(a, d->bus, d->idx, sa ? sata++ : d->idx, "");
		}
	}
}

/* The CD-ROM drive: always there, on the second IDE bus (pc's secondary
 * channel, q35's second AHCI port), so a medium can be put in while the
 * node runs; with the node's ISO in it, read-only. */
static void
qemu_add_cdrom(struct argv_buf *a, const struct qemu_cfg *c)
{
	char bi[24];

	qemu_bootindex(c, QEMU_CDROM_ID, bi, sizeof bi);
	if (c->hw != NULL && c->hw->v[HW_CDROM][0]) {
		char *esc = qemu_escape(c->hw->file[HW_CDROM]);
		argv_pair(a, "-drive", xasprintf("file=%s,format=raw,if=none,id=cdrom0,media=cdrom,readonly=on",
		    esc));
		free(esc);
		argv_pair(a, "-device", xasprintf("ide-cd,id=" QEMU_CDROM_ID ",drive=cdrom0,bus=ide.1%s", bi));
	} else
		argv_pair(a, "-device", xasprintf("ide-cd,id=" QEMU_CDROM_ID ",bus=ide.1%s", bi));
}

/* The display device; none leaves VNC a blank screen. */
static void
qemu_add_vga(struct argv_buf *a, const struct qemu_cfg *c)
{
	const char *vga = qemu_hw(c, HW_VGA);

	if (strcmp(vga, "none") == 0)
		return;
	argv_pair(a, "-device", xstrdup(strcmp(vga, "std") == 0 ? "VGA" : strcmp(vga, "virtio") == 0 ?
	    "virtio-vga" : "cirrus-vga"));
}

/* -kernel, -initrd and -append: plain file names, not option lists, so
 * no escaping; hw_check_all saw the kernel is there when the others are. */
static void
qemu_add_kernel(struct argv_buf *a, const struct qemu_cfg *c)
{
	if (c->hw == NULL || c->hw->v[HW_KERNEL][0] == '\0')
		return;
	argv_pair(a, "-kernel", xstrdup(c->hw->file[HW_KERNEL]));
	if (c->hw->v[HW_INITRD][0])
		argv_pair(a, "-initrd", xstrdup(c->hw->file[HW_INITRD]));
	if (c->hw->v[HW_APPEND][0])
		argv_pair(a, "-append", xstrdup(c->hw->v[HW_APPEND]));
}

/* UEFI: OVMF's code read-only as pflash unit 0 and the node's own VARS
 * as unit 1, so what the guest writes to NVRAM stays with the node. On
 * pc as on q35 (OVMF runs on both). BIOS: SeaBIOS, or the node's own ROM
 * as -bios, a plain file name (hw_check_all refused it with UEFI). */
static void
qemu_add_firmware(struct argv_buf *a, const struct qemu_cfg *c)
{
	char *esc;

	if (c->hw != NULL && c->hw->v[HW_BIOS][0] != '\0')
		argv_pair(a, "-bios", xstrdup(c->hw->file[HW_BIOS]));
	if (strcmp(qemu_hw(c, HW_FIRMWARE), "uefi") != 0)
		return;
	esc = qemu_escape(c->fw_code);
	argv_pair(a, "-drive", xasprintf("if=pflash,format=raw,unit=0,readonly=on,file=%s", esc));
	free(esc);
	esc = qemu_escape(c->hw->file[HW_FIRMWARE]);
	argv_pair(a, "-drive", xasprintf("if=pflash,format=raw,unit=1,file=%s", esc));
	free(esc);
}

/* The cloud-init seed: a read-only CD-ROM of its own on the second IDE
 * bus (pc) or AHCI port (q35), apart from any CD-ROM the user gives, so the two
 * never take each other's place. */
static void
qemu_add_seed(struct argv_buf *a, const struct qemu_cfg *c)
{
	char *esc;

	if (c->seed == NULL)
		return;
	esc = qemu_escape(c->seed);
	argv_pair(a, "-drive", xasprintf("file=%s,format=raw,if=none,id=cidata,media=cdrom,readonly=on",
	    esc));
	free(esc);
	/* pc: the secondary channel's slave, beside the user's CD-ROM;
	 * q35: an AHCI port takes one device, so the next port */
	argv_pair(a, "-device", xstrdup(strcmp(qemu_hw(c, HW_MACHINE), "q35") == 0 ?
	    "ide-cd,drive=cidata,bus=ide.2" : "ide-cd,drive=cidata,bus=ide.1,unit=1"));
}

char **
qemu_argv(const struct qemu_cfg *c, struct err *e)
{
	struct argv_buf a = { 0 };
	char *esc;

	if (qemu_check(c, e) != 0)
		return NULL;
	argv_add(&a, xstrdup(c->binary ? c->binary : qemu_binary(qemu_hw(c, HW_ARCH))));
	esc = qemu_escape(c->name);
	argv_pair(&a, "-name", xasprintf("guest=%s", esc));
	free(esc);
	argv_add(&a, xstrdup("-nodefaults"));
	argv_add(&a, xstrdup("-no-user-config"));
	argv_pair(&a, "-machine", xstrdup(qemu_hw(c, HW_MACHINE)));
	argv_pair(&a, "-accel", xstrdup(c->accel));
	argv_pair(&a, "-cpu", xstrdup(qemu_cpu(qemu_hw(c, HW_CPU_MODEL), c->accel)));
	argv_pair(&a, "-m", xasprintf("%d", c->ram_mb));
	argv_pair(&a, "-smp", xasprintf("%d", c->cpus));
	argv_pair(&a, "-display", xstrdup("none"));
	qemu_add_firmware(&a, c);
	qemu_add_disk(&a, c);
	qemu_add_disks(&a, c);
	qemu_add_cdrom(&a, c);
	qemu_add_kernel(&a, c);
	qemu_add_seed(&a, c);
	/* The serial line is QEMU's stdin/stdout: a socketpair the keeper
	 * holds before QEMU runs, so no byte of the boot is lost. */
	argv_pair(&a, "-chardev", xstrdup("stdio,id=serial0,signal=off"));
	argv_pair(&a, "-serial", xstrdup("chardev:serial0"));
	/* A connected socket: nothing to bind, listen on or connect to
	 * before QEMU runs, and no path in run/ for anyone else. */
	if (c->qmp_fd >= 0)
		argv_pair(&a, "-chardev", xasprintf("socket,id=qmp,fd=%d", c->qmp_fd));
	else {
		esc = qemu_escape(c->qmp_path);
		argv_pair(&a, "-chardev", xasprintf("socket,id=qmp,path=%s,server=on,wait=off", esc));
		free(esc);
	}
	argv_pair(&a, "-mon", xstrdup("chardev=qmp,mode=control"));
	if (c->vnc_display >= 0) {
		qemu_add_vga(&a, c);
		argv_pair(&a, "-vnc", xasprintf("%s:%d%s", c->vnc_host ? c->vnc_host : QEMU_VNC_HOST,
		    c->vnc_display, c->vnc_password ? ",password=on" : ""));
	}
	qemu_add_nics(&a, c);
	/* QEMU needs none of these at run time; deny them to a guest escape. */
	argv_pair(&a, "-sandbox", xstrdup("on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
	    "resourcecontrol=deny"));
	return a.v;
}

char **
qemu_node_argv(const struct node *n, const struct qemu_cfg *run, const struct qemu_nic *nics,
    int nnics, struct err *e)
{
	struct qemu_cfg cfg = *run;

	cfg.name = n->name;
	cfg.disk = n->overlay;
	cfg.disk_format = "qcow2";
	cfg.ram_mb = n->ram_mb;
	cfg.cpus = n->cpus;
	cfg.nics = nics;
	cfg.nnics = nnics;
	cfg.hw = &n->hw;
	struct qemu_disk *dv = xcalloc((size_t)n->ndisks + 1, sizeof *dv);
	for (int i = 0; i < n->ndisks; i++)
		dv[i] = (struct qemu_disk){ .idx = n->disks[i].idx, .bus = n->disks[i].bus,
		    .file = n->disks[i].file };
	cfg.disks = dv;
	cfg.ndisks = n->ndisks;

	char **v = qemu_argv(&cfg, e);
	free(dv);
	return v;
}

/* Appends one word, quoted so a shell reads it back unchanged. */
static void
shell_word(char **out, size_t *len, size_t *cap, const char *w)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_@%+=:,./-";
	int plain = *w != '\0' && strspn(w, safe) == strlen(w);
	int ctl = 0;
	size_t need = strlen(w) * 4 + 8;

	for (const char *p = w; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			ctl = 1;
	if (*len + need + 1 > *cap)
		*out = xrealloc(*out, *cap = (*len + need + 1) * 2);
	char *o = *out + *len;
	if (plain)
		o += sprintf(o, "%s", w);
	else if (ctl) {
		/* bash's $'...' spells control bytes out instead of sending them. */
		o += sprintf(o, "$'");
		for (const char *p = w; *p; p++) {
			unsigned char ch = (unsigned char)*p;
			if (ch < 0x20 || ch == 0x7f)
				o += sprintf(o, "\\x%02x", ch);
			else if (ch == '\'' || ch == '\\')
				o += sprintf(o, "\\%c", ch);
			else
				*o++ = (char)ch;
		}
		*o++ = '\'';
	} else {
		*o++ = '\'';
		for (const char *p = w; *p; p++) {
			if (*p == '\'')
				o += sprintf(o, "'\\''");
			else
				*o++ = *p;
		}
		*o++ = '\'';
	}
	*o = '\0';
	*len = (size_t)(o - *out);
}

char *
qemu_argv_shell(char *const *argv)
{
	size_t len = 0, cap = 256;
	char *out = xmalloc(cap);

	out[0] = '\0';
	for (size_t i = 0; argv[i]; i++) {
		if (i > 0) {
			if (len + 2 > cap)
				out = xrealloc(out, cap *= 2);
			out[len++] = ' ';
			out[len] = '\0';
		}
		shell_word(&out, &len, &cap, argv[i]);
	}
	return out;
}

int
qemu_err_vnc_busy(const char *s)
{
	/* QEMU 7.2: "-vnc 127.0.0.1:7: Failed to find an available port:
	 * Address already in use". */
	const char *line;

	for (line = s; line && *line; ) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		char *l = xstrndup(line, n);
		int hit = strstr(l, "-vnc") != NULL && strstr(l, "Address already in use") != NULL;
		free(l);
		if (hit)
			return 1;
		line = end ? end + 1 : NULL;
	}
	return 0;
}
