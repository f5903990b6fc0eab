/*
 * host.h: the hosts of a lab, the machines its nodes run on. `local` is
 * implicit (this machine, keeper and QEMU as always) and has no row;
 * every other host is a row with the libvirt URI that reaches it and the
 * address its peers' links send to. Talking to a host is remote.h's
 * job; this file owns the rows only.
 */
#ifndef SANDLAB_HOST_H
#define SANDLAB_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "lab.h"

#define HOST_LOCAL   "local"
#define HOST_URI_MAX 1024

struct host {
	char    *name;
	char    *uri;       /* qemu+ssh://user@machine/system, ... */
	char    *address;   /* where peers reach this host's links, or "" */
	int64_t  added_at;
	int      nodes;     /* how many nodes are placed on it */
};

void host_clear(struct host *h);
void host_list_free(struct host *v, size_t n);

/* Checks a URI: a libvirt QEMU URI (qemu://, qemu+ssh://, qemu+libssh://,
 * qemu+libssh2://, qemu+tcp://, qemu+tls://, qemu+unix://) of printable
 * characters, at most HOST_URI_MAX bytes. 0, or -1 with why. */
int host_check_uri(const char *uri, struct err *e);
/* Checks an address: an IPv4 or IPv6 literal of one machine (not any,
 * multicast or broadcast). 0, or -1 with why. */
int host_check_address(const char *address, struct err *e);

/* Adds a host. 0, or -1 with a message: a bad name, "local" or a name
 * already there, a bad URI or address. */
int host_add(struct lab *lab, const char *name, const char *uri, const char *address,
    struct err *e);

/* Every host, by name, with its node count: 0 with *out (free with
 * host_list_free) and *n, or -1 with a message. `local` is not in it. */
int host_list(struct lab *lab, struct host **out, size_t *n, struct err *e);

/* How many nodes are placed on hosts other than `local`: 0 or more, or
 * -1 with a message. */
int host_placed_nodes(struct lab *lab, struct err *e);

/* How many nodes run on `local`: 0 or more, or -1 with a message. */
int host_local_nodes(struct lab *lab, struct err *e);

/* By name (case-insensitive): 0 with *out (caller clears), or -1 with
 * "no host named ...". */
int host_get(struct lab *lab, const char *name, struct host *out, struct err *e);

/* Sets where the peers of a host's links reach it (an IP address, as
 * host_check_address). 0, or -1 with a message and nothing changed. */
int host_set_address(struct lab *lab, const char *name, const char *address, struct err *e);

/* Removes a host; refused (-1, naming up to a few of them) while nodes
 * are placed on it or templates name it, and for `local`. */
int host_rm(struct lab *lab, const char *name, struct err *e);

#endif
