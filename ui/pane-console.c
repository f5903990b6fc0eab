/*
 * pane-console.c: the console tile. Reads at most PANE_CONSOLE_READ bytes
 * per loop turn from each console, so a flooding guest cannot starve the
 * keyboard or the other consoles; writes the user's keys without ever
 * blocking (what the socket does not take waits in a queue). Draws through
 * vtcon_draw, which repaints only damaged rows; the frame is redrawn only
 * when its title, focus or size changed or something covered it.
 */
#include "pane-console.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "draw.h"
#include "run.h"
#include "theme.h"
#include "vtcon-draw.h"
#include "vtcon-key.h"
#include "vtcon.h"

#define PANE_CONSOLE_READ (64 * 1024)
#define PANE_CONSOLE_OUT_MAX (1024 * 1024)

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
	struct vtcon_colors colors;
};

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

struct pane *
pane_console_new(struct app *a, const char *node_id)
{
	struct console *c = xcalloc(1, sizeof *c);
	const char *nc = getenv("NO_COLOR");
	struct pane *p;

	snprintf(c->node_id, sizeof c->node_id, "%s", node_id);
	c->fd = -1;
	c->vc = vtcon_new(24, 80, VTCON_SB_DEFAULT);
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

	if (c->fd >= 0 || i < 0)
		return;
	if (a->model.nodes[i].run.state != RUN_RUNNING && a->model.nodes[i].run.state != RUN_STARTING)
		return;
	fd = run_console_connect(a->lab, c->node_id, &e);
	if (fd < 0)
		return;             /* not ready yet: the next reload tries again */
	c->fd = fd;
	if (c->attached_once) {
		/* A new run of the node: its keeper replays from its boot. */
		static const char mark[] = "\r\n\033[0m[sandlab: the node started again]\r\n";
		vtcon_feed(c->vc, mark, sizeof mark - 1);
	}
	c->attached_once = 1;
	p->dirty = 1;
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
			vtcon_feed(c->vc, buf, (size_t)n);
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

	if (to_live)
		vtcon_scroll(c->vc, -vtcon_scroll_offset(c->vc));
	else
		vtcon_scroll(c->vc, lines);
	p->dirty = 1;
}

int
pane_console_page(const struct pane *p)
{
	return p->h > 3 ? p->h - 3 : 1;
}

void
pane_console_paste(struct pane *p, const char *s, size_t n)
{
	struct console *c = p->data;

	vtcon_paste(c->vc, s, n);
	pane_console_flush(c);
}

/* The title: name, state, scrollback position, what keys do now. */
static void
pane_console_title(struct pane *p, struct app *a, char *buf, size_t len)
{
	struct console *c = p->data;
	int i = model_node_index(&a->model, c->node_id);
	const struct model_node *mn = i >= 0 ? &a->model.nodes[i] : NULL;
	const char *title = vtcon_title(c->vc);
	int off = vtcon_scroll_offset(c->vc);
	size_t n;

	if (mn == NULL) {
		snprintf(buf, len, "(deleted node)");
		return;
	}
	n = (size_t)snprintf(buf, len, "%s · %s", mn->n.name, run_state_name(mn->run.state));
	if (c->fd < 0 && n < len) {
		if (mn->run.state == RUN_RUNNING || mn->run.state == RUN_STARTING)
			n += (size_t)snprintf(buf + n, len - n, ", attaching");
		else
			n += (size_t)snprintf(buf + n, len - n, ", not attached: s starts it");
	}
	if (title[0] && n < len)
		n += (size_t)snprintf(buf + n, len - n, " · %s", title);
	if (off > 0 && n < len)
		n += (size_t)snprintf(buf + n, len - n, " · scrolled back %d (End: live)", off);
	if (a->entered && a->focus == p && n < len)
		snprintf(buf + n, len - n, " · typing, %s leaves", a->escape_name);
}

static void
pane_console_draw(struct pane *p, struct app *a)
{
	struct console *c = p->data;
	int focused = a->focus == p, ih = p->h - 2, iw = p->w - 2, rows, cols;
	char title[512];

	if (ih < 1 || iw < 1) {
		werase(p->win);
		draw_frame(p->win, NULL, focused);
		return;
	}
	/* The inner window follows the pane; the guest's screen its size. */
	if (c->inner == NULL || getmaxy(c->inner) != ih || getmaxx(c->inner) != iw ||
	    getbegy(c->inner) != p->y + 1 || getbegx(c->inner) != p->x + 1) {
		if (c->inner)
			delwin(c->inner);
		c->inner = newwin(ih, iw, p->y + 1, p->x + 1);
		if (c->inner == NULL)
			fatal("cannot make a window of %dx%d", iw, ih);
		vtcon_size(c->vc, &rows, &cols);
		if (rows != ih || cols != iw)
			vtcon_resize(c->vc, ih, iw);
		vtcon_invalidate(c->vc);
		p->full = 1;
	}
	pane_console_title(p, a, title, sizeof title);
	if (p->full || focused != c->frame_focus || strcmp(title, c->frame) != 0) {
		werase(p->win);
		draw_frame(p->win, title, focused);
		wnoutrefresh(p->win);
		/* The frame window's blank middle went out too: put the console
		 * back over it in full. */
		touchwin(c->inner);
		snprintf(c->frame, sizeof c->frame, "%s", title);
		c->frame_focus = focused;
		p->full = 0;
	}
	wbkgdset(c->inner, ' ');
	p->cur_on = vtcon_draw(c->vc, c->inner, &c->colors);
	if (p->cur_on) {
		getyx(c->inner, p->cur_y, p->cur_x);
		p->cur_y++;
		p->cur_x++;
	}
	wnoutrefresh(c->inner);
}

static enum pane_result
pane_console_key(struct pane *p, struct app *a, const struct input_key *k)
{
	struct console *c = p->data;

	if (!a->entered)
		return PANE_UNHANDLED;
	if (c->fd < 0) {
		app_msg(a, APP_MSG_WARN, "the node is not running: %s leaves, then s starts it",
		    a->escape_name);
		return PANE_HANDLED;
	}
	/* Typing takes the view back to the live screen, as terminals do. */
	if (vtcon_scroll_offset(c->vc) > 0)
		pane_console_scroll(p, 0, 1);
	vtcon_key(c->vc, k);
	pane_console_flush(c);
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
