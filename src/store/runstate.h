/*
 * runstate.h: whether a node's keeper is alive. The keeper holds an
 * exclusive flock on run/<node-id>/keeper.lock for its whole life; a pid
 * alone is never trusted. And what a keeper leaves when it cannot write
 * its end (a full disk) or dies (SIGKILL): its end record, kept in
 * run/<node-id>/end in room reserved while there was space, is applied by
 * the next reader of the lab, which also removes the dead keeper's
 * sockets and lock.
 */
#ifndef SANDLAB_RUNSTATE_H
#define SANDLAB_RUNSTATE_H

#include "lab.h"
#include "runrow.h"

/* Path of the keeper lock of a node; caller frees. */
char *runstate_lock_path(const struct lab *lab, const char *node_id);

/* 1 while a keeper holds the node's lock, 0 otherwise. */
int runstate_live(const struct lab *lab, const char *node_id);

/* Makes run/<id>/end with room for an end record, while there is space
 * to make it; -1 and a message on failure. */
int runstate_end_reserve(const struct lab *lab, const char *node_id, struct err *e);

/* Writes the end record into the reserved room (no new blocks needed);
 * -1 when it could not. */
int runstate_end_keep(const struct lab *lab, const char *node_id, const char *state,
    const char *kind, const char *detail, int64_t at);

/* Removes the record's room; for a keeper whose end is in the db. */
void runstate_end_drop(const struct lab *lab, const char *node_id);

/* For a caller that knows no keeper lives (it holds the lock, or
 * runstate_settle): applies a kept end record to the db. Returns 1 and
 * fills r (state, exit_*) when a record is kept, whether or not the db
 * took it (it stays kept until the db does); 0 when there is none. */
int runstate_end_apply(struct lab *lab, const char *node_id, struct run_row *r);

/* A reader that found no keeper alive: takes the lock to prove it, then
 * applies any kept end record and removes the dead keeper's sockets and
 * lock. Returns what runstate_end_apply returned (0 also when the lock
 * could not be taken: a keeper has just started). */
int runstate_settle(struct lab *lab, const char *node_id, struct run_row *r);

#endif
