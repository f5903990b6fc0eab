/*
 * modal.c: what modal windows (help, forms, confirmations) share: their window.
 */
#include "modal.h"

#include <stdlib.h>

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
modal_window(struct modal *o, int h, int w, const char *title)
{
	if (o->win)
		delwin(o->win);
	o->win = draw_popup(h, w, title);
	if (o->win == NULL)
		fatal("cannot make a window of %dx%d", w, h);
	return o->win;
}
