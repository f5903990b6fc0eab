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

/* libvirt's NIC model for a QEMU device name, or NULL. */
static const char *
domxml_nic_model(const char *m)
{
	static const char *const same[] = { "e1000", "e1000e", "rtl8139", "vmxnet3", "pcnet", "ne2k_pci" };

	if (m == NULL)
		return NULL;
	if (strcmp(m, "virtio-net-pci") == 0)
		return "virtio";
	for (size_t i = 0; i < sizeof same / sizeof *same; i++)
		if (strcmp(m, same[i]) == 0)
			return same[i];
	return NULL;
}

/* A field of the machine, or its default when there is no hw. */
static const char *
domxml_hw(const struct domxml_cfg *c, enum hw_key k)
{
	return c->hw != NULL && c->hw->v[k] != NULL ? c->hw->v[k] : hw_fields[k].dflt;
}

/* What the builder cannot express yet, by the field's name. */
static int
domxml_check_hw(const struct domxml_cfg *c, struct err *e)
{
	static const enum hw_key unset[] = { HW_CDROM, HW_KERNEL, HW_INITRD, HW_APPEND, HW_BOOT_ONCE };
	const char *boot = domxml_hw(c, HW_BOOT);

	if (c->ndisks > 0)
		return err_set(e, "extra disks: a node on another host has its own disk only, as yet "
		    "(remove them with node set --disk-rm, or run it on local)");
	if (strcmp(domxml_hw(c, HW_FIRMWARE), "bios") != 0)
		return err_set(e, "firmware %s: a node on another host boots with bios only, as yet",
		    domxml_hw(c, HW_FIRMWARE));
	for (size_t i = 0; i < sizeof unset / sizeof *unset; i++)
		if (domxml_hw(c, unset[i])[0] != '\0')
			return err_set(e, "%s: not available for a node on another host, as yet",
			    hw_fields[unset[i]].name);
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
	for (int i = 0; i < c->nnics; i++) {
		const struct domxml_nic *n = &c->nics[i];
		if (domxml_nic_model(n->model) == NULL)
			return err_set(e, "NIC %d: unknown model", n->idx);
		if (n->mac == NULL || strlen(n->mac) != 17 || strspn(n->mac, "0123456789abcdefABCDEF:") != 17)
			return err_set(e, "NIC %d: bad MAC address", n->idx);
		if (n->attach == NULL || (strcmp(n->attach, "none") != 0 &&
		    strcmp(n->attach, "user") != 0 && strcmp(n->attach, "link") != 0))
			return err_set(e, "NIC %d: unknown attachment", n->idx);
		if (strcmp(n->attach, "link") == 0 && (n->local_host == NULL || n->remote_host == NULL ||
		    !port_ok(n->local_port) || !port_ok(n->remote_port)))
			return err_set(e, "NIC %d: a link needs two addresses and two UDP ports", n->idx);
	}
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
	if (strcmp(n->attach, "none") == 0)
		dx_empty(d, "link", "state", "down");
	dx_end(d);
}

/* <boot dev=.../> in the order given ("disk,network"), or the disk. */
static void
domxml_boot(struct dx *d, const char *order)
{
	if (*order == '\0')
		order = "disk";
	for (const char *p = order; *p; ) {
		size_t n = strcspn(p, ",");
		dx_empty(d, "boot", "dev", strncmp(p, "disk", n) == 0 ? "hd" :
		    strncmp(p, "cdrom", n) == 0 ? "cdrom" : "network");
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

char *
domxml_domain(const struct domxml_cfg *c, struct err *e)
{
	struct dx d;
	const char *bus, *vga;

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
	domxml_boot(&d, domxml_hw(c, HW_BOOT));
	dx_end(&d);
	domxml_cpu(&d, c, domxml_hw(c, HW_CPU_MODEL));
	/* The keeper records how the node ended; libvirt must not restart it. */
	dx_text(&d, "on_poweroff", "destroy");
	dx_text(&d, "on_reboot", "restart");
	dx_text(&d, "on_crash", "destroy");
	dx_start(&d, "devices");
	dx_start(&d, "disk");
	dx_attr(&d, "type", "volume");
	dx_attr(&d, "device", "disk");
	dx_start(&d, "driver");
	dx_attr(&d, "name", "qemu");
	dx_attr(&d, "type", "qcow2");
	dx_end(&d);
	dx_start(&d, "source");
	dx_attr(&d, "pool", c->pool);
	dx_attr(&d, "volume", c->volume);
	dx_end(&d);
	bus = domxml_hw(c, HW_DISK_BUS);
	dx_start(&d, "target");
	dx_attr(&d, "dev", strcmp(bus, "virtio") == 0 ? "vda" : strcmp(bus, "ide") == 0 ? "hda" : "sda");
	dx_attr(&d, "bus", bus);
	dx_end(&d);
	dx_end(&d);
	if (strcmp(bus, "scsi") == 0) {
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
	dx_start(&d, "graphics");
	dx_attr(&d, "type", "vnc");
	dx_attr(&d, "port", "-1");
	dx_attr(&d, "autoport", "yes");
	dx_attr(&d, "listen", DOMXML_VNC_HOST);
	dx_start(&d, "listen");
	dx_attr(&d, "type", "address");
	dx_attr(&d, "address", DOMXML_VNC_HOST);
	dx_end(&d);
	dx_end(&d);
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
domxml_raw_volume(const char *name, long long capacity, struct err *e)
{
	struct dx d;

	if (name == NULL || *name == '\0' || capacity <= 0)
		return err_set(e, "a volume needs a name and a size"), NULL;
	if (dx_volume_open(&d, name, capacity, "raw", e) != 0)
		return NULL;
	dx_end(&d);
	return dx_close(&d);
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
