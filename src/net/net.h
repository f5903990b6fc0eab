/*
 * net.h: the NICs of a node as the network sees them: model, MAC,
 * attachment (none, user-mode NAT with host port forwards, or a link,
 * link.h), and the UDP ports of its link. Changing a NIC only changes
 * rows; QEMU's side is qemu.h's, and a running node keeps what it was
 * started with until it restarts: the keeper records that (net_record),
 * and net_pending tells which NICs differ from it.
 */
#ifndef SANDLAB_NET_H
#define SANDLAB_NET_H

#include <stddef.h>
#include <stdint.h>

#include "lab.h"
#include "nic.h"
#include "qemu.h"

/* Links use UDP ports on 127.0.0.1 from this range; forwards may not. */
#define NET_LINK_PORT_MIN 40000
#define NET_LINK_PORT_MAX 49999
#define NET_NIC_IDX_MAX   31
#define NET_FWDS_MAX      64
/* QEMU finds the wire's end of ethN at this descriptor + N (qemu.h). */
#define NET_WIRE_FD_BASE  4

/* Host ports below this are privileged (only root may listen there, and
 * system services do): a forward from one is refused unless asked for
 * with net_forward_add_privileged. */
#define NET_FWD_PRIVILEGED 1024

/* Which of the nodes a change touched are running: the change reaches
 * them when they restart. */
struct net_note {
	int  nrunning;
	char running[2][64];
};

/* ---- pure ---- */

/* Pure parsers and checks: 0, or -1 with a message (outputs then
 * meaningless). */

/* "r1:eth0" into the node name (or id) and the NIC index. */
int net_ref_parse(const char *ref, char *node, size_t len, int *idx, struct err *e);
/* ref as net_ref_parse reads it, or NODE:PORT with a port name of one of
 * the node's NICs (portname.h; Gi0/1 as well as eth1), names matched
 * without case. A word that is a port name of one NIC and the ethN of
 * another is refused as ambiguous, naming both; an unknown name is
 * refused listing the node's names. 0 with node (its name as given) and
 * *idx, or -1 with a message. */
int net_ref_resolve(struct lab *lab, const char *ref, char *node, size_t len, int *idx, struct err *e);
/* "tcp:2222:22" (guest port may be left out with unforward: want_guest 0). */
int net_fwd_parse(const char *s, int want_guest, struct nic_fwd *out, struct err *e);
/* Host ports of forwards: 1-65535 outside the link range. */
int net_fwd_check(const struct nic_fwd *f, struct err *e);
/* The same, with privileged host ports allowed when allow_privileged. */
int net_fwd_check_ports(const struct nic_fwd *f, int allow_privileged, struct err *e);
/* "FIRST-LAST", the ports new links take theirs from (the environment's
 * SANDLAB_LINK_PORTS, so labs run side by side keep out of each other's
 * way): two ports or more, inside NET_LINK_PORT_MIN..MAX. */
int net_link_range_parse(const char *s, int *first, int *last, struct err *e);
/* "tcp:2222:22" into buf (at least 24 bytes). */
const char *net_fwd_format(const struct nic_fwd *f, char *buf, size_t len);

/* The QEMU view of v[0..n): one allocation, valid while v is. */
struct qemu_nic *net_qemu_nics(const struct nic *v, int n);
void net_qemu_nics_free(struct qemu_nic *q, int n);

/* One line per NIC of what QEMU is given ("eth1 virtio-net-pci MAC wire",
 * links and their ports being the wire's, not QEMU's); what the keeper
 * records at start. Caller frees. */
char *net_signature(const struct nic *v, int n);
/* The same for a node on another host whose NICs in off (bit idx) are on
 * no wire (its host had no address for them): their lines say "off",
 * which no NIC's rows give, so they show as waiting for a restart. */
char *net_signature_off(const struct nic *v, int n, uint64_t off);
/* Bits (1 << idx) of the NICs whose set-up in v differs from the
 * recorded signature `running`, NICs added or removed since included. */
unsigned net_pending(const char *running, const struct nic *v, int n);

/* "the link port 40000 of r1:eth1 ..." when a port this node's QEMU will
 * bind on 127.0.0.1 is taken by another program. */
int net_ports_check(const char *node_name, const struct nic *v, int n, struct err *e);
/* 1 when proto ("tcp"/"udp") port can be bound on 127.0.0.1 now. */
int net_port_free(const char *proto, int port);
/* The same on host (an IPv4 or IPv6 address as text); 0 when host is
 * not one. */
int net_port_free_at(const char *proto, const char *host, int port);

/* ---- the lab database ---- */

/* The NICs of a node (by id), by index, with links and forwards, from one
 * snapshot: 0 with *out (free with nic_list_free) and *n, or -1 with a
 * message and *out NULL, *n 0. */
int net_nics_get(struct lab *lab, const char *node_id, struct nic **out, int *n, struct err *e);

struct node;

/* qemu_node_argv(n, run, ...) for node n with its NICs as the rows say
 * now (links and forwards included). With sig, *sig is their signature
 * (caller frees). check_ports: first refuse when a port QEMU would bind
 * is taken. The argv (free with proc_argv_free), or NULL with a message
 * and *sig untouched. */
char **net_node_argv(struct lab *lab, const struct node *n, const struct qemu_cfg *run,
    int check_ports, char **sig, struct err *e);
/* net_node_argv with the node's NICs v[0..nn) as net_nics_get read them:
 * a keeper reads them once for the argv, the wire and the boot order. */
char **net_node_argv_nics(const struct node *n, const struct qemu_cfg *run, const struct nic *v,
    int nn, int check_ports, char **sig, struct err *e);

/* The signature its keeper recorded when the node (by id) last started
 * (NULL when none); caller frees. 0, or -1 with a message and *sig NULL. */
int net_running_get(struct lab *lab, const char *node_id, char **sig, struct err *e);
/* net_pending for a node (by id) and its NICs v as read: 0 when it is
 * not running. */
unsigned net_pending_node(struct lab *lab, const char *node_id, const struct nic *v, int n);
/* Called by the keeper with the signature of the QEMU it starts. 0, or
 * -1 with a message and the runs row unchanged. */
int net_record(struct lab *lab, const char *node_id, const char *sig, struct err *e);

/* Changes to one NIC of a node (name or id); NULL fields are unchanged.
 * attach is none or user (links are link.h's). */
struct net_change {
	const char *model;
	const char *mac;
	const char *attach;
};
/* net_nic_set, net_forward_add, net_forward_rm: each one transaction with
 * an event; note gets the node when it is running (note may be NULL).
 * 0, or -1 with a message and nothing changed. */
int net_nic_set(struct lab *lab, const char *node_key, int idx, const struct net_change *c,
    struct net_note *note, struct err *e);
int net_forward_add(struct lab *lab, const char *node_key, int idx, const struct nic_fwd *f,
    struct net_note *note, struct err *e);
/* The same for a host port below NET_FWD_PRIVILEGED, asked for explicitly. */
int net_forward_add_privileged(struct lab *lab, const char *node_key, int idx,
    const struct nic_fwd *f, struct net_note *note, struct err *e);
/* Removes the forward of that NIC with f's protocol and host port. */
int net_forward_rm(struct lab *lab, const char *node_key, int idx, const struct nic_fwd *f,
    struct net_note *note, struct err *e);

/* Inside the caller's transaction: one forward row; a host port already
 * forwarded in the lab is refused naming its owner. 0, or -1 with a
 * message and no row. */
int net_forward_insert(struct lab *lab, const char *node_id, int idx, const struct nic_fwd *f,
    struct err *e);

/* What a change means now, for the words after "linked ...; ": "it is
 * used from the next start", or which running nodes must restart. */
void net_note_text(const struct net_note *note, char *buf, size_t len);

/* Adds node (id) and its name to note when it is running. */
void net_note_add(struct lab *lab, struct net_note *note, const char *node_id, const char *name);

/* Inside a transaction: the node (name or id), its id and name, and the
 * NIC idx it must have. 0 with *nics (free with nic_list_free) and *n,
 * or -1 with a message ("r1 has no eth3 ...") and *nics NULL, *n 0. */
int net_node_nic(struct lab *lab, const char *node_key, int idx, char id[37], char *name,
    size_t len, struct nic **nics, int *n, struct err *e);

#endif
