/*
 * changes.h: which nodes changed since a point, from the `changes` table
 * that triggers fill at every write to a node's rows (nodes, nics, disks,
 * runs), whichever process wrote. The dashboard re-reads those nodes
 * alone instead of the whole lab (ui/model.c).
 */
#ifndef SANDLAB_CHANGES_H
#define SANDLAB_CHANGES_H

#include <stddef.h>
#include <stdint.h>

#include "lab.h"

/* One changed node: its id, and whether its row is still there. */
struct change {
	char id[37];
	int  gone;
};

/* The newest change's number (0 when none was logged): a later
 * changes_since from it sees what comes after. 0, or -1 with a message. */
int changes_last(struct lab *lab, int64_t *seq, struct err *e);

/* What moves whenever anyone commits to the lab: sqlite's data_version
 * (commits of other connections) and this connection's own count of
 * rows written. Two equal stamps mean nothing was written between them:
 * a wake-up for the WAL's or the lab folder's sake alone (a checkpoint)
 * needs no reading. */
struct changes_stamp {
	int64_t data_version;
	int64_t own_rows;
};
/* 0 with *s, or -1 with a message. */
int changes_stamp_read(struct lab *lab, struct changes_stamp *s, struct err *e);

/* The nodes changed after seq, each once (caller frees *out), and in *last
 * the newest number read. 1 when the log cannot tell (changes after seq
 * were dropped from it, or a write touched many nodes): read everything
 * then; *out is NULL. 0 with the list, or -1 with a message. */
int changes_since(struct lab *lab, int64_t seq, struct change **out, size_t *n, int64_t *last,
    struct err *e);

#endif
