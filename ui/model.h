/*
 * model.h: the dashboard's snapshot of the lab: images, nodes and their
 * runtime state, read from the core in one go. Panes draw from it; it is
 * reloaded when the lab changes (another process wrote the database, a
 * job finished, a console closed), never on a timer while idle.
 */
#ifndef SANDLAB_UI_MODEL_H
#define SANDLAB_UI_MODEL_H

#include "changes.h"
#include "image.h"
#include "lab.h"
#include "node.h"
#include "run.h"

struct model_node {
	struct node     n;
	struct run_info run;
	int             name_w;         /* draw_width(n.name), measured once */
};

/* Name widths counted up to this many cells (a name is at most
 * NAME_MAX_LEN bytes, so at most that many cells); wider counts here. */
#define MODEL_NAME_W_MAX 64

struct model {
	struct image      *images;
	size_t             nimages;
	struct model_node **nodes;         /* by name, as node_each gives them;
	                                      read through model_node_at. One
	                                      allocation a node: a node put in
	                                      its place moves pointers, not
	                                      rows (about 2 KiB each) */
	size_t             nnodes;
	uint64_t          *keys;           /* keys[i]: node i's id as a number
	                                      (model_key), moved with nodes: an
	                                      id is found in one sequential pass
	                                      over 8 bytes a node, not a string
	                                      compare in each node's 2 KiB */
	size_t             cap;            /* pointers and keys allocated */
	int                transitional;   /* some node is starting or stopping */
	size_t             ntransitional;  /* how many (kept as states change:
	                                      no pass over all nodes) */
	size_t             nrunning;       /* nodes running with a start time
	                                      (their uptime column ticks) */
	size_t             widths[MODEL_NAME_W_MAX + 1]; /* nodes by name_w: the
	                                      widest left after a removal is
	                                      found here, not by measuring all */
	unsigned           generation;     /* one more at every load or update that
	                                      changed something: views that read
	                                      more of the lab reload then */
	int64_t            seq;            /* the change log read up to (changes.h) */
	struct changes_stamp stamp;        /* the lab's writes read up to */
	int                name_cols;      /* the widest name's cells (at least 1) */
	size_t             nremote;        /* nodes placed on other hosts */
	int                partial;        /* nodes holds the first ones only
	                                      (model_load_first) */
	size_t             nall;           /* then: how many the lab has */
};

/* Replaces m's contents with the lab's. On failure m is left as it was. */
int model_load(struct model *m, struct lab *lab, struct err *e);
/* The first limit nodes only (by name), with the counts and widths of
 * all (node_count), for a first frame that does not wait for the rest;
 * a lab of limit nodes or fewer is read whole (model_load). Whatever
 * uses the model beyond those rows must model_load first. On failure m
 * is left as it was. */
int model_load_first(struct model *m, struct lab *lab, size_t limit, struct err *e);
/* Brings m up to date by re-reading only the nodes the change log names
 * (and those in ids[0..nids), whose run folders changed, and any node
 * starting or stopping), or everything (model_load) when the log cannot
 * tell, or m is partial. 0, or -1 with a message and m as it was or
 * partly updated but consistent (every entry a whole node, by name). */
int model_update(struct model *m, struct lab *lab, char (*ids)[37], size_t nids, struct err *e);
void model_free(struct model *m);

/* The node at index i of the list by name (borrowed until the next load
 * or update), or NULL when i is out of range. */
const struct model_node *model_node_at(const struct model *m, size_t i);

/* Index by id, or -1. */
int model_node_index(const struct model *m, const char *id);
int model_image_index(const struct model *m, const char *id);

/* A node by name (case-insensitive), or NULL. */
const struct model_node *model_node_by_name(const struct model *m, const char *name);

#endif
