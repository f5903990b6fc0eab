/*
 * conlog.c: the capped, rotated console log. Writes are plain appends to a
 * regular file; the keeper calls it from its poll loop.
 */
#include "conlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t
conlog_max_from_env(void)
{
	const char *v = getenv("SANDLAB_LOG_MAX");
	uint64_t max;

	if (v == NULL || parse_size(v, &max) != 0)
		return CONLOG_MAX_DEFAULT;
	return max < CONLOG_MAX_MIN ? CONLOG_MAX_MIN : max;
}

static int
conlog_reopen(struct conlog *l, struct err *e)
{
	struct stat sb;

	l->fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (l->fd < 0)
		return err_sys(e, "cannot open console log %s", l->path);
	l->size = fstat(l->fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
	return 0;
}

int
conlog_open(struct conlog *l, const char *path, uint64_t max, struct err *e)
{
	memset(l, 0, sizeof *l);
	l->path = xstrdup(path);
	l->old = xasprintf("%s.1", path);
	l->max = max;
	if (conlog_reopen(l, e) != 0) {
		conlog_close(l);
		return -1;
	}
	return 0;
}

static void
conlog_rotate(struct conlog *l)
{
	close(l->fd);
	l->fd = -1;
	if (rename(l->path, l->old) != 0)
		unlink(l->path);
	if (conlog_reopen(l, NULL) != 0)
		l->fd = -1;
}

void
conlog_write(struct conlog *l, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0 && l->fd >= 0) {
		size_t room;
		if (l->size >= l->max)
			conlog_rotate(l);
		if (l->fd < 0)
			return;
		room = l->max - l->size;
		size_t k = n < room ? n : room;
		if (write_all(l->fd, s, k) != 0)
			return;
		l->size += k;
		s += k;
		n -= k;
	}
}

void
conlog_close(struct conlog *l)
{
	if (l->fd >= 0)
		close(l->fd);
	free(l->path);
	free(l->old);
	memset(l, 0, sizeof *l);
	l->fd = -1;
}
