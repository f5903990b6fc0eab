/*
 * form-create.c: the "Create a node" dialog, the node on one page and its
 * machine on the next; one node_create on submit.
 */
#include "form-create.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "form.h"
#include "form-hw.h"
#include "form-node.h"
#include "guard.h"
#include "node.h"
#include "util.h"

static int
form_create_check(struct form *fm, struct app *a, int i)
{
	if (i == NF_IMAGE) {
		fm->f[i].err[0] = '\0';
		if (fm->f[i].nchoices == 0) {
			snprintf(fm->f[i].err, sizeof fm->f[i].err, "no disk images yet: import one first (i)");
			return -1;
		}
		return 0;
	}
	if (i >= NF_HW)
		return form_hw_check(fm, NF_HW, i);
	return form_node_check(fm, a, i, NF_NAME, NULL);
}

static int
form_create_submit(struct form *fm, struct app *a)
{
	struct node_spec spec = { 0 };
	struct node out = { 0 };
	struct err e;
	long v;

	if (form_hw_check_all(fm, a, NF_HW) != 0)
		return -1;
	for (int k = 0; k < HW_NKEYS; k++)
		spec.hw[k] = form_hw_value(fm, NF_HW, k);
	spec.image = form_value(&fm->f[NF_IMAGE]);
	spec.name = fm->f[NF_NAME].buf;
	spec.ram_mb = parse_int(fm->f[NF_RAM].buf, 0, NODE_RAM_MAX, &v) == 0 ? (int)v : 0;
	spec.cpus = parse_int(fm->f[NF_CPUS].buf, 0, NODE_CPUS_MAX, &v) == 0 ? (int)v : 0;
	spec.nics = parse_int(fm->f[NF_NICS].buf, 0, NODE_NICS_MAX, &v) == 0 ? (int)v : -1;
	spec.accel = form_value(&fm->f[NF_ACCEL]);
	if (node_create(a->lab, &spec, &out, &e) != 0) {
		guard_hw_words(e.msg, fm->msg, sizeof fm->msg);
		return -1;
	}
	app_msg(a, APP_MSG_INFO, "created node %s on %s", out.name, spec.image);
	app_reload(a);
	a->sel_node = model_node_index(&a->model, out.id);
	app_focus(a, a->nodes);
	node_clear(&out);
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

void
form_create_open(struct app *a, const char *image_name)
{
	struct form *fm = xcalloc(1, sizeof *fm);
	const char **names = xcalloc(a->model.nimages + 1, sizeof *names);
	int pick = form_create_pick(a, image_name), n = 0, sel = 0;
	char num[16];

	/* A node grows on a disk; an ISO, a kernel or an initrd is picked on
	 * the machine's page. */
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
	/* a template field will want room here: the Node page has it */
	form_page(fm, "Machine");
	form_hw_add(fm, a, NULL);
	free(names);
	fm->focus = n ? NF_NAME : NF_IMAGE;
	form_create_check(fm, a, NF_IMAGE);
	form_open(a, fm);
}
