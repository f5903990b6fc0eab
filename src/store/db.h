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

/* Opens without migrating (tests use it to build older versions). NULL
 * and a message on failure, with nothing left open. */
sqlite3 *db_open_raw(const char *path, struct err *e);

/* Migrates from the current version up to target (<= DB_VERSION). Each step
 * is its own BEGIN IMMEDIATE transaction; a failed step leaves the database
 * at the version before it. */
int db_migrate(sqlite3 *db, int target, struct err *e);

/* PRAGMA user_version, or -1 on error. */
int db_version(sqlite3 *db);

/* Runs SQL with no result rows. 0, or -1 with a message; a failed
 * statement among several leaves the ones before it done (wrap them in a
 * transaction when that matters). */
int db_exec(sqlite3 *db, const char *sql, struct err *e);

/* BEGIN IMMEDIATE (waits up to the busy timeout), COMMIT, ROLLBACK.
 * db_begin and db_commit: 0, or -1 with a message; a failed commit has
 * rolled the transaction back (a later db_rollback is harmless).
 * db_rollback does nothing outside a transaction. */
int db_begin(sqlite3 *db, struct err *e);
int db_commit(sqlite3 *db, struct err *e);
void db_rollback(sqlite3 *db);

/* Prepared statement (caller finalizes), or NULL with a message. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, struct err *e);

/*
 * Parameters by type letters, bound in order from ?1: 't' text (const
 * char *, NULL binds SQL NULL; bound SQLITE_STATIC, so it must outlive
 * the statement's steps), 'i' int, 'I' int64_t (pass an int64_t). An
 * unknown letter is a bug and aborts.
 */

/* Binds the values to st. 0, or -1 with a message; st is left for the
 * caller to finalize either way. */
int db_bind(sqlite3 *db, sqlite3_stmt *st, struct err *e, const char *types, ...);

/* A prepared statement with its values bound (caller steps and
 * finalizes), or NULL with a message and nothing left to finalize. */
sqlite3_stmt *db_query(sqlite3 *db, struct err *e, const char *sql, const char *types, ...);

/* Prepares, binds, steps once and finalizes: for INSERT, UPDATE, DELETE.
 * 0, or -1 with "what: sqlite's message" in e; then
 * sqlite3_extended_errcode(db) tells why (SQLITE_CONSTRAINT_UNIQUE ...)
 * and nothing of the statement was done. sqlite3_changes(db) counts the
 * rows it changed. */
int db_run(sqlite3 *db, const char *what, struct err *e, const char *sql, const char *types, ...);

/* Prepares, binds and steps to the first row: 1 with *out on that row
 * (caller reads its columns and finalizes *out), 0 when there is no row,
 * -1 with "what: sqlite's message" in e; with 0 and -1, *out is NULL and
 * nothing is left to finalize. */
int db_row(sqlite3 *db, sqlite3_stmt **out, const char *what, struct err *e, const char *sql,
    const char *types, ...);

/*
 * Statements kept prepared for the life of a connection: the queries a
 * long-lived process runs again at every change it reads (the dashboard
 * after another process wrote) are parsed once, not at every call.
 * struct lab holds one set (lab->kept); lab_close finalizes it before
 * closing. sql must be a string constant: its address is the key. After
 * a schema change (another process migrated the lab) sqlite prepares a
 * kept statement again by itself at its next step.
 *
 * db_kept_query and db_kept_row are db_query and db_row with sql's kept
 * statement; give it back with db_kept_done, never sqlite3_finalize.
 * While the kept one is out (a walk inside a walk), a fresh statement is
 * made, which db_kept_done finalizes. On failure nothing is left to give
 * back.
 */
struct db_kept;
sqlite3_stmt *db_kept_query(sqlite3 *db, struct db_kept **k, struct err *e, const char *sql,
    const char *types, ...);
int db_kept_row(sqlite3 *db, struct db_kept **k, sqlite3_stmt **out, const char *what, struct err *e,
    const char *sql, const char *types, ...);
/* Resets st (its read snapshot let go, its values unbound) and keeps it
 * for the next call, or finalizes a statement k does not keep. NULL st:
 * nothing. */
void db_kept_done(struct db_kept *k, sqlite3_stmt *st);
/* Finalizes every kept statement and frees k (NULL: nothing). */
void db_kept_free(struct db_kept *k);

/* Fills e with "what: sqlite's message" and returns -1. */
int db_fail(sqlite3 *db, struct err *e, const char *what);

/* Text column as a fresh string ("" for NULL); caller frees. Aborts on
 * out of memory, as every x* allocation. */
char *db_text(sqlite3_stmt *st, int col);

/* Appends an event to the log (inside or outside a transaction). 0, or
 * -1 and no event (a lost event is not worth failing the change for). */
int db_event(sqlite3 *db, const char *node_id, const char *kind, const char *detail);

#endif
