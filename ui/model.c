/*
 * model.c: loads the snapshot through the core (image_list, node_list and
 * the runtime's state). No sqlite here, no files.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The runtime state of one node; a node whose state cannot be read shows
 * as stopped, with the reason as its last exit. */
static void
model_run_state(struct lab *lab, struct model_node *mn)
{
	struct err e;

	if (run_info_get(lab, mn->n.id, &mn->run, &e) != 0) {
		memset(&mn->run, 0, sizeof mn->run);
		mn->run.vnc_display = -1;
		snprintf(mn->run.exit_kind, sizeof mn->run.exit_kind, "unknown");
		snprintf(mn->run.exit_detail, sizeof mn->run.exit_detail, "%.150s", e.msg);
	}
}

int
model_load(struct model *m, struct lab *lab, struct err *e)
{
	struct model fresh = { 0 };
	struct node *nodes = NULL;
	size_t nn = 0;

	if (image_list(lab, &fresh.images, &fresh.nimages, e) != 0)
		return -1;
	if (node_list(lab, &nodes, &nn, e) != 0) {
		image_list_free(fresh.images, fresh.nimages);
		return -1;
	}
	fresh.nodes = xcalloc(nn ? nn : 1, sizeof *fresh.nodes);
	fresh.nnodes = nn;
	for (size_t i = 0; i < nn; i++) {
		fresh.nodes[i].n = nodes[i];
		model_run_state(lab, &fresh.nodes[i]);
		if (fresh.nodes[i].run.state == RUN_STARTING || fresh.nodes[i].run.state == RUN_STOPPING)
			fresh.transitional = 1;
	}
	free(nodes);    /* the elements moved into fresh.nodes */
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
