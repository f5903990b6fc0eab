/*
 * model.h: the dashboard's snapshot of the lab: images, nodes and their
 * runtime state, read from the core in one go. Panes draw from it; it is
 * reloaded when the lab changes (another process wrote the database, a
 * job finished, a console closed), never on a timer while idle.
 */
#ifndef SANDLAB_UI_MODEL_H
#define SANDLAB_UI_MODEL_H

#include "image.h"
#include "lab.h"
#include "node.h"
#include "run.h"

struct model_node {
	struct node     n;
	struct run_info run;
};

struct model {
	struct image      *images;
	size_t             nimages;
	struct model_node *nodes;
	size_t             nnodes;
	int                transitional;   /* some node is starting or stopping */
	unsigned           generation;     /* one more at every load: views that
	                                      read more of the lab reload then */
};

/* Replaces m's contents with the lab's. On failure m is left as it was. */
int model_load(struct model *m, struct lab *lab, struct err *e);
void model_free(struct model *m);

/* Index by id, or -1. */
int model_node_index(const struct model *m, const char *id);
int model_image_index(const struct model *m, const char *id);

/* A node by name (case-insensitive), or NULL. */
const struct model_node *model_node_by_name(const struct model *m, const char *name);

#endif
