/*
 * cmd-node.c: `sandlab node create|ls|show|set|rename|reset|rm`.
 * Output only; the work is node.c's.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cloudinit.h"
#include "consize.h"
#include "contype.h"
#include "domxml.h"
#include "host.h"
#include "labfile.h"
#include "node.h"
#include "qemuprobe.h"
#include "rdom.h"
#include "remote.h"
#include "run.h"
#include "runrow.h"
#include "runstate.h"
#include "stopmode.h"
#include "template.h"

/* The node as JSON is built key by key in the order `--json` prints
 * (sorted), so that cli_json_item can dump it without sorting, and
 * without json_pack's pass over a format. `node ls --json` makes one
 * object and puts each later node's values over the ones there
 * (node_put): no key is hashed again and no value made again that did
 * not change. Keys are literals, so they skip the UTF-8 check; values
 * do not. */

/* s as a JSON string, or null when s is NULL or empty. A value that is
 * not UTF-8 cannot be printed: fatal, as json_pack's NULL was. ASCII,
 * almost every value, is UTF-8 already: one pass over its bytes instead
 * of jansson's check, which costs some 40 instructions a byte. */
static json_t *
node_json_str(const char *s, int empty_null)
{
	json_t *v;
	size_t i = 0;

	if (s == NULL || (empty_null && s[0] == '\0'))
		return json_null();
	while (s[i] != '\0' && (unsigned char)s[i] < 0x80)
		i++;
	if (s[i] == '\0')
		v = json_stringn_nocheck(s, i);
	else
		v = json_string(s);
	if (v == NULL)
		fatal("cannot format JSON output: \"%s\" is not UTF-8", s);
	return v;
}

static void
node_json_set(json_t *o, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new_nocheck(o, key, v) != 0)
		fatal("cannot format JSON output");
}

/* Where node_json_put puts values: into a new object o, or (reuse) over
 * the values of an object made for an earlier node, whose keys must come
 * in the order they are put (it: the next). A key that is not the next
 * one there, or one left over, marks it stale: the caller makes it anew. */
struct node_put {
	json_t *o;
	void   *it;
	int     reuse;
	int    *stale;
};

/* Reuse: the value at key, o's next key, and its place in *at; NULL
 * (stale) when the next key is another. */
static json_t *
node_put_next(struct node_put *p, const char *key, void **at)
{
	if (*p->stale || p->it == NULL || strcmp(json_object_iter_key(p->it), key) != 0) {
		*p->stale = 1;
		return NULL;
	}
	*at = p->it;
	p->it = json_object_iter_next(p->o, p->it);
	return json_object_iter_value(*at);
}

/* Puts v (taken) at key, or at *at when reusing. */
static void
node_put_set(struct node_put *p, const char *key, void *at, json_t *v)
{
	if (!p->reuse)
		node_json_set(p->o, key, v);
	else if (v == NULL || json_object_iter_set_new(p->o, at, v) != 0)
		fatal("cannot format JSON output");
}

/* Reuse: an object left with keys not put is stale. */
static void
node_put_end(const struct node_put *p)
{
	if (p->reuse && p->it != NULL)
		*p->stale = 1;
}

/* s at key as node_json_str makes it; optional: left out when not
 * UTF-8 instead (then a reused object is stale). */
static void
node_put_str(struct node_put *p, const char *key, const char *s, int empty_null, int optional)
{
	json_t *old = NULL, *v;
	void *at = NULL;

	if (p->reuse) {
		if ((old = node_put_next(p, key, &at)) == NULL)
			return;
		if (s == NULL || (empty_null && s[0] == '\0')) {
			if (json_is_null(old))
				return;
		} else if (json_is_string(old) && strcmp(json_string_value(old), s) == 0)
			return;
	}
	v = optional ? json_string(s) : node_json_str(s, empty_null);
	if (v == NULL) {
		if (p->reuse)
			*p->stale = 1;
		return;
	}
	node_put_set(p, key, at, v);
}

static void
node_put_int(struct node_put *p, const char *key, json_int_t i)
{
	json_t *old = NULL;
	void *at = NULL;

	if (p->reuse && (old = node_put_next(p, key, &at)) == NULL)
		return;
	if (json_is_integer(old))
		json_integer_set(old, i);
	else
		node_put_set(p, key, at, json_integer(i));
}

/* The object at key, to put its keys into (end it with node_put_end). */
static struct node_put
node_put_obj(struct node_put *p, const char *key)
{
	struct node_put c = { .reuse = p->reuse, .stale = p->stale };
	void *at;

	if (!p->reuse) {
		c.o = json_object();
		node_json_set(p->o, key, c.o);
	} else if ((c.o = node_put_next(p, key, &at)) != NULL && json_is_object(c.o))
		c.it = json_object_iter(c.o);
	else
		*p->stale = 1;
	return c;
}

/* The array at key, with n objects to put keys into: the one there when
 * reusing and it holds n objects, else a new one (*fresh set). NULL when
 * stale. */
static json_t *
node_put_arr(struct node_put *p, const char *key, size_t n, int *fresh)
{
	json_t *a = NULL;
	void *at = NULL;

	if (p->reuse && (a = node_put_next(p, key, &at)) == NULL)
		return NULL;
	*fresh = !p->reuse || !json_is_array(a) || json_array_size(a) != n;
	for (size_t i = 0; !*fresh && i < n; i++)
		*fresh = !json_is_object(json_array_get(a, i));
	if (*fresh)
		node_put_set(p, key, at, a = json_array());
	return a;
}

/* Element i of an array from node_put_arr, to put keys into. */
static struct node_put
node_put_elem(struct node_put *p, json_t *a, size_t i, int fresh)
{
	struct node_put c = { .reuse = !fresh, .stale = p->stale };

	if (fresh) {
		c.o = json_object();
		if (c.o == NULL || json_array_append_new(a, c.o) != 0)
			fatal("cannot format JSON output");
	} else {
		c.o = json_array_get(a, i);
		c.it = json_object_iter(c.o);
	}
	return c;
}

/* The node's runtime facts (state, accelerator really used and why,
 * VNC, uptime, last exit). */
static void
node_run_put(struct node_put *p, const struct run_info *ri)
{
	struct node_put o = node_put_obj(p, "run"), ex;
	char up[32];

	run_uptime(ri, up, sizeof up);
	node_put_str(&o, "accel", ri->accel, 1, 0);
	node_put_str(&o, "accel_why", ri->accel_why, 1, 0);
	node_put_int(&o, "keeper_pid", ri->keeper_pid);
	ex = node_put_obj(&o, "last_exit");
	node_put_int(&ex, "at", ri->exit_at);
	node_put_str(&ex, "detail", ri->exit_detail, 1, 0);
	node_put_str(&ex, "kind", ri->exit_kind, 1, 0);
	node_put_end(&ex);
	node_put_int(&o, "qemu_pid", ri->qemu_pid);
	node_put_int(&o, "started_at", ri->started_at);
	node_put_str(&o, "state", run_state_shown(ri), 0, 0);
	node_put_str(&o, "uptime", up, 0, 0);
	node_put_str(&o, "vnc", ri->vnc, 1, 0);
	node_put_int(&o, "vnc_display", ri->vnc_display);
	node_put_end(&o);
}

static int
node_hw_cmp(const void *a, const void *b)
{
	return strcmp(hw_fields[*(const int *)a].name, hw_fields[*(const int *)b].name);
}

/* The machine: every field by its name. */
static void
node_hw_put(struct node_put *p, const struct hw *h)
{
	static int order[HW_NKEYS], sorted;
	struct node_put o = node_put_obj(p, "machine");

	if (!sorted) {
		for (int k = 0; k < HW_NKEYS; k++)
			order[k] = k;
		qsort(order, HW_NKEYS, sizeof order[0], node_hw_cmp);
		sorted = 1;
	}
	for (int i = 0; i < HW_NKEYS; i++)
		node_put_str(&o, hw_fields[order[i]].name, h->v[order[i]], 0, 0);
	node_put_end(&o);
}

json_t *
cmd_disks_json(const struct disk *v, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++) {
		const struct disk *d = &v[i];
		json_t *o = json_object();
		char *t = disk_text(d);

		node_json_set(o, "bus", node_json_str(d->bus, 0));
		node_json_set(o, "disk", node_json_str(t, 0));
		node_json_set(o, "file", node_json_str(d->file, 0));
		node_json_set(o, "image", node_json_str(d->image, 0));
		node_json_set(o, "index", json_integer(d->idx));
		node_json_set(o, "size", json_integer(d->size));
		json_array_append_new(a, o);
		free(t);
	}
	return a;
}

/* The disks: an empty array stays; any other is made anew (rare). */
static void
node_disks_put(struct node_put *p, const struct node *n)
{
	json_t *old = NULL;
	void *at = NULL;

	if (p->reuse && (old = node_put_next(p, "disks", &at)) == NULL)
		return;
	if (p->reuse && n->ndisks == 0 && json_is_array(old) && json_array_size(old) == 0)
		return;
	node_put_set(p, "disks", at, cmd_disks_json(n->disks, n->ndisks));
}

/* The node (and its runtime facts when ri is not NULL) into p. */
static void
node_json_put(struct node_put *p, const struct node *n, const struct run_info *ri)
{
	struct node_put o;
	json_t *nics;
	int fresh;

	node_put_str(p, "accel", n->accel, 0, 0);
	o = node_put_obj(p, "console_size");
	node_put_int(&o, "cols", n->console_cols);
	node_put_int(&o, "rows", n->console_rows);
	node_put_end(&o);
	node_put_int(p, "cpus", n->cpus);
	node_put_int(p, "created_at", n->created_at);
	node_disks_put(p, n);
	node_put_str(p, "host", n->host, 0, 0);
	node_put_str(p, "id", n->id, 0, 0);
	node_put_str(p, "image", n->image_name, 0, 0);
	node_put_str(p, "image_id", n->image_id, 0, 0);
	node_hw_put(p, &n->hw);
	node_put_str(p, "name", n->name, 0, 0);
	if ((nics = node_put_arr(p, "nics", (size_t)n->nnics, &fresh)) != NULL)
		for (int i = 0; i < n->nnics; i++) {
			const struct nic *c = &n->nics[i];

			o = node_put_elem(p, nics, (size_t)i, fresh);
			node_put_str(&o, "attach", c->attach, 0, 0);
			node_put_int(&o, "index", c->idx);
			node_put_str(&o, "mac", c->mac, 0, 0);
			node_put_str(&o, "model", c->model, 0, 0);
			node_put_str(&o, "port", c->port, 1, 0);
			node_put_end(&o);
		}
	node_put_str(p, "overlay", n->overlay, 0, 0);
	node_put_int(p, "ram_mb", n->ram_mb);
	/* a pattern that is not UTF-8 cannot be a JSON string: then left out */
	node_put_str(p, "ready", n->ready, 0, 1);
	if (ri != NULL) {
		node_run_put(p, ri);
		node_put_str(p, "state", run_state_shown(ri), 0, 0);
	}
	node_put_end(p);
}

static json_t *
node_json(const struct node *n, const struct run_info *ri)
{
	int stale = 0;
	struct node_put p = { .o = json_object(), .stale = &stale };

	if (p.o == NULL)
		fatal("cannot format JSON output");
	node_json_put(&p, n, ri);
	return p.o;
}

/* The accelerator column: the one really used while running, else the
 * setting; a star marks a fall back to tcg. */
static void
node_accel_shown(const struct node *n, const struct run_info *ri, char *buf, size_t len)
{
	if (ri->accel[0])
		snprintf(buf, len, "%s%s", ri->accel, ri->accel_why[0] ? "*" : "");
	else
		snprintf(buf, len, "%s", n->accel);
}

/* "shutdown", "crashed: signal 9 (SIGKILL)"... for a table cell. */
static void
node_exit_shown(const struct run_info *ri, char *buf, size_t len)
{
	if (ri->exit_kind[0] == '\0')
		snprintf(buf, len, "-");
	else if (strcmp(ri->exit_kind, "crashed") == 0 || strcmp(ri->exit_kind, "failed") == 0)
		snprintf(buf, len, "%s: %s", ri->exit_kind, ri->exit_detail);
	else
		snprintf(buf, len, "%s", ri->exit_kind);
}

/* After a change: with --json, the node as it now is. */
static int
node_print_json(struct cli *c, struct lab *lab, const char *key)
{
	struct node n;
	struct err e;

	if (!c->json)
		return 0;
	if (node_get(lab, key, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	cli_json_out(node_json(&n, NULL));
	node_clear(&n);
	return 0;
}

int
cmd_node_opts_add(struct cli_opt *opts, int at, struct cmd_node_opts *o, int image)
{
	/* option names outlive the call: they are built once */
	static char names[HW_NKEYS][32];
	int n = at;

	memset(o, 0, sizeof *o);
	o->nnics = -1;
	o->ci_on = -1;
	if (image)
		opts[n++] = (struct cli_opt){ "--image", &o->image, NULL };
	opts[n++] = (struct cli_opt){ "--ram", &o->ram, NULL };
	opts[n++] = (struct cli_opt){ "--cpus", &o->cpus, NULL };
	opts[n++] = (struct cli_opt){ "--nics", &o->nics, NULL };
	opts[n++] = (struct cli_opt){ "--accel", &o->accel, NULL };
	opts[n++] = (struct cli_opt){ "--cloud-init", &o->ci, NULL };
	opts[n++] = (struct cli_opt){ "--ci-user", &o->ci_user, NULL };
	for (int k = 0; k < HW_NKEYS; k++) {
		snprintf(names[k], sizeof names[k], "--%s", hw_fields[k].name);
		opts[n++] = (struct cli_opt){ names[k], &o->hw[k], NULL };
	}
	opts[n] = (struct cli_opt){ 0 };
	return n - at;
}

int
cmd_node_disks_take(int *argc, char **argv, struct cmd_node_opts *o, int rm)
{
	struct cli_many dm = { o->disks, 0, DISK_MAX + 1 }, rmm = { o->disks_rm_text, 0, DISK_MAX };

	if (cli_take_many(argc, argv, "--disk", &dm) != 0 ||
	    (rm && cli_take_many(argc, argv, "--disk-rm", &rmm) != 0))
		return -1;
	o->ndisks = dm.n;
	o->ndisks_rm = rmm.n;
	return 0;
}

int
cmd_node_opts_check(struct cmd_node_opts *o)
{
	struct err e;

	if (cli_int(o->ram, "--ram", NODE_RAM_MIN, NODE_RAM_MAX, &o->ram_mb) != 0 ||
	    cli_int(o->cpus, "--cpus", 1, NODE_CPUS_MAX, &o->ncpus) != 0 ||
	    cli_int(o->nics, "--nics", 0, NODE_NICS_MAX, &o->nnics) != 0)
		return 1;
	if (o->accel && node_check_accel(o->accel, &e) != 0)
		return cli_fail("%s", e.msg);
	if (o->ci != NULL) {
		if (strcmp(o->ci, "on") != 0 && strcmp(o->ci, "off") != 0)
			return cli_fail("--cloud-init: give on or off");
		o->ci_on = strcmp(o->ci, "on") == 0;
	}
	if (o->ci_user != NULL && cloudinit_check_user(o->ci_user, &e) != 0)
		return cli_fail("--ci-user: %s", e.msg);
	for (int i = 0; i < o->ndisks_rm; i++)
		if (cli_int(o->disks_rm_text[i], "--disk-rm", 1, 1000000, &o->disks_rm[i]) != 0)
			return 1;
	return 0;
}

int
cmd_node_opts_any(const struct cmd_node_opts *o)
{
	int any = o->image || o->ram || o->cpus || o->nics || o->accel || o->ci || o->ci_user ||
	    o->ndisks || o->ndisks_rm;

	for (int k = 0; k < HW_NKEYS; k++)
		any |= o->hw[k] != NULL;
	return any;
}

/* The machine, a line for each field that is not at its default. */
void
cmd_node_hw_print(const struct hw *h, int pending)
{
	char *v;

	printf("machine:   %s, disk bus %s, cpu %s, arch %s, vga %s, firmware %s%s\n", h->v[HW_MACHINE],
	    h->v[HW_DISK_BUS], h->v[HW_CPU_MODEL], h->v[HW_ARCH], h->v[HW_VGA], h->v[HW_FIRMWARE],
	    pending ? " (changed: takes effect when it restarts)" : "");
	for (int k = HW_BOOT; k < HW_NKEYS; k++) {
		if (h->v[k][0] == '\0')
			continue;
		v = cli_shown(h->v[k]);
		printf("%s:%*s %s\n", hw_fields[k].name, (int)(9 - strlen(hw_fields[k].name)), "", v);
		free(v);
	}
}

/* The extra disks, one line a disk, by the number --disk-rm takes. */
static void
node_disks_print(const struct node *n)
{
	for (int i = 0; i < n->ndisks; i++) {
		char *t = disk_text(&n->disks[i]), *f = cli_shown(n->disks[i].file);
		printf("disk %d:%*s %s (%s)\n", n->disks[i].idx, n->disks[i].idx < 10 ? 3 : 2, "", t, f);
		free(t);
		free(f);
	}
}

/* The cloud-init settings of node create and set: the options' words
 * (checked by cmd_node_opts_check), and the user-data file read and
 * checked before anything changes: 0 with *ch filled (*text holds
 * user-data read from the file; caller frees), or 1 after printing why. */
static int
node_ci_opts(const struct cmd_node_opts *o, const char *user_data, struct cloudinit_changes *ch,
    char **text)
{
	struct err e;
	size_t len;

	*ch = (struct cloudinit_changes){ .on = o->ci_on, .user = o->ci_user };
	*text = NULL;
	if (user_data != NULL && user_data[0] == '\0')
		ch->user_data_default = 1;
	else if (user_data != NULL) {
		if (labfile_read(user_data, text, &len, &e) != 0)
			return cli_fail("--user-data: %s", e.msg);
		if (cloudinit_check_user_data(*text, len, &e) != 0) {
			free(*text);
			*text = NULL;
			return cli_fail("--user-data: %s", e.msg);
		}
		*text = xrealloc(*text, len + 1);
		(*text)[len] = '\0';
		ch->user_data = *text;
	}
	return 0;
}

/* --on-stop and --stop-grace of node create and set, checked before
 * anything changes: 0 with *grace (-1 when not given), or 1 after
 * printing why. */
static int
node_stop_opts(const char *on_stop, const char *grace, int *grace_s)
{
	struct err e;

	*grace_s = -1;
	if (on_stop && stopmode_check_method(on_stop, &e) != 0)
		return cli_fail("%s", e.msg);
	if (grace && stopmode_check_grace(grace, grace_s, &e) != 0)
		return cli_fail("%s", e.msg);
	return 0;
}

int
cmd_node_create(struct cli *c, int argc, char **argv)
{
	static const char usage[] = CMD_NODE_CREATE_USAGE;
	const char *csize = NULL, *ready = NULL, *user_data = NULL, *tname = NULL, *host = NULL;
	const char *on_stop = NULL, *stop_grace = NULL, *console = NULL;
	struct cmd_node_opts o;
	struct node_spec s = { .nics = -1 };
	struct cli_opt opts[9 + CMD_NODE_OPTS_N + 1] = {
		{ "--console-size", &csize, NULL }, { "--ready", &ready, NULL },
		{ "--user-data", &user_data, NULL }, { "--template", &tname, NULL }, { "--host", &host, NULL },
		{ "--on-stop", &on_stop, NULL }, { "--stop-grace", &stop_grace, NULL },
		{ "--nic-model", &s.nic_model, NULL }, { "--console", &console, NULL },
	};
	struct cloudinit_changes ch;
	struct template t = { 0 };
	struct node n;
	struct lab *lab;
	struct err e;
	char *pos[1], *ud = NULL;
	int npos, rc = 1, grace;

	cmd_node_opts_add(opts, 9, &o, 1);
	if (cmd_node_disks_take(&argc, argv, &o, 0) != 0 ||
	    cli_parse(argc, argv, opts, pos, 1, &npos, usage) != 0)
		return 2;
	if (npos != 1)
		return cli_usage(usage);
	if (cmd_node_opts_check(&o) != 0)
		return 1;
	if (csize && consize_parse(csize, &s.console_cols, &s.console_rows, &e) != 0)
		return cli_fail("--console-size: %s", e.msg);
	if (ready && node_check_ready(ready, &e) != 0)
		return cli_fail("--ready: %s", e.msg);
	if (console && contype_check(console, &e) != 0)
		return cli_fail("--console: %s", e.msg);
	if (node_stop_opts(on_stop, stop_grace, &grace) != 0)
		return 1;
	if ((lab = cli_lab(c)) == NULL)
		return 1;
	s.image = o.image;
	s.ram_mb = o.ram_mb;
	s.cpus = o.ncpus;
	s.nics = o.nnics;
	s.accel = o.accel;
	memcpy(s.hw, o.hw, sizeof s.hw);
	if (tname && template_get(lab, tname, &t, &e) != 0)
		return cli_fail("%s", e.msg);
	if (s.hw[HW_CPU_MODEL] && qemuprobe_check_cpu(lab, s.hw[HW_CPU_MODEL],
	    s.hw[HW_ARCH] ? s.hw[HW_ARCH] : tname ? t.hw.v[HW_ARCH] : "x86_64", &e) != 0) {
		rc = cli_fail("%s", e.msg);
		goto out;
	}
	if (s.nic_model && qemuprobe_check_nic(lab, s.nic_model, s.hw[HW_ARCH] ? s.hw[HW_ARCH] :
	    tname ? t.hw.v[HW_ARCH] : "x86_64", "--nic-model", &e) != 0) {
		rc = cli_fail("%s", e.msg);
		goto out;
	}
	/* Last of the checks: it reads the user-data file, which the node
	 * must not be made without, and which a refusal above would leak. */
	if (node_ci_opts(&o, user_data, &ch, &ud) != 0)
		goto out;
	s.name = pos[0];
	s.ready = ready;
	s.disks = o.disks;
	s.ndisks = o.ndisks;
	s.host = host;
	s.console = console;
	if (template_node_create(lab, tname ? &t : NULL, &s, &ch, &n, &e) != 0) {
		rc = cli_fail("%s", e.msg);
		goto out;
	}
	/* Made apart from the node: on failure the node goes too. */
	if ((on_stop || stop_grace) && stopmode_set(lab, n.id, on_stop, grace, &e) != 0) {
		struct err e2;
		node_rm(lab, n.id, &e2);
		node_clear(&n);
		rc = cli_fail("%s", e.msg);
		goto out;
	}
	if (c->json)
		cli_json_out(node_json(&n, NULL));
	else
		printf("created node %s%s%s on %s (%d MiB, %d CPU%s, %d NIC%s)%s%s\n", n.name,
		    tname ? " from template " : "", tname ? t.name : "", n.image_name,
		    n.ram_mb, n.cpus, n.cpus == 1 ? "" : "s", n.nnics, n.nnics == 1 ? "" : "s",
		    node_is_local(&n) ? "" : ", placed on host ", node_is_local(&n) ? "" : n.host);
	node_clear(&n);
	rc = 0;
out:
	free(ud);
	template_clear(&t);
	return rc;
}

/* node ls: one node at a time, printed as it is read. */
struct node_ls {
	struct lab *lab;
	struct run_list *runs;
	int         json;
	json_t     *o;      /* --json: the last node's object, reused */
	size_t      n;
	int         hosts;  /* some node is on another host: a HOST column */
	char        why[sizeof ((struct run_info *)0)->accel_why]; /* first fall back */
	struct err  e;
};

/* The node as JSON in the object of the node before, its values put
 * over that node's (made anew when its keys are other). Borrowed. */
static json_t *
node_ls_json(struct node_ls *k, const struct node *n, const struct run_info *ri)
{
	if (k->o != NULL) {
		int stale = 0;
		struct node_put p = { .o = k->o, .it = json_object_iter(k->o), .reuse = 1, .stale = &stale };

		node_json_put(&p, n, ri);
		if (!stale)
			return k->o;
		json_decref(k->o);
	}
	return k->o = node_json(n, ri);
}

static int
node_ls_one(struct node *n, void *arg)
{
	struct node_ls *k = arg;
	struct run_info ri;
	char accel[16], up[32], ex[sizeof ri.exit_kind + sizeof ri.exit_detail + 2];

	if (run_list_get(k->runs, n->id, &ri, &k->e) != 0)
		return 1;
	if (k->json) {
		cli_json_item_in_order(json_incref(node_ls_json(k, n, &ri)), k->n++ == 0);
		return 0;
	}
	/* The HOST column only in a lab that uses other hosts: a lab on
	 * this machine alone reads as it always did. */
	if (k->n++ == 0)
		printf("%-20s %s%s%-12s %-8s %-5s %4s %7s %4s %-15s %-7s %s\n", "NAME",
		    k->hosts ? "HOST" : "", k->hosts ? "         " : "", "IMAGE", "STATE",
		    "ACCEL", "CPUS", "RAM", "NICS", "VNC", "UPTIME", "LAST EXIT");
	node_accel_shown(n, &ri, accel, sizeof accel);
	run_uptime(&ri, up, sizeof up);
	node_exit_shown(&ri, ex, sizeof ex);
	if (k->hosts)
		printf("%-20s %-12s ", n->name, n->host);
	else
		printf("%-20s ", n->name);
	printf("%-12s %-8s %-5s %4d %4dMiB %4d %-15s %-7s %s\n", n->image_name,
	    run_state_shown(&ri), accel, n->cpus, n->ram_mb, n->nnics,
	    ri.vnc[0] ? ri.vnc : "-", up[0] ? up : "-", ex);
	if (k->why[0] == '\0' && ri.accel_why[0])
		snprintf(k->why, sizeof k->why, "%s", ri.accel_why);
	return 0;
}

int
cmd_node_ls(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node ls [--json]";
	struct node_ls k = { .json = c->json };
	char *pos[1];
	int npos, rc;

	if ((k.lab = cli_start(c, argc, argv, NULL, pos, 0, 0, &npos, usage, &rc)) == NULL)
		return rc;
	k.runs = run_list_new(k.lab);
	k.hosts = host_placed_nodes(k.lab, &k.e);
	if (k.hosts < 0) {
		run_list_free(k.runs);
		return cli_fail("%s", k.e.msg);
	}
	rc = node_each(k.lab, node_ls_one, &k, &k.e);
	json_decref(k.o);
	run_list_free(k.runs);
	/* What was printed stays; the message says the list is cut short. */
	if (k.json && (k.n > 0 || rc == 0))
		cli_json_end(k.n);
	if (rc != 0)
		return cli_fail("%s%s", k.e.msg, k.n > 0 ? " (the list above is incomplete)" : "");
	if (k.json)
		return 0;
	if (k.n == 0)
		printf("(no nodes: create one with sandlab node create NAME --image IMAGE)\n");
	else if (k.why[0])
		printf("* fell back to tcg: %s (see: sandlab accel)\n", k.why);
	return 0;
}

/* The node's cloud-init settings, for node show: NULL when it has none
 * (or they cannot be read: show still shows the rest). */
static json_t *
node_ci_json(struct lab *lab, const char *node_id)
{
	struct cloudinit ci;
	struct err e;
	char iid[96];
	json_t *o;

	if (cloudinit_get(lab, node_id, &ci, &e) != 0)
		return NULL;
	if (ci.password[0] == '\0') {
		cloudinit_clear(&ci);
		return NULL;
	}
	cloudinit_instance_id(node_id, ci.generation, iid, sizeof iid);
	o = json_pack("{s:b, s:s, s:s, s:s, s:s}", "on", ci.on, "user", ci.user, "password", ci.password,
	    "user_data", ci.user_data ? "own" : "sandlab", "instance_id", iid);
	cloudinit_clear(&ci);
	return o;
}

/* The stop method, for node show: on_stop and stop_grace in o. A row
 * that cannot be read shows the defaults: show still shows the rest. */
static void
node_stop_json(struct lab *lab, const char *node_id, json_t *o)
{
	struct stopmode m;
	struct err e;

	stopmode_get(lab, node_id, &m, &e);
	json_object_set_new(o, "on_stop", json_string(stopmode_method(&m)));
	json_object_set_new(o, "stop_grace", json_integer(m.grace_s));
}

static void
node_stop_print(struct lab *lab, const char *node_id)
{
	struct stopmode m;
	struct err e;

	stopmode_get(lab, node_id, &m, &e);
	if (m.poweroff)
		printf("on stop:   poweroff (QEMU quits at once)\n");
	else
		printf("on stop:   shutdown (ACPI powerdown, quit after %d s)\n", m.grace_s);
}

int
cmd_node_show(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node show NAME [--json]";
	struct lab *lab;
	struct node n;
	struct run_info ri;
	struct err e;
	char *pos[1], *ov, up[32], tpl[96];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (node_get(lab, pos[0], &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (run_info_get(lab, n.id, &ri, &e) != 0) {
		node_clear(&n);
		return cli_fail("%s", e.msg);
	}
	if (c->json) {
		json_t *o = node_json(&n, &ri);
		/* NICs in full: links, forwards, what waits for a restart. */
		json_object_set_new(o, "network", cmd_net_nics_json(lab, n.id));
		json_object_set_new(o, "machine_pending_restart", json_boolean(node_hw_pending(lab, &n)));
		json_t *ci = node_ci_json(lab, n.id);
		if (ci != NULL)
			json_object_set_new(o, "cloud_init", ci);
		node_stop_json(lab, n.id, o);
		json_object_set_new(o, "console_type", json_string(contype_is_vnc(lab, n.id, &e) == 1 ?
		    CONTYPE_VNC : CONTYPE_SERIAL));
		if (template_of_node(lab, n.id, tpl, sizeof tpl, &e) == 0 && tpl[0])
			json_object_set_new(o, "template", json_string(tpl));
		cli_json_out(o);
		node_clear(&n);
		return 0;
	}
	ov = cli_shown(n.overlay);
	printf("name:      %s\nid:        %s\nimage:     %s (%s)\noverlay:   %s\n"
	    "cpus:      %d\nram:       %d MiB\nconsole:   %dx%d (the guest's terminal size)\n",
	    n.name, n.id, n.image_name, n.image_format, ov, n.cpus, n.ram_mb, n.console_cols, n.console_rows);
	free(ov);
	printf("host:      %s%s\n", n.host, node_is_local(&n) ? " (this machine)" : "");
	/* a template's name passed name_check */
	if (template_of_node(lab, n.id, tpl, sizeof tpl, &e) == 0 && tpl[0])
		printf("template:  %s (made from it; a change of the template changes no node)\n", tpl);
	if (contype_is_vnc(lab, n.id, &e) == 1)
		printf("works in:  VNC (sandlab console prints its address; --serial attaches its serial line)\n");
	cmd_node_hw_print(&n.hw, node_hw_pending(lab, &n));
	node_disks_print(&n);
	if (n.ready[0]) {
		char *re = cli_shown(n.ready);
		printf("ready:     %s (the regex lab up waits for)\n", re);
		free(re);
	}
	json_t *ci = node_ci_json(lab, n.id);
	if (ci != NULL) {
		/* The password is sandlab's own letters and digits; the user
		 * name passed cloudinit_check_user. */
		const char *ud = json_string_value(json_object_get(ci, "user_data"));
		/* The user's own user-data replaces sandlab's, so the user and
		 * password sandlab keeps are not in the guest: not shown as a login. */
		if (json_is_true(json_object_get(ci, "on")) && strcmp(ud, "own") == 0)
			printf("cloud-init: on: own user-data, so no user of sandlab's (instance-id %s)\n",
			    json_string_value(json_object_get(ci, "instance_id")));
		else if (json_is_true(json_object_get(ci, "on")))
			printf("cloud-init: on: user %s, password %s (%s user-data, instance-id %s)\n",
			    json_string_value(json_object_get(ci, "user")),
			    json_string_value(json_object_get(ci, "password")), ud,
			    json_string_value(json_object_get(ci, "instance_id")));
		else
			printf("cloud-init: off\n");
		json_decref(ci);
	}
	node_stop_print(lab, n.id);
	printf("state:     %s\n", run_state_shown(&ri));
	if (ri.accel[0])
		printf("accel:     %s (setting %s%s%s)\n", ri.accel, n.accel,
		    ri.accel_why[0] ? "; fell back to tcg: " : "", ri.accel_why);
	else
		printf("accel:     %s (setting; decided at start)\n", n.accel);
	if (ri.vnc[0])
		printf("vnc:       %s\n", ri.vnc);
	run_uptime(&ri, up, sizeof up);
	if (up[0])
		printf("uptime:    %s\n", up);
	if (ri.keeper_pid > 0)
		printf("pids:      keeper %d, qemu %d\n", ri.keeper_pid, ri.qemu_pid);
	if (ri.exit_kind[0]) {
		char when[64] = "";
		time_t t = (time_t)ri.exit_at;
		struct tm tm;
		if (ri.exit_at > 0)
			strftime(when, sizeof when, " at %Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
		printf("last exit: %s: %s%s\n", ri.exit_kind, ri.exit_detail, when);
	}
	printf("nics:\n");
	rc = cmd_net_nics_print(lab, n.id, n.name, "  ");
	node_clear(&n);
	return rc;
}

int
cmd_node_set(struct cli *c, int argc, char **argv)
{
	static const char usage[] = CMD_NODE_SET_USAGE;
	const char *csize = NULL, *ready = NULL, *user_data = NULL, *host = NULL;
	const char *on_stop = NULL, *stop_grace = NULL, *console = NULL;
	struct cmd_node_opts o;
	struct cli_opt opts[7 + CMD_NODE_OPTS_N + 1] = {
		{ "--console-size", &csize, NULL }, { "--ready", &ready, NULL },
		{ "--user-data", &user_data, NULL }, { "--host", &host, NULL },
		{ "--on-stop", &on_stop, NULL }, { "--stop-grace", &stop_grace, NULL },
		{ "--console", &console, NULL },
	};
	int ccols = 0, crows = 0, hw = 0, grace;
	struct node_changes ch = { .nics = -1 };
	struct cloudinit_changes cich;
	struct node n;
	struct lab *lab;
	struct err e;
	char *pos[1], *ud;
	int npos, rc;

	cmd_node_opts_add(opts, 7, &o, 0);
	if (cmd_node_disks_take(&argc, argv, &o, 1) != 0 ||
	    cli_parse(argc, argv, opts, pos, 1, &npos, usage) != 0)
		return 2;
	if (npos != 1)
		return cli_usage(usage);
	ch.disks_add = o.disks;
	ch.ndisks_add = o.ndisks;
	ch.disks_rm = o.disks_rm;
	ch.ndisks_rm = o.ndisks_rm;
	for (int k = 0; k < HW_NKEYS; k++)
		hw |= o.hw[k] != NULL;
	hw |= o.ndisks > 0 || o.ndisks_rm > 0;
	if (!cmd_node_opts_any(&o) && !csize && !ready && !user_data && !host && !on_stop && !stop_grace &&
	    !hw && !console)
		return cli_fail("nothing to change: give --ram, --cpus, --nics, --accel, --console-size, --ready, "
		    "--cloud-init, --ci-user, --user-data, --host, --on-stop, --stop-grace, --console, --disk, "
		    "--disk-rm or a machine option "
		    "(see: sandlab node set --help)");
	if (console && contype_check(console, &e) != 0)
		return cli_fail("--console: %s", e.msg);
	if (node_stop_opts(on_stop, stop_grace, &grace) != 0)
		return 1;
	if (csize && consize_parse(csize, &ccols, &crows, &e) != 0)
		return cli_fail("--console-size: %s", e.msg);
	if (ready && node_check_ready(ready, &e) != 0)
		return cli_fail("--ready: %s", e.msg);
	if (cmd_node_opts_check(&o) != 0)
		return 1;
	ch.ram_mb = o.ram_mb;
	ch.cpus = o.ncpus;
	ch.nics = o.nnics;
	ch.accel = o.accel;
	ch.host = host;
	memcpy(ch.hw, o.hw, sizeof ch.hw);
	if (node_ci_opts(&o, user_data, &cich, &ud) != 0)
		return 1;
	rc = 1;
	if ((lab = cli_lab(c)) == NULL)
		goto out;
	if (ch.hw[HW_CPU_MODEL] && hw_check(HW_CPU_MODEL, ch.hw[HW_CPU_MODEL], &e) == 0) {
		if (node_get(lab, pos[0], &n, &e) != 0) {
			rc = cli_fail("%s", e.msg);
			goto out;
		}
		rc = qemuprobe_check_cpu(lab, ch.hw[HW_CPU_MODEL], ch.hw[HW_ARCH] ? ch.hw[HW_ARCH] :
		    n.hw.v[HW_ARCH], &e);
		node_clear(&n);
		if (rc != 0) {
			rc = cli_fail("%s", e.msg);
			goto out;
		}
		rc = 1;
	}
	/* The console size is no hardware: it changes while the node runs;
	 * cloud-init settings are read at each start, so they may too. */
	if (((o.ram || o.cpus || o.nics || o.accel || hw || host) && node_set(lab, pos[0], &ch, &e) != 0) ||
	    (csize && consize_set(lab, pos[0], ccols, crows, &e) != 0) ||
	    (ready && node_ready_set(lab, pos[0], ready, &e) != 0)) {
		rc = cli_fail("%s", e.msg);
		goto out;
	}
	if (hw && !c->json && node_get(lab, pos[0], &n, &e) == 0) {
		if (node_hw_pending(lab, &n))
			printf("%s is running: its new machine and disks take effect when it restarts "
			    "(sandlab node restart %s)\n", n.name, n.name);
		node_clear(&n);
	}
	if (cloudinit_changes_any(&cich) || on_stop || stop_grace || console) {
		if (node_get(lab, pos[0], &n, &e) != 0) {
			rc = cli_fail("%s", e.msg);
			goto out;
		}
		/* the stop method is read at each stop: it changes while the
		 * node runs */
		rc = cloudinit_changes_any(&cich) ? cloudinit_set(lab, n.id, &cich, &e) : 0;
		if (rc == 0 && (on_stop || stop_grace))
			rc = stopmode_set(lab, n.id, on_stop, grace, &e);
		/* where the user is sent, read at each console: any time */
		if (rc == 0 && console)
			rc = contype_set(lab, n.id, console, &e);
		node_clear(&n);
		if (rc != 0) {
			rc = cli_fail("%s", e.msg);
			goto out;
		}
	}
	rc = node_print_json(c, lab, pos[0]);
out:
	free(ud);
	return rc;
}

int
cmd_node_cdrom(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node cdrom NAME [IMAGE] [--eject]";
	int eject = 0;
	struct cli_opt opts[] = { { "--eject", NULL, &eject }, { 0 } };
	struct node_changes ch = { .nics = -1 };
	char was[64];
	struct lab *lab;
	struct node n;
	struct err e;
	char *pos[2];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, opts, pos, 1, 2, &npos, usage, &rc)) == NULL)
		return rc;
	if ((npos == 2) == eject)
		return cli_fail("give an image of kind iso, or --eject (not both)");
	ch.hw[HW_CDROM] = eject ? "none" : pos[1];
	if (node_get(lab, pos[0], &n, &e) != 0)
		return cli_fail("%s", e.msg);
	snprintf(was, sizeof was, "%s", n.hw.v[HW_CDROM][0] ? n.hw.v[HW_CDROM] : "none");
	node_clear(&n);
	/* the row first: it is what the keeper puts into the drive */
	if (node_set(lab, pos[0], &ch, &e) != 0 || node_get(lab, pos[0], &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (!runstate_live(lab, n.id)) {
		if (!c->json)
			printf("%s is stopped: it starts with %s%s\n", n.name, eject ? "an empty CD-ROM drive" :
			    n.hw.v[HW_CDROM], eject ? "" : " in its CD-ROM drive");
	} else if (run_cdrom(lab, n.id, cmd_run_step, &c->json, &e) != 0) {
		/* the drive kept its medium: so does the row */
		struct err ignored;
		ch.hw[HW_CDROM] = was;
		node_set(lab, n.id, &ch, &ignored);
		node_clear(&n);
		return cli_fail("%s", e.msg);
	} else if (!c->json)
		printf(eject ? "ejected the CD-ROM of %s%s\n" : "%s: the CD-ROM drive now holds %s\n", n.name,
		    eject ? "" : n.hw.v[HW_CDROM]);
	node_clear(&n);
	return node_print_json(c, lab, pos[0]);
}

int
cmd_node_rename(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node rename NAME NEW-NAME";
	struct lab *lab;
	struct err e;
	char *pos[2];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 2, 2, &npos, usage, &rc)) == NULL)
		return rc;
	if (node_rename(lab, pos[0], pos[1], &e) != 0)
		return cli_fail("%s", e.msg);
	return node_print_json(c, lab, pos[1]);
}

int
cmd_node_reset(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node reset NAME";
	struct lab *lab;
	struct err e;
	char *pos[1];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (node_reset(lab, pos[0], &e) != 0)
		return cli_fail("%s", e.msg);
	return node_print_json(c, lab, pos[0]);
}

/* node rm --force: a node on a host that does not answer goes from the
 * lab anyway, its volumes left there (cli_rm_each's callback has no
 * argument for it). */
static int node_rm_force;
static int node_rm_json;

/* 1 when the node has a run record: a start was tried, so its host may
 * hold volumes of it (a failed start removes what it made, but a start
 * that got as far as the host leaves its disk for the next). */
static int
node_rm_ran(struct lab *lab, const char *id)
{
	struct run_row r;
	struct err e;

	return runrow_get(lab->db, id, &r, &e) != 0 || r.present;
}

/* A node on another host: its disk and other volumes there go first, so
 * nothing is left behind unseen; a host that does not answer refuses the
 * rm, unless --force, which says what stays there. */
static int
node_rm_one(struct lab *lab, const char *key, struct err *e)
{
	struct node n;
	struct host h;
	struct err he;
	char *dom, *prefix, *removed = NULL;
	int rc = -1;

	if (node_get(lab, key, &n, e) != 0)
		return -1;
	if (node_is_local(&n)) {
		node_clear(&n);
		return node_rm(lab, key, e);
	}
	memset(&h, 0, sizeof h);
	dom = domxml_name(lab->root, n.name, n.id);
	prefix = xasprintf("%s.", dom);
	if (runstate_live(lab, n.id) || !node_rm_ran(lab, n.id))
		/* running: refused, with node rm's own words; never started:
		 * nothing of it was ever made on the host */
		rc = node_rm(lab, key, e);
	else if (host_get(lab, n.host, &h, e) != 0)
		;
	else if (remote_vols_rm(h.uri, RDOM_POOL, prefix, REMOTE_RM_MS, &removed, &he) == 0) {
		if ((rc = node_rm(lab, key, e)) == 0 && removed[0] && !node_rm_json)
			printf("removed %s's volumes on host %s: %s\n", n.name, h.name, removed);
	} else if (!node_rm_force)
		err_set(e, "cannot remove %s: host %s did not answer (%s), and its volumes there "
		    "(%s*) would be left behind; node rm --force removes it from the lab anyway",
		    n.name, h.name, he.msg, prefix);
	else if ((rc = node_rm(lab, key, e)) == 0 && !node_rm_json)
		printf("removed %s from the lab; left on host %s, which did not answer: the volumes "
		    "%s* in its pool %s\n", n.name, h.name, prefix, RDOM_POOL);
	free(removed);
	free(prefix);
	free(dom);
	host_clear(&h);
	node_clear(&n);
	return rc;
}

int
cmd_node_rm(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node rm NAME... [--force]";
	const struct cli_opt opts[] = { { "--force", NULL, &node_rm_force }, { NULL, NULL, NULL } };
	struct lab *lab;
	char *pos[256];
	int npos, rc = 0;

	if ((lab = cli_start(c, argc, argv, opts, pos, 1, 256, &npos, usage, &rc)) == NULL)
		return rc;
	node_rm_json = c->json;
	return cli_rm_each(c, lab, pos, npos, node_rm_one, NULL);
}
