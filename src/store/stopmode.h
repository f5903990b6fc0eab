/*
 * stopmode.h: how a node is stopped (GNS3 calls it on_close), the rows of
 * `stopmodes`: `shutdown` sends an ACPI powerdown and waits out a grace
 * before QEMU is told to quit; `poweroff` quits at once, for guests that
 * ignore ACPI (the tiny boot-sector guest), whose grace would be spent
 * for nothing. A node without a row shuts down with the default grace.
 * The keeper reads the row when it is told to stop; this file owns the
 * rows and the checks of what users give.
 */
#ifndef SANDLAB_STOPMODE_H
#define SANDLAB_STOPMODE_H

#include "lab.h"

#define STOPMODE_GRACE_DEFAULT 30   /* seconds a shutdown waits for the guest */
#define STOPMODE_GRACE_MAX     600

struct stopmode {
	int poweroff;  /* 1: quit at once; 0: ACPI powerdown, grace, quit */
	int grace_s;   /* the shutdown's wait; STOPMODE_GRACE_DEFAULT when unset */
	/* 1 when given for this node, not a default (lab files write only
	 * these) */
	int method_set;
	int grace_set;
};

/* The node's stop method (node_id: an id): 0 with *out filled (shutdown
 * and the default grace when the node has no row), or -1 with a message
 * and *out at those defaults. */
int stopmode_get(struct lab *lab, const char *node_id, struct stopmode *out, struct err *e);

/* Changes: method NULL and grace_s -1 leave a field unchanged. Values
 * must be checked first (stopmode_check_*). Runs in the caller's
 * transaction when one is open. 0, or -1 with a message and nothing
 * changed. */
int stopmode_set(struct lab *lab, const char *node_id, const char *method, int grace_s, struct err *e);

/* Inside the caller's transaction: to_id gets from_id's row, if any.
 * 0, or -1 with a message. */
int stopmode_copy(struct lab *lab, const char *from_id, const char *to_id, struct err *e);

/* The longest grace of any node (the default when none is longer): how
 * long a stop may take at most. STOPMODE_GRACE_DEFAULT on a read error. */
int stopmode_grace_max(struct lab *lab);

/* "shutdown" or "poweroff". Pure: 0, or -1 with a message. */
int stopmode_check_method(const char *method, struct err *e);
/* Whole seconds, 0 to STOPMODE_GRACE_MAX. Pure: 0 with *out, or -1 with
 * a message. */
int stopmode_check_grace(const char *text, int *out, struct err *e);

/* The method's name. */
const char *stopmode_method(const struct stopmode *m);

#endif
