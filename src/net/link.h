/*
 * link.h: point-to-point links between two NICs of two nodes. A link is
 * a pair of UDP sockets on 127.0.0.1 (QEMU's -netdev dgram): each end
 * listens on its own port and sends to the other's. UDP needs no peer to
 * start, so either node may start first and either may restart alone.
 * Ports come from NET_LINK_PORT_MIN..MAX, unique in the lab and free on
 * the host when chosen (and checked again when a node starts).
 */
#ifndef SANDLAB_LINK_H
#define SANDLAB_LINK_H

#include <stddef.h>

#include "lab.h"
#include "net.h"

struct link_end {
	char id[37];            /* node id */
	char name[64];
	int  idx;
	int  port;              /* where this end listens */
};

struct link {
	char            id[37];
	struct link_end a, b;
};

/* Links a_key:eth<a_idx> to b_key:eth<b_idx> (nodes by name or id):
 * two different nodes, NICs that exist, that no link has and that do not
 * use user-mode NAT. Both NICs become attach=link. */
int link_add(struct lab *lab, const char *a_key, int a_idx, const char *b_key, int b_idx,
    struct link *out, struct net_note *note, struct err *e);

/* Inside the caller's transaction: the link row between two node ids,
 * with fresh ports, and both NICs attach=link; no checks of its own
 * beyond the database's (callers check first). */
int link_insert(struct lab *lab, const char *a_id, int a_idx, const char *b_id, int b_idx,
    struct link *out, struct err *e);

/* Removes a link named by either end ("r1:eth1") or by its id (or a
 * unique prefix of 4 or more characters); both NICs become attach=none. */
int link_rm(struct lab *lab, const char *what, struct link *out, struct net_note *note,
    struct err *e);

/* "up" (its node runs with this link), "restart" (its node runs without
 * the link's present set-up until it restarts) or "stopped". */
const char *link_end_state(struct lab *lab, const struct link_end *end);

/* Every link, by the name of its `a` node, then its NIC index. */
int link_list(struct lab *lab, struct link **out, size_t *n, struct err *e);

#endif
