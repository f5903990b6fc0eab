/*
 * stopmode.c: the rows of `stopmodes` (one per node given a stop method
 * or grace) and the checks of what users give for them. Nothing here
 * stops a node: the keeper (runtime) reads the row at the stop.
 */
#include "stopmode.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "util.h"

const char *
stopmode_method(const struct stopmode *m)
{
	return m->poweroff ? "poweroff" : "shutdown";
}

int
stopmode_get(struct lab *lab, const char *node_id, struct stopmode *out, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	*out = (struct stopmode){ .grace_s = STOPMODE_GRACE_DEFAULT };
	rc = db_row(lab->db, &st, "reading a node's stop method", e,
	    "SELECT method, grace FROM stopmodes WHERE node_id = ?", "t", node_id);
	if (rc <= 0)
		return rc;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		out->method_set = 1;
		out->poweroff = strcmp((const char *)sqlite3_column_text(st, 0), "poweroff") == 0;
	}
	if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
		out->grace_set = 1;
		out->grace_s = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

int
stopmode_set(struct lab *lab, const char *node_id, const char *method, int grace_s, struct err *e)
{
	int own = sqlite3_get_autocommit(lab->db);

	if (own && db_begin(lab->db, e) != 0)
		return -1;
	if (db_run(lab->db, "saving the stop method", e,
	    "INSERT OR IGNORE INTO stopmodes (node_id) VALUES (?)", "t", node_id) != 0 ||
	    (method && db_run(lab->db, "saving the stop method", e,
	    "UPDATE stopmodes SET method = ? WHERE node_id = ?", "tt", method, node_id) != 0) ||
	    (grace_s >= 0 && db_run(lab->db, "saving the stop grace", e,
	    "UPDATE stopmodes SET grace = ? WHERE node_id = ?", "it", grace_s, node_id) != 0)) {
		if (own)
			db_rollback(lab->db);
		return -1;
	}
	return own ? db_commit(lab->db, e) : 0;
}

int
stopmode_copy(struct lab *lab, const char *from_id, const char *to_id, struct err *e)
{
	return db_run(lab->db, "copying the stop method", e,
	    "INSERT INTO stopmodes (node_id, method, grace)"
	    " SELECT ?, method, grace FROM stopmodes WHERE node_id = ?", "tt", to_id, from_id);
}

int
stopmode_grace_max(struct lab *lab)
{
	sqlite3_stmt *st;
	struct err e;
	int g = STOPMODE_GRACE_DEFAULT;

	if (db_row(lab->db, &st, "reading stop graces", &e,
	    "SELECT max(grace) FROM stopmodes", "") == 1) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL && sqlite3_column_int(st, 0) > g)
			g = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return g;
}

int
stopmode_check_method(const char *method, struct err *e)
{
	if (strcmp(method, "shutdown") != 0 && strcmp(method, "poweroff") != 0)
		return err_set(e, "--on-stop: shutdown (ACPI powerdown, then the grace, then quit) or "
		    "poweroff (quit at once)");
	return 0;
}

int
stopmode_check_grace(const char *text, int *out, struct err *e)
{
	long v;

	if (parse_int(text, 0, STOPMODE_GRACE_MAX, &v) != 0)
		return err_set(e, "--stop-grace: whole seconds from 0 to %d", STOPMODE_GRACE_MAX);
	*out = (int)v;
	return 0;
}
