/*
 * keys.h: THE key table. Each row names its keys, the context it applies
 * in, the action and its help text; dispatch, the `?` help window, the
 * status line hints and the README's key list all read this one table.
 */
#ifndef SANDLAB_UI_KEYS_H
#define SANDLAB_UI_KEYS_H

#include <curses.h>
#include <stdio.h>

#include "input.h"

struct app;

/* Contexts: where the focus is. A row applies when its contexts and the
 * current ones share a bit. */
enum key_ctx {
	KCTX_GLOBAL  = 1u << 0,   /* anywhere in the dashboard */
	KCTX_LIST    = 1u << 1,   /* the images or nodes list */
	KCTX_IMAGES  = 1u << 2,   /* the images list */
	KCTX_NODES   = 1u << 3,   /* the nodes list */
	KCTX_CONSOLE = 1u << 4,   /* a console pane, not entered */
	KCTX_ENTERED = 1u << 5,   /* inside a console: keys go to the guest */
	KCTX_LINKS   = 1u << 6,   /* the links view is open */
	KCTX_MAP     = 1u << 7,   /* the map is open */
};

struct key_row {
	const char *keys;      /* key names (input_key_parse), space-separated; NULL: the
	                          configurable console escape key */
	unsigned    ctx;
	void      (*fn)(struct app *a);
	const char *hint;      /* short word for the status line, or NULL */
	const char *help;
};

/* Parses the table's key names (once). */
void keys_init(void);

/* The contexts that apply now. */
unsigned keys_context(const struct app *a);

/* Runs the action bound to k in the current context; 1 when one ran. */
int keys_dispatch(struct app *a, const struct input_key *k);

/* Draws as many "key hint" pairs of the context as fit in w columns of
 * the status line at (y, x); returns the columns used. */
int keys_draw_hints(const struct app *a, WINDOW *win, int y, int x, int w);

/* Opens the help window. */
void keys_help_open(struct app *a);

/* Writes the table as a Markdown list (for the README). */
void keys_markdown(FILE *f, const char *escape_name);

#endif
