/*
 * pane.c: what all panes share: their window and place on screen.
 */
#include "pane.h"

#include <stdlib.h>

#include "util.h"

struct pane *
pane_new(const struct pane_kind *kind, void *data)
{
	struct pane *p = xcalloc(1, sizeof *p);

	p->kind = kind;
	p->data = data;
	p->dirty = 1;
	return p;
}

void
pane_free(struct pane *p)
{
	if (p == NULL)
		return;
	if (p->kind->free)
		p->kind->free(p);
	if (p->win)
		delwin(p->win);
	free(p);
}

void
pane_place(struct pane *p, struct app *a, int y, int x, int h, int w)
{
	int changed = h != p->h || w != p->w;

	if (h <= 0 || w <= 0) {
		if (p->win)
			delwin(p->win);
		p->win = NULL;
		p->h = p->w = 0;
		return;
	}
	if (p->win == NULL || changed) {
		if (p->win)
			delwin(p->win);
		p->win = newwin(h, w, y, x);
		if (p->win == NULL)
			fatal("cannot make a window of %dx%d", w, h);
	} else if (y != p->y || x != p->x)
		mvwin(p->win, y, x);
	p->y = y;
	p->x = x;
	p->h = h;
	p->w = w;
	p->dirty = 1;
	p->full = 1;
	if (changed && p->kind->resize)
		p->kind->resize(p, a);
}

enum pane_result
pane_list_mouse(struct pane *p, enum pane_mouse ev, int y, int *sel, int n)
{
	if (n == 0)
		return PANE_HANDLED;
	if (ev == PANE_MOUSE_PRESS && y >= 2 && y < p->h - 1 && p->top + y - 2 < n)
		*sel = p->top + y - 2;
	else if (ev == PANE_MOUSE_WHEEL_UP && *sel > 0)
		(*sel)--;
	else if (ev == PANE_MOUSE_WHEEL_DOWN && *sel + 1 < n)
		(*sel)++;
	return PANE_REDRAW;
}

void
pane_scroll_to(struct pane *p, int sel, int rows)
{
	if (rows <= 0)
		return;
	if (sel < p->top)
		p->top = sel;
	if (sel >= p->top + rows)
		p->top = sel - rows + 1;
	if (p->top < 0)
		p->top = 0;
}
