/*
 * pending.h: a journal that makes "a file and its row" appear together.
 *
 * A slow file (an imported image, an overlay) is made under a temporary
 * name outside any transaction. The journal row, committed first, names
 * the temporary and final paths and the owner (pid and its start time).
 * The owner then, in one BEGIN IMMEDIATE transaction, inserts its row,
 * renames the file into place and deletes the journal row. If it dies at
 * any point, the journal row survives (or the whole transaction rolls
 * back), and pending_recover, run by the next process to open the lab,
 * removes the temporary file of every entry whose owner is gone, and the
 * final path too when it is the same inode (renamed, never committed).
 */
#ifndef SANDLAB_PENDING_H
#define SANDLAB_PENDING_H

#include <stdint.h>

#include <sqlite3.h>

#include "util.h"

/*
 * The journal is a table of the lab database db; paths in it are relative
 * to the lab's root folder, root. It sits below lab.h: lab_open runs
 * pending_recover.
 */

/* Records the intent in its own transaction. Paths are relative to the lab
 * root. Returns the entry id (> 0), or -1 with a message and no entry. */
int64_t pending_add(sqlite3 *db, const char *tmp, const char *final, struct err *e);

/* Records the inode of the finished temporary file, so that recovery
 * removes the final path only if it is this very file. 0, or -1 with a
 * message and the entry unchanged. */
int pending_set_file(sqlite3 *db, int64_t id, const char *tmp_abs, struct err *e);

/* Forgets the entry; call inside the transaction that commits the row.
 * 0, or -1 with a message and the entry kept. */
int pending_done(sqlite3 *db, int64_t id, struct err *e);

/* After a failure with no row committed: remove the temporary file and
 * the entry. Best effort; a crash here is handled by pending_recover. */
void pending_abandon(sqlite3 *db, const char *root, int64_t id);

/* Inside the caller's transaction: marks a file for removal (owner pid 0,
 * so recovery removes it if this process dies). Returns the entry id; once
 * committed, pending_abandon(id) removes the file and the entry. -1 with a
 * message and no entry on failure. */
int64_t pending_doomed(sqlite3 *db, const char *rel, struct err *e);

/* Removes the files of entries whose owner is no longer alive. 0, or -1
 * with a message and every entry kept (files already removed stay gone;
 * the next run finds nothing to remove for them). */
int pending_recover(sqlite3 *db, const char *root, struct err *e);

#endif
