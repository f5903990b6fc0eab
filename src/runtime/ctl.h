/*
 * ctl.h: reaching the keeper of a running node from another process: its
 * sockets in run/NODE/ (console.sock, live.sock, ctl.sock). Shared by
 * run.c (start, stop, consoles) and wire.c (link changes, captures), so
 * neither has to include the other.
 */
#ifndef SANDLAB_CTL_H
#define SANDLAB_CTL_H

#include "lab.h"

/* A blocking, close-on-exec connection to socket sock of the keeper of a
 * node (by id; name for messages), or -1 with a message ("r1 is not
 * running ..."). */
int ctl_connect(struct lab *lab, const char *node_id, const char *name, const char *sock,
    struct err *e);

#endif
