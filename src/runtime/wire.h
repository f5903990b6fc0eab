/*
 * wire.h: the live wires of one running node, held by its keeper: every
 * NIC that is not on user-mode NAT reaches the world only through here,
 * so links are added, removed, pulled, impaired and captured while QEMU
 * runs. Also the two requests other processes make of a running wire
 * (wire_tell, wire_capture_connect). The design and its reasons are at
 * the top of wire.c.
 */
#ifndef SANDLAB_WIRE_H
#define SANDLAB_WIRE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "lab.h"
#include "link.h"
#include "nic.h"

/* Frames as a capture client receives them on the keeper's control
 * socket after "capture N": this header (host byte order), then caplen
 * bytes of the Ethernet frame. */
struct wire_rec {
	uint32_t caplen;
	uint32_t dir;           /* WIRE_FROM_GUEST or WIRE_TO_GUEST */
	int64_t  ts_us;         /* CLOCK_REALTIME when the wire got it */
};
#define WIRE_FROM_GUEST 0
#define WIRE_TO_GUEST   1
#define WIRE_FRAME_MAX  65536

struct wire;

/* A frame passing NIC idx (either way), for captures. Borrowed bytes. */
typedef void (*wire_tap_fn)(int idx, const struct wire_rec *r, const void *frame, void *arg);

/* ---- in the keeper ---- */

struct wire *wire_new(wire_tap_fn tap, void *arg);
void wire_free(struct wire *w);

/* Before each QEMU: a fresh datagram socket pair for every NIC of v[0..n)
 * not on user-mode NAT. *mask gets bit idx for each; wire_qemu_fd gives
 * QEMU's end, which the keeper's child moves to NET_WIRE_FD_BASE + idx.
 * 0, or -1 with a message and no pair left open. */
int wire_plumb(struct wire *w, const struct nic *v, int n, uint64_t *mask, struct err *e);
int wire_qemu_fd(const struct wire *w, int idx);
/* 1 when NIC idx of the QEMU now running is on the wire. */
int wire_qemu_plugged(const struct wire *w, int idx);
/* After the fork: QEMU's ends are QEMU's alone. */
void wire_plumbed(struct wire *w);
/* QEMU ended: its sockets go; links stay bound for the next QEMU. */
void wire_unplug(struct wire *w);

/* Reads the node's links from the lab and applies them: binds, connects,
 * closes, pulls and shapes. 0, or -1 with a message (the NICs it could
 * set up are set up). */
int wire_load(struct wire *w, struct lab *lab, const char *node_id, struct err *e);
/* wire_load with the node's NICs v[0..n) as net_nics_get read them. */
int wire_load_nics(struct wire *w, struct lab *lab, const char *node_id, const struct nic *v, int n,
    struct err *e);

/* The most descriptors wire_pollfds gives. */
#define WIRE_POLLFDS_MAX (2 * 32)
/* The descriptors to poll, into p[0..max); how many. */
size_t wire_pollfds(const struct wire *w, struct pollfd *p, size_t max);
/* Serves what poll reported in p[0..n) (descriptors that changed since
 * wire_pollfds are skipped), then sends what is due. */
void wire_events(struct wire *w, const struct pollfd *p, size_t n);
/* Milliseconds until the next queued frame is due (-1: none). */
int wire_timeout_ms(const struct wire *w);
/* Sends every queued frame that is due. */
void wire_due(struct wire *w);

/* ---- a node on another host ---- */

/* One NIC of a node on another host, on its wire here: the domain's UDP
 * interface binds there:there_port (the host's address) and sends to
 * here:here_port, an address of this machine that the host reaches, in
 * place of the socketpair a local QEMU has. Fixed for the domain's life:
 * links change, go down, get impaired and captured here, and the domain
 * is never touched. */
struct wire_plug {
	int  idx;
	char here[LINK_HOST_LEN];
	int  here_port;
	char there[LINK_HOST_LEN];
	int  there_port;
};

/* The address of this machine that datagrams to there (an IP address)
 * leave from, as the routing table chooses it, into here[0..len). 0, or
 * -1 with why (no route, not an address). */
int wire_here(const char *there, char *here, size_t len, struct err *e);

/* Plugs each of p[0..n) into NIC p[i].idx's wire: a UDP socket bound to
 * here:here_port and connected to there:there_port, so the kernel takes
 * that NIC's frames only. With here_port 0 (a fresh domain) the ports
 * are picked first, two per NIC from the link range (link_ports_pick):
 * none another run of the lab recorded, here's bound now, there's free
 * when that address is this machine's; the picks go into the node's run
 * (net_record, wire_plug_line) in the same transaction, so two starts do
 * not pick alike. Given ports (a domain taken over) are bound as they
 * are. 0, or -1 with a message naming the port, and none plugged. */
int wire_plug_remote(struct wire *w, struct lab *lab, const char *node_id, struct wire_plug *p,
    int n, struct err *e);

/* "plug eth1 HERE PORT THERE PORT": the line a run records for p, and
 * back (1 when line is one, into *p; 0 when not). */
void wire_plug_line(const struct wire_plug *p, char *buf, size_t len);
int wire_plug_parse(const char *line, struct wire_plug *p);

/* Counters of NIC idx: frames from its guest, sent to the peer, from the
 * peer, given to the guest, dropped (down, impaired, or full). */
struct wire_stats {
	uint64_t from_guest, to_peer, from_peer, to_guest, dropped;
};
void wire_stats_get(const struct wire *w, int idx, struct wire_stats *out);

/* ---- from other processes ---- */

/* Tells the keeper of a running node (by id) to reload its wire, and
 * waits until it has: 0 (also when it is not running), 1 with why in *e
 * when it runs on another host that takes the change only when it
 * restarts, or -1 with a message. */
int wire_tell(struct lab *lab, const char *node_id, const char *name, struct err *e);
/* After a link change is committed: both ends told, as wire_tell, and
 * what that means in text ("in effect now on r1 and r2", "it is used from
 * the next start", what waits for a restart on another host and why, or
 * which wire did not take it). 0, or -1 when a running wire did not. */
int wire_apply(struct lab *lab, const struct link *l, char *text, size_t len);

/* A connection that receives NIC idx's frames of a running node (name or
 * id) as wire_rec records, until the node stops or it is closed; the fd
 * (blocking), or -1 with a message. */
int wire_capture_connect(struct lab *lab, const char *node_key, int idx, struct err *e);

#endif
