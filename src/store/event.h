/*
 * event.h: reading the lab's event log (db_event writes it). The
 * dashboard's details pane shows a node's recent events through this.
 */
#ifndef SANDLAB_EVENT_H
#define SANDLAB_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "lab.h"

struct event {
	int64_t at;
	char   *kind;
	char   *detail;
};

/* Up to max most recent events of a node (by id), newest first. On
 * failure -1 with a message and *out NULL. */
int event_recent(struct lab *lab, const char *node_id, size_t max, struct event **out, size_t *n,
    struct err *e);
void event_list_free(struct event *v, size_t n);

/* The ids of the nodes still in the lab that have an event of this kind
 * (`lab up` marks the nodes it imports with "lab-up"). Caller frees each
 * and the array. */
int event_nodes_with(struct lab *lab, const char *kind, char ***ids, size_t *n, struct err *e);

#endif
