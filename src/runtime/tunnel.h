/*
 * tunnel.h: an ssh forward from this machine's loopback to another
 * host's (`sandlab vnc NODE --tunnel`): ssh as a child with an argv (no
 * shell), in a process group of its own, ended by its pid.
 */
#ifndef SANDLAB_TUNNEL_H
#define SANDLAB_TUNNEL_H

#include <sys/types.h>

#include "util.h"

/* A TCP port of 127.0.0.1 that is free now (the kernel's choice), or -1
 * and a message. Another process may take it before ssh binds it; ssh
 * then ends (ExitOnForwardFailure) and tunnel_open says so. */
int tunnel_free_port(struct err *e);

/* Starts argv (ssh -N -L local_port:...) and waits until 127.0.0.1:
 * local_port accepts a connection, at most timeout_ms: 0 with *pid, or
 * -1 with a message, the child ended. */
int tunnel_open(char *const *argv, int local_port, int timeout_ms, pid_t *pid, struct err *e);

/* 1 while the child runs; 0 once it ended (it is reaped). */
int tunnel_alive(pid_t pid);

/* Ends the child (SIGTERM, then SIGKILL after a second) and reaps it. */
void tunnel_close(pid_t pid);

#endif
