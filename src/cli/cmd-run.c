/*
 * cmd-run.c: `sandlab node start|stop|kill|restart|cmd`, `vnc`, `accel`,
 * and the hidden `__keeper`. Output only; the work is run.c's, keeper.c's,
 * accel.c's and qemu.c's.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accel.h"
#include "cloudinit.h"
#include "conwait.h"
#include "keeper.h"
#include "net.h"
#include "node.h"
#include "proc.h"
#include "qemu.h"
#include "run.h"
#include "sanitize.h"
#include "seed.h"
#include "vnc.h"

#define CMD_RUN_MAX_NODES 4096

void
cmd_run_step(const char *node, const char *step, void *arg)
{
	FILE *f = *(int *)arg ? stderr : stdout;

	fprintf(f, "%s: %s\n", node, step);
	fflush(f);
}

/* The node names to act on: the positionals, or with --all every node
 * (want_live: 1 running ones, 0 stopped ones). Caller frees the array
 * and its strings. */
static char **
cmd_run_targets(struct lab *lab, char **pos, int npos, int all, int want_live, int *n)
{
	char **keys;

	*n = 0;
	if (!all) {
		keys = xcalloc((size_t)npos + 1, sizeof *keys);
		for (int i = 0; i < npos; i++)
			keys[(*n)++] = xstrdup(pos[i]);
		return keys;
	}
	struct node *v;
	size_t cnt;
	struct err e;
	if (node_list(lab, &v, &cnt, &e) != 0) {
		cli_fail("%s", e.msg);
		return NULL;
	}
	keys = xcalloc(cnt + 1, sizeof *keys);
	for (size_t i = 0; i < cnt; i++)
		if (run_live(lab, v[i].id) == want_live)
			keys[(*n)++] = xstrdup(v[i].name);
	node_list_free(v, cnt);
	return keys;
}

static void
cmd_run_free_targets(char **keys, int n)
{
	for (int i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* Prints the failures; JSON gets one result per node. Returns the status. */
static int
cmd_run_results(struct cli *c, char **keys, int n, struct err *errs, const char *verb)
{
	json_t *a = c->json ? json_array() : NULL;
	int rc = 0;

	for (int i = 0; i < n; i++) {
		int ok = errs[i].msg[0] == '\0';
		if (!ok)
			rc = cli_fail("%s", errs[i].msg);
		if (a != NULL) {
			char *name = sanitize(keys[i], strlen(keys[i]));
			json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:s}", "node", name,
			    "action", verb, "ok", ok, "error", errs[i].msg));
			free(name);
		}
	}
	if (a != NULL)
		cli_json_out(a);
	return rc;
}

static int
cmd_run_grace(const char *s, int *grace)
{
	/* none given: each node's own (stopmode.h) */
	*grace = RUN_GRACE_NODE;
	return cli_int(s, "--grace", 0, 86400, grace);
}

/* --wait-for: each node that started, until its console has shown regex
 * since this start. A keeper is new with each start, so its replay holds
 * exactly the output since then. Returns how many did not. */
static int
cmd_run_wait_for(struct cli *c, struct lab *lab, char **keys, int n, struct err *errs,
    const char *regex, int timeout)
{
	struct conwait *w = xcalloc((size_t)n + 1, sizeof *w);
	int64_t deadline = mono_ms() + (int64_t)timeout * 1000;
	int failed = 0, nw = 0;
	FILE *f = c->json ? stderr : stdout;
	struct err e;

	for (int i = 0; i < n; i++) {
		if (errs[i].msg[0])
			continue;
		int fd = run_console_connect(lab, keys[i], &errs[i]);
		if (fd < 0) {
			failed++;
			continue;
		}
		conwait_init(&w[nw], keys[i], fd);
		expect_set(&w[nw].x, regex, &e);   /* checked before the start */
		nw++;
	}
	conwait_run(w, (size_t)nw, deadline, 0, NULL, NULL);
	for (int j = 0; j < nw; j++) {
		int i = 0;
		while (keys[i] != w[j].name)
			i++;
		char *name = cli_shown(keys[i]), *re = cli_shown(regex);
		if (w[j].state == CONWAIT_MATCHED)
			fprintf(f, "%s: console showed \"%s\"\n", name, re);
		else {
			char *tail = expect_tail(&w[j].x, 3);
			for (char *p = tail; (p = strchr(p, '\n')) != NULL; )
				*p = '|';
			err_set(&errs[i], "%s: %s \"%s\"%s (last output: %s)", name,
			    w[j].state == CONWAIT_GONE ? "stopped before its console showed" :
			    "its console did not show", re,
			    w[j].state == CONWAIT_GONE ? "" : " in time", tail[0] ? tail : "none");
			free(tail);
			failed++;
		}
		free(name);
		free(re);
		close(w[j].fd);
		conwait_free(&w[j]);
	}
	free(w);
	return failed;
}

/* node start and node stop: named nodes or --all, all at once. */
static int
cmd_run_many(struct cli *c, int argc, char **argv, int start)
{
	const char *usage = start ? "node start NAME...|--all [--vnc-host ADDR] [--wait-for REGEX "
	    "[--timeout S]]" : "node stop NAME...|--all [--grace SECONDS]";
	const char *val = NULL, *wait_for = NULL, *timeout_s = NULL;
	int all = 0, npos, n, grace = RUN_GRACE_NODE, failed, rc, timeout = 120;
	struct cli_opt opts[] = { { "--all", NULL, &all },
	    { start ? "--vnc-host" : "--grace", &val, NULL },
	    /* NULL ends the list: stop takes neither of the last two. */
	    { start ? "--wait-for" : NULL, &wait_for, NULL },
	    { "--timeout", &timeout_s, NULL }, { 0 } };
	struct err re_err;
	struct run_start_opts o = { 0 };
	struct run_starts *starts = NULL;
	char *pos[CMD_RUN_MAX_NODES], **keys;
	struct lab *lab;
	struct err *errs;

	/* Check everything before cli_lab, which may create the lab. */
	if (cli_parse(argc, argv, opts, pos, CMD_RUN_MAX_NODES, &npos, usage) != 0)
		return 2;
	if ((npos == 0) == !all)
		return cli_usage(usage);
	if (!start && cmd_run_grace(val, &grace) != 0)
		return 2;
	if (start && ((timeout_s && !wait_for) || cli_int(timeout_s, "--timeout", 1, 86400, &timeout)))
		return timeout_s && !wait_for ? cli_usage(usage) : 2;
	if (wait_for && expect_valid(wait_for, &re_err) != 0) {
		cli_fail("--wait-for: %s", re_err.msg);
		return 2;
	}
	o.vnc_host = start ? val : NULL;
	/* Named nodes: their keepers load while this opens the lab and
	 * checks the names (run.h). */
	if (start && !all) {
		char *dir = lab_dir_choose(c->lab_dir);
		starts = run_starts_spawn(dir, pos, npos, &o);
		free(dir);
	}
	if ((lab = cli_lab(c)) == NULL) {
		if (starts != NULL)
			run_starts_abandon(starts);
		return 1;
	}
	/* --all: what is stopped for start, what runs for stop. */
	if ((keys = cmd_run_targets(lab, pos, npos, all, !start, &n)) == NULL)
		return 1;
	if (n == 0 && all && !c->json)
		printf("%s\n", start ? "every node is already running" : "no node is running");
	errs = xcalloc((size_t)n + 1, sizeof *errs);
	if (start) {
		failed = starts != NULL ? run_starts_finish(starts, lab, cmd_run_step, &c->json, errs) :
		    run_start_many(lab, keys, n, &o, cmd_run_step, &c->json, errs);
		if (wait_for != NULL)
			failed += cmd_run_wait_for(c, lab, keys, n, errs, wait_for, timeout);
	} else
		failed = run_stop_many(lab, keys, n, grace, cmd_run_step, &c->json, errs);
	rc = cmd_run_results(c, keys, n, errs, start ? "start" : "stop");
	free(errs);
	cmd_run_free_targets(keys, n);
	return failed ? 1 : rc;
}

int
cmd_node_start(struct cli *c, int argc, char **argv)
{
	return cmd_run_many(c, argc, argv, 1);
}

int
cmd_node_stop(struct cli *c, int argc, char **argv)
{
	return cmd_run_many(c, argc, argv, 0);
}

int
cmd_node_kill(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node kill NAME...|--all";
	int all = 0, npos, n, rc;
	struct cli_opt opts[] = { { "--all", NULL, &all }, { 0 } };
	char *pos[CMD_RUN_MAX_NODES], **keys;
	struct lab *lab;
	struct err *errs;

	if (cli_parse(argc, argv, opts, pos, CMD_RUN_MAX_NODES, &npos, usage) != 0)
		return 2;
	if ((npos == 0) == !all)
		return cli_usage(usage);
	if ((lab = cli_lab(c)) == NULL)
		return 1;
	/* --all: every node that runs, as for stop. */
	if ((keys = cmd_run_targets(lab, pos, npos, all, 1, &n)) == NULL)
		return 1;
	if (n == 0 && all && !c->json)
		printf("no node is running\n");
	errs = xcalloc((size_t)n + 1, sizeof *errs);
	for (int i = 0; i < n; i++)
		run_kill(lab, keys[i], cmd_run_step, &c->json, &errs[i]);
	rc = cmd_run_results(c, keys, n, errs, "kill");
	free(errs);
	cmd_run_free_targets(keys, n);
	return rc;
}

int
cmd_node_restart(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node restart NAME... [--grace SECONDS]";
	const char *grace_s = NULL;
	struct cli_opt opts[] = { { "--grace", &grace_s, NULL }, { 0 } };
	char *pos[CMD_RUN_MAX_NODES];
	struct lab *lab;
	struct err *errs;
	int npos, grace, rc;

	if ((lab = cli_start(c, argc, argv, opts, pos, 1, CMD_RUN_MAX_NODES, &npos, usage, &rc)) == NULL)
		return rc;
	if (cmd_run_grace(grace_s, &grace) != 0)
		return 2;
	errs = xcalloc((size_t)npos, sizeof *errs);
	/* Stop what runs, then start all of them. */
	if (run_stop_many(lab, pos, npos, grace, cmd_run_step, &c->json, errs) == 0)
		run_start_many(lab, pos, npos, NULL, cmd_run_step, &c->json, errs);
	rc = cmd_run_results(c, pos, npos, errs, "restart");
	free(errs);
	return rc;
}

/* The one node a command names, with its run state; NULL (and *rc) when
 * the command cannot go on. */
static struct lab *
cmd_run_one(struct cli *c, int argc, char **argv, const struct cli_opt *opts, const char *usage,
    struct node *n, struct run_info *ri, int *rc)
{
	struct lab *lab;
	struct err e;
	char *pos[1];
	int npos;

	if ((lab = cli_start(c, argc, argv, opts, pos, 1, 1, &npos, usage, rc)) == NULL)
		return NULL;
	*rc = 1;
	if (node_get(lab, pos[0], n, &e) != 0) {
		cli_fail("%s", e.msg);
		return NULL;
	}
	if (run_info_get(lab, n->id, ri, &e) != 0) {
		node_clear(n);
		cli_fail("%s", e.msg);
		return NULL;
	}
	*rc = 0;
	return lab;
}

int
cmd_node_cmd(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node cmd NAME [--json]";
	struct accel_probe probe;
	struct accel_choice ch;
	struct run_info ri;
	struct node n;
	struct err e;
	struct lab *lab;
	char **qargv;
	int rc;

	if ((lab = cmd_run_one(c, argc, argv, NULL, usage, &n, &ri, &rc)) == NULL)
		return rc;
	/* A running node shows what its keeper chose; otherwise what a
	 * start would choose now (the VNC display is picked at start). */
	if (ri.accel[0])
		snprintf(ch.accel, sizeof ch.accel, "%s", ri.accel);
	else {
		accel_probe(QEMU_BIN_DEFAULT, 0, &probe);
		if (accel_decide(n.accel, &probe, &ch, &e) != 0) {
			node_clear(&n);
			return cli_fail("%s", e.msg);
		}
	}
	struct qemu_cfg run = { .accel = ch.accel,
	    .vnc_display = ri.vnc_display >= 0 ? ri.vnc_display : 0, .vnc_password = 1, .qmp_fd = 3,
	    .wire_fd_base = NET_WIRE_FD_BASE };
	/* The seed drive a start attaches (the ISO itself is made then). */
	struct cloudinit ci;
	char *seed = NULL;
	if (cloudinit_get(lab, n.id, &ci, &e) != 0) {
		node_clear(&n);
		return cli_fail("%s", e.msg);
	}
	if (ci.on)
		run.seed = seed = seed_path(lab, n.id);
	cloudinit_clear(&ci);
	qargv = net_node_argv(lab, &n, &run, 0, NULL, &e);
	node_clear(&n);
	free(seed);
	if (qargv == NULL)
		return cli_fail("%s", e.msg);
	if (c->json) {
		json_t *a = json_array();
		for (char **p = qargv; *p; p++)
			json_array_append_new(a, json_string(*p));
		cli_json_out(a);
	} else {
		char *s = qemu_argv_shell(qargv);
		printf("%s\n", s);
		free(s);
		if (ri.vnc_display < 0)
			fprintf(stderr, "(stopped: the VNC display is chosen at start; fd 3 is the QMP "
			    "socket the keeper passes to QEMU, fd %d + N the wire of ethN)\n",
			    NET_WIRE_FD_BASE);
	}
	proc_argv_free(qargv);
	return 0;
}

int
cmd_vnc(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "vnc NAME [--tunnel] [--json]";
	struct run_info ri;
	struct node n;
	struct lab *lab;
	int rc, tunnel = 0;
	const struct cli_opt opts[] = { { "--tunnel", NULL, &tunnel }, { NULL } };

	if ((lab = cmd_run_one(c, argc, argv, opts, usage, &n, &ri, &rc)) == NULL)
		return rc;
	if (!node_is_local(&n)) {
		rc = cmd_vnc_remote(c, lab, &n, &ri, tunnel);
		node_clear(&n);
		return rc;
	}
	if (tunnel) {
		rc = cli_fail("--tunnel is for a node on another host; %s runs here", n.name);
		node_clear(&n);
		return rc;
	}
	if (ri.vnc[0] == '\0') {
		rc = cli_fail("%s is %s: it has no VNC address (start it with: sandlab node start %s)",
		    n.name, run_state_name(ri.state), n.name);
		node_clear(&n);
		return rc;
	}
	/* A node started with --vnc-host has the password its user gave;
	 * the keeper keeps only the ones it made. */
	if (c->json) {
		char *colon = strrchr(ri.vnc, ':');
		char *host = xstrndup(ri.vnc, (size_t)(colon - ri.vnc));
		cli_json_out(json_pack("{s:s, s:s, s:i, s:i, s:s, s:s?}", "node", n.name, "host", host,
		    "port", atoi(colon + 1), "display", ri.vnc_display, "address", ri.vnc,
		    "password", ri.vnc_password[0] ? ri.vnc_password : NULL));
		free(host);
	} else {
		printf("%s\n", ri.vnc);
		if (ri.vnc_password[0])
			printf("password: %s\n", ri.vnc_password);
		else
			printf("password: the one given in $SANDLAB_VNC_PASSWORD at start\n");
	}
	node_clear(&n);
	return 0;
}

int
cmd_accel(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "accel [--json]";
	struct accel_probe p;
	struct accel_choice ch;
	struct err e;
	char why[160], *pos[1];
	int npos;

	if (cli_parse(argc, argv, NULL, pos, 0, &npos, usage) != 0)
		return 2;
	accel_probe(QEMU_BIN_DEFAULT, 1, &p);
	accel_probe_why(&p, why, sizeof why);
	accel_decide("auto", &p, &ch, &e);
	if (c->json) {
		json_t *o = json_pack("{s:b, s:s, s:s, s:s}", "kvm_usable", accel_kvm_usable(&p),
		    "auto_chooses", ch.accel, "why", why, "qemu_accelerators", p.qemu_accels);
		json_object_set_new(o, "dev_kvm_open", p.dev_open == 1 ? json_true() : json_false());
		if (p.dev_open != 1)
			json_object_set_new(o, "dev_kvm_error", json_string(strerror(p.dev_errno)));
		json_object_set_new(o, "api_version", json_integer(p.api_version));
		json_object_set_new(o, "create_vm", p.create_vm < 0 ? json_null() :
		    json_boolean(p.create_vm == 1));
		json_object_set_new(o, "qemu_lists_kvm", json_boolean(p.qemu_kvm == 1));
		return cli_json_out(o);
	}
	printf("/dev/kvm read-write: %s\n", p.dev_open == 1 ? "yes" : strerror(p.dev_errno));
	if (p.api_ok < 0)
		printf("KVM API version:     not checked\n");
	else
		printf("KVM API version:     %d%s\n", p.api_version, p.api_ok ? "" : " (need 12)");
	printf("KVM_CREATE_VM:       %s\n", p.create_vm < 0 ? "not checked" :
	    p.create_vm ? "works" : strerror(p.vm_errno));
	printf("QEMU accelerators:   %s%s%s\n", p.qemu_accels[0] ? p.qemu_accels : "(none listed)",
	    p.qemu_error[0] ? "; " : "", p.qemu_error);
	printf("nodes set to auto run with %s: %s\n", ch.accel, why);
	return 0;
}

int
cmd_keeper(struct cli *c, int argc, char **argv)
{
	return keeper_main(c->lab_dir, argc, argv);
}
