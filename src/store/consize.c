/*
 * consize.c: a node's console size (see consize.h). Only this file
 * writes nodes.console_cols/console_rows after a node's row is made.
 */
#include "consize.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "sanitize.h"

int
consize_check(int cols, int rows, struct err *e)
{
	if (cols < CONSIZE_COLS_MIN || cols > CONSIZE_COLS_MAX || rows < CONSIZE_ROWS_MIN ||
	    rows > CONSIZE_ROWS_MAX)
		return err_set(e, "a console size is COLSxROWS with %d to %d columns and %d to %d rows",
		    CONSIZE_COLS_MIN, CONSIZE_COLS_MAX, CONSIZE_ROWS_MIN, CONSIZE_ROWS_MAX);
	return 0;
}

int
consize_parse(const char *s, int *cols, int *rows, struct err *e)
{
	char *end;
	long c, r;

	errno = 0;
	if (s == NULL || *s < '0' || *s > '9')
		goto bad;
	c = strtol(s, &end, 10);
	if (errno != 0 || (*end != 'x' && *end != 'X') || end[1] < '0' || end[1] > '9')
		goto bad;
	r = strtol(end + 1, &end, 10);
	if (errno != 0 || *end != '\0' || c > CONSIZE_COLS_MAX || r > CONSIZE_ROWS_MAX)
		goto bad;
	if (consize_check((int)c, (int)r, e) != 0)
		return -1;
	*cols = (int)c;
	*rows = (int)r;
	return 0;
bad:
	err_set(e, "a console size is COLSxROWS, e.g. 80x24 (%d to %d columns, %d to %d rows)",
	    CONSIZE_COLS_MIN, CONSIZE_COLS_MAX, CONSIZE_ROWS_MIN, CONSIZE_ROWS_MAX);
	return -1;
}

void
consize_format(int cols, int rows, char *buf, size_t len)
{
	snprintf(buf, len, "%dx%d", cols, rows);
}

int
consize_set(struct lab *lab, const char *key, int cols, int rows, struct err *e)
{
	sqlite3_stmt *st;
	char id[37], detail[32], shown[96];
	int rc, same;

	if (consize_check(cols, rows, e) != 0 || db_begin(lab->db, e) != 0)
		return -1;
	/* looked up as node_get does, by name or id; node.h is not included
	 * here, since node.c takes its defaults and limits from this file */
	st = db_prepare(lab->db, "SELECT id, console_cols = ?2 AND console_rows = ?3 FROM nodes "
	    "WHERE name = ?1 COLLATE NOCASE OR id = ?1", e);
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, cols);
	sqlite3_bind_int(st, 3, rows);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(st, 0));
		same = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		sanitize_to(key, strlen(key), shown, sizeof shown);
		err_set(e, "no node named \"%s\" (see: sandlab node ls)", shown);
		goto fail;
	}
	if (rc != SQLITE_ROW) {
		db_fail(lab->db, e, "looking up a node");
		goto fail;
	}
	if (same) {
		db_rollback(lab->db);
		return 0;   /* no write: open dashboards have nothing to re-read */
	}
	st = db_prepare(lab->db, "UPDATE nodes SET console_cols = ?, console_rows = ? WHERE id = ?", e);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int(st, 1, cols);
	sqlite3_bind_int(st, 2, rows);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_fail(lab->db, e, "changing the console size");
		goto fail;
	}
	consize_format(cols, rows, detail, sizeof detail);
	db_event(lab->db, id, "console-size", detail);
	return db_commit(lab->db, e);
fail:
	db_rollback(lab->db);
	return -1;
}
