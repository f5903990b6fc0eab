/*
 * capjob.c: the dashboard's captures. The connection to the keeper and
 * the file are made on the loop's thread (both are quick and local); the
 * thread only pumps frames from one descriptor into one file and is told
 * to stop through a pipe, so it touches nothing of the app. No process is
 * started: the frames come from the keeper's control socket.
 */
#include "capjob.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "util.h"
#include "wire.h"

#define CAPJOB_MAX 64

struct capjob {
	char       node_id[37];
	int        idx;
	char       name[256];
	int        stop[2];        /* the loop writes to [1] to end it */
	int        fd;             /* the wire's stream, until the thread has it */
	FILE      *out;
	pthread_t  th;
	atomic_int ended;          /* the thread is done (stopped, or the node stopped) */
};

static struct capjob *capjob_v[CAPJOB_MAX];
static size_t capjob_n;

static void *
capjob_main(void *arg)
{
	struct capjob *j = arg;
	struct err e;

	/* What went wrong is in the file (cut short); nobody waits to read it. */
	(void)capture_pump(j->fd, j->out, 0, j->stop[0], NULL, NULL, &e);
	atomic_store(&j->ended, 1);
	return NULL;
}

/* Ends job k (told to stop unless it ended), joins it, drops it. */
static void
capjob_end(size_t k)
{
	struct capjob *j = capjob_v[k];

	if (write(j->stop[1], "x", 1) < 0) {
		/* The pipe cannot be full (one byte, once): nothing to do. */
	}
	pthread_join(j->th, NULL);
	close(j->stop[0]);
	close(j->stop[1]);
	free(j);
	capjob_v[k] = capjob_v[--capjob_n];
}

static int
capjob_find(const char *node_id, int idx)
{
	for (size_t k = 0; k < capjob_n; k++)
		if (capjob_v[k]->idx == idx && strcmp(capjob_v[k]->node_id, node_id) == 0)
			return (int)k;
	return -1;
}

/* Captures whose node stopped ended by themselves: reaped here. */
static void
capjob_reap(void)
{
	for (size_t k = capjob_n; k-- > 0;)
		if (atomic_load(&capjob_v[k]->ended))
			capjob_end(k);
}

int
capjob_start(struct lab *lab, const char *node_id, const char *node, int idx, char *name,
    size_t len, struct err *e)
{
	struct capjob *j;
	char *path = NULL;
	const char *base;

	capjob_reap();
	if (capjob_find(node_id, idx) >= 0)
		return err_set(e, "%s:eth%d is being captured already", node, idx);
	if (capjob_n == CAPJOB_MAX)
		return err_set(e, "%d captures run already: stop one first", CAPJOB_MAX);
	j = xcalloc(1, sizeof *j);
	snprintf(j->node_id, sizeof j->node_id, "%s", node_id);
	j->idx = idx;
	if ((j->fd = wire_capture_connect(lab, node_id, idx, e)) < 0) {
		free(j);
		return -1;
	}
	if (capture_file_new(lab, node, idx, &j->out, &path, e) != 0) {
		close(j->fd);
		free(j);
		return -1;
	}
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	snprintf(j->name, sizeof j->name, "%s", base);
	free(path);
	if (pipe2(j->stop, O_CLOEXEC) != 0) {
		err_sys(e, "cannot start the capture");
		goto fail;
	}
	if (pthread_create(&j->th, NULL, capjob_main, j) != 0) {
		err_set(e, "cannot start the capture: no thread");
		close(j->stop[0]);
		close(j->stop[1]);
		goto fail;
	}
	capjob_v[capjob_n++] = j;
	snprintf(name, len, "%s", j->name);
	return 0;
fail:
	/* The file stays, empty but for the pcap header: capture rm removes it. */
	fclose(j->out);
	close(j->fd);
	free(j);
	return -1;
}

int
capjob_stop(const char *node_id, int idx, char *name, size_t len)
{
	int k = capjob_find(node_id, idx);

	if (k < 0)
		return 0;
	snprintf(name, len, "%s", capjob_v[k]->name);
	capjob_end((size_t)k);
	return 1;
}

int
capjob_running(const char *node_id, int idx)
{
	int k = capjob_find(node_id, idx);

	return k >= 0 && !atomic_load(&capjob_v[k]->ended);
}

const char *
capjob_name(const char *node_id, int idx)
{
	int k = capjob_find(node_id, idx);

	return k >= 0 && !atomic_load(&capjob_v[k]->ended) ? capjob_v[k]->name : NULL;
}

void
capjob_keep(const struct link *v, size_t n)
{
	for (size_t k = capjob_n; k-- > 0;) {
		const struct capjob *j = capjob_v[k];
		int linked = 0;
		for (size_t i = 0; i < n && !linked; i++)
			linked = (v[i].a.idx == j->idx && strcmp(v[i].a.id, j->node_id) == 0) ||
			    (v[i].b.idx == j->idx && strcmp(v[i].b.id, j->node_id) == 0);
		if (!linked || atomic_load(&j->ended))
			capjob_end(k);
	}
}

size_t
capjob_count(void)
{
	return capjob_n;
}

void
capjob_stop_all(void)
{
	while (capjob_n > 0)
		capjob_end(capjob_n - 1);
}
