/*
 * runstate.h: whether a node's keeper is alive. The keeper holds an
 * exclusive flock on run/<node-id>/keeper.lock for its whole life; a pid
 * alone is never trusted.
 */
#ifndef SANDLAB_RUNSTATE_H
#define SANDLAB_RUNSTATE_H

#include "lab.h"

/* Path of the keeper lock of a node; caller frees. */
char *runstate_lock_path(const struct lab *lab, const char *node_id);

/* 1 while a keeper holds the node's lock, 0 otherwise. */
int runstate_live(const struct lab *lab, const char *node_id);

#endif
