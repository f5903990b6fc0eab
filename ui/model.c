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

/* Adds delta (1 or -1) to the counts node mn is in: its name's width,
 * remote, starting or stopping, running with an uptime. Every change to
 * a node in the model goes between a -1 and a +1, so that the counts are
 * right without a pass over all nodes. */
static void
model_count(struct model *m, const struct model_node *mn, int delta)
{
	int w = mn->name_w > MODEL_NAME_W_MAX ? MODEL_NAME_W_MAX : mn->name_w;

	m->widths[w] += (size_t)delta;
	m->nremote += (size_t)(delta * !node_is_local(&mn->n));
	m->ntransitional += (size_t)(delta * model_live(mn));
	m->nrunning += (size_t)(delta * (mn->run.state == RUN_RUNNING && mn->run.started_at > 0));
}

/* The widest name's cells (at least 1), from the counts. */
static void
model_widest(struct model *m)
{
	int w = MODEL_NAME_W_MAX;

	while (w > 1 && m->widths[w] == 0)
		w--;
	m->name_cols = w;
}

/* Re-reads the runtime state of node mn, counted. */
static void
model_state(struct model *m, struct model_node *mn, struct lab *lab)
{
	model_count(m, mn, -1);
	model_run(mn, lab, NULL);
	model_count(m, mn, 1);
}

/* An id's first 16 hex digits as a number (an id is a UUID): what
 * keys[] holds. Ids that share it are told apart by strcmp. */
static uint64_t
model_key(const char *id)
{
	uint64_t k = 0;

	for (int n = 0; n < 16 && *id; id++) {
		int c = (unsigned char)*id, v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = (c | 0x20) - 'a' + 10;
		else
			continue;
		k = k << 4 | (uint64_t)v;
		n++;
	}
	return k;
}

/* Room for one more node's pointer. */
static void
model_grow(struct model *m)
{
	if (m->nnodes == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->nodes = xreallocarray(m->nodes, m->cap, sizeof *m->nodes);
		m->keys = xreallocarray(m->keys, m->cap, sizeof *m->keys);
	}
}

/* Opens a slot at index at (at most nnodes) for a new node; returns it. */
static struct model_node *
model_insert(struct model *m, size_t at)
{
	struct model_node *mn = xcalloc(1, sizeof *mn);

	model_grow(m);
	/* Only the pointers and keys after it move: 16 bytes a row. */
	memmove(&m->nodes[at + 1], &m->nodes[at], (m->nnodes - at) * sizeof *m->nodes);
	memmove(&m->keys[at + 1], &m->keys[at], (m->nnodes - at) * sizeof *m->keys);
	m->nodes[at] = mn;
	m->nnodes++;
	return mn;
}

/* Moves n into mn (cleared before) with its name measured and its key
 * set at index at. */
static void
model_take(struct model *m, size_t at, struct model_node *mn, struct node *n)
{
	mn->n = *n;
	memset(n, 0, sizeof *n);    /* moved into the model */
	mn->name_w = draw_width(mn->n.name);
	m->keys[at] = model_key(mn->n.id);
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

	mn = model_insert(f->m, f->m->nnodes);
	model_take(f->m, f->m->nnodes - 1, mn, n);
	model_run(mn, NULL, f->runs);
	model_count(f->m, mn, 1);
	return 0;
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
	if (fresh.nodes == NULL) {
		fresh.nodes = xcalloc(fresh.cap = 1, sizeof *fresh.nodes);
		fresh.keys = xcalloc(1, sizeof *fresh.keys);
	}
	if (c) {
		/* The first rows' counts stand until the whole lab is read. */
		fresh.partial = 1;
		fresh.nall = c->n;
		fresh.name_cols = c->longest > 0 ? c->longest : 1;
		fresh.nremote = c->remote;
	} else
		model_widest(&fresh);
	fresh.transitional = fresh.ntransitional > 0;
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

/* Takes node i out, uncounted. */
static void
model_remove(struct model *m, size_t i)
{
	model_count(m, m->nodes[i], -1);
	model_node_free(m->nodes[i]);
	memmove(&m->nodes[i], &m->nodes[i + 1], (m->nnodes - i - 1) * sizeof *m->nodes);
	memmove(&m->keys[i], &m->keys[i + 1], (m->nnodes - i - 1) * sizeof *m->keys);
	m->nnodes--;
}

/* Puts n (moved in) with its state read now in place of node i (-1: a
 * new node), keeping the order by name; returns it. */
static struct model_node *
model_put(struct model *m, int i, struct node *n, struct lab *lab)
{
	struct model_node *mn;
	size_t at = (size_t)i;

	if (i >= 0 && !((i == 0 || strcasecmp(m->nodes[i - 1]->n.name, n->name) < 0) &&
	    ((size_t)i + 1 == m->nnodes || strcasecmp(n->name, m->nodes[i + 1]->n.name) < 0))) {
		/* Renamed out of its place. */
		model_remove(m, (size_t)i);
		i = -1;
	}
	if (i >= 0) {
		mn = m->nodes[at];
		model_count(m, mn, -1);
		node_clear(&mn->n);
		memset(mn, 0, sizeof *mn);
	} else
		mn = model_insert(m, at = model_place(m, n->name));
	model_take(m, at, mn, n);
	model_run(mn, lab, NULL);
	model_count(m, mn, 1);
	return mn;
}

int
model_update(struct model *m, struct lab *lab, char (*ids)[37], size_t nids, struct err *e)
{
	struct changes_stamp stamp;
	struct change *ch = NULL;
	size_t nch = 0;
	int64_t last = m->seq;
	int rc, images = 0, written;

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
				model_remove(m, (size_t)i);
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
		images |= model_users(m, &model_put(m, i, &n, lab)->n, 1) != 0;
	}
	free(ch);
	/* Keepers come and go in run/, and a start or stop in progress moves
	 * on without a row of its own to log: their run state only. */
	for (size_t k = 0; k < nids; k++) {
		int i = model_node_index(m, ids[k]);
		if (i >= 0)
			model_state(m, m->nodes[i], lab);
	}
	/* Those starting or stopping: each is read once (a node read above
	 * may be counted live again, and counted at most once here). */
	for (size_t i = 0, left = m->ntransitional; i < m->nnodes && left > 0; i++)
		if (model_live(m->nodes[i])) {
			left--;
			model_state(m, m->nodes[i], lab);
		}
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
	model_widest(m);
	m->transitional = m->ntransitional > 0;
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
	free(m->keys);
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
	uint64_t k = model_key(id);

	for (size_t i = 0; i < m->nnodes; i++)
		if (m->keys[i] == k && strcmp(m->nodes[i]->n.id, id) == 0)
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
	size_t i = model_place(m, name);

	return i < m->nnodes && strcasecmp(m->nodes[i]->n.name, name) == 0 ? m->nodes[i] : NULL;
}
