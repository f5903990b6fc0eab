/*
 * vtcon.c: one guest console's terminal model (see vtcon.h for why it
 * keeps its own grid under libvterm's state layer). Everything here runs
 * inside vtcon_feed or vtcon_resize: the libvterm callbacks update cells
 * and set damage flags; nothing draws, reads keys or does I/O except the
 * output callback the owner installs.
 *
 * Invariants the callbacks keep, so that drawing can trust the grid: a
 * cell with VTCON_A_WIDE is always followed by a VTCON_WIDE_TAIL cell and
 * every tail follows such a cell (a write that would split a pair blanks
 * the other half); the cursor and every row index stay inside the grid.
 */
#include "vtcon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "scrollback.h"
#include "utf8.h"
#include "util.h"
#include "vtfeed.h"

#define DIM_MAX 1000
/* A double-width line on a 1-column screen is 0 columns wide, and
 * libvterm 0.1.4 then puts its cursor at column -1. */
#define COLS_MIN 2

/* A screen buffer: rows are pointers into one block, so scrolling moves
 * pointers, not cells. */
struct grid {
	struct vtcon_cell **row;
	struct vtcon_cell *cells;
};

struct vtcon {
	VTerm *vt;
	VTermState *state;
	int rows, cols;
	struct grid prim, alt;   /* alt.row is NULL until the guest uses it */
	struct vtcon_cell **grid; /* prim.row or alt.row */
	struct vtcon_pen pen;    /* the guest's current pen */
	struct vtcon_pen blank;  /* default colours, no attributes */

	uint8_t *dirty;          /* per screen row */
	bool any_dirty, full, cursor_moved, title_changed;
	bool cursor_visible, reverse;

	struct scrollback *sb;   /* NULL without scrollback */
	int offset;              /* view: lines scrolled back */

	struct vtfeed feed;      /* mends libvterm's input handling */
	int wrap_row;            /* a glyph ended at the right margin of this
	                          * row: text at the next row's start wraps
	                          * (-1: none) */
	struct vtcon_cell *blank_row; /* see blank_row() */
	struct vtcon_pen blank_row_pen;
	int blank_cols;
	char title[VTCON_TITLE_MAX];
	unsigned long bells;
	vtcon_output_fn *out;
	void *out_arg;
};

static int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void
mark_rows(struct vtcon *vc, int from, int to)
{
	from = clampi(from, 0, vc->rows);
	to = clampi(to, 0, vc->rows);
	if (from < to) {
		memset(vc->dirty + from, 1, (size_t)(to - from));
		vc->any_dirty = true;
	}
}

static void
cell_blank(struct vtcon_cell *c, const struct vtcon_pen *pen)
{
	memset(c->ch, 0, sizeof c->ch);
	c->pen = *pen;
}

/* An erased cell: blank, keeping only the colours of the current pen
 * (background colour erase), as VTermScreen does. */
static struct vtcon_pen
erase_pen(const struct vtcon *vc)
{
	struct vtcon_pen p = { .fg = vc->pen.fg, .bg = vc->pen.bg };

	return p;
}

static void
grid_alloc(struct grid *g, int rows, int cols, const struct vtcon_pen *pen)
{
	g->cells = xreallocarray(NULL, (size_t)rows * (size_t)cols, sizeof *g->cells);
	g->row = xreallocarray(NULL, (size_t)rows, sizeof *g->row);
	for (int r = 0; r < rows; r++) {
		g->row[r] = g->cells + (size_t)r * (size_t)cols;
		for (int c = 0; c < cols; c++)
			cell_blank(&g->row[r][c], pen);
	}
}

static void
grid_free(struct grid *g)
{
	free(g->row);
	free(g->cells);
	g->row = NULL;
	g->cells = NULL;
}

/* Before cells [a, b) of row are overwritten: a wide character with one
 * half inside and one outside loses its outside half too. */
static void
row_unsplit(struct vtcon_cell *row, int cols, int a, int b)
{
	if (a > 0 && a < cols && row[a].ch[0] == VTCON_WIDE_TAIL) {
		memset(row[a - 1].ch, 0, sizeof row[a - 1].ch);
		row[a - 1].pen.attrs &= ~(uint32_t)VTCON_A_WIDE;
	}
	if (b > 0 && b < cols && row[b].ch[0] == VTCON_WIDE_TAIL)
		row[b].ch[0] = 0;
}

/* After cells moved within a row: blank any half left without its pair. */
static void
row_repair(struct vtcon_cell *row, int cols)
{
	for (int c = 0; c < cols; c++) {
		bool wide = row[c].pen.attrs & VTCON_A_WIDE;
		bool has_tail = c + 1 < cols && row[c + 1].ch[0] == VTCON_WIDE_TAIL;

		if (row[c].ch[0] == VTCON_WIDE_TAIL &&
		    (c == 0 || !(row[c - 1].pen.attrs & VTCON_A_WIDE)))
			row[c].ch[0] = 0;
		else if (wide && !has_tail) {
			memset(row[c].ch, 0, sizeof row[c].ch);
			row[c].pen.attrs &= ~(uint32_t)VTCON_A_WIDE;
		} else if (wide)
			c++;
	}
}

/* The view follows the lines it shows while new ones arrive. */
static void
view_pushed(struct vtcon *vc, int lines)
{
	if (vc->offset == 0)
		return;
	vc->offset += lines;
	if (vc->offset > scrollback_len(vc->sb)) {
		vc->offset = scrollback_len(vc->sb);
		vc->full = true;
	}
}

/* A row of blank cells in pen, for rows that scroll in: copying it is
 * several times cheaper than blanking cell by cell. */
static const struct vtcon_cell *
blank_row(struct vtcon *vc, const struct vtcon_pen *pen)
{
	if (vc->blank_cols != vc->cols || memcmp(&vc->blank_row_pen, pen, sizeof *pen) != 0) {
		vc->blank_row = xreallocarray(vc->blank_row, (size_t)vc->cols, sizeof *vc->blank_row);
		for (int c = 0; c < vc->cols; c++)
			cell_blank(&vc->blank_row[c], pen);
		vc->blank_row_pen = *pen;
		vc->blank_cols = vc->cols;
	}
	return vc->blank_row;
}

/* The primary screen's top row was erased or moved down: the scrollback's
 * newest line, if it wrapped, no longer goes on there. */
static void
screen_top_cut(struct vtcon *vc)
{
	if (vc->grid == vc->prim.row && vc->sb != NULL)
		scrollback_unwrap_last(vc->sb);
}

/* Reverses the row pointers [a, b). */
static void
rows_reverse(struct vtcon_cell **row, int a, int b)
{
	for (b--; a < b; a++, b--) {
		struct vtcon_cell *t = row[a];

		row[a] = row[b];
		row[b] = t;
	}
}

/* Scrolls full-width rows [top, bot) up by n (down when n < 0): rows
 * leaving the top of the primary screen go to scrollback, and the rows
 * that come in are erased. */
static void
scroll_rows(struct vtcon *vc, int top, int bot, int n)
{
	int h = bot - top, k = abs(n) < h ? abs(n) : h;
	struct vtcon_pen pen = erase_pen(vc);
	int first_new;

	if (k == 0)
		return;
	if (n < 0 && top == 0)
		screen_top_cut(vc);
	if (n > 0 && top == 0 && vc->grid == vc->prim.row && vc->sb != NULL) {
		for (int i = 0; i < k; i++)
			scrollback_push(vc->sb, vc->grid[i], vc->cols);
		view_pushed(vc, k);
	}
	/* rotate by three reversals: up by k, or down by k */
	if (n > 0) {
		rows_reverse(vc->grid, top, top + k);
		rows_reverse(vc->grid, top + k, bot);
		first_new = bot - k;
	} else {
		rows_reverse(vc->grid, top, bot - k);
		rows_reverse(vc->grid, bot - k, bot);
		first_new = top;
	}
	rows_reverse(vc->grid, top, bot);
	for (int r = first_new; r < first_new + k; r++)
		memcpy(vc->grid[r], blank_row(vc, &pen), (size_t)vc->cols * sizeof(struct vtcon_cell));
	mark_rows(vc, top, bot);
}

static VTermRect
rect_clip(const struct vtcon *vc, VTermRect r)
{
	r.start_row = clampi(r.start_row, 0, vc->rows);
	r.end_row = clampi(r.end_row, r.start_row, vc->rows);
	r.start_col = clampi(r.start_col, 0, vc->cols);
	r.end_col = clampi(r.end_col, r.start_col, vc->cols);
	return r;
}

/* --- libvterm state callbacks --- */

static int
cb_putglyph(VTermGlyphInfo *info, VTermPos pos, void *user)
{
	struct vtcon *vc = user;
	struct vtcon_cell *row, *c;
	int w = info->width == 2 ? 2 : 1;

	vtfeed_glyph(&vc->feed, info->width);
	if (pos.row < 0 || pos.row >= vc->rows || pos.col < 0 || pos.col >= vc->cols)
		return 1;
	if (pos.col + w > vc->cols)
		w = 1; /* cannot happen with libvterm's wrapping; drawn as '?' */
	/* Text that goes on at column 0 right after a glyph at the margin is
	 * a wrap (the row above, or the same index after a scroll). */
	if (vc->wrap_row >= 0 && pos.col == 0 && pos.row > 0 &&
	    (pos.row == vc->wrap_row + 1 || pos.row == vc->wrap_row))
		vc->grid[pos.row - 1][vc->cols - 1].pen.attrs |= VTCON_A_WRAPPED;
	/* (one column short: a wide glyph that does not fit there wraps) */
	vc->wrap_row = pos.col + w >= vc->cols - 1 ? pos.row : -1;
	row = vc->grid[pos.row];
	row_unsplit(row, vc->cols, pos.col, pos.col + w);
	c = &row[pos.col];
	memset(c->ch, 0, sizeof c->ch);
	for (int i = 0; i < VTCON_CELL_CHARS && i < VTERM_MAX_CHARS_PER_CELL && info->chars[i]; i++)
		c->ch[i] = info->chars[i];
	c->pen = vc->pen;
	if (vc->feed.faint)
		c->pen.attrs |= VTCON_A_FAINT;
	if (info->protected_cell)
		c->pen.attrs |= VTCON_A_PROTECTED;
	if (w == 2) {
		c->pen.attrs |= VTCON_A_WIDE;
		cell_blank(&row[pos.col + 1], &c->pen);
		row[pos.col + 1].ch[0] = VTCON_WIDE_TAIL;
		row[pos.col + 1].pen.attrs &= ~(uint32_t)VTCON_A_WIDE;
	}
	vc->dirty[pos.row] = 1;
	vc->any_dirty = true;
	return 1;
}

static int
cb_erase(VTermRect rect, int selective, void *user)
{
	struct vtcon *vc = user;
	struct vtcon_pen pen = erase_pen(vc);

	rect = rect_clip(vc, rect);
	if (rect.start_row == 0 && rect.end_row > 0 && rect.start_col == 0 && rect.end_col > 0)
		screen_top_cut(vc);
	for (int r = rect.start_row; r < rect.end_row; r++) {
		struct vtcon_cell *row = vc->grid[r];

		row_unsplit(row, vc->cols, rect.start_col, rect.end_col);
		for (int c = rect.start_col; c < rect.end_col; c++) {
			if (selective && (row[c].pen.attrs & VTCON_A_PROTECTED))
				continue;
			cell_blank(&row[c], &pen);
		}
		if (selective)
			row_repair(row, vc->cols);
	}
	mark_rows(vc, rect.start_row, rect.end_row);
	return 1;
}

/* Called by vterm_scroll_rect as (dest, src), whatever its prototype's
 * parameter names say; the rectangles have the same size. */
static int
cb_moverect(VTermRect dest, VTermRect src, void *user)
{
	struct vtcon *vc = user;
	int h = dest.end_row - dest.start_row, w = dest.end_col - dest.start_col;
	bool upward = dest.start_row <= src.start_row;

	dest = rect_clip(vc, dest);
	src = rect_clip(vc, src);
	if (h != dest.end_row - dest.start_row || h != src.end_row - src.start_row ||
	    w != dest.end_col - dest.start_col || w != src.end_col - src.start_col)
		return 1; /* not a move inside the grid; libvterm never asks */
	for (int i = 0; i < h; i++) {
		int k = upward ? i : h - 1 - i;

		memmove(&vc->grid[dest.start_row + k][dest.start_col],
		    &vc->grid[src.start_row + k][src.start_col], (size_t)w * sizeof(struct vtcon_cell));
	}
	for (int r = dest.start_row; r < dest.end_row; r++)
		row_repair(vc->grid[r], vc->cols);
	mark_rows(vc, dest.start_row, dest.end_row);
	return 1;
}

static int
cb_scrollrect(VTermRect rect, int downward, int rightward, void *user)
{
	struct vtcon *vc = user;

	rect = rect_clip(vc, rect);
	if (rect.start_row == rect.end_row || rect.start_col == rect.end_col)
		return 1;
	if (rightward == 0 && rect.start_col == 0 && rect.end_col == vc->cols) {
		scroll_rows(vc, rect.start_row, rect.end_row, downward);
		return 1;
	}
	vterm_scroll_rect(rect, downward, rightward, cb_moverect, cb_erase, vc);
	for (int r = rect.start_row; r < rect.end_row; r++)
		row_repair(vc->grid[r], vc->cols);
	return 1;
}

static int
cb_movecursor(VTermPos pos, VTermPos oldpos, int visible, void *user)
{
	struct vtcon *vc = user;

	vc->cursor_moved = true;
	/* waiting at the margin for the next glyph is no move; anything else
	 * (CR, LF, CUP) ends a wrap */
	if (vc->wrap_row >= 0 && (pos.row != vc->wrap_row || pos.col != vc->cols - 1))
		vc->wrap_row = -1;
	return 1;
}

/* Colours as stored in pens: only the bytes the type uses are set. */
static VTermColor
color_norm(const VTermColor *c)
{
	VTermColor n;

	memset(&n, 0, sizeof n);
	n.type = c->type;
	if (VTERM_COLOR_IS_INDEXED(c))
		n.indexed.idx = c->indexed.idx;
	else {
		n.rgb.red = c->rgb.red;
		n.rgb.green = c->rgb.green;
		n.rgb.blue = c->rgb.blue;
	}
	return n;
}

static void
pen_flag(struct vtcon_pen *p, uint32_t flag, bool on)
{
	if (on)
		p->attrs |= flag;
	else
		p->attrs &= ~flag;
}

static int
cb_initpen(void *user)
{
	struct vtcon *vc = user;

	vc->pen = vc->blank;
	vc->feed.faint = false;     /* a reset: faint is a pen attribute too */
	return 1;
}

static int
cb_setpenattr(VTermAttr attr, VTermValue *val, void *user)
{
	struct vtcon *vc = user;

	switch (attr) {
	case VTERM_ATTR_BOLD:
		pen_flag(&vc->pen, VTCON_A_BOLD, val->boolean);
		break;
	case VTERM_ATTR_UNDERLINE:
		pen_flag(&vc->pen, VTCON_A_UNDERLINE, val->number != 0);
		break;
	case VTERM_ATTR_ITALIC:
		pen_flag(&vc->pen, VTCON_A_ITALIC, val->boolean);
		break;
	case VTERM_ATTR_BLINK:
		pen_flag(&vc->pen, VTCON_A_BLINK, val->boolean);
		break;
	case VTERM_ATTR_REVERSE:
		pen_flag(&vc->pen, VTCON_A_REVERSE, val->boolean);
		break;
	case VTERM_ATTR_STRIKE:
		pen_flag(&vc->pen, VTCON_A_STRIKE, val->boolean);
		break;
	case VTERM_ATTR_FOREGROUND:
		vc->pen.fg = color_norm(&val->color);
		break;
	case VTERM_ATTR_BACKGROUND:
		vc->pen.bg = color_norm(&val->color);
		break;
	default:
		break; /* fonts: nothing to show */
	}
	return 1;
}

static int
cb_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct vtcon *vc = user;

	switch (prop) {
	case VTERM_PROP_CURSORVISIBLE:
		vc->cursor_visible = val->boolean;
		vc->cursor_moved = true;
		break;
	case VTERM_PROP_TITLE:
		/* 0.1.4 hands over a NUL-terminated copy of the OSC string */
		if (val->string != NULL)
			sanitize_to(val->string, strlen(val->string), vc->title, sizeof vc->title);
		vc->title_changed = true;
		break;
	case VTERM_PROP_ALTSCREEN:
		if (val->boolean && vc->alt.row == NULL)
			grid_alloc(&vc->alt, vc->rows, vc->cols, &vc->blank);
		vc->grid = val->boolean ? vc->alt.row : vc->prim.row;
		vc->full = true;
		break;
	case VTERM_PROP_REVERSE:
		vc->reverse = val->boolean;
		vc->full = true;
		break;
	default:
		break;
	}
	return 1;
}

static int
cb_bell(void *user)
{
	struct vtcon *vc = user;

	vc->bells++;
	return 1;
}

/* Whether cell c may end a line without being kept: blank on the default
 * background. */
static bool
cell_is_blank(const struct vtcon_cell *c)
{
	return (c->ch[0] == 0 || c->ch[0] == ' ') && c->ch[1] == 0 &&
	    VTERM_COLOR_IS_DEFAULT_BG(&c->pen.bg) && !(c->pen.attrs & VTCON_A_REVERSE);
}

static bool
row_is_blank(const struct vtcon_cell *row, int cols)
{
	for (int c = 0; c < cols; c++)
		if (!cell_is_blank(&row[c]))
			return false;
	return true;
}

/* Copies g (old size) into a new grid of rows x cols starting at old row
 * `first`; cells that were not there are blank. */
static void
grid_resize(struct grid *g, int old_rows, int old_cols, int rows, int cols, int first,
    const struct vtcon_pen *blank)
{
	struct grid n;
	int w = cols < old_cols ? cols : old_cols;

	grid_alloc(&n, rows, cols, blank);
	for (int r = 0; r < rows && first + r < old_rows; r++) {
		memcpy(n.row[r], g->row[first + r], (size_t)w * sizeof(struct vtcon_cell));
		row_repair(n.row[r], cols);
	}
	grid_free(g);
	*g = n;
}

/* Makes row `r` of the reflow buffer exist (blank), growing it. */
static struct vtcon_cell *
reflow_row(struct vtcon_cell **out, int *alloc, int r, int cols, const struct vtcon_pen *blank)
{
	if (r >= *alloc) {
		int was = *alloc;
		*alloc = r * 2 + 8;
		*out = xreallocarray(*out, (size_t)*alloc, (size_t)cols * sizeof **out);
		for (size_t k = (size_t)was * (size_t)cols; k < (size_t)*alloc * (size_t)cols; k++)
			cell_blank(&(*out)[k], blank);
	}
	return *out + (size_t)r * (size_t)cols;
}

/* reflow's rows: the buffer grows by one blank row each time. */
struct screen_rewrap {
	struct vtcon_cell     **out;
	int                    *alloc, *nrows;
	const struct vtcon_pen *blank;
};

static void
screen_rewrap_next(struct rewrap *w)
{
	struct screen_rewrap *r = w->arg;

	w->row = reflow_row(r->out, r->alloc, ++*r->nrows, w->cols, r->blank);
}

/* The scrollback and the primary screen at a new width: each run of
 * lines joined by wraps is one line, wrapped again at `cols` (a wide
 * character that would be cut goes to the next row); a line the
 * scrollback's newest wrapped into goes on from the screen's top. Rows
 * that do not fit go to scrollback from the top, after blank rows below
 * the cursor. Sets the cursor's new place (cur.row -1: no cursor here). */
static void
reflow(struct vtcon *vc, int old_rows, int old_cols, int rows, int cols, VTermPos cur,
    VTermPos *to)
{
	struct vtcon_cell *out = NULL, *carry = NULL;
	int alloc = 0, nrows = 0, drop, ncarry = 0;
	struct screen_rewrap sr = { .out = &out, .alloc = &alloc, .nrows = &nrows, .blank = &vc->blank };
	struct rewrap w = { .cols = cols, .next_row = screen_rewrap_next, .arg = &sr };
	struct grid n;

	if (vc->sb != NULL) {
		carry = xreallocarray(NULL, (size_t)cols, sizeof *carry);
		scrollback_reflow(vc->sb, cols, &vc->blank, carry, &ncarry);
		/* the gap a wide character left when it wrapped to the top row */
		if (ncarry > 0 && cell_is_blank(&carry[ncarry - 1]) &&
		    (vc->prim.row[0][0].pen.attrs & VTCON_A_WIDE))
			ncarry--;
	}
	to->row = to->col = 0;
	for (int r = 0; r < old_rows;) {
		int e = r, len, at = -1;

		while (e + 1 < old_rows && (vc->prim.row[e][old_cols - 1].pen.attrs & VTCON_A_WRAPPED))
			e++;
		len = old_cols;
		while (len > 0 && cell_is_blank(&vc->prim.row[e][len - 1]))
			len--;
		len += (e - r) * old_cols;
		if (cur.row >= r && cur.row <= e) {
			at = (cur.row - r) * old_cols + cur.col;
			if (at + 1 > len)
				len = at + 1;   /* the blanks up to the cursor are kept */
		}
		w.row = reflow_row(&out, &alloc, nrows, cols, &vc->blank);
		w.col = 0;
		if (r == 0 && ncarry > 0) {
			memcpy(w.row, carry, (size_t)ncarry * sizeof *carry);
			w.col = ncarry;
		}
		for (int i = 0; i < len; i++) {
			const struct vtcon_cell *c = &vc->prim.row[r + i / old_cols][i % old_cols];

			if (i == at) {
				to->row = nrows;
				to->col = w.col < cols ? w.col : cols - 1;
			}
			if (i % old_cols == old_cols - 1 && i + 1 < len && cell_is_blank(c) &&
			    (vc->prim.row[r + i / old_cols + 1][0].pen.attrs & VTCON_A_WIDE))
				continue;   /* the gap a wide character left when it wrapped */
			if (rewrap_put(&w, c, i + 1 < len ? &vc->prim.row[r + (i + 1) / old_cols][(i + 1) % old_cols]
			    : NULL) && i == at)
				to->row = nrows, to->col = 0;
		}
		nrows++;
		r = e + 1;
	}
	/* blank rows below the cursor go first, then rows from the top */
	while (nrows > rows && nrows - 1 > to->row) {
		bool blank = true;
		for (int c = 0; c < cols && blank; c++)
			blank = cell_is_blank(&out[(size_t)(nrows - 1) * (size_t)cols + (size_t)c]);
		if (!blank)
			break;
		nrows--;
	}
	drop = nrows > rows ? nrows - rows : 0;
	if (vc->sb != NULL) {
		for (int i = 0; i < drop; i++)
			scrollback_push(vc->sb, out + (size_t)i * (size_t)cols, cols);
		view_pushed(vc, drop);
	}
	grid_alloc(&n, rows, cols, &vc->blank);
	for (int r = 0; r < rows && drop + r < nrows; r++) {
		memcpy(n.row[r], out + (size_t)(drop + r) * (size_t)cols, (size_t)cols * sizeof *out);
		row_repair(n.row[r], cols);
	}
	grid_free(&vc->prim);
	vc->prim = n;
	free(out);
	free(carry);
	to->row -= drop;
}

/* The state layer resized; the cursor moves by *delta afterwards. On the
 * primary screen, rows that would fall off the bottom (content or cursor
 * below the new last row) leave by the top into scrollback, and when the
 * screen grows, lines come back from scrollback above the content. */
static int
cb_resize(int rows, int cols, VTermPos *delta, void *user)
{
	struct vtcon *vc = user;
	bool on_alt = vc->grid == vc->alt.row && vc->alt.row != NULL;
	int old_rows = vc->rows, drop = 0, back = 0;
	VTermPos cur;

	vterm_state_get_cursorpos(vc->state, &cur);
	vc->wrap_row = -1;
	if (cols != vc->cols) {
		/* under the alternate screen too: the scrollback goes on into
		 * the primary screen, and both are text the user may read again */
		VTermPos to, none = { .row = -1, .col = -1 };

		reflow(vc, old_rows, vc->cols, rows, cols, on_alt ? none : cur, &to);
		if (vc->alt.row != NULL)
			grid_resize(&vc->alt, old_rows, vc->cols, rows, cols, 0, &vc->blank);
		if (!on_alt) {
			delta->row = to.row - cur.row;
			delta->col = to.col - cur.col;
		}
		vc->grid = on_alt ? vc->alt.row : vc->prim.row;
		vc->rows = rows;
		vc->cols = cols;
		vc->dirty = xrealloc(vc->dirty, (size_t)rows);
		vc->offset = clampi(vc->offset, 0, vc->sb ? scrollback_len(vc->sb) : 0);
		vc->full = true;
		mark_rows(vc, 0, rows);
		return 1;
	}
	if (!on_alt && rows < old_rows) {
		int keep = old_rows;

		while (keep > rows && keep - 1 > cur.row && row_is_blank(vc->prim.row[keep - 1], vc->cols))
			keep--;
		drop = keep - rows > 0 ? keep - rows : 0;
		if (vc->sb != NULL) {
			for (int i = 0; i < drop; i++)
				scrollback_push(vc->sb, vc->prim.row[i], vc->cols);
			view_pushed(vc, drop);
		}
	}
	grid_resize(&vc->prim, old_rows, vc->cols, rows, cols, drop, &vc->blank);
	if (vc->alt.row != NULL)
		grid_resize(&vc->alt, old_rows, vc->cols, rows, cols, 0, &vc->blank);
	vc->grid = on_alt ? vc->alt.row : vc->prim.row;
	vc->rows = rows;
	vc->cols = cols;
	vc->dirty = xrealloc(vc->dirty, (size_t)rows);
	delta->row -= drop;

	if (!on_alt && rows > old_rows && vc->sb != NULL) {
		back = rows - old_rows;
		if (back > scrollback_len(vc->sb))
			back = scrollback_len(vc->sb);
		/* the new blank rows at the bottom move to the top, then fill */
		rows_reverse(vc->grid, 0, rows - back);
		rows_reverse(vc->grid, rows - back, rows);
		rows_reverse(vc->grid, 0, rows);
		for (int r = back - 1; r >= 0; r--)
			scrollback_pop(vc->sb, vc->grid[r], cols, &vc->blank);
		delta->row += back;
	}
	vc->offset = clampi(vc->offset, 0, vc->sb ? scrollback_len(vc->sb) : 0);
	vc->full = true;
	mark_rows(vc, 0, rows);
	return 1;
}

static int
cb_setlineinfo(int row, const VTermLineInfo *newinfo, const VTermLineInfo *oldinfo, void *user)
{
	return 1; /* double-width lines are drawn single-width */
}

static const VTermStateCallbacks state_callbacks = {
	.putglyph = cb_putglyph,
	.movecursor = cb_movecursor,
	.scrollrect = cb_scrollrect,
	.moverect = cb_moverect,
	.erase = cb_erase,
	.initpen = cb_initpen,
	.setpenattr = cb_setpenattr,
	.settermprop = cb_settermprop,
	.bell = cb_bell,
	.resize = cb_resize,
	.setlineinfo = cb_setlineinfo,
};

static void on_output(const char *s, size_t len, void *user);

/* CSI 18 t and CSI 19 t ask for the text area's size in characters;
 * the `resize` program of a serial-console guest asks this, or moves to
 * 999;999 and asks for the cursor (libvterm answers that one). 0.1.4
 * does not answer these, so they are answered here, with the console's
 * size: the size the guest's screen is emulated at. */
static int
fb_csi(const char *leader, const long args[], int argcount, const char *intermed, char command,
    void *user)
{
	struct vtcon *vc = user;
	char reply[48];
	long what;
	int n;

	if (command != 't' || leader != NULL || intermed != NULL || argcount < 1)
		return 0;
	what = CSI_ARG(args[0]);
	if (what != 18 && what != 19)
		return 0;
	n = snprintf(reply, sizeof reply, "\033[%d;%d;%dt", what == 18 ? 8 : 9, vc->rows, vc->cols);
	on_output(reply, (size_t)n, vc);
	return 1;
}

static const VTermParserCallbacks fallbacks = {
	.csi = fb_csi,
};

static void
on_output(const char *s, size_t len, void *user)
{
	struct vtcon *vc = user;

	if (vc->out != NULL)
		vc->out(s, len, vc->out_arg);
}

/* --- public API --- */

struct vtcon *
vtcon_new(int rows, int cols, int sb_lines)
{
	struct vtcon *vc = xcalloc(1, sizeof *vc);
	VTermColor fg, bg;

	vc->rows = clampi(rows, 1, DIM_MAX);
	vc->cols = clampi(cols, COLS_MIN, DIM_MAX);
	vc->vt = vterm_new(vc->rows, vc->cols);
	if (vc->vt == NULL)
		fatal("out of memory for a terminal of %dx%d", vc->cols, vc->rows);
	vterm_set_utf8(vc->vt, 1);
	vc->state = vterm_obtain_state(vc->vt);
	vterm_state_get_default_colors(vc->state, &fg, &bg);
	vc->blank.fg = color_norm(&fg);
	vc->blank.bg = color_norm(&bg);
	vc->pen = vc->blank;
	grid_alloc(&vc->prim, vc->rows, vc->cols, &vc->blank);
	vc->grid = vc->prim.row;
	vc->dirty = xcalloc((size_t)vc->rows, 1);
	if (sb_lines < 0)
		sb_lines = VTCON_SB_DEFAULT;
	if (sb_lines > 0)
		vc->sb = scrollback_new(sb_lines);
	vc->cursor_visible = true;
	vc->full = true;
	vterm_state_set_callbacks(vc->state, &state_callbacks, vc);
	vterm_state_set_unrecognised_fallbacks(vc->state, &fallbacks, vc);
	vterm_output_set_callback(vc->vt, on_output, vc);
	vterm_state_reset(vc->state, 1);
	/* REP (CSI n b) needs a glyph printed before it (see vtfeed.c): a
	 * space printed and erased gives it one */
	vtfeed_init(&vc->feed);
	vc->wrap_row = -1;
	vtcon_feed(vc, " \r\x1b[K", 5);
	return vc;
}

void
vtcon_free(struct vtcon *vc)
{
	if (vc == NULL)
		return;
	vterm_free(vc->vt);
	grid_free(&vc->prim);
	grid_free(&vc->alt);
	scrollback_free(vc->sb);
	free(vc->dirty);
	vtfeed_free(&vc->feed);
	free(vc->blank_row);
	free(vc);
}

void
vtcon_set_output(struct vtcon *vc, vtcon_output_fn *fn, void *arg)
{
	vc->out = fn;
	vc->out_arg = arg;
}

void
vtcon_feed(struct vtcon *vc, const void *bytes, size_t len)
{
	vtfeed_write(&vc->feed, vc->vt, bytes, len);
}

void
vtcon_resize(struct vtcon *vc, int rows, int cols)
{
	rows = clampi(rows, 1, DIM_MAX);
	cols = clampi(cols, COLS_MIN, DIM_MAX);
	if (rows != vc->rows || cols != vc->cols) {
		vterm_set_size(vc->vt, rows, cols);
		vtfeed_resized(vc->vt);
	}
}

void
vtcon_size(const struct vtcon *vc, int *rows, int *cols)
{
	*rows = vc->rows;
	*cols = vc->cols;
}

int
vtcon_scroll(struct vtcon *vc, int lines)
{
	long max = vc->sb ? scrollback_len(vc->sb) : 0;
	long to = (long)vc->offset + lines;

	to = to < 0 ? 0 : to > max ? max : to;

	if (to != vc->offset) {
		vc->offset = (int)to;
		vc->full = true;
	}
	return vc->offset;
}

int
vtcon_scroll_offset(const struct vtcon *vc)
{
	return vc->offset;
}

int
vtcon_sb_lines(const struct vtcon *vc)
{
	return vc->sb ? scrollback_len(vc->sb) : 0;
}

bool
vtcon_is_dirty(const struct vtcon *vc)
{
	return vc->full || vc->any_dirty || vc->cursor_moved || vc->title_changed;
}

void
vtcon_invalidate(struct vtcon *vc)
{
	vc->full = true;
}

bool
vtcon_view_dirty(const struct vtcon *vc, int view_row)
{
	if (view_row < 0 || view_row >= vc->rows)
		return false;
	if (vc->full)
		return true;
	/* scrolled back, any change may show anywhere: repaint it all */
	return vc->offset > 0 ? vc->any_dirty : vc->dirty[view_row] != 0;
}

const struct vtcon_cell *
vtcon_view_row(const struct vtcon *vc, int view_row, struct vtcon_cell *scratch)
{
	int line;

	if (view_row < 0 || view_row >= vc->rows)
		return NULL;
	if (vc->offset == 0)
		return vc->grid[view_row];
	line = scrollback_len(vc->sb) - vc->offset + view_row;
	if (line >= scrollback_len(vc->sb))
		return vc->grid[line - scrollback_len(vc->sb)];
	scrollback_get(vc->sb, line, scratch, vc->cols, &vc->blank);
	return scratch;
}

void
vtcon_mark_clean(struct vtcon *vc)
{
	memset(vc->dirty, 0, (size_t)vc->rows);
	vc->any_dirty = vc->full = vc->cursor_moved = vc->title_changed = false;
}

bool
vtcon_reverse_video(const struct vtcon *vc)
{
	return vc->reverse;
}

bool
vtcon_cursor(const struct vtcon *vc, int *row, int *col)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vc->state, &pos);
	*row = clampi(pos.row, 0, vc->rows - 1);
	*col = clampi(pos.col, 0, vc->cols - 1);
	return vc->cursor_visible;
}

const char *
vtcon_title(const struct vtcon *vc)
{
	return vc->title;
}

unsigned long
vtcon_bells(const struct vtcon *vc)
{
	return vc->bells;
}

size_t
vtcon_memory(const struct vtcon *vc)
{
	size_t grid = (size_t)vc->rows * ((size_t)vc->cols * sizeof(struct vtcon_cell) + sizeof(void *));

	return sizeof *vc + grid * (vc->alt.row ? 2 : 1) + (size_t)vc->rows +
	    vc->feed.join_size + vc->feed.clean_size + (vc->sb ? scrollback_bytes(vc->sb) : 0);
}

int
vtcon_line(const struct vtcon *vc, int line, struct vtcon_cell *out, int n)
{
	if (line >= 0) {
		if (line >= vc->rows)
			return -1;
		for (int c = 0; c < n; c++) {
			if (c < vc->cols)
				out[c] = vc->grid[line][c];
			else
				cell_blank(&out[c], &vc->blank);
		}
		if (n < vc->cols)
			row_repair(out, n);
		return 0;
	}
	if (vc->sb == NULL)
		return -1;
	return scrollback_get(vc->sb, scrollback_len(vc->sb) + line, out, n, &vc->blank);
}

/* A character text output may carry: no controls, no invalid values. */
static uint32_t
printable(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return '?';
	return cp;
}

int
vtcon_line_text(const struct vtcon *vc, int line, char *buf, size_t size)
{
	struct vtcon_cell *cells = xreallocarray(NULL, (size_t)vc->cols, sizeof *cells);
	size_t len = 0, keep = 0;

	if (size == 0 || vtcon_line(vc, line, cells, vc->cols) < 0) {
		free(cells);
		if (size > 0)
			buf[0] = '\0';
		return -1;
	}
	for (int c = 0; c < vc->cols; c++) {
		char tmp[VTCON_CELL_CHARS * 4];
		size_t n = 0;

		if (cells[c].ch[0] == VTCON_WIDE_TAIL)
			continue;
		n += (size_t)utf8_encode(cells[c].ch[0] ? printable(cells[c].ch[0]) : ' ', tmp);
		for (int k = 1; k < VTCON_CELL_CHARS && cells[c].ch[k]; k++)
			n += (size_t)utf8_encode(printable(cells[c].ch[k]), tmp + n);
		if (len + n >= size)
			break;
		memcpy(buf + len, tmp, n);
		len += n;
		if (!(n == 1 && tmp[0] == ' '))
			keep = len;
	}
	buf[keep] = '\0';
	free(cells);
	return (int)keep;
}

VTerm *
vtcon_vterm(struct vtcon *vc)
{
	return vc->vt;
}
