/*
 * node.h: nodes, the VMs of a lab. A node is a row and a qcow2 overlay on
 * a base image; both come into being together or not at all (pending.h).
 * Runtime state (keeper, QEMU) is read from the `runs` table by the
 * runtime modules; this file owns the definition only.
 */
#ifndef SANDLAB_NODE_H
#define SANDLAB_NODE_H

#include <stdint.h>

#include "disk.h"
#include "hw.h"
#include "lab.h"
#include "nic.h"

#define NODE_RAM_MIN 16
#define NODE_RAM_MAX 1048576
#define NODE_CPUS_MAX 64
#define NODE_NICS_MAX 8
#define NODE_RAM_DEFAULT 256
#define NODE_CPUS_DEFAULT 1
#define NODE_NICS_DEFAULT 1
#define NODE_READY_MAX    512  /* bytes of a ready pattern, with its NUL */

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
	int      console_cols; /* the guest's terminal size (consize.h) */
	int      console_rows;
	char     ready[NODE_READY_MAX]; /* regex `lab up` waits for, or "" */
	int      nnics;
	struct nic *nics;      /* rows only (nic_each): no links, no forwards */
	struct hw hw;          /* its machine, images resolved to files */
	struct disk *disks;    /* its extra disks, by index (disk.h) */
	int      ndisks;
	char    *host;         /* where it runs: HOST_LOCAL or a hosts row's name */
};

/* Frees a node's strings and NICs and zeroes it; safe on a zeroed one. */
void node_clear(struct node *n);
/* Frees v[0..n) (node_list's result) and v. */
void node_list_free(struct node *v, size_t n);

struct node_spec {
	const char *name;
	const char *image;     /* image name or id */
	int         ram_mb;    /* 0 = default */
	int         cpus;      /* 0 = default */
	int         nics;      /* -1 = default */
	const char *accel;     /* NULL = auto */
	int         console_cols; /* 0 = default (consize.h) */
	int         console_rows;
	const char *ready;     /* NULL = none (node_check_ready) */
	const char *hw[HW_NKEYS]; /* machine fields (hw.h); NULL = default */
	const char *nic_model; /* of every NIC (nic.h); NULL = virtio-net-pci */
	const char *const *disks; /* extra disks as disk_parse reads them */
	int         ndisks;
	const char *host;      /* NULL or HOST_LOCAL = local, else a host's name */
	const char *console;   /* serial|vnc (contype.h): template_node_create's,
	                        * node_create leaves it; NULL = the template's */
};

/* Checks the spec, makes the overlay, the extra disks, the row and its NICs (fresh MACs),
 * by the pending.h protocol. 0 with *out filled (out may be NULL; caller
 * clears it), or -1 with a message, and then neither an overlay nor a row
 * is left. */
int node_create(struct lab *lab, const struct node_spec *s, struct node *out, struct err *e);

/* All nodes, by name, with their NICs, from one snapshot: 0 with *out
 * (free with node_list_free) and *n, or -1 with a message and nothing to
 * free. */
int node_list(struct lab *lab, struct node **out, size_t *n, struct err *e);
/* The same walk, one node at a time, so a big lab is never held whole:
 * fn gets each node by name, cleared after the call unless fn moves its
 * contents out (zeroing *n), and returns 0 to go on, or a positive value
 * to stop the walk, which is then returned. 0 at the end, or -1 with a
 * message (fn has seen the nodes before). */
typedef int (*node_each_fn)(struct node *n, void *arg);
int node_each(struct lab *lab, node_each_fn fn, void *arg, struct err *e);
/* The first limit nodes by name, whole (NICs and disks), as node_each
 * gives them, for a screen that shows those first: the rest are not
 * read. 0, fn's stop value, or -1 with a message. */
int node_first(struct lab *lab, size_t limit, node_each_fn fn, void *arg, struct err *e);
/* What a list of all nodes needs before it has them: how many, the
 * longest name (in bytes: names are ASCII, name.h) and how many are
 * placed on other hosts. 0, or -1 with a message and *c zeroed. */
struct node_counts {
	size_t n;
	int    longest;
	size_t remote;
};
int node_count(struct lab *lab, struct node_counts *c, struct err *e);
/* Calls fn with every node's name (borrowed for the call), by name: only
 * the names, for shell completion, which must stay fast on a big lab. */
int node_names(struct lab *lab, void (*fn)(const char *name, void *arg), void *arg, struct err *e);
/* By name (case-insensitive) or id: 0 with *out filled (caller clears
 * it), or -1 with a message ("no node named ...") and *out zeroed. */
int node_get(struct lab *lab, const char *key, struct node *out, struct err *e);
/* By id alone (whatever its name, even one that reads as another node's
 * id): as node_get, the message "no node has the id ...". */
int node_get_id(struct lab *lab, const char *id, struct node *out, struct err *e);

/* Changes: fields left at 0 / NULL / -1 are unchanged. */
struct node_changes {
	int         ram_mb;
	int         cpus;
	int         nics;      /* -1 = unchanged */
	const char *nic_model; /* of every NIC, added ones too (nic.h); NULL = unchanged */
	const char *accel;
	const char *hw[HW_NKEYS]; /* machine fields (hw.h); NULL = unchanged */
	const char *const *disks_add; /* extra disks to add (disk_parse) */
	int         ndisks_add;
	const int  *disks_rm;  /* indexes of extra disks to remove */
	int         ndisks_rm;
	const char *host;      /* NULL = unchanged; HOST_LOCAL or a host's name */
};
/* All in one transaction. RAM, CPUs, NICs, NIC model, accel and host are refused while
 * the node runs; machine fields and extra disks are not: a running node
 * shows them as pending a restart (node_hw_pending), and a removed disk's
 * file goes at once (a running QEMU keeps it open until it stops). NICs added get fresh MACs, and
 * lowering the count is refused while a NIC it would drop has a link or
 * a forward. 0, or -1 with a message and the node unchanged. */
int node_set(struct lab *lab, const char *key, const struct node_changes *c, struct err *e);
/* node_set and a rename (new_name NULL: none) in one transaction: both
 * are saved, or neither (nothing changed on failure). */
int node_set_rename(struct lab *lab, const char *key, const struct node_changes *c, const char *new_name,
    struct err *e);
/* Refused while the node runs or when the name is taken. 0, or -1 with a
 * message and the node unchanged. */
int node_rename(struct lab *lab, const char *key, const char *new_name, struct err *e);
/* A ready pattern: "" (none), or a POSIX extended regex that a lab file
 * can carry as one word (no spaces, tabs or control characters). Pure: 0,
 * or -1 with a message. */
int node_check_ready(const char *re, struct err *e);
/* Sets the node's ready pattern ("" clears it), running or not. 0, or -1
 * with a message and the node unchanged. */
int node_ready_set(struct lab *lab, const char *key, const char *re, struct err *e);
/* A fresh overlay on the same image (the old disk state is discarded),
 * fresh extra disks, and a UEFI node fresh NVRAM. Refused while the node
 * runs. 0, or -1 with a message, the old overlay in place and no new file
 * left. */
int node_reset(struct lab *lab, const char *key, struct err *e);
/* Removes the row (its NICs, links, forwards and disks go with it) and
 * then the overlay, the disks' files and its UEFI NVRAM. Refused while the node runs. 0, or -1 with a message and the
 * node unchanged (a crash after the commit leaves an overlay the next
 * lab_open removes). */
int node_rm(struct lab *lab, const char *key, struct err *e);

/* ---- building blocks for making nodes in bulk (lab import, clone) ---- */

/* A fresh random uuid, lowercase. */
void node_new_id(char id[37]);

/* A node's overlay in the making, by the pending.h protocol: made under
 * a temporary name recorded in the journal, moved into place inside the
 * transaction that records the node. */
struct node_disk {
	char   *tmp_abs;
	char   *file;          /* its name in overlays/, for the nodes row */
	char   *final_abs;
	int64_t entry;         /* journal entry */
	int     renamed;
};

/* A new overlay on backing (absolute, format fmt), or with copy_from a
 * copy of that overlay's current state on the same backing. 0 with *d
 * filled, or -1 with a message, no file and no journal entry left, and
 * *d zeroed. */
int node_disk_new(struct lab *lab, const char *backing, const char *fmt, const char *copy_from,
    struct node_disk *d, struct err *e);
/* The same for a blank qcow2 of size bytes with no backing file (an
 * extra disk, disk.h), or with copy_from a copy of that one. */
int node_disk_blank(struct lab *lab, uint64_t size, const char *copy_from, struct node_disk *d,
    struct err *e);
/* Inside the transaction: moves it into place and ends its journal entry.
 * 0, or -1 with a message; then roll back and node_disk_undo. */
int node_disk_place(struct lab *lab, struct node_disk *d, struct err *e);
/* After the transaction failed (rolled back): the file and its journal
 * entry go; d is cleared. Safe on a zeroed d. */
void node_disk_undo(struct lab *lab, struct node_disk *d);
/* After the transaction committed: d's strings go; d is cleared. */
void node_disk_free(struct node_disk *d);

/* Extra disks (disk.h) in the making, by the same protocol: the files
 * first, outside any transaction, then the rows inside it. */
struct node_disks {
	struct disk      *v;    /* owned copies of the disks being made */
	struct node_disk *nd;   /* the file of each */
	int               n;
};

/* Makes the file of each of v[0..n) (image disks resolved, disk.h): a
 * blank qcow2 or an overlay on its image, or with copy_from (may be
 * NULL; an entry NULL: a fresh one) a copy of that file as it is now. v
 * is unchanged; b gets copies. 0, or -1 with a message, no file left
 * and *b zeroed. */
int node_disks_make(struct lab *lab, const struct disk *v, int n, char *const *copy_from,
    struct node_disks *b, struct err *e);
/* Inside the transaction: the rows of node_id (each disk keeps its idx;
 * 0 takes the next free one) and the files moved into place. 0, or -1
 * with a message; then roll back and node_disks_undo. */
int node_disks_place(struct lab *lab, const char *node_id, struct node_disks *b, struct err *e);
/* After a rolled-back transaction: the files and their journal entries
 * go. Safe on a zeroed b. */
void node_disks_undo(struct lab *lab, struct node_disks *b);
/* After the commit: b's memory goes. */
void node_disks_free(struct node_disks *b);

/* One nodes row, inside the caller's transaction; values already checked.
 * 0, or -1 with a message ("a node named ... already exists", "image ...
 * was removed meanwhile") and no row. */
struct node_row {
	const char *id;
	const char *name;
	const char *image_id;
	const char *image_name;  /* for messages */
	const char *overlay_file;/* name in overlays/ */
	int         ram_mb;
	int         cpus;
	const char *accel;
	int         console_cols; /* 0 = default */
	int         console_rows;
	const char *ready;        /* NULL = none */
	const struct hw *hw;      /* NULL = defaults; image fields by id[] */
	const char *host;         /* NULL = local, else a hosts row's name as stored */
	int64_t     created_at;   /* 0 = now */
};
int node_row_insert(struct lab *lab, const struct node_row *r, struct err *e);

/* A UEFI machine h (else nothing): the NVRAM file of the overlay at
 * overlay, a copy of from_overlay's (clone --disk) or, when that is NULL
 * or has none, of OVMF's template (firmware.h). 0, or -1 with a message
 * and no file made. */
int node_vars_new(const struct hw *h, const char *overlay, const char *from_overlay, struct err *e);
/* 1 when the node runs on this machine (keeper and QEMU), 0 when it is
 * placed on another host (libvirt). */
int node_is_local(const struct node *n);
/* The host a node is to be placed on, by name (case-insensitive): NULL
 * into *out for `local`, else the name as the hosts row spells it
 * (caller frees). 0, or -1 with "no host named ...". */
int node_host_resolve(struct lab *lab, const char *name, char **out, struct err *e);

/* Checks values of a spec or changes; pure: 0, or -1 with a message. */
int node_check_ram(long mb, struct err *e);
int node_check_cpus(long n, struct err *e);
int node_check_nics(long n, struct err *e);
int node_check_accel(const char *a, struct err *e);

/* Fills h from the values given (vals[k] NULL: h keeps its value), each
 * checked (hw_check), image names looked up and their kinds checked (an
 * ISO is no kernel, a disk image no CD-ROM), then the whole (hw_check_all).
 * 0, or -1 with a message and h as it was given, partly changed. */
int node_hw_apply(struct lab *lab, struct hw *h, const char *const vals[HW_NKEYS], struct err *e);
/* Reads a machine from a row's columns from col on, laid out as nodes
 * has them in enum hw_key order, each image field as three columns: its
 * id, the image's name and file (templates are read the same way). */
void node_hw_from_row(struct lab *lab, sqlite3_stmt *st, int col, struct hw *h);
/* 1 when the node runs with another machine than its rows say (a change
 * made since it started), 0 when not or when it is stopped. */
int node_hw_pending(struct lab *lab, const struct node *n);
/* Records the machine a node's QEMU starts with (runs.hw) and spends its
 * boot-once. 0, or -1 with a message. */
int node_hw_started(struct lab *lab, const struct node *n, struct err *e);

#endif
