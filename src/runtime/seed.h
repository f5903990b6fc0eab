/*
 * seed.h: the cloud-init NoCloud seed of a node, made at each start from
 * its cloud-init settings (cloudinit.h): a small ISO 9660 image labelled
 * `cidata` holding meta-data, user-data and network-config, which QEMU
 * attaches read-only as a CD-ROM. Also the node's ssh host key (made once
 * with ssh-keygen, given to the guest in user-data, pinned in the lab's
 * known_hosts) and, when a NAT NIC has no forward to guest port 22, one
 * on a free loopback port, so `sandlab ssh` has a way in.
 *
 *   LAB/seeds/<node id>/           0700
 *     ssh_host_ed25519_key[.pub]   0600
 *     cidata/{meta-data,user-data,network-config}   0600, what seed.iso holds
 *     seed.iso                     0600
 *   LAB/known_hosts                0600, one line per node: "sandlab-<id> KEY"
 */
#ifndef SANDLAB_SEED_H
#define SANDLAB_SEED_H

#include <stddef.h>

#include "lab.h"
#include "nic.h"

struct node;

/* Where the node's seed ISO is (made at each start when cloud-init is
 * on): LAB/seeds/<node id>/seed.iso. Caller frees. */
char *seed_path(const struct lab *lab, const char *node_id);

/* Brings the node's seed up to date: with cloud-init off, 0 and *iso
 * NULL; else 0 and *iso the seed's absolute path (caller frees), rebuilt
 * only when what goes into it changed. -1 with a message when a tool
 * (ssh-keygen, xorriso) or a file fails; nothing half-made is used. */
int seed_prepare(struct lab *lab, const struct node *n, char **iso, struct err *e);

/* The three files of a seed as text, from the node's settings and NICs
 * (nics[0..nnics), in guest order) and host_key_pub/priv (the guest's ssh
 * host key) and authorized (public keys, one a line). Pure, for tests:
 * each is YAML written by libyaml; user-data starts with #cloud-config
 * unless the user gave their own, which is kept as it is. Caller frees. */
struct cloudinit;
struct seed_files {
	char *meta_data;
	char *user_data;
	char *network_config;
};
void seed_files_make(const char *node_id, const char *name, const struct cloudinit *ci,
    const struct nic *nics, int nnics, const char *host_key_priv, const char *host_key_pub,
    const char *authorized, struct seed_files *out);
void seed_files_free(struct seed_files *f);

/* The lab's known_hosts file and a node's alias in it; caller frees. */
char *seed_known_hosts(const struct lab *lab);
char *seed_host_alias(const char *node_id);

#endif
