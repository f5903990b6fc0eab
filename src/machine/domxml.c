/*
 * domxml.c: builds the libvirt XML of a remote node. Pure: libxml2's
 * writer escapes every value, so a name or path never becomes markup.
 * The checks mirror qemu.c's: what a local node may not do, a remote one
 * may not either (VNC off loopback, above all).
 */
#include "domxml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmllib.h"

#include "disk.h"
#include "nic.h"

/* The writer and whether a call failed (only out of memory can). */
struct dx {
	xmlBufferPtr     buf;
	xmlTextWriterPtr w;
	int              bad;
};

/* 0, or -1 when libxml2 cannot be loaded. */
static int
dx_open(struct dx *d, struct err *e)
{
	if (xmllib_open(e) != 0)
		return -1;
	d->buf = xmllib.xmlBufferCreate();
	d->w = d->buf ? xmllib.xmlNewTextWriterMemory(d->buf, 0) : NULL;
	if (d->w == NULL)
		fatal("out of memory");
	d->bad = xmllib.xmlTextWriterSetIndent(d->w, 1) < 0 ||
	    xmllib.xmlTextWriterSetIndentString(d->w, BAD_CAST "  ") < 0;
	return 0;
}

/* The text written, or NULL when a call failed; frees the writer. */
static char *
dx_close(struct dx *d)
{
	char *s = NULL;

	if (xmllib.xmlTextWriterEndDocument(d->w) < 0)
		d->bad = 1;
	xmllib.xmlFreeTextWriter(d->w);
	if (!d->bad)
		s = xstrdup((const char *)xmllib.xmlBufferContent(d->buf));
	xmllib.xmlBufferFree(d->buf);
	if (s == NULL)
		fatal("out of memory writing XML");
	return s;
}

static void
dx_start(struct dx *d, const char *el)
{
	d->bad |= xmllib.xmlTextWriterStartElement(d->w, BAD_CAST el) < 0;
}

static void
dx_end(struct dx *d)
{
	d->bad |= xmllib.xmlTextWriterEndElement(d->w) < 0;
}

static void
dx_attr(struct dx *d, const char *name, const char *value)
{
	d->bad |= xmllib.xmlTextWriterWriteAttribute(d->w, BAD_CAST name, BAD_CAST value) < 0;
}

static void
dx_attr_int(struct dx *d, const char *name, long long value)
{
	char v[32];

	snprintf(v, sizeof v, "%lld", value);
	dx_attr(d, name, v);
}

/* <el>text</el> */
static void
dx_text(struct dx *d, const char *el, const char *text)
{
	d->bad |= xmllib.xmlTextWriterWriteElement(d->w, BAD_CAST el, BAD_CAST text) < 0;
}

/* <el a="v"/> with one attribute. */
static void
dx_empty(struct dx *d, const char *el, const char *attr, const char *value)
{
	dx_start(d, el);
	dx_attr(d, attr, value);
	dx_end(d);
}

char *
domxml_name(const char *lab_dir, const char *node_name, const char *node_id)
{
	const char *base;
	size_t len = strlen(lab_dir);
	char *lab, *s;

	/* "/labs/a/" names "a", as "/labs/a" does. */
	while (len > 1 && lab_dir[len - 1] == '/')
		len--;
	for (base = lab_dir + len; base > lab_dir && base[-1] != '/'; base--)
		;
	lab = xstrndup(base, (size_t)(lab_dir + len - base));
	for (char *p = lab; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			*p = '_';
	s = xasprintf("sandlab-%s-%s-%.8s", *lab ? lab : "_", node_name, node_id);
	free(lab);
	return s;
}

/* libvirt's name of a NIC model. A node on another host may have every
 * model a local node may (nic_model_check here, the models QEMU offers
 * when the node is made or changed): one list, not a second one for
 * libvirt. libvirt knows virtio-net-pci as virtio; a model it has no name
 * of its own for (i82559er, pcnet, ne2k_pci) it gives QEMU as the device
 * as it is. */
static const char *
domxml_nic_model(const char *m)
{
	return strcmp(m, "virtio-net-pci") == 0 ? "virtio" : m;
}

/* What libvirt would refuse in one NIC, by its index. */
static int
domxml_check_nic(const struct domxml_nic *n, struct err *e)
{
	if (nic_model_check(n->model, e) != 0)
		return -1;
	if (n->mac == NULL || strlen(n->mac) != 17 || strspn(n->mac, "0123456789abcdefABCDEF:") != 17)
		return err_set(e, "NIC %d: bad MAC address", n->idx);
	if (n->attach == NULL || (strcmp(n->attach, "none") != 0 &&
	    strcmp(n->attach, "user") != 0 && strcmp(n->attach, "link") != 0))
		return err_set(e, "NIC %d: unknown attachment", n->idx);
	if (strcmp(n->attach, "link") == 0 && (n->local_host == NULL || n->remote_host == NULL ||
	    !port_ok(n->local_port) || !port_ok(n->remote_port)))
		return err_set(e, "NIC %d: a link needs two addresses and two UDP ports", n->idx);
	return 0;
}

/* A field of the machine, or its default when there is no hw. */
static const char *
domxml_hw(const struct domxml_cfg *c, enum hw_key k)
{
	return c->hw != NULL && c->hw->v[k] != NULL ? c->hw->v[k] : hw_fields[k].dflt;
}

/* The extra disks, and each field of the machine that needs a file on
 * the host with that file given. */
static int
domxml_check_hw(const struct domxml_cfg *c, struct err *e)
{
	static const enum hw_key files[] = { HW_CDROM, HW_KERNEL, HW_INITRD, HW_BIOS };
	const char *const given[] = { c->cdrom, c->kernel, c->initrd, c->bios };
	const char *boot = domxml_hw(c, HW_BOOT), *once = domxml_hw(c, HW_BOOT_ONCE);

	if (c->ndisks < 0 || c->ndisks > DISK_MAX || (c->ndisks > 0 && c->disks == NULL))
		return err_set(e, "extra disks: at most %d, each with its volume", DISK_MAX);
	for (int i = 0; i < c->ndisks; i++) {
		const struct domxml_disk *d = &c->disks[i];
		if (d->idx < 1 || d->volume == NULL || *d->volume == '\0' || d->bus == NULL)
			return err_set(e, "extra disk %d needs an index, a bus and a volume", i + 1);
		if (hw_check(HW_DISK_BUS, d->bus, e) != 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		if (domxml_hw(c, files[i])[0] != '\0' && (given[i] == NULL || given[i][0] != '/'))
			return err_set(e, "%s: its file on the host is not given", hw_fields[files[i]].name);
	if (domxml_hw(c, HW_APPEND)[0] != '\0' && c->kernel == NULL)
		return err_set(e, "append: a kernel command line needs a kernel");
	if (strcmp(domxml_hw(c, HW_FIRMWARE), "uefi") == 0 &&
	    (c->loader == NULL || c->loader[0] != '/' || c->nvram == NULL || c->nvram[0] != '/' ||
	    c->nvram_template == NULL || c->nvram_template[0] != '/'))
		return err_set(e, "firmware uefi: needs the host's OVMF code, its VARS template and the "
		    "node's NVRAM file");
	if (strcmp(domxml_hw(c, HW_FIRMWARE), "uefi") != 0 && strcmp(domxml_hw(c, HW_FIRMWARE), "bios") != 0)
		return err_set(e, "firmware %s: bios or uefi", domxml_hw(c, HW_FIRMWARE));
	if (domxml_hw(c, HW_BIOS)[0] != '\0' && strcmp(domxml_hw(c, HW_FIRMWARE), "uefi") == 0)
		return err_set(e, "bios: a BIOS image cannot boot with firmware uefi");
	if (*once && hw_check(HW_BOOT_ONCE, once, e) != 0)
		return -1;
	for (const char *p = boot; *p; ) {
		size_t n = strcspn(p, ",");
		if (!((n == 4 && strncmp(p, "disk", 4) == 0) || (n == 5 && strncmp(p, "cdrom", 5) == 0) ||
		    (n == 7 && strncmp(p, "network", 7) == 0)))
			return err_set(e, "boot: \"%s\" is not an order of disk, cdrom and network", boot);
		p += n + (p[n] == ',');
	}
	return 0;
}

static int
domxml_check(const struct domxml_cfg *c, struct err *e)
{
	if (c->name == NULL || *c->name == '\0')
		return err_set(e, "the domain needs a name");
	if (c->accel == NULL || (strcmp(c->accel, "kvm") != 0 && strcmp(c->accel, "tcg") != 0))
		return err_set(e, "the accelerator must be kvm or tcg");
	if (c->ram_mb < 1 || c->cpus < 1)
		return err_set(e, "RAM and CPUs must be positive");
	if (c->pool == NULL || *c->pool == '\0' || c->volume == NULL || *c->volume == '\0')
		return err_set(e, "the domain's disk needs a pool and a volume");
	/* A remote VNC listens on the host's loopback only: the user reaches
	 * it through ssh, as the URI's own transport. */
	if (c->vnc_host != NULL && strcmp(c->vnc_host, DOMXML_VNC_HOST) != 0)
		return err_set(e, "VNC of a node on another host listens on that host's %s only",
		    DOMXML_VNC_HOST);
	if (c->vnc_password != NULL && (strlen(c->vnc_password) > 8 || *c->vnc_password == '\0'))
		return err_set(e, "a VNC password has 1 to 8 bytes");
	for (int i = 0; i < c->nnics; i++)
		if (domxml_check_nic(&c->nics[i], e) != 0)
			return -1;
	return domxml_check_hw(c, e);
}

static void
domxml_nic(struct dx *d, const struct domxml_nic *n)
{
	int link = strcmp(n->attach, "link") == 0;

	dx_start(d, "interface");
	dx_attr(d, "type", link ? "udp" : "user");
	dx_empty(d, "mac", "address", n->mac);
	if (link) {
		dx_start(d, "source");
		dx_attr(d, "address", n->remote_host);
		dx_attr_int(d, "port", n->remote_port);
		dx_start(d, "local");
		dx_attr(d, "address", n->local_host);
		dx_attr_int(d, "port", n->local_port);
		dx_end(d);
		dx_end(d);
	}
	dx_empty(d, "model", "type", domxml_nic_model(n->model));
	/* "none": libvirt 9.0 has no NIC without a backend, so the guest gets
	 * a user-mode one whose link is down: its MAC, nothing on the wire. */
	if (strcmp(n->attach, "none") == 0 || (link && n->down))
		dx_empty(d, "link", "state", "down");
	dx_end(d);
}

char *
domxml_interface(const struct domxml_nic *n, struct err *e)
{
	struct dx d;

	if (domxml_check_nic(n, e) != 0 || dx_open(&d, e) != 0)
		return NULL;
	domxml_nic(&d, n);
	return dx_close(&d);
}

/* libvirt's boot device for one word of a boot order. */
static const char *
domxml_boot_dev(const char *p, size_t n)
{
	return n == 4 && strncmp(p, "disk", 4) == 0 ? "hd" : n == 5 && strncmp(p, "cdrom", 5) == 0 ?
	    "cdrom" : "network";
}

/* <boot dev=.../> in the order given ("disk,network"), or the disk; with
 * boot-once, its device first and the order after it, each device once.
 * A transient domain lives one run, so the next start (boot-once spent)
 * gets the node's own order back. */
static void
domxml_boot(struct dx *d, const char *order, const char *once)
{
	const char *seen[4];
	int nseen = 0;

	if (*order == '\0')
		order = "disk";
	if (once != NULL && *once && strcmp(once, "none") != 0) {
		seen[nseen++] = domxml_boot_dev(once, strlen(once));
		dx_empty(d, "boot", "dev", seen[0]);
	}
	for (const char *p = order; *p; ) {
		size_t n = strcspn(p, ",");
		const char *dev = domxml_boot_dev(p, n);
		int dup = 0;
		for (int i = 0; i < nseen; i++)
			dup |= strcmp(seen[i], dev) == 0;
		if (!dup && nseen < 4) {
			seen[nseen++] = dev;
			dx_empty(d, "boot", "dev", dev);
		}
		p += n + (p[n] == ',');
	}
}

/* The CPU model as qemu.c gives it: auto is host under KVM and max under
 * TCG (qemu64 lacks x86-64-v2); a name is a custom model. */
static void
domxml_cpu(struct dx *d, const struct domxml_cfg *c, const char *model)
{
	int kvm = strcmp(c->accel, "kvm") == 0;

	if (strcmp(model, "auto") == 0)
		model = kvm ? "host" : "max";
	dx_start(d, "cpu");
	if (strcmp(model, "host") == 0)
		dx_attr(d, "mode", "host-passthrough");
	else if (strcmp(model, "max") == 0)
		dx_attr(d, "mode", "maximum");
	else {
		dx_attr(d, "mode", "custom");
		dx_attr(d, "match", "exact");
		dx_text(d, "model", model);
	}
	dx_end(d);
}

/* UEFI's loader and NVRAM, a BIOS ROM of the node's own (libvirt gives
 * QEMU a loader of type rom as -bios), and a kernel boot's files,
 * inside <os>. */
static void
domxml_os_files(struct dx *d, const struct domxml_cfg *c)
{
	if (domxml_hw(c, HW_BIOS)[0] != '\0') {
		dx_start(d, "loader");
		dx_attr(d, "readonly", "yes");
		dx_attr(d, "type", "rom");
		d->bad |= xmllib.xmlTextWriterWriteString(d->w, BAD_CAST c->bios) < 0;
		dx_end(d);
	}
	if (strcmp(domxml_hw(c, HW_FIRMWARE), "uefi") == 0) {
		/* Read-only code and a VARS of the node's own: what the guest
		 * writes to NVRAM stays with the node, as firmware.h does here. */
		dx_start(d, "loader");
		dx_attr(d, "readonly", "yes");
		dx_attr(d, "type", "pflash");
		d->bad |= xmllib.xmlTextWriterWriteString(d->w, BAD_CAST c->loader) < 0;
		dx_end(d);
		dx_start(d, "nvram");
		dx_attr(d, "template", c->nvram_template);
		d->bad |= xmllib.xmlTextWriterWriteString(d->w, BAD_CAST c->nvram) < 0;
		dx_end(d);
	}
	if (domxml_hw(c, HW_KERNEL)[0] == '\0')
		return;
	dx_text(d, "kernel", c->kernel);
	if (domxml_hw(c, HW_INITRD)[0] != '\0')
		dx_text(d, "initrd", c->initrd);
	if (domxml_hw(c, HW_APPEND)[0] != '\0')
		dx_text(d, "cmdline", domxml_hw(c, HW_APPEND));
}

/* Target names: libvirt places a disk by its name's letter (hda is IDE
 * bus 0 unit 0, hdc bus 1 unit 0; sdX a SATA or SCSI unit), so each
 * prefix counts on from the boot disk's "a". hdc stays the CD-ROM's on
 * pc, where qemu.c puts it (the secondary channel's master). */
struct domxml_letters {
	char vd, hd, sd;
};

static void
domxml_target(struct dx *d, struct domxml_letters *l, const char *bus)
{
	char dev[4] = { 0 };
	char *next = strcmp(bus, "virtio") == 0 ? &l->vd : strcmp(bus, "ide") == 0 ? &l->hd : &l->sd;

	if (next == &l->hd && *next == 'c')
		(*next)++;
	dev[0] = bus[0] == 'v' ? 'v' : bus[0] == 'i' ? 'h' : 's';
	dev[1] = 'd';
	dev[2] = (*next)++;
	dx_start(d, "target");
	dx_attr(d, "dev", dev);
	dx_attr(d, "bus", bus);
	dx_end(d);
}

/* Opens a <disk> of a type and device, its driver's format given. */
static void
dx_disk_open(struct dx *d, const char *type, const char *device, const char *format)
{
	dx_start(d, "disk");
	dx_attr(d, "type", type);
	dx_attr(d, "device", device);
	dx_start(d, "driver");
	dx_attr(d, "name", "qemu");
	dx_attr(d, "type", format);
	dx_end(d);
}

/* A qcow2 disk that is a volume of the pool. */
static void
domxml_disk(struct dx *d, struct domxml_letters *l, const char *pool, const char *volume,
    const char *bus)
{
	dx_disk_open(d, "volume", "disk", "qcow2");
	dx_start(d, "source");
	dx_attr(d, "pool", pool);
	dx_attr(d, "volume", volume);
	dx_end(d);
	domxml_target(d, l, bus);
	dx_end(d);
}

/* VNC on the host's loopback, its port libvirt's choice; the host's
 * loopback is open to its other users, as ours is (vnc.h): a password. */
static void
domxml_vnc(struct dx *d, const char *password)
{
	dx_start(d, "graphics");
	dx_attr(d, "type", "vnc");
	dx_attr(d, "port", "-1");
	dx_attr(d, "autoport", "yes");
	dx_attr(d, "listen", DOMXML_VNC_HOST);
	if (password != NULL)
		dx_attr(d, "passwd", password);
	dx_start(d, "listen");
	dx_attr(d, "type", "address");
	dx_attr(d, "address", DOMXML_VNC_HOST);
	dx_end(d);
	dx_end(d);
}

char *
domxml_graphics(const char *password, struct err *e)
{
	struct dx d;

	if (password == NULL || *password == '\0' || strlen(password) > 8) {
		err_set(e, "a VNC password has 1 to 8 bytes");
		return NULL;
	}
	if (dx_open(&d, e) != 0)
		return NULL;
	domxml_vnc(&d, password);
	return dx_close(&d);
}

/* A read-only CD-ROM drive at target dev on bus, with the file at path
 * in it, or empty (path NULL). */
static void
domxml_cdrom_drive(struct dx *d, const char *path, const char *dev, const char *bus)
{
	dx_disk_open(d, "file", "cdrom", "raw");
	if (path != NULL)
		dx_empty(d, "source", "file", path);
	dx_start(d, "target");
	dx_attr(d, "dev", dev);
	dx_attr(d, "bus", bus);
	dx_end(d);
	dx_start(d, "readonly");
	dx_end(d);
	dx_end(d);
}

/* The CD-ROM drive, always there as qemu.c has it (so a medium can go in
 * while the node runs: domxml_cdrom_disk), with the ISO in it when the
 * machine has one: IDE's hdc on pc, the next SATA unit on q35 (which has
 * no IDE). */
static void
domxml_cdrom(struct dx *d, struct domxml_letters *l, const struct domxml_cfg *c)
{
	char dev[4] = "sd";

	if (strcmp(domxml_hw(c, HW_MACHINE), "q35") != 0) {
		domxml_cdrom_drive(d, domxml_hw(c, HW_CDROM)[0] ? c->cdrom : NULL, "hdc", "ide");
		return;
	}
	dev[2] = l->sd++;
	domxml_cdrom_drive(d, domxml_hw(c, HW_CDROM)[0] ? c->cdrom : NULL, dev, "sata");
}

char *
domxml_cdrom_disk(const char *dev, const char *bus, const char *path, struct err *e)
{
	struct dx d;

	if (dev == NULL || bus == NULL || (strcmp(bus, "ide") != 0 && strcmp(bus, "sata") != 0 &&
	    strcmp(bus, "scsi") != 0)) {
		err_set(e, "the CD-ROM drive's target is not known");
		return NULL;
	}
	if (path != NULL && path[0] != '/') {
		err_set(e, "cdrom: its file on the host is not an absolute path");
		return NULL;
	}
	if (dx_open(&d, e) != 0)
		return NULL;
	domxml_cdrom_drive(&d, path, dev, bus);
	return dx_close(&d);
}

/* 1 when the boot disk or an extra disk is on SCSI (one controller). */
static int
domxml_scsi(const struct domxml_cfg *c)
{
	int scsi = strcmp(domxml_hw(c, HW_DISK_BUS), "scsi") == 0;

	for (int i = 0; i < c->ndisks; i++)
		scsi |= strcmp(c->disks[i].bus, "scsi") == 0;
	return scsi;
}

char *
domxml_domain(const struct domxml_cfg *c, struct err *e)
{
	struct dx d;
	struct domxml_letters l = { 'a', 'a', 'a' };
	const char *vga;

	if (domxml_check(c, e) != 0)
		return NULL;
	if (dx_open(&d, e) != 0)
		return NULL;
	dx_start(&d, "domain");
	dx_attr(&d, "type", strcmp(c->accel, "kvm") == 0 ? "kvm" : "qemu");
	dx_text(&d, "name", c->name);
	if (c->title != NULL)
		dx_text(&d, "title", c->title);
	dx_start(&d, "memory");
	dx_attr(&d, "unit", "MiB");
	d.bad |= xmllib.xmlTextWriterWriteFormatString(d.w, "%d", c->ram_mb) < 0;
	dx_end(&d);
	d.bad |= xmllib.xmlTextWriterWriteFormatElement(d.w, BAD_CAST "vcpu", "%d", c->cpus) < 0;
	dx_start(&d, "os");
	dx_start(&d, "type");
	dx_attr(&d, "arch", domxml_hw(c, HW_ARCH));
	dx_attr(&d, "machine", domxml_hw(c, HW_MACHINE));
	d.bad |= xmllib.xmlTextWriterWriteString(d.w, BAD_CAST "hvm") < 0;
	dx_end(&d);
	domxml_os_files(&d, c);
	domxml_boot(&d, domxml_hw(c, HW_BOOT), c->boot_once ? domxml_hw(c, HW_BOOT_ONCE) : NULL);
	dx_end(&d);
	/* ACPI, which a local QEMU has unless told otherwise and libvirt
	 * leaves out unless told: node stop's powerdown and UEFI need it. */
	dx_start(&d, "features");
	dx_start(&d, "acpi");
	dx_end(&d);
	dx_end(&d);
	domxml_cpu(&d, c, domxml_hw(c, HW_CPU_MODEL));
	/* The keeper records how the node ended; libvirt must not restart it. */
	dx_text(&d, "on_poweroff", "destroy");
	dx_text(&d, "on_reboot", "restart");
	dx_text(&d, "on_crash", "destroy");
	dx_start(&d, "devices");
	domxml_disk(&d, &l, c->pool, c->volume, domxml_hw(c, HW_DISK_BUS));
	for (int i = 0; i < c->ndisks; i++)
		domxml_disk(&d, &l, c->pool, c->disks[i].volume, c->disks[i].bus);
	domxml_cdrom(&d, &l, c);
	if (domxml_scsi(c)) {
		dx_start(&d, "controller");
		dx_attr(&d, "type", "scsi");
		dx_attr(&d, "model", "virtio-scsi");
		dx_end(&d);
	}
	for (int i = 0; i < c->nnics; i++)
		domxml_nic(&d, &c->nics[i]);
	/* One pty is both the serial port and the console that
	 * virDomainOpenConsole hands the keeper. */
	dx_start(&d, "serial");
	dx_attr(&d, "type", "pty");
	dx_empty(&d, "target", "port", "0");
	dx_end(&d);
	dx_start(&d, "console");
	dx_attr(&d, "type", "pty");
	dx_start(&d, "target");
	dx_attr(&d, "type", "serial");
	dx_attr(&d, "port", "0");
	dx_end(&d);
	dx_end(&d);
	domxml_vnc(&d, c->vnc_password);
	vga = domxml_hw(c, HW_VGA);
	dx_start(&d, "video");
	dx_empty(&d, "model", "type", strcmp(vga, "std") == 0 ? "vga" : vga);
	dx_end(&d);
	dx_end(&d);
	dx_end(&d);
	return dx_close(&d);
}

/* Opens d on a <volume> of a name, a capacity in bytes and a format,
 * left open for what a kind of volume adds (a backing store); 0, or -1
 * as dx_open. */
static int
dx_volume_open(struct dx *d, const char *name, long long capacity, const char *format, struct err *e)
{
	if (dx_open(d, e) != 0)
		return -1;
	dx_start(d, "volume");
	dx_text(d, "name", name);
	dx_start(d, "capacity");
	dx_attr(d, "unit", "bytes");
	d->bad |= xmllib.xmlTextWriterWriteFormatString(d->w, "%lld", capacity) < 0;
	dx_end(d);
	dx_start(d, "target");
	dx_empty(d, "format", "type", format);
	dx_end(d);
	return 0;
}

char *
domxml_volume(const char *name, long long capacity, const char *backing_path,
    const char *backing_format, struct err *e)
{
	struct dx d;

	if (name == NULL || *name == '\0' || capacity <= 0)
		return err_set(e, "a volume needs a name and a size"), NULL;
	if (backing_path == NULL || *backing_path == '\0' || backing_format == NULL ||
	    (strcmp(backing_format, "qcow2") != 0 && strcmp(backing_format, "raw") != 0))
		return err_set(e, "a volume's backing store needs a path and a format (qcow2 or raw)"), NULL;
	if (dx_volume_open(&d, name, capacity, "qcow2", e) != 0)
		return NULL;
	dx_start(&d, "backingStore");
	dx_text(&d, "path", backing_path);
	dx_empty(&d, "format", "type", backing_format);
	dx_end(&d);
	dx_end(&d);
	return dx_close(&d);
}

char *
domxml_disk_volume(const char *domain, int idx)
{
	return idx == 0 ? xasprintf("%s.qcow2", domain) : xasprintf("%s.disk%d.qcow2", domain, idx);
}

char *
domxml_nvram_volume(const char *domain)
{
	return xasprintf("%s.vars.fd", domain);
}

/* A volume of a size and format, with nothing behind it. */
static char *
dx_plain_volume(const char *name, long long capacity, const char *format, struct err *e)
{
	struct dx d;

	if (name == NULL || *name == '\0' || capacity <= 0)
		return err_set(e, "a volume needs a name and a size"), NULL;
	if (dx_volume_open(&d, name, capacity, format, e) != 0)
		return NULL;
	dx_end(&d);
	return dx_close(&d);
}

char *
domxml_blank_volume(const char *name, long long capacity, struct err *e)
{
	return dx_plain_volume(name, capacity, "qcow2", e);
}

char *
domxml_raw_volume(const char *name, long long capacity, struct err *e)
{
	return dx_plain_volume(name, capacity, "raw", e);
}

char *
domxml_pool(const char *name, const char *path, struct err *e)
{
	struct dx d;

	if (name == NULL || *name == '\0' || path == NULL || path[0] != '/')
		return err_set(e, "a storage pool needs a name and an absolute path"), NULL;
	if (dx_open(&d, e) != 0)
		return NULL;
	dx_start(&d, "pool");
	dx_attr(&d, "type", "dir");
	dx_text(&d, "name", name);
	dx_start(&d, "target");
	dx_text(&d, "path", path);
	/* The node's disks are its owner's alone, on the host as here. */
	dx_start(&d, "permissions");
	dx_text(&d, "mode", "0700");
	dx_end(&d);
	dx_end(&d);
	dx_end(&d);
	return dx_close(&d);
}
