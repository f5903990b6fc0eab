/*
 * modal.h: a modal window, drawn on top of the panes, that takes every key
 * while it is open: the help, a form, a confirmation, a progress bar.
 * Escape closes any of them (each kind's key handler sees it first).
 */
#ifndef SANDLAB_UI_MODAL_H
#define SANDLAB_UI_MODAL_H

#include <curses.h>
#include <stddef.h>

#include "input.h"

struct app;
struct modal;

enum modal_result { MODAL_KEEP, MODAL_CLOSE };

struct modal_kind {
	/* Draws the modal window (making its window from the screen size). */
	void (*draw)(struct modal *o, struct app *a);
	enum modal_result (*key)(struct modal *o, struct app *a, const struct input_key *k);
	/* Pasted text (bracketed paste); may be NULL. */
	void (*paste)(struct modal *o, struct app *a, const char *s, size_t n);
	void (*free)(struct modal *o);
};

struct modal {
	const struct modal_kind *kind;
	WINDOW *win;
	int     dirty;
	int     cur_on;      /* wants the terminal cursor at (cur_y, cur_x) of win */
	int     cur_y, cur_x;
	void   *data;
};

struct modal *modal_new(const struct modal_kind *kind, void *data);
void modal_free(struct modal *o);

/* Replaces o->win by a centred framed window of h x w (clipped to the
 * screen) and returns it. When it is smaller or elsewhere than the last
 * one, the panes are drawn again under it (no stale frame stays). */
WINDOW *modal_window(struct modal *o, struct app *a, int h, int w, const char *title);

#endif
