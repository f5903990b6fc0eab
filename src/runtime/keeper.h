/*
 * keeper.h: the keeper, one process per running node, detached from any
 * terminal. It holds the node's lock (runstate.h) for its whole life,
 * starts QEMU with the serial line already connected to itself, logs the
 * console, serves it to any number of clients, talks QMP, and records in
 * the `runs` row how QEMU ended. It is the hidden command
 * `sandlab __keeper`, started by run.c; nothing else should run it.
 *
 * Files in run/<node-id>/: keeper.lock, console.sock (raw bytes both
 * ways: replay, then live output; input goes to the guest), live.sock
 * (the same without the replay: for scripts that wait for new output), ctl.sock
 * (lines: "stop SECONDS", "stop -1" for the node's own stop method and
 * grace (stopmode.h), or "kill"; answers "step TEXT" lines and
 * "end STATE KIND DETAIL"). QMP is a socketpair, QEMU's end its fd 3:
 * no path for anyone else.
 */
#ifndef SANDLAB_KEEPER_H
#define SANDLAB_KEEPER_H

#include "runrow.h"

/* A stop with the node's own method and grace (stopmode.h): what
 * "stop -1" asks, and what SIGTERM to the keeper does. */
#define KEEPER_GRACE_NODE (-1)
/* How long QEMU has to go after QMP quit before it is killed. */
#define KEEPER_QUIT_WAIT_S 5
/* The longest line, its newline included, the keeper writes on its
 * report pipe and ctl.sock; run.c reads lines of up to this. A longer
 * text is cut to fit, never sent whole to be dropped as overlong. The
 * runs row keeps a run's end detail up to the same limit. */
#define KEEPER_LINE_MAX RUNROW_DETAIL_MAX

/* The word on the go pipe: 'g' and the node's id (36 characters). */
#define KEEPER_GO_LEN 37

/* argv after the command word: [--report-fd N] [--go-fd N] [--log]
 * [--vnc-host H] [--] NODE (a name or an id). --go-fd: wait there, before
 * taking the lock, for 'g' and the id of the node to start, the node
 * run.c checked (NODE may name another one by then, or none); anything
 * else: leave quietly. --log: diagnostics to logs/ID.keeper.log. Returns
 * the process's exit status. */
int keeper_main(const char *lab_dir, int argc, char **argv);

#endif
