/*
 * bufq.h: a byte queue: bytes waiting for a descriptor that is not ready
 * (a console client, the guest's serial line, QMP). The owner decides how
 * much it may hold; nothing here blocks.
 */
#ifndef SANDLAB_BUFQ_H
#define SANDLAB_BUFQ_H

#include <stddef.h>
#include <sys/types.h>

struct bufq {
	char  *buf;
	size_t head;   /* first queued byte */
	size_t len;    /* bytes queued */
	size_t cap;
};

void bufq_push(struct bufq *q, const void *p, size_t n);
/* Drops n bytes from the front. */
void bufq_drop(struct bufq *q, size_t n);
/* Writes what fd takes without blocking (send with MSG_NOSIGNAL on
 * sockets, write otherwise). Bytes written, or -1 on an error other than
 * EAGAIN/EINTR. */
ssize_t bufq_flush(struct bufq *q, int fd);
void bufq_free(struct bufq *q);

#endif
