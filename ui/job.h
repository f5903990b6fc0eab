/*
 * job.h: core calls that take seconds (start, stop, kill a node; the KVM
 * probe) run on a thread of their own with their own lab handle, so the
 * loop keeps drawing consoles and reading keys meanwhile. JOB_SCAN takes in
 * image files dropped into images/ by hand (image_scan). Each job's
 * steps and result come back as messages on one pipe the loop polls; the
 * thread touches nothing of the app.
 */
#ifndef SANDLAB_UI_JOB_H
#define SANDLAB_UI_JOB_H

struct app;

enum job_kind { JOB_START, JOB_STOP, JOB_KILL, JOB_PROBE, JOB_SCAN };

/* Starts a job on a node (by id; name for messages). 0, or -1 with a
 * message in the status line. */
int job_run(struct app *a, enum job_kind kind, const char *node_id, const char *name);

/* The fd the loop polls, or -1 before the first job. */
int job_fd(void);

/* Reads the messages that arrived: steps go to the status line, a finished
 * job reloads the model (and reattaches consoles). */
void job_drain(struct app *a);

/* Jobs still running. */
int job_running(void);

/* 1 while a job acts on node_id. */
int job_busy(const char *node_id);

#endif
