/*
 * cmd-labup.c: `sandlab lab up FILE` and `lab down`: a lab that comes up
 * by itself, for CI and for people. Up imports the lab file unless its
 * nodes are there, starts those that are stopped and waits until each
 * console shows the node's ready= pattern, with a live table on a
 * terminal and plain lines otherwise. Down stops everything and, with
 * --rm, removes the nodes that up imported (marked by a "lab-up" event).
 * Both are idempotent. The work is labfile.c's, run.c's and conwait.c's.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "conwait.h"
#include "db.h"
#include "event.h"
#include "labfile.h"
#include "node.h"
#include "run.h"

#define LAB_UP_TIMEOUT 300
#define LAB_UP_TAIL    5

struct up_node {
	const struct labfile_node *ln;
	char     id[37];
	char    *name;             /* as shown */
	int      started;          /* by this run */
	int      failed;
	char     status[ERR_MAX];
	struct conwait *w;         /* its waiter in struct up's array */
	int      waiting;          /* connected: *w is set up */
};

struct up {
	struct up_node *v;
	struct conwait *w;         /* one per node, in the same order */
	int      n;
	int      tty, drawn, cols;
	int64_t  t0;
	struct cli *c;
};

static struct up_node *
up_find(struct up *u, const char *name)
{
	for (int i = 0; i < u->n; i++)
		if (strcmp(u->v[i].ln->name, name) == 0)
			return &u->v[i];
	return NULL;
}

/* Prints s cut to the terminal's width, never inside a UTF-8 sequence. */
static void
up_line(struct up *u, const char *s)
{
	size_t l = strlen(s);

	if (u->cols > 1 && l > (size_t)u->cols - 1) {
		l = (size_t)u->cols - 1;
		while (l > 0 && ((unsigned char)s[l] & 0xc0) == 0x80)
			l--;
	}
	printf("%.*s\033[K\n", (int)l, s);
}

/* The table on a terminal, drawn again in place. */
static void
up_draw(struct up *u)
{
	char row[ERR_MAX + 128];

	if (u->drawn)
		printf("\033[%dA", u->drawn);
	snprintf(row, sizeof row, "%-20s %-9s %6s  %s", "NODE", "STATE", "TIME", "STATUS / LAST LINE");
	up_line(u, row);
	for (int i = 0; i < u->n; i++) {
		struct up_node *x = &u->v[i];
		const char *state = x->failed ? "FAILED" : !x->waiting ? "starting" :
		    x->w->state == CONWAIT_MATCHED ? "ready" : "booting";
		char *last = x->waiting && x->w->state == CONWAIT_WAITING ? expect_tail(&x->w->x, 1) : NULL;
		int64_t t = (x->waiting && x->w->state != CONWAIT_WAITING ? x->w->t_ms : mono_ms()) - u->t0;
		snprintf(row, sizeof row, "%-20s %-9s %5.1fs  %.*s", x->name, state, (double)t / 1000,
		    ERR_MAX - 1, last && last[0] ? last : x->status);
		up_line(u, row);
		free(last);
	}
	u->drawn = u->n + 1;
	fflush(stdout);
}

/* A node's status changed: the table, or one plain line. */
static void
up_say(struct up *u, struct up_node *x)
{
	if (u->c->json)
		return;
	if (u->tty)
		up_draw(u);
	else {
		printf("%s: %s\n", x->name, x->status);
		fflush(stdout);
	}
}

static void
up_step(const char *node, const char *step, void *arg)
{
	struct up *u = arg;
	struct up_node *x = up_find(u, node);

	if (x == NULL)
		return;
	snprintf(x->status, sizeof x->status, "%s", step);
	up_say(u, x);
}

static void
up_waited(struct conwait *w, void *arg)
{
	struct up *u = arg;
	struct up_node *x = NULL;

	if (w == NULL) {          /* a tick: the times and last lines move */
		if (u->tty && !u->c->json)
			up_draw(u);
		return;
	}
	for (int i = 0; i < u->n; i++)
		if (u->v[i].w == w)
			x = &u->v[i];
	if (x == NULL)
		return;
	if (w->state == CONWAIT_MATCHED) {
		/* Done with this console: unread output would pile up in its
		 * keeper while the others are waited for. */
		close(w->fd);
		w->fd = -1;
		char *re = cli_shown(x->ln->ready);
		snprintf(x->status, sizeof x->status, "ready: its console showed \"%s\" (%.1f s)", re,
		    (double)(w->t_ms - u->t0) / 1000);
		free(re);
	} else
		x->failed = 1;
	up_say(u, x);
}

/* Imports the file unless its nodes are there; all or none must be. */
static int
up_import(struct lab *lab, struct up *u, const struct labfile *lf, const char *shown)
{
	struct node nd;
	struct err e;
	int have = 0;

	for (int i = 0; i < u->n; i++)
		if (node_get(lab, u->v[i].ln->name, &nd, &e) == 0) {
			have++;
			node_clear(&nd);
		}
	if (have == u->n)
		return 0;
	if (have > 0) {
		cli_fail("%s: the lab has %d of its %d nodes; lab up imports a file only into a lab "
		    "that has none of them (remove them, or import the rest with lab import)", shown,
		    have, u->n);
		return -1;
	}
	if (labfile_import(lab, lf, &e) != 0) {
		cli_fail("%s: %s; nothing was imported", shown, e.msg);
		return -1;
	}
	for (int i = 0; i < u->n; i++) {
		if (node_get(lab, u->v[i].ln->name, &nd, &e) != 0)
			continue;
		/* lab down --rm removes what carries this mark, and nothing else. */
		db_event(lab->db, nd.id, "lab-up", "imported by lab up");
		node_clear(&nd);
	}
	if (!u->c->json) {
		printf("imported %s: %d node%s, %d link%s\n", shown, lf->nnodes, lf->nnodes == 1 ? "" : "s",
		    lf->nlinks, lf->nlinks == 1 ? "" : "s");
		fflush(stdout);
	}
	return 1;
}

/* Why a node is not ready, for the message: start error, exit, or timeout. */
static void
up_report(struct lab *lab, struct up *u, struct up_node *x, int timeout)
{
	char *re = cli_shown(x->ln->ready), *tail = NULL;
	struct run_info ri;
	struct err e;

	if (x->waiting && x->w->state == CONWAIT_TIMEOUT)
		snprintf(x->status, sizeof x->status, "its console did not show ready=%s within %d s", re,
		    timeout);
	else if (x->waiting && x->w->state == CONWAIT_GONE) {
		snprintf(x->status, sizeof x->status, "it stopped before its console showed ready=%s", re);
		if (run_info_get(lab, x->id, &ri, &e) == 0 && ri.exit_kind[0]) {
			size_t l = strlen(x->status);
			snprintf(x->status + l, sizeof x->status - l, ": %s (%s)", ri.exit_kind, ri.exit_detail);
		}
	}
	if (x->waiting)
		tail = expect_tail(&x->w->x, LAB_UP_TAIL);
	if (!u->c->json) {
		cli_fail("lab up: %s is not ready: %s", x->name, x->status);
		if (tail != NULL && tail[0]) {
			fprintf(stderr, "  the last lines %s printed:\n", x->name);
			for (char *p = tail; *p; ) {
				char *nl = strchr(p, '\n');
				size_t l = nl ? (size_t)(nl - p) : strlen(p);
				fprintf(stderr, "  | %.*s\n", (int)l, p);
				p += l + (nl ? 1 : 0);
			}
		} else if (x->waiting)
			fprintf(stderr, "  %s printed nothing\n", x->name);
	}
	free(tail);
	free(re);
}

int
cmd_lab_up(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "lab up FILE [--timeout S]";
	const char *timeout_s = NULL;
	struct cli_opt opts[] = { { "--timeout", &timeout_s, NULL }, { 0 } };
	struct up u = { .c = c };
	struct labfile lf;
	struct lab *lab;
	struct err e, *errs;
	char *pos[1], *shown, **keys;
	int npos, rc, timeout = LAB_UP_TIMEOUT, imported, nkeys = 0, failed = 0, started = 0;

	if (cli_parse(argc, argv, opts, pos, 1, &npos, usage) != 0)
		return 2;
	if (npos != 1)
		return cli_usage(usage);
	if (cli_int(timeout_s, "--timeout", 1, 86400, &timeout) != 0)
		return 2;
	if ((lab = cli_lab(c)) == NULL)
		return 1;
	if (cmd_lab_load(pos[0], "", &lf, &shown) != 0)
		return 1;
	u.n = lf.nnodes;
	u.v = xcalloc((size_t)u.n + 1, sizeof *u.v);
	u.w = xcalloc((size_t)u.n + 1, sizeof *u.w);
	for (int i = 0; i < u.n; i++) {
		u.v[i].ln = &lf.nodes[i];
		u.v[i].w = &u.w[i];
		u.w[i].fd = -1;
		u.w[i].state = CONWAIT_GONE;   /* not waited for until connected */
		u.v[i].name = cli_shown(lf.nodes[i].name);
		snprintf(u.v[i].status, sizeof u.v[i].status, "stopped");
	}
	if ((imported = up_import(lab, &u, &lf, shown)) < 0) {
		rc = 1;
		goto out;
	}
	u.tty = isatty(1);
	if (u.tty) {
		struct winsize ws;
		u.cols = ioctl(1, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 80;
	}
	u.t0 = mono_ms();
	/* Start what is stopped, all at once; what runs is left alone. */
	keys = xcalloc((size_t)u.n + 1, sizeof *keys);
	for (int i = 0; i < u.n; i++) {
		struct node nd;
		if (node_get(lab, u.v[i].ln->name, &nd, &e) != 0) {
			u.v[i].failed = 1;
			snprintf(u.v[i].status, sizeof u.v[i].status, "%s", e.msg);
			continue;
		}
		snprintf(u.v[i].id, sizeof u.v[i].id, "%s", nd.id);
		/* a node already in the lab waits for its stored pattern when the
		 * file gives none (checked when it was stored) */
		if (lf.nodes[i].ready[0] == '\0')
			snprintf(lf.nodes[i].ready, sizeof lf.nodes[i].ready, "%s", nd.ready);
		node_clear(&nd);
		if (run_live(lab, u.v[i].id))
			snprintf(u.v[i].status, sizeof u.v[i].status, "already running");
		else {
			keys[nkeys++] = (char *)u.v[i].ln->name;
			u.v[i].started = 1;
			started++;
			snprintf(u.v[i].status, sizeof u.v[i].status, "starting");
		}
	}
	if (!c->json && u.tty)
		up_draw(&u);
	else if (!c->json)
		for (int i = 0; i < u.n; i++)
			up_say(&u, &u.v[i]);
	errs = xcalloc((size_t)nkeys + 1, sizeof *errs);
	if (nkeys > 0)
		run_start_many(lab, keys, nkeys, NULL, up_step, &u, errs);
	for (int k = 0; k < nkeys; k++)
		if (errs[k].msg[0]) {
			struct up_node *x = up_find(&u, keys[k]);
			x->failed = 1;
			snprintf(x->status, sizeof x->status, "%s", errs[k].msg);
			up_say(&u, x);
		}
	free(errs);
	free(keys);
	/* Each keeper's replay holds what its guest printed since it started. */
	for (int i = 0; i < u.n; i++) {
		struct up_node *x = &u.v[i];
		int fd;
		if (x->failed)
			continue;
		if ((fd = run_console_connect(lab, x->id, &e)) < 0) {
			x->failed = 1;
			snprintf(x->status, sizeof x->status, "%s", e.msg);
			up_say(&u, x);
			continue;
		}
		conwait_init(x->w, x->name, fd);
		x->waiting = 1;
		if (x->ln->ready[0] == '\0') {
			x->w->state = CONWAIT_MATCHED;
			close(fd);
			x->w->fd = -1;
			snprintf(x->status, sizeof x->status, "ready: running (no ready= pattern to wait for)");
			up_say(&u, x);
			continue;
		}
		expect_set(&x->w->x, x->ln->ready, &e);   /* checked by the parser */
		char *re = cli_shown(x->ln->ready);
		snprintf(x->status, sizeof x->status, "waiting for its console to show \"%s\"", re);
		free(re);
		up_say(&u, x);
	}
	conwait_run(u.w, (size_t)u.n, mono_ms() + (int64_t)timeout * 1000, u.tty ? 1000 : 0,
	    up_waited, &u);
	if (!c->json && u.tty)
		up_draw(&u);
	for (int i = 0; i < u.n; i++)
		if (u.v[i].failed || (u.v[i].waiting && u.v[i].w->state != CONWAIT_MATCHED)) {
			u.v[i].failed = 1;
			up_report(lab, &u, &u.v[i], timeout);
			failed++;
		}
	rc = failed ? 1 : 0;
	if (c->json) {
		json_t *a = json_array();
		for (int i = 0; i < u.n; i++) {
			struct up_node *x = &u.v[i];
			int64_t t = x->waiting ? x->w->t_ms - u.t0 : 0;
			json_array_append_new(a, json_pack("{s:s, s:b, s:b, s:b, s:I, s:s}", "node", x->name,
			    "ready", !x->failed, "imported", imported > 0, "started", x->started,
			    "ms", (json_int_t)t, "status", x->status));
		}
		cli_json_out(a);
	} else if (!failed && imported == 0 && started == 0)
		printf("lab up: every node of %s was already up and ready; nothing to do\n", shown);
	else if (!failed)
		printf("lab up: %d node%s ready (%d started now)\n", u.n, u.n == 1 ? "" : "s", started);
out:
	for (int i = 0; i < u.n; i++) {
		if (u.v[i].waiting) {
			if (u.v[i].w->fd >= 0)
				close(u.v[i].w->fd);
			conwait_free(u.v[i].w);
		}
		free(u.v[i].name);
	}
	free(u.v);
	free(u.w);
	labfile_free(&lf);
	free(shown);
	return rc;
}

static void
down_step(const char *node, const char *step, void *arg)
{
	FILE *f = *(int *)arg ? stderr : stdout;
	char *name = cli_shown(node);

	fprintf(f, "%s: %s\n", name, step);
	fflush(f);
	free(name);
}

int
cmd_lab_down(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "lab down [--rm] [--grace SECONDS]";
	const char *grace_s = NULL;
	int rm = 0, npos, rc, grace = RUN_GRACE_NODE, nkeys = 0, stop_failed = 0, removed = 0;
	struct cli_opt opts[] = { { "--rm", NULL, &rm }, { "--grace", &grace_s, NULL }, { 0 } };
	struct node *v;
	struct lab *lab;
	struct err e, *errs;
	char *pos[1], **keys, **ids = NULL;
	size_t n, nids = 0;

	if (cli_parse(argc, argv, opts, pos, 0, &npos, usage) != 0)
		return 2;
	/* none given: each node's own (stopmode.h) */
	if (cli_int(grace_s, "--grace", 0, 86400, &grace) != 0)
		return 2;
	if ((lab = cli_lab(c)) == NULL)
		return 1;
	if (node_list(lab, &v, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	keys = xcalloc(n + 1, sizeof *keys);
	for (size_t i = 0; i < n; i++)
		if (run_live(lab, v[i].id))
			keys[nkeys++] = xstrdup(v[i].name);
	node_list_free(v, n);
	errs = xcalloc((size_t)nkeys + 1, sizeof *errs);
	if (nkeys > 0)
		stop_failed = run_stop_many(lab, keys, nkeys, grace, down_step, &c->json, errs);
	else if (!c->json)
		printf("no node is running\n");
	for (int i = 0; i < nkeys; i++)
		if (errs[i].msg[0])
			cli_fail("%s", errs[i].msg);
	rc = stop_failed ? 1 : 0;
	if (rm && rc == 0) {
		if (event_nodes_with(lab, "lab-up", &ids, &nids, &e) != 0)
			rc = cli_fail("%s", e.msg);
		for (size_t i = 0; i < nids; i++) {
			struct node nd;
			if (node_get(lab, ids[i], &nd, &e) != 0)
				continue;
			char *name = cli_shown(nd.name);
			if (node_rm(lab, nd.id, &e) != 0)
				rc = cli_fail("%s", e.msg);
			else {
				removed++;
				if (!c->json)
					printf("%s: removed (it came from lab up)\n", name);
			}
			free(name);
			node_clear(&nd);
		}
		if (rc == 0 && removed == 0 && !c->json)
			printf("no node left that lab up imported\n");
	}
	if (c->json)
		cli_json_out(json_pack("{s:i, s:i, s:b}", "stopped", nkeys - stop_failed, "removed", removed,
		    "ok", rc == 0));
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	for (int i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	free(errs);
	return rc;
}
