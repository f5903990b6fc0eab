/*
 * model.c: loads the snapshot through the core (image_list, node_list and
 * the runtime's state). No sqlite here, no files.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* model_load's walk over the nodes. */
struct model_fill {
	struct model    *m;
	struct run_list *runs;
	size_t           cap;
};

/* Takes one node with its runtime state; a node whose state cannot be
 * read shows as stopped, with the reason as its last exit. */
static int
model_add_node(struct node *n, void *arg)
{
	struct model_fill *f = arg;
	struct model_node *mn;
	struct err e;

	if (f->m->nnodes == f->cap)
		f->m->nodes = xreallocarray(f->m->nodes, f->cap = f->cap ? f->cap * 2 : 64, sizeof *f->m->nodes);
	mn = &f->m->nodes[f->m->nnodes++];
	memset(mn, 0, sizeof *mn);
	mn->n = *n;
	memset(n, 0, sizeof *n);    /* moved into the model */
	if (run_list_get(f->runs, mn->n.id, &mn->run, &e) != 0) {
		memset(&mn->run, 0, sizeof mn->run);
		mn->run.vnc_display = -1;
		snprintf(mn->run.exit_kind, sizeof mn->run.exit_kind, "unknown");
		snprintf(mn->run.exit_detail, sizeof mn->run.exit_detail, "%.150s", e.msg);
	}
	if (mn->run.state == RUN_STARTING || mn->run.state == RUN_STOPPING)
		f->m->transitional = 1;
	return 0;
}

int
model_load(struct model *m, struct lab *lab, struct err *e)
{
	struct model fresh = { 0 };
	struct model_fill f = { .m = &fresh };
	int rc;

	if (image_list(lab, &fresh.images, &fresh.nimages, e) != 0)
		return -1;
	f.runs = run_list_new(lab);
	rc = node_each(lab, model_add_node, &f, e);
	run_list_free(f.runs);
	if (rc != 0) {
		model_free(&fresh);
		return -1;
	}
	if (fresh.nodes == NULL)
		fresh.nodes = xcalloc(1, sizeof *fresh.nodes);
	fresh.generation = m->generation + 1;
	model_free(m);
	*m = fresh;
	return 0;
}

void
model_free(struct model *m)
{
	image_list_free(m->images, m->nimages);
	for (size_t i = 0; i < m->nnodes; i++)
		node_clear(&m->nodes[i].n);
	free(m->nodes);
	memset(m, 0, sizeof *m);
}

int
model_node_index(const struct model *m, const char *id)
{
	for (size_t i = 0; i < m->nnodes; i++)
		if (strcmp(m->nodes[i].n.id, id) == 0)
			return (int)i;
	return -1;
}

int
model_image_index(const struct model *m, const char *id)
{
	for (size_t i = 0; i < m->nimages; i++)
		if (strcmp(m->images[i].id, id) == 0)
			return (int)i;
	return -1;
}

const struct model_node *
model_node_by_name(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nnodes; i++)
		if (strcasecmp(m->nodes[i].n.name, name) == 0)
			return &m->nodes[i];
	return NULL;
}
