/*
 * link.c: rows of the `links` table: adding (with its two UDP ports),
 * removing and listing links. The database's triggers (db.c) stand
 * behind the checks here; the checks exist to say what is wrong in words.
 */
#include "link.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "nic.h"
#include "node.h"
#include "runstate.h"
#include "sanitize.h"
#include "shape.h"

#define LINK_PORTS (NET_LINK_PORT_MAX - NET_LINK_PORT_MIN + 1)

int
link_ports_pick(struct lab *lab, const int *avoid, int navoid, int n, int *out, const char *purpose,
    struct err *e)
{
	const char *env = getenv("SANDLAB_LINK_PORTS");
	int lo = NET_LINK_PORT_MIN, hi = NET_LINK_PORT_MAX;
	sqlite3_stmt *st;
	char *used;
	int rc, got = 0;

	/* A port is picked here but bound only when its node starts, so two
	 * labs picking at once could both take one that is free now; labs
	 * given ranges of their own (SANDLAB_LINK_PORTS) cannot. */
	if (env != NULL && *env != '\0' && net_link_range_parse(env, &lo, &hi, e) != 0)
		return -1;
	if (n < 1 || n > 64)
		return err_set(e, "cannot pick %d link ports at once", n);
	st = db_prepare(lab->db, "SELECT a_port FROM links UNION ALL SELECT b_port FROM links", e);
	if (st == NULL)
		return -1;
	used = xcalloc(LINK_PORTS, 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int p = sqlite3_column_int(st, 0);
		if (p >= NET_LINK_PORT_MIN && p <= NET_LINK_PORT_MAX)
			used[p - NET_LINK_PORT_MIN] = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(used);
		return db_fail(lab->db, e, "reading link ports");
	}
	for (int i = 0; i < navoid; i++)
		if (avoid[i] >= NET_LINK_PORT_MIN && avoid[i] <= NET_LINK_PORT_MAX)
			used[avoid[i] - NET_LINK_PORT_MIN] = 1;
	for (int i = lo - NET_LINK_PORT_MIN; i <= hi - NET_LINK_PORT_MIN && got < n; i++)
		if (!used[i] && net_port_free("udp", NET_LINK_PORT_MIN + i))
			out[got++] = NET_LINK_PORT_MIN + i;
	free(used);
	if (got < n) {
		char count[16];
		snprintf(count, sizeof count, "%d", n);
		return err_set(e, "no %s free UDP ports left in %d-%d for %s", n == 2 ? "two" : count, lo,
		    hi, purpose);
	}
	return 0;
}

int
link_insert(struct lab *lab, const char *a_id, int a_idx, const char *b_id, int b_idx,
    const int *avoid, int navoid, struct link *out, struct err *e)
{
	struct link l;

	memset(&l, 0, sizeof l);
	int ports[2];

	node_new_id(l.id);
	if (link_ports_pick(lab, avoid, navoid, 2, ports, "a link", e) != 0)
		return -1;
	l.a.port = ports[0];
	l.b.port = ports[1];
	if (db_run(lab->db, "adding the link", e, "INSERT INTO links (id, a_node, a_idx, a_port, "
	    "b_node, b_idx, b_port) VALUES (?, ?, ?, ?, ?, ?, ?)", "ttiitii", l.id, a_id, a_idx,
	    l.a.port, b_id, b_idx, l.b.port) != 0 ||
	    nic_update(lab, a_id, a_idx, NULL, NULL, "link", e) != 0 ||
	    nic_update(lab, b_id, b_idx, NULL, NULL, "link", e) != 0)
		return -1;
	snprintf(l.a.id, sizeof l.a.id, "%s", a_id);
	snprintf(l.b.id, sizeof l.b.id, "%s", b_id);
	l.a.idx = a_idx;
	l.b.idx = b_idx;
	l.up = 1;
	snprintf(l.a.host, sizeof l.a.host, "%s", QEMU_LINK_HOST);
	snprintf(l.b.host, sizeof l.b.host, "%s", QEMU_LINK_HOST);
	if (out != NULL)
		*out = l;
	return 0;
}

/* Why this NIC cannot take a link, or 0. */
static int
link_end_ok(const char *name, const struct nic *c, struct err *e)
{
	if (strcmp(c->attach, "link") == 0)
		return err_set(e, "%s:eth%d is already linked to %s:eth%d; a NIC takes one link "
		    "(remove that one first: sandlab link rm %s:eth%d)", name, c->idx, c->peer_name,
		    c->peer_idx, name, c->idx);
	if (strcmp(c->attach, "user") == 0)
		return err_set(e, "%s:eth%d uses user-mode NAT; detach it first: sandlab nic set "
		    "%s:eth%d --attach none", name, c->idx, name, c->idx);
	return 0;
}

int
link_add(struct lab *lab, const char *a_key, int a_idx, const char *b_key, int b_idx,
    struct link *out, struct net_note *note, struct err *e)
{
	struct nic *av = NULL, *bv = NULL;
	char a_id[37], b_id[37], a_name[64], b_name[64], *detail;
	int an = 0, bn = 0;
	struct link l;

	if (db_begin(lab->db, e) != 0)
		return -1;
	if (net_node_nic(lab, a_key, a_idx, a_id, a_name, sizeof a_name, &av, &an, e) != 0 ||
	    net_node_nic(lab, b_key, b_idx, b_id, b_name, sizeof b_name, &bv, &bn, e) != 0)
		goto fail;
	if (strcmp(a_id, b_id) == 0) {
		err_set(e, "a link joins two different nodes; %s:eth%d and %s:eth%d are both on %s",
		    a_name, a_idx, b_name, b_idx, a_name);
		goto fail;
	}
	if (link_end_ok(a_name, &av[a_idx], e) != 0 || link_end_ok(b_name, &bv[b_idx], e) != 0 ||
	    link_insert(lab, a_id, a_idx, b_id, b_idx, NULL, 0, &l, e) != 0)
		goto fail;
	snprintf(l.a.name, sizeof l.a.name, "%s", a_name);
	snprintf(l.b.name, sizeof l.b.name, "%s", b_name);
	detail = xasprintf("%s:eth%d - %s:eth%d (udp %d, %d)", a_name, a_idx, b_name, b_idx,
	    l.a.port, l.b.port);
	db_event(lab->db, a_id, "link", detail);
	db_event(lab->db, b_id, "link", detail);
	free(detail);
	net_note_add(lab, note, a_id, a_name);
	net_note_add(lab, note, b_id, b_name);
	nic_list_free(av, an);
	nic_list_free(bv, bn);
	/* Read back: where the ends' nodes are placed. */
	if (link_of_nic(lab, a_id, a_idx, &l, e) != 1) {
		db_rollback(lab->db);
		return -1;
	}
	if (db_commit(lab->db, e) != 0)
		return -1;
	if (out != NULL)
		*out = l;
	return 0;
fail:
	nic_list_free(av, an);
	nic_list_free(bv, bn);
	db_rollback(lab->db);
	return -1;
}

/* The address of the host an end's node is placed on, '' when none. */
#define LINK_ON_ADDR(node) \
	"coalesce((SELECT address FROM hosts h WHERE h.name = " node ".host), '')"
#define LINK_COLS "l.id, l.a_node, a.name, l.a_idx, l.a_port, l.a_host" \
	", l.a_shape, l.b_node, b.name, l.b_idx, l.b_port, l.b_host" \
	", l.b_shape, l.up, l.a_port_set, l.b_port_set, coalesce(ac.port, ''), coalesce(bc.port, ''), " \
	"coalesce(a.host, ''), coalesce(b.host, ''), " LINK_ON_ADDR("a") ", " LINK_ON_ADDR("b") " " \
	"FROM links l JOIN nodes a ON a.id = l.a_node JOIN nodes b ON b.id = l.b_node " \
	"LEFT JOIN nics ac ON ac.node_id = l.a_node AND ac.idx = l.a_idx " \
	"LEFT JOIN nics bc ON bc.node_id = l.b_node AND bc.idx = l.b_idx "

static void
link_col(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

static void
link_from_row(sqlite3_stmt *st, struct link *l)
{
	struct link_end *end[2] = { &l->a, &l->b };

	memset(l, 0, sizeof *l);
	link_col(l->id, sizeof l->id, st, 0);
	for (int i = 0; i < 2; i++) {
		link_col(end[i]->id, sizeof end[i]->id, st, 1 + 6 * i);
		link_col(end[i]->name, sizeof end[i]->name, st, 2 + 6 * i);
		end[i]->idx = sqlite3_column_int(st, 3 + 6 * i);
		end[i]->port = sqlite3_column_int(st, 4 + 6 * i);
		link_col(end[i]->host, sizeof end[i]->host, st, 5 + 6 * i);
		link_col(end[i]->shape, sizeof end[i]->shape, st, 6 + 6 * i);
		end[i]->port_set = sqlite3_column_int(st, 14 + i);
		link_col(end[i]->pname, sizeof end[i]->pname, st, 16 + i);
		link_col(end[i]->on_host, sizeof end[i]->on_host, st, 18 + i);
		link_col(end[i]->on_addr, sizeof end[i]->on_addr, st, 20 + i);
	}
	l->up = sqlite3_column_int(st, 13);
}

/* Every link the statement (LINK_COLS) gives: the first into *out; how
 * many, or -1 with a message. Finalizes st. */
static int
link_rows(struct lab *lab, sqlite3_stmt *st, struct link *out, struct err *e)
{
	int rc, found = 0;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (found++ == 0)
			link_from_row(st, out);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(lab->db, e, "looking up a link");
	return found;
}

int
link_of_nic(struct lab *lab, const char *node_id, int idx, struct link *out, struct err *e)
{
	return link_rows(lab, db_query(lab->db, e, "SELECT " LINK_COLS "WHERE (l.a_node = ?1 AND "
	    "l.a_idx = ?2) OR (l.b_node = ?1 AND l.b_idx = ?2)", "ti", node_id, idx), out, e);
}

/* The one link `what` names, in the caller's transaction. */
static int
link_find(struct lab *lab, const char *what, struct link *out, struct err *e)
{
	char node[96], shown[96];
	int idx, found;

	sanitize_to(what, strlen(what), shown, sizeof shown);
	if (strchr(what, ':') != NULL) {
		struct node nd;
		if (net_ref_resolve(lab, what, node, sizeof node, &idx, e) != 0 || node_get(lab, node, &nd, e) != 0)
			return -1;
		found = link_of_nic(lab, nd.id, idx, out, e);
		node_clear(&nd);
	} else {
		if (strlen(what) < 4 || strlen(what) > 36 || strspn(what, "0123456789abcdef-") != strlen(what))
			return err_set(e, "\"%s\" is neither NODE:ethN nor a link id (see: sandlab link ls)", shown);
		found = link_rows(lab, db_query(lab->db, e, "SELECT " LINK_COLS "WHERE "
		    "substr(l.id, 1, length(?1)) = ?1", "t", what), out, e);
	}
	if (found < 0)
		return -1;
	if (found == 0)
		return err_set(e, "no link at %s (see: sandlab link ls)", shown);
	if (found > 1)
		return err_set(e, "%d links have an id starting with %s; give more of it", found, shown);
	return 0;
}

int
link_rm(struct lab *lab, const char *what, struct link *out, struct net_note *note, struct err *e)
{
	struct link l;
	char *detail;

	if (db_begin(lab->db, e) != 0)
		return -1;
	if (link_find(lab, what, &l, e) != 0)
		goto fail;
	if (db_run(lab->db, "removing the link", e, "DELETE FROM links WHERE id = ?", "t", l.id) != 0)
		goto fail;
	detail = xasprintf("%s:eth%d - %s:eth%d removed", l.a.name, l.a.idx, l.b.name, l.b.idx);
	db_event(lab->db, l.a.id, "link", detail);
	db_event(lab->db, l.b.id, "link", detail);
	free(detail);
	net_note_add(lab, note, l.a.id, l.a.name);
	net_note_add(lab, note, l.b.id, l.b.name);
	if (db_commit(lab->db, e) != 0)
		return -1;
	if (out != NULL)
		*out = l;
	return 0;
fail:
	db_rollback(lab->db);
	return -1;
}

int
link_list(struct lab *lab, struct link **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st = db_prepare(lab->db, "SELECT " LINK_COLS "ORDER BY a.name, l.a_idx", e);
	struct link *v = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, len + 1, sizeof *v);
		link_from_row(st, &v[len++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_fail(lab->db, e, "listing links");
	}
	*out = v;
	*n = len;
	return 0;
}

int
link_set_state(struct lab *lab, const char *id, int up, const char *a_shape,
    const char *b_shape, struct err *e)
{
	return db_run(lab->db, "changing a link", e, "UPDATE links SET up = ?, a_shape = ?, "
	    "b_shape = ? WHERE id = ?", "ittt", up, a_shape, b_shape, id);
}

/* c's impairments applied to the text of one direction, into buf. */
static int
link_shape_apply(const char *now, const struct link_change *c, char *buf, size_t len,
    struct err *e)
{
	struct shape s;

	if (shape_parse(now, &s, e) != 0)
		return -1;
	if (c->clear)
		memset(&s, 0, sizeof s);
	for (int f = 0; f < SHAPE_NFIELDS; f++)
		if (c->v[f] >= 0)
			s.v[f] = (int)c->v[f];
	shape_format(&s, buf, len);
	return 0;
}

int
link_address_parse(const char *text, int allow_remote, char *host, size_t len, struct err *e)
{
	char shown[64];
	unsigned char a[16];
	int loop;

	sanitize_to(text, strlen(text), shown, sizeof shown);
	if (inet_pton(AF_INET, text, a) == 1)
		loop = a[0] == 127;
	else if (inet_pton(AF_INET6, text, a) == 1)
		loop = memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0;
	else
		return err_set(e, "\"%s\" is not an IP address (as 127.0.0.2 or ::1)", shown);
	if (!loop && !allow_remote)
		return err_set(e, "%s is not loopback: a link end there is open to other machines; "
		    "add --allow-remote if that is meant", shown);
	if (strlen(text) >= len)
		return err_set(e, "\"%s\" is too long", shown);
	snprintf(host, len, "%s", text);
	return 0;
}

/* In link_set's transaction: the named end's address (its port stays
 * unless link_change.port moves it too). */
static int
link_set_address(struct lab *lab, struct link *l, int named_b, const struct link_change *c,
    struct err *e)
{
	struct link_end *end = named_b ? &l->b : &l->a;
	char host[LINK_HOST_LEN];

	if (link_address_parse(c->address, c->allow_remote, host, sizeof host, e) != 0)
		return -1;
	if (db_run(lab->db, "changing a link end", e, named_b ?
	    "UPDATE links SET b_host = ? WHERE id = ?" : "UPDATE links SET a_host = ? WHERE id = ?",
	    "tt", host, l->id) != 0)
		return -1;
	snprintf(end->host, sizeof end->host, "%s", host);
	return 0;
}

int
link_set_port(struct lab *lab, const char *id, int b, int port, struct err *e)
{
	struct link l, other;
	const struct link_end *me;
	int found;

	if (port < 1024 || port > 65535)
		return err_set(e, "UDP port %d: a link end listens on a port from 1024 to 65535", port);
	found = link_rows(lab, db_query(lab->db, e, "SELECT " LINK_COLS "WHERE l.id = ?", "t", id),
	    &l, e);
	if (found <= 0)
		return found < 0 ? -1 : err_set(e, "no link %.8s", id);
	me = b ? &l.b : &l.a;
	if (port == me->port)
		return db_run(lab->db, "changing a link end", e, b ?
		    "UPDATE links SET b_port_set = 1 WHERE id = ?" :
		    "UPDATE links SET a_port_set = 1 WHERE id = ?", "t", id);
	/* Another link's port, by name: the database would only say "used". */
	found = link_rows(lab, db_query(lab->db, e, "SELECT " LINK_COLS "WHERE l.id <> ?1 AND "
	    "(l.a_port = ?2 OR l.b_port = ?2)", "ti", id, port), &other, e);
	if (found < 0)
		return -1;
	if (found > 0)
		return err_set(e, "UDP port %d is already an end of the link %s:eth%d - %s:eth%d; "
		    "choose another port", port, other.a.name, other.a.idx, other.b.name, other.b.idx);
	if (port == (b ? l.a.port : l.b.port))
		return err_set(e, "UDP port %d is the other end's of this link; choose another port",
		    port);
	if (!net_port_free_at("udp", me->host, port))
		return err_set(e, "UDP port %d on %s is in use by another program; free it or choose "
		    "another port", port, me->host);
	return db_run(lab->db, "changing a link end", e, b ?
	    "UPDATE links SET b_port = ?, b_port_set = 1 WHERE id = ?" :
	    "UPDATE links SET a_port = ?, a_port_set = 1 WHERE id = ?", "it", port, id);
}

int
link_set(struct lab *lab, const char *what, const struct link_change *c, struct link *out,
    struct err *e)
{
	char node[96], shapes[2][SHAPE_TEXT_MAX], *detail;
	struct link l;
	int idx = -1, named_b = 0, up;

	for (int f = 0; f < SHAPE_NFIELDS; f++)
		if (c->v[f] >= 0 && shape_check(f, c->v[f], e) != 0)
			return -1;
	if (c->address != NULL && link_address_parse(c->address, c->allow_remote, node, sizeof node,
	    e) != 0)
		return -1;
	if (db_begin(lab->db, e) != 0)
		return -1;
	if (link_find(lab, what, &l, e) != 0)
		goto fail;
	/* Directions are seen from the end the user named; a link id names a. */
	if (strchr(what, ':') != NULL && net_ref_resolve(lab, what, node, sizeof node, &idx, e) == 0) {
		struct node nd;
		if (node_get(lab, node, &nd, e) != 0)
			goto fail;
		named_b = strcmp(nd.id, l.b.id) == 0 && idx == l.b.idx;
		node_clear(&nd);
	}
	snprintf(shapes[0], sizeof shapes[0], "%s", l.a.shape);
	snprintf(shapes[1], sizeof shapes[1], "%s", l.b.shape);
	/* out: frames the named end sends, which are its own end's shape. */
	if ((c->out && link_shape_apply(named_b ? l.b.shape : l.a.shape, c,
	    shapes[named_b], sizeof shapes[0], e) != 0) ||
	    (c->in && link_shape_apply(named_b ? l.a.shape : l.b.shape, c,
	    shapes[!named_b], sizeof shapes[0], e) != 0))
		goto fail;
	up = c->up >= 0 ? c->up : l.up;
	if (link_set_state(lab, l.id, up, shapes[0], shapes[1], e) != 0 ||
	    (c->address != NULL && link_set_address(lab, &l, named_b, c, e) != 0) ||
	    (c->port > 0 && link_set_port(lab, l.id, named_b, c->port, e) != 0))
		goto fail;
	if (c->port > 0) {
		(named_b ? &l.b : &l.a)->port = c->port;
		(named_b ? &l.b : &l.a)->port_set = 1;
	}
	detail = xasprintf("%s:eth%d - %s:eth%d %s, %s>%s %s, %s>%s %s%s%s%s%.0d", l.a.name, l.a.idx,
	    l.b.name, l.b.idx, up ? "up" : "down", l.a.name, l.b.name, shapes[0][0] ? shapes[0] : "-",
	    l.b.name, l.a.name, shapes[1][0] ? shapes[1] : "-", c->address ? ", at " : "",
	    c->address ? (named_b ? l.b.host : l.a.host) : "", c->port > 0 ? ", port " : "",
	    c->port);
	db_event(lab->db, l.a.id, "link", detail);
	db_event(lab->db, l.b.id, "link", detail);
	free(detail);
	if (db_commit(lab->db, e) != 0)
		return -1;
	l.up = up;
	snprintf(l.a.shape, sizeof l.a.shape, "%s", shapes[0]);
	snprintf(l.b.shape, sizeof l.b.shape, "%s", shapes[1]);
	if (out != NULL)
		*out = l;
	return 0;
fail:
	db_rollback(lab->db);
	return -1;
}

int
link_end_addr(const struct link_end *end, char *buf, size_t len)
{
	int v6 = strchr(end->host, ':') != NULL;

	snprintf(buf, len, "%s%s%s:%d", v6 ? "[" : "", end->host, v6 ? "]" : "", end->port);
	return strcmp(end->host, QEMU_LINK_HOST) != 0;
}

const char *
link_end_state(struct lab *lab, const struct link_end *end)
{
	struct nic *v;
	struct err e;
	unsigned pend;
	int n;

	if (!runstate_live(lab, end->id))
		return "stopped";
	if (net_nics_get(lab, end->id, &v, &n, &e) != 0)
		return "unknown";
	pend = net_pending_node(lab, end->id, v, n);
	nic_list_free(v, n);
	return pend & (1u << end->idx) ? "restart" : "up";
}
