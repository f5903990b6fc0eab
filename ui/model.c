/*
 * model.c: loads the snapshot through the core (image_list, node_each and
 * the runtime's state), and after a change re-reads only the nodes the
 * lab's change log names (changes.h). No sqlite here, no files.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "changes.h"
#include "draw.h"

#define MODEL_UPDATE_MAX 64    /* changed nodes re-read one by one */

/* model_load's walk over the nodes. */
struct model_fill {
	struct model    *m;
	struct run_list *runs;
};

/* A node's runtime state (from runs when given, else read alone); a node
 * whose state cannot be read shows as stopped, with the reason as its
 * last exit. */
static void
model_run(struct model_node *mn, struct lab *lab, struct run_list *runs)
{
	struct err e;
	int rc = runs ? run_list_get(runs, mn->n.id, &mn->run, &e) : run_info_get(lab, mn->n.id, &mn->run, &e);

	if (rc != 0) {
		memset(&mn->run, 0, sizeof mn->run);
		mn->run.vnc_display = -1;
		snprintf(mn->run.exit_kind, sizeof mn->run.exit_kind, "unknown");
		snprintf(mn->run.exit_detail, sizeof mn->run.exit_detail, "%.150s", e.msg);
	}
}

static int
model_live(const struct model_node *mn)
{
	return mn->run.state == RUN_STARTING || mn->run.state == RUN_STOPPING;
}

/* Room for one more node's pointer. */
static void
model_grow(struct model *m)
{
	if (m->nnodes == m->cap)
		m->nodes = xreallocarray(m->nodes, m->cap = m->cap ? m->cap * 2 : 64, sizeof *m->nodes);
}

/* Frees one node and its fields. */
static void
model_node_free(struct model_node *mn)
{
	node_clear(&mn->n);
	free(mn);
}

/* Takes one node with its runtime state. */
static int
model_add_node(struct node *n, void *arg)
{
	struct model_fill *f = arg;
	struct model_node *mn;

	model_grow(f->m);
	mn = f->m->nodes[f->m->nnodes++] = xcalloc(1, sizeof *mn);
	mn->n = *n;
	memset(n, 0, sizeof *n);    /* moved into the model */
	model_run(mn, NULL, f->runs);
	return 0;
}

/* The widest name and the remote count, over every node: once per load,
 * and after an update took away a widest name. Every frame measuring all
 * names cost a frame 10,000 measures at 10,000 nodes. */
static void
model_measure(struct model *m)
{
	m->name_cols = 1;
	m->nremote = 0;
	for (size_t i = 0; i < m->nnodes; i++) {
		int w = draw_width(m->nodes[i]->n.name);
		if (w > m->name_cols)
			m->name_cols = w;
		m->nremote += !node_is_local(&m->nodes[i]->n);
	}
}

static void
model_transitional(struct model *m)
{
	m->transitional = 0;
	for (size_t i = 0; i < m->nnodes && !m->transitional; i++)
		m->transitional = model_live(m->nodes[i]);
}

/* model_load and model_load_first: every node (limit 0) or the first
 * limit, then counts of all from c (NULL: measured from the nodes). */
static int
model_read(struct model *m, struct lab *lab, size_t limit, const struct node_counts *c, struct err *e)
{
	struct model fresh = { 0 };
	struct model_fill f = { .m = &fresh };
	int rc;

	/* The log's end before the rows: what is written meanwhile is read
	 * again by the next update. */
	if (changes_stamp_read(lab, &fresh.stamp, e) != 0 || changes_last(lab, &fresh.seq, e) != 0)
		return -1;
	if (image_list(lab, &fresh.images, &fresh.nimages, e) != 0)
		return -1;
	f.runs = run_list_new(lab);
	rc = limit ? node_first(lab, limit, model_add_node, &f, e) : node_each(lab, model_add_node, &f, e);
	run_list_free(f.runs);
	if (rc != 0) {
		model_free(&fresh);
		return -1;
	}
	if (fresh.nodes == NULL)
		fresh.nodes = xcalloc(fresh.cap = 1, sizeof *fresh.nodes);
	if (c) {
		fresh.partial = 1;
		fresh.nall = c->n;
		fresh.name_cols = c->longest > 0 ? c->longest : 1;
		fresh.nremote = c->remote;
	} else
		model_measure(&fresh);
	model_transitional(&fresh);
	fresh.generation = m->generation + 1;
	model_free(m);
	*m = fresh;
	return 0;
}

int
model_load(struct model *m, struct lab *lab, struct err *e)
{
	return model_read(m, lab, 0, NULL, e);
}

int
model_load_first(struct model *m, struct lab *lab, size_t limit, struct err *e)
{
	struct node_counts c;

	if (node_count(lab, &c, e) != 0)
		return -1;
	return c.n <= limit ? model_load(m, lab, e) : model_read(m, lab, limit, &c, e);
}

/* Where a node named name goes in the sorted array: the lab sorts names
 * COLLATE NOCASE, ASCII letters folded, as strcasecmp does in names made
 * of ASCII alone (name.h). */
static size_t
model_place(const struct model *m, const char *name)
{
	size_t lo = 0, hi = m->nnodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcasecmp(m->nodes[mid]->n.name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The id of the k-th image node n may use (its disk, CD-ROM, kernel,
 * initrd, BIOS, then its extra disks), "" for none there, NULL past the
 * last. */
static const char *
model_image_ref(const struct node *n, int k)
{
	static const int hw[] = { HW_CDROM, HW_KERNEL, HW_INITRD, HW_BIOS };
	const int nhw = (int)(sizeof hw / sizeof hw[0]);

	if (k == 0)
		return n->image_id;
	if (k <= nhw)
		return n->hw.id[hw[k - 1]];
	return k - nhw - 1 < n->ndisks ? n->disks[k - nhw - 1].image_id : NULL;
}

/* Adds delta to the user count of each image n uses, once an image as
 * image_list counts them, so that a node created or removed elsewhere
 * does not re-read the images. 0, or -1 when an image is not in the
 * model (imported meanwhile): read the images then. */
static int
model_users(struct model *m, const struct node *n, int delta)
{
	const char *id;
	int rc = 0;

	for (int k = 0; (id = model_image_ref(n, k)) != NULL; k++) {
		int seen = 0, i;
		if (id[0] == '\0')
			continue;
		for (int j = 0; j < k && !seen; j++)
			seen = strcmp(model_image_ref(n, j), id) == 0;
		if (seen)
			continue;
		if ((i = model_image_index(m, id)) >= 0)
			m->images[i].nodes += delta;
		else
			rc = -1;
	}
	return rc;
}

/* Takes node i out; *remeasure when it was a widest name. */
static void
model_remove(struct model *m, size_t i, int *remeasure)
{
	struct model_node *mn = m->nodes[i];

	if (draw_width(mn->n.name) >= m->name_cols)
		*remeasure = 1;
	m->nremote -= !node_is_local(&mn->n);
	model_node_free(mn);
	memmove(&m->nodes[i], &m->nodes[i + 1], (m->nnodes - i - 1) * sizeof *m->nodes);
	m->nnodes--;
}

/* Puts n (moved in) with its state read now in place of node i (-1: a
 * new node), keeping the order by name; returns it. */
static struct model_node *
model_put(struct model *m, int i, struct node *n, struct lab *lab, int *remeasure)
{
	struct model_node *mn;
	size_t at = (size_t)i;
	int w = draw_width(n->name);

	if (i >= 0 && !((i == 0 || strcasecmp(m->nodes[i - 1]->n.name, n->name) < 0) &&
	    ((size_t)i + 1 == m->nnodes || strcasecmp(n->name, m->nodes[i + 1]->n.name) < 0))) {
		/* Renamed out of its place. */
		model_remove(m, (size_t)i, remeasure);
		i = -1;
	}
	if (i >= 0) {
		mn = m->nodes[at];
		if (draw_width(mn->n.name) >= m->name_cols && w < m->name_cols)
			*remeasure = 1;
		m->nremote -= !node_is_local(&mn->n);
		node_clear(&mn->n);
		memset(mn, 0, sizeof *mn);
	} else {
		/* Only the pointers after it move: 8 bytes a row. */
		model_grow(m);
		at = model_place(m, n->name);
		memmove(&m->nodes[at + 1], &m->nodes[at], (m->nnodes - at) * sizeof *m->nodes);
		mn = m->nodes[at] = xcalloc(1, sizeof *mn);
		m->nnodes++;
	}
	mn->n = *n;
	memset(n, 0, sizeof *n);
	model_run(mn, lab, NULL);
	if (w > m->name_cols)
		m->name_cols = w;
	m->nremote += !node_is_local(&mn->n);
	return mn;
}

int
model_update(struct model *m, struct lab *lab, char (*ids)[37], size_t nids, struct err *e)
{
	struct changes_stamp stamp;
	struct change *ch = NULL;
	size_t nch = 0;
	int64_t last = m->seq;
	int rc, images = 0, remeasure = 0, written;

	if (m->partial)
		return model_load(m, lab, e);
	/* The stamp before the log: a write in between is read again next
	 * time, never missed. */
	if (changes_stamp_read(lab, &stamp, e) != 0)
		return -1;
	written = memcmp(&stamp, &m->stamp, sizeof stamp) != 0;
	if (written && (rc = changes_since(lab, m->seq, &ch, &nch, &last, e)) != 0)
		return rc < 0 ? -1 : model_load(m, lab, e);
	/* Each node put in its place moves the rows after it (about 2 KiB
	 * each): past a few dozen, reading all is cheaper (a lab import). */
	if (nch > MODEL_UPDATE_MAX) {
		free(ch);
		return model_load(m, lab, e);
	}
	for (size_t k = 0; k < nch; k++) {
		int i = model_node_index(m, ch[k].id);
		struct node n;

		/* The images' "used by" counts follow the node. */
		if (ch[k].gone) {
			if (i >= 0) {
				images |= model_users(m, &m->nodes[i]->n, -1) != 0;
				model_remove(m, (size_t)i, &remeasure);
			}
			continue;
		}
		if (node_get(lab, ch[k].id, &n, e) != 0) {
			/* Removed since the log was read: the whole lab, once. */
			free(ch);
			return model_load(m, lab, e);
		}
		if (i >= 0)
			images |= model_users(m, &m->nodes[i]->n, -1) != 0;
		images |= model_users(m, &model_put(m, i, &n, lab, &remeasure)->n, 1) != 0;
	}
	free(ch);
	/* Keepers come and go in run/, and a start or stop in progress moves
	 * on without a row of its own to log: their run state only. */
	for (size_t k = 0; k < nids; k++) {
		int i = model_node_index(m, ids[k]);
		if (i >= 0)
			model_run(m->nodes[i], lab, NULL);
	}
	if (m->transitional)
		for (size_t i = 0; i < m->nnodes; i++)
			if (model_live(m->nodes[i]))
				model_run(m->nodes[i], lab, NULL);
	/* No node changed: something else was written (an image, a link);
	 * nothing at all when the stamp stayed (the WAL checkpointed). */
	if (images || (written && nch == 0)) {
		struct image *v;
		size_t n;
		if (image_list(lab, &v, &n, e) != 0)
			return -1;
		image_list_free(m->images, m->nimages);
		m->images = v;
		m->nimages = n;
	}
	if (remeasure)
		model_measure(m);
	model_transitional(m);
	m->seq = last;
	m->stamp = stamp;
	m->generation++;
	return 0;
}

void
model_free(struct model *m)
{
	image_list_free(m->images, m->nimages);
	for (size_t i = 0; i < m->nnodes; i++)
		model_node_free(m->nodes[i]);
	free(m->nodes);
	memset(m, 0, sizeof *m);
}

const struct model_node *
model_node_at(const struct model *m, size_t i)
{
	return i < m->nnodes ? m->nodes[i] : NULL;
}

int
model_node_index(const struct model *m, const char *id)
{
	for (size_t i = 0; i < m->nnodes; i++)
		if (strcmp(m->nodes[i]->n.id, id) == 0)
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
		if (strcasecmp(m->nodes[i]->n.name, name) == 0)
			return m->nodes[i];
	return NULL;
}
