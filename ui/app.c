/*
 * app.c: the loop. One poll() over the terminal, the signal self-pipe,
 * the lab's change notifications, the job pipe and console sockets; keys
 * are decoded by libtickit from bytes we read ourselves, so bracketed paste
 * can be cut out first. Handlers mark panes dirty; one redraw pass per
 * turn draws them, at most one frame per APP_FRAME_MS. Must not sleep,
 * block on the lab for long, or wake up when nothing happens.
 */
#include "app.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "capjob.h"
#include "draw.h"
#include "link.h"
#include "pane-console.h"
#include "uistate.h"
#include "job.h"
#include "keys.h"
#include "layout.h"
#include "modal.h"
#include "pane-nodes.h"
#include "term.h"
#include "theme.h"

#define APP_RELOAD_MS 200         /* coalesce bursts of lab writes */
#define APP_TRANSITION_MS 1000    /* re-read while a node starts or stops */
#define APP_PASTE_MAX (1 << 20)

static const char app_paste_start[] = "\033[200~";
static const char app_paste_end[] = "\033[201~";

void
app_msg(struct app *a, enum app_msg level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
	a->msg_level = level;
	a->status->dirty = 1;
}

/* Every pane, fixed and console, in drawing order (the status line last).
 * Fills out (APP_MAX_PANES) and returns the count. */
static size_t
app_panes(const struct app *a, struct pane **out)
{
	size_t n = 0;

	out[n++] = a->images;
	out[n++] = a->nodes;
	out[n++] = a->details;
	for (size_t i = 0; i < a->nconsoles; i++)
		out[n++] = a->consoles[i];
	out[n++] = a->status;
	return n;
}

void
app_dirty_all(struct app *a)
{
	struct pane *p[APP_MAX_PANES];
	size_t n = app_panes(a, p);

	for (size_t i = 0; i < n; i++)
		p[i]->dirty = p[i]->full = 1;
	if (a->modal)
		a->modal->dirty = 1;
}

void
app_repaint(struct app *a)
{
	clearok(curscr, TRUE);
	app_dirty_all(a);
}

const struct model_node *
app_sel_node(const struct app *a)
{
	if (a->sel_node < 0 || (size_t)a->sel_node >= a->model.nnodes)
		return NULL;
	return model_node_at(&a->model, a->sel_node);
}

const struct image *
app_sel_image(const struct app *a)
{
	if (a->sel_image < 0 || (size_t)a->sel_image >= a->model.nimages)
		return NULL;
	return &a->model.images[a->sel_image];
}

/* After a reload: the selection stays on the same thing (found: its new
 * index, or -1 when it is gone), else near its old row. */
static void
app_keep_selection(int *sel, int found, size_t n)
{
	if (found >= 0)
		*sel = found;
	else if (*sel >= (int)n)
		*sel = (int)n - 1;
	else if (*sel < 0 && n > 0)
		*sel = 0;
}

void
app_reload(struct app *a)
{
	char node_id[37] = "", image_id[37] = "";
	struct pane *p[APP_MAX_PANES];
	struct err e;
	size_t n;
	int i;

	if (app_sel_node(a))
		snprintf(node_id, sizeof node_id, "%s", app_sel_node(a)->n.id);
	if (app_sel_image(a))
		snprintf(image_id, sizeof image_id, "%s", app_sel_image(a)->id);
	a->need_reload = 0;
	a->reload_due = 0;
	if ((a->reload_all || a->model.partial ? model_load(&a->model, a->lab, &e) :
	    model_update(&a->model, a->lab, a->reload_ids, a->nreload_ids, &e)) != 0) {
		a->nreload_ids = 0;
		a->reload_all = 0;
		app_msg(a, APP_MSG_ERROR, "cannot read the lab: %s", e.msg);
		return;
	}
	a->nreload_ids = 0;
	a->reload_all = 0;
	i = node_id[0] ? model_node_index(&a->model, node_id) : -1;
	app_keep_selection(&a->sel_node, i, a->model.nnodes);
	i = image_id[0] ? model_image_index(&a->model, image_id) : -1;
	app_keep_selection(&a->sel_image, i, a->model.nimages);
	/* A console of a node deleted elsewhere has nothing left to show. */
	for (size_t k = a->nconsoles; k-- > 0;)
		if (model_node_index(&a->model, pane_console_node(a->consoles[k])) < 0)
			app_console_close(a, k);
	for (size_t k = 0; k < a->nconsoles; k++)
		pane_console_attach(a->consoles[k], a);
	/* A dashboard's capture of a link that is gone ends. */
	if (capjob_count() > 0) {
		struct link *links;
		size_t nl;
		if (link_list(a->lab, &links, &nl, &e) == 0) {
			capjob_keep(links, nl);
			free(links);
		}
	}
	/* Titles and lists change; consoles keep their screens. */
	n = app_panes(a, p);
	for (size_t k = 0; k < n; k++)
		p[k]->dirty = 1;
}

void
app_focus(struct app *a, struct pane *p)
{
	if (p == NULL || p->win == NULL || !p->kind->focusable)
		return;
	if (a->focus)
		a->focus->dirty = 1;
	a->focus = p;
	p->dirty = 1;
	a->details->dirty = 1;
	a->status->dirty = 1;
}

void
app_focus_cycle(struct app *a, int dir)
{
	struct pane *p[APP_MAX_PANES], *ring[APP_MAX_PANES];
	size_t np = app_panes(a, p);
	int n = 0, at = -1;

	for (size_t i = 0; i < np; i++)
		if (p[i]->win && p[i]->kind->focusable)
			ring[n++] = p[i];
	if (n == 0)
		return;
	for (int i = 0; i < n; i++)
		if (ring[i] == a->focus)
			at = i;
	at = at < 0 ? 0 : (at + dir + n) % n;
	app_focus(a, ring[at]);
}

void
app_modal_open(struct app *a, struct modal *o)
{
	app_modal_close(a);
	a->modal = o;
	o->dirty = 1;
}

void
app_modal_close(struct app *a)
{
	if (a->modal == NULL)
		return;
	modal_free(a->modal);
	a->modal = NULL;
	/* What was under it must be drawn again. */
	app_dirty_all(a);
	touchwin(stdscr);
}

/* ---- input ---- */

static void
app_key(struct app *a, const struct input_key *k)
{
	if (a->modal) {
		/* C-l repaints under a modal window too: it takes every other key. */
		if (k->type == INPUT_TYPE_UNICODE && k->modifiers == INPUT_MOD_CTRL &&
		    k->code.codepoint == 'l') {
			app_repaint(a);
			return;
		}
		if (a->modal->kind->key(a->modal, a, k) == MODAL_CLOSE)
			app_modal_close(a);
		else if (a->modal)
			a->modal->dirty = 1;
		return;
	}
	if (!a->entered && a->msg[0]) {
		a->msg[0] = '\0';
		a->status->dirty = 1;
	}
	if (a->focus && a->focus->kind->key && !a->entered) {
		enum pane_result r = a->focus->kind->key(a->focus, a, k);
		if (r == PANE_REDRAW)
			a->focus->dirty = 1;
		if (r != PANE_UNHANDLED)
			return;
	}
	if (keys_dispatch(a, k))
		return;
	if (a->entered && a->focus && a->focus->kind->key) {
		/* Inside a console every other key is the guest's. */
		if (a->focus->kind->key(a->focus, a, k) == PANE_REDRAW)
			a->focus->dirty = 1;
	}
}

static void
app_mouse(struct app *a, const struct input_key *k)
{
	int line = k->mouse.line, col = k->mouse.col;
	struct pane *p;
	enum pane_mouse what;
	enum pane_result r;

	if (k->mouse.ev == INPUT_MOUSE_WHEEL)
		what = k->mouse.button == INPUT_WHEEL_UP ? PANE_MOUSE_WHEEL_UP : PANE_MOUSE_WHEEL_DOWN;
	else if (k->mouse.ev == INPUT_MOUSE_PRESS && k->mouse.button == 1)
		what = PANE_MOUSE_PRESS;
	else
		return;
	if (a->modal)
		return;
	p = layout_pane_at(a, line, col);
	if (p == NULL)
		return;
	if (what == PANE_MOUSE_PRESS && p != a->focus) {
		if (a->entered)
			a->entered = 0;
		app_focus(a, p);
	}
	if (p->kind->mouse) {
		r = p->kind->mouse(p, a, what, line - p->y, col - p->x);
		if (r == PANE_REDRAW)
			p->dirty = 1;
	}
}

/* Pasted text: to the modal window, or to an entered console. */
static void
app_paste(struct app *a, const char *s, size_t n)
{
	if (a->modal && a->modal->kind->paste) {
		a->modal->kind->paste(a->modal, a, s, n);
		a->modal->dirty = 1;
	} else if (!a->modal && a->entered && app_console_focused(a) >= 0)
		pane_console_paste(a->focus, a, s, n);
}

/* Each key or mouse event libtickit decodes (reports and unknown
 * sequences it drops itself); nothing after a key that quits. */
static void
app_on_input(void *user, const struct input_key *k)
{
	struct app *a = user;

	if (a->quit)
		return;
	if (k->type == INPUT_TYPE_MOUSE)
		app_mouse(a, k);
	else
		app_key(a, k);
}

struct input *
app_input_new(struct app *a)
{
	return input_new(getenv("TERM"), app_on_input, a);
}

/* The paste scanner (a->scan): bytes outside paste markers go to
 * libtickit; a paste is collected whole and handed over at its end
 * marker. */
static void
app_input_bytes(struct app *a, const char *buf, size_t n)
{
	struct app_input *in = &a->scan;
	char *all = xmalloc(in->ncarry + n);
	size_t len = in->ncarry + n, i = 0;

	memcpy(all, in->carry, in->ncarry);
	memcpy(all + in->ncarry, buf, n);
	in->ncarry = 0;
	while (i < len) {
		const char *marker = in->in_paste ? app_paste_end : app_paste_start;
		size_t ml = sizeof app_paste_start - 1;
		char *hit = memmem(all + i, len - i, marker, ml);
		size_t upto = hit ? (size_t)(hit - all) : len;

		if (!hit) {
			/* Hold back a tail that may begin a marker (2 bytes or more:
			 * a lone ESC must reach libtickit to time out as a key). */
			for (size_t k = ml - 1; k >= 2; k--)
				if (len - i >= k && memcmp(all + len - k, marker, k) == 0) {
					memcpy(in->carry, all + len - k, k);
					in->ncarry = k;
					upto = len - k;
					break;
				}
		}
		if (in->in_paste) {
			size_t take = upto - i;
			if (in->plen + take > APP_PASTE_MAX)
				take = APP_PASTE_MAX - in->plen;
			in->paste = xrealloc(in->paste, in->plen + take + 1);
			memcpy(in->paste + in->plen, all + i, take);
			in->plen += take;
		} else if (upto > i) {
			input_push(a->in, all + i, upto - i);
		}
		if (!hit)
			break;
		if (in->in_paste) {
			app_paste(a, in->paste ? in->paste : "", in->plen);
			free(in->paste);
			in->paste = NULL;
			in->plen = 0;
		}
		in->in_paste = !in->in_paste;
		i = upto + ml;
	}
	free(all);
}

static void
app_read_terminal(struct app *a)
{
	char buf[4096];
	ssize_t n = read(STDIN_FILENO, buf, sizeof buf);

	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		/* The terminal went away. */
		a->quit = 1;
		return;
	}
	if (n > 0)
		app_input_bytes(a, buf, (size_t)n);
}

/* ---- lab changes ---- */

static void
app_watch_start(struct app *a)
{
	a->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (a->inotify_fd < 0)
		return;
	/* Every write to the lab goes through the WAL file; keepers appear
	 * and vanish in run/. */
	if (inotify_add_watch(a->inotify_fd, a->lab->root, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0) {
		close(a->inotify_fd);
		a->inotify_fd = -1;
		return;
	}
	inotify_add_watch(a->inotify_fd, a->lab->run, IN_CREATE | IN_DELETE | IN_CLOSE);
}

/* Another dashboard closed the lock file (it may have quit): if this one
 * runs without the lock, it takes it now and keeps the layout from here. */
static void
app_lock_retry(struct app *a)
{
	struct err e;
	int other;

	if (a->lock_fd >= 0)
		return;
	a->lock_fd = uistate_lock(a->lab, &other, &e);
	if (a->lock_fd < 0) {
		a->lock_fd = -1;
		return;
	}
	a->warn[0] = '\0';
	a->status->dirty = 1;
	app_uistate_save(a);
}

static void
app_watch_read(struct app *a)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(a->inotify_fd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			if (ev->len > 0 && strcmp(ev->name, UISTATE_LOCK_FILE) == 0) {
				if (ev->mask & IN_CLOSE)
					app_lock_retry(a);
			} else if (ev->mask & IN_CLOSE)
				;   /* closes matter only for the lock */
			else if (ev->len == 0 || strncmp(ev->name, LAB_DB_FILE, strlen(LAB_DB_FILE)) == 0)
				a->need_reload = 1;
			else if (strlen(ev->name) == LAB_ID_LEN) {
				/* A keeper came or went: that node's state. */
				if (a->nreload_ids < APP_RELOAD_IDS)
					snprintf(a->reload_ids[a->nreload_ids++], sizeof a->reload_ids[0], "%s",
					    ev->name);
				else
					a->reload_all = 1;
				a->need_reload = 1;
			}
			p += sizeof *ev + ev->len;
		}
	}
	if (a->need_reload && a->reload_due == 0)
		a->reload_due = mono_ms() + APP_RELOAD_MS;
}

/* ---- consoles ---- */

int
app_console_focused(const struct app *a)
{
	for (size_t i = 0; i < a->nconsoles; i++)
		if (a->consoles[i] == a->focus)
			return (int)i;
	return -1;
}

void
app_console_open(struct app *a, const char *node_id, int enter)
{
	struct pane *p = NULL;

	for (size_t i = 0; i < a->nconsoles; i++)
		if (strcmp(pane_console_node(a->consoles[i]), node_id) == 0)
			p = a->consoles[i];
	if (p == NULL) {
		if (a->nconsoles == APP_MAX_CONSOLES) {
			app_msg(a, APP_MSG_WARN, "%d consoles are open already: close one with x",
			    APP_MAX_CONSOLES);
			return;
		}
		p = pane_console_new(a, node_id);
		a->consoles[a->nconsoles++] = p;
		app_uistate_save(a);
	}
	/* A console hidden by another's zoom comes forward. */
	if (a->zoom >= 0 && a->consoles[a->zoom] != p)
		a->zoom = -1;
	layout_build(a);
	app_focus(a, p);
	a->entered = enter;
	app_dirty_all(a);
}

void
app_console_close(struct app *a, size_t i)
{
	if (i >= a->nconsoles)
		return;
	if (a->focus == a->consoles[i])
		a->focus = a->nodes;
	pane_free(a->consoles[i]);
	memmove(&a->consoles[i], &a->consoles[i + 1], (a->nconsoles - i - 1) * sizeof a->consoles[0]);
	a->nconsoles--;
	if (a->zoom == (int)i)
		a->zoom = -1;
	else if (a->zoom > (int)i)
		a->zoom--;
	a->entered = 0;
	a->need_layout = 1;
	app_dirty_all(a);
	clearok(curscr, TRUE);
	app_uistate_save(a);
}

void
app_console_zoom(struct app *a, size_t i)
{
	if (i >= a->nconsoles)
		return;
	a->zoom = a->zoom == (int)i ? -1 : (int)i;
	a->need_layout = 1;
	app_dirty_all(a);
	app_uistate_save(a);
}

void
app_uistate_save(struct app *a)
{
	struct uistate s;
	struct err e;

	if (a->lock_fd < 0)
		return;             /* the other dashboard's layout is the one kept */
	memset(&s, 0, sizeof s);
	for (size_t i = 0; i < a->nconsoles && s.n < UISTATE_MAX_CONSOLES; i++)
		snprintf(s.consoles[s.n++], sizeof s.consoles[0], "%s", pane_console_node(a->consoles[i]));
	s.zoom = a->zoom;
	if (uistate_save(a->lab, &s, &e) != 0)
		app_msg(a, APP_MSG_WARN, "cannot remember the open consoles: %s", e.msg);
}

void
app_uistate_restore(struct app *a)
{
	struct uistate s;
	struct err e;

	if (uistate_load(a->lab, &s, &e) != 0) {
		app_msg(a, APP_MSG_WARN, "cannot read the consoles of the last run: %s", e.msg);
		return;
	}
	/* Consoles find their nodes in the model: all of it first. */
	if (s.n > 0 && a->model.partial)
		app_reload(a);
	for (size_t i = 0; i < s.n && a->nconsoles < APP_MAX_CONSOLES; i++)
		if (model_node_index(&a->model, s.consoles[i]) >= 0)
			a->consoles[a->nconsoles++] = pane_console_new(a, s.consoles[i]);
	if (s.zoom >= 0 && (size_t)s.zoom < s.n)
		for (size_t i = 0; i < a->nconsoles; i++)
			if (strcmp(pane_console_node(a->consoles[i]), s.consoles[s.zoom]) == 0) {
				/* The zoomed console is all the screen shows: keys go
				 * there (z, s), not to the node list behind it. */
				a->zoom = (int)i;
				a->focus = a->consoles[i];
			}
	a->need_layout = 1;
}

/* ---- the loop ---- */

/* Whether a pane has something to draw. A pane the layout hides (no
 * window: details at 80x24, consoles behind a zoom) has nothing, whatever
 * its flag says; pane_place marks it dirty when it shows again. Counting
 * it kept the frame timer running forever. */
static int
app_pane_due(const struct pane *p)
{
	return p->win != NULL && p->dirty;
}

static int
app_any_dirty(const struct app *a)
{
	struct pane *p[APP_MAX_PANES];
	size_t n = app_panes(a, p);

	for (size_t i = 0; i < n; i++)
		if (app_pane_due(p[i]))
			return 1;
	return a->modal && a->modal->dirty;
}

static void
app_draw_pane(struct app *a, struct pane *p, int *any)
{
	if (!app_pane_due(p)) {
		p->dirty = 0;   /* hidden: drawn in full when placed again */
		return;
	}
	wbkgdset(p->win, ' ' | theme_attr(ROLE_NORMAL));
	p->kind->draw(p, a);
	wnoutrefresh(p->win);
	p->dirty = 0;
	*any = 1;
}

static void
app_redraw(struct app *a)
{
	struct pane *p[APP_MAX_PANES];
	size_t n;
	int any = 0;

	if (a->need_layout)
		layout_build(a);
	n = app_panes(a, p);
	for (size_t i = 0; i < n; i++)
		app_draw_pane(a, p[i], &any);
	if (a->modal && (a->modal->dirty || any)) {
		a->modal->kind->draw(a->modal, a);
		touchwin(a->modal->win);
		wnoutrefresh(a->modal->win);
		a->modal->dirty = 0;
	}
	/* The cursor: shown only where a form or an entered console wants it;
	 * doupdate leaves it where the last window refreshed put it. */
	if (a->modal && a->modal->cur_on && a->modal->win) {
		wmove(a->modal->win, a->modal->cur_y, a->modal->cur_x);
		wnoutrefresh(a->modal->win);
		curs_set(1);
	} else if (!a->modal && a->entered && a->focus && a->focus->win && a->focus->cur_on) {
		wmove(a->focus->win, a->focus->cur_y, a->focus->cur_x);
		wnoutrefresh(a->focus->win);
		curs_set(1);
	} else
		curs_set(0);
	doupdate();
	a->last_frame = mono_ms();
}

/* Milliseconds until the next timed thing, or -1 for none. */
static int
app_timeout(struct app *a, int input_wait)
{
	int64_t now = mono_ms(), due = -1;

	if (app_any_dirty(a) || a->need_layout) {
		int64_t frame = a->last_frame + APP_FRAME_MS;
		due = frame;
	}
	if (a->reload_due > 0 && (due < 0 || a->reload_due < due))
		due = a->reload_due;
	if (a->model.transitional) {
		int64_t t = now + APP_TRANSITION_MS;
		if (a->reload_due == 0)
			a->reload_due = t;
		if (due < 0 || a->reload_due < due)
			due = a->reload_due;
	}
	/* The uptime column changes once a minute while nodes run. The next
	 * change is found again only when it has come or the model changed:
	 * a pass over 10,000 nodes at every wake-up cost more than the
	 * change it waited for. */
	if (a->nodes->win && a->model.nrunning > 0) {
		if (a->uptime_due <= now || a->uptime_gen != a->model.generation) {
			int64_t s = now_s(), next = -1;
			for (size_t i = 0; i < a->model.nnodes; i++) {
				const struct run_info *r = &model_node_at(&a->model, i)->run;
				if (r->state == RUN_RUNNING && r->started_at > 0) {
					int64_t t = pane_nodes_next_tick(r->started_at, s);
					if (next < 0 || t < next)
						next = t;
				}
			}
			a->uptime_due = next >= 0 ? now + next * 1000 : 0;
			a->uptime_gen = a->model.generation;
		}
		if (a->uptime_due > 0 && (due < 0 || a->uptime_due < due))
			due = a->uptime_due;
	} else
		a->uptime_due = 0;
	if (input_wait >= 0 && (due < 0 || now + input_wait < due))
		due = now + input_wait;
	if (due < 0)
		return -1;
	return due <= now ? 0 : (int)(due - now);
}

int
app_run(struct app *a)
{
	struct pollfd fds[4 + APP_MAX_CONSOLES];
	struct pane *polled[APP_MAX_CONSOLES];
	app_watch_start(a);
	a->need_layout = 1;
	app_redraw(a);
	/* The first frame showed the first nodes (ui.c): the rest now, before
	 * any key is read (keys typed meanwhile wait in the terminal). */
	if (a->model.partial)
		app_reload(a);
	/* Only after the first frame: the probe runs QEMU once, and the scan
	 * runs qemu-img on files new in images/ (none, usually). */
	job_run(a, JOB_PROBE, "", "KVM probe");
	job_run(a, JOB_SCAN, "", "image scan");
	while (!a->quit) {
		int nfds = 0, timeout, rc;
		int64_t now;

		fds[nfds++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		fds[nfds++] = (struct pollfd){ .fd = term_signal_fd(), .events = POLLIN };
		/* While a reload is due, the lab's events wait in the queue and
		 * are read at once before it: one write from another process
		 * is a hundred events, each a wake-up when read one by one. */
		fds[nfds++] = (struct pollfd){ .fd = a->reload_due > 0 ? -1 : a->inotify_fd, .events = POLLIN };
		fds[nfds++] = (struct pollfd){ .fd = job_fd(), .events = POLLIN };
		for (size_t i = 0; i < a->nconsoles; i++) {
			polled[i] = a->consoles[i];
			fds[nfds++] = (struct pollfd){ .fd = pane_console_fd(polled[i]),
			    .events = pane_console_events(polled[i]) };
		}
		timeout = app_timeout(a, input_timeout(a->in));
		rc = poll(fds, (nfds_t)nfds, timeout);
		if (rc < 0 && errno != EINTR)
			fatal("poll: %s", strerror(errno));
		now = mono_ms();
		if (rc > 0 && (fds[1].revents & POLLIN) && term_signal_drain()) {
			if (term_resize()) {
				a->need_layout = 1;
				app_dirty_all(a);
				clearok(curscr, TRUE);
			}
		}
		if (rc > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
			app_read_terminal(a);
		else
			input_check(a->in);     /* a lone ESC that waited long enough */
		if (rc > 0 && a->inotify_fd >= 0 && (fds[2].revents & POLLIN))
			app_watch_read(a);
		if (rc > 0) {
			/* A key above may have closed a console: serve only those
			 * still in the slot they were polled in. */
			size_t n = (size_t)nfds - 4;
			for (size_t i = 0; i < n; i++)
				if (fds[4 + i].revents && i < a->nconsoles && a->consoles[i] == polled[i])
					pane_console_io(polled[i], a, fds[4 + i].revents);
		}
		if (rc > 0 && job_fd() >= 0 && (fds[3].revents & POLLIN))
			job_drain(a);
		if (a->reload_due > 0 && now >= a->reload_due) {
			if (a->inotify_fd >= 0)
				app_watch_read(a);
			app_reload(a);
		}
		if (a->uptime_due > 0 && now >= a->uptime_due)
			a->nodes->dirty = 1;
		if (a->quit)
			break;
		if ((app_any_dirty(a) || a->need_layout) && now - a->last_frame >= APP_FRAME_MS)
			app_redraw(a);
	}
	/* The dashboard's captures end with it, their files complete. */
	capjob_stop_all();
	return 0;
}
