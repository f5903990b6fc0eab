/*
 * nic.h: the NICs of a node, rows of `nics`, and their MAC addresses.
 * This module alone inserts, changes and removes those rows and makes
 * MACs (random, unique in the lab); node.h, net.h, link.h, labfile.h
 * and clone.h call it. What a NIC is attached to (links, forwards) is
 * the network's (net.h, link.h); this struct has room for it so one
 * type serves every reader.
 */
#ifndef SANDLAB_NIC_H
#define SANDLAB_NIC_H

#include <stddef.h>

#include "lab.h"

/* As the schema's defaults (db.c), for NICs made without a choice. */
#define NIC_MODEL_DEFAULT  "virtio-net-pci"
#define NIC_ATTACH_DEFAULT "none"
/* Longest NIC model name, with its NUL ("virtio-net-pci-non-transitional"). */
#define NIC_MODEL_MAX 40
/* Bytes of a port name with its NUL (portname.h: Gi0/1, ge-0/0/1). */
#define NIC_PORT_MAX 32

/* A host port forward of a user-mode NAT NIC (rows of `forwards`, net.h). */
struct nic_fwd {
	char proto[4];          /* tcp, udp */
	int  host_port;         /* on 127.0.0.1 */
	int  guest_port;
};

struct nic {
	int   idx;
	char  model[NIC_MODEL_MAX]; /* a QEMU NIC device: virtio-net-pci, e1000e, ... */
	char  mac[18];          /* 52:54:00:xx:xx:xx, lowercase */
	char  attach[8];        /* none, user, link */
	char  port[NIC_PORT_MAX];   /* its port name (portname.h), "" when none */
	/* Filled by net_nics_get (net.h) only; zero from nic_each. */
	/* attach link: the other end and the two UDP ports */
	char  link_id[37];
	char  peer_id[37];
	char  peer_name[64];
	int   peer_idx;
	char  peer_port[NIC_PORT_MAX];  /* the other end's port name, "" when none */
	int   local_port;
	int   remote_port;
	char  peer_host[46];    /* the address the other end's wire listens on, here */
	char  peer_on[64];      /* the host its node is placed on, "" for local */
	/* attach user */
	struct nic_fwd *fwds;
	int   nfwds;
};

/* Frees v[0..n) and their forwards; NULL is fine. */
void nic_list_free(struct nic *v, int n);

/* ---- pure ---- */

/* A unicast MAC "52:54:00:12:34:56" (any case) into lowercase. 0, or -1
 * with a message (out then holds nothing useful). */
int nic_mac_parse(const char *s, char out[18], struct err *e);
/* 0 when model can be a QEMU NIC device name (a word of letters,
 * digits, '_', '.', '-', no comma), else -1 with a message. Which ones
 * this QEMU has is qemuprobe_check_nic's (qemuprobe.h). */
int nic_model_check(const char *model, struct err *e);

/* ---- the lab database ---- */

/* Calls fn with each NIC row (idx, model, mac, attach, port; the rest zero) of
 * the node node_id, by index, or with node_id NULL of every node, by
 * node name and index. fn returns 0 to go on, or a positive value to
 * stop the walk, which is then returned. 0 at the end, or -1 with a
 * message when reading fails (fn has seen the rows before). Reads in the
 * caller's transaction when there is one. */
typedef int (*nic_each_fn)(const char *node_id, const struct nic *c, void *arg);
int nic_each(struct lab *lab, const char *node_id, nic_each_fn fn, void *arg, struct err *e);

/* Inside the caller's transaction: one NIC row, values already checked;
 * mac NULL: a fresh random one unique in the lab; port NULL or "": no
 * port name. A MAC already in the lab is refused naming its owner, a
 * port name another NIC of the node has naming that NIC. 0, or -1 with
 * a message and no row. */
int nic_insert(struct lab *lab, const char *node_id, int idx, const char *model, const char *mac,
    const char *attach, const char *port, struct err *e);

/* Inside the caller's transaction: NICs idx [from, to) of model (NULL:
 * the default), attached to nothing, with fresh MACs. 0, or -1 with a
 * message; the caller rolls back the ones already added. */
int nic_add(struct lab *lab, const char *node_id, int from, int to, const char *model,
    struct err *e);

/* Inside the caller's transaction: removes the NICs of node node_id
 * (called name in messages) from index from up. Refuses, naming the
 * first, when one of them is a link's end or has a forward, so lowering
 * a node's NIC count drops none unseen. 0, or -1 with a message and
 * nothing removed. */
int nic_rm_from(struct lab *lab, const char *node_id, const char *name, int from,
    struct err *e);

/* Inside the caller's transaction: sets the fields of one NIC that are
 * not NULL (values already checked; mac lowercase). A MAC that another
 * NIC has is refused naming it. 0, or -1 with a message; the caller
 * rolls back what was already set. */
int nic_update(struct lab *lab, const char *node_id, int idx, const char *model, const char *mac,
    const char *attach, struct err *e);

/* Inside the caller's transaction: NIC idx's port name (checked by
 * portname_check; "" removes it). A name another NIC of the node has is
 * refused naming that NIC. 0, or -1 with a message. */
int nic_set_port(struct lab *lab, const char *node_id, int idx, const char *port, struct err *e);

#endif
