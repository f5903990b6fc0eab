/*
 * pending.c: the journal of half-made files (see pending.h for the
 * protocol). Recovery runs under the write lock, so it never races an
 * owner between its rename and its commit.
 */
#include "pending.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "proc.h"

int64_t
pending_add(sqlite3 *db, const char *tmp, const char *final, struct err *e)
{
	int64_t id = -1;
	int pid = (int)getpid();

	if (db_begin(db, e) != 0)
		return -1;
	if (db_run(db, "recording a new file", e, "INSERT INTO pending (tmp, final, pid, "
	    "start_time, created_at) VALUES (?, ?, ?, ?, ?)", "ttiII", tmp, final, pid,
	    (int64_t)proc_start_time(pid), now_s()) == 0)
		id = sqlite3_last_insert_rowid(db);
	if (id < 0 || db_commit(db, e) != 0) {
		db_rollback(db);
		return -1;
	}
	return id;
}

int64_t
pending_doomed(sqlite3 *db, const char *rel, struct err *e)
{
	if (db_run(db, "recording a file to remove", e, "INSERT INTO pending (tmp, final, pid, "
	    "start_time, created_at) VALUES (?, '', 0, 0, ?)", "tI", rel, now_s()) != 0)
		return -1;
	return sqlite3_last_insert_rowid(db);
}

int
pending_set_file(sqlite3 *db, int64_t id, const char *tmp_abs, struct err *e)
{
	struct stat sb;

	if (stat(tmp_abs, &sb) != 0)
		return err_sys(e, "cannot inspect %s", tmp_abs);
	return db_run(db, "recording a new file", e, "UPDATE pending SET ino = ? WHERE id = ?", "II",
	    (int64_t)sb.st_ino, id);
}

int
pending_done(sqlite3 *db, int64_t id, struct err *e)
{
	return db_run(db, "clearing a journal entry", e, "DELETE FROM pending WHERE id = ?", "I", id);
}

static void
pending_unlink(const char *root, const char *rel)
{
	char *p;

	if (rel == NULL || *rel == '\0' || strstr(rel, "..") != NULL || *rel == '/')
		return;
	p = xasprintf("%s/%s", root, rel);
	if (unlink(p) != 0 && errno != ENOENT)
		fprintf(stderr, "sandlab: cannot remove half-made %s: %s\n", p, strerror(errno));
	free(p);
}

void
pending_abandon(sqlite3 *db, const char *root, int64_t id)
{
	sqlite3_stmt *st;

	if (db_begin(db, NULL) != 0)
		return;
	if (db_row(db, &st, "reading the journal", NULL, "SELECT tmp FROM pending WHERE id = ?", "I",
	    id) == 1) {
		pending_unlink(root, (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (pending_done(db, id, NULL) != 0 || db_commit(db, NULL) != 0)
		db_rollback(db);
}

/* 1 when the final path is the file the dead owner made (same inode). */
static int
pending_final_is_ours(const char *root, const char *final, int64_t ino)
{
	struct stat sb;
	char *p;
	int ours;

	if (ino == 0 || final == NULL)
		return 0;
	p = xasprintf("%s/%s", root, final);
	ours = stat(p, &sb) == 0 && (int64_t)sb.st_ino == ino;
	free(p);
	return ours;
}

int
pending_recover(sqlite3 *db, const char *root, struct err *e)
{
	sqlite3_stmt *st;
	int any = 0;

	/* Cheap read first: the common case has nothing to do and takes no lock. */
	st = db_prepare(db, "SELECT 1 FROM pending LIMIT 1", e);
	if (st == NULL)
		return -1;
	any = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!any)
		return 0;

	if (db_begin(db, e) != 0)
		return -1;
	st = db_prepare(db, "SELECT id, tmp, final, pid, start_time, ino FROM pending", e);
	if (st == NULL) {
		db_rollback(db);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *tmp = (const char *)sqlite3_column_text(st, 1);
		const char *final = (const char *)sqlite3_column_text(st, 2);
		int pid = sqlite3_column_int(st, 3);
		uint64_t start = (uint64_t)sqlite3_column_int64(st, 4);
		int64_t ino = sqlite3_column_int64(st, 5);
		uint64_t now_start = proc_start_time(pid);

		if (now_start != 0 && now_start == start)
			continue; /* owner still working */
		pending_unlink(root, tmp);
		if (pending_final_is_ours(root, final, ino))
			pending_unlink(root, final);
		if (pending_done(db, id, e) != 0) {
			sqlite3_finalize(st);
			db_rollback(db);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return db_commit(db, e);
}
