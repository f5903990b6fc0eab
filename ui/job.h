/*
 * job.h: core calls that take seconds (start, stop, kill a node; the KVM
 * probe, an image import) run on a thread of their own with their own lab
 * handle, so the loop keeps drawing consoles and reading keys meanwhile.
 * JOB_SCAN takes in image files dropped into images/ by hand (image_scan). Each job's
 * steps and result come back as messages on one pipe the loop polls; the
 * thread touches nothing of the app.
 */
#ifndef SANDLAB_UI_JOB_H
#define SANDLAB_UI_JOB_H

#include <stdint.h>

struct app;

enum job_kind { JOB_START, JOB_STOP, JOB_KILL, JOB_PROBE, JOB_SCAN, JOB_IMPORT };

/* Starts a job on a node (by id; name for messages). 0, or -1 with a
 * message in the status line. */
int job_run(struct app *a, enum job_kind kind, const char *node_id, const char *name);

/* The fd the loop polls, or -1 before the first job. */
int job_fd(void);

/* Reads the messages that arrived: steps go to the status line, a finished
 * job reloads the model (and reattaches consoles). */
void job_drain(struct app *a);

/* 1 while a job acts on node_id. */
int job_busy(const char *node_id);

/* What an import says: its progress now and then, then its end once. */
struct job_import_report {
	int         ended;          /* 1: the import is over; rc says how */
	int         rc;
	uint64_t    copied, total;  /* bytes */
	const char *image_id;       /* when it ended well */
	const char *text;           /* at the end: what was imported, or why not */
};

/* Imports the disk image at path (as name; NULL: from the file name) on a
 * thread; job_drain calls report(a, r, arg) with its progress and its end.
 * One import at a time. 0, or -1 with a message in the status line. */
int job_import(struct app *a, const char *path, const char *name,
    void (*report)(struct app *a, const struct job_import_report *r, void *arg), void *arg);

/* Cancels the running import (if any): the copy stops and nothing of it is
 * kept; report is not called again, the status line tells the end. */
void job_import_cancel(void);

#endif
