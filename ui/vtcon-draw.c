/*
 * vtcon-draw.c: the console's drawing layer. Reads a vtcon's view rows
 * and paints the damaged ones with curses; colour pairs come from
 * alloc_pair through a small cache. It must not change the model beyond
 * clearing its damage flags, and it never writes to the terminal itself
 * (the caller's doupdate does).
 *
 * Every character reaches curses only if the terminal would draw it with
 * the width libvterm gave it; anything else (controls, characters this
 * libc does not know, width disagreements) is drawn as '?', padded to
 * the same width, so a guest can neither shift the pane's columns nor
 * send the outer terminal a control character.
 */
#include "vtcon-draw.h"

#include <string.h>
#include <wchar.h>

#include "util.h"

/* xterm's default 16 colours, to find the nearest one. */
static const unsigned char ansi_rgb[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
};
/* Levels of the 6x6x6 cube of the 256-colour palette. */
static const int cube_level[6] = { 0, 95, 135, 175, 215, 255 };

static void
index_rgb(int i, int rgb[3])
{
	if (i < 16) {
		for (int k = 0; k < 3; k++)
			rgb[k] = ansi_rgb[i][k];
	} else if (i < 232) {
		i -= 16;
		rgb[0] = cube_level[i / 36];
		rgb[1] = cube_level[i / 6 % 6];
		rgb[2] = cube_level[i % 6];
	} else
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (i - 232);
}

static int
dist2(const int rgb[3], int r, int g, int b)
{
	return (rgb[0] - r) * (rgb[0] - r) + (rgb[1] - g) * (rgb[1] - g) + (rgb[2] - b) * (rgb[2] - b);
}

static int
nearest_ansi(const int rgb[3], int n)
{
	int best = 0, bestd = -1;

	for (int i = 0; i < n; i++) {
		int d = dist2(rgb, ansi_rgb[i][0], ansi_rgb[i][1], ansi_rgb[i][2]);

		if (bestd < 0 || d < bestd) {
			best = i;
			bestd = d;
		}
	}
	return best;
}

static int
cube_step(int v)
{
	return v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40;
}

/* The nearest of the cube and grey ramp (16..255): colours 0..15 are
 * often themed, so an exact RGB request does not land on them. */
static int
nearest_256(const int rgb[3])
{
	int r = cube_step(rgb[0]), g = cube_step(rgb[1]), b = cube_step(rgb[2]);
	int avg = (rgb[0] + rgb[1] + rgb[2]) / 3;
	int grey = avg > 238 ? 23 : avg < 8 ? 0 : (avg - 3) / 10;
	int gl = 8 + 10 * grey;

	if (dist2(rgb, gl, gl, gl) < dist2(rgb, cube_level[r], cube_level[g], cube_level[b]))
		return 232 + grey;
	return 16 + 36 * r + 6 * g + b;
}

int
vtcon_color_number(const VTermColor *c, int ncolors, bool *bright)
{
	int rgb[3], n;

	*bright = false;
	if (VTERM_COLOR_IS_DEFAULT_FG(c) || VTERM_COLOR_IS_DEFAULT_BG(c) || ncolors < 8)
		return -1;
	if (VTERM_COLOR_IS_INDEXED(c)) {
		int i = c->indexed.idx;

		if (i < 8 || (ncolors >= 16 && i < 16) || (ncolors >= 256 && ncolors != VTCON_COLORS_DIRECT))
			return i;
		if (ncolors == 8 && i < 16) {
			*bright = true;
			return i - 8;
		}
		index_rgb(i, rgb);
	} else {
		rgb[0] = c->rgb.red;
		rgb[1] = c->rgb.green;
		rgb[2] = c->rgb.blue;
	}
	if (ncolors == VTCON_COLORS_DIRECT) {
		/* numbers below 8 are the ANSI colours there, not near-blacks */
		n = rgb[0] << 16 | rgb[1] << 8 | rgb[2];
		return n < 8 ? 0 : n;
	}
	if (ncolors >= 256)
		return nearest_256(rgb);
	n = nearest_ansi(rgb, 16);
	if (ncolors < 16 && n >= 8) {
		*bright = true;
		n -= 8;
	}
	return n;
}

void
vtcon_colors_from_terminal(struct vtcon_colors *map)
{
	map->fg = map->bg = -1;
	if (!has_colors() || COLORS < 8)
		map->ncolors = 0;
	else if (COLORS >= VTCON_COLORS_DIRECT)
		map->ncolors = VTCON_COLORS_DIRECT;
	else if (COLORS >= 256)
		map->ncolors = 256;
	else if (COLORS >= 16)
		map->ncolors = 16;
	else
		map->ncolors = 8;
}

/* alloc_pair looks pairs up itself, but a guest changes colours every few
 * cells; this direct-mapped cache answers most of those. An entry is
 * checked against the pair's current colours, because alloc_pair may
 * recycle a pair when all are in use. One cache serves every console:
 * pairs belong to the curses screen, not to a console. */
#define PAIR_CACHE 4096
static struct {
	int fg, bg, pair;
} pair_cache[PAIR_CACHE];

static int
pair_for(int fg, int bg)
{
	unsigned h = ((unsigned)fg * 2654435761u ^ (unsigned)bg * 40503u) % PAIR_CACHE;
	int f, b, p;

	if (pair_cache[h].pair > 0 && pair_cache[h].fg == fg && pair_cache[h].bg == bg &&
	    extended_pair_content(pair_cache[h].pair, &f, &b) == OK && f == fg && b == bg)
		return pair_cache[h].pair;
	p = alloc_pair(fg, bg);
	if (p <= 0)
		return 0; /* out of pairs, or no default colours: plain */
	pair_cache[h].fg = fg;
	pair_cache[h].bg = bg;
	pair_cache[h].pair = p;
	return p;
}

/* Curses attributes and colour pair for a pen. */
static void
pen_look(const struct vtcon_pen *pen, bool reverse_all, const struct vtcon_colors *map,
    attr_t *attrs, int *pair)
{
	attr_t a = 0;
	bool bright;
	int fg, bg;

	if (pen->attrs & VTCON_A_BOLD)
		a |= A_BOLD;
	if (pen->attrs & VTCON_A_UNDERLINE)
		a |= A_UNDERLINE;
	if (pen->attrs & VTCON_A_ITALIC)
		a |= A_ITALIC;
	if (pen->attrs & VTCON_A_BLINK)
		a |= A_BLINK;
	if (pen->attrs & VTCON_A_FAINT)
		a |= A_DIM;
	if (((pen->attrs & VTCON_A_REVERSE) != 0) != reverse_all)
		a |= A_REVERSE;
	*pair = 0;
	if (map->ncolors < 8) {
		*attrs = a;
		return;
	}
	fg = vtcon_color_number(&pen->fg, map->ncolors, &bright);
	if (fg < 0)
		fg = map->fg;
	else if (bright)
		a |= A_BOLD;
	bg = vtcon_color_number(&pen->bg, map->ncolors, &bright);
	if (bg < 0)
		bg = map->bg;
	*attrs = a;
	*pair = pair_for(fg, bg);
}

/* Marks that make a terminal join or widen what the grid keeps apart:
 * ZERO WIDTH JOINER (libvterm puts the emoji of a ZWJ sequence in cells
 * of their own, 2 columns each, where a terminal that joins them draws 2
 * in all) and VARIATION SELECTOR-16 (some terminals draw a 1-column
 * character followed by it in 2). Sent, they shift the rest of the row
 * on the screen and leave stale cells; kept back, each glyph is drawn in
 * the columns the grid gives it. */
static bool
cell_mark_joins(uint32_t ch)
{
	return ch == 0x200d || ch == 0xfe0f;
}

/* The characters curses gets for cell c, which takes `cols` columns on
 * the guest's screen; returns the columns they take (1 when replaced). */
static int
cell_glyph(const struct vtcon_cell *c, int cols, wchar_t wc[CCHARW_MAX + 1])
{
	wchar_t base = c->ch[0] ? (wchar_t)c->ch[0] : L' ';
	int k = 1;

	if (c->ch[0] > 0x10ffff || wcwidth(base) != cols) {
		wc[0] = L'?';
		wc[1] = 0;
		return 1;
	}
	wc[0] = base;
	for (int i = 1; i < VTCON_CELL_CHARS && c->ch[i] && k < CCHARW_MAX; i++)
		if (c->ch[i] <= 0x10ffff && wcwidth((wchar_t)c->ch[i]) == 0 && !cell_mark_joins(c->ch[i]))
			wc[k++] = (wchar_t)c->ch[i];
	wc[k] = 0;
	return cols;
}

static void
paint_row(WINDOW *win, int y, const struct vtcon_cell *cells, int n, bool reverse_all,
    const struct vtcon_colors *map, cchar_t *line)
{
	const struct vtcon_pen *last = NULL;
	attr_t a = 0;
	int pair = 0, k = 0;

	for (int x = 0; x < n; x++) {
		const struct vtcon_cell *c = &cells[x];
		wchar_t wc[CCHARW_MAX + 1];
		int cols = (c->pen.attrs & VTCON_A_WIDE) && x + 1 < n ? 2 : 1;

		if (c->ch[0] == VTCON_WIDE_TAIL && x > 0)
			continue; /* drawn with its left half */
		if (c->ch[0] == VTCON_WIDE_TAIL) {
			/* its left half is left of the view: a blank keeps the columns */
			static const wchar_t blank[2] = { L' ', 0 };
			pen_look(&c->pen, reverse_all, map, &a, &pair);
			last = &c->pen;
			setcchar(&line[k++], blank, a, 0, &pair);
			continue;
		}
		if (last == NULL || memcmp(&c->pen, last, sizeof *last) != 0) {
			pen_look(&c->pen, reverse_all, map, &a, &pair);
			last = &c->pen;
		}
		if (cell_glyph(c, cols, wc) < cols) {
			setcchar(&line[k++], wc, a, 0, &pair);
			wc[0] = L' ';
		}
		setcchar(&line[k++], wc, a, 0, &pair);
	}
	mvwadd_wchnstr(win, y, 0, line, k);
}

bool
vtcon_draw(struct vtcon *vc, WINDOW *win, const struct vtcon_colors *map)
{
	return vtcon_draw_at(vc, win, map, 0, 0);
}

bool
vtcon_draw_at(struct vtcon *vc, WINDOW *win, const struct vtcon_colors *map, int top, int left)
{
	static cchar_t *line;
	static struct vtcon_cell *scratch;
	static int have;
	int rows, cols, wrows, wcols, n, cr, cc, vrows, vcols;
	bool painted = false, visible;

	getmaxyx(win, wrows, wcols);
	vtcon_size(vc, &rows, &cols);
	if (cols > have) {
		line = xreallocarray(line, (size_t)cols, sizeof *line);
		scratch = xreallocarray(scratch, (size_t)cols, sizeof *scratch);
		have = cols;
	}
	top = top < 0 ? 0 : top >= rows ? rows - 1 : top;
	left = left < 0 ? 0 : left >= cols ? cols - 1 : left;
	vrows = rows - top;     /* the part of the guest's screen in view */
	vcols = cols - left;
	n = vcols < wcols ? vcols : wcols;
	for (int y = 0; y < vrows && y < wrows; y++) {
		if (!vtcon_view_dirty(vc, top + y))
			continue;
		paint_row(win, y, vtcon_view_row(vc, top + y, scratch) + left, n, vtcon_reverse_video(vc),
		    map, line);
		if (wcols > vcols) {
			wmove(win, y, vcols);
			wclrtoeol(win);
		}
		painted = true;
	}
	if (painted && wrows > vrows) {
		wmove(win, vrows, 0);
		wclrtobot(win);
	}
	vtcon_mark_clean(vc);
	visible = vtcon_cursor(vc, &cr, &cc) && vtcon_scroll_offset(vc) == 0;
	cr -= top;
	cc -= left;
	visible = visible && cr >= 0 && cc >= 0 && cr < wrows && cc < wcols;
	if (visible)
		wmove(win, cr, cc);
	return visible;
}
