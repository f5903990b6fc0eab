/*
 * form-create.c: the "Create a node" dialog: the node (from a template or
 * a bare image) and where it runs (local or a host of the lab) on one
 * page, its machine on the next, its extra disks on the last; one
 * template_node_create on submit, as `node create` makes it.
 */
#include "form-create.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "form.h"
#include "form-disk.h"
#include "form-hw.h"
#include "form-node.h"
#include "guard.h"
#include "nic.h"
#include "host.h"
#include "node.h"
#include "template.h"
#include "util.h"

/* Where the disks' rows start: after the machine's. */
#define NF_DISKS (NF_HW + HW_NKEYS)
_Static_assert(NF_DISKS + DISK_MAX <= FORM_MAX_FIELDS, "the create form has room for every field");

#define FORM_CREATE_TPL_HINT "fills the fields you have not changed; Left/Right picks"

/* The value of field i when no template fills it (the form's defaults). */
static void
form_create_default(int i, char *buf, size_t len)
{
	int v = i == NF_RAM ? NODE_RAM_DEFAULT : i == NF_CPUS ? NODE_CPUS_DEFAULT : NODE_NICS_DEFAULT;

	if (i == NF_ACCEL)
		snprintf(buf, len, "%s", form_node_accels[0]);
	else if (i == NF_CONSOLE)
		snprintf(buf, len, "%s", form_node_consoles[0]);
	else if (i == NF_NIC_MODEL)
		snprintf(buf, len, "%s", NIC_MODEL_DEFAULT);
	else if (i == NF_HOST)
		snprintf(buf, len, "%s", HOST_LOCAL);
	else if (i >= NF_HW)
		snprintf(buf, len, "%s", hw_fields[i - NF_HW].dflt);
	else
		snprintf(buf, len, "%d", v);
}

/* The template picked fills each field the user has not changed (theirs
 * win, as options do on the command line); none puts the defaults back.
 * The image stays when none is picked. */
static void
form_create_fill(struct form *fm, struct app *a)
{
	const char *name = form_value(&fm->f[NF_TEMPLATE]);
	struct template t = { 0 };
	struct err e;
	char buf[HW_VALUE_MAX];

	fm->f[NF_TEMPLATE].err[0] = '\0';
	if (strcmp(name, "none") != 0 && template_get(a->lab, name, &t, &e) != 0) {
		snprintf(fm->f[NF_TEMPLATE].err, sizeof fm->f[NF_TEMPLATE].err, "%s", e.msg);
		return;
	}
	/* its disks are not rows of the Disks page: the hint says they come */
	if (t.ndisks > 0)
		snprintf(fm->f[NF_TEMPLATE].hint, sizeof fm->f[NF_TEMPLATE].hint, "fills the fields you have not "
		    "changed; its %d extra disk%s come%s before the Disks page's", t.ndisks, t.ndisks == 1 ? "" : "s",
		    t.ndisks == 1 ? "s" : "");
	else
		snprintf(fm->f[NF_TEMPLATE].hint, sizeof fm->f[NF_TEMPLATE].hint, "%s", FORM_CREATE_TPL_HINT);
	for (int i = NF_IMAGE; i < NF_DISKS; i++) {
		struct form_field *f = &fm->f[i];
		if (f->touched || i == NF_NAME || (i == NF_IMAGE && !t.name))
			continue;
		if (!t.name)
			form_create_default(i, buf, sizeof buf);
		else if (i == NF_IMAGE)
			snprintf(buf, sizeof buf, "%s", t.image_name ? t.image_name : "");
		else if (i == NF_ACCEL)
			snprintf(buf, sizeof buf, "%s", t.accel);
		else if (i == NF_CONSOLE)
			snprintf(buf, sizeof buf, "%s", t.console);
		else if (i == NF_NIC_MODEL)
			snprintf(buf, sizeof buf, "%s", t.nic_model);
		else if (i == NF_HOST)
			snprintf(buf, sizeof buf, "%s", t.host);
		else if (i >= NF_HW)
			snprintf(buf, sizeof buf, "%s", t.hw.v[i - NF_HW]);
		else
			snprintf(buf, sizeof buf, "%d", i == NF_RAM ? t.ram_mb : i == NF_CPUS ? t.cpus : t.nics);
		/* an image field's choice says none where the row holds "" */
		form_set(f, f->kind == FF_CHOICE && hw_none(buf) ? "none" : buf);
		fm->check(fm, a, i);
	}
	template_clear(&t);
}

static int
form_create_check(struct form *fm, struct app *a, int i)
{
	if (i == NF_TEMPLATE) {
		if (fm->f[i].touched)
			form_create_fill(fm, a);
		return fm->f[i].err[0] ? -1 : 0;
	}
	if (i == NF_IMAGE) {
		fm->f[i].err[0] = '\0';
		if (fm->f[i].nchoices == 0) {
			snprintf(fm->f[i].err, sizeof fm->f[i].err, "no disk images yet: import one first (i)");
			return -1;
		}
		return 0;
	}
	if (i >= NF_DISKS)
		return form_disk_check(fm, a, i);
	if (i >= NF_HW)
		return form_hw_check(fm, NF_HW, i);
	return form_node_check(fm, a, i, NF_NAME, NULL);
}

/* A field's value for the spec: the user's, or with a template picked
 * only when the user changed it (the template gives the rest). */
static int
form_create_given(const struct form *fm, int i, int tpl)
{
	return !tpl || fm->f[i].touched;
}

static int
form_create_submit(struct form *fm, struct app *a)
{
	struct node_spec spec = { .nics = -1 };
	struct cloudinit_changes ch = { .on = -1 };
	struct template t = { 0 };
	const char *disks[DISK_MAX];
	struct node out = { 0 };
	struct err e;
	long v;
	int tpl = strcmp(form_value(&fm->f[NF_TEMPLATE]), "none") != 0;

	if (form_hw_check_all(fm, a, NF_HW) != 0 || form_disk_check_all(fm, NF_DISKS, NF_HW) != 0)
		return -1;
	/* a model this QEMU lacks, as node create --nic-model refuses it */
	if (form_create_given(fm, NF_NIC_MODEL, tpl) &&
	    guard_nic_model(a->lab, fm->f[NF_NIC_MODEL].buf, form_hw_value(fm, NF_HW, HW_ARCH), fm->msg,
	    sizeof fm->msg)) {
		fm->focus = NF_NIC_MODEL;
		return -1;
	}
	if (tpl && template_get(a->lab, form_value(&fm->f[NF_TEMPLATE]), &t, &e) != 0) {
		snprintf(fm->msg, sizeof fm->msg, "%s", e.msg);
		return -1;
	}
	for (int k = 0; k < HW_NKEYS; k++)
		if (form_create_given(fm, NF_HW + k, tpl))
			spec.hw[k] = form_hw_value(fm, NF_HW, k);
	if (form_create_given(fm, NF_IMAGE, tpl))
		spec.image = form_value(&fm->f[NF_IMAGE]);
	spec.name = fm->f[NF_NAME].buf;
	if (form_create_given(fm, NF_RAM, tpl))
		spec.ram_mb = parse_int(fm->f[NF_RAM].buf, 0, NODE_RAM_MAX, &v) == 0 ? (int)v : 0;
	if (form_create_given(fm, NF_CPUS, tpl))
		spec.cpus = parse_int(fm->f[NF_CPUS].buf, 0, NODE_CPUS_MAX, &v) == 0 ? (int)v : 0;
	if (form_create_given(fm, NF_NICS, tpl))
		spec.nics = parse_int(fm->f[NF_NICS].buf, 0, NODE_NICS_MAX, &v) == 0 ? (int)v : -1;
	if (form_create_given(fm, NF_ACCEL, tpl))
		spec.accel = form_value(&fm->f[NF_ACCEL]);
	if (form_create_given(fm, NF_CONSOLE, tpl))
		spec.console = form_value(&fm->f[NF_CONSOLE]);
	if (form_create_given(fm, NF_NIC_MODEL, tpl))
		spec.nic_model = fm->f[NF_NIC_MODEL].buf;
	if (form_create_given(fm, NF_HOST, tpl))
		spec.host = form_value(&fm->f[NF_HOST]);
	spec.disks = disks;
	spec.ndisks = form_disk_added(fm, NF_DISKS, disks);
	if (template_node_create(a->lab, tpl ? &t : NULL, &spec, &ch, &out, &e) != 0) {
		guard_hw_words(e.msg, fm->msg, sizeof fm->msg);
		template_clear(&t);
		return -1;
	}
	app_msg(a, APP_MSG_INFO, "created node %s%s%s on %s%s%s", out.name, tpl ? " from template " : "",
	    tpl ? t.name : "", out.image_name, node_is_local(&out) ? "" : ", placed on host ",
	    node_is_local(&out) ? "" : out.host);
	/* The next keys are about the new node, wherever the form was opened. */
	app_reload(a);
	a->sel_node = model_node_index(&a->model, out.id);
	app_focus(a, a->nodes);
	node_clear(&out);
	template_clear(&t);
	return 0;
}

/* The image the form starts on: the one asked for (Enter on an image),
 * else the selected node's (another like it), else the one most nodes
 * use, else the images pane's selection. Never merely the first by name:
 * that is a test guest (flood) in the demo lab. */
static int
form_create_pick(struct app *a, const char *image_name)
{
	const struct model_node *mn = app_sel_node(a);
	const struct image *sel = app_sel_image(a);
	int pick = -1, most = 0;

	for (size_t i = 0; i < a->model.nimages; i++) {
		const struct image *im = &a->model.images[i];
		if (image_name ? strcasecmp(image_name, im->name) == 0 :
		    mn != NULL && strcmp(mn->n.image_id, im->id) == 0)
			return (int)i;
		if (im->nodes > most) {
			most = im->nodes;
			pick = (int)i;
		}
	}
	if (pick < 0 && sel != NULL)
		pick = (int)(sel - a->model.images);
	return pick < 0 ? 0 : pick;
}

/* The Host field: local, then the lab's hosts by name (a lab without
 * any says how to add one). */
static void
form_create_hosts(struct form *fm, struct app *a)
{
	struct host *v = NULL;
	size_t n = 0;
	struct err e;
	const char **names;
	struct form_field *f;

	if (host_list(a->lab, &v, &n, &e) != 0)
		n = 0;
	names = xcalloc(n + 1, sizeof *names);
	names[0] = HOST_LOCAL;
	for (size_t i = 0; i < n; i++)
		names[i + 1] = v[i].name;
	f = form_choice(fm, "Host", names, (int)n + 1, 0);
	snprintf(f->hint, sizeof f->hint, "%s", n == 0 ? "local: this machine; sandlab host add adds others" :
	    "where it runs: local (this machine) or a host of the lab");
	free(names);
	host_list_free(v, n);
}

/* The Template field: none, then the lab's templates by name. */
static void
form_create_templates(struct form *fm, struct app *a)
{
	struct template *v = NULL;
	size_t n = 0;
	struct err e;
	const char **names;
	struct form_field *f;

	if (template_list(a->lab, &v, &n, &e) != 0)
		n = 0;
	names = xcalloc(n + 1, sizeof *names);
	names[0] = "none";
	for (size_t i = 0; i < n; i++)
		names[i + 1] = v[i].name;
	f = form_choice(fm, "Template", names, (int)n + 1, 0);
	if (n == 0)
		snprintf(f->hint, sizeof f->hint, "none yet: sandlab template create makes one");
	else
		snprintf(f->hint, sizeof f->hint, "%s", FORM_CREATE_TPL_HINT);
	free(names);
	template_list_free(v, n);
}

void
form_create_open(struct app *a, const char *image_name)
{
	struct form *fm = xcalloc(1, sizeof *fm);
	const char **names = xcalloc(a->model.nimages + 1, sizeof *names);
	int pick = form_create_pick(a, image_name), n = 0, sel = 0;
	char num[16];

	/* A node grows on a disk; an ISO, a kernel, an initrd or a BIOS is
	 * picked on the machine's page. */
	for (size_t i = 0; i < a->model.nimages; i++) {
		if (strcmp(a->model.images[i].kind, "disk") != 0)
			continue;
		if ((int)i == pick)
			sel = n;
		names[n++] = a->model.images[i].name;
	}
	fm->title = "Create a node";
	fm->submit_label = "create";
	fm->check = form_create_check;
	fm->submit = form_create_submit;
	form_page(fm, "Node");
	form_create_templates(fm, a);
	snprintf(form_choice(fm, "Image", names, n, sel)->hint, 256,
	    "Left/Right or Space picks");
	snprintf(form_text(fm, "Name", "", FF_TEXT)->hint, 256,
	    "letters, digits, . _ - ; up to 63");
	snprintf(num, sizeof num, "%d", NODE_RAM_DEFAULT);
	snprintf(form_text(fm, "RAM (MiB)", num, FF_TEXT)->hint, 256, "%d to %d", NODE_RAM_MIN, NODE_RAM_MAX);
	snprintf(num, sizeof num, "%d", NODE_CPUS_DEFAULT);
	snprintf(form_text(fm, "CPUs", num, FF_TEXT)->hint, 256, "1 to %d", NODE_CPUS_MAX);
	snprintf(num, sizeof num, "%d", NODE_NICS_DEFAULT);
	snprintf(form_text(fm, "NICs", num, FF_TEXT)->hint, 256, "0 to %d", NODE_NICS_MAX);
	snprintf(form_choice(fm, "Accelerator", form_node_accels, 3, 0)->hint, 256,
	    "auto: KVM when the host has it, else TCG");
	snprintf(form_text(fm, "NIC model", NIC_MODEL_DEFAULT, FF_TEXT)->hint, 256, FORM_NODE_NIC_MODEL_HINT);
	snprintf(form_choice(fm, "Console", form_node_consoles, 2, 0)->hint, 256,
	    "what Enter opens: the serial line, or vnc for a viewer");
	form_create_hosts(fm, a);
	/* Ten fields and their hints outgrow 80x24: from RAM on, a field's
	 * hint shows while it has the focus (a complaint always shows). */
	for (int i = NF_RAM; i < NF_HW; i++)
		fm->f[i].quiet = 1;
	form_page(fm, "Machine");
	form_hw_add(fm, a, NULL);
	form_page(fm, "Disks");
	form_disk_add(fm, NULL);
	free(names);
	fm->focus = n ? NF_NAME : NF_IMAGE;
	form_create_check(fm, a, NF_IMAGE);
	form_open(a, fm);
}
