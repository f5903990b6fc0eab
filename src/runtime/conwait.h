/*
 * conwait.h: waiting on one or more consoles at once until each shows its
 * pattern (expect.h), its node goes away, or a deadline passes. One poll
 * loop over the console sockets; used by `sandlab expect`, `node start
 * --wait-for` and `lab up`. The caller connects the sockets (run.h) and
 * sets each pattern; nothing here sends input.
 */
#ifndef SANDLAB_CONWAIT_H
#define SANDLAB_CONWAIT_H

#include <stddef.h>
#include <stdint.h>

#include "expect.h"

enum conwait_state {
	CONWAIT_WAITING,
	CONWAIT_MATCHED,    /* x.match holds what matched */
	CONWAIT_GONE,       /* the keeper closed the console: the node ended */
	CONWAIT_TIMEOUT,
};

struct conwait {
	const char *name;            /* node name, borrowed */
	int         fd;              /* console socket, the caller's to close */
	struct expect x;
	enum conwait_state state;
	int64_t     t_ms;            /* mono_ms() when the state last changed */
};

/* The caller owns w and fd; the pattern is set with expect_set(&w->x). */
void conwait_init(struct conwait *w, const char *name, int fd);
void conwait_free(struct conwait *w);

/* Called when a console's state changes, and with w NULL every tick_ms
 * while waiting (tick_ms 0: never), e.g. to redraw a progress table. */
typedef void (*conwait_cb)(struct conwait *w, void *arg);

/* Reads every console in CONWAIT_WAITING until it matches or ends; those
 * still waiting at deadline (mono_ms) time out. Returns how many of the n
 * did not match. */
size_t conwait_run(struct conwait *v, size_t n, int64_t deadline, int tick_ms, conwait_cb cb,
    void *arg);

#endif
