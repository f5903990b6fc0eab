/*
 * wire.c: live wires. Every NIC of a running node that is not on
 * user-mode NAT is plugged into a wire in the node's keeper, and frames
 * between two linked NICs cross both keepers:
 *
 *   QEMU a --unix dgram pair--> keeper a --UDP a_port -> b_port--> keeper b --pair--> QEMU b
 *
 * Where it lives: in the keeper, not in a per-lab process. The keeper
 * already is the one owner of a running node, with a poll loop, a lock
 * and a control socket; a wire that lives and dies with it needs no
 * liveness of its own. kill -9 of a keeper takes its QEMU (PDEATHSIG)
 * and its wire at once, so no wire is ever left behind, and a per-lab
 * process would add a second daemon (who starts it, who ends it when the
 * last node stops, and one crash cuts every link of the lab).
 *
 * QEMU's side: -netdev dgram,local.type=fd on one end of an AF_UNIX
 * SOCK_DGRAM socketpair (qemu.h, wire_fd_base). No port is shared with
 * QEMU or raced for, frames keep their boundaries, and QEMU is never
 * re-plumbed: a link added, removed or pulled only changes what the wire
 * does with the frames. A NIC on no link is plugged in too, its frames
 * dropped, so `link add` reaches it without a restart.
 *
 * The peer's side: per linked NIC a UDP socket bound to the end's
 * host:port from the lab (127.0.0.1 unless set: a wire end may point at
 * another host's address) and connected to the other end's, so the
 * kernel takes datagrams from that peer only. UDP needs no peer to
 * start: either end may start first, restart or be killed, and frames
 * resume when its port is bound again (a send to a port nobody holds is
 * lost, as on a cable with nothing at the other end).
 *
 * Changes: the CLI or the dashboard commits a link change, then sends
 * "wire" on each running end's control socket (run/NODE/ctl.sock, 0600
 * in a 0700 folder); the keeper re-reads its links and answers "wired"
 * once they are in effect.
 *
 * A node on another host (libvirt) has the same wire in its keeper
 * here: each of its NICs not on user-mode NAT is a UDP interface of its
 * domain, bound to the host's address and sending to this machine's
 * address (the one the routing table sends to that host from) at a port
 * of the keeper's, both fixed for the domain's life (wire_plug_remote).
 * That UDP socket stands where a local QEMU's socketpair does, so down,
 * impairments both ways, captures and live link add/rm work on a remote
 * node as on a local one, and two hosts' nodes meet here:
 *
 *   domain on host 1 --UDP--> keeper r1 --UDP--> keeper r2 --UDP--> domain on host 2
 *
 * The cost: frames between two hosts cross this machine (README, "Across
 * hosts", has the figures). libvirt 9.0 cannot give a running NIC another
 * backend, so a wire whose peer could change would need the domain
 * restarted; this one never changes.
 *
 * Impairments apply where frames leave a node (each end shapes what it
 * sends), in a queue ordered by due time: the poll timeout wakes the
 * keeper when the first frame is due, nothing ever sleeps, so a delayed
 * link still carries frames at line rate. Rate limiting is a virtual
 * clock of when the line is next free. Idle, a wire adds no wakeups.
 */
#include "wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "db.h"
#include "net.h"
#include "node.h"
#include "runstate.h"
#include "sanitize.h"
#include "shape.h"

#define WIRE_NICS        (NET_NIC_IDX_MAX + 1)
#define WIRE_QUEUE_MAX   4096          /* frames waiting per NIC; more are dropped */
#define WIRE_BATCH       64            /* frames read per wakeup per socket */
#define WIRE_SOCKBUF     (1 << 20)
#define WIRE_TELL_MS     5000

struct wire_frame {
	int64_t        due_us;
	uint64_t       seq;            /* FIFO among equal due times */
	uint32_t       len;
	unsigned char *data;
};

struct wire_nic {
	int               plugged;     /* QEMU has this NIC on the wire */
	int               qfd;         /* our end of QEMU's pair, or -1 */
	int               qemu_end;    /* QEMU's end until the fork, or -1 */
	int               qudp;        /* qfd is UDP to a domain on another host */
	int               ufd;         /* UDP to the peer's wire, or -1 */
	char              bound[LINK_HOST_LEN + 16], peer[LINK_HOST_LEN + 16];
	int               up;
	struct shape      out;         /* impairments of the frames this end sends */
	int64_t           line_free_us;/* rate: when the line is free again */
	struct wire_frame *q;          /* min-heap by (due_us, seq) */
	size_t            nq, capq;
	uint64_t          seq;
	struct wire_stats st;
};

struct wire {
	struct wire_nic nic[WIRE_NICS];
	uint64_t        rng;
	wire_tap_fn     tap;
	void           *tap_arg;
	unsigned char   buf[WIRE_FRAME_MAX];
};

static int64_t
wire_now_us(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* xorshift64*: impairments need a fast, not a secret, coin. */
static uint64_t
wire_rand(struct wire *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 2685821657736338717ULL;
}

/* 1 with probability pct/100. */
static int
wire_chance(struct wire *w, int pct)
{
	return pct > 0 && (int)(wire_rand(w) % 10000) < pct * 100;
}

struct wire *
wire_new(wire_tap_fn tap, void *arg)
{
	struct wire *w = xcalloc(1, sizeof *w);

	for (int i = 0; i < WIRE_NICS; i++)
		w->nic[i].qfd = w->nic[i].qemu_end = w->nic[i].ufd = -1;
	if (getrandom(&w->rng, sizeof w->rng, GRND_NONBLOCK) != (ssize_t)sizeof w->rng)
		w->rng = (uint64_t)wire_now_us(CLOCK_MONOTONIC);
	w->rng |= 1;
	w->tap = tap;
	w->tap_arg = arg;
	return w;
}

static void
wire_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
wire_queue_clear(struct wire_nic *c)
{
	for (size_t i = 0; i < c->nq; i++)
		free(c->q[i].data);
	c->nq = 0;
	c->line_free_us = 0;
}

/* The NIC leaves its link: its socket and queue go. */
static void
wire_unlink(struct wire_nic *c)
{
	wire_close(&c->ufd);
	wire_queue_clear(c);
	c->bound[0] = c->peer[0] = '\0';
	c->up = 0;
	memset(&c->out, 0, sizeof c->out);
}

void
wire_free(struct wire *w)
{
	if (w == NULL)
		return;
	for (int i = 0; i < WIRE_NICS; i++) {
		struct wire_nic *c = &w->nic[i];
		wire_close(&c->qfd);
		wire_close(&c->qemu_end);
		wire_unlink(c);
		free(c->q);
	}
	free(w);
}

/* ---- QEMU's side ---- */

int
wire_plumb(struct wire *w, const struct nic *v, int n, uint64_t *mask, struct err *e)
{
	wire_unplug(w);
	*mask = 0;
	for (int i = 0; i < n; i++) {
		struct wire_nic *c;
		int sp[2], sz = WIRE_SOCKBUF;
		if (strcmp(v[i].attach, "user") == 0 || v[i].idx < 0 || v[i].idx >= WIRE_NICS)
			continue;
		c = &w->nic[v[i].idx];
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp) != 0) {
			err_sys(e, "cannot make the wire of eth%d", v[i].idx);
			wire_unplug(w);
			return -1;
		}
		/* Room for a burst while the keeper is busy elsewhere. */
		setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
		setsockopt(sp[0], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
		c->qfd = sp[0];
		c->qemu_end = sp[1];
		c->plugged = 1;
		*mask |= 1ULL << v[i].idx;
	}
	return 0;
}

int
wire_qemu_fd(const struct wire *w, int idx)
{
	return idx >= 0 && idx < WIRE_NICS ? w->nic[idx].qemu_end : -1;
}

int
wire_qemu_plugged(const struct wire *w, int idx)
{
	return idx >= 0 && idx < WIRE_NICS && w->nic[idx].plugged;
}

void
wire_plumbed(struct wire *w)
{
	for (int i = 0; i < WIRE_NICS; i++)
		wire_close(&w->nic[i].qemu_end);
}

void
wire_unplug(struct wire *w)
{
	for (int i = 0; i < WIRE_NICS; i++) {
		wire_close(&w->nic[i].qfd);
		wire_close(&w->nic[i].qemu_end);
		w->nic[i].plugged = w->nic[i].qudp = 0;
	}
}

/* ---- the peer's side ---- */

/* host:port into a socket address; 0 or -1 with a message. */
static int
wire_addr(const char *host, int port, struct sockaddr_storage *sa, socklen_t *len, struct err *e)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof *sa);
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof *a4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof *a6;
		return 0;
	}
	return err_set(e, "\"%.46s\" is not an IP address", host);
}

/* A UDP socket bound to host:port and connected to to_host:to_port (the
 * kernel then hands it that peer's datagrams only): 0 with *fd, or -1
 * with a message naming what (a NIC, "eth1"), hint after a failed bind. */
static int
wire_udp(const char *what, const char *hint, const char *host, int port, const char *to_host,
    int to_port, int *fd, struct err *e)
{
	struct sockaddr_storage la, pa;
	socklen_t ll, pl;
	int sz = WIRE_SOCKBUF, saved;

	if (wire_addr(host, port, &la, &ll, e) != 0 || wire_addr(to_host, to_port, &pa, &pl, e) != 0)
		return -1;
	*fd = socket(la.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return err_sys(e, "%s: cannot make a UDP socket", what);
	setsockopt(*fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	setsockopt(*fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	if (bind(*fd, (struct sockaddr *)&la, ll) != 0)
		err_sys(e, "%s: cannot listen on UDP %s:%d%s", what, host, port, hint);
	else if (connect(*fd, (struct sockaddr *)&pa, pl) != 0)
		err_sys(e, "%s: cannot aim at UDP %s:%d", what, to_host, to_port);
	else
		return 0;
	saved = errno;      /* the caller may ask why */
	close(*fd);
	*fd = -1;
	errno = saved;
	return -1;
}

/* Binds and connects NIC c's UDP socket as the link says, unless it
 * already is. */
static int
wire_link(struct wire_nic *c, int idx, const struct link_end *me, const struct link_end *peer,
    struct err *e)
{
	char bound[sizeof c->bound], to[sizeof c->peer], what[16];
	int fd;

	snprintf(bound, sizeof bound, "%s:%d", me->host, me->port);
	snprintf(to, sizeof to, "%s:%d", peer->host, peer->port);
	if (c->ufd >= 0 && strcmp(bound, c->bound) == 0 && strcmp(to, c->peer) == 0)
		return 0;
	wire_unlink(c);
	snprintf(what, sizeof what, "eth%d", idx);
	if (wire_udp(what, " (free it, or give the link new ports: link rm, then link add)", me->host,
	    me->port, peer->host, peer->port, &fd, e) != 0)
		return -1;
	c->ufd = fd;
	snprintf(c->bound, sizeof c->bound, "%s", bound);
	snprintf(c->peer, sizeof c->peer, "%s", to);
	return 0;
}

int
wire_load(struct wire *w, struct lab *lab, const char *node_id, struct err *e)
{
	struct nic *v;
	int n, rc;

	if (net_nics_get(lab, node_id, &v, &n, e) != 0)
		return -1;
	rc = wire_load_nics(w, lab, node_id, v, n, e);
	nic_list_free(v, n);
	return rc;
}

int
wire_load_nics(struct wire *w, struct lab *lab, const char *node_id, const struct nic *v, int n,
    struct err *e)
{
	int rc = 0;
	uint32_t linked = 0;

	for (int i = 0; i < n; i++) {
		struct wire_nic *c;
		struct link l;
		struct err e1;
		int idx = v[i].idx, got;
		if (idx < 0 || idx >= WIRE_NICS || strcmp(v[i].attach, "link") != 0)
			continue;
		c = &w->nic[idx];
		got = link_of_nic(lab, node_id, idx, &l, &e1);
		if (got != 1) {
			if (got < 0 && rc == 0) {
				*e = e1;
				rc = -1;
			}
			continue;
		}
		int is_a = strcmp(l.a.id, node_id) == 0 && l.a.idx == idx;
		const struct link_end *me = is_a ? &l.a : &l.b, *peer = is_a ? &l.b : &l.a;
		if (wire_link(c, idx, me, peer, &e1) != 0) {
			if (rc == 0)
				*e = e1;
			rc = -1;
			continue;
		}
		linked |= 1u << idx;
		c->up = l.up;
		if (shape_parse(me->shape, &c->out, &e1) != 0)
			memset(&c->out, 0, sizeof c->out);
		if (!c->up)
			wire_queue_clear(c);
	}
	for (int i = 0; i < WIRE_NICS; i++)
		if (!(linked & (1u << i)))
			wire_unlink(&w->nic[i]);
	return rc;
}

/* ---- a node on another host ---- */

int
wire_here(const char *there, char *here, size_t len, struct err *e)
{
	struct sockaddr_storage sa, me;
	socklen_t sl, ml = sizeof me;
	int fd, rc;

	/* A UDP connect sends nothing: it only asks the routing table. */
	if (wire_addr(there, 9, &sa, &sl, e) != 0)
		return -1;
	fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(e, "cannot make a UDP socket");
	rc = connect(fd, (struct sockaddr *)&sa, sl) == 0 &&
	    getsockname(fd, (struct sockaddr *)&me, &ml) == 0 ? 0 : -1;
	if (rc != 0)
		err_sys(e, "this machine has no route to %s", there);
	close(fd);
	if (rc != 0)
		return -1;
	if (getnameinfo((struct sockaddr *)&me, ml, here, (socklen_t)len, NULL, 0, NI_NUMERICHOST) != 0)
		return err_set(e, "cannot tell this machine's address toward %s", there);
	return 0;
}

void
wire_plug_line(const struct wire_plug *p, char *buf, size_t len)
{
	snprintf(buf, len, "plug eth%d %s %d %s %d", p->idx, p->here, p->here_port, p->there,
	    p->there_port);
}

int
wire_plug_parse(const char *line, struct wire_plug *p)
{
	struct wire_plug q;
	char here[LINK_HOST_LEN], there[LINK_HOST_LEN];

	memset(&q, 0, sizeof q);
	if (sscanf(line, "plug eth%d %45s %d %45s %d", &q.idx, here, &q.here_port, there,
	    &q.there_port) != 5 || q.idx < 0 || q.idx >= WIRE_NICS || q.here_port < 1 ||
	    q.here_port > 65535 || q.there_port < 1 || q.there_port > 65535)
		return 0;
	snprintf(q.here, sizeof q.here, "%s", here);
	snprintf(q.there, sizeof q.there, "%s", there);
	*p = q;
	return 1;
}

/* The ports other runs of the lab recorded for their plugs, appended to
 * *v (*n of them). 0, or -1 with a message. */
static int
wire_plug_ports_taken(struct lab *lab, const char *node_id, int **v, int *n, struct err *e)
{
	sqlite3_stmt *st = db_query(lab->db, e, "SELECT net FROM runs WHERE node_id <> ? AND "
	    "net LIKE '%plug eth%'", "t", node_id);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		for (const char *l = t; l != NULL && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
			struct wire_plug q;
			if (!wire_plug_parse(l, &q))
				continue;
			*v = xreallocarray(*v, (size_t)*n + 2, sizeof **v);
			(*v)[(*n)++] = q.here_port;
			(*v)[(*n)++] = q.there_port;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(lab->db, e, "reading the ports of remote wires");
}

/* 1 when UDP port on host is held by a program of this machine (an
 * address not of this machine cannot be told: 0). */
static int
wire_port_held(const char *host, int port)
{
	struct sockaddr_storage sa;
	socklen_t sl;
	int fd, held;

	if (wire_addr(host, port, &sa, &sl, NULL) != 0 ||
	    (fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	held = bind(fd, (struct sockaddr *)&sa, sl) != 0 && errno == EADDRINUSE;
	close(fd);
	return held;
}

#define WIRE_PICK_TRIES 16

int
wire_plug_remote(struct wire *w, struct lab *lab, const char *node_id, struct wire_plug *p,
    int n, struct err *e)
{
	int fds[WIRE_NICS], *avoid = NULL, navoid = 0, pick = n > 0 && p[0].here_port == 0, rc = -1;

	if (n > WIRE_NICS)
		return err_set(e, "a node has at most %d NICs", WIRE_NICS);
	for (int i = 0; i < n; i++)
		fds[i] = -1;
	if (pick && (db_begin(lab->db, e) != 0 ||
	    wire_plug_ports_taken(lab, node_id, &avoid, &navoid, e) != 0))
		goto out;
	for (int tries = 0; ; tries++) {
		int ports[2 * WIRE_NICS], bad = 0;
		if (pick) {
			if (tries == WIRE_PICK_TRIES) {
				err_set(e, "no UDP ports free here and on the host after %d tries", tries);
				goto out;
			}
			if (link_ports_pick(lab, avoid, navoid, 2 * n, ports,
			    "the wires of a node on another host", e) != 0)
				goto out;
		}
		for (int i = 0; i < n && !bad; i++) {
			char what[16];
			if (pick) {
				p[i].here_port = ports[2 * i];
				p[i].there_port = ports[2 * i + 1];
			}
			snprintf(what, sizeof what, "eth%d", p[i].idx);
			if (pick && wire_port_held(p[i].there, p[i].there_port))
				bad = p[i].there_port;
			else if (wire_udp(what, pick ? "" : ", where its domain sends its frames (free it, "
			    "or restart the node)", p[i].here, p[i].here_port, p[i].there, p[i].there_port,
			    &fds[i], e) != 0) {
				/* Taken: pick again; anything else is the answer. */
				if (!pick || errno != EADDRINUSE)
					goto out;
				bad = p[i].here_port;
			}
		}
		if (!bad)
			break;
		for (int i = 0; i < n; i++)
			wire_close(&fds[i]);
		avoid = xreallocarray(avoid, (size_t)navoid + 1, sizeof *avoid);
		avoid[navoid++] = bad;
	}
	if (pick) {
		char *sig = xstrdup(""), line[160], *t;
		for (int i = 0; i < n; i++) {
			wire_plug_line(&p[i], line, sizeof line);
			t = xasprintf("%s%s\n", sig, line);
			free(sig);
			sig = t;
		}
		rc = net_record(lab, node_id, sig, e) != 0 || db_commit(lab->db, e) != 0 ? -1 : 0;
		free(sig);
		pick = 0;   /* committed or rolled back */
		if (rc != 0)
			goto out;
	}
	for (int i = 0; i < n; i++) {
		struct wire_nic *c = &w->nic[p[i].idx];
		wire_close(&c->qfd);
		c->qfd = fds[i];
		fds[i] = -1;
		c->plugged = c->qudp = 1;
	}
	rc = 0;
out:
	if (pick)
		db_rollback(lab->db);
	for (int i = 0; i < n; i++)
		wire_close(&fds[i]);
	free(avoid);
	return rc;
}

/* ---- frames ---- */

static void
wire_tap(struct wire *w, int idx, int dir, const void *p, size_t len)
{
	struct wire_rec r = { .caplen = (uint32_t)len, .dir = (uint32_t)dir,
	    .ts_us = wire_now_us(CLOCK_REALTIME) };

	if (w->tap != NULL)
		w->tap(idx, &r, p, w->tap_arg);
}

static int
wire_frame_before(const struct wire_frame *a, const struct wire_frame *b)
{
	return a->due_us < b->due_us || (a->due_us == b->due_us && a->seq < b->seq);
}

static void
wire_heap_push(struct wire_nic *c, struct wire_frame f)
{
	size_t i;

	if (c->nq == c->capq)
		c->q = xreallocarray(c->q, c->capq = c->capq ? c->capq * 2 : 64, sizeof *c->q);
	i = c->nq++;
	while (i > 0 && wire_frame_before(&f, &c->q[(i - 1) / 2])) {
		c->q[i] = c->q[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	c->q[i] = f;
}

static struct wire_frame
wire_heap_pop(struct wire_nic *c)
{
	struct wire_frame top = c->q[0], last = c->q[--c->nq];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1, m = i;
		const struct wire_frame *best = &last;
		if (l < c->nq && wire_frame_before(&c->q[l], best))
			best = &c->q[m = l];
		if (l + 1 < c->nq && wire_frame_before(&c->q[l + 1], best))
			best = &c->q[m = l + 1];
		if (m == i)
			break;
		c->q[i] = c->q[m];
		i = m;
	}
	if (c->nq > 0)
		c->q[i] = last;
	return top;
}

static void
wire_to_peer(struct wire_nic *c, const void *p, size_t len)
{
	/* Connected UDP: a peer not listening makes a later call fail with
	 * ECONNREFUSED; like a full buffer, that frame is lost. */
	if (send(c->ufd, p, len, MSG_DONTWAIT) == (ssize_t)len)
		c->st.to_peer++;
	else
		c->st.dropped++;
}

/* A frame from the guest, through this end's impairments. */
static void
wire_shape(struct wire *w, struct wire_nic *c, const unsigned char *p, size_t len)
{
	const int *v = c->out.v;
	int copies = 1 + wire_chance(w, v[SHAPE_DUPLICATE]);
	int64_t now, at;

	if (wire_chance(w, v[SHAPE_LOSS])) {
		c->st.dropped++;
		return;
	}
	for (int k = 0; k < copies; k++) {
		unsigned char *d;
		if (!v[SHAPE_DELAY] && !v[SHAPE_JITTER] && !v[SHAPE_RATE] && !v[SHAPE_CORRUPT]) {
			wire_to_peer(c, p, len);
			continue;
		}
		if (c->nq >= WIRE_QUEUE_MAX) {
			c->st.dropped++;
			continue;
		}
		now = wire_now_us(CLOCK_MONOTONIC);
		at = now;
		if (v[SHAPE_RATE]) {
			/* The line sends one frame at a time at rate kbit/s. */
			if (c->line_free_us > at)
				at = c->line_free_us;
			at += (int64_t)len * 8000 / v[SHAPE_RATE];
			c->line_free_us = at;
		}
		at += (int64_t)v[SHAPE_DELAY] * 1000;
		if (v[SHAPE_JITTER]) {
			int64_t j = (int64_t)(wire_rand(w) % (uint64_t)(2 * v[SHAPE_JITTER] * 1000 + 1)) -
			    (int64_t)v[SHAPE_JITTER] * 1000;
			at = at + j < now ? now : at + j;
		}
		d = xmalloc(len ? len : 1);
		memcpy(d, p, len);
		if (len > 0 && wire_chance(w, v[SHAPE_CORRUPT]))
			d[wire_rand(w) % len] ^= (unsigned char)(1u << (wire_rand(w) % 8));
		wire_heap_push(c, (struct wire_frame){ .due_us = at, .seq = c->seq++,
		    .len = (uint32_t)len, .data = d });
	}
}

static void
wire_from_guest(struct wire *w, int idx)
{
	struct wire_nic *c = &w->nic[idx];

	for (int i = 0; i < WIRE_BATCH && c->qfd >= 0; i++) {
		ssize_t n = recv(c->qfd, w->buf, sizeof w->buf, MSG_DONTWAIT);
		if (n < 0) {
			/* A domain not (yet) there made an earlier send fail: the
			 * socket stays, as on a link's own. */
			if (c->qudp && errno == ECONNREFUSED)
				continue;
			if (errno != EAGAIN && errno != EINTR)
				wire_close(&c->qfd);
			return;
		}
		c->st.from_guest++;
		wire_tap(w, idx, WIRE_FROM_GUEST, w->buf, (size_t)n);
		if (c->ufd < 0 || !c->up) {
			c->st.dropped++;
			continue;
		}
		wire_shape(w, c, w->buf, (size_t)n);
	}
}

static void
wire_from_peer(struct wire *w, int idx)
{
	struct wire_nic *c = &w->nic[idx];

	for (int i = 0; i < WIRE_BATCH && c->ufd >= 0; i++) {
		ssize_t n = recv(c->ufd, w->buf, sizeof w->buf, MSG_DONTWAIT);
		if (n < 0) {
			/* ECONNREFUSED: an earlier send found nobody; not ours to end. */
			if (errno == EAGAIN || errno == EINTR)
				return;
			continue;
		}
		c->st.from_peer++;
		if (!c->up || c->qfd < 0) {
			c->st.dropped++;
			continue;
		}
		wire_tap(w, idx, WIRE_TO_GUEST, w->buf, (size_t)n);
		if (send(c->qfd, w->buf, (size_t)n, MSG_DONTWAIT) == n)
			c->st.to_guest++;
		else
			c->st.dropped++;
	}
}

size_t
wire_pollfds(const struct wire *w, struct pollfd *p, size_t max)
{
	size_t n = 0;

	for (int i = 0; i < WIRE_NICS && n + 2 <= max; i++) {
		if (w->nic[i].qfd >= 0)
			p[n++] = (struct pollfd){ w->nic[i].qfd, POLLIN, 0 };
		if (w->nic[i].ufd >= 0)
			p[n++] = (struct pollfd){ w->nic[i].ufd, POLLIN, 0 };
	}
	return n;
}

void
wire_events(struct wire *w, const struct pollfd *p, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		if (p[j].revents == 0)
			continue;
		for (int i = 0; i < WIRE_NICS; i++) {
			struct wire_nic *c = &w->nic[i];
			if (p[j].fd == c->qfd) {
				if ((p[j].revents & POLLIN) || c->qudp)
					wire_from_guest(w, i);
				else
					wire_close(&c->qfd);  /* QEMU's end is gone */
				break;
			}
			if (p[j].fd == c->ufd) {
				wire_from_peer(w, i);
				break;
			}
		}
	}
	wire_due(w);
}

int
wire_timeout_ms(const struct wire *w)
{
	int64_t first = -1, now;

	for (int i = 0; i < WIRE_NICS; i++)
		if (w->nic[i].nq > 0 && (first < 0 || w->nic[i].q[0].due_us < first))
			first = w->nic[i].q[0].due_us;
	if (first < 0)
		return -1;
	now = wire_now_us(CLOCK_MONOTONIC);
	/* Rounded up: waking early would only find nothing due. */
	return first <= now ? 0 : (int)((first - now + 999) / 1000);
}

void
wire_due(struct wire *w)
{
	int64_t now = wire_now_us(CLOCK_MONOTONIC);

	for (int i = 0; i < WIRE_NICS; i++) {
		struct wire_nic *c = &w->nic[i];
		while (c->nq > 0 && c->q[0].due_us <= now) {
			struct wire_frame f = wire_heap_pop(c);
			if (c->ufd >= 0 && c->up)
				wire_to_peer(c, f.data, f.len);
			else
				c->st.dropped++;
			free(f.data);
		}
	}
}

void
wire_stats_get(const struct wire *w, int idx, struct wire_stats *out)
{
	if (idx >= 0 && idx < WIRE_NICS)
		*out = w->nic[idx].st;
	else
		memset(out, 0, sizeof *out);
}

/* ---- from other processes ---- */

int
wire_tell(struct lab *lab, const char *node_id, const char *name, struct err *e)
{
	char buf[512];
	size_t len = 0;
	int64_t until;
	int fd;

	if (!runstate_live(lab, node_id))
		return 0;
	fd = ctl_connect(lab, node_id, name, "ctl.sock", e);
	if (fd < 0)
		return runstate_live(lab, node_id) ? -1 : 0;
	if (write_all(fd, "wire\n", 5) != 0) {
		close(fd);
		return err_sys(e, "cannot talk to the keeper of %s", name);
	}
	/* The answer comes among step lines; only ours ends the wait. */
	until = mono_ms() + WIRE_TELL_MS;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int64_t left = until - mono_ms();
		char *nl;
		ssize_t n;
		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			close(fd);
			return err_set(e, "the keeper of %s did not answer within %d s", name,
			    WIRE_TELL_MS / 1000);
		}
		n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n <= 0) {
			close(fd);
			/* It ended meanwhile: the change waits for its next start. */
			return runstate_live(lab, node_id) ? err_set(e, "the keeper of %s went away", name) : 0;
		}
		len += (size_t)n;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			if (strcmp(buf, "wired") == 0) {
				close(fd);
				return 0;
			}
			if (strncmp(buf, "wire-pending ", 13) == 0) {
				sanitize_to(buf + 13, strlen(buf + 13), e->msg, sizeof e->msg);
				close(fd);
				return 1;
			}
			if (strncmp(buf, "wire-failed ", 12) == 0) {
				char shown[300];
				sanitize_to(buf + 12, strlen(buf + 12), shown, sizeof shown);
				close(fd);
				return err_set(e, "%s: %s", name, shown);
			}
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len + 1);
		}
		if (len == sizeof buf - 1)
			len = 0;
	}
}

int
wire_apply(struct lab *lab, const struct link *l, char *text, size_t len)
{
	struct net_note note = { 0 };
	struct err e, e2;
	int ra, rb;

	net_note_add(lab, &note, l->a.id, l->a.name);
	net_note_add(lab, &note, l->b.id, l->b.name);
	ra = wire_tell(lab, l->a.id, l->a.name, &e);
	rb = wire_tell(lab, l->b.id, l->b.name, ra >= 0 ? &e2 : &(struct err){ 0 });
	if (ra >= 0 && rb < 0)
		e = e2;
	if (ra < 0 || rb < 0)
		snprintf(text, len, "the change is in the lab, but a running wire did not take it: %s; "
		    "it takes effect when that node restarts", e.msg);
	else if (ra == 1 && rb == 1)
		snprintf(text, len, "%s; %s", e.msg, e2.msg);
	else if (ra == 1 || rb == 1) {
		/* A node on another host that cannot take it live says why;
		 * the other end, running here, took it. */
		const char *took = note.nrunning < 2 ? NULL : ra == 0 ? l->a.name : l->b.name;
		snprintf(text, len, "%s%s%s%s", took ? "in effect now on " : "", took ? took : "",
		    took ? "; " : "", ra == 1 ? e.msg : e2.msg);
	} else if (note.nrunning == 0)
		snprintf(text, len, "it is used from the next start");
	else if (note.nrunning == 1)
		snprintf(text, len, "in effect now on %s", note.running[0]);
	else
		snprintf(text, len, "in effect now on %s and %s", note.running[0], note.running[1]);
	return ra >= 0 && rb >= 0 ? 0 : -1;
}

int
wire_capture_connect(struct lab *lab, const char *node_key, int idx, struct err *e)
{
	struct node nd;
	char cmd[32], line[64];
	size_t len = 0;
	int fd;

	if (node_get(lab, node_key, &nd, e) != 0)
		return -1;
	fd = ctl_connect(lab, nd.id, nd.name, "ctl.sock", e);
	if (fd < 0) {
		node_clear(&nd);
		return -1;
	}
	snprintf(cmd, sizeof cmd, "capture %d\n", idx);
	if (write_all(fd, cmd, strlen(cmd)) != 0) {
		err_sys(e, "cannot talk to the keeper of %s", nd.name);
		goto fail;
	}
	/* One byte at a time up to the answer: what follows it is frames. */
	for (;;) {
		char ch;
		ssize_t n = read(fd, &ch, 1);
		if (n <= 0) {
			err_set(e, "the keeper of %s went away", nd.name);
			goto fail;
		}
		if (ch != '\n') {
			if (len < sizeof line - 1)
				line[len++] = ch;
			continue;
		}
		line[len] = '\0';
		len = 0;
		if (strcmp(line, "capturing") == 0)
			break;
		if (strncmp(line, "capture-failed ", 15) == 0) {
			char shown[64];
			sanitize_to(line + 15, strlen(line + 15), shown, sizeof shown);
			err_set(e, "%s: %s", nd.name, shown);
			goto fail;
		}
	}
	node_clear(&nd);
	return fd;
fail:
	node_clear(&nd);
	close(fd);
	return -1;
}
