/*
 * hw.h: a node's machine (the hardware QEMU gives it): the boot disk's
 * bus, machine type, firmware (BIOS or UEFI), CPU model, architecture,
 * VGA, boot order, a CD-ROM, a direct kernel boot and a firmware ROM of
 * the node's own (--bios, a GNS3 appliance's bios_image). One table names each field once (its CLI
 * option --NAME, its lab-file key NAME=, its nodes column, its values),
 * so the store, the CLI, the lab file and node show cannot drift. Pure:
 * reading rows and images is node.c's.
 */
#ifndef SANDLAB_HW_H
#define SANDLAB_HW_H

#include <stddef.h>

#include "util.h"

enum hw_key {
	HW_DISK_BUS, HW_MACHINE, HW_FIRMWARE, HW_CPU_MODEL, HW_ARCH, HW_VGA, HW_BOOT, HW_BOOT_ONCE,
	HW_CDROM, HW_KERNEL, HW_INITRD, HW_BIOS, HW_APPEND, HW_NKEYS
};

/* Longest value of any field, with its NUL (the kernel's command line). */
#define HW_VALUE_MAX 1024

struct hw_field {
	const char *name;       /* "disk-bus": --disk-bus, disk-bus= in a lab file */
	const char *column;     /* its nodes column */
	const char *values;     /* "virtio|ide|sata|scsi", or what a value is */
	const char *dflt;       /* the value of a node that was given none */
	const char *image_kind; /* an image of this kind (image.h), or NULL */
};
extern const struct hw_field hw_fields[HW_NKEYS];

/* A node's machine. v[k] is the value as text, never NULL; an image
 * field holds the image's name ("" when none) and file[k] its absolute
 * path, id[k] its id. */
struct hw {
	char *v[HW_NKEYS];
	char *file[HW_NKEYS];
	char  id[HW_NKEYS][37];
};

/* Every field at its default. */
void hw_init(struct hw *h);
/* Frees the strings; safe on a zeroed one. */
void hw_clear(struct hw *h);
/* Sets v[k] to a copy of val (and forgets an image's file and id). */
void hw_set(struct hw *h, enum hw_key k, const char *val);

/* The field named name ("disk-bus"), or -1. */
int hw_key_find(const char *name);

/* Checks one value of field k: a listed word, a CPU model name, a boot
 * order over disk, cdrom and network, an image name or "none", a kernel
 * command line a lab file can carry. Pure: 0, or -1 with a message that
 * names the field and what it takes. */
int hw_check(enum hw_key k, const char *val, struct err *e);
/* Checks fields against each other (an initrd or a command line needs a
 * kernel; a BIOS ROM needs --firmware bios). Pure: 0, or -1 with a message. */
int hw_check_all(const struct hw *h, struct err *e);

/* The value of field k as a row holds it (nodes, templates): an image
 * field's image id, or NULL when it has none; else the text. Borrowed. */
const char *hw_column_value(const struct hw *h, enum hw_key k);

/* "none" and "" both mean no image. */
int hw_none(const char *val);

/* The machine as one line, the same for the same machine: what a running
 * QEMU was started with (runs.hw), compared with the rows to show a change
 * as pending a restart. Caller frees. */
char *hw_sig(const struct hw *h);

#endif
