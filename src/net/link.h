/*
 * link.h: point-to-point links between two NICs of two nodes. A link is
 * a pair of UDP sockets, one per end, each held by the wire of its node's
 * keeper (wire.h): an end listens on its own port and sends to the
 * other's. UDP needs no peer to start, so either node may start first and
 * either may restart alone. Ports come from NET_LINK_PORT_MIN..MAX,
 * unique in the lab and free on the host when chosen (and checked again
 * when a node starts). A link may be down, and each end has the
 * impairments of the frames it sends (shape.h); running wires are told
 * of a change by the caller (wire_tell), so it takes effect at once.
 * An end's address is 127.0.0.1 unless set (link_set, address): only
 * loopback unless the user asks for more; its port may be moved
 * (link_set, port) and the peer's wire then sends to the new one.
 * Every end's wire is on this machine, in its node's keeper, wherever
 * the node runs: a node on another host reaches its keeper's wire from
 * there (wire_plug_remote), so a link behaves the same whatever hosts
 * its nodes are placed on.
 */
#ifndef SANDLAB_LINK_H
#define SANDLAB_LINK_H

#include <stddef.h>

#include "lab.h"
#include "net.h"
#include "shape.h"

#define LINK_HOST_LEN 46        /* an IPv4 or IPv6 address as text */

struct link_end {
	char id[37];            /* node id */
	char name[64];
	int  idx;
	int  port;              /* where this end listens */
	int  port_set;          /* 1: the user chose port (link set --port) */
	char host[LINK_HOST_LEN];/* ... on this address of this machine (127.0.0.1 unless set) */
	char shape[SHAPE_TEXT_MAX]; /* impairments of the frames this end sends */
	/* The host its node is placed on, "" for this machine, and that
	 * host's address ("" when it has none: the node's NICs cannot reach
	 * their wires here). */
	char on_host[64];
	char on_addr[LINK_HOST_LEN];
	char pname[NIC_PORT_MAX];   /* the NIC's port name (portname.h), "" when none */
};

struct link {
	char            id[37];
	struct link_end a, b;
	int             up;     /* 0: the cable is pulled */
};

/* A change to a link made by link_set; NULL/-1 fields are unchanged. */
struct link_change {
	int         up;         /* -1, 0 or 1 */
	int         clear;      /* 1: the chosen directions lose their impairments first */
	int         out, in;    /* directions, seen from the named end: frames it sends, receives */
	long        v[SHAPE_NFIELDS];  /* -1: unchanged */
	/* The address the named end's wire listens on, and the other end
	 * sends to (its port stays), as an IP address; NULL: unchanged.
	 * Another host's address lets a peer there (a libvirt <interface
	 * type='udp'>, another sandlab) be this end; off loopback it is
	 * refused unless allow_remote. */
	const char *address;
	int         allow_remote;
	/* The UDP port the named end listens on (1024-65535), 0: unchanged.
	 * Refused when another link has it or another program holds it. */
	int         port;
};

/* Checks an end address as link_change.address gives it, into
 * host[0..len). 0, or -1 with a message. */
int link_address_parse(const char *text, int allow_remote, char *host, size_t len, struct err *e);

/* Links a_key:eth<a_idx> to b_key:eth<b_idx> (nodes by name or id):
 * two different nodes, NICs that exist, that no link has and that do not
 * use user-mode NAT. Both NICs become attach=link. */
int link_add(struct lab *lab, const char *a_key, int a_idx, const char *b_key, int b_idx,
    struct link *out, struct net_note *note, struct err *e);

/* n ports (at most 64) from the link range (NET_LINK_PORT_MIN..MAX, or
 * $SANDLAB_LINK_PORTS) that no link of the lab has, none of
 * avoid[0..navoid), each free on 127.0.0.1 now, into out; in the
 * caller's transaction. 0, or -1 with a message ("no two free UDP ports
 * left in 40000-40003 for " purpose). */
int link_ports_pick(struct lab *lab, const int *avoid, int navoid, int n, int *out, const char *purpose,
    struct err *e);

/* Inside the caller's transaction: the link row between two node ids,
 * with fresh ports, none of them in avoid[0..navoid) (ports the caller
 * gives ends next, with link_set_port), and both NICs attach=link; no
 * checks of its own beyond the database's (callers check first). */
int link_insert(struct lab *lab, const char *a_id, int a_idx, const char *b_id, int b_idx,
    const int *avoid, int navoid, struct link *out, struct err *e);

/* Removes a link named by either end ("r1:eth1") or by its id (or a
 * unique prefix of 4 or more characters); both NICs become attach=none. */
int link_rm(struct lab *lab, const char *what, struct link *out, struct net_note *note,
    struct err *e);

/* Changes a link named as link_rm does: up or down, impairments of
 * the chosen directions, and the named end's address and port. One transaction with an event on both nodes;
 * *out is the link as it is now. 0, or -1 with a message and nothing
 * changed. */
int link_set(struct lab *lab, const char *what, const struct link_change *c, struct link *out,
    struct err *e);

/* Inside the caller's transaction: sets a link's state (by id) as a lab
 * file gives it; texts already checked. */
int link_set_state(struct lab *lab, const char *id, int up, const char *a_shape,
    const char *b_shape, struct err *e);
/* Inside the caller's transaction: end b (0: a) of link id listens on
 * port from now on, a port the user chose: checked as link_change.port
 * says. 0, or -1 with a message naming the port. */
int link_set_port(struct lab *lab, const char *id, int b, int port, struct err *e);

/* The link a NIC (node id, index) is an end of: 1 with *out, 0 when it
 * has none, -1 with a message. */
int link_of_nic(struct lab *lab, const char *node_id, int idx, struct link *out, struct err *e);

/* Where an end listens, "127.0.0.9:40001" or "[::1]:40001", into
 * buf[0..len); 1 when that is off 127.0.0.1 (worth saying: another
 * host's end, or a test address), else 0. */
int link_end_addr(const struct link_end *end, char *buf, size_t len);

/* "up" (its node runs with this link), "restart" (its node runs without
 * the link's present set-up until it restarts: a NIC not on a wire) or
 * "stopped". */
const char *link_end_state(struct lab *lab, const struct link_end *end);

/* Every link, by the name of its `a` node, then its NIC index. */
int link_list(struct lab *lab, struct link **out, size_t *n, struct err *e);

#endif
