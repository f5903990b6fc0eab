/*
 * contype.c: the rows of `contypes` (one per node whose console is VNC)
 * and the check of what users give. Nothing here opens a console: the
 * CLI asks contype_is_vnc before it attaches.
 */
#include "contype.h"

#include <string.h>

#include "db.h"
#include "util.h"

int
contype_check(const char *type, struct err *e)
{
	if (strcmp(type, CONTYPE_SERIAL) != 0 && strcmp(type, CONTYPE_VNC) != 0)
		return err_set(e, "a console is serial or vnc");
	return 0;
}

int
contype_is_vnc(struct lab *lab, const char *node_id, struct err *e)
{
	sqlite3_stmt *st;
	int rc = db_kept_row(lab->db, &lab->kept, &st, "reading a node's console type", e,
	    "SELECT 1 FROM contypes WHERE node_id = ? AND type = 'vnc'", "t", node_id);

	if (rc == 1)
		db_kept_done(lab->kept, st);
	return rc;
}

int
contype_set(struct lab *lab, const char *node_id, const char *type, struct err *e)
{
	if (strcmp(type, CONTYPE_VNC) == 0)
		return db_run(lab->db, "saving the console type", e,
		    "INSERT OR REPLACE INTO contypes (node_id, type) VALUES (?, 'vnc')", "t", node_id);
	return db_run(lab->db, "saving the console type", e,
	    "DELETE FROM contypes WHERE node_id = ?", "t", node_id);
}

int
contype_copy(struct lab *lab, const char *from_id, const char *to_id, struct err *e)
{
	return db_run(lab->db, "copying the console type", e,
	    "INSERT INTO contypes (node_id, type) SELECT ?, type FROM contypes WHERE node_id = ?",
	    "tt", to_id, from_id);
}
