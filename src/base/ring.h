/*
 * ring.h: the replay ring: the last bytes a guest wrote, which a console
 * client receives first when it attaches. Fixed size; the oldest bytes
 * fall out.
 */
#ifndef SANDLAB_RING_H
#define SANDLAB_RING_H

#include <stddef.h>

#include "bufq.h"

struct ring {
	char  *buf;
	size_t size;
	size_t start;  /* oldest byte */
	size_t len;
};

void ring_init(struct ring *r, size_t size);
void ring_add(struct ring *r, const void *p, size_t n);
/* Appends the ring's contents, oldest first, to q. */
void ring_copy(const struct ring *r, struct bufq *q);
void ring_free(struct ring *r);

#endif
