/* Unit tests: the change log (changes.h) that the schema's triggers fill
 * and the dashboard reads: each node once with whether it is gone, a
 * write that touches many nodes, and a reader too far behind. */
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
	sqlite3_close(lab.db);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
