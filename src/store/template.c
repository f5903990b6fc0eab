/*
 * template.c: the templates, template_nodes, template_adapters and
 * template_disks tables. Every value is checked by the module that owns
 * it (node.h for RAM, CPUs, NICs and the accelerator and the machine's
 * images, nic.h for NIC models, hw.h, cloudinit.h, portname.h, disk.h for
 * the extra disks and their buses), so a template holds nothing a node
 * could not; this file adds only the console type and the usage text.
 */
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contype.h"
#include "db.h"
#include "host.h"
#include "image.h"
#include "name.h"
#include "nic.h"
#include "node.h"
#include "sanitize.h"

/* The machine's columns follow in enum hw_key order, as node_hw_from_row
 * reads them: each image field is its id, the image's name and file. */
#define TPL_COLS "t.id, t.name, t.image_id, i.name, t.ram_mb, t.cpus, t.nics, t.nic_model, t.accel, " \
	"t.cloud_init, t.ci_user, t.console, t.usage, " \
	"(SELECT count(*) FROM template_nodes tn WHERE tn.template_id = t.id), " \
	"t.disk_bus, t.machine, t.firmware, t.cpu_model, t.arch, t.vga, t.boot, t.boot_once, " \
	"t.cdrom_id, ic.name, ic.file, t.kernel_id, ik.name, ik.file, t.initrd_id, ir.name, ir.file, " \
	"t.bios_id, ib.name, ib.file, t.append, t.port_format, t.port_first, t.port_segment, COALESCE(t.host, '" HOST_LOCAL "')"
#define TPL_FROM "templates t JOIN images i ON i.id = t.image_id " \
	"LEFT JOIN images ic ON ic.id = t.cdrom_id LEFT JOIN images ik ON ik.id = t.kernel_id " \
	"LEFT JOIN images ir ON ir.id = t.initrd_id LEFT JOIN images ib ON ib.id = t.bios_id"
#define TPL_HW_COL 14
#define TPL_PORT_COL (TPL_HW_COL + 21)   /* after the 21 machine columns */
#define TPL_HOST_COL (TPL_PORT_COL + 3)

_Static_assert(PORTNAME_ADAPTERS == NODE_NICS_MAX, "a custom adapter is one NIC's");

int
template_is_local(const struct template *t)
{
	return t->host == NULL || strcasecmp(t->host, HOST_LOCAL) == 0;
}

void
template_clear(struct template *t)
{
	free(t->name);
	free(t->image_name);
	free(t->usage);
	free(t->host);
	hw_clear(&t->hw);
	disk_list_free(t->disks, t->ndisks);
	memset(t, 0, sizeof *t);
}

void
template_list_free(struct template *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		template_clear(&v[i]);
	free(v);
}

int
template_check_usage(const char *text, struct err *e)
{
	size_t len = strlen(text);

	if (len >= TEMPLATE_USAGE_MAX)
		return err_set(e, "a usage text has at most %d bytes", TEMPLATE_USAGE_MAX - 1);
	for (size_t i = 0; i < len; ) {
		unsigned char c = (unsigned char)text[i];
		size_t n;
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			return err_set(e, "a usage text holds no control characters but newlines and tabs "
			    "(byte 0x%02x at %zu)", c, i);
		if ((n = utf8_seq_len((const unsigned char *)text + i, len - i)) == 0)
			return err_set(e, "a usage text is UTF-8 (an invalid byte 0x%02x at %zu)", c, i);
		i += n;
	}
	return 0;
}

/* The extra disks of s on t: those removed first (by number), then those
 * added (numbered after the last), all checked against the boot disk's
 * bus as a node made from t will have them. 0, or -1 with a message. */
static int
template_apply_disks(struct lab *lab, struct template *t, const struct template_spec *s, struct err *e)
{
	struct disk *add = NULL;
	struct err why;
	int top = 0;

	for (int j = 0; j < s->ndisks_rm; j++) {
		int i;
		for (i = 0; i < t->ndisks && t->disks[i].idx != s->disks_rm[j]; i++)
			;
		if (i == t->ndisks)
			return err_set(e, "template \"%s\" has no disk %d (see: sandlab template show %s)",
			    t->name, s->disks_rm[j], t->name);
		disk_clear(&t->disks[i]);
		memmove(&t->disks[i], &t->disks[i + 1], (size_t)(t->ndisks - i - 1) * sizeof *t->disks);
		t->ndisks--;
	}
	if (s->ndisks > 0) {
		if (t->ndisks + s->ndisks > DISK_MAX)
			return err_set(e, "a template has at most %d extra disks (this one would have %d)",
			    DISK_MAX, t->ndisks + s->ndisks);
		if (disk_parse_all(lab, s->disks, s->ndisks, &add, e) != 0)
			return -1;
		for (int i = 0; i < t->ndisks; i++)
			top = t->disks[i].idx > top ? t->disks[i].idx : top;
		t->disks = xreallocarray(t->disks, (size_t)(t->ndisks + s->ndisks) + 1, sizeof *t->disks);
		for (int i = 0; i < s->ndisks; i++) {
			add[i].idx = ++top;
			t->disks[t->ndisks++] = add[i];
		}
		free(add);  /* its disks' strings moved to t */
	}
	if (disk_check_buses(t->hw.v[HW_DISK_BUS], t->disks, t->ndisks, &why) != 0)
		return err_set(e, "template \"%s\", boot disk on %s: %s", t->name, t->hw.v[HW_DISK_BUS], why.msg);
	return 0;
}

void
template_init(struct template *t, const char *name)
{
	memset(t, 0, sizeof *t);
	t->name = xstrdup(name);
	t->image_name = xstrdup("");
	t->ram_mb = NODE_RAM_DEFAULT;
	t->cpus = NODE_CPUS_DEFAULT;
	t->nics = NODE_NICS_DEFAULT;
	snprintf(t->nic_model, sizeof t->nic_model, "virtio-net-pci");
	snprintf(t->accel, sizeof t->accel, "auto");
	snprintf(t->ci_user, sizeof t->ci_user, "%s", CLOUDINIT_USER_DEFAULT);
	snprintf(t->console, sizeof t->console, "serial");
	t->usage = xstrdup("");
	t->host = xstrdup(HOST_LOCAL);
	hw_init(&t->hw);
}

int
template_apply(struct lab *lab, struct template *t, const struct template_spec *s, struct err *e)
{
	if ((s->ram_mb && node_check_ram(s->ram_mb, e) != 0) ||
	    (s->cpus && node_check_cpus(s->cpus, e) != 0) ||
	    (s->nics >= 0 && node_check_nics(s->nics, e) != 0) ||
	    (s->nic_model && nic_model_check(s->nic_model, e) != 0) ||
	    (s->accel && node_check_accel(s->accel, e) != 0) ||
	    (s->ci_user && cloudinit_check_user(s->ci_user, e) != 0) ||
	    (s->console && contype_check(s->console, e) != 0) ||
	    (s->usage && template_check_usage(s->usage, e) != 0))
		return -1;
	if (s->nic_model && strlen(s->nic_model) >= sizeof t->nic_model)
		return err_set(e, "NIC model %s: too long", s->nic_model);
	if (s->ports || s->port_format || s->port_first || s->port_segment) {
		struct portname_spec p = s->ports ? *s->ports : t->ports;
		if (s->port_format && strlen(s->port_format) >= sizeof p.format)
			return err_set(e, "a port format has at most %d bytes", (int)sizeof p.format - 1);
		if (s->port_format)
			snprintf(p.format, sizeof p.format, "%s", s->port_format);
		if (s->port_first && s->port_first[0] && portname_check(s->port_first, e) != 0)
			return -1;
		if (s->port_first)
			snprintf(p.first, sizeof p.first, "%s", s->port_first);
		if (s->port_segment)
			p.segment = *s->port_segment;
		if (p.segment && !p.format[0])
			return err_set(e, "a port segment of %d counts the ports of a port format, and the "
			    "template has none (give --port-format, or --port-segment 0)", p.segment);
		if ((p.format[0] || p.segment) && portname_check_format(p.format, p.segment, e) != 0)
			return -1;
		if (p.first[0] && portname_check(p.first, e) != 0)
			return -1;
		for (int i = 0; i < p.nadapters; i++) {
			if (portname_check_adapter(&p.adapters[i], e) != 0)
				return -1;
			for (int j = 0; j < i; j++)
				if (p.adapters[j].idx == p.adapters[i].idx)
					return err_set(e, "custom adapter %d is given twice", p.adapters[i].idx);
		}
		t->ports = p;
	}
	if (s->ram_mb)
		t->ram_mb = s->ram_mb;
	if (s->cpus)
		t->cpus = s->cpus;
	if (s->nics >= 0)
		t->nics = s->nics;
	if (s->nic_model)
		snprintf(t->nic_model, sizeof t->nic_model, "%s", s->nic_model);
	if (s->accel)
		snprintf(t->accel, sizeof t->accel, "%s", s->accel);
	if (s->cloud_init >= 0)
		t->cloud_init = s->cloud_init != 0;
	if (s->ci_user)
		snprintf(t->ci_user, sizeof t->ci_user, "%s", s->ci_user);
	if (s->console)
		snprintf(t->console, sizeof t->console, "%s", s->console);
	if (s->usage) {
		free(t->usage);
		t->usage = xstrdup(s->usage);
	}
	if (s->host) {
		char *h;
		if (node_host_resolve(lab, s->host, &h, e) != 0)
			return -1;
		free(t->host);
		t->host = h ? h : xstrdup(HOST_LOCAL);
	}
	if (s->image) {
		struct image im;
		if (image_find(lab, s->image, &im, e) != 0)
			return -1;
		if (image_check_disk(&im, e) != 0) {
			image_clear(&im);
			return -1;
		}
		snprintf(t->image_id, sizeof t->image_id, "%s", im.id);
		free(t->image_name);
		t->image_name = xstrdup(im.name);
		image_clear(&im);
	}
	if (portname_spec_any(&t->ports)) {
		/* the names of the most NICs a node may have: a node made with
		 * more NICs than the template's must not meet a collision */
		char names[NODE_NICS_MAX][PORTNAME_MAX];
		if (portname_names(&t->ports, NODE_NICS_MAX, names, e) != 0)
			return -1;
	}
	if (node_hw_apply(lab, &t->hw, s->hw, e) != 0)
		return -1;
	return template_apply_disks(lab, t, s, e);
}

/* After its row: the template's port naming, custom adapters and extra
 * disks. */
static int
template_write_ports(struct lab *lab, const struct template *t, struct err *e)
{
	const struct portname_spec *p = &t->ports;

	if (db_run(lab->db, "recording the template's port names", e, "UPDATE templates SET "
	    "port_format = ?2, port_first = ?3, port_segment = ?4 WHERE id = ?1", "ttti", t->id, p->format,
	    p->first, p->segment) != 0 ||
	    db_run(lab->db, "recording the template's adapters", e, "DELETE FROM template_adapters "
	    "WHERE template_id = ?", "t", t->id) != 0)
		return -1;
	for (int i = 0; i < p->nadapters; i++)
		if (db_run(lab->db, "recording the template's adapters", e, "INSERT INTO template_adapters "
		    "(template_id, idx, port, model, mac) VALUES (?, ?, ?, ?, ?)", "tittt", t->id,
		    p->adapters[i].idx, p->adapters[i].name, p->adapters[i].model, p->adapters[i].mac) != 0)
			return -1;
	if (db_run(lab->db, "recording the template's disks", e, "DELETE FROM template_disks "
	    "WHERE template_id = ?", "t", t->id) != 0)
		return -1;
	for (int i = 0; i < t->ndisks; i++) {
		const struct disk *d = &t->disks[i];
		if (db_run(lab->db, "recording the template's disks", e, "INSERT INTO template_disks "
		    "(template_id, idx, bus, size, image_id) VALUES (?, ?, ?, nullif(?, 0), ?)", "titIt", t->id,
		    d->idx, d->bus, (int64_t)(d->image ? 0 : d->size), d->image ? d->image_id : NULL) != 0)
			return -1;
	}
	return 0;
}

int
template_write(struct lab *lab, const struct template *t, struct err *e)
{
	const struct hw *h = &t->hw;

	_Static_assert(HW_NKEYS == 13, "the statement below lists the machine's 13 columns");
	if (db_run(lab->db, "recording the template", e, "INSERT INTO templates (id, name, image_id, "
	    "ram_mb, cpus, nics, nic_model, accel, disk_bus, machine, cpu_model, arch, vga, boot, "
	    "boot_once, cdrom_id, kernel_id, initrd_id, append, cloud_init, ci_user, console, usage, "
	    "created_at, firmware, host, bios_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27) ON CONFLICT (id) DO UPDATE SET name = ?2, "
	    "image_id = ?3, ram_mb = ?4, cpus = ?5, nics = ?6, nic_model = ?7, accel = ?8, "
	    "disk_bus = ?9, machine = ?10, cpu_model = ?11, arch = ?12, vga = ?13, boot = ?14, "
	    "boot_once = ?15, cdrom_id = ?16, kernel_id = ?17, initrd_id = ?18, append = ?19, "
	    "cloud_init = ?20, ci_user = ?21, console = ?22, usage = ?23, firmware = ?25, host = ?26, bios_id = ?27",
	    "tttiiitttttttttttttitttIttt", t->id, t->name, t->image_id, t->ram_mb, t->cpus, t->nics,
	    t->nic_model, t->accel, hw_column_value(h, HW_DISK_BUS), hw_column_value(h, HW_MACHINE),
	    hw_column_value(h, HW_CPU_MODEL), hw_column_value(h, HW_ARCH), hw_column_value(h, HW_VGA),
	    hw_column_value(h, HW_BOOT), hw_column_value(h, HW_BOOT_ONCE), hw_column_value(h, HW_CDROM),
	    hw_column_value(h, HW_KERNEL), hw_column_value(h, HW_INITRD), hw_column_value(h, HW_APPEND),
	    t->cloud_init, t->ci_user, t->console, t->usage, (int64_t)now_s(),
	    hw_column_value(h, HW_FIRMWARE),
	    template_is_local(t) ? NULL : t->host, hw_column_value(h, HW_BIOS)) == 0)
		return template_write_ports(lab, t, e);
	if (sqlite3_extended_errcode(lab->db) == SQLITE_CONSTRAINT_UNIQUE)
		return err_set(e, "a template named \"%s\" already exists", t->name);
	if (sqlite3_extended_errcode(lab->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
		return err_set(e, "an image or the host of template \"%s\" was removed meanwhile", t->name);
	return -1;
}

int
template_create(struct lab *lab, const char *name, const struct template_spec *s, struct err *e)
{
	struct template t;
	int rc = -1;

	if (name_check(name, "template name", e) != 0)
		return -1;
	if (s->image == NULL)
		return err_set(e, "a template needs a boot disk (--image IMAGE; see: sandlab image ls)");
	template_init(&t, name);
	node_new_id(t.id);
	if (db_begin(lab->db, e) != 0)
		goto out;
	if (template_apply(lab, &t, s, e) != 0 || template_write(lab, &t, e) != 0) {
		db_rollback(lab->db);
		goto out;
	}
	db_event(lab->db, NULL, "template-create", name);
	rc = db_commit(lab->db, e);
out:
	template_clear(&t);
	return rc;
}

int
template_set(struct lab *lab, const char *key, const struct template_spec *s, struct err *e)
{
	struct template t;
	int rc;

	if (db_begin(lab->db, e) != 0)
		return -1;
	if (template_get(lab, key, &t, e) != 0) {
		db_rollback(lab->db);
		return -1;
	}
	if (template_apply(lab, &t, s, e) != 0 || template_write(lab, &t, e) != 0) {
		db_rollback(lab->db);
		template_clear(&t);
		return -1;
	}
	db_event(lab->db, NULL, "template-set", t.name);
	rc = db_commit(lab->db, e);
	template_clear(&t);
	return rc;
}

static void
template_from_row(struct lab *lab, sqlite3_stmt *st, struct template *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->id, sizeof t->id, "%s", (const char *)sqlite3_column_text(st, 0));
	t->name = db_text(st, 1);
	snprintf(t->image_id, sizeof t->image_id, "%s", (const char *)sqlite3_column_text(st, 2));
	t->image_name = db_text(st, 3);
	t->ram_mb = sqlite3_column_int(st, 4);
	t->cpus = sqlite3_column_int(st, 5);
	t->nics = sqlite3_column_int(st, 6);
	snprintf(t->nic_model, sizeof t->nic_model, "%s", (const char *)sqlite3_column_text(st, 7));
	snprintf(t->accel, sizeof t->accel, "%s", (const char *)sqlite3_column_text(st, 8));
	t->cloud_init = sqlite3_column_int(st, 9);
	snprintf(t->ci_user, sizeof t->ci_user, "%s", (const char *)sqlite3_column_text(st, 10));
	snprintf(t->console, sizeof t->console, "%s", (const char *)sqlite3_column_text(st, 11));
	t->usage = db_text(st, 12);
	t->nodes = sqlite3_column_int(st, 13);
	node_hw_from_row(lab, st, TPL_HW_COL, &t->hw);
	snprintf(t->ports.format, sizeof t->ports.format, "%s", (const char *)sqlite3_column_text(st, TPL_PORT_COL));
	snprintf(t->ports.first, sizeof t->ports.first, "%s", (const char *)sqlite3_column_text(st, TPL_PORT_COL + 1));
	t->ports.segment = sqlite3_column_int(st, TPL_PORT_COL + 2);
	t->host = db_text(st, TPL_HOST_COL);
}

/* The extra disks of t, by index, images resolved. 0, or -1 with a
 * message. */
static int
template_read_disks(struct lab *lab, struct template *t, struct err *e)
{
	sqlite3_stmt *st = db_query(lab->db, e, "SELECT d.idx, d.bus, d.size, d.image_id, i.name, i.file, "
	    "i.format FROM template_disks d LEFT JOIN images i ON i.id = d.image_id WHERE d.template_id = ? "
	    "ORDER BY d.idx", "t", t->id);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && t->ndisks < DISK_MAX) {
		t->disks = xreallocarray(t->disks, (size_t)t->ndisks + 1, sizeof *t->disks);
		disk_from_row(lab, st, 0, &t->disks[t->ndisks++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(lab->db, e, "reading a template's disks");
	return 0;
}

/* The custom adapters of t, by index, and its extra disks. 0, or -1 with
 * a message. */
static int
template_read_adapters(struct lab *lab, struct template *t, struct err *e)
{
	sqlite3_stmt *st = db_query(lab->db, e, "SELECT idx, port, model, mac FROM template_adapters "
	    "WHERE template_id = ? ORDER BY idx", "t", t->id);
	int rc;

	if (st == NULL)
		return -1;
	t->ports.nadapters = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && t->ports.nadapters < PORTNAME_ADAPTERS) {
		struct portname_adapter *a = &t->ports.adapters[t->ports.nadapters++];
		a->idx = sqlite3_column_int(st, 0);
		snprintf(a->name, sizeof a->name, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(a->model, sizeof a->model, "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(a->mac, sizeof a->mac, "%s", (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(lab->db, e, "reading a template's adapters");
	return template_read_disks(lab, t, e);
}

int
template_get(struct lab *lab, const char *key, struct template *out, struct err *e)
{
	sqlite3_stmt *st;
	char shown[96];
	int rc = db_row(lab->db, &st, "looking up a template", e, "SELECT " TPL_COLS " FROM " TPL_FROM
	    " WHERE t.name = ?1 COLLATE NOCASE OR t.id = ?1", "t", key);

	memset(out, 0, sizeof *out);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		template_from_row(lab, st, out);
		sqlite3_finalize(st);
		if (template_read_adapters(lab, out, e) != 0) {
			template_clear(out);
			return -1;
		}
		return 0;
	}
	sanitize_to(key, strlen(key), shown, sizeof shown);
	return err_set(e, "no template named \"%s\" (see: sandlab template ls)", shown);
}

int
template_list(struct lab *lab, struct template **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st = db_prepare(lab->db, "SELECT " TPL_COLS " FROM " TPL_FROM " ORDER BY t.name", e);
	struct template *v = NULL;
	size_t len = 0;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, len + 1, sizeof *v);
		template_from_row(lab, st, &v[len++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		template_list_free(v, len);
		return db_fail(lab->db, e, "listing templates");
	}
	for (size_t i = 0; i < len; i++)
		if (template_read_adapters(lab, &v[i], e) != 0) {
			template_list_free(v, len);
			return -1;
		}
	*out = v;
	*n = len;
	return 0;
}

int
template_rm(struct lab *lab, const char *key, struct err *e)
{
	struct template t;
	sqlite3_stmt *st;
	char names[256] = "";

	if (db_begin(lab->db, e) != 0)
		return -1;
	if (template_get(lab, key, &t, e) != 0)
		goto fail;
	if (t.nodes > 0) {
		/* name the first few; the count says how many there are */
		st = db_query(lab->db, e, "SELECT n.name FROM template_nodes tn JOIN nodes n ON n.id = tn.node_id "
		    "WHERE tn.template_id = ? ORDER BY n.name LIMIT 5", "t", t.id);
		while (st != NULL && sqlite3_step(st) == SQLITE_ROW)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", names[0] ? ", " : "",
			    (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		err_set(e, "template \"%s\" is in use by %d node%s (%s%s); remove %s first, or keep the template",
		    t.name, t.nodes, t.nodes == 1 ? "" : "s", names, t.nodes > 5 ? ", ..." : "",
		    t.nodes == 1 ? "it" : "them");
		goto fail_t;
	}
	if (db_run(lab->db, "removing the template", e, "DELETE FROM templates WHERE id = ?", "t", t.id) != 0)
		goto fail_t;
	db_event(lab->db, NULL, "template-rm", t.name);
	template_clear(&t);
	return db_commit(lab->db, e);
fail_t:
	template_clear(&t);
fail:
	db_rollback(lab->db);
	return -1;
}

int
template_node_mark(struct lab *lab, const char *node_id, const char *template_id,
    const char *nic_model, struct err *e)
{
	int own = sqlite3_get_autocommit(lab->db);

	if (own && db_begin(lab->db, e) != 0)
		return -1;
	if (db_run(lab->db, "recording the node's template", e, "INSERT INTO template_nodes (node_id, "
	    "template_id) VALUES (?, ?)", "tt", node_id, template_id) != 0)
		goto fail;
	/* a NIC index the node does not have changes no row */
	for (int i = 0; nic_model && i < NODE_NICS_MAX; i++)
		if (nic_update(lab, node_id, i, nic_model, NULL, NULL, e) != 0)
			goto fail;
	return own ? db_commit(lab->db, e) : 0;
fail:
	if (own)
		db_rollback(lab->db);
	return -1;
}

void
template_node_spec(const struct template *t, struct node_spec *s, struct cloudinit_changes *ch)
{
	s->image = s->image ? s->image : t->image_id;
	s->ram_mb = s->ram_mb ? s->ram_mb : t->ram_mb;
	s->cpus = s->cpus ? s->cpus : t->cpus;
	s->nics = s->nics >= 0 ? s->nics : t->nics;
	s->accel = s->accel ? s->accel : t->accel;
	s->host = s->host ? s->host : t->host;
	for (int k = 0; k < HW_NKEYS; k++)
		s->hw[k] = s->hw[k] ? s->hw[k] : t->hw.v[k];
	if (ch->on < 0 && t->cloud_init)
		ch->on = 1;
	if (ch->user == NULL && t->cloud_init)
		ch->user = t->ci_user;
}

/* The NICs of node node_id (nics of them), named as t names them, with
 * its custom adapters' models (unless model_given) and MACs (while no
 * other NIC of the lab has one). In the caller's transaction when one is
 * open, else in its own. 0, or -1 with a message and nothing changed. */
static int
template_node_ports(struct lab *lab, const char *node_id, int nics, const struct template *t,
    int model_given, struct err *e)
{
	char names[NODE_NICS_MAX][PORTNAME_MAX];
	int own = sqlite3_get_autocommit(lab->db);

	if (!portname_spec_any(&t->ports) || nics <= 0)
		return 0;
	if (portname_names(&t->ports, nics, names, e) != 0)
		return -1;
	if (own && db_begin(lab->db, e) != 0)
		return -1;
	for (int i = 0; i < nics; i++) {
		const struct portname_adapter *a = portname_adapter(&t->ports, i);
		sqlite3_stmt *st;
		int mac_free = 0;
		if (a && a->mac[0]) {
			int rc = db_row(lab->db, &st, "looking up a MAC", e, "SELECT 1 FROM nics WHERE "
			    "mac = ? COLLATE NOCASE", "t", a->mac);
			if (rc < 0)
				goto fail;
			if (rc == 1)
				sqlite3_finalize(st);
			mac_free = rc == 0;
		}
		if ((names[i][0] && nic_set_port(lab, node_id, i, names[i], e) != 0) ||
		    (a && ((a->model[0] && !model_given) || mac_free) &&
		    nic_update(lab, node_id, i, a->model[0] && !model_given ? a->model : NULL,
		    mac_free ? a->mac : NULL, NULL, e) != 0))
			goto fail;
	}
	return own ? db_commit(lab->db, e) : 0;
fail:
	if (own)
		db_rollback(lab->db);
	return -1;
}

int
template_node_create(struct lab *lab, const struct template *t, struct node_spec *s,
    struct cloudinit_changes *ch, struct node *out, struct err *e)
{
	const char *console = s->console ? s->console : t ? t->console : NULL;
	const char *const *given = s->disks;
	int ngiven = s->ndisks, rc;
	char **texts = NULL;
	struct err e2;

	if (t)
		template_node_spec(t, s, ch);
	if (t && t->ndisks > 0) {
		/* the template's disks first, numbered 1.. on the node too */
		texts = xcalloc((size_t)(t->ndisks + ngiven) + 1, sizeof *texts);
		for (int i = 0; i < t->ndisks; i++)
			texts[i] = disk_text(&t->disks[i]);
		for (int i = 0; i < ngiven; i++)
			texts[t->ndisks + i] = xstrdup(given[i]);
		s->disks = (const char *const *)texts;
		s->ndisks = t->ndisks + ngiven;
	}
	rc = node_create(lab, s, out, e);
	if (texts) {
		for (int i = 0; i < s->ndisks; i++)
			free(texts[i]);
		free(texts);
		s->disks = given;
		s->ndisks = ngiven;
	}
	if (rc != 0)
		return -1;
	/* Settings made apart from the node: on failure the node goes too. */
	if ((t && template_node_mark(lab, out->id, t->id, s->nic_model ? s->nic_model : t->nic_model, e) != 0) ||
	    (t && template_node_ports(lab, out->id, out->nnics, t, s->nic_model != NULL, e) != 0) ||
	    (cloudinit_changes_any(ch) && cloudinit_set(lab, out->id, ch, e) != 0) ||
	    (console && contype_set(lab, out->id, console, e) != 0))
		goto fail;
	if (t) {
		/* the NICs' model came after the node was read */
		char id[37];
		snprintf(id, sizeof id, "%s", out->id);
		node_clear(out);
		if (node_get(lab, id, out, e) != 0) {
			node_rm(lab, id, &e2);
			return -1;
		}
	}
	return 0;
fail:
	node_rm(lab, out->id, &e2);
	node_clear(out);
	return -1;
}

int
template_of_node(struct lab *lab, const char *node_id, char *buf, size_t len, struct err *e)
{
	sqlite3_stmt *st;
	int rc = db_kept_row(lab->db, &lab->kept, &st, "looking up a node's template", e, "SELECT t.name FROM "
	    "template_nodes tn JOIN templates t ON t.id = tn.template_id WHERE tn.node_id = ?", "t", node_id);

	buf[0] = '\0';
	if (rc < 0)
		return -1;
	if (rc == 1) {
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
		db_kept_done(lab->kept, st);
	}
	return 0;
}
