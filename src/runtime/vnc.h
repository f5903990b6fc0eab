/*
 * vnc.h: VNC displays. A running node's display is unique in the lab (the
 * `runs.vnc_display` column is UNIQUE) and free on the host when chosen
 * (a bind test). Another process may still take the port before QEMU
 * binds it; the keeper then reserves another display and tries again.
 */
#ifndef SANDLAB_VNC_H
#define SANDLAB_VNC_H

#include "lab.h"

#define VNC_DISPLAYS 100     /* displays 0..99: ports 5900..5999 */

/* 1 when host:5900+display can be bound now (as QEMU binds it). */
int vnc_port_free(const char *host, int display);

/* Chooses the lowest display that no live node of the lab holds, that is
 * not in skip[0..nskip), and that is free on the host; records it in the
 * node's `runs` row (creating the row, state starting). Displays held by
 * rows whose keeper is gone are released first. */
int vnc_reserve(struct lab *lab, const char *node_id, const char *host, const int *skip,
    int nskip, int *display, struct err *e);

/* "127.0.0.1:5903" into buf. */
void vnc_address(const char *host, int display, char *buf, size_t len);

#endif
