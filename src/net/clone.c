/*
 * clone.c: cloning a node. The overlay and the extra disks follow the
 * pending.h protocol, as node create does; the rows come into being in
 * one transaction.
 */
#include "clone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cloudinit.h"
#include "contype.h"
#include "db.h"
#include "firmware.h"
#include "name.h"
#include "net.h"
#include "runstate.h"
#include "stopmode.h"

/* The rows of the clone, inside the caller's transaction. */
static int
clone_rows(struct lab *lab, const struct node *src, const struct nic *nv, int nn,
    const char *id, const char *name, const char *file, struct err *e)
{
	struct node_row r = { .id = id, .name = name, .image_id = src->image_id,
	    .image_name = src->image_name, .overlay_file = file, .ram_mb = src->ram_mb,
	    .cpus = src->cpus, .accel = src->accel, .console_cols = src->console_cols,
	    .console_rows = src->console_rows, .ready = src->ready, .hw = &src->hw,
	    .host = node_is_local(src) ? NULL : src->host };
	char *detail;

	/* cloud-init, the stop method and the console type go with the node; the new id makes a
	 * new instance-id. */
	if (node_row_insert(lab, &r, e) != 0 || cloudinit_copy(lab, src->id, id, e) != 0 ||
	    stopmode_copy(lab, src->id, id, e) != 0 || contype_copy(lab, src->id, id, e) != 0)
		return -1;
	for (int i = 0; i < nn; i++) {
		/* NAT is kept (its forwards are not: host ports are unique);
		 * a link's other end belongs to the source. */
		const char *attach = strcmp(nv[i].attach, "user") == 0 ? "user" : "none";
		if (nic_insert(lab, id, nv[i].idx, nv[i].model, NULL, attach, nv[i].port, e) != 0)
			return -1;
	}
	detail = xasprintf("%s from %s", name, src->name);
	db_event(lab->db, id, "clone", detail);
	free(detail);
	return 0;
}

int
clone_node(struct lab *lab, const char *src_key, const char *new_name, int disk,
    struct node *out, struct err *e)
{
	struct node src;
	struct node_disk d = { 0 };
	struct node_disks db = { 0 };
	struct nic *nv = NULL;
	char id[37], **from = NULL;
	int nn = 0, rc = -1;

	if (name_check(new_name, "node name", e) != 0 || node_get(lab, src_key, &src, e) != 0)
		return -1;
	if (disk && runstate_live(lab, src.id)) {
		err_set(e, "%s is running; copying its disk needs it stopped (sandlab node stop %s), "
		    "or clone without --disk for a fresh overlay on its image", src.name, src.name);
		goto done;
	}
	/* the extra disks as the boot disk: copies with --disk, else fresh
	 * ones (blank, or a new overlay on the same image), same numbers; a
	 * UEFI node's NVRAM follows its disk: copied with --disk, else fresh */
	from = xcalloc((size_t)src.ndisks + 1, sizeof *from);
	for (int i = 0; i < src.ndisks; i++)
		from[i] = src.disks[i].file;
	if (net_nics_get(lab, src.id, &nv, &nn, e) != 0 ||
	    node_disk_new(lab, src.image_file, src.image_format, disk ? src.overlay : NULL, &d, e) != 0 ||
	    node_vars_new(&src.hw, d.final_abs, disk ? src.overlay : NULL, e) != 0 ||
	    node_disks_make(lab, src.disks, src.ndisks, disk ? from : NULL, &db, e) != 0)
		goto done;
	node_new_id(id);
	if (db_begin(lab->db, e) != 0)
		goto done;
	/* The source may have started while its disk was copied: then the
	 * copy may hold a half-written state. (QEMU's image lock makes that
	 * unlikely: qemu-img cannot open a disk QEMU holds.) */
	if (disk && runstate_live(lab, src.id))
		err_set(e, "%s started while its disk was being copied; stop it and clone again", src.name);
	else if (clone_rows(lab, &src, nv, nn, id, new_name, d.file, e) == 0 &&
	    node_disk_place(lab, &d, e) == 0 && node_disks_place(lab, id, &db, e) == 0 &&
	    db_commit(lab->db, e) == 0)
		rc = 0;
done:
	if (rc != 0) {
		db_rollback(lab->db);
		if (d.final_abs)
			firmware_vars_rm(d.final_abs);
		node_disk_undo(lab, &d);
		node_disks_undo(lab, &db);
	} else {
		node_disk_free(&d);
		node_disks_free(&db);
	}
	free(from);
	node_clear(&src);
	nic_list_free(nv, nn);
	if (rc == 0 && out != NULL)
		return node_get(lab, id, out, e);
	return rc;
}
