/*
 * app.h: the dashboard's state and its one loop. The loop polls the
 * terminal, console sockets, a signal self-pipe, the job pipe and lab
 * change notifications; handlers only change state and mark panes dirty, and one
 * redraw pass per loop turn (at most one frame per APP_FRAME_MS) draws
 * what is dirty. With nothing dirty and nothing pending, poll() sleeps
 * without a timeout.
 */
#ifndef SANDLAB_UI_APP_H
#define SANDLAB_UI_APP_H

#include <stdint.h>

#include "input.h"
#include "lab.h"
#include "model.h"
#include "pane.h"

#define APP_FRAME_MS 16
#define APP_MAX_CONSOLES 16
#define APP_MAX_PANES (4 + APP_MAX_CONSOLES)    /* images, nodes, details, status */
#define APP_RELOAD_IDS 64

enum app_msg { APP_MSG_INFO, APP_MSG_WARN, APP_MSG_ERROR };

struct modal;
struct layout_node;

/* The paste scanner's state between reads of the terminal. */
struct app_input {
	char   *paste;         /* a paste collected so far */
	size_t  plen;
	int     in_paste;
	char    carry[8];      /* the start of a marker split across reads */
	size_t  ncarry;
};

struct app {
	struct lab   *lab;
	struct input *in;
	struct model  model;
	int           sel_node;       /* index into model.nodes, or -1 */
	int           sel_image;      /* index into model.images, or -1 */

	/* Panes: the fixed ones, and one per open console (tile order). */
	struct pane  *images, *nodes, *details, *status;
	struct pane  *consoles[APP_MAX_CONSOLES];
	size_t        nconsoles;
	int           zoom;           /* console index shown alone, or -1 */
	struct pane  *focus;
	int           entered;        /* the focused console gets every key */
	struct modal *modal;      /* help, a form or a confirmation */
	struct layout_node *layout;

	int           need_layout;
	int           need_reload;
	/* Nodes whose run folders changed since the last reload (their run
	 * state is read again), and whether more changed than fit. */
	char          reload_ids[APP_RELOAD_IDS][37];
	size_t        nreload_ids;
	int           reload_all;
	int64_t       reload_due;     /* mono ms of the next model reload, or 0 */
	int64_t       uptime_due;     /* mono ms when an uptime shown changes, or 0 */
	unsigned      uptime_gen;     /* the model's generation it was found at */
	int           quit;
	int64_t       last_frame;

	char          msg[512];       /* the status line's message, until a key */
	enum app_msg  msg_level;
	char          warn[256];      /* a lasting warning (second dashboard) */
	int           lock_fd;        /* the dashboard lock, or -1 */
	char          accel_text[96]; /* what the status line says of KVM */
	char          accel_why[256]; /* why not, for the details */

	struct input_key    escape_key;     /* leaves a focused console */
	char          escape_name[64];
	int           inotify_fd;
	int           mouse_down;     /* a button is held (ignore drags) */
	struct app_input scan;        /* the paste scanner */
};

/* The decoder of the user's keys, delivering them to the app; NULL if
 * libtickit cannot make one for $TERM. */
struct input *app_input_new(struct app *a);

/* Sets the status line message (sanitised when drawn). */
void app_msg(struct app *a, enum app_msg level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Marks everything for redraw. */
void app_dirty_all(struct app *a);
/* Repaints the whole terminal at the next frame (C-l): what another
 * program wrote over it, or a stale modal frame, goes. */
void app_repaint(struct app *a);

/* Brings the model up to date now (model_update: the nodes that changed,
 * or everything when that cannot be told), keeping the selection by id,
 * and marks the panes that show it dirty. */
void app_reload(struct app *a);

/* The selected node or image, or NULL. */
const struct model_node *app_sel_node(const struct app *a);
const struct image *app_sel_image(const struct app *a);

/* Moves focus to pane p (must be on screen and focusable). */
void app_focus(struct app *a, struct pane *p);

/* Focus to the next/previous focusable pane on screen. */
void app_focus_cycle(struct app *a, int dir);

/* Opens a modal window (closing any other). */
void app_modal_open(struct app *a, struct modal *o);
void app_modal_close(struct app *a);

/* Opens (or focuses) the console of node_id in a tile; enter: keys go
 * to it right away. */
void app_console_open(struct app *a, const char *node_id, int enter);

/* Closes console tile i (the node keeps running). */
void app_console_close(struct app *a, size_t i);

/* The focused console's index, or -1. */
int app_console_focused(const struct app *a);

/* Toggles the zoom of console i. */
void app_console_zoom(struct app *a, size_t i);

/* Remembers the open consoles in the lab (when this dashboard holds the
 * lab's dashboard lock). */
void app_uistate_save(struct app *a);

/* Reopens the consoles the last dashboard on this lab had open. */
void app_uistate_restore(struct app *a);

/* Runs the dashboard until quit; returns the exit status. */
int app_run(struct app *a);

#endif
