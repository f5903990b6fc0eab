/*
 * hw.c: the fields of a node's machine and their checks. Pure: no rows,
 * no files. Every value that reaches QEMU passes hw_check first: a word
 * from a list, a CPU model without a comma (so no options ride along), a
 * boot order the builder (qemu.c) spells as letters, and a kernel command
 * line that is an argv word of its own, never part of an option list.
 */
#include "hw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "sanitize.h"

const struct hw_field hw_fields[HW_NKEYS] = {
	[HW_DISK_BUS]  = { "disk-bus", "disk_bus", "virtio|ide|sata|scsi", "virtio", NULL },
	[HW_MACHINE]   = { "machine", "machine", "pc|q35", "pc", NULL },
	[HW_FIRMWARE]  = { "firmware", "firmware", "bios|uefi", "bios", NULL },
	[HW_CPU_MODEL] = { "cpu-model", "cpu_model", "auto|host|max|NAME", "auto", NULL },
	[HW_ARCH]      = { "arch", "arch", "x86_64|i386", "x86_64", NULL },
	[HW_VGA]       = { "vga", "vga", "std|virtio|cirrus|none", "std", NULL },
	[HW_BOOT]      = { "boot", "boot", "an order of disk,cdrom,network", "", NULL },
	[HW_BOOT_ONCE] = { "boot-once", "boot_once", "disk|cdrom|network|none", "", NULL },
	[HW_CDROM]     = { "cdrom", "cdrom_id", "an image of kind iso, or none", "", "iso" },
	[HW_KERNEL]    = { "kernel", "kernel_id", "an image of kind kernel, or none", "", "kernel" },
	[HW_INITRD]    = { "initrd", "initrd_id", "an image of kind initrd, or none", "", "initrd" },
	[HW_BIOS]      = { "bios", "bios_id", "an image of kind bios, or none", "", "bios" },
	[HW_APPEND]    = { "append", "append", "the kernel's command line", "", NULL },
};

void
hw_init(struct hw *h)
{
	memset(h, 0, sizeof *h);
	for (int k = 0; k < HW_NKEYS; k++)
		h->v[k] = xstrdup(hw_fields[k].dflt);
}

void
hw_clear(struct hw *h)
{
	for (int k = 0; k < HW_NKEYS; k++) {
		free(h->v[k]);
		free(h->file[k]);
	}
	memset(h, 0, sizeof *h);
}

void
hw_set(struct hw *h, enum hw_key k, const char *val)
{
	free(h->v[k]);
	free(h->file[k]);
	h->file[k] = NULL;
	h->id[k][0] = '\0';
	/* "none" is how a user says it; the row keeps no image, and no
	 * boot-once, as "" */
	h->v[k] = xstrdup((hw_fields[k].image_kind || k == HW_BOOT_ONCE) && hw_none(val) ? "" : val);
}

int
hw_key_find(const char *name)
{
	for (int k = 0; k < HW_NKEYS; k++)
		if (strcmp(hw_fields[k].name, name) == 0)
			return k;
	return -1;
}

const char *
hw_column_value(const struct hw *h, enum hw_key k)
{
	if (!hw_fields[k].image_kind)
		return h->v[k];
	return h->id[k][0] ? h->id[k] : NULL;
}

int
hw_none(const char *val)
{
	return val[0] == '\0' || strcmp(val, "none") == 0;
}

/* 1 when val is one of the words of list ("a|b|c"). */
static int
hw_in_list(const char *list, const char *val)
{
	size_t n = strlen(val);

	for (const char *p = list; *p; ) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && n > 0 && strncmp(p, val, n) == 0)
			return 1;
		p += len + (bar != NULL);
	}
	return 0;
}

/* disk, cdrom, network, each once, comma-separated. */
static int
hw_boot_ok(const char *val)
{
	char buf[32], *save = NULL;
	unsigned seen = 0;

	if (val[0] == '\0')
		return 1;
	if (strlen(val) >= sizeof buf || val[strlen(val) - 1] == ',')
		return 0;
	memcpy(buf, val, strlen(val) + 1);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		unsigned bit = strcmp(w, "disk") == 0 ? 1 : strcmp(w, "cdrom") == 0 ? 2 :
		    strcmp(w, "network") == 0 ? 4 : 0;
		if (bit == 0 || (seen & bit))
			return 0;
		seen |= bit;
	}
	return strstr(val, ",,") == NULL && val[0] != ',';
}

/* Printable ASCII words, one space between them, none starting with '#'
 * (a lab file would read a comment). */
static int
hw_append_ok(const char *val)
{
	if (val[0] == ' ' || (val[0] && val[strlen(val) - 1] == ' ') || strstr(val, "  "))
		return 0;
	for (const char *p = val; *p; p++) {
		if (*p < 0x20 || *p > 0x7e)
			return 0;
		if (*p == '#' && (p == val || p[-1] == ' '))
			return 0;
	}
	return 1;
}

int
hw_check(enum hw_key k, const char *val, struct err *e)
{
	const struct hw_field *f = &hw_fields[k];
	char shown[96];
	struct err why;

	if (val == NULL)
		return err_set(e, "--%s needs a value: %s", f->name, f->values);
	sanitize_to(val, strlen(val), shown, sizeof shown);
	if (strlen(val) >= HW_VALUE_MAX)
		return err_set(e, "--%s takes at most %d bytes", f->name, HW_VALUE_MAX - 1);
	switch (k) {
	case HW_CPU_MODEL:
		/* one word QEMU's -cpu takes as a model: no comma, so no
		 * feature flags or options ride along */
		if (name_check(val, "CPU model", &why) != 0)
			return err_set(e, "--cpu-model \"%s\": auto, host, max or a model name that "
			    "qemu-system-x86_64 -cpu help lists", shown);
		return 0;
	case HW_BOOT:
		if (!hw_boot_ok(val))
			return err_set(e, "--boot \"%s\": an order of disk, cdrom and network, each at most "
			    "once, comma-separated (e.g. cdrom,disk)", shown);
		return 0;
	case HW_BOOT_ONCE:
		if (!hw_none(val) && !hw_in_list("disk|cdrom|network", val))
			return err_set(e, "--boot-once \"%s\": disk, cdrom, network or none", shown);
		return 0;
	case HW_CDROM:
	case HW_KERNEL:
	case HW_INITRD:
	case HW_BIOS:
		if (!hw_none(val) && name_check(val, "image name", &why) != 0)
			return err_set(e, "--%s \"%s\": %s", f->name, shown, f->values);
		return 0;
	case HW_APPEND:
		if (!hw_append_ok(val))
			return err_set(e, "--append \"%s\": printable words with one space between them, "
			    "none starting with #", shown);
		return 0;
	default:
		if (!hw_in_list(f->values, val))
			return err_set(e, "--%s \"%s\": one of %s", f->name, shown, f->values);
		return 0;
	}
}

int
hw_check_all(const struct hw *h, struct err *e)
{
	if (h->v[HW_KERNEL][0] == '\0' && h->v[HW_INITRD][0] != '\0')
		return err_set(e, "an initrd needs a kernel (--kernel IMAGE)");
	if (h->v[HW_KERNEL][0] == '\0' && h->v[HW_APPEND][0] != '\0')
		return err_set(e, "a kernel command line (--append) needs a kernel (--kernel IMAGE)");
	/* QEMU's -bios replaces SeaBIOS; UEFI is OVMF's pflash, which a ROM
	 * of the node's own cannot be */
	if (h->v[HW_BIOS][0] != '\0' && strcmp(h->v[HW_FIRMWARE], "uefi") == 0)
		return err_set(e, "a BIOS image (--bios %s) replaces SeaBIOS and cannot boot with --firmware uefi "
		    "(OVMF); use --firmware bios or --bios none", h->v[HW_BIOS]);
	return 0;
}

char *
hw_sig(const struct hw *h)
{
	size_t len = 1;
	char *s;

	for (int k = 0; k < HW_NKEYS; k++)
		len += strlen(hw_fields[k].name) + strlen(h->v[k]) + strlen(h->id[k]) + 4;
	s = xmalloc(len);
	s[0] = '\0';
	/* image fields by id: an image renamed is the same machine; the
	 * boot-once is spent by the start itself, and the CD-ROM's medium
	 * changes while the node runs (node cdrom), so neither is part of it;
	 * no BIOS image is left out, so a node started before --bios existed
	 * has the same machine */
	for (int k = 0; k < HW_NKEYS; k++)
		if (k != HW_BOOT_ONCE && k != HW_CDROM && !(k == HW_BIOS && h->id[k][0] == '\0'))
				sprintf(s + strlen(s), "%s%s=%s", k ? ";" : "", hw_fields[k].name,
			    hw_fields[k].image_kind ? h->id[k] : h->v[k]);
	return s;
}
