/*
 * vtcon-draw.h: paints a vtcon's view into a curses window, mapping the
 * guest's colours to what the terminal has. It reads the model and clears
 * its damage flags; it never changes the guest's screen.
 */
#ifndef SANDLAB_VTCON_DRAW_H
#define SANDLAB_VTCON_DRAW_H

#include <curses.h>
#include <stdbool.h>

#include "vtcon.h"

/* Colours a terminal offers, as vtcon_colors.ncolors. */
#define VTCON_COLORS_DIRECT (1 << 24) /* colour numbers are 0xRRGGBB */

/* How guest colours become curses colours. */
struct vtcon_colors {
	int fg, bg;  /* the guest's default colours; -1: the terminal's own
		      * (needs use_default_colors or assume_default_colors) */
	int ncolors; /* 0 (attributes only, e.g. NO_COLOR), 8, 16, 256 or
		      * VTCON_COLORS_DIRECT */
};

/* What this terminal can show (after start_color), defaults -1/-1. */
void vtcon_colors_from_terminal(struct vtcon_colors *map);
/* The terminal colour number nearest to c among ncolors (8, 16, 256 or
 * VTCON_COLORS_DIRECT); -1 for a default colour. With 8 colours a bright
 * one (8..15) maps to its dark twin and sets *bright (drawn bold when it
 * is a foreground). */
int vtcon_color_number(const VTermColor *c, int ncolors, bool *bright);

/* Paints the view rows that changed (all after vtcon_invalidate, a
 * resize or a scroll) at the top-left of win, clipped to it, and clears
 * the damage. Returns true when the guest's cursor is visible in win:
 * then win's cursor is left there, so refresh this window last and show
 * the terminal cursor. */
bool vtcon_draw(struct vtcon *vc, WINDOW *win, const struct vtcon_colors *map);
/* The same with the guest's cell (top, left) at win's top-left: win is a
 * viewport on a guest screen larger than it. The caller invalidates the
 * console when it moves the viewport. */
bool vtcon_draw_at(struct vtcon *vc, WINDOW *win, const struct vtcon_colors *map, int top, int left);

#endif
