/*
 * node.c: creating, listing, changing and removing nodes. Each change
 * that touches a file follows the pending.h protocol, so a process killed
 * at any point leaves the rows and the overlays in agreement.
 */
#include "node.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "consize.h"
#include "db.h"
#include "firmware.h"
#include "host.h"
#include "image.h"
#include "name.h"
#include "nic.h"
#include "overlay.h"
#include "pending.h"
#include "runstate.h"
#include "sanitize.h"

int
node_check_ram(long mb, struct err *e)
{
	if (mb < NODE_RAM_MIN || mb > NODE_RAM_MAX)
		return err_set(e, "RAM must be between %d and %d MiB", NODE_RAM_MIN, NODE_RAM_MAX);
	return 0;
}

int
node_check_cpus(long n, struct err *e)
{
	if (n < 1 || n > NODE_CPUS_MAX)
		return err_set(e, "CPUs must be between 1 and %d", NODE_CPUS_MAX);
	return 0;
}

int
node_check_nics(long n, struct err *e)
{
	if (n < 0 || n > NODE_NICS_MAX)
		return err_set(e, "NICs must be between 0 and %d", NODE_NICS_MAX);
	return 0;
}

int
node_check_accel(const char *a, struct err *e)
{
	if (a == NULL || (strcmp(a, "auto") != 0 && strcmp(a, "kvm") != 0 && strcmp(a, "tcg") != 0))
		return err_set(e, "accelerator must be auto, kvm or tcg");
	return 0;
}

int
node_check_ready(const char *re, struct err *e)
{
	regex_t rx;
	char why[128];
	int bad;

	if (strlen(re) >= NODE_READY_MAX)
		return err_set(e, "a ready pattern has at most %d bytes", NODE_READY_MAX - 1);
	/* lab files split words at spaces and tabs and refuse control
	 * characters: export must give back what import reads */
	for (const unsigned char *p = (const unsigned char *)re; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return err_set(e, "a ready pattern is one word of a lab file: no spaces, tabs or control "
			    "characters (write a space as [[:space:]] or [[:blank:]])");
	if (re[0] == '\0')
		return 0;
	/* the flags `lab up` (expect.h) and the lab file parser use */
	if ((bad = regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE | REG_NOSUB)) != 0) {
		regerror(bad, &rx, why, sizeof why);
		regfree(&rx);
		return err_set(e, "not a POSIX extended regular expression: %s", why);
	}
	regfree(&rx);
	return 0;
}

int
node_hw_apply(struct lab *lab, struct hw *h, const char *const vals[HW_NKEYS], struct err *e)
{
	for (int k = 0; k < HW_NKEYS; k++) {
		const char *kind = hw_fields[k].image_kind;
		struct image im;
		if (vals[k] == NULL)
			continue;
		if (hw_check(k, vals[k], e) != 0)
			return -1;
		hw_set(h, k, vals[k]);
		/* refused here, before anything is made, so a lab without
		 * OVMF is told which package to install */
		if (k == HW_FIRMWARE && strcmp(vals[k], "uefi") == 0 && firmware_files(NULL, NULL, e) != 0)
			return -1;
		if (!kind || hw_none(vals[k]))
			continue;
		if (image_find(lab, vals[k], &im, e) != 0)
			return -1;
		if (strcmp(im.kind, kind) != 0) {
			err_set(e, "--%s %s: image %s is of kind %s, not %s%s", hw_fields[k].name, im.name,
			    im.name, im.kind, kind, strcmp(kind, "iso") == 0 ? " (import an ISO 9660 file: "
			    "sandlab image import FILE.iso)" : "");
			image_clear(&im);
			return -1;
		}
		hw_set(h, k, im.name);
		snprintf(h->id[k], sizeof h->id[k], "%s", im.id);
		h->file[k] = xasprintf("%s/%s", lab->images, im.file);
		image_clear(&im);
	}
	return hw_check_all(h, e);
}

/* The machine with its extra disks as one line (runs.hw): a disk added
 * or removed since the start shows as pending, as a machine field does. */
static char *
node_sig(const struct node *n)
{
	char *sig = hw_sig(&n->hw), *t;

	for (int i = 0; i < n->ndisks; i++) {
		char *d = disk_text(&n->disks[i]);
		t = xasprintf("%s disk%d=%s", sig, n->disks[i].idx, d);
		free(d);
		free(sig);
		sig = t;
	}
	return sig;
}

int
node_hw_pending(struct lab *lab, const struct node *n)
{
	sqlite3_stmt *st;
	struct err e;
	int pending = 0;

	if (!runstate_live(lab, n->id) || db_row(lab->db, &st, "reading a node's run", &e,
	    "SELECT hw FROM runs WHERE node_id = ? AND hw IS NOT NULL", "t", n->id) != 1)
		return 0;
	char *now = node_sig(n);
	pending = strcmp(now, (const char *)sqlite3_column_text(st, 0)) != 0;
	free(now);
	sqlite3_finalize(st);
	return pending;
}

int
node_hw_started(struct lab *lab, const struct node *n, struct err *e)
{
	char *sig = node_sig(n);
	int rc = db_run(lab->db, "recording a node's machine", e,
	    "UPDATE runs SET hw = ? WHERE node_id = ?", "tt", sig, n->id);

	free(sig);
	/* --boot-once is for the next boot only */
	if (rc == 0 && n->hw.v[HW_BOOT_ONCE][0])
		rc = db_run(lab->db, "spending the node's boot-once", e,
		    "UPDATE nodes SET boot_once = '' WHERE id = ?", "t", n->id);
	return rc;
}

void
node_clear(struct node *n)
{
	free(n->name);
	free(n->image_name);
	free(n->image_file);
	free(n->image_format);
	free(n->overlay);
	nic_list_free(n->nics, n->nnics);
	hw_clear(&n->hw);
	disk_list_free(n->disks, n->ndisks);
	free(n->host);
	memset(n, 0, sizeof *n);
}

void
node_list_free(struct node *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		node_clear(&v[i]);
	free(v);
}

/* The machine's columns follow in enum hw_key order (hw.h); each image
 * field is three: its id, the image's name and file. */
#define NODE_COLS "n.id, n.name, n.image_id, i.name, i.file, i.format, n.overlay, n.ram_mb, " \
	"n.cpus, n.accel, n.created_at, n.console_cols, n.console_rows, n.ready, " \
	"n.disk_bus, n.machine, n.firmware, n.cpu_model, n.arch, n.vga, n.boot, n.boot_once, " \
	"n.cdrom_id, ic.name, ic.file, n.kernel_id, ik.name, ik.file, n.initrd_id, ir.name, ir.file, " \
	"n.bios_id, ib.name, ib.file, n.append, COALESCE(n.host, '" HOST_LOCAL "')"
#define NODE_FROM "nodes n JOIN images i ON i.id = n.image_id " \
	"LEFT JOIN images ic ON ic.id = n.cdrom_id LEFT JOIN images ik ON ik.id = n.kernel_id " \
	"LEFT JOIN images ir ON ir.id = n.initrd_id LEFT JOIN images ib ON ib.id = n.bios_id"
/* the host follows the 14 columns before the machine and the machine's
 * (13 fields, the 4 images three columns each) */
#define NODE_COL_HOST (14 + HW_NKEYS + 2 * 4)
_Static_assert(HW_FIRMWARE == HW_MACHINE + 1 && HW_CPU_MODEL == HW_FIRMWARE + 1 &&
    HW_CDROM == HW_BOOT_ONCE + 1 && HW_KERNEL == HW_CDROM + 1 && HW_INITRD == HW_KERNEL + 1 &&
    HW_BIOS == HW_INITRD + 1 && HW_APPEND == HW_NKEYS - 1, "NODE_COLS lists the machine in enum hw_key order");

void
node_hw_from_row(struct lab *lab, sqlite3_stmt *st, int col, struct hw *h)
{
	memset(h, 0, sizeof *h);
	for (int k = 0; k < HW_NKEYS; k++) {
		if (!hw_fields[k].image_kind) {
			h->v[k] = db_text(st, col++);
			continue;
		}
		if (sqlite3_column_type(st, col) != SQLITE_NULL) {
			snprintf(h->id[k], sizeof h->id[k], "%s", (const char *)sqlite3_column_text(st, col));
			h->v[k] = db_text(st, col + 1);
			h->file[k] = xasprintf("%s/%s", lab->images, (const char *)sqlite3_column_text(st, col + 2));
		} else
			h->v[k] = xstrdup("");
		col += 3;
	}
}

static void
node_from_row(struct lab *lab, sqlite3_stmt *st, struct node *n)
{
	memset(n, 0, sizeof *n);
	str_copy(n->id, sizeof n->id, (const char *)sqlite3_column_text(st, 0));
	n->name = db_text(st, 1);
	str_copy(n->image_id, sizeof n->image_id, (const char *)sqlite3_column_text(st, 2));
	n->image_name = db_text(st, 3);
	n->image_file = path_join(lab->images, (const char *)sqlite3_column_text(st, 4));
	n->image_format = db_text(st, 5);
	n->overlay = path_join(lab->overlays, (const char *)sqlite3_column_text(st, 6));
	n->ram_mb = sqlite3_column_int(st, 7);
	n->cpus = sqlite3_column_int(st, 8);
	str_copy(n->accel, sizeof n->accel, (const char *)sqlite3_column_text(st, 9));
	n->created_at = sqlite3_column_int64(st, 10);
	n->console_cols = sqlite3_column_int(st, 11);
	n->console_rows = sqlite3_column_int(st, 12);
	str_copy(n->ready, sizeof n->ready, (const char *)sqlite3_column_text(st, 13));
	node_hw_from_row(lab, st, 14, &n->hw);
	/* a UEFI node's NVRAM file (firmware.h), named after its overlay */
	if (strcmp(n->hw.v[HW_FIRMWARE], "uefi") == 0)
		n->hw.file[HW_FIRMWARE] = firmware_vars_path(n->overlay);
	n->host = db_text(st, NODE_COL_HOST);
}

/* One node's NICs, by index. */
static int
node_add_one_nic(const char *node_id, const struct nic *c, void *arg)
{
	struct node *n = arg;

	(void)node_id;
	n->nics = xreallocarray(n->nics, (size_t)n->nnics + 1, sizeof *n->nics);
	n->nics[n->nnics++] = *c;
	return 0;
}

/* Reads out's NICs and disks (out holds its row) through the lab's kept
 * statements. 0, or -1 with a message and *out clear. */
static int
node_nics_disks(struct lab *lab, struct node *out, struct err *e)
{
	if (nic_each(lab, out->id, node_add_one_nic, out, e) == 0 &&
	    disk_list(lab, out->id, &out->disks, &out->ndisks, e) == 0)
		return 0;
	node_clear(out);
	return -1;
}

/* A node from the row st is on, with its NICs and disks read one node at
 * a time (node_get, node_first; their statements are kept prepared, so a
 * walk parses each once). 0, or -1 with a message and *out clear. */
static int
node_whole(struct lab *lab, sqlite3_stmt *st, struct node *out, struct err *e)
{
	node_from_row(lab, st, out);
	return node_nics_disks(lab, out, e);
}

/* node_each's walk: nodes by name, merged with NIC rows by node name. */
struct node_walk {
	struct lab   *lab;
	sqlite3_stmt *st;
	struct node   cur;
	int           has_cur;   /* cur holds a row not yet given to fn */
	int           rc;        /* sqlite3_step's last, or SQLITE_ROW */
	node_each_fn  fn;
	void         *arg;
	struct err   *e;
};

/* Gives cur to fn and reads the next node; 0, or fn's stop value. */
static int
node_walk_next(struct node_walk *w)
{
	int stop = 0;

	if (w->has_cur) {
		stop = w->fn(&w->cur, w->arg);
		node_clear(&w->cur);
		w->has_cur = 0;
	}
	if (stop == 0 && (w->rc = sqlite3_step(w->st)) == SQLITE_ROW) {
		node_from_row(w->lab, w->st, &w->cur);
		w->has_cur = 1;
		if (disk_list(w->lab, w->cur.id, &w->cur.disks, &w->cur.ndisks, w->e) != 0)
			return -1;
	}
	return stop;
}

/* NIC rows come by node name as the nodes do, so the node a row belongs
 * to is cur or one after it. */
static int
node_walk_nic(const char *node_id, const struct nic *c, void *arg)
{
	struct node_walk *w = arg;
	int stop;

	while (w->has_cur && strcmp(w->cur.id, node_id) != 0)
		if ((stop = node_walk_next(w)) != 0)
			return stop;
	if (!w->has_cur)
		return 2; /* cannot happen in one snapshot: a NIC of no node */
	return node_add_one_nic(node_id, c, &w->cur);
}

int
node_each(struct lab *lab, node_each_fn fn, void *arg, struct err *e)
{
	struct node_walk w = { .lab = lab, .fn = fn, .arg = arg, .e = e };
	int stop, own_txn;

	w.st = db_prepare(lab->db, "SELECT " NODE_COLS " FROM " NODE_FROM " ORDER BY n.name", e);
	if (w.st == NULL)
		return -1;
	/* One read transaction, so nodes and NICs come from one snapshot. */
	own_txn = sqlite3_get_autocommit(lab->db) && db_exec(lab->db, "BEGIN", NULL) == 0;
	stop = node_walk_next(&w);
	if (stop == 0)
		stop = nic_each(lab, NULL, node_walk_nic, &w, e);
	while (stop == 0 && w.has_cur)
		stop = node_walk_next(&w);
	if (stop == 2)
		stop = err_set(e, "the lab changed while it was read (a NIC of no node); try again");
	else if (stop == 0 && w.rc != SQLITE_DONE)
		stop = db_fail(lab->db, e, "listing nodes");
	if (w.has_cur)
		node_clear(&w.cur);
	sqlite3_finalize(w.st);
	if (own_txn)
		db_rollback(lab->db);
	return stop;
}

/* node_list's collector. */
struct node_vec {
	struct node *v;
	size_t len, cap;
};

static int
node_vec_add(struct node *n, void *arg)
{
	struct node_vec *k = arg;

	if (k->len == k->cap)
		k->v = xreallocarray(k->v, k->cap = k->cap ? k->cap * 2 : 16, sizeof *k->v);
	k->v[k->len++] = *n;
	memset(n, 0, sizeof *n);
	return 0;
}

int
node_list(struct lab *lab, struct node **out, size_t *n, struct err *e)
{
	struct node_vec k = { 0 };

	if (node_each(lab, node_vec_add, &k, e) != 0) {
		node_list_free(k.v, k.len);
		return -1;
	}
	*out = k.v;
	*n = k.len;
	return 0;
}

/* The node that sql (a SELECT of NODE_COLS taking key as ?1) finds: 1,
 * 0 when none, -1 with a message; *out is zeroed unless 1. */
static int
node_get_by(struct lab *lab, const char *sql, const char *key, struct node *out, struct err *e)
{
	sqlite3_stmt *st;
	int rc = db_kept_row(lab->db, &lab->kept, &st, "looking up a node", e, sql, "t", key);

	memset(out, 0, sizeof *out);
	if (rc == 1) {
		rc = node_whole(lab, st, out, e);
		db_kept_done(lab->kept, st);
		return rc == 0 ? 1 : -1;
	}
	return rc;
}

int
node_get(struct lab *lab, const char *key, struct node *out, struct err *e)
{
	char shown[96];
	int rc = node_get_by(lab, "SELECT " NODE_COLS " FROM " NODE_FROM
	    " WHERE n.name = ?1 COLLATE NOCASE OR n.id = ?1", key, out, e);

	if (rc != 0)
		return rc == 1 ? 0 : -1;
	sanitize_to(key, strlen(key), shown, sizeof shown);
	return err_set(e, "no node named \"%s\" (see: sandlab node ls)", shown);
}

int
node_get_id(struct lab *lab, const char *id, struct node *out, struct err *e)
{
	char shown[96];
	int rc = node_get_by(lab, "SELECT " NODE_COLS " FROM " NODE_FROM " WHERE n.id = ?1", id, out, e);

	if (rc != 0)
		return rc == 1 ? 0 : -1;
	sanitize_to(id, strlen(id), shown, sizeof shown);
	return err_set(e, "no node has the id %s any more (it was removed)", shown);
}

int
node_first(struct lab *lab, size_t limit, node_each_fn fn, void *arg, struct err *e)
{
	sqlite3_stmt *st = db_query(lab->db, e, "SELECT " NODE_COLS " FROM " NODE_FROM " ORDER BY n.name LIMIT ?",
	    "I", (int64_t)limit);
	int rc, stop = 0, own_txn;

	if (st == NULL)
		return -1;
	own_txn = sqlite3_get_autocommit(lab->db) && db_exec(lab->db, "BEGIN", NULL) == 0;
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct node n;
		if (node_whole(lab, st, &n, e) != 0) {
			stop = -1;
			break;
		}
		stop = fn(&n, arg);
		node_clear(&n);
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = db_fail(lab->db, e, "listing nodes");
	sqlite3_finalize(st);
	if (own_txn)
		db_rollback(lab->db);
	return stop;
}

int
node_count(struct lab *lab, struct node_counts *c, struct err *e)
{
	sqlite3_stmt *st;
	/* count reads the smallest index; max(length(name)) is the last
	 * entry of nodes_name_len (migration 18), not a scan; the rows are
	 * read only in a lab that knows other hosts. */
	int rc = db_row(lab->db, &st, "counting nodes", e, "SELECT (SELECT count(*) FROM nodes), "
	    "(SELECT COALESCE(max(length(name)), 0) FROM nodes), CASE WHEN EXISTS (SELECT 1 FROM hosts) "
	    "THEN (SELECT count(*) FROM nodes WHERE host IS NOT NULL AND host <> '" HOST_LOCAL "') ELSE 0 END", "");

	memset(c, 0, sizeof *c);
	if (rc <= 0)
		return rc;
	c->n = (size_t)sqlite3_column_int64(st, 0);
	c->longest = sqlite3_column_int(st, 1);
	c->remote = (size_t)sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	return 0;
}

void
node_new_id(char id[37])
{
	uuid_t u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, id);
}

static int
node_name_taken(struct lab *lab, const char *name, const char *except_id, struct err *e)
{
	sqlite3_stmt *st;
	int taken = db_row(lab->db, &st, "looking up a node name", e, "SELECT 1 FROM nodes "
	    "WHERE name = ? COLLATE NOCASE AND id <> ?", "tt", name, except_id ? except_id : "");

	if (taken < 0)
		return -1;
	if (taken == 0)
		return 0;
	sqlite3_finalize(st);
	return err_set(e, "a node named \"%s\" already exists", name);
}

/*
 * Empty overlays. One made by qemu-img depends only on its backing file
 * (absolute path) and format, so it is made once per image, kept in
 * cache/ of the lab, and its bytes are written for each new node: a node
 * then costs no process. The file name is a hash of the backing path, the
 * format and the image file's identity (device, inode, size, mtime), so a
 * moved lab or a re-imported image gets a new one. A lost or damaged one
 * is made again; it is made by the pending.h protocol like any file, so a
 * kill leaves no half-made one behind.
 */
static int
node_template_make(struct lab *lab, const char *backing, const char *fmt, const char *final_rel,
    struct err *e)
{
	char fid[37], *dir = lab_path(lab, "cache", NULL), *tmp_rel, *tmp_abs, *final_abs;
	int64_t entry;
	int rc = -1;

	if (mkdir_p(dir, 0700, e) != 0) {
		free(dir);
		return -1;
	}
	free(dir);
	node_new_id(fid);
	tmp_rel = xasprintf("cache/.new-%s.qcow2", fid);
	tmp_abs = xasprintf("%s/%s", lab->root, tmp_rel);
	final_abs = xasprintf("%s/%s", lab->root, final_rel);
	if ((entry = pending_add(lab->db, tmp_rel, final_rel, e)) < 0)
		goto out;
	/* Another process may make the same one meanwhile: same bytes, and
	 * rename replaces atomically, so either copy serves. */
	if (overlay_create(tmp_abs, backing, fmt, e) != 0 ||
	    pending_set_file(lab->db, entry, tmp_abs, e) != 0) {
		pending_abandon(lab->db, lab->root, entry);
		goto out;
	}
	if (rename(tmp_abs, final_abs) != 0) {
		err_sys(e, "cannot move the empty overlay into place");
		pending_abandon(lab->db, lab->root, entry);
		goto out;
	}
	pending_done(lab->db, entry, NULL);
	rc = 0;
out:
	free(tmp_rel);
	free(tmp_abs);
	free(final_abs);
	return rc;
}

/* The bytes of an empty overlay on backing, borrowed from lab->tpls. */
static int
node_template(struct lab *lab, const char *backing, const char *fmt, const char **buf, size_t *len,
    struct err *e)
{
	struct stat sb;
	struct lab_tpl *t;
	char *key, *rel, *abs;
	uint64_t h = 14695981039346656037ull;
	int rc;

	if (stat(backing, &sb) != 0)
		return err_sys(e, "cannot read the base image %s", backing);
	key = xasprintf("%s\n%s\n%ju %ju %jd %jd.%09ld", backing, fmt, (uintmax_t)sb.st_dev,
	    (uintmax_t)sb.st_ino, (intmax_t)sb.st_size, (intmax_t)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
	for (t = lab->tpls; t != NULL; t = t->next)
		if (strcmp(t->key, key) == 0) {
			free(key);
			*buf = t->buf;
			*len = t->len;
			return 0;
		}
	for (const char *p = key; *p; p++)      /* FNV-1a 64 */
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	rel = xasprintf("cache/overlay-%016jx.qcow2", (uintmax_t)h);
	abs = xasprintf("%s/%s", lab->root, rel);
	t = xcalloc(1, sizeof *t);
	rc = overlay_template_read(abs, &t->buf, &t->len, e);
	if (rc == 1)
		rc = node_template_make(lab, backing, fmt, rel, e) == 0 ?
		    overlay_template_read(abs, &t->buf, &t->len, e) : -1;
	free(rel);
	free(abs);
	if (rc != 0) {
		if (rc == 1)
			err_set(e, "the empty overlay qemu-img made for %s is not a small qcow2 file", backing);
		free(key);
		free(t);
		return -1;
	}
	t->key = key;
	t->next = lab->tpls;
	lab->tpls = t;
	*buf = t->buf;
	*len = t->len;
	return 0;
}

/* Gives d its names and journal entry. 0, or -1 with a message and d
 * zeroed. */
static int
node_disk_start(struct lab *lab, struct node_disk *d, struct err *e)
{
	char fid[37], *tmp_rel, *final_rel;

	node_new_id(fid);
	d->file = xasprintf("%s.qcow2", fid);
	tmp_rel = xasprintf("overlays/.new-%s.qcow2", fid);
	final_rel = xasprintf("overlays/%s", d->file);
	d->tmp_abs = xasprintf("%s/%s", lab->root, tmp_rel);
	d->final_abs = xasprintf("%s/%s", lab->overlays, d->file);
	d->entry = pending_add(lab->db, tmp_rel, final_rel, e);
	free(tmp_rel);
	free(final_rel);
	if (d->entry < 0) {
		node_disk_undo(lab, d);
		return -1;
	}
	crash_point("overlay-journaled");
	return 0;
}

int
node_disk_new(struct lab *lab, const char *backing, const char *fmt, const char *copy_from,
    struct node_disk *d, struct err *e)
{
	const char *tpl = NULL;
	size_t tpl_len = 0;

	memset(d, 0, sizeof *d);
	/* Checked before anything is made: overlay_create checks it too, but
	 * a template made once must not carry a relative backing path. */
	if (backing[0] != '/')
		return err_set(e, "backing file %s is not an absolute path", backing);
	if (copy_from == NULL && node_template(lab, backing, fmt, &tpl, &tpl_len, e) != 0)
		return -1;
	if (node_disk_start(lab, d, e) != 0)
		return -1;
	if ((copy_from ? overlay_copy(copy_from, d->tmp_abs, backing, fmt, e) :
	    overlay_write(d->tmp_abs, tpl, tpl_len, e)) != 0 ||
	    pending_set_file(lab->db, d->entry, d->tmp_abs, e) != 0)
		goto fail;
	/* Writing an overlay is quick; the crash test paces here to kill a
	 * create while its journal row stands. */
	pace_point("overlay-written");
	return 0;
fail:
	node_disk_undo(lab, d);
	return -1;
}

int
node_disk_blank(struct lab *lab, uint64_t size, const char *copy_from, struct node_disk *d,
    struct err *e)
{
	memset(d, 0, sizeof *d);
	if (node_disk_start(lab, d, e) != 0)
		return -1;
	if ((copy_from ? overlay_copy(copy_from, d->tmp_abs, NULL, NULL, e) :
	    overlay_blank(d->tmp_abs, size, e)) != 0 ||
	    pending_set_file(lab->db, d->entry, d->tmp_abs, e) != 0) {
		node_disk_undo(lab, d);
		return -1;
	}
	return 0;
}

int
node_disk_place(struct lab *lab, struct node_disk *d, struct err *e)
{
	if (rename(d->tmp_abs, d->final_abs) != 0)
		return err_sys(e, "cannot move the new overlay into place");
	d->renamed = 1;
	crash_point("node-renamed");
	return pending_done(lab->db, d->entry, e);
}

void
node_disk_undo(struct lab *lab, struct node_disk *d)
{
	if (d->renamed && rename(d->final_abs, d->tmp_abs) != 0)
		unlink(d->final_abs);
	d->renamed = 0;
	if (d->entry > 0)
		pending_abandon(lab->db, lab->root, d->entry);
	d->entry = 0;
	free(d->tmp_abs);
	free(d->file);
	free(d->final_abs);
	memset(d, 0, sizeof *d);
}

void
node_disk_free(struct node_disk *d)
{
	free(d->tmp_abs);
	free(d->file);
	free(d->final_abs);
	memset(d, 0, sizeof *d);
}

/* ---- extra disks in the making ---- */

int
node_disks_make(struct lab *lab, const struct disk *v, int n, char *const *copy_from,
    struct node_disks *b, struct err *e)
{
	memset(b, 0, sizeof *b);
	if (n == 0)
		return 0;
	b->v = xcalloc((size_t)n, sizeof *b->v);
	b->nd = xcalloc((size_t)n, sizeof *b->nd);
	for (int i = 0; i < n; i++) {
		const char *from = copy_from ? copy_from[i] : NULL;
		struct disk *d = &b->v[i];
		int rc;
		disk_copy(d, &v[i]);
		b->n = i + 1;
		if (d->image != NULL && d->image_file == NULL)
			rc = err_set(e, "image %s not looked up", d->image);
		else
			rc = d->image ? node_disk_new(lab, d->image_file, d->image_format, from, &b->nd[i], e) :
			    node_disk_blank(lab, d->size, from, &b->nd[i], e);
		if (rc != 0) {
			char *t = disk_text(d);
			struct err why = *e;
			err_set(e, "disk %s: %s", t, why.msg);
			free(t);
			node_disks_undo(lab, b);
			return -1;
		}
	}
	return 0;
}

int
node_disks_place(struct lab *lab, const char *node_id, struct node_disks *b, struct err *e)
{
	for (int i = 0; i < b->n; i++)
		if (disk_row_insert(lab, node_id, &b->v[i], b->nd[i].file, e) != 0 ||
		    node_disk_place(lab, &b->nd[i], e) != 0)
			return -1;
	return 0;
}

void
node_disks_undo(struct lab *lab, struct node_disks *b)
{
	for (int i = 0; i < b->n; i++)
		node_disk_undo(lab, &b->nd[i]);
	node_disks_free(b);
}

void
node_disks_free(struct node_disks *b)
{
	for (int i = 0; i < b->n; i++) {
		node_disk_free(&b->nd[i]);
		disk_clear(&b->v[i]);
	}
	free(b->nd);
	free(b->v);
	memset(b, 0, sizeof *b);
}

/* Writes the machine fields of h marked in mask (bit per enum hw_key)
 * to the node's row, inside the caller's transaction. */
static int
node_hw_store(struct lab *lab, const char *id, const struct hw *h, unsigned mask, struct err *e)
{
	for (int k = 0; k < HW_NKEYS; k++) {
		if (!(mask & (1u << k)))
			continue;
		/* the column names come from hw_fields, never from input */
		char *sql = xasprintf("UPDATE nodes SET %s = ? WHERE id = ?", hw_fields[k].column);
		const char *val = hw_column_value(h, k);
		int rc = db_run(lab->db, "recording the node's machine", e, sql, "tt", val, id);
		free(sql);
		if (rc != 0) {
			if (sqlite3_extended_errcode(lab->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
				return err_set(e, "image \"%s\" was removed meanwhile", h->v[k]);
			return -1;
		}
	}
	return 0;
}

int
node_is_local(const struct node *n)
{
	return n->host == NULL || strcmp(n->host, HOST_LOCAL) == 0;
}

int
node_host_resolve(struct lab *lab, const char *name, char **out, struct err *e)
{
	struct host h;

	*out = NULL;
	if (name == NULL || strcasecmp(name, HOST_LOCAL) == 0)
		return 0;
	if (host_get(lab, name, &h, e) != 0)
		return -1;
	*out = h.name;
	h.name = NULL;
	host_clear(&h);
	return 0;
}

/* For a message after a failed insert: 1 when the host still has a row. */
static int
node_host_exists(struct lab *lab, const char *name)
{
	struct host h;
	struct err e;

	if (host_get(lab, name, &h, &e) != 0)
		return 0;
	host_clear(&h);
	return 1;
}

int
node_row_insert(struct lab *lab, const struct node_row *r, struct err *e)
{
	const char *m[HW_NKEYS];

	/* the machine in the same statement: one INSERT per node, as before */
	_Static_assert(HW_NKEYS == 13, "the INSERT below lists the machine's 13 columns");
	for (int k = 0; k < HW_NKEYS; k++)
		m[k] = r->hw == NULL ? (hw_fields[k].image_kind ? NULL : hw_fields[k].dflt) :
		    hw_column_value(r->hw, k);
	if (db_run(lab->db, "recording the node", e, "INSERT INTO nodes (id, name, image_id, overlay, "
	    "ram_mb, cpus, accel, created_at, console_cols, console_rows, ready, disk_bus, machine, "
	    "firmware, cpu_model, arch, vga, boot, boot_once, cdrom_id, kernel_id, initrd_id, bios_id, append, "
	    "host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "ttttiitIiittttttttttttttt", r->id, r->name, r->image_id, r->overlay_file, r->ram_mb, r->cpus,
	    r->accel, r->created_at ? r->created_at : now_s(), r->console_cols ? r->console_cols : CONSIZE_COLS_DEFAULT,
	    r->console_rows ? r->console_rows : CONSIZE_ROWS_DEFAULT, r->ready ? r->ready : "",
	    m[HW_DISK_BUS], m[HW_MACHINE], m[HW_FIRMWARE], m[HW_CPU_MODEL], m[HW_ARCH], m[HW_VGA], m[HW_BOOT],
	    m[HW_BOOT_ONCE], m[HW_CDROM], m[HW_KERNEL], m[HW_INITRD], m[HW_BIOS], m[HW_APPEND], r->host) == 0)
		return 0;
	if (sqlite3_extended_errcode(lab->db) == SQLITE_CONSTRAINT_UNIQUE)
		return err_set(e, "a node named \"%s\" already exists", r->name);
	if (sqlite3_extended_errcode(lab->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
	{
		if (r->host && !node_host_exists(lab, r->host))
			return err_set(e, "host \"%s\" was removed meanwhile", r->host);
		return err_set(e, "image \"%s\" was removed meanwhile", r->image_name);
	}
	return -1;
}

int
node_vars_new(const struct hw *h, const char *overlay, const char *from_overlay, struct err *e)
{
	char *dst, *src;
	int rc;

	if (strcmp(h->v[HW_FIRMWARE], "uefi") != 0)
		return 0;
	dst = firmware_vars_path(overlay);
	src = from_overlay ? firmware_vars_path(from_overlay) : NULL;
	/* a source that never ran has no NVRAM yet: then the template */
	if (src && access(src, F_OK) != 0) {
		free(src);
		src = NULL;
	}
	rc = firmware_vars_make(dst, src, e);
	free(dst);
	free(src);
	return rc;
}

/* The node node_create wrote, as node_get reads it, from the values it
 * wrote (r, its image im) and with its NICs and disks read: parsing
 * node_get's SELECT, five tables joined, again was an eighth of a `node
 * create`. store-nodes compares the two. 0, or -1 with a message and
 * *out clear. */
static int
node_made(struct lab *lab, const struct node_row *r, const struct image *im, struct node *out,
    struct err *e)
{
	memset(out, 0, sizeof *out);
	str_copy(out->id, sizeof out->id, r->id);
	out->name = xstrdup(r->name);
	str_copy(out->image_id, sizeof out->image_id, im->id);
	out->image_name = xstrdup(im->name);
	out->image_file = path_join(lab->images, im->file);
	out->image_format = xstrdup(im->format);
	out->overlay = path_join(lab->overlays, r->overlay_file);
	out->ram_mb = r->ram_mb;
	out->cpus = r->cpus;
	str_copy(out->accel, sizeof out->accel, r->accel);
	out->created_at = r->created_at;
	out->console_cols = r->console_cols ? r->console_cols : CONSIZE_COLS_DEFAULT;
	out->console_rows = r->console_rows ? r->console_rows : CONSIZE_ROWS_DEFAULT;
	str_copy(out->ready, sizeof out->ready, r->ready ? r->ready : "");
	/* as node_hw_from_row reads the row: an image field is its image's
	 * name, id and file, or "" */
	for (int k = 0; k < HW_NKEYS; k++) {
		if (!hw_fields[k].image_kind)
			out->hw.v[k] = xstrdup(r->hw->v[k]);
		else if (r->hw->id[k][0] != '\0') {
			out->hw.v[k] = xstrdup(r->hw->v[k]);
			str_copy(out->hw.id[k], sizeof out->hw.id[k], r->hw->id[k]);
			out->hw.file[k] = xstrdup(r->hw->file[k]);
		} else
			out->hw.v[k] = xstrdup("");
	}
	if (strcmp(out->hw.v[HW_FIRMWARE], "uefi") == 0)
		out->hw.file[HW_FIRMWARE] = firmware_vars_path(out->overlay);
	out->host = xstrdup(r->host ? r->host : HOST_LOCAL);
	return node_nics_disks(lab, out, e);
}

int
node_create(struct lab *lab, const struct node_spec *s, struct node *out, struct err *e)
{
	struct image im = { 0 };
	struct node_disk d = { 0 };
	struct hw hw = { 0 };
	struct disk *dv = NULL;
	struct node_disks db = { 0 };
	char id[37], *backing = NULL, *host = NULL;
	int ram = s->ram_mb ? s->ram_mb : NODE_RAM_DEFAULT;
	int cpus = s->cpus ? s->cpus : NODE_CPUS_DEFAULT;
	int nics = s->nics >= 0 ? s->nics : NODE_NICS_DEFAULT;
	const char *accel = s->accel ? s->accel : "auto";

	if (name_check(s->name, "node name", e) != 0 || node_check_ram(ram, e) != 0 ||
	    node_check_cpus(cpus, e) != 0 || node_check_nics(nics, e) != 0 ||
	    node_check_accel(accel, e) != 0 ||
	    ((s->console_cols || s->console_rows) && consize_check(s->console_cols, s->console_rows, e) != 0) ||
	    (s->ready && node_check_ready(s->ready, e) != 0))
		return -1;
	if (s->image == NULL)
		return err_set(e, "a node needs a base image (--image NAME, or --template NAME; see: sandlab image ls)");
	hw_init(&hw);
	if (node_name_taken(lab, s->name, NULL, e) != 0 || node_hw_apply(lab, &hw, s->hw, e) != 0 ||
	    node_host_resolve(lab, s->host, &host, e) != 0 ||
	    image_find(lab, s->image, &im, e) != 0 || image_check_disk(&im, e) != 0 ||
	    disk_parse_all(lab, s->disks, s->ndisks, &dv, e) != 0)
		goto fail;
	if (disk_check_buses(hw.v[HW_DISK_BUS], dv, s->ndisks, e) != 0)
		goto fail;
	backing = xasprintf("%s/%s", lab->images, im.file);
	if (node_disk_new(lab, backing, im.format, NULL, &d, e) != 0 ||
	    node_vars_new(&hw, d.final_abs, NULL, e) != 0 ||
	    node_disks_make(lab, dv, s->ndisks, NULL, &db, e) != 0)
		goto fail;
	crash_point("overlay-made");
	node_new_id(id);

	if (db_begin(lab->db, e) != 0)
		goto fail;
	struct node_row row = { .id = id, .name = s->name, .image_id = im.id, .image_name = im.name,
	    .overlay_file = d.file, .ram_mb = ram, .cpus = cpus, .accel = accel,
	    .console_cols = s->console_cols, .console_rows = s->console_rows, .ready = s->ready,
	    .hw = &hw, .host = host, .created_at = now_s() };
	if (node_row_insert(lab, &row, e) != 0 || nic_add(lab, id, 0, nics, s->nic_model, e) != 0 ||
	    node_disk_place(lab, &d, e) != 0 || node_disks_place(lab, id, &db, e) != 0)
		goto fail;
	db_event(lab->db, id, "create", s->name);
	/* read inside the transaction: the NICs and disks as committed */
	if (out != NULL && node_made(lab, &row, &im, out, e) != 0)
		goto fail;
	if (db_commit(lab->db, e) != 0) {
		if (out != NULL)
			node_clear(out);
		goto fail;
	}
	image_clear(&im);
	hw_clear(&hw);
	node_disk_free(&d);
	node_disks_free(&db);
	disk_list_free(dv, s->ndisks);
	free(backing);
	free(host);
	return 0;

fail:
	db_rollback(lab->db);
	if (d.final_abs)
		firmware_vars_rm(d.final_abs);
	node_disk_undo(lab, &d);
	node_disks_undo(lab, &db);
	disk_list_free(dv, dv ? s->ndisks : 0);
	image_clear(&im);
	hw_clear(&hw);
	free(backing);
	free(host);
	return -1;
}

/* Looks up key inside a transaction and refuses while the node runs. */
static int
node_get_stopped(struct lab *lab, const char *key, const char *doing, struct node *n, struct err *e)
{
	if (node_get(lab, key, n, e) != 0)
		return -1;
	if (runstate_live(lab, n->id)) {
		err_set(e, "node \"%s\" is running; stop it before you %s it (sandlab node stop %s)",
		    n->name, doing, n->name);
		node_clear(n);
		return -1;
	}
	return 0;
}

static int
node_update(struct lab *lab, const char *sql, const char *id, const char *text, int num, struct err *e)
{
	if ((text != NULL ? db_run(lab->db, "changing the node", e, sql, "tt", text, id) :
	    db_run(lab->db, "changing the node", e, sql, "it", num, id)) == 0)
		return 0;
	if (sqlite3_extended_errcode(lab->db) == SQLITE_CONSTRAINT_UNIQUE)
		return err_set(e, "a node named \"%s\" already exists", text ? text : "");
	return -1;
}

/* Whether the node's disks after the change (its own less those removed,
 * with add[0..nadd)) fit its buses (disk_check_buses). */
static int
node_disks_fit(const struct node *n, const struct node_changes *c, const struct disk *add, int nadd,
    struct err *e)
{
	struct disk *v = xcalloc((size_t)n->ndisks + (size_t)nadd + 1, sizeof *v);
	int nv = 0, rc;

	for (int i = 0; i < n->ndisks; i++) {
		int gone = 0;
		for (int j = 0; j < c->ndisks_rm; j++)
			gone |= c->disks_rm[j] == n->disks[i].idx;
		if (!gone)
			v[nv++] = n->disks[i];
	}
	for (int i = 0; i < nadd; i++)
		v[nv++] = add[i];
	/* borrowed copies: only v itself is freed */
	rc = disk_check_buses(n->hw.v[HW_DISK_BUS], v, nv, e);
	free(v);
	return rc;
}

int
node_set(struct lab *lab, const char *key, const struct node_changes *c, struct err *e)
{
	return node_set_rename(lab, key, c, NULL, e);
}

int
node_set_rename(struct lab *lab, const char *key, const struct node_changes *c, const char *new_name,
    struct err *e)
{
	struct node n;
	char *detail;
	unsigned hw_mask = 0;
	int hw_only, disks = c->ndisks_add > 0 || c->ndisks_rm > 0, ndoomed = 0;
	struct disk *dv = NULL;
	struct node_disks db = { 0 };
	int64_t *doomed = NULL;
	char *host = NULL;

	if (new_name != NULL && name_check(new_name, "node name", e) != 0)
		return -1;
	if ((c->ram_mb && node_check_ram(c->ram_mb, e) != 0) ||
	    (c->cpus && node_check_cpus(c->cpus, e) != 0) ||
	    (c->nics >= 0 && node_check_nics(c->nics, e) != 0) ||
	    (c->nic_model && nic_model_check(c->nic_model, e) != 0) ||
	    (c->accel && node_check_accel(c->accel, e) != 0))
		return -1;
	for (int k = 0; k < HW_NKEYS; k++)
		if (c->hw[k] != NULL) {
			if (hw_check(k, c->hw[k], e) != 0)
				return -1;
			hw_mask |= 1u << k;
		}
	/* the machine may change while the node runs: it waits for a
	 * restart (node_hw_pending); the rest needs the node stopped */
	hw_only = new_name == NULL && !c->ram_mb && !c->cpus && c->nics < 0 && !c->nic_model && !c->accel &&
	    !c->host;
	/* the new disks' files first, outside the transaction (pending.h) */
	if (c->ndisks_add > 0 && (disk_parse_all(lab, c->disks_add, c->ndisks_add, &dv, e) != 0 ||
	    node_disks_make(lab, dv, c->ndisks_add, NULL, &db, e) != 0))
		goto fail;
	if (db_begin(lab->db, e) != 0)
		goto fail;
	if ((hw_only ? node_get(lab, key, &n, e) : node_get_stopped(lab, key, "change", &n, e)) != 0)
		goto fail;
	if (hw_mask && (node_hw_apply(lab, &n.hw, c->hw, e) != 0 ||
	    node_hw_store(lab, n.id, &n.hw, hw_mask, e) != 0))
		goto fail_node;
	if ((disks || hw_mask) && node_disks_fit(&n, c, db.v, db.n, e) != 0)
		goto fail_node;
	if (c->ndisks_rm > 0 && disk_rm_rows(lab, n.id, c->disks_rm, c->ndisks_rm, &doomed, &ndoomed, e) != 0)
		goto fail_node;
	if (db.n > 0 && node_disks_place(lab, n.id, &db, e) != 0)
		goto fail_node;
	/* made UEFI: its NVRAM from the template, or the one it kept from
	 * being UEFI before */
	if (c->hw[HW_FIRMWARE] && strcmp(n.hw.v[HW_FIRMWARE], "uefi") == 0 &&
	    firmware_vars_ensure(n.overlay, e) != 0)
		goto fail_node;
	if (c->ram_mb && node_update(lab, "UPDATE nodes SET ram_mb = ? WHERE id = ?", n.id, NULL, c->ram_mb, e) != 0)
		goto fail_node;
	if (c->cpus && node_update(lab, "UPDATE nodes SET cpus = ? WHERE id = ?", n.id, NULL, c->cpus, e) != 0)
		goto fail_node;
	if (c->accel && node_update(lab, "UPDATE nodes SET accel = ? WHERE id = ?", n.id, c->accel, 0, e) != 0)
		goto fail_node;
	/* a node moves between hosts only stopped: its run is on one */
	if (c->host && (node_host_resolve(lab, c->host, &host, e) != 0 ||
	    db_run(lab->db, "placing the node", e, "UPDATE nodes SET host = ? WHERE id = ?", "tt",
	    host, n.id) != 0))
		goto fail_node;
	if (c->nics >= 0 && c->nics < n.nnics &&
	    nic_rm_from(lab, n.id, n.name, c->nics, e) != 0)
		goto fail_node;
	if (c->nics > n.nnics && nic_add(lab, n.id, n.nnics, c->nics, NULL, e) != 0)
		goto fail_node;
	for (int i = 0; c->nic_model && i < (c->nics >= 0 ? c->nics : n.nnics); i++)
		if (nic_update(lab, n.id, i, c->nic_model, NULL, NULL, e) != 0)
			goto fail_node;
	if (new_name == NULL || c->ram_mb || c->cpus || c->nics >= 0 || c->nic_model || c->accel || c->host ||
	    hw_mask || disks)
		db_event(lab->db, n.id, "set", "");
	if (new_name != NULL && strcmp(new_name, n.name) != 0) {
		if (node_name_taken(lab, new_name, n.id, e) != 0 ||
		    node_update(lab, "UPDATE nodes SET name = ? WHERE id = ?", n.id, new_name, 0, e) != 0)
			goto fail_node;
		detail = xasprintf("%s -> %s", n.name, new_name);
		db_event(lab->db, n.id, "rename", detail);
		free(detail);
	}
	node_clear(&n);
	free(host);
	host = NULL;
	if (db_commit(lab->db, e) != 0)
		goto fail;
	for (int i = 0; i < ndoomed; i++)
		pending_abandon(lab->db, lab->root, doomed[i]);
	free(doomed);
	node_disks_free(&db);
	disk_list_free(dv, c->ndisks_add);
	return 0;
fail_node:
	node_clear(&n);
fail:
	free(host);
	db_rollback(lab->db);
	node_disks_undo(lab, &db);
	disk_list_free(dv, dv ? c->ndisks_add : 0);
	free(doomed);
	return -1;
}

int
node_ready_set(struct lab *lab, const char *key, const char *re, struct err *e)
{
	struct node n;
	int rc;

	if (node_check_ready(re, e) != 0 || node_get(lab, key, &n, e) != 0)
		return -1;
	rc = node_update(lab, "UPDATE nodes SET ready = ? WHERE id = ?", n.id, re, 0, e);
	node_clear(&n);
	return rc;
}

int
node_rename(struct lab *lab, const char *key, const char *new_name, struct err *e)
{
	struct node n;
	char *detail;

	if (name_check(new_name, "node name", e) != 0)
		return -1;
	if (db_begin(lab->db, e) != 0)
		return -1;
	if (node_get_stopped(lab, key, "rename", &n, e) != 0)
		goto fail;
	if (node_name_taken(lab, new_name, n.id, e) != 0 ||
	    node_update(lab, "UPDATE nodes SET name = ? WHERE id = ?", n.id, new_name, 0, e) != 0) {
		node_clear(&n);
		goto fail;
	}
	detail = xasprintf("%s -> %s", n.name, new_name);
	db_event(lab->db, n.id, "rename", detail);
	free(detail);
	node_clear(&n);
	return db_commit(lab->db, e);
fail:
	db_rollback(lab->db);
	return -1;
}

int
node_reset(struct lab *lab, const char *key, struct err *e)
{
	struct node n;
	struct node_disk d;
	struct node_disks db = { 0 };
	char *old_rel, *old_abs;
	int64_t doomed, *disks_doomed = NULL;
	int ndisks, ndoomed = 0, rc;

	if (node_get(lab, key, &n, e) != 0)
		return -1;
	/* the extra disks made fresh too, each keeping its index */
	if (node_disk_new(lab, n.image_file, n.image_format, NULL, &d, e) != 0) {
		node_clear(&n);
		return -1;
	}
	if (node_disks_make(lab, n.disks, n.ndisks, NULL, &db, e) != 0) {
		node_clear(&n);
		node_disk_undo(lab, &d);
		return -1;
	}
	ndisks = n.ndisks;
	old_rel = xasprintf("overlays/%s", strrchr(n.overlay, '/') + 1);
	node_clear(&n);
	if (db_begin(lab->db, e) != 0)
		goto fail;
	if (node_get_stopped(lab, key, "reset", &n, e) != 0)
		goto fail;
	if (n.ndisks != ndisks) {
		err_set(e, "the disks of %s changed meanwhile; reset it again", n.name);
		node_clear(&n);
		goto fail;
	}
	if (node_update(lab, "UPDATE nodes SET overlay = ? WHERE id = ?", n.id, d.file, 0, e) != 0 ||
	    (doomed = pending_doomed(lab->db, old_rel, e)) < 0 ||
	    disk_rm_rows(lab, n.id, NULL, -1, &disks_doomed, &ndoomed, e) != 0 ||
	    node_disks_place(lab, n.id, &db, e) != 0) {
		node_clear(&n);
		goto fail;
	}
	db_event(lab->db, n.id, "reset", "");
	node_clear(&n);
	if (node_disk_place(lab, &d, e) != 0 || db_commit(lab->db, e) != 0)
		goto fail;
	pending_abandon(lab->db, lab->root, doomed);
	for (int i = 0; i < ndoomed; i++)
		pending_abandon(lab->db, lab->root, disks_doomed[i]);
	free(disks_doomed);
	/* the NVRAM goes with the old disk; a UEFI node gets a fresh one */
	old_abs = xasprintf("%s/%s", lab->root, old_rel);
	firmware_vars_rm(old_abs);
	free(old_abs);
	rc = node_get(lab, key, &n, e) == 0 && node_vars_new(&n.hw, n.overlay, NULL, e) != 0 ? -1 : 0;
	node_clear(&n);
	node_disk_free(&d);
	node_disks_free(&db);
	free(old_rel);
	return rc;
fail:
	db_rollback(lab->db);
	node_disk_undo(lab, &d);
	node_disks_undo(lab, &db);
	free(disks_doomed);
	free(old_rel);
	return -1;
}

int
node_rm(struct lab *lab, const char *key, struct err *e)
{
	struct node n;
	char *rel, *overlay = NULL, id[64];
	int64_t doomed, *disks_doomed = NULL;
	int ndoomed = 0;

	if (db_begin(lab->db, e) != 0)
		return -1;
	if (node_get_stopped(lab, key, "remove", &n, e) != 0)
		goto fail;
	rel = xasprintf("overlays/%s", strrchr(n.overlay, '/') + 1);
	doomed = pending_doomed(lab->db, rel, e);
	free(rel);
	if (doomed < 0 || disk_rm_rows(lab, n.id, NULL, -1, &disks_doomed, &ndoomed, e) != 0 || node_update(lab, "DELETE FROM nodes WHERE id = ?2 AND ?1 IS NOT NULL", n.id, "", 0, e) != 0) {
		node_clear(&n);
		goto fail;
	}
	db_event(lab->db, n.id, "rm", n.name);
	snprintf(id, sizeof id, "%s", n.id);
	overlay = xstrdup(n.overlay);
	node_clear(&n);
	if (db_commit(lab->db, e) != 0) {
		free(disks_doomed);
		free(overlay);
		return -1;
	}
	crash_point("node-rm-committed");
	pending_abandon(lab->db, lab->root, doomed);
	for (int i = 0; i < ndoomed; i++)
		pending_abandon(lab->db, lab->root, disks_doomed[i]);
	free(disks_doomed);
	/* a UEFI node's NVRAM, or one left by a node that was UEFI once */
	firmware_vars_rm(overlay);
	free(overlay);
	lab_node_forget(lab, id);
	return 0;
fail:
	db_rollback(lab->db);
	free(disks_doomed);
	return -1;
}

int
node_names(struct lab *lab, void (*fn)(const char *name, void *arg), void *arg, struct err *e)
{
	sqlite3_stmt *st = db_prepare(lab->db, "SELECT name FROM nodes ORDER BY name", e);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(st, 0), arg);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(lab->db, e, "cannot list node names");
	return 0;
}
