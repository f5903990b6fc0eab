/*
 * snapshot.h: offline snapshots of a node's disk: internal qcow2
 * snapshots of its overlay, made, listed, applied and removed with
 * `qemu-img snapshot`. Changes need the node stopped (QEMU holds the
 * overlay while it runs); listing does not.
 */
#ifndef SANDLAB_SNAPSHOT_H
#define SANDLAB_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "lab.h"

struct snapshot {
	char     id[16];
	char     name[64];
	int64_t  date;          /* seconds since the epoch */
};

/* Snapshot names follow the node name rule and are not all digits
 * (qemu-img would read those as a snapshot id); pure. */
int snapshot_name_check(const char *name, struct err *e);

/* Snapshots of a node (name or id), oldest first. */
int snapshot_list(struct lab *lab, const char *node_key, struct snapshot **out, size_t *n,
    struct err *e);

/* name NULL: "snap-YYYYMMDD-HHMMSS". The name made goes to made[len]. */
int snapshot_create(struct lab *lab, const char *node_key, const char *name, char *made,
    size_t len, struct err *e);
/* The disk goes back to the snapshot; what was written since is lost. */
int snapshot_apply(struct lab *lab, const char *node_key, const char *name, struct err *e);
int snapshot_rm(struct lab *lab, const char *node_key, const char *name, struct err *e);

#endif
