/*
 * form-edit.c: the "Edit the node" dialog, the node on one page, its
 * machine on the next, its extra disks on the last; one node_set_rename
 * on submit, so the changes and
 * the new name are saved together or not at all. A running node opens on
 * its machine, which the core records as pending until a restart.
 */
#include "form-edit.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "form.h"
#include "form-disk.h"
#include "form-hw.h"
#include "form-node.h"
#include "guard.h"
#include "net.h"
#include "nic.h"
#include "node.h"
#include "util.h"

enum { EF_NAME, EF_RAM, EF_CPUS, EF_NICS, EF_ACCEL, EF_NIC_MODEL, EF_HW, EF_DISKS = EF_HW + HW_NKEYS };

/* The NIC model field's value: eth0's model, and in hint whether the
 * other NICs differ (the field sets them all alike). */
static void
form_edit_nic_model(struct app *a, const struct node *n, char *val, size_t len, char *hint, size_t hlen)
{
	struct nic *v = NULL;
	int nn = 0, mixed = 0;
	struct err e;

	snprintf(val, len, "%s", NIC_MODEL_DEFAULT);
	snprintf(hint, hlen, "%s", FORM_NODE_NIC_MODEL_HINT);
	if (net_nics_get(a->lab, n->id, &v, &nn, &e) != 0 || nn == 0) {
		nic_list_free(v, nn);
		return;
	}
	snprintf(val, len, "%s", v[0].model);
	for (int i = 1; i < nn; i++)
		mixed |= strcmp(v[i].model, v[0].model) != 0;
	if (mixed)
		snprintf(hint, hlen, "now mixed (eth0's shown); a change sets every NIC");
	nic_list_free(v, nn);
}

static int
form_edit_check(struct form *fm, struct app *a, int i)
{
	if (i >= EF_DISKS)
		return form_disk_check(fm, a, i);
	if (i >= EF_HW)
		return form_hw_check(fm, EF_HW, i);
	return form_node_check(fm, a, i, EF_NAME, fm->node_id);
}

static int
form_edit_submit(struct form *fm, struct app *a)
{
	int i = model_node_index(&a->model, fm->node_id);
	const struct node *n;
	struct node_changes c = { .nics = -1 };
	const char *new_name = NULL, *added[DISK_MAX];
	int removed[DISK_MAX];
	struct err e;
	long v;
	int hw = 0, live;
	char cur_model[NIC_MODEL_MAX], hint[8];

	if (i < 0) {
		snprintf(fm->msg, sizeof fm->msg, "the node is gone (deleted elsewhere)");
		return -1;
	}
	n = &model_node_at(&a->model, i)->n;
	live = guard_live(model_node_at(&a->model, i));
	if (form_hw_check_all(fm, a, EF_HW) != 0 || form_disk_check_all(fm, EF_DISKS, EF_HW) != 0)
		return -1;
	c.disks_add = added;
	c.ndisks_add = form_disk_added(fm, EF_DISKS, added);
	c.disks_rm = removed;
	c.ndisks_rm = form_disk_removed(fm, EF_DISKS, removed);
	hw = c.ndisks_add || c.ndisks_rm;
	for (int k = 0; k < HW_NKEYS; k++)
		if (form_hw_changed(fm, EF_HW, k, n->hw.v[k])) {
			c.hw[k] = form_hw_value(fm, EF_HW, k);
			hw = 1;
		}
	if (parse_int(fm->f[EF_RAM].buf, 0, NODE_RAM_MAX, &v) == 0 && v != n->ram_mb)
		c.ram_mb = (int)v;
	if (parse_int(fm->f[EF_CPUS].buf, 0, NODE_CPUS_MAX, &v) == 0 && v != n->cpus)
		c.cpus = (int)v;
	if (parse_int(fm->f[EF_NICS].buf, 0, NODE_NICS_MAX, &v) == 0 && v != n->nnics)
		c.nics = (int)v;
	if (strcmp(form_value(&fm->f[EF_ACCEL]), n->accel) != 0)
		c.accel = form_value(&fm->f[EF_ACCEL]);
	/* as the form showed it: a change sets every NIC's model */
	form_edit_nic_model(a, n, cur_model, sizeof cur_model, hint, sizeof hint);
	if (strcmp(fm->f[EF_NIC_MODEL].buf, cur_model) != 0) {
		if (guard_nic_model(a->lab, fm->f[EF_NIC_MODEL].buf, form_hw_value(fm, EF_HW, HW_ARCH), fm->msg,
		    sizeof fm->msg)) {
			fm->focus = EF_NIC_MODEL;
			return -1;
		}
		c.nic_model = fm->f[EF_NIC_MODEL].buf;
	}
	if (strcmp(fm->f[EF_NAME].buf, n->name) != 0)
		new_name = fm->f[EF_NAME].buf;
	if ((c.ram_mb || c.cpus || c.nics >= 0 || c.nic_model || c.accel || new_name || hw) &&
	    node_set_rename(a->lab, fm->node_id, &c, new_name, &e) != 0) {
		/* Started since the form opened: say it in the dashboard's words. */
		app_reload(a);
		i = model_node_index(&a->model, fm->node_id);
		if (i < 0 || !guard_stopped(model_node_at(&a->model, i), "save", fm->msg, sizeof fm->msg))
			guard_hw_words(e.msg, fm->msg, sizeof fm->msg);
		return -1;
	}
	if (hw && live)
		app_msg(a, APP_MSG_INFO, "saved node %s: its machine changes at the next start",
		    fm->f[EF_NAME].buf);
	else
		app_msg(a, APP_MSG_INFO, "saved node %s", fm->f[EF_NAME].buf);
	app_reload(a);
	return 0;
}

void
form_edit_open(struct app *a, const struct model_node *mn)
{
	struct form *fm = xcalloc(1, sizeof *fm);
	char num[16], model[NIC_MODEL_MAX], hint[256];

	fm->title = "Edit the node";
	fm->submit_label = "save";
	fm->check = form_edit_check;
	fm->submit = form_edit_submit;
	snprintf(fm->node_id, sizeof fm->node_id, "%s", mn->n.id);
	form_page(fm, "Node");
	snprintf(form_text(fm, "Name", mn->n.name, FF_TEXT)->hint, 256, "letters, digits, . _ - ; up to 63");
	/* Running: the machine may change (at the next start), the rest not. */
	guard_stopped(mn, "change this page", fm->f[EF_NAME].hint, sizeof fm->f[EF_NAME].hint);
	snprintf(num, sizeof num, "%d", mn->n.ram_mb);
	snprintf(form_text(fm, "RAM (MiB)", num, FF_TEXT)->hint, 256, "%d to %d", NODE_RAM_MIN, NODE_RAM_MAX);
	snprintf(num, sizeof num, "%d", mn->n.cpus);
	snprintf(form_text(fm, "CPUs", num, FF_TEXT)->hint, 256, "1 to %d", NODE_CPUS_MAX);
	snprintf(num, sizeof num, "%d", mn->n.nnics);
	snprintf(form_text(fm, "NICs", num, FF_TEXT)->hint, 256, "0 to %d", NODE_NICS_MAX);
	snprintf(form_choice(fm, "Accelerator", form_node_accels, 3, form_node_accel_index(mn->n.accel))->hint, 256,
	    "changes apply at the next start");
	form_edit_nic_model(a, &mn->n, model, sizeof model, hint, sizeof hint);
	snprintf(form_text(fm, "NIC model", model, FF_TEXT)->hint, 256, "%s", hint);
	form_page(fm, "Machine");
	form_hw_add(fm, a, &mn->n.hw);
	form_page(fm, "Disks");
	form_disk_add(fm, &mn->n);
	if (guard_live(mn))
		fm->focus = EF_HW;
	form_open(a, fm);
}
