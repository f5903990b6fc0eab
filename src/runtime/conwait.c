/*
 * conwait.c: the poll loop behind conwait_run (see conwait.h). It wakes
 * only for console output, the deadline, and the caller's tick.
 */
#include "conwait.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

void
conwait_init(struct conwait *w, const char *name, int fd)
{
	w->name = name;
	w->fd = fd;
	w->state = CONWAIT_WAITING;
	w->t_ms = mono_ms();
	expect_init(&w->x);
}

void
conwait_free(struct conwait *w)
{
	expect_free(&w->x);
}

static void
conwait_set(struct conwait *w, enum conwait_state s, conwait_cb cb, void *arg)
{
	w->state = s;
	w->t_ms = mono_ms();
	if (cb != NULL)
		cb(w, arg);
}

/* Reads what the console has: 1 when the pattern matched, 0 when it did
 * not yet, -1 when the console closed. */
static int
conwait_read(struct conwait *w)
{
	char buf[65536];

	for (;;) {
		ssize_t got = read(w->fd, buf, sizeof buf);
		if (got > 0) {
			if (expect_feed(&w->x, buf, (size_t)got))
				return 1;
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		return got < 0 && errno == EAGAIN ? 0 : -1;
	}
}

size_t
conwait_run(struct conwait *v, size_t n, int64_t deadline, int tick_ms, conwait_cb cb, void *arg)
{
	struct pollfd *p = xcalloc(n ? n : 1, sizeof *p);
	size_t left = 0, failed = 0;
	int64_t next_tick = tick_ms > 0 ? mono_ms() + tick_ms : 0;

	/* Text kept from earlier reads may already match. */
	for (size_t i = 0; i < n; i++)
		if (v[i].state == CONWAIT_WAITING && expect_try(&v[i].x))
			conwait_set(&v[i], CONWAIT_MATCHED, cb, arg);
	for (;;) {
		int64_t now = mono_ms(), wait;
		left = 0;
		for (size_t i = 0; i < n; i++) {
			int on = v[i].state == CONWAIT_WAITING;
			p[i] = (struct pollfd){ on ? v[i].fd : -1, POLLIN, 0 };
			left += (size_t)on;
		}
		if (left == 0)
			break;
		if (now >= deadline) {
			for (size_t i = 0; i < n; i++)
				if (v[i].state == CONWAIT_WAITING)
					conwait_set(&v[i], CONWAIT_TIMEOUT, cb, arg);
			break;
		}
		wait = deadline - now;
		if (next_tick && next_tick - now < wait)
			wait = next_tick - now > 0 ? next_tick - now : 0;
		if (poll(p, n, (int)wait) < 0 && errno != EINTR)
			break;
		for (size_t i = 0; i < n; i++) {
			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			int r = conwait_read(&v[i]);
			if (r != 0)
				conwait_set(&v[i], r > 0 ? CONWAIT_MATCHED : CONWAIT_GONE, cb, arg);
		}
		if (next_tick && mono_ms() >= next_tick) {
			if (cb != NULL)
				cb(NULL, arg);
			next_tick = mono_ms() + tick_ms;
		}
	}
	free(p);
	for (size_t i = 0; i < n; i++)
		failed += v[i].state != CONWAIT_MATCHED;
	return failed;
}
