/*
 * netview.c: the links view and the map. Both read the lab through the
 * core when they open and when the model's generation moves on (the lab
 * changed); drawing only reads what was loaded. Keys come from the key
 * table (keys_dispatch in the view's context): this file handles none.
 */
#include "netview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "capjob.h"
#include "draw.h"
#include "keys.h"
#include "link.h"
#include "net.h"
#include "modal.h"
#include "run.h"
#include "theme.h"

/* One line of the map: a node's name and state (first NIC only), then
 * one NIC and what it attaches to. */
struct nv_row {
	char            node[64];
	char            state[16];
	enum theme_role state_role;
	char            nic[256];
	enum theme_role nic_role;
};

struct nv_link_state {
	char a[12], b[12];
};

struct netview {
	int                   map;
	unsigned              gen;      /* model generation last loaded */
	struct link          *links;
	size_t                nlinks;
	struct nv_link_state *states;
	struct nv_row        *rows;
	int                   nrows;
	int                   sel, top;
	char                  err[ERR_MAX];
};

static const struct modal_kind netview_kind;

static struct netview *
netview_of(const struct app *a)
{
	return a->modal && a->modal->kind == &netview_kind ? a->modal->data : NULL;
}

static void
netview_clear(struct netview *nv)
{
	free(nv->links);
	free(nv->states);
	free(nv->rows);
	nv->links = NULL;
	nv->states = NULL;
	nv->rows = NULL;
	nv->nlinks = 0;
	nv->nrows = 0;
	nv->err[0] = '\0';
}

static struct nv_row *
netview_row(struct netview *nv)
{
	nv->rows = xreallocarray(nv->rows, (size_t)nv->nrows + 1, sizeof *nv->rows);
	memset(&nv->rows[nv->nrows], 0, sizeof nv->rows[0]);
	nv->rows[nv->nrows].state_role = ROLE_NORMAL;
	nv->rows[nv->nrows].nic_role = ROLE_NORMAL;
	return &nv->rows[nv->nrows++];
}

static enum theme_role
netview_state_role(enum run_state s)
{
	switch (s) {
	case RUN_RUNNING: return ROLE_RUNNING;
	case RUN_STARTING:
	case RUN_STOPPING: return ROLE_STARTING;
	case RUN_CRASHED: return ROLE_CRASHED;
	default: return ROLE_STOPPED;
	}
}

/* The link nv loaded that NIC c (of node_id) is an end of, or NULL;
 * *me and *peer its ends as seen from c. */
static const struct link *
netview_link_of(const struct netview *nv, const char *node_id, const struct nic *c,
    const struct link_end **me, const struct link_end **peer)
{
	for (size_t k = 0; c->link_id[0] && k < nv->nlinks; k++) {
		const struct link *l = &nv->links[k];
		int is_a;
		if (strcmp(l->id, c->link_id) != 0)
			continue;
		is_a = strcmp(l->a.id, node_id) == 0 && l->a.idx == c->idx;
		*me = is_a ? &l->a : &l->b;
		*peer = is_a ? &l->b : &l->a;
		return l;
	}
	return NULL;
}

/* "eth1 <----> r:eth0", "eth0 NAT tcp 127.0.0.1:2222->22", "eth2 -";
 * then ", down" when the cable is pulled, ", sends delay=100,..." when
 * what c sends is impaired. */
static void
netview_nic_text(const struct netview *nv, const char *node_id, const struct nic *c, int pending,
    char *buf, size_t len)
{
	const struct link_end *me = NULL, *peer = NULL;
	const struct link *l = netview_link_of(nv, node_id, c, &me, &peer);
	size_t used;

	if (strcmp(c->attach, "link") == 0 && c->peer_port[0])
		used = (size_t)snprintf(buf, len, "eth%d%s%s <----> %s:%s", c->idx, c->port[0] ? " " : "",
		    c->port, c->peer_name, c->peer_port);
	else if (strcmp(c->attach, "link") == 0)
		used = (size_t)snprintf(buf, len, "eth%d%s%s <----> %s:eth%d", c->idx, c->port[0] ? " " : "",
		    c->port, c->peer_name, c->peer_idx);
	else if (strcmp(c->attach, "user") == 0) {
		used = (size_t)snprintf(buf, len, "eth%d%s%s NAT", c->idx, c->port[0] ? " " : "", c->port);
		for (int j = 0; j < c->nfwds && used < len; j++)
			used += (size_t)snprintf(buf + used, len - used, " %s %s:%d->%d", c->fwds[j].proto,
			    QEMU_LINK_HOST, c->fwds[j].host_port, c->fwds[j].guest_port);
	} else
		used = (size_t)snprintf(buf, len, "eth%d%s%s -", c->idx, c->port[0] ? " " : "", c->port);
	if (pending && used < len)
		used += (size_t)snprintf(buf + used, len - used, "  (at restart)");
	if (l != NULL && used < len)
		snprintf(buf + used, len - used, "%s%s%s", l->up ? "" : ", down", me->shape[0] ? ", sends " : "",
		    me->shape);
}

/* Under a linked NIC's row, a row for each of its link's ends that
 * listens off 127.0.0.1 (another host's end, or a test address): "  eth1
 * at 192.0.2.7:40001" for its own, "  r:eth0 at ..." for the peer's. A
 * row of their own, so an 80-column map shows them whole. */
static void
netview_nic_addrs(struct netview *nv, const char *node_id, const struct nic *c)
{
	const struct link_end *me = NULL, *peer = NULL;
	char at[LINK_HOST_LEN + 16];

	if (netview_link_of(nv, node_id, c, &me, &peer) == NULL)
		return;
	if (link_end_addr(me, at, sizeof at)) {
		struct nv_row *r = netview_row(nv);
		snprintf(r->nic, sizeof r->nic, "  eth%d at %s", c->idx, at);
		r->nic_role = ROLE_DIM;
	}
	if (link_end_addr(peer, at, sizeof at)) {
		struct nv_row *r = netview_row(nv);
		snprintf(r->nic, sizeof r->nic, "  %s:eth%d at %s", peer->name, peer->idx, at);
		r->nic_role = ROLE_DIM;
	}
}

/* The rows of one node of the map. */
static void
netview_map_node(struct netview *nv, struct app *a, const struct model_node *mn)
{
	struct nic *v;
	struct err e;
	unsigned pend;
	int n;
	struct nv_row *r = netview_row(nv);

	snprintf(r->node, sizeof r->node, "%s", mn->n.name);
	snprintf(r->state, sizeof r->state, "%s", run_state_name(mn->run.state));
	r->state_role = netview_state_role(mn->run.state);
	if (net_nics_get(a->lab, mn->n.id, &v, &n, &e) != 0) {
		snprintf(r->nic, sizeof r->nic, "%.200s", e.msg);
		r->nic_role = ROLE_ERROR;
		return;
	}
	pend = net_pending_node(a->lab, mn->n.id, v, n);
	if (n == 0) {
		snprintf(r->nic, sizeof r->nic, "(no NICs)");
		r->nic_role = ROLE_DIM;
	}
	for (int i = 0; i < n; i++) {
		if (i > 0)
			r = netview_row(nv);
		netview_nic_text(nv, mn->n.id, &v[i], !!(pend & (1u << v[i].idx)), r->nic, sizeof r->nic);
		if (pend & (1u << v[i].idx))
			r->nic_role = ROLE_WARN;
		netview_nic_addrs(nv, mn->n.id, &v[i]);
	}
	nic_list_free(v, n);
}

/* The node at the other end of link l from node index i, or -1. */
static int
netview_peer(const struct app *a, const struct link *l, int i)
{
	const char *id = model_node_at(&a->model, i)->n.id;

	if (strcmp(l->a.id, id) == 0)
		return model_node_index(&a->model, l->b.id);
	if (strcmp(l->b.id, id) == 0)
		return model_node_index(&a->model, l->a.id);
	return -1;
}

/* The map: each group of nodes that links join, walked breadth first from
 * its first node by name (a chain reads in order), then the nodes no link
 * joins. */
static void
netview_map_rows(struct netview *nv, struct app *a)
{
	size_t n = a->model.nnodes;
	char *seen = xcalloc(n + 1, 1);
	int *queue = xcalloc(n + 1, sizeof *queue), groups = 0;

	for (size_t start = 0; start < n; start++) {
		int head = 0, tail = 0, linked = 0;
		if (seen[start])
			continue;
		for (size_t k = 0; k < nv->nlinks; k++)
			linked |= netview_peer(a, &nv->links[k], (int)start) >= 0;
		if (!linked)
			continue;
		if (groups++ > 0)
			netview_row(nv);
		seen[start] = 1;
		queue[tail++] = (int)start;
		while (head < tail) {
			int i = queue[head++];
			netview_map_node(nv, a, model_node_at(&a->model, i));
			/* Neighbours in name order: the model is sorted by name. */
			for (size_t j = 0; j < n; j++)
				for (size_t k = 0; k < nv->nlinks && !seen[j]; k++)
					if (netview_peer(a, &nv->links[k], i) == (int)j) {
						seen[j] = 1;
						queue[tail++] = (int)j;
					}
		}
	}
	for (size_t i = 0, first = 1; i < n; i++) {
		if (seen[i])
			continue;
		if (first && groups > 0)
			netview_row(nv);
		first = 0;
		netview_map_node(nv, a, model_node_at(&a->model, i));
	}
	if (n == 0)
		snprintf(netview_row(nv)->nic, sizeof nv->rows[0].nic, "(no nodes: create one with c)");
	free(seen);
	free(queue);
}

static void
netview_load(struct netview *nv, struct app *a)
{
	struct err e;

	netview_clear(nv);
	nv->gen = a->model.generation;
	if (link_list(a->lab, &nv->links, &nv->nlinks, &e) != 0) {
		snprintf(nv->err, sizeof nv->err, "%s", e.msg);
		return;
	}
	nv->states = xcalloc(nv->nlinks + 1, sizeof *nv->states);
	for (size_t i = 0; i < nv->nlinks; i++) {
		snprintf(nv->states[i].a, sizeof nv->states[i].a, "%s", link_end_state(a->lab, &nv->links[i].a));
		snprintf(nv->states[i].b, sizeof nv->states[i].b, "%s", link_end_state(a->lab, &nv->links[i].b));
	}
	if (nv->map)
		netview_map_rows(nv, a);
}

static int
netview_total(const struct netview *nv)
{
	return nv->map ? nv->nrows : (int)nv->nlinks;
}

/* An end as the links view shows it: by its port name when the NIC has
 * one (as link add takes it), else NODE:ethN. Its length. */
static int
netview_end_label(const struct link_end *end, char *buf, size_t len)
{
	if (end->pname[0])
		return snprintf(buf, len, "%s:%s", end->name, end->pname);
	return snprintf(buf, len, "%s:eth%d", end->name, end->idx);
}

/* Column widths of the links view: as wide as what they hold, so a row
 * of short names fits 80 columns; a long name or impairment is cut at 24. */
static void
netview_widths(const struct netview *nv, int *wa, int *wb, int *wsa, int *wsb)
{
	char buf[96];

	*wa = *wb = 6;
	*wsa = *wsb = 3;
	for (size_t i = 0; i < nv->nlinks; i++) {
		const struct link *l = &nv->links[i];
		int la = netview_end_label(&l->a, buf, sizeof buf), lb = netview_end_label(&l->b, buf, sizeof buf);
		int sa = (int)strlen(l->a.shape), sb = (int)strlen(l->b.shape);
		*wa = la > *wa ? la : *wa;
		*wb = lb > *wb ? lb : *wb;
		*wsa = sa > *wsa ? sa : *wsa;
		*wsb = sb > *wsb ? sb : *wsb;
	}
	*wa = *wa > 24 ? 24 : *wa;
	*wb = *wb > 24 ? 24 : *wb;
	*wsa = *wsa > 24 ? 24 : *wsa;
	*wsb = *wsb > 24 ? 24 : *wsb;
}

static void
netview_draw_links(struct netview *nv, WINDOW *win, int rows, int w)
{
	char a[96], b[96], ports[32], st[40];
	int wa, wb, wsa, wsb;

	netview_widths(nv, &wa, &wb, &wsa, &wsb);
	/* A>B: the impairments of the frames A sends (shape.h). */
	draw_fmt(win, 1, 2, w - 4, theme_attr(ROLE_HEADER), "%-*s %-*s %-11s %-4s %-*s %-*s %s",
	    wa, "A", wb, "B", "UDP ports", "link", wsa, "A>B", wsb, "B>A", "state (A, B)");
	if (nv->nlinks == 0)
		draw_text(win, 2, 2, w - 4, "no links yet: a adds one between two free NICs",
		    theme_attr(ROLE_DIM));
	for (int r = 0; r < rows && nv->top + r < (int)nv->nlinks; r++) {
		const struct link *l = &nv->links[nv->top + r];
		int sel = nv->top + r == nv->sel;
		attr_t at = theme_attr(sel ? ROLE_SELECTED : ROLE_OVERLAY);
		netview_end_label(&l->a, a, sizeof a);
		netview_end_label(&l->b, b, sizeof b);
		snprintf(ports, sizeof ports, "%d-%d", l->a.port, l->b.port);
		snprintf(st, sizeof st, "%s, %s%s", nv->states[nv->top + r].a, nv->states[nv->top + r].b,
		    capjob_running(l->a.id, l->a.idx) || capjob_running(l->b.id, l->b.idx) ? ", rec" : "");
		draw_fill(win, 2 + r, 1, w - 2, at);
		draw_fmt(win, 2 + r, 2, w - 4, at, "%-*.*s %-*.*s %-11s %-4s %-*.*s %-*.*s %s", wa, wa, a, wb,
		    wb, b, ports, l->up ? "up" : "down", wsa, wsa, l->a.shape[0] ? l->a.shape : "-", wsb, wsb,
		    l->b.shape[0] ? l->b.shape : "-", st);
	}
}

/* The bottom text of the links view for the selected link, into
 * part[0] and part[1] (either may be ""): the captures that run ("rec"
 * in its row), where they write and how to stop them; with none, where
 * its ends listen when one is off 127.0.0.1 (another host's peer, or a
 * test address), as link ls says it. 1 for captures, else 0. */
static int
netview_bottom(const struct netview *nv, char part[2][300])
{
	const struct link *l = nv->sel >= 0 && (size_t)nv->sel < nv->nlinks ? &nv->links[nv->sel] : NULL;
	int rec = 0;

	part[0][0] = part[1][0] = '\0';
	for (int b = 0; l != NULL && b < 2; b++) {
		const struct link_end *end = b ? &l->b : &l->a;
		const char *name = capjob_name(end->id, end->idx);
		if (name != NULL)
			snprintf(part[b], sizeof part[b], "%s%s:eth%d to captures/%s (%c stops)",
			    rec++ ? "" : "capturing ", end->name, end->idx, name, b ? 'W' : 'w');
	}
	for (int b = 0; l != NULL && !rec && b < 2; b++) {
		const struct link_end *end = b ? &l->b : &l->a;
		char at[LINK_HOST_LEN + 16];
		if (link_end_addr(end, at, sizeof at))
			snprintf(part[b], sizeof part[b], "%s:eth%d listens on %s", end->name, end->idx, at);
	}
	return rec > 0;
}

/* How many lines the bottom text takes in width w: 1 when it fits, 2
 * when its two parts each take a line of their own. */
static int
netview_bottom_lines(const struct netview *nv, int w)
{
	char part[2][300];

	netview_bottom(nv, part);
	return part[0][0] && part[1][0] && (int)(strlen(part[0]) + 2 + strlen(part[1])) > w - 4 ? 2 : 1;
}

static void
netview_draw_bottom(const struct netview *nv, WINDOW *win, int w)
{
	char part[2][300], line[604];
	attr_t at = theme_attr(netview_bottom(nv, part) ? ROLE_WARN : ROLE_DIM);
	int y = getmaxy(win) - 2;

	if (!part[0][0] && !part[1][0])
		return;
	if (netview_bottom_lines(nv, w) == 2) {
		draw_text(win, y - 1, 2, w - 4, part[0], at);
		draw_text(win, y, 2, w - 4, part[1], at);
		return;
	}
	snprintf(line, sizeof line, "%s%s%s", part[0], part[0][0] && part[1][0] ? "; " : "", part[1]);
	draw_text(win, y, 2, w - 4, line, at);
}

static void
netview_draw_map(struct netview *nv, WINDOW *win, int rows, int w)
{
	draw_fmt(win, 1, 2, w - 4, theme_attr(ROLE_HEADER), "%-18s %-9s %s", "node", "state",
	    "NICs and what they attach to");
	for (int r = 0; r < rows && nv->top + r < nv->nrows; r++) {
		const struct nv_row *row = &nv->rows[nv->top + r];
		draw_text(win, 2 + r, 2, 18, row->node, theme_attr(ROLE_TITLE));
		draw_text(win, 2 + r, 21, 9, row->state, theme_attr(row->state_role));
		draw_text(win, 2 + r, 31, w - 33, row->nic, theme_attr(row->nic_role));
	}
}

static void
netview_draw(struct modal *o, struct app *a)
{
	struct netview *nv = o->data;
	int total, hh, ww, rows, w, extra;
	WINDOW *win;

	if (nv->gen != a->model.generation)
		netview_load(nv, a);
	total = netview_total(nv);
	hh = (total > 0 ? total : 1) + 4;
	if (hh > LINES - 2)
		hh = LINES - 2;
	if (hh < 6)
		hh = LINES < 6 ? LINES : 6;
	ww = COLS - 4 < 96 ? COLS - 4 : 96;
	/* A bottom text too long for one line takes two, above the last. */
	extra = nv->map || nv->err[0] ? 0 : netview_bottom_lines(nv, ww) - 1;
	hh += extra;
	if (hh > LINES - 2)
		hh = LINES - 2;
	win = modal_window(o, a, hh, ww, nv->map ? "Map of the lab" : "Links");
	w = getmaxx(win);
	rows = getmaxy(win) - 4 - extra;
	if (rows < 1)
		rows = 1;
	if (nv->sel >= total)
		nv->sel = total - 1;
	if (nv->sel < 0)
		nv->sel = 0;
	if (!nv->map && nv->sel < nv->top)
		nv->top = nv->sel;
	if (!nv->map && nv->sel >= nv->top + rows)
		nv->top = nv->sel - rows + 1;
	if (nv->top > total - rows)
		nv->top = total - rows;
	if (nv->top < 0)
		nv->top = 0;
	if (nv->err[0])
		draw_text(win, 1, 2, w - 4, nv->err, theme_attr(ROLE_ERROR));
	else if (nv->map)
		netview_draw_map(nv, win, rows, w);
	else
		netview_draw_links(nv, win, rows, w);
	draw_text(win, getmaxy(win) - 2, 2, w - 4, total > rows ? "more: Up/Down scroll" : "",
	    theme_attr(ROLE_DIM));
	if (!nv->map && !nv->err[0])
		netview_draw_bottom(nv, win, w);
}

static enum modal_result
netview_key(struct modal *o, struct app *a, const struct input_key *k)
{
	(void)o;
	/* Every key of the view is a row of the key table; an action may
	 * close this window or replace it, so o is not touched after. */
	keys_dispatch(a, k);
	return MODAL_KEEP;
}

static void
netview_free(struct modal *o)
{
	struct netview *nv = o->data;

	netview_clear(nv);
	free(nv);
}

static const struct modal_kind netview_kind = {
	.draw = netview_draw,
	.key = netview_key,
	.free = netview_free,
};

static void
netview_open(struct app *a, int map)
{
	struct netview *nv = xcalloc(1, sizeof *nv);

	nv->map = map;
	netview_load(nv, a);
	app_modal_open(a, modal_new(&netview_kind, nv));
	a->status->dirty = 1;   /* its hints are the view's now */
}

void
netview_links_open(struct app *a)
{
	netview_open(a, 0);
}

void
netview_map_open(struct app *a)
{
	netview_open(a, 1);
}

unsigned
netview_context(const struct app *a)
{
	const struct netview *nv = netview_of(a);

	if (nv == NULL)
		return 0;
	return nv->map ? KCTX_MAP : KCTX_LINKS;
}

void
netview_move(struct app *a, int d)
{
	struct netview *nv = netview_of(a);

	if (nv == NULL)
		return;
	if (nv->map)
		nv->top += d;
	else
		nv->sel += d;
	a->modal->dirty = 1;
}

const struct link *
netview_selected(const struct app *a)
{
	const struct netview *nv = netview_of(a);

	if (nv == NULL || nv->map || nv->sel < 0 || (size_t)nv->sel >= nv->nlinks)
		return NULL;
	return &nv->links[nv->sel];
}
