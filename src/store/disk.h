/*
 * disk.h: a node's extra disks (issue 10). Each is a blank qcow2 of a
 * size, owned by the node, or an overlay on an image of kind disk, on a
 * bus of its own (virtio, ide, sata, scsi). A disk is a row of the disks
 * table (owned here) and a file in overlays/, made together by the
 * pending.h protocol in node.c (node_disks_make); the node's create, set,
 * reset, rm and clone call in here. The spelling of one disk ("64M,bus=sata",
 * "image:NAME") is the same on the command line, in a lab file and in
 * node show.
 */
#ifndef SANDLAB_DISK_H
#define SANDLAB_DISK_H

#include <stdint.h>

#include "lab.h"
#include "util.h"

/* Extra disks of one node at most. */
#define DISK_MAX 8
/* A blank disk's size: at least 1 MiB, at most 2 TiB (what an image's
 * virtual size may be, image.h). */
#define DISK_SIZE_MIN (1ull << 20)
#define DISK_SIZE_MAX (1ull << 41)
/* IDE has four units: the boot disk's, the CD-ROM's and two more. */
#define DISK_IDE_MAX 2
/* An AHCI controller has six ports; a SATA boot disk takes the first. */
#define DISK_SATA_PORTS 6


struct disk {
	int       idx;          /* 1, 2, ... on its node (0: not yet placed) */
	char      bus[8];       /* virtio, ide, sata, scsi */
	uint64_t  size;         /* bytes of a blank disk; 0 for an image's */
	char      image_id[37]; /* "" for a blank disk */
	char     *image;        /* the image's name, or NULL for a blank disk */
	char     *image_file;   /* absolute path of the image, or NULL */
	char     *image_format;
	char     *file;         /* absolute path of its qcow2 (NULL until made) */
};

/* Parses one disk as the user writes it: SIZE[,bus=BUS] (SIZE a number
 * with a unit K, M, G or T, 1M to 2T) or image:NAME[,bus=BUS]. Pure: 0
 * with *d filled (idx 0, no file; image names not yet looked up; clear
 * it with disk_clear), or -1 with a message and *d zeroed. */
int disk_parse(const char *text, struct disk *d, struct err *e);

/* The disk as disk_parse reads it ("64M,bus=sata", "image:data"): the
 * size in its largest exact unit, the bus left out when virtio, so a lab
 * file exported again gives the same bytes. Caller frees. */
char *disk_text(const struct disk *d);

/* Checks that disks v[0..n) fit a node whose boot disk is on boot_bus:
 * at most DISK_MAX, DISK_IDE_MAX on IDE, the ports left on SATA. Any mix
 * of buses boots the boot disk (qemu.c gives it its bootindex). Pure: 0,
 * or -1 with a message naming the bus and its limit. */
int disk_check_buses(const char *boot_bus, const struct disk *v, int n, struct err *e);

void disk_clear(struct disk *d);
/* Frees v[0..n) and v. */
void disk_list_free(struct disk *v, int n);

/* The disks of a node, by index: 0 with *v (free with disk_list_free,
 * NULL when none) and *n, or -1 with a message and nothing to free. */
int disk_list(struct lab *lab, const char *node_id, struct disk **v, int *n, struct err *e);

/* A disk from the columns col.. of st: idx, bus, size, image_id and the
 * image's name, file and format (NULL for a blank disk), as the disks and
 * template_disks tables joined with images give them; no file. Caller
 * clears. */
void disk_from_row(struct lab *lab, sqlite3_stmt *st, int col, struct disk *d);

/* Looks up the image of an image disk (kind disk only): 0 with its id,
 * file and format filled, or -1 with a message. A blank disk: 0. */
int disk_resolve(struct lab *lab, struct disk *d, struct err *e);

/* disk_parse and disk_resolve of texts[0..n): 0 with *v (n of them; free
 * with disk_list_free), or -1 with the first one's message and nothing
 * to free. */
int disk_parse_all(struct lab *lab, const char *const *texts, int n, struct disk **v, struct err *e);

/* Inside the caller's transaction: the row of d on node_id, its file
 * named file in overlays/; d->idx 0 takes the next free number (and is
 * set). 0, or -1 with a message and no row. */
int disk_row_insert(struct lab *lab, const char *node_id, struct disk *d, const char *file, struct err *e);

/* A copy of from with its own strings and no file. */
void disk_copy(struct disk *to, const struct disk *from);

/* Inside the transaction: removes the rows of node_id whose idx is in
 * idx[0..n) (all of them with n < 0) and marks their files for removal
 * (pending_doomed): their journal ids are appended to *doomed (*ndoomed
 * of them; caller frees), to pending_abandon after the commit. 0, or -1
 * with a message ("node r1 has no disk 3"). */
int disk_rm_rows(struct lab *lab, const char *node_id, const int *idx, int n, int64_t **doomed,
    int *ndoomed, struct err *e);

#endif
