/*
 * db.h: the lab database. Opens lab.db with WAL, foreign keys and a busy
 * timeout, and brings its schema to DB_VERSION through numbered
 * migrations (PRAGMA user_version), each in one transaction.
 */
#ifndef SANDLAB_DB_H
#define SANDLAB_DB_H

#include <sqlite3.h>

#include "util.h"

/* The schema version this build writes; db_migrations has this many steps. */
extern const int DB_VERSION;

/* Opens (creating if needed) and migrates to DB_VERSION. NULL and a message
 * on failure, including a database from a newer sandlab. */
sqlite3 *db_open(const char *path, struct err *e);

/* Opens without migrating (tests use it to build older versions). */
sqlite3 *db_open_raw(const char *path, struct err *e);

/* Migrates from the current version up to target (<= DB_VERSION). Each step
 * is its own BEGIN IMMEDIATE transaction; a failed step leaves the database
 * at the version before it. */
int db_migrate(sqlite3 *db, int target, struct err *e);

/* PRAGMA user_version, or -1 on error. */
int db_version(sqlite3 *db);

/* Runs SQL with no result rows. */
int db_exec(sqlite3 *db, const char *sql, struct err *e);

/* BEGIN IMMEDIATE (waits up to the busy timeout), COMMIT, ROLLBACK. */
int db_begin(sqlite3 *db, struct err *e);
int db_commit(sqlite3 *db, struct err *e);
void db_rollback(sqlite3 *db);

/* Prepared statement or NULL with a message. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, struct err *e);

/* Fills e with "what: sqlite's message" and returns -1. */
int db_fail(sqlite3 *db, struct err *e, const char *what);

/* Text column as a fresh string ("" for NULL); caller frees. */
char *db_text(sqlite3_stmt *st, int col);

/* Appends an event to the log (inside or outside a transaction). */
int db_event(sqlite3 *db, const char *node_id, const char *kind, const char *detail);

#endif
