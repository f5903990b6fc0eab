/*
 * pane.h: a pane is a rectangle of the screen drawn by one pane kind. A
 * kind is a small table of functions; the layout tree (layout.h) places
 * panes and the app loop calls draw only for panes marked dirty.
 */
#ifndef SANDLAB_UI_PANE_H
#define SANDLAB_UI_PANE_H

#include <curses.h>

#include "input.h"

struct app;
struct pane;

/* What a key or mouse handler did. */
enum pane_result {
	PANE_UNHANDLED = 0,   /* not mine: try the key table */
	PANE_HANDLED,         /* done, nothing to redraw */
	PANE_REDRAW,          /* done, redraw this pane */
};

enum pane_mouse {
	PANE_MOUSE_PRESS,
	PANE_MOUSE_WHEEL_UP,
	PANE_MOUSE_WHEEL_DOWN,
};

struct pane_kind {
	const char *name;
	int   focusable;
	/* Draws the whole pane into p->win (frame included). */
	void (*draw)(struct pane *p, struct app *a);
	/* A key while the pane has focus, before the key table. May be NULL. */
	enum pane_result (*key)(struct pane *p, struct app *a, const struct input_key *k);
	/* A click or wheel at (y, x) inside the pane. May be NULL. */
	enum pane_result (*mouse)(struct pane *p, struct app *a, enum pane_mouse ev, int y, int x);
	/* The pane got a new size (p->h, p->w already set). May be NULL. */
	void (*resize)(struct pane *p, struct app *a);
	/* Frees p->data. May be NULL. */
	void (*free)(struct pane *p);
};

struct pane {
	const struct pane_kind *kind;
	WINDOW *win;         /* NULL while the pane is not on screen */
	int     y, x, h, w;
	int     dirty;
	int     full;        /* something covered it: repaint all, frame too */
	int     top;         /* first visible row of a list */
	int     cur_on;      /* wants the terminal cursor at (cur_y, cur_x) */
	int     cur_y, cur_x;
	void   *data;        /* the kind's own state */
};

/* A new pane of a kind; data is owned by the pane (kind->free frees it). */
struct pane *pane_new(const struct pane_kind *kind, void *data);
void pane_free(struct pane *p);

/* Puts the pane at a rectangle (h or w 0: off screen); marks it dirty. */
void pane_place(struct pane *p, struct app *a, int y, int x, int h, int w);

/* A click or wheel on a list pane whose rows start at pane row 2: moves
 * *sel among n rows. */
enum pane_result pane_list_mouse(struct pane *p, enum pane_mouse ev, int y, int *sel, int n);

/* Keeps row sel visible in a list of `rows` visible rows: adjusts p->top. */
void pane_scroll_to(struct pane *p, int sel, int rows);

#endif
