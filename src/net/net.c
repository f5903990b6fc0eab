/*
 * net.c: NICs as the network sees them, their forwards, and what a
 * running node's QEMU was given. Changes rows of `forwards`; the rows of
 * `nics` are nic.c's and those of `links` link.c's. Starts nothing and
 * talks to no keeper.
 */
#include "net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "db.h"
#include "firmware.h"
#include "node.h"
#include "runstate.h"
#include "sanitize.h"

/* ---- pure ---- */

int
net_ref_parse(const char *ref, char *node, size_t len, int *idx, struct err *e)
{
	const char *colon = strrchr(ref, ':');
	char shown[96];
	long v;

	sanitize_to(ref, strlen(ref), shown, sizeof shown);
	if (colon == NULL || colon == ref || (size_t)(colon - ref) >= len)
		return err_set(e, "\"%s\" is not a NIC: write NODE:ethN, as r1:eth0", shown);
	if (strncmp(colon + 1, "eth", 3) != 0 || parse_int(colon + 4, 0, NET_NIC_IDX_MAX, &v) != 0)
		return err_set(e, "\"%s\" is not a NIC: after the node name comes :eth0 to :eth%d",
		    shown, NET_NIC_IDX_MAX);
	memcpy(node, ref, (size_t)(colon - ref));
	node[colon - ref] = '\0';
	*idx = (int)v;
	return 0;
}

int
net_link_range_parse(const char *s, int *first, int *last, struct err *e)
{
	const char *dash = strchr(s, '-');
	char buf[16], shown[48];
	long a, b;

	sanitize_to(s, strlen(s), shown, sizeof shown);
	if (dash == NULL || (size_t)(dash - s) >= sizeof buf)
		return err_set(e, "SANDLAB_LINK_PORTS \"%s\": write FIRST-LAST, as 41000-41999", shown);
	memcpy(buf, s, (size_t)(dash - s));
	buf[dash - s] = '\0';
	if (parse_int(buf, NET_LINK_PORT_MIN, NET_LINK_PORT_MAX, &a) != 0 ||
	    parse_int(dash + 1, NET_LINK_PORT_MIN, NET_LINK_PORT_MAX, &b) != 0)
		return err_set(e, "SANDLAB_LINK_PORTS \"%s\": both ends are ports from %d to %d, as "
		    "41000-41999", shown, NET_LINK_PORT_MIN, NET_LINK_PORT_MAX);
	if (b <= a)
		return err_set(e, "SANDLAB_LINK_PORTS \"%s\": a link needs two ports; the last must be "
		    "above the first", shown);
	*first = (int)a;
	*last = (int)b;
	return 0;
}

int
net_ref_resolve(struct lab *lab, const char *ref, char *node, size_t len, int *idx, struct err *e)
{
	const char *colon = strrchr(ref, ':');
	struct err why;
	struct node nd;
	char shown[96], names[512] = "";
	int by_eth, by_port = -1;

	by_eth = net_ref_parse(ref, node, len, idx, &why) == 0 ? *idx : -1;
	if (colon == NULL || colon == ref || (size_t)(colon - ref) >= len)
		return err_set(e, "%s", why.msg);
	memcpy(node, ref, (size_t)(colon - ref));
	node[colon - ref] = '\0';
	if (node_get(lab, node, &nd, &why) != 0) {
		if (by_eth >= 0) {
			*idx = by_eth;  /* the caller names the missing node */
			return 0;
		}
		return err_set(e, "%s", why.msg);
	}
	int eth_exists = 0;
	for (int i = 0; i < nd.nnics; i++) {
		if (nd.nics[i].port[0] && strcasecmp(nd.nics[i].port, colon + 1) == 0)
			by_port = nd.nics[i].idx;
		eth_exists |= nd.nics[i].idx == by_eth;
		if (nd.nics[i].port[0])
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s:%s (eth%d)",
			    names[0] ? ", " : "", nd.name, nd.nics[i].port, nd.nics[i].idx);
	}
	sanitize_to(ref, strlen(ref), shown, sizeof shown);
	if (by_port >= 0 && !eth_exists)
		by_eth = -1;    /* ethN of a NIC the node does not have: the name */
	if (by_port >= 0 && by_eth >= 0 && by_port != by_eth) {
		char other[NIC_PORT_MAX] = "";
		for (int i = 0; i < nd.nnics; i++)
			if (nd.nics[i].idx == by_eth)
				snprintf(other, sizeof other, "%s", nd.nics[i].port);
		err_set(e, "%s is ambiguous: it is the port name of %s:eth%d and the index of %s:eth%d; "
		    "name the one you mean as %s:eth%d or %s:%s", shown, nd.name, by_port, nd.name, by_eth,
		    nd.name, by_port, nd.name, other[0] ? other : "...");
		node_clear(&nd);
		return -1;
	}
	node_clear(&nd);
	if (by_port >= 0 || by_eth >= 0) {
		*idx = by_port >= 0 ? by_port : by_eth;
		return 0;
	}
	if (names[0] == '\0')
		return err_set(e, "%s", why.msg);
	return err_set(e, "\"%s\" is not a NIC: after the node name comes :eth0 to :eth%d or a port "
	    "name (%s)", shown, NET_NIC_IDX_MAX, names);
}

int
net_fwd_check(const struct nic_fwd *f, struct err *e)
{
	return net_fwd_check_ports(f, 0, e);
}

int
net_fwd_check_ports(const struct nic_fwd *f, int allow_privileged, struct err *e)
{
	if (strcmp(f->proto, "tcp") != 0 && strcmp(f->proto, "udp") != 0)
		return err_set(e, "a forward is tcp or udp");
	if (!port_ok(f->host_port) || !port_ok(f->guest_port))
		return err_set(e, "forward ports are from 1 to 65535");
	if (f->host_port >= NET_LINK_PORT_MIN && f->host_port <= NET_LINK_PORT_MAX)
		return err_set(e, "host ports %d-%d are where sandlab puts its links; forward from "
		    "another host port", NET_LINK_PORT_MIN, NET_LINK_PORT_MAX);
	if (f->host_port < NET_FWD_PRIVILEGED && !allow_privileged)
		return err_set(e, "host port %d is privileged (below %d): only root may listen there, "
		    "and a system service may; forward from port %d or above, or add "
		    "--allow-privileged-port if you mean it", f->host_port, NET_FWD_PRIVILEGED,
		    NET_FWD_PRIVILEGED);
	return 0;
}

int
net_fwd_parse(const char *s, int want_guest, struct nic_fwd *out, struct err *e)
{
	char buf[64], shown[64], *host, *guest;
	long h, g = 1;

	sanitize_to(s, strlen(s), shown, sizeof shown);
	if (strlen(s) >= sizeof buf)
		return err_set(e, "forward \"%s\" is too long", shown);
	memcpy(buf, s, strlen(s) + 1);
	host = strchr(buf, ':');
	guest = host ? strchr(host + 1, ':') : NULL;
	if (host)
		*host++ = '\0';
	if (guest)
		*guest++ = '\0';
	if (host == NULL || (strcmp(buf, "tcp") != 0 && strcmp(buf, "udp") != 0) ||
	    parse_int(host, 1, 65535, &h) != 0 ||
	    (guest ? parse_int(guest, 1, 65535, &g) != 0 : want_guest))
		return err_set(e, "forward \"%s\" is not PROTO:HOSTPORT:GUESTPORT, as tcp:2222:22", shown);
	memset(out, 0, sizeof *out);
	snprintf(out->proto, sizeof out->proto, "%s", buf);
	out->host_port = (int)h;
	out->guest_port = guest ? (int)g : 0;
	return want_guest ? net_fwd_check(out, e) : 0;
}

const char *
net_fwd_format(const struct nic_fwd *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%d:%d", f->proto, f->host_port, f->guest_port);
	return buf;
}

struct qemu_nic *
net_qemu_nics(const struct nic *v, int n)
{
	struct qemu_nic *q = xcalloc((size_t)n + 1, sizeof *q);

	for (int i = 0; i < n; i++) {
		struct qemu_fwd *f = xcalloc((size_t)v[i].nfwds + 1, sizeof *f);
		for (int j = 0; j < v[i].nfwds; j++)
			f[j] = (struct qemu_fwd){ .proto = v[i].fwds[j].proto,
			    .host_port = v[i].fwds[j].host_port, .guest_port = v[i].fwds[j].guest_port };
		q[i] = (struct qemu_nic){ .idx = v[i].idx, .model = v[i].model, .mac = v[i].mac,
		    .attach = v[i].attach, .local_port = v[i].local_port,
		    .remote_port = v[i].remote_port, .fwds = f, .nfwds = v[i].nfwds };
	}
	return q;
}

void
net_qemu_nics_free(struct qemu_nic *q, int n)
{
	if (q == NULL)
		return;
	for (int i = 0; i < n; i++)
		free((void *)q[i].fwds);
	free(q);
}

/* The signature line of one NIC, without its newline; caller frees.
 * off: the NIC is on no wire (net_signature_off). */
static char *
net_nic_line(const struct nic *c, int off)
{
	/* A NIC that is not on user-mode NAT is plugged into its keeper's
	 * wire whether linked or not: linking it changes nothing QEMU has. */
	int user = strcmp(c->attach, "user") == 0;
	char *s = xasprintf("eth%d %s %s %s", c->idx, c->model, c->mac, user ? "user" : off ? "off" :
	    "wire"), *t;
	char f[32];

	for (int j = 0; strcmp(c->attach, "user") == 0 && j < c->nfwds; j++) {
		t = xasprintf("%s %s", s, net_fwd_format(&c->fwds[j], f, sizeof f));
		free(s);
		s = t;
	}
	return s;
}

char *
net_signature_off(const struct nic *v, int n, uint64_t off)
{
	char *s = xstrdup(""), *t, *l;

	for (int i = 0; i < n; i++) {
		l = net_nic_line(&v[i], v[i].idx >= 0 && v[i].idx < 64 && (off >> v[i].idx & 1));
		t = xasprintf("%s%s\n", s, l);
		free(l);
		free(s);
		s = t;
	}
	return s;
}

char *
net_signature(const struct nic *v, int n)
{
	return net_signature_off(v, n, 0);
}

unsigned
net_pending(const char *running, const struct nic *v, int n)
{
	unsigned mask = 0, seen = 0;
	const char *p;

	if (running == NULL)
		return 0;
	for (int i = 0; i < n; i++) {
		char *l = net_nic_line(&v[i], 0);
		size_t len = strlen(l);
		int found = 0;
		for (p = running; *p && !found; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
			found = strncmp(p, l, len) == 0 && (p[len] == '\n' || p[len] == '\0');
		free(l);
		if (!found && v[i].idx >= 0 && v[i].idx <= NET_NIC_IDX_MAX)
			mask |= 1u << v[i].idx;
		if (v[i].idx >= 0 && v[i].idx <= NET_NIC_IDX_MAX)
			seen |= 1u << v[i].idx;
	}
	/* NICs QEMU has that the rows no longer list. */
	for (p = running; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		int idx;
		if (sscanf(p, "eth%d ", &idx) == 1 && idx >= 0 && idx <= NET_NIC_IDX_MAX &&
		    !(seen & (1u << idx)))
			mask |= 1u << idx;
	}
	return mask;
}

int
net_port_free_at(const char *proto, const char *host, int port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	int udp = strcmp(proto, "udp") == 0, fd, one = 1, ok;
	socklen_t len;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		len = sizeof *a4;
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		len = sizeof *a6;
	} else
		return 0;
	fd = socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	/* TCP: as QEMU's listener, so a port in TIME_WAIT counts as free.
	 * UDP: no SO_REUSEADDR, or a bound port could look free. */
	ok = (udp || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0) &&
	    bind(fd, (struct sockaddr *)&ss, len) == 0 && (udp || listen(fd, 1) == 0);
	close(fd);
	return ok;
}

int
net_port_free(const char *proto, int port)
{
	return net_port_free_at(proto, QEMU_LINK_HOST, port);
}

int
net_ports_check(const char *node_name, const struct nic *v, int n, struct err *e)
{
	char f[32];

	for (int i = 0; i < n; i++) {
		const struct nic *c = &v[i];
		if (strcmp(c->attach, "link") == 0 && !net_port_free("udp", c->local_port))
			return err_set(e, "UDP port %d on %s, the end of the link %s:eth%d - %s:eth%d, is "
			    "in use by another program; free it, or give the link new ports "
			    "(sandlab link rm %s:eth%d, then link add again)", c->local_port,
			    QEMU_LINK_HOST, node_name, c->idx, c->peer_name, c->peer_idx, node_name, c->idx);
		for (int j = 0; strcmp(c->attach, "user") == 0 && j < c->nfwds; j++)
			if (!net_port_free(c->fwds[j].proto, c->fwds[j].host_port))
				return err_set(e, "host port %s %s:%d (forwarded to %s:eth%d port %d) is in use "
				    "by another program; free it, or forward another port "
				    "(sandlab nic unforward %s:eth%d %s)", c->fwds[j].proto, QEMU_LINK_HOST,
				    c->fwds[j].host_port, node_name, c->idx, c->fwds[j].guest_port, node_name,
				    c->idx, net_fwd_format(&c->fwds[j], f, sizeof f));
	}
	return 0;
}

/* ---- the database ---- */

static void
net_copy_col(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

/* Adds the forwards to v (sorted by idx), in the caller's snapshot. */
static int
net_load_fwds(struct lab *lab, const char *node_id, struct nic *v, int n, struct err *e)
{
	sqlite3_stmt *st = db_kept_query(lab->db, &lab->kept, e, "SELECT idx, proto, host_port, guest_port FROM forwards "
	    "WHERE node_id = ? ORDER BY idx, proto, host_port", "t", node_id);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int idx = sqlite3_column_int(st, 0);
		for (int i = 0; i < n; i++) {
			if (v[i].idx != idx)
				continue;
			v[i].fwds = xreallocarray(v[i].fwds, (size_t)v[i].nfwds + 1, sizeof *v[i].fwds);
			struct nic_fwd *f = &v[i].fwds[v[i].nfwds++];
			net_copy_col(f->proto, sizeof f->proto, st, 1);
			f->host_port = sqlite3_column_int(st, 2);
			f->guest_port = sqlite3_column_int(st, 3);
		}
	}
	db_kept_done(lab->kept, st);
	if (rc != SQLITE_DONE)
		return db_fail(lab->db, e, "reading port forwards");
	return 0;
}

int
net_nics_get(struct lab *lab, const char *node_id, struct nic **out, int *n, struct err *e)
{
	/* is_a: this NIC is the link's `a` end. */
	sqlite3_stmt *st = db_kept_query(lab->db, &lab->kept, e,
	    "SELECT c.idx, c.model, c.mac, c.attach, l.id, p.id, p.name,"
	    " CASE WHEN l.a_node = c.node_id AND l.a_idx = c.idx THEN l.b_idx ELSE l.a_idx END,"
	    " CASE WHEN l.a_node = c.node_id AND l.a_idx = c.idx THEN l.a_port ELSE l.b_port END,"
	    " CASE WHEN l.a_node = c.node_id AND l.a_idx = c.idx THEN l.b_port ELSE l.a_port END,"
	    " c.port, pc.port, "
	    " CASE WHEN l.a_node = c.node_id AND l.a_idx = c.idx THEN l.b_host ELSE l.a_host END,"
	    " coalesce(p.host, '') "
	    "FROM nics c LEFT JOIN links l ON (l.a_node = c.node_id AND l.a_idx = c.idx)"
	    " OR (l.b_node = c.node_id AND l.b_idx = c.idx) "
	    "LEFT JOIN nodes p ON p.id = CASE WHEN l.a_node = c.node_id AND l.a_idx = c.idx"
	    " THEN l.b_node ELSE l.a_node END "
	    "LEFT JOIN nics pc ON pc.node_id = p.id AND pc.idx = CASE WHEN l.a_node = c.node_id"
	    " AND l.a_idx = c.idx THEN l.b_idx ELSE l.a_idx END "
	    "WHERE c.node_id = ? ORDER BY c.idx", "t", node_id);
	struct nic *v = NULL;
	int len = 0, rc, own_txn;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	own_txn = sqlite3_get_autocommit(lab->db) && db_exec(lab->db, "BEGIN", NULL) == 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, (size_t)len + 1, sizeof *v);
		struct nic *c = &v[len++];
		memset(c, 0, sizeof *c);
		c->idx = sqlite3_column_int(st, 0);
		net_copy_col(c->model, sizeof c->model, st, 1);
		net_copy_col(c->mac, sizeof c->mac, st, 2);
		net_copy_col(c->attach, sizeof c->attach, st, 3);
		net_copy_col(c->port, sizeof c->port, st, 10);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			net_copy_col(c->peer_port, sizeof c->peer_port, st, 11);
			net_copy_col(c->link_id, sizeof c->link_id, st, 4);
			net_copy_col(c->peer_id, sizeof c->peer_id, st, 5);
			net_copy_col(c->peer_name, sizeof c->peer_name, st, 6);
			c->peer_idx = sqlite3_column_int(st, 7);
			c->local_port = sqlite3_column_int(st, 8);
			c->remote_port = sqlite3_column_int(st, 9);
			net_copy_col(c->peer_host, sizeof c->peer_host, st, 12);
			net_copy_col(c->peer_on, sizeof c->peer_on, st, 13);
		}
	}
	db_kept_done(lab->kept, st);
	if (rc != SQLITE_DONE)
		db_fail(lab->db, e, "reading NICs");
	else if (net_load_fwds(lab, node_id, v, len, e) == 0) {
		if (own_txn)
			db_rollback(lab->db);
		*out = v;
		*n = len;
		return 0;
	}
	if (own_txn)
		db_rollback(lab->db);
	nic_list_free(v, len);
	return -1;
}

char **
net_node_argv_nics(const struct node *n, const struct qemu_cfg *run, const struct nic *v, int nn,
    int check_ports, char **sig, struct err *e)
{
	struct qemu_nic *q;
	struct qemu_cfg cfg = *run;
	char **argv = NULL, *code = NULL;

	/* OVMF is looked for at each start, so a missing package is named */
	if (strcmp(n->hw.v[HW_FIRMWARE], "uefi") == 0 && firmware_files(&code, NULL, e) != 0)
		return NULL;
	cfg.fw_code = code;
	if (!check_ports || net_ports_check(n->name, v, nn, e) == 0) {
		q = net_qemu_nics(v, nn);
		argv = qemu_node_argv(n, &cfg, q, nn, e);
		net_qemu_nics_free(q, nn);
		if (argv != NULL && sig != NULL)
			*sig = net_signature(v, nn);
	}
	free(code);
	return argv;
}

char **
net_node_argv(struct lab *lab, const struct node *n, const struct qemu_cfg *run,
    int check_ports, char **sig, struct err *e)
{
	struct nic *v;
	char **argv;
	int nn;

	if (net_nics_get(lab, n->id, &v, &nn, e) != 0)
		return NULL;
	argv = net_node_argv_nics(n, run, v, nn, check_ports, sig, e);
	nic_list_free(v, nn);
	return argv;
}

int
net_running_get(struct lab *lab, const char *node_id, char **sig, struct err *e)
{
	sqlite3_stmt *st;
	int rc = db_row(lab->db, &st, "reading a node's running set-up", e,
	    "SELECT net FROM runs WHERE node_id = ?", "t", node_id);

	*sig = NULL;
	if (rc != 1)
		return rc;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		*sig = db_text(st, 0);
	sqlite3_finalize(st);
	return 0;
}

unsigned
net_pending_node(struct lab *lab, const char *node_id, const struct nic *v, int n)
{
	struct err e;
	char *sig = NULL;
	unsigned mask;

	if (!runstate_live(lab, node_id) || net_running_get(lab, node_id, &sig, &e) != 0)
		return 0;
	/* A keeper that has not started QEMU yet has recorded nothing. */
	mask = sig ? net_pending(sig, v, n) : 0;
	free(sig);
	return mask;
}

int
net_record(struct lab *lab, const char *node_id, const char *sig, struct err *e)
{
	return db_run(lab->db, "recording a node's network set-up", e,
	    "UPDATE runs SET net = ? WHERE node_id = ?", "tt", sig, node_id);
}

void
net_note_text(const struct net_note *note, char *buf, size_t len)
{
	if (note->nrunning == 0)
		snprintf(buf, len, "it is used from the next start");
	else if (note->nrunning == 1)
		snprintf(buf, len, "%s is running: this takes effect when %s restarts (sandlab node "
		    "restart %s)", note->running[0], note->running[0], note->running[0]);
	else
		snprintf(buf, len, "%s and %s are running: this takes effect when each restarts "
		    "(sandlab node restart %s %s)", note->running[0], note->running[1],
		    note->running[0], note->running[1]);
}

void
net_note_add(struct lab *lab, struct net_note *note, const char *node_id, const char *name)
{
	if (note == NULL || note->nrunning >= 2 || !runstate_live(lab, node_id))
		return;
	for (int i = 0; i < note->nrunning; i++)
		if (strcmp(note->running[i], name) == 0)
			return;
	snprintf(note->running[note->nrunning++], sizeof note->running[0], "%s", name);
}

int
net_node_nic(struct lab *lab, const char *node_key, int idx, char id[37], char *name,
    size_t len, struct nic **nics, int *n, struct err *e)
{
	struct node nd;

	*nics = NULL;
	*n = 0;
	if (node_get(lab, node_key, &nd, e) != 0)
		return -1;
	snprintf(id, 37, "%s", nd.id);
	snprintf(name, len, "%s", nd.name);
	node_clear(&nd);
	if (net_nics_get(lab, id, nics, n, e) != 0)
		return -1;
	if (idx >= *n) {
		if (*n == 0)
			err_set(e, "%s has no NICs; give it some with: sandlab node set %s --nics %d",
			    name, name, idx + 1);
		else
			err_set(e, "%s has no eth%d (it has eth0 to eth%d); give it more NICs with: "
			    "sandlab node set %s --nics %d", name, idx, *n - 1, name, idx + 1);
		nic_list_free(*nics, *n);
		*nics = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int
net_forward_insert(struct lab *lab, const char *node_id, int idx, const struct nic_fwd *f,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc = db_row(lab->db, &st, "looking up a port forward", e, "SELECT n.name, f.idx, "
	    "f.guest_port FROM forwards f JOIN nodes n ON n.id = f.node_id WHERE f.proto = ? "
	    "AND f.host_port = ?", "ti", f->proto, f->host_port);

	if (rc < 0)
		return -1;
	if (rc == 1) {
		err_set(e, "host port %s %d is already forwarded to %s:eth%d port %d; host ports are "
		    "unique in a lab", f->proto, f->host_port, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int(st, 1), sqlite3_column_int(st, 2));
		sqlite3_finalize(st);
		return -1;
	}
	return db_run(lab->db, "adding a port forward", e, "INSERT INTO forwards (node_id, idx, "
	    "proto, host_port, guest_port) VALUES (?, ?, ?, ?, ?)", "titii", node_id, idx, f->proto,
	    f->host_port, f->guest_port);
}

/* One change to one NIC, made inside a transaction: it gets the node's
 * id and name and the NIC as it is now, and returns the event's detail
 * (caller frees), or NULL with e set. */
typedef char *(*net_nic_fn)(struct lab *lab, const char *id, const char *name,
    const struct nic *c, const void *arg, struct err *e);

/* Runs fn on node_key's NIC idx in one transaction, with an event of
 * kind and the node in note when it is running. */
static int
net_nic_change(struct lab *lab, const char *node_key, int idx, const char *kind, net_nic_fn fn,
    const void *arg, struct net_note *note, struct err *e)
{
	struct nic *v = NULL;
	char id[37], name[64], *detail = NULL;
	int n = 0;

	if (db_begin(lab->db, e) != 0)
		return -1;
	if (net_node_nic(lab, node_key, idx, id, name, sizeof name, &v, &n, e) == 0 &&
	    (detail = fn(lab, id, name, &v[idx], arg, e)) != NULL) {
		db_event(lab->db, id, kind, detail);
		net_note_add(lab, note, id, name);
	}
	nic_list_free(v, n);
	if (detail == NULL) {
		db_rollback(lab->db);
		return -1;
	}
	free(detail);
	return db_commit(lab->db, e);
}

/* Refuses an attachment change the NIC's link or forwards stand in the way of. */
static int
net_attach_ok(const char *name, const struct nic *c, const char *attach, struct err *e)
{
	char f[32];

	if (strcmp(attach, "link") == 0)
		return err_set(e, "links are made with: sandlab link add %s:eth%d OTHER:ethN", name, c->idx);
	if (strcmp(attach, "none") != 0 && strcmp(attach, "user") != 0)
		return err_set(e, "attach must be none or user (links: sandlab link add)");
	if (strcmp(c->attach, attach) == 0)
		return 0;
	if (strcmp(c->attach, "link") == 0)
		return err_set(e, "%s:eth%d is linked to %s:eth%d; remove the link first: "
		    "sandlab link rm %s:eth%d", name, c->idx, c->peer_name, c->peer_idx, name, c->idx);
	if (c->nfwds > 0)
		return err_set(e, "%s:eth%d forwards %s%s; remove its forwards first: sandlab nic "
		    "unforward %s:eth%d %s", name, c->idx, net_fwd_format(&c->fwds[0], f, sizeof f),
		    c->nfwds > 1 ? " and more" : "", name, c->idx, f);
	return 0;
}

static char *
net_set_fn(struct lab *lab, const char *id, const char *name, const struct nic *c,
    const void *arg, struct err *e)
{
	const struct net_change *ch = arg;  /* mac already lowercase */

	if ((ch->attach && net_attach_ok(name, c, ch->attach, e) != 0) ||
	    nic_update(lab, id, c->idx, ch->model, ch->mac, ch->attach, e) != 0)
		return NULL;
	return xasprintf("eth%d%s%s%s%s%s%s", c->idx, ch->model ? " model=" : "",
	    ch->model ? ch->model : "", ch->mac ? " mac=" : "", ch->mac ? ch->mac : "",
	    ch->attach ? " attach=" : "", ch->attach ? ch->attach : "");
}

int
net_nic_set(struct lab *lab, const char *node_key, int idx, const struct net_change *ch,
    struct net_note *note, struct err *e)
{
	struct net_change norm = *ch;
	char mac[18];

	if ((ch->model && nic_model_check(ch->model, e) != 0) ||
	    (ch->mac && nic_mac_parse(ch->mac, mac, e) != 0))
		return -1;
	if (ch->mac)
		norm.mac = mac;
	return net_nic_change(lab, node_key, idx, "nic", net_set_fn, &norm, note, e);
}

static char *
net_forward_add_fn(struct lab *lab, const char *id, const char *name, const struct nic *c,
    const void *arg, struct err *e)
{
	const struct nic_fwd *f = arg;
	char buf[32];

	if (strcmp(c->attach, "user") != 0) {
		err_set(e, "%s:eth%d is attached to %s, not user-mode NAT; forwards need it: "
		    "sandlab nic set %s:eth%d --attach user", name, c->idx,
		    strcmp(c->attach, "link") == 0 ? "a link" : "nothing", name, c->idx);
		return NULL;
	}
	if (c->nfwds >= NET_FWDS_MAX) {
		err_set(e, "%s:eth%d already has %d forwards, the most a NIC may have", name, c->idx,
		    NET_FWDS_MAX);
		return NULL;
	}
	if (net_forward_insert(lab, id, c->idx, f, e) != 0)
		return NULL;
	return xasprintf("eth%d %s", c->idx, net_fwd_format(f, buf, sizeof buf));
}

int
net_forward_add(struct lab *lab, const char *node_key, int idx, const struct nic_fwd *f,
    struct net_note *note, struct err *e)
{
	if (net_fwd_check(f, e) != 0)
		return -1;
	return net_nic_change(lab, node_key, idx, "forward", net_forward_add_fn, f, note, e);
}

int
net_forward_add_privileged(struct lab *lab, const char *node_key, int idx,
    const struct nic_fwd *f, struct net_note *note, struct err *e)
{
	if (net_fwd_check_ports(f, 1, e) != 0)
		return -1;
	return net_nic_change(lab, node_key, idx, "forward", net_forward_add_fn, f, note, e);
}

static char *
net_forward_rm_fn(struct lab *lab, const char *id, const char *name, const struct nic *c,
    const void *arg, struct err *e)
{
	const struct nic_fwd *f = arg;
	int gone;

	if (db_run(lab->db, "removing a port forward", e, "DELETE FROM forwards WHERE node_id = ? "
	    "AND idx = ? AND proto = ? AND host_port = ?", "titi", id, c->idx, f->proto,
	    f->host_port) != 0)
		return NULL;
	gone = sqlite3_changes(lab->db);
	if (gone == 0) {
		err_set(e, "%s:eth%d forwards no %s host port %d (see: sandlab nic ls %s)", name, c->idx,
		    f->proto, f->host_port, name);
		return NULL;
	}
	return xasprintf("eth%d %s:%d removed", c->idx, f->proto, f->host_port);
}

int
net_forward_rm(struct lab *lab, const char *node_key, int idx, const struct nic_fwd *f,
    struct net_note *note, struct err *e)
{
	return net_nic_change(lab, node_key, idx, "forward", net_forward_rm_fn, f, note, e);
}
