/*
 * node.h: nodes, the VMs of a lab. A node is a row and a qcow2 overlay on
 * a base image; both come into being together or not at all (pending.h).
 * Runtime state (keeper, QEMU) is read from the `runs` table by the
 * runtime modules; this file owns the definition only.
 */
#ifndef SANDLAB_NODE_H
#define SANDLAB_NODE_H

#include <stdint.h>

#include "lab.h"

#define NODE_RAM_MIN 16
#define NODE_RAM_MAX 1048576
#define NODE_CPUS_MAX 64
#define NODE_NICS_MAX 8
#define NODE_RAM_DEFAULT 256
#define NODE_CPUS_DEFAULT 1
#define NODE_NICS_DEFAULT 1

struct nic {
	int   idx;
	char  model[24];       /* virtio-net-pci, e1000 */
	char  mac[18];         /* 52:54:00:xx:xx:xx */
	char  attach[8];       /* none, user, link */
};

struct node {
	char     id[37];
	char    *name;
	char     image_id[37];
	char    *image_name;
	char    *image_file;   /* absolute path of the base image */
	char    *image_format;
	char    *overlay;      /* absolute path */
	int      ram_mb;
	int      cpus;
	char     accel[8];     /* auto, kvm, tcg */
	int64_t  created_at;
	int      nnics;
	struct nic *nics;
};

void node_clear(struct node *n);
void node_list_free(struct node *v, size_t n);

struct node_spec {
	const char *name;
	const char *image;     /* image name or id */
	int         ram_mb;    /* 0 = default */
	int         cpus;      /* 0 = default */
	int         nics;      /* -1 = default */
	const char *accel;     /* NULL = auto */
};

/* Checks the spec, makes the overlay and the row. */
int node_create(struct lab *lab, const struct node_spec *s, struct node *out, struct err *e);

/* All nodes, by name. */
int node_list(struct lab *lab, struct node **out, size_t *n, struct err *e);
/* By name (case-insensitive) or id. */
int node_get(struct lab *lab, const char *key, struct node *out, struct err *e);

/* Changes: fields left at 0 / NULL / -1 are unchanged. */
struct node_changes {
	int         ram_mb;
	int         cpus;
	int         nics;      /* -1 = unchanged */
	const char *accel;
};
int node_set(struct lab *lab, const char *key, const struct node_changes *c, struct err *e);
int node_rename(struct lab *lab, const char *key, const char *new_name, struct err *e);
/* A fresh overlay on the same image (the old disk state is discarded). */
int node_reset(struct lab *lab, const char *key, struct err *e);
int node_rm(struct lab *lab, const char *key, struct err *e);

/* Checks values of a spec or changes; pure. */
int node_check_ram(long mb, struct err *e);
int node_check_cpus(long n, struct err *e);
int node_check_nics(long n, struct err *e);
int node_check_accel(const char *a, struct err *e);

#endif
