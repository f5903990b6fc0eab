/*
 * capjob.h: captures the dashboard runs, one per link end at most, each
 * on a thread of its own writing a file in the lab's captures/ folder
 * through the core (capture.h), so the loop never waits on frames. A
 * capture ends when it is stopped from the links view, when its link is
 * gone (capjob_keep, after each reload), when its node stops (the wire's
 * stream ends), or when the dashboard quits (capjob_stop_all); the file
 * is complete in each case. SIGKILL of the dashboard leaves every frame
 * written before it (they are flushed one by one).
 */
#ifndef SANDLAB_UI_CAPJOB_H
#define SANDLAB_UI_CAPJOB_H

#include <stddef.h>

#include "lab.h"
#include "link.h"

/* Starts capturing NIC idx of node (id; name for the file name) into a
 * new file of captures/. 0 with the file's name (no folder) in
 * name[0..len), or -1 with a message. */
int capjob_start(struct lab *lab, const char *node_id, const char *node, int idx, char *name,
    size_t len, struct err *e);

/* Stops the capture of node_id:eth<idx> and waits for its file to be
 * complete: 1 with its file name in name[0..len), 0 when none ran. */
int capjob_stop(const char *node_id, int idx, char *name, size_t len);

/* 1 while a capture of node_id:eth<idx> runs. */
int capjob_running(const char *node_id, int idx);

/* The file name (no folder) of the running capture of node_id:eth<idx>,
 * or NULL; borrowed until the capture is stopped. */
const char *capjob_name(const char *node_id, int idx);

/* Stops the captures of ends that none of the links v[0..n) has. */
void capjob_keep(const struct link *v, size_t n);

/* How many captures run (or ended by themselves and are not reaped). */
size_t capjob_count(void);

/* Stops them all (the dashboard quits). */
void capjob_stop_all(void);

#endif
