/*
 * bufq.c: a growable byte queue that compacts instead of wrapping, so
 * queued bytes are always one contiguous run for write(2).
 */
#include "bufq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

void
bufq_push(struct bufq *q, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (q->head + q->len + n > q->cap) {
		if (q->head > 0) {
			memmove(q->buf, q->buf + q->head, q->len);
			q->head = 0;
		}
		if (q->len + n > q->cap) {
			size_t cap = q->cap ? q->cap : 4096;
			while (cap < q->len + n)
				cap *= 2;
			q->buf = xrealloc(q->buf, cap);
			q->cap = cap;
		}
	}
	memcpy(q->buf + q->head + q->len, p, n);
	q->len += n;
}

void
bufq_drop(struct bufq *q, size_t n)
{
	if (n >= q->len) {
		q->head = q->len = 0;
		return;
	}
	q->head += n;
	q->len -= n;
}

ssize_t
bufq_flush(struct bufq *q, int fd)
{
	size_t total = 0;

	while (q->len > 0) {
		ssize_t n = send(fd, q->buf + q->head, q->len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, q->buf + q->head, q->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		bufq_drop(q, (size_t)n);
		total += (size_t)n;
	}
	return (ssize_t)total;
}

void
bufq_free(struct bufq *q)
{
	free(q->buf);
	memset(q, 0, sizeof *q);
}
