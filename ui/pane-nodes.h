/*
 * pane-nodes.h: the list of nodes with their runtime state.
 */
#ifndef SANDLAB_UI_PANE_NODES_H
#define SANDLAB_UI_PANE_NODES_H

#include <stdint.h>

#include "pane.h"

extern const struct pane_kind pane_nodes_kind;

/* "3m", "2h05", "4d07" for seconds of uptime; "<1m" under a minute. */
void pane_nodes_uptime(int64_t secs, char *buf, size_t len);

/* Seconds until the uptime text of a node started at `started` changes
 * (for the one timer an idle dashboard keeps while nodes run). */
int64_t pane_nodes_next_tick(int64_t started, int64_t now);

#endif
