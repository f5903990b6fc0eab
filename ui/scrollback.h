/*
 * scrollback.h: a ring of lines that scrolled off a console's screen, each
 * kept compact (UTF-8 text plus runs of identical pens, trailing blanks
 * dropped) so 10,000 lines of a wide console cost a few megabytes, not the
 * 64 MB their cells would. Lines are numbered from 0, the oldest.
 */
#ifndef SANDLAB_SCROLLBACK_H
#define SANDLAB_SCROLLBACK_H

#include <stddef.h>

#include "vtcon.h"

struct scrollback;

/* A ring of at most cap lines (cap >= 1). Aborts on no memory. */
struct scrollback *scrollback_new(int cap);
void scrollback_free(struct scrollback *sb);
int scrollback_len(const struct scrollback *sb);

/* Appends a copy of cells[0..n); when full, the oldest line goes. Trailing
 * cells that are blank on the default background are not kept; whether
 * the text wrapped on (VTCON_A_WRAPPED on cells[n-1]) and at what width
 * is, for scrollback_reflow. */
void scrollback_push(struct scrollback *sb, const struct vtcon_cell *cells, int n);
/* Line i into out[0..n): its cells, then cells of pen blank; a wide character
 * that would be cut by the right edge becomes a blank; out[n-1] has
 * VTCON_A_WRAPPED when the line wrapped at width n. -1 when no line i. */
int scrollback_get(const struct scrollback *sb, int i, struct vtcon_cell *out, int n,
    const struct vtcon_pen *blank);
/* Removes the newest line, decoded into out as by scrollback_get. */
int scrollback_pop(struct scrollback *sb, struct vtcon_cell *out, int n,
    const struct vtcon_pen *blank);
/* Every line at a new width, as the screen is reflowed: lines that
 * wrapped (pushed with VTCON_A_WRAPPED on their last cell) are joined and
 * cut again at cols, a wide character never split; a line that ended
 * stays ended. When the newest line wrapped on to the screen below it,
 * its unfinished last row is not kept but copied to carry (cols cells)
 * and *ncarry set to its cells, for the screen to go on from; else
 * *ncarry is 0. The cap holds: when the lines grow more, the oldest go.
 * Old lines are freed as they are read, so memory stays near one ring. */
void scrollback_reflow(struct scrollback *sb, int cols, const struct vtcon_pen *blank,
    struct vtcon_cell *carry, int *ncarry);
/* A row being filled by a reflow (the scrollback's or the screen's): the
 * cells of a joined line are put in one at a time, and the row wraps when
 * the next would not fit. next_row is called with the full row (its last
 * cell already marked VTCON_A_WRAPPED) and must point row at a blank one. */
struct rewrap {
	struct vtcon_cell *row;
	int                cols, col;
	void             (*next_row)(struct rewrap *w);
	void              *arg;
};
/* Puts c at the end of w's row, with its right half `right` when c is
 * wide and right is not NULL (a wide cell with nothing after it counts as
 * one column); the right half of a wide character (VTCON_WIDE_TAIL) comes
 * with its left and is skipped. 1 when c began a new row, else 0. */
int rewrap_put(struct rewrap *w, const struct vtcon_cell *c, const struct vtcon_cell *right);

/* The newest line no longer goes on to the screen (the screen's top was
 * erased or moved down): it ends where it ends. */
void scrollback_unwrap_last(struct scrollback *sb);
/* Heap bytes the lines and the ring hold (for benchmarks). */
size_t scrollback_bytes(const struct scrollback *sb);

#endif
