/*
 * overlay.h: something drawn on top of the panes that takes every key
 * while it is open: the help, a form, a confirmation, a progress bar.
 * Escape closes any of them (each kind's key handler sees it first).
 */
#ifndef SANDLAB_UI_OVERLAY_H
#define SANDLAB_UI_OVERLAY_H

#include <curses.h>
#include <stddef.h>
#include <termkey.h>

struct app;
struct overlay;

enum overlay_result { OVERLAY_KEEP, OVERLAY_CLOSE };

struct overlay_kind {
	/* Draws the overlay (making its window from the screen size). */
	void (*draw)(struct overlay *o, struct app *a);
	enum overlay_result (*key)(struct overlay *o, struct app *a, const TermKeyKey *k);
	/* Pasted text (bracketed paste); may be NULL. */
	void (*paste)(struct overlay *o, struct app *a, const char *s, size_t n);
	void (*free)(struct overlay *o);
};

struct overlay {
	const struct overlay_kind *kind;
	WINDOW *win;
	int     dirty;
	int     cur_on;      /* wants the terminal cursor at (cur_y, cur_x) of win */
	int     cur_y, cur_x;
	void   *data;
};

struct overlay *overlay_new(const struct overlay_kind *kind, void *data);
void overlay_free(struct overlay *o);

/* Replaces o->win by a centred framed window of h x w (clipped to the
 * screen) and returns it. */
WINDOW *overlay_window(struct overlay *o, int h, int w, const char *title);

#endif
