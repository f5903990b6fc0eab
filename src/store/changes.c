/*
 * changes.c: reads the change log that the schema's triggers write
 * (db.c, migration 15). Only reads: nothing here writes the log, so no
 * caller can forget to.
 */
#include "changes.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"

int
changes_last(struct lab *lab, int64_t *seq, struct err *e)
{
	sqlite3_stmt *st;
	int rc = db_kept_row(lab->db, &lab->kept, &st, "reading the change log", e, "SELECT COALESCE(max(seq), 0) FROM changes", "");

	*seq = 0;
	if (rc < 0)
		return -1;
	if (rc == 1) {
		*seq = sqlite3_column_int64(st, 0);
		db_kept_done(lab->kept, st);
	}
	return 0;
}

int
changes_stamp_read(struct lab *lab, struct changes_stamp *s, struct err *e)
{
	sqlite3_stmt *st;
	int rc = db_kept_row(lab->db, &lab->kept, &st, "reading the lab's data version", e, "PRAGMA data_version", "");

	memset(s, 0, sizeof *s);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		s->data_version = sqlite3_column_int64(st, 0);
		db_kept_done(lab->kept, st);
	}
	s->own_rows = sqlite3_total_changes64(lab->db);
	return 0;
}

int
changes_since(struct lab *lab, int64_t seq, struct change **out, size_t *n, int64_t *last,
    struct err *e)
{
	sqlite3_stmt *st;
	struct change *v = NULL;
	size_t len = 0;
	int rc, own_txn, full = 0;

	*out = NULL;
	*n = 0;
	*last = seq;
	/* One snapshot: the oldest kept and the rows after seq agree. */
	own_txn = sqlite3_get_autocommit(lab->db) && db_exec(lab->db, "BEGIN", NULL) == 0;
	/* min and max apart: each is then one end of the key, where both in
	 * one SELECT scanned the 4,096 rows kept (half of an update's
	 * instructions at 10,000 nodes). */
	rc = db_kept_row(lab->db, &lab->kept, &st, "reading the change log", e,
	    "SELECT COALESCE((SELECT min(seq) FROM changes), 0), COALESCE((SELECT max(seq) FROM changes), 0)", "");
	if (rc <= 0)
		goto done;
	{
		int64_t lo = sqlite3_column_int64(st, 0), hi = sqlite3_column_int64(st, 1);
		db_kept_done(lab->kept, st);
		/* Dropped rows, or a log younger than what we saw (a new lab). */
		if ((lo > seq + 1 && hi > seq) || hi < seq) {
			*last = hi;
			full = 1;
			goto done;
		}
		*last = hi;
	}
	st = db_kept_query(lab->db, &lab->kept, e, "SELECT c.node_id, n.id IS NULL FROM changes c LEFT JOIN nodes n "
	    "ON n.id = c.node_id WHERE c.seq > ? GROUP BY c.node_id", "I", seq);
	if (st == NULL) {
		rc = -1;
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (id == NULL || id[0] == '\0' || strlen(id) >= sizeof v->id) {
			full = 1;
			continue;
		}
		v = xreallocarray(v, len + 1, sizeof *v);
		memcpy(v[len].id, id, strlen(id) + 1);
		v[len++].gone = sqlite3_column_int(st, 1);
	}
	db_kept_done(lab->kept, st);
	rc = rc == SQLITE_DONE ? 0 : db_fail(lab->db, e, "reading the change log");
done:
	if (own_txn)
		db_rollback(lab->db);
	if (rc < 0 || full) {
		free(v);
		return rc < 0 ? -1 : 1;
	}
	*out = v;
	*n = len;
	return 0;
}
