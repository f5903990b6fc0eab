/*
 * cmd-net.c: `sandlab nic ls|set|forward|unforward` and `sandlab link
 * add|ls|rm|set`. Output only; the work is net.c's and link.c's. Each
 * change says whether it reached a running node: a NIC change waits for a
 * restart; a link change reaches running wires at once (wire.h).
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "link.h"
#include "net.h"
#include "node.h"
#include "qemuprobe.h"
#include "run.h"
#include "shape.h"
#include "wire.h"

/* Informative lines: stdout, or stderr when stdout carries JSON. */
static FILE *
cmd_net_out(const struct cli *c)
{
	return c->json ? stderr : stdout;
}

/* "takes effect when r1 restarts" for the running nodes a change touched. */
static void
cmd_net_effect(const struct cli *c, const char *what, const struct net_note *note)
{
	char text[512];

	net_note_text(note, text, sizeof text);
	fprintf(cmd_net_out(c), "%s; %s\n", what, text);
}

static json_t *
cmd_net_nic_json(const struct nic *c, int pending)
{
	json_t *fw = json_array(), *o;

	for (int j = 0; j < c->nfwds; j++)
		json_array_append_new(fw, json_pack("{s:s, s:i, s:i}", "proto", c->fwds[j].proto,
		    "host_port", c->fwds[j].host_port, "guest_port", c->fwds[j].guest_port));
	o = json_pack("{s:i, s:s, s:s, s:s, s:o, s:b}", "index", c->idx, "model", c->model,
	    "mac", c->mac, "attach", c->attach, "forwards", fw, "pending_restart", pending);
	json_object_set_new(o, "name", json_sprintf("eth%d", c->idx));
	json_object_set_new(o, "port", c->port[0] ? json_string(c->port) : json_null());
	if (c->link_id[0])
		json_object_set_new(o, "link", json_pack("{s:s, s:s, s:i, s:i, s:i, s:s, s:s}", "id",
		    c->link_id, "peer", c->peer_name, "peer_index", c->peer_idx, "local_port",
		    c->local_port, "remote_port", c->remote_port, "peer_host", c->peer_host,
		    "peer_placed", c->peer_on[0] ? c->peer_on : HOST_LOCAL));
	else
		json_object_set_new(o, "link", json_null());
	return o;
}

/* What a NIC attaches to, for a table cell: "r2:eth0 (udp 40000>40001)",
 * "tcp:2222:22 udp:5353:53", "-". */
static void
cmd_net_to(const struct nic *c, char *buf, size_t len)
{
	size_t used = 0;
	char f[32];

	buf[0] = '\0';
	/* The peer's address when it is not this machine's default. */
	if (strcmp(c->attach, "link") == 0 && (c->peer_on[0] || strcmp(c->peer_host, QEMU_LINK_HOST))) {
		char peer[96];
		if (c->peer_port[0])
			snprintf(peer, sizeof peer, "%s:%s", c->peer_name, c->peer_port);
		else
			snprintf(peer, sizeof peer, "%s:eth%d", c->peer_name, c->peer_idx);
		snprintf(buf, len, "%s (udp %d>%s:%d%s%s)", peer, c->local_port,
		    c->peer_host[0] ? c->peer_host : "no address", c->remote_port,
		    c->peer_on[0] ? " on host " : "", c->peer_on);
	} else if (strcmp(c->attach, "link") == 0 && c->peer_port[0])
		snprintf(buf, len, "%s:%s (udp %d>%d)", c->peer_name, c->peer_port, c->local_port,
		    c->remote_port);
	else if (strcmp(c->attach, "link") == 0)
		snprintf(buf, len, "%s:eth%d (udp %d>%d)", c->peer_name, c->peer_idx, c->local_port,
		    c->remote_port);
	else if (strcmp(c->attach, "user") == 0 && c->nfwds == 0)
		snprintf(buf, len, "NAT, no forwards");
	else
		for (int j = 0; j < c->nfwds && used + 1 < len; j++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", j ? " " : "",
			    net_fwd_format(&c->fwds[j], f, sizeof f));
	if (buf[0] == '\0')
		snprintf(buf, len, "-");
}

json_t *
cmd_net_nics_json(struct lab *lab, const char *node_id)
{
	struct nic *v;
	struct err e;
	json_t *a = json_array();
	unsigned pend;
	int n;

	if (net_nics_get(lab, node_id, &v, &n, &e) != 0)
		return a;
	pend = net_pending_node(lab, node_id, v, n);
	for (int i = 0; i < n; i++)
		json_array_append_new(a, cmd_net_nic_json(&v[i], !!(pend & (1u << v[i].idx))));
	nic_list_free(v, n);
	return a;
}

int
cmd_net_nics_print(struct lab *lab, const char *node_id, const char *name, const char *indent)
{
	struct nic *v;
	struct err e;
	unsigned pend;
	int n;

	if (net_nics_get(lab, node_id, &v, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	pend = net_pending_node(lab, node_id, v, n);
	/* a PORT column only for a node whose NICs have port names (portname.h) */
	int pw = 0;
	for (int i = 0; i < n; i++)
		if (v[i].port[0] && (int)strlen(v[i].port) + 1 > pw)
			pw = (int)strlen(v[i].port) + 1 > 5 ? (int)strlen(v[i].port) + 1 : 5;
	printf("%s%-5s %-*s%-15s %-17s %-6s %-*s%s\n", indent, "NIC", pw, pw ? "PORT" : "", "MODEL", "MAC",
	    "ATTACH", pend ? 31 : 0, "TO", pend ? "PENDING" : "");
	for (int i = 0; i < n; i++) {
		char to[256];
		cmd_net_to(&v[i], to, sizeof to);
		printf("%seth%-2d %-*s%-15s %-17s %-6s %-*s%s\n", indent, v[i].idx, pw,
		    v[i].port[0] ? v[i].port : pw ? "-" : "", v[i].model, v[i].mac,
		    v[i].attach, pend ? 31 : 0, to, pend & (1u << v[i].idx) ? "restart" : "");
	}
	if (n == 0)
		printf("%s(no NICs: give it some with sandlab node set %s --nics N)\n", indent, name);
	for (int i = n; i <= NET_NIC_IDX_MAX; i++)
		if (pend & (1u << i))
			printf("%seth%-2d %-72s%s\n", indent, i, "(removed; QEMU still has it)", "restart");
	if (pend)
		printf("%s%s is running with an older set-up of the NICs marked restart; it takes "
		    "effect when %s restarts (sandlab node restart %s)\n", indent, name, name, name);
	nic_list_free(v, n);
	return 0;
}

int
cmd_nic_ls(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "nic ls NODE [--json]";
	struct lab *lab;
	struct node n;
	struct err e;
	char *pos[1];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (node_get(lab, pos[0], &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json)
		rc = cli_json_out(cmd_net_nics_json(lab, n.id));
	else
		rc = cmd_net_nics_print(lab, n.id, n.name, "");
	node_clear(&n);
	return rc;
}

/* With --json, the NICs of the node in ref as they now are. */
static int
cmd_net_print_node(struct cli *c, struct lab *lab, const char *node)
{
	struct node n;
	struct err e;

	if (!c->json)
		return 0;
	if (node_get(lab, node, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	cli_json_out(cmd_net_nics_json(lab, n.id));
	node_clear(&n);
	return 0;
}

/* 0 when model is a NIC this node's QEMU (by its arch) offers. */
static int
cmd_nic_model_ok(struct lab *lab, const char *node, const char *model, struct err *e)
{
	struct node n;
	int rc;

	if (node_get(lab, node, &n, e) != 0)
		return -1;
	rc = qemuprobe_check_nic(lab, model, n.hw.v[HW_ARCH], "--model", e);
	node_clear(&n);
	return rc;
}

int
cmd_nic_set(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "nic set NODE:ethN [--model MODEL] [--mac MAC] "
	    "[--attach none|user]";
	struct net_change ch = { 0 };
	struct cli_opt opts[] = {
		{ "--model", &ch.model, NULL }, { "--mac", &ch.mac, NULL }, { "--attach", &ch.attach, NULL },
		{ 0 },
	};
	struct net_note note = { 0 };
	struct lab *lab;
	struct err e;
	char *pos[1], node[96], *what;
	int npos, rc, idx;

	if ((lab = cli_start(c, argc, argv, opts, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (!ch.model && !ch.mac && !ch.attach)
		return cli_fail("nothing to change: give --model, --mac or --attach");
	if (net_ref_parse(pos[0], node, sizeof node, &idx, &e) != 0 ||
	    (ch.model && cmd_nic_model_ok(lab, node, ch.model, &e) != 0) ||
	    net_nic_set(lab, node, idx, &ch, &note, &e) != 0)
		return cli_fail("%s", e.msg);
	what = xasprintf("%s:eth%d:%s%s%s%s%s%s", node, idx, ch.model ? " model " : "",
	    ch.model ? ch.model : "", ch.mac ? " mac " : "", ch.mac ? ch.mac : "",
	    ch.attach ? " attach " : "", ch.attach ? ch.attach : "");
	cmd_net_effect(c, what, &note);
	free(what);
	return cmd_net_print_node(c, lab, node);
}

/* nic forward / unforward: NODE:ethN PROTO:HOST[:GUEST]. */
static int
cmd_nic_fwd(struct cli *c, int argc, char **argv, int add)
{
	const char *usage = add ? "nic forward NODE:ethN tcp|udp:HOSTPORT:GUESTPORT [--allow-privileged-port]" :
	    "nic unforward NODE:ethN tcp|udp:HOSTPORT[:GUESTPORT]";
	struct net_note note = { 0 };
	struct nic_fwd f;
	struct lab *lab;
	struct err e;
	char *pos[2], node[96], *what;
	int npos, rc, idx, priv = 0;
	struct cli_opt opts[] = { { "--allow-privileged-port", NULL, &priv }, { 0 } };

	if ((lab = cli_start(c, argc, argv, add ? opts : NULL, pos, 2, 2, &npos, usage, &rc)) == NULL)
		return rc;
	/* With the option, the checks wait for net_forward_add, which sees it. */
	if (net_ref_parse(pos[0], node, sizeof node, &idx, &e) != 0 ||
	    net_fwd_parse(pos[1], add && !priv, &f, &e) != 0)
		return cli_fail("%s", e.msg);
	if ((add ? (priv ? net_forward_add_privileged : net_forward_add)(lab, node, idx, &f, &note, &e) :
	    net_forward_rm(lab, node, idx, &f, &note, &e)) != 0)
		return cli_fail("%s", e.msg);
	if (add)
		what = xasprintf("%s:eth%d: %s %s:%d now forwards to guest port %d", node, idx, f.proto,
		    QEMU_LINK_HOST, f.host_port, f.guest_port);
	else
		what = xasprintf("%s:eth%d: %s host port %d no longer forwarded", node, idx, f.proto,
		    f.host_port);
	cmd_net_effect(c, what, &note);
	free(what);
	if (add && !net_port_free(f.proto, f.host_port))
		fprintf(cmd_net_out(c), "note: %s %s:%d is in use by another program now; %s will "
		    "not start until it is free\n", f.proto, QEMU_LINK_HOST, f.host_port, node);
	return cmd_net_print_node(c, lab, node);
}

int
cmd_nic_forward(struct cli *c, int argc, char **argv)
{
	return cmd_nic_fwd(c, argc, argv, 1);
}

int
cmd_nic_unforward(struct cli *c, int argc, char **argv)
{
	return cmd_nic_fwd(c, argc, argv, 0);
}

/* A link (item) as link --json gives it, with its ends' states in lab
 * (arg). */
static json_t *
cmd_link_json(const void *item, void *arg)
{
	const struct link *l = item;
	struct lab *lab = arg;

	/* "host" is the address an end listens on; "placed" the host its
	 * node runs on (local: this machine). */
	return json_pack("{s:s, s:b, s:{s:s, s:i, s:i, s:s, s:s, s:s, s:s}, s:{s:s, s:i, s:i, s:s, "
	    "s:s, s:s, s:s}}", "id", l->id, "up", l->up,
	    "a", "node", l->a.name, "nic", l->a.idx, "port", l->a.port, "host", l->a.host,
	    "shape", l->a.shape, "state", link_end_state(lab, &l->a),
	    "placed", l->a.on_host[0] ? l->a.on_host : HOST_LOCAL,
	    "b", "node", l->b.name, "nic", l->b.idx, "port", l->b.port, "host", l->b.host,
	    "shape", l->b.shape, "state", link_end_state(lab, &l->b),
	    "placed", l->b.on_host[0] ? l->b.on_host : HOST_LOCAL);
}

/* A link change, then its running ends told: "in effect now", or when
 * it will be. 0, or 1 when a running keeper did not take it. */
static int
cmd_link_effect(const struct cli *c, struct lab *lab, const char *what, const struct link *l)
{
	char text[600];

	if (wire_apply(lab, l, text, sizeof text) != 0) {
		fprintf(cmd_net_out(c), "%s\n", what);
		return cli_fail("%s", text);
	}
	fprintf(cmd_net_out(c), "%s; %s\n", what, text);
	return 0;
}

int
cmd_link_add(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "link add NODE:ethN NODE:ethN";
	struct net_note note = { 0 };
	struct link l;
	struct lab *lab;
	struct err e;
	char *pos[2], a[96], b[96], *what;
	int npos, rc, ai, bi;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 2, 2, &npos, usage, &rc)) == NULL)
		return rc;
	if (net_ref_resolve(lab, pos[0], a, sizeof a, &ai, &e) != 0 ||
	    net_ref_resolve(lab, pos[1], b, sizeof b, &bi, &e) != 0 ||
	    link_add(lab, a, ai, b, bi, &l, &note, &e) != 0)
		return cli_fail("%s", e.msg);
	what = xasprintf("linked %s:eth%d - %s:eth%d (udp %s:%d <-> %s:%d)", l.a.name, l.a.idx,
	    l.b.name, l.b.idx, l.a.host[0] ? l.a.host : "?", l.a.port, l.b.host[0] ? l.b.host : "?",
	    l.b.port);
	/* An end on a host that has no address yet cannot start: say so now. */
	for (int k = 0; k < 2; k++) {
		const struct link_end *end = k ? &l.b : &l.a;
		char *t;
		if (end->on_host[0] == '\0' || end->on_addr[0] != '\0')
			continue;
		t = xasprintf("%s; %s:eth%d is on host %s, which has no address for links (sandlab host "
		    "set %s --address IP)", what, end->name, end->idx, end->on_host, end->on_host);
		free(what);
		what = t;
	}
	rc = cmd_link_effect(c, lab, what, &l);
	free(what);
	if (c->json)
		cli_json_out(cmd_link_json(&l, lab));
	return rc;
}

int
cmd_link_rm(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "link rm NODE:ethN|LINK-ID";
	struct net_note note = { 0 };
	struct link l;
	struct lab *lab;
	struct err e;
	char *pos[1], *what;
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (link_rm(lab, pos[0], &l, &note, &e) != 0)
		return cli_fail("%s", e.msg);
	what = xasprintf("removed the link %s:eth%d - %s:eth%d", l.a.name, l.a.idx, l.b.name, l.b.idx);
	rc = cmd_link_effect(c, lab, what, &l);
	free(what);
	if (c->json)
		cli_json_out(json_pack("{s:s, s:s}", "removed", l.id, "state", "removed"));
	return rc;
}

int
cmd_link_ls(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "link ls [--json]";
	struct link *v;
	struct lab *lab;
	struct err e;
	char *pos[1];
	size_t n;
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 0, 0, &npos, usage, &rc)) == NULL)
		return rc;
	if (link_list(lab, &v, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json) {
		rc = cli_json_list(v, n, sizeof *v, cmd_link_json, lab);
		free(v);
		return rc;
	}
	printf("%-8s  %-24s %-24s %-11s %-5s %-20s %-20s %s\n", "ID", "A", "B", "UDP PORTS", "LINK",
	    "A>B", "B>A", "STATE (A, B)");
	for (size_t i = 0; i < n; i++) {
		char a[96], b[96];
		snprintf(a, sizeof a, "%s:eth%d", v[i].a.name, v[i].a.idx);
		snprintf(b, sizeof b, "%s:eth%d", v[i].b.name, v[i].b.idx);
		printf("%.8s  %-24s %-24s %5d-%-5d %-5s %-20s %-20s %s, %s\n", v[i].id, a, b, v[i].a.port,
		    v[i].b.port, v[i].up ? "up" : "down", v[i].a.shape[0] ? v[i].a.shape : "-",
		    v[i].b.shape[0] ? v[i].b.shape : "-", link_end_state(lab, &v[i].a),
		    link_end_state(lab, &v[i].b));
		/* An end somewhere else than 127.0.0.1, or on another host, says where. */
		for (int k = 0; k < 2; k++) {
			const struct link_end *end = k ? &v[i].b : &v[i].a;
			char at[LINK_HOST_LEN + 16];
			int off = link_end_addr(end, at, sizeof at);
			if (end->on_host[0] != '\0' && end->on_addr[0] == '\0')
				printf("%.8s  %s:eth%d is on host %s, which has no address for links "
				    "(sandlab host set %s --address IP)\n", v[i].id, end->name, end->idx,
				    end->on_host, end->on_host);
			else if (end->on_host[0] != '\0')
				printf("%.8s  %s:eth%d runs on host %s (%s); its wire is here, on %s\n", v[i].id,
				    end->name, end->idx, end->on_host, end->on_addr, at);
			else if (off)
				printf("%.8s  %s:eth%d listens on %s\n", v[i].id, end->name, end->idx, at);
		}
	}
	if (n == 0)
		printf("(no links: add one with sandlab link add NODE:ethN NODE:ethN)\n");
	else
		printf("(A>B: impairments of frames A sends; state: up = running with this link; "
		    "restart = running without it until a restart; stopped)\n");
	free(v);
	return 0;
}

int
cmd_link_set(struct cli *c, int argc, char **argv)
{
	static const char usage[] = CMD_LINK_SET_USAGE;
	const char *val[SHAPE_NFIELDS] = { 0 }, *address = NULL, *port = NULL;
	int up = 0, down = 0, clear = 0, out = 0, in = 0, remote = 0;
	struct cli_opt opts[] = {
		{ "--up", NULL, &up }, { "--down", NULL, &down }, { "--clear", NULL, &clear },
		{ "--address", &address, NULL }, { "--allow-remote", NULL, &remote },
		{ "--port", &port, NULL }, { "--out", NULL, &out }, { "--in", NULL, &in },
		{ "--delay", &val[SHAPE_DELAY], NULL }, { "--jitter", &val[SHAPE_JITTER], NULL },
		{ "--loss", &val[SHAPE_LOSS], NULL }, { "--rate", &val[SHAPE_RATE], NULL },
		{ "--duplicate", &val[SHAPE_DUPLICATE], NULL }, { "--corrupt", &val[SHAPE_CORRUPT], NULL },
		{ 0 },
	};
	struct link_change ch = { .up = -1 };
	struct link l;
	struct lab *lab;
	struct err e;
	char *pos[1], *what;
	int npos, rc, any = 0;

	if ((lab = cli_start(c, argc, argv, opts, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (up && down)
		return cli_fail("--up and --down contradict each other; give one");
	for (int f = 0; f < SHAPE_NFIELDS; f++) {
		long v;
		ch.v[f] = -1;
		if (val[f] == NULL)
			continue;
		if (parse_int(val[f], 0, 1L << 30, &v) != 0)
			return cli_fail("--%s needs a whole number, not \"%.20s\"", shape_field_name(f),
			    val[f]);
		if (shape_check(f, v, &e) != 0)
			return cli_fail("%s", e.msg);
		ch.v[f] = v;
		any = 1;
	}
	if (remote && address == NULL)
		return cli_fail("--allow-remote goes with --address");
	if (port != NULL) {
		long v;
		if (parse_int(port, 1024, 65535, &v) != 0)
			return cli_fail("--port needs a UDP port from 1024 to 65535, not \"%.20s\"", port);
		ch.port = (int)v;
	}
	if (!up && !down && !clear && !any && address == NULL && port == NULL)
		return cli_fail("nothing to change: give --up, --down, --clear, --address, --port or an "
		    "impairment (--delay, --jitter, --loss, --rate, --duplicate, --corrupt)");
	ch.address = address;
	ch.allow_remote = remote;
	ch.up = up ? 1 : down ? 0 : -1;
	ch.clear = clear;
	/* Neither direction named: both. */
	ch.out = out || !in;
	ch.in = in || !out;
	if (link_set(lab, pos[0], &ch, &l, &e) != 0)
		return cli_fail("%s", e.msg);
	what = xasprintf("link %s:eth%d - %s:eth%d: %s; %s>%s %s; %s>%s %s", l.a.name, l.a.idx,
	    l.b.name, l.b.idx, l.up ? "up" : "down", l.a.name, l.b.name, l.a.shape[0] ? l.a.shape : "-",
	    l.b.name, l.a.name, l.b.shape[0] ? l.b.shape : "-");
	if (address != NULL || port != NULL) {
		/* The end that moved: the one named (by node name or id), or a
		 * when a link id named it, as link_set decides. */
		char node[96];
		int idx, named_b = strchr(pos[0], ':') != NULL &&
		    net_ref_parse(pos[0], node, sizeof node, &idx, &e) == 0 && idx == l.b.idx &&
		    (strcmp(node, l.b.name) == 0 || strcmp(node, l.b.id) == 0);
		const struct link_end *end = named_b ? &l.b : &l.a;
		char *t = xasprintf("%s; %s:eth%d listens on %s%s%s:%d", what, end->name, end->idx,
		    strchr(end->host, ':') ? "[" : "", end->host, strchr(end->host, ':') ? "]" : "",
		    end->port);
		free(what);
		what = t;
	}
	rc = cmd_link_effect(c, lab, what, &l);
	free(what);
	if (c->json)
		cli_json_out(cmd_link_json(&l, lab));
	return rc;
}
