/* Unit tests: the change log (changes.h) that the schema's triggers fill
 * and the dashboard reads: each node once with whether it is gone, a
 * write that touches many nodes, and a reader too far behind; and the
 * statements it keeps prepared (db.h): reused, fresh when nested, reading
 * what another connection wrote, prepared again after a schema change
 * and all finalized at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "changes.h"
#include "db.h"

static char dir[] = "/tmp/sandlab-unit-changes.XXXXXX";
static struct lab lab;

static int
setup(void **state)
{
	struct err e;
	char *p;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	p = xasprintf("%s/lab.db", dir);
	lab.db = db_open(p, &e);
	free(p);
	return lab.db ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	db_kept_free(lab.kept);
	lab.kept = NULL;
	/* Nothing kept is left open: the close succeeds. */
	if (sqlite3_next_stmt(lab.db, NULL) != NULL || sqlite3_close(lab.db) != SQLITE_OK)
		return -1;
	snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
sql(const char *s)
{
	struct err e;

	if (db_exec(lab.db, s, &e) != 0)
		fail_msg("%s: %s", s, e.msg);
}

static void
test_log(void **state)
{
	struct change *v;
	size_t n;
	int64_t seq, last;
	struct err e;

	(void)state;
	assert_int_equal(changes_last(&lab, &seq, &e), 0);
	assert_int_equal(seq, 0);
	assert_int_equal(changes_since(&lab, 0, &v, &n, &last, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(last, 0);

	/* An image is no node's change; a node made, changed and given a
	 * NIC is one node, once. */
	sql("INSERT INTO images (id, name, file, format, virtual_size, file_size, imported_at) "
	    "VALUES ('img-1', 'tiny', 'tiny.qcow2', 'qcow2', 1, 1, 0)");
	sql("INSERT INTO nodes (id, name, image_id, overlay, ram_mb, cpus, created_at) "
	    "VALUES ('node-a', 'a', 'img-1', 'a.qcow2', 64, 1, 0)");
	sql("INSERT INTO nodes (id, name, image_id, overlay, ram_mb, cpus, created_at) "
	    "VALUES ('node-b', 'b', 'img-1', 'b.qcow2', 64, 1, 0)");
	assert_int_equal(changes_last(&lab, &seq, &e), 0);
	assert_int_equal(seq, 2);
	sql("UPDATE nodes SET ram_mb = 128 WHERE id = 'node-a'");
	sql("INSERT INTO runs (node_id, state) VALUES ('node-a', 'stopped')");
	assert_int_equal(changes_since(&lab, 2, &v, &n, &last, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "node-a");
	assert_int_equal(v[0].gone, 0);
	assert_int_equal(last, 4);
	free(v);

	/* Removed: gone, with its cascaded rows logged under the same id. */
	sql("DELETE FROM nodes WHERE id = 'node-a'");
	assert_int_equal(changes_since(&lab, 4, &v, &n, &last, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "node-a");
	assert_int_equal(v[0].gone, 1);
	free(v);
	seq = last;

	/* An image's change is shown with each of its nodes: read all. */
	sql("UPDATE images SET name = 'tiny2' WHERE id = 'img-1'");
	assert_int_equal(changes_since(&lab, seq, &v, &n, &last, &e), 1);
	assert_null(v);
	assert_int_equal(changes_since(&lab, last, &v, &n, &last, &e), 0);
	assert_int_equal(n, 0);
	free(v);
	seq = last;

	/* 5,000 writes: the log keeps 4,096, so a reader from before them
	 * cannot be told what changed; one from within the kept ones can. */
	sql("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 5000) "
	    "INSERT INTO changes (node_id) SELECT 'node-b' FROM k");
	assert_int_equal(changes_since(&lab, seq, &v, &n, &last, &e), 1);
	assert_int_equal(last, seq + 5000);
	assert_int_equal(changes_since(&lab, seq + 4000, &v, &n, &last, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "node-b");
	free(v);
	/* A log younger than the reader (another lab.db): read all. */
	assert_int_equal(changes_since(&lab, seq + 9000, &v, &n, &last, &e), 1);
}

/* The count of rows in t through a kept statement, and how many columns
 * the statement has now. */
static const char kept_sql[] = "SELECT * FROM kept_t";

static int
kept_count(int *cols)
{
	sqlite3_stmt *st;
	struct err e;
	int n = 0, rc;

	st = db_kept_query(lab.db, &lab.kept, &e, kept_sql, "");
	assert_non_null(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n++;
	assert_int_equal(rc, SQLITE_DONE);
	*cols = sqlite3_column_count(st);
	db_kept_done(lab.kept, st);
	return n;
}

static void
test_kept(void **state)
{
	sqlite3_stmt *a, *b, *c;
	sqlite3 *other;
	struct err e;
	char *p;
	int64_t seq, last;
	struct change *v;
	size_t n;
	int cols;

	(void)state;
	sql("CREATE TABLE kept_t (a)");
	sql("INSERT INTO kept_t VALUES (1)");
	/* Kept: the same statement at the next call; while it is out, a
	 * fresh one (finalized by db_kept_done, which ASan would catch if
	 * it were kept or freed twice). */
	a = db_kept_query(lab.db, &lab.kept, &e, kept_sql, "");
	assert_non_null(a);
	b = db_kept_query(lab.db, &lab.kept, &e, kept_sql, "");
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	db_kept_done(lab.kept, b);
	db_kept_done(lab.kept, a);
	c = db_kept_query(lab.db, &lab.kept, &e, kept_sql, "");
	assert_ptr_equal(c, a);
	db_kept_done(lab.kept, c);
	/* A bad statement: a message, nothing kept or left open. */
	assert_null(db_kept_query(lab.db, &lab.kept, &e, "SELECT * FROM no_such_table", ""));
	assert_non_null(strstr(e.msg, "no_such_table"));

	/* Another connection adds a row and a column: the kept statement
	 * reads the new row (it holds no old snapshot) and is prepared again
	 * for the new schema (two columns). */
	assert_int_equal(kept_count(&cols), 1);
	assert_int_equal(cols, 1);
	p = xasprintf("%s/lab.db", dir);
	other = db_open(p, &e);
	free(p);
	assert_non_null(other);
	assert_int_equal(db_exec(other, "ALTER TABLE kept_t ADD COLUMN b; INSERT INTO kept_t VALUES (2, 3)", &e), 0);
	assert_int_equal(kept_count(&cols), 2);
	assert_int_equal(cols, 2);

	/* The change log through kept statements sees the other's writes. */
	assert_int_equal(changes_last(&lab, &seq, &e), 0);
	assert_int_equal(db_exec(other, "INSERT INTO nodes (id, name, image_id, overlay, ram_mb, cpus, "
	    "created_at) VALUES ('node-k', 'k', 'img-1', 'k.qcow2', 64, 1, 0)", &e), 0);
	assert_int_equal(changes_since(&lab, seq, &v, &n, &last, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "node-k");
	assert_int_equal(last, seq + 1);
	free(v);
	assert_int_equal(sqlite3_close(other), SQLITE_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_kept),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
