/*
 * runrow.c: reading and writing the `runs` row, and describing how QEMU
 * ended. The keeper writes only at state changes, never periodically.
 */
#include "runrow.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "db.h"
#include "sanitize.h"

static void
col_copy(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	str_copy(buf, len, (const char *)t);
}

int
runrow_read(sqlite3 *db, sqlite3_stmt **st, const char *node_id, struct run_row *r, struct err *e)
{
	int rc;

	memset(r, 0, sizeof *r);
	r->vnc_display = -1;
	if (*st == NULL && (*st = db_prepare(db, "SELECT state, accel, accel_why, vnc_display, "
	    "vnc_host, keeper_pid, qemu_pid, started_at, exit_kind, exit_detail, exit_at FROM runs "
	    "WHERE node_id = ?", e)) == NULL)
		return -1;
	sqlite3_reset(*st);
	if (sqlite3_bind_text(*st, 1, node_id, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		return db_fail(db, e, "reading a node's run state");
	rc = sqlite3_step(*st);
	if (rc == SQLITE_ROW) {
		r->present = 1;
		col_copy(*st, 0, r->state, sizeof r->state);
		col_copy(*st, 1, r->accel, sizeof r->accel);
		col_copy(*st, 2, r->accel_why, sizeof r->accel_why);
		if (sqlite3_column_type(*st, 3) != SQLITE_NULL)
			r->vnc_display = sqlite3_column_int(*st, 3);
		col_copy(*st, 4, r->vnc_host, sizeof r->vnc_host);
		r->keeper_pid = sqlite3_column_int(*st, 5);
		r->qemu_pid = sqlite3_column_int(*st, 6);
		r->started_at = sqlite3_column_int64(*st, 7);
		col_copy(*st, 8, r->exit_kind, sizeof r->exit_kind);
		col_copy(*st, 9, r->exit_detail, sizeof r->exit_detail);
		r->exit_at = sqlite3_column_int64(*st, 10);
	} else if (rc != SQLITE_DONE) {
		rc = db_fail(db, e, "reading a node's run state");
		sqlite3_reset(*st);
		return rc;
	}
	/* Reset, so the statement holds no read snapshot between calls. */
	sqlite3_reset(*st);
	return 0;
}

int
runrow_get(sqlite3 *db, const char *node_id, struct run_row *r, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = runrow_read(db, &st, node_id, r, e);

	sqlite3_finalize(st);
	return rc;
}

/* Runs one statement with text/int parameters in its own transaction,
 * with an event. Parameters: ?1 = node id, then the given texts. */
static int
runrow_write(sqlite3 *db, const char *sql, const char *node_id, const char *const *texts,
    int ntexts, const int64_t *ints, int nints, const char *event, const char *detail,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc, p = 2;

	if (db_begin(db, e) != 0)
		return -1;
	if ((st = db_prepare(db, sql, e)) == NULL) {
		db_rollback(db);
		return -1;
	}
	rc = sqlite3_bind_text(st, 1, node_id, -1, SQLITE_STATIC);
	for (int i = 0; i < ntexts && rc == SQLITE_OK; i++, p++)
		if (texts[i] != NULL)
			rc = sqlite3_bind_text(st, p, texts[i], -1, SQLITE_STATIC);
	for (int i = 0; i < nints && rc == SQLITE_OK; i++, p++)
		rc = sqlite3_bind_int64(st, p, ints[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, e, "recording a node's run state");
		db_rollback(db);
		return -1;
	}
	if (event != NULL && db_event(db, node_id, event, detail) != 0) {
		db_fail(db, e, "recording an event");
		db_rollback(db);
		return -1;
	}
	return db_commit(db, e);
}

int
runrow_starting(sqlite3 *db, const char *node_id, const char *accel, const char *accel_why,
    int keeper_pid, struct err *e)
{
	const char *t[] = { accel, accel_why };
	int64_t i[] = { keeper_pid };
	char detail[200];

	snprintf(detail, sizeof detail, "%s%s%s", accel, accel_why[0] ? ": " : "", accel_why);
	/* vnc_reserve made the row of a local node; a node on another host
	 * has no local display, so its first start makes the row here. */
	return runrow_write(db, "INSERT INTO runs (node_id, state, accel, accel_why, keeper_pid) "
	    "VALUES (?1, 'starting', ?2, ?3, ?4) ON CONFLICT (node_id) DO UPDATE SET state = 'starting', "
	    "accel = ?2, accel_why = ?3, keeper_pid = ?4, qemu_pid = NULL", node_id, t, 2, i, 1,
	    "starting", detail, e);
}

int
runrow_running(sqlite3 *db, const char *node_id, int qemu_pid, struct err *e)
{
	int64_t i[] = { qemu_pid, now_s() };
	char detail[32];

	snprintf(detail, sizeof detail, "qemu pid %d", qemu_pid);
	return runrow_write(db, "UPDATE runs SET state = 'running', qemu_pid = ?2, started_at = ?3 "
	    "WHERE node_id = ?1", node_id, NULL, 0, i, 2, "running", detail, e);
}

int
runrow_stopping(sqlite3 *db, const char *node_id, const char *how, struct err *e)
{
	return runrow_write(db, "UPDATE runs SET state = 'stopping' WHERE node_id = ?1 AND "
	    "state IN ('starting', 'running')", node_id, NULL, 0, NULL, 0, "stopping", how, e);
}

int
runrow_finish(sqlite3 *db, const char *node_id, const char *state, const char *kind,
    const char *detail, struct err *e)
{
	return runrow_finish_at(db, node_id, state, kind, detail, now_s(), e);
}

int
runrow_finish_at(sqlite3 *db, const char *node_id, const char *state, const char *kind,
    const char *detail, int64_t at, struct err *e)
{
	const char *t[] = { state, kind, detail };
	int64_t i[] = { at };
	char ev[200];

	snprintf(ev, sizeof ev, "%s: %s", kind, detail);
	/* A start can fail before it made the row: insert or update. */
	return runrow_write(db, "INSERT INTO runs (node_id, state, exit_kind, exit_detail, exit_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (node_id) DO UPDATE SET state = ?2, "
	    "exit_kind = ?3, exit_detail = ?4, exit_at = ?5, vnc_display = NULL, vnc_host = NULL, "
	    "keeper_pid = NULL, qemu_pid = NULL", node_id, t, 3, i, 1, state, ev, e);
}

/* The last non-empty line of QEMU's stderr, sanitised, without QEMU's
 * program name; when too long for buf, its middle (usually a path) gives
 * way to "...", so the reason at its end survives. */
static void
last_line(const char *s, char *buf, size_t len)
{
	static const char prog[] = "qemu-system-x86_64: ";
	const char *end, *start;
	char *clean;
	size_t n, head;

	buf[0] = '\0';
	if (s == NULL)
		return;
	end = s + strlen(s);
	while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	start = end;
	while (start > s && start[-1] != '\n')
		start--;
	if ((size_t)(end - start) > sizeof prog - 1 && strncmp(start, prog, sizeof prog - 1) == 0)
		start += sizeof prog - 1;
	clean = sanitize(start, (size_t)(end - start));
	n = strlen(clean);
	if (n < len)
		memcpy(buf, clean, n + 1);
	else {
		/* Cut at byte boundaries that sanitize left as whole characters
		 * or escapes: step back over UTF-8 continuation bytes. */
		size_t tail = (len - 1) * 2 / 3 - 3;
		head = len - 1 - 3 - tail;
		while (head > 0 && (clean[head] & 0xc0) == 0x80)
			head--;
		size_t from = n - tail;
		while (from < n && (clean[from] & 0xc0) == 0x80)
			from++;
		snprintf(buf, len, "%.*s...%s", (int)head, clean, clean + from);
	}
	free(clean);
}

void
run_exit_describe(const struct run_exit_facts *f, struct run_exit *o)
{
	int st = f->wait_status;
	char said[120];

	memset(o, 0, sizeof *o);
	last_line(f->stderr_tail, said, sizeof said);
	snprintf(o->state, sizeof o->state, "stopped");
	if (!f->started && (f->stop_requested || f->user_kill)) {
		snprintf(o->kind, sizeof o->kind, f->user_kill ? "killed" : "shutdown");
		snprintf(o->detail, sizeof o->detail, "%s while it was starting",
		    f->user_kill ? "killed by the user" : "stopped");
		return;
	}
	if (!f->started) {
		snprintf(o->kind, sizeof o->kind, "failed");
		if (said[0])
			snprintf(o->detail, sizeof o->detail, "%s", said);
		else if (WIFSIGNALED(st))
			snprintf(o->detail, sizeof o->detail, "QEMU was killed by signal %d before it was ready",
			    WTERMSIG(st));
		else
			snprintf(o->detail, sizeof o->detail, "QEMU exited with status %d before it was ready",
			    WEXITSTATUS(st));
		return;
	}
	if (WIFSIGNALED(st)) {
		int sig = WTERMSIG(st);
		if (sig == SIGKILL && f->lock_lost) {
			snprintf(o->kind, sizeof o->kind, "killed");
			snprintf(o->detail, sizeof o->detail, "its lock file was removed; the keeper ended it");
		} else if (sig == SIGKILL && f->user_kill) {
			snprintf(o->kind, sizeof o->kind, "killed");
			snprintf(o->detail, sizeof o->detail, "killed by the user (node kill)");
		} else if (sig == SIGKILL && f->stop_killed) {
			snprintf(o->kind, sizeof o->kind, "killed");
			snprintf(o->detail, sizeof o->detail,
			    "QEMU did not quit when asked; killed by node stop");
		} else {
			snprintf(o->state, sizeof o->state, "crashed");
			snprintf(o->kind, sizeof o->kind, "crashed");
			snprintf(o->detail, sizeof o->detail, "signal %d (SIG%s)", sig,
			    sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
		}
		return;
	}
	if (WEXITSTATUS(st) != 0) {
		snprintf(o->state, sizeof o->state, "crashed");
		snprintf(o->kind, sizeof o->kind, "crashed");
		snprintf(o->detail, sizeof o->detail, "status %d%s%s", WEXITSTATUS(st),
		    said[0] ? ": " : "", said);
		return;
	}
	snprintf(o->kind, sizeof o->kind, "shutdown");
	if (f->shutdown_seen && f->shutdown_guest)
		snprintf(o->detail, sizeof o->detail, "the guest powered off%s",
		    f->stop_requested && !f->stop_quit_sent ? " after ACPI powerdown" : "");
	else if (f->stop_poweroff)
		snprintf(o->detail, sizeof o->detail, "powered off at once by node stop (stop method poweroff)");
	else if (f->stop_quit_sent)
		snprintf(o->detail, sizeof o->detail, "quit over QMP after the guest ignored ACPI "
		    "powerdown for %d s", f->stop_grace_s);
	else if (f->shutdown_seen && strcmp(f->shutdown_reason, "host-qmp-quit") == 0)
		snprintf(o->detail, sizeof o->detail, "quit over QMP");
	else if (f->shutdown_seen && strcmp(f->shutdown_reason, "host-signal") == 0)
		snprintf(o->detail, sizeof o->detail, "QEMU stopped on a signal from the host");
	else
		snprintf(o->detail, sizeof o->detail, "QEMU exited cleanly");
}
