/*
 * conlog.h: a node's console log: the guest's raw output appended to
 * logs/<node-id>.log, which is renamed to .log.1 (replacing the older one)
 * when it would grow past its cap, so the two together hold at most twice
 * the cap.
 */
#ifndef SANDLAB_CONLOG_H
#define SANDLAB_CONLOG_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define CONLOG_MAX_DEFAULT (4u << 20)
#define CONLOG_MAX_MIN (16u << 10)

struct conlog {
	char    *path;
	char    *old;   /* path.1 */
	int      fd;
	uint64_t size;
	uint64_t max;
};

/* The cap from $SANDLAB_LOG_MAX ("4M", "100k"...), else the default;
 * never below CONLOG_MAX_MIN. */
uint64_t conlog_max_from_env(void);

int conlog_open(struct conlog *l, const char *path, uint64_t max, struct err *e);
/* Appends; rotates first when the bytes would pass the cap. A failed
 * write is dropped (the guest must not wait for a full disk). */
void conlog_write(struct conlog *l, const void *p, size_t n);
void conlog_close(struct conlog *l);

#endif
