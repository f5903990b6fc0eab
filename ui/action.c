/*
 * action.c: the dashboard's actions, one function per key table row.
 * Lab changes go through the core (node.h, image.h, run.h); outcomes and
 * failures go to the status line in words the user can act on.
 */
#include "action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "capjob.h"
#include "contype.h"
#include "form-confirm.h"
#include "form-create.h"
#include "form-edit.h"
#include "form-impair.h"
#include "form-import.h"
#include "form-link.h"
#include "guard.h"
#include "keys.h"
#include "job.h"
#include "layout.h"
#include "link.h"
#include "modal.h"
#include "netview.h"
#include "pane-console.h"
#include "run.h"
#include "stopmode.h"
#include "wire.h"

static int
action_rows(const struct app *a)
{
	struct pane *p = a->focus;

	return p && p->h > 3 ? p->h - 3 : 1;
}

/* Moves the focused list's selection by d rows (clamped). */
static void
action_move(struct app *a, int d)
{
	int *sel, n;

	if (a->focus == a->images) {
		sel = &a->sel_image;
		n = (int)a->model.nimages;
	} else if (a->focus == a->nodes) {
		sel = &a->sel_node;
		n = (int)a->model.nnodes;
	} else
		return;
	if (n == 0)
		return;
	*sel += d;
	if (*sel < 0)
		*sel = 0;
	if (*sel >= n)
		*sel = n - 1;
	a->focus->dirty = 1;
	a->details->dirty = 1;
	a->status->dirty = 1;   /* its hints follow the node's state */
}

void action_up(struct app *a) { action_move(a, -1); }
void action_down(struct app *a) { action_move(a, 1); }
void action_page_up(struct app *a) { action_move(a, -action_rows(a)); }
void action_page_down(struct app *a) { action_move(a, action_rows(a)); }
void action_top(struct app *a) { action_move(a, -(1 << 30)); }
void action_bottom(struct app *a) { action_move(a, 1 << 30); }

void
action_quit(struct app *a)
{
	a->quit = 1;
}

void
action_help(struct app *a)
{
	keys_help_open(a);
}

void
action_redraw(struct app *a)
{
	app_repaint(a);
}

void
action_focus_next(struct app *a)
{
	app_focus_cycle(a, 1);
}

void
action_focus_prev(struct app *a)
{
	app_focus_cycle(a, -1);
}

void
action_create(struct app *a)
{
	form_create_open(a, a->focus == a->images && app_sel_image(a) ? app_sel_image(a)->name : NULL);
}

void
action_import(struct app *a)
{
	form_import_open(a);
}

const struct model_node *
action_node(const struct app *a)
{
	if (app_console_focused(a) >= 0) {
		int i = model_node_index(&a->model, pane_console_node(a->focus));
		return i >= 0 ? model_node_at(&a->model, i) : NULL;
	}
	return app_sel_node(a);
}

/* action_node, or a word on the status line when there is none. */
static const struct model_node *
action_subject(struct app *a)
{
	const struct model_node *mn = action_node(a);

	if (mn == NULL)
		app_msg(a, APP_MSG_WARN, "no node selected: create one with c");
	return mn;
}

/* Refuses (on the status line) an action on a live node. */
static int
action_refuse_live(struct app *a, const struct model_node *mn, const char *then)
{
	char m[ERR_MAX];

	if (!guard_stopped(mn, then, m, sizeof m))
		return 0;
	app_msg(a, APP_MSG_WARN, "%s", m);
	return 1;
}

void
action_edit(struct app *a)
{
	const struct model_node *mn = action_subject(a);

	/* A running node's machine may change (pending until a restart); the
	 * form says the rest waits for a stop. */
	if (mn)
		form_edit_open(a, mn);
}

static void
action_delete_node_yes(struct app *a, void *arg)
{
	const struct model_node *mn;
	struct err e;
	int rc = node_rm(a->lab, arg, &e);

	app_reload(a);
	/* Started since the question opened: say it in the dashboard's words. */
	mn = model_node_by_name(&a->model, arg);
	if (rc != 0 && !(mn && action_refuse_live(a, mn, "D deletes it")))
		app_msg(a, APP_MSG_ERROR, "%s", e.msg);
	else if (rc == 0)
		app_msg(a, APP_MSG_INFO, "deleted node %s", (char *)arg);
}

void
action_delete_node(struct app *a)
{
	const struct model_node *mn = action_subject(a);
	char q[256];

	if (mn == NULL || action_refuse_live(a, mn, "D deletes it"))
		return;
	snprintf(q, sizeof q, "Delete node %s and its disk? This cannot be undone.", mn->n.name);
	form_confirm_open(a, "Delete node", q, action_delete_node_yes, xstrdup(mn->n.name));
}

static void
action_delete_image_yes(struct app *a, void *arg)
{
	struct err e;

	if (image_rm(a->lab, arg, &e) != 0)
		app_msg(a, APP_MSG_ERROR, "%s", e.msg);
	else
		app_msg(a, APP_MSG_INFO, "deleted image %s", (char *)arg);
	app_reload(a);
}

void
action_delete_image(struct app *a)
{
	const struct image *im = app_sel_image(a);
	char q[256];

	if (im == NULL) {
		app_msg(a, APP_MSG_WARN, "no image selected: import one with i");
		return;
	}
	if (im->nodes > 0) {
		app_msg(a, APP_MSG_WARN, "image %s is used by %d node%s: delete those first", im->name,
		    im->nodes, im->nodes == 1 ? "" : "s");
		return;
	}
	snprintf(q, sizeof q, "Delete image %s and its file?", im->name);
	form_confirm_open(a, "Delete image", q, action_delete_image_yes, xstrdup(im->name));
}

void
action_start(struct app *a)
{
	const struct model_node *mn = action_subject(a);

	if (mn == NULL)
		return;
	if (guard_live(mn)) {
		app_msg(a, APP_MSG_WARN, "%s is %s already", mn->n.name, run_state_name(mn->run.state));
		return;
	}
	if (job_run(a, JOB_START, mn->n.id, mn->n.name) == 0)
		app_msg(a, APP_MSG_INFO, "%s: starting", mn->n.name);
}

/* What a stop will do, by the node's stop method (stopmode.h); one
 * that cannot be read is said as the default. */
static void
action_stop_said(struct app *a, const struct model_node *mn)
{
	struct stopmode m;
	struct err e;

	stopmode_get(a->lab, mn->n.id, &m, &e);
	if (m.poweroff)
		app_msg(a, APP_MSG_INFO, "%s: powering off at once (its stop method)", mn->n.name);
	else
		app_msg(a, APP_MSG_INFO, "%s: stopping (ACPI powerdown, then harder after %d s)",
		    mn->n.name, m.grace_s);
}

void
action_stop(struct app *a)
{
	const struct model_node *mn = action_subject(a);

	if (mn == NULL)
		return;
	if (!guard_live(mn)) {
		app_msg(a, APP_MSG_WARN, "%s is not running", mn->n.name);
		return;
	}
	if (job_run(a, JOB_STOP, mn->n.id, mn->n.name) == 0)
		action_stop_said(a, mn);
}

static void
action_kill_yes(struct app *a, void *arg)
{
	int i = model_node_index(&a->model, arg);

	if (i < 0) {
		app_msg(a, APP_MSG_WARN, "the node is gone");
		return;
	}
	if (job_run(a, JOB_KILL, arg, model_node_at(&a->model, i)->n.name) == 0)
		app_msg(a, APP_MSG_INFO, "%s: killing", model_node_at(&a->model, i)->n.name);
}

void
action_kill(struct app *a)
{
	const struct model_node *mn = action_subject(a);
	char q[256];

	if (mn == NULL)
		return;
	if (!guard_live(mn)) {
		app_msg(a, APP_MSG_WARN, "%s is not running", mn->n.name);
		return;
	}
	snprintf(q, sizeof q, "Kill %s's QEMU now? The guest gets no chance to shut down.", mn->n.name);
	form_confirm_open(a, "Kill node", q, action_kill_yes, xstrdup(mn->n.id));
}

void
action_console_open(struct app *a)
{
	const struct model_node *mn = action_subject(a);

	struct err e;

	if (mn == NULL)
		return;
	/* A node worked on its screen (contype.h) has nothing to type into
	 * on its serial line: where its screen is, as sandlab console says. */
	if (contype_is_vnc(a->lab, mn->n.id, &e) == 1) {
		if (mn->run.vnc[0])
			app_msg(a, APP_MSG_INFO, "%s works in VNC: %s, password %s (sandlab vnc %s); "
			    "its serial line: sandlab console %s --serial", mn->n.name, mn->run.vnc,
			    mn->run.vnc_password[0] ? mn->run.vnc_password : "as given at start", mn->n.name,
			    mn->n.name);
		else
			app_msg(a, APP_MSG_INFO, "%s works in VNC: s starts it, then Enter (or sandlab vnc %s) "
			    "gives its address", mn->n.name, mn->n.name);
		return;
	}
	/* A stopped node's tile opens without typing into it, so that s
	 * starts the node, as its title says. */
	app_console_open(a, mn->n.id, guard_live(mn));
}

void
action_console_enter(struct app *a)
{
	if (app_console_focused(a) < 0)
		return;
	a->entered = 1;
	a->focus->dirty = 1;
	a->status->dirty = 1;
}

void
action_console_leave(struct app *a)
{
	a->entered = 0;
	if (a->focus)
		a->focus->dirty = 1;
	a->status->dirty = 1;
}

void
action_console_close(struct app *a)
{
	int i = app_console_focused(a);

	if (i >= 0)
		app_console_close(a, (size_t)i);
}

void
action_console_zoom(struct app *a)
{
	int i = app_console_focused(a);

	if (i >= 0)
		app_console_zoom(a, (size_t)i);
}

/* Broadcast: marks or unmarks the focused console. */
void
action_console_mark(struct app *a)
{
	int i = app_console_focused(a);

	if (i < 0)
		return;
	pane_console_mark(a->consoles[i], !pane_console_marked(a->consoles[i]));
	a->status->dirty = 1;
}

/* Marks every open console; when all are marked already, unmarks them. */
void
action_console_mark_all(struct app *a)
{
	int on = pane_console_marked_count(a) < a->nconsoles;

	for (size_t i = 0; i < a->nconsoles; i++)
		pane_console_mark(a->consoles[i], on);
	a->status->dirty = 1;
}

static void
action_console_scroll(struct app *a, int lines, int to_live)
{
	if (app_console_focused(a) >= 0)
		pane_console_scroll(a->focus, lines, to_live);
}

void action_console_page_up(struct app *a) { action_console_scroll(a, a->focus ? pane_console_page(a->focus) : 1, 0); }
void action_console_page_down(struct app *a) { action_console_scroll(a, a->focus ? -pane_console_page(a->focus) : -1, 0); }
void action_console_line_up(struct app *a) { action_console_scroll(a, 1, 0); }
void action_console_line_down(struct app *a) { action_console_scroll(a, -1, 0); }
void action_console_scroll_end(struct app *a) { action_console_scroll(a, 0, 1); }

/* ---- the whole lab ---- */

/* Starts or stops every node that is not already so (and not busy with
 * an earlier job); says how many. */
static void
action_all(struct app *a, enum job_kind kind)
{
	int n = 0, skipped = 0;

	for (size_t i = 0; i < a->model.nnodes; i++) {
		const struct model_node *mn = model_node_at(&a->model, i);
		if (guard_live(mn) == (kind == JOB_START))
			continue;
		if (job_busy(mn->n.id) || job_run(a, kind, mn->n.id, mn->n.name) != 0)
			skipped++;
		else
			n++;
	}
	if (n == 0 && skipped == 0)
		app_msg(a, APP_MSG_WARN, "%s", kind == JOB_START ? "every node is running already" :
		    "no node is running");
	else
		app_msg(a, skipped ? APP_MSG_WARN : APP_MSG_INFO, "%s %d node%s%s", kind == JOB_START ?
		    "starting" : "stopping", n, n == 1 ? "" : "s", skipped ? " (some were busy: try again)" : "");
}

void
action_start_all(struct app *a)
{
	action_all(a, JOB_START);
}

static void
action_stop_all_yes(struct app *a, void *arg)
{
	(void)arg;
	action_all(a, JOB_STOP);
}

void
action_stop_all(struct app *a)
{
	int n = 0;
	char q[160];

	for (size_t i = 0; i < a->model.nnodes; i++)
		n += guard_live(model_node_at(&a->model, i));
	if (n == 0) {
		app_msg(a, APP_MSG_WARN, "no node is running");
		return;
	}
	snprintf(q, sizeof q, "Stop all %d running node%s? Each gets an ACPI powerdown, then "
	    "harder after %d s.", n, n == 1 ? "" : "s", RUN_GRACE_DEFAULT);
	form_confirm_open(a, "Stop all nodes", q, action_stop_all_yes, NULL);
}

/* ---- the network views ---- */

void action_links(struct app *a) { netview_links_open(a); }
void action_map(struct app *a) { netview_map_open(a); }
void action_netview_up(struct app *a) { netview_move(a, -1); }
void action_netview_down(struct app *a) { netview_move(a, 1); }
void action_netview_page_up(struct app *a) { netview_move(a, -10); }
void action_netview_page_down(struct app *a) { netview_move(a, 10); }
void action_netview_close(struct app *a) { app_modal_close(a); }

void
action_link_add(struct app *a)
{
	form_link_open(a);
}

static void
action_link_remove_yes(struct app *a, void *arg)
{
	struct net_note note = { 0 };
	struct link l;
	struct err e;
	char text[600];

	if (link_rm(a->lab, arg, &l, &note, &e) != 0)
		app_msg(a, APP_MSG_ERROR, "%s", e.msg);
	else {
		int rc = wire_apply(a->lab, &l, text, sizeof text);
		app_msg(a, rc == 0 ? APP_MSG_INFO : APP_MSG_ERROR, "removed the link %s:eth%d - "
		    "%s:eth%d; %s", l.a.name, l.a.idx, l.b.name, l.b.idx, text);
	}
	app_reload(a);
	netview_links_open(a);  /* back where the removal started */
}

void
action_link_remove(struct app *a)
{
	const struct link *l = netview_selected(a);
	char q[256];

	if (l == NULL) {
		app_msg(a, APP_MSG_WARN, "no link selected: a adds one");
		return;
	}
	snprintf(q, sizeof q, "Remove the link %s:eth%d - %s:eth%d?", l->a.name, l->a.idx,
	    l->b.name, l->b.idx);
	form_confirm_open(a, "Remove link", q, action_link_remove_yes, xstrdup(l->id));
}

/* The selected link of the links view, or NULL with a word to the user. */
static const struct link *
action_link_selected(struct app *a)
{
	const struct link *l = netview_selected(a);

	if (l == NULL)
		app_msg(a, APP_MSG_WARN, "no link selected: a adds one");
	return l;
}

void
action_link_cable(struct app *a)
{
	const struct link *sel = action_link_selected(a);
	struct link_change ch = { .up = -1 };
	struct link l;
	struct err e;
	char text[600];
	int rc;

	if (sel == NULL)
		return;
	ch.up = !sel->up;
	for (int f = 0; f < SHAPE_NFIELDS; f++)
		ch.v[f] = -1;
	if (link_set(a->lab, sel->id, &ch, &l, &e) != 0) {
		app_msg(a, APP_MSG_ERROR, "%s", e.msg);
		return;
	}
	rc = wire_apply(a->lab, &l, text, sizeof text);
	app_msg(a, rc == 0 ? APP_MSG_INFO : APP_MSG_ERROR, "%s the cable of %s:eth%d - %s:eth%d; %s",
	    l.up ? "plugged" : "pulled", l.a.name, l.a.idx, l.b.name, l.b.idx, text);
	app_reload(a);
}

void
action_link_impair(struct app *a)
{
	const struct link *l = action_link_selected(a);

	if (l != NULL)
		form_impair_open(a, l);
}

/* Starts or stops the dashboard's capture of one end of the selected link. */
static void
action_link_capture(struct app *a, int b)
{
	const struct link *l = action_link_selected(a);
	const struct link_end *end;
	char name[256];
	struct err e;

	if (l == NULL)
		return;
	end = b ? &l->b : &l->a;
	if (capjob_stop(end->id, end->idx, name, sizeof name))
		app_msg(a, APP_MSG_INFO, "capture of %s:eth%d stopped: captures/%s", end->name, end->idx,
		    name);
	else if (capjob_start(a->lab, end->id, end->name, end->idx, name, sizeof name, &e) != 0)
		app_msg(a, APP_MSG_ERROR, "cannot capture %s:eth%d: %s", end->name, end->idx, e.msg);
	else
		app_msg(a, APP_MSG_INFO, "capturing %s:eth%d into captures/%s; %s again stops it",
		    end->name, end->idx, name, b ? "W" : "w");
	if (a->modal != NULL)
		a->modal->dirty = 1;
}

void action_link_capture_a(struct app *a) { action_link_capture(a, 0); }
void action_link_capture_b(struct app *a) { action_link_capture(a, 1); }
