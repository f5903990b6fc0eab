/*
 * pane-console.h: a node's serial console in a tile. The pane owns its
 * connection to the node's keeper (run_console_connect) and a vtcon (the
 * guest's terminal model); guest bytes are fed in as they arrive and the
 * damaged rows are painted in the next frame. When the node stops, the
 * pane says so and keeps its history; when the node runs again, the pane
 * attaches again.
 */
#ifndef SANDLAB_UI_PANE_CONSOLE_H
#define SANDLAB_UI_PANE_CONSOLE_H

#include <stddef.h>

#include "pane.h"

struct app;

extern const struct pane_kind pane_console_kind;

/* A console pane for a node (by id); attaches if the node runs. */
struct pane *pane_console_new(struct app *a, const char *node_id);

/* The node it shows (by id). */
const char *pane_console_node(const struct pane *p);

/* Its socket and the poll events it wants (0 when detached). */
int pane_console_fd(const struct pane *p);
short pane_console_events(const struct pane *p);

/* Reads what the guest sent / writes what waits for it. */
void pane_console_io(struct pane *p, struct app *a, short revents);

/* After each model reload: follows the node's console size (resizing
 * the emulator, which reflows, when it changed) and attaches when detached and the node
 * runs. */
void pane_console_attach(struct pane *p, struct app *a);

/* Scrollback: lines back (negative: forward); 0 with to_live jumps back to
 * the live screen. A page is the pane's height. */
void pane_console_scroll(struct pane *p, int lines, int to_live);
int pane_console_page(const struct pane *p);

/* A bracketed paste from the user, for the guest; when p is marked, for
 * every marked guest. */
void pane_console_paste(struct pane *p, struct app *a, const char *s, size_t n);

/* Broadcast: keys and pastes typed into a marked console go to every
 * marked console. */
int pane_console_marked(const struct pane *p);
void pane_console_mark(struct pane *p, int on);
size_t pane_console_marked_count(const struct app *a);

/* Zoomed alone with neither frame nor status line (the layout decides:
 * pane_console_needs_screen). */
void pane_console_set_bare(struct pane *p, int bare);
/* Whether the guest's screen needs the whole terminal of lines x columns
 * to be shown whole (no room for a frame and the status line). Never
 * while the console is not attached: a stopped node's zoom keeps the
 * frame and status line that say its state and the keys to use. */
int pane_console_needs_screen(const struct pane *p, int lines, int columns);

/* Moves the view on a guest screen larger than the tile by rows and by
 * cols pan steps; the view stays there until typing or End. */
void pane_console_pan(struct pane *p, int rows, int cols);

/* Tells the guest the tile's size: types `stty rows R cols C` and Enter
 * and sets the node's console size to match. 0, or -1 (said in the
 * status line). */
int pane_console_stty(struct pane *p, struct app *a);

#endif
