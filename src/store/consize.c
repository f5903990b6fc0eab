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
#include "node.h"

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
	struct node n;
	sqlite3_stmt *st;
	char detail[32];
	int rc;

	if (consize_check(cols, rows, e) != 0 || db_begin(lab->db, e) != 0)
		return -1;
	if (node_get(lab, key, &n, e) != 0)
		goto fail;
	if (n.console_cols == cols && n.console_rows == rows) {
		node_clear(&n);
		db_rollback(lab->db);
		return 0;   /* no write: open dashboards have nothing to re-read */
	}
	st = db_prepare(lab->db, "UPDATE nodes SET console_cols = ?, console_rows = ? WHERE id = ?", e);
	if (st == NULL)
		goto fail_node;
	sqlite3_bind_int(st, 1, cols);
	sqlite3_bind_int(st, 2, rows);
	sqlite3_bind_text(st, 3, n.id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_fail(lab->db, e, "changing the console size");
		goto fail_node;
	}
	consize_format(cols, rows, detail, sizeof detail);
	db_event(lab->db, n.id, "console-size", detail);
	node_clear(&n);
	return db_commit(lab->db, e);
fail_node:
	node_clear(&n);
fail:
	db_rollback(lab->db);
	return -1;
}
