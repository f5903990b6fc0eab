/*
 * event.c: queries over the events table. Read-only.
 */
#include "event.h"

#include <stdlib.h>

#include "db.h"

int
event_recent(struct lab *lab, const char *node_id, size_t max, struct event **out, size_t *n,
    struct err *e)
{
	sqlite3_stmt *st;
	struct event *v = NULL;
	size_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = db_kept_query(lab->db, &lab->kept, e, "SELECT at, kind, detail FROM events WHERE node_id = ? "
	    "ORDER BY id DESC LIMIT ?", "tI", node_id, (int64_t)max);
	if (st == NULL)
		return -1;
	v = xcalloc(max ? max : 1, sizeof *v);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < max) {
		v[k].at = sqlite3_column_int64(st, 0);
		v[k].kind = db_text(st, 1);
		v[k].detail = db_text(st, 2);
		k++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		db_fail(lab->db, e, "reading events");
		db_kept_done(lab->kept, st);
		event_list_free(v, k);
		return -1;
	}
	db_kept_done(lab->kept, st);
	*out = v;
	*n = k;
	return 0;
}

void
event_list_free(struct event *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].detail);
	}
	free(v);
}

int
event_nodes_with(struct lab *lab, const char *kind, char ***ids, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	char **v = NULL;
	size_t k = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	st = db_prepare(lab->db, "SELECT DISTINCT n.id FROM events e JOIN nodes n ON n.id = e.node_id "
	    "WHERE e.kind = ? ORDER BY n.name", e);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, sizeof *v);
		v[k++] = db_text(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < k; i++)
			free(v[i]);
		free(v);
		return db_fail(lab->db, e, "reading events");
	}
	*ids = v;
	*n = k;
	return 0;
}
