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

uint64_t
proc_start_time(int pid)
{
	char path[64], buf[1024];
	FILE *f;
	size_t n;
	char *p;
	int field;
	unsigned long long v = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and ')': fields restart after the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	p++;
	/* p now points before field 3; the start time is field 22. */
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p != NULL)
		sscanf(p, " %llu", &v);
	return v;
}

int64_t
pending_add(struct lab *lab, const char *tmp, const char *final, struct err *e)
{
	sqlite3_stmt *st;
	int64_t id = -1;
	int pid = (int)getpid();

	if (db_begin(lab->db, e) != 0)
		return -1;
	st = db_prepare(lab->db, "INSERT INTO pending (tmp, final, pid, start_time, created_at) "
	    "VALUES (?, ?, ?, ?, ?)", e);
	if (st == NULL)
		goto out;
	sqlite3_bind_text(st, 1, tmp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, final, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, pid);
	sqlite3_bind_int64(st, 4, (int64_t)proc_start_time(pid));
	sqlite3_bind_int64(st, 5, now_s());
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(lab->db, e, "recording a new file");
		goto out;
	}
	id = sqlite3_last_insert_rowid(lab->db);
out:
	sqlite3_finalize(st);
	if (id < 0 || db_commit(lab->db, e) != 0) {
		db_rollback(lab->db);
		return -1;
	}
	return id;
}

int64_t
pending_doomed(struct lab *lab, const char *rel, struct err *e)
{
	sqlite3_stmt *st;
	int64_t id = -1;

	st = db_prepare(lab->db, "INSERT INTO pending (tmp, final, pid, start_time, created_at) "
	    "VALUES (?, '', 0, 0, ?)", e);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, rel, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_s());
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(lab->db);
	else
		db_fail(lab->db, e, "recording a file to remove");
	sqlite3_finalize(st);
	return id;
}

int
pending_set_file(struct lab *lab, int64_t id, const char *tmp_abs, struct err *e)
{
	struct stat sb;
	sqlite3_stmt *st;
	int rc;

	if (stat(tmp_abs, &sb) != 0)
		return err_sys(e, "cannot inspect %s", tmp_abs);
	st = db_prepare(lab->db, "UPDATE pending SET ino = ? WHERE id = ?", e);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)sb.st_ino);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(lab->db, e, "recording a new file");
	sqlite3_finalize(st);
	return rc;
}

int
pending_done(struct lab *lab, int64_t id, struct err *e)
{
	sqlite3_stmt *st = db_prepare(lab->db, "DELETE FROM pending WHERE id = ?", e);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(lab->db, e, "clearing a journal entry");
	sqlite3_finalize(st);
	return rc;
}

static void
pending_unlink(struct lab *lab, const char *rel)
{
	char *p;

	if (rel == NULL || *rel == '\0' || strstr(rel, "..") != NULL || *rel == '/')
		return;
	p = xasprintf("%s/%s", lab->root, rel);
	if (unlink(p) != 0 && errno != ENOENT)
		fprintf(stderr, "sandlab: cannot remove half-made %s: %s\n", p, strerror(errno));
	free(p);
}

void
pending_abandon(struct lab *lab, int64_t id)
{
	sqlite3_stmt *st;

	if (db_begin(lab->db, NULL) != 0)
		return;
	st = db_prepare(lab->db, "SELECT tmp FROM pending WHERE id = ?", NULL);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			pending_unlink(lab, (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (pending_done(lab, id, NULL) != 0 || db_commit(lab->db, NULL) != 0)
		db_rollback(lab->db);
}

/* 1 when the final path is the file the dead owner made (same inode). */
static int
pending_final_is_ours(struct lab *lab, const char *final, int64_t ino)
{
	struct stat sb;
	char *p;
	int ours;

	if (ino == 0 || final == NULL)
		return 0;
	p = xasprintf("%s/%s", lab->root, final);
	ours = stat(p, &sb) == 0 && (int64_t)sb.st_ino == ino;
	free(p);
	return ours;
}

int
pending_recover(struct lab *lab, struct err *e)
{
	sqlite3_stmt *st;
	int any = 0;

	/* Cheap read first: the common case has nothing to do and takes no lock. */
	st = db_prepare(lab->db, "SELECT 1 FROM pending LIMIT 1", e);
	if (st == NULL)
		return -1;
	any = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!any)
		return 0;

	if (db_begin(lab->db, e) != 0)
		return -1;
	st = db_prepare(lab->db, "SELECT id, tmp, final, pid, start_time, ino FROM pending", e);
	if (st == NULL) {
		db_rollback(lab->db);
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
		pending_unlink(lab, tmp);
		if (pending_final_is_ours(lab, final, ino))
			pending_unlink(lab, final);
		if (pending_done(lab, id, e) != 0) {
			sqlite3_finalize(st);
			db_rollback(lab->db);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return db_commit(lab->db, e);
}
