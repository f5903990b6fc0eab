/*
 * image.h: base images. A base image is verified once, on import or scan,
 * and its format is recorded; nothing probes it again afterwards. Files in
 * images/ are never changed after import.
 */
#ifndef SANDLAB_IMAGE_H
#define SANDLAB_IMAGE_H

#include <stdint.h>

#include "lab.h"

/* Formats the sniffer knows; RAW and QCOW2 are taken as they are, the
 * ones convert.h names are converted to qcow2, the rest refused. */
enum image_fmt {
	FMT_RAW    = 1u << 0,  /* no known header (a plain disk) */
	FMT_QCOW2  = 1u << 1,
	FMT_QCOW1  = 1u << 2,
	FMT_VMDK   = 1u << 3,
	FMT_VDI    = 1u << 4,
	FMT_VHDX   = 1u << 5,
	FMT_VPC    = 1u << 6,
	FMT_QED    = 1u << 7,
	FMT_LUKS   = 1u << 8,
	FMT_PARALLELS = 1u << 9,
	FMT_CLOOP  = 1u << 10,
	FMT_BOCHS  = 1u << 11,
	FMT_DMG    = 1u << 12,
	FMT_MBR    = 1u << 13,  /* a boot signature at 510: looks like a raw disk */
};

/* Bytes of the file start that image_sniff wants (more is fine). */
#define IMAGE_SNIFF_LEN 4096

/* Which format signatures the first bytes (and the tail, for vpc/dmg) carry.
 * Pure: a bit set of enum image_fmt. A file with none is FMT_RAW. */
unsigned image_sniff(const unsigned char *head, size_t head_len,
    const unsigned char *tail512, uint64_t file_size);

/* Name of one format bit ("qcow2", "vmdk", "vpc (vhd)", ...). */
const char *image_fmt_name(unsigned fmt);
/* qemu-img's name of one format bit ("vpc"), or NULL for formats sandlab
 * never hands to qemu-img. */
const char *image_fmt_qemu(unsigned fmt);

/* From a sniff result: the one accepted format to use (FMT_RAW,
 * FMT_QCOW2 or one convert.h converts), or -1 with a message (unsupported,
 * or ambiguous). */
int image_sniff_decide(unsigned matches, struct err *e);

/* Checks the qcow2 header's tables lie inside a file of file_size bytes
 * (catches truncation without trusting qemu-img). Pure: 0, or -1 with a
 * message. */
int image_qcow2_header_check(const unsigned char *head, size_t len, uint64_t file_size, struct err *e);

/* What qemu-img info said, after image_info_check accepted it. */
struct image_info {
	uint64_t virtual_size;
	uint64_t actual_size;
};

/* Checks `qemu-img info --output=json` text for the format fmt ("raw" or
 * "qcow2"): the format matches, no backing file of any kind, no external
 * data file, not encrypted, not corrupt, no dirty flag, virtual size at
 * most cap. Pure: 0 with *out filled, or -1 with a message (*out then
 * meaningless). */
int image_info_check(const char *json, const char *fmt, uint64_t cap,
    struct image_info *out, struct err *e);

struct image {
	char     id[37];
	char    *name;
	char    *file;          /* name inside images/ */
	char    *format;        /* "raw" or "qcow2" */
	char    *source_format; /* what it came as: "vmdk", "ova/vmdk", or the same as format */
	uint64_t virtual_size;
	uint64_t file_size;     /* bytes on disk when imported */
	int64_t  imported_at;
	int      nodes;         /* nodes that use it (overlay, CD-ROM, kernel, BIOS, extra disk) */
	char     kind[8];       /* disk, iso, kernel, initrd, bios */
};

/* The kinds of image: a disk a node's overlay grows on, an ISO 9660 file
 * for a CD-ROM, a kernel and an initrd for a direct kernel boot, a
 * firmware ROM (--bios) that replaces SeaBIOS. */
#define IMAGE_KINDS "disk|iso|kernel|initrd|bios"

/* The largest BIOS ROM imported (QEMU maps it below 4 GiB). */
#define IMAGE_BIOS_MAX (64 << 20)

/* The kind the first bytes tell (and 32 KiB in, where ISO 9660 keeps
 * "CD001"): "iso", "kernel" (a bzImage: "HdrS" at 0x202), or NULL for
 * anything else (a disk; an initrd is never told by its bytes). Pure. */
const char *image_kind_sniff(const unsigned char *head, size_t head_len,
    const unsigned char *iso_desc, size_t iso_len);

/* 0 when im is a disk image a node can boot from, or -1 with a message
 * (an ISO goes in as --cdrom, a kernel as --kernel). */
int image_check_disk(const struct image *im, struct err *e);

/* Frees an image's strings and zeroes it; safe on a zeroed one. */
void image_clear(struct image *im);
/* Frees v[0..n) (image_list's result) and v. */
void image_list_free(struct image *v, size_t n);

struct image_import_opts {
	const char *name;       /* NULL: from the file name */
	const char *format;     /* NULL: sniffed; "raw"/"qcow2" forces it */
	const char *kind;       /* NULL: sniffed (image_kind_sniff); else one of IMAGE_KINDS */
	uint64_t    max_size;   /* 0: the lab default */
	/* Progress: bytes done of total, called now and then. */
	void      (*progress)(uint64_t done, uint64_t total, void *arg);
	/* Asked between blocks of the copy; nonzero stops the import, which
	 * then fails as any other, leaving nothing. May be NULL. */
	int       (*cancelled)(void *arg);
	/* Called for each image an OVA brought, in order, when it brought
	 * more than one. May be NULL. */
	void      (*each)(const struct image *im, void *arg);
	void       *arg;       /* for progress, cancelled and each */
};

/* The name an import gives when none is asked for: the path's last part
 * without a known disk ending (.qcow2, .img, ...). Allocated. */
char *image_name_from_path(const char *path);

/* Default cap on virtual size (SANDLAB_MAX_IMAGE_SIZE overrides). */
uint64_t image_default_cap(void);

/* Verifies `path` and copies it into images/, with its row, by the
 * pending.h protocol; a vmdk, vdi, vhdx, vpc or qed file is converted to
 * qcow2 (convert.h). An OVA is not a disk: import.h tells them apart. 0
 * with *out filled (out may be NULL; caller clears it), or -1 with a
 * message, and then neither a file nor a row is left (a crash in between
 * is cleaned up by the next lab_open). */
int image_import(struct lab *lab, const char *path, const struct image_import_opts *o,
    struct image *out, struct err *e);

/* image_import of a file taken out of a container. shown_as: how messages
 * name the file (NULL: its path); container: what it came out of ("ova",
 * recorded as "ova/vmdk"), or NULL. */
int image_import_from(struct lab *lab, const char *path, const char *shown_as, const char *container,
    const struct image_import_opts *o, struct image *out, struct err *e);

/* Takes in files dropped into images/ by hand (*.qcow2, *.img, *.raw),
 * through the same checks as an import; files named in images/.scan-skip
 * (one name a line) are left alone.
 * report() is called once per new file with NULL (taken in) or a reason.
 * 0 when every file was looked at (a file refused is reported, not an
 * error); -1 with a message when the folder or the database cannot be
 * read, and then the files taken in before stay taken in. */
int image_scan(struct lab *lab, uint64_t max_size,
    void (*report)(const char *file, const struct image *im, const char *why, void *arg),
    void *arg, struct err *e);

/* Every image, by name: 0 with *out (free with image_list_free) and *n,
 * or -1 with a message and nothing to free. */
int image_list(struct lab *lab, struct image **out, size_t *n, struct err *e);
/* By name (case-insensitive) or id: 0 with *out filled (caller clears
 * it), or -1 with a message ("no image named ...") and *out zeroed. */
int image_get(struct lab *lab, const char *key, struct image *out, struct err *e);
/* image_get without counting the nodes that use it (nodes is 0), for a
 * caller that does not show the count: counting reads an index entry per
 * node, 1,000 of them for a `node create` in a lab of 1,000. */
int image_find(struct lab *lab, const char *key, struct image *out, struct err *e);
/* Refuses while nodes use it; removes the row and the file. 0, or -1 with
 * a message and the image unchanged (a crash after the commit leaves a
 * file the next lab_open removes). */
int image_rm(struct lab *lab, const char *key, struct err *e);

#endif
