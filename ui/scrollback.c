/*
 * scrollback.c: the compact line ring behind a console's history.
 *
 * A line is one allocation: a header, its pen runs (a run starts at the
 * column where the pen changes), then its text. The text is UTF-8, one
 * character per cell, where a combining mark follows its cell's character
 * after the byte MARK_COMBINE and a two-column character is followed by
 * MARK_WIDE (its right half is not stored). Cell characters are never C0
 * controls (libvterm executes those), so the marks cannot be confused
 * with text. Decoding trusts the encoding: only this file writes it.
 * A line whose text went on to the next keeps the width it was cut at (in
 * the header's padding, so lines cost no more), which lets a new width
 * join and cut the lines again as the screen's are (scrollback_reflow).
 */
#include "scrollback.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

#define MARK_COMBINE 0x01
#define MARK_WIDE 0x02
/* Bytes a cell can take: its character, four marks with their prefix, MARK_WIDE. */
#define CELL_TEXT_MAX (4 + (VTCON_CELL_CHARS - 1) * 5 + 1)
/* Attributes a run keeps: what a cell looks like, not how it was written. */
#define PEN_VISIBLE (VTCON_A_BOLD | VTCON_A_UNDERLINE | VTCON_A_ITALIC | VTCON_A_BLINK | \
	VTCON_A_REVERSE | VTCON_A_STRIKE | VTCON_A_FAINT)

struct run {
	uint16_t col;
	struct vtcon_pen pen;
};

struct line {
	size_t size;     /* bytes allocated for the whole line */
	uint16_t nruns;
	uint16_t wrap;   /* the text went on to the next line after this
	                  * many columns (the width it was cut at); 0: the
	                  * line ended there */
	uint32_t ntext;
	struct run runs[]; /* then ntext bytes of text */
};

struct scrollback {
	struct line **ring;
	int cap, head, len; /* head: index of the oldest line */
	size_t bytes;       /* sum of the lines' sizes */
	/* Encoding scratch, grown to the widest line seen. */
	char *text;
	struct run *runs;
	int scratch_cols;
};

struct scrollback *
scrollback_new(int cap)
{
	struct scrollback *sb = xcalloc(1, sizeof *sb);

	sb->cap = cap < 1 ? 1 : cap;
	sb->ring = xcalloc((size_t)sb->cap, sizeof *sb->ring);
	return sb;
}

void
scrollback_free(struct scrollback *sb)
{
	if (sb == NULL)
		return;
	for (int i = 0; i < sb->len; i++)
		free(sb->ring[(sb->head + i) % sb->cap]);
	free(sb->ring);
	free(sb->text);
	free(sb->runs);
	free(sb);
}

int
scrollback_len(const struct scrollback *sb)
{
	return sb->len;
}

size_t
scrollback_bytes(const struct scrollback *sb)
{
	return sb->bytes + (size_t)sb->cap * sizeof *sb->ring +
	    (size_t)sb->scratch_cols * (CELL_TEXT_MAX + sizeof *sb->runs);
}

static bool
pen_equal(const struct vtcon_pen *a, const struct vtcon_pen *b)
{
	return memcmp(a, b, sizeof *a) == 0;
}

/* A cell the line can end without: blank, on the default background. */
static bool
cell_is_trailing_blank(const struct vtcon_cell *c)
{
	return (c->ch[0] == 0 || c->ch[0] == ' ') && c->ch[1] == 0 &&
	    VTERM_COLOR_IS_DEFAULT_BG(&c->pen.bg) && !(c->pen.attrs & VTCON_A_REVERSE);
}

/* Encodes cells[0..n) into the scratch text and runs; returns the text
 * length and sets *nruns. */
static size_t
encode(struct scrollback *sb, const struct vtcon_cell *cells, int n, int *nruns)
{
	char *t = sb->text;
	int r = 0;

	for (int col = 0; col < n; col++) {
		const struct vtcon_cell *c = &cells[col];
		struct vtcon_pen pen;

		if (c->ch[0] == VTCON_WIDE_TAIL)
			continue; /* its left half carries it */
		pen = c->pen;
		pen.attrs &= PEN_VISIBLE;
		if (r == 0 || !pen_equal(&pen, &sb->runs[r - 1].pen)) {
			sb->runs[r].col = (uint16_t)col;
			sb->runs[r].pen = pen;
			r++;
		}
		if (c->ch[0] < 0x80 && c->ch[0] >= 0x20)
			*t++ = (char)c->ch[0];
		else
			t += utf8_encode(c->ch[0] >= 0x20 ? c->ch[0] : ' ', t);
		for (int k = 1; k < VTCON_CELL_CHARS && c->ch[k] != 0; k++) {
			if (c->ch[k] < 0x20)
				continue; /* never written by libvterm; would read as a mark */
			*t++ = MARK_COMBINE;
			t += utf8_encode(c->ch[k], t);
		}
		if (c->pen.attrs & VTCON_A_WIDE)
			*t++ = MARK_WIDE;
	}
	*nruns = r;
	return (size_t)(t - sb->text);
}

void
scrollback_push(struct scrollback *sb, const struct vtcon_cell *cells, int n)
{
	struct line *l, **slot;
	size_t ntext, size;
	int nruns, wrap;

	if (n > UINT16_MAX)
		n = UINT16_MAX;
	wrap = n > 0 && (cells[n - 1].pen.attrs & VTCON_A_WRAPPED) ? n : 0;
	while (n > 0 && cell_is_trailing_blank(&cells[n - 1]))
		n--;
	if (n > sb->scratch_cols) {
		sb->text = xrealloc(sb->text, (size_t)n * CELL_TEXT_MAX);
		sb->runs = xreallocarray(sb->runs, (size_t)n, sizeof *sb->runs);
		sb->scratch_cols = n;
	}
	ntext = encode(sb, cells, n, &nruns);
	size = sizeof *l + (size_t)nruns * sizeof(struct run) + ntext;

	if (sb->len == sb->cap) {
		/* Full: the oldest line's allocation becomes the newest line. */
		slot = &sb->ring[sb->head];
		sb->head = (sb->head + 1) % sb->cap;
		sb->bytes -= (*slot)->size;
		if ((*slot)->size < size || (*slot)->size > 2 * size + 256)
			*slot = xrealloc(*slot, size);
		else
			size = (*slot)->size;
	} else {
		slot = &sb->ring[(sb->head + sb->len) % sb->cap];
		sb->len++;
		*slot = xmalloc(size);
	}
	l = *slot;
	l->size = size;
	l->nruns = (uint16_t)nruns;
	l->wrap = (uint16_t)wrap;
	l->ntext = (uint32_t)ntext;
	if (nruns > 0) { /* an empty line has neither */
		memcpy(l->runs, sb->runs, (size_t)nruns * sizeof(struct run));
		memcpy((char *)(l->runs + nruns), sb->text, ntext);
	}
	sb->bytes += size;
}

/* Length of our own UTF-8 sequence from its lead byte. */
static size_t
seq_len(unsigned char lead)
{
	return lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/* n blank cells of pen blank. */
static void
cells_blank(struct vtcon_cell *cells, int n, const struct vtcon_pen *blank)
{
	for (int i = 0; i < n; i++) {
		memset(&cells[i], 0, sizeof cells[i]);
		cells[i].pen = *blank;
	}
}

static void
decode(const struct line *l, struct vtcon_cell *out, int n, const struct vtcon_pen *blank)
{
	const unsigned char *t = (const unsigned char *)(l->runs + l->nruns);
	const unsigned char *end = t + l->ntext;
	int col = 0, r = 0;

	cells_blank(out, n, blank);
	while (t < end && col < n) {
		struct vtcon_cell *c = &out[col];
		size_t len = seq_len(*t);
		int k = 1;

		while (r + 1 < l->nruns && l->runs[r + 1].col <= col)
			r++;
		c->pen = l->runs[r].pen;
		c->ch[0] = utf8_decode(t, len);
		t += len;
		while (t < end && *t == MARK_COMBINE) {
			len = seq_len(t[1]);
			if (k < VTCON_CELL_CHARS)
				c->ch[k++] = utf8_decode(t + 1, len);
			t += 1 + len;
		}
		if (t < end && *t == MARK_WIDE) {
			t++;
			if (col + 1 >= n) {
				/* the right edge would cut it in half */
				memset(c->ch, 0, sizeof c->ch);
				break;
			}
			c->pen.attrs |= VTCON_A_WIDE;
			out[col + 1].ch[0] = VTCON_WIDE_TAIL;
			out[col + 1].pen = l->runs[r].pen;
			col += 2;
		} else
			col++;
	}
	if (l->wrap == n)
		out[n - 1].pen.attrs |= VTCON_A_WRAPPED; /* back on a screen of its width */
}

int
scrollback_get(const struct scrollback *sb, int i, struct vtcon_cell *out, int n,
    const struct vtcon_pen *blank)
{
	if (i < 0 || i >= sb->len)
		return -1;
	decode(sb->ring[(sb->head + i) % sb->cap], out, n, blank);
	return 0;
}

int
scrollback_pop(struct scrollback *sb, struct vtcon_cell *out, int n,
    const struct vtcon_pen *blank)
{
	struct line **slot;

	if (sb->len == 0)
		return -1;
	slot = &sb->ring[(sb->head + sb->len - 1) % sb->cap];
	decode(*slot, out, n, blank);
	sb->bytes -= (*slot)->size;
	free(*slot);
	*slot = NULL;
	sb->len--;
	return 0;
}

void
scrollback_unwrap_last(struct scrollback *sb)
{
	if (sb->len > 0)
		sb->ring[(sb->head + sb->len - 1) % sb->cap]->wrap = 0;
}

/* Columns the line's text takes (trailing blanks were not kept): one per
 * character, two when MARK_WIDE follows it and its marks. */
static int
line_cols(const struct line *l)
{
	const unsigned char *t = (const unsigned char *)(l->runs + l->nruns);
	const unsigned char *end = t + l->ntext;
	int cols = 0;

	while (t < end) {
		t += seq_len(*t);
		while (t < end && *t == MARK_COMBINE)
			t += 1 + seq_len(t[1]);
		cols++;
		if (t < end && *t == MARK_WIDE) {
			t++;
			cols++;
		}
	}
	return cols;
}

/* Whether the line starts with a two-column character. */
static bool
line_starts_wide(const struct line *l)
{
	const unsigned char *t = (const unsigned char *)(l->runs + l->nruns);
	const unsigned char *end = t + l->ntext;

	if (t == end)
		return false;
	t += seq_len(*t);
	while (t < end && *t == MARK_COMBINE)
		t += 1 + seq_len(t[1]);
	return t < end && *t == MARK_WIDE;
}

int
rewrap_put(struct rewrap *w, const struct vtcon_cell *c, const struct vtcon_cell *right)
{
	int cw = (c->pen.attrs & VTCON_A_WIDE) && right != NULL ? 2 : 1, began = 0;

	if (c->ch[0] == VTCON_WIDE_TAIL)
		return 0; /* comes with its left half */
	if (w->col + cw > w->cols) {
		w->row[w->cols - 1].pen.attrs |= VTCON_A_WRAPPED;
		w->next_row(w);
		w->col = 0;
		began = 1;
	}
	w->row[w->col] = *c;
	w->row[w->col].pen.attrs &= ~(uint32_t)VTCON_A_WRAPPED;
	if (cw == 2)
		w->row[w->col + 1] = *right;
	w->col += cw;
	return began;
}

/* scrollback_reflow's rows: a done row goes into the new ring (w->arg),
 * and the row is blank again. */
struct sb_rewrap {
	struct scrollback      *to;
	const struct vtcon_pen *blank;
};

static void
sb_rewrap_next(struct rewrap *w)
{
	struct sb_rewrap *r = w->arg;

	scrollback_push(r->to, w->row, w->cols);
	cells_blank(w->row, w->cols, r->blank);
	w->col = 0;
}

void
scrollback_reflow(struct scrollback *sb, int cols, const struct vtcon_pen *blank,
    struct vtcon_cell *carry, int *ncarry)
{
	struct sb_rewrap r = { .to = scrollback_new(sb->cap), .blank = blank };
	struct scrollback *to = r.to;
	struct rewrap w = { .cols = cols, .next_row = sb_rewrap_next, .arg = &r };
	struct vtcon_cell *cells = NULL;
	int ncells = 0;

	*ncarry = 0;
	w.row = xreallocarray(NULL, (size_t)cols, sizeof *w.row);
	cells_blank(w.row, cols, blank);
	for (int i = 0; i < sb->len; i++) {
		struct line **slot = &sb->ring[(sb->head + i) % sb->cap];
		const struct line *next = i + 1 < sb->len ? sb->ring[(sb->head + i + 1) % sb->cap] : NULL;
		int wrap = (*slot)->wrap, len = wrap > 0 ? wrap : line_cols(*slot);

		if (len > ncells) {
			cells = xreallocarray(cells, (size_t)len, sizeof *cells);
			ncells = len;
		}
		if (len > 0)
			decode(*slot, cells, len, blank);
		/* the old line goes as soon as it is read: memory stays at one ring */
		sb->bytes -= (*slot)->size;
		free(*slot);
		*slot = NULL;
		for (int c = 0; c < len; c++) {
			struct vtcon_cell *cell = &cells[c];

			if (c == len - 1 && wrap > 0 && (cell->ch[0] == 0 || cell->ch[0] == ' ') &&
			    cell->ch[1] == 0 && next != NULL && line_starts_wide(next))
				continue; /* the gap a wide character left when it wrapped */
			rewrap_put(&w, cell, c + 1 < len ? &cells[c + 1] : NULL);
		}
		if (wrap == 0)
			sb_rewrap_next(&w);
		else if (next == NULL) {
			/* it goes on at the top of the screen: the screen's reflow
			 * carries on from this row */
			memcpy(carry, w.row, (size_t)w.col * sizeof *carry);
			*ncarry = w.col;
		}
	}
	free(cells);
	free(w.row);
	/* the new ring takes the old one's place; sb keeps its own scratch */
	free(sb->ring);
	sb->ring = to->ring;
	sb->head = to->head;
	sb->len = to->len;
	sb->bytes = to->bytes;
	to->ring = NULL;
	to->len = 0;
	scrollback_free(to);
}
