/*
 * pane-details.c: the selected node (image, overlay, resources, cloud-init
 * user and password, the template and its usage text, NICs with their links, NAT and forwards, last exit,
 * recent events) or image.
 * Reads NICs and events through the core when it draws, which happens
 * only when the selection or the lab changed.
 */
#include "pane-details.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "cloudinit.h"
#include "contype.h"
#include "disk.h"
#include "draw.h"
#include "event.h"
#include "hw.h"
#include "net.h"
#include "node.h"
#include "pane-console.h"
#include "run.h"
#include "sanitize.h"
#include "template.h"
#include "theme.h"

#define DETAILS_EVENTS 8
#define DETAILS_USAGE 4    /* rows of a template's usage text at most */

/* Row y: a dim label in 10 columns, then the value. */
static void
pane_details_row(WINDOW *w, int y, int inner, const char *label, const char *value, attr_t at)
{
	draw_text(w, y, 2, 10, label, theme_attr(ROLE_DIM));
	draw_text(w, y, 12, inner - 11, value, at);
}

/* As pane_details_row, the value wrapped onto up to `most` rows (not
 * past row last): a fallback's reason (/dev/kvm ...) is read whole. The
 * rows. */
static int
pane_details_wrap(WINDOW *w, int y, int last, int inner, int most, const char *label,
    const char *value, attr_t at)
{
	int room = last - y + 1;

	draw_text(w, y, 2, 10, label, theme_attr(ROLE_DIM));
	return draw_wrap(w, y, 12, inner - 11, room < most ? room : most, value, at);
}

static void
pane_details_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/* "eth1 MAC, link to r2:eth0 (udp 40000>40001)", "eth1 Gi0/1 MAC, link
 * to r2:Gi0/0 (...)" (port names, portname.h), "eth0 e1000 MAC, user
 * (NAT) tcp 127.0.0.1:2222->22", "eth2 ..., none". */
static void
pane_details_nic(const struct nic *c, char *buf, size_t len)
{
	/* The default model is left out, as the machine's default fields are:
	 * with it, a link's line did not fit 80 columns. */
	int dflt = strcmp(c->model, NIC_MODEL_DEFAULT) == 0;
	size_t used = (size_t)snprintf(buf, len, "eth%d %s%s%s%s%s, ", c->idx, c->port, c->port[0] ? " " : "",
	    dflt ? "" : c->model, dflt ? "" : " ", c->mac);

	if (used >= len)
		return;
	if (strcmp(c->attach, "link") == 0 && c->peer_port[0])
		snprintf(buf + used, len - used, "link to %s:%s (udp %d>%d)", c->peer_name,
		    c->peer_port, c->local_port, c->remote_port);
	else if (strcmp(c->attach, "link") == 0)
		snprintf(buf + used, len - used, "link to %s:eth%d (udp %d>%d)", c->peer_name,
		    c->peer_idx, c->local_port, c->remote_port);
	else if (strcmp(c->attach, "user") == 0) {
		used += (size_t)snprintf(buf + used, len - used, "user (NAT)");
		for (int j = 0; j < c->nfwds && used < len; j++)
			used += (size_t)snprintf(buf + used, len - used, " %s %s:%d->%d", c->fwds[j].proto,
			    QEMU_LINK_HOST, c->fwds[j].host_port, c->fwds[j].guest_port);
	} else
		snprintf(buf + used, len - used, "%s", c->attach);
}

/* The node's NICs from row y: what each attaches to, its forwards, and
 * whether the running QEMU has it otherwise until a restart. Returns the
 * next free row. */
static int
pane_details_nics(struct pane *p, struct app *a, const struct node *n, int y)
{
	int inner = p->w - 2, last = p->h - 2, nn;
	struct nic *v;
	struct err e;
	unsigned pend;
	char buf[512];

	if (y > last)
		return y;
	if (net_nics_get(a->lab, n->id, &v, &nn, &e) != 0) {
		pane_details_row(p->win, y++, inner, "NICs", e.msg, theme_attr(ROLE_ERROR));
		return y;
	}
	pend = net_pending_node(a->lab, n->id, v, nn);
	for (int i = 0; i < nn && y <= last; i++) {
		int waits = !!(pend & (1u << v[i].idx));
		pane_details_nic(&v[i], buf, sizeof buf);
		if (waits)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "; at restart");
		/* Wrapped: a link's peer and ports come last and were cut at 80 columns. */
		int rows = pane_details_wrap(p->win, y, last, inner, 3, i == 0 ? "NICs" : "", buf,
		    theme_attr(waits ? ROLE_WARN : ROLE_NORMAL));
		y += rows > 0 ? rows : 1;
	}
	if (nn == 0)
		pane_details_row(p->win, y++, inner, "NICs", "none", theme_attr(ROLE_DIM));
	nic_list_free(v, nn);
	return y;
}

/* The machine's fields that differ from the default ("machine q35"), one
 * row each; when fewer rows are left than that (keeping keep rows for what
 * follows), they share rows, wrapped. A change waiting for a restart
 * (node_hw_pending) says so after them. Values are sanitised: image names
 * and the command line come from the lab. Returns the next free row. */
static int
pane_details_machine(struct pane *p, struct app *a, const struct node *n, int y, int keep)
{
	int inner = p->w - 2, last = p->h - 2, nrows = 0, pending = node_hw_pending(a->lab, n);
	attr_t at = theme_attr(pending ? ROLE_WARN : ROLE_NORMAL);
	char rows[HW_NKEYS + 1][256], all[2048] = "";

	for (int k = 0; k < HW_NKEYS; k++) {
		char *v;
		if (strcmp(n->hw.v[k], hw_fields[k].dflt) == 0)
			continue;
		v = sanitize(n->hw.v[k], strlen(n->hw.v[k]));
		snprintf(rows[nrows++], sizeof rows[0], "%s %s", hw_fields[k].name, v);
		free(v);
	}
	if (pending) {
		snprintf(rows[nrows], sizeof rows[0], "%s", nrows ? "changed: takes effect when it restarts" :
		    "the default; changed: takes effect when it restarts");
		nrows++;
	}
	if (nrows == 0 || y > last)
		return y;
	if (nrows <= last - y + 1 - keep) {
		for (int r = 0; r < nrows; r++)
			pane_details_row(p->win, y++, inner, r == 0 ? "hardware" : "", rows[r], at);
		return y;
	}
	for (int r = 0; r < nrows; r++)
		snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", r ? ", " : "", rows[r]);
	draw_text(p->win, y, 2, 10, "hardware", theme_attr(ROLE_DIM));
	return y + draw_wrap(p->win, y, 12, inner - 11, last - y + 1 - keep > 1 ? last - y + 1 - keep : 1,
	    all, at);
}

/* The template the node was made from and its usage text (the login
 * hints), a line of the text at a time, wrapped, sanitised (it comes
 * from a lab or an appliance file), in at most DETAILS_USAGE rows.
 * Returns the next free row. */
static int
pane_details_template(struct pane *p, struct app *a, const struct node *n, int y)
{
	int inner = p->w - 2, last = p->h - 2, first = y;
	char name[128];
	struct template t = { 0 };
	struct err e;

	if (y > last || template_of_node(a->lab, n->id, name, sizeof name, &e) != 0 || !name[0])
		return y;
	pane_details_row(p->win, y++, inner, "template", name, theme_attr(ROLE_NORMAL));
	if (template_get(a->lab, name, &t, &e) != 0)
		return y;
	for (char *line = t.usage, *end; line && *line && y <= last && y - first <= DETAILS_USAGE;
	    line = end ? end + 1 : NULL) {
		char *shown;
		int room = last - y + 1;
		if (room > DETAILS_USAGE + 1 - (y - first))
			room = DETAILS_USAGE + 1 - (y - first);
		if ((end = strchr(line, '\n')) != NULL)
			*end = '\0';
		shown = sanitize(line, strlen(line));
		draw_text(p->win, y, 2, 10, y == first + 1 ? "usage" : "", theme_attr(ROLE_DIM));
		y += shown[0] ? draw_wrap(p->win, y, 12, inner - 11, room, shown, theme_attr(ROLE_NORMAL)) : 1;
		free(shown);
	}
	template_clear(&t);
	return y;
}

static void
pane_details_node(struct pane *p, struct app *a, const struct model_node *mn)
{
	WINDOW *w = p->win;
	const struct node *n = &mn->n;
	const struct run_info *r = &mn->run;
	int inner = p->w - 2, y = 1, last = p->h - 2;
	char buf[512], when[32];
	struct event *ev = NULL;
	size_t nev = 0;
	struct cloudinit ci;
	struct err e;

	snprintf(buf, sizeof buf, "%s", run_state_shown(r));
	pane_details_row(w, y++, inner, "node", n->name, theme_attr(ROLE_TITLE));
	if (r->accel[0] && r->accel_why[0])
		snprintf(buf, sizeof buf, "%s with %s (%s)", run_state_shown(r), r->accel, r->accel_why);
	else if (r->accel[0])
		snprintf(buf, sizeof buf, "%s with %s", run_state_shown(r), r->accel);
	y += pane_details_wrap(w, y, last, inner, 3, "state", buf, theme_attr(ROLE_NORMAL));
	if (y <= last && r->vnc[0]) {
		snprintf(buf, sizeof buf, "%s  password %s", r->vnc,
		    r->vnc_password[0] ? r->vnc_password : "as given at start");
		pane_details_row(w, y++, inner, "VNC", buf, theme_attr(ROLE_NORMAL));
	}
	snprintf(buf, sizeof buf, "%d MiB RAM, %d CPU%s, accelerator %s", n->ram_mb, n->cpus,
	    n->cpus == 1 ? "" : "s", n->accel);
	if (y <= last)
		pane_details_row(w, y++, inner, "resources", buf, theme_attr(ROLE_NORMAL));
	/* The machine, only when it is not the default one (a virtio disk on
	 * pc): most nodes keep the pane as short as it was. Room is kept for
	 * the console, image, overlay and first NIC rows. */
	y = pane_details_machine(p, a, n, y, 4);
	if (contype_is_vnc(a->lab, n->id, &e) == 1)
		snprintf(buf, sizeof buf, "VNC (Enter gives its address); serial %dx%d", n->console_cols,
		    n->console_rows);
	else
		snprintf(buf, sizeof buf, "%dx%d (the guest's terminal size)", n->console_cols, n->console_rows);
	if (y <= last)
		pane_details_row(w, y++, inner, "console", buf, theme_attr(ROLE_NORMAL));
	if (y <= last && cloudinit_get(a->lab, n->id, &ci, &e) == 0) {
		/* The password for the serial console login (letters and digits). */
		if (ci.on) {
			/* Own user-data replaces sandlab's user: its login is the user's. */
			if (ci.user_data)
				snprintf(buf, sizeof buf, "as the node's own user-data says (cloud-init)");
			else
				snprintf(buf, sizeof buf, "user %s, password %s (cloud-init)", ci.user, ci.password);
			pane_details_row(w, y++, inner, "login", buf, theme_attr(ROLE_NORMAL));
		}
		cloudinit_clear(&ci);
	}
	/* Only a node placed elsewhere says where: the rest run here. */
	if (y <= last && !node_is_local(n))
		pane_details_row(w, y++, inner, "host", n->host, theme_attr(ROLE_NORMAL));
	snprintf(buf, sizeof buf, "%s (%s)", n->image_name, n->image_format);
	if (y <= last)
		pane_details_row(w, y++, inner, "image", buf, theme_attr(ROLE_NORMAL));
	y = pane_details_template(p, a, n, y);
	if (y <= last) {
		/* Inside the lab, the path from its root (the status line has it). */
		size_t rl = strlen(a->lab->root);
		const char *ov = n->overlay;
		if (strncmp(ov, a->lab->root, rl) == 0 && ov[rl] == '/')
			ov += rl + 1;
		pane_details_row(w, y++, inner, "overlay", ov, theme_attr(ROLE_NORMAL));
	}
	/* The extra disks, one line each by the number node set --disk-rm
	 * takes; image names passed name_check, sizes are digits. */
	for (int i = 0; i < n->ndisks && y <= last; i++) {
		char label[16], *t = disk_text(&n->disks[i]);
		snprintf(label, sizeof label, "disk %d", n->disks[i].idx);
		pane_details_row(w, y++, inner, label, t, theme_attr(ROLE_NORMAL));
		free(t);
	}
	y = pane_details_nics(p, a, n, y);
	if (r->exit_kind[0] && y <= last) {
		/* Whole, on as many rows as it takes: a failed start's reason
		 * ends with what to do about it. */
		char ex[sizeof r->exit_kind + sizeof r->exit_detail + sizeof when + 8];
		pane_details_time(r->exit_at, when, sizeof when);
		snprintf(ex, sizeof ex, "%s%s%s at %s", r->exit_kind, r->exit_detail[0] ? ": " : "",
		    r->exit_detail, when);
		y += pane_details_wrap(w, y, last, inner, last - y + 1, "last exit", ex,
		    theme_attr(strcmp(r->exit_kind, "crashed") == 0 ? ROLE_CRASHED : ROLE_NORMAL));
	}
	if (y > last)
		return;
	if (event_recent(a->lab, n->id, DETAILS_EVENTS, &ev, &nev, &e) != 0) {
		pane_details_row(w, y, inner, "events", e.msg, theme_attr(ROLE_ERROR));
		return;
	}
	for (size_t i = 0; i < nev && y <= last; i++) {
		pane_details_time(ev[i].at, when, sizeof when);
		snprintf(buf, sizeof buf, "%s  %s %s", when, ev[i].kind, ev[i].detail);
		pane_details_row(w, y++, inner, i == 0 ? "events" : "", buf, theme_attr(ROLE_NORMAL));
	}
	event_list_free(ev, nev);
}

static void
pane_details_image(struct pane *p, struct app *a, const struct image *im)
{
	WINDOW *w = p->win;
	int inner = p->w - 2, y = 1, last = p->h - 2;
	char buf[512], vs[16], fs[16], when[32];

	pane_details_row(w, y++, inner, "image", im->name, theme_attr(ROLE_TITLE));
	snprintf(buf, sizeof buf, "%s, virtual size %s, %s on disk", im->format,
	    fmt_size(im->virtual_size, vs, sizeof vs), fmt_size(im->file_size, fs, sizeof fs));
	if (y <= last)
		pane_details_row(w, y++, inner, "format", buf, theme_attr(ROLE_NORMAL));
	snprintf(buf, sizeof buf, "images/%s", im->file);
	if (y <= last)
		pane_details_row(w, y++, inner, "file", buf, theme_attr(ROLE_NORMAL));
	pane_details_time(im->imported_at, when, sizeof when);
	if (y <= last)
		pane_details_row(w, y++, inner, "imported", when, theme_attr(ROLE_NORMAL));
	snprintf(buf, sizeof buf, "%d node%s", im->nodes, im->nodes == 1 ? "" : "s");
	if (y <= last)
		pane_details_row(w, y++, inner, "used by", buf, theme_attr(ROLE_NORMAL));
}

static void
pane_details_draw(struct pane *p, struct app *a)
{
	const struct model_node *mn = app_sel_node(a);
	const struct image *im = app_sel_image(a);
	int ci = app_console_focused(a);

	/* On a console, the details are its node's. */
	if (ci >= 0) {
		int i = model_node_index(&a->model, pane_console_node(a->focus));
		mn = i >= 0 ? model_node_at(&a->model, i) : NULL;
	}

	werase(p->win);
	draw_frame(p->win, "Details", 0);
	if (p->h < 3 || p->w < 16)
		return;
	if (a->focus == a->images && im != NULL)
		pane_details_image(p, a, im);
	else if (mn != NULL)
		pane_details_node(p, a, mn);
	else if (im != NULL)
		pane_details_image(p, a, im);
	else
		draw_text(p->win, 1, 2, p->w - 4, "nothing selected", theme_attr(ROLE_DIM));
}

const struct pane_kind pane_details_kind = {
	.name = "details",
	.focusable = 0,
	.draw = pane_details_draw,
};
