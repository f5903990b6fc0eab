/*
 * pane-images.c: draws the image list and moves its selection. Columns
 * that do not fit are dropped, the name last.
 */
#include "pane-images.h"

#include <stdio.h>

#include "app.h"
#include "draw.h"
#include "theme.h"

static void
pane_images_draw(struct pane *p, struct app *a)
{
	WINDOW *w = p->win;
	int focused = a->focus == p;
	int inner = p->w - 2, rows = p->h - 3;
	int show_fmt = inner >= 30, show_used = inner >= 24;
	int sizew = 8, fmtw = show_fmt ? 6 : 0, usedw = show_used ? 5 : 0;
	int namew = inner - 1 - sizew - fmtw - usedw;
	char title[48];

	snprintf(title, sizeof title, "Images (%zu)", a->model.nimages);
	werase(w);
	draw_frame(w, title, focused);
	if (p->h < 3 || inner < 6)
		return;
	draw_text(w, 1, 1, namew, " NAME", theme_attr(ROLE_HEADER));
	if (show_fmt)
		draw_text(w, 1, 1 + namew, fmtw, "FMT", theme_attr(ROLE_HEADER));
	draw_text_right(w, 1, 1 + namew + fmtw, sizew - 1, "SIZE", theme_attr(ROLE_HEADER));
	if (show_used)
		draw_text_right(w, 1, 1 + namew + fmtw + sizew, usedw, "USED", theme_attr(ROLE_HEADER));
	if (a->model.nimages == 0) {
		draw_text(w, 2, 2, inner - 1, "no images: i imports one", theme_attr(ROLE_DIM));
		return;
	}
	if (a->sel_image >= 0)
		pane_scroll_to(p, a->sel_image, rows);
	for (int r = 0; r < rows; r++) {
		size_t i = (size_t)(p->top + r);
		const struct image *im;
		char size[16], used[16];
		attr_t at = theme_attr(ROLE_NORMAL);

		if (i >= a->model.nimages)
			break;
		im = &a->model.images[i];
		if ((int)i == a->sel_image) {
			at = theme_attr(focused ? ROLE_SELECTED : ROLE_SELECTED_DIM);
			draw_fill(w, 2 + r, 1, inner, at);
		}
		draw_text(w, 2 + r, 2, namew - 1, im->name, at);
		if (show_fmt)
			draw_text(w, 2 + r, 1 + namew, fmtw, im->format, at);
		fmt_size(im->virtual_size, size, sizeof size);
		draw_text_right(w, 2 + r, 1 + namew + fmtw, sizew - 1, size, at);
		if (show_used) {
			snprintf(used, sizeof used, "%d", im->nodes);
			draw_text_right(w, 2 + r, 1 + namew + fmtw + sizew, usedw - 1, used, at);
		}
	}
}

static enum pane_result
pane_images_mouse(struct pane *p, struct app *a, enum pane_mouse ev, int y, int x)
{
	a->details->dirty = 1;
	a->status->dirty = 1;   /* its hints follow the node's state */
	return pane_list_mouse(p, ev, y, &a->sel_image, (int)a->model.nimages);
}

const struct pane_kind pane_images_kind = {
	.name = "images",
	.focusable = 1,
	.draw = pane_images_draw,
	.mouse = pane_images_mouse,
};
