/*
 * disk.c: a node's extra disks: their spelling, their bus limits and
 * their rows. Their files are made by node.c's pending.h protocol; QEMU's
 * argv is qemu.c's; it owns no transaction: the node operations that call
 * it do.
 */
#include "disk.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "image.h"
#include "name.h"
#include "pending.h"
#include "sanitize.h"

static const char *const disk_buses[] = { "virtio", "ide", "sata", "scsi" };

/* The units a size may carry, smallest first. */
static const struct { char unit; unsigned shift; } disk_units[] = {
	{ 'K', 10 }, { 'M', 20 }, { 'G', 30 }, { 'T', 40 },
};

static int
disk_parse_size(const char *s, uint64_t *out, struct err *e)
{
	char shown[48];
	uint64_t n = 0;
	const char *p = s;
	unsigned shift = 0;
	int found = 0;

	sanitize_to(s, strlen(s), shown, sizeof shown);
	if (*p < '0' || *p > '9')
		return err_set(e, "--disk %s: give a size (64M, 8G) or image:NAME", shown);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - 9) / 10)
			return err_set(e, "--disk %s: larger than the limit of 2T", shown);
		n = n * 10 + (uint64_t)(*p - '0');
	}
	for (size_t i = 0; i < sizeof disk_units / sizeof disk_units[0]; i++)
		if (*p != '\0' && (*p == disk_units[i].unit || *p == disk_units[i].unit + ('a' - 'A'))) {
			shift = disk_units[i].shift;
			found = 1;
		}
	if (!found || p[1] != '\0')
		return err_set(e, "--disk %s: a size is a number with a unit K, M, G or T (64M, 8G)", shown);
	if (n == 0)
		return err_set(e, "--disk %s: a disk of size 0 holds nothing; give at least 1M", shown);
	if (n > (DISK_SIZE_MAX >> shift))
		return err_set(e, "--disk %s: larger than the limit of 2T", shown);
	if ((n << shift) < DISK_SIZE_MIN)
		return err_set(e, "--disk %s: smaller than the least of 1M", shown);
	*out = n << shift;
	return 0;
}

int
disk_parse(const char *text, struct disk *d, struct err *e)
{
	char buf[128], shown[48], *opt;
	size_t i;

	memset(d, 0, sizeof *d);
	snprintf(d->bus, sizeof d->bus, "virtio");
	if (strlen(text) >= sizeof buf) {
		sanitize_to(text, strlen(text), shown, sizeof shown);
		return err_set(e, "--disk %s...: too long", shown);
	}
	snprintf(buf, sizeof buf, "%s", text);
	if ((opt = strchr(buf, ',')) != NULL) {
		*opt++ = '\0';
		if (strncmp(opt, "bus=", 4) != 0 || strchr(opt, ',') != NULL) {
			sanitize_to(opt, strlen(opt), shown, sizeof shown);
			return err_set(e, "--disk: unknown option \"%s\" (the one option is bus=virtio|ide|sata|scsi)",
			    shown);
		}
		opt += 4;
		for (i = 0; i < sizeof disk_buses / sizeof disk_buses[0]; i++)
			if (strcmp(opt, disk_buses[i]) == 0)
				break;
		if (i == sizeof disk_buses / sizeof disk_buses[0]) {
			sanitize_to(opt, strlen(opt), shown, sizeof shown);
			return err_set(e, "--disk: bus \"%s\": one of virtio|ide|sata|scsi", shown);
		}
		snprintf(d->bus, sizeof d->bus, "%s", opt);
	}
	if (strncmp(buf, "image:", 6) == 0) {
		if (name_check(buf + 6, "image name", e) != 0)
			return -1;
		d->image = xstrdup(buf + 6);
		return 0;
	}
	if (disk_parse_size(buf, &d->size, e) != 0) {
		memset(d, 0, sizeof *d);
		return -1;
	}
	return 0;
}

char *
disk_text(const struct disk *d)
{
	const char *bus = strcmp(d->bus, "virtio") == 0 ? "" : d->bus;
	const char *sep = bus[0] ? ",bus=" : "";
	size_t i = sizeof disk_units / sizeof disk_units[0];

	if (d->image != NULL)
		return xasprintf("image:%s%s%s", d->image, sep, bus);
	while (i > 1 && (d->size & ((1ull << disk_units[i - 1].shift) - 1)) != 0)
		i--;
	/* sizes under 1M are refused, so some unit divides it: K at least
	 * (a lab file's size is in K or more) */
	return xasprintf("%" PRIu64 "%c%s%s", d->size >> disk_units[i - 1].shift, disk_units[i - 1].unit,
	    sep, bus);
}

int
disk_check_buses(const char *boot_bus, const struct disk *v, int n, struct err *e)
{
	int ide = 0, sata = 0, sata_max = DISK_SATA_PORTS - (strcmp(boot_bus, "sata") == 0);

	if (n > DISK_MAX)
		return err_set(e, "a node has at most %d extra disks", DISK_MAX);
	for (int i = 0; i < n; i++) {
		ide += strcmp(v[i].bus, "ide") == 0;
		sata += strcmp(v[i].bus, "sata") == 0;
	}
	if (ide > DISK_IDE_MAX)
		return err_set(e, "IDE has four units: the boot disk's, the CD-ROM's and %d extra disks "
		    "(this node would have %d; put the others on virtio, sata or scsi)", DISK_IDE_MAX, ide);
	if (sata > sata_max)
		return err_set(e, "the SATA controller has %d ports%s: %d extra disks at most "
		    "(this node would have %d)", DISK_SATA_PORTS,
		    sata_max < DISK_SATA_PORTS ? ", one is the boot disk's" : "", sata_max, sata);
	return 0;
}

void
disk_clear(struct disk *d)
{
	free(d->image);
	free(d->image_file);
	free(d->image_format);
	free(d->file);
	memset(d, 0, sizeof *d);
}

void
disk_list_free(struct disk *v, int n)
{
	for (int i = 0; i < n; i++)
		disk_clear(&v[i]);
	free(v);
}

void
disk_from_row(struct lab *lab, sqlite3_stmt *st, int col, struct disk *d)
{
	memset(d, 0, sizeof *d);
	d->idx = sqlite3_column_int(st, col);
	snprintf(d->bus, sizeof d->bus, "%s", (const char *)sqlite3_column_text(st, col + 1));
	d->size = (uint64_t)sqlite3_column_int64(st, col + 2);
	if (sqlite3_column_type(st, col + 3) != SQLITE_NULL) {
		snprintf(d->image_id, sizeof d->image_id, "%s", (const char *)sqlite3_column_text(st, col + 3));
		d->image = db_text(st, col + 4);
		d->image_file = xasprintf("%s/%s", lab->images, (const char *)sqlite3_column_text(st, col + 5));
		d->image_format = db_text(st, col + 6);
	}
}

int
disk_list(struct lab *lab, const char *node_id, struct disk **out, int *n, struct err *e)
{
	sqlite3_stmt *st;
	struct disk *v = NULL;
	int len = 0, rc;

	*out = NULL;
	*n = 0;
	/* Kept prepared (db.h): a walk over nodes asks node after node. */
	st = db_kept_query(lab->db, &lab->kept, e, "SELECT d.idx, d.bus, d.size, d.image_id, "
	    "i.name, i.file, i.format, d.file FROM disks d LEFT JOIN images i ON i.id = d.image_id "
	    "WHERE d.node_id = ? ORDER BY d.idx", "t", node_id);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct disk *d;
		v = xreallocarray(v, (size_t)len + 1, sizeof *v);
		d = &v[len++];
		disk_from_row(lab, st, 0, d);
		d->file = xasprintf("%s/%s", lab->overlays, (const char *)sqlite3_column_text(st, 7));
	}
	if (rc != SQLITE_DONE) {
		db_fail(lab->db, e, "listing a node's disks");
		db_kept_done(lab->kept, st);
		disk_list_free(v, len);
		return -1;
	}
	db_kept_done(lab->kept, st);
	*out = v;
	*n = len;
	return 0;
}

int
disk_resolve(struct lab *lab, struct disk *d, struct err *e)
{
	struct image im;

	if (d->image == NULL)
		return 0;
	if (image_find(lab, d->image, &im, e) != 0)
		return -1;
	if (strcmp(im.kind, "disk") != 0) {
		err_set(e, "--disk image:%s: image %s is of kind %s, not disk%s", im.name, im.name, im.kind,
		    strcmp(im.kind, "iso") == 0 ? " (give an ISO with --cdrom)" : "");
		image_clear(&im);
		return -1;
	}
	snprintf(d->image_id, sizeof d->image_id, "%s", im.id);
	free(d->image);
	free(d->image_file);
	free(d->image_format);
	d->image = xstrdup(im.name);
	d->image_file = xasprintf("%s/%s", lab->images, im.file);
	d->image_format = xstrdup(im.format);
	image_clear(&im);
	return 0;
}

int
disk_parse_all(struct lab *lab, const char *const *texts, int n, struct disk **out, struct err *e)
{
	struct disk *v = xcalloc((size_t)n + 1, sizeof *v);

	*out = NULL;
	for (int i = 0; i < n; i++)
		if (disk_parse(texts[i], &v[i], e) != 0 || disk_resolve(lab, &v[i], e) != 0) {
			disk_list_free(v, n);
			return -1;
		}
	*out = v;
	return 0;
}

int
disk_row_insert(struct lab *lab, const char *node_id, struct disk *d, const char *file, struct err *e)
{
	if (d->idx == 0) {
		sqlite3_stmt *st;
		if (db_row(lab->db, &st, "numbering a disk", e, "SELECT coalesce(max(idx), 0) + 1 FROM disks "
		    "WHERE node_id = ?", "t", node_id) != 1)
			return -1;
		d->idx = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (db_run(lab->db, "recording a disk", e, "INSERT INTO disks (node_id, idx, bus, size, image_id, "
	    "file) VALUES (?, ?, ?, nullif(?, 0), ?, ?)", "titItt", node_id, d->idx, d->bus,
	    (int64_t)(d->image ? 0 : d->size), d->image ? d->image_id : NULL, file) == 0)
		return 0;
	if (sqlite3_extended_errcode(lab->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
		return err_set(e, "image \"%s\" or the node was removed meanwhile", d->image ? d->image : "");
	return -1;
}

void
disk_copy(struct disk *to, const struct disk *from)
{
	*to = *from;
	to->image = from->image ? xstrdup(from->image) : NULL;
	to->image_file = from->image_file ? xstrdup(from->image_file) : NULL;
	to->image_format = from->image_format ? xstrdup(from->image_format) : NULL;
	to->file = NULL;
}

int
disk_rm_rows(struct lab *lab, const char *node_id, const int *idx, int n, int64_t **doomed,
    int *ndoomed, struct err *e)
{
	struct disk *v;
	int nv;

	if (disk_list(lab, node_id, &v, &nv, e) != 0)
		return -1;
	for (int j = 0; j < n; j++) {
		int found = 0;
		for (int i = 0; i < nv; i++)
			found |= v[i].idx == idx[j];
		if (!found) {
			disk_list_free(v, nv);
			return err_set(e, "the node has no disk %d (see: sandlab node show)", idx[j]);
		}
	}
	for (int i = 0; i < nv; i++) {
		int hit = n < 0;
		char *rel;
		int64_t id;
		for (int j = 0; j < n; j++)
			hit |= v[i].idx == idx[j];
		if (!hit)
			continue;
		rel = xasprintf("overlays/%s", strrchr(v[i].file, '/') + 1);
		id = pending_doomed(lab->db, rel, e);
		free(rel);
		if (id < 0 || db_run(lab->db, "removing a disk", e, "DELETE FROM disks WHERE node_id = ? AND "
		    "idx = ?", "ti", node_id, v[i].idx) != 0) {
			disk_list_free(v, nv);
			return -1;
		}
		*doomed = xreallocarray(*doomed, (size_t)*ndoomed + 1, sizeof **doomed);
		(*doomed)[(*ndoomed)++] = id;
	}
	disk_list_free(v, nv);
	return 0;
}
