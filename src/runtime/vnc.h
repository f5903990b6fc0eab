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

/* Every node's VNC asks for a password, random per start.
 *
 * Why a password and not a unix socket: VNC viewers connect over TCP, and
 * a loopback TCP port cannot be closed to other local users (the kernel
 * offers no peer credentials on TCP), so a unix socket in run/ would still
 * need a TCP bridge that any user could reach. A password works with every
 * viewer. QEMU gets it over QMP set_password, never in its argv or
 * environment; the keeper keeps a copy in run/<id>/vnc.pw (0600, in the
 * private run folder) for `sandlab vnc` and the dashboard to show. */
#define VNC_PASSWORD_LEN 8   /* VNC authentication uses 8 bytes at most */

/* A new random password (VNC_PASSWORD_LEN letters and digits) into buf. */
void vnc_password_new(char buf[VNC_PASSWORD_LEN + 1]);

/* Writes pw to the node's run folder, 0600; -1 and a message on failure. */
int vnc_password_save(const struct lab *lab, const char *node_id, const char *pw, struct err *e);

/* The password of a running node into buf, or "" when it has none. */
void vnc_password_read(const struct lab *lab, const char *node_id, char *buf, size_t len);

/* A node on another host: the port its VNC listens on, on that host's
 * loopback (libvirt chose it), kept by its keeper in run/<id>/vnc.port
 * (0600) for `sandlab vnc`. 0, or -1 and a message. */
int vnc_remote_port_save(const struct lab *lab, const char *node_id, int port, struct err *e);
/* That port, or -1 when the node's keeper kept none. */
int vnc_remote_port_read(const struct lab *lab, const char *node_id);
/* Removes the file (the keeper ends). */
void vnc_remote_port_rm(const struct lab *lab, const char *node_id);

#endif
