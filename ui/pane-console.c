/*
 * pane-console.c: the console tile. Reads at most PANE_CONSOLE_READ bytes
 * per loop turn from each console, so a flooding guest cannot starve the
 * keyboard or the other consoles; writes the user's keys without ever
 * blocking (what the socket does not take waits in a queue). Draws through
 * vtcon_draw_at, which repaints only damaged rows; the frame is redrawn
 * only when its title, focus, size or cut edges changed or something
 * covered it.
 *
 * The emulator runs at the node's console size, never at the tile's: a
 * serial line carries no window size, so the guest draws for what its
 * stty says, and an emulator of another size garbles full-screen
 * programs for good. A smaller tile is a viewport that follows the
 * cursor (or where the user panned it); a larger one shows the guest's
 * screen whole and marks where it ends. When the console size changes,
 * the emulator is resized: vtcon reflows its screen and scrollback at a
 * new width as tmux does, so no text is lost and the whole scrollback
 * stays (feeding kept output to a new emulator kept only the last of it).
 */
#include "pane-console.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "app.h"
#include "consize.h"
#include "draw.h"
#include "run.h"
#include "theme.h"
#include "vtcon-draw.h"
#include "vtcon-key.h"
#include "vtcon.h"

#define PANE_CONSOLE_READ (64 * 1024)
#define PANE_CONSOLE_OUT_MAX (1024 * 1024)
/* Columns a pan key moves the view sideways. */
#define PANE_CONSOLE_PAN_COLS 8
/* The replay comes first on a new connection; a gap in it shorter than
 * this does not end it. */
#define PANE_CONSOLE_REPLAY_MS 200

struct console {
	char          node_id[37];
	int           fd;            /* the keeper's console socket, or -1 */
	struct vtcon *vc;
	WINDOW       *inner;         /* the screen area inside the frame */
	char         *out;           /* bytes for the guest not yet written */
	size_t        nout;
	int           attached_once; /* a later attach marks the restart */
	char          frame[512];    /* the title last drawn, to skip redraws */
	int           frame_focus;
	int           marked;        /* keys typed into a marked console go to all marked ones */
	int           frame_cut;     /* the cut edges last marked */
	struct vtcon_colors colors;
	int           top, left;     /* the guest cell at the view's top-left */
	int           panned;        /* the user moved the view: it stays */
	int           bare;          /* zoomed with no frame (pane_console_set_bare) */
	int           view_h, view_w;/* the view's size when last drawn */
	int           muted;         /* reading the keeper's replay: no answers */
	int64_t       attached_at;   /* mono ms */
};

enum { CUT_TOP = 1, CUT_BOTTOM = 2, CUT_LEFT = 4, CUT_RIGHT = 8 };

static void
pane_console_output(const char *bytes, size_t len, void *arg)
{
	struct console *c = arg;

	if (c->fd < 0)
		return;             /* nobody to send to: the node is down */
	if (c->nout + len > PANE_CONSOLE_OUT_MAX)
		return;             /* the guest stopped reading; drop keys */
	c->out = xrealloc(c->out, c->nout + len);
	memcpy(c->out + c->nout, bytes, len);
	c->nout += len;
}

static void
pane_console_flush(struct console *c)
{
	while (c->fd >= 0 && c->nout > 0) {
		ssize_t n = write(c->fd, c->out, c->nout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;         /* EAGAIN: poll says when; errors: read sees EOF */
		memmove(c->out, c->out + n, c->nout - (size_t)n);
		c->nout -= (size_t)n;
	}
}

/* Guest output: into the model. */
static void
pane_console_feed(struct console *c, const void *bytes, size_t n)
{
	vtcon_feed(c->vc, bytes, n);
}

/* The node's console size from the model; the default when it is gone. */
static void
pane_console_want(const struct console *c, struct app *a, int *rows, int *cols)
{
	int i = model_node_index(&a->model, c->node_id);

	*rows = CONSIZE_ROWS_DEFAULT;
	*cols = CONSIZE_COLS_DEFAULT;
	if (i >= 0 && model_node_at(&a->model, i)->n.console_rows > 0) {
		*rows = model_node_at(&a->model, i)->n.console_rows;
		*cols = model_node_at(&a->model, i)->n.console_cols;
	}
}

/* The emulator at a new console size, the view back on the cursor. */
static void
pane_console_resize(struct pane *p, int rows, int cols)
{
	struct console *c = p->data;

	vtcon_resize(c->vc, rows, cols);
	vtcon_invalidate(c->vc);
	c->panned = 0;
	p->dirty = p->full = 1;
}

/* Follows the node's console size (after a model reload, which inotify
 * brings when any process changed it). */
static void
pane_console_follow_size(struct pane *p, struct app *a)
{
	struct console *c = p->data;
	int rows, cols, have_rows, have_cols;

	pane_console_want(c, a, &rows, &cols);
	vtcon_size(c->vc, &have_rows, &have_cols);
	if (rows != have_rows || cols != have_cols) {
		pane_console_resize(p, rows, cols);
		a->need_layout = 1; /* a zoom may need the whole screen now */
	}
}

struct pane *
pane_console_new(struct app *a, const char *node_id)
{
	struct console *c = xcalloc(1, sizeof *c);
	const char *nc = getenv("NO_COLOR");
	struct pane *p;

	int rows, cols;

	snprintf(c->node_id, sizeof c->node_id, "%s", node_id);
	c->fd = -1;
	pane_console_want(c, a, &rows, &cols);
	c->vc = vtcon_new(rows, cols, VTCON_SB_DEFAULT);
	vtcon_set_output(c->vc, pane_console_output, c);
	vtcon_colors_from_terminal(&c->colors);
	if (nc != NULL && *nc != '\0')
		c->colors.ncolors = 0;
	p = pane_new(&pane_console_kind, c);
	pane_console_attach(p, a);
	return p;
}

const char *
pane_console_node(const struct pane *p)
{
	return ((const struct console *)p->data)->node_id;
}

int
pane_console_fd(const struct pane *p)
{
	return ((const struct console *)p->data)->fd;
}

short
pane_console_events(const struct pane *p)
{
	const struct console *c = p->data;

	if (c->fd < 0)
		return 0;
	return (short)(POLLIN | (c->nout ? POLLOUT : 0));
}

static void
pane_console_detach(struct pane *p, struct app *a)
{
	struct console *c = p->data;

	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->nout = 0;
	p->dirty = 1;
	a->need_layout = 1; /* a bare zoom gets its frame back */
	/* The node probably stopped: find out soon. */
	a->need_reload = 1;
	if (a->reload_due == 0)
		a->reload_due = mono_ms();
}

void
pane_console_attach(struct pane *p, struct app *a)
{
	struct console *c = p->data;
	int i = model_node_index(&a->model, c->node_id);
	struct err e;
	int fd;

	pane_console_follow_size(p, a);
	if (c->fd >= 0 || i < 0)
		return;
	if (model_node_at(&a->model, i)->run.state != RUN_RUNNING && model_node_at(&a->model, i)->run.state != RUN_STARTING)
		return;
	fd = run_console_connect(a->lab, c->node_id, &e);
	if (fd < 0)
		return;             /* not ready yet: the next reload tries again */
	c->fd = fd;
	/* The keeper's replay may hold queries the guest made long ago (a
	 * shell's or vi's cursor report): answered now, the answer would be
	 * typed into whatever runs now. Answers resume when the bytes that
	 * were waiting have been read. */
	c->muted = 1;
	c->attached_at = mono_ms();
	if (c->attached_once) {
		/* A new run of the node: its keeper replays from its boot. */
		static const char mark[] = "\r\n\033[0m[sandlab: the node started again]\r\n";
		pane_console_feed(c, mark, sizeof mark - 1);
	}
	c->attached_once = 1;
	p->dirty = 1;
	a->need_layout = 1; /* a zoom may need the whole screen now */
}

void
pane_console_io(struct pane *p, struct app *a, short revents)
{
	struct console *c = p->data;
	char buf[PANE_CONSOLE_READ];
	ssize_t n;

	if (c->fd < 0)
		return;
	if (revents & POLLOUT)
		pane_console_flush(c);
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		n = read(c->fd, buf, sizeof buf);
		if (n > 0) {
			int avail = 0;
			if (c->muted)
				vtcon_set_output(c->vc, NULL, NULL);
			pane_console_feed(c, buf, (size_t)n);
			vtcon_set_output(c->vc, pane_console_output, c);
			if (c->muted && mono_ms() - c->attached_at >= PANE_CONSOLE_REPLAY_MS &&
			    ioctl(c->fd, FIONREAD, &avail) == 0 && avail == 0)
				c->muted = 0;
			pane_console_flush(c);  /* answers to the guest's queries */
			if (vtcon_is_dirty(c->vc))
				p->dirty = 1;
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			pane_console_detach(p, a);
	}
}

void
pane_console_scroll(struct pane *p, int lines, int to_live)
{
	struct console *c = p->data;

	if (to_live) {
		vtcon_scroll(c->vc, -vtcon_scroll_offset(c->vc));
		c->panned = 0;      /* the live screen, where the cursor is */
	} else if (lines > 0) {
		/* In a view smaller than the guest's screen, history begins
		 * above the view's top: the view climbs the screen first. */
		int take = lines < c->top ? lines : c->top;
		if (take > 0) {
			c->top -= take;
			c->panned = 1;
		}
		vtcon_scroll(c->vc, lines - take);
	} else {
		int back = vtcon_scroll_offset(c->vc), fwd = -lines < back ? -lines : back;
		vtcon_scroll(c->vc, -fwd);
		if (-lines > fwd) {
			c->top += -lines - fwd; /* kept on the screen when drawn */
			c->panned = 1;
		}
	}
	p->dirty = 1;
}

int
pane_console_page(const struct pane *p)
{
	return p->h > 3 ? p->h - 3 : 1;
}

/* The consoles that typing into p reaches: p itself, or when p is marked
 * every marked console that is attached. */
static size_t
pane_console_targets(struct pane *p, struct app *a, struct pane **out)
{
	struct console *c = p->data;
	size_t n = 0;

	if (!c->marked) {
		out[n++] = p;
		return n;
	}
	for (size_t i = 0; i < a->nconsoles; i++)
		if (pane_console_marked(a->consoles[i]))
			out[n++] = a->consoles[i];
	return n;
}

void
pane_console_paste(struct pane *p, struct app *a, const char *s, size_t n)
{
	struct pane *t[APP_MAX_CONSOLES];
	size_t nt = pane_console_targets(p, a, t);

	/* Whole, to each guest: each vtcon brackets it as its guest asked. */
	for (size_t i = 0; i < nt; i++) {
		struct console *c = t[i]->data;
		vtcon_paste(c->vc, s, n);
		pane_console_flush(c);
	}
}

int
pane_console_marked(const struct pane *p)
{
	return ((const struct console *)p->data)->marked;
}

void
pane_console_mark(struct pane *p, int on)
{
	struct console *c = p->data;

	if (c->marked != on) {
		c->marked = on;
		p->dirty = 1;
	}
}

size_t
pane_console_marked_count(const struct app *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->nconsoles; i++)
		n += (size_t)pane_console_marked(a->consoles[i]);
	return n;
}

static int pane_console_cut(const struct console *c);

/* A part of a tile's title: its text, and a shorter form (or "") for
 * when the whole does not fit. */
struct title_part {
	char text[256];
	char brief[128];
	int  prio;        /* 0 is kept first: the name, then state, then hints */
};

/* The title's parts in the order they are shown: who (name and state),
 * whether it is attached, the guest's own title, the scrollback
 * position, what keys do now, and a view smaller than the guest's
 * screen. Returns how many. */
static int
pane_console_title_parts(struct pane *p, struct app *a, const struct model_node *mn,
    struct title_part v[7])
{
	struct console *c = p->data;
	const char *title = vtcon_title(c->vc);
	int off = vtcon_scroll_offset(c->vc), n = 0;

	memset(v, 0, 7 * sizeof *v);
	/* A marked tile says so first, where a narrow frame still shows it. */
	snprintf(v[n].text, sizeof v[n].text, "%s%s", c->marked ? "[B] " : "", mn->n.name);
	v[n++].prio = 0;
	snprintf(v[n].text, sizeof v[n].text, " · %s", run_state_shown(&mn->run));
	v[n++].prio = 1;
	if (c->fd < 0) {
		int live = mn->run.state == RUN_RUNNING || mn->run.state == RUN_STARTING;
		/* Zoomed, this tile is all there is: it says how to leave. */
		const char *leave = a->zoom >= 0 && (size_t)a->zoom < a->nconsoles &&
		    a->consoles[a->zoom] == p ? ", z unzooms" : "";
		snprintf(v[n].text, sizeof v[n].text, "%s%s", live ? ", attaching" : ", not attached: s starts it", leave);
		snprintf(v[n].brief, sizeof v[n].brief, "%s%s", live ? "" : ", s starts it", leave);
		v[n++].prio = 4;
	}
	if (title[0]) {
		snprintf(v[n].text, sizeof v[n].text, " · %s", title);
		v[n++].prio = 6;
	}
	if (off > 0) {
		snprintf(v[n].text, sizeof v[n].text, " · scrolled back %d (End: live)", off);
		snprintf(v[n].brief, sizeof v[n].brief, " · scrolled back %d", off);
		v[n++].prio = 3;
	}
	if (a->entered && a->focus == p && c->marked) {
		snprintf(v[n].text, sizeof v[n].text, " · typing to all %zu marked, %s leaves",
		    pane_console_marked_count(a), a->escape_name);
		snprintf(v[n].brief, sizeof v[n].brief, " · typing to all, %s leaves", a->escape_name);
		v[n++].prio = 2;
	} else if (a->entered && a->focus == p) {
		snprintf(v[n].text, sizeof v[n].text, " · typing, %s leaves", a->escape_name);
		snprintf(v[n].brief, sizeof v[n].brief, " · %s leaves", a->escape_name);
		v[n++].prio = 2;
	}
	/* a view smaller than the guest's screen says so, and how to pan */
	if (pane_console_cut(c) != 0) {
		int rows, cols;
		vtcon_size(c->vc, &rows, &cols);
		snprintf(v[n].text, sizeof v[n].text, " · %dx%d%s", cols, rows,
		    a->entered && a->focus == p ? "" : c->panned ? " panned (End: cursor)" : " (H J K L pan)");
		snprintf(v[n].brief, sizeof v[n].brief, " · %dx%d", cols, rows);
		v[n++].prio = 5;
	}
	return n;
}

/* The title: name, state, scrollback position, what keys do now. When
 * the frame is too narrow, parts are kept by priority: the node's name
 * (cut with "…" only when it alone is too wide), then its state, then
 * the hints, each whole, else in its shorter form, else left out. */
static void
pane_console_title(struct pane *p, struct app *a, char *buf, size_t len)
{
	struct console *c = p->data;
	int i = model_node_index(&a->model, c->node_id);
	const struct model_node *mn = i >= 0 ? model_node_at(&a->model, i) : NULL;
	int room = p->w - 6, used = 0, np;   /* draw_frame: two corners, two dashes, two spaces */
	struct title_part v[7];
	const char *pick[7] = { 0 };
	size_t n = 0;

	if (mn == NULL) {
		snprintf(buf, len, "(deleted node)");
		return;
	}
	np = pane_console_title_parts(p, a, mn, v);
	for (int k = 0; k < np; k++)
		used += draw_width(v[k].text);
	if (used > room) {
		used = 0;
		for (int prio = 0; prio <= 6; prio++)
			for (int k = 0; k < np; k++) {
				if (v[k].prio != prio)
					continue;
				if (used + draw_width(v[k].text) <= room)
					pick[k] = v[k].text;
				else if (v[k].brief[0] && used + draw_width(v[k].brief) <= room)
					pick[k] = v[k].brief;
				else if (k == 0 && room > 1) {
					/* Names are ASCII (name_check), so columns are bytes. */
					snprintf(v[0].brief, sizeof v[0].brief, "%.*s…", room - 1, v[0].text);
					pick[k] = v[0].brief;
				}
				used += pick[k] ? draw_width(pick[k]) : 0;
			}
	} else
		for (int k = 0; k < np; k++)
			pick[k] = v[k].text;
	buf[0] = '\0';
	for (int k = 0; k < np && n < len; k++)
		if (pick[k])
			n += (size_t)snprintf(buf + n, len - n, "%s", pick[k]);
}

/* Keeps one coordinate of the view on the guest's screen: `at` is the
 * first guest row (or column) shown, `view` how many fit, `size` how
 * many the guest has, `cur` the cursor's. */
static int
pane_console_follow(int at, int view, int size, int cur, int follow)
{
	if (follow && cur < at)
		at = cur;
	if (follow && cur >= at + view)
		at = cur - view + 1;
	if (at > size - view)
		at = size - view;
	return at < 0 ? 0 : at;
}

/* Where the view goes this frame: after the cursor (as tmux shows a
 * window larger than its client), unless the user panned it. */
static void
pane_console_place_view(struct console *c, int vh, int vw)
{
	int rows, cols, cr, cc, follow = !c->panned && vtcon_scroll_offset(c->vc) == 0;

	vtcon_size(c->vc, &rows, &cols);
	/* a hidden cursor (top, vi between keys) still says where output goes */
	vtcon_cursor(c->vc, &cr, &cc);
	int top = pane_console_follow(c->top, vh, rows, cr, follow);
	int left = pane_console_follow(c->left, vw, cols, cc, follow);
	if (top != c->top || left != c->left || vh != c->view_h || vw != c->view_w)
		vtcon_invalidate(c->vc);
	c->top = top;
	c->left = left;
	c->view_h = vh;
	c->view_w = vw;
}

static int
pane_console_cut(const struct console *c)
{
	int rows, cols, cut = 0;

	vtcon_size(c->vc, &rows, &cols);
	if (c->top > 0)
		cut |= CUT_TOP;
	if (c->top + c->view_h < rows)
		cut |= CUT_BOTTOM;
	if (c->left > 0)
		cut |= CUT_LEFT;
	if (c->left + c->view_w < cols)
		cut |= CUT_RIGHT;
	return cut;
}

/* Arrows on the frame where the view cuts the guest's screen. */
static void
pane_console_mark_cut(struct pane *p, int cut, int focused)
{
	attr_t b = theme_attr(focused ? ROLE_BORDER_FOCUS : ROLE_BORDER);

	if (p->h < 4 || p->w < 4)
		return;
	wattr_set(p->win, b & ~A_COLOR, PAIR_NUMBER(b), NULL);
	/* at the right end of the top and bottom rules, clear of the title,
	 * so every row still ends with the frame's own corner or side */
	if (cut & CUT_TOP)
		mvwaddch(p->win, 0, p->w - 2, ACS_UARROW);
	if (cut & CUT_BOTTOM)
		mvwaddch(p->win, p->h - 1, p->w - 3, ACS_DARROW);
	if (cut & CUT_LEFT)
		mvwaddch(p->win, p->h - 1, 1, ACS_LARROW);
	if (cut & CUT_RIGHT)
		mvwaddch(p->win, p->h - 1, p->w - 2, ACS_RARROW);
	wattr_set(p->win, A_NORMAL, 0, NULL);
}

/* In a tile larger than the guest's screen, a dim line where it ends:
 * what lies beyond is plainly not the guest's. */
static void
pane_console_mark_end(struct console *c)
{
	int rows, cols, wh, ww;
	attr_t d = theme_attr(ROLE_DIM);

	vtcon_size(c->vc, &rows, &cols);
	getmaxyx(c->inner, wh, ww);
	wattr_set(c->inner, d & ~A_COLOR, PAIR_NUMBER(d), NULL);
	if (cols < ww)
		mvwvline(c->inner, 0, cols, ACS_VLINE, rows < wh ? rows : wh);
	if (rows < wh)
		mvwhline(c->inner, rows, 0, ACS_HLINE, cols < ww ? cols : ww);
	if (cols < ww && rows < wh)
		mvwaddch(c->inner, rows, cols, ACS_LRCORNER);
	wattr_set(c->inner, A_NORMAL, 0, NULL);
}

/* SANDLAB_CONSOLE_DUMP=DIR: the model of each console, written after each
 * frame that changed it to DIR/NODE-ID: size, cursor, and each row's text
 * with a hash of its cells. Tests compare the model across tile sizes. */
static void
pane_console_dump(struct console *c)
{
	const char *dir = getenv("SANDLAB_CONSOLE_DUMP");
	struct vtcon_cell *cells;
	char *tmp, *path, text[4096];
	int rows, cols, cr, cc;
	FILE *f;

	if (dir == NULL || *dir == '\0')
		return;
	vtcon_size(c->vc, &rows, &cols);
	tmp = xasprintf("%s/.%s.tmp", dir, c->node_id);
	path = xasprintf("%s/%s", dir, c->node_id);
	cells = xreallocarray(NULL, (size_t)cols, sizeof *cells);
	if ((f = fopen(tmp, "w")) != NULL) {
		bool on = vtcon_cursor(c->vc, &cr, &cc);
		fprintf(f, "size %dx%d\ncursor %d,%d %s\n", cols, rows, cr, cc, on ? "shown" : "hidden");
		for (int r = 0; r < rows; r++) {
			uint64_t h = 1469598103934665603u;
			vtcon_line(c->vc, r, cells, cols);
			for (size_t k = 0; k < (size_t)cols * sizeof *cells; k++)
				h = (h ^ ((const unsigned char *)cells)[k]) * 1099511628211u;
			vtcon_line_text(c->vc, r, text, sizeof text);
			fprintf(f, "%016llx|%s\n", (unsigned long long)h, text);
		}
		if (fclose(f) == 0)
			rename(tmp, path);
	}
	free(cells);
	free(tmp);
	free(path);
}

static void
pane_console_draw(struct pane *p, struct app *a)
{
	struct console *c = p->data;
	int focused = a->focus == p, edge = c->bare ? 0 : 1;
	int ih = p->h - 2 * edge, iw = p->w - 2 * edge, cut, changed;
	char title[512];

	if (ih < 1 || iw < 1) {
		werase(p->win);
		draw_frame(p->win, NULL, focused);
		return;
	}
	/* The inner window follows the pane; the guest's screen keeps its size. */
	if (c->inner == NULL || getmaxy(c->inner) != ih || getmaxx(c->inner) != iw ||
	    getbegy(c->inner) != p->y + edge || getbegx(c->inner) != p->x + edge) {
		if (c->inner)
			delwin(c->inner);
		c->inner = newwin(ih, iw, p->y + edge, p->x + edge);
		if (c->inner == NULL)
			fatal("cannot make a window of %dx%d", iw, ih);
		vtcon_invalidate(c->vc);
		p->full = 1;
	}
	pane_console_place_view(c, ih, iw);
	cut = pane_console_cut(c);
	pane_console_title(p, a, title, sizeof title);
	if (c->bare) {
		/* Zoomed on a terminal no larger than the guest: no frame. The
		 * pane's own window goes out first, so it never covers the
		 * console when the app refreshes it after this. */
		if (p->full) {
			werase(p->win);
			touchwin(c->inner);
			p->full = 0;
		}
		wnoutrefresh(p->win);
	} else if (!c->bare && (p->full || focused != c->frame_focus || cut != c->frame_cut ||
	    strcmp(title, c->frame) != 0)) {
		werase(p->win);
		draw_frame(p->win, title, focused);
		pane_console_mark_cut(p, cut, focused);
		wnoutrefresh(p->win);
		/* The frame window's blank middle went out too: put the console
		 * back over it in full. */
		touchwin(c->inner);
		snprintf(c->frame, sizeof c->frame, "%s", title);
		c->frame_focus = focused;
		c->frame_cut = cut;
		p->full = 0;
	}
	wbkgdset(c->inner, ' ');
	changed = vtcon_is_dirty(c->vc);
	p->cur_on = vtcon_draw_at(c->vc, c->inner, &c->colors, c->top, c->left);
	if (p->cur_on) {
		getyx(c->inner, p->cur_y, p->cur_x);
		p->cur_y += edge;
		p->cur_x += edge;
	}
	pane_console_mark_end(c);
	if (p->cur_on)
		wmove(c->inner, p->cur_y - edge, p->cur_x - edge);
	wnoutrefresh(c->inner);
	if (changed)
		pane_console_dump(c);
}

void
pane_console_set_bare(struct pane *p, int bare)
{
	struct console *c = p->data;

	if (c->bare != bare) {
		c->bare = bare;
		p->dirty = p->full = 1;
	}
}

int
pane_console_needs_screen(const struct pane *p, int lines, int columns)
{
	const struct console *c = p->data;
	int rows, cols;

	/* Not attached (stopped, or not yet reached), the guest shows
	 * nothing new: the frame and the status line stay, to say the
	 * node's state and the keys that start it or leave the zoom. */
	if (c->fd < 0)
		return 0;
	vtcon_size(c->vc, &rows, &cols);
	/* a frame takes two rows and two columns, the status line a row */
	return rows + 3 > lines || cols + 2 > columns;
}

void
pane_console_pan(struct pane *p, int rows, int cols)
{
	struct console *c = p->data;

	c->panned = 1;
	c->top += rows;
	c->left += cols * PANE_CONSOLE_PAN_COLS;
	if (c->top < 0)
		c->top = 0;
	if (c->left < 0)
		c->left = 0;
	p->dirty = 1;
}

int
pane_console_stty(struct pane *p, struct app *a)
{
	struct console *c = p->data;
	int rows = c->view_h, cols = c->view_w;
	char cmd[64];
	struct err e;
	int n;

	if (c->fd < 0) {
		app_msg(a, APP_MSG_WARN, "the node is not running: nothing to tell");
		return -1;
	}
	if (rows < CONSIZE_ROWS_MIN || cols < CONSIZE_COLS_MIN) {
		app_msg(a, APP_MSG_WARN, "this tile (%dx%d) is smaller than a console may be (%dx%d): "
		    "zoom first", cols, rows, CONSIZE_COLS_MIN, CONSIZE_ROWS_MIN);
		return -1;
	}
	if (rows > CONSIZE_ROWS_MAX)
		rows = CONSIZE_ROWS_MAX;
	if (cols > CONSIZE_COLS_MAX)
		cols = CONSIZE_COLS_MAX;
	if (consize_set(a->lab, c->node_id, cols, rows, &e) != 0) {
		app_msg(a, APP_MSG_ERROR, "cannot set the console size: %s", e.msg);
		return -1;
	}
	/* This dashboard follows at once; the others when inotify tells them. */
	pane_console_resize(p, rows, cols);
	a->need_layout = 1;
	/* Ctrl-U first: whatever was typed on the line goes */
	n = snprintf(cmd, sizeof cmd, "\025stty rows %d cols %d\r", rows, cols);
	pane_console_output(cmd, (size_t)n, c);
	pane_console_flush(c);
	app_reload(a);
	app_msg(a, APP_MSG_INFO, "typed stty rows %d cols %d: the guest's console is %dx%d now",
	    rows, cols, cols, rows);
	return 0;
}

static enum pane_result
pane_console_key(struct pane *p, struct app *a, const struct input_key *k)
{
	struct console *c = p->data;
	struct pane *t[APP_MAX_CONSOLES];
	size_t nt;

	if (!a->entered)
		return PANE_UNHANDLED;
	if (c->fd < 0 && !c->marked) {
		app_msg(a, APP_MSG_WARN, "the node is not running: %s leaves, then s starts it",
		    a->escape_name);
		return PANE_HANDLED;
	}
	/* Typing takes the view back to the live screen, as terminals do,
	 * and to the cursor.
	 * A marked console's key goes to every marked guest, each encoded
	 * by that guest's own vtcon for its own modes. */
	nt = pane_console_targets(p, a, t);
	for (size_t i = 0; i < nt; i++) {
		struct console *o = t[i]->data;
		if (o->fd < 0)
			continue;   /* a stopped marked node just misses the key */
		if (vtcon_scroll_offset(o->vc) > 0 || o->panned)
			pane_console_scroll(t[i], 0, 1);
		vtcon_key(o->vc, k);
		pane_console_flush(o);
	}
	return PANE_HANDLED;
}

static enum pane_result
pane_console_mouse(struct pane *p, struct app *a, enum pane_mouse ev, int y, int x)
{
	switch (ev) {
	case PANE_MOUSE_WHEEL_UP:
		pane_console_scroll(p, 3, 0);
		break;
	case PANE_MOUSE_WHEEL_DOWN:
		pane_console_scroll(p, -3, 0);
		break;
	case PANE_MOUSE_PRESS:
		/* A click on a console is a wish to type into it. */
		a->entered = 1;
		a->status->dirty = 1;
		break;
	}
	return PANE_REDRAW;
}

static void
pane_console_free(struct pane *p)
{
	struct console *c = p->data;

	if (c->fd >= 0)
		close(c->fd);
	if (c->inner)
		delwin(c->inner);
	vtcon_free(c->vc);
	free(c->out);
	free(c);
}

const struct pane_kind pane_console_kind = {
	.name = "console",
	.focusable = 1,
	.draw = pane_console_draw,
	.key = pane_console_key,
	.mouse = pane_console_mouse,
	.free = pane_console_free,
};
