/*
 * layout.h: the tree of splits that places panes. It is rebuilt from the
 * dashboard's state (terminal size, open consoles, zoom) whenever one of
 * those changes; panes outlive the tree, which only points at them.
 */
#ifndef SANDLAB_UI_LAYOUT_H
#define SANDLAB_UI_LAYOUT_H

#include "pane.h"

#define LAYOUT_MAX_KIDS 8

enum layout_split {
	LAYOUT_PANE,   /* a leaf */
	LAYOUT_ROWS,   /* children stacked top to bottom */
	LAYOUT_COLS,   /* children side by side */
};

struct layout_node {
	enum layout_split   split;
	int                 size;     /* cells along the parent's axis; 0: share */
	int                 weight;   /* share of what fixed sizes leave */
	struct pane        *pane;
	struct layout_node *kids[LAYOUT_MAX_KIDS];
	int                 nkids;
};

struct app;

/* Builds the tree for the current screen and state, places every pane
 * (panes left out go off screen) and frees the previous tree. */
void layout_build(struct app *a);
void layout_free(struct layout_node *n);

/* The on-screen pane at a screen cell, or NULL. */
struct pane *layout_pane_at(struct app *a, int y, int x);

#endif
