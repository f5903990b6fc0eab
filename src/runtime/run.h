/*
 * run.h: running nodes, as the CLI and the dashboard see them. Starting a
 * node spawns its keeper (keeper.h), which owns QEMU for the node's whole
 * life; these functions only ask keepers to act and read what they
 * recorded. A node's state comes from the keeper's lock (runstate.h) and
 * the `runs` row, never from a pid alone.
 *
 * The CLI's commands and the dashboard (its jobs and console pane) both
 * go through these functions, so a node starts, stops and reports its
 * state the same way from either.
 */
#ifndef SANDLAB_RUN_H
#define SANDLAB_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "lab.h"
#include "runrow.h"

enum run_state {
	RUN_STOPPED,
	RUN_STARTING,
	RUN_RUNNING,
	RUN_STOPPING,
	RUN_CRASHED,
};

struct run_info {
	enum run_state state;
	char     accel[8];          /* accelerator QEMU really runs with: kvm, tcg, or "" */
	char     accel_why[160];    /* why it fell back to tcg, or "" */
	char     vnc[64];           /* "127.0.0.1:5901", or "" when not running */
	int      vnc_display;       /* -1 when none */
	int64_t  started_at;        /* 0 when not running */
	char     exit_kind[16];     /* shutdown, crashed, killed, failed, or "" */
	char     exit_detail[RUNROW_DETAIL_MAX]; /* "signal 9", "status 1", why a start failed... */
	int64_t  exit_at;
	int      keeper_pid;
	int      qemu_pid;
	char     vnc_password[16];  /* the password the keeper made, or "" (vnc.h) */
	int      host_lost;         /* running on a host that stopped answering; its keeper
	                             * tries again (state stays RUN_RUNNING) */
};

/* "stopped", "starting", ... */
const char *run_state_name(enum run_state s);
/* What a user is shown: the state's name; "unreachable" for a node
 * running on a host that stopped answering; "orphaned" for a node on
 * another host whose keeper died (its domain may run on there). */
const char *run_state_shown(const struct run_info *ri);

/* The live state of one node (by id). */
int run_info_get(struct lab *lab, const char *node_id, struct run_info *out, struct err *e);

/* The live state of many nodes, for a listing: run_info_get's answers,
 * with one prepared statement, and the run folder read once so that a
 * node that never had a keeper costs no lock lookup. run_list_new never
 * fails (without the folder, every node is looked at). */
struct run_list;
struct run_list *run_list_new(struct lab *lab);
int run_list_get(struct run_list *l, const char *node_id, struct run_info *out, struct err *e);
void run_list_free(struct run_list *l);

/* Progress of a start or stop, one line per step ("sent ACPI powerdown"). */
typedef void (*run_step_cb)(const char *node_name, const char *step, void *arg);

/* Starts a node (by name or id) and waits until its keeper reports
 * running or failure. */
int run_start(struct lab *lab, const char *key, run_step_cb cb, void *arg, struct err *e);

/* ACPI powerdown, grace_s seconds, QMP quit, then kill; each step
 * reported. A node whose stop method is poweroff gets the quit at once;
 * grace_s RUN_GRACE_NODE takes the node's own grace. */
int run_stop(struct lab *lab, const char *key, int grace_s, run_step_cb cb, void *arg, struct err *e);

/* Kills QEMU at once (recorded as killed by the user). */
int run_kill(struct lab *lab, const char *key, run_step_cb cb, void *arg, struct err *e);

/* Asks the keeper of a running node to put the CD-ROM medium its row now
 * names into the drive (or eject it when the row names none), through
 * QMP, or for a node on another host through libvirt after the ISO's
 * upload there (its steps go to cb); the guest sees it at once. 0 once
 * it is done, or -1 with a message naming who refused (QEMU, libvirt on
 * the host) or why not (the node not running, its host unreachable). */
int run_cdrom(struct lab *lab, const char *key, run_step_cb cb, void *arg, struct err *e);

/* Connects to the node's console socket. The stream is raw bytes both
 * ways: the keeper sends its replay of recent output, then live output;
 * whatever the client writes goes to the guest's serial line. Returns a
 * connected, nonblocking, close-on-exec fd, or -1 with a message (not
 * running, no such node...). */
int run_console_connect(struct lab *lab, const char *key, struct err *e);

/* ---- additions to the contract (the dashboard may use them too) ---- */

#define RUN_GRACE_DEFAULT 30
/* As grace_s of run_stop: each node's own stop method and grace
 * (stopmode.h), which a node without one gives as RUN_GRACE_DEFAULT. */
#define RUN_GRACE_NODE (-1)

struct run_start_opts {
	const char *vnc_host;   /* NULL: 127.0.0.1; another address needs
	                         * $SANDLAB_VNC_PASSWORD, set over QMP */
};

/* Starts n nodes at once: every keeper is spawned first, then all are
 * waited for. errs[i] says why node i failed. Returns how many failed. */
int run_start_many(struct lab *lab, char *const *keys, int n, const struct run_start_opts *o,
    run_step_cb cb, void *arg, struct err *errs);

/* run_start_many in two halves, so that a command can start the keepers
 * before it opens the lab itself (lab_dir as lab_dir_choose gives it):
 * the keepers load and read their nodes while the caller opens the lab
 * and checks each key, and none takes a node's lock before
 * run_starts_finish says go (a key that is no node, or a node that is
 * already running, tells its keeper to leave). run_starts_finish frees s
 * and returns as run_start_many. */
struct run_starts;
struct run_starts *run_starts_spawn(const char *lab_dir, char *const *keys, int n,
    const struct run_start_opts *o);
int run_starts_finish(struct run_starts *s, struct lab *lab, run_step_cb cb, void *arg,
    struct err *errs);
/* Sends every keeper of s away (the lab could not be opened) and frees s. */
void run_starts_abandon(struct run_starts *s);

/* Stops n nodes at once (as run_stop). Returns how many failed. */
int run_stop_many(struct lab *lab, char *const *keys, int n, int grace_s, run_step_cb cb,
    void *arg, struct err *errs);

/* 1 when the node (by id) has a live keeper. */
int run_live(struct lab *lab, const char *node_id);

/* "12m 5s"-style uptime of a running node into buf, or "" */
void run_uptime(const struct run_info *ri, char *buf, size_t len);

/* As run_console_connect, without the replay: the client sees only what
 * the guest writes after it connected. */
int run_console_connect_live(struct lab *lab, const char *key, struct err *e);

/* The console log of a node (by id), and its rotated predecessor; caller frees. */
char *run_log_path(const struct lab *lab, const char *node_id);
char *run_log_old_path(const struct lab *lab, const char *node_id);

#endif
