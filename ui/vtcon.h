/*
 * vtcon.h: the terminal model of one guest console. Guest bytes go through
 * libvterm's parser and state layer into a cell grid kept here, rows that
 * scroll off the top go into a compact scrollback ring, and every change
 * marks the rows it touched. This layer never draws (vtcon-draw.h paints
 * a vtcon into a curses window) and never reads keys (vtcon-key.h turns
 * the user's keys into guest bytes); it includes no curses.
 *
 * Why not VTermScreen: in libvterm 0.1.4 every scrolled line makes the
 * screen layer memmove the whole screen and call vterm_screen_get_cell()
 * for each cell of the line it hands to sb_pushline. Measured on a 50 MB
 * stream: 200x50 took 5x as long through VTermScreen as through the state
 * layer alone. Here a scroll rotates row pointers, and a line leaves the
 * screen by being encoded once into the scrollback ring.
 *
 * Lines are numbered for the accessors below: 0..rows-1 are the screen's
 * rows, -1 is the newest scrollback line and -vtcon_sb_lines() the oldest.
 * "View rows" are what vtcon_draw shows: the screen, or, when the user
 * has scrolled back by vtcon_scroll(), a window into the scrollback.
 */
#ifndef SANDLAB_VTCON_H
#define SANDLAB_VTCON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vterm.h>

/* A cell keeps its character and up to four combining marks. */
#define VTCON_CELL_CHARS 5
/* ch[0] of the right half of a wide character. */
#define VTCON_WIDE_TAIL 0xFFFFFFFFu
/* Default scrollback when the caller passes a negative size. */
#define VTCON_SB_DEFAULT 10000
/* Bytes kept of the guest's (sanitised) title. */
#define VTCON_TITLE_MAX 256

/* Cell attributes (struct vtcon_pen.attrs). */
enum {
	VTCON_A_BOLD = 1 << 0,
	VTCON_A_UNDERLINE = 1 << 1,
	VTCON_A_ITALIC = 1 << 2,
	VTCON_A_BLINK = 1 << 3,
	VTCON_A_REVERSE = 1 << 4,
	VTCON_A_STRIKE = 1 << 5,
	VTCON_A_WIDE = 1 << 6,      /* left half of a two-column character */
	VTCON_A_PROTECTED = 1 << 7, /* DECSCA: selective erase skips it */
	VTCON_A_FAINT = 1 << 8,     /* SGR 2, kept by vtfeed (not libvterm) */
	VTCON_A_WRAPPED = 1 << 9,   /* on a row's last cell: the text wrapped on */
};

/* Colours as libvterm gives them: test VTERM_COLOR_IS_DEFAULT_FG/BG first,
 * then INDEXED, then RGB. Unused bytes are zero, so pens compare bytewise. */
struct vtcon_pen {
	VTermColor fg, bg;
	uint32_t attrs;
};

struct vtcon_cell {
	uint32_t ch[VTCON_CELL_CHARS]; /* 0: blank; marks end at the first 0 */
	struct vtcon_pen pen;
};

/* Receives bytes the terminal sends to the guest: answers to the guest's
 * queries and encoded keys. Called synchronously from vtcon_feed and the
 * key functions; it must not call back into the same vtcon. */
typedef void vtcon_output_fn(const char *bytes, size_t len, void *arg);

/* A console of rows x cols (clamped to 1..1000 rows, 2..1000 columns)
 * keeping sb_lines lines of scrollback (negative: VTCON_SB_DEFAULT; 0:
 * none). Aborts on no memory. */
struct vtcon *vtcon_new(int rows, int cols, int sb_lines);
void vtcon_free(struct vtcon *vc);
/* Where the terminal's replies go; fn NULL drops them. */
void vtcon_set_output(struct vtcon *vc, vtcon_output_fn *fn, void *arg);

/* Guest output in: updates the model and marks damage; never draws.
 * Any bytes are safe; a character split across calls is joined. */
void vtcon_feed(struct vtcon *vc, const void *bytes, size_t len);
/* New size (clamped as in vtcon_new). Rows that no longer fit above the
 * cursor go to scrollback; rows gained come back from it. A new width
 * reflows the scrollback and the primary screen as tmux does: lines the
 * guest's text wrapped are joined and wrapped again at the new width, so
 * shrinking and growing loses no text (within the scrollback's size); the
 * cursor stays on its character. */
void vtcon_resize(struct vtcon *vc, int rows, int cols);
void vtcon_size(const struct vtcon *vc, int *rows, int *cols);

/* Scrollback view: moves the view `lines` back in history (negative:
 * forward), clamped; returns the new offset (0: the live screen). While
 * scrolled back the view stays on the same lines as output arrives. */
int vtcon_scroll(struct vtcon *vc, int lines);
int vtcon_scroll_offset(const struct vtcon *vc);
int vtcon_sb_lines(const struct vtcon *vc);

/* Damage. True when the next vtcon_draw would change something: cells,
 * cursor, title or view. */
bool vtcon_is_dirty(const struct vtcon *vc);
/* Forget what was drawn: the next draw repaints every row (call it when
 * something else painted over the console's window). */
void vtcon_invalidate(struct vtcon *vc);
/* For the drawing layer: whether a view row must be repainted, the cells
 * of a view row (scratch holds cols cells; the result is borrowed until
 * the next feed, resize or scroll), and clearing the flags after a draw. */
bool vtcon_view_dirty(const struct vtcon *vc, int view_row);
const struct vtcon_cell *vtcon_view_row(const struct vtcon *vc, int view_row,
    struct vtcon_cell *scratch);
void vtcon_mark_clean(struct vtcon *vc);
/* DECSCNM: the guest asked for the whole screen in reverse video. */
bool vtcon_reverse_video(const struct vtcon *vc);

/* Cursor position on the screen; returns whether the guest shows it. */
bool vtcon_cursor(const struct vtcon *vc, int *row, int *col);
/* The guest's window title with control bytes and invalid UTF-8 escaped
 * as \xNN; "" when none. Borrowed until the next feed. */
const char *vtcon_title(const struct vtcon *vc);
/* BEL characters received so far. */
unsigned long vtcon_bells(const struct vtcon *vc);
/* Heap bytes the console holds: screens, scrollback, buffers. */
size_t vtcon_memory(const struct vtcon *vc);

/* Cells of line `line` (numbering above) into out[0..n): cells past the
 * line's end are blank. Returns 0, or -1 when there is no such line. */
int vtcon_line(const struct vtcon *vc, int line, struct vtcon_cell *out, int n);
/* Text of a line as UTF-8 without trailing blanks, control characters
 * shown as '?', NUL-terminated and cut to fit size. Returns its length,
 * or -1 when there is no such line. */
int vtcon_line_text(const struct vtcon *vc, int line, char *buf, size_t size);

/* The libvterm terminal, for the key encoder (vtcon-key.c); borrowed. */
VTerm *vtcon_vterm(struct vtcon *vc);

#endif
