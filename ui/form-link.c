/*
 * form-link.c: the "Add a link" dialog: two free NICs of two nodes; one
 * link_add on submit.
 */
#include "form-link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "form.h"
#include "link.h"
#include "wire.h"
#include "net.h"
#include "util.h"

enum { LF_FROM, LF_TO };

/* The node name of a "node:ethN" choice. */
static void
form_link_node(const char *ref, char *node, size_t len)
{
	const char *colon = strrchr(ref, ':');

	snprintf(node, len, "%.*s", colon ? (int)(colon - ref) : (int)strlen(ref), ref);
}

static int
form_link_check(struct form *fm, struct app *a, int i)
{
	struct form_field *f = &fm->f[i];
	char from[96], to[96];

	(void)a;
	f->err[0] = '\0';
	if (f->nchoices == 0) {
		snprintf(f->err, sizeof f->err, "no NIC is free: give a node more NICs (e), or remove "
		    "a link or NAT from one");
		return -1;
	}
	if (i == LF_TO) {
		form_link_node(form_value(&fm->f[LF_FROM]), from, sizeof from);
		form_link_node(form_value(f), to, sizeof to);
		if (strcasecmp(from, to) == 0) {
			snprintf(f->err, sizeof f->err, "a link joins two different nodes");
			return -1;
		}
	}
	return 0;
}

static int
form_link_submit(struct form *fm, struct app *a)
{
	struct net_note note = { 0 };
	char an[96], bn[96], text[600];
	int ai, bi, rc;
	struct link l;
	struct err e;

	if (net_ref_resolve(a->lab, form_value(&fm->f[LF_FROM]), an, sizeof an, &ai, &e) != 0 ||
	    net_ref_resolve(a->lab, form_value(&fm->f[LF_TO]), bn, sizeof bn, &bi, &e) != 0 ||
	    link_add(a->lab, an, ai, bn, bi, &l, &note, &e) != 0) {
		snprintf(fm->msg, sizeof fm->msg, "%s", e.msg);
		return -1;
	}
	rc = wire_apply(a->lab, &l, text, sizeof text);
	app_msg(a, rc == 0 ? APP_MSG_INFO : APP_MSG_ERROR, "linked %s:eth%d - %s:eth%d; %s",
	    l.a.name, l.a.idx, l.b.name, l.b.idx, text);
	app_reload(a);
	return 0;
}

void
form_link_open(struct app *a)
{
	struct form *fm = xcalloc(1, sizeof *fm);
	const struct model_node *sel = app_sel_node(a);
	char **refs = xcalloc(1, sizeof *refs);
	int n = 0, from = 0, to = 0;

	/* The free NICs: attached to nothing (a NAT NIC is detached first). */
	for (size_t i = 0; i < a->model.nnodes; i++) {
		const struct node *nd = &model_node_at(&a->model, i)->n;
		for (int j = 0; j < nd->nnics; j++) {
			if (strcmp(nd->nics[j].attach, "none") != 0)
				continue;
			refs = xreallocarray(refs, (size_t)n + 2, sizeof *refs);
			refs[n++] = xasprintf("%s:eth%d", nd->name, nd->nics[j].idx);
		}
	}
	/* From: the selected node's first free NIC; to: the next node's. */
	for (int k = 0; k < n; k++) {
		char node[96];
		form_link_node(refs[k], node, sizeof node);
		if (sel && strcasecmp(node, sel->n.name) == 0) {
			from = k;
			break;
		}
	}
	for (int k = 0; k < n; k++) {
		char a1[96], a2[96];
		form_link_node(refs[(from + k) % n], a1, sizeof a1);
		form_link_node(refs[from], a2, sizeof a2);
		if (strcasecmp(a1, a2) != 0) {
			to = (from + k) % n;
			break;
		}
	}
	fm->title = "Add a link";
	fm->submit_label = "link";
	fm->check = form_link_check;
	fm->submit = form_link_submit;
	snprintf(form_choice(fm, "From", (const char *const *)refs, n, from)->hint, 256,
	    "a NIC attached to nothing; Left/Right picks");
	snprintf(form_choice(fm, "To", (const char *const *)refs, n, to)->hint, 256,
	    "a NIC of another node; UDP on 127.0.0.1");
	for (int k = 0; k < n; k++)
		free(refs[k]);
	free(refs);
	form_check_all(fm, a);
	form_open(a, fm);
}
