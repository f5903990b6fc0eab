/*
 * pane-nodes.c: draws the node list. Columns have a priority; on a narrow
 * pane the least important are dropped whole, never cut into garbage.
 */
#include "pane-nodes.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "node.h"
#include "run.h"
#include "theme.h"

enum { COL_NAME, COL_HOST, COL_STATE, COL_ACCEL, COL_CPU, COL_RAM, COL_VNC, COL_UP, COL_N };

static const struct {
	const char *title;
	int         width;      /* the name column grows into what is left */
	int         priority;   /* lower stays longer */
	int         right;      /* right-aligned */
} pane_nodes_cols[COL_N] = {
	[COL_NAME]  = { "NAME", 8, 0, 0 },
	/* Only in a lab with nodes on other hosts (pane_nodes_fit). */
	[COL_HOST]  = { "HOST", 8, 3, 0 },
	[COL_STATE] = { "STATE", 8, 1, 0 },
	/* How long a node has run matters at a glance; its accelerator and
	 * CPUs are in the details: at 80 columns UP stays, ACCEL goes. */
	[COL_ACCEL] = { "ACCEL", 5, 7, 0 },
	[COL_CPU]   = { "CPU", 3, 6, 1 },
	[COL_RAM]   = { "RAM", 6, 4, 1 },
	[COL_VNC]   = { "VNC", 15, 2, 0 },
	[COL_UP]    = { "UP", 5, 5, 1 },
};

void
pane_nodes_uptime(int64_t secs, char *buf, size_t len)
{
	if (secs < 60)
		snprintf(buf, len, "<1m");
	else if (secs < 3600)
		snprintf(buf, len, "%dm", (int)(secs / 60));
	else if (secs < 86400)
		snprintf(buf, len, "%dh%02d", (int)(secs / 3600), (int)(secs % 3600 / 60));
	else
		snprintf(buf, len, "%dd%02d", (int)(secs / 86400), (int)(secs % 86400 / 3600));
}

int64_t
pane_nodes_next_tick(int64_t started, int64_t now)
{
	int64_t up = now - started, step;

	if (up < 0)
		return 1;
	step = up < 86400 ? 60 : 3600;
	return step - up % step;
}

static enum theme_role
pane_nodes_state_role(enum run_state s)
{
	switch (s) {
	case RUN_RUNNING:
		return ROLE_RUNNING;
	case RUN_STARTING:
	case RUN_STOPPING:
		return ROLE_STARTING;
	case RUN_CRASHED:
		return ROLE_CRASHED;
	default:
		return ROLE_STOPPED;
	}
}

/* Which columns fit in `inner` columns when the name wants `want`
 * columns; returns the name's width. Columns are dropped whole, least
 * important first, until the name gets up to 20 columns of what it wants.
 * HOST is there only when `hosts` (a node is placed on another host), so
 * a lab on this machine alone looks as it always did. */
static int
pane_nodes_fit(int inner, int want, int hosts, int *show)
{
	int used, namemin = want < 20 ? want : 20;

	for (int c = 0; c < COL_N; c++)
		show[c] = c != COL_HOST || hosts;
	for (int drop = COL_N - 1; drop >= 1; drop--) {
		used = 1;
		for (int c = 1; c < COL_N; c++)
			if (show[c])
				used += pane_nodes_cols[c].width + 1;
		if (used + namemin <= inner || drop == 1)
			break;
		for (int c = 0; c < COL_N; c++)
			if (pane_nodes_cols[c].priority == drop)
				show[c] = 0;
	}
	used = 1;
	for (int c = 1; c < COL_N; c++)
		if (show[c])
			used += pane_nodes_cols[c].width + 1;
	if (inner - used < want)
		want = inner - used;
	return want < 1 ? 1 : want;
}

static void
pane_nodes_cell(const struct model_node *mn, int c, char *buf, size_t len, int64_t now)
{
	const struct run_info *r = &mn->run;
	int live = r->state == RUN_RUNNING || r->state == RUN_STARTING || r->state == RUN_STOPPING;

	buf[0] = '\0';
	switch (c) {
	case COL_NAME:
		snprintf(buf, len, "%s", mn->n.name);
		break;
	case COL_HOST:
		snprintf(buf, len, "%s", mn->n.host ? mn->n.host : "local");
		break;
	case COL_STATE:
		/* "unreachable" is wider than the column: the details pane
		 * says it whole. */
		snprintf(buf, len, "%s", r->host_lost && r->state == RUN_RUNNING ? "offline" :
		    run_state_shown(r));
		break;
	case COL_ACCEL:
		snprintf(buf, len, "%s", live && r->accel[0] ? r->accel : mn->n.accel);
		break;
	case COL_CPU:
		snprintf(buf, len, "%d", mn->n.cpus);
		break;
	case COL_RAM:
		if (mn->n.ram_mb % 1024 == 0)
			snprintf(buf, len, "%dG", mn->n.ram_mb / 1024);
		else
			snprintf(buf, len, "%dM", mn->n.ram_mb);
		break;
	case COL_VNC:
		snprintf(buf, len, "%s", live && r->vnc[0] ? r->vnc : "-");
		break;
	case COL_UP:
		if (live && r->started_at > 0)
			pane_nodes_uptime(now - r->started_at, buf, len);
		else
			snprintf(buf, len, "-");
		break;
	}
}

static void
pane_nodes_draw(struct pane *p, struct app *a)
{
	WINDOW *w = p->win;
	int focused = a->focus == p, show[COL_N], width[COL_N];
	int inner = p->w - 2, rows = p->h - 3;
	int64_t now = now_s();
	char title[48];

	snprintf(title, sizeof title, "Nodes (%zu)", a->model.partial ? a->model.nall : a->model.nnodes);
	werase(w);
	draw_frame(w, title, focused);
	if (p->h < 3 || inner < 6)
		return;
	{
		/* The name takes what it needs; slack goes to the right end. */
		/* The model keeps the widest name (counted by width as nodes
		 * come and go): measuring every name per frame cost 10,000
		 * measures at 10,000 nodes. */
		int longest = a->model.name_cols + 1 < 8 ? 8 : a->model.name_cols + 1;
		width[COL_NAME] = pane_nodes_fit(inner - 1, longest, a->model.nremote > 0, show);
	}
	for (int c = 1; c < COL_N; c++)
		width[c] = pane_nodes_cols[c].width;
	for (int c = 0, x = 2; c < COL_N; c++) {
		if (!show[c])
			continue;
		if (pane_nodes_cols[c].right)
			draw_text_right(w, 1, x, width[c], pane_nodes_cols[c].title, theme_attr(ROLE_HEADER));
		else
			draw_text(w, 1, x, width[c], pane_nodes_cols[c].title, theme_attr(ROLE_HEADER));
		x += width[c] + 1;
	}
	if (a->model.nnodes == 0) {
		draw_text(w, 2, 2, inner - 1, a->model.nimages ? "no nodes: c creates one"
		    : "no nodes: import an image (i), then create a node (c)", theme_attr(ROLE_DIM));
		return;
	}
	if (a->sel_node >= 0)
		pane_scroll_to(p, a->sel_node, rows);
	for (int r = 0; r < rows; r++) {
		size_t i = (size_t)(p->top + r);
		const struct model_node *mn;
		int sel;
		attr_t base;

		if (i >= a->model.nnodes)
			break;
		mn = model_node_at(&a->model, i);
		sel = (int)i == a->sel_node;
		base = theme_attr(sel ? (focused ? ROLE_SELECTED : ROLE_SELECTED_DIM) : ROLE_NORMAL);
		if (sel)
			draw_fill(w, 2 + r, 1, inner, base);
		for (int c = 0, x = 2; c < COL_N; c++) {
			char cell[128];
			attr_t at = base;

			if (!show[c])
				continue;
			pane_nodes_cell(mn, c, cell, sizeof cell, now);
			if (c == COL_STATE && !sel)
				at = theme_attr(pane_nodes_state_role(mn->run.state));
			if (pane_nodes_cols[c].right)
				draw_text_right(w, 2 + r, x, width[c], cell, at);
			else
				draw_text(w, 2 + r, x, width[c], cell, at);
			x += width[c] + 1;
		}
	}
}

static enum pane_result
pane_nodes_mouse(struct pane *p, struct app *a, enum pane_mouse ev, int y, int x)
{
	a->details->dirty = 1;
	a->status->dirty = 1;   /* its hints follow the node's state */
	return pane_list_mouse(p, ev, y, &a->sel_node, (int)a->model.nnodes);
}

const struct pane_kind pane_nodes_kind = {
	.name = "nodes",
	.focusable = 1,
	.draw = pane_nodes_draw,
	.mouse = pane_nodes_mouse,
};
