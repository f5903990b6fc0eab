/*
 * runrow.h: a node's row in the `runs` table: what its keeper last
 * reported (state, accelerator, VNC display, pids, how QEMU ended). Only
 * the node's keeper writes it, while it holds the node's lock; anyone
 * reads it, and reads it together with the lock (run.c). Also the pure
 * description of how QEMU ended, from the facts the keeper saw.
 */
#ifndef SANDLAB_RUNROW_H
#define SANDLAB_RUNROW_H

#include <sqlite3.h>
#include <stdint.h>

#include "util.h"

/* The longest detail of a run's end, its NUL included: as long as a line
 * of the keeper's report (KEEPER_LINE_MAX, keeper.h, is this limit), so
 * that `node show` and the dashboard read back a start's reason as whole
 * as the start itself said it. */
#define RUNROW_DETAIL_MAX 512

struct run_row {
	int     present;
	char    state[12];        /* starting, running, stopping, stopped, crashed */
	char    accel[8];
	char    accel_why[160];
	int     vnc_display;      /* -1: none */
	char    vnc_host[64];
	int     keeper_pid;
	int     qemu_pid;
	int64_t started_at;
	char    exit_kind[16];
	char    exit_detail[RUNROW_DETAIL_MAX];
	int64_t exit_at;
	int     host_lost;        /* running, but its host stopped answering */
};

/* Reads the row; r->present = 0 when the node never ran. */
int runrow_get(sqlite3 *db, const char *node_id, struct run_row *r, struct err *e);
/* The same, for many rows in a row: *st is prepared on the first call
 * (*st NULL) and reused; the caller finalizes it. */
int runrow_read(sqlite3 *db, sqlite3_stmt **st, const char *node_id, struct run_row *r, struct err *e);

/* The keeper's writes. Each is one transaction and adds an event. */
/* The row of a starting attempt: state starting, accelerator, VNC display
 * (already reserved by vnc_reserve), keeper pid. */
int runrow_starting(sqlite3 *db, const char *node_id, const char *accel, const char *accel_why,
    int keeper_pid, struct err *e);
int runrow_running(sqlite3 *db, const char *node_id, int qemu_pid, struct err *e);
int runrow_stopping(sqlite3 *db, const char *node_id, const char *how, struct err *e);
/* A running remote node's host stopped answering (reachable 0) or
 * answers again (1): host_lost, which runrow_running clears too; detail
 * (the host) goes into the event. */
int runrow_reachable(sqlite3 *db, const char *node_id, int reachable, const char *detail,
    struct err *e);
/* The end: state stopped or crashed, how QEMU ended; frees the display. */
int runrow_finish(sqlite3 *db, const char *node_id, const char *state, const char *kind,
    const char *detail, struct err *e);
/* The same, for an end that happened at `at` (a kept end record, see
 * runstate.h, applied later). */
int runrow_finish_at(sqlite3 *db, const char *node_id, const char *state, const char *kind,
    const char *detail, int64_t at, struct err *e);

/* What the keeper knew when QEMU ended. */
struct run_exit_facts {
	int  started;            /* QEMU had become ready */
	int  wait_status;        /* from waitpid */
	int  user_kill;          /* node kill */
	int  lock_lost;          /* the lock file was deleted: the keeper killed QEMU */
	int  stop_requested;     /* node stop (or SIGTERM to the keeper) */
	int  stop_grace_s;
	int  stop_quit_sent;     /* the grace ran out and quit was sent */
	int  stop_killed;        /* quit did not work either: SIGKILL */
	int  stop_poweroff;      /* the stop method poweroff: quit at once */
	int  shutdown_seen;      /* QMP SHUTDOWN event */
	int  shutdown_guest;
	char shutdown_reason[48];
	const char *stderr_tail; /* QEMU's last words, raw */
};

struct run_exit {
	char state[12];          /* stopped or crashed */
	char kind[16];           /* shutdown, crashed, killed, failed */
	char detail[RUNROW_DETAIL_MAX]; /* sanitised */
};

/* Pure. */
void run_exit_describe(const struct run_exit_facts *f, struct run_exit *out);

#endif
