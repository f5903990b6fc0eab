/*
 * nic.c: the rows of `nics` and the MACs in them. The one place that
 * writes those rows; readers that also want links and forwards join them
 * in net.c.
 */
#include "nic.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "db.h"
#include "sanitize.h"

void
nic_list_free(struct nic *v, int n)
{
	for (int i = 0; v != NULL && i < n; i++)
		free(v[i].fwds);
	free(v);
}

int
nic_mac_parse(const char *s, char out[18], struct err *e)
{
	char shown[64];
	unsigned first;

	sanitize_to(s, strlen(s), shown, sizeof shown);
	if (strlen(s) != 17)
		return err_set(e, "MAC \"%s\" is not six pairs of hex digits, as 52:54:00:12:34:56", shown);
	for (int i = 0; i < 17; i++) {
		int sep = i % 3 == 2;
		if (sep ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return err_set(e, "MAC \"%s\" is not six pairs of hex digits, as 52:54:00:12:34:56",
			    shown);
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[17] = '\0';
	first = (unsigned)strtoul(out, NULL, 16);
	if (first & 1)
		return err_set(e, "MAC %s is a multicast address; a NIC needs a unicast one "
		    "(an even first byte, as 52:...)", out);
	if (strcmp(out, "00:00:00:00:00:00") == 0)
		return err_set(e, "MAC 00:00:00:00:00:00 is not a usable address");
	return 0;
}

int
nic_model_check(const char *model, struct err *e)
{
	char shown[64];

	/* which devices this QEMU has is qemuprobe's to say; here only what
	 * keeps options from riding along: one word, no comma */
	if (model != NULL && model[0] != '\0' && strlen(model) < NIC_MODEL_MAX &&
	    strspn(model, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(model) &&
	    model[0] != '-')
		return 0;
	sanitize_to(model ? model : "", model ? strlen(model) : 0, shown, sizeof shown);
	return err_set(e, "NIC model \"%s\": a QEMU network device name such as virtio-net-pci, e1000, "
	    "e1000e, rtl8139 or vmxnet3 (qemu-system-x86_64 -device help lists them)", shown);
}

static void
nic_copy_col(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	str_copy(dst, len, (const char *)t);
}

/* The rows st has been stepped to, given to fn; 0, fn's stop value, or
 * -1 with a message. */
static int
nic_rows(struct lab *lab, sqlite3_stmt *st, nic_each_fn fn, void *arg, struct err *e)
{
	int rc, stop = 0;

	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct nic c = { .idx = sqlite3_column_int(st, 1) };
		nic_copy_col(c.model, sizeof c.model, st, 2);
		nic_copy_col(c.mac, sizeof c.mac, st, 3);
		nic_copy_col(c.attach, sizeof c.attach, st, 4);
		nic_copy_col(c.port, sizeof c.port, st, 5);
		stop = fn((const char *)sqlite3_column_text(st, 0), &c, arg);
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = db_fail(lab->db, e, "reading NICs");
	return stop;
}

int
nic_each(struct lab *lab, const char *node_id, nic_each_fn fn, void *arg, struct err *e)
{
	sqlite3_stmt *st;
	int stop;

	/* One node's: kept prepared (db.h), since a walk over nodes and the
	 * dashboard's reading of a change ask for it node after node. */
	if (node_id != NULL)
		st = db_kept_query(lab->db, &lab->kept, e, "SELECT node_id, idx, model, mac, attach, port "
		    "FROM nics WHERE node_id = ? ORDER BY idx", "t", node_id);
	else
		st = db_kept_query(lab->db, &lab->kept, e, "SELECT c.node_id, c.idx, c.model, c.mac, c.attach, "
		    "c.port FROM nics c JOIN nodes n ON n.id = c.node_id ORDER BY n.name, c.idx", "");
	if (st == NULL)
		return -1;
	stop = nic_rows(lab, st, fn, arg, e);
	db_kept_done(lab->kept, st);
	return stop;
}

/* "r2:eth0", the NIC other than node_id:idx that has mac, into buf:
 * 1 when one has it, 0 when none does (or the lookup failed). */
static int
nic_mac_owner(struct lab *lab, const char *mac, const char *node_id, int idx, char *buf,
    size_t len)
{
	sqlite3_stmt *st;
	int found = db_row(lab->db, &st, "looking up a MAC", NULL, "SELECT n.name, c.idx FROM nics c "
	    "JOIN nodes n ON n.id = c.node_id WHERE c.mac = ? COLLATE NOCASE "
	    "AND NOT (c.node_id = ? AND c.idx = ?)", "tti", mac, node_id, idx);

	if (found != 1)
		return 0;
	snprintf(buf, len, "%s:eth%d", (const char *)sqlite3_column_text(st, 0),
	    sqlite3_column_int(st, 1));
	sqlite3_finalize(st);
	return 1;
}

/* A fresh random MAC unique in the lab into out, inside the caller's
 * transaction. 0, or -1 with a message (and out meaningless). */
static int
nic_mac_new(struct lab *lab, char out[18], struct err *e)
{
	char owner[96];

	for (int tries = 0; tries < 64; tries++) {
		unsigned char r[3];
		if (getrandom(r, sizeof r, 0) != sizeof r)
			fatal("getrandom failed");
		/* 52:54:00 is the prefix QEMU's own NICs use. */
		snprintf(out, 18, "52:54:00:%02x:%02x:%02x", r[0], r[1], r[2]);
		if (!nic_mac_owner(lab, out, "", -1, owner, sizeof owner))
			return 0;
	}
	return err_set(e, "cannot find a free MAC address in the lab");
}

/* A port name refused by the unique index: which NIC of node_id has it. */
static int
nic_port_taken(struct lab *lab, const char *node_id, const char *port, struct err *e)
{
	sqlite3_stmt *st;
	char shown[96];
	int rc = db_row(lab->db, &st, "looking up a port name", NULL, "SELECT n.name, c.idx FROM nics c "
	    "JOIN nodes n ON n.id = c.node_id WHERE c.node_id = ? AND c.port = ? COLLATE NOCASE", "tt",
	    node_id, port);

	sanitize_to(port, strlen(port), shown, sizeof shown);
	if (rc != 1)
		return err_set(e, "port name %s is another NIC's of this node; each NIC needs its own", shown);
	err_set(e, "port name %s is already %s:eth%d's; each NIC of a node needs its own", shown,
	    (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
	sqlite3_finalize(st);
	return -1;
}

int
nic_set_port(struct lab *lab, const char *node_id, int idx, const char *port, struct err *e)
{
	if (db_run(lab->db, "naming a NIC", e, "UPDATE nics SET port = ?3 WHERE node_id = ?1 AND idx = ?2",
	    "tit", node_id, idx, port) == 0)
		return 0;
	if (sqlite3_extended_errcode(lab->db) == SQLITE_CONSTRAINT_UNIQUE)
		return nic_port_taken(lab, node_id, port, e);
	return -1;
}

int
nic_insert(struct lab *lab, const char *node_id, int idx, const char *model, const char *mac,
    const char *attach, const char *port, struct err *e)
{
	char owner[96], fresh[18];

	if (mac == NULL) {
		if (nic_mac_new(lab, fresh, e) != 0)
			return -1;
		mac = fresh;
	} else if (nic_mac_owner(lab, mac, node_id, idx, owner, sizeof owner))
		return err_set(e, "MAC %s is already used by %s; MACs are unique in a lab", mac, owner);
	if (db_run(lab->db, "adding a NIC", e, "INSERT INTO nics (node_id, idx, model, mac, attach, port) "
	    "VALUES (?, ?, ?, ?, ?, ?)", "titttt", node_id, idx, model, mac, attach, port ? port : "") == 0)
		return 0;
	if (port && port[0] && sqlite3_extended_errcode(lab->db) == SQLITE_CONSTRAINT_UNIQUE)
		return nic_port_taken(lab, node_id, port, e);
	return -1;
}

int
nic_add(struct lab *lab, const char *node_id, int from, int to, const char *model, struct err *e)
{
	if (model != NULL && nic_model_check(model, e) != 0)
		return -1;
	for (int i = from; i < to; i++)
		if (nic_insert(lab, node_id, i, model ? model : NIC_MODEL_DEFAULT, NULL, NIC_ATTACH_DEFAULT,
		    NULL, e) != 0)
			return -1;
	return 0;
}

/* Refuses, naming the lowest, when a NIC of node_id (called name) from
 * index from up is a link's end or has a forward: lowering a node's NIC
 * count must not drop them unseen. A link before a forward on one NIC. */
static int
nic_unused_from(struct lab *lab, const char *node_id, const char *name, int from, struct err *e)
{
	sqlite3_stmt *ls, *fs;
	int lrc, frc, rc = 0;

	lrc = db_row(lab->db, &ls, "reading links", e, "SELECT x.idx, p.name, x.pidx FROM ("
	    "SELECT a_idx AS idx, b_node AS peer, b_idx AS pidx FROM links WHERE a_node = ?1 AND a_idx >= ?2 "
	    "UNION ALL SELECT b_idx, a_node, a_idx FROM links WHERE b_node = ?1 AND b_idx >= ?2) x "
	    "JOIN nodes p ON p.id = x.peer ORDER BY x.idx LIMIT 1", "ti", node_id, from);
	if (lrc < 0)
		return -1;
	frc = db_row(lab->db, &fs, "reading port forwards", e, "SELECT idx, proto, host_port, "
	    "guest_port FROM forwards WHERE node_id = ? AND idx >= ? ORDER BY idx, proto, host_port "
	    "LIMIT 1", "ti", node_id, from);
	if (frc < 0)
		rc = -1;
	else if (lrc == 1 && (frc == 0 || sqlite3_column_int(ls, 0) <= sqlite3_column_int(fs, 0))) {
		int idx = sqlite3_column_int(ls, 0);
		rc = err_set(e, "%s:eth%d is linked to %s:eth%d; remove the link first "
		    "(sandlab link rm %s:eth%d)", name, idx, (const char *)sqlite3_column_text(ls, 1),
		    sqlite3_column_int(ls, 2), name, idx);
	} else if (frc == 1) {
		int idx = sqlite3_column_int(fs, 0);
		char f[32];
		snprintf(f, sizeof f, "%s:%d:%d", (const char *)sqlite3_column_text(fs, 1),
		    sqlite3_column_int(fs, 2), sqlite3_column_int(fs, 3));
		rc = err_set(e, "%s:eth%d forwards %s; remove its forwards first (sandlab nic "
		    "unforward %s:eth%d %s)", name, idx, f, name, idx, f);
	}
	if (lrc == 1)
		sqlite3_finalize(ls);
	if (frc == 1)
		sqlite3_finalize(fs);
	return rc;
}

int
nic_rm_from(struct lab *lab, const char *node_id, const char *name, int from, struct err *e)
{
	if (nic_unused_from(lab, node_id, name, from, e) != 0)
		return -1;
	return db_run(lab->db, "removing NICs", e, "DELETE FROM nics WHERE node_id = ? AND idx >= ?",
	    "ti", node_id, from);
}

int
nic_update(struct lab *lab, const char *node_id, int idx, const char *model, const char *mac,
    const char *attach, struct err *e)
{
	char owner[96];

	if (mac && nic_mac_owner(lab, mac, node_id, idx, owner, sizeof owner))
		return err_set(e, "MAC %s is already used by %s; MACs are unique in a lab", mac, owner);
	/* A NULL value keeps the column as it is. */
	return db_run(lab->db, "changing a NIC", e, "UPDATE nics SET model = coalesce(?3, model), "
	    "mac = coalesce(?4, mac), attach = coalesce(?5, attach) WHERE node_id = ?1 AND idx = ?2",
	    "tittt", node_id, idx, model, mac, attach);
}
