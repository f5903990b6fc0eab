/*
 * contype.h: the console a user works a node in, the rows of `contypes`:
 * `serial` (no row; the default) or `vnc`, for a guest whose console is
 * its screen (a GNS3 appliance's console_type vnc, spice or spice+agent,
 * a template made with --console vnc). A VNC-first node still has its
 * serial line, kept and logged by its keeper as any node's; what changes
 * is where `sandlab console` sends the user (README: "Console type").
 * This file owns the rows and checks what users give.
 */
#ifndef SANDLAB_CONTYPE_H
#define SANDLAB_CONTYPE_H

#include "lab.h"

#define CONTYPE_SERIAL "serial"
#define CONTYPE_VNC    "vnc"

/* "serial" or "vnc". Pure: 0, or -1 with a message. */
int contype_check(const char *type, struct err *e);

/* The node's console type (node_id: an id): 1 for vnc, 0 for serial (no
 * row), -1 with a message. */
int contype_is_vnc(struct lab *lab, const char *node_id, struct err *e);

/* Sets it (checked first, contype_check); serial removes the row. Runs in
 * the caller's transaction when one is open. 0, or -1 with a message and
 * nothing changed. */
int contype_set(struct lab *lab, const char *node_id, const char *type, struct err *e);

/* Inside the caller's transaction: to_id gets from_id's row, if any.
 * 0, or -1 with a message. */
int contype_copy(struct lab *lab, const char *from_id, const char *to_id, struct err *e);

#endif
