/*
 * image.c: importing, scanning, listing and removing base images.
 *
 * Verification never trusts a single source: the format is sniffed here
 * from the bytes, a qcow2 header is range-checked here, and then qemu-img
 * (under CPU, memory and wall limits, told the format, with --force-share)
 * reports what it sees, which image_info_check vets again. An import runs
 * the checks on the source, copies it, and runs them again on the copy,
 * which nobody else can change, before it is recorded (pending.h). A
 * converted format is checked as it is, and converted either where it is
 * (a file nobody else can write, refused if it changed) or from a
 * checked copy (image_convert).
 */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include <dirent.h>

#include "convert.h"
#include "db.h"
#include "name.h"
#include "pending.h"
#include "proc.h"
#include "sanitize.h"

#define IMAGE_CAP_DEFAULT (1ull << 40) /* 1 TiB */

static const struct {
	unsigned    bit;
	const char *name;
	const char *qemu;   /* qemu-img's name, for the formats it reads */
} image_fmt_names[] = {
	{ FMT_RAW, "raw", "raw" }, { FMT_QCOW2, "qcow2", "qcow2" }, { FMT_QCOW1, "qcow (version 1)", NULL },
	{ FMT_VMDK, "vmdk", "vmdk" }, { FMT_VDI, "vdi", "vdi" }, { FMT_VHDX, "vhdx", "vhdx" },
	{ FMT_VPC, "vpc (vhd)", "vpc" }, { FMT_QED, "qed", "qed" }, { FMT_LUKS, "luks", NULL },
	{ FMT_PARALLELS, "parallels", NULL }, { FMT_CLOOP, "cloop", NULL }, { FMT_BOCHS, "bochs", NULL },
	{ FMT_DMG, "dmg", NULL }, { FMT_MBR, "raw disk with a boot sector", NULL },
};

const char *
image_fmt_name(unsigned fmt)
{
	for (size_t i = 0; i < sizeof image_fmt_names / sizeof image_fmt_names[0]; i++)
		if (image_fmt_names[i].bit == fmt)
			return image_fmt_names[i].name;
	return "unknown";
}

const char *
image_fmt_qemu(unsigned fmt)
{
	for (size_t i = 0; i < sizeof image_fmt_names / sizeof image_fmt_names[0]; i++)
		if (image_fmt_names[i].bit == fmt)
			return image_fmt_names[i].qemu;
	return NULL;
}

/* 1 when the format is one import converts to qcow2. */
static int
image_fmt_converted(int fmt)
{
	return fmt > 0 && fmt != FMT_RAW && fmt != FMT_QCOW2 && convert_takes(image_fmt_qemu((unsigned)fmt));
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static int
has(const unsigned char *buf, size_t len, size_t off, const char *magic, size_t mlen)
{
	return off + mlen <= len && memcmp(buf + off, magic, mlen) == 0;
}

unsigned
image_sniff(const unsigned char *h, size_t len, const unsigned char *tail512, uint64_t file_size)
{
	unsigned m = 0;

	if (has(h, len, 0, "QFI\xfb", 4) && len >= 8) {
		uint32_t v = be32(h + 4);
		m |= v == 1 ? FMT_QCOW1 : FMT_QCOW2;
	}
	if (has(h, len, 0, "QED\0", 4))
		m |= FMT_QED;
	if (has(h, len, 0, "KDMV", 4) || has(h, len, 0, "COWD", 4) ||
	    has(h, len, 0, "# Disk DescriptorFile", 21))
		m |= FMT_VMDK;
	if (has(h, len, 0x40, "\x7f\x10\xda\xbe", 4))
		m |= FMT_VDI;
	if (has(h, len, 0, "vhdxfile", 8))
		m |= FMT_VHDX;
	if (has(h, len, 0, "conectix", 8) ||
	    (tail512 != NULL && file_size >= 512 && memcmp(tail512, "conectix", 8) == 0))
		m |= FMT_VPC;
	if (has(h, len, 0, "LUKS\xba\xbe", 6))
		m |= FMT_LUKS;
	if (has(h, len, 0, "WithoutFreeSpace", 16) || has(h, len, 0, "WithouFreSpacExt", 16))
		m |= FMT_PARALLELS;
	if (has(h, len, 0, "#!/bin/sh\n#V2.0 Format", 22))
		m |= FMT_CLOOP;
	if (has(h, len, 0, "Bochs Virtual HD Image", 22))
		m |= FMT_BOCHS;
	if (tail512 != NULL && file_size >= 512 && memcmp(tail512, "koly", 4) == 0)
		m |= FMT_DMG;
	if (len >= 512 && h[510] == 0x55 && h[511] == 0xaa)
		m |= FMT_MBR;
	if ((m & ~(unsigned)FMT_MBR) == 0)
		m |= FMT_RAW;
	return m;
}

int
image_sniff_decide(unsigned m, struct err *e)
{
	unsigned formats = m & ~(unsigned)(FMT_MBR | FMT_RAW);
	char list[256] = "";

	if (formats == 0)
		return FMT_RAW;
	if ((formats & (formats - 1)) == 0 && !(formats == FMT_QCOW2 && (m & FMT_MBR))) {
		if (formats == FMT_QCOW2 || image_fmt_converted((int)formats))
			return (int)formats;
		return err_set(e, "the file is in %s format, which sandlab does not take; "
		    "convert it first (qemu-img convert -O qcow2 FILE OUT.qcow2)", image_fmt_name(formats));
	}
	for (unsigned bit = 1; bit != 0 && bit <= FMT_MBR; bit <<= 1) {
		if (!(m & bit) || bit == FMT_RAW)
			continue;
		if (list[0] != '\0')
			strncat(list, " and ", sizeof list - strlen(list) - 1);
		strncat(list, image_fmt_name(bit), sizeof list - strlen(list) - 1);
	}
	return err_set(e, "the file looks like more than one format (%s), so its format cannot be "
	    "told safely; if you know it, give it with --format raw or --format qcow2", list);
}

int
image_qcow2_header_check(const unsigned char *h, size_t len, uint64_t size, struct err *e)
{
	uint32_t version, cluster_bits, l1_size, rt_clusters, nb_snap, crypt, hdr_len = 72;
	uint64_t backing_off, l1_off, rt_off, snap_off, incompat = 0, cluster;

	if (len < 72 || !has(h, len, 0, "QFI\xfb", 4))
		return err_set(e, "the qcow2 header is incomplete");
	version = be32(h + 4);
	if (version != 2 && version != 3)
		return err_set(e, "qcow2 version %u is not supported", version);
	backing_off = be64(h + 8);
	cluster_bits = be32(h + 20);
	crypt = be32(h + 32);
	l1_size = be32(h + 36);
	l1_off = be64(h + 40);
	rt_off = be64(h + 48);
	rt_clusters = be32(h + 56);
	nb_snap = be32(h + 60);
	snap_off = be64(h + 64);
	if (version == 3) {
		if (len < 104)
			return err_set(e, "the qcow2 header is incomplete");
		incompat = be64(h + 72);
		hdr_len = be32(h + 100);
	}
	if (backing_off != 0)
		return err_set(e, "the image names a backing file; sandlab takes only standalone images "
		    "(flatten it first: qemu-img convert -O qcow2 FILE OUT.qcow2)");
	if (crypt != 0)
		return err_set(e, "the image is encrypted; sandlab takes only unencrypted images");
	if (incompat & 1)
		return err_set(e, "the image is marked dirty (it was not closed cleanly); "
		    "repair it with qemu-img check -r all FILE first");
	if (incompat & 2)
		return err_set(e, "the image is marked corrupt; repair it with qemu-img check -r all FILE first");
	if (incompat & 4)
		return err_set(e, "the image keeps its data in an external data file; "
		    "sandlab takes only self-contained images");
	if (cluster_bits < 9 || cluster_bits > 21)
		return err_set(e, "the qcow2 header has an invalid cluster size (2^%u)", cluster_bits);
	if (hdr_len < 72 || hdr_len > (1u << cluster_bits))
		return err_set(e, "the qcow2 header has an invalid length (%u)", hdr_len);
	cluster = 1ull << cluster_bits;
	if (l1_off % cluster != 0 || rt_off % cluster != 0 || rt_off == 0)
		return err_set(e, "the qcow2 header places its tables at invalid offsets");
	if (l1_off > size || (uint64_t)l1_size * 8 > size - l1_off)
		return err_set(e, "the file is truncated: its qcow2 L1 table ends past the end of the file "
		    "(%llu bytes)", (unsigned long long)size);
	if (rt_off > size || (uint64_t)rt_clusters * cluster > size - rt_off)
		return err_set(e, "the file is truncated: its qcow2 refcount table ends past the end of the "
		    "file (%llu bytes)", (unsigned long long)size);
	if (nb_snap != 0 && snap_off >= size)
		return err_set(e, "the file is truncated: its snapshot table lies past the end of the file");
	return 0;
}

uint64_t
image_default_cap(void)
{
	const char *v = getenv("SANDLAB_MAX_IMAGE_SIZE");
	uint64_t cap;

	if (v != NULL && parse_size(v, &cap) == 0 && cap > 0)
		return cap;
	return IMAGE_CAP_DEFAULT;
}

static int
json_flag(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return v != NULL && !json_is_false(v) && !json_is_null(v);
}

int
image_info_check(const char *text, const char *fmt, uint64_t cap, struct image_info *out, struct err *e)
{
	static const char *backing_keys[] = {
		"backing-filename", "full-backing-filename", "backing-filename-format", "backing-image",
	};
	json_error_t je;
	json_t *root, *v, *spec, *data;
	char a[32], b[32];
	int rc = -1;

	root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL || !json_is_object(root)) {
		err_set(e, "qemu-img gave output that is not a JSON object (line %d: %s)", je.line, je.text);
		goto out;
	}
	v = json_object_get(root, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), fmt) != 0) {
		err_set(e, "qemu-img does not read the file as %s", fmt);
		goto out;
	}
	for (size_t i = 0; i < sizeof backing_keys / sizeof backing_keys[0]; i++)
		if (json_object_get(root, backing_keys[i]) != NULL) {
			v = json_object_get(root, "backing-filename");
			char *shown = convert_json_shown(v, "(unnamed)");
			err_set(e, "the image has a backing file (%s); sandlab takes only standalone images "
			    "(flatten it first: qemu-img convert -O qcow2 FILE OUT.qcow2)", shown);
			free(shown);
			goto out;
		}
	if (json_flag(root, "encrypted")) {
		err_set(e, "the image is encrypted; sandlab takes only unencrypted images");
		goto out;
	}
	if (json_flag(root, "dirty-flag")) {
		err_set(e, "the image is marked dirty; repair it with qemu-img check -r all FILE first");
		goto out;
	}
	spec = json_object_get(root, "format-specific");
	data = spec ? json_object_get(spec, "data") : NULL;
	if (data != NULL) {
		if (json_object_get(data, "data-file") != NULL || json_flag(data, "data-file-raw")) {
			err_set(e, "the image keeps its data in an external data file; "
			    "sandlab takes only self-contained images");
			goto out;
		}
		if (json_flag(data, "corrupt")) {
			err_set(e, "the image is marked corrupt; repair it with qemu-img check -r all FILE first");
			goto out;
		}
		if (json_object_get(data, "encrypt") != NULL) {
			err_set(e, "the image is encrypted; sandlab takes only unencrypted images");
			goto out;
		}
	}
	v = json_object_get(root, "virtual-size");
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		err_set(e, "qemu-img did not report a virtual size");
		goto out;
	}
	if ((uint64_t)json_integer_value(v) > cap) {
		err_set(e, "the image's virtual size is %s, over the limit of %s "
		    "(raise it with --max-size or SANDLAB_MAX_IMAGE_SIZE)",
		    fmt_size((uint64_t)json_integer_value(v), a, sizeof a), fmt_size(cap, b, sizeof b));
		goto out;
	}
	if (out != NULL) {
		out->virtual_size = (uint64_t)json_integer_value(v);
		v = json_object_get(root, "actual-size");
		out->actual_size = json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* qemu-img under limits: a hostile image must not take the machine. */
static const struct proc_limits image_probe_limits = {
	.cpu_s = 10, .as_bytes = 2ull << 30, .wall_ms = 30000, .out_max = 1 << 20,
};

static int
image_qemu_img(char **argv, struct proc_result *r, int ok_codes_mask, struct err *e)
{
	char how[160];

	if (proc_run(argv, &image_probe_limits, NULL, NULL, r, e) != 0)
		return -1;
	if (r->exited && !r->timed_out && r->code < 8 && (ok_codes_mask & (1 << r->code)))
		return 0;
	proc_describe(r, &image_probe_limits, how, sizeof how);
	char *msg = proc_errtext(r);
	err_set(e, "qemu-img %s cannot read the file: it %s%s%s", argv[1], how, *msg ? ": " : "", msg);
	free(msg);
	proc_result_free(r);
	return -1;
}

const char *
image_kind_sniff(const unsigned char *h, size_t len, const unsigned char *iso, size_t iso_len)
{
	/* ISO 9660: a volume descriptor at 32 KiB, "CD001" after its type
	 * byte. Told before any disk format, so an ISO is never probed as a
	 * disk (a hybrid ISO also carries an MBR). */
	if (has(iso, iso_len, 1, "CD001", 5))
		return "iso";
	/* Linux's x86 boot protocol: "HdrS" at 0x202 of a bzImage. */
	if (has(h, len, 0x202, "HdrS", 4))
		return "kernel";
	return NULL;
}

int
image_check_disk(const struct image *im, struct err *e)
{
	if (strcmp(im->kind, "disk") == 0)
		return 0;
	if (strcmp(im->kind, "iso") == 0)
		return err_set(e, "image %s is an ISO 9660 file, not a disk: give it as --cdrom %s, with a disk "
		    "image as --image", im->name, im->name);
	return err_set(e, "image %s is a %s, not a disk: give it as --%s %s, with a disk image as --image",
	    im->name, im->kind, im->kind, im->name);
}

/* A firmware ROM QEMU's -bios maps below 4 GiB: a raw file of whole
 * 64 KiB blocks (QEMU refuses any other size), at most IMAGE_BIOS_MAX,
 * and no disk: a qcow2, VMDK or other header, or a partition table,
 * means a disk given as a ROM. */
static int
image_bios_check(const unsigned char *head, size_t hn, const unsigned char *tail, uint64_t size,
    struct err *e)
{
	unsigned m;

	if (size > IMAGE_BIOS_MAX)
		return err_set(e, "a BIOS image is at most %d MiB, and this is %llu bytes",
		    IMAGE_BIOS_MAX >> 20, (unsigned long long)size);
	m = image_sniff(head, hn, tail, size) & ~(unsigned)FMT_RAW;
	if (m != 0)
		return err_set(e, "it is a disk image (%s), not a BIOS ROM; import it as a disk",
		    image_fmt_name(m & -m));
	if (size % 65536 != 0)
		return err_set(e, "a BIOS image is whole 64 KiB blocks (as QEMU's -bios takes), and this "
		    "is %llu bytes", (unsigned long long)size);
	return 0;
}

static int
image_kind_check(const char *kind, struct err *e)
{
	char shown[64], *bars = xasprintf("|%s|", kind);
	int ok = strstr("|" IMAGE_KINDS "|", bars) != NULL;

	free(bars);
	if (ok)
		return 0;
	sanitize_to(kind, strlen(kind), shown, sizeof shown);
	return err_set(e, "--kind \"%s\": one of disk, iso, kernel, initrd, bios", shown);
}

/* The kind to record, from what the bytes tell (sniffed, or NULL for a
 * disk) and what the user asked (NULL: what the bytes tell). A kind the
 * bytes contradict is refused; an initrd has no signature to check. */
static int
image_kind_decide(const char *sniffed, const char *asked, const char **out, struct err *e)
{
	if (asked == NULL) {
		*out = sniffed ? sniffed : "disk";
		return 0;
	}
	if ((strcmp(asked, "iso") == 0 || strcmp(asked, "kernel") == 0) &&
	    (sniffed == NULL || strcmp(sniffed, asked) != 0))
		return err_set(e, "it is not %s (%s)", strcmp(asked, "iso") == 0 ? "an ISO 9660 file" : "a kernel",
		    strcmp(asked, "iso") == 0 ? "no \"CD001\" at 32 KiB" : "no bzImage \"HdrS\" at 0x202");
	if (sniffed != NULL && strcmp(sniffed, asked) != 0)
		return err_set(e, "it is %s, not %s; import it with --kind %s",
		    strcmp(sniffed, "iso") == 0 ? "an ISO 9660 file" : "a kernel", asked, sniffed);
	*out = asked;
	return 0;
}

/* All the checks, on one file. *fmt_io: 0 = sniff, else the forced format.
 * *kind_io: NULL = sniff, else the kind asked. On success *fmt_io is
 * FMT_RAW, FMT_QCOW2 or a format convert.h takes, *kind_io the kind, and
 * info is filled. A file that is no disk is never given to qemu-img: its
 * size is its size. */
static int
image_verify(const char *path, int *fmt_io, const char **kind_io, uint64_t cap, struct image_info *info,
    struct err *e)
{
	unsigned char head[IMAGE_SNIFF_LEN], tail[512], iso[8];
	struct stat sb;
	ssize_t hn = 0, isn = 0;
	int fd, fmt;
	const char *fname, *kind = NULL;
	struct proc_result r;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "cannot open the file");
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(e, "not a regular file");
	}
	memset(head, 0, sizeof head);
	memset(tail, 0, sizeof tail);
	hn = pread(fd, head, sizeof head, 0);
	if (hn >= 0)
		isn = pread(fd, iso, sizeof iso, 0x8000);
	if (hn < 0 || isn < 0 || (sb.st_size >= 512 && pread(fd, tail, 512, sb.st_size - 512) != 512)) {
		close(fd);
		return err_sys(e, "cannot read the file");
	}
	close(fd);
	if (sb.st_size == 0)
		return err_set(e, "the file is empty");
	if (image_kind_decide(image_kind_sniff(head, (size_t)hn, iso, (size_t)isn), *kind_io, &kind, e) != 0)
		return -1;
	*kind_io = kind;
	if (strcmp(kind, "disk") != 0) {
		if (*fmt_io != 0 && *fmt_io != FMT_RAW)
			return err_set(e, "a file of kind %s is read as it is (--format raw, or none)", kind);
		if ((uint64_t)sb.st_size > cap)
			return err_set(e, "it is larger than the cap of %llu bytes", (unsigned long long)cap);
		if (strcmp(kind, "bios") == 0 &&
		    image_bios_check(head, (size_t)hn, tail, (uint64_t)sb.st_size, e) != 0)
			return -1;
		info->virtual_size = info->actual_size = (uint64_t)sb.st_size;
		*fmt_io = FMT_RAW;
		return 0;
	}

	unsigned m = image_sniff(head, (size_t)hn, tail, (uint64_t)sb.st_size);
	if (*fmt_io == 0) {
		if ((fmt = image_sniff_decide(m, e)) < 0)
			return -1;
	} else {
		fmt = *fmt_io;
		if (fmt == FMT_QCOW2 && !(m & FMT_QCOW2))
			return err_set(e, "the file has no qcow2 header, so it is not qcow2");
		if (fmt != FMT_QCOW2 && fmt != FMT_RAW && !(m & (unsigned)fmt))
			return err_set(e, "the file is no longer in %s format", image_fmt_name((unsigned)fmt));
		/* Forcing raw is for a raw disk whose guest wrote a qcow2
		 * header into it; any other header means a mistake. */
		unsigned other = m & ~(unsigned)(FMT_RAW | FMT_MBR | FMT_QCOW2);
		if (fmt == FMT_RAW && other != 0)
			return err_set(e, "the file carries a %s header; refusing to treat it as raw",
			    image_fmt_name(other & -other));
	}
	if (fmt == FMT_QCOW2 && image_qcow2_header_check(head, (size_t)hn, (uint64_t)sb.st_size, e) != 0)
		return -1;
	fname = image_fmt_qemu((unsigned)fmt);
	if (image_fmt_converted(fmt) &&
	    convert_bytes_check(fname, head, (size_t)hn, tail, (uint64_t)sb.st_size, e) != 0)
		return -1;

	char *info_argv[] = { "qemu-img", "info", "-f", (char *)fname, "--output=json",
		"--force-share", "--", (char *)path, NULL };
	if (image_qemu_img(info_argv, &r, 1, e) != 0)
		return -1;
	int rc = image_info_check(r.out, fname, cap, info, e);
	if (rc == 0)
		rc = convert_info_check(fname, r.out, path, e);
	proc_result_free(&r);
	if (rc != 0)
		return -1;
	if (fmt == FMT_QCOW2 || convert_has_check(fname)) {
		/* 0: clean, 3: only leaked clusters (harmless). */
		char *check_argv[] = { "qemu-img", "check", "-f", (char *)fname, "--output=json",
			"--force-share", "--", (char *)path, NULL };
		if (image_qemu_img(check_argv, &r, 1 << 0 | 1 << 3, e) != 0)
			return -1;
		proc_result_free(&r);
	}
	*fmt_io = fmt;
	return 0;
}

void
image_clear(struct image *im)
{
	free(im->name);
	free(im->file);
	free(im->format);
	free(im->source_format);
	memset(im, 0, sizeof *im);
}

void
image_list_free(struct image *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		image_clear(&v[i]);
	free(v);
}

/* The nodes that use an image: those it is the disk of, plus the others
 * that have it as CD-ROM, kernel, initrd, BIOS or an extra disk, each term
 * found through its index (migrations 18 and 23), so no node row is read. */
#define IMAGE_COLS_BEFORE_COUNT "i.id, i.name, i.file, i.format, i.virtual_size, i.file_size, i.imported_at, "
#define IMAGE_COLS_AFTER_COUNT ", i.kind, i.source_format"
#define IMAGE_COLS IMAGE_COLS_BEFORE_COUNT \
	"(SELECT count(*) FROM nodes n WHERE n.image_id = i.id) + " \
	"(SELECT count(*) FROM nodes n WHERE (n.cdrom_id = i.id OR n.kernel_id = i.id OR " \
	"n.initrd_id = i.id OR n.bios_id = i.id OR " \
	"n.id IN (SELECT d.node_id FROM disks d WHERE d.image_id = i.id)) " \
	"AND n.image_id <> i.id)" IMAGE_COLS_AFTER_COUNT
/* The same columns with 0 for the count, for a caller that does not
 * show it: counting reads every node's entry in the indexes. */
#define IMAGE_COLS_UNCOUNTED IMAGE_COLS_BEFORE_COUNT "0" IMAGE_COLS_AFTER_COUNT

static void
image_from_row(sqlite3_stmt *st, struct image *im)
{
	snprintf(im->id, sizeof im->id, "%s", (const char *)sqlite3_column_text(st, 0));
	im->name = db_text(st, 1);
	im->file = db_text(st, 2);
	im->format = db_text(st, 3);
	im->virtual_size = (uint64_t)sqlite3_column_int64(st, 4);
	im->file_size = (uint64_t)sqlite3_column_int64(st, 5);
	im->imported_at = sqlite3_column_int64(st, 6);
	im->nodes = sqlite3_column_int(st, 7);
	snprintf(im->kind, sizeof im->kind, "%s", (const char *)sqlite3_column_text(st, 8));
	im->source_format = db_text(st, 9);
}

int
image_list(struct lab *lab, struct image **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st = db_prepare(lab->db, "SELECT " IMAGE_COLS " FROM images i ORDER BY i.name", e);
	struct image *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap)
			v = xreallocarray(v, cap = cap ? cap * 2 : 16, sizeof *v);
		memset(&v[len], 0, sizeof v[len]);
		image_from_row(st, &v[len++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		image_list_free(v, len);
		return db_fail(lab->db, e, "listing images");
	}
	*out = v;
	*n = len;
	return 0;
}

/* image_get and image_find: cols is IMAGE_COLS or IMAGE_COLS_UNCOUNTED. */
static int
image_lookup(struct lab *lab, const char *cols, const char *key, struct image *out, struct err *e)
{
	sqlite3_stmt *st;
	char shown[96], sql[1024];
	int rc;

	snprintf(sql, sizeof sql, "SELECT %s FROM images i WHERE i.name = ?1 COLLATE NOCASE OR i.id = ?1",
	    cols);
	rc = db_row(lab->db, &st, "looking up an image", e, sql, "t", key);
	memset(out, 0, sizeof *out);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		image_from_row(st, out);
		sqlite3_finalize(st);
		return 0;
	}
	sanitize_to(key, strlen(key), shown, sizeof shown);
	return err_set(e, "no image named \"%s\" (see: sandlab image ls)", shown);
}

int
image_get(struct lab *lab, const char *key, struct image *out, struct err *e)
{
	return image_lookup(lab, IMAGE_COLS, key, out, e);
}

int
image_find(struct lab *lab, const char *key, struct image *out, struct err *e)
{
	return image_lookup(lab, IMAGE_COLS_UNCOUNTED, key, out, e);
}

/* Copies src into dst, keeping holes; reports progress. Only the data
 * extents are read (SEEK_DATA/SEEK_HOLE), so the time follows the data,
 * not the virtual size: a 1 TiB raw file with 64 MiB in it is read as
 * 64 MiB. Zero blocks inside data are skipped on write as well. A file
 * system without SEEK_DATA is read whole. durable: fsync at the end. */
static int
image_copy(int in, int out, uint64_t total, const struct image_import_opts *o, int durable,
    struct err *e)
{
	enum { BLK = 1 << 20 };
	char *buf = xmalloc(BLK);
	uint64_t done = 0, next_report = 0, data_end = 0;
	int rc = 0, seek_ok = 1;
	struct stat sb;

	while (done < total) {
		uint64_t from = done;
		size_t want;
		ssize_t n;
		size_t i;

		if (o->cancelled != NULL && o->cancelled(o->arg)) {
			rc = err_set(e, "the import was cancelled");
			break;
		}
		pace_point("import-block");
		if (done >= data_end && seek_ok) {
			off_t d = lseek(in, (off_t)done, SEEK_DATA), h;
			if (d < 0 && errno == ENXIO)
				d = (off_t)total;      /* a hole to the end */
			else if (d < 0) {
				seek_ok = 0;           /* no SEEK_DATA here: read it all */
				d = (off_t)done;
			}
			if ((uint64_t)d > total)
				d = (off_t)total;
			h = seek_ok && (uint64_t)d < total ? lseek(in, d, SEEK_HOLE) : (off_t)total;
			data_end = h < 0 || (uint64_t)h > total ? total : (uint64_t)h;
			done = (uint64_t)d;
			if (done >= total)
				goto advanced;
		}
		if (!seek_ok)
			data_end = total;
		want = data_end - done < BLK ? (size_t)(data_end - done) : BLK;
		n = pread(in, buf, want, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_sys(e, "reading the file failed");
			break;
		}
		if (n == 0) {
			rc = err_set(e, "the file shrank while it was being copied");
			break;
		}
		for (i = 0; i < (size_t)n && buf[i] == 0; i++)
			;
		if (i < (size_t)n) {
			ssize_t w = 0;
			size_t off = 0;
			while (off < (size_t)n) {
				w = pwrite(out, buf + off, (size_t)n - off, (off_t)(done + off));
				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0)
					break;
				off += (size_t)w;
			}
			if (w < 0) {
				char a[32], b[32];
				if (errno == ENOSPC || errno == EDQUOT)
					rc = err_set(e, "the disk holding the lab is full: copied %s of %s; "
					    "free some space and import again", fmt_size(done, a, sizeof a),
					    fmt_size(total, b, sizeof b));
				else
					rc = err_sys(e, "writing the copy failed");
				break;
			}
		}
		done += (uint64_t)n;
advanced:
		if (done >= total / 2 && from < total / 2)
			crash_point("import-half-copied");
		if (o->progress != NULL && (done >= next_report || done == total)) {
			o->progress(done, total, o->arg);
			next_report = done + total / 100 + 1;
		}
	}
	free(buf);
	/* Holes are not read, so a shrinking file shows only here. */
	if (rc == 0 && (fstat(in, &sb) != 0 || (uint64_t)sb.st_size < total))
		rc = err_set(e, "the file shrank while it was being copied");
	if (rc == 0 && ftruncate(out, (off_t)total) != 0)
		rc = err_sys(e, "the disk holding the lab is full or failing");
	if (rc == 0 && durable && fsync(out) != 0)
		rc = errno == ENOSPC ? err_set(e, "the disk holding the lab is full; free some space and import again")
		    : err_sys(e, "writing the copy failed");
	return rc;
}

char *
image_name_from_path(const char *path)
{
	static const char *exts[] = { ".qcow2", ".qcow", ".img", ".raw", ".bin", ".disk", ".iso", ".vmdk", ".vdi",
		".vhdx", ".vhd", ".qed" };
	const char *base = strrchr(path, '/');
	char *name = xstrdup(base ? base + 1 : path);
	size_t len = strlen(name);

	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t el = strlen(exts[i]);
		if (len > el && strcasecmp(name + len - el, exts[i]) == 0) {
			name[len - el] = '\0';
			break;
		}
	}
	return name;
}

/* Files image_scan considers: disk images by their usual endings, so
 * scripts or notes kept beside them are left alone. */
static int
image_scan_candidate(const char *file)
{
	static const char *exts[] = { ".qcow2", ".img", ".raw" };
	size_t len = strlen(file);

	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t el = strlen(exts[i]);
		if (len > el && strcasecmp(file + len - el, exts[i]) == 0)
			return 1;
	}
	return 0;
}

/* 1 when file is a line of images/.scan-skip: files kept in images/
 * that scan leaves alone, such as the checkout's test-only guests (the
 * checkout is also `make run`'s demo lab). No such file: none. */
static int
image_scan_skipped(struct lab *lab, const char *file)
{
	char *path = xasprintf("%s/.scan-skip", lab->images), line[256];
	FILE *f = fopen(path, "re");
	int hit = 0;

	free(path);
	if (f == NULL)
		return 0;
	while (!hit && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		hit = strcmp(line, file) == 0;
	}
	fclose(f);
	return hit;
}

static int
image_name_taken(struct lab *lab, const char *name, struct err *e)
{
	sqlite3_stmt *st;
	int taken = db_row(lab->db, &st, "looking up an image name", e,
	    "SELECT 1 FROM images WHERE name = ? COLLATE NOCASE", "t", name);

	if (taken <= 0)
		return taken;
	sqlite3_finalize(st);
	return err_set(e, "an image named \"%s\" already exists; choose another with --name", name);
}

/* Inserts the row; inside the caller's transaction. */
static int
image_insert(struct lab *lab, struct image *im, struct err *e)
{
	int rc;

	if (db_run(lab->db, "recording the image", e, "INSERT INTO images (id, name, file, format, "
	    "virtual_size, file_size, imported_at, kind, source_format) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "ttttIIItt", im->id, im->name, im->file, im->format, (int64_t)im->virtual_size,
	    (int64_t)im->file_size, (int64_t)im->imported_at, im->kind[0] ? im->kind : "disk",
	    im->source_format ? im->source_format : im->format) == 0)
		return 0;
	rc = sqlite3_extended_errcode(lab->db);
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return err_set(e, "an image named \"%s\" already exists; choose another with --name", im->name);
	return -1;
}

static void
image_new_id(char id[37])
{
	uuid_t u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, id);
}

static int
image_parse_format(const char *s, int *fmt, struct err *e)
{
	if (s == NULL)
		*fmt = 0;
	else if (strcmp(s, "raw") == 0)
		*fmt = FMT_RAW;
	else if (strcmp(s, "qcow2") == 0)
		*fmt = FMT_QCOW2;
	else
		return err_set(e, "format must be raw or qcow2");
	return 0;
}

/* A conversion shows as one bar: the copy of the source fills the first
 * half, qemu-img convert the second. */
struct image_phase {
	const struct image_import_opts *o;
	uint64_t total;
	int      whole;   /* no copy: the conversion fills the whole bar */
};

static void
image_phase_copied(uint64_t done, uint64_t total, void *arg)
{
	struct image_phase *ph = arg;

	if (ph->o->progress != NULL)
		ph->o->progress(total ? done * (ph->total / 2) / total : 0, ph->total, ph->o->arg);
}

static void
image_phase_converted(double pct, void *arg)
{
	struct image_phase *ph = arg;

	uint64_t from = ph->whole ? 0 : ph->total / 2;

	if (ph->o->progress != NULL)
		ph->o->progress(from + (uint64_t)(pct / 100 * (double)(ph->total - from)), ph->total, ph->o->arg);
}

static int
image_phase_cancelled(void *arg)
{
	struct image_phase *ph = arg;

	return ph->o->cancelled != NULL && ph->o->cancelled(ph->o->arg);
}

/* image_convert for a file others can write: through a checked copy. */
static int
image_convert_copy(struct lab *lab, int in, uint64_t size, int fmt, const char *id,
    const char *tmp_abs, uint64_t cap, const struct image_import_opts *o, struct err *e)
{
	struct image_phase ph = { .o = o, .total = size };
	struct image_import_opts half = { .progress = image_phase_copied,
		.cancelled = image_phase_cancelled, .arg = &ph };
	char *src_rel = xasprintf("images/.import-%s.src", id);
	char *src_abs = xasprintf("%s/%s", lab->root, src_rel);
	struct image_info info;
	struct err why;
	int fd = -1, fmt2 = fmt, rc = -1;
	const char *kind = "disk"; /* what converts is a disk */
	int64_t entry = pending_add(lab->db, src_rel, src_rel, e);

	if (entry < 0)
		goto out;
	fd = open(src_abs, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_sys(e, "cannot create a file in %s", lab->images);
		goto out;
	}
	/* Not synced: the copy lives only until qemu-img has read it, and a
	 * crash meanwhile leaves it to the journal entry above (its fsync
	 * took 0.15 to 0.45 s of a 1 GiB vmdk import here). */
	if (image_copy(in, fd, size, &half, 0, e) != 0)
		goto out;
	if (image_verify(src_abs, &fmt2, &kind, cap, &info, &why) != 0 || fmt2 != fmt) {
		err_set(e, "the copy failed its checks: %s", why.msg);
		goto out;
	}
	crash_point("import-converting");
	rc = convert_run(image_fmt_qemu((unsigned)fmt), src_abs, -1, size, tmp_abs, image_phase_converted,
	    image_phase_cancelled, &ph, e);
out:
	if (fd >= 0)
		close(fd);
	if (entry > 0)
		pending_abandon(lab->db, lab->root, entry);
	free(src_rel);
	free(src_abs);
	return rc;
}

/* Whether the file behind `in` is the same, unchanged, as when `was`
 * was taken: same inode, and no write, truncate or chmod since (each
 * moves ctime, which no user can set back). */
static int
image_unchanged(int in, const struct stat *was)
{
	struct stat now;

	return fstat(in, &now) == 0 && now.st_dev == was->st_dev && now.st_ino == was->st_ino &&
	    now.st_size == was->st_size && now.st_ctim.tv_sec == was->st_ctim.tv_sec &&
	    now.st_ctim.tv_nsec == was->st_ctim.tv_nsec && now.st_mtim.tv_sec == was->st_mtim.tv_sec &&
	    now.st_mtim.tv_nsec == was->st_mtim.tv_nsec;
}

/* Converts the checked source to qcow2 at tmp_abs. The checks were made
 * on the source, so qemu-img must read what they read:
 *  - a file only its owner, this user, can write is converted where it
 *    is, through the open descriptor (no path to swap), and refused when
 *    its ctime or size moved between the checks (was: the lstat before
 *    them) and the end of the convert. Nobody but this user could have
 *    changed it, and a change shows;
 *  - any other file is first copied into the lab under a journalled
 *    name, and the copy checked again (nobody else can change it). The
 *    copy is removed whatever happens.
 * Copying 1 GiB took as long as converting it: this halves the time of
 * a usual import (issue 15). 0, or -1 with a message (tmp_abs may exist;
 * the caller's journal entry removes it). */
static int
image_convert(struct lab *lab, int in, const struct stat *was, int fmt, const char *id,
    const char *tmp_abs, uint64_t cap, const struct image_import_opts *o, struct err *e)
{
	uint64_t size = (uint64_t)was->st_size;

	if (was->st_uid == geteuid() && !(was->st_mode & (S_IWGRP | S_IWOTH))) {
		struct image_phase ph = { .o = o, .total = size, .whole = 1 };
		int fd = fcntl(in, F_DUPFD, 3); /* inherited by qemu-img: no O_CLOEXEC */
		char src[32];
		int rc;

		if (fd < 0)
			return err_sys(e, "cannot pass the file to qemu-img");
		snprintf(src, sizeof src, "/dev/fd/%d", fd);
		crash_point("import-converting");
		rc = convert_run(image_fmt_qemu((unsigned)fmt), src, fd, size, tmp_abs, image_phase_converted,
		    image_phase_cancelled, &ph, e);
		close(fd);
		pace_point("import-converted");
		if (rc == 0 && !image_unchanged(in, was))
			rc = err_set(e, "the file changed while it was being imported; import it again");
		return rc;
	}
	return image_convert_copy(lab, in, size, fmt, id, tmp_abs, cap, o, e);
}

int
image_import_from(struct lab *lab, const char *path, const char *shown_as, const char *container,
    const struct image_import_opts *o, struct image *out, struct err *e)
{
	struct image im = { 0 };
	struct image_info info;
	struct stat sb, fsb;
	char shown[256], *tmp_rel = NULL, *tmp_abs = NULL, *final_abs = NULL;
	uint64_t cap = o->max_size ? o->max_size : image_default_cap();
	int64_t pid_entry = -1;
	int in = -1, outfd = -1, fmt, fmt2, renamed = 0, conv;
	const char *kind, *kind2;
	struct err why;

	sanitize_to(shown_as ? shown_as : path, strlen(shown_as ? shown_as : path), shown, sizeof shown);
	if (image_parse_format(o->format, &fmt, e) != 0)
		return -1;
	if (lstat(path, &sb) != 0)
		return err_sys(e, "cannot import %s", shown);
	if (S_ISLNK(sb.st_mode))
		return err_set(e, "cannot import %s: it is a symbolic link; give the path of the file itself", shown);
	if (S_ISDIR(sb.st_mode))
		return err_set(e, "cannot import %s: it is a folder, not a disk image file", shown);
	if (!S_ISREG(sb.st_mode))
		return err_set(e, "cannot import %s: it is not a regular file (a FIFO, socket or device)", shown);

	im.name = o->name ? xstrdup(o->name) : image_name_from_path(path);
	if (name_check(im.name, "image name", e) != 0)
		goto fail;
	if (image_name_taken(lab, im.name, e) != 0)
		goto fail;

	if (o->kind != NULL && image_kind_check(o->kind, e) != 0)
		goto fail;
	fmt2 = fmt;
	kind = o->kind;
	if (image_verify(path, &fmt2, &kind, cap, &info, &why) != 0) {
		err_set(e, "cannot import %s: %s", shown, why.msg);
		goto fail;
	}
	in = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (in < 0 || fstat(in, &fsb) != 0 || fsb.st_ino != sb.st_ino || fsb.st_dev != sb.st_dev ||
	    !S_ISREG(fsb.st_mode)) {
		err_set(e, "cannot import %s: the file changed while it was being checked", shown);
		goto fail;
	}

	conv = image_fmt_converted(fmt2);
	image_new_id(im.id);
	im.format = xstrdup(fmt2 == FMT_RAW ? "raw" : "qcow2");
	snprintf(im.kind, sizeof im.kind, "%s", kind);
	im.file = xasprintf("%s.%s", im.name, strcmp(kind, "disk") != 0 ? kind : fmt2 == FMT_RAW ? "img" : "qcow2");
	if (conv)
		im.source_format = container ? xasprintf("%s/%s", container, image_fmt_qemu((unsigned)fmt2))
		    : xstrdup(image_fmt_qemu((unsigned)fmt2));
	else if (container)
		im.source_format = xasprintf("%s/%s", container, im.format);
	tmp_rel = xasprintf("images/.import-%s.tmp", im.id);
	tmp_abs = xasprintf("%s/%s", lab->root, tmp_rel);
	final_abs = xasprintf("%s/%s", lab->images, im.file);
	char *final_rel = xasprintf("images/%s", im.file);
	pid_entry = pending_add(lab->db, tmp_rel, final_rel, e);
	free(final_rel);
	if (pid_entry < 0)
		goto fail;
	if (conv) {
		if (image_convert(lab, in, &sb, fmt2, im.id, tmp_abs, cap, o, &why) != 0) {
			err_set(e, "cannot import %s: %s", shown, why.msg);
			goto fail;
		}
		if (pending_set_file(lab->db, pid_entry, tmp_abs, e) != 0)
			goto fail;
	} else {
		outfd = open(tmp_abs, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (outfd < 0) {
			err_sys(e, "cannot create a file in %s", lab->images);
			goto fail;
		}
		if (pending_set_file(lab->db, pid_entry, tmp_abs, e) != 0)
			goto fail;
		crash_point("import-journaled");
		if (image_copy(in, outfd, (uint64_t)fsb.st_size, o, 1, e) != 0)
			goto fail;
		close(outfd);
		outfd = -1;
	}
	close(in);
	in = -1;

	/* Again on our own copy: the source may have changed under us. */
	fmt = conv ? FMT_QCOW2 : fmt2;
	kind2 = kind;
	if (image_verify(tmp_abs, &fmt, &kind2, cap, &info, &why) != 0 || fmt != (conv ? FMT_QCOW2 : fmt2)) {
		err_set(e, "cannot import %s: the %s failed its checks: %s", shown,
		    conv ? "converted image" : "copy", why.msg);
		goto fail;
	}
	/* Read-only, and its owner's alone like everything in the lab. */
	chmod(tmp_abs, 0400);
	crash_point("import-verified");
	im.virtual_size = info.virtual_size;
	if (stat(tmp_abs, &fsb) != 0) {
		err_sys(e, "cannot import %s", shown);
		goto fail;
	}
	im.file_size = (uint64_t)fsb.st_size;
	im.imported_at = now_s();

	if (db_begin(lab->db, e) != 0)
		goto fail;
	if (access(final_abs, F_OK) == 0) {
		err_set(e, "images/%s already exists; choose another name with --name", im.file);
		goto fail_txn;
	}
	if (image_insert(lab, &im, e) != 0)
		goto fail_txn;
	if (rename(tmp_abs, final_abs) != 0) {
		err_sys(e, "cannot move the image into place");
		goto fail_txn;
	}
	renamed = 1;
	crash_point("import-renamed");
	if (pending_done(lab->db, pid_entry, e) != 0)
		goto fail_txn;
	if (db_commit(lab->db, e) != 0)
		goto fail_renamed;
	db_event(lab->db, NULL, "image-import", im.name);
	free(tmp_rel);
	free(tmp_abs);
	free(final_abs);
	if (out != NULL)
		*out = im;
	else
		image_clear(&im);
	return 0;

fail_txn:
	db_rollback(lab->db);
fail_renamed:
	if (renamed && rename(final_abs, tmp_abs) != 0)
		unlink(final_abs);
fail:
	if (outfd >= 0)
		close(outfd);
	if (in >= 0)
		close(in);
	if (pid_entry > 0)
		pending_abandon(lab->db, lab->root, pid_entry);
	free(tmp_rel);
	free(tmp_abs);
	free(final_abs);
	image_clear(&im);
	return -1;
}

int
image_import(struct lab *lab, const char *path, const struct image_import_opts *o,
    struct image *out, struct err *e)
{
	return image_import_from(lab, path, NULL, NULL, o, out, e);
}

int
image_scan(struct lab *lab, uint64_t max_size,
    void (*report)(const char *file, const struct image *im, const char *why, void *arg),
    void *arg, struct err *e)
{
	DIR *d = opendir(lab->images);
	struct dirent *de;
	uint64_t cap = max_size ? max_size : image_default_cap();

	if (d == NULL)
		return err_sys(e, "cannot read %s", lab->images);
	while ((de = readdir(d)) != NULL) {
		struct image im = { 0 };
		struct image_info info;
		struct stat sb;
		struct err why;
		sqlite3_stmt *st;
		char *abs;
		const char *kind = "disk"; /* what is dropped in by hand boots a node */
		int known, fmt = 0;

		if (de->d_name[0] == '.' || !image_scan_candidate(de->d_name) ||
		    image_scan_skipped(lab, de->d_name))
			continue; /* ours in the making, hidden, not a disk image, or kept out */
		known = db_row(lab->db, &st, "looking up an image file", e,
		    "SELECT 1 FROM images WHERE file = ?", "t", de->d_name);
		if (known < 0) {
			closedir(d);
			return -1;
		}
		if (known == 1) {
			sqlite3_finalize(st);
			continue;
		}
		abs = xasprintf("%s/%s", lab->images, de->d_name);
		if (lstat(abs, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			if (report)
				report(de->d_name, NULL, "not a regular file", arg);
			free(abs);
			continue;
		}
		im.name = image_name_from_path(de->d_name);
		if (name_check(im.name, "image name", &why) != 0 || image_name_taken(lab, im.name, &why) != 0 ||
		    image_verify(abs, &fmt, &kind, cap, &info, &why) != 0) {
			if (report)
				report(de->d_name, NULL, why.msg, arg);
			image_clear(&im);
			free(abs);
			continue;
		}
		if (image_fmt_converted(fmt)) {
			if (report) {
				char *msg = xasprintf("it is in %s format; import it with sandlab image import, "
				    "which converts it to qcow2", image_fmt_name((unsigned)fmt));
				report(de->d_name, NULL, msg, arg);
				free(msg);
			}
			image_clear(&im);
			free(abs);
			continue;
		}
		image_new_id(im.id);
		im.file = xstrdup(de->d_name);
		im.format = xstrdup(fmt == FMT_QCOW2 ? "qcow2" : "raw");
		im.virtual_size = info.virtual_size;
		im.file_size = (uint64_t)sb.st_size;
		im.imported_at = now_s();
		chmod(abs, sb.st_mode & 0500);
		if (db_begin(lab->db, &why) != 0 || image_insert(lab, &im, &why) != 0 ||
		    db_commit(lab->db, &why) != 0) {
			db_rollback(lab->db);
			if (report)
				report(de->d_name, NULL, why.msg, arg);
		} else if (report)
			report(de->d_name, &im, NULL, arg);
		image_clear(&im);
		free(abs);
	}
	closedir(d);
	return 0;
}

int
image_rm(struct lab *lab, const char *key, struct err *e)
{
	struct image im;
	int64_t doomed;
	char *rel;

	if (db_begin(lab->db, e) != 0)
		return -1;
	if (image_get(lab, key, &im, e) != 0) {
		db_rollback(lab->db);
		return -1;
	}
	if (im.nodes > 0) {
		err_set(e, "image \"%s\" is used by %d node%s; remove %s first (see: sandlab node ls)",
		    im.name, im.nodes, im.nodes == 1 ? "" : "s", im.nodes == 1 ? "it" : "them");
		goto fail;
	}
	if (db_run(lab->db, "removing the image", e, "DELETE FROM images WHERE id = ?", "t", im.id) != 0) {
		/* no node uses it: a template does (template.h); sqlite
		 * reports ON DELETE RESTRICT as a trigger's constraint */
		if ((sqlite3_extended_errcode(lab->db) & 0xff) == SQLITE_CONSTRAINT)
			err_set(e, "image \"%s\" is used by a template; remove the template or give it "
			    "another image first (see: sandlab template ls)", im.name);
		goto fail;
	}
	rel = xasprintf("images/%s", im.file);
	doomed = pending_doomed(lab->db, rel, e);
	free(rel);
	if (doomed < 0)
		goto fail;
	db_event(lab->db, NULL, "image-rm", im.name);
	if (db_commit(lab->db, e) != 0) {
		image_clear(&im);
		return -1;
	}
	pending_abandon(lab->db, lab->root, doomed);
	image_clear(&im);
	return 0;
fail:
	db_rollback(lab->db);
	image_clear(&im);
	return -1;
}
