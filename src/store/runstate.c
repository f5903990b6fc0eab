/*
 * runstate.c: asks the kernel, through flock, whether a keeper lives;
 * keeps a keeper's end record when the db cannot take it, and tidies what
 * a dead keeper left.
 */
#include "runstate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* "state\nkind\ndetail\nat\n", zero-padded: the detail is shorter than
 * RUNROW_DETAIL_MAX, the state, kind and time fit in the rest. */
#define RUNSTATE_END_ROOM 1024
_Static_assert(RUNSTATE_END_ROOM > RUNROW_DETAIL_MAX + 11 + 15 + 20 + 4,
    "an end record holds the longest detail with its state, kind and time");

char *
runstate_lock_path(const struct lab *lab, const char *node_id)
{
	return xasprintf("%s/%s/keeper.lock", lab->run, node_id);
}

int
runstate_live(const struct lab *lab, const char *node_id)
{
	char *path = runstate_lock_path(lab, node_id);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int live = 0;

	free(path);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0)
		live = errno == EWOULDBLOCK;
	close(fd);
	return live;
}

static char *
runstate_file(const struct lab *lab, const char *node_id, const char *name)
{
	return xasprintf("%s/%s/%s", lab->run, node_id, name);
}

int
runstate_end_reserve(const struct lab *lab, const char *node_id, struct err *e)
{
	char *path = runstate_file(lab, node_id, "end");
	char zero[RUNSTATE_END_ROOM] = { 0 };
	int fd, rc = 0;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	/* Written, not just sized: a sparse file would need blocks later.
	 * write() allocates them (or reserves them, with delayed allocation),
	 * which is all the room needs. No fsync: it cost a start 10-15 ms on
	 * disk and bought nothing, since after a power cut no keeper runs and
	 * a zeroed or missing record reads the same (runstate_end_read). The
	 * record itself is synced when written (runstate_end_keep). */
	if (fd < 0 || write_all(fd, zero, sizeof zero) != 0) {
		rc = err_sys(e, "cannot reserve room for the end record in %s", path);
		if (fd >= 0)
			unlink(path);
	}
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

int
runstate_end_keep(const struct lab *lab, const char *node_id, const char *state,
    const char *kind, const char *detail, int64_t at)
{
	char *path = runstate_file(lab, node_id, "end");
	char rec[RUNSTATE_END_ROOM] = { 0 };
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int n, rc = -1;

	free(path);
	if (fd < 0)
		return -1;
	char one[RUNROW_DETAIL_MAX];

	/* One line: the detail comes sanitised, but a newline would end it. */
	snprintf(one, sizeof one, "%s", detail);
	for (char *q = one; *q; q++)
		if (*q == '\n')
			*q = ' ';
	n = snprintf(rec, sizeof rec - 1, "%s\n%s\n%s\n%lld\n", state, kind, one, (long long)at);
	/* Into the blocks written at reserve time: no allocation needed. */
	if (n > 0 && pwrite(fd, rec, sizeof rec, 0) == (ssize_t)sizeof rec && fdatasync(fd) == 0)
		rc = 0;
	close(fd);
	return rc;
}

void
runstate_end_drop(const struct lab *lab, const char *node_id)
{
	char *path = runstate_file(lab, node_id, "end");

	unlink(path);
	free(path);
}

/* Reads a kept record into r; 1 when there is one. */
static int
runstate_end_read(const struct lab *lab, const char *node_id, struct run_row *r)
{
	char *path = runstate_file(lab, node_id, "end");
	char rec[RUNSTATE_END_ROOM + 1], *f[4], *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	long long at;

	free(path);
	if (fd < 0)
		return 0;
	n = read(fd, rec, RUNSTATE_END_ROOM);
	close(fd);
	if (n <= 0)
		return 0;
	rec[n] = '\0';
	p = rec;
	for (int i = 0; i < 4; i++) {
		char *nl = strchr(p, '\n');
		if (nl == NULL)
			return 0;
		*nl = '\0';
		f[i] = p;
		p = nl + 1;
	}
	if ((strcmp(f[0], "stopped") != 0 && strcmp(f[0], "crashed") != 0) ||
	    sscanf(f[3], "%lld", &at) != 1)
		return 0;
	snprintf(r->state, sizeof r->state, "%s", f[0]);
	snprintf(r->exit_kind, sizeof r->exit_kind, "%s", f[1]);
	snprintf(r->exit_detail, sizeof r->exit_detail, "%s", f[2]);
	r->exit_at = at;
	return 1;
}

int
runstate_end_apply(struct lab *lab, const char *node_id, struct run_row *r)
{
	struct err e;

	if (!runstate_end_read(lab, node_id, r))
		return 0;
	if (runrow_finish_at(lab->db, node_id, r->state, r->exit_kind, r->exit_detail, r->exit_at,
	    &e) == 0)
		runstate_end_drop(lab, node_id);
	return 1;
}

int
runstate_settle(struct lab *lab, const char *node_id, struct run_row *r)
{
	static const char *const left[] = { "console.sock", "live.sock", "ctl.sock", "qmp.sock", "vnc.pw" };
	char *lock = runstate_lock_path(lab, node_id), *path;
	int fd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), kept = 0;
	struct stat a, b;

	/* Holding the lock proves no keeper lives; a keeper that opened the
	 * file meanwhile sees it unlinked once it gets the lock, and makes a
	 * new one (keeper_lock). */
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0 || fstat(fd, &a) != 0 ||
	    stat(lock, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		goto out;
	if ((kept = runstate_end_apply(lab, node_id, r)) == 0)
		runstate_end_drop(lab, node_id);   /* room reserved, never used */
	for (size_t i = 0; i < sizeof left / sizeof left[0]; i++) {
		path = runstate_file(lab, node_id, left[i]);
		unlink(path);
		free(path);
	}
	/* A kept record that the db did not take stays, and so does the
	 * lock that guards it. */
	path = runstate_file(lab, node_id, "end");
	if (access(path, F_OK) != 0)
		unlink(lock);
	free(path);
out:
	if (fd >= 0)
		close(fd);
	free(lock);
	return kept;
}
