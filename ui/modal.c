/*
 * modal.c: what modal windows (help, forms, confirmations) share: their window.
 */
#include "modal.h"

#include <stdlib.h>

#include "app.h"
#include "draw.h"
#include "util.h"

struct modal *
modal_new(const struct modal_kind *kind, void *data)
{
	struct modal *o = xcalloc(1, sizeof *o);

	o->kind = kind;
	o->data = data;
	o->dirty = 1;
	return o;
}

void
modal_free(struct modal *o)
{
	if (o == NULL)
		return;
	if (o->kind->free)
		o->kind->free(o);
	if (o->win)
		delwin(o->win);
	free(o);
}

WINDOW *
modal_window(struct modal *o, struct app *a, int h, int w, const char *title)
{
	int oy = -1, ox = -1, oh = -1, ow = -1;

	if (o->win) {
		getbegyx(o->win, oy, ox);
		getmaxyx(o->win, oh, ow);
		delwin(o->win);
	}
	o->win = draw_popup(h, w, title);
	if (o->win == NULL)
		fatal("cannot make a window of %dx%d", w, h);
	/* A window that shrank (an import's progress line gone) would leave
	 * its old frame on the screen: what it no longer covers is drawn
	 * again at the next frame. */
	if (oh >= 0 && (getbegy(o->win) != oy || getbegx(o->win) != ox ||
	    getmaxy(o->win) != oh || getmaxx(o->win) != ow))
		app_dirty_all(a);
	return o->win;
}
