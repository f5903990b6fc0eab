/*
 * layout.c: decides where panes go. The shape depends on the screen size
 * and on the consoles: without consoles, images and nodes over details;
 * with consoles on a wide screen, a sidebar beside the tiles; on a narrow
 * one, a short node list above them; zoomed, one console alone. Panes
 * that do not fit are left out rather than drawn squashed.
 */
#include "layout.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "pane-console.h"
#include "pane-status.h"
#include "util.h"

static int
layout_clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static struct layout_node *
layout_leaf(struct pane *p, int size)
{
	struct layout_node *n = xcalloc(1, sizeof *n);

	n->split = LAYOUT_PANE;
	n->pane = p;
	n->size = size;
	n->weight = 1;
	return n;
}

static struct layout_node *
layout_split(enum layout_split split, int size)
{
	struct layout_node *n = xcalloc(1, sizeof *n);

	n->split = split;
	n->size = size;
	n->weight = 1;
	return n;
}

static void
layout_add(struct layout_node *parent, struct layout_node *kid)
{
	if (parent->nkids == LAYOUT_MAX_KIDS)
		fatal("layout: more than %d panes in one split", LAYOUT_MAX_KIDS);
	parent->kids[parent->nkids++] = kid;
}

void
layout_free(struct layout_node *n)
{
	if (n == NULL)
		return;
	for (int i = 0; i < n->nkids; i++)
		layout_free(n->kids[i]);
	free(n);
}

/* Grid for n tiles in an area of h x w: columns (rows = ceil(n/cols)),
 * chosen so tiles come closest to a terminal's usual shape. Pure. */
static int
layout_tile_cols(int n, int h, int w)
{
	int best = -1;
	double best_score = 0;

	if (n <= 1 || h <= 0 || w <= 0)
		return 1;
	for (int c = 1; c <= n && c <= LAYOUT_MAX_KIDS; c++) {
		int r = (n + c - 1) / c;
		double tw = (double)w / c, th = (double)h / r;
		/* A console is about 3 columns per row; 2.5 also suits cells. */
		double ratio = tw / (th * 2.5);
		double score = ratio >= 1 ? ratio : 1 / ratio;

		if (r > LAYOUT_MAX_KIDS)
			continue;   /* a split holds at most LAYOUT_MAX_KIDS */
		if (tw < 20 && best > 0)
			break;      /* narrower tiles are no use */
		if (best < 0 || score < best_score) {
			best = c;
			best_score = score;
		}
	}
	return best > 0 ? best : LAYOUT_MAX_KIDS;
}

/* The console tiles as rows of columns. */
static struct layout_node *
layout_tiles(struct app *a, int size, int h, int w)
{
	int n = (int)a->nconsoles;
	int cols = layout_tile_cols(n, h, w);
	int rows = (n + cols - 1) / cols;
	struct layout_node *area = layout_split(LAYOUT_ROWS, size);

	if (rows > LAYOUT_MAX_KIDS)
		rows = LAYOUT_MAX_KIDS;
	for (int r = 0, k = 0; r < rows; r++) {
		struct layout_node *row = layout_split(LAYOUT_COLS, 0);
		for (int c = 0; c < cols && k < n; c++, k++)
			layout_add(row, layout_leaf(a->consoles[k], 0));
		layout_add(area, row);
	}
	return area;
}

/* Images beside nodes, or nodes alone when narrow. */
static struct layout_node *
layout_lists(struct app *a, int size, int w)
{
	struct layout_node *top = layout_split(LAYOUT_COLS, size);

	if (w >= 60)
		layout_add(top, layout_leaf(a->images, layout_clamp(w * 30 / 100, 22, 44)));
	layout_add(top, layout_leaf(a->nodes, 0));
	return top;
}

static struct layout_node *
layout_tree(struct app *a, int H, int W)
{
	struct layout_node *root = layout_split(LAYOUT_ROWS, 0), *main;

	for (size_t i = 0; i < a->nconsoles; i++)
		pane_console_set_bare(a->consoles[i], 0);
	if (a->zoom >= 0 && (size_t)a->zoom < a->nconsoles) {
		struct pane *z = a->consoles[a->zoom];
		layout_add(root, layout_leaf(z, 0));
		/* An attached guest's screen that fits only in the whole
		 * terminal gets it: frame and status line give way while
		 * zoomed. A stopped node's keep them (its state, its keys). */
		if (pane_console_needs_screen(z, H + 1, W)) {
			pane_console_set_bare(z, 1);
			return root;
		}
	} else if (a->nconsoles == 0) {
		int dh = layout_clamp(H * 40 / 100, 6, 16);
		layout_add(root, layout_lists(a, 0, W));
		if (H >= 14)
			layout_add(root, layout_leaf(a->details, dh));
	} else if (W >= 150) {
		int sw = layout_clamp(W * 32 / 100, 48, 72);
		struct layout_node *side = layout_split(LAYOUT_ROWS, sw);
		main = layout_split(LAYOUT_COLS, 0);
		layout_add(side, layout_leaf(a->images, layout_clamp(H * 25 / 100, 4, 10)));
		layout_add(side, layout_leaf(a->nodes, 0));
		if (H >= 24)
			layout_add(side, layout_leaf(a->details, layout_clamp(H * 35 / 100, 6, 16)));
		layout_add(main, side);
		layout_add(main, layout_tiles(a, 0, H, W - sw));
		layout_add(root, main);
	} else {
		int th = H >= 14 ? layout_clamp(H / 3, 6, 12) : 0;
		if (th > 0)
			layout_add(root, layout_lists(a, th, W));
		layout_add(root, layout_tiles(a, 0, H - th, W));
	}
	layout_add(root, layout_leaf(a->status, pane_status_rows(a, W)));
	return root;
}

static void
layout_place(struct app *a, struct layout_node *n, int y, int x, int h, int w)
{
	int total, fixed = 0, weights = 0, pos, left;

	if (n->split == LAYOUT_PANE) {
		pane_place(n->pane, a, y, x, h, w);
		return;
	}
	total = n->split == LAYOUT_ROWS ? h : w;
	for (int i = 0; i < n->nkids; i++) {
		if (n->kids[i]->size > 0)
			fixed += n->kids[i]->size;
		else
			weights += n->kids[i]->weight;
	}
	left = total - fixed;
	if (left < 0)
		left = 0;
	pos = 0;
	for (int i = 0, wsum = 0; i < n->nkids; i++) {
		struct layout_node *k = n->kids[i];
		int s;

		if (k->size > 0)
			s = k->size;
		else {
			/* Shares end exactly at the remainder, whatever rounding. */
			int before = weights ? left * wsum / weights : 0;
			wsum += k->weight;
			s = (weights ? left * wsum / weights : 0) - before;
		}
		if (pos + s > total)
			s = total - pos;
		if (s < 0)
			s = 0;
		if (n->split == LAYOUT_ROWS)
			layout_place(a, k, y + pos, x, s, w);
		else
			layout_place(a, k, y, x + pos, h, s);
		pos += s;
	}
}

/* Every pane the app owns, for taking panes off screen and hit tests. */
static int
layout_all_panes(struct app *a, struct pane **out)
{
	int n = 0;

	out[n++] = a->images;
	out[n++] = a->nodes;
	out[n++] = a->details;
	out[n++] = a->status;
	for (size_t i = 0; i < a->nconsoles; i++)
		out[n++] = a->consoles[i];
	return n;
}

static void
layout_mark(struct layout_node *n, int *on, struct pane **all, int nall)
{
	if (n->split == LAYOUT_PANE) {
		for (int i = 0; i < nall; i++)
			if (all[i] == n->pane)
				on[i] = 1;
		return;
	}
	for (int i = 0; i < n->nkids; i++)
		layout_mark(n->kids[i], on, all, nall);
}

void
layout_build(struct app *a)
{
	struct pane *all[4 + APP_MAX_CONSOLES];
	int on[4 + APP_MAX_CONSOLES] = { 0 };
	int nall = layout_all_panes(a, all);

	layout_free(a->layout);
	a->layout = layout_tree(a, LINES - pane_status_rows(a, COLS), COLS);
	layout_mark(a->layout, on, all, nall);
	for (int i = 0; i < nall; i++)
		if (!on[i])
			pane_place(all[i], a, 0, 0, 0, 0);
	layout_place(a, a->layout, 0, 0, LINES, COLS);
	a->need_layout = 0;
}

struct pane *
layout_pane_at(struct app *a, int y, int x)
{
	struct pane *all[4 + APP_MAX_CONSOLES];
	int nall = layout_all_panes(a, all);

	for (int i = 0; i < nall; i++) {
		struct pane *p = all[i];
		if (p->win && y >= p->y && y < p->y + p->h && x >= p->x && x < p->x + p->w)
			return p;
	}
	return NULL;
}
