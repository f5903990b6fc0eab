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

#include "lab.h"
#include "qemu.h"

/* Links use UDP ports on 127.0.0.1 from this range; forwards may not. */
#define NET_LINK_PORT_MIN 40000
#define NET_LINK_PORT_MAX 49999
#define NET_NIC_IDX_MAX   31
#define NET_FWDS_MAX      64

struct net_fwd {
	char proto[4];          /* tcp, udp */
	int  host_port;         /* on 127.0.0.1 */
	int  guest_port;
};

/* Host ports below this are privileged (only root may listen there, and
 * system services do): a forward from one is refused unless asked for
 * with net_forward_add_privileged. */
#define NET_FWD_PRIVILEGED 1024

struct net_nic {
	int   idx;
	char  model[24];        /* virtio-net-pci, e1000 */
	char  mac[18];
	char  attach[8];        /* none, user, link */
	/* attach link: the other end and the two UDP ports */
	char  link_id[37];
	char  peer_id[37];
	char  peer_name[64];
	int   peer_idx;
	int   local_port;
	int   remote_port;
	/* attach user */
	struct net_fwd *fwds;
	int   nfwds;
};

/* Which of the nodes a change touched are running: the change reaches
 * them when they restart. */
struct net_note {
	int  nrunning;
	char running[2][64];
};

/* ---- pure ---- */

/* "r1:eth0" into the node name (or id) and the NIC index. */
int net_ref_parse(const char *ref, char *node, size_t len, int *idx, struct err *e);
/* A unicast MAC "52:54:00:12:34:56" (any case) into lowercase. */
int net_mac_parse(const char *s, char out[18], struct err *e);
int net_model_check(const char *model, struct err *e);
/* "tcp:2222:22" (guest port may be left out with unforward: want_guest 0). */
int net_fwd_parse(const char *s, int want_guest, struct net_fwd *out, struct err *e);
/* Host ports of forwards: 1-65535 outside the link range. */
int net_fwd_check(const struct net_fwd *f, struct err *e);
/* The same, with privileged host ports allowed when allow_privileged. */
int net_fwd_check_ports(const struct net_fwd *f, int allow_privileged, struct err *e);
/* "tcp:2222:22" into buf (at least 24 bytes). */
const char *net_fwd_format(const struct net_fwd *f, char *buf, size_t len);

/* The QEMU view of v[0..n): one allocation, valid while v is. */
struct qemu_nic *net_qemu_nics(const struct net_nic *v, int n);
void net_qemu_nics_free(struct qemu_nic *q, int n);

/* One line per NIC of what QEMU is given ("eth1 virtio-net-pci MAC link
 * 40000>40001"); what the keeper records at start. Caller frees. */
char *net_signature(const struct net_nic *v, int n);
/* Bits (1 << idx) of the NICs whose set-up in v differs from the
 * recorded signature `running`, NICs added or removed since included. */
unsigned net_pending(const char *running, const struct net_nic *v, int n);

/* "the link port 40000 of r1:eth1 ..." when a port this node's QEMU will
 * bind on 127.0.0.1 is taken by another program. */
int net_ports_check(const char *node_name, const struct net_nic *v, int n, struct err *e);
/* 1 when proto ("tcp"/"udp") port can be bound on 127.0.0.1 now. */
int net_port_free(const char *proto, int port);

/* ---- the lab database ---- */

/* The NICs of a node (by id), by index, with links and forwards. */
int net_nics_get(struct lab *lab, const char *node_id, struct net_nic **out, int *n, struct err *e);
void net_nics_free(struct net_nic *v, int n);

struct node;

/* qemu_node_argv for node n with its NICs as the rows say now (links and
 * forwards included). With sig, *sig is their signature (caller frees).
 * check_ports: first refuse when a port QEMU would bind is taken. */
char **net_node_argv(struct lab *lab, const struct node *n, const char *accel, int vnc_display,
    const char *vnc_host, int vnc_password, int qmp_fd, int check_ports, char **sig,
    struct err *e);

/* The signature its keeper recorded when the node (by id) last started
 * (NULL when none); caller frees. */
int net_running_get(struct lab *lab, const char *node_id, char **sig, struct err *e);
/* net_pending for a node (by id) and its NICs v as read: 0 when it is
 * not running. */
unsigned net_pending_node(struct lab *lab, const char *node_id, const struct net_nic *v, int n);
/* Called by the keeper with the signature of the QEMU it starts. */
int net_record(struct lab *lab, const char *node_id, const char *sig, struct err *e);

/* Changes to one NIC of a node (name or id); NULL fields are unchanged.
 * attach is none or user (links are link.h's). */
struct net_change {
	const char *model;
	const char *mac;
	const char *attach;
};
int net_nic_set(struct lab *lab, const char *node_key, int idx, const struct net_change *c,
    struct net_note *note, struct err *e);
int net_forward_add(struct lab *lab, const char *node_key, int idx, const struct net_fwd *f,
    struct net_note *note, struct err *e);
/* The same for a host port below NET_FWD_PRIVILEGED, asked for explicitly. */
int net_forward_add_privileged(struct lab *lab, const char *node_key, int idx,
    const struct net_fwd *f, struct net_note *note, struct err *e);
/* Removes the forward of that NIC with f's protocol and host port. */
int net_forward_rm(struct lab *lab, const char *node_key, int idx, const struct net_fwd *f,
    struct net_note *note, struct err *e);

/* Inside the caller's transaction: one NIC row with these values; a MAC
 * already in the lab is refused naming its owner. */
int net_nic_insert(struct lab *lab, const char *node_id, int idx, const char *model,
    const char *mac, const char *attach, struct err *e);
/* Inside the caller's transaction: a fresh random MAC unique in the lab. */
int net_mac_new(struct lab *lab, char out[18], struct err *e);
/* Inside the caller's transaction: one forward row; a host port already
 * forwarded in the lab is refused naming its owner. */
int net_forward_insert(struct lab *lab, const char *node_id, int idx, const struct net_fwd *f,
    struct err *e);

/* Refuses, naming the first, when a NIC of the node (by id) from index
 * from_idx up has a link or a forward: lowering a node's NIC count must
 * not drop them unseen. */
int net_nics_unused_from(struct lab *lab, const char *node_id, const char *name, int from_idx,
    struct err *e);

/* What a change means now, for the words after "linked ...; ": "it is
 * used from the next start", or which running nodes must restart. */
void net_note_text(const struct net_note *note, char *buf, size_t len);

/* Adds node (id) and its name to note when it is running. */
void net_note_add(struct lab *lab, struct net_note *note, const char *node_id, const char *name);

/* Inside a transaction: the node (name or id), its id and name, and the
 * NIC idx it must have. */
int net_node_nic(struct lab *lab, const char *node_key, int idx, char id[37], char *name,
    size_t len, struct net_nic **nics, int *n, struct err *e);

#endif
