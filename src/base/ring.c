/*
 * ring.c: a circular byte buffer of fixed size.
 */
#include "ring.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void
ring_init(struct ring *r, size_t size)
{
	memset(r, 0, sizeof *r);
	r->buf = xmalloc(size);
	r->size = size;
}

void
ring_add(struct ring *r, const void *p, size_t n)
{
	const char *s = p;
	size_t end, first;

	if (n >= r->size) {
		memcpy(r->buf, s + n - r->size, r->size);
		r->start = 0;
		r->len = r->size;
		return;
	}
	end = (r->start + r->len) % r->size;
	first = n < r->size - end ? n : r->size - end;
	memcpy(r->buf + end, s, first);
	memcpy(r->buf, s + first, n - first);
	if (r->len + n > r->size) {
		r->start = (r->start + r->len + n - r->size) % r->size;
		r->len = r->size;
	} else
		r->len += n;
}

void
ring_copy(const struct ring *r, struct bufq *q)
{
	size_t first = r->len < r->size - r->start ? r->len : r->size - r->start;

	bufq_push(q, r->buf + r->start, first);
	bufq_push(q, r->buf, r->len - first);
}

void
ring_free(struct ring *r)
{
	free(r->buf);
	memset(r, 0, sizeof *r);
}
