/*
 * overlay.c: what overlays share: their window.
 */
#include "overlay.h"

#include <stdlib.h>

#include "draw.h"
#include "util.h"

struct overlay *
overlay_new(const struct overlay_kind *kind, void *data)
{
	struct overlay *o = xcalloc(1, sizeof *o);

	o->kind = kind;
	o->data = data;
	o->dirty = 1;
	return o;
}

void
overlay_free(struct overlay *o)
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
overlay_window(struct overlay *o, int h, int w, const char *title)
{
	if (o->win)
		delwin(o->win);
	o->win = draw_popup(h, w, title);
	if (o->win == NULL)
		fatal("cannot make a window of %dx%d", w, h);
	return o->win;
}
